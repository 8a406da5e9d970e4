/*
 * test_fleet.c - which repositories a run over many scans: list files
 * (--repos-from) and shards (--shard).
 */
#include "util/util.h"
#include "test.h"

#include <stdio.h>

TEST(test_fleet__list_skips_blanks_and_comments_and_appends)
{
	static const char text[] = "repo-a\n\n# a comment\nrepo-b\r\n/srv/git/last.git";
	char **paths = NULL;
	size_t count = 0;
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	ASSERT(f != NULL);
	CHECK_EQ_INT(lg_repo_list_read(&paths, &count, f), 0);
	fclose(f);
	ASSERT_EQ_INT(count, 3);
	CHECK(strcmp(paths[0], "repo-a") == 0);
	CHECK(strcmp(paths[1], "repo-b") == 0);
	CHECK(strcmp(paths[2], "/srv/git/last.git") == 0);
	/* A second list goes after the first. */
	f = fmemopen((void *)"more\n", 5, "r");
	ASSERT(f != NULL);
	CHECK_EQ_INT(lg_repo_list_read(&paths, &count, f), 0);
	fclose(f);
	CHECK(count == 4 && strcmp(paths[3], "more") == 0);
	lg_repo_list_free(paths, count);
}

TEST(test_fleet__shard_spec)
{
	static const char *const bad[] = { "3/3", "1/0", "x/2", "1/2x", "1", "/2", "0/1000001", "" };
	unsigned i = 9, n = 9;
	size_t k;

	CHECK_EQ_INT(lg_shard_parse(&i, &n, "0/1"), 0);
	CHECK(i == 0 && n == 1);
	CHECK_EQ_INT(lg_shard_parse(&i, &n, "2/3"), 0);
	CHECK(i == 2 && n == 3);
	for (k = 0; k < sizeof(bad) / sizeof(*bad); k++) {
		i = n = 9;
		CHECK_EQ_INT(lg_shard_parse(&i, &n, bad[k]), LG_EINVALID);
		CHECK(i == 9 && n == 9);
	}
}

/* Every path has one shard, below the count, whatever the list; and the
 * shards share a thousand paths out about evenly. */
TEST(test_fleet__shards_partition_a_list)
{
	enum { PATHS = 1000, SHARDS = 7 };
	unsigned per_shard[SHARDS] = { 0 }, s;
	char path[64];
	size_t k;

	for (k = 0; k < PATHS; k++) {
		snprintf(path, sizeof(path), "/srv/git/team-%zu/repo-%zu.git", k % 13, k);
		s = lg_shard_of(path, SHARDS);
		ASSERT(s < SHARDS);
		CHECK_EQ_INT(lg_shard_of(path, SHARDS), s); /* the path alone decides */
		per_shard[s]++;
	}
	for (s = 0; s < SHARDS; s++)
		CHECK(per_shard[s] > PATHS / SHARDS / 2 && per_shard[s] < PATHS / SHARDS * 3 / 2);
	CHECK_EQ_INT(lg_shard_of("/any", 1), 0);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_fleet__list_skips_blanks_and_comments_and_appends),
	TEST_ENTRY(test_fleet__shard_spec),
	TEST_ENTRY(test_fleet__shards_partition_a_list),
};

TEST_MAIN(tests)
