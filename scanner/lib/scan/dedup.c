/*
 * dedup.c - turning the workers' raw matches into findings: one per
 * (rule, secret, place), its commit and author, the later versions of a
 * secret a file kept dropped, in a stable order.
 */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * From raw matches to findings
 * ---------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? lg__strdup(s) : NULL;
}

/* Fills the commit fields of `f` from commit index `c` of `h`. */
static int set_commit(lg_finding *f, const lg_history *h, uint32_t c)
{
	const lg_commit_info *ci;

	if (c == NO_COMMIT)
		return 0;
	ci = &h->commits[c];
	memcpy(f->commit, ci->id, sizeof(f->commit));
	f->author_time = ci->time;
	f->author_offset = ci->offset;
	if (!(f->author_name = dup_or_null(ci->author_name)) ||
	    !(f->author_email = dup_or_null(ci->author_email)))
		return LG_ENOMEM;
	return 0;
}

/*
 * Turns one raw match into a finding at the blob's oldest provenance whose
 * path the ignore rules do not cover; the other such provenances go to
 * also_in. Writes 1 to *kept, or 0 when every location is ignored. Takes
 * ownership of the raw match's strings either way. Ignore globs are
 * matched against each path less its first `ignore_strip` bytes (the
 * scanned directory, outside git), so they are relative to the root that
 * holds the ignore file.
 */
/* The rest of a finding in a commit's or tag's message: the path says
 * which, the commit (or tag) and its author (tagger) are the message's. */
static int message_finding(lg_finding *f, int *kept, const raw_match *rm,
			   const lg_ignore *const *ignores, size_t nignores)
{
	const char *path = rm->tag_message ? LG_TAG_MESSAGE_PATH : LG_COMMIT_MESSAGE_PATH;
	size_t k;

	for (k = 0; k < nignores; k++)
		if (lg_ignore_path(ignores[k], path))
			return 0;
	memcpy(f->commit, rm->message->id, sizeof(f->commit));
	f->author_time = rm->message->time;
	f->author_offset = rm->message->offset;
	if (!(f->path = lg__strdup(path)) ||
	    !(f->author_name = lg__strdup(rm->message->author_name)) ||
	    !(f->author_email = lg__strdup(rm->message->author_email)) ||
	    !(f->also_in = calloc(1, sizeof(*f->also_in))))
		return lg_error_set_oom();
	*kept = 1;
	return 0;
}

static int make_finding(lg_finding *f, int *kept, uint32_t *commit_order,
			raw_match *rm, const lg_history *h,
			const lg_ignore *const *ignores, size_t nignores,
			size_t ignore_strip, const char *repository)
{
	const lg_blob_entry *b;
	size_t p, k, locations = 0;
	int err = 0;

	memset(f, 0, sizeof(*f));
	*kept = 0;
	*commit_order = NO_COMMIT;
	f->rule = rm->rule;
	f->secret = rm->secret;
	f->secret_len = rm->secret_len;
	f->line_text = rm->line_text;
	rm->secret = rm->line_text = NULL;
	f->line = rm->line;
	f->column = rm->column;
	f->end_column = rm->end_column;
	f->binary = rm->binary;
	f->inline_allowed = rm->inline_allowed;
	f->repository = repository;
	f->decoded = rm->decoded;
	if (rm->unconfirmed && !(f->unconfirmed = lg__strdup(rm->unconfirmed)))
		return LG_ENOMEM;
	f->parts = rm->parts;
	f->part_count = rm->part_count;
	rm->parts = NULL;
	rm->part_count = 0;
	if (f->part_count)
		lg_pair__fingerprint(f->fingerprint, f->rule->id, f->parts, f->part_count);
	else
		lg_fingerprint(f->fingerprint, f->rule->id, f->secret, f->secret_len);
	for (k = 0; k < nignores; k++)
		if (lg_ignore_fingerprint(ignores[k], f->fingerprint))
			return 0;
	if (rm->message)
		return message_finding(f, kept, rm, ignores, nignores);
	b = &h->blobs[rm->item];
	if (h->commits)
		lg_scan__hex_id(f->blob, b->id);

	f->also_in = calloc(b->prov_count ? b->prov_count : 1, sizeof(*f->also_in));
	if (!f->also_in)
		return lg_error_set_oom();
	for (p = 0; p < b->prov_count && !err; p++) {
		const lg_provenance *pv = &h->provs[b->first_prov + p];
		int ignored = 0;

		const char *relative = strlen(pv->path) >= ignore_strip ?
			pv->path + ignore_strip : pv->path;

		for (k = 0; k < nignores; k++)
			ignored |= lg_ignore_path(ignores[k], relative);
		if (ignored)
			continue;
		if (locations++ == 0) {
			*commit_order = pv->commit;
			if (!(f->path = lg__strdup(pv->path)))
				err = LG_ENOMEM;
			else
				err = set_commit(f, h, pv->commit);
			continue;
		}
		lg_location *loc = &f->also_in[f->also_in_count++];
		if (!(loc->path = lg__strdup(pv->path)))
			err = LG_ENOMEM;
		else if (pv->commit != NO_COMMIT)
			memcpy(loc->commit, h->commits[pv->commit].id, 41);
	}
	if (b->prov_count == 0 && !(f->path = lg__strdup("")))
		err = LG_ENOMEM;
	*kept = !err && (locations > 0 || b->prov_count == 0);
	return err;
}

static int compare_findings(const void *pa, const void *pb)
{
	const lg_finding *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if ((c = strcmp(a->commit, b->commit)) != 0)
		return c;
	return strcmp(a->blob, b->blob);
}

typedef struct {
	lg_finding *f;
	uint32_t commit_order; /* walk order of the introducing commit */
} ranked_finding;

static int compare_for_dedup(const void *pa, const void *pb)
{
	const ranked_finding *a = pa, *b = pb;
	int c = strcmp(a->f->fingerprint, b->f->fingerprint);

	if (c || (c = strcmp(a->f->path, b->f->path)))
		return c;
	if (a->commit_order != b->commit_order)
		return a->commit_order < b->commit_order ? -1 : 1;
	return strcmp(a->f->blob, b->f->blob);
}

/*
 * A secret that stays in a file while other lines change sits in every
 * later version of that file, each a blob of its own. Report it once per
 * path: from the version of the commit that introduced it (the oldest in
 * walk order). Two occurrences within that one version both stay.
 */
static void drop_later_versions(lg_report *out, const uint32_t *orders)
{
	ranked_finding *r = malloc((out->count ? out->count : 1) * sizeof(*r));
	lg_finding *kept;
	size_t i, n = 0, group = 0;

	if (!r)
		return; /* duplicates are noise, not a wrong answer */
	for (i = 0; i < out->count; i++) {
		r[i].f = &out->findings[i];
		r[i].commit_order = orders[i];
	}
	qsort(r, out->count, sizeof(*r), compare_for_dedup);
	if (!(kept = malloc((out->count ? out->count : 1) * sizeof(*kept)))) {
		free(r);
		return;
	}
	for (i = 0; i < out->count; i++) {
		if (i == 0 || strcmp(r[i].f->fingerprint, r[group].f->fingerprint) != 0 ||
		    strcmp(r[i].f->path, r[group].f->path) != 0)
			group = i;
		if (strcmp(r[i].f->blob, r[group].f->blob) == 0)
			kept[n++] = *r[i].f;
		else
			lg_finding__release(r[i].f);
	}
	free(out->findings);
	out->findings = kept;
	out->count = n;
	free(r);
}

/* Builds the report's findings from every raw match (consumed). */
int lg_scan__build_findings(lg_report *out, match_vec *all, const lg_history *h,
			  const lg_ignore *const *ignores, size_t nignores,
			  size_t ignore_strip, const char *repository)
{
	uint32_t *orders = malloc((all->count ? all->count : 1) * sizeof(*orders));
	size_t i;
	int err = 0;

	out->findings = calloc(all->count ? all->count : 1, sizeof(*out->findings));
	if (!out->findings || !orders) {
		free(orders);
		return lg_error_set_oom();
	}
	for (i = 0; i < all->count && !err; i++) {
		lg_finding *f = &out->findings[out->count];
		int kept;

		err = make_finding(f, &kept, &orders[out->count], &all->v[i], h, ignores,
				   nignores, ignore_strip, repository);
		if (kept)
			out->count++;
		else {
			lg_finding__release(f);
			out->summary.ignored++;
		}
	}
	if (!err)
		drop_later_versions(out, orders);
	free(orders);
	qsort(out->findings, out->count, sizeof(*out->findings), compare_findings);
	out->summary.findings = out->count;
	return err;
}
