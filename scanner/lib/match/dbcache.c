/*
 * dbcache.c - the compiled Hyperscan database, cached in a file.
 *
 * Compiling a few hundred rules takes far longer than scanning a push, so
 * a git hook or a small scan loads the database compiled by an earlier run.
 * The file name is a hash of everything the database depends on: the
 * rules, the Hyperscan version and the CPU features it was built for. A
 * file that does not check out is removed and rebuilt.
 *
 * The file holds the database as hs_deserialize_database_at lays it out at
 * an IMAGE_ALIGN-aligned address, not its serialized form: a database
 * holds offsets, not pointers (Hyperscan deserializes into shared memory
 * for that reason), so a later run maps the file and scans the image in
 * place. Deserializing 2 MB instead (read, allocate, copy) cost each hook
 * run 2-4 ms; and concurrent hooks now share the pages. A mapping outlives
 * a rebuild, because files here are only ever replaced by rename, never
 * rewritten in place.
 */
#include "match/match.h"
#include "rules/rules.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_FILE_MAX_BYTES (512u << 20)
/* The file: this magic; u32 rule count; per rule u32 max_width and u8
 * prefilter (Hyperscan's analysis, so a warm start skips it); u32 image
 * count; per image its u64 length; then each image at a multiple of
 * IMAGE_ALIGN (zeros between). The first image is the main database, the
 * others those of the rules that run gated (matcher.c). */
#define CACHE_MAGIC "LGHSDB4"
#define FACT_BYTES 5
#define IMAGE_ALIGN 4096
#define MAX_IMAGES 64

void lg_dbcache__key(char out[41], const char *rules_hash, int gated)
{
	hs_platform_info_t platform;
	lg_buf b = LG_BUF_INIT;

	memset(&platform, 0, sizeof(platform));
	hs_populate_platform(&platform);
	if (lg_buf__printf(&b, "leakgate-hsdb-v3\n%s\n%s\n%u %llu %llu\n%d\n",
			   rules_hash, hs_version(), platform.tune,
			   (unsigned long long)platform.cpu_features,
			   (unsigned long long)platform.reserved1, gated) != 0) {
		/* An unusable key: a name no store will ever match. */
		snprintf(out, 41, "%s", "nocache");
		return;
	}
	lg__hash_hex(out, b.ptr, b.len);
	lg_buf__release(&b);
}

static int cache_path(lg_buf *path, const char *dir, const char *key)
{
	return lg_buf__printf(path, "%s/hsdb-%s.bin", dir, key);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Writes the low `bytes` bytes of `v` at `p`, little-endian. */
static void put_le(unsigned char *p, uint64_t v, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static size_t align_up(size_t v)
{
	return (v + IMAGE_ALIGN - 1) / IMAGE_ALIGN * IMAGE_ALIGN;
}

/* Bytes of the header for `n` rules and `k` images. */
static size_t header_bytes(size_t n, size_t k)
{
	return 8 + 4 + n * FACT_BYTES + 4 + k * 8;
}

/* Checks that the mapped file fits these rules and holds intact images;
 * fills images[0, *k) and a scratch fit for all of them on success.
 * Hyperscan checks each image in hs_alloc_scratch, CRC included (its
 * comment: "some users mmap in old deserialised databases"), so a damaged
 * file is rebuilt, not scanned. */
static int check_file(size_t n, const unsigned char *data, size_t len,
		      const hs_database_t **images, size_t *k, hs_scratch_t **scratch)
{
	size_t at, i, count, size;

	*scratch = NULL;
	if (len < header_bytes(n, 0) || memcmp(data, CACHE_MAGIC, 8) != 0 ||
	    get_u32(data + 8) != n)
		return -1;
	count = get_u32(data + 12 + n * FACT_BYTES);
	if (count == 0 || count > MAX_IMAGES || len < header_bytes(n, count))
		return -1;
	at = align_up(header_bytes(n, count));
	for (i = 0; i < count; i++) {
		uint64_t ilen = get_u64(data + 16 + n * FACT_BYTES + i * 8);

		/* ilen < len - at: the image's first page is mapped, so
		 * Hyperscan can read its header before anything is known
		 * about the rest. */
		if (at >= len || ilen == 0 || ilen > len - at)
			goto bad;
		images[i] = (const hs_database_t *)(data + at);
		if (hs_database_size(images[i], &size) != HS_SUCCESS || size != ilen ||
		    hs_alloc_scratch(images[i], scratch) != HS_SUCCESS)
			goto bad;
		at = i + 1 < count ? align_up(at + (size_t)ilen) : at + (size_t)ilen;
	}
	if (at != len)
		goto bad;
	*k = count;
	return 0;
bad:
	hs_free_scratch(*scratch);
	*scratch = NULL;
	return -1;
}

static void read_facts(lg_rule_facts *facts, size_t n, const unsigned char *data)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const unsigned char *f = data + 12 + i * FACT_BYTES;

		facts[i].max_width = get_u32(f);
		facts[i].prefilter = f[4] != 0;
	}
}

int lg_dbcache__load(const struct hs_database **dbs, size_t *ndb, struct hs_scratch **scratch,
		     lg_dbcache_map *map, lg_rule_facts *facts, size_t n, const char *dir,
		     const char *key)
{
	lg_buf path = LG_BUF_INIT;
	const uint8_t *base;
	uint64_t len;
	int err = LG_ENOTFOUND;

	if (cache_path(&path, dir, key) != 0 ||
	    lg__map_file(&base, &len, path.ptr, CACHE_FILE_MAX_BYTES) != 0)
		goto out;
	if (check_file(n, base, (size_t)len, dbs, ndb, scratch) != 0) {
		lg__unmap_file(base, len);
		unlink(path.ptr);
		goto out;
	}
	read_facts(facts, n, base);
	map->base = base;
	map->len = len;
	err = 0;
out:
	lg_buf__release(&path);
	return err;
}

void lg_dbcache__unmap(lg_dbcache_map *map)
{
	lg__unmap_file(map->base, map->len);
	map->base = NULL;
	map->len = 0;
}

/* Appends zeros up to the next multiple of IMAGE_ALIGN. */
static int pad(lg_buf *b)
{
	static const char zeros[IMAGE_ALIGN];

	return lg_buf__add(b, zeros, align_up(b->len) - b->len);
}

/* The header: magic, rule count, each rule's facts, the images' count
 * and lengths; then zeros up to the first image. */
static int add_header(lg_buf *b, const lg_rule_facts *facts, size_t n, const size_t *lens,
		      size_t k)
{
	size_t i;
	unsigned char u[8];
	int err = lg_buf__add(b, CACHE_MAGIC, 8);

	put_le(u, n, 4);
	if (!err)
		err = lg_buf__add(b, u, 4);
	for (i = 0; i < n && !err; i++) {
		unsigned char f[FACT_BYTES];

		put_le(f, facts[i].max_width, 4);
		f[4] = facts[i].prefilter != 0;
		err = lg_buf__add(b, f, FACT_BYTES);
	}
	put_le(u, k, 4);
	if (!err)
		err = lg_buf__add(b, u, 4);
	for (i = 0; i < k && !err; i++) {
		put_le(u, lens[i], 8);
		err = lg_buf__add(b, u, 8);
	}
	return err ? err : pad(b);
}

/* The database laid out as it will be mapped: deserialized at an
 * IMAGE_ALIGN-aligned address (its inner alignment depends on where it
 * lies). */
static int make_image(void **out, size_t *len, const struct hs_database *db)
{
	char *bytes = NULL;
	size_t n = 0;
	void *image = NULL;
	int err = 0;

	if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS ||
	    hs_serialized_database_size(bytes, n, len) != HS_SUCCESS)
		err = lg_error_set(LG_ERROR, "cannot serialize the rule database");
	else if (posix_memalign(&image, IMAGE_ALIGN, *len) != 0)
		err = lg_error_set_oom();
	else if (memset(image, 0, *len), /* no stray bytes in the file */
		 hs_deserialize_database_at(bytes, n, image) != HS_SUCCESS)
		err = lg_error_set(LG_ERROR, "cannot lay out the rule database");
	free(bytes);
	if (err) {
		free(image);
		return err;
	}
	*out = image;
	return 0;
}

int lg_dbcache__store(const struct hs_database *const *dbs, size_t ndb,
		      const lg_rule_facts *facts, size_t n, const char *dir, const char *key)
{
	lg_buf path = LG_BUF_INIT, file = LG_BUF_INIT;
	void *images[MAX_IMAGES] = { NULL };
	size_t lens[MAX_IMAGES], i;
	int err;

	if (ndb == 0 || ndb > MAX_IMAGES)
		return 0; /* not cached: the cache is an optimisation */
	if ((err = lg__make_dirs(dir)) != 0)
		return err;
	for (i = 0; i < ndb && !err; i++)
		err = make_image(&images[i], &lens[i], dbs[i]);
	if (!err)
		err = add_header(&file, facts, n, lens, ndb);
	for (i = 0; i < ndb && !err; i++)
		if ((err = lg_buf__add(&file, images[i], lens[i])) == 0 && i + 1 < ndb)
			err = pad(&file);
	if (!err && (err = cache_path(&path, dir, key)) == 0)
		err = lg__write_file_atomic(path.ptr, file.ptr, file.len);
	for (i = 0; i < ndb; i++)
		free(images[i]);
	lg_buf__release(&file);
	lg_buf__release(&path);
	return err;
}
