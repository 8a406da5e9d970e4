/*
 * cmd_rules.c - `leakgate rules check`, `rules list` and `rules export`.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void rules_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate rules check [--rules PATH]... [--extra-rules PATH]...\n"
		"       leakgate rules list [--rules PATH]... [--extra-rules PATH]...\n"
		"       leakgate rules export DIR\n"
		"\n"
		"check:  every rule's examples must produce a finding of that rule, and\n"
		"        no negative example may; exit 1 when one does not hold.\n"
		"list:   one line a rule: id, severity, confidence, name, file.\n"
		"export: writes the built-in rule files into DIR (created if missing;\n"
		"        an existing file is never overwritten), to start your own from.\n"
		"Without --rules, the built-in rule pack; --extra-rules adds rules to it\n"
		"(a rule with the id of a built-in one replaces it).\n");
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

/* Writes `len` bytes to a new file `path`; never replaces one. */
static int write_new_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t done = 0;

	if (fd < 0) {
		cli_error("cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cli_error("cannot write '%s': %s", path, n < 0 ? strerror(errno) : "no progress");
			close(fd);
			unlink(path);
			return -1;
		}
		done += (size_t)n;
	}
	if (close(fd) != 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* `rules export DIR`: the built-in pack's files, byte for byte. */
static int rules_export(const char *dir)
{
	size_t i;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("cannot create directory '%s': %s", dir, strerror(errno));
		return EXIT_REPO;
	}
	for (i = 0; i < leakgate_builtin_rule_count; i++) {
		const lg_rule_source *src = &leakgate_builtin_rules[i];
		const char *base = strrchr(src->name, '/');
		char path[4096];

		base = base ? base + 1 : src->name;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, base) >= sizeof(path)) {
			cli_error("path too long: '%s/%s'", dir, base);
			return EXIT_REPO;
		}
		if (write_new_file(path, src->json, src->len) != 0)
			return EXIT_REPO;
	}
	printf("%zu rule files written to %s\n", leakgate_builtin_rule_count, dir);
	return EXIT_CLEAN;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "extra-rules", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	rule_paths rp = { NULL, 0, NULL, 0, 0 };
	lg_ruleset *rules;
	lg_matcher *matcher;
	const char *action;
	int c, code;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		rules_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
	}
	action = argv[1];
	if (strcmp(action, "export") == 0) {
		if (argc != 3 || argv[2][0] == '-') {
			cli_error("usage: leakgate rules export DIR");
			return EXIT_USAGE;
		}
		return rules_export(argv[2]);
	}
	if (strcmp(action, "check") != 0 && strcmp(action, "list") != 0) {
		cli_error("unknown rules action '%s' (check, list, export)", action);
		return EXIT_USAGE;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", options, NULL)) != -1) {
		if (c == 'r' && rule_paths_add(&rp, optarg) == 0)
			continue;
		if (c == 'x' && rule_paths_add_extra(&rp, optarg) == 0)
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
