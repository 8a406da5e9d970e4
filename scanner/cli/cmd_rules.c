/*
 * cmd_rules.c - `leakgate rules check` and `leakgate rules list`.
 */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static void rules_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate rules check [--rules PATH]...\n"
		"       leakgate rules list [--rules PATH]...\n"
		"\n"
		"check: every rule's examples must produce a finding of that rule, and\n"
		"       no negative example may; exit 1 when one does not hold.\n"
		"list:  one line a rule: id, severity, confidence, name, file.\n"
		"Without --rules, the built-in rule pack.\n");
}

/* Examples are printed cut short: a rule file's own examples are fake,
 * but a long line helps nobody. */
static void on_check_failure(const lg_rule *rule, const char *example,
			     int negative, void *payload)
{
	(void)payload;
	fprintf(stderr, "%s: rule %s: %s %.*s%s\n", rule->source_file, rule->id,
		negative ? "negative example matches:" : "example does not match:",
		80, example, strlen(example) > 80 ? "..." : "");
}

static int rules_check(const lg_matcher *matcher, const lg_ruleset *rules)
{
	size_t failures = 0;

	if (lg_rules_check(&failures, matcher, on_check_failure, NULL) != 0) {
		cli_error("%s", lg_error_last());
		return EXIT_REPO;
	}
	if (failures) {
		fprintf(stderr, "%zu failure%s in %zu rules\n", failures,
			failures == 1 ? "" : "s", lg_ruleset_count(rules));
		return EXIT_FINDINGS;
	}
	printf("%zu rules: every example matches, no negative example does\n",
	       lg_ruleset_count(rules));
	return EXIT_CLEAN;
}

static int rules_list(const lg_ruleset *rules)
{
	size_t i;

	for (i = 0; i < lg_ruleset_count(rules); i++) {
		const lg_rule *r = lg_ruleset_get(rules, i);

		printf("%-40s %-8s %-6s %s (%s)\n", r->id,
		       lg_severity_name(r->severity),
		       lg_confidence_name(r->confidence), r->name,
		       r->source_file);
	}
	return EXIT_CLEAN;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	rule_paths rp = { NULL, 0 };
	lg_ruleset *rules;
	lg_matcher *matcher;
	const char *action;
	int c, code;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		rules_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
	}
	action = argv[1];
	if (strcmp(action, "check") != 0 && strcmp(action, "list") != 0) {
		cli_error("unknown rules action '%s' (check, list)", action);
		return EXIT_USAGE;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
		if (c == 'r' && rule_paths_add(&rp, optarg) == 0)
			continue;
		if (c == 'h') {
			rules_usage(stdout);
			rule_paths_release(&rp);
			return EXIT_CLEAN;
		}
		cli_error("unknown or incomplete option '%s'", argv[optind]);
		rule_paths_release(&rp);
		return EXIT_USAGE;
	}
	if (optind < argc - 1) {
		cli_error("unexpected argument '%s'", argv[optind + 1]);
		rule_paths_release(&rp);
		return EXIT_USAGE;
	}
	if ((code = load_matcher(&rules, &matcher, &rp)) == EXIT_CLEAN) {
		code = strcmp(action, "check") == 0 ? rules_check(matcher, rules)
						    : rules_list(rules);
		lg_matcher_free(matcher);
		lg_ruleset_free(rules);
	}
	rule_paths_release(&rp);
	return code;
}
