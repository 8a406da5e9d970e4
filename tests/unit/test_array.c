/*
 * test_array.c - the growable array (util/array.h): it grows to hold what
 * is asked, keeps what it held, and refuses sizes that would overflow
 * without touching the array.
 */
#include "util/util.h"
#include "test.h"

#include <stdint.h>

TEST(test_array__grows_and_keeps_content)
{
	uint32_t *v = NULL;
	size_t alloc = 0, i;

	for (i = 0; i < 10000; i++) {
		ASSERT_EQ_INT(LG_ARRAY_GROW(v, alloc, i + 1, 16), 0);
		CHECK(alloc >= i + 1);
		v[i] = (uint32_t)(i * 2654435761u);
	}
	for (i = 0; i < 10000; i++)
		CHECK_EQ_INT(v[i], (uint32_t)(i * 2654435761u));
	free(v);
}

TEST(test_array__initial_capacity_and_no_shrink)
{
	char *v = NULL;
	size_t alloc = 0;

	ASSERT_EQ_INT(LG_ARRAY_GROW(v, alloc, 1, 64), 0);
	CHECK_EQ_INT(alloc, 64);
	ASSERT_EQ_INT(LG_ARRAY_GROW(v, alloc, 65, 64), 0);
	CHECK_EQ_INT(alloc, 128);
	ASSERT_EQ_INT(LG_ARRAY_GROW(v, alloc, 3, 64), 0);
	CHECK_EQ_INT(alloc, 128);
	ASSERT_EQ_INT(LG_ARRAY_GROW(v, alloc, 1000, 64), 0);
	CHECK_EQ_INT(alloc, 1024);
	free(v);
}

TEST(test_array__overflow_refused_untouched)
{
	uint64_t *v = NULL;
	size_t alloc = 0;

	ASSERT_EQ_INT(LG_ARRAY_GROW(v, alloc, 4, 4), 0);
	v[3] = 42;
	lg_error_clear();
	CHECK_EQ_INT(LG_ARRAY_GROW(v, alloc, SIZE_MAX / 4, 4), LG_ENOMEM);
	CHECK_EQ_STR(lg_error_last(), "out of memory");
	CHECK_EQ_INT(alloc, 4);
	CHECK_EQ_INT(v[3], 42);
	CHECK_EQ_INT(lg_array__grow((void **)&v, &alloc, SIZE_MAX, 1 << 20, 1), LG_ENOMEM);
	CHECK_EQ_INT(alloc, 4);
	free(v);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_array__grows_and_keeps_content),
	TEST_ENTRY(test_array__initial_capacity_and_no_shrink),
	TEST_ENTRY(test_array__overflow_refused_untouched),
};

TEST_MAIN(tests)
