/*
 * cmd_hook.c - `leakgate hook pre-receive|pre-push|pre-commit`: read what
 * git hands the hook, scan only what it adds, refuse it on a finding.
 *
 * A hook fails closed: an internal error or an exceeded time budget
 * refuses the push or commit, unless the administrator chose
 * --on-error=allow. Either way the event goes to stderr and, with --log,
 * to a JSON line.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SERVER_TIMEOUT 4.5 /* GitHub Enterprise kills hooks at 5 s */
#define MAX_STDIN_LINES 100000
#define MAX_PUSH_OPTIONS 100

typedef enum { HOOK_PRE_RECEIVE, HOOK_PRE_PUSH, HOOK_PRE_COMMIT } hook_kind;

static const char *const hook_names[] = { "pre-receive", "pre-push", "pre-commit" };

typedef struct {
	hook_kind kind;
	rule_paths rules;
	double timeout;
	int timeout_given;
	int allow_on_error;
	int allow_push_option;
	int no_ignore;
	const char *log_path;
	const char *remote; /* pre-push: the remote's name */
	/* What git passed on stdin: refs and the revisions to scan from/hide. */
	char **refs;
	size_t ref_count;
	const char **include;
	size_t include_count;
	const char **exclude;
	size_t exclude_count;
} hook_args;

/* ------------------------------------------------------------------------
 * The event log
 * ---------------------------------------------------------------------- */

/* The pushing user, as git servers put it in the environment. */
static const char *pushing_user(void)
{
	static const char *const vars[] = {
		"GL_USERNAME", "GITEA_PUSHER_NAME", "GITHUB_USER", "REMOTE_USER",
		"GIT_PUSHER", "USER", NULL
	};
	const char *const *v;
	const char *value;

	for (v = vars; *v; v++)
		if ((value = getenv(*v)) && *value)
			return value;
	return "";
}

/* Appends one JSON line to --log, about `count` findings; never a secret,
 * only fingerprints. */
static void log_event(const hook_args *a, const char *event, const lg_finding *findings,
		      size_t count, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *refs, *fps;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	char *line;
	FILE *f;
	size_t i;

	if (!a->log_path || !o)
		goto out;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddStringToObject(o, "hook", hook_names[a->kind]);
	cJSON_AddStringToObject(o, "event", event);
	cJSON_AddStringToObject(o, "user", pushing_user());
	refs = cJSON_AddArrayToObject(o, "refs");
	for (i = 0; refs && i < a->ref_count; i++)
		cJSON_AddItemToArray(refs, cJSON_CreateString(a->refs[i]));
	cJSON_AddNumberToObject(o, "findings", (double)count);
	fps = cJSON_AddArrayToObject(o, "fingerprints");
	for (i = 0; fps && i < count; i++)
		cJSON_AddItemToArray(fps, cJSON_CreateString(findings[i].fingerprint));
	if (message)
		cJSON_AddStringToObject(o, "message", message);
	if ((line = cJSON_PrintUnformatted(o))) {
		if ((f = fopen(a->log_path, "a"))) {
			fprintf(f, "%s\n", line);
			if (fclose(f) != 0)
				cli_warning("cannot write the log '%s'", a->log_path);
		} else {
			cli_warning("cannot open the log '%s'", a->log_path);
		}
		cJSON_free(line);
	}
out:
	cJSON_Delete(o);
}

/* ------------------------------------------------------------------------
 * Reading what git passes on stdin
 * ---------------------------------------------------------------------- */

/* Appends a copy of `s` to the list. */
static int push_string(const char ***list, size_t *count, const char *s)
{
	char *copy = strdup(s);
	const char **p = copy ? realloc(*list, (*count + 1) * sizeof(*p)) : NULL;

	if (!p) {
		free(copy);
		return -1;
	}
	*list = p;
	p[(*count)++] = copy;
	return 0;
}

/* Adds one stdin line's revisions: a deletion (all-zero id to scan) adds
 * nothing to scan. Returns -1 with a message on a malformed line. */
static int parse_hook_line(hook_args *a, char *line, size_t lineno)
{
	lg_hook_line hl;
	char *ref_copy;
	char **refs;

	if (lg_hook_parse_line(&hl, line, a->kind == HOOK_PRE_PUSH) != 0) {
		cli_error("%s: line %zu of standard input: %s", hook_names[a->kind], lineno,
			  lg_error_last());
		return -1;
	}
	if (!(ref_copy = strdup(hl.ref)) ||
	    !(refs = realloc(a->refs, (a->ref_count + 1) * sizeof(*refs)))) {
		free(ref_copy);
		return -1;
	}
	a->refs = refs;
	a->refs[a->ref_count++] = ref_copy;
	if (lg_hook_is_zero_id(hl.scan))
		return 0;
	if (push_string(&a->include, &a->include_count, hl.scan) != 0)
		return -1;
	if (!lg_hook_is_zero_id(hl.known) &&
	    push_string(&a->exclude, &a->exclude_count, hl.known) != 0)
		return -1;
	return 0;
}

static int read_hook_stdin(hook_args *a)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int err = 0;

	while (!err && (n = getline(&line, &cap, stdin)) >= 0) {
		if (++lineno > MAX_STDIN_LINES) {
			cli_error("%s: more than %d lines on standard input",
				  hook_names[a->kind], MAX_STDIN_LINES);
			err = -1;
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		err = parse_hook_line(a, line, lineno);
	}
	free(line);
	return err;
}

/* ------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------- */

static void hook_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate hook pre-receive [options]   (a git server's pre-receive hook)\n"
		"       leakgate hook pre-push REMOTE [URL] [options]\n"
		"       leakgate hook pre-commit [options]\n"
		"\n"
		"Scans only the lines the push or the staged changes add; exits non-zero,\n"
		"so git refuses them, when one holds a secret.\n"
		"\n"
		"  --rules PATH          rule file or directory (repeatable; default: built-in)\n"
		"  --timeout SECONDS     time budget (pre-receive default 4.5; others none);\n"
		"                        past it the hook fails as on an internal error\n"
		"  --on-error=reject|allow  on an internal error or time-out: refuse (default)\n"
		"                        or let the push or commit through\n"
		"  --log FILE            append each event as a JSON line\n"
		"  --allow-push-option   honour 'git push -o leakgate.allow=FINGERPRINT'\n"
		"                        (pre-receive; off by default; every use is logged)\n"
		"  --no-ignore           do not read .leakgateignore\n");
}

enum { OPT_RULES = 256, OPT_TIMEOUT, OPT_ON_ERROR, OPT_LOG, OPT_ALLOW_PUSH_OPTION,
       OPT_NO_IGNORE, OPT_HELP };

static const struct option hook_options[] = {
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "on-error", required_argument, NULL, OPT_ON_ERROR },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "allow-push-option", no_argument, NULL, OPT_ALLOW_PUSH_OPTION },
	{ "no-ignore", no_argument, NULL, OPT_NO_IGNORE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Returns -1 on a usage error, 1 after --help, 0 to go on. */
static int parse_hook_args(hook_args *a, int argc, char **argv)
{
	char *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", hook_options, NULL)) != -1) {
		switch (c) {
		case OPT_RULES:
			if (rule_paths_add(&a->rules, optarg) != 0)
				return -1;
			break;
		case OPT_TIMEOUT:
			a->timeout = strtod(optarg, &end);
			if (*end || !(a->timeout >= 0) || a->timeout > 86400) {
				cli_error("--timeout takes seconds, not '%s'", optarg);
				return -1;
			}
			a->timeout_given = 1;
			break;
		case OPT_ON_ERROR:
			if (strcmp(optarg, "allow") != 0 && strcmp(optarg, "reject") != 0) {
				cli_error("--on-error takes 'reject' or 'allow', not '%s'", optarg);
				return -1;
			}
			a->allow_on_error = strcmp(optarg, "allow") == 0;
			break;
		case OPT_LOG: a->log_path = optarg; break;
		case OPT_ALLOW_PUSH_OPTION: a->allow_push_option = 1; break;
		case OPT_NO_IGNORE: a->no_ignore = 1; break;
		case OPT_HELP:
			hook_usage(stdout);
			return 1;
		default:
			cli_error("unknown or incomplete option '%s'", argv[optind - 1]);
			hook_usage(stderr);
			return -1;
		}
	}
	if (a->kind == HOOK_PRE_PUSH) {
		if (optind >= argc) {
			cli_error("pre-push: the remote's name is missing (git passes it)");
			return -1;
		}
		a->remote = argv[optind++];
		if (optind < argc)
			optind++; /* the URL */
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!a->timeout_given && a->kind == HOOK_PRE_RECEIVE)
		a->timeout = DEFAULT_SERVER_TIMEOUT;
	return 0;
}

/* ------------------------------------------------------------------------
 * Bypass with a push option
 * ---------------------------------------------------------------------- */

/* 1 when the pusher sent `-o leakgate.allow=<fingerprint>`. */
static int push_option_allows(const char *fingerprint)
{
	const char *count = getenv("GIT_PUSH_OPTION_COUNT");
	int n = count ? atoi(count) : 0, i;

	for (i = 0; i < n && i < MAX_PUSH_OPTIONS; i++) {
		char name[64];
		const char *value;

		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%d", i);
		value = getenv(name);
		if (value && strncmp(value, "leakgate.allow=", 15) == 0 &&
		    strcmp(value + 15, fingerprint) == 0)
			return 1;
	}
	return 0;
}

/* Keeps a finding unless the pusher bypassed it; logs each bypass. */
static int not_bypassed(const lg_finding *f, void *payload)
{
	hook_args *a = payload;
	char msg[256];

	if (!push_option_allows(f->fingerprint))
		return 1;
	snprintf(msg, sizeof(msg), "bypassed by push option: %s at %.12s by '%s'",
		 f->fingerprint, f->commit, pushing_user());
	cli_warning("%s", msg);
	log_event(a, "bypass", f, 1, msg);
	return 0;
}

/* ------------------------------------------------------------------------
 * Running a hook
 * ---------------------------------------------------------------------- */

/* Reports an internal failure; refuses unless --on-error=allow. */
static int hook_failed(hook_args *a, const char *what)
{
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s", what);
	log_event(a, a->allow_on_error ? "error-allowed" : "error", NULL, 0, msg);
	if (a->allow_on_error) {
		cli_warning("%s: %s; allowed by --on-error=allow", hook_names[a->kind], msg);
		return EXIT_CLEAN;
	}
	cli_error("%s rejected: %s", a->kind == HOOK_PRE_COMMIT ? "commit" : "push", msg);
	cli_error("(the check failed, so it refuses; an administrator can choose --on-error=allow)");
	return EXIT_REPO;
}

static int scan_for_hook(lg_report *r, hook_args *a, const lg_matcher *m)
{
	lg_scan_options opts = LG_SCAN_OPTIONS_INIT;
	lg_commit_range range;
	const char *all_refs[1] = { "*" };
	char remote_glob[512];
	const char *remote_globs[1] = { remote_glob };

	opts.time_budget = a->timeout;
	opts.stream_threshold = cli_stream_threshold();
	opts.no_ignore_file = a->no_ignore;
	opts.threads = 1; /* a push is small; start-up matters more */
	if (a->kind == HOOK_PRE_COMMIT)
		return lg_scan_staged(r, m, NULL, &opts);

	memset(&range, 0, sizeof(range));
	range.include = a->include;
	range.include_count = a->include_count;
	range.exclude = a->exclude;
	range.exclude_count = a->exclude_count;
	if (a->kind == HOOK_PRE_RECEIVE) {
		/* Every ref the server has now is history already scanned
		 * (or accepted); only commits none of them reach are new. */
		range.exclude_globs = all_refs;
		range.exclude_glob_count = 1;
	} else {
		snprintf(remote_glob, sizeof(remote_glob), "refs/remotes/%s/*", a->remote);
		range.exclude_globs = remote_globs;
		range.exclude_glob_count = 1;
	}
	range.ignore_rev = a->include_count ? a->include[0] : NULL;
	memset(r, 0, sizeof(*r));
	if (a->include_count == 0)
		return 0; /* only deletions */
	return lg_scan_added(r, m, NULL, &range, &opts);
}

static int run_hook(hook_args *a)
{
	lg_report_options ro = LG_REPORT_OPTIONS_INIT;
	lg_ruleset *rules = NULL;
	lg_matcher *matcher = NULL;
	lg_report report;
	int code, err;

	memset(&report, 0, sizeof(report));
	if (a->kind != HOOK_PRE_COMMIT && read_hook_stdin(a) != 0)
		return hook_failed(a, "cannot read what git passed on standard input");
	if ((code = load_matcher(&rules, &matcher, &a->rules)) != EXIT_CLEAN)
		return hook_failed(a, "cannot load the rules");
	err = scan_for_hook(&report, a, matcher);
	if (err) {
		code = hook_failed(a, lg_error_last());
	} else {
		if (a->allow_push_option && a->kind == HOOK_PRE_RECEIVE)
			lg_report_filter(&report, not_bypassed, a);
		if (report.count) {
			ro.format = a->kind == HOOK_PRE_COMMIT ? LG_FORMAT_COMMIT_REJECTION
							       : LG_FORMAT_PUSH_REJECTION;
			lg_report_write(stderr, &report, &ro);
			log_event(a, "rejected", report.findings, report.count, NULL);
			code = EXIT_FINDINGS;
		} else {
			log_event(a, "accepted", report.findings, report.count, NULL);
			code = EXIT_CLEAN;
		}
	}
	lg_report_free(&report);
	lg_matcher_free(matcher);
	lg_ruleset_free(rules);
	return code;
}

static void hook_args_release(hook_args *a)
{
	size_t i;

	for (i = 0; i < a->ref_count; i++)
		free(a->refs[i]);
	free(a->refs);
	for (i = 0; i < a->include_count; i++)
		free((char *)a->include[i]);
	free(a->include);
	for (i = 0; i < a->exclude_count; i++)
		free((char *)a->exclude[i]);
	free(a->exclude);
	rule_paths_release(&a->rules);
}

int cmd_hook(int argc, char **argv)
{
	hook_args a;
	int i, code;

	memset(&a, 0, sizeof(a));
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		hook_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
	}
	for (i = 0; i < 3 && strcmp(argv[1], hook_names[i]) != 0; i++)
		;
	if (i == 3) {
		cli_error("unknown hook '%s' (pre-receive, pre-push, pre-commit)", argv[1]);
		return EXIT_USAGE;
	}
	a.kind = (hook_kind)i;
	if ((code = parse_hook_args(&a, argc - 1, argv + 1)) != 0) {
		hook_args_release(&a);
		return code > 0 ? EXIT_CLEAN : EXIT_USAGE;
	}
	code = run_hook(&a);
	hook_args_release(&a);
	return code;
}
