/*
 * test_report.c - the text, JSON and JSON Lines writers and writing report
 * files atomically.
 *
 * Golden files live in tests/golden/<case>/expected.{txt,json,jsonl} and
 * are compared byte for byte; run with LEAKGATE_UPDATE_GOLDEN=1 to rewrite
 * them, then review the diff.
 */
#include "util/util.h"
#include "test.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#define ELLIPSIS "\xE2\x80\xA6"

static const lg_rule rule_aws = {
	.id = "aws-access-key-id",
	.name = "AWS Access Key ID",
	.severity = LG_SEVERITY_CRITICAL,
	.confidence = LG_CONFIDENCE_HIGH,
};
static const lg_rule rule_github = {
	.id = "github-pat",
	.name = "GitHub Personal Access Token",
	.severity = LG_SEVERITY_HIGH,
	.confidence = LG_CONFIDENCE_HIGH,
};
static const lg_rule rule_password = {
	.id = "generic-password",
	.name = "Password in assignment",
	.severity = LG_SEVERITY_MEDIUM,
	.confidence = LG_CONFIDENCE_LOW,
};

#define AWS_KEY "AKIAIOSFODNN7EXAMPLE"
#define GH_TOKEN "ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po0000"
#define PASSWORD "hunter2hunter2"

#define COMMIT_A "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
#define COMMIT_B "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
#define COMMIT_C "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define BLOB_1 "1111111111111111111111111111111111111111"

/* ------------------------------------------------------------------------
 * Building reports by hand
 * ---------------------------------------------------------------------- */

/* Appends a finding with malloc'd strings (so lg_report_free can free
 * it); commit NULL means outside git. Returns it for further tweaks. */
static lg_finding *add_finding(lg_report *r, const lg_rule *rule,
			       const char *secret, const char *path,
			       size_t line, size_t column,
			       const char *line_text, const char *commit)
{
	lg_finding *f;

	r->findings = realloc(r->findings, (r->count + 1) * sizeof(*f));
	f = &r->findings[r->count++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->secret = lg__strdup(secret);
	f->secret_len = strlen(secret);
	f->path = lg__strdup(path);
	f->line = line;
	f->column = column;
	f->end_column = column + f->secret_len; /* ASCII secrets */
	f->line_text = line_text ? lg__strdup(line_text) : NULL;
	if (commit) {
		memcpy(f->blob, BLOB_1, 41);
		memcpy(f->commit, commit, 41);
	}
	lg_fingerprint(f->fingerprint, rule->id, secret, f->secret_len);
	return f;
}

/* Sets the author of a finding. */
static void set_author(lg_finding *f, const char *name, const char *email,
		       int64_t time, int offset)
{
	f->author_name = lg__strdup(name);
	f->author_email = lg__strdup(email);
	f->author_time = time;
	f->author_offset = offset;
}

/* Adds another location to a finding. */
static void add_also_in(lg_finding *f, const char *path, const char *commit)
{
	lg_location *loc;

	f->also_in = realloc(f->also_in, (f->also_in_count + 1) * sizeof(*loc));
	loc = &f->also_in[f->also_in_count++];
	memset(loc, 0, sizeof(*loc));
	loc->path = lg__strdup(path);
	if (commit)
		memcpy(loc->commit, commit, 41);
}

/* Adds a skipped-blob reason to the summary. */
static void add_skipped(lg_report *r, const char *reason, size_t count)
{
	lg_skip_reason *s;

	r->summary.skipped = realloc(r->summary.skipped,
				     (r->summary.skipped_count + 1) * sizeof(*s));
	s = &r->summary.skipped[r->summary.skipped_count++];
	s->reason = lg__strdup(reason);
	s->count = count;
	s->bytes = 0;
	r->summary.blobs_skipped += count;
}

/* Adds a warning. */
static void add_warning(lg_report *r, const char *message)
{
	r->warnings = realloc(r->warnings, (r->warning_count + 1) * sizeof(char *));
	r->warnings[r->warning_count++] = lg__strdup(message);
}

/* A small report from a git repository, in the scanner's order (path, line,
 * column, rule id), exercising every field. */
static void small_report(lg_report *r)
{
	lg_finding *f;

	memset(r, 0, sizeof(*r));
	f = add_finding(r, &rule_aws, AWS_KEY, "config/prod.env", 3, 19,
			"AWS_ACCESS_KEY_ID=" AWS_KEY, COMMIT_B);
	/* 2024-02-29T20:15:00Z at -05:00 */
	set_author(f, "Bob Builder", "bob@example.com", 1709237700, -300);
	f->repository = "/srv/repos/app";

	f = add_finding(r, &rule_password, PASSWORD, "src/app.py", 4, 13,
			"password = \"" PASSWORD "\"", COMMIT_C);
	/* 2024-03-01T23:30:00Z at +05:30: already March 2nd there */
	set_author(f, "Jos\xC3\xA9 M\xC3\xBCller", "jose@example.com", 1709335800, 330);
	f->repository = "/srv/repos/app";

	f = add_finding(r, &rule_github, GH_TOKEN, "src/app.py", 12, 10,
			"token = \"" GH_TOKEN "\"  # FIXME", COMMIT_A);
	/* 2024-03-01T11:00:00Z at +01:00 */
	set_author(f, "Alice Example", "alice@example.com", 1709290800, 60);
	f->repository = "/srv/repos/app";
	add_also_in(f, "src/app_copy.py", COMMIT_A);
	add_also_in(f, "old/app.py", COMMIT_B);
	add_also_in(f, "backup/app.py", COMMIT_C);
	add_also_in(f, "attic/app.py", COMMIT_C);

	r->summary.refs = 4;
	r->summary.commits = 42;
	r->summary.blobs_scanned = 1234;
	r->summary.bytes_scanned = 5678901;
	add_skipped(r, "too_large", 2);
	add_skipped(r, "unreadable", 1);
	r->summary.findings = 3;
	r->summary.ignored = 1;
	r->summary.seconds = 1.5;
	r->summary.shallow = 1;
	add_warning(r, "cannot read ref 'refs/heads/broken'");
}

/* A report from a plain directory scan: no git fields, a binary file, no
 * repository, nothing skipped, no warnings. */
static void plain_report(lg_report *r)
{
	lg_finding *f;

	memset(r, 0, sizeof(*r));
	f = add_finding(r, &rule_aws, AWS_KEY, "build/app.bin", 1, 77,
			"\x7F" "ELF" AWS_KEY, NULL);
	f->binary = 1;
	r->summary.blobs_scanned = 2;
	r->summary.bytes_scanned = 2048;
	r->summary.findings = 1;
	r->summary.seconds = 0;
}

/* ------------------------------------------------------------------------
 * Rendering and golden files
 * ---------------------------------------------------------------------- */

/* Renders `r` into a malloc'd buffer (NUL-terminated); *len gets its
 * length. Checks that writing succeeded. */
static char *render(const lg_report *r, lg_format format, int show_secrets,
		    int color, size_t *len)
{
	lg_report_options o = LG_REPORT_OPTIONS_INIT;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	o.format = format;
	o.show_secrets = show_secrets;
	o.color = color;
	CHECK(f != NULL);
	if (!f)
		abort();
	CHECK_EQ_INT(lg_report_write(f, r, &o), 0);
	fclose(f);
	if (len)
		*len = size;
	return buf;
}

/* Reads a whole file; NULL if it cannot. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	lg_buf b = LG_BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		lg_buf__add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return lg_buf__detach(&b);
}

/* Compares `actual` with tests/golden/<name>/<file>, or rewrites that file
 * when LEAKGATE_UPDATE_GOLDEN=1. On a mismatch shows the first differing
 * line of each. */
static void check_golden(const char *name, const char *file,
			 const char *actual, size_t len)
{
	const char *update = getenv("LEAKGATE_UPDATE_GOLDEN");
	lg_buf path = LG_BUF_INIT;
	char *expected;
	size_t elen = 0, i, line_start = 0;

	lg_buf__printf(&path, "%s/tests/golden", LEAKGATE_SOURCE_DIR);
	if (update && strcmp(update, "1") == 0) {
		FILE *f;

		mkdir(path.ptr, 0755);
		lg_buf__printf(&path, "/%s", name);
		mkdir(path.ptr, 0755);
		lg_buf__printf(&path, "/%s", file);
		f = fopen(path.ptr, "wb");
		CHECK(f != NULL);
		if (f) {
			CHECK_EQ_INT(fwrite(actual, 1, len, f), len);
			CHECK_EQ_INT(fclose(f), 0);
			printf("updated %s\n", path.ptr);
		}
		lg_buf__release(&path);
		return;
	}
	lg_buf__printf(&path, "/%s/%s", name, file);
	expected = read_file(path.ptr, &elen);
	if (!expected)
		fprintf(stderr, "%s: missing; run with LEAKGATE_UPDATE_GOLDEN=1\n",
			path.ptr);
	CHECK(expected != NULL);
	if (expected && (elen != len || memcmp(expected, actual, len) != 0)) {
		for (i = 0; i < len && i < elen && expected[i] == actual[i]; i++)
			if (actual[i] == '\n')
				line_start = i + 1;
		fprintf(stderr, "%s differs at byte %zu:\n  expected: %.*s\n  actual:   %.*s\n",
			path.ptr, i,
			(int)strcspn(expected + line_start, "\n"), expected + line_start,
			(int)strcspn(actual + line_start, "\n"), actual + line_start);
		CHECK(elen == len && memcmp(expected, actual, len) == 0);
	}
	free(expected);
	lg_buf__release(&path);
}

/* Renders a report in all three formats and checks each against golden. */
static void check_golden_case(const char *name, const lg_report *r)
{
	static const struct {
		lg_format format;
		const char *file;
	} formats[] = {
		{ LG_FORMAT_TEXT, "expected.txt" },
		{ LG_FORMAT_JSON, "expected.json" },
		{ LG_FORMAT_JSONL, "expected.jsonl" },
	};
	size_t i, len;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		char *out = render(r, formats[i].format, 0, 0, &len);

		check_golden(name, formats[i].file, out, len);
		free(out);
	}
}

/* 1 when `needle` (NUL-terminated) occurs in hay[0, len). */
static int contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

/* Offset of `needle` in `hay`, or SIZE_MAX. */
static size_t offset_of(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	return p ? (size_t)(p - hay) : SIZE_MAX;
}

/* ------------------------------------------------------------------------
 * Golden files
 * ---------------------------------------------------------------------- */

TEST(test_report__golden_small)
{
	lg_report r;

	small_report(&r);
	check_golden_case("small", &r);
	lg_report_free(&r);
}

TEST(test_report__golden_plain)
{
	lg_report r;

	plain_report(&r);
	check_golden_case("plain", &r);
	lg_report_free(&r);
}

TEST(test_report__golden_empty)
{
	lg_report r;

	memset(&r, 0, sizeof(r));
	r.summary.commits = 1;
	r.summary.blobs_scanned = 1;
	r.summary.bytes_scanned = 10;
	r.summary.seconds = 0.0004;
	check_golden_case("empty", &r);
	lg_report_free(&r);
}

/* ------------------------------------------------------------------------
 * JSON
 * ---------------------------------------------------------------------- */

#define HOSTILE_PATH "dir/a\nb\x1b[31m\xff\"q\\.txt"
/* The same after a JSON round trip: 0xFF became U+FFFD. */
#define HOSTILE_PATH_DECODED "dir/a\nb\x1b[31m\xEF\xBF\xBD\"q\\.txt"

/* A report whose every string is hostile. */
static void hostile_report(lg_report *r)
{
	lg_finding *f;

	memset(r, 0, sizeof(*r));
	f = add_finding(r, &rule_aws, AWS_KEY, HOSTILE_PATH, 1, 5,
			"k=\x1b]0;pwned\x07 " AWS_KEY " \xc2\x9b" "31m\xfe", COMMIT_A);
	set_author(f, "Eve\x1b[2J\r", "eve\n@example.com\xc0\x80", 1709290800, 0);
	add_also_in(f, "other\x1b" "/\xff\xfe.txt", COMMIT_B);
	add_skipped(r, "weird\nreason\xff", 1);
	add_warning(r, "warning \x1b[1m\xff");
	r->summary.findings = 1;
}

TEST(test_report__json_is_valid_for_hostile_strings)
{
	lg_report r;
	size_t len, i;
	char *out;
	cJSON *doc, *finding, *also;

	hostile_report(&r);
	out = render(&r, LG_FORMAT_JSON, 0, 0, &len);
	/* Valid UTF-8 JSON: no raw control bytes besides the newlines of
	 * the layout, no invalid bytes. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\n') || c == 0x7F || c == 0xFF || c == 0xFE ||
		    c == 0xC0) {
			fprintf(stderr, "raw byte 0x%02x at %zu\n", c, i);
			CHECK(0);
			break;
		}
	}
	doc = cJSON_ParseWithLength(out, len);
	CHECK(doc != NULL);
	finding = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "findings"), 0);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(finding, "path")),
		     HOSTILE_PATH_DECODED);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(finding, "author_name")),
		     "Eve\x1b[2J\r");
	/* An overlong NUL (C0 80) is two replacement characters. */
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(finding, "author_email")),
		     "eve\n@example.com\xEF\xBF\xBD\xEF\xBF\xBD");
	also = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(finding, "also_in"), 0);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(also, "path")),
		     "other\x1b/\xEF\xBF\xBD\xEF\xBF\xBD.txt");
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetArrayItem(
			     cJSON_GetObjectItemCaseSensitive(doc, "warnings"), 0)),
		     "warning \x1b[1m\xEF\xBF\xBD");
	CHECK(cJSON_GetObjectItemCaseSensitive(
		      cJSON_GetObjectItemCaseSensitive(
			      cJSON_GetObjectItemCaseSensitive(doc, "summary"),
			      "skipped_reasons"),
		      "weird\nreason\xEF\xBF\xBD") != NULL);
	cJSON_Delete(doc);
	free(out);

	/* JSON Lines: one valid object, one line. */
	out = render(&r, LG_FORMAT_JSONL, 0, 0, &len);
	CHECK(len > 0 && out[len - 1] == '\n');
	CHECK(memchr(out, '\n', len) == out + len - 1);
	doc = cJSON_ParseWithLength(out, len);
	CHECK(doc != NULL);
	CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "path")),
		     HOSTILE_PATH_DECODED);
	cJSON_Delete(doc);
	free(out);
	lg_report_free(&r);
}

/* Parses the JSON report of `r` and returns its first finding's member
 * `key` in the document *doc (to delete). */
static cJSON *first_finding_member(cJSON **doc, const lg_report *r, const char *key)
{
	char *out = render(r, LG_FORMAT_JSON, 0, 0, NULL);
	cJSON *finding;

	*doc = cJSON_Parse(out);
	CHECK(*doc != NULL);
	free(out);
	finding = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(*doc, "findings"), 0);
	return cJSON_GetObjectItemCaseSensitive(finding, key);
}

/* Checks the JSON date of a finding with the given author time. NULL
 * `expected` means null. */
static void expect_json_date(int64_t time, int offset, const char *commit,
			     const char *expected)
{
	lg_report r;
	cJSON *doc, *date;
	lg_finding *f;

	memset(&r, 0, sizeof(r));
	f = add_finding(&r, &rule_aws, AWS_KEY, "a", 1, 1, NULL, commit);
	set_author(f, "n", "e", time, offset);
	date = first_finding_member(&doc, &r, "date");
	CHECK(date != NULL);
	if (expected)
		CHECK_EQ_STR(cJSON_GetStringValue(date), expected);
	else
		CHECK(cJSON_IsNull(date));
	cJSON_Delete(doc);
	lg_report_free(&r);
}

TEST(test_report__json_dates_use_the_author_offset)
{
	expect_json_date(1709290800, 60, COMMIT_A, "2024-03-01T12:00:00+01:00");
	expect_json_date(1709290800, 0, COMMIT_A, "2024-03-01T11:00:00+00:00");
	expect_json_date(1709290800, -330, COMMIT_A, "2024-03-01T05:30:00-05:30");
	expect_json_date(0, 0, COMMIT_A, "1970-01-01T00:00:00+00:00");
	expect_json_date(-1, 0, COMMIT_A, "1969-12-31T23:59:59+00:00");
	expect_json_date(951782400, 0, COMMIT_A, "2000-02-29T00:00:00+00:00");
	expect_json_date(253402300799, 0, COMMIT_A, "9999-12-31T23:59:59+00:00");
	/* Outside any calendar a hostile commit can claim: null. */
	expect_json_date(253402300800, 0, COMMIT_A, NULL);
	expect_json_date(INT64_MAX, 0, COMMIT_A, NULL);
	expect_json_date(INT64_MIN, 0, COMMIT_A, NULL);
	expect_json_date(1709290800, 100 * 60, COMMIT_A, NULL);
	expect_json_date(1709290800, -2147483647 - 1, COMMIT_A, NULL);
	/* Outside git: null. */
	expect_json_date(1709290800, 60, NULL, NULL);
}

TEST(test_report__json_outside_git_has_null_provenance)
{
	lg_report r;
	cJSON *doc, *f;
	char *out;
	static const char *const nulls[] = { "blob", "commit", "author_name",
					     "author_email", "date", "repository" };
	size_t i;

	plain_report(&r);
	out = render(&r, LG_FORMAT_JSON, 0, 0, NULL);
	doc = cJSON_Parse(out);
	CHECK(doc != NULL);
	f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "findings"), 0);
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(f, nulls[i]))) {
			fprintf(stderr, "\"%s\" is not null\n", nulls[i]);
			CHECK(0);
		}
	CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "binary")));
	CHECK_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "also_in")), 0);
	cJSON_Delete(doc);
	free(out);
	lg_report_free(&r);
}

TEST(test_report__json_summary_numbers_are_safe)
{
	lg_report r;
	cJSON *doc, *s;
	char *out;
	const char *loc;

	memset(&r, 0, sizeof(r));
	r.summary.bytes_scanned = 3000000;
	r.summary.blobs_scanned = 3;
	/* A locale with a decimal comma must not leak into JSON. */
	loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");
	if (!loc)
		loc = setlocale(LC_NUMERIC, "fr_FR.UTF-8");
	r.summary.seconds = 2.0;
	out = render(&r, LG_FORMAT_JSON, 0, 0, NULL);
	setlocale(LC_NUMERIC, "C");
	CHECK(strstr(out, "\"seconds\": 2.000,") != NULL);
	CHECK(strstr(out, "\"mb_per_second\": 1.5,") != NULL);
	CHECK(strstr(out, "\"blobs_per_second\": 1.5,") != NULL);
	free(out);

	/* No time measured, or nonsense: rates are 0 and JSON stays valid. */
	r.summary.seconds = 0;
	out = render(&r, LG_FORMAT_JSON, 0, 0, NULL);
	CHECK(strstr(out, "\"mb_per_second\": 0.0,") != NULL);
	CHECK(strstr(out, "\"blobs_per_second\": 0.0,") != NULL);
	free(out);
	r.summary.seconds = NAN;
	out = render(&r, LG_FORMAT_JSON, 0, 0, NULL);
	doc = cJSON_Parse(out);
	CHECK(doc != NULL);
	s = cJSON_GetObjectItemCaseSensitive(doc, "summary");
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(s, "seconds")) == 0);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(s, "mb_per_second")) == 0);
	cJSON_Delete(doc);
	free(out);
	r.summary.seconds = INFINITY;
	out = render(&r, LG_FORMAT_JSON, 0, 0, NULL);
	doc = cJSON_Parse(out);
	CHECK(doc != NULL);
	cJSON_Delete(doc);
	free(out);
	lg_report_free(&r);
}

TEST(test_report__jsonl_is_one_finding_a_line_and_nothing_else)
{
	lg_report r;
	char *out, *line, *save = NULL;
	size_t len, lines = 0;

	small_report(&r);
	out = render(&r, LG_FORMAT_JSONL, 0, 0, &len);
	CHECK(len > 0 && out[len - 1] == '\n');
	CHECK(strstr(out, "summary") == NULL);
	CHECK(strstr(out, "warnings") == NULL);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *doc = cJSON_Parse(line);

		CHECK(doc != NULL);
		CHECK(cJSON_IsObject(doc));
		if (lines < r.count)
			CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "path")),
				     r.findings[lines].path);
		cJSON_Delete(doc);
		lines++;
	}
	CHECK_EQ_INT(lines, r.count);
	free(out);
	lg_report_free(&r);

	/* No findings: no output at all. */
	memset(&r, 0, sizeof(r));
	r.summary.commits = 5;
	out = render(&r, LG_FORMAT_JSONL, 0, 0, &len);
	CHECK_EQ_INT(len, 0);
	free(out);
}

/* ------------------------------------------------------------------------
 * Text
 * ---------------------------------------------------------------------- */

TEST(test_report__text_escapes_terminal_controls)
{
	lg_report r;
	size_t len, i, esc = 0;
	char *out;

	hostile_report(&r);
	out = render(&r, LG_FORMAT_TEXT, 0, 0, &len);
	/* Not one ESC, BEL, CR, C1 CSI or invalid byte gets through. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\n') || c == 0x7F || c == 0xFF || c == 0xFE ||
		    c == 0xC0 || (c == 0xC2 && i + 1 < len && (unsigned char)out[i + 1] == 0x9B)) {
			fprintf(stderr, "raw byte 0x%02x at %zu\n", c, i);
			CHECK(0);
			break;
		}
	}
	CHECK(contains(out, len, "  dir/a\\x0ab\\x1b[31m\\xff\"q\\.txt:1:5\n"));
	CHECK(contains(out, len, "Eve\\x1b[2J\\x0d <eve\\x0a@example.com\\xc0\\x80>"));
	CHECK(contains(out, len, "\\x1b]0;pwned\\x07"));
	CHECK(contains(out, len, "\\xc2\\x9b31m\\xfe"));
	CHECK(contains(out, len, "other\\x1b/\\xff\\xfe.txt (b0b0b0b0b0b0)"));
	CHECK(contains(out, len, "weird\\x0areason\\xff 1"));
	free(out);

	/* With colour, ESC appears only in the severity's two sequences. */
	out = render(&r, LG_FORMAT_TEXT, 0, 1, &len);
	for (i = 0; i < len; i++)
		esc += out[i] == '\x1b';
	CHECK_EQ_INT(esc, 2);
	CHECK(contains(out, len, "\x1b[1;31mCRITICAL\x1b[0m AWS Access Key ID"));
	free(out);
	lg_report_free(&r);
}

TEST(test_report__text_groups_by_rule_then_file_without_reordering)
{
	lg_report r;
	char *out;
	const char *paths_before[4];
	size_t i, pos[4];

	memset(&r, 0, sizeof(r));
	add_finding(&r, &rule_github, GH_TOKEN, "a.txt", 1, 1, NULL, NULL);
	add_finding(&r, &rule_aws, AWS_KEY, "z.txt", 1, 1, NULL, NULL);
	add_finding(&r, &rule_aws, AWS_KEY, "b.txt", 5, 1, NULL, NULL);
	add_finding(&r, &rule_aws, AWS_KEY, "b.txt", 2, 9, NULL, NULL);
	for (i = 0; i < 4; i++)
		paths_before[i] = r.findings[i].path;
	out = render(&r, LG_FORMAT_TEXT, 0, 0, NULL);
	pos[0] = offset_of(out, "  b.txt:2:9\n");
	pos[1] = offset_of(out, "  b.txt:5:1\n");
	pos[2] = offset_of(out, "  z.txt:1:1\n");
	pos[3] = offset_of(out, "  a.txt:1:1\n");
	for (i = 0; i < 4; i++)
		CHECK(pos[i] != SIZE_MAX);
	CHECK(pos[0] < pos[1]);
	CHECK(pos[1] < pos[2]);
	CHECK(pos[2] < pos[3]);
	for (i = 0; i < 4; i++)
		CHECK(r.findings[i].path == paths_before[i]);
	CHECK(strstr(out, "4 findings (1 critical") == NULL); /* 3 critical */
	CHECK(strstr(out, "4 findings (3 critical, 1 high, 0 medium, 0 low)") != NULL);
	free(out);
	lg_report_free(&r);
}

TEST(test_report__text_line_excerpt_is_cut_around_the_secret)
{
	lg_report r;
	lg_buf line = LG_BUF_INIT;
	char *out, *excerpt, *end;
	size_t chars = 0, i;
	int k;

	memset(&r, 0, sizeof(r));
	for (k = 0; k < 300; k++)
		lg_buf__puts(&line, "x");
	lg_buf__puts(&line, AWS_KEY);
	for (k = 0; k < 300; k++)
		lg_buf__puts(&line, "y");
	add_finding(&r, &rule_aws, AWS_KEY, "long.js", 1, 301, line.ptr, COMMIT_A);
	out = render(&r, LG_FORMAT_TEXT, 0, 0, NULL);
	excerpt = strstr(out, "  line: ");
	CHECK(excerpt != NULL);
	if (excerpt) {
		excerpt += strlen("  line: ");
		end = strchr(excerpt, '\n');
		CHECK(strncmp(excerpt, ELLIPSIS "xxxx", 7) == 0);
		CHECK(end - excerpt >= 3 && memcmp(end - 3, ELLIPSIS, 3) == 0);
		CHECK(strstr(excerpt, "xxxxAKIA" ELLIPSIS "yyyy") < end);
		for (i = 0; excerpt + i < end; i++)
			chars += ((unsigned char)excerpt[i] & 0xC0) != 0x80;
		/* 160 characters plus an ellipsis at each end. */
		CHECK_EQ_INT(chars, 162);
	}
	free(out);
	lg_report_free(&r);
	lg_buf__release(&line);
}

/* ------------------------------------------------------------------------
 * Secrets
 * ---------------------------------------------------------------------- */

TEST(test_report__secrets_are_hidden_unless_asked)
{
	static const lg_format formats[] = { LG_FORMAT_TEXT, LG_FORMAT_JSON, LG_FORMAT_JSONL };
	lg_report r;
	lg_finding *f;
	size_t i, len;
	char *out;

	small_report(&r);
	/* The secret twice on its line, and a line cut inside a secret. */
	f = add_finding(&r, &rule_github, GH_TOKEN, "twice.txt", 1, 1,
			GH_TOKEN " and again " GH_TOKEN, COMMIT_A);
	f = add_finding(&r, &rule_password, "s3cr3t-passw0rd-0123456789", "cut.txt",
			1, 7, "pass: s3cr3t-passw0rd-01", COMMIT_A);
	(void)f;
	for (i = 0; i < 3; i++) {
		out = render(&r, formats[i], 0, 0, &len);
		CHECK(!contains(out, len, AWS_KEY));
		CHECK(!contains(out, len, GH_TOKEN));
		CHECK(!contains(out, len, PASSWORD));
		/* More than the redacted prefix never shows either. */
		CHECK(!contains(out, len, "AKIAI"));
		CHECK(!contains(out, len, "ghp_R"));
		CHECK(!contains(out, len, "hunt"));
		CHECK(!contains(out, len, "s3cr3t-p"));
		CHECK(contains(out, len, "AKIA" ELLIPSIS));
		free(out);

		out = render(&r, formats[i], 1, 0, &len);
		CHECK(contains(out, len, AWS_KEY));
		CHECK(contains(out, len, GH_TOKEN));
		CHECK(contains(out, len, PASSWORD));
		free(out);
	}
	out = render(&r, LG_FORMAT_TEXT, 0, 0, &len);
	CHECK(contains(out, len, "  line: ghp_" ELLIPSIS " and again ghp_" ELLIPSIS "\n"));
	CHECK(contains(out, len, "  line: pass: s3cr" ELLIPSIS "\n"));
	free(out);
	/* Shown in full when asked, on the line too. */
	out = render(&r, LG_FORMAT_TEXT, 1, 0, &len);
	CHECK(contains(out, len, "  secret: " AWS_KEY "\n"));
	CHECK(contains(out, len, "  line: AWS_ACCESS_KEY_ID=" AWS_KEY "\n"));
	free(out);
	lg_report_free(&r);
}

/* ------------------------------------------------------------------------
 * Writing files
 * ---------------------------------------------------------------------- */

/* Creates a fresh temporary directory; returns its malloc'd path. */
static char *make_temp_dir(void)
{
	char tmpl[] = "/tmp/leakgate-test-report-XXXXXX";
	char *dir = mkdtemp(tmpl);

	CHECK(dir != NULL);
	if (!dir)
		abort();
	return lg__strdup(dir);
}

/* Number of entries in `dir` besides "." and "..". */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Joins dir and name into a static buffer. */
static const char *join(const char *dir, const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

TEST(test_report__write_file_is_atomic_and_private)
{
	lg_report_options o = LG_REPORT_OPTIONS_INIT;
	lg_report r;
	char *dir = make_temp_dir(), *expected, *actual, path[512];
	size_t elen, alen = 0;
	struct stat st;
	FILE *old;

	small_report(&r);
	o.format = LG_FORMAT_JSON;
	expected = render(&r, LG_FORMAT_JSON, 0, 0, &elen);
	snprintf(path, sizeof(path), "%s", join(dir, "report.json"));

	/* An older, world-readable report is replaced whole. */
	old = fopen(path, "w");
	CHECK(old != NULL);
	if (old) {
		fputs("old contents", old);
		fclose(old);
	}
	chmod(path, 0644);
	CHECK_EQ_INT(lg_report_write_file(path, &r, &o), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0600);
	actual = read_file(path, &alen);
	CHECK(actual != NULL);
	CHECK(actual && alen == elen && memcmp(actual, expected, elen) == 0);
	CHECK_EQ_INT(count_entries(dir), 1); /* no temporary file left */

	/* A relative path works too (temporary file in "."). */
	{
		char cwd[512];

		CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
		CHECK_EQ_INT(chdir(dir), 0);
		CHECK_EQ_INT(lg_report_write_file("rel.json", &r, &o), 0);
		CHECK_EQ_INT(chdir(cwd), 0);
		CHECK_EQ_INT(count_entries(dir), 2);
		unlink(join(dir, "rel.json"));
	}
	unlink(path);
	rmdir(dir);
	free(actual);
	free(expected);
	free(dir);
	lg_report_free(&r);
}

TEST(test_report__write_file_failure_leaves_nothing)
{
	lg_report r;
	char *dir = make_temp_dir(), path[512];

	small_report(&r);
	/* A directory that does not exist. */
	snprintf(path, sizeof(path), "%s", join(dir, "missing/report.txt"));
	CHECK_EQ_INT(lg_report_write_file(path, &r, NULL), LG_EIO);
	CHECK(strstr(lg_error_last(), path) != NULL);
	CHECK_EQ_INT(count_entries(dir), 0);

	/* The target is a directory: the rename fails after writing, and
	 * the temporary file must go. */
	snprintf(path, sizeof(path), "%s", join(dir, "taken"));
	CHECK_EQ_INT(mkdir(path, 0755), 0);
	CHECK_EQ_INT(lg_report_write_file(path, &r, NULL), LG_EIO);
	CHECK(strstr(lg_error_last(), path) != NULL);
	CHECK_EQ_INT(count_entries(dir), 1);
	CHECK_EQ_INT(count_entries(path), 0);
	rmdir(path);

	/* Bad options fail before anything is created. */
	{
		lg_report_options o = LG_REPORT_OPTIONS_INIT;

		o.version = 99;
		CHECK_EQ_INT(lg_report_write_file(join(dir, "x"), &r, &o), LG_EINVALID);
		o.version = LG_REPORT_OPTIONS_VERSION;
		o.format = (lg_format)(LG_FORMAT_HTML + 1);
		CHECK_EQ_INT(lg_report_write_file(join(dir, "x"), &r, &o), LG_EINVALID);
		CHECK_EQ_INT(count_entries(dir), 0);
	}
	rmdir(dir);
	free(dir);
	lg_report_free(&r);
}

/* Everything that can be read from `fd` without blocking. */
static char *read_available(int fd, size_t *len)
{
	lg_buf b = LG_BUF_INIT;
	char chunk[4096];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		lg_buf__add(&b, chunk, (size_t)n);
	*len = b.len;
	return lg_buf__detach(&b);
}

/* A rename would replace a symlink, or a device or a FIFO, with a regular
 * file (--output /dev/null, run as root, replaced the device): a link to a
 * file is followed, and anything but a regular file is written in place. */
TEST(test_report__write_file_keeps_links_and_special_files)
{
	lg_report_options o = LG_REPORT_OPTIONS_INIT;
	lg_report r;
	char *dir = make_temp_dir(), *expected, *actual, link[512], fifo[512];
	size_t elen, alen = 0;
	struct stat st;
	int rfd;

	small_report(&r);
	o.format = LG_FORMAT_JSON;
	expected = render(&r, LG_FORMAT_JSON, 0, 0, &elen);

	/* A symlink to a report: the report is replaced, the link stays. */
	snprintf(link, sizeof(link), "%s", join(dir, "latest.json"));
	CHECK_EQ_INT(symlink("real.json", link), 0);
	CHECK_EQ_INT(lg_report_write_file(link, &r, &o), 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	actual = read_file(join(dir, "real.json"), &alen);
	CHECK(actual && alen == elen && memcmp(actual, expected, elen) == 0);
	free(actual);
	CHECK_EQ_INT(lg__write_file_atomic(link, "abc", 3), 0);
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
	actual = read_file(join(dir, "real.json"), &alen);
	CHECK(actual && alen == 3 && memcmp(actual, "abc", 3) == 0);
	free(actual);
	CHECK_EQ_INT(count_entries(dir), 2);

	/* A FIFO, as a device would be, is written in place and stays one. */
	snprintf(fifo, sizeof(fifo), "%s", join(dir, "pipe"));
	CHECK_EQ_INT(mkfifo(fifo, 0600), 0);
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	CHECK(rfd >= 0);
	CHECK_EQ_INT(lg_report_write_file(fifo, &r, &o), 0);
	actual = read_available(rfd, &alen);
	CHECK(actual && alen == elen && memcmp(actual, expected, elen) == 0);
	free(actual);
	close(rfd);
	CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK_EQ_INT(count_entries(dir), 3);

	unlink(fifo);
	unlink(link);
	unlink(join(dir, "real.json"));
	rmdir(dir);
	free(expected);
	free(dir);
	lg_report_free(&r);
}

TEST(test_report__write_file_dash_is_stdout)
{
	lg_report r;
	char *dir = make_temp_dir(), *expected, *actual, path[512];
	size_t elen, alen = 0;
	int saved, fd;

	small_report(&r);
	expected = render(&r, LG_FORMAT_TEXT, 0, 0, &elen);
	snprintf(path, sizeof(path), "%s", join(dir, "stdout"));
	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 1);
	close(fd);
	CHECK_EQ_INT(lg_report_write_file("-", &r, NULL), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	actual = read_file(path, &alen);
	CHECK(actual && alen == elen && memcmp(actual, expected, elen) == 0);
	unlink(path);
	rmdir(dir);
	free(actual);
	free(expected);
	free(dir);
	lg_report_free(&r);
}

TEST(test_report__write_errors_are_reported)
{
	lg_report_options o = LG_REPORT_OPTIONS_INIT;
	lg_report r;
	FILE *f;
	char *a, *b;

	small_report(&r);
	f = fopen("/dev/full", "w");
	if (f) {
		CHECK_EQ_INT(lg_report_write(f, &r, NULL), LG_EIO);
		CHECK(strstr(lg_error_last(), "cannot write the report") != NULL);
		fclose(f);
	}
	o.version = 0;
	CHECK_EQ_INT(lg_report_write(stdout, &r, &o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "version 0") != NULL);
	CHECK_EQ_INT(lg_report_write(stdout, NULL, NULL), LG_EINVALID);
	CHECK_EQ_INT(lg_report_write(NULL, &r, NULL), LG_EINVALID);
	/* NULL options mean text without colour. */
	a = render(&r, LG_FORMAT_TEXT, 0, 0, NULL);
	{
		char *buf = NULL;
		size_t size = 0;
		FILE *m = open_memstream(&buf, &size);

		CHECK_EQ_INT(lg_report_write(m, &r, NULL), 0);
		fclose(m);
		b = buf;
	}
	CHECK_EQ_STR(a, b);
	free(a);
	free(b);
	lg_report_free(&r);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_report__golden_small),
	TEST_ENTRY(test_report__golden_plain),
	TEST_ENTRY(test_report__golden_empty),
	TEST_ENTRY(test_report__json_is_valid_for_hostile_strings),
	TEST_ENTRY(test_report__json_dates_use_the_author_offset),
	TEST_ENTRY(test_report__json_outside_git_has_null_provenance),
	TEST_ENTRY(test_report__json_summary_numbers_are_safe),
	TEST_ENTRY(test_report__jsonl_is_one_finding_a_line_and_nothing_else),
	TEST_ENTRY(test_report__text_escapes_terminal_controls),
	TEST_ENTRY(test_report__text_groups_by_rule_then_file_without_reordering),
	TEST_ENTRY(test_report__text_line_excerpt_is_cut_around_the_secret),
	TEST_ENTRY(test_report__secrets_are_hidden_unless_asked),
	TEST_ENTRY(test_report__write_file_is_atomic_and_private),
	TEST_ENTRY(test_report__write_file_failure_leaves_nothing),
	TEST_ENTRY(test_report__write_file_keeps_links_and_special_files),
	TEST_ENTRY(test_report__write_file_dash_is_stdout),
	TEST_ENTRY(test_report__write_errors_are_reported),
};

TEST_MAIN(tests)
