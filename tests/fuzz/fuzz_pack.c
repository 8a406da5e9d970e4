/* fuzz_pack.c - listing and reading the blobs of a pack made of arbitrary
 * bytes. The input is a 4-byte little-endian length, that many bytes of
 * index (.idx), and the pack (.pack) after them. */
#include "git/git.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static int write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, size, f) == size;

	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* Whether zlib, in one call, inflates blob `i`'s stream to exactly its
 * header's size, ending exactly at the next object (the readers' rule). */
static int zlib_reads(const lg_pack_blobs *pb, size_t i)
{
	const lg_pack_file *f = &pb->packs[pb->blobs[i].pack];
	uint64_t end = lg_inflate__end_of(&f->extents, pb->blobs[i].offset);
	static char out[(1 << 20) + 1];
	lg_pack_entry h;
	z_stream zs;
	int z;

	if (lg_pack__entry_header(&h, f->data, f->size, pb->blobs[i].offset) != 0 ||
	    h.size > (1 << 20) || (end && end <= h.data_offset))
		return 0;
	if (!end)
		end = f->size;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		abort();
	zs.next_in = (Bytef *)(f->data + h.data_offset);
	zs.avail_in = (uInt)(end - h.data_offset);
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)h.size + 1;
	z = inflate(&zs, Z_FINISH);
	inflateEnd(&zs);
	return z == Z_STREAM_END && zs.total_out == h.size &&
	       (end == f->size || zs.total_in == end - h.data_offset);
}

/* Streams blob `i` in small chunks (when the reader streams it) and
 * requires what a whole read gives: the same bytes, or both refusing.
 * One exception: a whole read goes through libdeflate, which accepts a
 * run of code lengths overrunning the table ("invalid bit length repeat"
 * to zlib) where zlib, which streams, refuses it; the checksum still
 * holds the bytes to what was compressed. So a stream may refuse what a
 * whole read gives, when zlib alone refuses it too. */
static void stream_like_read(const lg_pack_blobs *pb, lg_pack_reader *r, size_t i)
{
	static char streamed[1 << 20];
	char chunk[7];
	const char *data;
	size_t len = 0, got = 0, whole_len;
	uint64_t size;
	int err, whole;

	if (lg_pack__stream_open(&size, r, i, 0, sizeof(streamed)) != 0)
		return;
	do {
		err = lg_pack__stream_read(&got, r, chunk, sizeof(chunk));
		if (got > sizeof(streamed) - len)
			abort(); /* more than the header said */
		memcpy(streamed + len, chunk, got);
		len += got;
	} while (!err && got);
	whole = lg_pack__read(&data, &whole_len, r, i, sizeof(streamed));
	if (err && whole == 0 && !zlib_reads(pb, i))
		return;
	if ((err == 0) != (whole == 0) ||
	    (!err && (len != size || whole_len != len || memcmp(data, streamed, len) != 0)))
		abort();
}

/* Lists the pack's blobs and reads each one, twice (the second time from
 * the reader's cache), then streams each. */
static void read_every_blob(const char *objects)
{
	lg_pack_blobs pb;
	lg_pack_reader *r;
	const char *data;
	size_t len, i;
	int pass;

	if (lg_pack__list_blobs(&pb, objects) != 0)
		return;
	if (lg_pack__reader_new(&r, &pb, 1 << 20) == 0) {
		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < pb.count; i++)
				lg_pack__read(&data, &len, r, i, 1 << 20);
		for (i = 0; i < pb.count; i++)
			stream_like_read(&pb, r, i);
		lg_pack__reader_free(r);
	}
	lg_pack__release(&pb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/leakgate-fuzz-pack-XXXXXX";
	char objects[64], packs[80], idx[120], pack[120];
	uint32_t idx_len;

	if (size < 4)
		return 0;
	idx_len = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
		  (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
	if (idx_len > size - 4 || !mkdtemp(dir))
		return 0;
	snprintf(objects, sizeof(objects), "%s", dir);
	snprintf(packs, sizeof(packs), "%s/pack", dir);
	snprintf(idx, sizeof(idx), "%s/pack-fuzz.idx", packs);
	snprintf(pack, sizeof(pack), "%s/pack-fuzz.pack", packs);
	if (mkdir(packs, 0700) == 0 && write_file(idx, data + 4, idx_len) == 0 &&
	    write_file(pack, data + 4 + idx_len, size - 4 - idx_len) == 0)
		read_every_blob(objects);
	unlink(idx);
	unlink(pack);
	rmdir(packs);
	rmdir(dir);
	return 0;
}
