/*
 * cmd_install.c - `leakgate install` and `leakgate uninstall`: write and
 * remove the hook scripts that run `leakgate hook ...`.
 *
 * An existing hook that leakgate did not write is never overwritten
 * silently: install refuses, or with --chain keeps it beside ours
 * (NAME.leakgate-chained) and runs it first; uninstall removes only what
 * carries our marker and puts a chained hook back.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARKER "# leakgate-hook v1"
#define CHAINED_SUFFIX ".leakgate-chained"
#define HOOK_COUNT 3

static const char *const hook_names[HOOK_COUNT] = { "pre-commit", "pre-push", "pre-receive" };
/* Hooks that git feeds on stdin, which a chained hook must see too. */
static const int hook_reads_stdin[HOOK_COUNT] = { 0, 1, 1 };

static void install_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate install [--pre-commit] [--pre-push] [--pre-receive] [--chain]\n"
		"                        [hook settings] [PATH]\n"
		"       leakgate uninstall [PATH]\n"
		"\n"
		"Writes hook scripts into the repository's hooks directory (core.hooksPath\n"
		"honoured). Default: pre-receive in a bare repository, pre-commit and\n"
		"pre-push otherwise. An existing hook is kept: install refuses, or with\n"
		"--chain runs it before leakgate. uninstall removes only leakgate's hooks.\n"
		"\n"
		"Hook settings, written to the repository's git config (change them there\n"
		"later with git config, without installing again):\n"
		"  --rules PATH          leakgate.rules\n"
		"  --timeout SECONDS     leakgate.timeout\n"
		"  --on-error=reject|allow  leakgate.onError\n"
		"  --log FILE            leakgate.log\n"
		"  --allow-push-option   leakgate.allowPushOption\n"
		"  --ignore-file FILE    leakgate.ignoreFile\n"
		"  --verify              leakgate.verify (ask providers whether findings are live)\n"
		"  --inline-allow=refuse|honour  leakgate.inlineAllow\n"
		"\n"
		"The script runs the leakgate that installed it; if that file is moved or\n"
		"deleted, the 'leakgate' on PATH.\n"
		"\n"
		"install also loads the hooks' rules into the rule cache (of the user who\n"
		"runs it: run it as the user the hooks run as), so that the first push\n"
		"does not spend its time budget compiling them; rules that do not load\n"
		"make it fail, installing nothing.\n");
}

/* 1 when the file at `path` carries our marker. */
static int is_ours(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int ours = 0, n = 0;

	if (!f)
		return 0;
	while (!ours && n++ < 3 && fgets(line, sizeof(line), f))
		ours = strncmp(line, MARKER, strlen(MARKER)) == 0;
	fclose(f);
	return ours;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The absolute path of this executable, for the scripts to call. */
static int self_path(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);

	if (n <= 0 || (size_t)n >= cap - 1)
		return -1;
	out[n] = '\0';
	return 0;
}

/* Quotes `s` for a POSIX shell, between single quotes. */
static void shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/*
 * The script's first lines: which leakgate to run. The one that installed
 * it, by absolute path; if that file was moved or deleted (an upgrade, a
 * reinstall elsewhere), the one on PATH; if neither exists, one line
 * saying so and how to fix it, and exit 1: git then refuses the push or
 * the commit, since a check that cannot run must not let anything through.
 */
static void write_locator(FILE *f, const char *exe, int i)
{
	fputs("installed=", f);
	shell_quote(f, exe);
	fputs("\n"
	      "leakgate=$installed\n"
	      "if [ ! -x \"$leakgate\" ]; then\n"
	      "\tleakgate=$(command -v leakgate) || {\n"
	      "\t\techo \"leakgate: ", f);
	fprintf(f, "%s refused: cannot run the secret check: ",
		i == 0 ? "commit" : "push");
	fputs("$installed is gone and no leakgate is on PATH;"
	      " install leakgate (cmake --install build) or run 'leakgate install' again\" >&2\n"
	      "\t\texit 1\n"
	      "\t}\n"
	      "fi\n", f);
}

/* Writes the script for hook `i` to `path` (via a temporary file). */
static int write_script(const char *path, int i, const char *exe, int chained)
{
	char tmp[4200];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.leakgate-tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "w"))) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "#!/bin/sh\n" MARKER ": %s; 'leakgate uninstall' removes it\n", hook_names[i]);
	write_locator(f, exe, i);
	if (chained && hook_reads_stdin[i]) {
		fprintf(f, "input=$(cat)\n"
			   "printf '%%s\\n' \"$input\" | \"$(dirname \"$0\")/%s" CHAINED_SUFFIX "\" \"$@\" || exit $?\n"
			   "printf '%%s\\n' \"$input\" | ", hook_names[i]);
	} else if (chained) {
		fprintf(f, "\"$(dirname \"$0\")/%s" CHAINED_SUFFIX "\" \"$@\" || exit $?\n",
			hook_names[i]);
	}
	fprintf(f, "exec \"$leakgate\" hook %s \"$@\"\n", hook_names[i]);
	if (fchmod(fd, 0755) != 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* 1, with a message, when `dir` holds hook `i` and leakgate did not
 * write it. */
static int foreign_hook(const char *dir, int i)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, hook_names[i]);
	if (!exists(path) || is_ours(path))
		return 0;
	cli_error("'%s' exists and is not leakgate's: leaving it alone "
		  "(--chain keeps it and runs it before leakgate)", path);
	return 1;
}

/* Installs hook `i` into `dir`. */
static int install_one(const char *dir, int i, const char *exe, int chain)
{
	char path[4096], chained[4200];
	int have_chained;

	snprintf(path, sizeof(path), "%s/%s", dir, hook_names[i]);
	snprintf(chained, sizeof(chained), "%s" CHAINED_SUFFIX, path);
	have_chained = exists(chained);
	if (exists(path) && !is_ours(path)) {
		if (!chain)
			return foreign_hook(dir, i) ? -1 : 0;
		if (have_chained) {
			cli_error("cannot chain '%s': '%s' exists already", path, chained);
			return -1;
		}
		if (rename(path, chained) != 0) {
			cli_error("cannot move '%s' aside: %s", path, strerror(errno));
			return -1;
		}
		have_chained = 1;
	}
	if (write_script(path, i, exe, have_chained) != 0)
		return -1;
	printf("installed %s%s\n", path, have_chained ? " (runs the previous hook first)" : "");
	return 0;
}

/* Removes hook `i` from `dir` when it is ours; restores a chained one. */
static int uninstall_one(const char *dir, int i)
{
	char path[4096], chained[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, hook_names[i]);
	snprintf(chained, sizeof(chained), "%s" CHAINED_SUFFIX, path);
	if (!exists(path) || !is_ours(path))
		return 0;
	if (unlink(path) != 0) {
		cli_error("cannot remove '%s': %s", path, strerror(errno));
		return -1;
	}
	if (exists(chained) && rename(chained, path) != 0) {
		cli_error("cannot restore '%s': %s", chained, strerror(errno));
		return -1;
	}
	printf("removed %s%s\n", path, exists(path) ? " (the previous hook is back)" : "");
	return 0;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		cli_error("cannot create '%s': %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes the settings given to install into the repository's git config. */
static int write_settings(const char *path, const char *const *given)
{
	const char *names[HOOK_SETTING_COUNT], *values[HOOK_SETTING_COUNT];
	size_t n = 0;
	int i;

	for (i = 0; i < HOOK_SETTING_COUNT; i++) {
		if (!given[i])
			continue;
		names[n] = hook_settings[i].config;
		values[n++] = given[i];
	}
	if (n == 0)
		return 0;
	if (lg_repository_config_write(path, names, values, n) != 0) {
		cli_error("%s", lg_error_last());
		return -1;
	}
	for (i = 0; i < (int)n; i++)
		printf("set %s = %s\n", names[i], values[i]);
	return 0;
}

/*
 * Loads the rules the hooks of the repository at `path` will use (--rules
 * given now, else leakgate.rules in its git config, else the built-in
 * pack) through the rule cache, so that the first push or commit finds it
 * warm: a cold cache compiles the rules for seconds, which count against a
 * hook's time budget. Rules that do not load are an error: every push
 * would be refused. The cache is the installing user's (LEAKGATE_CACHE_DIR,
 * XDG_CACHE_HOME, HOME): a server whose hooks run as another user warms
 * theirs by running install as that user.
 */
static int warm_rule_cache(const char *path, const char *const *given)
{
	const char *names[1] = { hook_settings[HOOK_SETTING_RULES].config };
	char *configured[1] = { NULL };
	const char *rules_path = given[HOOK_SETTING_RULES];
	rule_paths rp;
	lg_ruleset *rules = NULL;
	lg_matcher *matcher = NULL;
	char cache[4096];
	double started = cli_monotonic_seconds();
	int code = EXIT_CLEAN;

	memset(&rp, 0, sizeof(rp));
	if (!rules_path && lg_repository_config_read(configured, path, names, 1) == 0)
		rules_path = configured[0];
	if (rules_path && rule_paths_add(&rp, rules_path) != 0)
		code = EXIT_REPO;
	if (code == EXIT_CLEAN &&
	    (code = load_matcher(&rules, &matcher, &rp)) != EXIT_CLEAN)
		cli_error("the hooks cannot load their rules (see above), so every push or commit "
			  "would be refused: nothing installed");
	if (code == EXIT_CLEAN && !cli_cache_dir(cache, sizeof(cache)))
		cli_warning("no rule cache (LEAKGATE_CACHE_DIR is empty, or HOME is not set): "
			    "each hook run compiles the rules, in its time budget");
	else if (code == EXIT_CLEAN)
		printf("rule cache warm in %s (%zu rules, %.1f s)\n", cache,
		       lg_ruleset_count(rules), cli_monotonic_seconds() - started);
	lg_matcher_free(matcher);
	lg_ruleset_free(rules);
	rule_paths_release(&rp);
	free(configured[0]);
	return code;
}

enum { OPT_PRE_COMMIT = HOOK_SETTING_COUNT, OPT_PRE_PUSH, OPT_PRE_RECEIVE, OPT_CHAIN, OPT_HELP };

static int run_install(int argc, char **argv, int uninstall)
{
	/* install's own options, after the settings' (hook_setting_getopt) */
	static const struct option own[] = {
		{ "pre-commit", no_argument, NULL, OPT_PRE_COMMIT },
		{ "pre-push", no_argument, NULL, OPT_PRE_PUSH },
		{ "pre-receive", no_argument, NULL, OPT_PRE_RECEIVE },
		{ "chain", no_argument, NULL, OPT_CHAIN },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct option options[HOOK_SETTING_COUNT + sizeof(own) / sizeof(*own)];
	int wanted[HOOK_COUNT] = { 0 }, any = 0, chain = 0, bare = 0, c, i, failed = 0, code;
	const char *given[HOOK_SETTING_COUNT] = { NULL };
	const char *path = ".";
	char exe[4096];
	char *dir = NULL;

	hook_setting_getopt(options, own);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c >= OPT_PRE_COMMIT && c <= OPT_PRE_RECEIVE && !uninstall) {
			wanted[c - OPT_PRE_COMMIT] = any = 1;
		} else if (c >= 0 && c < HOOK_SETTING_COUNT && !uninstall) {
			given[c] = hook_settings[c].kind == HOOK_VALUE_FLAG ? "true" : optarg;
			if (hook_setting_check((hook_setting_id)c, given[c]) != 0)
				return EXIT_USAGE;
		} else if (c == OPT_CHAIN && !uninstall) {
			chain = 1;
		} else if (c == OPT_HELP) {
			install_usage(stdout);
			return EXIT_CLEAN;
		} else {
			cli_error("unknown or incomplete option '%s'", argv[optind - 1]);
			install_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (lg_repository_hooks_dir(&dir, &bare, path) != 0) {
		cli_error("%s", lg_error_last());
		return EXIT_REPO;
	}
	if (!any && !uninstall) {
		wanted[2] = bare;
		wanted[0] = wanted[1] = !bare;
	}
	if (!uninstall && (self_path(exe, sizeof(exe)) != 0 || make_dir(dir) != 0)) {
		free(dir);
		return EXIT_REPO;
	}
	/* Refuse before writing anything, so a refusal leaves no half-install. */
	for (i = 0; i < HOOK_COUNT && !uninstall && !chain; i++)
		failed |= wanted[i] && foreign_hook(dir, i);
	if (!failed && !uninstall && (code = warm_rule_cache(path, given)) != EXIT_CLEAN) {
		free(dir);
		return code;
	}
	if (!failed && !uninstall)
		failed |= write_settings(path, given) != 0;
	for (i = 0; i < HOOK_COUNT && !failed; i++) {
		if (uninstall)
			failed |= uninstall_one(dir, i) != 0;
		else if (wanted[i])
			failed |= install_one(dir, i, exe, chain) != 0;
	}
	free(dir);
	return failed ? EXIT_REPO : EXIT_CLEAN;
}

int cmd_install(int argc, char **argv)
{
	return run_install(argc, argv, 0);
}

int cmd_uninstall(int argc, char **argv)
{
	return run_install(argc, argv, 1);
}
