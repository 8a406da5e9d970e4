/*
 * leakgate_tool.h - the part of leakgate's API that only the leakgate
 * tool needs: reading what git feeds a hook, finding where a repository's
 * hooks live, and the git config settings `install` writes and the hooks
 * read. Library users need only leakgate.h; the conventions are its.
 */
#ifndef LEAKGATE_TOOL_H
#define LEAKGATE_TOOL_H

#include "leakgate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One line of what git feeds a hook on stdin, split in place. pre-receive:
 * "<old> <new> <ref>"; pre-push: "<local ref> <local id> <remote ref>
 * <remote id>". `scan` is the id whose commits are new (new / local id),
 * `known` the id the other side has (old / remote id); all-zero ids mean
 * creation or deletion. */
typedef struct {
	const char *ref;
	const char *scan;
	const char *known;
} lg_hook_line;

/* Parses `line` (modified: fields are NUL-terminated in place; no trailing
 * newline). LG_EINVALID with a message on a malformed line. */
int lg_hook_parse_line(lg_hook_line *out, char *line, int pre_push);
/* 1 when `id` is all zeros (a ref created or deleted). */
int lg_hook_is_zero_id(const char *id);

/* The directory git runs the repository's hooks from (core.hooksPath
 * honoured); *out is malloc'd. *bare tells a bare repository. */
int lg_repository_hooks_dir(char **out, int *bare, const char *path);

/* Reads git config settings of the repository at `path` (NULL: the one git
 * runs a hook in, GIT_DIR honoured), every level (system, global, the
 * repository's own) as git reads them: values[i] gets a malloc'd copy of
 * names[i]'s value, NULL when it is unset; a key written without a value
 * reads "true". On failure every values[i] is NULL. */
int lg_repository_config_read(char **values, const char *path, const char *const *names,
			      size_t count);
/* A repository opened once, for a hook that reads its settings and then
 * scans it (opening it a second time cost a warm hook about 1% of its
 * time). lg_repository_open opens it as lg_scan_added would open `path`
 * (NULL: the one git runs a hook in, GIT_DIR honoured); _free accepts
 * NULL. */
typedef struct lg_repo lg_repository;
int lg_repository_open(lg_repository **out, const char *path);
void lg_repository_free(lg_repository *repo);
/* lg_repository_config_read of an open repository. */
int lg_repository_config_get(char **values, lg_repository *repo, const char *const *names,
			     size_t count);
/* lg_scan_added and lg_scan_staged of an open repository (borrowed). */
int lg_scan_added_in(lg_report *out, const lg_matcher *m, lg_repository *repo,
		     const lg_commit_range *range, const lg_scan_options *opts);
int lg_scan_staged_in(lg_report *out, const lg_matcher *m, lg_repository *repo,
		      const lg_scan_options *opts);

/* Writes names[i] = values[i] into the repository's own config file
 * (.git/config, or config in a bare repository). */
int lg_repository_config_write(const char *path, const char *const *names,
			       const char *const *values, size_t count);

#ifdef __cplusplus
}
#endif

#endif
