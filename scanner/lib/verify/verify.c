/*
 * verify/verify.c - asking providers whether findings still work (--verify).
 *
 * Owns the run: which findings need a request (each distinct secret or pair
 * once), the result cache (by fingerprint, never the secret), and the
 * requests themselves, through libcurl's multi interface within fixed
 * bounds: a total time budget, a per-request time-out, a cap on
 * connections in flight overall and per provider, a minimum interval
 * between two requests to one provider, and a provider's Retry-After.
 * Every handle is locked down the same way: https only (plain http only to
 * a loopback override), certificate and host verification on, no redirect
 * followed, no proxy but the one the caller passes, no netrc, no cookies.
 * libcurl is loaded by the first check that needs a request (curl_api.c);
 * when it cannot be, each such check is an error that says why.
 */
#include "verify.h"

#include "curl_api.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_TTL (24.0 * 3600)
#define DEFAULT_BUDGET 60.0
#define DEFAULT_TIMEOUT 10.0
#define DEFAULT_CONNECTIONS 8
#define DEFAULT_PER_PROVIDER 2
#define DEFAULT_INTERVAL 0.1
#define BODY_CAP (256u << 10)
#define IDENTITY_MAX 200
#define CACHE_FILE "verify-cache.json"
#define CACHE_MAX_BYTES (16u << 20)

const char *lg_verify_status_name(lg_verify_status s)
{
	switch (s) {
	case LG_VERIFY_LIVE: return "live";
	case LG_VERIFY_INVALID: return "invalid";
	case LG_VERIFY_UNVERIFIABLE: return "unverifiable";
	case LG_VERIFY_ERROR: return "error";
	default: return "not run";
	}
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------
 * The run's state
 * ---------------------------------------------------------------------- */

typedef struct {
	char *name;
	char *base;         /* an override's base URL, or NULL */
	unsigned running;
	double next_start;  /* monotonic seconds */
} provider;

typedef struct {
	const lg_rule *rule;
	lg_verify_spec *spec; /* NULL when the rule has no check */
	char spec_hash[41];
	size_t provider;
} rule_check;

typedef struct job {
	size_t provider;
	const lg_verify_spec *spec;
	lg_verify_request req;
	char dedupe[41];      /* in memory only: a hash of the request's values */
	lg_verification result;
	int started, done;
	CURL *easy;
	struct curl_slist *headers;
	lg_buf body;
} job;

typedef struct {
	const lg_verify_options *o;
	provider *providers;
	size_t provider_count;
	rule_check *checks;
	size_t check_count;
	job *jobs;
	size_t job_count;
	size_t *finding_job; /* per finding: job index, or SIZE_MAX */
	cJSON *cache;        /* the cache file's entries object */
	int cache_dirty;
	double deadline;
	/* libcurl, loaded and started by the first check that needs a
	 * request; NULL before that, and when it could not be (curl_error
	 * says why). */
	const lg_curl_api *curl;
	char curl_error[512];
} run;

static void warn(const run *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(const run *R, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!R->o->on_warning)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	R->o->on_warning(msg, R->o->payload);
}

static int set_result(lg_verification *v, lg_verify_status status, int http, const char *identity,
		      const char *message)
{
	free(v->identity);
	free(v->message);
	v->status = status;
	v->http_status = http;
	v->identity = identity ? strdup(identity) : NULL;
	v->message = message ? strdup(message) : NULL;
	return (identity && !v->identity) || (message && !v->message) ? LG_ENOMEM : 0;
}

/* ------------------------------------------------------------------------
 * Providers and rules
 * ---------------------------------------------------------------------- */

static size_t provider_index(run *R, const char *name)
{
	size_t i;
	provider *p;

	for (i = 0; i < R->provider_count; i++)
		if (strcmp(R->providers[i].name, name) == 0)
			return i;
	if (!(p = realloc(R->providers, (R->provider_count + 1) * sizeof(*p))))
		return SIZE_MAX;
	R->providers = p;
	memset(&p[i], 0, sizeof(*p));
	if (!(p[i].name = strdup(name)))
		return SIZE_MAX;
	R->provider_count++;
	return i;
}

static int add_override(const char *name, size_t nlen, const char *base, size_t blen,
			void *payload)
{
	run *R = payload;
	char pname[72];
	size_t i;

	snprintf(pname, sizeof(pname), "%.*s", (int)nlen, name);
	if ((i = provider_index(R, pname)) == SIZE_MAX)
		return lg_error_set(LG_ENOMEM, "out of memory");
	free(R->providers[i].base);
	if (!(R->providers[i].base = strndup(base, blen)))
		return lg_error_set(LG_ENOMEM, "out of memory");
	return 0;
}

/* The parsed check of `rule`, parsed once per run. */
static rule_check *check_for(run *R, const lg_rule *rule)
{
	rule_check *c;
	size_t i;
	char err[256];

	for (i = 0; i < R->check_count; i++)
		if (R->checks[i].rule == rule)
			return &R->checks[i];
	if (!(c = realloc(R->checks, (R->check_count + 1) * sizeof(*c))))
		return NULL;
	R->checks = c;
	c = &R->checks[R->check_count++];
	memset(c, 0, sizeof(*c));
	c->rule = rule;
	c->provider = SIZE_MAX;
	if (!rule->verify)
		return c;
	/* Loading validated it; a failure here means the rule came from
	 * somewhere that did not (never silently "no check"). */
	if (lg_verify__spec_parse(&c->spec, rule->verify, err, sizeof(err)) != 0) {
		warn(R, "rule %s: verify: %s", rule->id, err);
		c->spec = NULL;
		return c;
	}
	lg__hash_hex(c->spec_hash, rule->verify, strlen(rule->verify));
	c->provider = provider_index(R, c->spec->provider);
	if (c->provider == SIZE_MAX) {
		lg_verify__spec_free(c->spec);
		c->spec = NULL;
	}
	return c;
}

/* ------------------------------------------------------------------------
 * The cache: {"version": 1, "entries": {KEY: {status, http_status,
 * identity, expires}}}, KEY = the finding's fingerprint and a digest of
 * the check (and of an override's address, so a mock's answers never
 * stand for the real provider's)
 * ---------------------------------------------------------------------- */

static void cache_key(char out[80], const lg_finding *f, const rule_check *c, const char *base)
{
	char h[41];
	lg_buf b = LG_BUF_INIT;

	lg_buf__printf(&b, "%s\n%s", c->spec_hash, base ? base : "");
	lg__hash_hex(h, b.ptr ? b.ptr : "", b.len);
	lg_buf__release(&b);
	snprintf(out, 80, "%s-%.12s", f->fingerprint, h);
}

static int cache_path(lg_buf *p, const run *R)
{
	return lg_buf__printf(p, "%s/" CACHE_FILE, R->o->cache_dir);
}

static void cache_load(run *R)
{
	lg_buf path = LG_BUF_INIT;
	char *data = NULL;
	size_t len = 0;
	cJSON *root = NULL, *entries;
	int err;

	if (!R->o->cache_dir || cache_path(&path, R) != 0)
		goto out;
	err = lg__read_file(&data, &len, path.ptr, CACHE_MAX_BYTES);
	if (err == 0) {
		root = cJSON_ParseWithLength(data, len);
		entries = cJSON_GetObjectItemCaseSensitive(root, "entries");
		if (!cJSON_IsObject(entries) ||
		    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "version"))) {
			warn(R, "verification cache '%s' is damaged: starting a new one",
			     path.ptr);
			cJSON_Delete(root);
			root = NULL;
		} else {
			R->cache = cJSON_DetachItemViaPointer(root, entries);
		}
	}
out:
	cJSON_Delete(root);
	free(data);
	lg_buf__release(&path);
	if (!R->cache)
		R->cache = cJSON_CreateObject();
}

/* A cached live or invalid answer still within its TTL. */
static int cache_get(run *R, const char *key, lg_verification *v)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(R->cache, key);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
	const cJSON *http = cJSON_GetObjectItemCaseSensitive(e, "http_status");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "identity");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(e, "expires");
	lg_verify_status s;

	if (!cJSON_IsString(st) || !cJSON_IsNumber(http) || !cJSON_IsNumber(exp) ||
	    exp->valuedouble < (double)time(NULL))
		return 0;
	if (strcmp(st->valuestring, "live") == 0)
		s = LG_VERIFY_LIVE;
	else if (strcmp(st->valuestring, "invalid") == 0)
		s = LG_VERIFY_INVALID;
	else
		return 0;
	return set_result(v, s, http->valueint, cJSON_IsString(id) ? id->valuestring : NULL,
			  "cached") == 0;
}

static void cache_put(run *R, const char *key, const lg_verification *v)
{
	double ttl = R->o->cache_ttl > 0 ? R->o->cache_ttl : DEFAULT_TTL;
	cJSON *e;

	if (v->status != LG_VERIFY_LIVE && v->status != LG_VERIFY_INVALID)
		return; /* an error is worth asking again next time */
	if (!(e = cJSON_CreateObject()))
		return;
	cJSON_AddStringToObject(e, "status", lg_verify_status_name(v->status));
	cJSON_AddNumberToObject(e, "http_status", v->http_status);
	if (v->identity)
		cJSON_AddStringToObject(e, "identity", v->identity);
	cJSON_AddNumberToObject(e, "expires", (double)time(NULL) + ttl);
	cJSON_DeleteItemFromObjectCaseSensitive(R->cache, key);
	cJSON_AddItemToObject(R->cache, key, e);
	R->cache_dirty = 1;
}

/* Drops expired entries and writes the file atomically, mode 0600. */
static void cache_store(run *R)
{
	lg_buf path = LG_BUF_INIT;
	cJSON *root, *e, *next;
	char *text = NULL;
	double now = (double)time(NULL);

	if (!R->o->cache_dir || !R->cache_dirty)
		return;
	for (e = R->cache->child; e; e = next) {
		const cJSON *exp = cJSON_GetObjectItemCaseSensitive(e, "expires");

		next = e->next;
		if (!cJSON_IsNumber(exp) || exp->valuedouble < now)
			cJSON_Delete(cJSON_DetachItemViaPointer(R->cache, e));
	}
	root = cJSON_CreateObject();
	if (root && cJSON_AddNumberToObject(root, "version", 1)) {
		cJSON_AddItemToObject(root, "entries", R->cache);
		R->cache = NULL;
		text = cJSON_PrintUnformatted(root);
	}
	if (text && lg__make_dirs(R->o->cache_dir) == 0 && cache_path(&path, R) == 0 &&
	    lg__write_file_atomic(path.ptr, text, strlen(text)) != 0)
		warn(R, "could not write the verification cache: %s", lg_error_last());
	cJSON_Delete(root);
	free(text);
	lg_buf__release(&path);
}

/* ------------------------------------------------------------------------
 * Jobs: one per distinct request
 * ---------------------------------------------------------------------- */

static void dedupe_key(char out[41], const rule_check *c, const lg_verify_vars *v)
{
	lg_buf b = LG_BUF_INIT;
	size_t i;

	lg_buf__printf(&b, "%s", c->spec_hash);
	for (i = 0; i < v->n; i++) {
		lg_buf__printf(&b, "%c%s%c", 0, v->v[i].name, 0);
		lg_buf__add(&b, v->v[i].value, v->v[i].len);
	}
	lg__hash_hex(out, b.ptr ? b.ptr : "", b.len);
	if (b.ptr)
		memset(b.ptr, 0, b.len);
	lg_buf__release(&b);
}

static void amz_date(char out[17])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static int by_column(const void *a, const void *b)
{
	const lg_finding *x = *(const lg_finding *const *)a, *y = *(const lg_finding *const *)b;

	return x->column < y->column ? -1 : x->column > y->column;
}

/* The findings on f's line (same blob or path, same line), by column; *n
 * of them. NULL when out of memory. */
static const lg_finding **line_findings(const lg_report *r, const lg_finding *f, size_t *n)
{
	const lg_finding **list = malloc((r->count ? r->count : 1) * sizeof(*list));
	size_t i;

	*n = 0;
	for (i = 0; list && i < r->count; i++) {
		const lg_finding *o = &r->findings[i];

		if (o->line == f->line && strcmp(o->blob, f->blob) == 0 &&
		    strcmp(o->path ? o->path : "", f->path ? f->path : "") == 0 && o->secret &&
		    !o->unconfirmed)
			list[(*n)++] = o;
	}
	if (list)
		qsort(list, *n, sizeof(*list), by_column);
	return list;
}

/* NULL when libcurl is ready for requests (loaded, and started once per
 * run); otherwise why not, the same text for every check of the run, said
 * once as a warning too. */
static const char *curl_unavailable(run *R)
{
	const lg_curl_api *api;

	if (R->curl)
		return NULL;
	if (R->curl_error[0])
		return R->curl_error;
	if (lg_verify__curl(&api) != 0)
		snprintf(R->curl_error, sizeof(R->curl_error), "%s", lg_error_last());
	else if (api->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		snprintf(R->curl_error, sizeof(R->curl_error), "libcurl could not start");
	else
		R->curl = api;
	if (R->curl)
		return NULL;
	warn(R, "%s; every check that needed a request reports this error", R->curl_error);
	return R->curl_error;
}

/* Finds or makes the job for finding `f`; SIZE_MAX when the finding gets
 * its result without one (filled into f->verification). */
static size_t plan_finding(run *R, const lg_report *r, lg_finding *f)
{
	rule_check *c = check_for(R, f->rule);
	lg_verify_vars vars;
	char err[256] = "", key[80], dedupe[41], date[17];
	const char *base, *no_curl;
	job *j;
	size_t i;
	int e;

	if (!c)
		return set_result(&f->verification, LG_VERIFY_ERROR, 0, NULL, "out of memory"),
		       SIZE_MAX;
	if (f->unconfirmed) {
		/* Its text is what the matcher stopped at, not a confirmed
		 * secret: it goes to no one. */
		set_result(&f->verification, LG_VERIFY_UNVERIFIABLE, 0, NULL,
			   "not confirmed, so not sent to the provider");
		return SIZE_MAX;
	}
	if (!c->spec) {
		set_result(&f->verification, LG_VERIFY_UNVERIFIABLE, 0, NULL,
			   f->rule->verify ? "the rule's check could not be read"
					   : "no check exists for this rule");
		return SIZE_MAX;
	}
	base = R->providers[c->provider].base;
	cache_key(key, f, c, base);
	if (cache_get(R, key, &f->verification))
		return SIZE_MAX;
	if ((no_curl = curl_unavailable(R))) {
		set_result(&f->verification, LG_VERIFY_ERROR, 0, NULL, no_curl);
		return SIZE_MAX;
	}
	if (c->spec->line_pattern) {
		size_t n;
		const lg_finding **line = line_findings(r, f, &n);

		e = line ? lg_verify__vars(&vars, c->spec, f, line, n, err, sizeof(err)) : LG_ENOMEM;
		free(line);
	} else {
		e = lg_verify__vars(&vars, c->spec, f, NULL, 0, err, sizeof(err));
	}
	if (e) {
		set_result(&f->verification, e == LG_ENOMEM ? LG_VERIFY_ERROR : LG_VERIFY_UNVERIFIABLE,
			   0, NULL, e == LG_ENOMEM ? "out of memory" : err);
		return SIZE_MAX;
	}
	dedupe_key(dedupe, c, &vars);
	for (i = 0; i < R->job_count; i++)
		if (strcmp(R->jobs[i].dedupe, dedupe) == 0) {
			lg_verify__vars_release(&vars);
			return i;
		}
	if (!(j = realloc(R->jobs, (R->job_count + 1) * sizeof(*j)))) {
		lg_verify__vars_release(&vars);
		set_result(&f->verification, LG_VERIFY_ERROR, 0, NULL, "out of memory");
		return SIZE_MAX;
	}
	R->jobs = j;
	j = &R->jobs[R->job_count];
	memset(j, 0, sizeof(*j));
	j->body.cap = BODY_CAP;
	memcpy(j->dedupe, dedupe, sizeof(dedupe));
	j->provider = c->provider;
	j->spec = c->spec;
	amz_date(date);
	e = lg_verify__build(&j->req, c->spec, &vars, base, date, err, sizeof(err));
	lg_verify__vars_release(&vars);
	if (e) {
		/* A value that cannot be sent safely is not sent. */
		set_result(&j->result, LG_VERIFY_ERROR, 0, NULL, err);
		j->done = 1;
	}
	return R->job_count++;
}

/* ------------------------------------------------------------------------
 * libcurl
 * ---------------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *payload)
{
	job *j = payload;
	size_t len = size * n;

	/* Past the cap the rest is dropped: the identity is near the top. */
	if (j->body.len + len <= BODY_CAP)
		lg_buf__add(&j->body, data, len);
	return len;
}

static int configure(run *R, job *j)
{
	const lg_verify_options *o = R->o;
	double timeout = o->request_timeout > 0 ? o->request_timeout : DEFAULT_TIMEOUT;
	const char *proxy = j->req.plain_http ? o->http_proxy : o->https_proxy;
	const lg_curl_api *c = R->curl;
	CURL *h = c->easy_init();
	size_t i;
	int bad = 0;

	if (!h)
		return -1;
	j->easy = h;
	for (i = 0; i < j->req.header_count && !bad; i++) {
		struct curl_slist *l = c->slist_append(j->headers, j->req.headers[i]);

		bad = !l;
		j->headers = l ? l : j->headers;
	}
	if (!bad) {
		/* No "Expect: 100-continue" round trip; a fixed agent. */
		struct curl_slist *l = c->slist_append(j->headers, "Expect:");

		bad = !l || !(l = c->slist_append(l, "User-Agent: leakgate/" LG_VERSION
							   " (secret verification)"));
		if (l)
			j->headers = l;
	}
	bad |= c->easy_setopt(h, CURLOPT_URL, j->req.url) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_PROTOCOLS_STR, j->req.plain_http ? "http" : "https") !=
	       CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	/* "" turns off libcurl's own reading of the environment: the proxy
	 * is the one the caller passed, or none. */
	bad |= c->easy_setopt(h, CURLOPT_PROXY, proxy ? proxy : "") != CURLE_OK;
	if (o->no_proxy)
		bad |= c->easy_setopt(h, CURLOPT_NOPROXY, o->no_proxy) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000)) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout * 1000)) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_HTTPHEADER, j->headers) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_WRITEDATA, j) != CURLE_OK;
	bad |= c->easy_setopt(h, CURLOPT_PRIVATE, j) != CURLE_OK;
	if (strcmp(j->req.method, "HEAD") == 0) {
		bad |= c->easy_setopt(h, CURLOPT_NOBODY, 1L) != CURLE_OK;
	} else if (strcmp(j->req.method, "POST") == 0) {
		bad |= c->easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)j->req.body_len) != CURLE_OK;
		bad |= c->easy_setopt(h, CURLOPT_POSTFIELDS, j->req.body ? j->req.body : "") !=
		       CURLE_OK;
	}
	return bad ? -1 : 0;
}

static int in_list(const int *list, size_t n, long v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] == v)
			return 1;
	return 0;
}

/* The identity at the spec's pointer, made fit to print: capped, control
 * characters dropped. */
static char *identity_of(const job *j)
{
	char *id;
	size_t i, k = 0;

	if (!j->spec->identity || !j->body.ptr)
		return NULL;
	if (!(id = lg_verify__json_pointer(j->body.ptr, j->body.len, j->spec->identity)))
		return NULL;
	for (i = 0; id[i] && k < IDENTITY_MAX; i++)
		if ((unsigned char)id[i] >= 0x20 && id[i] != 0x7f)
			id[k++] = id[i];
	id[k] = '\0';
	return id;
}

static void rate_limited(run *R, job *j, double now);

/* Reads what the provider answered into the job's result. */
static void finish(run *R, job *j, CURLcode res, double now)
{
	const lg_verify_spec *s = j->spec;
	long code = 0;
	char msg[200];

	R->curl->easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
	j->done = 1;
	R->providers[j->provider].running--;
	if (res != CURLE_OK) {
		snprintf(msg, sizeof(msg), "%s", R->curl->easy_strerror(res));
		set_result(&j->result, LG_VERIFY_ERROR, (int)code, NULL, msg);
		return;
	}
	if (in_list(s->live, s->live_count, code)) {
		char *id;

		if (s->require_true && !lg_verify__json_true(j->body.ptr ? j->body.ptr : "",
							     j->body.len, s->require_true)) {
			set_result(&j->result, LG_VERIFY_INVALID, (int)code, NULL,
				   "the provider answered without accepting it");
			return;
		}
		id = identity_of(j);
		set_result(&j->result, LG_VERIFY_LIVE, (int)code, id, NULL);
		free(id);
	} else if (in_list(s->invalid, s->invalid_count, code)) {
		set_result(&j->result, LG_VERIFY_INVALID, (int)code, NULL, NULL);
	} else if (code == 429) {
		rate_limited(R, j, now);
	} else if (code >= 300 && code < 400) {
		set_result(&j->result, LG_VERIFY_ERROR, (int)code, NULL,
			   "the provider answered with a redirect, which is never followed");
	} else {
		snprintf(msg, sizeof(msg), "unexpected HTTP status %ld", code);
		set_result(&j->result, LG_VERIFY_ERROR, (int)code, NULL, msg);
	}
}

/* A 429: this secret's one request is spent (an error, asked again next
 * run); the provider gets nothing more until its Retry-After has passed,
 * and when that is past the budget, the provider's other checks end now. */
static void rate_limited(run *R, job *j, double now)
{
	provider *p = &R->providers[j->provider];
	curl_off_t after = 0;
	size_t i;

	R->curl->easy_getinfo(j->easy, CURLINFO_RETRY_AFTER, &after);
	if (after < 1)
		after = 1;
	if (now + (double)after > p->next_start)
		p->next_start = now + (double)after;
	set_result(&j->result, LG_VERIFY_ERROR, 429, NULL, "rate limited by the provider");
	if (p->next_start < R->deadline)
		return;
	for (i = 0; i < R->job_count; i++) {
		job *o = &R->jobs[i];

		if (o->provider == j->provider && !o->started && !o->done) {
			o->done = 1;
			set_result(&o->result, LG_VERIFY_ERROR, 0, NULL,
				   "the provider asked to wait past the time budget");
		}
	}
}

static void fail_unfinished(run *R, CURLM *m, const char *why)
{
	size_t i;

	for (i = 0; i < R->job_count; i++) {
		job *j = &R->jobs[i];

		if (j->done)
			continue;
		if (j->started)
			R->curl->multi_remove_handle(m, j->easy);
		j->done = 1;
		set_result(&j->result, LG_VERIFY_ERROR, 0, NULL, why);
	}
}

/* Starts what the bounds allow; returns how long until another could. */
static double start_jobs(run *R, CURLM *m, unsigned *running, double now)
{
	const lg_verify_options *o = R->o;
	unsigned max = o->max_connections ? o->max_connections : DEFAULT_CONNECTIONS;
	unsigned per = o->per_provider ? o->per_provider : DEFAULT_PER_PROVIDER;
	double interval = o->provider_interval > 0 ? o->provider_interval : DEFAULT_INTERVAL;
	double wait = 0.1;
	size_t i;

	for (i = 0; i < R->job_count; i++) {
		job *j = &R->jobs[i];
		provider *p = &R->providers[j->provider];

		if (j->started || j->done)
			continue;
		if (*running >= max || p->running >= per)
			continue;
		if (p->next_start > now) {
			if (p->next_start - now < wait)
				wait = p->next_start - now;
			continue;
		}
		j->started = 1;
		if (configure(R, j) != 0 || R->curl->multi_add_handle(m, j->easy) != CURLM_OK) {
			j->done = 1;
			set_result(&j->result, LG_VERIFY_ERROR, 0, NULL,
				   "could not set up the request");
			continue;
		}
		p->running++;
		p->next_start = now + interval;
		(*running)++;
	}
	return wait;
}

static int run_jobs(run *R)
{
	CURLM *m = R->curl->multi_init();
	unsigned running = 0;
	int still = 0;

	if (!m)
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (;;) {
		double now = now_seconds(), wait;
		CURLMsg *msg;
		int left, pending = 0;
		size_t i;

		for (i = 0; i < R->job_count; i++)
			pending |= !R->jobs[i].done;
		if (!pending)
			break;
		if (now >= R->deadline) {
			fail_unfinished(R, m, "the verification time budget ran out");
			break;
		}
		wait = start_jobs(R, m, &running, now);
		R->curl->multi_perform(m, &still);
		while ((msg = R->curl->multi_info_read(m, &left))) {
			job *j = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			R->curl->easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			finish(R, j, msg->data.result, now_seconds());
			R->curl->multi_remove_handle(m, j->easy);
			running--;
		}
		if (R->deadline - now < wait)
			wait = R->deadline - now;
		R->curl->multi_poll(m, NULL, 0, (int)(wait * 1000) + 1, NULL);
	}
	R->curl->multi_cleanup(m);
	return 0;
}

/* ------------------------------------------------------------------------
 * The report
 * ---------------------------------------------------------------------- */

/* 1 when `hay` holds `needle` (a secret must never come back as an
 * identity: a provider echoing the token would print it). */
static int holds(const char *hay, const char *needle, size_t len)
{
	size_t n = strlen(hay), i;

	if (!len || len > n)
		return 0;
	for (i = 0; i + len <= n; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return 1;
	return 0;
}

static void copy_result(lg_finding *f, const lg_verification *v)
{
	const char *id = v->identity;
	size_t i;

	if (id && holds(id, f->secret, f->secret_len))
		id = NULL;
	for (i = 0; id && i < f->part_count; i++)
		if (f->parts[i].secret && holds(id, f->parts[i].secret, f->parts[i].secret_len))
			id = NULL;
	set_result(&f->verification, v->status, v->http_status, id, v->message);
}

static void run_free(run *R)
{
	size_t i;

	for (i = 0; i < R->job_count; i++) {
		job *j = &R->jobs[i];

		if (j->easy)
			R->curl->easy_cleanup(j->easy);
		R->curl->slist_free_all(j->headers);
		lg_verify__request_release(&j->req);
		lg_buf__release(&j->body);
		free(j->result.identity);
		free(j->result.message);
	}
	free(R->jobs);
	for (i = 0; i < R->check_count; i++)
		lg_verify__spec_free(R->checks[i].spec);
	free(R->checks);
	for (i = 0; i < R->provider_count; i++) {
		free(R->providers[i].name);
		free(R->providers[i].base);
	}
	free(R->providers);
	free(R->finding_job);
	cJSON_Delete(R->cache);
}

int lg_verify_report(lg_report *r, const lg_verify_options *opts)
{
	run R;
	size_t i;
	int err;

	if (!opts || opts->version != LG_VERIFY_OPTIONS_VERSION)
		return lg_error_set(LG_EINVALID, "lg_verify_options: unknown version");
	memset(&R, 0, sizeof(R));
	R.o = opts;
	if ((err = lg_verify__overrides_each(opts->overrides, add_override, &R)) != 0)
		goto done;
	if (r->count && !(R.finding_job = calloc(r->count, sizeof(*R.finding_job)))) {
		err = lg_error_set(LG_ENOMEM, "out of memory");
		goto done;
	}
	cache_load(&R);
	for (i = 0; i < r->count; i++)
		R.finding_job[i] = plan_finding(&R, r, &r->findings[i]);
	R.deadline = now_seconds() + (opts->time_budget > 0 ? opts->time_budget : DEFAULT_BUDGET);
	/* A job exists only once libcurl is ready (plan_finding). */
	err = R.job_count ? run_jobs(&R) : 0;
	for (i = 0; i < r->count && !err; i++) {
		lg_finding *f = &r->findings[i];
		size_t j = R.finding_job[i];

		if (j == SIZE_MAX)
			continue;
		copy_result(f, &R.jobs[j].result);
		if (R.o->cache_dir) {
			rule_check *c = check_for(&R, f->rule);
			char key[80];

			cache_key(key, f, c, R.providers[c->provider].base);
			cache_put(&R, key, &R.jobs[j].result);
		}
	}
	cache_store(&R);
done:
	if (R.curl)
		R.curl->global_cleanup();
	run_free(&R);
	return err;
}

int lg_verify_options_init(lg_verify_options *opts, unsigned version)
{
	lg_verify_options tmpl = LG_VERIFY_OPTIONS_INIT;

	return lg__options_init(opts, sizeof(*opts), &tmpl, version, LG_VERIFY_OPTIONS_VERSION,
				"lg_verify_options");
}
