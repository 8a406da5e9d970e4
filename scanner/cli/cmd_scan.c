/*
 * cmd_scan.c - `leakgate scan`: parse options, fill the library's option
 * structs, scan, write the report, map the outcome to an exit code.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	lg_scan_options scan;
	lg_report_options report;
	rule_paths rules;
	const char *output;
	int no_git;
	int staged;
	const char *range;
	int quiet;
	int format_given;
} scan_args;

static void scan_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate scan [options] [PATH]\n"
		"\n"
		"Scans every blob of the repository's history once (PATH: a working copy\n"
		"or a bare repository; default '.'), or with --no-git a directory, a file\n"
		"or '-' for standard input.\n"
		"\n"
		"  --format FORMAT        text (default), json, jsonl or sarif\n"
		"  -o, --output FILE      write the report to FILE (atomically, mode 0600)\n"
		"  --show-secrets         print secrets in full (default: redacted)\n"
		"  --no-git               scan plain files, not a repository's history\n"
		"  --all-objects          also scan blobs that no ref reaches\n"
		"  --staged               scan only the lines the index adds to HEAD\n"
		"  --range A..B           scan only the lines the commits in A..B add\n"
		"  --max-blob-size SIZE   skip larger blobs, with a warning (default 64M)\n"
		"  --rules PATH           rule file or directory (repeatable; default: built-in)\n"
		"  --no-ignore            do not read .leakgateignore\n"
		"  --min-confidence LEVEL low, medium (default) or high\n"
		"  --threads N            worker threads (default: the number of cores)\n"
		"  -q, --quiet            print nothing but the findings\n"
		"\n"
		"exit codes: 0 clean, 1 findings, 2 usage or rule error, 3 repository or I/O error\n");
}

/* Parses "64M", "1G", "4096": binary units. Returns -1 on nonsense. */
static int parse_size(uint64_t *out, const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (end == s)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_format(lg_format *out, const char *s)
{
	if (strcmp(s, "text") == 0)
		*out = LG_FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*out = LG_FORMAT_JSON;
	else if (strcmp(s, "jsonl") == 0)
		*out = LG_FORMAT_JSONL;
	else if (strcmp(s, "sarif") == 0)
		*out = LG_FORMAT_SARIF;
	else
		return -1;
	return 0;
}

enum {
	OPT_FORMAT = 256, OPT_SHOW_SECRETS, OPT_NO_GIT, OPT_ALL_OBJECTS,
	OPT_MAX_BLOB_SIZE, OPT_RULES, OPT_NO_IGNORE, OPT_MIN_CONFIDENCE,
	OPT_THREADS, OPT_STAGED, OPT_RANGE, OPT_HELP
};

static const struct option scan_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ "show-secrets", no_argument, NULL, OPT_SHOW_SECRETS },
	{ "no-git", no_argument, NULL, OPT_NO_GIT },
	{ "all-objects", no_argument, NULL, OPT_ALL_OBJECTS },
	{ "max-blob-size", required_argument, NULL, OPT_MAX_BLOB_SIZE },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "no-ignore", no_argument, NULL, OPT_NO_IGNORE },
	{ "min-confidence", required_argument, NULL, OPT_MIN_CONFIDENCE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "staged", no_argument, NULL, OPT_STAGED },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Parses the command line into `a`. Returns -1 after printing a usage
 * error, 1 when help was printed, 0 to go on; *path gets the PATH. */
static int parse_scan_args(scan_args *a, const char **path, int argc, char **argv)
{
	int c;
	char *end;
	long n;

	*path = ".";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:q", scan_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (parse_format(&a->report.format, optarg) != 0) {
				cli_error("unknown format '%s' (text, json, jsonl, sarif)", optarg);
				return -1;
			}
			a->format_given = 1;
			break;
		case 'o': a->output = optarg; break;
		case OPT_SHOW_SECRETS: a->report.show_secrets = 1; break;
		case OPT_NO_GIT: a->no_git = 1; break;
		case OPT_ALL_OBJECTS: a->scan.all_objects = 1; break;
		case OPT_MAX_BLOB_SIZE:
			if (parse_size(&a->scan.max_blob_size, optarg) != 0) {
				cli_error("invalid size '%s' (e.g. 64M, 1G, 4096)", optarg);
				return -1;
			}
			break;
		case OPT_RULES:
			if (rule_paths_add(&a->rules, optarg) != 0)
				return -1;
			break;
		case OPT_NO_IGNORE: a->scan.no_ignore_file = 1; break;
		case OPT_MIN_CONFIDENCE:
			if (lg_confidence_parse(&a->scan.min_confidence, optarg) != 0) {
				cli_error("unknown confidence '%s' (low, medium, high)", optarg);
				return -1;
			}
			break;
		case OPT_THREADS:
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64) {
				cli_error("--threads takes a number from 1 to 64, not '%s'", optarg);
				return -1;
			}
			a->scan.threads = (unsigned)n;
			break;
		case OPT_STAGED: a->staged = 1; break;
		case OPT_RANGE: a->range = optarg; break;
		case 'q': a->quiet = 1; break;
		case OPT_HELP:
			scan_usage(stdout);
			return 1;
		default:
			cli_error("unknown or incomplete option '%s'", argv[optind - 1]);
			scan_usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		*path = argv[optind++];
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (a->no_git + a->staged + (a->range != NULL) > 1) {
		cli_error("--no-git, --staged and --range choose what to scan: give one");
		return -1;
	}
	return 0;
}

static void print_warning(const char *message, void *payload)
{
	const scan_args *a = payload;

	if (!a->quiet)
		cli_warning("%s", message);
}

/* The summary line for formats whose stdout carries only findings. */
static void print_summary_line(const lg_report *r)
{
	const lg_summary *s = &r->summary;

	fprintf(stderr, "leakgate: %llu finding%s in %llu blobs (%.1f MB) from %llu commits in %.2f s\n",
		(unsigned long long)s->findings, s->findings == 1 ? "" : "s",
		(unsigned long long)s->blobs_scanned, (double)s->bytes_scanned / 1e6,
		(unsigned long long)s->commits, s->seconds);
}

/* Runs the kind of scan the options chose. */
static int run_scan(lg_report *report, const lg_matcher *m, const char *path,
		    const scan_args *a)
{
	lg_commit_range range;

	if (a->no_git)
		return lg_scan_path(report, m, path, &a->scan);
	if (a->staged)
		return lg_scan_staged(report, m, path, &a->scan);
	if (!a->range)
		return lg_scan_repository(report, m, path, &a->scan);
	memset(&range, 0, sizeof(range));
	range.include = &a->range;
	range.include_count = 1;
	return lg_scan_added(report, m, path, &range, &a->scan);
}

int cmd_scan(int argc, char **argv)
{
	scan_args a;
	lg_scan_options sdefaults = LG_SCAN_OPTIONS_INIT;
	lg_report_options rdefaults = LG_REPORT_OPTIONS_INIT;
	lg_ruleset *rules = NULL;
	lg_matcher *matcher = NULL;
	lg_report report;
	const char *path;
	int code, err;

	memset(&a, 0, sizeof(a));
	a.scan = sdefaults;
	a.report = rdefaults;
	if ((code = parse_scan_args(&a, &path, argc, argv)) != 0) {
		rule_paths_release(&a.rules);
		return code > 0 ? EXIT_CLEAN : EXIT_USAGE;
	}
	a.scan.on_warning = print_warning;
	a.scan.payload = &a;
	a.report.color = !a.output && a.report.format == LG_FORMAT_TEXT &&
		isatty(STDOUT_FILENO) && !getenv("NO_COLOR");

	if ((code = load_matcher(&rules, &matcher, &a.rules)) != EXIT_CLEAN) {
		rule_paths_release(&a.rules);
		return code;
	}
	err = run_scan(&report, matcher, path, &a);
	if (err) {
		cli_error("%s", lg_error_last());
		code = exit_code_for(err);
	} else {
		err = a.output ? lg_report_write_file(a.output, &report, &a.report)
			       : lg_report_write(stdout, &report, &a.report);
		if (err) {
			cli_error("%s", lg_error_last());
			code = EXIT_REPO;
		} else {
			if (!a.quiet && (a.output || a.report.format != LG_FORMAT_TEXT))
				print_summary_line(&report);
			code = report.count ? EXIT_FINDINGS : EXIT_CLEAN;
		}
	}
	lg_report_free(&report);
	lg_matcher_free(matcher);
	lg_ruleset_free(rules);
	rule_paths_release(&a.rules);
	return code;
}
