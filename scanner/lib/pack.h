/*
 * pack.h - the blobs of a repository's packs in pack order, from the pack
 * files themselves (libgit2 exposes neither offsets nor delta types).
 * Internal API.
 */
#ifndef LG_PACK_H
#define LG_PACK_H

#include "internal.h"

typedef struct {
	uint8_t id[20];
	uint32_t pack;   /* which pack, in the order the packs were listed */
	uint64_t offset; /* where in that pack */
} lg_pack_blob;

typedef struct {
	uint8_t id[20];
	uint32_t index; /* into lg_pack_blobs.blobs */
} lg_pack_key;

typedef struct {
	lg_pack_blob *blobs; /* in reading order: pack by pack, by offset */
	size_t count;
	lg_pack_key *by_id;  /* sorted by id, for lg_pack__find */
} lg_pack_blobs;

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

#endif
