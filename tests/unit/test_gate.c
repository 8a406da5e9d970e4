/*
 * test_gate.c - gated rules (matcher.c, "Gated rules"): a rule whose regex
 * holds no literal runs only around its keywords' hits, and finds exactly
 * what it finds run over every byte. The property is checked on random
 * blobs built from pieces (keywords in mixed case, tokens, near misses,
 * newlines, long fillers that separate regions, matches that overlap and
 * share delimiters, base64 of a line), each scanned by a gated matcher and
 * by one made with no_gate; with the pack's own gated rules and with small
 * rules whose matches are dense enough to make regions meet, widen and
 * overlap. Fake tokens are built here from random characters, so this
 * file holds none.
 */
#include "match/match.h"
#include "rules/rules.h"
#include "test.h"

#include <inttypes.h>

#define RULE(id, regex, extra)                                                 \
	"{\"id\": \"" id "\", \"name\": \"" id "\", \"description\": \"d\","   \
	" \"severity\": \"high\", \"confidence\": \"low\", \"regex\": \"" regex "\", " extra \
	" \"examples\": [\"unused\"], \"negative_examples\": []}"

/* Small rules with short windows, so that random blobs hold many matches,
 * overlapping ones, and keywords just inside and just outside windows. */
static const char small_rules[] =
	"[" RULE("tok", "(?:^|[^a-z0-9])([a-c][a-c0-9.]{3,9})(?:[^a-c0-9.]|$)",
		 "\"secret_group\": 1, \"keywords\": [\"kw\"],"
		 " \"context\": {\"before\": 5, \"after\": 3},")
	"," RULE("line", "(?:^|\\\\n)[a-c.]{1,6}:[0-9]{1,3}:([^\\\\s:]{3,8})(?:\\\\r?\\\\n|$)",
		 "\"secret_group\": 1, \"keywords\": [\"pg\", \"54\"],"
		 " \"context\": {\"before\": 12, \"lines\": 1},")
	"," RULE("run", "[ab][ab.]{2,6}[0-9]",
		 "\"keywords\": [\"b.b\"], \"context\": {\"before\": 4, \"after\": 4, \"lines\": 2},")
	"," RULE("span", "[a-c][a-c ]{1,14}[0-9]",
		 "\"keywords\": [\"kw\"], \"context\": {\"before\": 3, \"after\": 3},")
	"," RULE("plain", "\\\\bc[0-9]{6}\\\\b", "")
	"]";

typedef struct {
	uint64_t state;
} rng;

static uint64_t next(rng *r)
{
	r->state ^= r->state << 13;
	r->state ^= r->state >> 7;
	r->state ^= r->state << 17;
	return r->state;
}

static size_t below(rng *r, size_t n)
{
	return (size_t)(next(r) % n);
}

/* A growing blob. */
typedef struct {
	char *p;
	size_t len, alloc;
} blob;

static void add(blob *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->alloc) {
		b->alloc = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->alloc);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void add_str(blob *b, const char *s)
{
	add(b, s, strlen(s));
}

/* `n` characters drawn from `set`. */
static void add_from(blob *b, rng *r, const char *set, size_t n)
{
	size_t k = strlen(set), i;

	for (i = 0; i < n; i++)
		add(b, &set[below(r, k)], 1);
}

/* `word` with each letter's case drawn at random. */
static void add_mixed_case(blob *b, rng *r, const char *word)
{
	for (; *word; word++) {
		char c = *word;

		if (c >= 'a' && c <= 'z' && below(r, 2))
			c = (char)(c - 'a' + 'A');
		add(b, &c, 1);
	}
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void add_base64(blob *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16 |
			     (i + 1 < n ? (unsigned char)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? (unsigned char)s[i + 2] : 0);
		char out[4] = { b64[v >> 18 & 63], b64[v >> 12 & 63],
				i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '=' };

		add(b, out, 4);
	}
}

static const char token_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/* A Discord-shaped token, or a near miss (a segment too short, or the
 * wrong first letter). */
static void add_discord(blob *b, rng *r)
{
	int miss = below(r, 4) == 0;
	char first = "MNOP"[below(r, miss ? 4 : 3)];

	add(b, &first, 1);
	add_from(b, r, token_chars, 23 + below(r, 3) - (miss && below(r, 2) ? 2 : 0));
	add_str(b, ".");
	add_from(b, r, token_chars, 6);
	add_str(b, ".");
	add_from(b, r, token_chars, 27 + below(r, 12));
}

/* A .pgpass line (host:port:db:user:password), or one with a field
 * missing; the password sometimes random, sometimes a word. */
static void add_pgpass(blob *b, rng *r, blob *line)
{
	line->len = 0;
	add_from(line, r, "abcdefghij.-", 3 + below(r, 12));
	add_str(line, below(r, 3) ? ":5432:" : ":*:");
	add_from(line, r, "abcdefgh_", 1 + below(r, 8));
	add_str(line, ":");
	if (below(r, 5))
		add_from(line, r, "abcdefgh_", 1 + below(r, 8)), add_str(line, ":");
	if (below(r, 4))
		add_from(line, r, token_chars, 8 + below(r, 30));
	else
		add_str(line, "password");
	add_str(line, below(r, 4) ? "\n" : "\r\n");
	if (below(r, 8) == 0) { /* a line a Kubernetes Secret would hold */
		add_str(b, "pgpass: ");
		add_base64(b, line->p, line->len);
		add_str(b, "\n");
	} else {
		add(b, line->p, line->len);
	}
}

/* A random blob from pieces; `dense` favours the small rules' alphabet. */
static void make_blob(blob *b, rng *r, int dense)
{
	static const char *const keywords[] = { "discord", "bot", "pgpass", "5432", "postgres",
						"kw", "pg", "54", "b.b" };
	static const char *const separators[] = { " ", "\n", "\r\n", ":", ".", "-", "\"",
						  "=", "\t", "\n\n" };
	size_t pieces = 1 + below(r, 60), i;
	blob line = { 0 };

	b->len = 0;
	add(b, "", 0);
	for (i = 0; i < pieces; i++) {
		switch (below(r, dense ? 12 : 16)) {
		case 0:
		case 1:
			add_mixed_case(b, r, keywords[below(r, sizeof(keywords) / sizeof(*keywords))]);
			break;
		case 2:
		case 3:
			add_str(b, separators[below(r, sizeof(separators) / sizeof(*separators))]);
			break;
		case 4:
			add_from(b, r, "abc0123.", 1 + below(r, 14));
			break;
		case 5:
			if (below(r, 2))
				add_from(b, r, "ab.9", 2 + below(r, 8));
			else /* long matches that overlap, and the gaps between them */
				add_from(b, r, "abc  1", 3 + below(r, below(r, 4) ? 30 : 300));
			break;
		case 6:
			add_from(b, r, "abc.", 1 + below(r, 6));
			add_str(b, ":");
			add_from(b, r, "0123456789", 1 + below(r, 4));
			add_str(b, ":");
			add_from(b, r, "abcxyz019!", 2 + below(r, 8));
			add_str(b, below(r, 2) ? "\n" : "\r\n");
			break;
		case 7:
			add_str(b, "c");
			add_from(b, r, "0123456789", 5 + below(r, 3));
			break;
		case 8:
		case 9:
			add_from(b, r, " \n", 1 + below(r, 3));
			break;
		case 10:
		case 11:
			/* filler: takes the next keyword out of reach, or not */
			add_from(b, r, dense ? "xyz \n" : "xyz ", 1 + below(r, dense ? 40 : 700));
			break;
		case 12:
		case 13:
			add_discord(b, r);
			break;
		case 14:
			add_pgpass(b, r, &line);
			break;
		default:
			add_from(b, r, "xyz", below(r, 2) ? 2000 + below(r, 3000) : below(r, 300));
			break;
		}
	}
	free(line.p);
}

/* Every finding of one scan, as the report sees it. */
typedef struct {
	lg_match *m;
	char **decoded;
	size_t count, alloc;
} findings;

static int keep(const lg_match *m, void *payload)
{
	findings *f = payload;

	if (f->count == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 16;
		f->m = realloc(f->m, f->alloc * sizeof(*f->m));
		f->decoded = realloc(f->decoded, f->alloc * sizeof(*f->decoded));
		if (!f->m || !f->decoded)
			abort();
	}
	f->m[f->count] = *m;
	f->decoded[f->count] = m->decoded ? strndup(m->decoded_secret, m->decoded_secret_len)
					  : NULL;
	f->count++;
	return 0;
}

static void findings_clear(findings *f)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		free(f->decoded[i]);
	f->count = 0;
}

static int same_match(const lg_match *a, const char *da, const lg_match *b, const char *db)
{
	return a->rule == b->rule && a->match_start == b->match_start &&
	       a->match_end == b->match_end && a->secret_start == b->secret_start &&
	       a->secret_end == b->secret_end && a->line == b->line && a->column == b->column &&
	       a->end_column == b->end_column && a->line_start == b->line_start &&
	       a->line_end == b->line_end && !a->unconfirmed == !b->unconfirmed &&
	       a->inline_allowed == b->inline_allowed && a->cut_short == b->cut_short &&
	       !a->decoded == !b->decoded && (!a->decoded || strcmp(a->decoded, b->decoded) == 0) &&
	       (!da || strcmp(da, db) == 0);
}

/* Scans `rounds` random blobs with a gated and an ungated matcher over
 * the same rules (at most `max_matches` matches a blob; 0: the default);
 * every finding must be the same. Returns how many findings of gated
 * rules the blobs held, so a caller can tell that the property was put to
 * the test. */
static size_t compare_on_random_blobs(const lg_ruleset *rules, uint64_t seed, size_t rounds,
				      int dense, size_t max_matches)
{
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT, plain_opts = LG_MATCHER_OPTIONS_INIT;
	lg_matcher *gated = NULL, *plain = NULL;
	lg_scratch *gs = NULL, *ps = NULL;
	findings fg = { 0 }, fp = { 0 };
	rng r = { seed };
	blob b = { 0 };
	size_t round, i, gated_found = 0;

	opts.max_matches_per_buffer = plain_opts.max_matches_per_buffer = max_matches;
	plain_opts.no_gate = 1;
	if (lg_matcher_new(&gated, rules, &opts) != 0 || lg_matcher_new(&plain, rules, &plain_opts) != 0 ||
	    lg_scratch_new(&gs, gated) != 0 || lg_scratch_new(&ps, plain) != 0) {
		CHECK(!"matchers");
		goto out;
	}
	for (round = 0; round < rounds; round++) {
		lg_scan_result rg, rp;
		int differ = 0;

		make_blob(&b, &r, dense);
		findings_clear(&fg);
		findings_clear(&fp);
		CHECK_EQ_INT(lg_matcher_scan(gated, gs, b.p, b.len, keep, &fg, &rg), 0);
		CHECK_EQ_INT(lg_matcher_scan(plain, ps, b.p, b.len, keep, &fp, &rp), 0);
		differ = fg.count != fp.count || rg.matches != rp.matches || rg.capped != rp.capped ||
			 rg.binary != rp.binary;
		for (i = 0; i < fg.count && !differ; i++)
			differ = !same_match(&fg.m[i], fg.decoded[i], &fp.m[i], fp.decoded[i]);
		if (differ) {
			fprintf(stderr, "seed %" PRIu64 " round %zu: %zu gated findings, %zu plain\n",
				seed, round, fg.count, fp.count);
			for (i = 0; i < fg.count || i < fp.count; i++)
				fprintf(stderr, "  %s %zu-%zu | %s %zu-%zu\n",
					i < fg.count ? fg.m[i].rule->id : "-",
					i < fg.count ? fg.m[i].secret_start : 0,
					i < fg.count ? fg.m[i].secret_end : 0,
					i < fp.count ? fp.m[i].rule->id : "-",
					i < fp.count ? fp.m[i].secret_start : 0,
					i < fp.count ? fp.m[i].secret_end : 0);
			if (getenv("TEST_GATE_DUMP")) {
				FILE *d = fopen(getenv("TEST_GATE_DUMP"), "wb");
				if (d) {
					fwrite(b.p, 1, b.len, d);
					fclose(d);
				}
			}
			CHECK(!"gated and plain findings differ");
			break;
		}
		for (i = 0; i < fg.count; i++)
			gated_found += lg_matcher__gated(gated, fg.m[i].rule->index);
	}
out:
	findings_clear(&fg);
	findings_clear(&fp);
	free(fg.m);
	free(fg.decoded);
	free(fp.m);
	free(fp.decoded);
	free(b.p);
	lg_scratch_free(gs);
	lg_scratch_free(ps);
	lg_matcher_free(gated);
	lg_matcher_free(plain);
	return gated_found;
}

/* The index of rule `id` in `rules`, or SIZE_MAX. */
static size_t rule_index(const lg_ruleset *rules, const char *id)
{
	size_t i;

	for (i = 0; i < lg_ruleset_count(rules); i++)
		if (strcmp(lg_ruleset_get(rules, i)->id, id) == 0)
			return i;
	return SIZE_MAX;
}

TEST(test_gate__which_rules_run_gated)
{
	lg_ruleset *rules = NULL;
	lg_matcher *m = NULL, *plain = NULL;
	lg_matcher_options plain_opts = LG_MATCHER_OPTIONS_INIT;

	plain_opts.no_gate = 1;
	ASSERT_EQ_INT(lg_ruleset_load_buffer(&rules, "t.json", small_rules, strlen(small_rules),
					     NULL, NULL), 0);
	ASSERT_EQ_INT(lg_matcher_new(&m, rules, NULL), 0);
	CHECK_EQ_INT(lg_matcher_new(&plain, rules, &plain_opts), 0);
	CHECK(lg_matcher__gated(m, rule_index(rules, "tok")));
	CHECK(lg_matcher__gated(m, rule_index(rules, "line")));
	CHECK(lg_matcher__gated(m, rule_index(rules, "run")));
	CHECK(lg_matcher__gated(m, rule_index(rules, "span")));
	CHECK(!lg_matcher__gated(m, rule_index(rules, "plain"))); /* no keywords */
	CHECK(plain && !lg_matcher__gated(plain, rule_index(rules, "tok")));
	lg_matcher_free(plain);
	lg_matcher_free(m);
	lg_ruleset_free(rules);
}

TEST(test_gate__pack_rules_without_literals_run_gated)
{
	const char *paths[] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_ruleset *rules = NULL;
	lg_matcher *m = NULL;
	size_t i, gated = 0;

	ASSERT_EQ_INT(lg_ruleset_load(&rules, paths, 1, NULL, NULL), 0);
	ASSERT_EQ_INT(lg_matcher_new(&m, rules, NULL), 0);
	CHECK(lg_matcher__gated(m, rule_index(rules, "pgpass-password")));
	CHECK(lg_matcher__gated(m, rule_index(rules, "discord-bot-token")));
	/* A keyword rule with a literal of its own is not. */
	CHECK(!lg_matcher__gated(m, rule_index(rules, "plivo-auth-id")));
	CHECK(!lg_matcher__gated(m, rule_index(rules, "twilio-auth-token")));
	for (i = 0; i < lg_ruleset_count(rules); i++)
		gated += lg_matcher__gated(m, i);
	CHECK_EQ_INT(gated, 2);
	lg_matcher_free(m);
	lg_ruleset_free(rules);
}

TEST(test_gate__small_rules_find_the_same_gated_or_not)
{
	lg_ruleset *rules = NULL;
	size_t found = 0, seed;

	ASSERT_EQ_INT(lg_ruleset_load_buffer(&rules, "t.json", small_rules, strlen(small_rules),
					     NULL, NULL), 0);
	for (seed = 1; seed <= 4 && !test__failures; seed++)
		found += compare_on_random_blobs(rules, 0x9e3779b97f4a7c15ull * seed, 1500, 1, 0);
	/* Enough matches of gated rules that the property was tested. */
	printf("     %zu findings of gated rules\n", found);
	CHECK(found >= 1500);
	lg_ruleset_free(rules);
}

TEST(test_gate__pack_finds_the_same_gated_or_not)
{
	const char *paths[] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_ruleset *rules = NULL;
	size_t found;

	ASSERT_EQ_INT(lg_ruleset_load(&rules, paths, 1, NULL, NULL), 0);
	found = compare_on_random_blobs(rules, 0x2545f4914f6cdd1dull, 1500, 0, 0);
	printf("     %zu findings of gated rules\n", found);
	CHECK(found >= 200);
	lg_ruleset_free(rules);
}

/* Where the per-blob match cap stops matching (the cut_short match) is
 * the same too. */
TEST(test_gate__match_cap_stops_at_the_same_place)
{
	lg_ruleset *rules = NULL;
	size_t found;

	ASSERT_EQ_INT(lg_ruleset_load_buffer(&rules, "t.json", small_rules, strlen(small_rules),
					     NULL, NULL), 0);
	found = compare_on_random_blobs(rules, 0x5851f42d4c957f2dull, 1500, 1, 3);
	CHECK(found >= 300);
	lg_ruleset_free(rules);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_gate__which_rules_run_gated),
	TEST_ENTRY(test_gate__pack_rules_without_literals_run_gated),
	TEST_ENTRY(test_gate__small_rules_find_the_same_gated_or_not),
	TEST_ENTRY(test_gate__pack_finds_the_same_gated_or_not),
	TEST_ENTRY(test_gate__match_cap_stops_at_the_same_place),
};

TEST_MAIN(tests)
