/*
 * verify/spec.c - a rule's declared live check, and the request it makes.
 *
 * A check is data in the rule file (its `verify` object), never code: the
 * method, an https URL whose host is a literal, how the secret is presented
 * (header templates, basic auth, query or form fields, AWS SigV4), which
 * statuses mean live and which invalid, and a JSON pointer to the identity.
 * This file validates that object at rule load, and is the only place a
 * secret's bytes are put into a request: into the URL's path and query they
 * go percent-encoded (so `@`, `/`, `#`, `?`, `%` cannot reach the
 * authority), into a header only when they hold no control character, and
 * the finished URL's host is checked again against the rule's.
 */
#include "verify.h"

#include "curl_api.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX 2048

/* ------------------------------------------------------------------------
 * Freeing
 * ---------------------------------------------------------------------- */

static void fields_free(lg_verify_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].value);
	}
	free(f);
}

void lg_verify__spec_free(lg_verify_spec *s)
{
	if (!s)
		return;
	free(s->provider);
	free(s->method);
	free(s->url);
	free(s->host);
	fields_free(s->headers, s->header_count);
	fields_free(s->query, s->query_count);
	fields_free(s->form, s->form_count);
	free(s->basic_user);
	free(s->basic_password);
	free(s->body);
	free(s->content_type);
	free(s->aws_region);
	free(s->aws_service);
	free(s->aws_access_key);
	free(s->aws_secret_key);
	free(s->live);
	free(s->invalid);
	free(s->identity);
	free(s->require_true);
	free(s->secret_pattern);
	free(s->line_pattern);
	free(s);
}

/* ------------------------------------------------------------------------
 * Validation: each reader writes its reason to `err` and returns -1
 * ---------------------------------------------------------------------- */

typedef struct {
	char *err;
	size_t cap;
	int bad;
} checker;

static int fail(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(checker *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->bad) { /* the first problem is the one to name */
		va_start(ap, fmt);
		vsnprintf(c->err, c->cap, fmt, ap);
		va_end(ap);
	}
	c->bad = 1;
	return -1;
}

static int valid_name(const char *s, const char *extra)
{
	const char *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(extra, *p)))
			return 0;
	return p != s && p - s <= 64;
}

/* The placeholders of a template are {name} with name of [a-z0-9_]; a
 * lone brace is an error (a typo would otherwise send a literal "{"). */
static int check_template(checker *c, const char *key, const char *t)
{
	const char *p = t, *close;

	if (strlen(t) > TEMPLATE_MAX)
		return fail(c, "'%s' is longer than %d bytes", key, TEMPLATE_MAX);
	while ((p = strpbrk(p, "{}"))) {
		char name[72];

		if (*p == '}' || !(close = strchr(p, '}')) || (size_t)(close - p - 1) >= sizeof(name))
			return fail(c, "'%s' has an unmatched brace", key);
		memcpy(name, p + 1, (size_t)(close - p - 1));
		name[close - p - 1] = '\0';
		if (!valid_name(name, "_"))
			return fail(c, "'%s' has a bad placeholder '{%s}'", key, name);
		p = close + 1;
	}
	return 0;
}

static char *get_string(checker *c, const cJSON *obj, const char *key, int required,
			int is_template)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *s;

	if (!v) {
		if (required)
			fail(c, "missing '%s'", key);
		return NULL;
	}
	if (!cJSON_IsString(v) || !v->valuestring || !v->valuestring[0]) {
		fail(c, "'%s' must be a non-empty string", key);
		return NULL;
	}
	if (is_template && check_template(c, key, v->valuestring) != 0)
		return NULL;
	if (!(s = strdup(v->valuestring)))
		fail(c, "out of memory");
	return s;
}

/* An RFC 7230 token: a header or field name. */
static int valid_token(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("!#$%&'*+-.^_`|~", *p)))
			return 0;
	return p != s && p - s <= 64;
}

/* A query or form field name: printable ASCII (it is percent-encoded). */
static int valid_field_name(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return 0;
	return p != s && p - s <= 64;
}

static int get_fields(checker *c, lg_verify_field **out, size_t *count, const cJSON *obj,
		      const char *key)
{
	int header = strcmp(key, "headers") == 0;

	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *item;
	size_t n = 0;

	if (!v)
		return 0;
	if (!cJSON_IsObject(v))
		return fail(c, "'%s' must be an object of strings", key);
	cJSON_ArrayForEach(item, v)
		n++;
	if (!n || n > 16)
		return fail(c, "'%s' must hold 1 to 16 fields", key);
	if (!(*out = calloc(n, sizeof(**out))))
		return fail(c, "out of memory");
	cJSON_ArrayForEach(item, v) {
		lg_verify_field *f = &(*out)[(*count)++];

		if (!item->string ||
		    !(header ? valid_token(item->string) : valid_field_name(item->string)))
			return fail(c, "'%s' has a bad name '%s'", key,
				    item->string ? item->string : "");
		if (!cJSON_IsString(item) || !item->valuestring)
			return fail(c, "'%s.%s' must be a string", key, item->string);
		if (check_template(c, key, item->valuestring) != 0)
			return -1;
		if (!(f->name = strdup(item->string)) || !(f->value = strdup(item->valuestring)))
			return fail(c, "out of memory");
	}
	return 0;
}

static int get_statuses(checker *c, int **out, size_t *count, const cJSON *obj,
			const char *key, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *item;
	size_t n = 0;

	if (!v)
		return required ? fail(c, "missing '%s'", key) : 0;
	if (!cJSON_IsArray(v) || !(n = (size_t)cJSON_GetArraySize(v)) || n > 16)
		return fail(c, "'%s' must be an array of 1 to 16 HTTP statuses", key);
	if (!(*out = calloc(n, sizeof(**out))))
		return fail(c, "out of memory");
	cJSON_ArrayForEach(item, v) {
		if (!cJSON_IsNumber(item) || item->valuedouble != (double)item->valueint ||
		    item->valueint < 100 || item->valueint > 599)
			return fail(c, "'%s' must hold HTTP statuses (100-599)", key);
		(*out)[(*count)++] = item->valueint;
	}
	return 0;
}

static int check_pointer(checker *c, const char *key, const char *ptr)
{
	if (ptr && ptr[0] != '/')
		return fail(c, "'%s' must be a JSON pointer starting with '/'", key);
	return 0;
}

/* The regex compiles and, for a line pattern, has a group named secret. */
static int check_pattern(checker *c, const char *key, const char *re, int need_secret)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *p;
	uint32_t names = 0;

	if (!re)
		return 0;
	p = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!p) {
		PCRE2_UCHAR msg[200];

		pcre2_get_error_message(code, msg, sizeof(msg));
		return fail(c, "'%s': PCRE2 refuses it at offset %zu: %s", key, (size_t)off,
			    (const char *)msg);
	}
	pcre2_pattern_info(p, PCRE2_INFO_NAMECOUNT, &names);
	if (!names)
		fail(c, "'%s' has no named group", key);
	else if (need_secret && pcre2_substring_number_from_name(p, (PCRE2_SPTR) "secret") < 0)
		fail(c, "'%s' needs a group named 'secret'", key);
	pcre2_code_free(p);
	return c->bad ? -1 : 0;
}

/* The URL: https, a literal host (no placeholder, no userinfo), then a
 * path; placeholders only in the path and query. */
static int check_url(checker *c, lg_verify_spec *s)
{
	const char *u = s->url, *auth, *end, *colon;

	if (strncmp(u, "https://", 8) != 0)
		return fail(c, "url must start with https://");
	auth = u + 8;
	end = auth + strcspn(auth, "/?#");
	if (*end != '/')
		return fail(c, "url must have a path after the host");
	if (memchr(auth, '{', (size_t)(end - auth)) || memchr(auth, '}', (size_t)(end - auth)))
		return fail(c, "url's host must be fixed, without placeholders");
	if (memchr(auth, '@', (size_t)(end - auth)))
		return fail(c, "url must not hold credentials (use basic_auth)");
	if (strchr(u, '#'))
		return fail(c, "url must not have a fragment");
	colon = memchr(auth, ':', (size_t)(end - auth));
	if (!(s->host = strndup(auth, (size_t)((colon ? colon : end) - auth))))
		return fail(c, "out of memory");
	if (!s->host[0] || !valid_name(s->host, "-."))
		return fail(c, "url's host '%s' must be a lowercase DNS name", s->host);
	s->path_at = (size_t)(end - u);
	return 0;
}

static const char *const known_keys[] = {
	"provider", "method", "url", "headers", "query", "form", "basic_auth", "body",
	"content_type", "aws_sigv4", "live", "invalid", "identity", "require_true",
	"secret_pattern", "line_pattern", NULL
};

static void check_unknown_keys(checker *c, const cJSON *obj)
{
	const cJSON *item;
	const char *const *k;

	cJSON_ArrayForEach(item, obj) {
		for (k = known_keys; *k; k++)
			if (item->string && strcmp(*k, item->string) == 0)
				break;
		if (!*k)
			fail(c, "unknown key '%s'", item->string ? item->string : "");
	}
}

static void read_basic_auth(checker *c, lg_verify_spec *s, const cJSON *obj)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "basic_auth");
	const cJSON *user, *pass;

	if (!v)
		return;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
	    !cJSON_IsString(user = cJSON_GetArrayItem(v, 0)) ||
	    !cJSON_IsString(pass = cJSON_GetArrayItem(v, 1))) {
		fail(c, "'basic_auth' must be [user template, password template]");
		return;
	}
	if (check_template(c, "basic_auth", user->valuestring) ||
	    check_template(c, "basic_auth", pass->valuestring))
		return;
	if (!(s->basic_user = strdup(user->valuestring)) ||
	    !(s->basic_password = strdup(pass->valuestring)))
		fail(c, "out of memory");
}

static void read_sigv4(checker *c, lg_verify_spec *s, const cJSON *obj)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "aws_sigv4");

	if (!v)
		return;
	if (!cJSON_IsObject(v)) {
		fail(c, "'aws_sigv4' must be an object");
		return;
	}
	s->sigv4 = 1;
	s->aws_region = get_string(c, v, "region", 1, 0);
	s->aws_service = get_string(c, v, "service", 1, 0);
	s->aws_access_key = get_string(c, v, "access_key", 1, 1);
	s->aws_secret_key = get_string(c, v, "secret_key", 1, 1);
	if (cJSON_GetArraySize(v) != 4)
		fail(c, "'aws_sigv4' takes region, service, access_key, secret_key");
}

/* How the secret is presented: at least one way, or the check sends
 * nothing secret and proves nothing. */
static void check_presentation(checker *c, const lg_verify_spec *s)
{
	size_t i;
	int uses = 0;

	uses = s->header_count || s->query_count || s->form_count || s->basic_user ||
	       s->sigv4 || strchr(s->url, '{');
	if (!uses)
		fail(c, "the check presents no secret (headers, basic_auth, query, form, "
			"aws_sigv4 or a placeholder in the url)");
	if (s->form_count && strcmp(s->method, "POST") != 0)
		fail(c, "'form' needs method POST");
	if (s->form_count && s->body)
		fail(c, "'form' and 'body' exclude each other");
	for (i = 0; i < s->header_count; i++)
		if (strcasecmp(s->headers[i].name, "host") == 0)
			fail(c, "'headers' must not set Host");
	for (i = 0; i < s->live_count; i++) {
		size_t j;

		for (j = 0; j < s->invalid_count; j++)
			if (s->live[i] == s->invalid[j])
				fail(c, "status %d is both live and invalid", s->live[i]);
	}
}

int lg_verify__spec_parse(lg_verify_spec **out, const char *json, char *err, size_t cap)
{
	checker c = { err, cap, 0 };
	cJSON *obj = cJSON_Parse(json);
	lg_verify_spec *s = calloc(1, sizeof(*s));

	if (cap)
		err[0] = '\0';
	if (!s) {
		cJSON_Delete(obj);
		fail(&c, "out of memory");
		return LG_ENOMEM;
	}
	if (!cJSON_IsObject(obj)) {
		fail(&c, "must be a JSON object");
		goto done;
	}
	check_unknown_keys(&c, obj);
	s->provider = get_string(&c, obj, "provider", 1, 0);
	if (s->provider && !valid_name(s->provider, "-"))
		fail(&c, "'provider' must be 1-64 characters of a-z, 0-9, '-'");
	s->method = get_string(&c, obj, "method", 0, 0);
	if (!s->method && !c.bad && !(s->method = strdup("GET")))
		fail(&c, "out of memory");
	if (s->method && strcmp(s->method, "GET") && strcmp(s->method, "POST") &&
	    strcmp(s->method, "HEAD"))
		fail(&c, "'method' must be GET, POST or HEAD (checks never change state)");
	s->url = get_string(&c, obj, "url", 1, 1);
	if (s->url && !c.bad)
		check_url(&c, s);
	get_fields(&c, &s->headers, &s->header_count, obj, "headers");
	get_fields(&c, &s->query, &s->query_count, obj, "query");
	get_fields(&c, &s->form, &s->form_count, obj, "form");
	read_basic_auth(&c, s, obj);
	s->body = get_string(&c, obj, "body", 0, 0);
	s->content_type = get_string(&c, obj, "content_type", 0, 0);
	if (!s->body != !s->content_type)
		fail(&c, "'body' and 'content_type' go together");
	read_sigv4(&c, s, obj);
	get_statuses(&c, &s->live, &s->live_count, obj, "live", 1);
	get_statuses(&c, &s->invalid, &s->invalid_count, obj, "invalid", 1);
	s->identity = get_string(&c, obj, "identity", 0, 0);
	check_pointer(&c, "identity", s->identity);
	s->require_true = get_string(&c, obj, "require_true", 0, 0);
	check_pointer(&c, "require_true", s->require_true);
	s->secret_pattern = get_string(&c, obj, "secret_pattern", 0, 0);
	check_pattern(&c, "secret_pattern", s->secret_pattern, 0);
	s->line_pattern = get_string(&c, obj, "line_pattern", 0, 0);
	check_pattern(&c, "line_pattern", s->line_pattern, 1);
	if (!c.bad)
		check_presentation(&c, s);
done:
	cJSON_Delete(obj);
	if (c.bad) {
		lg_verify__spec_free(s);
		return LG_EINVALID;
	}
	*out = s;
	return 0;
}

int lg_verify__check(const char *json, char *err, size_t cap)
{
	lg_verify_spec *s;
	int e = lg_verify__spec_parse(&s, json, err, cap);

	lg_verify__spec_free(s = e ? NULL : s);
	return e;
}

/* ------------------------------------------------------------------------
 * Variables: {secret}, a pair's parts, the patterns' named groups
 * ---------------------------------------------------------------------- */

static int vars_add(lg_verify_vars *v, const char *name, const char *value, size_t len)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0)
			return 0; /* the first source wins: the finding's own */
	if (v->n == sizeof(v->v) / sizeof(v->v[0]))
		return -1;
	v->v[v->n].name = name;
	v->v[v->n].value = value;
	v->v[v->n].len = len;
	v->n++;
	return 0;
}

static int vars_store(lg_verify_vars *v, char *s)
{
	if (!s || v->stored == sizeof(v->storage) / sizeof(v->storage[0])) {
		free(s);
		return -1;
	}
	v->storage[v->stored++] = s;
	return 0;
}

/* Adds each named group of the first match of `re` in [subject, +len)
 * whose `secret` group (when `need_secret`) equals the finding's secret. */
static int vars_from_pattern(lg_verify_vars *v, const char *re, const char *subject,
			     size_t len, const lg_finding *f, int need_secret)
{
	int code, rc, found = 0;
	PCRE2_SIZE off, start = 0;
	pcre2_code *p = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	pcre2_match_data *md = p ? pcre2_match_data_create_from_pattern(p, NULL) : NULL;
	uint32_t count = 0, size = 0, i;
	PCRE2_SPTR table = NULL;

	if (!p || !md)
		goto done;
	pcre2_pattern_info(p, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(p, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(p, PCRE2_INFO_NAMETABLE, &table);
	while (!found && start <= len &&
	       (rc = pcre2_match(p, (PCRE2_SPTR)subject, len, start, 0, md, NULL)) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		int n = pcre2_substring_number_from_name(p, (PCRE2_SPTR) "secret");

		found = !need_secret ||
			(n > 0 && n < rc && ov[2 * n + 1] - ov[2 * n] == f->secret_len &&
			 memcmp(subject + ov[2 * n], f->secret, f->secret_len) == 0);
		for (i = 0; found && i < count; i++) {
			const unsigned char *e = table + (size_t)i * size;
			int g = e[0] << 8 | e[1];
			const char *name = (const char *)e + 2;
			char *nm, *val;

			if (g >= rc || ov[2 * g] == PCRE2_UNSET || strcmp(name, "secret") == 0)
				continue;
			nm = strdup(name);
			val = strndup(subject + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
			if (vars_store(v, nm) || vars_store(v, val) ||
			    vars_add(v, nm, val, strlen(val)))
				found = -1;
		}
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
done:
	pcre2_match_data_free(md);
	pcre2_code_free(p);
	return found;
}

/* The finding's line as it was: the excerpt holds every secret on it
 * redacted (so no writer can leak one), and the line pattern needs them
 * whole. `line_secrets` are the findings on that line, by column: each
 * redacted form, in turn, gets its secret back. */
static int line_with_secrets(lg_buf *out, const lg_finding *f, const lg_finding *const *line_secrets,
			     size_t n)
{
	const char *p = f->line_text;
	size_t i;
	int err = 0;

	if (!p)
		return -1;
	for (i = 0; i < n && !err; i++) {
		char redacted[64];
		size_t rlen = lg_redact(redacted, sizeof(redacted), line_secrets[i]->secret,
					line_secrets[i]->secret_len);
		const char *hit = rlen ? strstr(p, redacted) : NULL;

		if (!hit)
			continue;
		err = lg_buf__add(out, p, (size_t)(hit - p));
		if (!err)
			err = lg_buf__add(out, line_secrets[i]->secret, line_secrets[i]->secret_len);
		p = hit + rlen;
	}
	if (!err)
		err = lg_buf__puts(out, p);
	return err;
}

int lg_verify__vars(lg_verify_vars *out, const lg_verify_spec *s, const lg_finding *f,
		    const lg_finding *const *line_secrets, size_t line_secret_count, char *err,
		    size_t cap)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	vars_add(out, "secret", f->secret, f->secret_len);
	for (i = 0; i < f->part_count; i++)
		if (f->parts[i].name && f->parts[i].secret &&
		    vars_add(out, f->parts[i].name, f->parts[i].secret, f->parts[i].secret_len))
			goto too_many;
	if (s->secret_pattern &&
	    vars_from_pattern(out, s->secret_pattern, f->secret, f->secret_len, f, 0) != 1) {
		snprintf(err, cap, "the secret does not have the shape the check expects");
		lg_verify__vars_release(out);
		return LG_ENOTFOUND;
	}
	if (s->line_pattern) {
		lg_buf line = LG_BUF_INIT;
		int found = line_with_secrets(&line, f, line_secrets, line_secret_count) == 0 &&
			    vars_from_pattern(out, s->line_pattern, line.ptr, line.len, f, 1) == 1;

		if (line.ptr)
			OPENSSL_cleanse(line.ptr, line.len);
		lg_buf__release(&line);
		if (!found) {
			snprintf(err, cap,
				 "the line does not hold what the check needs besides the secret");
			lg_verify__vars_release(out);
			return LG_ENOTFOUND;
		}
	}
	return 0;
too_many:
	snprintf(err, cap, "too many parts");
	lg_verify__vars_release(out);
	return LG_ENOTFOUND;
}

void lg_verify__vars_release(lg_verify_vars *v)
{
	size_t i;

	for (i = 0; i < v->stored; i++)
		free(v->storage[i]);
	memset(v, 0, sizeof(*v));
}

static const lg_verify_var *var_find(const lg_verify_vars *v, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strlen(v->v[i].name) == len && memcmp(v->v[i].name, name, len) == 0)
			return &v->v[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * Templates
 * ---------------------------------------------------------------------- */

int lg_verify__percent_encode(lg_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int err = 0;

	for (i = 0; i < len && !err; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			err = lg_buf__add(b, s + i, 1);
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			err = lg_buf__add(b, e, 3);
		}
	}
	return err;
}

/* PATH keeps ':' (Telegram's bot123:AA... path): after the path's
 * leading '/', a colon cannot reach the authority. */
typedef enum { RAW, PERCENT, PATH, HEADER } encoding;

/* Expands `t` into `b`: literal text as written, each {name} as its value
 * encoded for where it goes. A header value may not hold a control
 * character (CR LF would start a header of the secret's choosing). */
static int expand(lg_buf *b, const char *t, size_t tlen, const lg_verify_vars *v, encoding enc,
		  char *err, size_t cap)
{
	const char *p = t, *end = t + tlen;

	while (p < end) {
		const char *open = memchr(p, '{', (size_t)(end - p)), *close;
		const lg_verify_var *var;
		size_t i;
		int e;

		if (!open)
			return lg_buf__add(b, p, (size_t)(end - p));
		if ((e = lg_buf__add(b, p, (size_t)(open - p))) != 0)
			return e;
		close = memchr(open, '}', (size_t)(end - open));
		if (!close || !(var = var_find(v, open + 1, (size_t)(close - open - 1)))) {
			snprintf(err, cap, "the finding has no '%.*s' for the check",
				 close ? (int)(close - open - 1) : 0, open + 1);
			return LG_EINVALID;
		}
		if (enc == PATH) {
			const char *v = var->value, *vend = v + var->len, *colon;

			for (e = 0; v < vend && !e; v = colon + 1) {
				colon = memchr(v, ':', (size_t)(vend - v));
				colon = colon ? colon : vend;
				e = lg_verify__percent_encode(b, v, (size_t)(colon - v));
				if (!e && colon < vend)
					e = lg_buf__add(b, ":", 1);
			}
		} else if (enc == PERCENT) {
			e = lg_verify__percent_encode(b, var->value, var->len);
		} else if (enc == RAW) {
			e = lg_buf__add(b, var->value, var->len);
		} else {
			for (i = 0; i < var->len; i++)
				if ((unsigned char)var->value[i] < 0x20 || var->value[i] == 0x7f) {
					snprintf(err, cap, "'%s' holds a control character: not sent",
						 var->name);
					return LG_EINVALID;
				}
			e = lg_buf__add(b, var->value, var->len);
		}
		if (e)
			return e;
		p = close + 1;
	}
	return 0;
}

/* Base64 (RFC 4648) through OpenSSL. */
static int base64(lg_buf *b, const char *s, size_t len)
{
	unsigned char *out;
	int n, err;

	if (len > 4096)
		return lg_error_set(LG_ELIMIT, "credential too long");
	/* EVP_EncodeBlock writes 4 * ceil(len / 3) bytes and a NUL. */
	if (!(out = malloc(4 * ((len + 2) / 3) + 1)))
		return lg_error_set(LG_ENOMEM, "out of memory");
	n = EVP_EncodeBlock(out, (const unsigned char *)s, (int)len);
	err = lg_buf__add(b, out, (size_t)n);
	OPENSSL_cleanse(out, (size_t)n);
	free(out);
	return err;
}

static int add_header(lg_verify_request *r, const char *name, const char *value, size_t vlen)
{
	lg_buf h = LG_BUF_INIT;
	char **p = realloc(r->headers, (r->header_count + 1) * sizeof(*p));
	int err;

	if (!p)
		return lg_error_set(LG_ENOMEM, "out of memory");
	r->headers = p;
	if ((err = lg_buf__printf(&h, "%s: ", name)) || (err = lg_buf__add(&h, value, vlen))) {
		lg_buf__release(&h);
		return err;
	}
	r->headers[r->header_count++] = lg_buf__detach(&h);
	return 0;
}

/* key=value&... with both percent-encoded. */
static int expand_fields(lg_buf *b, const lg_verify_field *f, size_t n, const lg_verify_vars *v,
			 char *err, size_t cap)
{
	size_t i;
	int e = 0;

	for (i = 0; i < n && !e; i++) {
		lg_buf val = LG_BUF_INIT;

		if (i)
			e = lg_buf__add(b, "&", 1);
		if (!e)
			e = lg_verify__percent_encode(b, f[i].name, strlen(f[i].name));
		if (!e)
			e = lg_buf__add(b, "=", 1);
		if (!e)
			e = expand(&val, f[i].value, strlen(f[i].value), v, RAW, err, cap);
		if (!e && val.ptr)
			e = lg_verify__percent_encode(b, val.ptr, val.len);
		lg_buf__release(&val);
	}
	return e;
}

/* The host the finished URL names must be `host`: a second opinion, from
 * libcurl's own parser, that no value slipped into the authority. Only a
 * request being built needs it, so loading libcurl here costs a rule load
 * nothing; when it cannot be loaded the request is not sent. */
static int check_host(const char *url, const char *host, int plain_http, char *err, size_t cap)
{
	const lg_curl_api *c;
	CURLU *u;
	char *got = NULL, *scheme = NULL;
	int ok;

	if (lg_verify__curl(&c) != 0) {
		snprintf(err, cap, "%s", lg_error_last());
		return LG_ERROR;
	}
	u = c->url();
	ok = u && c->url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	     c->url_get(u, CURLUPART_HOST, &got, 0) == CURLUE_OK &&
	     c->url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	     strcmp(got, host) == 0 && strcmp(scheme, plain_http ? "http" : "https") == 0;
	c->mem_free(got);
	c->mem_free(scheme);
	c->url_cleanup(u);
	if (!ok) {
		snprintf(err, cap, "the request's URL does not name the rule's host: not sent");
		return LG_EINVALID;
	}
	return 0;
}

static int sign_sigv4(lg_verify_request *r, const lg_verify_spec *s, const lg_verify_vars *v,
		      const char *host_header, const char *amz_date, char *err, size_t cap)
{
	lg_buf ak = LG_BUF_INIT, sk = LG_BUF_INIT, auth = LG_BUF_INIT;
	const char *after = strstr(r->url, "://") + 3;
	const char *path = after + strcspn(after, "/");
	const char *q = strchr(path, '?');
	char *path_only = strndup(path, q ? (size_t)(q - path) : strlen(path));
	lg_sigv4_header h[3];
	size_t n = 0;
	int e;

	if (!path_only)
		return lg_error_set(LG_ENOMEM, "out of memory");
	if (s->content_type)
		h[n++] = (lg_sigv4_header){ "Content-Type", s->content_type };
	h[n++] = (lg_sigv4_header){ "Host", host_header };
	h[n++] = (lg_sigv4_header){ "X-Amz-Date", amz_date };
	e = expand(&ak, s->aws_access_key, strlen(s->aws_access_key), v, HEADER, err, cap);
	if (!e)
		e = expand(&sk, s->aws_secret_key, strlen(s->aws_secret_key), v, HEADER, err, cap);
	if (!e) {
		lg_sigv4_request sr = { r->method, path_only, q ? q + 1 : "", h, n,
					r->body, r->body_len, s->aws_region, s->aws_service,
					ak.ptr, sk.ptr, amz_date };

		e = lg_sigv4__authorization(&auth, &sr);
	}
	if (!e)
		e = add_header(r, "X-Amz-Date", amz_date, strlen(amz_date));
	if (!e)
		e = add_header(r, "Authorization", auth.ptr, auth.len);
	free(path_only);
	lg_buf__release(&ak);
	if (sk.ptr)
		OPENSSL_cleanse(sk.ptr, sk.len);
	lg_buf__release(&sk);
	lg_buf__release(&auth);
	return e;
}

int lg_verify__build(lg_verify_request *out, const lg_verify_spec *s,
		     const lg_verify_vars *v, const char *base, const char *amz_date,
		     char *err, size_t cap)
{
	lg_buf url = LG_BUF_INIT, tmp = LG_BUF_INIT;
	const char *host = s->host;
	char host_header[300];
	char *base_host = NULL;
	size_t i;
	int e;

	memset(out, 0, sizeof(*out));
	out->method = s->method;
	if (base) { /* an override, checked loopback by the caller */
		const char *auth, *end, *colon;

		/* The scheme first: the authority (and the port's colon in it)
		 * starts after "http://" or "https://". */
		out->plain_http = strncmp(base, "http://", 7) == 0;
		auth = base + (out->plain_http ? 7 : 8);
		end = auth + strcspn(auth, "/");
		colon = memchr(auth, ']', (size_t)(end - auth));
		colon = memchr(colon ? colon : auth, ':', (size_t)(end - (colon ? colon : auth)));
		base_host = strndup(auth, (size_t)((colon ? colon : end) - auth));
		snprintf(host_header, sizeof(host_header), "%.*s", (int)(end - auth), auth);
		host = base_host;
		e = base_host ? lg_buf__add(&url, base, (size_t)(end - base)) : LG_ENOMEM;
	} else {
		snprintf(host_header, sizeof(host_header), "%.*s", (int)(s->path_at - 8),
			 s->url + 8);
		e = lg_buf__add(&url, s->url, s->path_at);
	}
	if (!e)
		e = expand(&url, s->url + s->path_at, strlen(s->url + s->path_at), v, PATH, err,
			   cap);
	if (!e && s->query_count) {
		e = lg_buf__add(&url, strchr(s->url, '?') ? "&" : "?", 1);
		if (!e)
			e = expand_fields(&url, s->query, s->query_count, v, err, cap);
	}
	for (i = 0; i < s->header_count && !e; i++) {
		tmp.len = 0;
		e = expand(&tmp, s->headers[i].value, strlen(s->headers[i].value), v, HEADER, err,
			   cap);
		if (!e)
			e = add_header(out, s->headers[i].name, tmp.ptr ? tmp.ptr : "", tmp.len);
	}
	if (!e && s->basic_user) {
		lg_buf cred = LG_BUF_INIT, hv = LG_BUF_INIT;

		e = expand(&cred, s->basic_user, strlen(s->basic_user), v, HEADER, err, cap);
		if (!e)
			e = lg_buf__add(&cred, ":", 1);
		if (!e)
			e = expand(&cred, s->basic_password, strlen(s->basic_password), v, HEADER, err,
				   cap);
		if (!e)
			e = lg_buf__puts(&hv, "Basic ");
		if (!e)
			e = base64(&hv, cred.ptr, cred.len);
		if (!e)
			e = add_header(out, "Authorization", hv.ptr, hv.len);
		if (cred.ptr)
			OPENSSL_cleanse(cred.ptr, cred.len);
		lg_buf__release(&cred);
		lg_buf__release(&hv);
	}
	if (!e && (s->form_count || s->body)) {
		lg_buf body = LG_BUF_INIT;

		e = s->form_count ? expand_fields(&body, s->form, s->form_count, v, err, cap)
				  : lg_buf__puts(&body, s->body);
		out->body_len = body.len;
		out->body = lg_buf__detach(&body);
		if (!e && !out->body)
			e = LG_ENOMEM;
		if (!e)
			e = add_header(out, "Content-Type",
				       s->form_count ? "application/x-www-form-urlencoded"
						     : s->content_type,
				       strlen(s->form_count ? "application/x-www-form-urlencoded"
							    : s->content_type));
		lg_buf__release(&body);
	}
	lg_buf__release(&tmp);
	if (!e)
		out->url = lg_buf__detach(&url);
	lg_buf__release(&url);
	if (!e && !out->url)
		e = LG_ENOMEM;
	if (!e && s->sigv4)
		e = sign_sigv4(out, s, v, host_header, amz_date ? amz_date : "", err, cap);
	if (!e)
		e = check_host(out->url, host, out->plain_http, err, cap);
	if (!e && !(out->host = strdup(host)))
		e = LG_ENOMEM;
	free(base_host);
	if (e) {
		if (e != LG_EINVALID && cap && !err[0])
			snprintf(err, cap, "could not build the request: %s", lg_error_last());
		lg_verify__request_release(out);
		return e == LG_EINVALID ? e : LG_EINVALID;
	}
	return 0;
}

void lg_verify__request_release(lg_verify_request *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->header_count; i++) {
		OPENSSL_cleanse(r->headers[i], strlen(r->headers[i]));
		free(r->headers[i]);
	}
	free(r->headers);
	free(r->url);
	free(r->host);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------------
 * Overrides (tests only) and JSON pointers
 * ---------------------------------------------------------------------- */

/* A loopback host: 127.0.0.0/8, ::1, localhost. */
static int loopback_host(const char *h, size_t n)
{
	unsigned a, b, c, d;
	char buf[64], tail;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, h, n);
	buf[n] = '\0';
	if (strcmp(buf, "localhost") == 0 || strcmp(buf, "[::1]") == 0)
		return 1;
	return sscanf(buf, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 &&
	       b < 256 && c < 256 && d < 256;
}

/* "http://HOST[:PORT]" or "https://..." with a loopback HOST and nothing
 * after the authority. */
static int valid_base(const char *base, size_t len)
{
	size_t skip = len > 7 && strncmp(base, "http://", 7) == 0    ? 7
		      : len > 8 && strncmp(base, "https://", 8) == 0 ? 8
								     : 0;
	const char *auth = base + skip, *end = base + len, *port;

	if (!skip || memchr(auth, '/', (size_t)(end - auth)) || memchr(auth, '@', (size_t)(end - auth)))
		return 0;
	port = auth[0] == '[' ? memchr(auth, ']', (size_t)(end - auth)) : auth;
	if (!port)
		return 0;
	port = memchr(port, ':', (size_t)(end - port));
	if (port) {
		const char *p;

		if (port + 1 == end || end - port > 6)
			return 0;
		for (p = port + 1; p < end; p++)
			if (*p < '0' || *p > '9')
				return 0;
	}
	return loopback_host(auth, (size_t)((port ? port : end) - auth));
}

int lg_verify__overrides_each(const char *list,
			      int (*fn)(const char *provider, size_t plen, const char *base,
					size_t blen, void *payload),
			      void *payload)
{
	const char *p = list;

	while (p && *p) {
		size_t len = strcspn(p, ","), plen;
		const char *eq = memchr(p, '=', len);
		char name[72];
		int e;

		plen = eq ? (size_t)(eq - p) : 0;
		if (plen && plen < sizeof(name)) {
			memcpy(name, p, plen);
			name[plen] = '\0';
		}
		if (!eq || !plen || plen >= sizeof(name) || !valid_name(name, "-"))
			return lg_error_set(LG_EINVALID,
					    "LEAKGATE_VERIFY_OVERRIDE: '%.*s' is not PROVIDER=URL",
					    (int)(len > 80 ? 80 : len), p);
		if (!valid_base(eq + 1, len - plen - 1))
			return lg_error_set(LG_EINVALID,
					    "LEAKGATE_VERIFY_OVERRIDE: '%.*s' is refused: only "
					    "http(s)://LOOPBACK[:PORT] (127.0.0.0/8, [::1], "
					    "localhost), for tests",
					    (int)(len > 80 ? 80 : len), p);
		if (fn && (e = fn(p, plen, eq + 1, len - plen - 1, payload)) != 0)
			return e;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int lg_verify_overrides_check(const char *overrides)
{
	return lg_verify__overrides_each(overrides, NULL, NULL);
}

static const cJSON *pointer_get(const cJSON *root, const char *ptr)
{
	const cJSON *cur = root;
	char tok[256];

	while (cur && *ptr == '/') {
		size_t n = 0;

		ptr++;
		while (*ptr && *ptr != '/' && n < sizeof(tok) - 1) {
			if (ptr[0] == '~' && (ptr[1] == '0' || ptr[1] == '1')) {
				tok[n++] = ptr[1] == '0' ? '~' : '/';
				ptr += 2;
			} else {
				tok[n++] = *ptr++;
			}
		}
		tok[n] = '\0';
		if (cJSON_IsArray(cur)) {
			char *end;
			long i = strtol(tok, &end, 10);

			cur = n && !*end && i >= 0 ? cJSON_GetArrayItem(cur, (int)i) : NULL;
		} else {
			cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, tok) : NULL;
		}
	}
	return *ptr ? NULL : cur;
}

char *lg_verify__json_pointer(const char *body, size_t len, const char *ptr)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *v = root ? pointer_get(root, ptr) : NULL;
	char *s = NULL, num[64];

	if (cJSON_IsString(v) && v->valuestring) {
		s = strdup(v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%.17g", v->valuedouble);
		s = strdup(num);
	} else if (cJSON_IsBool(v)) {
		s = strdup(cJSON_IsTrue(v) ? "true" : "false");
	}
	cJSON_Delete(root);
	return s;
}

int lg_verify__json_true(const char *body, size_t len, const char *ptr)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	int t = root && cJSON_IsTrue(pointer_get(root, ptr));

	cJSON_Delete(root);
	return t;
}
