/*
 * verify/sigv4.c - AWS Signature Version 4, for STS GetCallerIdentity.
 *
 * AWS accepts no credential check without a signed request, so this is the
 * one purpose-written signer verification has. It builds the canonical
 * request, the string to sign and the Authorization header exactly as
 * AWS's "Signature Version 4 test suite" describes them (tests/unit/
 * test_verify.c replays vectors from it). The hashing and HMAC come from
 * OpenSSL's libcrypto (already linked through libcurl): cryptographic
 * primitives are not written here.
 */
#include "verify.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADERS 16
#define MAX_PARAMS 32

static void hex(char *out, const unsigned char *d, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void lg_sigv4__sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[32];

	if (lg__sha256(md, data, len) != 0) {
		memset(out, '0', 64);
		out[64] = '\0';
		return;
	}
	hex(out, md, 32);
}

/* ------------------------------------------------------------------------
 * The canonical request
 * ---------------------------------------------------------------------- */

typedef struct {
	char name[64];     /* lowercase */
	const char *value;
} header_ref;

static int header_cmp(const void *a, const void *b)
{
	return strcmp(((const header_ref *)a)->name, ((const header_ref *)b)->name);
}

/* Appends `v` trimmed, with each run of spaces made one (the suite's
 * get-header-value-trim). */
static int add_trimmed(lg_buf *b, const char *v)
{
	int err = 0, space = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v && !err; v++) {
		if (*v == ' ' || *v == '\t') {
			space = 1;
			continue;
		}
		if (space)
			err = lg_buf__add(b, " ", 1);
		space = 0;
		if (!err)
			err = lg_buf__add(b, v, 1);
	}
	return err;
}

/* Sorted, lowercased headers; a name given twice keeps both values,
 * joined by commas in the order given. Writes the canonical headers block
 * and the signed-headers list. */
static int canonical_headers(lg_buf *block, lg_buf *names, const lg_sigv4_request *r)
{
	header_ref h[MAX_HEADERS];
	size_t i, j, n = r->header_count;
	int err = 0;

	if (n > MAX_HEADERS)
		return lg_error_set(LG_ELIMIT, "too many headers to sign");
	for (i = 0; i < n; i++) {
		size_t len = strlen(r->headers[i].name);

		if (len >= sizeof(h[i].name))
			return lg_error_set(LG_ELIMIT, "header name too long to sign");
		for (j = 0; j <= len; j++) {
			char c = r->headers[i].name[j];

			h[i].name[j] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		h[i].value = r->headers[i].value;
	}
	/* A stable order for equal names: insertion sort keeps them as given. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && header_cmp(&h[j - 1], &h[j]) > 0; j--) {
			header_ref t = h[j];

			h[j] = h[j - 1];
			h[j - 1] = t;
		}
	for (i = 0; i < n && !err; i++) {
		int same = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;

		if (same) {
			err = lg_buf__add(block, ",", 1);
		} else {
			if (i)
				err = lg_buf__add(block, "\n", 1);
			if (!err)
				err = lg_buf__printf(block, "%s:", h[i].name);
			if (!err)
				err = lg_buf__printf(names, "%s%s", i ? ";" : "", h[i].name);
		}
		if (!err)
			err = add_trimmed(block, h[i].value);
	}
	if (!err && n)
		err = lg_buf__add(block, "\n", 1);
	return err;
}

typedef struct {
	const char *s;
	size_t len;       /* of "key=value" */
	size_t key_len;
} param;

static int param_cmp(const void *a, const void *b)
{
	const param *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->s, y->s, n);

	if (c || x->key_len != y->key_len)
		return c ? c : (x->key_len < y->key_len ? -1 : 1);
	/* Same key: by value. */
	n = x->len - x->key_len < y->len - y->key_len ? x->len - x->key_len : y->len - y->key_len;
	c = memcmp(x->s + x->key_len, y->s + y->key_len, n);
	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* The query's parameters sorted by key, then value; "k" becomes "k=". The
 * values are taken as sent (already encoded). */
static int canonical_query(lg_buf *b, const char *q)
{
	param p[MAX_PARAMS];
	size_t n = 0, i;
	int err = 0;

	while (*q) {
		size_t len = strcspn(q, "&");

		if (len) {
			const char *eq = memchr(q, '=', len);

			if (n == MAX_PARAMS)
				return lg_error_set(LG_ELIMIT, "too many query parameters to sign");
			p[n].s = q;
			p[n].len = len;
			p[n].key_len = eq ? (size_t)(eq - q) : len;
			n++;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	qsort(p, n, sizeof(*p), param_cmp);
	for (i = 0; i < n && !err; i++) {
		if (i)
			err = lg_buf__add(b, "&", 1);
		if (!err)
			err = lg_buf__add(b, p[i].s, p[i].len);
		if (!err && p[i].key_len == p[i].len)
			err = lg_buf__add(b, "=", 1);
	}
	return err;
}

static int signed_names(lg_buf *names, const lg_sigv4_request *r)
{
	lg_buf block = LG_BUF_INIT;
	int err = canonical_headers(&block, names, r);

	lg_buf__release(&block);
	return err;
}

int lg_sigv4__canonical_request(lg_buf *out, const lg_sigv4_request *r)
{
	lg_buf names = LG_BUF_INIT;
	char payload[65];
	int err;

	lg_sigv4__sha256_hex(payload, r->body ? r->body : "", r->body ? r->body_len : 0);
	err = lg_buf__printf(out, "%s\n%s\n", r->method, r->path[0] ? r->path : "/");
	if (!err)
		err = canonical_query(out, r->query ? r->query : "");
	if (!err)
		err = lg_buf__add(out, "\n", 1);
	if (!err)
		err = canonical_headers(out, &names, r);
	if (!err)
		err = lg_buf__printf(out, "\n%s\n%s", names.ptr ? names.ptr : "", payload);
	lg_buf__release(&names);
	return err;
}

/* ------------------------------------------------------------------------
 * Signing
 * ---------------------------------------------------------------------- */

/* "20150830/us-east-1/service/aws4_request" */
static int scope(lg_buf *b, const lg_sigv4_request *r)
{
	if (strlen(r->amz_date) != 16 || r->amz_date[8] != 'T')
		return lg_error_set(LG_EINVALID, "x-amz-date must look like 20150830T123600Z");
	return lg_buf__printf(b, "%.8s/%s/%s/aws4_request", r->amz_date, r->region, r->service);
}

int lg_sigv4__string_to_sign(lg_buf *out, const lg_sigv4_request *r)
{
	lg_buf creq = LG_BUF_INIT;
	char digest[65];
	int err = lg_sigv4__canonical_request(&creq, r);

	if (!err) {
		lg_sigv4__sha256_hex(digest, creq.ptr, creq.len);
		err = lg_buf__printf(out, "AWS4-HMAC-SHA256\n%s\n", r->amz_date);
	}
	if (!err)
		err = scope(out, r);
	if (!err)
		err = lg_buf__printf(out, "\n%s", digest);
	lg_buf__release(&creq);
	return err;
}

static int hmac(unsigned char out[32], const void *key, size_t klen, const char *msg, size_t mlen)
{
	unsigned int n = 0;

	if (!HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, mlen, out, &n) ||
	    n != 32)
		return lg_error_set(LG_ERROR, "HMAC-SHA256 failed");
	return 0;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"), then the signature is HMAC(kSigning, string to sign). */
static int signature(char out[65], const lg_sigv4_request *r, const lg_buf *sts)
{
	lg_buf k = LG_BUF_INIT;
	unsigned char a[32], b[32];
	int err = lg_buf__printf(&k, "AWS4%s", r->secret_key);

	if (!err)
		err = hmac(a, k.ptr, k.len, r->amz_date, 8);
	if (!err)
		err = hmac(b, a, 32, r->region, strlen(r->region));
	if (!err)
		err = hmac(a, b, 32, r->service, strlen(r->service));
	if (!err)
		err = hmac(b, a, 32, "aws4_request", 12);
	if (!err)
		err = hmac(a, b, 32, sts->ptr, sts->len);
	if (!err)
		hex(out, a, 32);
	if (k.ptr)
		OPENSSL_cleanse(k.ptr, k.len);
	lg_buf__release(&k);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return err;
}

int lg_sigv4__authorization(lg_buf *out, const lg_sigv4_request *r)
{
	lg_buf sts = LG_BUF_INIT, names = LG_BUF_INIT;
	char sig[65];
	int err = lg_sigv4__string_to_sign(&sts, r);

	if (!err)
		err = signed_names(&names, r);
	if (!err)
		err = signature(sig, r, &sts);
	if (!err)
		err = lg_buf__printf(out, "AWS4-HMAC-SHA256 Credential=%s/", r->access_key);
	if (!err)
		err = scope(out, r);
	if (!err)
		err = lg_buf__printf(out, ", SignedHeaders=%s, Signature=%s",
				     names.ptr ? names.ptr : "", sig);
	lg_buf__release(&sts);
	lg_buf__release(&names);
	return err;
}
