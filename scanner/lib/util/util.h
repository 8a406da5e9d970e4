/*
 * util.h - the util room: errors, buffers, strings, hashing and file I/O
 * that every other room may use. It depends on nothing of leakgate's but
 * the public header. Not public API; internal-but-shared functions are
 * named `module__fn`.
 */
#ifndef LG_UTIL_H
#define LG_UTIL_H

#include "leakgate.h"

#include "util/array.h"

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

/* The one out-of-memory path: sets LG_ENOMEM's message, returns LG_ENOMEM. */
int lg_error_set_oom(void);

/* Fills an options struct from its INIT template `tmpl` (`size` bytes)
 * when `version` is the one this library knows; LG_EINVALID naming the
 * struct otherwise (libgit2's git_*_options_init). */
int lg__options_init(void *opts, size_t size, const void *tmpl, unsigned version,
		     unsigned expected, const char *name);
/* Returns LG_EINVALID from the calling function when the options struct
 * `opts` (may be NULL: the defaults) is of another version than
 * `expected`, as a caller built against another leakgate would pass
 * (libgit2's GIT_ERROR_CHECK_VERSION). */
#define LG_CHECK_VERSION(opts, expected, name)                                 \
	do {                                                                   \
		if ((opts) && (opts)->version != (expected))                   \
			return lg_error_set(LG_EINVALID,                       \
					    "invalid version %u of %s (expected %u)", \
					    (opts)->version, (name), (unsigned)(expected)); \
	} while (0)

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
/* The CRC32 (IEEE, as zlib's) of a buffer. */
uint32_t lg__crc32(const void *data, size_t len);
/* sha256.c (libcrypto): the SHA-256 digest of a buffer, and base64 (with
 * padding) appended to a buffer. LG_ERROR if libcrypto fails. */
int lg__sha256(unsigned char out[32], const void *data, size_t len);
int lg__base64(lg_buf *b, const unsigned char *data, size_t len);
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

#endif
