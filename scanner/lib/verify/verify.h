/*
 * verify/verify.h - what the live-verification files share; not public API.
 *
 * spec.c reads a rule's `verify` object into an lg_verify_spec and turns a
 * spec plus a finding's values into an lg_verify_request (the only place a
 * secret's bytes meet a URL); sigv4.c signs AWS requests; verify.c runs the
 * requests with libcurl within the bounds, and keeps the result cache;
 * curl_api.c loads libcurl when the first request needs it (its table is
 * in curl_api.h, which only the files calling libcurl include).
 */
#ifndef LG_VERIFY_H
#define LG_VERIFY_H

#include "util/util.h"

/* Validates a rule's `verify` object, given as JSON text (rules.c calls it
 * at load); LG_EINVALID with a one-line reason in `err`. */
int lg_verify__check(const char *json, char *err, size_t cap);

/* A name and a template (headers, query and form fields). */
typedef struct {
	char *name;
	char *value;
} lg_verify_field;

typedef struct {
	char *provider;       /* [a-z0-9-]+; the name overrides use */
	char *method;         /* GET, POST or HEAD */
	char *url;            /* template: https://HOST[:PORT]/path... */
	char *host;           /* HOST, fixed by the rule */
	size_t path_at;       /* offset of the path ('/') in url */
	lg_verify_field *headers;
	size_t header_count;
	lg_verify_field *query;
	size_t query_count;
	lg_verify_field *form;
	size_t form_count;
	char *basic_user;     /* basic auth templates, or NULL */
	char *basic_password;
	char *body;           /* a literal body (no placeholders), or NULL */
	char *content_type;   /* with `body` */
	int sigv4;            /* sign with AWS Signature Version 4 */
	char *aws_region, *aws_service, *aws_access_key, *aws_secret_key;
	int *live;
	size_t live_count;
	int *invalid;
	size_t invalid_count;
	char *identity;       /* JSON pointer into the answer, or NULL */
	char *require_true;   /* JSON pointer that must be true when live */
	char *secret_pattern; /* named groups taken from the secret */
	char *line_pattern;   /* named groups taken from the line; group
				 `secret` must equal the secret */
} lg_verify_spec;

/* Parses and validates `json` (a rule's `verify` object). On a problem,
 * LG_EINVALID and a one-line reason in `err` ("url must start with
 * https://"). */
int lg_verify__spec_parse(lg_verify_spec **out, const char *json, char *err, size_t cap);
void lg_verify__spec_free(lg_verify_spec *s);

/* A named value a template can use: {secret}, a pair's part, a group. */
typedef struct {
	const char *name;
	const char *value;
	size_t len;
} lg_verify_var;

/* One request, ready for libcurl. The URL's scheme and authority are the
 * spec's (or the override's) and nothing a value holds can change them. */
typedef struct {
	const char *method;
	char *url;
	char *host;           /* the host the URL names (checked) */
	char **headers;       /* "Name: value" */
	size_t header_count;
	char *body;
	size_t body_len;
	int plain_http;       /* an override to a loopback server */
} lg_verify_request;

/* The variables of a finding: {secret}, its parts, and the named groups of
 * the spec's patterns. A line pattern reads the finding's line with the
 * secrets of `line_secrets` (the findings on that line, `f` among them, by
 * column) put back in place of their redacted forms. LG_ENOTFOUND with the reason in `err` when the
 * finding lacks what the check needs. Values point into the finding and
 * into `storage` (freed with lg_verify__vars_release). */
typedef struct {
	lg_verify_var v[32];
	size_t n;
	char *storage[32];
	size_t stored;
} lg_verify_vars;
int lg_verify__vars(lg_verify_vars *out, const lg_verify_spec *s, const lg_finding *f,
		    const lg_finding *const *line_secrets, size_t line_secret_count, char *err,
		    size_t cap);
void lg_verify__vars_release(lg_verify_vars *v);

/* Builds the request for `s` with `vars`. `base`, when not NULL, is an
 * override's "http://127.0.0.1:PORT" that replaces the scheme and authority
 * (the path, query, headers and authentication stay the same). `amz_date`
 * ("20150830T123600Z") stamps a SigV4 request. LG_EINVALID with the reason
 * in `err` when a value cannot be sent (a control character in a header, a
 * missing variable), or libcurl, whose URL parser checks the host, cannot
 * be loaded. */
int lg_verify__build(lg_verify_request *out, const lg_verify_spec *s,
		     const lg_verify_vars *vars, const char *base, const char *amz_date,
		     char *err, size_t cap);
void lg_verify__request_release(lg_verify_request *r);

/* Percent-encodes every byte but A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved). */
int lg_verify__percent_encode(lg_buf *b, const char *s, size_t len);

/* Parses an override list; for each entry, `fn` gets the provider and the
 * base URL. LG_EINVALID with a message naming a bad entry. */
int lg_verify__overrides_each(const char *list,
			      int (*fn)(const char *provider, size_t plen, const char *base,
					size_t blen, void *payload),
			      void *payload);

/* The value at RFC 6901 pointer `ptr` in JSON text `body`, as a string
 * (numbers and booleans printed); NULL when absent or not a scalar. */
char *lg_verify__json_pointer(const char *body, size_t len, const char *ptr);
/* 1 when the pointer names the JSON value true. */
int lg_verify__json_true(const char *body, size_t len, const char *ptr);

/* ------------------------------------------------------------------------
 * sigv4.c: AWS Signature Version 4
 * ---------------------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *value;
} lg_sigv4_header;

typedef struct {
	const char *method;
	const char *path;          /* already URI-encoded, as sent */
	const char *query;         /* as sent, "" for none */
	const lg_sigv4_header *headers; /* must hold host and x-amz-date */
	size_t header_count;
	const void *body;
	size_t body_len;
	const char *region;
	const char *service;
	const char *access_key;
	const char *secret_key;
	const char *amz_date;      /* 20150830T123600Z */
} lg_sigv4_request;

int lg_sigv4__canonical_request(lg_buf *out, const lg_sigv4_request *r);
int lg_sigv4__string_to_sign(lg_buf *out, const lg_sigv4_request *r);
/* The Authorization header's value. */
int lg_sigv4__authorization(lg_buf *out, const lg_sigv4_request *r);
/* Lowercase hex SHA-256 of data (65 bytes with the NUL). */
void lg_sigv4__sha256_hex(char out[65], const void *data, size_t len);

#endif
