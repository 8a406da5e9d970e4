/*
 * facts.c - Hyperscan's analysis of each rule: whether it compiles the
 * regex exactly or only as a prefilter, and how wide a match can be.
 *
 * The analysis is the slowest part of getting rules ready (most of a
 * hook's start-up with a few hundred rules), and a matcher whose compiled
 * database comes from the cache does not need it (the cache holds the
 * facts). So loading rules checks fields and PCRE2 only; the matcher asks
 * for this when it compiles, and keeps the facts itself: the ruleset is
 * never written after loading.
 */
#include "match/match.h"

#include <hs/hs.h>
#include <limits.h>
#include <stdlib.h>

/* Reports one refusal as "FILE: rule ID: message". */
static void refuse(const lg_rule *r, lg_problem_cb on_problem, void *payload, const char *msg)
{
	lg_buf b = LG_BUF_INIT;

	if (on_problem && lg_buf__printf(&b, "%s: rule %s: %s", r->source_file, r->id, msg) == 0)
		on_problem(b.ptr, payload);
	lg_buf__release(&b);
}

/* Asks Hyperscan whether it compiles the regex, and how wide a match can
 * be. Regexes Hyperscan cannot take exactly (lookarounds, backreferences)
 * are retried in prefilter mode, where the PCRE2 confirm stage decides.
 * -1 (reported) when Hyperscan refuses the rule. */
static int rule_facts(lg_rule_facts *f, const lg_rule *r, lg_problem_cb on_problem,
		      void *payload)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *err = NULL;
	unsigned flags = HS_FLAG_MULTILINE;

	f->max_width = 0;
	f->prefilter = 0;
	if (hs_expression_info(r->regex, flags, &info, &err) != HS_SUCCESS) {
		hs_free_compile_error(err);
		err = NULL;
		flags |= HS_FLAG_PREFILTER;
		if (hs_expression_info(r->regex, flags, &info, &err) != HS_SUCCESS) {
			char msg[1024];

			snprintf(msg, sizeof(msg), "regex: Hyperscan refuses it: %s",
				 err && err->message ? err->message : "unknown error");
			refuse(r, on_problem, payload, msg);
			hs_free_compile_error(err);
			return -1;
		}
		f->prefilter = 1;
	}
	if (info->min_width == 0) {
		refuse(r, on_problem, payload, "regex can match the empty string");
		free(info);
		return -1;
	}
	f->max_width = info->max_width == UINT_MAX ? UINT32_MAX : info->max_width;
	free(info);
	return 0;
}

int lg_match__rule_facts(lg_rule_facts *facts, const lg_ruleset *rs,
			 lg_problem_cb on_problem, void *payload)
{
	size_t i, n = lg_ruleset_count(rs), problems = 0;

	for (i = 0; i < n; i++) {
		const lg_rule *r = lg_ruleset_get(rs, i);

		if (r->regex) /* a pair rule has none: its facts stay zero */
			problems += rule_facts(&facts[i], r, on_problem, payload) != 0;
	}
	if (problems)
		return lg_error_set(LG_ERULES, "%zu problem%s in the rule files", problems,
				    problems == 1 ? "" : "s");
	return 0;
}
