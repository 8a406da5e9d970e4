/*
 * findings.h - the findings room's internals: a finding's memory, the
 * state an incremental scan remembers. Not public API.
 */
#ifndef LG_FINDINGS_H
#define LG_FINDINGS_H

#include "util/util.h"

/* list.c: frees a finding's strings and zeroes it (not the struct). */
void lg_finding__release(lg_finding *f);

/* list.c: what a report read back from a file (report/read_json.c) owns
 * besides its findings' strings: the rules they point to, repository
 * paths; a list of allocations. _keep hands `block` (malloc'd; NULL means
 * out of memory) to the list and returns it, or NULL with LG_ENOMEM set
 * (and the block freed); _adopt moves *from's list onto *into's; _free
 * accepts NULL. */
struct lg_report_storage {
	struct lg_report_storage *next;
	void *block;
};
void *lg_report__storage_keep(lg_report_storage **storage, void *block);
void lg_report__storage_adopt(lg_report_storage **into, lg_report_storage **from);
void lg_report__storage_free(lg_report_storage *s);

/* state.c: what an incremental scan remembers. `blobs` is sorted. */
struct lg_state {
	int loaded;          /* read from a valid file */
	char rules_hash[41];
	char repo_id[41];
	uint8_t (*tips)[20];
	size_t tip_count;
	uint8_t (*blobs)[20];
	size_t blob_count;
};

/* 1 when the state records object `id` as read in full: a blob, or an
 * annotated tag whose message was matched. */
int lg_state__knows_blob(const lg_state *s, const uint8_t id[20]);
/* Replaces the state's content: tips, and blobs = old blobs + `added`. */
int lg_state__update(lg_state *s, const char *rules_hash, const char *repo_id,
		     uint8_t (*tips)[20], size_t tip_count,
		     const uint8_t (*added)[20], size_t added_count);

/* glob.c: one glob of the ignore file. */
/* One segment of a glob (between slashes); "**" matches any number of
 * path segments, anything else exactly one. Points into lg_glob.text or at
 * a static "**". */
typedef struct {
	const char *p;
	size_t len;
} lg_glob_seg;

typedef struct {
	char *text;       /* the glob with leading/trailing slashes removed */
	lg_glob_seg *segs;
	size_t nsegs;
	int dir;          /* match directories of the path, not its file name */
} lg_glob;

/* Compiles one glob entry (trimmed, not a fingerprint) of line `lineno`
 * into *g; on failure *g holds nothing to free. */
int lg_glob__compile(lg_glob *g, const char *entry, size_t len, size_t lineno);
/* 1 when glob `g` covers `path` (repository-relative, '/'-separated). */
int lg_glob__match(const lg_glob *g, const char *path);

/* fingerprint.c: 1 when s[0, len) is a fingerprint as written: exactly
 * LG_FINGERPRINT_HEXLEN lowercase hex digits (ignore files, baselines). */
int lg_fingerprint__is_valid(const char *s, size_t len);

#endif
