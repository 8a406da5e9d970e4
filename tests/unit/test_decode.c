/*
 * test_decode.c - candidate encoded spans and their decoding (match/decode.c),
 * and secrets the matcher finds in decoded text.
 */
#include "match/match.h"
#include "rules/rules.h"
#include "test.h"

/* The decoding of the only span of `kind` found in `text`, or "" when
 * there is none (or it does not decode to text). */
static const char *decode_one(const char *text, lg_decode_kind kind, size_t len)
{
	static char out[1024];
	lg_encoded_span spans[16];
	size_t n = lg_decode__find(spans, 16, text, len), i, got = 0, d = 0;

	for (i = 0; i < n; i++) {
		if (spans[i].kind != kind)
			continue;
		got++;
		if (spans[i].end - spans[i].start < sizeof(out))
			d = lg_decode__span(out, text, &spans[i]);
	}
	out[got == 1 ? d : 0] = '\0';
	return out;
}

TEST(test_decode__base64_runs)
{
	/* "user: AKIA... in a k8s value" */
	const char *k8s = "data:\n  key: QUtJQU1PRVhQVkU3REo3UExCWko=\n";

	CHECK_EQ_STR(decode_one(k8s, LG_DECODE_BASE64, strlen(k8s)), "AKIAMOEXPVE7DJ7PLBZJ");
	/* URL-safe alphabet, padded; without its padding the run is not whole
	 * 4-character groups, as an identifier's run mostly is not */
	CHECK_EQ_STR(decode_one("t=aGVsbG8_d29ybGQ-aGVsbG8gd29ybGQ=", LG_DECODE_BASE64, 34),
		     "hello?world>hello world");
	CHECK_EQ_STR(decode_one("t=aGVsbG8_d29ybGQ-aGVsbG8gd29ybGQ", LG_DECODE_BASE64, 33), "");
	/* a hex digest and a long identifier are not candidates */
	CHECK_EQ_STR(decode_one("sha=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", LG_DECODE_BASE64, 44), "");
	CHECK_EQ_STR(decode_one("the_very_long_identifier_name_here", LG_DECODE_BASE64, 34), "");
	/* random bytes encoded: not text, not scanned */
	CHECK_EQ_STR(decode_one("k=8J+YgPCfmIHwn5iC8J+Yg/Cfm", LG_DECODE_BASE64, 27), "");
}

TEST(test_decode__percent_escape_utf16)
{
	const char *pct = "url=https%3A%2F%2Fbob%3Ah7k2m9%40intranet.test%2F end";
	const char *esc = "{\"k\": \"-----BEGIN KEY-----\\nQUJD\\n-----END KEY-----\\n\"}";
	const char u16[] = "x\0=\0s\0e\0c\0r\0e\0t\0-\0v\0a\0l\0u\0e\0!\0";

	CHECK_EQ_STR(decode_one(pct, LG_DECODE_PERCENT, strlen(pct)),
		     "url=https://bob:h7k2m9@intranet.test/");
	CHECK_EQ_STR(decode_one(esc, LG_DECODE_ESCAPE, strlen(esc)),
		     "{\"k\": \"-----BEGIN KEY-----\nQUJD\n-----END KEY-----\n\"}");
	CHECK_EQ_STR(decode_one(u16, LG_DECODE_UTF16, sizeof(u16) - 1), "x=secret-value!");
	/* fewer than three %XX, one escape: not candidates */
	CHECK_EQ_STR(decode_one("a%20b%20c", LG_DECODE_PERCENT, 9), "");
	CHECK_EQ_STR(decode_one("say \"hi\\n\"", LG_DECODE_ESCAPE, 10), "");
}

/* Whatever the bytes, spans lie inside the buffer, do not exceed the cap,
 * and decoding never writes past the span's length. */
TEST(test_decode__spans_stay_in_bounds)
{
	char buf[4096], out[4096];
	lg_encoded_span spans[64];
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	static const char alphabet[] = "AZaz09+/=%2F\\n\"\0\n x";
	size_t round, i, n;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof(buf); i++) {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			buf[i] = alphabet[state % (sizeof(alphabet) - 1)];
		}
		n = lg_decode__find(spans, 64, buf, sizeof(buf));
		CHECK(n <= 64);
		for (i = 0; i < n; i++) {
			CHECK(spans[i].start < spans[i].end && spans[i].end <= sizeof(buf));
			CHECK(lg_decode__span(out, buf, &spans[i]) <= spans[i].end - spans[i].start);
		}
	}
}

/* What the matcher reported, in order. */
typedef struct {
	lg_match m[8];
	char secret[8][64];
	size_t n;
} reported;

static int collect(const lg_match *m, void *payload)
{
	reported *r = payload;
	const char *secret = m->decoded ? m->decoded_secret : NULL;
	size_t len = m->decoded ? m->decoded_secret_len : 0;

	if (r->n < 8) {
		r->m[r->n] = *m;
		snprintf(r->secret[r->n], sizeof(r->secret[0]), "%.*s", (int)len, secret ? secret : "");
	}
	r->n++;
	return 0;
}

/* One rule, "tok", whose secret is tok_ and 12 letters or digits. */
static const char TOK_RULE[] =
	"[{\"id\": \"tok\", \"name\": \"t\", \"description\": \"d\", \"severity\": \"high\","
	" \"regex\": \"(tok_[a-z0-9]{12})\", \"secret_group\": 1,"
	" \"examples\": [\"x\"], \"negative_examples\": []}]";

/* Scans `buf` with TOK_RULE and options `opts` (NULL: the defaults) into
 * *r (cleared first) and *result; the scan's return code, or -1 when the
 * rule, the matcher or the scratch could not be made. */
static int scan_tok(reported *r, lg_scan_result *result, const lg_matcher_options *opts,
		    const char *buf)
{
	lg_ruleset *rs = NULL;
	lg_matcher *m = NULL;
	lg_scratch *s = NULL;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (lg_ruleset_load_buffer(&rs, "t.json", TOK_RULE, strlen(TOK_RULE), NULL, NULL) == 0 &&
	    lg_matcher_new(&m, rs, opts) == 0 && lg_scratch_new(&s, m) == 0)
		rc = lg_matcher_scan(m, s, buf, strlen(buf), collect, r, result);
	lg_scratch_free(s);
	lg_matcher_free(m);
	lg_ruleset_free(rs);
	return rc;
}

/* The matcher: a secret inside base64 is reported at the encoded span,
 * marked, with the decoded secret; a chain names both steps; a secret
 * also found as written is reported once, as written; a leakgate:allow
 * line is not decoded into findings either. */
TEST(test_decode__matcher_reports_decoded_secrets)
{
	/* line 2: base64("id=tok_a1b2c3d4e5f6"); line 3: base64 of the
	 * percent-encoded "id=tok_z9y8x7w6v5u4"; line 4: one token as written
	 * and base64'd; line 5: allowed */
	const char *buf = "first line\n"
			  "v: aWQ9dG9rX2ExYjJjM2Q0ZTVmNg==\n"
			  "w:  aWQlM0QlNzQlNkYlNkIlNUZ6OXk4eDd3NnY1dTQ=\n"
			  "tok_q1w2e3r4t5y6 dG9rX3ExdzJlM3I0dDV5Ng==\n"
			  "v: aWQ9dG9rX2ExYjJjM2Q0ZTVmNg== leakgate:allow\n";
	reported r;
	lg_scan_result result;
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;

	CHECK_EQ_INT(scan_tok(&r, &result, NULL, buf), 0); /* decoding is the default */
	CHECK_EQ_INT(r.n, 3);
	CHECK_EQ_INT(result.matches, 3);
	if (r.n == 3) {
		CHECK_EQ_STR(r.m[0].decoded, "base64");
		CHECK_EQ_STR(r.secret[0], "tok_a1b2c3d4e5f6");
		CHECK_EQ_INT(r.m[0].line, 2);
		CHECK_EQ_INT(r.m[0].column, 8); /* the group where the secret starts */
		CHECK_EQ_INT(r.m[0].end_column, 32);
		CHECK_EQ_STR(r.m[1].decoded, "base64+percent");
		CHECK_EQ_STR(r.secret[1], "tok_z9y8x7w6v5u4");
		CHECK_EQ_INT(r.m[1].line, 3);
		CHECK_EQ_INT(r.m[1].column, 9);
		CHECK(r.m[2].decoded == NULL);
		CHECK_EQ_INT(r.m[2].line, 4);
		CHECK_EQ_INT(r.m[2].column, 1);
	}
	/* with no_decode, nothing is decoded: only the token as written */
	opts.no_decode = 1;
	CHECK_EQ_INT(scan_tok(&r, &result, &opts, buf), 0);
	CHECK_EQ_INT(r.n, 1);
}

/* A candidate in decoded text that the confirm stage cannot decide (here
 * PCRE2's match limit of 1) is reported unconfirmed at its encoded span,
 * as one in text as written is, never dropped. */
TEST(test_decode__undecided_in_decoded_text_is_reported)
{
	/* line 2: base64("id=tok_a1b2c3d4e5f6") */
	const char *buf = "first line\nv: aWQ9dG9rX2ExYjJjM2Q0ZTVmNg==\n";
	reported r;
	lg_scan_result result;
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;

	opts.pcre2_match_limit = 1;
	opts.no_jit = 1; /* the interpreter counts every backtracking point */
	CHECK_EQ_INT(scan_tok(&r, &result, &opts, buf), 0);
	CHECK_EQ_INT(r.n, 1);
	if (r.n == 1) {
		CHECK(r.m[0].unconfirmed != NULL &&
		      strstr(r.m[0].unconfirmed, "match limit") != NULL);
		CHECK_EQ_STR(r.m[0].decoded, "base64");
		CHECK_EQ_INT(r.m[0].line, 2);
		CHECK(r.m[0].column >= 4); /* within the encoded text, not before it */
	}
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_decode__base64_runs),
	TEST_ENTRY(test_decode__percent_escape_utf16),
	TEST_ENTRY(test_decode__spans_stay_in_bounds),
	TEST_ENTRY(test_decode__matcher_reports_decoded_secrets),
	TEST_ENTRY(test_decode__undecided_in_decoded_text_is_reported),
};

TEST_MAIN(tests)
