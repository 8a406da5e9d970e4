/*
 * rules.h - the rules room's internals: loading and validating rule files,
 * the cache of loaded rulesets, checksums. Not public API.
 */
#ifndef LG_RULES_H
#define LG_RULES_H

#include "util/util.h"

/* checksum.c: the GitHub/npm token checksum (util's CRC32): the last 6
 * characters are the base62 CRC32 of the 30 before them. */
void lg_checksum__base62(char out[7], uint32_t value);
int lg_checksum__token_valid(const char *token, size_t len);

/* rules.c, for the ruleset cache: reads every rule file that `paths`
 * name, as lg_ruleset_load would, without parsing them; LG_ERULES (and no
 * message: loading again reports it) when any cannot be read. The list and
 * its strings are freed with lg_ruleset__free_sources. */
int lg_ruleset__read_sources(lg_rule_source **out, size_t *count, const char *const *paths,
			     size_t npaths);
void lg_ruleset__free_sources(lg_rule_source *sources, size_t count);
/* The bytes a ruleset from the cache points into: malloc'd, or a file
 * mapped with lg__map_file. */
typedef struct {
	const char *data;
	size_t len;
	int mapped;
} lg_rule_storage;
/* A ruleset made of `count` rules whose strings lie in `storage` and whose
 * lists lie in `lists` (malloc'd); it owns all three from then on. NULL
 * when out of memory (then it owns nothing). */
lg_ruleset *lg_ruleset__adopt(lg_rule *rules, size_t count, const char *hash,
			      const lg_rule_storage *storage, const char **lists,
			      const char *const *known, size_t known_count);
/* The rule files' known non-secrets (documented public values that are
 * never findings), NULL-terminated; NULL when there are none. */
const char *const *lg_ruleset__known_non_secrets(const lg_ruleset *rs, size_t *count);
/* Appends the versions of the libraries whose verdict loading depends on
 * (cJSON parses, PCRE2 validates). */
int lg_ruleset__add_loader_versions(lg_buf *b);

/* rulecache.c: a ruleset as bytes, and back; every field of every rule and
 * the ruleset's hash. Decoding checks every length (LG_ENOTFOUND:
 * malformed) and the ruleset points into `storage`: on success it owns
 * the bytes, on failure the caller still does. */
int lg_rulecache__encode(lg_buf *b, const lg_ruleset *rs);
int lg_rulecache__decode(lg_ruleset **out, const lg_rule_storage *storage);

#endif
