/*
 * cli_verify.c - what the tool feeds live verification from its
 * environment: the cache directory, the test-only provider overrides
 * (LEAKGATE_VERIFY_OVERRIDE) and the standard proxy variables, which the
 * library never reads itself. Used by scan, baseline and the hooks.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The first of `names` set to a non-empty value, or NULL. */
static const char *first_env(const char *const *names)
{
	const char *v;

	for (; *names; names++)
		if ((v = getenv(*names)) && *v)
			return v;
	return NULL;
}

static void print_verify_warning(const char *message, void *payload)
{
	if (!*(const int *)payload)
		cli_warning("verify: %s", message);
}

int cli_verify_check_env(void)
{
	const char *o = getenv("LEAKGATE_VERIFY_OVERRIDE");

	if (o && lg_verify_overrides_check(o) != 0) {
		cli_error("%s", lg_error_last());
		return -1;
	}
	return 0;
}

int cli_verify(lg_report *r, const cli_verify_settings *s)
{
	/* Lowercase http_proxy only, as libcurl does: HTTP_PROXY can be set
	 * by a web server from a request's "Proxy:" header (httpoxy). */
	static const char *const https_vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy",
						  "ALL_PROXY", NULL };
	static const char *const http_vars[] = { "http_proxy", "all_proxy", "ALL_PROXY", NULL };
	static const char *const no_vars[] = { "no_proxy", "NO_PROXY", NULL };
	lg_verify_options o = LG_VERIFY_OPTIONS_INIT;
	char cache[4096];
	int quiet = s->quiet;

	o.cache_dir = cli_cache_dir(cache, sizeof(cache));
	o.time_budget = s->budget;
	o.request_timeout = s->timeout;
	o.overrides = getenv("LEAKGATE_VERIFY_OVERRIDE");
	o.https_proxy = first_env(https_vars);
	o.http_proxy = first_env(http_vars);
	o.no_proxy = first_env(no_vars);
	o.on_warning = print_verify_warning;
	o.payload = &quiet;
	if (lg_verify_report(r, &o) != 0) {
		cli_error("%s", lg_error_last());
		return -1;
	}
	return 0;
}

/* Live, or not known not to be: a check that failed (error) never hides
 * a finding, nor does an unconfirmed one (what the scan could not decide,
 * or where it stopped looking). */
static int is_live(const lg_finding *f, void *payload)
{
	(void)payload;
	return f->unconfirmed || f->verification.status == LG_VERIFY_LIVE ||
	       f->verification.status == LG_VERIFY_ERROR;
}

void cli_keep_only_live(lg_report *r)
{
	lg_report_filter(r, is_live, NULL);
}

size_t cli_count_live(const lg_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->count; i++)
		n += r->findings[i].verification.status == LG_VERIFY_LIVE;
	return n;
}
