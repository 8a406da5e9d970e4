/*
 * test_oidmap.c - the walks' hash map (git/oidmap.c): every key added is
 * found with its value and nothing else is, pairs with equal ids or equal
 * path hashes stay apart, and the memory it holds stays within 54 bytes a
 * key (its slots at a load of at least 3/8, its 32-byte keys) plus one
 * block of keys: what a walk of a million (blob, path) pairs costs.
 */
#include "git/git.h"
#include "test.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A reproducible id for number `i` (xorshift, so the ids look random, as
 * SHA-1 ids do). */
static void make_id(uint8_t id[20], uint64_t i)
{
	uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
	int k;

	for (k = 0; k < 20; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		id[k] = (uint8_t)x;
	}
}

/* The most a map of `count` keys may hold: 8-byte slots at a load of at
 * least 3/8 (64 of them at least), 32-byte keys with room for one more
 * block, and the blocks' pointers. */
static size_t bound(size_t count)
{
	size_t slots = count * 8 / 3 + 1;

	return (slots < 64 ? 64 : slots) * sizeof(lg_oidmap_slot) +
	       (count + LG_OIDMAP_BLOCK) * sizeof(lg_oidmap_key) +
	       2 * (count / LG_OIDMAP_BLOCK + 16) * sizeof(void *);
}

TEST(test_oidmap__ids_found_with_values_within_bound)
{
	enum { N = 200000 };
	lg_oidmap m;
	uint8_t id[20];
	uint32_t got;
	size_t i, worst = 0;

	ASSERT_EQ_INT(lg_oidmap__init(&m, 32), 0);
	for (i = 0; i < N; i++) {
		make_id(id, i);
		ASSERT_EQ_INT(lg_oidmap__get_or_put(&got, &m, id, (uint32_t)(i * 3)), 0);
		CHECK_EQ_INT(got, i * 3);
		CHECK(lg_oidmap__bytes(&m) <= bound(m.count));
		if (m.count >= 10000 && lg_oidmap__bytes(&m) / m.count > worst)
			worst = lg_oidmap__bytes(&m) / m.count;
	}
	CHECK_EQ_INT(m.count, N);
	/* The layout it replaced held up to 107 bytes a key. */
	CHECK(worst <= 56);
	for (i = 0; i < N; i++) {
		make_id(id, i);
		CHECK(lg_oidmap__contains(&m, id));
		CHECK_EQ_INT(lg_oidmap__get_or_put(&got, &m, id, 7), 1);
		CHECK_EQ_INT(got, i * 3);
	}
	for (i = N; i < N + 1000; i++) {
		make_id(id, i);
		CHECK(!lg_oidmap__contains(&m, id));
	}
	CHECK_EQ_INT(m.count, N);
	lg_oidmap__release(&m);
	CHECK_EQ_INT(lg_oidmap__bytes(&m), 0);
}

/* The tag of path `i`: every fourth one shares one tag, as paths crafted
 * to collide under FNV would. */
static uint64_t tag_of(const char *path, size_t i)
{
	if (i % 4 == 0)
		return lg_oidmap__path_tag(42);
	return lg_oidmap__path_tag(lg_oidmap__path_hash_extend(LG_PATH_HASH_START, path,
							       strlen(path)));
}

TEST(test_oidmap__pairs_apart_by_id_and_path)
{
	enum { N = 60000 };
	lg_oidmap m;
	uint8_t id[20], other[20];
	char (*paths)[32] = calloc(N, sizeof(*paths));
	size_t i;

	ASSERT(paths != NULL);
	ASSERT_EQ_INT(lg_oidmap__init(&m, 32), 0);
	make_id(other, 999999999);
	for (i = 0; i < N; i++) {
		/* Ten ids, each at many paths. */
		uint64_t tag;

		snprintf(paths[i], sizeof(paths[i]), "dir%zu/file%zu", i % 97, i);
		tag = tag_of(paths[i], i);
		make_id(id, i % 10);
		CHECK(!lg_oidmap__has_path(&m, id, paths[i], tag));
		ASSERT_EQ_INT(lg_oidmap__add_path(&m, id, paths[i], tag), 0);
		CHECK(lg_oidmap__has_path(&m, id, paths[i], tag));
		CHECK(lg_oidmap__bytes(&m) <= bound(m.count));
	}
	for (i = 0; i < N; i++) {
		uint64_t tag = tag_of(paths[i], i);
		char copy[32];

		make_id(id, i % 10);
		memcpy(copy, paths[i], sizeof(copy));
		CHECK(lg_oidmap__has_path(&m, id, copy, tag));
		CHECK(!lg_oidmap__has_path(&m, other, copy, tag));
		make_id(id, i % 10 + 1);
		CHECK(!lg_oidmap__has_path(&m, id, copy, tag));
	}
	/* An id alone is not a pair of it. */
	make_id(id, 3);
	CHECK(!lg_oidmap__contains(&m, id));
	CHECK_EQ_INT(m.count, N);
	lg_oidmap__release(&m);
	free(paths);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_oidmap__ids_found_with_values_within_bound),
	TEST_ENTRY(test_oidmap__pairs_apart_by_id_and_path),
};

TEST_MAIN(tests)
