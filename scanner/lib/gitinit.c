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
#include "internal.h"

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

static void libgit2_init_once(void)
{
	initialising = 1;
	git_libgit2_init();
	initialising = 0;
}

void lg__libgit2_init(void)
{
	pthread_once(&libgit2_once, libgit2_init_once);
}

int lg__libgit2_skipped_calls(void)
{
	return skipped;
}
