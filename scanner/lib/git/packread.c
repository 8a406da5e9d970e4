/*
 * packread.c - reading packed blobs in pack order without libgit2.
 *
 * libgit2 reads any object well, but for a scan that reads every blob once
 * it does too much: every page of its pack windows stays resident until the
 * window is dropped (two threads on one small window budget thrash it), it
 * takes a process-wide lock for each window, and its delta-base cache is a
 * fixed 16 MiB. This reader does what git's own pack reading does for
 * `cat-file --batch-all-objects --unordered`: it reads the packs where the
 * listing mapped them, inflates (inflate.c: libdeflate where the listing
 * says where an object's stream ends, else zlib), applies deltas, and keeps recently
 * read objects (the bases of what follows in pack order) in an LRU cache of
 * a chosen size. As the readers move forward through a pack they release the
 * pages behind them, so the pack does not stay resident either.
 *
 * Only offset deltas are resolved here; a blob stored as a delta of a base
 * named by id (rare: git writes offset deltas unless told not to) is left
 * to libgit2, as is anything this reader finds wrong.
 *
 * A large blob stored whole (not as a delta) can also be read in chunks,
 * inflating straight from the mapping (lg_pack__stream_open), so that it is
 * never held whole. A large delta is still materialised whole, within
 * --max-blob-size: applying it needs its base whole anyway, and git
 * seldom deltifies large files (core.bigFileThreshold, 512 MiB, stops it).
 */
#include "git/git.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#define CACHE_SLOT_BITS 10 /* 1024 slots */
/* Pages more than this far behind the reading position are released, in
 * steps of RELEASE_STEP; delta bases are nearly always closer. Releasing
 * every 8 MiB instead of 32 took some 20 MB off the peak of a 1.8 GB scan
 * (mostly pages far-behind bases had brought back), at the same speed. */
#define KEEP_BEHIND (8u << 20)
#define RELEASE_STEP (8u << 20)
/* Longer chains than git writes (its default limit is 50); the recursion
 * stays shallow enough for any thread's stack. */
#define MAX_DELTA_DEPTH 1000

struct lg_pack_reader {
	lg_pack_blobs *pb; /* shared: only `released` changes */
	lg_inflater inflater; /* objects whose extent is known */
	z_stream zs;          /* the others, and streamed blobs */
	int zs_ready;
	lg_lru cache; /* recent objects (lru.c), as git's delta-base cache */
	char *current; /* the last blob returned, when not cached */
	/* The blob being streamed: where its zlib stream goes on, and how
	 * many bytes it has still to give. */
	int streaming;
	uint32_t stream_pack;
	uint64_t stream_in, stream_left;
	uint64_t stream_end; /* where the next object starts, or the pack's end */
};

int lg_pack__reader_new(lg_pack_reader **out, lg_pack_blobs *pb,
			size_t cache_bytes)
{
	lg_pack_reader *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return lg_error_set_oom();
	if ((err = lg_lru__init(&r->cache, CACHE_SLOT_BITS, cache_bytes, free)) != 0) {
		free(r);
		return err;
	}
	r->pb = pb;
	*out = r;
	return 0;
}

/* ------------------------------------------------------------------------
 * Reading a pack
 * ---------------------------------------------------------------------- */

static int pack_error(const lg_pack_reader *r, uint32_t pack, uint64_t offset,
		      const char *what)
{
	return lg_error_set(LG_EREPO, "pack '%s.pack' at offset %llu: %s",
			    r->pb->packs[pack].path, (unsigned long long)offset, what);
}

/* Gives back the pages of `pack` well behind `offset`, where reading in
 * pack order seldom comes back to: all of them, since a delta base far
 * behind brings its pages back. Another reader may still be there: it only
 * faults them in again. */
static void release_behind(lg_pack_file *f, uint64_t offset)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t from = atomic_load(&f->released), upto;

	if (page <= 0 || offset < from + KEEP_BEHIND + RELEASE_STEP || offset > f->size)
		return;
	upto = (offset - KEEP_BEHIND) & ~((uint64_t)page - 1);
	if (atomic_compare_exchange_strong(&f->released, &from, upto))
		madvise((void *)f->data, upto, MADV_DONTNEED);
}

/* The bytes of the pack from `offset` to `end` (the object's end, or the
 * pack's), at least one; *avail says how many there are. */
static const uint8_t *bytes_at(lg_pack_reader *r, uint32_t pack, uint64_t offset,
			       uint64_t end, size_t *avail, int *err)
{
	const lg_pack_file *f = &r->pb->packs[pack];

	if (offset >= f->size) {
		*err = pack_error(r, pack, offset, "past the end");
		return NULL;
	}
	if (offset >= end) {
		*err = pack_error(r, pack, offset, "zlib stream longer than the object's extent");
		return NULL;
	}
	*err = 0;
	*avail = end - offset > SIZE_MAX ? SIZE_MAX : (size_t)(end - offset);
	return f->data + offset;
}

/* Where the zlib stream of the object at `offset` of `pack` may run to:
 * the next object, when the index says where that is, else the pack's
 * end. */
static uint64_t stream_limit(const lg_pack_reader *r, uint32_t pack, uint64_t offset)
{
	const lg_pack_file *f = &r->pb->packs[pack];
	uint64_t end = lg_inflate__end_of(&f->extents, offset);

	return end ? end : f->size;
}

/* Readies the reader's zlib stream for a new object. */
static int inflate_begin(lg_pack_reader *r)
{
	if (!r->zs_ready) {
		memset(&r->zs, 0, sizeof(r->zs));
		if (inflateInit(&r->zs) != Z_OK)
			return lg_error_set_oom();
		r->zs_ready = 1;
	} else {
		inflateReset(&r->zs);
	}
	return 0;
}

/* Feeds zlib the pack's bytes from *offset to `end` and inflates what
 * room its output has; moves *offset past the bytes zlib took. Returns
 * inflate's result, or Z_DATA_ERROR with *err set when there are no bytes
 * left there. */
static int inflate_from(lg_pack_reader *r, uint32_t pack, uint64_t *offset, uint64_t end,
			int *err)
{
	size_t avail;
	const uint8_t *p = bytes_at(r, pack, *offset, end, &avail, err);
	int z;

	if (!p)
		return Z_DATA_ERROR;
	/* zlib's counters are 32-bit: feed a large object in parts. */
	if (avail > UINT32_MAX)
		avail = UINT32_MAX;
	r->zs.next_in = (Bytef *)p;
	r->zs.avail_in = (uInt)avail;
	z = inflate(&r->zs, Z_NO_FLUSH);
	*offset += avail - r->zs.avail_in;
	return z;
}

/* Inflates the zlib stream at `offset`, which must hold exactly `size`
 * bytes and end exactly at `end` when the index says where the next
 * object starts (stream_limit), into a new buffer. */
static int inflate_at(char **out, lg_pack_reader *r, uint32_t pack, uint64_t offset,
		      uint64_t end, size_t size)
{
	const lg_pack_file *f = &r->pb->packs[pack];
	int known = end != f->size;
	char *data;
	int err = 0, z = Z_OK;

	*out = NULL;
	if (size > UINT32_MAX) /* more than zlib's counters hold */
		return pack_error(r, pack, offset, "object too large to inflate at once");
	if (!(data = malloc(size ? size : 1)))
		return lg_error_set_oom();
	if (known && end > offset) {
		err = lg_inflate__whole(&r->inflater, data, size, r->pb->packs[pack].data + offset,
					(size_t)(end - offset));
		if (err != LG_ENOTFOUND) {
			if (err == LG_ERROR)
				err = pack_error(r, pack, offset, "corrupt zlib stream");
			if (err)
				free(data);
			else
				*out = data;
			return err;
		}
		err = 0;
	}
	if ((err = inflate_begin(r)) != 0) {
		free(data);
		return err;
	}
	r->zs.next_out = (Bytef *)data;
	r->zs.avail_out = (uInt)size;
	while (z == Z_OK) {
		z = inflate_from(r, pack, &offset, end, &err);
		if (z == Z_BUF_ERROR && r->zs.avail_out && r->zs.avail_in == 0)
			z = Z_OK; /* more input needed */
	}
	if (!err && (z != Z_STREAM_END || r->zs.total_out != size || (known && offset != end)))
		err = pack_error(r, pack, offset, "corrupt zlib stream");
	if (err) {
		free(data);
		return err;
	}
	*out = data;
	return 0;
}

/* Reads a delta's size varint at *p (before end). */
static int delta_size(uint64_t *out, const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t c;

	do {
		if (*p == end || shift > 63)
			return -1;
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*out = v;
	return 0;
}

int lg_pack__delta_header(uint64_t *src, uint64_t *dst, const uint8_t **ops,
			  const uint8_t *delta, size_t delta_len)
{
	const uint8_t *p = delta, *end = delta + delta_len;

	if (delta_size(src, &p, end) || delta_size(dst, &p, end))
		return -1;
	*ops = p;
	return 0;
}

int lg_pack__delta_apply(char *out, uint64_t dst, const char *base, size_t base_len,
			 const uint8_t *p, const uint8_t *end)
{
	char *q = out;

	while (p < end) {
		uint8_t op = *p++;

		if (op & 0x80) { /* copy from the base */
			uint64_t off = 0, n = 0;
			int bit;

			for (bit = 0; bit < 4; bit++)
				if (op & (1 << bit)) {
					if (p == end)
						return -1;
					off |= (uint64_t)*p++ << (8 * bit);
				}
			for (bit = 0; bit < 3; bit++)
				if (op & (0x10 << bit)) {
					if (p == end)
						return -1;
					n |= (uint64_t)*p++ << (8 * bit);
				}
			if (n == 0)
				n = 0x10000;
			if (off > base_len || n > base_len - off ||
			    n > dst - (uint64_t)(q - out))
				return -1;
			memcpy(q, base + off, n);
			q += n;
		} else if (op) { /* insert the next `op` bytes */
			if (op > end - p || op > dst - (uint64_t)(q - out))
				return -1;
			memcpy(q, p, op);
			p += op;
			q += op;
		} else {
			return -1; /* reserved */
		}
	}
	return (uint64_t)(q - out) == dst ? 0 : -1;
}

/* Applies `delta` to `base`: the result in a new buffer. -1 when the
 * delta does not fit its base or exceeds `max_size` (*too_large then). */
static int apply_delta(char **out, size_t *out_len, const char *base, size_t base_len,
		       const uint8_t *delta, size_t delta_len, uint64_t max_size,
		       int *too_large)
{
	const uint8_t *ops;
	uint64_t src, dst;
	char *result;

	*too_large = 0;
	if (lg_pack__delta_header(&src, &dst, &ops, delta, delta_len) || src != base_len)
		return -1;
	if (dst > max_size) {
		*too_large = 1;
		*out_len = (size_t)dst;
		return -1;
	}
	if (!(result = malloc(dst ? dst : 1)))
		return -1;
	if (lg_pack__delta_apply(result, dst, base, base_len, ops, delta + delta_len) != 0) {
		free(result);
		return -1;
	}
	*out = result;
	*out_len = (size_t)dst;
	return 0;
}

/*
 * Materialises the object at (pack, offset): from the cache, or inflated,
 * its delta chain resolved. On success *data points into the cache or, for
 * an object too large for it, to a buffer handed over in *owned.
 */
static int read_object(const char **data, size_t *len, char **owned, lg_pack_reader *r,
		       uint32_t pack, uint64_t offset, uint64_t max_size, unsigned depth)
{
	lg_pack_entry h;
	size_t cached_len = 0;
	const char *cached = lg_lru__get(&cached_len, &r->cache, pack, offset);
	char *raw = NULL, *result = NULL, *base_owned = NULL;
	const char *base = NULL;
	size_t base_len = 0, result_len = 0;
	int err, too_large;

	*owned = NULL;
	if (cached) {
		*data = cached;
		*len = cached_len;
		return cached_len > max_size ? LG_ELIMIT : 0;
	}
	if (lg_pack__entry_header(&h, r->pb->packs[pack].data, r->pb->packs[pack].size,
				  offset) != 0)
		return pack_error(r, pack, offset, "bad entry header");
	if (h.type == LG_OBJ_REF_DELTA)
		return pack_error(r, pack, offset, "a delta against a base named by id");
	if (h.type != LG_OBJ_OFS_DELTA && h.type != LG_OBJ_BLOB)
		return pack_error(r, pack, offset, "not a blob");
	if (h.size > max_size && h.type == LG_OBJ_BLOB) {
		*len = (size_t)h.size;
		return LG_ELIMIT;
	}
	/* A delta is smaller than its result but for its few header bytes. */
	if (h.size > max_size + 64)
		return pack_error(r, pack, offset, "delta larger than the size limit");
	if ((err = inflate_at(&raw, r, pack, h.data_offset,
			      stream_limit(r, pack, offset),
			      (size_t)h.size)) != 0)
		return err;
	if (h.type == LG_OBJ_BLOB) {
		result = raw;
		result_len = (size_t)h.size;
	} else {
		if (depth >= MAX_DELTA_DEPTH)
			err = pack_error(r, pack, offset, "delta chain too long");
		else
			err = read_object(&base, &base_len, &base_owned, r, pack,
					  h.base_offset, max_size, depth + 1);
		if (err == LG_ELIMIT) /* the base's size, not this object's */
			err = pack_error(r, pack, offset, "delta base over the size limit");
		if (!err && apply_delta(&result, &result_len, base, base_len,
					(const uint8_t *)raw, (size_t)h.size, max_size,
					&too_large) != 0) {
			if (too_large) {
				*len = result_len;
				err = LG_ELIMIT;
			} else {
				err = pack_error(r, pack, offset, "corrupt delta");
			}
		}
		free(raw);
		free(base_owned);
		if (err)
			return err;
	}
	/* An object too large for the cache is the caller's to free. */
	if (lg_lru__put(&r->cache, pack, offset, result, result_len) != 0)
		*owned = result;
	*data = result;
	*len = result_len;
	return 0;
}

int lg_pack__read(const char **data, size_t *len, lg_pack_reader *r, size_t i,
		  uint64_t max_size)
{
	const lg_pack_blob *b = &r->pb->blobs[i];

	free(r->current);
	r->current = NULL;
	r->streaming = 0;
	*len = 0;
	if (b->pack >= r->pb->pack_count || !r->pb->packs[b->pack].data)
		return lg_error_set(LG_EREPO, "blob not in a known pack");
	release_behind(&r->pb->packs[b->pack], b->offset);
	return read_object(data, len, &r->current, r, b->pack, b->offset, max_size, 0);
}

int lg_pack__stream_open(uint64_t *size, lg_pack_reader *r, size_t i,
			 uint64_t threshold, uint64_t max_size)
{
	const lg_pack_blob *b = &r->pb->blobs[i];
	lg_pack_file *f;
	lg_pack_entry h;
	int err;

	free(r->current);
	r->current = NULL;
	r->streaming = 0;
	*size = 0;
	/* What is wrong here, lg_pack__read reports. */
	if (b->pack >= r->pb->pack_count || !(f = &r->pb->packs[b->pack])->data ||
	    lg_pack__entry_header(&h, f->data, f->size, b->offset) != 0 ||
	    h.type != LG_OBJ_BLOB || h.size <= threshold)
		return LG_ENOTFOUND;
	*size = h.size;
	if (h.size > max_size)
		return LG_ELIMIT;
	if ((err = inflate_begin(r)) != 0)
		return err;
	release_behind(f, b->offset);
	r->streaming = 1;
	r->stream_pack = b->pack;
	r->stream_in = h.data_offset;
	r->stream_left = h.size;
	r->stream_end = stream_limit(r, b->pack, b->offset);
	return 0;
}

int lg_pack__stream_read(size_t *got, lg_pack_reader *r, char *buf, size_t cap)
{
	size_t want = cap < r->stream_left ? cap : (size_t)r->stream_left, room;
	char spare;
	int err = 0, z = Z_OK;

	*got = 0;
	if (!r->streaming)
		return 0;
	if (want > UINT32_MAX) /* zlib's counters are 32-bit */
		want = UINT32_MAX;
	/* Past the size the header gave, the zlib stream must end (its
	 * checksum checked) without another byte: give it one byte of room
	 * that must stay unused. */
	room = want ? want : 1;
	r->zs.next_out = want ? (Bytef *)buf : (Bytef *)&spare;
	r->zs.avail_out = (uInt)room;
	/* A streamed blob can be most of a pack: what it has read is behind. */
	release_behind(&r->pb->packs[r->stream_pack], r->stream_in);
	while (z == Z_OK && r->zs.avail_out)
		z = inflate_from(r, r->stream_pack, &r->stream_in, r->stream_end, &err);
	if (err)
		return r->streaming = 0, err;
	if ((!want && r->zs.avail_out == 0) || (z != Z_OK && z != Z_STREAM_END &&
						  !(z == Z_BUF_ERROR && !r->zs.avail_out))) {
		r->streaming = 0;
		return pack_error(r, r->stream_pack, r->stream_in, "corrupt zlib stream");
	}
	*got = want ? room - r->zs.avail_out : 0;
	r->stream_left -= *got;
	if (z == Z_STREAM_END) {
		r->streaming = 0;
		if (r->stream_left)
			return pack_error(r, r->stream_pack, r->stream_in,
					  "zlib stream shorter than the object");
		/* Bytes between the stream's end and the next object. */
		if (r->stream_end != r->pb->packs[r->stream_pack].size &&
		    r->stream_in != r->stream_end)
			return pack_error(r, r->stream_pack, r->stream_in, "corrupt zlib stream");
	}
	return 0;
}

void lg_pack__reader_free(lg_pack_reader *r)
{
	if (!r)
		return;
	lg_lru__release(&r->cache);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	lg_inflate__release(&r->inflater);
	free(r->current);
	free(r);
}
