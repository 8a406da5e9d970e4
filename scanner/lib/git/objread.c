/*
 * objread.c - the history walk's commits and trees, read from the packs.
 *
 * Through libgit2 the walk was most of a scan of a long history: each tree
 * became an object with an array of entries, the pack windows the walk
 * jumped between were mapped and unmapped over and over (munmap and TLB
 * flushes were a tenth of git/git's scan), and the delta-base cache was
 * small. This reader finds an object by id in the packs' indexes (version
 * 2), inflates it (inflate.c) and applies its deltas itself, and keeps what it read in
 * a cache of shared objects, so that the next commit's tree, one delta
 * further along the same chain, costs one delta.
 *
 * It only ever reads what it fully understands: an object that is not in
 * the packs (loose, in an alternate), a delta whose base is not in the same
 * pack, a wrong type, or anything malformed is LG_ENOTFOUND, and the walk
 * then asks libgit2, which reads it or says what is wrong with it. So a
 * repository reads exactly as it did through libgit2, only faster.
 */
#include "git/git.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#define IDX_HEADER_SIZE 8
#define IDX_FANOUT_SIZE (256 * 4)
#define PACK_HEADER_SIZE 12
#define CACHE_SLOT_BITS 12 /* 4096 slots */
/* Longer chains than git writes (its default limit is 50). */
#define MAX_DELTA_DEPTH 1000
/* Larger objects are left to libgit2 (zlib's counters are 32-bit). */
#define MAX_OBJECT_SIZE (1u << 30)
/* The walk jumps around the commits and trees of the packs; once it has
 * read this many bytes of them, their pages are given back, so that the
 * mapping does not stay resident (a tenth of the pack on git/git). */
#define RESIDENT_LIMIT (16u << 20)

/* ------------------------------------------------------------------------
 * Objects
 * ---------------------------------------------------------------------- */

static lg_obj *obj_alloc(int type, size_t len)
{
	lg_obj *o = malloc(sizeof(*o) + len + 1);

	if (!o) {
		lg_error_set_oom();
		return NULL;
	}
	o->refs = 1;
	o->type = type;
	o->len = len;
	o->data[len] = '\0';
	return o;
}

lg_obj *lg_obj__new(int type, const char *data, size_t len)
{
	lg_obj *o = obj_alloc(type, len);

	if (o && len)
		memcpy(o->data, data, len);
	return o;
}

lg_obj *lg_obj__ref(lg_obj *o)
{
	if (o)
		o->refs++;
	return o;
}

void lg_obj__unref(lg_obj *o)
{
	if (o && --o->refs == 0)
		free(o);
}

/* ------------------------------------------------------------------------
 * The reader
 * ---------------------------------------------------------------------- */

typedef struct {
	const uint8_t *idx, *pack;
	uint64_t idx_size, pack_size;
	const uint8_t *fanout, *ids, *offsets, *large;
	uint64_t large_count;
	uint32_t count;
	lg_extents extents; /* where each object's zlib stream ends */
} obj_pack;

struct lg_objreader {
	obj_pack *packs;
	size_t pack_count;
	lg_inflater inflater; /* objects whose extent is known */
	z_stream zs;          /* the others */
	int zs_ready;
	lg_lru cache; /* references to recent objects (lru.c) */
	char *scratch; /* an inflated delta */
	size_t scratch_alloc;
	uint64_t touched; /* bytes of the packs read since pages were given back */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t offset_at(const obj_pack *p, uint32_t pos);

/* Sorts where the objects of `p` start, so that each one's zlib stream is
 * known to end where the next object starts. */
static int read_extents(obj_pack *p)
{
	uint64_t *starts = malloc((p->count ? p->count : 1) * sizeof(*starts));
	uint32_t i;

	if (!starts)
		return -1;
	for (i = 0; i < p->count; i++)
		starts[i] = offset_at(p, i);
	return lg_inflate__extents(&p->extents, starts, p->count, p->pack_size);
}

/* Maps the index at `idx_path` and its pack; 0 when both are understood
 * (a version 2 index consistent with its size, a pack file), else -1 and
 * nothing is kept. */
static int open_pack(obj_pack *p, const char *idx_path)
{
	static const uint8_t magic[4] = { 0xff, 't', 'O', 'c' };
	size_t stem = strlen(idx_path) - strlen(".idx");
	lg_buf pack_path = LG_BUF_INIT;
	uint64_t n, need;

	memset(p, 0, sizeof(*p));
	if (lg__map_file(&p->idx, &p->idx_size, idx_path, UINT64_MAX) != 0)
		return -1;
	if (p->idx_size < IDX_HEADER_SIZE + IDX_FANOUT_SIZE || memcmp(p->idx, magic, 4) != 0 ||
	    be32(p->idx + 4) != 2)
		goto bad;
	p->fanout = p->idx + IDX_HEADER_SIZE;
	n = be32(p->fanout + 255 * 4);
	need = IDX_HEADER_SIZE + IDX_FANOUT_SIZE + n * (20 + 4 + 4) + 2 * 20;
	if (need > p->idx_size || n > UINT32_MAX / 2)
		goto bad;
	p->count = (uint32_t)n;
	p->ids = p->fanout + IDX_FANOUT_SIZE;
	p->offsets = p->ids + n * (20 + 4);
	p->large = p->offsets + n * 4;
	p->large_count = (p->idx_size - need) / 8;
	if (lg_buf__add(&pack_path, idx_path, stem) != 0 || lg_buf__puts(&pack_path, ".pack") != 0 ||
	    lg__map_file(&p->pack, &p->pack_size, pack_path.ptr, UINT64_MAX) != 0)
		goto bad;
	lg_buf__release(&pack_path);
	if (p->pack_size < PACK_HEADER_SIZE || memcmp(p->pack, "PACK", 4) != 0 ||
	    read_extents(p) != 0)
		goto bad;
	return 0;
bad:
	lg_error_clear();
	lg_buf__release(&pack_path);
	lg_inflate__extents_release(&p->extents);
	lg__unmap_file(p->pack, p->pack_size);
	lg__unmap_file(p->idx, p->idx_size);
	memset(p, 0, sizeof(*p));
	return -1;
}

/* The cache's way to drop what it holds. */
static void unref_cached(void *o)
{
	lg_obj__unref(o);
}

static int is_index_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".idx") == 0;
}

int lg_objreader__open(lg_objreader **out, const char *objects_dir, size_t cache_bytes)
{
	lg_objreader *r = calloc(1, sizeof(*r));
	lg_buf path = LG_BUF_INIT;
	struct dirent **names = NULL;
	int n, i, err = 0;

	if (!r)
		return lg_error_set_oom();
	if ((err = lg_lru__init(&r->cache, CACHE_SLOT_BITS, cache_bytes, unref_cached)) != 0 ||
	    (err = lg_buf__printf(&path, "%s/pack", objects_dir)) != 0) {
		lg_lru__release(&r->cache);
		free(r);
		return err;
	}
	n = scandir(path.ptr, &names, is_index_name, alphasort);
	if (n > 0 && !(r->packs = calloc((size_t)n, sizeof(*r->packs))))
		err = lg_error_set_oom();
	for (i = 0; i < n; i++) {
		size_t dir_len = strlen(objects_dir) + strlen("/pack");

		path.len = dir_len;
		path.ptr[dir_len] = '\0';
		if (!err && (err = lg_buf__printf(&path, "/%s", names[i]->d_name)) == 0 &&
		    open_pack(&r->packs[r->pack_count], path.ptr) == 0)
			r->pack_count++;
		free(names[i]);
	}
	free(names);
	lg_buf__release(&path);
	if (err) {
		lg_objreader__free(r);
		return err;
	}
	*out = r;
	return 0;
}

/* The offset the index of `p` gives at position `pos` (id order), or 0
 * when it names a large offset the index does not hold. */
static uint64_t offset_at(const obj_pack *p, uint32_t pos)
{
	uint32_t o = be32(p->offsets + 4 * (uint64_t)pos);

	if (!(o & 0x80000000u))
		return o;
	o &= 0x7fffffffu;
	if (o >= p->large_count)
		return 0;
	return (uint64_t)be32(p->large + 8 * (uint64_t)o) << 32 |
	       be32(p->large + 8 * (uint64_t)o + 4);
}

/* Where object `id` is in pack `p`: its offset, or 0 when absent (no
 * object starts at offset 0) or the index is inconsistent. */
static uint64_t offset_of(const obj_pack *p, const uint8_t *id)
{
	uint32_t lo = id[0] ? be32(p->fanout + 4 * (id[0] - 1)) : 0;
	uint32_t hi = be32(p->fanout + 4 * id[0]);

	if (hi > p->count || lo > hi)
		return 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(p->ids + 20 * (uint64_t)mid, id, 20);

		if (c < 0) {
			lo = mid + 1;
		} else if (c > 0) {
			hi = mid;
		} else {
			return offset_at(p, mid);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The cache holds a reference to each object it keeps
 * ---------------------------------------------------------------------- */

static lg_obj *find_cached(lg_objreader *r, uint32_t pack, uint64_t offset)
{
	return lg_lru__get(NULL, &r->cache, pack, offset);
}

/* Keeps a reference to `o` as the object at (pack, offset). */
static void add_cached(lg_objreader *r, uint32_t pack, uint64_t offset, lg_obj *o)
{
	if (lg_lru__put(&r->cache, pack, offset, lg_obj__ref(o), o->len) != 0)
		lg_obj__unref(o); /* too large to keep */
}

/* ------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------- */

/* Gives back the pages of the packs once the walk may have touched
 * RESIDENT_LIMIT bytes of them since the last time. */
static void account_read(lg_objreader *r, uint64_t bytes)
{
	size_t i;

	/* At least a page each: the objects are small and scattered. */
	r->touched += bytes + 4096;
	if (r->touched < RESIDENT_LIMIT)
		return;
	r->touched = 0;
	for (i = 0; i < r->pack_count; i++)
		madvise((void *)r->packs[i].pack, r->packs[i].pack_size, MADV_DONTNEED);
}

/* Inflates the zlib stream at `offset` of pack `p` into out[0, size): 0
 * when it holds exactly `size` bytes and, when `end` is not 0 (where the
 * index says the next object starts), ends exactly there; -1 otherwise. */
static int inflate_at(lg_objreader *r, const obj_pack *p, uint64_t offset, uint64_t end,
		      char *out, size_t size)
{
	int z;

	if (offset >= p->pack_size || (end && end <= offset))
		return -1;
	if (!end) {
		end = p->pack_size;
	} else if ((z = lg_inflate__whole(&r->inflater, out, size, p->pack + offset,
					  (size_t)(end - offset))) != LG_ENOTFOUND) {
		account_read(r, end - offset);
		return z ? -1 : 0;
	}
	if (!r->zs_ready) {
		memset(&r->zs, 0, sizeof(r->zs));
		if (inflateInit(&r->zs) != Z_OK)
			return -1;
		r->zs_ready = 1;
	} else if (inflateReset(&r->zs) != Z_OK) {
		return -1;
	}
	r->zs.next_in = (Bytef *)(p->pack + offset);
	r->zs.avail_in = end - offset > UINT32_MAX ? UINT32_MAX : (uInt)(end - offset);
	/* One byte more than the object, which must stay unused. */
	r->zs.next_out = (Bytef *)out;
	r->zs.avail_out = (uInt)size + 1;
	z = inflate(&r->zs, Z_FINISH);
	account_read(r, r->zs.total_in);
	return z == Z_STREAM_END && r->zs.total_out == size &&
	       (end == p->pack_size || r->zs.total_in == end - offset) ? 0 : -1;
}

/* Reads the object at `offset` of pack `pack` whole, from the cache or
 * inflated with its delta chain resolved: a reference in *out.
 * LG_ENOTFOUND for anything not understood. */
static int read_at(lg_obj **out, lg_objreader *r, uint32_t pack, uint64_t offset,
		   unsigned depth)
{
	const obj_pack *p = &r->packs[pack];
	lg_obj *o = find_cached(r, pack, offset), *base = NULL;
	const uint8_t *ops;
	uint64_t base_offset, src, dst;
	lg_pack_entry h;
	int err;

	if (o) {
		*out = lg_obj__ref(o);
		return 0;
	}
	if (lg_pack__entry_header(&h, p->pack, p->pack_size, offset) != 0 ||
	    h.size > MAX_OBJECT_SIZE)
		return LG_ENOTFOUND;
	if (h.type != LG_OBJ_OFS_DELTA && h.type != LG_OBJ_REF_DELTA) {
		if (!(o = obj_alloc(h.type, (size_t)h.size)))
			return LG_ENOMEM;
		/* The one byte past the object is its NUL, overwritten by
		 * nothing: inflate stops at the stream's end. */
		if (inflate_at(r, p, h.data_offset, lg_inflate__end_of(&p->extents, offset),
			       o->data, (size_t)h.size) != 0) {
			lg_obj__unref(o);
			return LG_ENOTFOUND;
		}
		o->data[o->len] = '\0';
		add_cached(r, pack, offset, o);
		*out = o;
		return 0;
	}
	base_offset = h.type == LG_OBJ_OFS_DELTA ? h.base_offset : offset_of(p, h.base_id);
	if (base_offset == 0 || depth >= MAX_DELTA_DEPTH)
		return LG_ENOTFOUND;
	/* The base first: reading it reuses the scratch buffer. */
	if ((err = read_at(&base, r, pack, base_offset, depth + 1)) != 0)
		return err;
	if (r->scratch_alloc < h.size + 1) {
		char *grown = realloc(r->scratch, (size_t)h.size + 1);

		if (!grown) {
			lg_obj__unref(base);
			return lg_error_set_oom();
		}
		r->scratch = grown;
		r->scratch_alloc = (size_t)h.size + 1;
	}
	err = LG_ENOTFOUND;
	if (inflate_at(r, p, h.data_offset, lg_inflate__end_of(&p->extents, offset),
		       r->scratch, (size_t)h.size) == 0 &&
	    lg_pack__delta_header(&src, &dst, &ops, (const uint8_t *)r->scratch,
				  (size_t)h.size) == 0 &&
	    src == base->len && dst <= MAX_OBJECT_SIZE) {
		if (!(o = obj_alloc(base->type, (size_t)dst))) {
			err = LG_ENOMEM;
		} else if (lg_pack__delta_apply(o->data, dst, base->data, base->len, ops,
						(const uint8_t *)r->scratch + h.size) != 0) {
			lg_obj__unref(o);
			o = NULL;
		} else {
			err = 0;
		}
	}
	lg_obj__unref(base);
	if (err)
		return err;
	add_cached(r, pack, offset, o);
	*out = o;
	return 0;
}

int lg_objreader__read(lg_obj **out, lg_objreader *r, const uint8_t id[20], int type)
{
	size_t i;

	for (i = 0; i < r->pack_count; i++) {
		uint64_t offset = offset_of(&r->packs[i], id);
		lg_obj *o;
		int err;

		if (!offset)
			continue;
		if ((err = read_at(&o, r, (uint32_t)i, offset, 0)) != 0)
			return err;
		if (o->type != type) {
			lg_obj__unref(o);
			return LG_ENOTFOUND;
		}
		*out = o;
		return 0;
	}
	return LG_ENOTFOUND;
}

void lg_objreader__free(lg_objreader *r)
{
	size_t i;

	if (!r)
		return;
	lg_lru__release(&r->cache);
	for (i = 0; i < r->pack_count; i++) {
		lg_inflate__extents_release(&r->packs[i].extents);
		lg__unmap_file(r->packs[i].pack, r->packs[i].pack_size);
		lg__unmap_file(r->packs[i].idx, r->packs[i].idx_size);
	}
	free(r->packs);
	if (r->zs_ready)
		inflateEnd(&r->zs);
	lg_inflate__release(&r->inflater);
	free(r->scratch);
	free(r);
}

/* ------------------------------------------------------------------------
 * Trees, parsed in place as libgit2 1.5 parses them
 * ---------------------------------------------------------------------- */

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '\v';
}

/* The entry at *pos, moving *pos past it; 1 for an entry, 0 at the end,
 * -1 (with libgit2's wording in *why) where libgit2 refuses the tree. */
static int tree_entry_at(lg_tree_entry *e, const char *data, size_t len, size_t *pos,
			 const char **why)
{
	const char *p = data + *pos, *end = data + len, *nul;
	uint32_t mode = 0;
	int neg = 0, digits = 0;

	if (p == end)
		return 0;
	/* The mode: octal, as strtol reads it (a sign allowed, no space
	 * first), at most 0xffff. */
	if (is_space((unsigned char)*p))
		goto bad_mode;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '7'; p++, digits++)
		if ((mode = mode * 8 + (uint32_t)(*p - '0')) > 0xffff)
			mode = 0x10000; /* stays too large */
	if (!digits || mode > 0xffff || (neg && mode))
		goto bad_mode;
	if (p >= end || *p++ != ' ') {
		*why = "failed to parse tree: missing space after filemode";
		return -1;
	}
	if (!(nul = memchr(p, 0, (size_t)(end - p)))) {
		*why = "failed to parse tree: object is corrupted";
		return -1;
	}
	if (nul == p || nul - p > 0xffff) {
		*why = "failed to parse tree: can't parse filename";
		return -1;
	}
	if (end - (nul + 1) < 20) {
		*why = "failed to parse tree: can't parse OID";
		return -1;
	}
	e->raw = data + *pos;
	e->attr = (uint16_t)mode;
	e->name = p;
	e->name_len = (size_t)(nul - p);
	e->id = (const uint8_t *)nul + 1;
	*pos = (size_t)(nul + 21 - data);
	e->raw_len = (size_t)(data + *pos - e->raw);
	return 1;
bad_mode:
	*why = "failed to parse tree: can't parse filemode";
	return -1;
}

int lg_tree__next(lg_tree_entry *e, const lg_obj *tree, size_t *pos)
{
	const char *why;

	return tree_entry_at(e, tree->data, tree->len, pos, &why);
}

int lg_tree__check(const lg_obj *tree, const char **why)
{
	lg_tree_entry e;
	size_t pos = 0;
	int rc;

	while ((rc = tree_entry_at(&e, tree->data, tree->len, &pos, why)) == 1)
		;
	return rc;
}

int lg_tree__mode(uint16_t attr)
{
	if ((attr & 0170000) == 0040000)
		return LG_MODE_TREE;
	if (attr & 0111)
		return LG_MODE_BLOB_EXECUTABLE;
	if ((attr & 0170000) == 0160000)
		return LG_MODE_COMMIT;
	if ((attr & 0170000) == 0120000)
		return LG_MODE_LINK;
	return LG_MODE_BLOB;
}

int lg_tree__entry_cmp(const lg_tree_entry *a, const lg_tree_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int cmp = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (cmp)
		return cmp;
	/* A tree sorts as if its name ended in '/'. */
	ca = n < a->name_len ? (unsigned char)a->name[n] :
	     (a->attr & 0170000) == 0040000 ? '/' : 0;
	cb = n < b->name_len ? (unsigned char)b->name[n] :
	     (b->attr & 0170000) == 0040000 ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

/* ------------------------------------------------------------------------
 * Commits in their ordinary form
 * ---------------------------------------------------------------------- */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lg_oid__from_hex(uint8_t out[20], const char *hex)
{
	int i;

	for (i = 0; i < 20; i++) {
		int hi = hex_value((unsigned char)hex[2 * i]), lo = hex_value((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Parses "`header` <40 hex digits>\n" at *p into out: 0 and *p moved past
 * it, or -1. */
static int id_line(uint8_t out[20], const char **p, const char *end, const char *header)
{
	size_t n = strlen(header);

	if ((size_t)(end - *p) < n + 41 || memcmp(*p, header, n) != 0 || (*p)[n + 40] != '\n' ||
	    lg_oid__from_hex(out, *p + n) != 0)
		return -1;
	*p += n + 41;
	return 0;
}

static int is_crud(unsigned char c)
{
	return c <= 32 || c == '.' || c == ',' || c == ':' || c == ';' || c == '<' || c == '>' ||
	       c == '"' || c == '\\' || c == '\'';
}

static void trimmed(const char **s, size_t *len, const char *from, const char *to)
{
	while (from < to && is_crud((unsigned char)from[0]))
		from++;
	while (to > from && is_crud((unsigned char)to[-1]))
		to--;
	*s = from;
	*len = (size_t)(to - from);
}

/* Parses a signature line "`header`NAME <EMAIL> SECONDS +HHMM\n" at *p in
 * the one form git writes; what libgit2 would make of anything else is
 * left to libgit2 (-1). The name and e-mail are trimmed as libgit2 trims
 * them, and a time zone it would not store is 0. */
static int signature_line(lg_signature_view *s, const char **p, const char *end,
			  const char *header)
{
	size_t n = strlen(header);
	const char *line = *p, *eol, *lt = NULL, *gt = NULL, *q;
	int64_t time = 0;
	int digits = 0, tz, hours, mins;

	if (!(eol = memchr(line, '\n', (size_t)(end - line))) || (size_t)(eol - line) <= n ||
	    memcmp(line, header, n) != 0 || memchr(line, 0, (size_t)(eol - line)))
		return -1;
	for (q = line + n; q < eol; q++) {
		if (*q == '<')
			lt = q;
		else if (*q == '>')
			gt = q;
	}
	if (!lt || !gt || gt <= lt || eol - gt < 2 || gt[1] != ' ')
		return -1;
	for (q = gt + 2; q < eol && *q >= '0' && *q <= '9'; q++)
		if (++digits > 18)
			return -1;
		else
			time = time * 10 + (*q - '0');
	if (!digits || eol - q != 6 || q[0] != ' ' || (q[1] != '+' && q[1] != '-'))
		return -1;
	for (tz = 0, q += 2; q < eol; q++) {
		if (*q < '0' || *q > '9')
			return -1;
		tz = tz * 10 + (*q - '0');
	}
	trimmed(&s->name, &s->name_len, line + n, lt);
	trimmed(&s->email, &s->email_len, lt + 1, gt);
	s->time = time;
	hours = tz / 100;
	mins = tz % 100;
	s->offset = 0;
	if (hours <= 14 && mins <= 59)
		s->offset = (eol[-5] == '-' ? -1 : 1) * (hours * 60 + mins);
	*p = eol + 1;
	return 0;
}

int lg_commit__parse(lg_commit_view *v, const lg_obj *commit)
{
	const char *start = commit->data, *p = start, *end = start + commit->len, *msg;
	lg_signature_view committer;
	uint8_t ignored[20];

	memset(v, 0, sizeof(*v));
	if (id_line(v->tree, &p, end, "tree ") != 0)
		return -1;
	v->parents = p;
	while (id_line(ignored, &p, end, "parent ") == 0)
		v->parent_count++;
	if (signature_line(&v->author, &p, end, "author ") != 0 ||
	    ((size_t)(end - p) >= 7 && memcmp(p, "author ", 7) == 0) ||
	    signature_line(&committer, &p, end, "committer ") != 0)
		return -1;
	/* The other headers, to the blank line, as libgit2 skips them. */
	while (p < end) {
		const char *eol = p;

		if (p[-1] == '\n' && p[0] == '\n')
			break;
		while (eol < end && *eol != '\n')
			eol++;
		p = eol < end ? eol + 1 : eol;
	}
	msg = p + 1;
	if (msg > end)
		msg = end;
	/* libgit2 copies the message as a string and skips its first
	 * newlines. */
	while (msg < end && *msg == '\n')
		msg++;
	v->message = msg;
	v->message_len = strnlen(msg, (size_t)(end - msg));
	return 0;
}

int lg_commit__parent(uint8_t out[20], const lg_commit_view *v, size_t i)
{
	return lg_oid__from_hex(out, v->parents + 48 * i + 7);
}
