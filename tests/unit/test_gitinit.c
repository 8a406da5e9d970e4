/*
 * test_gitinit.c - libgit2's initialisation without the calls it does not need.
 */
#define _GNU_SOURCE /* RTLD_NOLOAD */
#include "git/git.h"
#include "test.h"

#include <dlfcn.h>
#include <git2.h>
#include <unistd.h>

/* 1 when the library `soname` is loaded in this process. */
static int loaded(const char *soname)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);

	if (h)
		dlclose(h);
	return h != NULL;
}

/* 1 when libgit2 in this process loads certificates through mbedTLS
 * (Debian's build), the case the initialisation works around. */
static int libgit2_uses_mbedtls(void)
{
	return loaded("libmbedx509.so.1");
}

/* The calls the initialisation skips: the CA bundle's load and
 * libssh2_init, where libgit2 makes them. */
TEST(test_gitinit__skips_once)
{
	int expected = libgit2_uses_mbedtls() + loaded("libssh2.so.1");

	lg__libgit2_init();
	lg__libgit2_init();
	CHECK_EQ_INT(lg__libgit2_skipped_calls(), expected);
}

/* Outside the initialisation, certificate locations set explicitly reach
 * mbedTLS: a missing file is an error, the system bundle loads. */
TEST(test_gitinit__explicit_locations_still_load)
{
	const char *bundle = "/etc/ssl/certs/ca-certificates.crt";

	lg__libgit2_init();
	if (!libgit2_uses_mbedtls())
		return;
	CHECK(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/nonexistent/ca.pem", NULL) < 0);
	if (access(bundle, R_OK) == 0)
		CHECK_EQ_INT(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle, NULL), 0);
	CHECK_EQ_INT(lg__libgit2_skipped_calls(), libgit2_uses_mbedtls() + loaded("libssh2.so.1"));
}

int libssh2_init(int flags);

/* libssh2's initialisation, skipped during libgit2's, still runs when
 * called afterwards (libssh2 calls it itself before its first session). */
TEST(test_gitinit__libssh2_still_initialises_later)
{
	lg__libgit2_init();
	if (loaded("libssh2.so.1"))
		CHECK_EQ_INT(libssh2_init(0), 0);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_gitinit__skips_once),
	TEST_ENTRY(test_gitinit__explicit_locations_still_load),
	TEST_ENTRY(test_gitinit__libssh2_still_initialises_later),
};

TEST_MAIN(tests)
