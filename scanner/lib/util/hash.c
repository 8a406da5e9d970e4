/*
 * hash.c - content digests for fingerprints and cache keys, and CRC32
 * (the checksum GitHub and npm tokens end in; the state file's check).
 *
 * libgit2 already carries a well-kept SHA-1 (with collision detection); we
 * reuse it rather than write our own. The one use of git2.h outside git/:
 * hashing a buffer needs no repository and no initialisation.
 */
#include "util/util.h"

#include <git2.h>
#include <string.h>

void lg__hash_hex(char out[41], const void *data, size_t len)
{
	git_oid oid;

	/* No git_libgit2_init here: hashing a buffer needs none, and the
	 * global init loads the system's TLS certificates (milliseconds),
	 * which a hook that only loads rules must not pay. */
	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) != 0) {
		/* Hashing a memory buffer cannot fail short of a broken
		 * library; an all-zero digest keeps callers simple. */
		memset(out, '0', 40);
		out[40] = '\0';
		return;
	}
	git_oid_tostr(out, 41, &oid);
}

uint32_t lg__crc32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t crc = 0xFFFFFFFFu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xFFFFFFFFu;
}
