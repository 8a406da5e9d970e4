/*
 * dbcache.c - the compiled Hyperscan database, cached in a file.
 *
 * Compiling a few hundred rules takes far longer than scanning a push, so
 * a git hook or a small scan loads the database compiled by an earlier run.
 * The file name is a hash of everything the database depends on: the
 * rules, the Hyperscan version and the CPU features it was built for. A
 * file that does not deserialize is removed and rebuilt.
 */
#include "internal.h"

#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_FILE_MAX_BYTES (512u << 20)
/* The file: this magic, u32 rule count, per rule u32 max_width and u8
 * prefilter (Hyperscan's analysis, so a warm start skips it), then the
 * serialized database. */
#define CACHE_MAGIC "LGHSDB2"
#define FACT_BYTES 5

void lg_dbcache__key(char out[41], const char *rules_hash)
{
	hs_platform_info_t platform;
	lg_buf b = LG_BUF_INIT;

	memset(&platform, 0, sizeof(platform));
	hs_populate_platform(&platform);
	if (lg_buf__printf(&b, "leakgate-hsdb-v1\n%s\n%s\n%u %llu %llu\n",
			   rules_hash, hs_version(), platform.tune,
			   (unsigned long long)platform.cpu_features,
			   (unsigned long long)platform.reserved1) != 0) {
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

/* Checks the header and applies each rule's facts; -1 when it does not fit
 * these rules. */
static int apply_facts(lg_ruleset *rs, const unsigned char *data, size_t len, size_t *header)
{
	size_t n = lg_ruleset_count(rs), i, need = 8 + 4 + n * FACT_BYTES;

	if (len < need || memcmp(data, CACHE_MAGIC, 8) != 0 || get_u32(data + 8) != n)
		return -1;
	for (i = 0; i < n; i++) {
		const unsigned char *f = data + 12 + i * FACT_BYTES;

		lg_ruleset__set_facts(rs, i, get_u32(f), f[4] != 0);
	}
	*header = need;
	return 0;
}

int lg_dbcache__load(struct hs_database **db, lg_ruleset *rs, const char *dir,
		     const char *key)
{
	lg_buf path = LG_BUF_INIT;
	const uint8_t *data = NULL;
	uint64_t len = 0;
	size_t header = 0;
	int err;

	if (cache_path(&path, dir, key) != 0)
		return LG_ENOTFOUND;
	/* Mapped, not read: Hyperscan copies the database out of it anyway,
	 * and a hook's start-up should not copy it twice. */
	err = lg__map_file(&data, &len, path.ptr, CACHE_FILE_MAX_BYTES) ? LG_ENOTFOUND : 0;
	if (!err && (apply_facts(rs, data, (size_t)len, &header) != 0 ||
		     hs_deserialize_database((const char *)data + header, (size_t)len - header,
					     db) != HS_SUCCESS)) {
		unlink(path.ptr);
		err = LG_ENOTFOUND;
	}
	lg__unmap_file(data, len);
	lg_buf__release(&path);
	return err;
}

/* The header: magic, rule count, each rule's facts. */
static int facts_header(lg_buf *b, const lg_ruleset *rs)
{
	size_t i, n = lg_ruleset_count(rs);
	unsigned char u[4];
	int err = lg_buf__add(b, CACHE_MAGIC, 8);

	u[0] = (unsigned char)n, u[1] = (unsigned char)(n >> 8);
	u[2] = (unsigned char)(n >> 16), u[3] = (unsigned char)(n >> 24);
	if (!err)
		err = lg_buf__add(b, u, 4);
	for (i = 0; i < n && !err; i++) {
		const lg_rule *r = lg_ruleset_get(rs, i);
		unsigned char f[FACT_BYTES] = {
			(unsigned char)r->max_width, (unsigned char)(r->max_width >> 8),
			(unsigned char)(r->max_width >> 16), (unsigned char)(r->max_width >> 24),
			(unsigned char)(r->prefilter != 0)
		};

		err = lg_buf__add(b, f, FACT_BYTES);
	}
	return err;
}

int lg_dbcache__store(const struct hs_database *db, const lg_ruleset *rs,
		      const char *dir, const char *key)
{
	lg_buf path = LG_BUF_INIT, file = LG_BUF_INIT;
	char *bytes = NULL;
	size_t len = 0;
	int err;

	if ((err = lg__make_dirs(dir)) != 0)
		return err;
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return lg_error_set(LG_ERROR, "cannot serialize the rule database");
	if ((err = facts_header(&file, rs)) == 0 && (err = lg_buf__add(&file, bytes, len)) == 0 &&
	    (err = cache_path(&path, dir, key)) == 0)
		err = lg__write_file_atomic(path.ptr, file.ptr, file.len);
	free(bytes);
	lg_buf__release(&file);
	lg_buf__release(&path);
	return err;
}
