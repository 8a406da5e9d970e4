/*
 * test_gitinit.c - libgit2's initialisation: the library leaves libgit2's
 * process-wide settings alone, lg_global_init applies what its caller asks
 * for, and no symbol of another library is intercepted.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT, RTLD_NOLOAD, dladdr */
#include "git/git.h"
#include "test.h"

#include <dlfcn.h>
#include <git2.h>

/* 1 when the library `soname` is loaded in this process. */
static int loaded(const char *soname)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);

	if (h)
		dlclose(h);
	return h != NULL;
}

static size_t mwindow_size(void)
{
	size_t n = 0;

	CHECK_EQ_INT(git_libgit2_opts(GIT_OPT_GET_MWINDOW_SIZE, &n), 0);
	return n;
}

/* Runs first: opening libgit2 through the library changes none of its
 * settings (here: the pack window size stays libgit2's default). */
TEST(test_gitinit__library_keeps_libgit2_defaults)
{
	size_t before;

	git_libgit2_init();
	before = mwindow_size();
	ASSERT_EQ_INT(lg__libgit2_init(), 0);
	CHECK_EQ_INT(mwindow_size(), before);
	git_libgit2_shutdown();
}

TEST(test_gitinit__global_init_applies_options)
{
	lg_global_options o;

	ASSERT_EQ_INT(lg_global_options_init(&o, LG_GLOBAL_OPTIONS_VERSION), 0);
	CHECK_EQ_INT(o.object_cache, 1);
	CHECK_EQ_INT(o.verify_object_hashes, 1);
	o.pack_window_bytes = (size_t)3 << 20;
	ASSERT_EQ_INT(lg_global_init(&o), 0);
	CHECK_EQ_INT(mwindow_size(), (size_t)3 << 20);
}

TEST(test_gitinit__global_options_version_checked)
{
	lg_global_options o = LG_GLOBAL_OPTIONS_INIT;

	CHECK_EQ_INT(lg_global_options_init(&o, LG_GLOBAL_OPTIONS_VERSION + 1), LG_EINVALID);
	o.version = LG_GLOBAL_OPTIONS_VERSION + 1;
	CHECK_EQ_INT(lg_global_init(&o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "lg_global_options") != NULL);
}

/* The certificate loader libgit2 calls is mbedTLS's own, not one the
 * program defines: the library intercepts no other library's symbols. */
TEST(test_gitinit__no_interception_of_mbedtls)
{
	void *sym;
	Dl_info info;

	if (!loaded("libmbedx509.so.1"))
		SKIP("libgit2 is not built on mbedTLS here");
	sym = dlsym(RTLD_DEFAULT, "mbedtls_x509_crt_parse_file");
	ASSERT(sym != NULL);
	ASSERT(dladdr(sym, &info) != 0 && info.dli_fname != NULL);
	CHECK(strstr(info.dli_fname, "libmbedx509") != NULL);
}

TEST(test_gitinit__no_interception_of_libssh2)
{
	void *sym;
	Dl_info info;

	if (!loaded("libssh2.so.1"))
		SKIP("libgit2 is not built with libssh2 here");
	sym = dlsym(RTLD_DEFAULT, "libssh2_init");
	ASSERT(sym != NULL);
	ASSERT(dladdr(sym, &info) != 0 && info.dli_fname != NULL);
	CHECK(strstr(info.dli_fname, "libssh2") != NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_gitinit__library_keeps_libgit2_defaults),
	TEST_ENTRY(test_gitinit__global_init_applies_options),
	TEST_ENTRY(test_gitinit__global_options_version_checked),
	TEST_ENTRY(test_gitinit__no_interception_of_mbedtls),
	TEST_ENTRY(test_gitinit__no_interception_of_libssh2),
};

TEST_MAIN(tests)
