/*
 * internal.h - helpers shared by the library's modules; not public API.
 * Internal-but-shared functions are named `module__fn`.
 */
#ifndef LG_INTERNAL_H
#define LG_INTERNAL_H

#include "leakgate.h"

#include <stdarg.h>
#include <stdbool.h>

/* A growable byte buffer with a size cap, so hostile input cannot make it
 * grow without bound (after curl's dynbuf). Always NUL-terminated once
 * anything was added. */
typedef struct {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t cap; /* 0 = no cap */
} lg_buf;

#define LG_BUF_INIT { NULL, 0, 0, 0 }

int lg_buf__add(lg_buf *b, const void *data, size_t len);
int lg_buf__puts(lg_buf *b, const char *s);
int lg_buf__printf(lg_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the buffer's memory to the caller (never NULL on success: an empty
 * buffer yields ""); the buffer is reset. */
char *lg_buf__detach(lg_buf *b);
void lg_buf__release(lg_buf *b);

/* strdup/strndup that set LG_ENOMEM's message on failure. */
char *lg__strdup(const char *s);
char *lg__strndup(const char *s, size_t n);

/* Appends `s` (len bytes, any bytes) to `b` as a JSON string with quotes.
 * Invalid UTF-8 bytes become U+FFFD; control characters are \u-escaped. */
int lg_buf__json_string(lg_buf *b, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not valid UTF-8 (overlong, surrogate, past U+10FFFF, truncated). */
size_t lg__utf8_sequence_length(const unsigned char *s, size_t avail);

/* `path` fit for a one-line message, in `buf` (cut to `cap`): control
 * bytes become \xNN, so a hostile file name cannot forge or hide lines of
 * output. Returns `buf`. */
const char *lg__printable(char *buf, size_t cap, const char *path);

/* 1 when `needle` occurs in [hay, hay + len), ignoring ASCII case. */
int lg__contains_nocase(const char *hay, size_t len, const char *needle);

/* hash.c: SHA-1 hex digest (41 bytes with NUL) of a buffer; a stable
 * content hash for fingerprints and cache keys. */
void lg__hash_hex(char out[41], const void *data, size_t len);
/* gitinit.c: initialises libgit2 once per process, safe from any thread,
 * without loading the system's CA bundle or initialising libssh2 (leakgate
 * opens no connection). */
void lg__libgit2_init(void);
/* How many calls that initialisation skipped: one CA bundle load with a
 * libgit2 that loads it through mbedTLS, one libssh2_init with one that
 * uses libssh2. */
int lg__libgit2_skipped_calls(void);

/* fileio.c: reads at most `cap` bytes of `fd` into `buf`, as many as it
 * can before the end (a pipe gives them in pieces); *got says how many. */
int lg__read_full(size_t *got, int fd, const char *path, char *buf, size_t cap);
/* Reads a whole regular file of at most `max` bytes (*out is
 * malloc'd); LG_ENOTFOUND when it does not exist. */
int lg__read_file(char **out, size_t *len, const char *path, uint64_t max);
/* Maps a whole non-empty regular file of at most `max` bytes read-only:
 * no copy, and only the pages touched are read. LG_ENOTFOUND when it does
 * not exist. Unmapped with lg__unmap_file. */
int lg__map_file(const uint8_t **out, uint64_t *len, const char *path, uint64_t max);
void lg__unmap_file(const uint8_t *data, uint64_t len);
/* A file being replaced whole: lg__output_open makes a temporary file
 * beside it (mode 0600) that lg__output_commit flushes, fsyncs and renames
 * over it. A symlink to a regular file is followed; a device, a FIFO or a
 * dangling symlink is written in place instead, never replaced. Commit and
 * abort release it; on any failure the temporary file is removed. */
typedef struct lg__output {
	FILE *f;
	const char *path;  /* as the caller named it, for messages */
	char *target;      /* `path`, or the file its symlink points to */
	char *tmp;         /* NULL when written in place */
} lg__output;
int lg__output_open(lg__output *out, const char *path);
int lg__output_commit(lg__output *out);
void lg__output_abort(lg__output *out);
/* Replaces `path` with `data` through an lg__output. */
int lg__write_file_atomic(const char *path, const void *data, size_t len);
/* Creates `dir` and its missing parents, mode 0700. */
int lg__make_dirs(const char *dir);

/* findings.c: frees a finding's strings and zeroes it (not the struct). */
void lg_finding__release(lg_finding *f);

/* checksum.c: CRC32 (IEEE) and the GitHub/npm token checksum: the last 6
 * characters are the base62 CRC32 of the 30 before them. */
uint32_t lg_checksum__crc32(const void *data, size_t len);
void lg_checksum__base62(char out[7], uint32_t value);
int lg_checksum__token_valid(const char *token, size_t len);

/* dbcache.c: the compiled Hyperscan database, cached in a file. The key
 * covers the rules' hash, the Hyperscan version and the CPU features. The
 * database type is opaque here so that only matcher.c and dbcache.c
 * include hs.h. */
struct hs_database;
void lg_dbcache__key(char out[41], const char *rules_hash);
/* The file a loaded database lies in, mapped read-only. */
typedef struct {
	const uint8_t *base;
	uint64_t len;
} lg_dbcache_map;
/* 0 and *db on a valid cached database (checked by Hyperscan while it
 * allocates *scratch, the caller's to free), with each rule's facts filled
 * into `rs` (which must hold the rules the key was made from);
 * LG_ENOTFOUND when missing, stale or damaged (a damaged file is removed).
 * *db lies in the mapping *map, which must outlive it: release with
 * lg_dbcache__unmap, not hs_free_database. */
struct hs_scratch;
int lg_dbcache__load(const struct hs_database **db, struct hs_scratch **scratch,
		     lg_dbcache_map *map, lg_ruleset *rs, const char *dir, const char *key);
void lg_dbcache__unmap(lg_dbcache_map *map);
/* Writes the database and the rules' facts atomically (temporary file,
 * rename), mode 0600. */
int lg_dbcache__store(const struct hs_database *db, const lg_ruleset *rs,
		      const char *dir, const char *key);

/* rules.c: Hyperscan's analysis of each rule (max_width, prefilter), which
 * loading defers to the matcher; problems reported as "FILE: rule ID:
 * message", LG_ERULES if any. And the setter for facts read from a cache. */
int lg_ruleset__hyperscan_facts(lg_ruleset *rs, lg_problem_cb on_problem, void *payload);
void lg_ruleset__set_facts(lg_ruleset *rs, size_t i, uint32_t max_width, int prefilter);

/* rules.c, for the ruleset cache: reads every rule file that `paths`
 * name, as lg_ruleset_load would, without parsing them; LG_ERULES (and no
 * message: loading again reports it) when any cannot be read. The list and
 * its strings are freed with lg_ruleset__free_sources. */
int lg_ruleset__read_sources(lg_rule_source **out, size_t *count, const char *const *paths,
			     size_t npaths);
void lg_ruleset__free_sources(lg_rule_source *sources, size_t count);
/* The bytes a ruleset from the cache points into: malloc'd, or a file
 * mapped with lg__map_file. */
typedef struct {
	const char *data;
	size_t len;
	int mapped;
} lg_rule_storage;
/* A ruleset made of `count` rules whose strings lie in `storage` and whose
 * lists lie in `lists` (malloc'd); it owns all three from then on. NULL
 * when out of memory (then it owns nothing). */
lg_ruleset *lg_ruleset__adopt(lg_rule *rules, size_t count, const char *hash,
			      const lg_rule_storage *storage, const char **lists);
/* Appends the versions of the libraries whose verdict loading depends on
 * (cJSON parses, PCRE2 validates). */
int lg_ruleset__add_loader_versions(lg_buf *b);

/* rulecache.c: a ruleset as bytes, and back; every field of every rule and
 * the ruleset's hash. Decoding checks every length (LG_ENOTFOUND:
 * malformed) and the ruleset points into `storage`: on success it owns
 * the bytes, on failure the caller still does. */
int lg_rulecache__encode(lg_buf *b, const lg_ruleset *rs);
int lg_rulecache__decode(lg_ruleset **out, const lg_rule_storage *storage);

/* loose.c: a large loose blob read in chunks through libgit2's read
 * stream, from the loose objects of `objects_dir` alone (one per thread).
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

/* matcher.c: the rules a matcher was built from (borrowed). */
const lg_ruleset *lg_matcher__rules(const lg_matcher *m);

/*
 * matcher.c: scanning an input fed in chunks, with exactly the matches
 * lg_matcher_scan finds in the whole input (offsets, lines and columns
 * into the whole input; same order, same filters, same cap), holding only
 * the current chunk, a tail of the input before it (about 64 KiB with the
 * built-in rules; more while one match waits for its end) and the matches
 * not yet reported. A match is reported once its line has ended, so the
 * callback runs during lg_matcher__stream_feed or _finish.
 *
 * The callback gets, with each match, a copy of the input's bytes from
 * `bytes_from` on that holds the secret and up to `context` bytes of
 * input on each side of it (less at the input's ends).
 * The scratch is the stream's until lg_matcher__stream_free.
 */
typedef struct lg_stream lg_stream;
typedef int (*lg_stream_match_cb)(const lg_match *m, const char *bytes,
				  size_t bytes_from, void *payload);
int lg_matcher__stream_new(lg_stream **out, const lg_matcher *m, lg_scratch *s,
			   size_t context, lg_stream_match_cb cb, void *payload);
/* Scans on into `len` more bytes; LG_ESTOP when the callback asked to
 * stop (and on every call after). */
int lg_matcher__stream_feed(lg_stream *st, const char *data, size_t len);
/* Ends the input: reports what is left and fills `result` (may be NULL). */
int lg_matcher__stream_finish(lg_stream *st, lg_scan_result *result);
void lg_matcher__stream_free(lg_stream *st);

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

int lg_state__knows_blob(const lg_state *s, const uint8_t id[20]);
/* Replaces the state's content: tips, and blobs = old blobs + `added`. */
int lg_state__update(lg_state *s, const char *rules_hash, const char *repo_id,
		     uint8_t (*tips)[20], size_t tip_count,
		     const uint8_t (*added)[20], size_t added_count);

#endif
