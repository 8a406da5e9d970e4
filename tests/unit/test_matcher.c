/*
 * test_matcher.c - candidates, confirmation, filters, positions, cache.
 */
#include "internal.h"
#include "test.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#define RULE(id, regex, extra)                                                 \
	"{\"id\": \"" id "\", \"name\": \"" id "\", \"description\": \"d\","   \
	" \"severity\": \"high\", \"regex\": \"" regex "\", " extra            \
	" \"examples\": [\"unused\"], \"negative_examples\": []}"

#define SID_RULE RULE("sid", "\\\\bAC[0-9a-f]{32}\\\\b", "")
#define TOKEN_RULE                                                             \
	RULE("token", "(?i)twilio_auth_token\\\\s*[=:]\\\\s*[\\\"']?([0-9a-f]{32})\\\\b", \
	     "\"secret_group\": 1,")

#define SID "AC0123456789abcdef0123456789abcdef"
#define HEX32 "9f86d081884c7d659a2feaa0c55ad015"

/* A matcher over `json`, owning its ruleset; freed with fixture_free. */
typedef struct {
	lg_ruleset *rules;
	lg_matcher *m;
	lg_scratch *s;
	lg_match found[32];
	size_t count;
	lg_scan_result result;
} fixture;

static void fixture_init(fixture *f, const char *json, const lg_matcher_options *opts)
{
	memset(f, 0, sizeof(*f));
	CHECK_EQ_INT(lg_ruleset_load_buffer(&f->rules, "t.json", json, strlen(json), NULL, NULL), 0);
	CHECK_EQ_INT(lg_matcher_new(&f->m, f->rules, opts), 0);
	CHECK_EQ_INT(lg_scratch_new(&f->s, f->m), 0);
}

static void fixture_free(fixture *f)
{
	lg_scratch_free(f->s);
	lg_matcher_free(f->m);
	lg_ruleset_free(f->rules);
}

static int collect(const lg_match *m, void *payload)
{
	fixture *f = payload;

	if (f->count < 32)
		f->found[f->count] = *m;
	f->count++;
	return 0;
}

static void scan(fixture *f, const char *buf, size_t len)
{
	f->count = 0;
	CHECK_EQ_INT(lg_matcher_scan(f->m, f->s, buf, len, collect, f, &f->result), 0);
}

static void scan_str(fixture *f, const char *buf)
{
	scan(f, buf, strlen(buf));
}

/* The secret of found[i] as a string, for comparisons. */
static const char *secret_of(const fixture *f, const char *buf, size_t i)
{
	static char out[256];
	size_t n = f->found[i].secret_end - f->found[i].secret_start;

	snprintf(out, sizeof(out), "%.*s", (int)n, buf + f->found[i].secret_start);
	return out;
}

TEST(test_matcher__secret_at_offset_zero)
{
	fixture f;
	const char *buf = SID " trailing";

	fixture_init(&f, "[" SID_RULE "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.found[0].secret_start, 0);
	CHECK_EQ_INT(f.found[0].line, 1);
	CHECK_EQ_INT(f.found[0].column, 1);
	CHECK_EQ_INT(f.found[0].end_column, 35);
	fixture_free(&f);
}

TEST(test_matcher__secret_at_end_without_newline)
{
	fixture f;
	const char *buf = "a\nb\nsid=" SID;

	fixture_init(&f, "[" SID_RULE "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_STR(secret_of(&f, buf, 0), SID);
	CHECK_EQ_INT(f.found[0].line, 3);
	CHECK_EQ_INT(f.found[0].column, 5);
	CHECK_EQ_INT(f.found[0].secret_end, strlen(buf));
	fixture_free(&f);
}

TEST(test_matcher__crlf_is_not_part_of_the_secret)
{
	fixture f;
	const char *buf = "A=1\r\nTWILIO_AUTH_TOKEN=" HEX32 "\r\nB=2\r\n";

	fixture_init(&f, "[" TOKEN_RULE "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_STR(secret_of(&f, buf, 0), HEX32);
	CHECK_EQ_INT(f.found[0].line, 2);
	CHECK_EQ_INT(f.found[0].column, 19);
	CHECK_EQ_INT(f.found[0].end_column, 51);
	CHECK_EQ_INT(f.found[0].line_end - f.found[0].line_start, 50);
	CHECK(buf[f.found[0].line_end] == '\r');
	fixture_free(&f);
}

TEST(test_matcher__overlapping_rules_both_reported_in_order)
{
	fixture f;
	const char *buf = "url=https://" SID ":" HEX32 "@api.twilio.com/";

	fixture_init(&f, "[" RULE("basic", "https://AC[0-9a-f]{32}:([0-9a-f]{32})@api\\\\.twilio\\\\.com",
				     "\"secret_group\": 1,") "," SID_RULE "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 2);
	CHECK_EQ_STR(f.found[0].rule->id, "sid");
	CHECK_EQ_STR(secret_of(&f, buf, 0), SID);
	CHECK_EQ_STR(f.found[1].rule->id, "basic");
	CHECK_EQ_STR(secret_of(&f, buf, 1), HEX32);
	fixture_free(&f);
}

TEST(test_matcher__columns_count_code_points)
{
	fixture f;
	const char *buf = "x\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91 " SID "\n";

	fixture_init(&f, "[" SID_RULE "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.found[0].line, 2);
	CHECK_EQ_INT(f.found[0].column, 5);
	CHECK_EQ_INT(f.found[0].end_column, 39);
	fixture_free(&f);
}

TEST(test_matcher__min_entropy)
{
	fixture f;

	fixture_init(&f, "[" RULE("e", "key=([0-9a-f]{32})", "\"secret_group\": 1, \"min_entropy\": 3.0,") "]", NULL);
	scan_str(&f, "key=0101010101010101010101010101010f");
	CHECK_EQ_INT(f.count, 0);
	scan_str(&f, "key=" HEX32);
	CHECK_EQ_INT(f.count, 1);
	fixture_free(&f);
}

TEST(test_matcher__keywords_within_256_bytes_before)
{
	fixture f;
	char buf[1024];

	fixture_init(&f, "[" RULE("k", "\\\\b[0-9a-f]{32}\\\\b", "\"keywords\": [\"twilio\"],") "]", NULL);
	snprintf(buf, sizeof(buf), "TWILIO %*s" HEX32, 200, "");
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	snprintf(buf, sizeof(buf), "twilio %*s" HEX32, 300, "");
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 0);
	scan_str(&f, HEX32);
	CHECK_EQ_INT(f.count, 0);
	fixture_free(&f);
}

TEST(test_matcher__rule_allow_pattern)
{
	fixture f;

	fixture_init(&f, "[" RULE("a", "\\\\bAC[0-9a-f]{32}\\\\b", "\"allow\": [\"^AC0{8}\"],") "]", NULL);
	scan_str(&f, "AC00000000abcdef0123456789abcdef");
	CHECK_EQ_INT(f.count, 0);
	scan_str(&f, SID);
	CHECK_EQ_INT(f.count, 1);
	fixture_free(&f);
}

TEST(test_matcher__placeholders_are_not_secrets)
{
	static const char *const placeholders[] = {
		"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "your_auth_token_here",
		"<generate-a-secure-random-token>", "process.env.TWILIO_AUTH_TOKEN",
		"os.environ[\"TWILIO_AUTH_TOKEN\"]", "${TWILIO_AUTH_TOKEN}",
		"{{ twilio_token }}", "aaaaaaaaaaaaaaaa", "changeme", "EXAMPLEKEY123",
		"ENV['TWILIO_AUTH_TOKEN']", "********", NULL
	};
	const char *const *p;
	fixture f;

	for (p = placeholders; *p; p++) {
		if (!lg_is_placeholder(*p, strlen(*p)))
			fprintf(stderr, "not a placeholder: %s\n", *p);
		CHECK(lg_is_placeholder(*p, strlen(*p)));
	}
	CHECK(!lg_is_placeholder(HEX32, 32));
	CHECK(!lg_is_placeholder(SID, 34));

	fixture_init(&f, "[" RULE("v", "TOKEN=(\\\\S{8,64})", "\"secret_group\": 1,") "]", NULL);
	scan_str(&f, "TOKEN=your_auth_token_here\nTOKEN=<generate-a-secure-random-token>\n"
		     "TOKEN=process.env.TWILIO_AUTH_TOKEN\nTOKEN=" HEX32 "\n");
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.found[0].line, 4);
	fixture_free(&f);
}

TEST(test_matcher__inline_allow_marker)
{
	fixture f;
	const char *buf = SID " # leakgate:allow test fixture\n" SID "\n";

	fixture_init(&f, "[" SID_RULE "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.found[0].line, 2);
	fixture_free(&f);
}

/* A GitHub-style token with a valid checksum over a fixed body. */
static void make_token(char out[41], const char *body30)
{
	char sum[7];

	lg_checksum__base62(sum, lg_checksum__crc32(body30, 30));
	snprintf(out, 41, "ghp_%s%s", body30, sum);
}

TEST(test_matcher__github_checksum)
{
	fixture f;
	char token[41], buf[64];

	CHECK_EQ_INT(lg_checksum__crc32("123456789", 9), 0xCBF43926u);
	make_token(token, "R7qLw2Zp9KdT4mXc8VbN3sYh6JfG1a");
	CHECK(lg_checksum__token_valid(token, strlen(token)));
	fixture_init(&f, "[" RULE("gh", "\\\\bghp_[A-Za-z0-9]{36}\\\\b", "\"checksum\": \"github_crc32\",") "]", NULL);
	snprintf(buf, sizeof(buf), "token: %s\n", token);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	token[10] = token[10] == 'Z' ? 'Y' : 'Z';
	snprintf(buf, sizeof(buf), "token: %s\n", token);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 0);
	fixture_free(&f);
}

TEST(test_matcher__match_cap)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;
	char buf[1024];
	size_t used = 0;
	fixture f;
	int i;

	opts.max_matches_per_buffer = 3;
	for (i = 0; i < 10; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "AC%030x%02d\n",
					 i * 7919 + 12345, i);
	fixture_init(&f, "[" RULE("sid", "\\\\bAC[0-9a-f]{32}\\\\b", "") "]", &opts);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 3);
	CHECK_EQ_INT(f.result.capped, 1);
	fixture_free(&f);
}

TEST(test_matcher__reported_once_despite_many_ends)
{
	fixture f;
	const char *buf = "k=" HEX32 "abcdef12 end";

	fixture_init(&f, "[" RULE("r", "k=[0-9a-f]{32,40}", "") "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_STR(secret_of(&f, buf, 0), "k=" HEX32 "abcdef12");
	CHECK(f.result.candidates > 1);
	fixture_free(&f);
}

TEST(test_matcher__binary_flag)
{
	fixture f;
	const char buf[] = "\x00\x01\x02 " SID;

	fixture_init(&f, "[" SID_RULE "]", NULL);
	scan(&f, buf, sizeof(buf) - 1);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.result.binary, 1);
	scan_str(&f, SID);
	CHECK_EQ_INT(f.result.binary, 0);
	fixture_free(&f);
}

TEST(test_matcher__prefilter_rule_confirmed_by_pcre2)
{
	fixture f;

	fixture_init(&f, "[" RULE("p", "secret_(?=[0-9]{4})[0-9a-z]{6}", "") "]", NULL);
	CHECK(lg_ruleset_get(f.rules, 0)->prefilter == 1);
	scan_str(&f, "secret_ab1234 secret_1234ab");
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.found[0].secret_start, 14);
	fixture_free(&f);
}

TEST(test_matcher__empty_buffer)
{
	fixture f;

	fixture_init(&f, "[" SID_RULE "]", NULL);
	scan(&f, "", 0);
	CHECK_EQ_INT(f.count, 0);
	CHECK_EQ_INT(lg_matcher_scan(f.m, f.s, NULL, 0, collect, &f, NULL), 0);
	fixture_free(&f);
}

TEST(test_matcher__entropy)
{
	CHECK(fabs(lg_entropy("aaaa", 4)) < 1e-9);
	CHECK(fabs(lg_entropy("abcd", 4) - 2.0) < 1e-9);
	CHECK(fabs(lg_entropy("", 0)) < 1e-9);
	CHECK(fabs(lg_entropy(HEX32, 32) - 3.5) < 0.5);
}

TEST(test_matcher__catastrophic_regex_is_bounded)
{
	fixture f;
	char *buf = malloc(5002);

	memset(buf, 'a', 5000);
	buf[5000] = '!';
	buf[5001] = '\0';
	fixture_init(&f, "[" RULE("slow", "(a|aa)+c", "") "]", NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 0);
	fixture_free(&f);
	free(buf);
}

typedef struct {
	size_t calls, negatives;
	char last_rule[64];
} check_log;

static void on_failure(const lg_rule *rule, const char *example, int negative, void *payload)
{
	check_log *log = payload;

	(void)example;
	log->calls++;
	log->negatives += negative != 0;
	snprintf(log->last_rule, sizeof(log->last_rule), "%s", rule->id);
}

TEST(test_matcher__rules_check_counts_failures)
{
	const char *json = "[{\"id\": \"good\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
			   " \"regex\": \"\\\\bAC[0-9a-f]{32}\\\\b\", \"examples\": [\"" SID "\"],"
			   " \"negative_examples\": [\"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]},"
			   " {\"id\": \"bad\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
			   " \"regex\": \"\\\\bSK[0-9a-f]{32}\\\\b\", \"examples\": [\"SK0123\"],"
			   " \"negative_examples\": [\"SK" HEX32 "\"]}]";
	lg_ruleset *rs;
	lg_matcher *m;
	size_t failures = 99;
	check_log log = { 0, 0, "" };

	CHECK_EQ_INT(lg_ruleset_load_buffer(&rs, "t.json", json, strlen(json), NULL, NULL), 0);
	CHECK_EQ_INT(lg_matcher_new(&m, rs, NULL), 0);
	CHECK_EQ_INT(lg_rules_check(&failures, m, on_failure, &log), 0);
	CHECK_EQ_INT(failures, 2);
	CHECK_EQ_INT(log.calls, 2);
	CHECK_EQ_INT(log.negatives, 1);
	CHECK_EQ_STR(log.last_rule, "bad");
	lg_matcher_free(m);
	lg_ruleset_free(rs);
}

/* The single cache file in `dir`, or "" when there is not exactly one. */
static void only_cache_file(char *out, size_t cap, const char *dir)
{
	char cmd[600];
	FILE *p;

	out[0] = '\0';
	snprintf(cmd, sizeof(cmd), "ls %s/hsdb-*.bin 2>/dev/null", dir);
	p = popen(cmd, "r");
	if (!p)
		return;
	if (!fgets(out, (int)cap, p))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (fgetc(p) != EOF)
		out[0] = '\0';
	pclose(p);
}

/* The byte at `offset` of `path`, or -1. */
static int file_byte(const char *path, long offset)
{
	FILE *f = fopen(path, "rb");
	int c = -1;

	if (f && fseek(f, offset, SEEK_SET) == 0)
		c = fgetc(f);
	if (f)
		fclose(f);
	return c;
}

/* Flips the lowest bit of the byte at `offset` of `path`, in place. */
static void flip_byte(const char *path, long offset)
{
	int c = file_byte(path, offset);
	FILE *f = fopen(path, "r+b");

	CHECK(c >= 0 && f != NULL);
	if (f && c >= 0 && fseek(f, offset, SEEK_SET) == 0)
		fputc(c ^ 1, f);
	if (f)
		fclose(f);
}

TEST(test_matcher__database_cache)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;
	char dir[] = "/tmp/lg-cache-XXXXXX", file[512], cmd[600];
	struct stat st;
	fixture f;
	FILE *garbage;
	int original;

	CHECK(mkdtemp(dir) != NULL);
	opts.cache_dir = dir;
	fixture_init(&f, "[" SID_RULE "]", &opts);
	fixture_free(&f);
	only_cache_file(file, sizeof(file), dir);
	CHECK(file[0] != '\0');
	CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);

	fixture_init(&f, "[" SID_RULE "]", &opts); /* from the cache */
	scan_str(&f, SID);
	CHECK_EQ_INT(f.count, 1);
	fixture_free(&f);
	original = file_byte(file, st.st_size - 100);

	/* One flipped bit deep in the image: the checksum catches it. */
	flip_byte(file, st.st_size - 100);
	fixture_init(&f, "[" SID_RULE "]", &opts); /* rebuilt */
	scan_str(&f, SID);
	CHECK_EQ_INT(f.count, 1);
	fixture_free(&f);
	CHECK(file_byte(file, st.st_size - 100) == original);

	/* The header page alone: no image to read. */
	CHECK_EQ_INT(truncate(file, 4096), 0);
	fixture_init(&f, "[" SID_RULE "]", &opts); /* rebuilt */
	scan_str(&f, SID);
	CHECK_EQ_INT(f.count, 1);
	fixture_free(&f);
	CHECK(stat(file, &st) == 0 && st.st_size > 4096);

	garbage = fopen(file, "w");
	CHECK(garbage != NULL);
	if (garbage) {
		fputs("not a hyperscan database", garbage);
		fclose(garbage);
	}
	fixture_init(&f, "[" SID_RULE "]", &opts); /* rebuilt */
	scan_str(&f, SID);
	CHECK_EQ_INT(f.count, 1);
	fixture_free(&f);
	CHECK(stat(file, &st) == 0 && st.st_size > 100);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_matcher__secret_at_offset_zero),
	TEST_ENTRY(test_matcher__secret_at_end_without_newline),
	TEST_ENTRY(test_matcher__crlf_is_not_part_of_the_secret),
	TEST_ENTRY(test_matcher__overlapping_rules_both_reported_in_order),
	TEST_ENTRY(test_matcher__columns_count_code_points),
	TEST_ENTRY(test_matcher__min_entropy),
	TEST_ENTRY(test_matcher__keywords_within_256_bytes_before),
	TEST_ENTRY(test_matcher__rule_allow_pattern),
	TEST_ENTRY(test_matcher__placeholders_are_not_secrets),
	TEST_ENTRY(test_matcher__inline_allow_marker),
	TEST_ENTRY(test_matcher__github_checksum),
	TEST_ENTRY(test_matcher__match_cap),
	TEST_ENTRY(test_matcher__reported_once_despite_many_ends),
	TEST_ENTRY(test_matcher__binary_flag),
	TEST_ENTRY(test_matcher__prefilter_rule_confirmed_by_pcre2),
	TEST_ENTRY(test_matcher__empty_buffer),
	TEST_ENTRY(test_matcher__entropy),
	TEST_ENTRY(test_matcher__catastrophic_regex_is_bounded),
	TEST_ENTRY(test_matcher__rules_check_counts_failures),
	TEST_ENTRY(test_matcher__database_cache),
};

TEST_MAIN(tests)
