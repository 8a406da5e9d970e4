/*
 * test_rules.c - loading and validating rule files.
 */
#include "match/match.h"
#include "rules/rules.h"
#include "test.h"

#include <unistd.h>

/* Collects every problem message, one a line. */
static void collect(const char *message, void *payload)
{
	lg_buf *b = payload;

	lg_buf__printf(b, "%s\n", message);
}

#define VALID_RULE(id)                                                         \
	"{\"id\": \"" id "\", \"name\": \"Twilio Account SID\","               \
	" \"description\": \"d\", \"severity\": \"medium\","                   \
	" \"regex\": \"\\\\bAC[0-9a-f]{32}\\\\b\","                            \
	" \"examples\": [\"AC0123456789abcdef0123456789abcdef\"],"            \
	" \"negative_examples\": []}"

/* Loads `json` as file "f.json"; returns the result, fills *problems. */
static int load(lg_ruleset **rs, lg_buf *problems, const char *json)
{
	*rs = NULL;
	return lg_ruleset_load_buffer(rs, "f.json", json, strlen(json), collect,
				      problems);
}

/* Checks that loading `json` succeeds but Hyperscan's analysis (which the
 * matcher runs) refuses it with exactly `expected`. */
static void expect_hyperscan_problem(const char *json, const char *expected)
{
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs;

	CHECK_EQ_INT(load(&rs, &problems, json), 0);
	if (rs)
	{
		lg_rule_facts *facts = calloc(lg_ruleset_count(rs) + 1, sizeof(*facts));

		ASSERT(facts != NULL);
		CHECK_EQ_INT(lg_match__rule_facts(facts, rs, collect, &problems), LG_ERULES);
		free(facts);
	}
	CHECK_EQ_STR(problems.ptr, expected);
	lg_buf__release(&problems);
	lg_ruleset_free(rs);
}

/* Checks that loading `json` fails with exactly `expected` as its only
 * problem. */
static void expect_problem(const char *json, const char *expected)
{
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs;

	CHECK_EQ_INT(load(&rs, &problems, json), LG_ERULES);
	CHECK(rs == NULL);
	CHECK_EQ_STR(problems.ptr, expected);
	lg_buf__release(&problems);
}

TEST(test_rules__valid_rule_loads_with_defaults)
{
	lg_buf problems = LG_BUF_INIT;
	lg_rule_facts facts;
	lg_ruleset *rs;
	const lg_rule *r;

	CHECK_EQ_INT(load(&rs, &problems, "[" VALID_RULE("twilio-account-sid") "]"), 0);
	CHECK(problems.ptr == NULL);
	CHECK_EQ_INT(lg_ruleset_count(rs), 1);
	r = lg_ruleset_get(rs, 0);
	CHECK_EQ_STR(r->id, "twilio-account-sid");
	CHECK_EQ_INT(r->severity, LG_SEVERITY_MEDIUM);
	CHECK_EQ_INT(r->confidence, LG_CONFIDENCE_MEDIUM);
	CHECK_EQ_INT(r->secret_group, 0);
	/* Hyperscan's analysis is the matcher's (match/facts.c). */
	CHECK_EQ_INT(lg_match__rule_facts(&facts, rs, collect, &problems), 0);
	CHECK_EQ_INT(facts.max_width, 34);
	CHECK_EQ_INT(facts.prefilter, 0);
	CHECK_EQ_INT(r->example_count, 1);
	CHECK_EQ_STR(r->source_file, "f.json");
	CHECK(lg_ruleset_find(rs, "twilio-account-sid") == r);
	CHECK(lg_ruleset_find(rs, "nope") == NULL);
	CHECK_EQ_INT(strlen(lg_ruleset_hash(rs)), 40);
	lg_ruleset_free(rs);
}

TEST(test_rules__object_with_rules_array)
{
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs;

	CHECK_EQ_INT(load(&rs, &problems, "{\"rules\": [" VALID_RULE("a") "," VALID_RULE("b") "]}"), 0);
	CHECK_EQ_INT(lg_ruleset_count(rs), 2);
	CHECK_EQ_INT(lg_ruleset_get(rs, 1)->index, 1);
	lg_ruleset_free(rs);
}

TEST(test_rules__invalid_json)
{
	expect_problem("[{\"id\": ", "f.json: invalid JSON near byte 7\n");
}

TEST(test_rules__not_a_list)
{
	expect_problem("42", "f.json: expected a JSON array of rules or an object with a 'rules' array\n");
}

TEST(test_rules__missing_fields)
{
	expect_problem("[{\"id\": \"x\", \"name\": \"n\", \"severity\": \"low\","
		       " \"regex\": \"abc\", \"examples\": [\"abc\"]}]",
		       "f.json: rule x: missing field 'description'\n"
		       "f.json: rule x: missing field 'negative_examples'\n");
}

TEST(test_rules__missing_id_names_position)
{
	expect_problem("[" VALID_RULE("a") ", {\"name\": \"n\", \"description\": \"d\","
		       " \"severity\": \"low\", \"regex\": \"abc\", \"examples\": [\"abc\"],"
		       " \"negative_examples\": []}]",
		       "f.json: rule #2: missing field 'id'\n");
}

TEST(test_rules__mistyped_fields)
{
	expect_problem("[{\"id\": \"x\", \"name\": 3, \"description\": \"d\","
		       " \"severity\": \"urgent\", \"regex\": \"abc\", \"min_entropy\": \"high\","
		       " \"keywords\": \"twilio\", \"examples\": [\"abc\"], \"negative_examples\": [1]}]",
		       "f.json: rule x: field 'name' must be a string\n"
		       "f.json: rule x: field 'severity' must be one of: low, medium, high, critical\n"
		       "f.json: rule x: field 'min_entropy' must be a number from 0 to 8\n"
		       "f.json: rule x: field 'keywords' must be an array of strings\n"
		       "f.json: rule x: field 'negative_examples' item 0 must be a non-empty string\n");
}

TEST(test_rules__unknown_field_is_a_typo)
{
	expect_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"abc\", \"regexp\": \"abd\", \"examples\": [\"abc\"], \"negative_examples\": []}]",
		       "f.json: rule x: unknown field 'regexp'\n");
}

TEST(test_rules__bad_id)
{
	expect_problem("[" VALID_RULE("Bad Id") "]",
		       "f.json: rule Bad Id: id must be 1-128 characters of a-z, 0-9, '-', '_', '.'\n");
}

TEST(test_rules__pcre2_refusal)
{
	expect_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"ab(c\", \"examples\": [\"abc\"], \"negative_examples\": []}]",
		       "f.json: rule x: regex: PCRE2 refuses it at offset 4: missing closing parenthesis\n");
}

TEST(test_rules__hyperscan_refusal_carries_its_message)
{
	expect_hyperscan_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"ab\\\\Kc\", \"examples\": [\"abc\"], \"negative_examples\": []}]",
		       "f.json: rule x: regex: Hyperscan refuses it: \\K at index 2 not supported.\n");
}

TEST(test_rules__lookaround_uses_prefilter)
{
	lg_buf problems = LG_BUF_INIT;
	lg_rule_facts facts;
	lg_ruleset *rs;

	CHECK_EQ_INT(load(&rs, &problems, "[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\","
			  " \"severity\": \"low\", \"regex\": \"key(?=[0-9])\", \"examples\": [\"key1\"],"
			  " \"negative_examples\": []}]"), 0);
	ASSERT(rs != NULL);
	CHECK(lg_match__rule_facts(&facts, rs, collect, &problems) == 0);
	CHECK_EQ_INT(facts.prefilter, 1);
	lg_ruleset_free(rs);
}

TEST(test_rules__empty_match_refused)
{
	expect_hyperscan_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"a{0,3}\", \"examples\": [\"aa\"], \"negative_examples\": []}]",
		       "f.json: rule x: regex can match the empty string\n");
}

TEST(test_rules__secret_group_beyond_captures)
{
	expect_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"a(b)c\", \"secret_group\": 2, \"examples\": [\"abc\"], \"negative_examples\": []}]",
		       "f.json: rule x: secret_group 2 but the regex has 1 capture group\n");
}

TEST(test_rules__allow_pattern_must_compile)
{
	expect_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"abc\", \"allow\": [\"[\"], \"examples\": [\"abc\"], \"negative_examples\": []}]",
		       "f.json: rule x: allow pattern: PCRE2 refuses it at offset 1: missing terminating ] for character class\n");
}

TEST(test_rules__examples_required)
{
	expect_problem("[{\"id\": \"x\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"abc\", \"examples\": [], \"negative_examples\": []}]",
		       "f.json: rule x: field 'examples' needs at least 1 item\n");
}

TEST(test_rules__directory_in_name_order_and_duplicate_ids)
{
	char dir[] = "/tmp/lg-rules-XXXXXX";
	char cmd[600];
	const char *paths[1] = { dir };
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs = NULL;

	CHECK(mkdtemp(dir) != NULL);
	test_write_file(dir, "b.json", "[" VALID_RULE("dup") "]");
	test_write_file(dir, "a.json", "[" VALID_RULE("first") "," VALID_RULE("dup") "]");
	test_write_file(dir, "notes.txt", "not a rule file");
	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, collect, &problems), LG_ERULES);
	snprintf(cmd, sizeof(cmd), "%s/b.json: rule dup: duplicate id (first defined in %s/a.json)\n", dir, dir);
	CHECK_EQ_STR(problems.ptr, cmd);
	lg_buf__release(&problems);

	test_write_file(dir, "b.json", "[" VALID_RULE("second") "]");
	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, collect, &problems), 0);
	CHECK_EQ_INT(lg_ruleset_count(rs), 3);
	if (rs) {
		CHECK_EQ_STR(lg_ruleset_get(rs, 0)->id, "first");
		CHECK_EQ_STR(lg_ruleset_get(rs, 2)->id, "second");
	}
	lg_ruleset_free(rs);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
}

TEST(test_rules__missing_file)
{
	const char *paths[1] = { "/nonexistent/rules.json" };
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs = NULL;

	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, collect, &problems), LG_ERULES);
	CHECK_EQ_STR(problems.ptr, "/nonexistent/rules.json: cannot read: No such file or directory\n");
	lg_buf__release(&problems);
}

TEST(test_rules__hash_follows_content)
{
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *a, *b, *c;

	CHECK_EQ_INT(load(&a, &problems, "[" VALID_RULE("x") "]"), 0);
	CHECK_EQ_INT(load(&b, &problems, "[" VALID_RULE("x") "]"), 0);
	CHECK_EQ_INT(load(&c, &problems, "[" VALID_RULE("y") "]"), 0);
	if (a && b && c) {
		CHECK_EQ_STR(lg_ruleset_hash(a), lg_ruleset_hash(b));
		CHECK(strcmp(lg_ruleset_hash(a), lg_ruleset_hash(c)) != 0);
	}
	lg_ruleset_free(a);
	lg_ruleset_free(b);
	lg_ruleset_free(c);
}

TEST(test_rules__enum_names_round_trip)
{
	lg_severity s;
	lg_confidence c;

	CHECK_EQ_INT(lg_severity_parse(&s, "critical"), 0);
	CHECK_EQ_INT(s, LG_SEVERITY_CRITICAL);
	CHECK_EQ_STR(lg_severity_name(s), "critical");
	CHECK_EQ_INT(lg_severity_parse(&s, "urgent"), LG_EINVALID);
	CHECK_EQ_INT(lg_confidence_parse(&c, "high"), 0);
	CHECK_EQ_STR(lg_confidence_name(c), "high");
}

/* Where the n-th capturing group of `regex` opens: escapes, character
 * classes and (?...) groups are skipped. NULL when there is none. */
static const char *capture_group(const char *regex, unsigned n)
{
	const char *p;
	unsigned seen = 0;
	int in_class = 0;

	for (p = regex; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (in_class) {
			in_class = *p != ']';
		} else if (*p == '[') {
			in_class = 1;
			p += p[1] == '^';
			p += p[1] == ']'; /* a leading ']' is literal */
		} else if (*p == '(' && p[1] != '?' && ++seen == n) {
			return p;
		}
	}
	return NULL;
}

/* A secret group made of one character class and a count, such as
 * ([0-9a-f]{32}) or ([A-Za-z0-9_-]{20,40}): its characters (in `alphabet`,
 * NUL-terminated) and its shortest length. 0 for any other shape. */
static int simple_secret_shape(char alphabet[128], unsigned *length, const char *group)
{
	const char *p = group;
	size_t n = 0;
	char *end;
	int c;

	if (strncmp(p, "([", 2) != 0)
		return 0;
	for (p += 2; *p && *p != ']'; p++) {
		if (*p == '\\' || *p == '^')
			return 0;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			for (c = p[0]; c <= p[2] && n < 127; c++)
				alphabet[n++] = (char)c;
			p += 2;
		} else if (n < 127) {
			alphabet[n++] = *p;
		}
	}
	alphabet[n] = '\0';
	if (strncmp(p, "]{", 2) != 0)
		return 0;
	*length = (unsigned)strtoul(p + 2, &end, 10);
	if (*end == ',')
		strtoul(end + 1, &end, 10);
	return n > 1 && *length > 0 && strncmp(end, "})", 2) == 0;
}

/* A fixed-seed generator, so the check below gives the same answer each run. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* The share of uniformly random secrets of the given shape whose entropy is
 * under `min_entropy`: real secrets the rule would throw away. */
static double share_rejected(const char *alphabet, unsigned length, double min_entropy)
{
	enum { SAMPLES = 10000 };
	size_t size = strlen(alphabet);
	uint64_t state = 0x9e3779b97f4a7c15ULL;
	char secret[512];
	unsigned i, j, rejected = 0;

	if (length > sizeof(secret))
		length = sizeof(secret);
	for (i = 0; i < SAMPLES; i++) {
		for (j = 0; j < length; j++)
			secret[j] = alphabet[next_random(&state) % size];
		rejected += lg_entropy(secret, length) < min_entropy;
	}
	return (double)rejected / SAMPLES;
}

/* Random secrets have uneven letter counts: a short hex token has less than
 * 4 bits a character of Shannon entropy more often than one would think (a
 * 32-digit one is under 3.5 one time in five). A rule's min_entropy must
 * let real secrets through; at most 1 in 1000 may fall under it. */
TEST(test_rules__min_entropy_keeps_random_secrets_of_the_rule_shape)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs = NULL;
	char alphabet[128];
	unsigned length;
	size_t i, checked = 0;
	double share;

	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, collect, &problems), 0);
	for (i = 0; rs && i < lg_ruleset_count(rs); i++) {
		const lg_rule *r = lg_ruleset_get(rs, i);
		const char *group = r->regex ? capture_group(r->regex, r->secret_group) : NULL;

		if (r->min_entropy <= 0 || !group ||
		    !simple_secret_shape(alphabet, &length, group))
			continue;
		checked++;
		share = share_rejected(alphabet, length, r->min_entropy);
		if (share > 0.001)
			fprintf(stderr, "rule %s: min_entropy %.2f rejects %.2f%% of random [%s]{%u}\n",
				r->id, r->min_entropy, 100 * share, alphabet, length);
		CHECK(share <= 0.001);
	}
	/* The shape parser must keep up with the pack, or this checks nothing. */
	CHECK(checked >= 50);
	lg_ruleset_free(rs);
	lg_buf__release(&problems);
}

/* A rule whose secret is free-form, which is every rule without a
 * checksum, needs an entropy floor: without one a run of one letter in the
 * token's alphabet (AAAA...A%0d%0a) is a finding. (A pair rule has no
 * regex: its parts' rules have the floors.) */
TEST(test_rules__every_rule_without_a_checksum_has_an_entropy_floor)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_ruleset *rs = NULL;
	size_t i;

	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, NULL, NULL), 0);
	for (i = 0; rs && i < lg_ruleset_count(rs); i++) {
		const lg_rule *r = lg_ruleset_get(rs, i);

		if (r->regex && r->checksum == LG_CHECKSUM_NONE && r->min_entropy <= 0) {
			fprintf(stderr, "rule %s (%s) has no min_entropy\n", r->id, r->source_file);
			CHECK(r->min_entropy > 0);
		}
	}
	lg_ruleset_free(rs);
}

/* Two rules with the same regex find the same secrets under two names: one
 * of them was written by copying the other and never made its own (the
 * MongoDB rule once matched redis:// URIs). */
TEST(test_rules__no_two_rules_share_a_regex)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_ruleset *rs = NULL;
	size_t i, j;

	ASSERT(lg_ruleset_load(&rs, paths, 1, NULL, NULL) == 0);
	for (i = 0; i < lg_ruleset_count(rs); i++) {
		const lg_rule *a = lg_ruleset_get(rs, i);

		for (j = i + 1; a->regex && j < lg_ruleset_count(rs); j++) {
			const lg_rule *b = lg_ruleset_get(rs, j);

			if (b->regex && strcmp(a->regex, b->regex) == 0) {
				fprintf(stderr, "rules %s and %s share a regex\n", a->id, b->id);
				CHECK(strcmp(a->regex, b->regex) != 0);
			}
		}
	}
	lg_ruleset_free(rs);
}

TEST(test_rules__known_non_secrets_and_supersedes_are_validated)
{
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs;
	size_t n;

	expect_problem("{\"known_non_secrets\": [{\"secret\": \"short\", \"name\": \"n\","
		       " \"source\": \"s\", \"why\": \"w\"}, 3, {\"secret\": \"0123456789abcdef\"}]}",
		       "f.json: known non-secret #1: unknown field 'why'\n"
		       "f.json: known non-secret #1: 'secret' must be at least 16 characters\n"
		       "f.json: known non-secret #2: must be a JSON object\n"
		       "f.json: known non-secret #3: field 'name' must be a non-empty string\n"
		       "f.json: known non-secret #3: field 'source' must be a non-empty string\n");
	expect_problem("[{\"id\": \"a\", \"name\": \"n\", \"description\": \"d\", \"severity\": \"low\","
		       " \"regex\": \"abc\", \"examples\": [\"abc\"], \"negative_examples\": [],"
		       " \"supersedes\": [\"a\", \"Not An Id\"]}]",
		       "f.json: rule a: field 'supersedes' names 'a', not another rule's id\n"
		       "f.json: rule a: field 'supersedes' names 'Not An Id', not another rule's id\n");
	CHECK_EQ_INT(load(&rs, &problems, "{\"rules\": [" VALID_RULE("x") "], \"known_non_secrets\":"
			  " [{\"secret\": \"0123456789abcdefg\", \"name\": \"n\", \"source\": \"s\"}]}"), 0);
	CHECK(problems.ptr == NULL);
	if (rs) {
		CHECK_EQ_STR(lg_ruleset__known_non_secrets(rs, &n)[0], "0123456789abcdefg");
		CHECK_EQ_INT(n, 1);
	}
	lg_ruleset_free(rs);
}

/* Extra rules: a rule of a higher layer replaces the rule with its id
 * (dropped, the rest re-indexed); within a layer a repeated id is still a
 * problem. */
TEST(test_rules__higher_layer_replaces_same_id)
{
	const char *base = "[" VALID_RULE("a") "," VALID_RULE("b") "," VALID_RULE("c") "]";
	const char *extra = "[" VALID_RULE("b") "," VALID_RULE("d") "]";
	lg_rule_source sources[3] = { { "base.json", base, 0, 0 }, { "extra.json", extra, 0, 1 },
				      { "again.json", extra, 0, 1 } };
	lg_buf problems = LG_BUF_INIT;
	lg_ruleset *rs = NULL;
	size_t i;

	sources[0].len = strlen(base);
	sources[1].len = sources[2].len = strlen(extra);
	CHECK_EQ_INT(lg_ruleset_load_sources(&rs, sources, 2, collect, &problems), 0);
	CHECK(problems.ptr == NULL);
	CHECK_EQ_INT(lg_ruleset_count(rs), 4);
	for (i = 0; rs && i < lg_ruleset_count(rs); i++)
		CHECK_EQ_INT(lg_ruleset_get(rs, i)->index, i);
	if (rs) {
		CHECK_EQ_STR(lg_ruleset_find(rs, "b")->source_file, "extra.json");
		CHECK_EQ_STR(lg_ruleset_get(rs, 1)->id, "c");
	}
	lg_ruleset_free(rs);
	rs = NULL;
	CHECK_EQ_INT(lg_ruleset_load_sources(&rs, sources, 3, collect, &problems), LG_ERULES);
	CHECK_EQ_STR(problems.ptr, "again.json: rule b: duplicate id (first defined in extra.json)\n"
				   "again.json: rule d: duplicate id (first defined in extra.json)\n");
	lg_buf__release(&problems);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_rules__valid_rule_loads_with_defaults),
	TEST_ENTRY(test_rules__higher_layer_replaces_same_id),
	TEST_ENTRY(test_rules__every_rule_without_a_checksum_has_an_entropy_floor),
	TEST_ENTRY(test_rules__known_non_secrets_and_supersedes_are_validated),
	TEST_ENTRY(test_rules__object_with_rules_array),
	TEST_ENTRY(test_rules__invalid_json),
	TEST_ENTRY(test_rules__not_a_list),
	TEST_ENTRY(test_rules__missing_fields),
	TEST_ENTRY(test_rules__missing_id_names_position),
	TEST_ENTRY(test_rules__mistyped_fields),
	TEST_ENTRY(test_rules__unknown_field_is_a_typo),
	TEST_ENTRY(test_rules__bad_id),
	TEST_ENTRY(test_rules__pcre2_refusal),
	TEST_ENTRY(test_rules__hyperscan_refusal_carries_its_message),
	TEST_ENTRY(test_rules__lookaround_uses_prefilter),
	TEST_ENTRY(test_rules__empty_match_refused),
	TEST_ENTRY(test_rules__secret_group_beyond_captures),
	TEST_ENTRY(test_rules__allow_pattern_must_compile),
	TEST_ENTRY(test_rules__examples_required),
	TEST_ENTRY(test_rules__directory_in_name_order_and_duplicate_ids),
	TEST_ENTRY(test_rules__missing_file),
	TEST_ENTRY(test_rules__hash_follows_content),
	TEST_ENTRY(test_rules__enum_names_round_trip),
	TEST_ENTRY(test_rules__min_entropy_keeps_random_secrets_of_the_rule_shape),
	TEST_ENTRY(test_rules__no_two_rules_share_a_regex),
};

TEST_MAIN(tests)
