/*
 * pack.h - the blobs of a repository's packs in pack order, from the pack
 * files themselves (libgit2 exposes neither offsets nor delta types).
 * Internal API.
 */
#ifndef LG_PACK_H
#define LG_PACK_H

#include "internal.h"

#include <stdatomic.h>

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

#endif
