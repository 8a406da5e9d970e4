/*
 * gitinit.c - libgit2's global initialisation, and the process-wide
 * settings a caller may ask for with lg_global_init.
 *
 * Nothing here changes libgit2 behind the caller's back: the library
 * initialises libgit2 once, with its defaults, the first time it opens a
 * repository; the object cache, hash checks and pack windows change only
 * when the caller (the CLI's main) asks through lg_global_options, since
 * they apply to every libgit2 user in the process.
 *
 * The cost of that honesty, measured: libgit2 1.5 built with mbedTLS
 * (Debian 12's) parses the system's whole CA bundle in git_libgit2_init
 * (4-5 ms), and one built with libssh2 initialises OpenSSL through
 * libssh2_init (0.3 ms), though leakgate opens no connection. An earlier
 * version intercepted both symbols from the executable; a library must not
 * define another library's symbols, so every run now pays them (see
 * docs/architecture.md and bench/README.md).
 */
#include "git/git.h"

#include <git2.h>
#include <pthread.h>

static pthread_once_t libgit2_once = PTHREAD_ONCE_INIT;
static int libgit2_init_result;

static void libgit2_init_once(void)
{
	libgit2_init_result = git_libgit2_init();
}

int lg__libgit2_init(void)
{
	pthread_once(&libgit2_once, libgit2_init_once);
	if (libgit2_init_result < 0)
		return lg_error_set(LG_ERROR, "cannot initialise libgit2: %s", lg_git__message());
	return 0;
}

int lg_global_options_init(lg_global_options *opts, unsigned version)
{
	lg_global_options tmpl = LG_GLOBAL_OPTIONS_INIT;

	return lg__options_init(opts, sizeof(*opts), &tmpl, version, LG_GLOBAL_OPTIONS_VERSION,
				"lg_global_options");
}

int lg_global_init(const lg_global_options *opts)
{
	lg_global_options defaults = LG_GLOBAL_OPTIONS_INIT;
	int err;

	LG_CHECK_VERSION(opts, LG_GLOBAL_OPTIONS_VERSION, "lg_global_options");
	if (!opts)
		opts = &defaults;
	if ((err = lg__libgit2_init()) != 0)
		return err;
	if (git_libgit2_opts(GIT_OPT_ENABLE_CACHING, opts->object_cache ? 1 : 0) < 0 ||
	    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION,
			     opts->verify_object_hashes ? 1 : 0) < 0 ||
	    (opts->pack_window_bytes &&
	     git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, opts->pack_window_bytes) < 0) ||
	    (opts->pack_mapped_limit_bytes &&
	     git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, opts->pack_mapped_limit_bytes) < 0))
		return lg_error_set(LG_ERROR, "cannot set libgit2's options: %s", lg_git__message());
	return 0;
}
