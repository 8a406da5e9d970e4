/*
 * test_html.c - the HTML report (report/html.c), the JSON report reader
 * (report/read_json.c) and the SHA-256 behind the page's
 * Content-Security-Policy (util/sha256.c).
 */
#include "util/util.h"
#include "test.h"

#include <cjson/cJSON.h>
#include <unistd.h>

static const lg_rule rule_key = {
	.id = "example-key", .name = "Example key", .severity = LG_SEVERITY_HIGH,
	.confidence = LG_CONFIDENCE_HIGH, .remediation = "Rotate it & <check> the logs.",
};

/* A secret assembled at run time, so this file holds none. */
static char secret[64];

static void make_secret(void)
{
	snprintf(secret, sizeof(secret), "%s%s%s", "exk_", "Q7vR2mT9wX4z", "L8nP3sK6dF1h");
}

#define COMMIT "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"

/* A report of one finding with the given path and author, whose line
 * holds the secret. */
static void one_finding(lg_report *r, const char *path, const char *author)
{
	lg_finding *f;
	char line[160];

	memset(r, 0, sizeof(*r));
	make_secret();
	r->findings = calloc(1, sizeof(*f));
	r->count = 1;
	f = &r->findings[0];
	f->rule = &rule_key;
	f->secret = lg__strdup(secret);
	f->secret_len = strlen(secret);
	f->path = lg__strdup(path);
	snprintf(line, sizeof(line), "key = \"%s\" # %s", secret, path);
	f->line_text = lg__strdup(line);
	f->line = 7;
	f->column = 8;
	f->end_column = 8 + f->secret_len;
	memcpy(f->commit, COMMIT, 41);
	memcpy(f->blob, COMMIT, 41);
	f->author_name = lg__strdup(author);
	f->author_email = lg__strdup("a@example.org");
	f->author_time = 1700000000;
	f->author_offset = -300;
	f->repository = "/srv/git/app.git";
	lg_fingerprint(f->fingerprint, rule_key.id, secret, f->secret_len);
	r->summary.findings = 1;
	r->summary.refs = 2;
	r->summary.commits = 3;
	r->summary.blobs_scanned = 4;
	r->summary.bytes_scanned = 1234;
	r->started = 1700000100;
	snprintf(r->rules_hash, sizeof(r->rules_hash), "%s", "0123456789abcdef0123456789abcdef01234567");
	lg_report_add_repository(r, "/srv/git/app.git", &r->summary, NULL);
	lg_report_add_repository(r, "/srv/git/broken.git", NULL, "cannot open 'x': <gone>");
}

/* Renders `r` in `format` into a malloc'd string. */
/* Not inlined: gcc 12 then takes the returned buffer for the local
 * variable open_memstream wrote its address to (-Wdangling-pointer). */
__attribute__((noinline)) static char *render(const lg_report *r, lg_format format,
					      int show_secrets, size_t *len)
{
	lg_report_options o = LG_REPORT_OPTIONS_INIT;
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	o.format = format;
	o.show_secrets = show_secrets;
	CHECK(lg_report_write(m, r, &o) == 0);
	fclose(m);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* ------------------------------------------------------------------------
 * SHA-256 and base64
 * ---------------------------------------------------------------------- */

static void sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char d[32];
	size_t i;

	if (lg__sha256(d, data, len) != 0)
		memset(d, 0, sizeof(d));
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

TEST(test_html__sha256_known_answers)
{
	char hex[65], *million = malloc(1000000);

	sha256_hex(hex, "", 0);
	CHECK_EQ_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex(hex, "abc", 3);
	CHECK_EQ_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the padding needs a second block. */
	sha256_hex(hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56);
	CHECK_EQ_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', 1000000);
	sha256_hex(hex, million, 1000000);
	CHECK_EQ_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

TEST(test_html__base64_known_answers)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	size_t i;

	for (i = 0; i < 7; i++) {
		lg_buf b = LG_BUF_INIT;

		CHECK(lg__base64(&b, (const unsigned char *)in[i], strlen(in[i])) == 0);
		CHECK_EQ_STR(b.ptr ? b.ptr : "", out[i]);
		lg_buf__release(&b);
	}
}

/* ------------------------------------------------------------------------
 * The page
 * ---------------------------------------------------------------------- */

/* The text between the first `open` and the `close` after it, malloc'd. */
static char *element_text(const char *page, const char *open, const char *close)
{
	const char *at = strstr(page, open), *end;
	size_t from;

	if (!at)
		return NULL;
	from = (size_t)(at - page) + strlen(open);
	end = strstr(page + from, close);
	return end ? lg__strndup(page + from, (size_t)(end - page) - from) : NULL;
}

/* The base64 SHA-256 a CSP names for `text`. */
static char *csp_source(const char *text)
{
	unsigned char d[32];
	lg_buf b = LG_BUF_INIT;

	if (lg__sha256(d, text, strlen(text)) != 0)
		memset(d, 0, sizeof(d));
	lg_buf__puts(&b, "'sha256-");
	lg__base64(&b, d, 32);
	lg_buf__puts(&b, "'");
	return lg_buf__detach(&b);
}

TEST(test_html__data_block_is_inert_and_round_trips)
{
	static const char path[] = "</script><script>alert(1)</script><!--\xE2\x80\xA8\xF0\x9F\x94\x91.env";
	static const char author[] = "<img src=x onerror=alert(2)> & \xE2\x80\xA9";
	lg_report r;
	size_t len;
	char *page, *data, *script, *style, *src;
	cJSON *doc, *f;
	const char *p;

	one_finding(&r, path, author);
	page = render(&r, LG_FORMAT_HTML, 0, &len);
	CHECK_EQ_INT(strlen(page), len);
	/* The data block and the program: nothing else is a script. */
	CHECK_EQ_INT(count(page, "<script"), 2);
	CHECK_EQ_INT(count(page, "</script"), 2);
	data = element_text(page, "<script type=\"application/json\" id=\"report-data\">",
			    "</script>");
	CHECK(data != NULL);
	/* Pure ASCII, and nothing the HTML parser could take for markup. */
	for (p = data; p && *p; p++)
		CHECK(*p != '<' && *p != '>' && *p != '&' && (unsigned char)*p < 0x80);
	doc = data ? cJSON_Parse(data) : NULL;
	CHECK(doc != NULL);
	/* The columns: each string, through its escapes, is the one written. */
	f = cJSON_GetObjectItem(doc, "findings");
	CHECK_EQ_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(f, "count")), 1);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "path"), 0)),
		     path);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "strings"),
		     (int)cJSON_GetNumberValue(cJSON_GetArrayItem(
			     cJSON_GetObjectItem(f, "author_name"), 0)))), author);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
		     cJSON_GetObjectItem(doc, "rules"), 0), "remediation")), rule_key.remediation);
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "repositories")), 2);
	CHECK_EQ_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "summary"),
								"refs")), 2);
	/* The secret shows nowhere in full: not in the data, not in the excerpt. */
	CHECK(!strstr(page, secret));
	CHECK(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "excerpt"), 0)) != NULL);
	/* The policy names exactly the script and the stylesheet it holds. */
	script = element_text(page, "</script>\n<script>", "</script>");
	style = element_text(page, "<style>", "</style>");
	CHECK(script && style);
	CHECK(strstr(page, "default-src 'none'") != NULL);
	src = csp_source(script ? script : "");
	CHECK(strstr(page, src) != NULL);
	free(src);
	src = csp_source(style ? style : "");
	CHECK(strstr(page, src) != NULL);
	free(src);
	CHECK(!strstr(page, "unsafe-inline"));
	cJSON_Delete(doc);
	free(script);
	free(style);
	free(data);
	free(page);
	lg_report_free(&r);
}

TEST(test_html__show_secrets_is_honoured)
{
	lg_report r;
	size_t len;
	char *page;

	one_finding(&r, "app.env", "Ann");
	page = render(&r, LG_FORMAT_HTML, 1, &len);
	CHECK(strstr(page, secret) != NULL);
	CHECK(strstr(page, "\"secrets_shown\":true") != NULL);
	free(page);
	lg_report_free(&r);
}

/* ------------------------------------------------------------------------
 * Reading JSON reports back
 * ---------------------------------------------------------------------- */

/* Writes `text` to a temporary file; returns its malloc'd name. */
static char *temp_file(const char *text, size_t len)
{
	char *name = lg__strdup("/tmp/leakgate-test-html-XXXXXX");
	int fd = mkstemp(name);

	CHECK(fd >= 0);
	CHECK(write(fd, text, len) == (ssize_t)len);
	close(fd);
	return name;
}

/* Reads the JSON text back and renders it as JSON again. */
static char *reread(const char *json, size_t len, int show_secrets, int *err)
{
	char *name = temp_file(json, len), *out = NULL;
	lg_report back;
	size_t out_len;

	*err = lg_report_read(&back, name);
	if (*err == 0) {
		out = render(&back, LG_FORMAT_JSON, show_secrets, &out_len);
		lg_report_free(&back);
	}
	unlink(name);
	free(name);
	return out;
}

TEST(test_html__json_report_reads_back_to_the_same_report)
{
	lg_report r;
	size_t len;
	char *json, *again;
	int err;

	one_finding(&r, "dir/app.env", "Ann \"the\" Author");
	r.findings[0].also_in = calloc(1, sizeof(lg_location));
	r.findings[0].also_in[0].path = lg__strdup("copy/app.env");
	memcpy(r.findings[0].also_in[0].commit, COMMIT, 41);
	r.findings[0].also_in_count = 1;
	r.findings[0].unconfirmed = lg__strdup("match limit");
	r.findings[0].verification.status = LG_VERIFY_LIVE;
	r.findings[0].verification.http_status = 200;
	r.findings[0].verification.identity = lg__strdup("ann@example.org");
	r.warnings = calloc(1, sizeof(char *));
	r.warnings[0] = lg__strdup("skipped blob 1234");
	r.warning_count = 1;
	r.summary.ignored = 2;
	r.summary.baselined = 5;
	r.summary.shallow = 1;
	json = render(&r, LG_FORMAT_JSON, 0, &len);
	again = reread(json, len, 0, &err);
	CHECK_EQ_INT(err, 0);
	CHECK_EQ_STR(again, json);
	free(again);
	/* Read back, a redacted secret stays redacted even when asked. */
	again = reread(json, len, 1, &err);
	CHECK(again && !strstr(again, secret));
	free(again);
	free(json);
	/* A report that shows secrets is redacted again unless asked. */
	json = render(&r, LG_FORMAT_JSON, 1, &len);
	CHECK(strstr(json, secret) != NULL);
	again = reread(json, len, 0, &err);
	CHECK(again && !strstr(again, secret));
	free(again);
	again = reread(json, len, 1, &err);
	CHECK_EQ_STR(again, json);
	free(again);
	free(json);
	lg_report_free(&r);
}

TEST(test_html__malformed_reports_are_refused_by_name)
{
	static const char *const bad[] = {
		"{\"version\": 1, \"findings\": [",
		"[]",
		"{\"version\": 2, \"findings\": [], \"summary\": {}}",
		"{\"$schema\": \"x\", \"version\": \"2.1.0\", \"runs\": []}",
		"{\"version\": 1, \"findings\": {}, \"summary\": {}}",
		"{\"version\": 1, \"findings\": []}",
		"{\"version\": 1, \"findings\": [{\"rule_id\": \"r\", \"severity\": \"high\", "
		"\"secret\": \"s\", \"path\": \"p\", \"fingerprint\": "
		"\"0123456789abcdef0123456789abcdef\"}], \"summary\": {\"commits\": 0, "
		"\"blobs_scanned\": 0, \"bytes_scanned\": 0, \"findings\": 1}}",
		"{\"version\": 1, \"findings\": [{\"rule_id\": \"r\", \"severity\": \"severe\", "
		"\"secret\": \"s\", \"path\": \"p\", \"line\": 1, \"fingerprint\": "
		"\"0123456789abcdef0123456789abcdef\"}], \"summary\": {\"commits\": 0, "
		"\"blobs_scanned\": 0, \"bytes_scanned\": 0, \"findings\": 1}}",
		"{\"version\": 1, \"findings\": [{\"rule_id\": \"r\", \"severity\": \"high\", "
		"\"secret\": \"s\", \"path\": \"p\", \"line\": 1.5, \"fingerprint\": "
		"\"0123456789abcdef0123456789abcdef\"}], \"summary\": {\"commits\": 0, "
		"\"blobs_scanned\": 0, \"bytes_scanned\": 0, \"findings\": 1}}",
		"{\"version\": 1, \"findings\": [{\"rule_id\": \"r\", \"severity\": \"high\", "
		"\"secret\": \"s\", \"path\": \"p\", \"line\": 1, \"fingerprint\": \"xyz\"}], "
		"\"summary\": {\"commits\": 0, \"blobs_scanned\": 0, \"bytes_scanned\": 0, "
		"\"findings\": 1}}",
		"{\"version\": 1, \"findings\": [{\"rule_id\": \"r\", \"severity\": \"high\", "
		"\"secret\": \"s\", \"path\": \"p\", \"line\": 1, \"commit\": "
		"\"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678\", \"date\": \"yesterday\", "
		"\"fingerprint\": \"0123456789abcdef0123456789abcdef\"}], \"summary\": "
		"{\"commits\": 0, \"blobs_scanned\": 0, \"bytes_scanned\": 0, \"findings\": 1}}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *name = temp_file(bad[i], strlen(bad[i]));
		lg_report r;
		int err = lg_report_read(&r, name);

		if (err != LG_EINVALID || !strstr(lg_error_last(), name))
			fprintf(stderr, "bad report %zu: %d %s\n", i, err, lg_error_last());
		CHECK_EQ_INT(err, LG_EINVALID);
		CHECK(strstr(lg_error_last(), name) != NULL);
		unlink(name);
		free(name);
	}
	{
		lg_report none;

		CHECK_EQ_INT(lg_report_read(&none, "/nonexistent/report.json"), LG_EIO);
	}
	CHECK(strstr(lg_error_last(), "/nonexistent/report.json") != NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_html__sha256_known_answers),
	TEST_ENTRY(test_html__base64_known_answers),
	TEST_ENTRY(test_html__data_block_is_inert_and_round_trips),
	TEST_ENTRY(test_html__show_secrets_is_honoured),
	TEST_ENTRY(test_html__json_report_reads_back_to_the_same_report),
	TEST_ENTRY(test_html__malformed_reports_are_refused_by_name),
};

TEST_MAIN(tests)
