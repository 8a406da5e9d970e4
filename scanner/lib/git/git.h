/*
 * git.h - the git room's internals: opening a repository, listing the
 * blobs to scan and where they came from (the whole history, or the lines
 * a push or the index adds), reading them (by id, from the packs in pack
 * order, loose ones in chunks), and initialising libgit2.
 *
 * Only the .c files of git/ include git2.h; this header names libgit2's
 * types by their struct tags, so the rest of the library never sees them.
 * Not public API.
 */
#ifndef LG_GIT_H
#define LG_GIT_H

#include "util/util.h"

#include <stdatomic.h>

struct git_repository;
struct libdeflate_decompressor;
struct git_odb;
struct git_object;
struct git_commit;

/* Trees nested deeper than this are not walked (counted unreadable). */
#define LG_MAX_TREE_DEPTH 4096

/* ------------------------------------------------------------------------
 * repo.c: a repository, opened the way git would
 * ---------------------------------------------------------------------- */

typedef struct lg_repo lg_repo;
struct lg_repo {
	struct git_repository *repo;
	struct git_odb *odb;
	char *workdir;
	char *objects_dir;
	char *path; /* as opened (NULL: from the environment), for the
		       threads that open their own handle */
};

/* The message of libgit2's last error, or "unknown error". */
const char *lg_git__message(void);

/* Opens the repository at `path` (a working copy, its .git, or a bare
 * repository), honouring GIT_DIR, GIT_OBJECT_DIRECTORY and
 * GIT_ALTERNATE_OBJECT_DIRECTORIES (GIT_REPOSITORY_OPEN_FROM_ENV). `path`
 * may be NULL to use only the environment/current directory. Each thread
 * opens its own handle. LG_EREPO with a message naming the path on failure. */
int lg_repo__open(lg_repo **out, const char *path);
/* (Clarification.) The variables are read by repo.c itself, because
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

/* ------------------------------------------------------------------------
 * walk.c, diff.c: which blobs to scan and where they came from
 * ---------------------------------------------------------------------- */

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
	size_t ref_count;     /* refs whose tips were walked (not HEAD) */
	uint8_t (*tips)[20]; /* the commits the refs point to, as walked */
	size_t tip_count;
	size_t unreadable;   /* commits and trees that could not be read (and
				trees nested too deep to walk) */
	void *arena; /* owns path strings and commit strings */
} lg_history;

/* A commit's or an annotated tag's message, as the walk reads it. */
typedef struct {
	/* The commit (id, author, date), or for a tag the tag object's id
	 * with its tagger and date. Borrowed: valid during the call. */
	const lg_commit_info *who;
	int tag;          /* 1 for a tag's message */
	const char *text; /* the message (no headers) */
	size_t len;
} lg_message;

typedef struct {
	int all_objects; /* add every blob in the object database */
	/* An incremental scan: commits these tips reach are not walked, and
	 * blobs known_blob says an earlier run scanned are not collected
	 * (scan/ answers from its state file; git/ knows nothing of it).
	 * 0 / NULL: everything. */
	uint8_t (*known_tips)[20];
	size_t known_tip_count;
	int (*known_blob)(const uint8_t id[20], const void *payload);
	const void *known_payload;
	void (*on_warning)(const char *message, void *payload);
	void *payload;
	/* Called with the message of each commit the walk visits, as it reads
	 * the commit (no second pass over the history), and of each annotated
	 * tag a ref (or a pushed revision) names, once a tag; a non-zero
	 * return stops the walk with that error. NULL: messages are not
	 * read. */
	int (*on_message)(const lg_message *msg, void *payload);
	void *message_payload;
	/* lg_history__collect_added: when set, only the files whose new blob
	 * it returns 1 for are diffed (a commit adding none of them is not
	 * diffed at all); the others add no item. NULL: every file. */
	int (*wanted)(const uint8_t id[20], void *payload);
	void *wanted_payload;
	/* lg_history__collect_added: when not NULL, the commits of an
	 * earlier walk of the same range (collect_changed's
	 * lg_history.commits, only their ids read; walked_count of them, 0
	 * for an empty range), visited in that order instead of walking the
	 * range again. NULL: the range is walked. */
	const lg_commit_info *walked;
	size_t walked_count;
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

/* Collects each distinct blob the commits of `range` bring in (the new
 * side of every file a commit changes against its first parent), once,
 * with every line: the first commit and path it appears at. No diff, so
 * no rename detection: a superset of the blobs of collect_added's items. */
int lg_history__collect_changed(lg_history *out, lg_repo *repo,
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


/* ------------------------------------------------------------------------
 * oidmap.c: the walks' bookkeeping (an arena, a hash map)
 * ---------------------------------------------------------------------- */

/* Copies s[0, n) and a NUL into the arena *arena (NULL to start one);
 * NULL when out of memory. Everything is freed by lg_arena__free. */
char *lg_arena__strndup(void **arena, const char *s, size_t n);
void lg_arena__free(void *arena);

/* A hash map from an object id, or an (object id, path) pair, to an
 * index: small slots looked at at random, the keys apart in blocks in the
 * order they were added (oidmap.c says why). A map holds ids or pairs,
 * never both. */
#define LG_OIDMAP_BLOCK 1024 /* keys a block */

typedef struct {
	uint32_t hash; /* 32 bits of the key's hash */
	uint32_t key;  /* the key's number, from 1; 0: an empty slot */
} lg_oidmap_slot;

typedef struct {
	uint8_t id[20];
	uint32_t value;
	const char *path; /* NULL, or the path (owned by the history's arena) */
} lg_oidmap_key;

typedef struct {
	lg_oidmap_slot *slots;
	size_t mask, count;
	lg_oidmap_key **blocks; /* key k (from 1) is blocks[(k-1) / BLOCK][(k-1) % BLOCK] */
	size_t block_count, block_alloc;
} lg_oidmap;

/* FNV-1a, extended a path component at a time: the walk hashes each
 * directory's prefix once, not once per file below it. */
#define LG_PATH_HASH_START 0xcbf29ce484222325ull
uint64_t lg_oidmap__path_hash_extend(uint64_t h, const char *s, size_t n);
/* The tag of a path whose hash is `h`: never 0, the tag of keys without a
 * path. */
uint64_t lg_oidmap__path_tag(uint64_t h);
/* An empty map with room for `capacity` keys before its table grows. */
int lg_oidmap__init(lg_oidmap *m, size_t capacity);
/* Frees what the map holds (not the paths) and empties it; a zeroed map
 * too. */
void lg_oidmap__release(lg_oidmap *m);
/* The bytes the map holds, its table and its keys, room included. */
size_t lg_oidmap__bytes(const lg_oidmap *m);
int lg_oidmap__contains(const lg_oidmap *m, const uint8_t id[20]);
/* Looks `id` up; when absent, inserts it with `value`. Writes the stored
 * value to *found and returns 1 when it was already there, 0 when added,
 * LG_ENOMEM. */
int lg_oidmap__get_or_put(uint32_t *found, lg_oidmap *m, const uint8_t id[20],
			  uint32_t value);
/* 1 when (id, path) is in the map; `tag` is the path's. */
int lg_oidmap__has_path(const lg_oidmap *m, const uint8_t id[20], const char *path,
			uint64_t tag);
/* Adds (id, path), which must be absent; `path` is stored, not copied, so
 * it must live as long as the map (an arena string). */
int lg_oidmap__add_path(lg_oidmap *m, const uint8_t id[20], const char *path, uint64_t tag);

/* ------------------------------------------------------------------------
 * lasttree.c: the last tree the walk finished at each path
 * ---------------------------------------------------------------------- */

typedef struct lg_obj lg_obj;
typedef struct lg_last_tree lg_last_tree;
typedef struct {
	lg_last_tree *slots;
	size_t mask, count;
	size_t bytes; /* the trees' bytes held, all together */
} lg_last_trees;

/* The last tree finished at `path` (whose lg_oidmap__path_hash_extend hash
 * is `path_hash`), or NULL; borrowed until the next _put or _release. */
const lg_obj *lg_last_trees__get(const lg_last_trees *lt, const char *path,
				 uint64_t path_hash);
/* Remembers `tree` (a reference taken over) as the last tree finished at
 * `path`, which must live as long as the cache (an arena string, or "").
 * Returns 1 when it forgot every other tree to make room (what _get
 * returned before is then gone), 0, or LG_ENOMEM. */
int lg_last_trees__put(lg_last_trees *lt, const char *path, uint64_t path_hash,
		       lg_obj *tree);
void lg_last_trees__release(lg_last_trees *lt);

/* ------------------------------------------------------------------------
 * walk.c, shared with diff.c: the collector both walks fill
 * ---------------------------------------------------------------------- */

typedef struct {
	uint32_t blob;
	uint32_t commit;
	const char *path;
} lg_raw_prov;

typedef struct {
	lg_repo *repo;
	const lg_history_options *opts;
	lg_history *h;
	size_t blob_alloc, commit_alloc, tip_alloc;
	lg_raw_prov *provs;
	size_t prov_count, prov_alloc;
	lg_oidmap blobs;      /* blob id -> index */
	lg_oidmap seen_trees; /* (tree id, path) -> 1 */
	lg_oidmap seen_pairs; /* (blob id, path) -> 1 */
	lg_oidmap tip_set;    /* commit id -> 1, so a tip is recorded once */
	lg_last_trees last_trees; /* what the walk skips unchanged entries against */
	struct lg_objreader *objs; /* the full walk's commits and trees; NULL elsewhere */
	size_t broken_refs; /* refs whose target could not be read */
	/* Trees and blobs that tags point to, walked after the commits so
	 * that what a commit also holds is credited to the commit. */
	struct git_object **tagged;
	size_t tagged_count, tagged_alloc;
	lg_buf path;
} lg_collector;

/* Set-up and tear-down shared by the collectors; _end groups the
 * provenances (on success) or releases the history (after `err`). */
int lg_walk__collector_begin(lg_collector *c, lg_history *out, lg_repo *repo,
			     const lg_history_options *opts);
int lg_walk__collector_end(lg_collector *c, int err);
/* Passes a formatted warning to the options' on_warning, if any. */
void lg_walk__warn(lg_collector *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Records a commit's id, author and time in the history. */
int lg_walk__record_commit(lg_commit_info **out, lg_collector *c, struct git_commit *commit);
/* Hands the message of the commit just recorded as `ci`, or of annotated
 * tag `tag` (once per tag), to the options' on_message, if any. */
int lg_walk__commit_message(lg_collector *c, const lg_commit_info *ci,
			    struct git_commit *commit);
struct git_tag;
int lg_walk__tag_message(lg_collector *c, struct git_tag *tag);

/* ------------------------------------------------------------------------
 * gitinit.c: libgit2, initialised once
 * ---------------------------------------------------------------------- */

/* Initialises libgit2 once per process with its defaults, safe from any
 * thread; what lg_global_init asked for is applied there, not here. 0, or
 * LG_ERROR when libgit2 cannot initialise. */
int lg__libgit2_init(void);

/* ------------------------------------------------------------------------
 * loose.c: a large loose blob read in chunks
 * ---------------------------------------------------------------------- */

/* Through libgit2's read stream, from the loose objects of `objects_dir`
 * alone (one per thread).
 * lg_loose__stream_open: 0 and the size in *size when blob `id` is loose
 * there and larger than `threshold` (and at most `max_size`); LG_ENOTFOUND
 * for anything else, to be read whole by id, which reports what is wrong.
 * lg_loose__stream_read then fills `buf`, *got 0 at the end; LG_EREPO
 * naming the blob when it is corrupt. */
typedef struct lg_loose lg_loose;
int lg_loose__open(lg_loose **out, const char *objects_dir);
int lg_loose__stream_open(uint64_t *size, lg_loose *l, const uint8_t id[20],
			  uint64_t threshold, uint64_t max_size);
int lg_loose__stream_read(size_t *got, lg_loose *l, char *buf, size_t cap);
void lg_loose__free(lg_loose *l);

/* ------------------------------------------------------------------------
 * lru.c: the pack readers' cache of recent objects, by (pack, offset)
 * ---------------------------------------------------------------------- */

typedef struct lg_lru_entry lg_lru_entry;
struct lg_lru_entry {
	uint32_t pack;
	uint64_t offset;
	void *value; /* NULL in an empty slot */
	size_t len;  /* the bytes it counts for */
	lg_lru_entry *newer, *older;
};

typedef struct {
	lg_lru_entry *slots; /* 2^bits, direct-mapped */
	unsigned bits;
	lg_lru_entry *newest, *oldest;
	size_t bytes, limit;
	void (*free_value)(void *value);
} lg_lru;

/* An empty cache of 2^slot_bits slots (1 to 24) holding at most `limit`
 * bytes; what it drops it frees with `free_value`. */
int lg_lru__init(lg_lru *c, unsigned slot_bits, size_t limit, void (*free_value)(void *));
/* The slot (pack, offset) goes in: a new entry replaces its holder. */
size_t lg_lru__slot(const lg_lru *c, uint32_t pack, uint64_t offset);
/* The value kept for (pack, offset), now the newest, its length in *len
 * (when not NULL); NULL when absent. Borrowed: valid until the next put. */
void *lg_lru__get(size_t *len, lg_lru *c, uint32_t pack, uint64_t offset);
/* Keeps `value` (not NULL; taken over) of `len` bytes for (pack, offset),
 * replacing the entry in its slot and dropping the oldest beyond the
 * budget. LG_ELIMIT, and `value` still the caller's, when it is over a
 * quarter of the budget. */
int lg_lru__put(lg_lru *c, uint32_t pack, uint64_t offset, void *value, size_t len);
/* Frees every value and the slots; accepts NULL and a cache never set up. */
void lg_lru__release(lg_lru *c);

/* ------------------------------------------------------------------------
 * inflate.c: a pack entry's zlib stream inflated whole (libdeflate) where
 * its compressed extent is known
 * ---------------------------------------------------------------------- */

/* Where each object of a pack starts, sorted: an object's stream ends
 * where the next one starts, the last one's at the pack's trailer. */
typedef struct {
	uint64_t *starts;   /* a pack of 4 GiB or more */
	uint32_t *starts32; /* a smaller one (starts is NULL) */
	uint32_t count;
	uint64_t pack_end;
} lg_extents;

/* Takes over `offsets` (count of them, malloc'd, every object's offset
 * as the index lists them; freed on failure) and sorts them if they are
 * not sorted. */
int lg_inflate__extents(lg_extents *out, uint64_t *offsets, uint32_t count,
			uint64_t pack_size);
void lg_inflate__extents_release(lg_extents *e);
/* Where the object starting at `offset` ends; 0 when no listed object
 * starts there, or its extent makes no sense. */
uint64_t lg_inflate__end_of(const lg_extents *e, uint64_t offset);

/* One per thread; zeroed before first use. */
typedef struct {
	struct libdeflate_decompressor *d;
} lg_inflater;

/*
 * Inflates the zlib stream in[0, in_len) into out[0, size). 0 when it
 * is one whole stream, its checksum right, of exactly `size` bytes, that
 * ends exactly at in + in_len; LG_ERROR otherwise (the caller says what,
 * naming the object). LG_ENOTFOUND when the stream is not one to inflate
 * here (a window other than 32 KiB): inflate it with zlib.
 */
int lg_inflate__whole(lg_inflater *inf, char *out, size_t size, const uint8_t *in,
		      size_t in_len);
void lg_inflate__release(lg_inflater *inf);

/* ------------------------------------------------------------------------
 * pack.c, packread.c: the blobs of a repository's packs in pack order,
 * from the pack files themselves (libgit2 exposes neither offsets nor
 * delta types)
 * ---------------------------------------------------------------------- */

typedef struct {
	uint8_t id[20];
	uint32_t pack;   /* which pack, in the order the packs were listed */
	uint64_t offset; /* where in that pack */
} lg_pack_blob;

typedef struct {
	uint8_t id[20];
	uint32_t index; /* into lg_pack_blobs.blobs */
} lg_pack_key;

/* A pack whose blobs are listed, mapped for the readers to share. */
typedef struct {
	char *path;          /* less ".idx"/".pack"; NULL for a pack left out */
	const uint8_t *data; /* the .pack file */
	uint64_t size;
	lg_extents extents; /* where each object's zlib stream ends */
	/* Pages before this offset were given back (readers move forward). */
	atomic_uint_fast64_t released;
} lg_pack_file;

typedef struct {
	lg_pack_blob *blobs; /* in reading order: pack by pack, by offset */
	size_t count;
	lg_pack_key *by_id;  /* sorted by id, for lg_pack__find */
	lg_pack_file *packs; /* by lg_pack_blob.pack */
	size_t pack_count;
} lg_pack_blobs;

/* Pack entry types (git's), for lg_pack__entry_header. */
enum {
	LG_OBJ_COMMIT = 1,
	LG_OBJ_TREE = 2,
	LG_OBJ_BLOB = 3,
	LG_OBJ_TAG = 4,
	LG_OBJ_OFS_DELTA = 6,
	LG_OBJ_REF_DELTA = 7,
};

typedef struct {
	int type;
	uint64_t size;          /* inflated size of the entry's data */
	uint64_t data_offset;   /* where its zlib stream starts */
	uint64_t base_offset;   /* an offset delta's base */
	const uint8_t *base_id; /* a ref delta's base, 20 bytes in the pack */
} lg_pack_entry;

/* Parses the header of the entry at `offset` in the pack of `size` bytes
 * at `pack`. -1 when it runs past the end or makes no sense (an unknown
 * type, a delta base outside the pack). Shared by the listing and the
 * reader, so both read a header the same way. */
int lg_pack__entry_header(lg_pack_entry *e, const uint8_t *pack, uint64_t size,
			  uint64_t offset);
/* A delta's header: the sizes of its base (*src) and result (*dst), and
 * where its copy and insert instructions start (*ops). -1 when malformed. */
int lg_pack__delta_header(uint64_t *src, uint64_t *dst, const uint8_t **ops,
			  const uint8_t *delta, size_t delta_len);
/* Applies the instructions [ops, end) to `base`, writing exactly `dst`
 * bytes to `out`; -1 when they do not fit the base or the result. Shared
 * by the blob reader and the walk's object reader. */
int lg_pack__delta_apply(char *out, uint64_t dst, const char *base, size_t base_len,
			 const uint8_t *ops, const uint8_t *end);

/*
 * Lists every blob stored in the packs of `objects_dir` (its pack/ *.idx
 * and .pack files), each once, in reading order. Reads only the index and
 * the entry headers. A pack that cannot be read or is not understood
 * (not index version 2, inconsistent, truncated) contributes nothing
 * rather than failing: its blobs are read by id like loose objects.
 * LG_ENOMEM is the only error.
 */
int lg_pack__list_blobs(lg_pack_blobs *out, const char *objects_dir);
/* The index of blob `id` in pb->blobs, or SIZE_MAX. */
size_t lg_pack__find(const lg_pack_blobs *pb, const uint8_t id[20]);
void lg_pack__release(lg_pack_blobs *pb);

/*
 * A reader of packed blobs, one per thread: it inflates and applies deltas
 * itself, with a cache of recently read objects (the delta bases of what
 * follows in pack order) of at most `cache_bytes`. Readers share the
 * mapped packs and give back the pages they have moved past, so a pack
 * does not stay resident.
 */
typedef struct lg_pack_reader lg_pack_reader;

int lg_pack__reader_new(lg_pack_reader **out, lg_pack_blobs *pb,
			size_t cache_bytes);
/*
 * Reads blob `i` of the list. *data stays valid until the next read or
 * lg_pack__reader_free. LG_ELIMIT (with the size in *len) when the blob, or
 * an object it is a delta of, is larger than `max_size`; LG_EREPO, naming
 * the pack and offset, when the pack cannot be read or makes no sense.
 * Either way the blob can still be read by id through libgit2.
 */
int lg_pack__read(const char **data, size_t *len, lg_pack_reader *r, size_t i,
		  uint64_t max_size);
/*
 * Starts reading blob `i` in chunks, when the pack stores it whole (not as
 * a delta) and it is larger than `threshold`: 0 and its size in *size;
 * lg_pack__stream_read then gives its bytes. LG_ENOTFOUND when it is not
 * such a blob (read it with lg_pack__read, which also reports what is
 * wrong with it); LG_ELIMIT (the size in *size) when it is larger than
 * `max_size`. A later lg_pack__read or _stream_open ends the stream.
 */
int lg_pack__stream_open(uint64_t *size, lg_pack_reader *r, size_t i,
			 uint64_t threshold, uint64_t max_size);
/* The next at most `cap` bytes of the blob being streamed into `buf`;
 * *got is 0 at its end. LG_EREPO, naming the pack and offset, when the zlib
 * stream is corrupt or does not hold exactly the size the header says. */
int lg_pack__stream_read(size_t *got, lg_pack_reader *r, char *buf, size_t cap);
void lg_pack__reader_free(lg_pack_reader *r);

/* ------------------------------------------------------------------------
 * objread.c: the walk's commits and trees, from the pack files
 * ---------------------------------------------------------------------- */

/* An object as read, shared by reference: the reader's cache, the walk's
 * tree frames and the last-tree cache may each hold one. */
struct lg_obj {
	uint32_t refs;
	int type;   /* LG_OBJ_COMMIT, LG_OBJ_TREE, ... */
	size_t len;
	char data[]; /* len bytes, then a NUL */
};

/* A new object holding a copy of data[0, len); NULL when out of memory. */
lg_obj *lg_obj__new(int type, const char *data, size_t len);
lg_obj *lg_obj__ref(lg_obj *o);
void lg_obj__unref(lg_obj *o);

/*
 * Reads objects by id from the packs of one objects directory (its
 * pack/ *.idx and .pack), inflating and applying deltas itself, with a
 * cache of recently read objects (delta bases) of at most `cache_bytes`.
 * One thread. It never decides that an object is missing or corrupt: what
 * it cannot read cleanly (not in those packs, a loose object, a delta
 * whose base is elsewhere, anything it finds wrong) is LG_ENOTFOUND, for
 * the caller to read through libgit2, which says what is wrong.
 */
typedef struct lg_objreader lg_objreader;

int lg_objreader__open(lg_objreader **out, const char *objects_dir, size_t cache_bytes);
/* 0 and a reference in *out when object `id` is in the packs and reads
 * cleanly as `type`; LG_ENOTFOUND otherwise; LG_ENOMEM. */
int lg_objreader__read(lg_obj **out, lg_objreader *r, const uint8_t id[20], int type);
void lg_objreader__free(lg_objreader *r);

/* A tree's entry, in place in the tree's bytes. */
typedef struct {
	const char *raw;  /* the whole entry: mode, name, id */
	size_t raw_len;
	uint16_t attr;    /* the mode as stored */
	const char *name; /* not NUL-terminated */
	size_t name_len;
	const uint8_t *id;
} lg_tree_entry;

/* What an entry's mode means, as libgit2 reads it (a mode git would not
 * write still means one of these). */
enum { LG_MODE_BLOB, LG_MODE_BLOB_EXECUTABLE, LG_MODE_LINK, LG_MODE_TREE, LG_MODE_COMMIT };

/* 0 when libgit2 would parse `tree`; else -1 and libgit2's reason. */
int lg_tree__check(const lg_obj *tree, const char **why);
/* The entry at *pos of a checked tree, moving *pos past it: 1, or 0 at
 * the end (-1 for a tree that would not pass the check). */
int lg_tree__next(lg_tree_entry *e, const lg_obj *tree, size_t *pos);
int lg_tree__mode(uint16_t attr);
/* git's order of a tree's entries (a tree sorts as if named "name/"). */
int lg_tree__entry_cmp(const lg_tree_entry *a, const lg_tree_entry *b);

typedef struct {
	const char *name, *email; /* trimmed as libgit2 trims them; not NUL-terminated */
	size_t name_len, email_len;
	int64_t time;
	int offset; /* minutes east of UTC; 0 when libgit2 would not keep it */
} lg_signature_view;

/* A commit, in place in its bytes. */
typedef struct {
	uint8_t tree[20];
	const char *parents; /* the first "parent <hex>\n" line; 48 bytes each */
	size_t parent_count;
	lg_signature_view author;
	const char *message; /* as git_commit_message gives it */
	size_t message_len;
} lg_commit_view;

/* Parses a commit written in the form git writes it: 0 and what libgit2
 * would read from it; -1 for anything else, to be read through libgit2. */
int lg_commit__parse(lg_commit_view *v, const lg_obj *commit);
/* Parent `i` of a parsed commit. */
int lg_commit__parent(uint8_t out[20], const lg_commit_view *v, size_t i);
/* 40 hex digits (either case) to an id; -1 when they are not. */
int lg_oid__from_hex(uint8_t out[20], const char *hex);

#endif
