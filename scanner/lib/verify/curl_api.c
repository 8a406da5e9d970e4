/*
 * verify/curl_api.c - libcurl, loaded when live verification first needs it.
 *
 * Owns the one table of libcurl functions that verify.c and spec.c call.
 * libcurl is not among the executable's needed libraries, because of hooks'
 * start-up: linking it made every process load about 25 more shared
 * libraries (its TLS, HTTP/2, IDN, LDAP, RTMP and Kerberos ones), 11-14 ms
 * of a warm one-commit push that never sends a request (bench/README.md,
 * "Start-up after #16"). Only --verify sends requests, so libcurl is opened
 * with dlopen the first time a check is made, by its stable soname, and
 * stays loaded for the life of the process (libcurl and its TLS library
 * keep process-wide state; nothing is gained by unloading them). Failing to
 * load it is an error that names libcurl.so.4 and the dynamic loader's
 * reason, which verify.c turns into an error result on every check it could
 * not make: never "not verified" in silence.
 */
#include "curl_api.h"

#include "util/util.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* One symbol: its name and its member. The sizeof is never evaluated and
 * refers to no symbol, but the assignment in it does not compile (with
 * -Werror) unless the member's type is the function's as curl.h declares
 * it. */
#define SYMBOL(member, fn)                                                     \
	{ #fn, offsetof(lg_curl_api, member) +                                 \
		       0 * sizeof(((lg_curl_api *)0)->member = &fn) }

static const struct {
	const char *name;
	size_t offset;
} symbols[] = {
	SYMBOL(global_init, curl_global_init),
	SYMBOL(global_cleanup, curl_global_cleanup),
	SYMBOL(easy_init, curl_easy_init),
	SYMBOL(easy_setopt, curl_easy_setopt),
	SYMBOL(easy_getinfo, curl_easy_getinfo),
	SYMBOL(easy_strerror, curl_easy_strerror),
	SYMBOL(easy_cleanup, curl_easy_cleanup),
	SYMBOL(slist_append, curl_slist_append),
	SYMBOL(slist_free_all, curl_slist_free_all),
	SYMBOL(multi_init, curl_multi_init),
	SYMBOL(multi_add_handle, curl_multi_add_handle),
	SYMBOL(multi_remove_handle, curl_multi_remove_handle),
	SYMBOL(multi_perform, curl_multi_perform),
	SYMBOL(multi_info_read, curl_multi_info_read),
	SYMBOL(multi_poll, curl_multi_poll),
	SYMBOL(multi_cleanup, curl_multi_cleanup),
	SYMBOL(url, curl_url),
	SYMBOL(url_set, curl_url_set),
	SYMBOL(url_get, curl_url_get),
	SYMBOL(url_cleanup, curl_url_cleanup),
	SYMBOL(mem_free, curl_free),
};

int lg_verify__curl_load(lg_curl_api *out, const char *soname)
{
	lg_curl_api api;
	void *handle;
	size_t i;

	/* RTLD_NOW: a library whose own dependencies cannot be resolved fails
	 * here, with the loader's reason, not in the middle of a request.
	 * RTLD_LOCAL: its symbols stand in for nobody else's. */
	dlerror();
	if (!(handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL)))
		return lg_error_set(LG_ERROR,
				    "live verification needs %s (Debian package libcurl4), which "
				    "could not be loaded: %s",
				    soname, dlerror());
	memset(&api, 0, sizeof(api));
	for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *fn;

		dlerror();
		if (!(fn = dlsym(handle, symbols[i].name))) {
			const char *why = dlerror();
			int err = lg_error_set(LG_ERROR,
					       "live verification needs %s, and the one loaded lacks "
					       "%s: %s",
					       soname, symbols[i].name, why ? why : "a null address");

			dlclose(handle);
			return err;
		}
		/* POSIX makes a function's address from dlsym's void pointer. */
		memcpy((char *)&api + symbols[i].offset, &fn, sizeof(fn));
	}
	*out = api;
	return 0;
}

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static lg_curl_api loaded;
static int load_failed;
static char load_error[512];

static void load(void)
{
	if (lg_verify__curl_load(&loaded, LG_CURL_SONAME) != 0) {
		load_failed = 1;
		snprintf(load_error, sizeof(load_error), "%s", lg_error_last());
	}
}

int lg_verify__curl(const lg_curl_api **out)
{
	pthread_once(&load_once, load);
	if (load_failed)
		return lg_error_set(LG_ERROR, "%s", load_error);
	*out = &loaded;
	return 0;
}
