/*
 * test_gitinit.c - libgit2's initialisation without the CA bundle.
 */
#define _GNU_SOURCE /* RTLD_NOLOAD */
#include "internal.h"
#include "test.h"

#include <dlfcn.h>
#include <git2.h>
#include <unistd.h>

/* 1 when libgit2 in this process loads certificates through mbedTLS
 * (Debian's build), the case the initialisation works around. */
static int libgit2_uses_mbedtls(void)
{
	void *h = dlopen("libmbedx509.so.1", RTLD_NOW | RTLD_NOLOAD);

	if (h)
		dlclose(h);
	return h != NULL;
}

TEST(test_gitinit__ca_bundle_skipped_once)
{
	lg__libgit2_init();
	lg__libgit2_init();
	if (libgit2_uses_mbedtls())
		CHECK_EQ_INT(lg__libgit2_skipped_ca_bundles(), 1);
	else
		CHECK_EQ_INT(lg__libgit2_skipped_ca_bundles(), 0);
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
	CHECK_EQ_INT(lg__libgit2_skipped_ca_bundles(), 1);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_gitinit__ca_bundle_skipped_once),
	TEST_ENTRY(test_gitinit__explicit_locations_still_load),
};

TEST_MAIN(tests)
