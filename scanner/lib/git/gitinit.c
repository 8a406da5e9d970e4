/*
 * gitinit.c - libgit2's global initialisation, without the CA bundle.
 *
 * leakgate reads local repositories only: it never opens a connection, so
 * it never verifies a TLS certificate. Yet libgit2 1.5 built with mbedTLS
 * (Debian 12's) parses the system's whole CA bundle in git_libgit2_init:
 * some 220 KB of PEM through mbedTLS's constant-time base64 decoder, 4-5 ms
 * of every hook run, and no libgit2 option turns it off (the cert location
 * is compiled in, and options can only be set after the initialisation).
 *
 * So this file defines mbedtls_x509_crt_parse_file. libgit2 calls it
 * through the dynamic linker, which looks in the executable first: while
 * lg__libgit2_init runs git_libgit2_init, it loads nothing and reports
 * success (an empty trust store: any certificate check would fail, closed);
 * at any other time it forwards to mbedTLS's own, so an explicit
 * GIT_OPT_SET_SSL_CERT_LOCATIONS still works. With a libgit2 built on
 * OpenSSL, or linked statically, nothing calls it and nothing changes.
 *
 * libssh2_init, which libgit2 calls for its SSH transport, is skipped the
 * same way: it initialises OpenSSL (0.3 ms), and libssh2 initialises
 * itself anyway when a session is made (libssh2_session_init_ex), so a
 * skipped call costs nothing but time saved. Only skips whose absence
 * fails closed or heals itself belong here: mbedTLS's random generator,
 * for one, is seeded as libgit2 does it.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "git/git.h"

#include <dlfcn.h>
#include <git2.h>
#include <pthread.h>

/* mbedTLS's MBEDTLS_ERR_X509_FILE_IO_ERROR, without its headers. */
#define X509_FILE_IO_ERROR (-0x2900)

struct mbedtls_x509_crt;
typedef int (*parse_file_fn)(struct mbedtls_x509_crt *chain, const char *path);
typedef int (*ssh2_init_fn)(int flags);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);
int libssh2_init(int flags);

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;
static _Thread_local int initialising;
static int skipped; /* calls skipped, for the tests */

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	parse_file_fn real;

	if (initialising) {
		skipped++;
		return 0;
	}
	real = (parse_file_fn)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	return real ? real(chain, path) : X509_FILE_IO_ERROR;
}

int libssh2_init(int flags)
{
	ssh2_init_fn real;

	if (initialising) {
		skipped++;
		return 0;
	}
	real = (ssh2_init_fn)dlsym(RTLD_NEXT, "libssh2_init");
	return real ? real(flags) : -1;
}

/*
 * libgit2's defaults suit a program that reads the same objects again and
 * again: up to 256 MiB of parsed objects cached (per repository handle, and
 * a scan has one per thread), and packs mapped in 1 GiB windows up to 8 GiB
 * in all, every page of which stays resident. A scan reads each object
 * about once, so both would only make its memory grow with the repository.
 * The object cache is off: a small one (4 MiB) was full all the time, and
 * each eviction scans its hash table from the first bucket, which was a
 * third of the walk (2.5 s -> 1.6 s on a 353 MB history without it, 30 MB
 * less at the peak of a 1.8 GB one); a large one only holds trees and
 * commits the walk does not read again. Smaller windows cost a few mmap
 * calls; the delta-base cache, which is what reading in pack order relies
 * on, is separate. Only the walk reads packs through libgit2 at length
 * (trees), so 32 MiB of windows took 30-40 MB off the peak of that scan,
 * against 64 MiB, at the same speed.
 *
 * libgit2 also recomputes the (collision-detecting, slow) SHA-1 of every
 * object it reads, which costs a scan about a quarter of its time; git
 * does not when it reads objects (only fsck does). Corruption is still
 * caught by zlib's checksum of each object and by the delta checks, and
 * what is scanned is the content the repository serves.
 */
#define PACK_WINDOW_BYTES ((size_t)8 << 20)
#define PACK_MAPPED_LIMIT_BYTES ((size_t)32 << 20)

static void libgit2_init_once(void)
{
	initialising = 1;
	git_libgit2_init();
	initialising = 0;
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, PACK_WINDOW_BYTES);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, PACK_MAPPED_LIMIT_BYTES);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

void lg__libgit2_init(void)
{
	pthread_once(&libgit2_once, libgit2_init_once);
}

int lg__libgit2_skipped_calls(void)
{
	return skipped;
}
