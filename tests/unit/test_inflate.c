/*
 * test_inflate.c - a pack entry's zlib stream inflated whole (git/inflate.c):
 * exactly the stream's bytes, to exactly the size given, or a refusal; and
 * where each object's stream ends, from the index's offsets.
 */
#include "git/git.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Text that compresses with back-references, as source files do. */
static size_t fill_text(char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = "line of text %d\n"[(i * 7 + i / 97) % 16];
	return len;
}

/* `in` deflated with zlib's header for a window of 2^window_bits bytes;
 * the stream's length in *out_len. */
static uint8_t *deflated(size_t *out_len, const char *in, size_t len, int window_bits)
{
	z_stream zs;
	uLong cap = compressBound((uLong)len) + 64;
	uint8_t *out = malloc(cap);

	memset(&zs, 0, sizeof(zs));
	if (!out || deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

TEST(test_inflate__reads_a_whole_stream_exactly)
{
	lg_inflater inf = { 0 };
	char text[20000], out[20001];
	size_t n;
	uint8_t *z = deflated(&n, text, fill_text(text, sizeof(text)), 15);

	CHECK_EQ_INT(z[0], 0x78);
	CHECK_EQ_INT(lg_inflate__whole(&inf, out, sizeof(text), z, n), 0);
	CHECK(memcmp(out, text, sizeof(text)) == 0);
	/* Again with the same inflater, and an empty object. */
	CHECK_EQ_INT(lg_inflate__whole(&inf, out, sizeof(text), z, n), 0);
	free(z);
	z = deflated(&n, text, 0, 15);
	CHECK_EQ_INT(lg_inflate__whole(&inf, out, 0, z, n), 0);
	free(z);
	lg_inflate__release(&inf);
	lg_inflate__release(&inf); /* twice: it was emptied */
	lg_inflate__release(NULL);
}

/* A stream of 5000 bytes of text, and what inflating it needs. */
typedef struct {
	lg_inflater inf;
	char text[5000], out[5001];
	uint8_t *z;
	size_t n; /* the stream's length */
} fixture;

static fixture *fixture_new(int window_bits)
{
	fixture *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->z = deflated(&f->n, f->text, fill_text(f->text, sizeof(f->text)), window_bits);
	return f;
}

static void fixture_free(fixture *f)
{
	lg_inflate__release(&f->inf);
	free(f->z);
	free(f);
}

/* Inflates the first `in_len` bytes of f's stream (or of `in`) to `size`. */
static int inflate_to(fixture *f, const uint8_t *in, size_t in_len, size_t size)
{
	return lg_inflate__whole(&f->inf, f->out, size, in ? in : f->z, in_len);
}

TEST(test_inflate__refuses_a_wrong_size)
{
	fixture *f = fixture_new(15);

	/* The header says one byte more, one byte less, or nothing. */
	CHECK_EQ_INT(inflate_to(f, NULL, f->n, sizeof(f->text) + 1), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, NULL, f->n, sizeof(f->text) - 1), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, NULL, f->n, 0), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, NULL, f->n, sizeof(f->text)), 0);
	fixture_free(f);
}

TEST(test_inflate__refuses_a_stream_that_does_not_fill_its_extent)
{
	fixture *f = fixture_new(15);
	uint8_t *longer = malloc(f->n + 3);

	/* Cut short: the next object starts inside the stream. */
	CHECK_EQ_INT(inflate_to(f, NULL, f->n - 1, sizeof(f->text)), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, NULL, f->n - 4, sizeof(f->text)), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, NULL, f->n / 2, sizeof(f->text)), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, NULL, 2, sizeof(f->text)), LG_ERROR);
	/* Bytes left over between the stream's end and the next object. */
	ASSERT(longer != NULL);
	memcpy(longer, f->z, f->n);
	memcpy(longer + f->n, "\x78\x9c\x00", 3);
	CHECK_EQ_INT(inflate_to(f, longer, f->n + 1, sizeof(f->text)), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, longer, f->n + 3, sizeof(f->text)), LG_ERROR);
	CHECK_EQ_INT(inflate_to(f, longer, f->n, sizeof(f->text)), 0);
	free(longer);
	fixture_free(f);
}

TEST(test_inflate__refuses_corrupt_data)
{
	fixture *f = fixture_new(15);
	size_t i, refused = 0, n = f->n;

	/* The checksum: its last byte changed. */
	f->z[n - 1] ^= 1;
	CHECK_EQ_INT(inflate_to(f, NULL, n, sizeof(f->text)), LG_ERROR);
	f->z[n - 1] ^= 1;
	/* Any byte of the deflate data changed: a bad code, a wrong output
	 * (caught by the checksum) or a wrong length is refused; never the
	 * wrong bytes (a flipped padding bit may change nothing). */
	for (i = 2; i < n - 4; i++) {
		int err;

		f->z[i] ^= 0x20;
		err = inflate_to(f, NULL, n, sizeof(f->text));
		CHECK(err == LG_ERROR || (err == 0 && memcmp(f->out, f->text, sizeof(f->text)) == 0));
		refused += err == LG_ERROR;
		f->z[i] ^= 0x20;
	}
	CHECK(refused + 1 >= n - 6);
	/* The header's check bits wrong, or a preset dictionary asked for. */
	f->z[1] ^= 1;
	CHECK_EQ_INT(inflate_to(f, NULL, n, sizeof(f->text)), LG_ERROR);
	f->z[1] ^= 1;
	f->z[1] |= 0x20;
	CHECK_EQ_INT(inflate_to(f, NULL, n, sizeof(f->text)), LG_ERROR);
	fixture_free(f);
}

TEST(test_inflate__leaves_other_windows_to_zlib)
{
	fixture *f = fixture_new(9);

	/* A 512-byte window: zlib checks the distances against it. */
	CHECK(f->z[0] != 0x78);
	CHECK_EQ_INT(inflate_to(f, NULL, f->n, sizeof(f->text)), LG_ENOTFOUND);
	CHECK_EQ_INT(inflate_to(f, NULL, 1, sizeof(f->text)), LG_ENOTFOUND);
	fixture_free(f);
}

/* A small deterministic generator for the property test. */
static uint64_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return *state >> 11;
}

static int compare_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

TEST(test_inflate__extents_end_where_the_next_object_starts)
{
	uint64_t state = 14, pack_size, *offsets, *model;
	int round;

	/* Random offsets (some beyond 32 and 48 bits, as a bad index may
	 * give): sorted as qsort sorts them, each object's end the next
	 * start, the last one's the trailer. */
	for (round = 0; round < 200; round++) {
		uint32_t n = (uint32_t)(next_random(&state) % 3000), i;
		unsigned bits = 8 + (unsigned)(next_random(&state) % 50);
		lg_extents e;

		offsets = malloc((n ? n : 1) * sizeof(*offsets));
		model = malloc((n ? n : 1) * sizeof(*model));
		ASSERT(offsets && model);
		for (i = 0; i < n; i++)
			model[i] = offsets[i] = 12 + next_random(&state) % ((uint64_t)1 << bits);
		pack_size = ((uint64_t)1 << bits) + 100;
		qsort(model, n, sizeof(*model), compare_u64);
		ASSERT_EQ_INT(lg_inflate__extents(&e, offsets, n, pack_size), 0);
		CHECK(e.count == n);
		/* 4 bytes an offset when the pack is under 4 GiB. */
		CHECK((e.starts32 != NULL) == (pack_size - 20 < UINT32_MAX));
		CHECK(e.pack_end == pack_size - 20);
		for (i = 0; i < n; i++) {
			uint64_t want = i + 1 < n ? model[i + 1] : pack_size - 20;

			if (want == model[i]) /* two objects at one offset */
				want = 0;
			if (i > 0 && model[i - 1] == model[i])
				continue; /* its end is the first one's */
			CHECK(lg_inflate__end_of(&e, model[i]) == want);
		}
		CHECK_EQ_INT(lg_inflate__end_of(&e, 11), 0);
		CHECK_EQ_INT(lg_inflate__end_of(&e, pack_size), 0);
		lg_inflate__extents_release(&e);
		free(model);
	}
}

TEST(test_inflate__extents_refuse_what_makes_no_sense)
{
	uint64_t *offsets = malloc(3 * sizeof(*offsets));
	lg_extents e;

	ASSERT(offsets);
	/* Listed out of order, one past the pack's trailer. */
	offsets[0] = 500;
	offsets[1] = 12;
	offsets[2] = 100;
	ASSERT_EQ_INT(lg_inflate__extents(&e, offsets, 3, 400), 0);
	CHECK_EQ_INT(lg_inflate__end_of(&e, 12), 100);
	CHECK_EQ_INT(lg_inflate__end_of(&e, 100), 0); /* ends at 500 > 380 */
	CHECK_EQ_INT(lg_inflate__end_of(&e, 500), 0);
	CHECK_EQ_INT(lg_inflate__end_of(&e, 13), 0);
	lg_inflate__extents_release(&e);
	lg_inflate__extents_release(&e);
	lg_inflate__extents_release(NULL);
	/* A pack smaller than its trailer. */
	offsets = malloc(sizeof(*offsets));
	ASSERT(offsets);
	offsets[0] = 12;
	ASSERT_EQ_INT(lg_inflate__extents(&e, offsets, 1, 10), 0);
	CHECK_EQ_INT(lg_inflate__end_of(&e, 12), 0);
	lg_inflate__extents_release(&e);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_inflate__reads_a_whole_stream_exactly),
	TEST_ENTRY(test_inflate__refuses_a_wrong_size),
	TEST_ENTRY(test_inflate__refuses_a_stream_that_does_not_fill_its_extent),
	TEST_ENTRY(test_inflate__refuses_corrupt_data),
	TEST_ENTRY(test_inflate__leaves_other_windows_to_zlib),
	TEST_ENTRY(test_inflate__extents_end_where_the_next_object_starts),
	TEST_ENTRY(test_inflate__extents_refuse_what_makes_no_sense),
};

int main(int argc, char **argv)
{
	return test_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
