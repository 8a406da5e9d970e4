/*
 * test_findings.c - redaction, fingerprints, the ignore file and freeing
 * reports.
 */
#include "util/util.h"
#include "test.h"

#include <time.h>

#define ELLIPSIS "\xE2\x80\xA6"

/* Redacts a NUL-terminated secret into a static buffer. */
static const char *redact(const char *secret)
{
	static char out[64];

	lg_redact(out, sizeof(out), secret, strlen(secret));
	return out;
}

/* Parses `text` (NUL-terminated); returns the ignore or NULL. */
static lg_ignore *parse(const char *text)
{
	lg_ignore *ig = NULL;

	CHECK_EQ_INT(lg_ignore_parse(&ig, text, strlen(text)), 0);
	CHECK(ig != NULL);
	return ig;
}

/* ------------------------------------------------------------------------
 * Redaction
 * ---------------------------------------------------------------------- */

TEST(test_findings__redact_short_secrets_show_no_prefix)
{
	char out[32];

	CHECK_EQ_INT(lg_redact(out, sizeof(out), "", 0), 3);
	CHECK_EQ_STR(out, ELLIPSIS);
	CHECK_EQ_STR(redact("a"), ELLIPSIS);
	CHECK_EQ_STR(redact("abcd"), ELLIPSIS);
	CHECK_EQ_STR(redact("abcdefg"), ELLIPSIS); /* 7: still none */
}

TEST(test_findings__redact_prefix_is_a_quarter_up_to_four_chars)
{
	char out[32];

	CHECK_EQ_STR(redact("abcdefgh"), "ab" ELLIPSIS);      /* 8 -> 2 */
	CHECK_EQ_STR(redact("abcdefghijk"), "ab" ELLIPSIS);   /* 11 -> 2 */
	CHECK_EQ_STR(redact("abcdefghijkl"), "abc" ELLIPSIS); /* 12 -> 3 */
	CHECK_EQ_STR(redact("abcdefghijklmnop"), "abcd" ELLIPSIS);
	CHECK_EQ_STR(redact("AKIAIOSFODNN7EXAMPLE"), "AKIA" ELLIPSIS);
	CHECK_EQ_INT(lg_redact(out, sizeof(out), "ghp_0123456789abcdefghijklmnopqrstuvwxyz", 40), 7);
	CHECK_EQ_STR(out, "ghp_" ELLIPSIS);
}

TEST(test_findings__redact_never_cuts_utf8)
{
	/* 8 x U+00E9 = 16 bytes: a 4-byte budget holds 2 characters. */
	CHECK_EQ_STR(redact("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"),
		     "\xC3\xA9\xC3\xA9" ELLIPSIS);
	/* "a" + 3 x U+20AC = 10 bytes: budget 2, the euro sign would
	 * need bytes 2-4, so only "a". */
	CHECK_EQ_STR(redact("a\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"), "a" ELLIPSIS);
	/* 4 x U+1F600 = 16 bytes: budget 4 holds one. */
	CHECK_EQ_STR(redact("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"),
		     "\xF0\x9F\x98\x80" ELLIPSIS);
	/* 3 x U+1F600 = 12 bytes: budget 3 holds none. */
	CHECK_EQ_STR(redact("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"), ELLIPSIS);
	/* Invalid UTF-8 ends the prefix, so the output stays valid. */
	CHECK_EQ_STR(redact("ab\xFF" "cdefghijklmno"), "ab" ELLIPSIS);
	CHECK_EQ_STR(redact("\xFF" "bcdefghijklmnop"), ELLIPSIS);
}

TEST(test_findings__redact_respects_capacity)
{
	char out[8];

	memset(out, 'x', sizeof(out));
	CHECK_EQ_INT(lg_redact(out, 0, "abcdefghijklmnop", 16), 0);
	CHECK(out[0] == 'x'); /* cap 0: nothing written */
	CHECK_EQ_INT(lg_redact(out, 3, "abcdefghijklmnop", 16), 0);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(lg_redact(out, 4, "abcdefghijklmnop", 16), 3);
	CHECK_EQ_STR(out, ELLIPSIS);
	CHECK_EQ_INT(lg_redact(out, 6, "abcdefghijklmnop", 16), 5);
	CHECK_EQ_STR(out, "ab" ELLIPSIS);
	/* A 2-byte character does not fit a 1-byte room: dropped whole. */
	CHECK_EQ_INT(lg_redact(out, 5, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 16), 3);
	CHECK_EQ_STR(out, ELLIPSIS);
}

TEST(test_findings__redact_uses_len_not_nul)
{
	char out[32];

	/* Embedded NUL: 12 bytes, so a 3-byte prefix up to the NUL... */
	CHECK_EQ_INT(lg_redact(out, sizeof(out), "ab\0defghijkl", 12), 6);
	CHECK(memcmp(out, "ab\0" ELLIPSIS, 7) == 0);
	/* ...and a long buffer redacts only the first `len` bytes. */
	CHECK_EQ_STR((lg_redact(out, sizeof(out), "abcdefghijklmnopqrstuvwxyz", 8), out),
		     "ab" ELLIPSIS);
}

/* ------------------------------------------------------------------------
 * Fingerprints
 * ---------------------------------------------------------------------- */

TEST(test_findings__fingerprint_matches_git_hash_object)
{
	char fp[LG_FINGERPRINT_HEXLEN + 1];
	char big[1000];

	/* Reference values from:
	 * printf 'leakgate-fingerprint-v1\0RULE\0SECRET' | git hash-object --stdin */
	lg_fingerprint(fp, "rule-a", "secret", 6);
	CHECK_EQ_STR(fp, "f3bb593896ac78cd8f02e0b28b6aaa1d");
	lg_fingerprint(fp, "aws-access-key-id", "AKIAIOSFODNN7EXAMPLE", 20);
	CHECK_EQ_STR(fp, "c9200c8446bbdd8030e35f73ac573f5b");
	lg_fingerprint(fp, "", "", 0);
	CHECK_EQ_STR(fp, "51b4332e5293d21e9bd8670ab80ba1bc");
	lg_fingerprint(fp, NULL, NULL, 0); /* NULL id: same as "" */
	CHECK_EQ_STR(fp, "51b4332e5293d21e9bd8670ab80ba1bc");
	/* Longer than the stack buffer: the heap path gives the same. */
	memset(big, 'x', sizeof(big));
	lg_fingerprint(fp, "r", big, sizeof(big));
	CHECK_EQ_STR(fp, "fb26879cff3bdd4e2828b876fa9c76e5");
}

TEST(test_findings__fingerprint_is_stable_and_discriminating)
{
	char a[LG_FINGERPRINT_HEXLEN + 1], b[LG_FINGERPRINT_HEXLEN + 1];
	size_t i;

	lg_fingerprint(a, "rule", "secret-1", 8);
	lg_fingerprint(b, "rule", "secret-1", 8);
	CHECK_EQ_STR(a, b);
	CHECK_EQ_INT(strlen(a), LG_FINGERPRINT_HEXLEN);
	for (i = 0; i < LG_FINGERPRINT_HEXLEN; i++)
		CHECK((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
	lg_fingerprint(b, "other-rule", "secret-1", 8);
	CHECK(strcmp(a, b) != 0);
	lg_fingerprint(b, "rule", "secret-2", 8);
	CHECK(strcmp(a, b) != 0);
	/* len counts, not the NUL: a prefix differs. */
	lg_fingerprint(b, "rule", "secret-1", 7);
	CHECK(strcmp(a, b) != 0);
	/* The separator keeps ("ab", "c") and ("a", "bc") apart. */
	lg_fingerprint(a, "ab", "c", 1);
	lg_fingerprint(b, "a", "bc", 2);
	CHECK(strcmp(a, b) != 0);
	/* Bytes after an embedded NUL count. */
	lg_fingerprint(a, "r", "x\0y", 3);
	lg_fingerprint(b, "r", "x\0z", 3);
	CHECK(strcmp(a, b) != 0);
}

/* ------------------------------------------------------------------------
 * Ignore file: parsing
 * ---------------------------------------------------------------------- */

#define FP1 "0123456789abcdef0123456789abcdef"
#define FP2 "ffffffffffffffffffffffffffffffff"
#define FP3 "00000000000000000000000000000000"

TEST(test_findings__ignore_comments_blanks_crlf_and_fingerprints)
{
	lg_ignore *ig = parse(
		"# a whole-line comment\r\n"
		"\r\n"
		"   \t \n"
		"  " FP1 "   # trailing comment\r\n"
		FP2 "\n"
		"\t*.pem\t\r\n"
		"   # indented comment: *.key\n"
		"odd#name\n"            /* '#' without whitespace: literal */
		"keep me.txt # note\n"  /* inner space kept */
		"0123456789ABCDEF0123456789ABCDEF\n" /* uppercase: a glob */
		"0123456789abcdef0123456789abcde\n"  /* 31 digits: a glob */
		"/last.txt");                        /* no final newline */

	CHECK_EQ_INT(lg_ignore_fingerprint(ig, FP1), 1);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, FP2), 1);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, FP3), 0);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, "0123456789ABCDEF0123456789ABCDEF"), 0);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, FP1 "0"), 0);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, "0123456789abcdef"), 0);
	CHECK_EQ_INT(lg_ignore_path(ig, "certs/server.pem"), 1);
	CHECK_EQ_INT(lg_ignore_path(ig, "server.pem\r"), 0); /* CR was trimmed */
	CHECK_EQ_INT(lg_ignore_path(ig, "a.key"), 0);         /* commented out */
	CHECK_EQ_INT(lg_ignore_path(ig, "odd#name"), 1);
	CHECK_EQ_INT(lg_ignore_path(ig, "odd"), 0);
	CHECK_EQ_INT(lg_ignore_path(ig, "keep me.txt"), 1);
	CHECK_EQ_INT(lg_ignore_path(ig, "0123456789ABCDEF0123456789ABCDEF"), 1);
	CHECK_EQ_INT(lg_ignore_path(ig, "x/0123456789abcdef0123456789abcde"), 1);
	CHECK_EQ_INT(lg_ignore_path(ig, "last.txt"), 1);
	CHECK_EQ_INT(lg_ignore_path(ig, "sub/last.txt"), 0);
	/* A fingerprint line is not also a glob. */
	CHECK_EQ_INT(lg_ignore_path(ig, FP1), 0);
	CHECK_EQ_INT(lg_ignore_path(ig, "a/b/c.txt"), 0);
	lg_ignore_free(ig);
}

TEST(test_findings__ignore_many_fingerprints_are_all_found)
{
	lg_buf text = LG_BUF_INIT;
	lg_ignore *ig;
	char fp[LG_FINGERPRINT_HEXLEN + 1];
	int i, found = 0;

	/* Unsorted input; lookups must still find every one. */
	for (i = 99; i >= 0; i--) {
		char secret[16];

		snprintf(secret, sizeof(secret), "s%d", i);
		lg_fingerprint(fp, "r", secret, strlen(secret));
		lg_buf__printf(&text, "%s\n", fp);
	}
	ig = parse(text.ptr);
	for (i = 0; i < 100; i++) {
		char secret[16];

		snprintf(secret, sizeof(secret), "s%d", i);
		lg_fingerprint(fp, "r", secret, strlen(secret));
		found += lg_ignore_fingerprint(ig, fp);
	}
	CHECK_EQ_INT(found, 100);
	lg_fingerprint(fp, "r", "s100", 4);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, fp), 0);
	lg_ignore_free(ig);
	lg_buf__release(&text);
}

TEST(test_findings__ignore_empty_and_null)
{
	lg_ignore *ig = NULL;

	CHECK_EQ_INT(lg_ignore_parse(&ig, "", 0), 0);
	CHECK(ig != NULL);
	CHECK_EQ_INT(lg_ignore_path(ig, "a"), 0);
	CHECK_EQ_INT(lg_ignore_fingerprint(ig, FP1), 0);
	lg_ignore_free(ig);
	CHECK_EQ_INT(lg_ignore_path(NULL, "a"), 0);
	CHECK_EQ_INT(lg_ignore_fingerprint(NULL, FP1), 0);
	lg_ignore_free(NULL);
}

/* Expects parsing `text` (len bytes) to fail with `code` and a message
 * containing `needle`, leaving *out alone. */
static void expect_parse_error(const char *text, size_t len, int code,
			       const char *needle)
{
	lg_ignore *ig = (lg_ignore *)&ig; /* a sentinel that must survive */

	CHECK_EQ_INT(lg_ignore_parse(&ig, text, len), code);
	CHECK(ig == (lg_ignore *)&ig);
	if (!strstr(lg_error_last(), needle)) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", lg_error_last(), needle);
		CHECK(strstr(lg_error_last(), needle) != NULL);
	}
}

TEST(test_findings__ignore_limits_and_bad_lines)
{
	size_t big = (1u << 20) + 1;
	char *text = malloc(big);
	lg_ignore *ig = NULL;

	CHECK(text != NULL);
	if (!text)
		return;
	memset(text, '\n', big);
	expect_parse_error(text, big, LG_ELIMIT, "1048576 byte limit");
	/* Exactly 1 MiB of blank lines is fine. */
	CHECK_EQ_INT(lg_ignore_parse(&ig, text, big - 1), 0);
	lg_ignore_free(ig);
	/* Line 2 of 4097 bytes is too long; 4096 is fine. */
	text[0] = 'a';
	memset(text + 2, 'b', 4097);
	text[2 + 4097] = '\n';
	expect_parse_error(text, 2 + 4097 + 1, LG_ELIMIT, "line 2 is longer than 4096");
	ig = NULL;
	CHECK_EQ_INT(lg_ignore_parse(&ig, text, 2 + 4096), 0);
	lg_ignore_free(ig);
	free(text);

	/* 10000 globs are fine, one more is not; fingerprints are not
	 * counted. */
	{
		lg_buf many = LG_BUF_INIT;
		int i;

		lg_buf__puts(&many, FP1 "\n");
		for (i = 0; i < 10000; i++)
			lg_buf__printf(&many, "g%d\n", i);
		ig = NULL;
		CHECK_EQ_INT(lg_ignore_parse(&ig, many.ptr, many.len), 0);
		CHECK_EQ_INT(lg_ignore_path(ig, "x/g9999"), 1);
		lg_ignore_free(ig);
		lg_buf__puts(&many, FP2 "\ng10000\n");
		expect_parse_error(many.ptr, many.len, LG_ELIMIT,
				   "line 10003: more than 10000 globs");
		lg_buf__release(&many);
	}
	expect_parse_error("a\nb\0c\n", 6, LG_EINVALID, "line 2 contains a NUL byte");
	expect_parse_error("ok\n/\n", 5, LG_EINVALID, "line 2: a glob needs more than slashes");
	expect_parse_error("//", 2, LG_EINVALID, "line 1");
}

/* ------------------------------------------------------------------------
 * Ignore file: globs
 * ---------------------------------------------------------------------- */

/* Checks each "path" against a one-glob ignore: `yes` paths must match,
 * `no` paths must not. Both lists are NULL-terminated. */
static void expect_glob(const char *glob, const char *const *yes,
			const char *const *no)
{
	lg_ignore *ig = parse(glob);

	for (; *yes; yes++)
		if (!lg_ignore_path(ig, *yes)) {
			fprintf(stderr, "glob '%s' should match '%s'\n", glob, *yes);
			CHECK(lg_ignore_path(ig, *yes));
		}
	for (; *no; no++)
		if (lg_ignore_path(ig, *no)) {
			fprintf(stderr, "glob '%s' should not match '%s'\n", glob, *no);
			CHECK(!lg_ignore_path(ig, *no));
		}
	lg_ignore_free(ig);
}

#define LIST(...) (const char *const[]){ __VA_ARGS__, NULL }

TEST(test_findings__glob_without_slash_matches_base_name_anywhere)
{
	expect_glob("*.pem",
		    LIST("key.pem", "a/key.pem", "a/b/c/.pem"),
		    LIST("key.pem.bak", "a.pem/key", "key.pe", "key_pem"));
	expect_glob("config.py",
		    LIST("config.py", "src/app/config.py"),
		    LIST("config.pyc", "xconfig.py", "config.py/x", "src/config"));
}

TEST(test_findings__glob_star_stays_within_a_segment)
{
	expect_glob("/build/*.log",
		    LIST("build/a.log", "build/.log"),
		    LIST("x/build/a.log", "build/sub/a.log", "build/a.txt", "build.log"));
	expect_glob("src/*/keys.txt",
		    LIST("src/a/keys.txt", "src/abc/keys.txt"),
		    LIST("src/keys.txt", "src/a/b/keys.txt", "x/src/a/keys.txt"));
	/* "**" inside a segment is just "*". */
	expect_glob("a**b",
		    LIST("ab", "axxb", "d/axb"),
		    LIST("ax/xb", "abc"));
}

TEST(test_findings__glob_question_mark_is_one_character)
{
	expect_glob("test?.c",
		    LIST("test1.c", "dir/testx.c", "test\xC3\xA9.c", "test\xFF.c"),
		    LIST("test.c", "test12.c", "test\xC3\xA9\xC3\xA9.c"));
	expect_glob("/a?b",
		    LIST("axb"),
		    LIST("a/b", "ab"));
}

TEST(test_findings__glob_double_star_spans_segments)
{
	expect_glob("docs/**/secret.txt",
		    LIST("docs/secret.txt", "docs/a/secret.txt", "docs/a/b/c/secret.txt"),
		    LIST("other/docs/secret.txt", "docs/secret.txt.bak", "docssecret.txt"));
	expect_glob("**/fixtures/*.json",
		    LIST("fixtures/a.json", "a/b/fixtures/c.json"),
		    LIST("fixtures/x/c.json", "a/fixtures.json"));
	expect_glob("a/**/b/**/c",
		    LIST("a/b/c", "a/x/b/y/z/c", "a/b/b/c"),
		    LIST("a/c", "a/b", "b/c", "a/x/c"));
	expect_glob("**",
		    LIST("a", "a/b/c", ".hidden/x"),
		    LIST(NULL));
}

TEST(test_findings__glob_trailing_slash_means_below_a_directory)
{
	expect_glob("vendor/",
		    LIST("vendor/a.js", "vendor/a/b.js", "src/vendor/x.js"),
		    LIST("vendor", "vendors/x.js", "src/vendor"));
	expect_glob("/tmp/",
		    LIST("tmp/x", "tmp/a/b"),
		    LIST("a/tmp/x", "tmp"));
	expect_glob("generated/**",
		    LIST("generated/x", "generated/x/y"),
		    LIST("generated", "a/generated/x"));
	expect_glob("a/*/",
		    LIST("a/b/c", "a/b/c/d"),
		    LIST("a/b", "x/a/b/c"));
	expect_glob("test*/",
		    LIST("tests/a.py", "x/test/y/z"),
		    LIST("tests", "atest/a.py"));
}

TEST(test_findings__glob_leading_slash_anchors)
{
	expect_glob("/secrets.env",
		    LIST("secrets.env"),
		    LIST("app/secrets.env", "secrets.env.example"));
	expect_glob("/*.env",
		    LIST("prod.env", ".env"),
		    LIST("cfg/prod.env"));
	/* A slash inside anchors too, as in gitignore. */
	expect_glob("config/prod.env",
		    LIST("config/prod.env"),
		    LIST("app/config/prod.env"));
}

TEST(test_findings__glob_is_not_exponential)
{
	lg_buf path = LG_BUF_INIT;
	lg_ignore *ig = parse(
		"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n"
		"**/**/**/**/**/**/**/**/**/**/**/**/x/**/**/**/**/y\n");
	clock_t start = clock();
	int i;

	for (i = 0; i < 4000; i++)
		lg_buf__puts(&path, "a");
	for (i = 0; i < 300; i++)
		lg_buf__puts(&path, "/a");
	CHECK_EQ_INT(lg_ignore_path(ig, path.ptr), 0);
	lg_buf__puts(&path, "/x/y");
	CHECK_EQ_INT(lg_ignore_path(ig, path.ptr), 1);
	/* Backtracking on every star would take longer than the universe. */
	CHECK((double)(clock() - start) / CLOCKS_PER_SEC < 2.0);
	lg_ignore_free(ig);
	lg_buf__release(&path);
}

/* ------------------------------------------------------------------------
 * Freeing reports
 * ---------------------------------------------------------------------- */

TEST(test_findings__report_free_releases_everything)
{
	lg_report r;
	lg_finding *f;

	memset(&r, 0, sizeof(r));
	lg_report_free(NULL);
	lg_report_free(&r); /* an empty report */

	r.count = 2;
	r.findings = calloc(2, sizeof(*r.findings));
	f = &r.findings[0];
	f->secret = lg__strdup("s");
	f->path = lg__strdup("p");
	f->line_text = lg__strdup("l");
	f->author_name = lg__strdup("n");
	f->author_email = lg__strdup("e");
	f->also_in_count = 2;
	f->also_in = calloc(2, sizeof(*f->also_in));
	f->also_in[0].path = lg__strdup("a");
	f->also_in[1].path = lg__strdup("b");
	r.findings[1].path = lg__strdup("only a path"); /* others NULL */
	r.summary.skipped_count = 1;
	r.summary.skipped = calloc(1, sizeof(*r.summary.skipped));
	r.summary.skipped[0].reason = lg__strdup("too_large");
	r.warning_count = 2;
	r.warnings = calloc(2, sizeof(*r.warnings));
	r.warnings[0] = lg__strdup("w0");
	r.warnings[1] = lg__strdup("w1");

	/* LeakSanitizer reports anything left; the struct is zeroed. */
	lg_report_free(&r);
	CHECK(r.findings == NULL);
	CHECK_EQ_INT(r.count, 0);
	CHECK(r.warnings == NULL);
	CHECK(r.summary.skipped == NULL);
	lg_report_free(&r); /* harmless twice */
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_findings__redact_short_secrets_show_no_prefix),
	TEST_ENTRY(test_findings__redact_prefix_is_a_quarter_up_to_four_chars),
	TEST_ENTRY(test_findings__redact_never_cuts_utf8),
	TEST_ENTRY(test_findings__redact_respects_capacity),
	TEST_ENTRY(test_findings__redact_uses_len_not_nul),
	TEST_ENTRY(test_findings__fingerprint_matches_git_hash_object),
	TEST_ENTRY(test_findings__fingerprint_is_stable_and_discriminating),
	TEST_ENTRY(test_findings__ignore_comments_blanks_crlf_and_fingerprints),
	TEST_ENTRY(test_findings__ignore_many_fingerprints_are_all_found),
	TEST_ENTRY(test_findings__ignore_empty_and_null),
	TEST_ENTRY(test_findings__ignore_limits_and_bad_lines),
	TEST_ENTRY(test_findings__glob_without_slash_matches_base_name_anywhere),
	TEST_ENTRY(test_findings__glob_star_stays_within_a_segment),
	TEST_ENTRY(test_findings__glob_question_mark_is_one_character),
	TEST_ENTRY(test_findings__glob_double_star_spans_segments),
	TEST_ENTRY(test_findings__glob_trailing_slash_means_below_a_directory),
	TEST_ENTRY(test_findings__glob_leading_slash_anchors),
	TEST_ENTRY(test_findings__glob_is_not_exponential),
	TEST_ENTRY(test_findings__report_free_releases_everything),
};

TEST_MAIN(tests)
