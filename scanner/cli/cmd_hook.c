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
#include <errno.h>
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
	double started; /* monotonic seconds when the hook began */
	double load_seconds; /* loading the rules took (counted in the budget) */
	rule_paths rules;
	double timeout;
	int allow_on_error;
	int allow_push_option;
	int verify;           /* ask each finding's provider (leakgate.verify) */
	int no_ignore;
	int from_pre_commit; /* pre-push run by the pre-commit framework */
	const char *log_path;
	const char *ignore_file; /* the server's own ignore file; may be NULL */
	int honour_inline_allow; /* pre-receive: honour the pusher's leakgate:allow */
	const char *remote; /* pre-push: the remote's name */
	lg_repository *repo; /* opened once: its settings, then its scan */
	/* Settings from the command line (each wins over its git config
	 * setting), then from git config: the strings they point at. */
	const char *given[HOOK_SETTING_COUNT];
	char *config[HOOK_SETTING_COUNT];
	/* What git passed on stdin: refs and the revisions to scan from/hide. */
	char **refs;
	size_t ref_count;
	const char **include;
	size_t include_count;
	const char **exclude;
	size_t exclude_count;
} hook_args;

static double elapsed(const hook_args *a)
{
	return cli_monotonic_seconds() - a->started;
}

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
	/* Seconds since the hook began, to the millisecond. */
	cJSON_AddNumberToObject(o, "duration", (double)(long long)(elapsed(a) * 1000 + 0.5) / 1000);
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

/*
 * pre-push as the pre-commit framework runs it: git's standard input is the
 * framework's, which passes on what it read in the environment. Usually
 * PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF; but for a push that includes
 * the root commit (a new repository's first push) neither, only the remote
 * and the local branch. Either way the scan is what git's own pre-push
 * would scan: the pushed commits that no ref of the remote has.
 */
static int read_pre_commit_env(hook_args *a)
{
	const char *remote = getenv("PRE_COMMIT_REMOTE_NAME");
	const char *from = getenv("PRE_COMMIT_FROM_REF");
	const char *to = getenv("PRE_COMMIT_TO_REF");
	const char *branch = getenv("PRE_COMMIT_LOCAL_BRANCH");
	const char *remote_branch = getenv("PRE_COMMIT_REMOTE_BRANCH");
	const char *scan = to && *to ? to : branch;
	char *ref;
	char **refs;

	if (!remote || !*remote || !scan || !*scan) {
		cli_error("pre-push --from-pre-commit: PRE_COMMIT_REMOTE_NAME and PRE_COMMIT_TO_REF "
			  "or PRE_COMMIT_LOCAL_BRANCH are not set (run by pre-commit's pre-push stage?)");
		return -1;
	}
	if (strlen(remote) > 256) {
		cli_error("pre-push --from-pre-commit: the remote's name is too long");
		return -1;
	}
	a->remote = remote;
	if (push_string(&a->include, &a->include_count, scan) != 0 ||
	    (from && *from && push_string(&a->exclude, &a->exclude_count, from) != 0))
		return -1;
	ref = strdup(remote_branch && *remote_branch ? remote_branch : scan);
	if (!ref || !(refs = realloc(a->refs, (a->ref_count + 1) * sizeof(*refs)))) {
		free(ref);
		return -1;
	}
	a->refs = refs;
	a->refs[a->ref_count++] = ref;
	return 0;
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
		"  --extra-rules PATH    rules added to those (repeatable; same id replaces)\n"
		"  --no-decode           do not decode base64, %%XX, string escapes and UTF-16\n"
		"                        text to scan it (decoded by default, depth 2)\n"
		"  --timeout SECONDS     time budget (pre-receive default 4.5; others none);\n"
		"                        past it the hook fails as on an internal error\n"
		"  --on-error=reject|allow  on an internal error or time-out: refuse (default)\n"
		"                        or let the push or commit through\n"
		"  --log FILE            append each event as a JSON line\n"
		"  --allow-push-option   honour 'git push -o leakgate.allow=FINGERPRINT'\n"
		"                        (pre-receive; off by default; every use is logged)\n"
		"  --ignore-file FILE    also honour this ignore file (the server's own)\n"
		"  --verify              ask each finding's provider whether it is live and\n"
		"                        say so first (network: see the README)\n"
		"  --inline-allow=refuse|honour  pre-receive: a 'leakgate:allow' on a pushed\n"
		"                        line is not honoured (default), or is, each use logged\n"
		"  --no-ignore           do not read .leakgateignore\n"
		"  --from-pre-commit     pre-push run by the pre-commit framework: what to scan\n"
		"                        comes from its PRE_COMMIT_* environment, not stdin\n"
		"\n"
		"Each option but --no-ignore may instead be set in git config, where the\n"
		"option wins: leakgate.rules, leakgate.timeout, leakgate.onError,\n"
		"leakgate.log, leakgate.allowPushOption, leakgate.ignoreFile, leakgate.verify,\n"
		"leakgate.inlineAllow.\n"
		"\n"
		"pre-receive honours .leakgateignore as it stands on the default branch\n"
		"before the push, never one the push itself brings.\n");
}

/* Applies setting `id`'s `value` (from git config with `from_config`).
 * Returns -1 with a message on a bad value. */
static int apply_setting(hook_args *a, hook_setting_id id, const char *value, int from_config)
{
	hook_setting_value v;

	if (hook_setting_parse(&v, id, value, from_config) != 0)
		return -1;
	switch (id) {
	case HOOK_SETTING_RULES:
		return rule_paths_add(&a->rules, value) != 0 ? -1 : 0;
	case HOOK_SETTING_TIMEOUT: a->timeout = v.seconds; break;
	case HOOK_SETTING_ON_ERROR: a->allow_on_error = v.on; break;
	case HOOK_SETTING_LOG: a->log_path = value; break;
	case HOOK_SETTING_ALLOW_PUSH_OPTION: a->allow_push_option = v.on; break;
	case HOOK_SETTING_IGNORE_FILE: a->ignore_file = value; break;
	case HOOK_SETTING_VERIFY: a->verify = v.on; break;
	case HOOK_SETTING_INLINE_ALLOW: a->honour_inline_allow = v.on; break;
	default: return -1;
	}
	return 0;
}

/* Applies each setting: the command line's, else git config's, else the
 * default. Returns -1 on a bad value (named with its source). */
static int apply_settings(hook_args *a)
{
	static const char *names[HOOK_SETTING_COUNT];
	int i, err = 0;

	for (i = 0; i < HOOK_SETTING_COUNT; i++)
		names[i] = hook_settings[i].config;
	if (lg_repository_open(&a->repo, NULL) != 0 ||
	    lg_repository_config_get(a->config, a->repo, names, HOOK_SETTING_COUNT) != 0) {
		cli_error("%s: cannot read the hook's settings: %s", hook_names[a->kind],
			  lg_error_last());
		return -1;
	}
	if (a->kind == HOOK_PRE_RECEIVE)
		a->timeout = DEFAULT_SERVER_TIMEOUT;
	/* Every bad value is named, not only the first. */
	for (i = 0; i < HOOK_SETTING_COUNT; i++) {
		int from_config = !a->given[i];
		const char *value = from_config ? a->config[i] : a->given[i];

		/* --rules gathers its (repeated) values as it parses. */
		if (!value || (i == HOOK_SETTING_RULES && !from_config))
			continue;
		err |= apply_setting(a, (hook_setting_id)i, value, from_config);
	}
	return err;
}

enum { OPT_NO_IGNORE = 256, OPT_FROM_PRE_COMMIT, OPT_HELP, OPT_EXTRA_RULES, OPT_NO_DECODE };

/* The hook's own options, after the settings' (hook_setting_getopt). */
static const struct option hook_options[] = {
	{ "no-ignore", no_argument, NULL, OPT_NO_IGNORE },
	{ "from-pre-commit", no_argument, NULL, OPT_FROM_PRE_COMMIT },
	{ "extra-rules", required_argument, NULL, OPT_EXTRA_RULES },
	{ "no-decode", no_argument, NULL, OPT_NO_DECODE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Returns -1 on a usage error, 1 after --help, 0 to go on. The settings
 * are checked here and applied, over git config's, by apply_settings. */
static int parse_hook_args(hook_args *a, int argc, char **argv)
{
	struct option options[HOOK_SETTING_COUNT + sizeof(hook_options) / sizeof(*hook_options)];
	int c;

	hook_setting_getopt(options, hook_options);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c >= 0 && c < HOOK_SETTING_COUNT) {
			const char *value = hook_settings[c].kind == HOOK_VALUE_FLAG ? "true" : optarg;

			if (hook_setting_check((hook_setting_id)c, value) != 0)
				return -1;
			a->given[c] = value;
			if (c == HOOK_SETTING_RULES && rule_paths_add(&a->rules, value) != 0)
				return -1;
			continue;
		}
		switch (c) {
		case OPT_NO_IGNORE: a->no_ignore = 1; break;
		case OPT_FROM_PRE_COMMIT: a->from_pre_commit = 1; break;
		case OPT_NO_DECODE: a->rules.no_decode = 1; break;
		case OPT_EXTRA_RULES:
			if (rule_paths_add_extra(&a->rules, optarg) != 0)
				return -1;
			break;
		case OPT_HELP:
			hook_usage(stdout);
			return 1;
		default:
			cli_error("unknown or incomplete option '%s'", argv[optind - 1]);
			hook_usage(stderr);
			return -1;
		}
	}
	if (a->from_pre_commit && a->kind != HOOK_PRE_PUSH) {
		cli_error("--from-pre-commit is for pre-push");
		return -1;
	}
	if (a->kind == HOOK_PRE_PUSH && !a->from_pre_commit) {
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

/* Says that finding `f` was let through (`how`), as a warning and as a
 * log event named `event`: every exemption a pusher asks for is logged. */
static void note_exemption(hook_args *a, const lg_finding *f, const char *event, const char *how)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: %s at %.12s by '%s'", how, f->fingerprint, f->commit,
		 pushing_user());
	cli_warning("%s", msg);
	log_event(a, event, f, 1, msg);
}

/* Keeps a finding unless the pusher bypassed it; logs each bypass. */
static int not_bypassed(const lg_finding *f, void *payload)
{
	if (!push_option_allows(f->fingerprint))
		return 1;
	note_exemption(payload, f, "bypass", "bypassed by push option");
	return 0;
}

/* ------------------------------------------------------------------------
 * Inline leakgate:allow on the server
 *
 * The marker comes from the pusher, so on the server it is a request, not
 * a reviewed exemption: the matcher reports such findings marked, and this
 * policy decides. Developer-side hooks keep the matcher's default (the
 * marker drops the finding), as it serves the developer.
 * ---------------------------------------------------------------------- */

/* --inline-allow=honour: drops a marked finding, warning and logging it. */
static int not_inline_allowed(const lg_finding *f, void *payload)
{
	if (!f->inline_allowed)
		return 1;
	note_exemption(payload, f, "inline-allow", "inline leakgate:allow honoured");
	return 0;
}

/* The default: a marked finding stays; one line says why, and how to get
 * an exemption. The fingerprint names it (the path was printed, escaped,
 * in the report). */
static void explain_inline_allow(const lg_report *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		if (r->findings[i].inline_allowed)
			cli_error("%s: its line says 'leakgate:allow', which this server does not "
				  "honour from a push; for an exemption, land the fingerprint in "
				  ".leakgateignore on the default branch, or ask an administrator",
				  r->findings[i].fingerprint);
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

#define SERVER_IGNORE_MAX_BYTES (4 << 20)

/* Reads and parses the ignore file at `path` into *out. Returns -1 with
 * a message when it cannot be read: the administrator named it, so a
 * missing one is a mistake to report, not a file to do without. */
static int load_server_ignore(lg_ignore **out, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0;
	int err = -1;

	*out = NULL;
	if (!f) {
		lg_error_set(LG_EIO, "cannot open the ignore file '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!(text = malloc(SERVER_IGNORE_MAX_BYTES + 1))) {
		lg_error_set(LG_ENOMEM, "out of memory");
	} else {
		len = fread(text, 1, SERVER_IGNORE_MAX_BYTES + 1, f);
		if (ferror(f))
			lg_error_set(LG_EIO, "cannot read the ignore file '%s'", path);
		else if (len > SERVER_IGNORE_MAX_BYTES)
			lg_error_set(LG_ELIMIT, "the ignore file '%s' is larger than %d bytes", path,
				     SERVER_IGNORE_MAX_BYTES);
		else
			err = lg_ignore_parse(out, text, len) == 0 ? 0 : -1;
	}
	free(text);
	fclose(f);
	return err;
}

/* What is left of the hook's time budget for the scan: loading the rules
 * counts against it (a cold rule cache compiles them, seconds), since a
 * server kills a hook by the clock, not by what it was doing. A budget
 * already spent leaves the least positive one, so the scan stops at once
 * (0 would mean no budget at all). */
static double remaining_budget(const hook_args *a)
{
	double left;

	if (a->timeout <= 0)
		return 0;
	left = a->timeout - elapsed(a);
	return left > 1e-9 ? left : 1e-9;
}

static int scan_for_hook(lg_report *r, hook_args *a, const lg_matcher *m,
			 const lg_ignore *server_ignore)
{
	lg_scan_options opts = LG_SCAN_OPTIONS_INIT;
	lg_commit_range range;
	const char *all_refs[1] = { "*" };
	char remote_glob[512];
	const char *remote_globs[1] = { remote_glob };

	opts.time_budget = remaining_budget(a);
	opts.stream_threshold = cli_stream_threshold();
	opts.no_ignore_file = a->no_ignore;
	opts.ignore = server_ignore;
	opts.threads = 1; /* a push is small; start-up matters more */
	if (a->kind == HOOK_PRE_COMMIT)
		return lg_scan_staged_in(r, m, a->repo, &opts);

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
		/* Exemptions come from reviewed state: the default branch as
		 * it stands before this push (git moves no ref until the
		 * hook accepts), never from what the push brings. */
		range.ignore_rev = "HEAD";
	} else {
		snprintf(remote_glob, sizeof(remote_glob), "refs/remotes/%s/*", a->remote);
		range.exclude_globs = remote_globs;
		range.exclude_glob_count = 1;
		range.ignore_rev = a->include_count ? a->include[0] : NULL;
	}
	memset(r, 0, sizeof(*r));
	if (a->include_count == 0)
		return 0; /* only deletions */
	return lg_scan_added_in(r, m, a->repo, &range, &opts);
}

/* Loading the rules from a warm cache takes milliseconds; longer, they
 * were most likely compiled. */
#define COLD_LOAD_SECONDS 0.5

/* The reason a scan failed, for the pusher: a spent time budget says how
 * long the hook ran, how much of it loading the rules took (and when that
 * looks like a cold rule cache, how to warm it), and how to give it more. */
static void failure_reason(char *out, size_t cap, const hook_args *a, int err)
{
	double ran = elapsed(a);
	int cold = a->load_seconds >= COLD_LOAD_SECONDS;

	if (err == LG_ELIMIT && a->timeout > 0 && ran >= a->timeout)
		snprintf(out, cap, "the check ran %.3f s, past its time budget of %g s (loading the "
			 "rules took %.3f s%s); raise the budget with 'git config leakgate.timeout "
			 "SECONDS' (or --timeout)", ran, a->timeout, a->load_seconds,
			 cold ? ": a cold rule cache? 'leakgate install' warms it" : "");
	else
		snprintf(out, cap, "%s", lg_error_last());
}

static lg_format rejection_format(hook_kind kind)
{
	return kind == HOOK_PRE_COMMIT ? LG_FORMAT_COMMIT_REJECTION :
	       kind == HOOK_PRE_PUSH ? LG_FORMAT_PRE_PUSH_REJECTION : LG_FORMAT_PUSH_REJECTION;
}

/* Asks the providers about what the hook refuses anyway, within what is
 * left of its time budget (half of it, at most 10 s): the verdict only
 * changes the message, never whether the push or commit is refused. */
static void verify_for_hook(lg_report *r, const hook_args *a)
{
	cli_verify_settings s = { 10, 0, 0 };

	if (a->timeout > 0)
		s.budget = a->timeout / 2 < 10 ? a->timeout / 2 : 10;
	s.timeout = s.budget;
	if (cli_verify_check_env() != 0 || cli_verify(r, &s) != 0)
		cli_warning("the findings could not be verified; they are refused all the same");
}

static int run_hook(hook_args *a)
{
	lg_report_options ro = LG_REPORT_OPTIONS_INIT;
	lg_ruleset *rules = NULL;
	lg_matcher *matcher = NULL;
	lg_ignore *server_ignore = NULL;
	lg_report report;
	char reason[1024];
	double load_started;
	int code, err;

	memset(&report, 0, sizeof(report));
	/* Settings first, for the log; standard input read either way, so the
	 * log names the refs. */
	err = apply_settings(a);
	if (a->from_pre_commit) {
		if (read_pre_commit_env(a) != 0)
			return hook_failed(a, "cannot tell what the push sends (see above)");
	} else if (a->kind != HOOK_PRE_COMMIT && read_hook_stdin(a) != 0) {
		return hook_failed(a, "cannot read what git passed on standard input");
	}
	if (err)
		return hook_failed(a, "a hook setting is wrong (see above)");
	if (a->ignore_file && load_server_ignore(&server_ignore, a->ignore_file) != 0)
		return hook_failed(a, lg_error_last());
	/* Only the server makes its own decision on the marker. */
	load_started = elapsed(a);
	if ((code = load_matcher_with(&rules, &matcher, &a->rules,
				      a->kind == HOOK_PRE_RECEIVE)) != EXIT_CLEAN) {
		lg_ignore_free(server_ignore);
		return hook_failed(a, "cannot load the rules");
	}
	a->load_seconds = elapsed(a) - load_started;
	err = scan_for_hook(&report, a, matcher, server_ignore);
	if (err) {
		failure_reason(reason, sizeof(reason), a, err);
		code = hook_failed(a, reason);
	} else {
		if (a->honour_inline_allow && a->kind == HOOK_PRE_RECEIVE)
			lg_report_filter(&report, not_inline_allowed, a);
		if (a->allow_push_option && a->kind == HOOK_PRE_RECEIVE)
			lg_report_filter(&report, not_bypassed, a);
		if (report.count && a->verify)
			verify_for_hook(&report, a);
		if (report.count) {
			ro.format = rejection_format(a->kind);
			lg_report_write(stderr, &report, &ro);
			explain_inline_allow(&report);
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
	lg_ignore_free(server_ignore);
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
	for (i = 0; i < HOOK_SETTING_COUNT; i++)
		free(a->config[i]);
	rule_paths_release(&a->rules);
	lg_repository_free(a->repo);
}

int cmd_hook(int argc, char **argv)
{
	hook_args a;
	int i, code;

	memset(&a, 0, sizeof(a));
	a.started = cli_monotonic_seconds();
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
