/*
 * state.c - the incremental-scan state file.
 *
 * Layout (little-endian): "LGSTATE\0", u32 version, 40 bytes rules hash,
 * 40 bytes repository id, u64 tip count, 20-byte tips, u64 blob count,
 * sorted 20-byte ids of the objects read in full (blobs, and the annotated
 * tags whose message was matched: the walk hides the commits behind the
 * tips, not the tags refs point to), u32 CRC32 of everything before it.
 * Anything that does not check out is refused as a whole, so a damaged
 * file can only cause a full scan, never a missed blob.
 */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>

#define STATE_MAGIC "LGSTATE"
#define STATE_VERSION 1u
#define STATE_MAX_BYTES (4ull << 30)

int lg_state_new(lg_state **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return lg_error_set_oom();
	return 0;
}

void lg_state_free(lg_state *s)
{
	if (!s)
		return;
	free(s->tips);
	free(s->blobs);
	free(s);
}

static int compare_ids(const void *a, const void *b)
{
	return memcmp(a, b, 20);
}

int lg_state__knows_blob(const lg_state *s, const uint8_t id[20])
{
	return s && s->blob_count &&
		bsearch(id, s->blobs, s->blob_count, 20, compare_ids) != NULL;
}

/* ------------------------------------------------------------------------
 * Reading
 * ---------------------------------------------------------------------- */

typedef struct {
	const unsigned char *p;
	size_t left;
} reader;

static int take(reader *r, void *out, size_t n)
{
	if (r->left < n)
		return -1;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

static int take_u32(reader *r, uint32_t *v)
{
	unsigned char b[4];

	if (take(r, b, 4))
		return -1;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

static int take_u64(reader *r, uint64_t *v)
{
	uint32_t lo, hi;

	if (take_u32(r, &lo) || take_u32(r, &hi))
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* Reads `count` ids into a new array; refuses counts the data cannot hold. */
static int take_ids(reader *r, uint8_t (**out)[20], uint64_t count)
{
	if (count > r->left / 20)
		return -1;
	*out = malloc(count ? count * 20 : 1);
	return *out ? take(r, *out, count * 20) : -1;
}

static int parse_state(lg_state *s, const unsigned char *data, size_t len, const char *path)
{
	reader r = { data, len };
	char magic[8];
	uint32_t version, crc;
	uint64_t n;
	size_t i;

	if (len < 12 || take(&r, magic, 8) || memcmp(magic, STATE_MAGIC, 8) != 0)
		return lg_error_set(LG_EINVALID, "'%s' is not a leakgate state file", path);
	if (take_u32(&r, &version))
		return lg_error_set(LG_EINVALID, "state file '%s' is truncated", path);
	if (version != STATE_VERSION)
		return lg_error_set(LG_EINVALID, "state file '%s' has version %u; this leakgate writes %u",
				    path, version, STATE_VERSION);
	{
		reader tail = { data + len - 4, 4 };

		take_u32(&tail, &crc);
	}
	if (lg__crc32(data, len - 4) != crc)
		return lg_error_set(LG_EINVALID, "state file '%s' is corrupt (checksum mismatch)", path);
	r.left -= 4; /* the checksum */
	if (take(&r, s->rules_hash, 40) || take(&r, s->repo_id, 40) ||
	    take_u64(&r, &n) || take_ids(&r, &s->tips, n))
		return lg_error_set(LG_EINVALID, "state file '%s' is truncated", path);
	s->tip_count = (size_t)n;
	if (take_u64(&r, &n) || take_ids(&r, &s->blobs, n) || r.left != 0)
		return lg_error_set(LG_EINVALID, "state file '%s' is truncated", path);
	s->blob_count = (size_t)n;
	for (i = 1; i < s->blob_count; i++)
		if (memcmp(s->blobs[i - 1], s->blobs[i], 20) >= 0)
			return lg_error_set(LG_EINVALID, "state file '%s' is corrupt (blobs out of order)", path);
	s->rules_hash[40] = s->repo_id[40] = '\0';
	s->loaded = 1;
	return 0;
}

int lg_state_load(lg_state **out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	lg_state *s;
	int err;

	if ((err = lg_state_new(&s)) != 0)
		return err;
	err = lg__read_file(&data, &len, path, STATE_MAX_BYTES);
	if (err == LG_ENOTFOUND) {
		*out = s; /* no state yet: a full scan */
		return 0;
	}
	if (err)
		err = lg_error_set(LG_EINVALID, "%s", lg_error_last());
	else
		err = parse_state(s, (const unsigned char *)data, len, path);
	free(data);
	if (err) {
		lg_state_free(s);
		return err;
	}
	*out = s;
	return 0;
}

/* ------------------------------------------------------------------------
 * Updating and writing
 * ---------------------------------------------------------------------- */

int lg_state__update(lg_state *s, const char *rules_hash, const char *repo_id,
		     uint8_t (*tips)[20], size_t tip_count,
		     const uint8_t (*added)[20], size_t added_count)
{
	uint8_t (*merged)[20] = malloc((s->blob_count + added_count + 1) * 20);
	uint8_t (*tips_copy)[20] = malloc((tip_count + 1) * 20);
	size_t i, n = 0;

	if (!merged || !tips_copy) {
		free(merged);
		free(tips_copy);
		return lg_error_set_oom();
	}
	if (s->blob_count)
		memcpy(merged, s->blobs, s->blob_count * 20);
	if (added_count)
		memcpy(merged + s->blob_count, added, added_count * 20);
	n = s->blob_count + added_count;
	if (n > 1)
		qsort(merged, n, 20, compare_ids);
	{
		size_t kept = 0; /* duplicates dropped in place */

		for (i = 0; i < n; i++)
			if (kept == 0 || memcmp(merged[kept - 1], merged[i], 20) != 0)
				memmove(merged[kept++], merged[i], 20);
		n = kept;
	}
	if (tip_count)
		memcpy(tips_copy, tips, tip_count * 20);
	free(s->blobs);
	free(s->tips);
	s->blobs = merged;
	s->blob_count = n;
	s->tips = tips_copy;
	s->tip_count = tip_count;
	memcpy(s->rules_hash, rules_hash, 41);
	memcpy(s->repo_id, repo_id, 41);
	s->loaded = 1;
	return 0;
}

static int put_u32(lg_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	return lg_buf__add(b, x, 4);
}

static int put_u64(lg_buf *b, uint64_t v)
{
	return put_u32(b, (uint32_t)v) || put_u32(b, (uint32_t)(v >> 32));
}

int lg_state_save(const lg_state *s, const char *path)
{
	lg_buf b = LG_BUF_INIT;
	int err;

	err = lg_buf__add(&b, STATE_MAGIC, 8);
	if (!err) err = put_u32(&b, STATE_VERSION);
	if (!err) err = lg_buf__add(&b, s->rules_hash, 40);
	if (!err) err = lg_buf__add(&b, s->repo_id, 40);
	if (!err) err = put_u64(&b, s->tip_count);
	if (!err) err = lg_buf__add(&b, s->tips, s->tip_count * 20);
	if (!err) err = put_u64(&b, s->blob_count);
	if (!err) err = lg_buf__add(&b, s->blobs, s->blob_count * 20);
	if (!err) err = put_u32(&b, lg__crc32(b.ptr, b.len));
	if (!err)
		err = lg__write_file_atomic(path, b.ptr, b.len);
	lg_buf__release(&b);
	return err;
}
