/*
 * test_pack.c - listing packed blobs in pack order, checked against what
 * `git verify-pack` says of packs the real git wrote.
 */
#include "git/git.h"
#include "test.h"
#include "test_repo.h"

/* A history whose files change a little at each commit, so that git
 * stores most versions as deltas. */
static void make_history(void)
{
	new_repo();
	CHECK_EQ_INT(sh("for i in $(seq 1 30); do "
			"  seq 1 200 | sed \"s/^/line $i: /\" > a.txt; seq $i 300 > b.txt; "
			"  mkdir -p dir; echo $i > dir/c.txt; "
			"  git add -A && git commit -qm \"commit $i\"; "
			"done"), 0);
}

/* The number a shell command prints in the test repository. */
static int sh_number(const char *cmd)
{
	char *out = sh_all(cmd);
	int n = atoi(out);

	free(out);
	return n;
}

/* The objects directory of the test repository. */
static const char *objects_dir(void)
{
	static char dir[300];

	snprintf(dir, sizeof(dir), "%s/.git/objects", repo_dir);
	return dir;
}

/* What leakgate lists: the blob ids in reading order, one a line. */
static char *listed(const lg_pack_blobs *pb)
{
	char *out = calloc(pb->count * 41 + 1, 1);
	size_t i;

	for (i = 0; out && i < pb->count; i++) {
		hex(out + 41 * i, pb->blobs[i].id);
		out[41 * i + 40] = i + 1 < pb->count ? '\n' : '\0';
	}
	return out;
}

/* What git says the single pack holds: its blobs (deltas resolved to their
 * type) in offset order. */
static char *git_listed(void)
{
	return sh_all("git verify-pack -v .git/objects/pack/*.idx | "
		      "awk '$2 == \"blob\" { print $5, $1 }' | sort -n | cut -d' ' -f2");
}

static void check_lists_what_git_does(void)
{
	lg_pack_blobs pb;
	char *ours, *theirs;

	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	ours = listed(&pb);
	theirs = git_listed();
	CHECK(pb.count > 60);
	CHECK_EQ_STR(ours, theirs);
	free(ours);
	free(theirs);
	lg_pack__release(&pb);
}

TEST(test_pack__lists_blobs_in_offset_order_with_offset_deltas)
{
	make_history();
	CHECK_EQ_INT(sh("git repack -adfq --depth=50 --window=50"), 0);
	CHECK(sh_number("git verify-pack -v .git/objects/pack/*.idx | "
			"awk '$2 == \"blob\" && NF == 7' | wc -l") > 20);
	check_lists_what_git_does();
	drop_repo();
}

TEST(test_pack__resolves_the_type_of_ref_deltas)
{
	make_history();
	/* Without offsets, git names each delta's base by id. */
	CHECK_EQ_INT(sh("git -c repack.useDeltaBaseOffset=false repack -adfq"), 0);
	check_lists_what_git_does();
	drop_repo();
}

TEST(test_pack__finds_blobs_by_id_and_leaves_out_loose_ones)
{
	lg_pack_blobs pb;
	uint8_t id[20];
	char packed[41], loose[41], tree[41];
	size_t i;

	make_history();
	CHECK_EQ_INT(sh("git repack -adq"), 0);
	capture(packed, "git rev-parse HEAD~3:a.txt");
	capture(tree, "git rev-parse HEAD:dir");
	CHECK_EQ_INT(sh("echo fresh > new.txt && git add new.txt && git commit -qm loose"), 0);
	capture(loose, "git rev-parse HEAD:new.txt");
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	unhex(id, packed);
	i = lg_pack__find(&pb, id);
	CHECK(i != SIZE_MAX && i < pb.count && memcmp(pb.blobs[i].id, id, 20) == 0);
	unhex(id, loose);
	CHECK(lg_pack__find(&pb, id) == SIZE_MAX);
	unhex(id, tree);
	CHECK(lg_pack__find(&pb, id) == SIZE_MAX);
	lg_pack__release(&pb);
	drop_repo();
}

TEST(test_pack__lists_a_blob_in_two_packs_once)
{
	lg_pack_blobs pb;

	make_history();
	CHECK_EQ_INT(sh("git repack -adq && git rev-parse HEAD:a.txt HEAD:b.txt | "
			"git pack-objects -q .git/objects/pack/pack"), 0);
	CHECK_EQ_INT(sh_number("ls .git/objects/pack/*.idx | wc -l"), 2);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	CHECK_EQ_INT(pb.count, sh_number("git cat-file --batch-all-objects "
					 "--batch-check='%(objecttype)' | grep -c '^blob'"));
	lg_pack__release(&pb);
	drop_repo();
}

TEST(test_pack__ignores_what_it_cannot_read)
{
	lg_pack_blobs pb;
	size_t whole;

	make_history();
	CHECK_EQ_INT(sh("git repack -adq"), 0);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	whole = pb.count;
	lg_pack__release(&pb);

	/* An index that is not one, and a pack cut in half: what can be read
	 * is listed, the rest is left to be read by id. */
	CHECK_EQ_INT(sh("printf 'garbage' > .git/objects/pack/pack-garbage.idx && "
			"for p in .git/objects/pack/pack-*.pack; do "
			"  truncate -s $(( $(stat -c %%s $p) / 2 )) $p; done"), 0);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	CHECK(pb.count > 0 && pb.count < whole);
	lg_pack__release(&pb);

	/* An index whose offsets point past its pack. */
	CHECK_EQ_INT(sh("for p in .git/objects/pack/pack-*.pack; do : > $p; done"), 0);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	CHECK_EQ_INT(pb.count, 0);
	lg_pack__release(&pb);

	CHECK_EQ_INT(lg_pack__list_blobs(&pb, "/nonexistent/objects"), 0);
	CHECK_EQ_INT(pb.count, 0);
	lg_pack__release(&pb);
	drop_repo();
}

/* ------------------------------------------------------------------------
 * The reader
 * ---------------------------------------------------------------------- */

/* Reads every listed blob with a reader whose cache holds `cache_bytes`
 * and compares it with libgit2's reading; returns how many the reader
 * refused (LG_EREPO), and checks that nothing else went wrong. */
static size_t read_all_like_libgit2(size_t cache_bytes, size_t *compared)
{
	lg_pack_blobs pb;
	lg_pack_reader *r;
	lg_repo *repo;
	size_t i, refused = 0;

	*compared = 0;
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(lg_pack__reader_new(&r, &pb, cache_bytes), 0);
	for (i = 0; i < pb.count; i++) {
		const char *ours, *theirs;
		size_t our_len, their_len;
		void *handle;
		int err = lg_pack__read(&ours, &our_len, r, i, 1 << 20);

		if (err == LG_EREPO) {
			refused++;
			continue;
		}
		CHECK_EQ_INT(err, 0);
		CHECK_EQ_INT(lg_repo__read_blob(&theirs, &their_len, &handle, repo,
						pb.blobs[i].id, 1 << 20), 0);
		CHECK(our_len == their_len && memcmp(ours, theirs, our_len) == 0);
		lg_repo__release_blob(handle);
		(*compared)++;
	}
	lg_pack__reader_free(r);
	lg_repo__free(repo);
	lg_pack__release(&pb);
	return refused;
}

TEST(test_pack__reader_reads_what_libgit2_reads)
{
	size_t compared;

	make_history();
	CHECK_EQ_INT(sh("git repack -adfq --depth=50 --window=50"), 0);
	/* With a cache, and with none (every delta base read again). */
	CHECK_EQ_INT(read_all_like_libgit2(16 << 20, &compared), 0);
	CHECK(compared > 60);
	CHECK_EQ_INT(read_all_like_libgit2(0, &compared), 0);
	CHECK(compared > 60);
	drop_repo();
}

TEST(test_pack__reader_leaves_ref_deltas_to_libgit2)
{
	size_t compared, refused;

	make_history();
	CHECK_EQ_INT(sh("git -c repack.useDeltaBaseOffset=false repack -adfq"), 0);
	refused = read_all_like_libgit2(16 << 20, &compared);
	/* The deltas are refused, the whole blobs read. */
	CHECK(refused > 20);
	CHECK(compared > 0);
	drop_repo();
}

TEST(test_pack__reader_enforces_the_size_limit)
{
	lg_pack_blobs pb;
	lg_pack_reader *r;
	uint8_t id[20];
	char whole[41], delta[41];
	const char *data;
	size_t len, i;

	make_history();
	CHECK_EQ_INT(sh("git repack -adfq"), 0);
	capture(whole, "git verify-pack -v .git/objects/pack/*.idx | "
		"awk '$2 == \"blob\" && NF == 5 && $3 > 1000 { print $1; exit }'");
	capture(delta, "git verify-pack -v .git/objects/pack/*.idx | "
		"awk '$2 == \"blob\" && NF == 7 { print $1; exit }'");
	CHECK(strlen(whole) == 40 && strlen(delta) == 40);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	CHECK_EQ_INT(lg_pack__reader_new(&r, &pb, 16 << 20), 0);
	unhex(id, whole);
	i = lg_pack__find(&pb, id);
	CHECK(i != SIZE_MAX);
	CHECK_EQ_INT(lg_pack__read(&data, &len, r, i, 100), LG_ELIMIT);
	CHECK(len > 1000);
	/* A delta's result over the limit, its base under it or not. */
	unhex(id, delta);
	i = lg_pack__find(&pb, id);
	CHECK(i != SIZE_MAX);
	CHECK(lg_pack__read(&data, &len, r, i, 1 << 20) == 0 && len > 100);
	CHECK(lg_pack__read(&data, &len, r, i, 100) != 0);
	CHECK(lg_pack__read(&data, &len, r, i, 1 << 20) == 0 && len > 100);
	lg_pack__reader_free(r);
	lg_pack__release(&pb);
	drop_repo();
}

TEST(test_pack__reader_refuses_a_corrupt_pack)
{
	lg_pack_blobs pb;
	lg_pack_reader *r;
	const char *data;
	size_t len, i, failed = 0;
	int err;

	make_history();
	CHECK_EQ_INT(sh("git repack -adfq"), 0);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	/* Garbage over the second half of the pack, after the listing. */
	CHECK_EQ_INT(sh("p=$(ls .git/objects/pack/*.pack) && s=$(stat -c %%s $p) && "
			"head -c $((s / 2)) /dev/urandom | "
			"dd of=$p bs=1 seek=$((s / 2)) conv=notrunc status=none"), 0);
	CHECK_EQ_INT(lg_pack__reader_new(&r, &pb, 16 << 20), 0);
	for (i = 0; i < pb.count; i++) {
		err = lg_pack__read(&data, &len, r, i, 1 << 20);
		CHECK(err == 0 || err == LG_EREPO || err == LG_ELIMIT);
		if (err == LG_EREPO) {
			failed++;
			CHECK(strstr(lg_error_last(), ".pack' at offset ") != NULL);
		}
	}
	CHECK(failed > 0);
	lg_pack__reader_free(r);
	lg_pack__release(&pb);
	drop_repo();
}

/* Reads blob `i` through the reader's stream in chunks of alternating
 * sizes into a new buffer (*len bytes); the stream's error, or 0. */
static int stream_all(char **out, size_t *len, lg_pack_reader *r)
{
	static const size_t sizes[] = { 1, 7, 4096, 65536 };
	size_t got = 0, k = 0, alloc = 1 << 16;
	int err = 0;

	*out = malloc(alloc);
	*len = 0;
	do {
		if (*len + 65536 > alloc)
			*out = realloc(*out, alloc *= 2);
		err = lg_pack__stream_read(&got, r, *out + *len, sizes[k++ % 4]);
		*len += got;
	} while (!err && got);
	return err;
}

TEST(test_pack__streams_whole_blobs_as_libgit2_reads_them)
{
	lg_pack_blobs pb;
	lg_pack_reader *r;
	lg_repo *repo;
	size_t i, streamed = 0, left = 0, len, their_len;
	uint64_t size;
	const char *theirs;
	char *ours;
	void *handle;
	int err;

	make_history();
	CHECK_EQ_INT(sh("seq 1 30000 > big.txt && git add big.txt && git commit -qm big && "
			"git repack -adfq"), 0);
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(lg_pack__reader_new(&r, &pb, 16 << 20), 0);
	for (i = 0; i < pb.count; i++) {
		err = lg_pack__stream_open(&size, r, i, 500, 1 << 20);
		if (err == LG_ENOTFOUND) {
			/* A delta, or not over the threshold: read whole. */
			CHECK(lg_pack__read(&theirs, &len, r, i, 1 << 20) == 0);
			left++;
			continue;
		}
		CHECK_EQ_INT(err, 0);
		CHECK(size > 500);
		CHECK_EQ_INT(stream_all(&ours, &len, r), 0);
		CHECK_EQ_INT(lg_repo__read_blob(&theirs, &their_len, &handle, repo,
						pb.blobs[i].id, 1 << 20), 0);
		CHECK(len == size && len == their_len && memcmp(ours, theirs, len) == 0);
		lg_repo__release_blob(handle);
		free(ours);
		streamed++;
		/* And over the size limit, refused with its size. */
		CHECK_EQ_INT(lg_pack__stream_open(&size, r, i, 500, 400), LG_ELIMIT);
		CHECK_EQ_INT(size, len);
	}
	CHECK(streamed >= 3); /* big.txt and the first versions of a.txt, b.txt */
	CHECK(left > 20);
	lg_pack__reader_free(r);
	lg_repo__free(repo);
	lg_pack__release(&pb);
	drop_repo();
}

TEST(test_pack__stream_refuses_a_corrupt_blob)
{
	lg_pack_blobs pb;
	lg_pack_reader *r;
	char id[41], *ours;
	uint8_t raw[20];
	size_t i, len;
	uint64_t size;

	new_repo();
	CHECK_EQ_INT(sh("seq 1 30000 > big.txt && git add big.txt && git commit -qm big && "
			"git repack -adfq"), 0);
	capture(id, "git rev-parse HEAD:big.txt");
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	/* Garbage over the middle of the blob's zlib stream (the pack holds
	 * little else: a commit and a tree). */
	CHECK_EQ_INT(sh("p=$(ls .git/objects/pack/*.pack) && s=$(stat -c %%s $p) && "
			"head -c 200 /dev/urandom | "
			"dd of=$p bs=1 seek=$((s / 2)) conv=notrunc status=none"), 0);
	CHECK_EQ_INT(lg_pack__reader_new(&r, &pb, 16 << 20), 0);
	unhex(raw, id);
	i = lg_pack__find(&pb, raw);
	CHECK(i != SIZE_MAX);
	CHECK_EQ_INT(lg_pack__stream_open(&size, r, i, 500, 1 << 20), 0);
	CHECK_EQ_INT(stream_all(&ours, &len, r), LG_EREPO);
	CHECK(strstr(lg_error_last(), ".pack' at offset ") != NULL);
	free(ours);
	lg_pack__reader_free(r);
	lg_pack__release(&pb);
	drop_repo();
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_pack__lists_blobs_in_offset_order_with_offset_deltas),
	TEST_ENTRY(test_pack__resolves_the_type_of_ref_deltas),
	TEST_ENTRY(test_pack__finds_blobs_by_id_and_leaves_out_loose_ones),
	TEST_ENTRY(test_pack__lists_a_blob_in_two_packs_once),
	TEST_ENTRY(test_pack__ignores_what_it_cannot_read),
	TEST_ENTRY(test_pack__reader_reads_what_libgit2_reads),
	TEST_ENTRY(test_pack__reader_leaves_ref_deltas_to_libgit2),
	TEST_ENTRY(test_pack__reader_enforces_the_size_limit),
	TEST_ENTRY(test_pack__reader_refuses_a_corrupt_pack),
	TEST_ENTRY(test_pack__streams_whole_blobs_as_libgit2_reads_them),
	TEST_ENTRY(test_pack__stream_refuses_a_corrupt_blob),
};

int main(int argc, char **argv)
{
	return test_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
