/*
 * cmd_scan.c - `leakgate scan`: parse options, fill the library's option
 * structs, scan, write the report, map the outcome to an exit code.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	int progress;       /* 1 forced on, 0 on a terminal only */
	int progress_plain; /* stderr is no terminal: whole lines, no escapes */
	double progress_last; /* elapsed seconds at the last plain line */
	int write_baseline; /* `leakgate baseline FILE`: write, exit 0 */
	const char *baseline;
	const char *state_path;
	lg_state *state;
	const char *repos_from;
	unsigned shard_index, shard_count; /* count 0: no sharding */
	/* The repositories (or paths) to scan; `owned` frees the ones read
	 * from --repos-from. */
	const char **paths;
	size_t path_count;
	char **owned;
	size_t owned_count;
	const char *current; /* the repository being scanned, for messages */
	int verify;          /* --verify: ask each secret's provider */
	int only_live;       /* --only-live: report only what is live */
	cli_verify_settings verify_settings;
} scan_args;

static void scan_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate scan [options] [PATH...]\n"
		"       leakgate baseline FILE [options] [PATH...]\n"
		"\n"
		"Scans every blob of each repository's history once (PATH: a working copy\n"
		"or a bare repository; default '.'), or with --no-git a directory, a file\n"
		"or '-' for standard input. `baseline` writes the JSON report to FILE, for\n"
		"--baseline, and exits 0.\n"
		"\n"
		"  --format FORMAT        text (default), json, jsonl, sarif or html\n"
		"  -o, --output FILE      write the report to FILE (atomically, mode 0600)\n"
		"  --show-secrets         print secrets in full (default: redacted)\n"
		"  --verify               ask each secret's provider whether it is live\n"
		"                         (network: see the README); --only-live reports\n"
		"                         only live ones; --verify-budget S (default 60),\n"
		"                         --verify-timeout S per request (default 10)\n"
		"  --no-git               scan plain files, not a repository's history\n"
		"  --all-objects          also scan blobs that no ref reaches\n"
		"  --staged               scan only the lines the index adds to HEAD\n"
		"  --range A..B           scan only the lines the commits in A..B add\n"
		"  --max-blob-size SIZE   skip larger blobs, with a warning (default 64M)\n"
		"  --rules PATH           rule file or directory (repeatable; default: built-in)\n"
		"  --extra-rules PATH     rules added to those (repeatable); a rule with the id\n"
		"                         of one of them replaces it\n"
		"  --no-decode            do not decode base64, %%XX, string escapes and UTF-16\n"
		"                         text to scan it (decoded by default, to a depth of 2,\n"
		"                         in blobs read whole; --decode is accepted)\n"
		"  --no-ignore            do not read .leakgateignore\n"
		"  --min-confidence LEVEL low, medium (default) or high\n"
		"  --threads N            worker threads (default: the number of cores)\n"
		"  --baseline FILE        report only findings not in FILE (an earlier JSON\n"
		"                         report, or fingerprints one a line)\n"
		"  --repos-from FILE      also scan each repository listed in FILE, one a line\n"
		"  --shard I/N            scan only share I (0 to N-1) of the repositories\n"
		"  --state FILE           incremental: scan only commits and blobs that FILE\n"
		"                         does not know, report only new findings, update FILE\n"
		"  --all                  with --state: scan and report everything again\n"
		"  --progress             show progress on stderr even when not a terminal\n"
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
	else if (strcmp(s, "html") == 0)
		*out = LG_FORMAT_HTML;
	else
		return -1;
	return 0;
}

enum {
	OPT_FORMAT = 256, OPT_SHOW_SECRETS, OPT_NO_GIT, OPT_ALL_OBJECTS,
	OPT_MAX_BLOB_SIZE, OPT_RULES, OPT_NO_IGNORE, OPT_MIN_CONFIDENCE,
	OPT_THREADS, OPT_STAGED, OPT_RANGE, OPT_BASELINE, OPT_REPOS_FROM, OPT_SHARD,
	OPT_PROGRESS, OPT_STATE, OPT_ALL, OPT_VERIFY, OPT_ONLY_LIVE, OPT_VERIFY_BUDGET,
	OPT_VERIFY_TIMEOUT, OPT_HELP, OPT_EXTRA_RULES, OPT_DECODE, OPT_NO_DECODE
};

static const struct option scan_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "output", required_argument, NULL, 'o' },
	{ "show-secrets", no_argument, NULL, OPT_SHOW_SECRETS },
	{ "no-git", no_argument, NULL, OPT_NO_GIT },
	{ "all-objects", no_argument, NULL, OPT_ALL_OBJECTS },
	{ "max-blob-size", required_argument, NULL, OPT_MAX_BLOB_SIZE },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "extra-rules", required_argument, NULL, OPT_EXTRA_RULES },
	{ "decode", no_argument, NULL, OPT_DECODE },
	{ "no-decode", no_argument, NULL, OPT_NO_DECODE },
	{ "no-ignore", no_argument, NULL, OPT_NO_IGNORE },
	{ "min-confidence", required_argument, NULL, OPT_MIN_CONFIDENCE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "staged", no_argument, NULL, OPT_STAGED },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "repos-from", required_argument, NULL, OPT_REPOS_FROM },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "only-live", no_argument, NULL, OPT_ONLY_LIVE },
	{ "verify-budget", required_argument, NULL, OPT_VERIFY_BUDGET },
	{ "verify-timeout", required_argument, NULL, OPT_VERIFY_TIMEOUT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int push_path(scan_args *a, const char *path)
{
	const char **p = realloc(a->paths, (a->path_count + 1) * sizeof(*p));

	if (!p)
		return -1;
	a->paths = p;
	a->paths[a->path_count++] = path;
	return 0;
}

/* Adds each line of --repos-from FILE ('-': standard input) to the paths. */
static int read_repos_from(scan_args *a)
{
	FILE *f = strcmp(a->repos_from, "-") == 0 ? stdin : fopen(a->repos_from, "r");
	size_t i, first = a->owned_count;
	int err;

	if (!f) {
		cli_error("cannot read '%s'", a->repos_from);
		return -1;
	}
	err = lg_repo_list_read(&a->owned, &a->owned_count, f);
	if (f != stdin)
		fclose(f);
	if (err) {
		cli_error("%s: %s", a->repos_from, lg_error_last());
		return -1;
	}
	for (i = first; i < a->owned_count; i++)
		if (push_path(a, a->owned[i]) != 0)
			return -1;
	return 0;
}

/* Keeps only this shard's paths. */
static void apply_shard(scan_args *a)
{
	size_t i, kept = 0;

	if (!a->shard_count)
		return;
	for (i = 0; i < a->path_count; i++)
		if (lg_shard_of(a->paths[i], a->shard_count) == a->shard_index)
			a->paths[kept++] = a->paths[i];
	a->path_count = kept;
}

/* Parses the command line into `a`. Returns -1 after printing a usage
 * error, 1 when help was printed, 0 to go on. */
static int parse_scan_args(scan_args *a, int argc, char **argv)
{
	int c;
	char *end;
	long n;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:q", scan_options, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (parse_format(&a->report.format, optarg) != 0) {
				cli_error("unknown format '%s' (text, json, jsonl, sarif, html)", optarg);
				return -1;
			}
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
		case OPT_EXTRA_RULES:
			if (rule_paths_add_extra(&a->rules, optarg) != 0)
				return -1;
			break;
		case OPT_DECODE: a->rules.no_decode = 0; break;
		case OPT_NO_DECODE: a->rules.no_decode = 1; break;
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
		case OPT_BASELINE: a->baseline = optarg; break;
		case OPT_REPOS_FROM: a->repos_from = optarg; break;
		case OPT_PROGRESS: a->progress = 1; break;
		case OPT_STATE: a->state_path = optarg; break;
		case OPT_ALL: a->scan.state_rescan_all = 1; break;
		case OPT_SHARD:
			if (lg_shard_parse(&a->shard_index, &a->shard_count, optarg) != 0) {
				cli_error("--shard takes I/N with 0 <= I < N, not '%s'", optarg);
				return -1;
			}
			break;
		case OPT_RANGE: a->range = optarg; break;
		case 'q': a->quiet = 1; break;
		case OPT_VERIFY: a->verify = 1; break;
		case OPT_ONLY_LIVE: a->verify = a->only_live = 1; break;
		case OPT_VERIFY_BUDGET:
		case OPT_VERIFY_TIMEOUT: {
			double v = strtod(optarg, &end);

			if (*end || !(v > 0 && v <= 3600)) {
				cli_error("--%s takes seconds (0 < S <= 3600), not '%s'",
					  c == OPT_VERIFY_BUDGET ? "verify-budget" : "verify-timeout",
					  optarg);
				return -1;
			}
			if (c == OPT_VERIFY_BUDGET)
				a->verify_settings.budget = v;
			else
				a->verify_settings.timeout = v;
			break;
		}
		case OPT_HELP:
			scan_usage(stdout);
			return 1;
		default:
			cli_error("unknown or incomplete option '%s'", argv[optind - 1]);
			scan_usage(stderr);
			return -1;
		}
	}
	for (; optind < argc; optind++)
		if (push_path(a, argv[optind]) != 0)
			return -1;
	if (a->state_path && (a->no_git || a->staged || a->range)) {
		cli_error("--state goes with a full-history scan, not --no-git, --staged or --range");
		return -1;
	}
	if (a->verify && cli_verify_check_env() != 0)
		return -1;
	if (a->no_git + a->staged + (a->range != NULL) > 1) {
		cli_error("--no-git, --staged and --range choose what to scan: give one");
		return -1;
	}
	return 0;
}

static void print_warning(const char *message, void *payload)
{
	const scan_args *a = payload;

	if (a->quiet)
		return;
	if (a->path_count > 1)
		cli_warning("%s: %s", a->current, message);
	else
		cli_warning("%s", message);
}

/* How often a plain progress line is written (seconds): a log, unlike a
 * terminal line that rewrites itself, keeps every line. */
#define PROGRESS_PLAIN_INTERVAL 5.0

/* One updating line on stderr: blobs, speed, elapsed, time left. On a
 * terminal the line rewrites itself (\r and erase-line); elsewhere (a log,
 * a CI job) each report is a plain line of its own, one every few seconds
 * and one at the end, with no control bytes. */
static void print_progress(const lg_progress *p, void *payload)
{
	scan_args *a = payload;
	double mbps = p->elapsed > 0 ? (double)p->bytes_done / 1e6 / p->elapsed : 0;
	double left = p->blobs_done && p->blobs_total > p->blobs_done ?
		p->elapsed * (double)(p->blobs_total - p->blobs_done) / (double)p->blobs_done : 0;

	if (a->progress_plain) {
		/* (A new repository's scan starts its clock again.) */
		if (!p->finished && p->elapsed >= a->progress_last &&
		    p->elapsed - a->progress_last < PROGRESS_PLAIN_INTERVAL)
			return;
		a->progress_last = p->elapsed;
	} else {
		fputs("\r\033[K", stderr);
	}
	fprintf(stderr, "leakgate: %llu/%llu blobs, %.1f MB/s, %.0f s elapsed",
		(unsigned long long)p->blobs_done, (unsigned long long)p->blobs_total, mbps,
		p->elapsed);
	if (!p->finished && p->blobs_done)
		fprintf(stderr, ", ~%.0f s left", left);
	if (a->progress_plain)
		fputs(p->finished ? ", done\n" : "\n", stderr);
	else if (p->finished)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* A repository's line in a run over several: what it found, or its error. */
static void print_repo_line(const char *path, const lg_report *r, int err)
{
	const lg_summary *s = &r->summary;

	if (err) {
		fprintf(stderr, "leakgate: %s: error: %s\n", path, lg_error_last());
		return;
	}
	fprintf(stderr, "leakgate: %s: %llu finding%s, %llu blobs (%.1f MB), %llu commits, %.2f s\n",
		path, (unsigned long long)s->findings, s->findings == 1 ? "" : "s",
		(unsigned long long)s->blobs_scanned, (double)s->bytes_scanned / 1e6,
		(unsigned long long)s->commits, s->seconds);
}

/* The summary line for formats whose stdout carries only findings. */
static void print_summary_line(const lg_report *r)
{
	const lg_summary *s = &r->summary;

	fprintf(stderr, "leakgate: %llu finding%s in %llu blobs (%.1f MB) from %llu commits in %.2f s (%.1f MB/s, %.0f blobs/s)",
		(unsigned long long)s->findings, s->findings == 1 ? "" : "s",
		(unsigned long long)s->blobs_scanned, (double)s->bytes_scanned / 1e6,
		(unsigned long long)s->commits, s->seconds,
		s->seconds > 0 ? (double)s->bytes_scanned / 1e6 / s->seconds : 0,
		s->seconds > 0 ? (double)s->blobs_scanned / s->seconds : 0);
	if (s->baselined)
		fprintf(stderr, "; %llu in the baseline", (unsigned long long)s->baselined);
	if (s->ignored)
		fprintf(stderr, "; %llu ignored", (unsigned long long)s->ignored);
	if (s->blobs_skipped)
		fprintf(stderr, "; %llu blobs skipped", (unsigned long long)s->blobs_skipped);
	fputc('\n', stderr);
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

/* Scans every path into `all`; returns the worst exit code so far. A
 * repository that fails is reported and the others still run. */
static int scan_all(lg_report *all, const lg_matcher *m, scan_args *a)
{
	int code = EXIT_CLEAN, err;
	size_t i;

	for (i = 0; i < a->path_count; i++) {
		lg_report one;

		a->current = a->paths[i];
		err = run_scan(&one, m, a->paths[i], a);
		/* Each repository's line in the report: its counts, or why it
		 * could not be scanned. */
		if (lg_report_add_repository(all, a->paths[i], err ? NULL : &one.summary,
					     err ? lg_error_last() : NULL) != 0) {
			lg_report_free(&one);
			cli_error("%s", lg_error_last());
			return EXIT_REPO;
		}
		if (err) {
			if (a->path_count > 1)
				print_repo_line(a->paths[i], &one, err);
			else
				cli_error("%s", lg_error_last());
			code = exit_code_for(err) > code ? exit_code_for(err) : code;
		} else if (a->path_count > 1 && !a->quiet) {
			print_repo_line(a->paths[i], &one, 0);
		}
		if (lg_report_merge(all, &one) != 0) {
			lg_report_free(&one);
			cli_error("%s", lg_error_last());
			return EXIT_REPO;
		}
	}
	return code;
}

/* Says what a scan could not cover. An unreadable object makes the scan
 * incomplete: exit 3 (after the report), never a clean 0. */
static int note_incomplete(const lg_summary *s, const scan_args *a, int code)
{
	if (s->shallow && !a->quiet)
		cli_warning("shallow clone: history older than the clone's depth was not scanned");
	if (!s->unreadable)
		return code;
	cli_error("%llu object%s could not be read (see the warnings): the scan is incomplete",
		  (unsigned long long)s->unreadable, s->unreadable == 1 ? "" : "s");
	return EXIT_REPO;
}

/* Drops the findings the baseline at `path` holds, counting them. */
static int apply_baseline(lg_report *r, const char *path)
{
	lg_baseline *b;

	if (lg_baseline_load(&b, path) != 0) {
		cli_error("%s", lg_error_last());
		return -1;
	}
	lg_baseline_filter(r, b);
	lg_baseline_free(b);
	return 0;
}

static int write_report(const lg_report *r, const scan_args *a)
{
	int err = a->output ? lg_report_write_file(a->output, r, &a->report)
			    : lg_report_write(stdout, r, &a->report);

	if (err)
		cli_error("%s", lg_error_last());
	return err;
}

/* Loads --state; a file that cannot be trusted means a full scan. */
static int open_state(scan_args *a)
{
	int err = lg_state_load(&a->state, a->state_path);

	if (err == LG_EINVALID) {
		cli_warning("%s: scanning the whole history", lg_error_last());
		err = lg_state_new(&a->state);
	}
	if (err) {
		cli_error("%s", lg_error_last());
		return -1;
	}
	a->scan.state = a->state;
	return 0;
}

static void scan_args_release(scan_args *a)
{
	lg_state_free(a->state);
	lg_repo_list_free(a->owned, a->owned_count);
	free(a->paths);
	rule_paths_release(&a->rules);
}

/* Fills the defaults and hooks that parsing does not set. */
static void finish_args(scan_args *a)
{
	int tty_err = isatty(STDERR_FILENO) && !getenv("CI");

	a->scan.on_warning = print_warning;
	a->scan.payload = a;
	if (!a->quiet && (a->progress || tty_err))
		a->scan.on_progress = print_progress;
	a->progress_plain = !isatty(STDERR_FILENO);
	a->report.color = !a->output && a->report.format == LG_FORMAT_TEXT &&
		isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (a->write_baseline)
		a->report.format = LG_FORMAT_JSON;
}

static int run_scan_command(scan_args *a)
{
	lg_ruleset *rules = NULL;
	lg_matcher *matcher = NULL;
	lg_report report;
	int code, worst;

	if (a->repos_from && read_repos_from(a) != 0)
		return EXIT_USAGE;
	if (a->path_count == 0 && !a->repos_from && push_path(a, ".") != 0)
		return EXIT_REPO;
	apply_shard(a);
	if (a->state_path && a->path_count != 1) {
		cli_error("--state records one repository; give exactly one PATH");
		return EXIT_USAGE;
	}
	if (a->state_path && open_state(a) != 0)
		return EXIT_REPO;
	finish_args(a);
	if ((code = load_matcher(&rules, &matcher, &a->rules)) != EXIT_CLEAN)
		return code;
	memset(&report, 0, sizeof(report));
	report.started = (int64_t)time(NULL);
	snprintf(report.rules_hash, sizeof(report.rules_hash), "%s", lg_ruleset_hash(rules));
	worst = scan_all(&report, matcher, a);
	if (a->state && worst == EXIT_CLEAN) {
		if (!a->quiet && report.summary.incremental)
			fprintf(stderr, "leakgate: incremental scan: %llu new blob%s since the last run ('%s')\n",
				(unsigned long long)report.summary.blobs_scanned,
				report.summary.blobs_scanned == 1 ? "" : "s", a->state_path);
		if (lg_state_save(a->state, a->state_path) != 0) {
			cli_error("%s", lg_error_last());
			worst = EXIT_REPO;
		}
	}
	if (a->baseline && apply_baseline(&report, a->baseline) != 0)
		worst = EXIT_USAGE;
	/* Only what is left to report is sent anywhere, and only when asked. */
	if (a->verify && worst != EXIT_USAGE && report.count) {
		a->verify_settings.quiet = a->quiet;
		if (cli_verify(&report, &a->verify_settings) != 0)
			worst = EXIT_USAGE;
		else if (a->only_live)
			cli_keep_only_live(&report);
	}
	/* A lone repository that failed has no report to write; in a run over
	 * several, the others' findings are still reported. */
	if (worst != EXIT_USAGE && (a->path_count > 1 || worst == EXIT_CLEAN)) {
		if (write_report(&report, a) != 0)
			worst = EXIT_REPO;
		else if (!a->quiet && (a->output || a->report.format != LG_FORMAT_TEXT))
			print_summary_line(&report);
		if (report.count && !a->write_baseline && worst == EXIT_CLEAN)
			worst = EXIT_FINDINGS;
		worst = note_incomplete(&report.summary, a, worst);
	}
	lg_report_free(&report);
	lg_matcher_free(matcher);
	lg_ruleset_free(rules);
	return worst;
}

/* `leakgate scan` over argv, or with `baseline_file` `leakgate baseline
 * FILE` (the report goes there, as JSON, and findings exit 0). */
static int scan_command(int argc, char **argv, const char *baseline_file)
{
	lg_scan_options sdefaults = LG_SCAN_OPTIONS_INIT;
	lg_report_options rdefaults = LG_REPORT_OPTIONS_INIT;
	scan_args a;
	int code;

	memset(&a, 0, sizeof(a));
	a.scan = sdefaults;
	a.scan.stream_threshold = cli_stream_threshold();
	a.report = rdefaults;
	a.write_baseline = baseline_file != NULL;
	if ((code = parse_scan_args(&a, argc, argv)) == 0) {
		if (baseline_file)
			a.output = baseline_file;
		code = run_scan_command(&a);
	} else {
		code = code > 0 ? EXIT_CLEAN : EXIT_USAGE;
	}
	scan_args_release(&a);
	return code;
}

int cmd_scan(int argc, char **argv)
{
	return scan_command(argc, argv, NULL);
}

int cmd_baseline(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		cli_error("usage: leakgate baseline FILE [scan options] [PATH...]");
		return EXIT_USAGE;
	}
	return scan_command(argc - 1, argv + 1, argv[1]);
}
