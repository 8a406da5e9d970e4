/*
 * incremental.c - an incremental scan's state: whether the one given
 * may be trusted, and recording what this scan read in full.
 */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>

/* The state an incremental scan may trust: only one written for this
 * repository and these rules. Anything else means a full scan, said. */
const lg_state *lg_scan__usable_state(const lg_scan_options *opts, const char *repo_id,
				    const char *rules_hash)
{
	const lg_state *s = opts->state;
	const char *why = NULL;

	if (!s || !s->loaded || opts->state_rescan_all)
		return NULL;
	if (strcmp(s->repo_id, repo_id) != 0)
		why = "the state file is from another repository";
	else if (strcmp(s->rules_hash, rules_hash) != 0)
		why = "the rules changed since the state file was written";
	if (!why)
		return s;
	if (opts->on_warning) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s: scanning the whole history", why);
		opts->on_warning(msg, opts->payload);
	}
	return NULL;
}

/* Records in the state what this scan read in full, and the tips it
 * walked from. A full scan replaces what the state held. The tags go in
 * with the blobs: the state's set is of objects read in full, and an id
 * names one object whatever its type. */
int lg_scan__record_state(lg_state *s, const lg_state *known, const lg_history *h,
			  const uint8_t *scanned_ok, const uint8_t (*tags)[20], size_t tag_count,
			  const char *rules_hash, const char *repo_id)
{
	uint8_t (*added)[20] = malloc((h->blob_count + tag_count + 1) * 20);
	size_t i, n = 0;
	int err;

	if (!added)
		return lg_error_set_oom();
	for (i = 0; i < h->blob_count; i++)
		if (scanned_ok[i])
			memcpy(added[n++], h->blobs[i].id, 20);
	if (tag_count)
		memcpy(added[n], tags, tag_count * 20);
	n += tag_count;
	if (!known)
		s->blob_count = 0;
	err = lg_state__update(s, rules_hash, repo_id, h->tips, h->tip_count,
			       (const uint8_t (*)[20])added, n);
	free(added);
	return err;
}

