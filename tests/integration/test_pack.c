/*
 * test_pack.c - listing packed blobs in pack order, checked against what
 * `git verify-pack` says of packs the real git wrote.
 */
#include "git/git.h"
#include "test.h"
#include "test_repo.h"

#include <zlib.h>

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

/* ------------------------------------------------------------------------
 * Hand-made packs: what git never writes, each object's stream checked
 * against its extent (where the next object starts)
 * ---------------------------------------------------------------------- */

typedef struct {
	const char *text;
	int size_delta;   /* added to the size the entry header gives */
	int window_bits;  /* zlib's window: 15 as git writes, or smaller */
	size_t gap;       /* bytes between the stream's end and the next object */
	int overlapped;   /* the index lists an object inside this stream */
} made_blob;

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Appends a blob's entry (header and zlib stream) to pack[*len]. */
static void add_entry(uint8_t *pack, size_t *len, const made_blob *b, size_t *stream_at,
		      size_t *stream_len)
{
	size_t text_len = strlen(b->text), size = text_len + (size_t)(long)b->size_delta;
	uint8_t c = (uint8_t)(LG_OBJ_BLOB << 4 | (size & 15));
	z_stream zs;

	size >>= 4;
	while (size) {
		pack[(*len)++] = c | 0x80;
		c = size & 0x7f;
		size >>= 7;
	}
	pack[(*len)++] = c;
	memset(&zs, 0, sizeof(zs));
	ASSERT(deflateInit2(&zs, 6, Z_DEFLATED, b->window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	zs.next_in = (Bytef *)b->text;
	zs.avail_in = (uInt)text_len;
	zs.next_out = pack + *len;
	zs.avail_out = 1 << 16;
	ASSERT(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	*stream_at = *len;
	*stream_len = zs.total_out;
	*len += zs.total_out;
	deflateEnd(&zs);
	memset(pack + *len, 0x5a, b->gap);
	*len += b->gap;
}

/* Writes one pack of `blobs` (blob i has the id i+1, 0, 0...) into the
 * test repository, with an index listing them all, and for an overlapped
 * blob one more object starting in the middle of its stream (id 0xf0+i). */
static void write_made_pack(const made_blob *blobs, size_t n)
{
	static uint8_t pack[1 << 18], idx[1 << 16];
	uint64_t offsets[256];
	uint8_t ids[256];
	size_t len = 12, count = 0, i, j, at, stream_at = 0, stream_len = 0;
	char path[400];
	FILE *f;

	memcpy(pack, "PACK", 4);
	put_be32(pack + 4, 2);
	for (i = 0; i < n; i++) {
		ids[count] = (uint8_t)(i + 1);
		offsets[count++] = len;
		add_entry(pack, &len, &blobs[i], &stream_at, &stream_len);
		if (blobs[i].overlapped) {
			ids[count] = (uint8_t)(0xf0 + i);
			offsets[count++] = stream_at + stream_len / 2;
		}
	}
	put_be32(pack + 8, (uint32_t)count);
	memset(pack + len, 0, 20); /* the trailer, not checked by the readers */
	len += 20;

	/* Index version 2: ids sorted, fan-out, CRCs, offsets. */
	for (i = 1; i < count; i++)
		for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			uint8_t id = ids[j];
			uint64_t offset = offsets[j];

			ids[j] = ids[j - 1];
			offsets[j] = offsets[j - 1];
			ids[j - 1] = id;
			offsets[j - 1] = offset;
		}
	memset(idx, 0, sizeof(idx));
	memcpy(idx, "\377tOc", 4);
	put_be32(idx + 4, 2);
	for (j = 0; j < 256; j++) {
		uint32_t below = 0;

		for (i = 0; i < count; i++)
			below += ids[i] <= j;
		put_be32(idx + 8 + 4 * j, below);
	}
	at = 8 + 1024;
	for (i = 0; i < count; i++)
		idx[at + 20 * i] = ids[i];
	at += 24 * count; /* ids, then CRCs left at 0 */
	for (i = 0; i < count; i++)
		put_be32(idx + at + 4 * i, (uint32_t)offsets[i]);
	at += 4 * count + 40;

	CHECK_EQ_INT(sh("mkdir -p .git/objects/pack"), 0);
	snprintf(path, sizeof(path), "%s/.git/objects/pack/pack-made.pack", repo_dir);
	ASSERT((f = fopen(path, "wb")) != NULL);
	CHECK(fwrite(pack, 1, len, f) == len);
	fclose(f);
	snprintf(path, sizeof(path), "%s/.git/objects/pack/pack-made.idx", repo_dir);
	ASSERT((f = fopen(path, "wb")) != NULL);
	CHECK(fwrite(idx, 1, at, f) == at);
	fclose(f);
}

/* Reads made blob `id_byte` through the blob reader, whole and streamed:
 * 0 with its text, or both refusing (LG_EREPO naming the pack). */
static int read_made_blob(lg_pack_blobs *pb, lg_pack_reader *r, uint8_t id_byte,
			  const char *text)
{
	uint8_t id[20] = { id_byte };
	size_t i = lg_pack__find(pb, id), len, streamed_len;
	const char *data;
	char *streamed;
	uint64_t size;
	int whole, stream;

	CHECK(i != SIZE_MAX);
	if (i == SIZE_MAX)
		return -100;
	whole = lg_pack__read(&data, &len, r, i, 1 << 20);
	if (whole == 0)
		CHECK(len == strlen(text) && memcmp(data, text, len) == 0);
	else
		CHECK(strstr(lg_error_last(), "pack-made.pack' at offset ") != NULL);
	stream = lg_pack__stream_open(&size, r, i, 0, 1 << 20);
	if (stream == 0) {
		stream = stream_all(&streamed, &streamed_len, r);
		if (stream == 0)
			CHECK(streamed_len == strlen(text) && memcmp(streamed, text, streamed_len) == 0);
		else
			CHECK(strstr(lg_error_last(), "pack-made.pack' at offset ") != NULL);
		free(streamed);
	}
	/* An empty blob is not streamed (not over the threshold, 0). */
	CHECK_EQ_INT(stream, *text ? whole : LG_ENOTFOUND);
	return whole;
}

/* Reads made blob `id_byte` through the walk's reader: 0 with its text,
 * or LG_ENOTFOUND (left to libgit2). */
static int read_made_object(lg_objreader *r, uint8_t id_byte, const char *text)
{
	uint8_t id[20] = { id_byte };
	lg_obj *o;
	int err = lg_objreader__read(&o, r, id, LG_OBJ_BLOB);

	if (err == 0) {
		CHECK(o->len == strlen(text) && memcmp(o->data, text, o->len) == 0);
		lg_obj__unref(o);
	}
	return err;
}

TEST(test_pack__readers_check_each_stream_against_its_extent)
{
	static char text[6000];
	const made_blob blobs[] = {
		{ text, 0, 15, 0, 0 },  /* 1: as git writes it */
		{ text, 0, 15, 1, 0 },  /* 2: a byte after the stream */
		{ text, 1, 15, 0, 0 },  /* 3: the header says one byte more */
		{ text, -1, 15, 0, 0 }, /* 4: one byte less */
		{ text, 0, 15, 0, 1 },  /* 5: the next object starts inside it */
		{ text, 0, 9, 0, 0 },   /* 6: a 512-byte window (zlib reads it) */
		{ text, 0, 9, 7, 0 },   /* 7: the same, bytes after it */
		{ "", 0, 15, 0, 0 },    /* 8: empty */
		{ text, 0, 15, 0, 0 },  /* 9: the last, up to the trailer */
	};
	static const int whole_read[] = { 0, LG_EREPO, LG_EREPO, LG_EREPO, LG_EREPO, 0,
					  LG_EREPO, 0, 0 };
	lg_pack_blobs pb;
	lg_pack_reader *pr;
	lg_objreader *or;
	size_t i;

	for (i = 0; i < sizeof(text) - 1; i++)
		text[i] = "a line of some text\n"[(i * 7 + i / 300) % 20];
	new_repo();
	write_made_pack(blobs, sizeof(blobs) / sizeof(blobs[0]));
	CHECK_EQ_INT(lg_pack__list_blobs(&pb, objects_dir()), 0);
	for (i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++) {
		size_t cache;

		/* Without a cache and with one, then the walk's reader. */
		for (cache = 0; cache <= (1 << 20); cache += 1 << 20) {
			CHECK_EQ_INT(lg_pack__reader_new(&pr, &pb, cache), 0);
			CHECK_EQ_INT(read_made_blob(&pb, pr, (uint8_t)(i + 1), blobs[i].text),
				     whole_read[i]);
			lg_pack__reader_free(pr);
		}
		CHECK_EQ_INT(lg_objreader__open(&or, objects_dir(), 1 << 20), 0);
		CHECK_EQ_INT(read_made_object(or, (uint8_t)(i + 1), blobs[i].text),
			     (whole_read[i] ? LG_ENOTFOUND : 0));
		lg_objreader__free(or);
	}
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
	TEST_ENTRY(test_pack__readers_check_each_stream_against_its_extent),
};

int main(int argc, char **argv)
{
	return test_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
