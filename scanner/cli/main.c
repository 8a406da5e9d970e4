/*
 * main.c - the command table, shared option helpers, exit codes.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	char path[4096];
} path_storage;

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} command;

static int cmd_version(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const command commands[] = {
	{ "scan", cmd_scan, "scan a repository's whole history (or files with --no-git)" },
	{ "baseline", cmd_baseline, "write a baseline: the findings to accept as known" },
	{ "report", cmd_report, "merge JSON reports into one (html, sarif, json, ...)" },
	{ "rules", cmd_rules, "check or list the rules" },
	{ "hook", cmd_hook, "run as a git hook: pre-receive, pre-push, pre-commit" },
	{ "install", cmd_install, "write leakgate's hooks into a repository" },
	{ "uninstall", cmd_uninstall, "remove the hooks leakgate wrote" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "show this help" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void vreport(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "leakgate: %s", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

int exit_code_for(int err)
{
	switch (err) {
	case 0:
		return EXIT_CLEAN;
	case LG_EINVALID:
	case LG_ERULES:
		return EXIT_USAGE;
	default:
		return EXIT_REPO;
	}
}

int rule_paths_add(rule_paths *rp, const char *path)
{
	const char **p = realloc(rp->paths, (rp->count + 1) * sizeof(*p));

	if (!p)
		return LG_ENOMEM;
	rp->paths = p;
	rp->paths[rp->count++] = path;
	return 0;
}

int rule_paths_add_extra(rule_paths *rp, const char *path)
{
	const char **p = realloc(rp->extra, (rp->extra_count + 1) * sizeof(*p));

	if (!p)
		return LG_ENOMEM;
	rp->extra = p;
	rp->extra[rp->extra_count++] = path;
	return 0;
}

void rule_paths_release(rule_paths *rp)
{
	free(rp->paths);
	free(rp->extra);
	rp->paths = NULL;
	rp->extra = NULL;
	rp->count = rp->extra_count = 0;
}

static void print_problem(const char *message, void *payload)
{
	(void)payload;
	fprintf(stderr, "%s\n", message);
}

/* Where loaded rules and their compiled database are cached: $LEAKGATE_CACHE_DIR, else
 * $XDG_CACHE_HOME/leakgate, else ~/.cache/leakgate; NULL (no cache) when
 * none is set or LEAKGATE_CACHE_DIR is empty. */
static const char *cache_dir(path_storage *storage)
{
	const char *dir = getenv("LEAKGATE_CACHE_DIR");
	const char *base;

	if (dir)
		return *dir ? dir : NULL;
	if ((base = getenv("XDG_CACHE_HOME")) && *base == '/')
		snprintf(storage->path, sizeof(storage->path), "%s/leakgate", base);
	else if ((base = getenv("HOME")) && *base == '/')
		snprintf(storage->path, sizeof(storage->path), "%s/.cache/leakgate", base);
	else
		return NULL;
	return storage->path;
}

/* 1 when environment variable `name` is set to anything but "" or "0". */
static int env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

uint64_t cli_stream_threshold(void)
{
	const char *v = getenv("LEAKGATE_STREAM_THRESHOLD");
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return 0;
	n = strtoull(v, &end, 10);
	return *end ? 0 : n;
}

double cli_monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *cli_cache_dir(char *buf, size_t cap)
{
	path_storage storage;
	const char *dir = cache_dir(&storage);

	if (!dir || strlen(dir) >= cap)
		return NULL;
	memcpy(buf, dir, strlen(dir) + 1);
	return buf;
}

/* The base rules (the --rules files, else the built-in pack) and the
 * --extra-rules files over them, loaded as one ruleset through the cache. */
static int load_extended(lg_ruleset **rules, const rule_paths *rp, const char *cache)
{
	lg_rule_source *base = NULL, *extra = NULL, *all = NULL;
	size_t nbase = 0, nextra = 0;
	int err = 0;

	if (rp->count)
		err = lg_rule_sources_read(&base, &nbase, rp->paths, rp->count, 0,
					   print_problem, NULL);
	if (!err)
		err = lg_rule_sources_read(&extra, &nextra, rp->extra, rp->extra_count, 1,
					   print_problem, NULL);
	if (!err) {
		const lg_rule_source *from = rp->count ? base : leakgate_builtin_rules;
		size_t nfrom = rp->count ? nbase : leakgate_builtin_rule_count;

		if (!(all = calloc(nfrom + nextra, sizeof(*all)))) {
			cli_error("out of memory");
			err = LG_ENOMEM;
		} else {
			memcpy(all, from, nfrom * sizeof(*all));
			memcpy(all + nfrom, extra, nextra * sizeof(*all));
			err = lg_ruleset_load_sources_cached(rules, all, nfrom + nextra, NULL, cache,
							     print_problem, NULL);
		}
	}
	free(all);
	lg_rule_sources_free(base, nbase);
	lg_rule_sources_free(extra, nextra);
	return err;
}

int load_matcher(lg_ruleset **rules, lg_matcher **matcher,
		 const rule_paths *rp)
{
	return load_matcher_with(rules, matcher, rp, 0);
}

int load_matcher_with(lg_ruleset **rules, lg_matcher **matcher,
		      const rule_paths *rp, int report_inline_allowed)
{
	lg_matcher_options mopts = LG_MATCHER_OPTIONS_INIT;
	path_storage storage;
	int err;

	*rules = NULL;
	*matcher = NULL;
	mopts.cache_dir = cache_dir(&storage);
	mopts.report_inline_allowed = report_inline_allowed;
	/* LEAKGATE_NO_JIT: for memory checkers (scripts/run.sh's valgrind
	 * run), which cannot tell PCRE2's JIT reading within a page past a
	 * subject's end from a bug. */
	mopts.no_jit = env_flag("LEAKGATE_NO_JIT");
	/* LEAKGATE_NO_GATE: every rule over every byte, for benchmarks and
	 * checks that compare it with gated rules (same findings). */
	mopts.no_gate = env_flag("LEAKGATE_NO_GATE");
	mopts.no_decode = rp->no_decode;
	if (rp->extra_count)
		err = load_extended(rules, rp, mopts.cache_dir);
	else if (rp->count)
		err = lg_ruleset_load_cached(rules, rp->paths, rp->count, mopts.cache_dir,
					     print_problem, NULL);
	else
		err = lg_ruleset_load_sources_cached(rules, leakgate_builtin_rules,
						     leakgate_builtin_rule_count,
						     leakgate_builtin_rules_digest,
						     mopts.cache_dir, print_problem, NULL);
	if (err) {
		cli_error("%s", lg_error_last());
		return EXIT_USAGE;
	}
	mopts.on_problem = print_problem;
	if ((err = lg_matcher_new(matcher, *rules, &mopts)) != 0) {
		cli_error("%s", lg_error_last());
		lg_ruleset_free(*rules);
		*rules = NULL;
		return err == LG_ERULES ? EXIT_USAGE : EXIT_REPO;
	}
	return EXIT_CLEAN;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("leakgate %s\n", LG_VERSION);
	return EXIT_CLEAN;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: leakgate <command> [options]\n\ncommands:\n");
	for (i = 0; i < COMMAND_COUNT; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'leakgate <command> --help' describes a command's options.\n"
		   "exit codes: 0 clean, 1 findings, 2 usage or rule error, 3 repository or I/O error\n");
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_CLEAN;
}

/* After a command, flush stdout and report a write error (a full disk or
 * closed pipe must not pass for a clean scan). */
static int finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write to standard output: %s", strerror(errno));
		return EXIT_REPO;
	}
	return code;
}

/*
 * libgit2's process-wide settings, which the library leaves to its caller.
 * libgit2's defaults suit a program that reads the same objects again and
 * again: up to 256 MiB of parsed objects cached (per repository handle, and
 * a scan has one per thread), and packs mapped in 1 GiB windows up to 8 GiB
 * in all, every page of which stays resident. A scan reads each object
 * about once, so both would only make its memory grow with the repository.
 * The object cache is off: a small one (4 MiB) was full all the time, and
 * each eviction scans its hash table from the first bucket, which was a
 * third of the walk (2.5 s -> 1.6 s on a 353 MB history without it, 30 MB
 * less at the peak of a 1.8 GB one); a large one only holds trees and
 * commits the walk does not read again. Smaller windows cost a few mmap
 * calls; the delta-base cache, which is what reading in pack order relies
 * on, is separate. Only the walk reads packs through libgit2 at length
 * (trees), so 32 MiB of windows took 30-40 MB off the peak of that scan,
 * against 64 MiB, at the same speed.
 *
 * libgit2 also recomputes the (collision-detecting, slow) SHA-1 of every
 * object it reads, which costs a scan about a quarter of its time; git
 * does not when it reads objects (only fsck does). Corruption is still
 * caught by zlib's checksum of each object and by the delta checks, and
 * what is scanned is the content the repository serves.
 */
static int global_init(void)
{
	lg_global_options o = LG_GLOBAL_OPTIONS_INIT;

	o.object_cache = 0;
	o.verify_object_hashes = 0;
	o.pack_window_bytes = (size_t)8 << 20;
	o.pack_mapped_limit_bytes = (size_t)32 << 20;
	return lg_global_init(&o);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0)
		return finish(cmd_version(argc - 1, argv + 1));
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return finish(cmd_help(argc - 1, argv + 1));
	for (i = 0; i < COMMAND_COUNT; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (global_init() != 0) {
			cli_error("%s", lg_error_last());
			return finish(EXIT_REPO);
		}
		return finish(commands[i].fn(argc - 1, argv + 1));
	}
	cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
