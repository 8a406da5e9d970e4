/*
 * match.h - the match room's internals: the Hyperscan database and its
 * cache, streaming a chunked input through the matcher. Only match/
 * includes hs.h. Not public API.
 */
#ifndef LG_MATCH_H
#define LG_MATCH_H

#include "util/util.h"

/* facts.c: what Hyperscan's analysis says of a rule. The matcher's, not
 * the rule's: loading rules does not run Hyperscan, and the ruleset stays
 * read-only once loaded. */
typedef struct {
	uint32_t max_width; /* the longest match (UINT32_MAX: unbounded) */
	int prefilter;      /* Hyperscan needs HS_FLAG_PREFILTER for it
			       (lookarounds, backreferences): the confirm
			       stage alone decides */
} lg_rule_facts;

/* Fills facts[i] for each rule of `rs`; each rule Hyperscan refuses is
 * reported as "FILE: rule ID: message" (LG_ERULES if any). */
int lg_match__rule_facts(lg_rule_facts *facts, const lg_ruleset *rs,
			 lg_problem_cb on_problem, void *payload);

/* facts.c: 1 when rule `r` (with Hyperscan's facts `f`) runs gated: it
 * has keywords and no context patterns, Hyperscan reads it exactly and its
 * matches are at most `cap` bytes wide, and its regex holds no literal of
 * two characters or more (so Hyperscan would run an automaton over every
 * byte for it). Such a rule's regex runs only around its keywords' hits
 * (matcher.c, "Gated rules"). */
int lg_match__runs_gated(const lg_rule *r, const lg_rule_facts *f, uint32_t cap);

/* dbcache.c: the compiled Hyperscan databases, cached in one file: the
 * main database, then one per gated rule. The key covers the rules' hash,
 * the Hyperscan version, the CPU features and whether rules run gated. The
 * database type is opaque here so that only matcher.c and dbcache.c
 * include hs.h. */
struct hs_database;
void lg_dbcache__key(char out[41], const char *rules_hash, int gated);
/* The file the loaded databases lie in, mapped read-only. */
typedef struct {
	const uint8_t *base;
	uint64_t len;
} lg_dbcache_map;
/* 0 and dbs[0, *ndb) (room for 64) on a valid cached file (each database
 * checked by Hyperscan while it allocates *scratch, one scratch fit for all
 * of them, the caller's to free), with the facts of its `n` rules (those
 * the key was made from) filled into `facts`; LG_ENOTFOUND when missing,
 * stale or damaged (a damaged file is removed). The databases lie in the
 * mapping *map, which must outlive them: release with lg_dbcache__unmap,
 * not hs_free_database. */
struct hs_scratch;
int lg_dbcache__load(const struct hs_database **dbs, size_t *ndb, struct hs_scratch **scratch,
		     lg_dbcache_map *map, lg_rule_facts *facts, size_t n, const char *dir,
		     const char *key);
void lg_dbcache__unmap(lg_dbcache_map *map);
/* Writes the databases dbs[0, ndb) and the rules' facts atomically
 * (temporary file, rename), mode 0600. */
int lg_dbcache__store(const struct hs_database *const *dbs, size_t ndb,
		      const lg_rule_facts *facts, size_t n, const char *dir, const char *key);

/*
 * matcher.c: calls `cb` with the span [start, end) (offsets into `text`) of
 * the secret (the rule's secret group, else the whole match) of every match
 * of every rule in text[0, len), at any confidence and whatever the
 * filters say: what an excerpt of that text must hide. Uses the scratch's
 * Hyperscan scratch and match data, so it may run inside a match callback
 * (the matcher is done with them then), not inside a scan. An error (a
 * PCRE2 limit) means the spans are not known.
 */
typedef void (*lg_span_cb)(size_t start, size_t end, void *payload);
int lg_matcher__secret_spans(lg_scratch *s, const char *text, size_t len,
			     lg_span_cb cb, void *payload);

/* pair.c: one secret found in a file, as pairing sees it. */
typedef struct {
	const lg_rule *rule;
	const char *secret;
	size_t secret_len;
	size_t line;
} lg_pair_input;
/* Called for each pair found: pair rule `pair`, its first part in[first]
 * and its second in[second]; non-zero stops and is returned. */
typedef int (*lg_pair_cb)(const lg_rule *pair, size_t first, size_t second, void *payload);
/* For every pair rule of `rs`, pairs each input one of its second-part
 * rules found with the nearest input of a first-part rule (at most
 * pair_max_lines lines away, not the same secret), each pair of secrets
 * once. */
int lg_pair__find(const lg_ruleset *rs, const lg_pair_input *in, size_t n,
		  lg_pair_cb cb, void *payload);
/* Writes the fingerprint of a pair finding: rule and both secrets. */
void lg_pair__fingerprint(char out[LG_FINGERPRINT_HEXLEN + 1], const char *rule_id,
			  const lg_secret_part *parts, size_t count);
/* decode.c: candidate encoded spans in a buffer, and their decoding. */
typedef enum {
	LG_DECODE_BASE64, LG_DECODE_PERCENT, LG_DECODE_ESCAPE, LG_DECODE_UTF16
} lg_decode_kind;
typedef struct {
	size_t start, end; /* bytes of the buffer */
	lg_decode_kind kind;
} lg_encoded_span;
/* "base64", "percent", "escape", "utf16". */
const char *lg_decode__name(lg_decode_kind kind);
/* Fills spans[0, n) with the candidate spans of [buf, buf + len), at most
 * `max`, and returns n: base64 runs first, then percent, escape, UTF-16. */
size_t lg_decode__find(lg_encoded_span *spans, size_t max, const char *buf, size_t len);
/* Decodes `span` of `buf` into `out` (room for span->end - span->start
 * bytes: no decoding is longer) and returns the decoded length; 0 when the
 * result is not mostly printable text, so not worth scanning. */
size_t lg_decode__span(char *out, const char *buf, const lg_encoded_span *span);
/* The offset in `buf` of the encoded text that decoded byte `decoded` of
 * `span` came from; with `end`, of the end of the encoded text that gives
 * the decoded bytes before `decoded` (for a range's end). Base64 rounds
 * out to whole 4-character groups. Always within the span. */
size_t lg_decode__source(const char *buf, const lg_encoded_span *span, size_t decoded, int end);
/* 0 when the first bytes of `span` already decode to something that is not
 * text (a cheap look before copying and decoding it all); 1 otherwise. */
int lg_decode__promising(const char *buf, const lg_encoded_span *span);

/* matcher.c: the rules a matcher was built from (borrowed). */
const lg_ruleset *lg_matcher__rules(const lg_matcher *m);
/* matcher.c: the facts of rule `i` the matcher works with (borrowed). */
const lg_rule_facts *lg_matcher__facts(const lg_matcher *m, size_t i);
/* matcher.c: 1 when rule `i` runs gated in this matcher. */
int lg_matcher__gated(const lg_matcher *m, size_t i);

/*
 * matcher.c: scanning an input fed in chunks, with exactly the matches
 * lg_matcher_scan finds in the whole input (offsets, lines and columns
 * into the whole input; same order, same filters, same cap), holding only
 * the current chunk, a tail of the input before it (about 64 KiB with the
 * built-in rules; more while one match waits for its end) and the matches
 * not yet reported. A match is reported once its line has ended, so the
 * callback runs during lg_matcher__stream_feed or _finish.
 *
 * The callback gets, with each match, a copy of the input's bytes from
 * `bytes_from` on that holds the secret and up to `context` bytes of
 * input on each side of it (less at the input's ends).
 * The scratch is the stream's until lg_matcher__stream_free.
 */
typedef struct lg_stream lg_stream;
typedef int (*lg_stream_match_cb)(const lg_match *m, const char *bytes,
				  size_t bytes_from, void *payload);
int lg_matcher__stream_new(lg_stream **out, const lg_matcher *m, lg_scratch *s,
			   size_t context, lg_stream_match_cb cb, void *payload);
/* Scans on into `len` more bytes; LG_ESTOP when the callback asked to
 * stop (and on every call after). */
int lg_matcher__stream_feed(lg_stream *st, const char *data, size_t len);
/* Ends the input: reports what is left and fills `result` (may be NULL). */
int lg_matcher__stream_finish(lg_stream *st, lg_scan_result *result);
void lg_matcher__stream_free(lg_stream *st);

#endif
