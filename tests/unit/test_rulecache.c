/*
 * test_rulecache.c - loaded rulesets kept in a cache file.
 */
#include "rules/rules.h"
#include "test.h"

#include <dirent.h>
#include <unistd.h>

#define RULE(id, extra)                                                        \
	"{\"id\": \"" id "\", \"name\": \"Twilio Account SID\","               \
	" \"description\": \"d\", \"severity\": \"high\","                     \
	" \"regex\": \"\\\\bAC([0-9a-f]{32})\\\\b\"," extra                     \
	" \"examples\": [\"AC0123456789abcdef0123456789abcdef\"],"            \
	" \"negative_examples\": []}"

static void collect(const char *message, void *payload)
{
	lg_buf__printf(payload, "%s\n", message);
}

/* How many rules-*.bin files `dir` holds. */
static int count_cache_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strncmp(e->d_name, "rules-", 6) == 0;
	if (d)
		closedir(d);
	return n;
}

static void remove_dir(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
}

/* 1 when both rulesets encode to the same bytes: every field of every
 * rule, and the hash. */
static int same_rules(const lg_ruleset *a, const lg_ruleset *b)
{
	lg_buf ea = LG_BUF_INIT, eb = LG_BUF_INIT;
	int same = a && b && lg_rulecache__encode(&ea, a) == 0 &&
		   lg_rulecache__encode(&eb, b) == 0 && ea.len == eb.len &&
		   memcmp(ea.ptr, eb.ptr, ea.len) == 0;

	lg_buf__release(&ea);
	lg_buf__release(&eb);
	return same;
}

/* Decodes a copy of `b`'s bytes (a decoded ruleset owns its bytes). */
static int decode_copy(lg_ruleset **out, const lg_buf *b, size_t len)
{
	char *copy = malloc(len ? len : 1);
	lg_rule_storage storage = { copy, len, 0 };
	int err;

	if (!copy)
		return LG_ENOMEM;
	memcpy(copy, b->ptr, len);
	if ((err = lg_rulecache__decode(out, &storage)) != 0)
		free(copy);
	return err;
}

static int same_string(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_list(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (!a || !b)
		return a == b && na == nb;
	for (i = 0; i < na && i < nb; i++)
		if (!same_string(a[i], b[i]))
			return 0;
	return na == nb && a[na] == NULL && b[nb] == NULL;
}

/* Field by field, without going through the encoder under test. */
static void check_rule_equal(const lg_rule *a, const lg_rule *b)
{
	CHECK_EQ_INT(a->index, b->index);
	CHECK(same_string(a->id, b->id));
	CHECK(same_string(a->name, b->name));
	CHECK(same_string(a->description, b->description));
	CHECK(same_string(a->remediation, b->remediation));
	CHECK(same_string(a->regex, b->regex));
	CHECK(same_string(a->source_file, b->source_file));
	CHECK_EQ_INT(a->severity, b->severity);
	CHECK_EQ_INT(a->confidence, b->confidence);
	CHECK_EQ_INT(a->checksum, b->checksum);
	CHECK_EQ_INT(a->secret_group, b->secret_group);
	CHECK(memcmp(&a->min_entropy, &b->min_entropy, sizeof(double)) == 0);
	CHECK(same_list(a->keywords, a->keyword_count, b->keywords, b->keyword_count));
	CHECK(same_list(a->allow, a->allow_count, b->allow, b->allow_count));
	CHECK(same_list(a->supersedes, a->supersedes_count, b->supersedes, b->supersedes_count));
	CHECK(same_list(a->examples, a->example_count, b->examples, b->example_count));
	CHECK(same_list(a->negative_examples, a->negative_example_count,
			b->negative_examples, b->negative_example_count));
	CHECK(same_string(a->verify, b->verify));
}

TEST(test_rulecache__round_trip_keeps_every_field)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_ruleset *rs = NULL, *back = NULL;
	lg_buf b = LG_BUF_INIT;
	const char *const *known_a, *const *known_b;
	size_t i, na = 0, nb = 0;

	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, NULL, NULL), 0);
	CHECK_EQ_INT(lg_rulecache__encode(&b, rs), 0);
	CHECK_EQ_INT(decode_copy(&back, &b, b.len), 0);
	CHECK_EQ_INT(lg_ruleset_count(back), lg_ruleset_count(rs));
	if (rs && back && lg_ruleset_count(back) == lg_ruleset_count(rs)) {
		CHECK_EQ_STR(lg_ruleset_hash(back), lg_ruleset_hash(rs));
		for (i = 0; i < lg_ruleset_count(rs); i++)
			check_rule_equal(lg_ruleset_get(back, i), lg_ruleset_get(rs, i));
		known_a = lg_ruleset__known_non_secrets(rs, &na);
		known_b = lg_ruleset__known_non_secrets(back, &nb);
		CHECK(na > 0);
		CHECK(same_list(known_a, na, known_b, nb));
	}
	lg_buf__release(&b);
	lg_ruleset_free(rs);
	lg_ruleset_free(back);
}

/* Optional fields absent and present: NULL stays NULL, an empty list stays
 * an empty list, numbers keep every bit. */
TEST(test_rulecache__round_trip_optional_fields)
{
	const char *json = "[" RULE("bare", "") ","
		RULE("full", "\"confidence\": \"low\", \"secret_group\": 1,"
		     " \"min_entropy\": 3.3219, \"keywords\": [\"AC\", \"twilio\"],"
		     " \"allow\": [\"^AC0+$\"], \"checksum\": \"github_crc32\","
		     " \"supersedes\": [\"bare\"],"
		     " \"remediation\": \"rotate it\","
		     " \"verify\": {\"provider\": \"twilio\", \"url\":"
		     " \"https://api.twilio.com/2010-04-01/Accounts.json\","
		     " \"basic_auth\": [\"{account_sid}\", \"{secret}\"],"
		     " \"live\": [200], \"invalid\": [401]},") "]";
	lg_ruleset *rs = NULL, *back = NULL;
	lg_buf b = LG_BUF_INIT;

	CHECK_EQ_INT(lg_ruleset_load_buffer(&rs, "f.json", json, strlen(json), NULL, NULL), 0);
	CHECK_EQ_INT(lg_rulecache__encode(&b, rs), 0);
	CHECK_EQ_INT(decode_copy(&back, &b, b.len), 0);
	if (rs && back) {
		check_rule_equal(lg_ruleset_get(back, 0), lg_ruleset_get(rs, 0));
		check_rule_equal(lg_ruleset_get(back, 1), lg_ruleset_get(rs, 1));
		CHECK(lg_ruleset_get(back, 0)->keywords == NULL);
		CHECK(lg_ruleset_get(back, 0)->remediation == NULL);
		CHECK(lg_ruleset_get(back, 0)->negative_examples != NULL);
		CHECK_EQ_INT(lg_ruleset_get(back, 1)->keyword_count, 2);
		CHECK(lg_ruleset_get(back, 0)->verify == NULL);
		CHECK(lg_ruleset_get(back, 1)->verify != NULL &&
		      strstr(lg_ruleset_get(back, 1)->verify, "api.twilio.com") != NULL);
	}
	lg_buf__release(&b);
	lg_ruleset_free(rs);
	lg_ruleset_free(back);
}

/* Every truncation and a sample of corruptions are refused or decode to
 * something; none may crash (the ASan build checks the reads). */
TEST(test_rulecache__damaged_bytes_refused)
{
	const char *json = "[" RULE("a", "\"keywords\": [\"AC\"],") "," RULE("b", "") "]";
	lg_ruleset *rs = NULL, *back = NULL;
	lg_buf b = LG_BUF_INIT;
	size_t len;
	char *copy;

	CHECK_EQ_INT(lg_ruleset_load_buffer(&rs, "f.json", json, strlen(json), NULL, NULL), 0);
	CHECK_EQ_INT(lg_rulecache__encode(&b, rs), 0);
	for (len = 0; len < b.len; len++)
		CHECK_EQ_INT(decode_copy(&back, &b, len), LG_ENOTFOUND);
	CHECK_EQ_INT(lg_buf__add(&b, "x", 1), 0); /* trailing garbage */
	CHECK_EQ_INT(decode_copy(&back, &b, b.len), LG_ENOTFOUND);
	b.len--;
	for (len = 48; len < b.len; len++) {
		copy = malloc(b.len);
		memcpy(copy, b.ptr, b.len);
		copy[len] ^= 0xff;
		back = NULL;
		if (lg_rulecache__decode(&back, &(lg_rule_storage){ copy, b.len, 0 }) == 0) {
			CHECK(back != NULL);
			lg_ruleset_free(back); /* and with it, copy */
		} else {
			free(copy);
		}
	}
	lg_buf__release(&b);
	lg_ruleset_free(rs);
}

TEST(test_rulecache__warm_load_equals_a_fresh_one)
{
	char rules[] = "/tmp/lg-rules-XXXXXX", cache[] = "/tmp/lg-cache-XXXXXX";
	const char *paths[1] = { rules };
	lg_ruleset *fresh = NULL, *cold = NULL, *warm = NULL, *changed = NULL;

	CHECK(mkdtemp(rules) && mkdtemp(cache));
	test_write_file(rules, "a.json", "[" RULE("a", "\"keywords\": [\"AC\"],") "]");
	test_write_file(rules, "b.json", "[" RULE("b", "") "]");
	CHECK_EQ_INT(lg_ruleset_load(&fresh, paths, 1, NULL, NULL), 0);
	CHECK_EQ_INT(lg_ruleset_load_cached(&cold, paths, 1, cache, NULL, NULL), 0);
	CHECK_EQ_INT(count_cache_files(cache), 1);
	CHECK_EQ_INT(lg_ruleset_load_cached(&warm, paths, 1, cache, NULL, NULL), 0);
	CHECK(same_rules(fresh, cold));
	CHECK(same_rules(fresh, warm));

	/* One changed byte is another key, and the change shows. */
	test_write_file(rules, "b.json", "[" RULE("c", "") "]");
	CHECK_EQ_INT(lg_ruleset_load_cached(&changed, paths, 1, cache, NULL, NULL), 0);
	CHECK_EQ_INT(count_cache_files(cache), 2);
	if (changed)
		CHECK_EQ_STR(lg_ruleset_get(changed, 1)->id, "c");
	lg_ruleset_free(fresh);
	lg_ruleset_free(cold);
	lg_ruleset_free(warm);
	lg_ruleset_free(changed);
	remove_dir(rules);
	remove_dir(cache);
}

/* A ruleset with problems is reported as lg_ruleset_load reports it, in
 * the same order, and is never cached. */
TEST(test_rulecache__problems_reported_alike_and_not_cached)
{
	char rules[] = "/tmp/lg-rules-XXXXXX", cache[] = "/tmp/lg-cache-XXXXXX";
	char missing[600];
	const char *paths[2] = { rules, missing };
	lg_buf direct = LG_BUF_INIT, cached = LG_BUF_INIT;
	lg_ruleset *rs = NULL;

	CHECK(mkdtemp(rules) && mkdtemp(cache));
	snprintf(missing, sizeof(missing), "%s/none.json", rules);
	test_write_file(rules, "a.json", "[" RULE("a", "\"regexp\": \"x\",") "]");
	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 1, collect, &direct), LG_ERULES);
	CHECK_EQ_INT(lg_ruleset_load_cached(&rs, paths, 1, cache, collect, &cached), LG_ERULES);
	CHECK_EQ_STR(cached.ptr, direct.ptr);
	lg_buf__release(&direct);
	lg_buf__release(&cached);
	CHECK_EQ_INT(lg_ruleset_load(&rs, paths, 2, collect, &direct), LG_ERULES);
	CHECK_EQ_INT(lg_ruleset_load_cached(&rs, paths, 2, cache, collect, &cached), LG_ERULES);
	CHECK_EQ_STR(cached.ptr, direct.ptr);
	CHECK_EQ_INT(count_cache_files(cache), 0);
	lg_buf__release(&direct);
	lg_buf__release(&cached);
	remove_dir(rules);
	remove_dir(cache);
}

/* A rule file holding a NUL byte loads (or fails) alike, cached or not. */
TEST(test_rulecache__nul_byte_in_a_file)
{
	char rules[] = "/tmp/lg-rules-XXXXXX", cache[] = "/tmp/lg-cache-XXXXXX", path[600];
	const char *paths[1] = { rules };
	static const char text[] = "[" RULE("a", "") "]\0[ junk";
	lg_buf direct = LG_BUF_INIT, cached = LG_BUF_INIT;
	lg_ruleset *a = NULL, *b = NULL;
	FILE *f;

	CHECK(mkdtemp(rules) && mkdtemp(cache));
	snprintf(path, sizeof(path), "%s/a.json", rules);
	CHECK((f = fopen(path, "wb")) != NULL);
	if (f) {
		fwrite(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	CHECK_EQ_INT(lg_ruleset_load_cached(&b, paths, 1, cache, collect, &cached),
		     lg_ruleset_load(&a, paths, 1, collect, &direct));
	CHECK(same_string(cached.ptr, direct.ptr));
	CHECK(a == b || same_rules(a, b));
	lg_ruleset_free(a);
	lg_ruleset_free(b);
	lg_buf__release(&direct);
	lg_buf__release(&cached);
	remove_dir(rules);
	remove_dir(cache);
}

/* A damaged cache file is removed and the rules are loaded again. */
TEST(test_rulecache__damaged_file_replaced)
{
	char cache[] = "/tmp/lg-cache-XXXXXX", cmd[700];
	const char *json = "[" RULE("a", "") "]";
	lg_rule_source src = { "f.json", json, strlen(json), 0 };
	lg_ruleset *first = NULL, *again = NULL, *fresh = NULL;

	CHECK(mkdtemp(cache) != NULL);
	CHECK_EQ_INT(lg_ruleset_load_sources_cached(&first, &src, 1, NULL, cache, NULL, NULL), 0);
	snprintf(cmd, sizeof(cmd), "for f in '%s'/rules-*.bin; do printf LGRULES1junk > \"$f\"; done",
		 cache);
	CHECK_EQ_INT(system(cmd), 0);
	CHECK_EQ_INT(lg_ruleset_load_sources_cached(&again, &src, 1, NULL, cache, NULL, NULL), 0);
	CHECK_EQ_INT(count_cache_files(cache), 1);
	CHECK_EQ_INT(lg_ruleset_load_sources_cached(&fresh, &src, 1, NULL, cache, NULL, NULL), 0);
	CHECK(same_rules(first, again));
	CHECK(same_rules(first, fresh));
	lg_ruleset_free(first);
	lg_ruleset_free(again);
	lg_ruleset_free(fresh);
	remove_dir(cache);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_rulecache__round_trip_keeps_every_field),
	TEST_ENTRY(test_rulecache__round_trip_optional_fields),
	TEST_ENTRY(test_rulecache__damaged_bytes_refused),
	TEST_ENTRY(test_rulecache__warm_load_equals_a_fresh_one),
	TEST_ENTRY(test_rulecache__problems_reported_alike_and_not_cached),
	TEST_ENTRY(test_rulecache__nul_byte_in_a_file),
	TEST_ENTRY(test_rulecache__damaged_file_replaced),
};

TEST_MAIN(tests)
