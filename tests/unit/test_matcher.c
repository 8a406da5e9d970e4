/*
 * test_matcher.c - candidates, confirmation, filters, positions, cache.
 */
#include "match/match.h"
#include "rules/rules.h"
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

/* Two rules find a secret starting at the same byte, the general one
 * stopping earlier: the rule that declares it supersedes the other
 * reports it alone, whichever is listed first, and a rule that declares
 * nothing still reports beside them. */
TEST(test_matcher__supersedes_reports_the_specific_rule_once)
{
	fixture f;
	const char *buf = "key=sk-proj-0123456789abcdefghijT3BlbkFJ0123456789abcdefghij\n";
	const char *general = RULE("legacy", "(sk-[a-z-]{0,8}[0-9a-j]{20}T3BlbkFJ[0-9a-j]{10})",
				   "\"secret_group\": 1,");
	const char *specific = RULE("project", "(sk-proj-[0-9a-j]{20}T3BlbkFJ[0-9a-j]{20})",
				    "\"secret_group\": 1, \"supersedes\": [\"legacy\", \"absent\"],");
	lg_buf json = LG_BUF_INIT;

	lg_buf__printf(&json, "[%s,%s]", general, specific);
	fixture_init(&f, json.ptr, NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_STR(f.found[0].rule->id, "project");
	CHECK_EQ_STR(secret_of(&f, buf, 0), "sk-proj-0123456789abcdefghijT3BlbkFJ0123456789abcdefghij");
	fixture_free(&f);
	json.len = 0;
	lg_buf__printf(&json, "[%s,%s,%s]", specific, general,
		       RULE("other", "(sk-proj-[0-9a-j]{10})", "\"secret_group\": 1,"));
	fixture_init(&f, json.ptr, NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 2);
	CHECK_EQ_STR(f.found[0].rule->id, "project");
	CHECK_EQ_STR(f.found[1].rule->id, "other");
	fixture_free(&f);
	lg_buf__release(&json);
}

/* A free-form secret stops at a quote or a string escape: the rest of the
 * quoted string that holds it is not part of it. */
TEST(test_matcher__secret_stops_at_escapes_and_quotes)
{
	fixture f;
	/* one escape a line: no line is decoded (escape decoding needs two) */
	const char *buf = "\"password Zq8mW3xR7tLp\\n\" and password Ny4kV9sQ2hJb\"x\n"
			  "password Bk7\\\\dR5tW2\npassword \\\"Ab9kLm2Qx\n";

	fixture_init(&f, "[" RULE("pw", "password ([^\\\\s]{6,64})", "\"secret_group\": 1,") "]",
		     NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 3);
	CHECK_EQ_STR(secret_of(&f, buf, 0), "Zq8mW3xR7tLp");
	CHECK_EQ_INT(f.found[0].end_column - f.found[0].column, 12);
	CHECK_EQ_STR(secret_of(&f, buf, 1), "Ny4kV9sQ2hJb");
	CHECK_EQ_STR(secret_of(&f, buf, 2), "Bk7");
	fixture_free(&f);
}

/* A documented public value in the rule files' known non-secrets is never
 * reported, alone or inside a longer secret; a value that merely shares a
 * part of it is. */
TEST(test_matcher__known_non_secrets_are_not_findings)
{
	fixture f;
	const char *json = "{\"rules\": [" RULE("key", "key=([A-Za-z0-9]{16,40})", "\"secret_group\": 1,")
			   "], \"known_non_secrets\": [{\"secret\": \"Pub1icEmu1atorKey0\","
			   " \"name\": \"an emulator's key\", \"source\": \"https://emulator.test/docs\"}]}";
	const char *buf = "key=Pub1icEmu1atorKey0\nkey=xxPub1icEmu1atorKey0yy\nkey=Pub1icEmu1atorKeyZ\n";

	fixture_init(&f, json, NULL);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_STR(secret_of(&f, buf, 0), "Pub1icEmu1atorKeyZ");
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
		"ENV['TWILIO_AUTH_TOKEN']", "********",
		"MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.G00g7H.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789AB",
		"sk_live_abcdefghijklmnopqrstuvwx", NULL
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
	/* a common hex example is two runs shorter than a filler's */
	CHECK(!lg_is_placeholder("0123456789abcdef0123456789abcdef", 32));

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

	lg_checksum__base62(sum, lg__crc32(body30, 30));
	snprintf(out, 41, "ghp_%s%s", body30, sum);
}

TEST(test_matcher__github_checksum)
{
	fixture f;
	char token[41], buf[64];

	CHECK_EQ_INT(lg__crc32("123456789", 9), 0xCBF43926u);
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
	/* Three matches, then the fourth secret, where matching stopped:
	 * unconfirmed, saying so, on its own line. */
	CHECK_EQ_INT(f.count, 4);
	CHECK_EQ_INT(f.result.capped, 1);
	CHECK(f.count == 4 && !f.found[2].unconfirmed && !f.found[2].cut_short);
	CHECK(f.count == 4 && f.found[3].cut_short && f.found[3].line == 4 &&
	      strstr(f.found[3].unconfirmed, "the rest of it was not matched"));
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
	CHECK(lg_matcher__facts(f.m, 0)->prefilter == 1);
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

/* ------------------------------------------------------------------------
 * Streams: the same matches as one whole scan, however the input is cut
 * ---------------------------------------------------------------------- */

/* One match as a test compares it: every lg_match field, the secret, and
 * the excerpt a reader of the stream's bytes builds (the secret's line,
 * STREAM_CONTEXT bytes each side). */
#define STREAM_CONTEXT 120
typedef struct {
	lg_match m;
	char text[2 * STREAM_CONTEXT + 600];
} seen_match;

typedef struct {
	seen_match *v;
	size_t count, alloc;
	const char *whole; /* the input, to check the stream's byte copies */
	int bad_bytes;
} seen_list;

static void seen_add(seen_list *l, const lg_match *m, const char *bytes, size_t from)
{
	size_t on_line = m->secret_end < m->line_end ? m->secret_end : m->line_end;
	size_t lo = m->secret_start - m->line_start > STREAM_CONTEXT ?
		m->secret_start - STREAM_CONTEXT : m->line_start;
	size_t hi = m->line_end - on_line > STREAM_CONTEXT ? on_line + STREAM_CONTEXT
							      : m->line_end;
	seen_match *e;

	if (hi < m->secret_end)
		hi = m->secret_end;
	if (l->count == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 64;
		l->v = realloc(l->v, l->alloc * sizeof(*l->v));
	}
	e = &l->v[l->count++];
	memset(e, 0, sizeof(*e));
	e->m = *m;
	if (lo < from || hi - lo >= sizeof(e->text)) {
		l->bad_bytes++;
		return;
	}
	memcpy(e->text, bytes + (lo - from), hi - lo);
	if (l->whole && memcmp(e->text, l->whole + lo, hi - lo) != 0)
		l->bad_bytes++;
}

static int seen_whole(const lg_match *m, void *payload)
{
	seen_list *l = payload;

	seen_add(l, m, l->whole, 0);
	return 0;
}

static int seen_stream(const lg_match *m, const char *bytes, size_t from, void *payload)
{
	seen_add(payload, m, bytes, from);
	return 0;
}

/* A candidate that PCRE2 cannot decide (a limit) is reported unconfirmed,
 * with the reason, never dropped: here a backtracking regex that exceeds
 * PCRE2's default match limit on a line Hyperscan reports. */
TEST(test_matcher__undecided_candidate_is_reported)
{
	fixture f;
	char buf[128];
	size_t len;

	memset(buf, 'x', 40);
	len = 40 + (size_t)snprintf(buf + 40, sizeof(buf) - 40, " xxy1234\n");
	fixture_init(&f, "[" RULE("slow", "(?:x+x+)+y[0-9]{4}", "") "]", NULL);
	scan(&f, buf, len);
	CHECK_EQ_INT(f.count, 1);
	CHECK(f.found[0].unconfirmed != NULL &&
	      strstr(f.found[0].unconfirmed, "match limit") != NULL);
	CHECK_EQ_STR(f.found[0].rule->id, "slow");
	/* The candidate's text up to Hyperscan's end, on its line. */
	CHECK_EQ_INT(f.found[0].secret_end, len - 1);
	CHECK_EQ_INT(f.found[0].line, 1);
	fixture_free(&f);
}

/* The limits come through the options: with a match limit of 1 even a
 * plain token cannot be confirmed, and is reported unconfirmed (whole and
 * streamed alike); with the default limits it is confirmed. */
TEST(test_matcher__match_limit_from_options)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;
	const char *text = "a = tok_abcdefghij\nb = tok_klmnopqrst\n";
	fixture f;
	seen_list whole = { 0 }, streamed = { 0 };
	lg_stream *st = NULL;
	size_t i;

	fixture_init(&f, "[" RULE("tok", "tok_[a-z]{10}", "") "]", NULL);
	scan_str(&f, text);
	CHECK_EQ_INT(f.count, 2);
	CHECK(f.count == 2 && !f.found[0].unconfirmed && !f.found[1].unconfirmed);
	fixture_free(&f);

	/* (PCRE2's JIT counts its limit in its own units; the interpreter
	 * counts every backtracking point.) */
	opts.pcre2_match_limit = 1;
	opts.no_jit = 1;
	fixture_init(&f, "[" RULE("tok", "tok_[a-z]{10}", "") "]", &opts);
	scan_str(&f, text);
	CHECK_EQ_INT(f.count, 2);
	for (i = 0; i < f.count && i < 2; i++) {
		CHECK(f.found[i].unconfirmed != NULL);
		CHECK_EQ_INT(f.found[i].line, i + 1);
	}
	whole.whole = streamed.whole = text;
	CHECK_EQ_INT(lg_matcher_scan(f.m, f.s, text, strlen(text), seen_whole, &whole, NULL), 0);
	CHECK_EQ_INT(lg_matcher__stream_new(&st, f.m, f.s, STREAM_CONTEXT, seen_stream,
					    &streamed), 0);
	for (i = 0; i < strlen(text); i += 5)
		CHECK_EQ_INT(lg_matcher__stream_feed(st, text + i, strlen(text) - i < 5 ?
						     strlen(text) - i : 5), 0);
	CHECK_EQ_INT(lg_matcher__stream_finish(st, NULL), 0);
	lg_matcher__stream_free(st);
	CHECK_EQ_INT(streamed.count, whole.count);
	for (i = 0; i < whole.count && i < streamed.count; i++) {
		CHECK(streamed.v[i].m.unconfirmed != NULL);
		CHECK_EQ_INT(streamed.v[i].m.secret_start, whole.v[i].m.secret_start);
		CHECK_EQ_INT(streamed.v[i].m.secret_end, whole.v[i].m.secret_end);
	}
	free(whole.v);
	free(streamed.v);
	fixture_free(&f);
}

/* With report_inline_allowed, the match on the marked line is reported,
 * marked, and the other one is not marked: whole and streamed alike. */
TEST(test_matcher__inline_allow_marker_reported_marked)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;
	const char *buf = SID " # leakgate:allow test fixture\n" SID "\n";
	seen_list streamed = { 0 };
	lg_stream *st = NULL;
	fixture f;
	size_t i;

	opts.report_inline_allowed = 1;
	fixture_init(&f, "[" SID_RULE "]", &opts);
	scan_str(&f, buf);
	CHECK_EQ_INT(f.count, 2);
	CHECK(f.count == 2 && f.found[0].line == 1 && f.found[0].inline_allowed);
	CHECK(f.count == 2 && f.found[1].line == 2 && !f.found[1].inline_allowed);
	streamed.whole = buf;
	CHECK_EQ_INT(lg_matcher__stream_new(&st, f.m, f.s, STREAM_CONTEXT, seen_stream,
					    &streamed), 0);
	for (i = 0; i < strlen(buf); i += 7)
		CHECK_EQ_INT(lg_matcher__stream_feed(st, buf + i, strlen(buf) - i < 7 ?
						     strlen(buf) - i : 7), 0);
	CHECK_EQ_INT(lg_matcher__stream_finish(st, NULL), 0);
	lg_matcher__stream_free(st);
	CHECK_EQ_INT(streamed.count, 2);
	CHECK(streamed.count == 2 && streamed.v[0].m.inline_allowed && !streamed.v[1].m.inline_allowed);
	free(streamed.v);
	fixture_free(&f);
}

/* Two secrets with one delimiter between them: the first match takes the
 * delimiter, and the second is found all the same. */
TEST(test_matcher__adjacent_secrets_share_a_delimiter)
{
	fixture f;
	const char *text = "k=tok_abcdefghij tok_klmnopqrst,tok_uvwxyzabcd\n";

	fixture_init(&f, "[" RULE("tok", "(?:^|[^A-Za-z0-9_])(tok_[a-z]{10})(?:[^A-Za-z0-9_]|$)",
				  "\"secret_group\": 1,") "]", NULL);
	scan_str(&f, text);
	CHECK_EQ_INT(f.count, 3);
	CHECK(f.count == 3 && strcmp(secret_of(&f, text, 1), "tok_klmnopqrst") == 0);
	CHECK(f.count == 3 && strcmp(secret_of(&f, text, 2), "tok_uvwxyzabcd") == 0);
	fixture_free(&f);
}

/* Streams `buf` in chunks of `chunk` bytes (after a first one of `first`,
 * to put boundaries anywhere) and checks it finds what `whole` holds. */
static void check_stream(fixture *f, const char *buf, size_t len, size_t first,
			 size_t chunk, const seen_list *whole, const lg_scan_result *wr)
{
	seen_list got = { NULL, 0, 0, buf, 0 };
	lg_stream *st = NULL;
	lg_scan_result r;
	size_t off = 0, i, n;
	int err = 0;

	CHECK_EQ_INT(lg_matcher__stream_new(&st, f->m, f->s, STREAM_CONTEXT, seen_stream, &got), 0);
	for (n = first ? first : chunk; off < len && !err; off += n, n = chunk)
		err = lg_matcher__stream_feed(st, buf + off, n < len - off ? n : len - off);
	CHECK_EQ_INT(err, 0);
	CHECK_EQ_INT(lg_matcher__stream_finish(st, &r), 0);
	lg_matcher__stream_free(st);
	CHECK_EQ_INT(got.bad_bytes, 0);
	CHECK_EQ_INT(r.matches, wr->matches);
	CHECK_EQ_INT(r.candidates, wr->candidates);
	CHECK_EQ_INT(r.capped, wr->capped);
	CHECK_EQ_INT(r.binary, wr->binary);
	CHECK_EQ_INT(got.count, whole->count);
	for (i = 0; i < got.count && i < whole->count; i++) {
		const lg_match *a = &got.v[i].m, *b = &whole->v[i].m;

		if (a->rule != b->rule || a->match_start != b->match_start ||
		    a->match_end != b->match_end || a->secret_start != b->secret_start ||
		    a->secret_end != b->secret_end || a->line != b->line ||
		    a->column != b->column || a->end_column != b->end_column ||
		    a->line_start != b->line_start || a->line_end != b->line_end ||
		    a->inline_allowed != b->inline_allowed ||
		    strcmp(got.v[i].text, whole->v[i].text) != 0) {
			fprintf(stderr, "chunks %zu/%zu: match %zu differs: %s@%zu line %zu:%zu-%zu"
				" vs %s@%zu line %zu:%zu-%zu\n", first, chunk, i,
				a->rule->id, a->secret_start, a->line, a->column, a->end_column,
				b->rule->id, b->secret_start, b->line, b->column, b->end_column);
			CHECK(0);
			break;
		}
	}
	free(got.v);
}

/* Scans `buf` whole, then streamed in chunks of many sizes: one byte, odd
 * sizes, and chunks that end exactly at each listed offset. */
static void check_streams(fixture *f, const char *buf, size_t len, const size_t *cuts,
			  size_t ncuts, const size_t *sizes, size_t nsizes)
{
	seen_list whole = { NULL, 0, 0, buf, 0 };
	lg_scan_result wr;
	size_t i;

	CHECK_EQ_INT(lg_matcher_scan(f->m, f->s, buf, len, seen_whole, &whole, &wr), 0);
	CHECK(whole.count > 0);
	for (i = 0; i < nsizes; i++)
		check_stream(f, buf, len, 0, sizes[i], &whole, &wr);
	for (i = 0; i < ncuts; i++) {
		check_stream(f, buf, len, cuts[i], len, &whole, &wr);
		check_stream(f, buf, len, cuts[i], 997, &whole, &wr);
	}
	free(whole.v);
}

/* Appends `s` to the growing test input. */
static void put(lg_buf *b, const char *s)
{
	CHECK_EQ_INT(lg_buf__puts(b, s), 0);
}

#define STREAM_RULES                                                           \
	"[" SID_RULE "," TOKEN_RULE ","                                        \
	RULE("spaced", "key[ \\\\t]+=[ \\\\t]*([a-z0-9]{20})\\\\b", "\"secret_group\": 1,") "," \
	RULE("ahead", "pw_[a-z0-9]{12}(?![a-z0-9])", "") "," \
	RULE("greedy", "gr_[a-z0-9]{8,40}", "") "," \
	RULE("kw", "\\\\b([A-Z]{4}[0-9]{8})\\\\b", "\"secret_group\": 1, \"keywords\": [\"vault\"],") "]"
/* Without the unbounded rule, whose 4 KiB confirm window hides how much
 * the other rules need kept: 256 bytes for keywords. */
#define BOUNDED_STREAM_RULES                                                   \
	"[" SID_RULE ","                                                       \
	RULE("token", "(?i)twilio_auth_token\\\\s{0,3}[=:]\\\\s{0,3}[\\\"']?([0-9a-f]{32})\\\\b", \
	     "\"secret_group\": 1,") ","                                         \
	RULE("ahead", "pw_[a-z0-9]{12}(?![a-z0-9])", "") "," \
	RULE("greedy", "gr_[a-z0-9]{8,40}", "") "," \
	RULE("kw", "\\\\b([A-Z]{4}[0-9]{8})\\\\b", "\"secret_group\": 1, \"keywords\": [\"vault\"],") "]"

TEST(test_matcher__stream_matches_whole_scan)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;
	fixture f;
	lg_buf b = LG_BUF_INIT;
	size_t cuts[8], ncuts = 0, i, n;
	static const size_t sizes[] = { 1, 2, 3, 7, 13, 64, 255, 256, 257, 1000, 4096, 1 << 20 };
	char line[256];

	fixture_init(&f, STREAM_RULES, NULL);
	/* Many lines before the first secret: line numbers carry over. */
	for (i = 0; i < 150; i++) {
		snprintf(line, sizeof(line), "line %zu: caf\xc3\xa9 na\xc3\xafve text\n", i);
		put(&b, line);
	}
	put(&b, "sid=");
	cuts[ncuts++] = b.len + 10;         /* a secret straddling a cut */
	put(&b, SID "\n");
	cuts[ncuts++] = b.len;              /* a cut right at a secret's start */
	put(&b, SID " and ");
	n = b.len;
	put(&b, "twilio_auth_token = '" HEX32 "' # leakgate:allow\n");
	cuts[ncuts++] = n + 40;             /* an allowed line straddling a cut */
	cuts[ncuts++] = b.len - 8;          /* the marker itself cut */
	put(&b, "TWILIO_AUTH_TOKEN=" HEX32 "\r\n");
	/* A long line: the allow marker far after the secret, beyond any
	 * window. */
	put(&b, "key = abcdefghij0123456789 ");
	for (i = 0; i < 300; i++)
		put(&b, "\xe2\x82\xac filler ");
	put(&b, " leakgate:ALLOW\n");
	/* A long line: the secret far from the line's start (columns). */
	for (i = 0; i < 200; i++)
		put(&b, "\xc3\xa9t\xc3\xa9 ");
	put(&b, "key \t\t = zyxwvutsrq9876543210 pw_abcdef012345 pw_abcdef0123456\n");
	put(&b, "gr_0a1b2c3d4e5f6g7h8i9j0k1l2m3n gr_0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s\n");
	put(&b, "vault:\n");
	for (i = 0; i < 6; i++)
		put(&b, "0123456789012345678901234567890123456789\n");
	put(&b, "ABCD12345678 far from its keyword\nvault ABCD12345678\n");
	cuts[ncuts++] = b.len - 5;
	put(&b, "ends with " SID);
	check_streams(&f, b.ptr, b.len, cuts, ncuts, sizes, sizeof(sizes) / sizeof(*sizes));
	fixture_free(&f);
	fixture_init(&f, BOUNDED_STREAM_RULES, NULL);
	check_streams(&f, b.ptr, b.len, cuts, ncuts, sizes, sizeof(sizes) / sizeof(*sizes));
	fixture_free(&f);
	/* Marked instead of dropped, the allowed lines' matches agree too. */
	opts.report_inline_allowed = 1;
	fixture_init(&f, STREAM_RULES, &opts);
	check_streams(&f, b.ptr, b.len, cuts, ncuts, sizes, sizeof(sizes) / sizeof(*sizes));
	lg_buf__release(&b);
	fixture_free(&f);
}

TEST(test_matcher__stream_keeps_the_match_cap)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;
	fixture f;
	lg_buf b = LG_BUF_INIT;
	static const size_t sizes[] = { 1, 50, 333 };
	size_t i;

	opts.max_matches_per_buffer = 5;
	fixture_init(&f, "[" SID_RULE "]", &opts);
	for (i = 0; i < 20; i++)
		put(&b, "x " SID "\n");
	check_streams(&f, b.ptr, b.len, NULL, 0, sizes, 3);
	lg_buf__release(&b);
	fixture_free(&f);
}

/* Past MAX_CANDIDATES Hyperscan reports (a rule firing at every byte of a
 * run, each candidate then dropped by entropy), matching stops: one
 * unconfirmed match says where, on a line marked leakgate:allow too, and a
 * stream stops at the same report. */
TEST(test_matcher__candidate_cap)
{
	static const size_t sizes[] = { 65536, 100003 };
	const size_t run = 1000100;
	fixture f;
	lg_buf b = LG_BUF_INIT;
	char *xs;

	fixture_init(&f, "[" RULE("run", "x[a-z0-9]{7}", "\"min_entropy\": 2.5,") "]", NULL);
	put(&b, "# leakgate:allow ");
	ASSERT((xs = malloc(run)) != NULL);
	memset(xs, 'x', run);
	CHECK_EQ_INT(lg_buf__add(&b, xs, run), 0);
	free(xs);
	put(&b, "\n");
	scan(&f, b.ptr, b.len - run / 10); /* below the cap: nothing */
	CHECK_EQ_INT(f.count, 0);
	CHECK_EQ_INT(f.result.capped, 0);
	scan(&f, b.ptr, b.len);
	CHECK_EQ_INT(f.count, 1);
	CHECK_EQ_INT(f.result.capped, 1);
	CHECK(f.result.candidates > 1000000);
	CHECK(f.count == 1 && f.found[0].cut_short && f.found[0].line == 1 &&
	      !f.found[0].inline_allowed &&
	      strcmp(f.found[0].unconfirmed,
		     "over 1000000 candidates in this blob: the rest of it was not matched") == 0);
	check_streams(&f, b.ptr, b.len, NULL, 0, sizes, 2);
	lg_buf__release(&b);
	fixture_free(&f);
}

/* The rule pack itself: unbounded rules, lookbehinds, a tail of 64 KiB,
 * over an input several tails long. */
TEST(test_matcher__stream_with_the_rule_pack)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	fixture f;
	lg_buf b = LG_BUF_INIT;
	static const size_t sizes[] = { 4093, 65536, 100003 };
	size_t cuts[4], i, j;
	char line[160];

	memset(&f, 0, sizeof(f));
	CHECK_EQ_INT(lg_ruleset_load(&f.rules, paths, 1, NULL, NULL), 0);
	CHECK_EQ_INT(lg_matcher_new(&f.m, f.rules, NULL), 0);
	CHECK_EQ_INT(lg_scratch_new(&f.s, f.m), 0);
	for (j = 0; j < 4; j++) {
		for (i = 0; i < 1500; i++) {
			snprintf(line, sizeof(line), "const value%zu = \"%08zx\"; // ordinary code\n",
				 i, i * 2654435761u);
			put(&b, line);
		}
		cuts[j] = b.len + 30;
		put(&b, "aws_access_key_id = AKIAZ3MHQ7VJX2LTRN5K\n"
			"aws_secret_access_key = \"q8Hc2LzT9vW4bN1mK7xR3pJ6sD0fG5aE2uY8iO4w\"\n"
			"url = https://admin:s3cr3tPassw0rd@db.internal.example.org/x\n"
			"token: ghp_" "R8nVb2Xq7LmT4kP9wZ3sY6dF1hJ5gC0aE2uI leakgate:allow\n"
			"machine api.host.org login me password hunter2hunter2\n");
	}
	check_streams(&f, b.ptr, b.len, cuts, 4, sizes, 3);
	lg_buf__release(&b);
	fixture_free(&f);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_matcher__secret_at_offset_zero),
	TEST_ENTRY(test_matcher__inline_allow_marker_reported_marked),
	TEST_ENTRY(test_matcher__secret_at_end_without_newline),
	TEST_ENTRY(test_matcher__crlf_is_not_part_of_the_secret),
	TEST_ENTRY(test_matcher__overlapping_rules_both_reported_in_order),
	TEST_ENTRY(test_matcher__supersedes_reports_the_specific_rule_once),
	TEST_ENTRY(test_matcher__secret_stops_at_escapes_and_quotes),
	TEST_ENTRY(test_matcher__known_non_secrets_are_not_findings),
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
	TEST_ENTRY(test_matcher__undecided_candidate_is_reported),
	TEST_ENTRY(test_matcher__match_limit_from_options),
	TEST_ENTRY(test_matcher__adjacent_secrets_share_a_delimiter),
	TEST_ENTRY(test_matcher__rules_check_counts_failures),
	TEST_ENTRY(test_matcher__database_cache),
	TEST_ENTRY(test_matcher__stream_matches_whole_scan),
	TEST_ENTRY(test_matcher__stream_keeps_the_match_cap),
	TEST_ENTRY(test_matcher__candidate_cap),
	TEST_ENTRY(test_matcher__stream_with_the_rule_pack),
};

TEST_MAIN(tests)
