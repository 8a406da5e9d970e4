/*
 * leakgate.h - the public API of the leakgate library.
 *
 * Conventions (after libgit2):
 *  - functions return int: 0 on success, a negative lg_error_code on failure;
 *    the message is kept thread-locally and read with lg_error_last();
 *  - output parameters come first and are named `out`; what comes back
 *    through `**out` belongs to the caller, who frees it with the type's own
 *    `_free` function; a pointer returned directly is borrowed;
 *  - every `_free` accepts NULL;
 *  - callbacks end in `void *payload`.
 *
 * This header is for library users. What only the leakgate tool needs
 * (hook input lines, the hooks directory, git config for its settings) is
 * in leakgate_tool.h, which the command-line tool includes as well.
 */
#ifndef LEAKGATE_H
#define LEAKGATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LG_VERSION "0.1.0"
/* Where the project lives: SARIF's tool.driver.informationUri. The
 * default is a placeholder: packagers set theirs with
 * `cmake -DLEAKGATE_HOMEPAGE=https://...` (README, Building). */
#ifndef LG_HOMEPAGE
#define LG_HOMEPAGE "https://github.com/leakgate/leakgate"
#endif

/* ------------------------------------------------------------------------
 * Errors
 * ---------------------------------------------------------------------- */

typedef enum {
	LG_OK = 0,
	LG_ERROR = -1,      /* internal error */
	LG_ENOMEM = -2,     /* out of memory */
	LG_EINVALID = -3,   /* invalid argument or input (usage error) */
	LG_ERULES = -4,     /* rule file error */
	LG_EREPO = -5,      /* repository cannot be opened or read */
	LG_EIO = -6,        /* file I/O error */
	LG_ENOTFOUND = -7,  /* expected lookup failure */
	LG_ELIMIT = -8,     /* a configured limit was hit */
	LG_ESTOP = -9       /* a callback asked to stop */
} lg_error_code;

/* The last error message of this thread; never NULL (an empty string when
 * none). Borrowed: valid until the next lg_error_set on this thread. */
const char *lg_error_last(void);

/* Sets this thread's error message (printf-style) and returns `code`, so a
 * failing function can `return lg_error_set(LG_EIO, "...")`. */
int lg_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void lg_error_clear(void);

/* ------------------------------------------------------------------------
 * Process-wide set-up (git/gitinit.c)
 *
 * Settings of the libraries leakgate uses that apply to the whole process,
 * so the library never changes them itself. Calling lg_global_init is
 * optional: without it libgit2 is initialised on first use with its own
 * defaults. A program that owns its process (the leakgate CLI) calls it once,
 * from main, before any scan.
 * ---------------------------------------------------------------------- */

typedef struct {
	unsigned version;
	int object_cache;          /* libgit2's object cache (its default: on) */
	int verify_object_hashes;  /* libgit2 recomputes each object's SHA-1 as
				      it reads it (its default: on) */
	size_t pack_window_bytes;       /* 0 = libgit2's default */
	size_t pack_mapped_limit_bytes; /* 0 = libgit2's default */
} lg_global_options;

#define LG_GLOBAL_OPTIONS_VERSION 1
#define LG_GLOBAL_OPTIONS_INIT { LG_GLOBAL_OPTIONS_VERSION, 1, 1, 0, 0 }

/* Fills `opts` with the defaults of `version` (LG_GLOBAL_OPTIONS_VERSION);
 * LG_EINVALID for a version this library does not know. The same holds
 * for every lg_*_options_init below. */
int lg_global_options_init(lg_global_options *opts, unsigned version);
/* Initialises libgit2 and applies `opts` (NULL: libgit2's defaults). */
int lg_global_init(const lg_global_options *opts);

/* ------------------------------------------------------------------------
 * Rules (rules/)
 * ---------------------------------------------------------------------- */

typedef enum {
	LG_SEVERITY_LOW = 0,
	LG_SEVERITY_MEDIUM,
	LG_SEVERITY_HIGH,
	LG_SEVERITY_CRITICAL
} lg_severity;

typedef enum {
	LG_CONFIDENCE_LOW = 0,
	LG_CONFIDENCE_MEDIUM,
	LG_CONFIDENCE_HIGH
} lg_confidence;

const char *lg_severity_name(lg_severity s);     /* "low" ... "critical" */
const char *lg_confidence_name(lg_confidence c); /* "low" ... "high" */
/* Parses a name; returns 0 and writes *out, or LG_EINVALID. */
int lg_severity_parse(lg_severity *out, const char *name);
int lg_confidence_parse(lg_confidence *out, const char *name);

/* Checksums a rule may require of its secret (issue: patterns precision). */
typedef enum {
	LG_CHECKSUM_NONE = 0,
	LG_CHECKSUM_GITHUB_CRC32, /* ghp_/gho_/...: last 6 chars base62 CRC32 */
	LG_CHECKSUM_NPM_CRC32     /* npm_: same scheme as GitHub */
} lg_checksum;

/* A loaded rule. Read-only view; owned by its lg_ruleset. */
typedef struct lg_rule {
	size_t index;            /* position in the ruleset, 0-based */
	const char *id;          /* unique across all files */
	const char *name;
	const char *description;
	const char *remediation; /* optional help text; may be NULL */
	lg_severity severity;
	lg_confidence confidence; /* default medium */
	const char *regex;       /* PCRE syntax, compiled by Hyperscan + PCRE2 */
	unsigned secret_group;   /* 0 = whole match */
	const char *const *keywords; /* NULL-terminated; may be empty */
	size_t keyword_count;
	double min_entropy;      /* bits per character; 0 = no check */
	const char *const *allow; /* regexes of placeholders; NULL-terminated */
	size_t allow_count;
	lg_checksum checksum;
	/* Ids of more general rules this one is more specific than: when both
	 * find a secret starting at the same byte, only this one reports it
	 * (an id no loaded rule has is ignored). NULL-terminated; may be NULL. */
	const char *const *supersedes;
	size_t supersedes_count;
	const char *const *examples; /* NULL-terminated */
	size_t example_count;
	const char *const *negative_examples; /* NULL-terminated */
	size_t negative_example_count;
	const char *source_file; /* the file the rule came from */
	/* The rule's live check (its `verify` object) as compact JSON,
	 * validated at load; NULL when the rule has none. Read by verify/. */
	const char *verify;
	/* Where `keywords` and `context_patterns` are looked for: bytes
	 * before the match's start and after its end (default 256 and 0),
	 * and, when context_lines > 0, only within that many lines on each
	 * side of the match's lines. */
	uint32_t context_before, context_after, context_lines;
	/* PCRE2 regexes; any one found in the context window counts as a
	 * keyword would (an Account SID near a bare 32-hex token).
	 * NULL-terminated; may be empty. */
	const char *const *context_patterns;
	size_t context_pattern_count;
	/* The secret must look like a generated value, not a word, a run,
	 * or a reference to one elsewhere (lg_generic_value_ok). */
	int generic_value;
	/* A pair rule (regex NULL): reports one more finding wherever a
	 * match of a rule in pair_rules[0] and one of pair_rules[1] lie at
	 * most pair_max_lines apart in one file, with both secrets as its
	 * parts, named pair_names[0] and pair_names[1]. */
	const char *pair_names[2];
	const char *const *pair_rules[2]; /* rule ids; NULL-terminated */
	size_t pair_rule_count[2];
	uint32_t pair_max_lines;
} lg_rule;

typedef struct lg_ruleset lg_ruleset;

/* Called once per problem found while loading rules. `message` has the form
 * "FILE: rule ID: what is wrong" (or "FILE: what is wrong" for file-level
 * problems). */
typedef void (*lg_problem_cb)(const char *message, void *payload);

/*
 * Loads every rule file named in `paths`; a path that is a directory
 * contributes each `*.json` file in it, in name order. Validates every field
 * of every rule and checks that every regex compiles with PCRE2 and with
 * Hyperscan. Each problem is reported through `on_problem` (which may be
 * NULL); if there was any, returns LG_ERULES and writes nothing to *out.
 */
int lg_ruleset_load(lg_ruleset **out, const char *const *paths, size_t npaths,
		    lg_problem_cb on_problem, void *payload);

/* Loads rules from a JSON text held in memory; `name` stands for the file
 * name in problem messages. Same contract as lg_ruleset_load. */
int lg_ruleset_load_buffer(lg_ruleset **out, const char *name,
			   const char *json, size_t len,
			   lg_problem_cb on_problem, void *payload);

/* A rule file held in memory (the built-in pack is compiled in). A rule
 * from a higher `layer` replaces the rule with the same id from a lower
 * one (extra rules over the pack); within a layer an id is unique. */
typedef struct {
	const char *name;
	const char *json;
	size_t len;
	unsigned layer;
} lg_rule_source;

/* Reads every rule file that `paths` name (a directory: its *.json files,
 * in name order) into memory, each of layer `layer`, without parsing them;
 * each file that cannot be read is reported through `on_problem` (may be
 * NULL), and then LG_ERULES. Freed with lg_rule_sources_free. */
int lg_rule_sources_read(lg_rule_source **out, size_t *count, const char *const *paths,
			 size_t npaths, unsigned layer, lg_problem_cb on_problem, void *payload);
void lg_rule_sources_free(lg_rule_source *sources, size_t count);

/* Loads several in-memory rule files as one ruleset. */
int lg_ruleset_load_sources(lg_ruleset **out, const lg_rule_source *sources,
			    size_t n, lg_problem_cb on_problem, void *payload);

/*
 * lg_ruleset_load_sources and lg_ruleset_load through a cache in
 * `cache_dir` (created if missing; NULL: no cache): a load that found no
 * problem is kept there, and a later load of the same files, byte for
 * byte, by the same build of leakgate returns it without parsing or
 * validating anything. `digest`, when not NULL, stands for the sources in
 * the cache key and must change whenever their names or bytes do (the
 * built-in pack carries one made at build time); NULL hashes them.
 * Failing to write the cache is not an error.
 */
int lg_ruleset_load_sources_cached(lg_ruleset **out, const lg_rule_source *sources,
				   size_t n, const char *digest, const char *cache_dir,
				   lg_problem_cb on_problem, void *payload);
int lg_ruleset_load_cached(lg_ruleset **out, const char *const *paths, size_t npaths,
			   const char *cache_dir, lg_problem_cb on_problem, void *payload);

void lg_ruleset_free(lg_ruleset *rs);
size_t lg_ruleset_count(const lg_ruleset *rs);
const lg_rule *lg_ruleset_get(const lg_ruleset *rs, size_t i);
const lg_rule *lg_ruleset_find(const lg_ruleset *rs, const char *id);

/* A hex digest that changes whenever any rule's content changes; used to key
 * caches and incremental state. Borrowed. */
const char *lg_ruleset_hash(const lg_ruleset *rs);

/* ------------------------------------------------------------------------
 * Matcher (match/): Hyperscan candidates + PCRE2 confirm
 * ---------------------------------------------------------------------- */

typedef struct lg_matcher lg_matcher; /* shared read-only between threads */
typedef struct lg_scratch lg_scratch; /* one per thread */

typedef struct {
	unsigned version;
	/* Directory for the compiled-database cache; NULL disables caching. */
	const char *cache_dir;
	/* Upper bound on confirmed matches reported per buffer (0 = default,
	 * 10000; Hyperscan reports are capped at 1000000). When a cap is
	 * hit, lg_scan_result.capped is set and one more match, unconfirmed
	 * and cut_short, says where matching stopped. */
	size_t max_matches_per_buffer;
	/* Each rule Hyperscan refuses, as "FILE: rule ID: message"; may be
	 * NULL. (Loading checks fields and PCRE2; Hyperscan's analysis runs
	 * here, and only when the database is not in the cache.) */
	lg_problem_cb on_problem;
	void *payload;
	/* PCRE2's match and depth limits for the confirm stage (0: the
	 * defaults, 100000 and 10000). A candidate whose confirmation hits
	 * one is reported unconfirmed; tests lower them to make that happen. */
	uint32_t pcre2_match_limit;
	uint32_t pcre2_depth_limit;
	/* Do not JIT-compile the PCRE2 regexes (slower; for memory checkers:
	 * JIT's SIMD loads may read a few bytes past a subject's end, never
	 * across a page, which valgrind cannot tell from a bug). */
	int no_jit;
	/* Report the matches on a line marked `leakgate:allow` too, with
	 * lg_match.inline_allowed set, instead of dropping them: for a caller
	 * whose policy decides (a server's hook, where the marker comes from
	 * the pusher). 0: dropped, as everywhere else. */
	int report_inline_allowed;
	/* Do not decode encoded text. By default whole-buffer scans also
	 * decode base64, %XX, string escapes and UTF-16 text to a depth of 2
	 * and scan it (lg_match.decoded); streamed inputs are not decoded. */
	int no_decode;
	/* Run every rule over every byte. By default a rule with keywords
	 * whose regex holds no literal runs only around its keywords' hits,
	 * with the same findings (patterns/README.md, "Gated rules"); this
	 * is for tests and benchmarks that compare the two. */
	int no_gate;
} lg_matcher_options;

#define LG_MATCHER_OPTIONS_VERSION 1
#define LG_MATCHER_OPTIONS_INIT { LG_MATCHER_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0, 0 }
int lg_matcher_options_init(lg_matcher_options *opts, unsigned version);

/* Compiles (or loads from cache) the database for `rules`, which it only
 * reads (Hyperscan's analysis of each rule is the matcher's). The ruleset
 * must outlive the matcher; LG_ERULES when Hyperscan refuses a rule. */
int lg_matcher_new(lg_matcher **out, const lg_ruleset *rules,
		   const lg_matcher_options *opts);
void lg_matcher_free(lg_matcher *m);

int lg_scratch_new(lg_scratch **out, const lg_matcher *m);
void lg_scratch_free(lg_scratch *s);

/* One confirmed secret in a buffer. Offsets are bytes into the buffer. */
typedef struct {
	const lg_rule *rule;
	size_t match_start, match_end;   /* the whole regex match */
	size_t secret_start, secret_end; /* the secret (capture group) */
	size_t line;       /* 1-based line of secret_start */
	size_t column;     /* 1-based column of secret_start, in code points */
	size_t end_column; /* 1-based column one past the secret's last char,
			      on the secret's first line */
	size_t line_start, line_end; /* byte range of that line, no newline */
	/* NULL for a confirmed secret. Otherwise the confirm stage could not
	 * decide this candidate (PCRE2 hit a limit); it is reported all the
	 * same, never dropped, and this says why (a static string). The
	 * "secret" is then the candidate's text on its last line up to
	 * Hyperscan's reported end, at most 64 bytes; match_* equals secret_*. */
	const char *unconfirmed;
	/* 1 when the line carries `leakgate:allow` (reported only with
	 * lg_matcher_options.report_inline_allowed). */
	int inline_allowed;
	/* 1 on the match where the buffer's cap (Hyperscan reports, or
	 * confirmed matches) stopped matching: it is unconfirmed, saying so,
	 * and nothing after it was matched. No filter may drop it (not the
	 * allow marker, a minimum confidence or the lines a change adds):
	 * the input was not looked at, so "no finding" would be a guess. */
	int cut_short;
	/* NULL for a secret found as written. Otherwise it was found in the
	 * decoded form of encoded text ("base64", "percent", "escape",
	 * "utf16", or a chain such as "base64+percent"; a static string):
	 * match_* and secret_* are then the encoded span in the buffer (where
	 * it is reported), and the secret itself is decoded_secret (valid
	 * during the callback only). */
	const char *decoded;
	const char *decoded_secret;
	size_t decoded_secret_len;
} lg_match;

/* Called for each confirmed match (and each undecided one, marked
 * `unconfirmed`), in order of secret_start (ties: rule index). Return
 * non-zero to stop the scan (lg_matcher_scan then returns LG_ESTOP). */
typedef int (*lg_match_cb)(const lg_match *m, void *payload);

typedef struct {
	size_t candidates; /* Hyperscan reports */
	size_t matches;    /* confirmed and reported */
	int capped;        /* a per-buffer cap was hit (see cut_short) */
	int binary;        /* a NUL byte within the first 8000 bytes */
} lg_scan_result;

/*
 * Scans `buf` and reports each secret that passes every check: the rule's
 * regex (confirm stage), secret group, entropy, keywords, checksum, the
 * rule's own allow patterns and the shared placeholder filter, and the
 * inline `leakgate:allow` marker on the secret's line (unless the matcher
 * was made with report_inline_allowed: then such a match is reported with
 * inline_allowed set). `result` may be NULL.
 */
int lg_matcher_scan(const lg_matcher *m, lg_scratch *s, const char *buf,
		    size_t len, lg_match_cb cb, void *payload,
		    lg_scan_result *result);

/* Called by lg_rules_check for each example that does not match its rule
 * (negative = 0) or each negative example that does (negative = 1). */
typedef void (*lg_check_cb)(const lg_rule *rule, const char *example,
			    int negative, void *payload);

/* Scans every rule's examples and negative examples with the full matcher.
 * Writes the number of failures to *failures; returns 0 unless scanning
 * itself failed. */
int lg_rules_check(size_t *failures, const lg_matcher *m, lg_check_cb cb,
		   void *payload);

/* Shannon entropy of `s` in bits per character (byte). */
double lg_entropy(const char *s, size_t len);

/* 1 when `secret` (or the text around it) is a placeholder under the shared
 * filter documented in patterns/README.md. */
int lg_is_placeholder(const char *secret, size_t len);

/* 1 when `value`, assigned to a secret-sounding name, looks generated:
 * not a reference to a value kept elsewhere (${X}, process.env.X,
 * os.environ[...], {{ x }}, <x>, $X), not a word or a run (password,
 * changeme, 12345678, abcdefgh), and enough character classes and entropy
 * for its length. The check generic rules declare with "generic_value". */
int lg_generic_value_ok(const char *value, size_t len);

/* ------------------------------------------------------------------------
 * Secrets: redaction and fingerprints (findings/)
 * ---------------------------------------------------------------------- */

/* Writes into `out` (capacity `cap`, always NUL-terminated) a redacted form
 * of the secret: a short prefix followed by "…". Returns the length. */
size_t lg_redact(char *out, size_t cap, const char *secret, size_t len);

#define LG_FINGERPRINT_HEXLEN 32
/* Stable fingerprint of (rule id, secret): 32 lowercase hex + NUL. */
void lg_fingerprint(char out[LG_FINGERPRINT_HEXLEN + 1], const char *rule_id,
		    const char *secret, size_t len);

/* ------------------------------------------------------------------------
 * Ignore file (.leakgateignore)
 * ---------------------------------------------------------------------- */

typedef struct lg_ignore lg_ignore;

/* Parses ignore-file text: one fingerprint or path glob a line, `#`
 * comments, blank lines skipped. Globs: `*` (not `/`), `**` (any), `?`;
 * a glob without `/` matches the base name anywhere; a trailing `/` matches
 * everything below a directory. */
int lg_ignore_parse(lg_ignore **out, const char *text, size_t len);
void lg_ignore_free(lg_ignore *ig);
int lg_ignore_path(const lg_ignore *ig, const char *path);
int lg_ignore_fingerprint(const lg_ignore *ig, const char *fingerprint);

/* ------------------------------------------------------------------------
 * Baselines (findings/baseline.c): findings already known
 * ---------------------------------------------------------------------- */

typedef struct lg_baseline lg_baseline;

/* Loads an earlier JSON report (its findings' fingerprints), a JSON array
 * of fingerprints, or a text list of fingerprints (one a line, '#'
 * comments). LG_EINVALID naming the file on anything else. */
int lg_baseline_load(lg_baseline **out, const char *path);
void lg_baseline_free(lg_baseline *b);
int lg_baseline_contains(const lg_baseline *b, const char *fingerprint);
size_t lg_baseline_count(const lg_baseline *b);

/* ------------------------------------------------------------------------
 * Findings and the scan (scan/, git/)
 * ---------------------------------------------------------------------- */

/* Another place where the blob of a finding appears. */
typedef struct {
	char *path;
	char commit[41];
} lg_location;

/* One part of a paired credential (Twilio Account SID + Auth Token, AWS key
 * id + secret). */
typedef struct {
	const char *name;   /* the part's name declared by the pair rule */
	char *secret;       /* the part's full secret (owned by the finding) */
	size_t secret_len;
} lg_secret_part;

/* What asking the provider said about a finding (--verify). */
typedef enum {
	LG_VERIFY_NOT_RUN = 0,     /* not asked: no "verification" in reports */
	LG_VERIFY_LIVE,            /* the provider accepted it */
	LG_VERIFY_INVALID,         /* the provider said no */
	LG_VERIFY_UNVERIFIABLE,    /* no check exists for this rule */
	LG_VERIFY_ERROR            /* network, time-out, unexpected answer */
} lg_verify_status;

typedef struct {
	lg_verify_status status;
	int http_status;    /* 0 when no answer */
	char *identity;     /* who the credential belongs to, never the secret; may be NULL */
	char *message;      /* why error / unexpected; may be NULL */
} lg_verification;

/* The path of a finding in a commit's message, or in an annotated tag's
 * (its `commit` then is the tag object's id, its author the tagger). */
#define LG_COMMIT_MESSAGE_PATH "(commit message)"
#define LG_TAG_MESSAGE_PATH "(tag message)"

typedef struct {
	const lg_rule *rule;
	char *secret;        /* the full secret, NUL-terminated */
	size_t secret_len;
	char *path;          /* raw bytes of the path; may be non-UTF-8 */
	size_t line, column, end_column;
	char *line_text;     /* the line holding the secret, capped at 512 B */
	char blob[41];       /* blob id, "" outside git */
	char commit[41];     /* introducing commit, "" outside git */
	char *author_name;
	char *author_email;
	int64_t author_time; /* seconds since the epoch */
	int author_offset;   /* minutes east of UTC */
	char fingerprint[LG_FINGERPRINT_HEXLEN + 1];
	int binary;
	lg_location *also_in;
	size_t also_in_count;
	const char *repository; /* borrowed: the scanned repository's path */
	const char *decoded;     /* how the secret was encoded where found:
				    "base64", "percent", "escape", "utf16", or
				    a chain "base64+percent"; NULL when found as
				    written (a static string) */
	char *unconfirmed;       /* why the confirm step could not decide (the
				    rule's regex hit a PCRE2 limit); NULL for a
				    confirmed finding. Reported all the same. */
	lg_secret_part *parts;  /* paired findings: each part (owned); else NULL */
	size_t part_count;
	lg_verification verification; /* filled by lg_verify_report */
	/* The finding was read back from a report (lg_report_read) whose
	 * secrets were redacted: `secret` holds the redacted form and
	 * `line_text` the report's excerpt, to be shown as they are. */
	int secret_redacted;
	int inline_allowed;      /* its line carries `leakgate:allow`: only from a
				    matcher made with report_inline_allowed */
} lg_finding;

typedef struct {
	char *reason; /* "too large", "unreadable" ... */
	size_t count;
	uint64_t bytes;
} lg_skip_reason;

typedef struct {
	uint64_t refs;           /* refs whose history was walked; 0 outside git
				    and for a hook's pushed range */
	uint64_t commits;
	uint64_t blobs_scanned;
	uint64_t bytes_scanned;
	uint64_t blobs_skipped;
	lg_skip_reason *skipped;
	size_t skipped_count;
	uint64_t findings;
	uint64_t ignored;     /* suppressed by the ignore file */
	uint64_t baselined;   /* suppressed because the baseline holds them */
	double seconds;
	int shallow;          /* the repository is a shallow clone */
	int incremental;      /* only what a state file did not know was read */
	uint64_t unreadable;  /* commits, trees and blobs that could not be read */
} lg_summary;

/* One repository of a report over one or many (--repos-from, --shard,
 * merged reports): what its scan covered, or why it could not run. */
typedef struct {
	char *path;
	char *error;          /* NULL when the scan ran */
	uint64_t findings;
	uint64_t commits;
	uint64_t blobs_scanned;
	uint64_t bytes_scanned;
	double seconds;
} lg_repository_entry;

/* What a report read back from a file owns (rules, strings); opaque. */
typedef struct lg_report_storage lg_report_storage;

typedef struct {
	lg_finding *findings;
	size_t count;
	lg_summary summary;
	char **warnings; /* messages that did not stop the scan */
	size_t warning_count;
	/* Filled by the caller that runs the scans (zero: unknown). */
	int64_t started;      /* when the scan began, seconds since the epoch */
	char rules_hash[72];  /* lg_ruleset_hash of the rules used */
	lg_repository_entry *repositories;
	size_t repository_count;
	lg_report_storage *storage; /* owned by the report; NULL for a scan */
} lg_report;

void lg_report_free(lg_report *r);

/* Adds one repository's line to r->repositories: the counts of `summary`
 * (NULL when the scan failed) or `error` (NULL when it ran). */
int lg_report_add_repository(lg_report *r, const char *path,
			     const lg_summary *summary, const char *error);

/*
 * Reads a JSON report (--format json) written by any leakgate of this
 * format version, into *out (which the caller frees with lg_report_free):
 * every finding with its rule's id, name, severity, confidence and
 * remediation, the summary, the repositories and the warnings. Secrets
 * that were redacted stay redacted (lg_finding.secret_redacted).
 * LG_EINVALID naming `path` and what is wrong on malformed input, LG_EIO
 * when it cannot be read.
 */
int lg_report_read(lg_report *out, const char *path);

/* Moves the findings and warnings of `from` to the end of `into` and adds
 * its summary to `into`'s; `from` is left empty. */
int lg_report_merge(lg_report *into, lg_report *from);

/* Keeps the findings for which `keep` returns non-zero, in order, and
 * frees the others; summary.findings follows. */
void lg_report_filter(lg_report *r, int (*keep)(const lg_finding *f, void *payload),
		      void *payload);

/* Drops the findings baseline `b` holds (findings/baseline.c), counting
 * them in summary.baselined. */
void lg_baseline_filter(lg_report *r, const lg_baseline *b);

/* ------------------------------------------------------------------------
 * Many repositories (scan/fleet.c): which a run scans
 * ---------------------------------------------------------------------- */

/* Appends to *paths (malloc'd, *count long, each path malloc'd) each line
 * of `f`, its line end cut; blank lines and lines starting with '#' are
 * skipped. Free with lg_repo_list_free. */
int lg_repo_list_read(char ***paths, size_t *count, FILE *f);
void lg_repo_list_free(char **paths, size_t count);
/* Parses "I/N" (0 <= I < N <= 1000000): shard I of N parallel runs;
 * LG_EINVALID otherwise. */
int lg_shard_parse(unsigned *index, unsigned *count, const char *spec);
/* The shard, of `count`, that the repository at `path` belongs to: it
 * depends on the path alone, so a repository keeps its shard as the list
 * grows and wherever it sits in the list. */
unsigned lg_shard_of(const char *path, unsigned count);

/* What an incremental scan remembers between runs (--state FILE): the ref
 * tips and the blobs already scanned, the rules and the repository. */
typedef struct lg_state lg_state;

/* An empty state: the next scan is a full one. */
int lg_state_new(lg_state **out);
/* Reads a state file. A missing file gives an empty state; a corrupt,
 * truncated or newer-version file gives LG_EINVALID naming what is wrong
 * (the caller warns and starts from lg_state_new: never a missed blob). */
int lg_state_load(lg_state **out, const char *path);
/* Writes atomically (temporary file, rename), mode 0600. */
int lg_state_save(const lg_state *s, const char *path);
void lg_state_free(lg_state *s);

typedef struct {
	uint64_t blobs_done, blobs_total;
	uint64_t bytes_done;
	double elapsed; /* seconds since the scan began */
	int finished;
} lg_progress;

typedef struct {
	unsigned version;
	uint64_t max_blob_size;   /* 0 = default 64 MiB */
	int all_objects;          /* also scan blobs no ref reaches */
	unsigned threads;         /* 0 = number of cores */
	const lg_ignore *ignore;  /* extra ignore rules; may be NULL */
	int no_ignore_file;       /* do not read .leakgateignore */
	lg_confidence min_confidence;
	/* Called with each warning as it happens; may be NULL. */
	void (*on_warning)(const char *message, void *payload);
	void *payload;
	/* Wall-clock budget in seconds (0 = none); past it the scan stops
	 * with LG_ELIMIT, so a hook can fail closed before git kills it. */
	double time_budget;
	/* Called from the scanning thread about every 100 ms and once at
	 * the end; may be NULL. Gets `payload`. */
	void (*on_progress)(const lg_progress *p, void *payload);
	/* In and out: a full-history scan walks only commits the state's tips
	 * do not reach and reads only blobs it does not know, then records
	 * the new tips and blobs. A state from another repository or rule
	 * set is ignored with a warning (a full scan). NULL: no state. */
	lg_state *state;
	int state_rescan_all; /* scan and report everything, then record */
	/* Blobs larger than this many bytes are read and matched in chunks,
	 * never held whole (0 = default, 8 MiB). */
	uint64_t stream_threshold;
} lg_scan_options;

#define LG_SCAN_OPTIONS_VERSION 1
#define LG_SCAN_OPTIONS_INIT                                                   \
	{ LG_SCAN_OPTIONS_VERSION, 0, 0, 0, NULL, 0, LG_CONFIDENCE_MEDIUM,     \
	  NULL, NULL, 0, NULL, NULL, 0, 0 }
int lg_scan_options_init(lg_scan_options *opts, unsigned version);

/* Commits to scan the added lines of: reachable from any include, and from
 * no exclude. Includes and excludes are revisions (ids, ref names, or
 * "A..B" ranges among the includes); exclude_globs are ref globs such as
 * "refs/remotes/origin/<star>", or "<star>" alone for every ref the
 * repository has (<star> standing for an asterisk). */
typedef struct {
	const char *const *include;
	size_t include_count;
	const char *const *exclude;
	size_t exclude_count;
	const char *const *exclude_globs;
	size_t exclude_glob_count;
	/* Read .leakgateignore from this revision's tree: pre-receive passes
	 * "HEAD" (the default branch before the push: reviewed state, never
	 * the pushed content), pre-push the pushed tip. NULL: from the working
	 * copy, else HEAD. */
	const char *ignore_rev;
} lg_commit_range;

/* Scans the full history of the repository at `path` (working copy or bare;
 * GIT_DIR, GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES are
 * honoured). Findings are sorted by path, line, column, rule id. Returns
 * LG_EREPO when the repository cannot be opened or read. */
int lg_scan_repository(lg_report *out, const lg_matcher *m, const char *path,
		       const lg_scan_options *opts);

/* Scans only the lines that the commits of `range` add (pre-receive,
 * pre-push, --range). Findings carry the commit that added the line. */
int lg_scan_added(lg_report *out, const lg_matcher *m, const char *path,
		  const lg_commit_range *range, const lg_scan_options *opts);

/* Scans only the lines the index adds to HEAD (pre-commit, --staged). */
int lg_scan_staged(lg_report *out, const lg_matcher *m, const char *path,
		   const lg_scan_options *opts);

/* Scans a plain file, a directory (recursively; `.git` skipped) or "-" for
 * standard input, without git. */
int lg_scan_path(lg_report *out, const lg_matcher *m, const char *path,
		 const lg_scan_options *opts);

/* ------------------------------------------------------------------------
 * Live verification (verify/): ask each secret's provider whether it works
 * ---------------------------------------------------------------------- */

typedef struct {
	unsigned version;
	/* Results are kept here by fingerprint (never the secret) for
	 * cache_ttl seconds; NULL: no cache. */
	const char *cache_dir;
	double cache_ttl;          /* 0 = 24 hours */
	double time_budget;        /* seconds for all checks; 0 = 60 */
	double request_timeout;    /* seconds per request; 0 = 10 */
	unsigned max_connections;  /* in flight at once; 0 = 8 */
	unsigned per_provider;     /* in flight per provider; 0 = 2 */
	double provider_interval;  /* seconds between two starts per provider; 0 = 0.1 */
	/* FOR TESTS ONLY: "provider=http://127.0.0.1:PORT,..." sends a
	 * provider's checks to a loopback server instead (the caller reads
	 * LEAKGATE_VERIFY_OVERRIDE). Anything but a loopback host is refused. */
	const char *overrides;
	/* Proxies the caller read from the standard environment variables
	 * (https_proxy / HTTPS_PROXY, http_proxy, no_proxy); NULL: none, and
	 * no other source of a proxy is consulted. */
	const char *https_proxy;
	const char *http_proxy;
	const char *no_proxy;
	void (*on_warning)(const char *message, void *payload);
	void *payload;
} lg_verify_options;

#define LG_VERIFY_OPTIONS_VERSION 1
#define LG_VERIFY_OPTIONS_INIT                                                 \
	{ LG_VERIFY_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL,   \
	  NULL, NULL, NULL }
int lg_verify_options_init(lg_verify_options *opts, unsigned version);

/* "live", "invalid", "unverifiable", "error" ("not run" for NOT_RUN). */
const char *lg_verify_status_name(lg_verify_status s);

/* Checks an override list (LEAKGATE_VERIFY_OVERRIDE): LG_EINVALID naming
 * the entry that is malformed or not a loopback address. */
int lg_verify_overrides_check(const char *overrides);

/*
 * Fills every finding's `verification`: each distinct secret (or pair) is
 * sent once, to the host its rule's check names, over TLS, within the
 * options' bounds; cached results are reused. A finding whose rule has no
 * check is UNVERIFIABLE; one that could not be checked is ERROR, never
 * INVALID. Returns LG_EINVALID on bad options, else 0.
 */
int lg_verify_report(lg_report *r, const lg_verify_options *opts);

/* ------------------------------------------------------------------------
 * Reports (report/): pure functions from a report to a stream
 * ---------------------------------------------------------------------- */

typedef enum {
	LG_FORMAT_TEXT = 0,
	LG_FORMAT_JSON,
	LG_FORMAT_JSONL,
	LG_FORMAT_SARIF,  /* SARIF 2.1.0 */
	/* What a hook prints on stderr when it refuses a push or a commit:
	 * one short block a finding, then what to do. */
	LG_FORMAT_PUSH_REJECTION,
	LG_FORMAT_COMMIT_REJECTION,
	/* pre-push's: the secret has not left the machine yet, so the advice
	 * is to rewrite the commits, not (only) to rotate. */
	LG_FORMAT_PRE_PUSH_REJECTION,
	/* One self-contained HTML page for people: summary charts and a
	 * findings table that sorts and filters (report/html.c). */
	LG_FORMAT_HTML
} lg_format;

typedef struct {
	unsigned version;
	lg_format format;
	int show_secrets; /* print secrets in full */
	int color;        /* ANSI colour (text only) */
} lg_report_options;

#define LG_REPORT_OPTIONS_VERSION 1
#define LG_REPORT_OPTIONS_INIT { LG_REPORT_OPTIONS_VERSION, LG_FORMAT_TEXT, 0, 0 }
int lg_report_options_init(lg_report_options *opts, unsigned version);

/* Writes `r` to `f`. Returns LG_EIO on a write error. */
int lg_report_write(FILE *f, const lg_report *r, const lg_report_options *o);

/* Writes to `path` atomically (a temporary file in the same directory, mode
 * 0600, then rename); "-" means standard output. */
int lg_report_write_file(const char *path, const lg_report *r,
			 const lg_report_options *o);

#ifdef __cplusplus
}
#endif

#endif
