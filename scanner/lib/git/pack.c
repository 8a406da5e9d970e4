/*
 * pack.c - the blobs of a repository's packs, in the order they are stored.
 *
 * Reading objects in pack order is what keeps libgit2's delta-base cache
 * warm (git itself is 5-6x slower in object-id order), and libgit2 has no
 * API that tells an object's pack offset or, without inflating, a delta's
 * type. Both are in the pack files: the index (.idx, version 2) lists each
 * object's id and offset, and the entry header at that offset says its type
 * (a delta takes the type of its base). Only headers are read here; the
 * objects themselves are read by packread.c (inflating and applying deltas
 * itself), or through libgit2 when it cannot.
 *
 * Nothing here is trusted: a pack that is not understood is left out (its
 * objects are then read by id like any other), and every offset is checked
 * against the file before it is read.
 */
#include "git/git.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define IDX_HEADER_SIZE 8
#define IDX_FANOUT_SIZE (256 * 4)
#define PACK_HEADER_SIZE 12
/* Pages of the pack released behind the reader, so that listing a pack
 * of many gigabytes does not keep it all resident. */
#define RELEASE_STEP (64u << 20)
/* Longer delta chains than git ever writes (its default limit is 50). */
#define MAX_DELTA_DEPTH 10000

enum {
	OBJ_NONE = 0,
	OBJ_BLOB = LG_OBJ_BLOB,
	OBJ_OFS_DELTA = LG_OBJ_OFS_DELTA,
	OBJ_REF_DELTA = LG_OBJ_REF_DELTA,
	OBJ_UNKNOWN = 8, /* not resolved yet */
};

/* One object of a pack, as its index lists it. */
typedef struct {
	uint64_t offset;
	uint32_t idx_pos; /* position in the index (id order) */
} pack_entry;

typedef struct {
	const uint8_t *ids;     /* the index's id table, 20 bytes each */
	uint32_t count;
	pack_entry *by_offset;  /* sorted by offset */
	uint8_t *type;          /* per idx position: OBJ_* */
	const uint8_t *pack;    /* the mapped pack file */
	uint64_t pack_size;
} pack_view;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int compare_offsets(const void *pa, const void *pb)
{
	const pack_entry *a = pa, *b = pb;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/*
 * Reads the offsets of a version 2 index into v->by_offset, sorted. 0 on
 * success, -1 when the index is not one this code understands or is
 * inconsistent with its own size.
 */
static int read_index(pack_view *v, const uint8_t *idx, uint64_t size)
{
	static const uint8_t magic[4] = { 0xff, 't', 'O', 'c' };
	const uint8_t *fanout = idx + IDX_HEADER_SIZE, *offsets, *large;
	uint64_t n, large_count, need;
	uint32_t i;

	if (size < IDX_HEADER_SIZE + IDX_FANOUT_SIZE ||
	    memcmp(idx, magic, 4) != 0 || be32(idx + 4) != 2)
		return -1;
	n = be32(fanout + 255 * 4);
	need = IDX_HEADER_SIZE + IDX_FANOUT_SIZE + n * (20 + 4 + 4) + 2 * 20;
	if (need > size || n > UINT32_MAX / 2)
		return -1;
	large_count = (size - need) / 8;
	v->count = (uint32_t)n;
	v->ids = fanout + IDX_FANOUT_SIZE;
	offsets = v->ids + n * (20 + 4);
	large = offsets + n * 4;
	if (!(v->by_offset = malloc((n ? n : 1) * sizeof(*v->by_offset))))
		return -1;
	for (i = 0; i < n; i++) {
		uint32_t o = be32(offsets + 4 * (uint64_t)i);
		uint64_t off = o;

		if (o & 0x80000000u) {
			o &= 0x7fffffffu;
			if (o >= large_count)
				return -1;
			off = be64(large + 8 * (uint64_t)o);
		}
		v->by_offset[i].offset = off;
		v->by_offset[i].idx_pos = i;
	}
	qsort(v->by_offset, n, sizeof(*v->by_offset), compare_offsets);
	return 0;
}

/* The position in the index of the object at `offset`, or UINT32_MAX. */
static uint32_t entry_at(const pack_view *v, uint64_t offset)
{
	size_t lo = 0, hi = v->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->by_offset[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->count && v->by_offset[lo].offset == offset ?
		v->by_offset[lo].idx_pos : UINT32_MAX;
}

/* The position in the index of object `id`, or UINT32_MAX. */
static uint32_t entry_of(const pack_view *v, const uint8_t *id)
{
	size_t lo = 0, hi = v->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(v->ids + 20 * mid, id, 20);

		if (c == 0)
			return (uint32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT32_MAX;
}

int lg_pack__entry_header(lg_pack_entry *e, const uint8_t *pack, uint64_t size,
			  uint64_t offset)
{
	const uint8_t *p, *end = pack + size;
	unsigned shift = 4;
	uint8_t c;

	if (offset < PACK_HEADER_SIZE || offset >= size)
		return -1;
	p = pack + offset;
	c = *p++;
	e->type = (c >> 4) & 7;
	e->size = c & 15;
	while (c & 0x80) {
		if (p == end || shift > 57)
			return -1;
		c = *p++;
		e->size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	e->base_offset = 0;
	e->base_id = NULL;
	if (e->type == LG_OBJ_OFS_DELTA) {
		uint64_t distance;

		if (p == end)
			return -1;
		c = *p++;
		distance = c & 0x7f;
		while (c & 0x80) {
			if (p == end || distance > (UINT64_MAX >> 8))
				return -1;
			c = *p++;
			distance = ((distance + 1) << 7) | (c & 0x7f);
		}
		if (distance == 0 || distance > offset)
			return -1;
		e->base_offset = offset - distance;
	} else if (e->type == LG_OBJ_REF_DELTA) {
		if (end - p < 20)
			return -1;
		e->base_id = p;
		p += 20;
	} else if (e->type < LG_OBJ_COMMIT || e->type > LG_OBJ_TAG) {
		return -1;
	}
	e->data_offset = (uint64_t)(p - pack);
	return 0;
}

/* The type of the entry at `offset`, and for a delta the index position of
 * its base in *base (UINT32_MAX when the base is not in this pack);
 * OBJ_NONE when the header runs past the file or makes no sense. */
static int read_entry_header(const pack_view *v, uint64_t offset, uint32_t *base)
{
	lg_pack_entry e;

	*base = UINT32_MAX;
	if (lg_pack__entry_header(&e, v->pack, v->pack_size, offset) != 0)
		return OBJ_NONE;
	if (e.type == OBJ_OFS_DELTA)
		*base = entry_at(v, e.base_offset);
	else if (e.type == OBJ_REF_DELTA)
		*base = entry_of(v, e.base_id);
	return e.type;
}

/* The type of the object at index position `pos`, following deltas to
 * their base; OBJ_NONE when the chain leaves the pack, loops or breaks. */
static int resolve_type(pack_view *v, const uint64_t *offset_of, uint32_t pos)
{
	uint32_t chain[256], base;
	size_t depth = 0, k;
	int type = OBJ_NONE;

	for (;;) {
		if (v->type[pos] != OBJ_UNKNOWN) {
			type = v->type[pos];
			break;
		}
		type = read_entry_header(v, offset_of[pos], &base);
		if (type != OBJ_OFS_DELTA && type != OBJ_REF_DELTA) {
			v->type[pos] = (uint8_t)type;
			break;
		}
		/* Marked before following the base, so a loop ends. */
		v->type[pos] = OBJ_NONE;
		if (depth < sizeof(chain) / sizeof(chain[0]))
			chain[depth] = pos;
		if (base == UINT32_MAX || ++depth > MAX_DELTA_DEPTH) {
			type = OBJ_NONE;
			break;
		}
		pos = base;
	}
	/* Links past the 256th of a chain stay OBJ_NONE: those blobs are
	 * then read by id, never skipped. */
	for (k = 0; k < depth && k < sizeof(chain) / sizeof(chain[0]); k++)
		v->type[chain[k]] = (uint8_t)type;
	return type;
}

/* Appends the blobs of pack `pack_no` (whose index and data are `v`) to
 * `out` in offset order. */
static int add_pack_blobs(lg_pack_blobs *out, pack_view *v, uint32_t pack_no)
{
	uint64_t *offset_of = malloc((v->count ? v->count : 1) * sizeof(*offset_of));
	uint64_t released = 0;
	size_t alloc = out->count + v->count;
	lg_pack_blob *grown;
	uint32_t i;
	long page = sysconf(_SC_PAGESIZE);

	v->type = malloc(v->count ? v->count : 1);
	grown = realloc(out->blobs, (alloc ? alloc : 1) * sizeof(*grown));
	if (grown)
		out->blobs = grown;
	if (!offset_of || !v->type || !grown) {
		free(offset_of);
		return lg_error_set_oom();
	}
	memset(v->type, OBJ_UNKNOWN, v->count);
	for (i = 0; i < v->count; i++)
		offset_of[v->by_offset[i].idx_pos] = v->by_offset[i].offset;
	for (i = 0; i < v->count; i++) {
		const pack_entry *e = &v->by_offset[i];
		lg_pack_blob *b;

		if (resolve_type(v, offset_of, e->idx_pos) == OBJ_BLOB) {
			b = &out->blobs[out->count++];
			memcpy(b->id, v->ids + 20 * (uint64_t)e->idx_pos, 20);
			b->pack = pack_no;
			b->offset = e->offset;
		}
		/* An offset past the pack (a bad index) must not reach
		 * madvise: it would zero whatever memory lies beyond. */
		if (e->offset - released >= RELEASE_STEP && e->offset < v->pack_size &&
		    page > 0) {
			uint64_t upto = e->offset & ~((uint64_t)page - 1);

			madvise((void *)(v->pack + released), upto - released, MADV_DONTNEED);
			released = upto;
		}
	}
	free(offset_of);
	/* Room was made for every object; most are not blobs. */
	if ((grown = realloc(out->blobs, (out->count ? out->count : 1) * sizeof(*grown))))
		out->blobs = grown;
	return 0;
}

/* Keeps where each object of `v` starts (already in offset order), so
 * that the readers know where each zlib stream ends. */
static int keep_extents(lg_pack_file *f, const pack_view *v)
{
	uint64_t *starts = malloc((v->count ? v->count : 1) * sizeof(*starts));
	uint32_t i;

	if (!starts)
		return lg_error_set_oom();
	for (i = 0; i < v->count; i++)
		starts[i] = v->by_offset[i].offset;
	return lg_inflate__extents(&f->extents, starts, v->count, v->pack_size);
}

/* Lists the blobs of the pack whose index is `idx_path`, and keeps the
 * pack mapped (none of it resident) for the readers; a pack that cannot be
 * read or understood adds nothing. */
static int list_pack(lg_pack_blobs *out, const char *idx_path, uint32_t pack_no)
{
	pack_view v;
	lg_buf pack_path = LG_BUF_INIT;
	const uint8_t *idx;
	uint64_t idx_size = 0;
	size_t stem = strlen(idx_path) - strlen(".idx");
	int err = 0;

	memset(&v, 0, sizeof(v));
	if (lg__map_file(&idx, &idx_size, idx_path, UINT64_MAX) != 0)
		return 0;
	if ((err = lg_buf__add(&pack_path, idx_path, stem)) == 0 &&
	    (err = lg_buf__puts(&pack_path, ".pack")) == 0 &&
	    read_index(&v, idx, idx_size) == 0 &&
	    lg__map_file(&v.pack, &v.pack_size, pack_path.ptr, UINT64_MAX) == 0 &&
	    v.pack_size >= PACK_HEADER_SIZE && memcmp(v.pack, "PACK", 4) == 0 &&
	    (err = add_pack_blobs(out, &v, pack_no)) == 0) {
		lg_pack_file *f = &out->packs[pack_no];

		pack_path.len -= strlen(".pack");
		pack_path.ptr[pack_path.len] = '\0';
		if ((f->path = lg__strdup(pack_path.ptr)) != NULL &&
		    (err = keep_extents(f, &v)) == 0) {
			madvise((void *)v.pack, v.pack_size, MADV_DONTNEED);
			f->data = v.pack;
			f->size = v.pack_size;
			v.pack = NULL;
		} else if (!err) {
			err = LG_ENOMEM;
		}
	}
	lg__unmap_file(v.pack, v.pack_size);
	lg__unmap_file(idx, idx_size);
	free(v.by_offset);
	free(v.type);
	lg_buf__release(&pack_path);
	return err;
}

static int is_index_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".idx") == 0;
}

static int compare_blob_ids(const void *pa, const void *pb)
{
	return memcmp(((const lg_pack_blob *)pa)->id, ((const lg_pack_blob *)pb)->id, 20);
}

static int compare_keys(const void *pa, const void *pb)
{
	return memcmp(((const lg_pack_key *)pa)->id, ((const lg_pack_key *)pb)->id, 20);
}

static int compare_reading_order(const void *pa, const void *pb)
{
	const lg_pack_blob *a = pa, *b = pb;

	if (a->pack != b->pack)
		return a->pack < b->pack ? -1 : 1;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* Keeps one copy of a blob that several packs hold, puts the rest in
 * reading order, and builds the id index. */
static int sort_blobs(lg_pack_blobs *out)
{
	size_t i, n = 0;

	if (!out->blobs) /* no pack: qsort must not see NULL */
		out->blobs = malloc(sizeof(*out->blobs));
	if (!out->blobs)
		return lg_error_set_oom();
	qsort(out->blobs, out->count, sizeof(*out->blobs), compare_blob_ids);
	for (i = 0; i < out->count; i++)
		if (n == 0 || memcmp(out->blobs[i].id, out->blobs[n - 1].id, 20) != 0)
			out->blobs[n++] = out->blobs[i];
	out->count = n;
	qsort(out->blobs, n, sizeof(*out->blobs), compare_reading_order);
	if (!(out->by_id = malloc((n ? n : 1) * sizeof(*out->by_id))))
		return lg_error_set_oom();
	for (i = 0; i < n; i++) {
		memcpy(out->by_id[i].id, out->blobs[i].id, 20);
		out->by_id[i].index = (uint32_t)i;
	}
	qsort(out->by_id, n, sizeof(*out->by_id), compare_keys);
	return 0;
}

int lg_pack__list_blobs(lg_pack_blobs *out, const char *objects_dir)
{
	lg_buf dir = LG_BUF_INIT, path = LG_BUF_INIT;
	struct dirent **names = NULL;
	int n = 0, i, err;

	memset(out, 0, sizeof(*out));
	if ((err = lg_buf__printf(&dir, "%s/pack", objects_dir)) != 0)
		return err;
	n = scandir(dir.ptr, &names, is_index_name, alphasort);
	if (n > 0 && !(out->packs = calloc((size_t)n, sizeof(*out->packs))))
		err = lg_error_set_oom();
	else if (n > 0)
		out->pack_count = (size_t)n;
	for (i = 0; i < n; i++) {
		path.len = 0;
		if (!err && (err = lg_buf__printf(&path, "%s/%s", dir.ptr,
						  names[i]->d_name)) == 0 &&
		    out->count < UINT32_MAX / 2)
			err = list_pack(out, path.ptr, (uint32_t)i);
		free(names[i]);
	}
	free(names);
	lg_buf__release(&dir);
	lg_buf__release(&path);
	if (!err)
		err = sort_blobs(out);
	if (err)
		lg_pack__release(out);
	return err;
}

size_t lg_pack__find(const lg_pack_blobs *pb, const uint8_t id[20])
{
	size_t lo = 0, hi = pb->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(pb->by_id[mid].id, id, 20);

		if (c == 0)
			return pb->by_id[mid].index;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

void lg_pack__release(lg_pack_blobs *pb)
{
	size_t i;

	for (i = 0; i < pb->pack_count; i++) {
		free(pb->packs[i].path);
		lg_inflate__extents_release(&pb->packs[i].extents);
		lg__unmap_file(pb->packs[i].data, pb->packs[i].size);
	}
	free(pb->packs);
	free(pb->blobs);
	free(pb->by_id);
	memset(pb, 0, sizeof(*pb));
}
