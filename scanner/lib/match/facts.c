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
#include <string.h>

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

/* The longest run of literal characters in `regex` that a match must hold
 * in full, as a conservative reading of its syntax: escapes that stand for
 * a class or an assertion (\d, \b, \n...), character classes, groups,
 * alternatives and anchors end a run, and a quantified character leaves
 * it. It may miss a literal Hyperscan would find (never the reverse), so a
 * rule it misjudges only runs gated when it need not. */
static size_t longest_literal(const char *regex)
{
	size_t run = 0, best = 0;
	const char *p = regex;

	while (*p) {
		int literal = 0;

		if (*p == '\\') {
			literal = p[1] && !((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z') ||
					     (p[1] >= '0' && p[1] <= '9'));
			p += p[1] ? 2 : 1;
		} else if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']') {
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '[' && p[1] == ':' && strstr(p, ":]"))
					p = strstr(p, ":]") + 1;
				p++;
			}
			if (*p)
				p++;
		} else if (*p == '(' && p[1] == '?') {
			p += 2;
			while (*p && *p != ':' && *p != ')' && *p != '>' && *p != '=' && *p != '!')
				p++;
			if (*p)
				p++;
		} else if (*p == '?' || *p == '*' || *p == '+' ||
			   (*p == '{' && p[1] >= '0' && p[1] <= '9')) {
			/* The quantified character is not a fixed part. */
			if (run)
				run--;
			if (run > best)
				best = run;
			run = 0;
			if (*p == '{')
				while (*p && *p != '}')
					p++;
			if (*p)
				p++;
			continue;
		} else {
			literal = !strchr("()|^$.", *p);
			p++;
		}
		if (literal) {
			run++;
		} else {
			if (run > best)
				best = run;
			run = 0;
		}
	}
	return run > best ? run : best;
}

int lg_match__runs_gated(const lg_rule *r, const lg_rule_facts *f, uint32_t cap)
{
	size_t i;

	if (!r->regex || r->keyword_count == 0 || r->context_pattern_count || f->prefilter ||
	    f->max_width == 0 || f->max_width > cap)
		return 0;
	/* A region is scanned as a block of its own: anchors to the whole
	 * input's start or end would read its edges as the input's. */
	if (strstr(r->regex, "\\A") || strstr(r->regex, "\\Z") || strstr(r->regex, "\\z") ||
	    strstr(r->regex, "\\G"))
		return 0;
	/* Hyperscan looks for the keywords as ASCII text ignoring case, as
	 * the keyword check does (strncasecmp). */
	for (i = 0; i < r->keyword_count; i++) {
		const unsigned char *k = (const unsigned char *)r->keywords[i];

		if (!*k)
			return 0;
		for (; *k; k++)
			if (*k < 0x20 || *k > 0x7e)
				return 0;
	}
	return longest_literal(r->regex) < 2;
}
