/*
 * walk.h - which blobs to scan and where they came from (libgit2).
 *
 * The only module that includes git2.h besides the blob reading in scan.c's
 * workers, which go through lg_repo__read_blob below. Internal API.
 */
#ifndef LG_WALK_H
#define LG_WALK_H

#include "internal.h"

typedef struct lg_repo lg_repo;

/* Opens the repository at `path` (a working copy, its .git, or a bare
 * repository), honouring GIT_DIR, GIT_OBJECT_DIRECTORY and
 * GIT_ALTERNATE_OBJECT_DIRECTORIES (GIT_REPOSITORY_OPEN_FROM_ENV). `path`
 * may be NULL to use only the environment/current directory. Each thread
 * opens its own handle. LG_EREPO with a message naming the path on failure. */
int lg_repo__open(lg_repo **out, const char *path);
/* (Clarification.) The variables are read by walk.c itself, because
 * libgit2 1.5's FROM_ENV refuses to open anything while GIT_WORK_TREE is
 * set, as git sets it for the hooks of `git --work-tree=DIR commit`. As with
 * libgit2, an explicit `path` wins over GIT_DIR; GIT_WORK_TREE applies only
 * when `path` is NULL; GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES,
 * GIT_INDEX_FILE and GIT_NAMESPACE apply either way. */
void lg_repo__free(lg_repo *repo);
int lg_repo__is_shallow(lg_repo *repo);
/* The working directory ("" for a bare repository); borrowed. */
const char *lg_repo__workdir(lg_repo *repo);
/* The directory holding the repository's own objects and packs (its
 * alternates are not included); borrowed. */
const char *lg_repo__objects_dir(lg_repo *repo);

/* Reads a blob's content. *data stays valid until lg_repo__release_blob(
 * *handle). Blobs larger than `max_size` are not read: returns LG_ELIMIT and
 * writes the size to *len. LG_EREPO (message naming the blob id) when the
 * object is missing or corrupt. */
int lg_repo__read_blob(const char **data, size_t *len, void **handle,
		       lg_repo *repo, const uint8_t id[20], uint64_t max_size);
void lg_repo__release_blob(void *handle);

/* Reads a file at `path` from the tree of HEAD (for .leakgateignore in a
 * bare repository). LG_ENOTFOUND when absent. *out is malloc'd,
 * NUL-terminated. */
int lg_repo__read_head_file(char **out, size_t *len, lg_repo *repo,
			    const char *path);

typedef struct {
	char id[41];
	char *author_name;
	char *author_email;
	int64_t time;   /* author time, seconds since the epoch */
	int offset;     /* author time zone, minutes east of UTC */
} lg_commit_info;

/* One place a blob was found: the oldest commit (in topological order,
 * parents first) whose tree holds the blob at `path`. (Clarification:
 * `commit` is UINT32_MAX for what only a tag of a tree or a blob reaches,
 * and for staged items; a tagged blob's path is "".) */
typedef struct {
	uint32_t commit; /* index into lg_history.commits */
	const char *path; /* raw path bytes, NUL-terminated; owned by history */
} lg_provenance;

typedef struct {
	uint8_t id[20];
	uint64_t size;       /* from the object header, when cheaply known; else 0 */
	uint64_t pack_order; /* sort key for reading: pack offset or best guess */
	uint32_t first_prov; /* index into lg_history.provs */
	uint32_t prov_count; /* one per distinct path, oldest first; 0 for blobs
				that no ref reaches (all_objects) */
	/* Outside a full-history scan: only these 1-based lines (sorted) are
	 * new, and only findings on them count. NULL: every line. */
	const uint32_t *added_lines;
	uint32_t added_count;
} lg_blob_entry;

typedef struct {
	lg_blob_entry *blobs;
	size_t blob_count;
	lg_provenance *provs;
	size_t prov_count;
	lg_commit_info *commits;
	size_t commit_count;
	uint8_t (*tips)[20]; /* the commits the refs point to, as walked */
	size_t tip_count;
	size_t unreadable;   /* commits and trees that could not be read (and
				trees nested too deep to walk) */
	void *arena; /* owns path strings and commit strings */
} lg_history;

typedef struct {
	int all_objects; /* add every blob in the object database */
	/* An incremental scan: commits its tips reach are not walked and its
	 * blobs are not collected. NULL: everything. */
	const lg_state *known;
	void (*on_warning)(const char *message, void *payload);
	void *payload;
} lg_history_options;

/*
 * Walks every commit reachable from every ref (branches, tags annotated and
 * lightweight, remote-tracking refs, notes, stash; HEAD too), parents
 * before children, visiting each distinct (tree, path) once, and records
 * each distinct blob once with its provenance. Broken refs produce a warning
 * and are skipped. Returns LG_EREPO when nothing sensible can be read.
 */
int lg_history__collect(lg_history *out, lg_repo *repo,
			const lg_history_options *opts);
void lg_history__release(lg_history *h);

/*
 * Collects the lines added by the commits of `range` (reachable from its
 * includes and from none of its excludes), each commit diffed against its
 * parent (new files whole; a merge only where it differs from every
 * parent; renames followed, so a moved file adds nothing). One item per
 * (commit, changed file), with its added lines.
 */
int lg_history__collect_added(lg_history *out, lg_repo *repo,
			      const lg_commit_range *range,
			      const lg_history_options *opts);

/* Collects the lines the index adds to HEAD (to an empty tree before the
 * first commit). Items carry no commit. */
int lg_history__collect_staged(lg_history *out, lg_repo *repo,
			       const lg_history_options *opts);

/* A stable id of the repository (a hash of its git directory's path), to
 * tell one repository's state file from another's. */
void lg_repo__id(char out[41], lg_repo *repo);

/* Reads `path` from the tree of the commit `rev` (for the ignore file of
 * pushed content). LG_ENOTFOUND when absent. */
int lg_repo__read_rev_file(char **out, size_t *len, lg_repo *repo,
			   const char *rev, const char *path);

#endif
