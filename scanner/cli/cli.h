/*
 * cli.h - what the command-line tool's files share. The tool uses only the
 * library's public API (leakgate.h, and leakgate_tool.h for what only the
 * tool needs).
 */
#ifndef LG_CLI_H
#define LG_CLI_H

#include "leakgate_tool.h"

#include <getopt.h>

/* Exit codes: the contract with scripts and CI. */
enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_USAGE = 2, /* usage or rule error */
	EXIT_REPO = 3   /* repository or I/O error */
};

/* The rule pack compiled into the binary (builtin_rules.c, generated). */
extern const lg_rule_source leakgate_builtin_rules[];
extern const size_t leakgate_builtin_rule_count;
/* A digest of the pack's file names and contents, made at build time. */
extern const char leakgate_builtin_rules_digest[];

/* Rule files named with --rules (repeatable; none means the built-in
 * pack), and with --extra-rules (repeatable): added to those, a rule with
 * the id of one of them replacing it. */
typedef struct {
	const char **paths;
	size_t count;
	const char **extra;
	size_t extra_count;
	int no_decode; /* --no-decode: the matcher does not scan decoded text */
} rule_paths;

int rule_paths_add(rule_paths *rp, const char *path);
int rule_paths_add_extra(rule_paths *rp, const char *path);
void rule_paths_release(rule_paths *rp);

/* Loads the rules and builds the matcher, printing each rule problem on
 * stderr. Returns an exit code: EXIT_CLEAN on success. */
int load_matcher(lg_ruleset **rules, lg_matcher **matcher,
		 const rule_paths *rp);
/* The same; with `report_inline_allowed`, findings on a line marked
 * leakgate:allow are reported, marked, for the caller's policy to decide. */
int load_matcher_with(lg_ruleset **rules, lg_matcher **matcher,
		      const rule_paths *rp, int report_inline_allowed);

/* LEAKGATE_STREAM_THRESHOLD (bytes; tests lower it), for
 * lg_scan_options.stream_threshold; 0 (the default) when unset or invalid. */
uint64_t cli_stream_threshold(void);

/* Where caches live: $LEAKGATE_CACHE_DIR, else $XDG_CACHE_HOME/leakgate,
 * else ~/.cache/leakgate, written into `buf`; NULL (no cache) when none is
 * set or LEAKGATE_CACHE_DIR is empty. */
const char *cli_cache_dir(char *buf, size_t cap);

/* Live verification (cli_verify.c). */
typedef struct {
	double budget;   /* seconds for all checks; 0: the library's default */
	double timeout;  /* seconds per request; 0: the library's default */
	int quiet;       /* no warnings */
} cli_verify_settings;
/* Refuses a malformed or non-loopback LEAKGATE_VERIFY_OVERRIDE (printed). */
int cli_verify_check_env(void);
/* Fills each finding's verification; -1 after printing an error. */
int cli_verify(lg_report *r, const cli_verify_settings *s);
/* --only-live: keeps live findings and those whose check failed. */
void cli_keep_only_live(lg_report *r);
size_t cli_count_live(const lg_report *r);

/* Seconds on the monotonic clock, for durations. */
double cli_monotonic_seconds(void);

/* Prints "leakgate: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Maps a library error code to an exit code. */
int exit_code_for(int err);

/* The hook settings an administrator keeps in git config, which `leakgate
 * install` writes and `leakgate hook` reads; a command-line option wins
 * over its setting (hook_settings.c; what each does: cmd_hook.c). */
typedef enum {
	HOOK_SETTING_RULES,
	HOOK_SETTING_TIMEOUT,
	HOOK_SETTING_ON_ERROR,
	HOOK_SETTING_LOG,
	HOOK_SETTING_ALLOW_PUSH_OPTION,
	HOOK_SETTING_IGNORE_FILE,
	HOOK_SETTING_VERIFY,
	HOOK_SETTING_INLINE_ALLOW,
	HOOK_SETTING_COUNT
} hook_setting_id;

typedef enum {
	HOOK_VALUE_PATH,    /* a file (not empty) */
	HOOK_VALUE_SECONDS, /* 0 to 86400 */
	HOOK_VALUE_FLAG,    /* git's booleans; the option takes no value */
	HOOK_VALUE_CHOICE   /* one of `words`: the first is off, the others on */
} hook_value_kind;

typedef struct {
	const char *option;  /* the command-line option, without "--" */
	const char *config;  /* the git config key */
	hook_value_kind kind;
	const char *const *words; /* HOOK_VALUE_CHOICE: NULL-terminated */
} hook_setting;

extern const hook_setting hook_settings[HOOK_SETTING_COUNT];

/* A setting's value as read: seconds, or on (flags and choices); a path
 * is the value itself. */
typedef struct {
	double seconds;
	int on;
} hook_setting_value;

/* Reads `value` for setting `id`; -1 with a message naming where it came
 * from (the option, or with `from_config` the git config key). */
int hook_setting_parse(hook_setting_value *out, hook_setting_id id, const char *value,
		       int from_config);
/* 0 when `value` suits setting `id` as an option; else -1 with a message. */
int hook_setting_check(hook_setting_id id, const char *value);

/* Writes the settings' getopt entries (`val`: the setting's id; a flag
 * takes no argument) into `out`, then `extra`'s up to its zero entry, then
 * a zero entry; `out` must hold HOOK_SETTING_COUNT more entries than
 * `extra`. Returns the entries written before the zero one. */
size_t hook_setting_getopt(struct option *out, const struct option *extra);

int cmd_scan(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_install(int argc, char **argv);
int cmd_uninstall(int argc, char **argv);

#endif
