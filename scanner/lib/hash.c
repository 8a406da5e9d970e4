/*
 * hash.c - content digests for fingerprints and cache keys.
 *
 * libgit2 already carries a well-kept SHA-1 (with collision detection); we
 * reuse it rather than write our own. The only other module that includes
 * git2.h is walk.c.
 */
#include "internal.h"

#include <git2.h>
#include <pthread.h>
#include <string.h>

/*
 * libgit2's defaults suit a program that reads the same objects again and
 * again: up to 256 MiB of parsed objects cached (per repository handle, and
 * a scan has one per thread), and packs mapped in 1 GiB windows up to 8 GiB
 * in all, every page of which stays resident. A scan reads each object
 * about once, so both would only make its memory grow with the repository:
 * a 4 MiB cache instead of 16 MiB took 60 MB off a 1.8 GB scan and no time.
 * Smaller windows cost a few mmap calls; the delta-base cache, which is what
 * reading in pack order relies on, is separate.
 *
 * libgit2 also recomputes the (collision-detecting, slow) SHA-1 of every
 * object it reads, which costs a scan about a quarter of its time; git
 * does not when it reads objects (only fsck does). Corruption is still
 * caught by zlib's checksum of each object and by the delta checks, and
 * what is scanned is the content the repository serves.
 */
#define OBJECT_CACHE_BYTES ((ssize_t)4 << 20)
#define PACK_WINDOW_BYTES ((size_t)16 << 20)
#define PACK_MAPPED_LIMIT_BYTES ((size_t)64 << 20)

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;

static void libgit2_init_once(void)
{
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, OBJECT_CACHE_BYTES);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, PACK_WINDOW_BYTES);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, PACK_MAPPED_LIMIT_BYTES);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

void lg__libgit2_init(void)
{
	pthread_once(&libgit2_once, libgit2_init_once);
}

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
