/*
 * rules.c - rule files (JSON, read with cJSON) into a validated lg_ruleset.
 *
 * The only module that includes cJSON.h for rules. Loading validates every
 * field of every rule and reports every problem, not just the first, as
 * "FILE: rule ID: what is wrong", so a rule author fixes a file in one pass.
 */
#include "rules/rules.h"
#include "verify/verify.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RULE_FILE_MAX_BYTES (16u << 20)
#define RULE_STRING_MAX_BYTES 65536

struct lg_ruleset {
	lg_rule *rules;
	size_t count;
	size_t alloc;
	char hash[41];
	/* A ruleset from the cache (rulecache.c): its strings lie in
	 * `storage` and its lists in `lists`, not in allocations of their own. */
	lg_rule_storage storage;
	const char **lists;
	/* Documented public values that are never findings (rule files'
	 * "known_non_secrets"): malloc'd strings, or in `storage` and `lists`
	 * for a ruleset from the cache. NULL-terminated once loaded. */
	const char **known;
	size_t known_count, known_alloc;
	/* While loading: each rule's layer, for resolving a repeated id. */
	unsigned *layers;
	size_t layers_alloc;
};

/* Collects problems while loading; `failed` decides the outcome. */
typedef struct {
	lg_problem_cb cb;
	void *payload;
	size_t problems;
	unsigned layer; /* of the file being read (lg_rule_source.layer) */
} loader;

/* ------------------------------------------------------------------------
 * Names of enumerations
 * ---------------------------------------------------------------------- */

static const char *const severity_names[] = { "low", "medium", "high", "critical" };
static const char *const confidence_names[] = { "low", "medium", "high" };

const char *lg_severity_name(lg_severity s)
{
	return (unsigned)s < 4 ? severity_names[s] : "unknown";
}

const char *lg_confidence_name(lg_confidence c)
{
	return (unsigned)c < 3 ? confidence_names[c] : "unknown";
}

/* Index of `name` in `names`, or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int lg_severity_parse(lg_severity *out, const char *name)
{
	int i = name_index(severity_names, 4, name);

	if (i < 0)
		return lg_error_set(LG_EINVALID, "unknown severity '%s'", name);
	*out = (lg_severity)i;
	return 0;
}

int lg_confidence_parse(lg_confidence *out, const char *name)
{
	int i = name_index(confidence_names, 3, name);

	if (i < 0)
		return lg_error_set(LG_EINVALID, "unknown confidence '%s'", name);
	*out = (lg_confidence)i;
	return 0;
}

/* ------------------------------------------------------------------------
 * Problems
 * ---------------------------------------------------------------------- */

/* Reports one problem as "FILE: rule ID: message" (or "FILE: message" when
 * `rule_id` is NULL). */
static void problem(loader *ld, const char *file, const char *rule_id,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(loader *ld, const char *file, const char *rule_id,
		    const char *fmt, ...)
{
	char msg[1024];
	lg_buf b = LG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ld->problems++;
	if (rule_id)
		lg_buf__printf(&b, "%s: rule %s: %s", file, rule_id, msg);
	else
		lg_buf__printf(&b, "%s: %s", file, msg);
	if (ld->cb && b.ptr)
		ld->cb(b.ptr, ld->payload);
	lg_buf__release(&b);
}

/* ------------------------------------------------------------------------
 * Freeing
 * ---------------------------------------------------------------------- */

static void free_string_list(const char *const *list)
{
	const char *const *p;

	if (!list)
		return;
	for (p = list; *p; p++)
		free((char *)*p);
	free((void *)list);
}

static void rule_release(lg_rule *r)
{
	free((char *)r->id);
	free((char *)r->name);
	free((char *)r->description);
	free((char *)r->remediation);
	free((char *)r->regex);
	free((char *)r->source_file);
	free_string_list(r->keywords);
	free_string_list(r->allow);
	free_string_list(r->supersedes);
	free_string_list(r->examples);
	free_string_list(r->negative_examples);
	free((char *)r->verify);
	free_string_list(r->context_patterns);
	free((char *)r->pair_names[0]);
	free((char *)r->pair_names[1]);
	free_string_list(r->pair_rules[0]);
	free_string_list(r->pair_rules[1]);
}

void lg_ruleset_free(lg_ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->count && !rs->storage.data; i++)
		rule_release(&rs->rules[i]);
	for (i = 0; i < rs->known_count && !rs->storage.data; i++)
		free((char *)rs->known[i]);
	if (!rs->storage.data)
		free(rs->known);
	free(rs->layers);
	free(rs->rules);
	if (rs->storage.mapped)
		lg__unmap_file((const uint8_t *)rs->storage.data, rs->storage.len);
	else
		free((char *)rs->storage.data);
	free(rs->lists);
	free(rs);
}

/* ------------------------------------------------------------------------
 * Field readers: each reports its own problem and returns -1 on failure
 * ---------------------------------------------------------------------- */

typedef struct {
	loader *ld;
	const char *file;
	const char *rule_id; /* for messages: the id, or "#N" */
	const cJSON *obj;
} rule_ctx;

/* Reads a string field; `required` decides whether absence is a problem.
 * *out is NULL when absent. */
static int read_string(char **out, rule_ctx *c, const char *key, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);

	*out = NULL;
	if (!v) {
		if (required)
			problem(c->ld, c->file, c->rule_id,
				"missing field '%s'", key);
		return required ? -1 : 0;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		problem(c->ld, c->file, c->rule_id,
			"field '%s' must be a string", key);
		return -1;
	}
	if (required && !v->valuestring[0]) {
		problem(c->ld, c->file, c->rule_id, "field '%s' is empty", key);
		return -1;
	}
	if (strlen(v->valuestring) > RULE_STRING_MAX_BYTES) {
		problem(c->ld, c->file, c->rule_id,
			"field '%s' is longer than %d bytes", key,
			RULE_STRING_MAX_BYTES);
		return -1;
	}
	*out = lg__strdup(v->valuestring);
	return *out ? 0 : -1;
}

/* Reads an array of non-empty strings into a NULL-terminated list. */
static int read_string_list(const char *const **out, size_t *count,
			    rule_ctx *c, const char *key, int required,
			    size_t min_items)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);
	const cJSON *item;
	char **list;
	size_t n = 0, i = 0;

	*out = NULL;
	*count = 0;
	if (!v) {
		if (required)
			problem(c->ld, c->file, c->rule_id,
				"missing field '%s'", key);
		return required ? -1 : 0;
	}
	if (!cJSON_IsArray(v)) {
		problem(c->ld, c->file, c->rule_id,
			"field '%s' must be an array of strings", key);
		return -1;
	}
	cJSON_ArrayForEach(item, v) {
		if (!cJSON_IsString(item) || !item->valuestring ||
		    !item->valuestring[0]) {
			problem(c->ld, c->file, c->rule_id,
				"field '%s' item %zu must be a non-empty string",
				key, n);
			return -1;
		}
		n++;
	}
	if (n < min_items) {
		problem(c->ld, c->file, c->rule_id,
			"field '%s' needs at least %zu item%s", key, min_items,
			min_items == 1 ? "" : "s");
		return -1;
	}
	list = calloc(n + 1, sizeof(*list));
	if (!list)
		return lg_error_set_oom(), -1;
	cJSON_ArrayForEach(item, v) {
		if (!(list[i++] = lg__strdup(item->valuestring))) {
			free_string_list((const char *const *)list);
			return -1;
		}
	}
	*out = (const char *const *)list;
	*count = n;
	return 0;
}

/* Reads an optional number within [min, max]; *out keeps its default when
 * absent. */
static int read_number(double *out, rule_ctx *c, const char *key, double min,
		       double max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);

	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < min || v->valuedouble > max) {
		problem(c->ld, c->file, c->rule_id,
			"field '%s' must be a number from %g to %g", key, min,
			max);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

/* Reads an optional enumeration field given as a string. */
static int read_enum(int *out, rule_ctx *c, const char *key,
		     const char *const *names, int n, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);
	int i;

	if (!v) {
		if (required)
			problem(c->ld, c->file, c->rule_id,
				"missing field '%s'", key);
		return required ? -1 : 0;
	}
	if (!cJSON_IsString(v) ||
	    (i = name_index(names, n, v->valuestring)) < 0) {
		lg_buf allowed = LG_BUF_INIT;
		int k;

		for (k = 0; k < n; k++)
			lg_buf__printf(&allowed, "%s%s", k ? ", " : "", names[k]);
		problem(c->ld, c->file, c->rule_id,
			"field '%s' must be one of: %s", key,
			allowed.ptr ? allowed.ptr : "");
		lg_buf__release(&allowed);
		return -1;
	}
	*out = i;
	return 0;
}

static const char *const known_fields[] = {
	"id", "name", "description", "severity", "confidence", "regex",
	"secret_group", "keywords", "min_entropy", "allow", "checksum",
	"remediation", "examples", "negative_examples", "supersedes", "verify", "context",
	"generic_value", "pair", NULL
};

/* Unknown keys are most often typos ("regexp", "example"); silently
 * ignoring them would drop a check the author meant to have. */
static int check_unknown_fields(rule_ctx *c, const char *const *known)
{
	const cJSON *item;
	const char *const *k;
	int bad = 0;

	cJSON_ArrayForEach(item, c->obj) {
		for (k = known; *k; k++)
			if (item->string && strcmp(*k, item->string) == 0)
				break;
		if (!*k) {
			problem(c->ld, c->file, c->rule_id, "unknown field '%s'",
				item->string ? item->string : "");
			bad = -1;
		}
	}
	return bad;
}

/* ------------------------------------------------------------------------
 * Regex validation
 * ---------------------------------------------------------------------- */

/* Compiles `regex` with PCRE2 and reports a refusal with PCRE2's message.
 * Writes the number of capture groups to *captures when not NULL. */
static int check_pcre2(rule_ctx *c, const char *what, const char *regex,
		       uint32_t options, uint32_t *captures)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	code = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED, options,
			     &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		problem(c->ld, c->file, c->rule_id,
			"%s: PCRE2 refuses it at offset %zu: %s", what,
			(size_t)erroff, (const char *)msg);
		return -1;
	}
	if (captures)
		pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, captures);
	pcre2_code_free(code);
	return 0;
}

/* The rule's live check, validated by verify/spec.c and kept as compact
 * JSON (what the rule cache stores and verification parses). */
static int read_verify(const char **out, rule_ctx *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, "verify");
	char err[256], *json;

	*out = NULL;
	if (!v)
		return 0;
	if (!(json = cJSON_PrintUnformatted(v)))
		return lg_error_set(LG_ENOMEM, "out of memory"), -1;
	if (lg_verify__check(json, err, sizeof(err)) != 0) {
		problem(c->ld, c->file, c->rule_id, "verify: %s", err);
		cJSON_free(json);
		return -1;
	}
	*out = lg__strdup(json);
	cJSON_free(json);
	return *out ? 0 : -1;
}

static int valid_rule_id(const char *id)
{
	const char *p;

	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return p != id && p - id <= 128;
}

/* ------------------------------------------------------------------------
 * One rule
 * ---------------------------------------------------------------------- */

static const char *const checksum_names[] = { "none", "github_crc32", "npm_crc32" };

#define DEFAULT_CONTEXT_BEFORE 256 /* keywords were always looked for here */
#define MAX_CONTEXT_BYTES 4096
#define MAX_CONTEXT_LINES 50

/* Reads an optional boolean field (absent: 0). */
static int read_bool(int *out, rule_ctx *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);

	*out = 0;
	if (!v)
		return 0;
	if (!cJSON_IsBool(v)) {
		problem(c->ld, c->file, c->rule_id, "field '%s' must be true or false", key);
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

/* Reads an optional whole number within [0, max] into *out. */
static int read_count(uint32_t *out, rule_ctx *c, const char *key, uint32_t max)
{
	double v = *out;

	if (read_number(&v, c, key, 0, max) != 0)
		return -1;
	if (v != (double)(uint32_t)v) {
		problem(c->ld, c->file, c->rule_id, "field '%s' must be a whole number", key);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* The object field `key` of the rule, as a context for its own fields;
 * 1 when present, 0 when absent, -1 when not an object. */
static int sub_object(rule_ctx *sub, rule_ctx *c, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->obj, key);

	*sub = *c;
	if (!v)
		return 0;
	if (!cJSON_IsObject(v)) {
		problem(c->ld, c->file, c->rule_id, "field '%s' must be an object", key);
		return -1;
	}
	sub->obj = v;
	return 1;
}

static const char *const context_fields[] = { "before", "after", "lines", "patterns", NULL };

/* "context": {"before": BYTES, "after": BYTES, "lines": N, "patterns": [REGEX...]}:
 * where keywords and context patterns are looked for. */
static int read_context(lg_rule *r, rule_ctx *c)
{
	rule_ctx sub;
	int has = sub_object(&sub, c, "context"), bad = 0;

	r->context_before = DEFAULT_CONTEXT_BEFORE;
	if (has <= 0)
		return has;
	bad |= check_unknown_fields(&sub, context_fields);
	bad |= read_count(&r->context_before, &sub, "before", MAX_CONTEXT_BYTES);
	bad |= read_count(&r->context_after, &sub, "after", MAX_CONTEXT_BYTES);
	bad |= read_count(&r->context_lines, &sub, "lines", MAX_CONTEXT_LINES);
	bad |= read_string_list(&r->context_patterns, &r->context_pattern_count, &sub,
				"patterns", 0, 1);
	return bad;
}

static const char *const pair_fields[] = { "first", "second", "max_lines", NULL };
static const char *const part_fields[] = { "name", "rules", NULL };

/* "pair": {"first": {"name": N, "rules": [ID...]}, "second": {...},
 * "max_lines": N}. The ids are resolved once every file is loaded. */
static int read_pair(lg_rule *r, rule_ctx *c)
{
	static const char *const sides[2] = { "first", "second" };
	rule_ctx pair, part;
	int has = sub_object(&pair, c, "pair"), bad = 0, i;

	if (has <= 0)
		return has;
	bad |= check_unknown_fields(&pair, pair_fields);
	r->pair_max_lines = 5;
	bad |= read_count(&r->pair_max_lines, &pair, "max_lines", MAX_CONTEXT_LINES);
	for (i = 0; i < 2; i++) {
		int in = sub_object(&part, &pair, sides[i]);

		if (in == 0)
			problem(c->ld, c->file, c->rule_id, "pair: missing field '%s'", sides[i]);
		if (in <= 0) {
			bad = -1;
			continue;
		}
		bad |= check_unknown_fields(&part, part_fields);
		bad |= read_string((char **)&r->pair_names[i], &part, "name", 1);
		bad |= read_string_list(&r->pair_rules[i], &r->pair_rule_count[i], &part,
					"rules", 1, 1);
	}
	if (!bad && !r->pair_names[0])
		bad = -1;
	return bad;
}

/* Reads and validates the rule object `obj`, the file's rule number
 * `position` (0-based, named "#N" in messages when it has no id), into *r.
 * Returns 0 when the rule is valid; otherwise every problem has been
 * reported and *r holds nothing. */
static int read_rule(lg_rule *r, loader *ld, const char *file,
		     const cJSON *obj, size_t position)
{
	char fallback_id[32];
	rule_ctx c = { ld, file, NULL, obj };
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");
	int bad = 0, sev = -1, conf = LG_CONFIDENCE_MEDIUM, checksum = 0;
	double group = 0, entropy = 0;
	uint32_t captures = 0;
	const char *const *p;

	memset(r, 0, sizeof(*r));
	snprintf(fallback_id, sizeof(fallback_id), "#%zu", position + 1);
	c.rule_id = fallback_id;
	if (!cJSON_IsObject(obj)) {
		problem(ld, file, fallback_id, "must be a JSON object");
		return -1;
	}
	if (cJSON_IsString(id) && id->valuestring && id->valuestring[0])
		c.rule_id = id->valuestring;

	bad |= read_string((char **)&r->id, &c, "id", 1);
	if (r->id && !valid_rule_id(r->id)) {
		problem(ld, file, c.rule_id,
			"id must be 1-128 characters of a-z, 0-9, '-', '_', '.'");
		bad = -1;
	}
	bad |= read_string((char **)&r->name, &c, "name", 1);
	bad |= read_string((char **)&r->description, &c, "description", 1);
	bad |= read_string((char **)&r->remediation, &c, "remediation", 0);
	bad |= read_string((char **)&r->regex, &c, "regex",
			   !cJSON_GetObjectItemCaseSensitive(obj, "pair"));
	bad |= read_enum(&sev, &c, "severity", severity_names, 4, 1);
	bad |= read_enum(&conf, &c, "confidence", confidence_names, 3, 0);
	bad |= read_enum(&checksum, &c, "checksum", checksum_names, 3, 0);
	bad |= read_number(&group, &c, "secret_group", 0, 99);
	bad |= read_number(&entropy, &c, "min_entropy", 0, 8);
	bad |= read_string_list(&r->keywords, &r->keyword_count, &c,
				"keywords", 0, 1);
	bad |= read_string_list(&r->allow, &r->allow_count, &c, "allow", 0, 1);
	bad |= read_string_list(&r->supersedes, &r->supersedes_count, &c,
				"supersedes", 0, 1);
	bad |= read_string_list(&r->examples, &r->example_count, &c,
				"examples", 1, 1);
	bad |= read_string_list(&r->negative_examples,
				&r->negative_example_count, &c,
				"negative_examples", 1, 0);
	bad |= read_verify(&r->verify, &c);
	bad |= check_unknown_fields(&c, known_fields);
	bad |= read_context(r, &c);
	bad |= read_pair(r, &c);
	bad |= read_bool(&r->generic_value, &c, "generic_value");

	if (group != (double)(unsigned)group) {
		problem(ld, file, c.rule_id, "secret_group must be a whole number");
		bad = -1;
	}
	r->severity = sev < 0 ? LG_SEVERITY_MEDIUM : (lg_severity)sev;
	r->confidence = (lg_confidence)conf;
	r->checksum = (lg_checksum)checksum;
	r->secret_group = (unsigned)group;
	r->min_entropy = entropy;

	if (r->regex) {
		if (check_pcre2(&c, "regex", r->regex, PCRE2_MULTILINE,
				&captures) == 0) {
			if (r->secret_group > captures) {
				problem(ld, file, c.rule_id,
					"secret_group %u but the regex has %u capture group%s",
					r->secret_group, captures,
					captures == 1 ? "" : "s");
				bad = -1;
			}
		} else {
			bad = -1;
		}
	}
	for (p = r->allow; p && *p; p++)
		bad |= check_pcre2(&c, "allow pattern", *p, PCRE2_CASELESS, NULL);
	for (p = r->supersedes; p && *p; p++) {
		if (!valid_rule_id(*p) || (r->id && strcmp(*p, r->id) == 0)) {
			problem(ld, file, c.rule_id,
				"field 'supersedes' names '%s', not another rule's id", *p);
			bad = -1;
		}
	}
	for (p = r->context_patterns; p && *p; p++)
		bad |= check_pcre2(&c, "context pattern", *p, PCRE2_MULTILINE, NULL);
	if (r->pair_names[0] && (r->regex || r->keyword_count || r->allow_count ||
				 r->context_pattern_count || r->min_entropy > 0 ||
				 r->generic_value || r->checksum || r->secret_group)) {
		problem(ld, file, c.rule_id,
			"a pair rule has no regex of its own (nor keywords, context, allow, "
			"min_entropy, generic_value, checksum or secret_group): its parts' rules find it");
		bad = -1;
	}
	if (!bad && !(r->source_file = lg__strdup(file)))
		bad = -1;
	if (bad)
		rule_release(r);
	return bad;
}

/* ------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------- */

static int ruleset_push(lg_ruleset *rs, lg_rule *r, unsigned layer)
{
	if (LG_ARRAY_GROW(rs->rules, rs->alloc, rs->count + 1, 64) != 0 ||
	    LG_ARRAY_GROW(rs->layers, rs->layers_alloc, rs->count + 1, 64) != 0)
		return LG_ENOMEM;
	rs->layers[rs->count] = layer;
	rs->rules[rs->count++] = *r;
	return 0;
}

/* ------------------------------------------------------------------------
 * Known non-secrets: documented public values (an emulator's published
 * account key, a provider's documentation key) that match a rule's shape
 * but grant nothing. A file lists them as
 *   {"known_non_secrets": [{"secret": ..., "name": ..., "source": URL}]}
 * ---------------------------------------------------------------------- */

#define KNOWN_SECRET_MIN 16 /* shorter values could hide real secrets holding them */

static const char *const known_entry_fields[] = { "secret", "name", "source", NULL };

static int known_push(lg_ruleset *rs, char *secret)
{
	/* Room for the NULL that ends the list, too. */
	if (LG_ARRAY_GROW(rs->known, rs->known_alloc, rs->known_count + 2, 16) != 0)
		return LG_ENOMEM;
	rs->known[rs->known_count++] = secret;
	rs->known[rs->known_count] = NULL;
	return 0;
}

/* The non-empty string field `key` of a known non-secret, borrowed; NULL
 * (and the problem reported) when it is missing or not one. */
static const char *known_string(loader *ld, const char *file, const char *label,
				const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsString(v) && v->valuestring && v->valuestring[0])
		return v->valuestring;
	problem(ld, file, NULL, "%s: field '%s' must be a non-empty string", label, key);
	return NULL;
}

/* Reads one entry of a "known_non_secrets" array into `rs`; every problem
 * is reported, as "FILE: known non-secret #N: ...". */
static void read_known_entry(lg_ruleset *rs, loader *ld, const char *file,
			     const cJSON *obj, size_t position)
{
	char label[48];
	const char *secret, *name, *source;
	char *copy;
	const cJSON *item;
	const char *const *k;
	int bad = 0;

	snprintf(label, sizeof(label), "known non-secret #%zu", position + 1);
	if (!cJSON_IsObject(obj)) {
		problem(ld, file, NULL, "%s: must be a JSON object", label);
		return;
	}
	secret = known_string(ld, file, label, obj, "secret");
	name = known_string(ld, file, label, obj, "name");
	source = known_string(ld, file, label, obj, "source");
	bad = !secret || !name || !source ? -1 : 0;
	cJSON_ArrayForEach(item, obj) {
		for (k = known_entry_fields; *k; k++)
			if (item->string && strcmp(*k, item->string) == 0)
				break;
		if (!*k) {
			problem(ld, file, NULL, "%s: unknown field '%s'", label,
				item->string ? item->string : "");
			bad = -1;
		}
	}
	if (secret && strlen(secret) < KNOWN_SECRET_MIN) {
		problem(ld, file, NULL, "%s: 'secret' must be at least %d characters", label,
			KNOWN_SECRET_MIN);
		bad = -1;
	}
	if (bad)
		return;
	copy = lg__strdup(secret);
	if (!copy || known_push(rs, copy) != 0) {
		free(copy);
		problem(ld, file, NULL, "out of memory");
	}
}

static void read_known_non_secrets(lg_ruleset *rs, loader *ld, const char *file,
				   const cJSON *list)
{
	const cJSON *item;
	size_t position = 0;

	if (!cJSON_IsArray(list)) {
		problem(ld, file, NULL, "'known_non_secrets' must be an array of objects");
		return;
	}
	cJSON_ArrayForEach(item, list)
		read_known_entry(rs, ld, file, item, position++);
}

/* Parses one file's JSON text and adds its valid rules (and known
 * non-secrets) to `rs`. */
static void load_json(lg_ruleset *rs, loader *ld, const char *name,
		      const char *json, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const cJSON *list, *item, *known = NULL;
	size_t position = 0;

	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t offset = at && at >= json && at <= json + len ?
			(size_t)(at - json) : 0;

		problem(ld, name, NULL, "invalid JSON near byte %zu", offset);
		return;
	}
	list = root;
	if (cJSON_IsObject(root)) {
		list = cJSON_GetObjectItemCaseSensitive(root, "rules");
		known = cJSON_GetObjectItemCaseSensitive(root, "known_non_secrets");
		if (known)
			read_known_non_secrets(rs, ld, name, known);
		if (known && !list) {
			cJSON_Delete(root);
			return;
		}
	}
	if (!cJSON_IsArray(list)) {
		problem(ld, name, NULL,
			"expected a JSON array of rules or an object with a 'rules' array");
		cJSON_Delete(root);
		return;
	}
	cJSON_ArrayForEach(item, list) {
		lg_rule r;

		if (read_rule(&r, ld, name, item, position) == 0) {
			r.index = rs->count;
			if (ruleset_push(rs, &r, ld->layer) != 0) {
				rule_release(&r);
				problem(ld, name, NULL, "out of memory");
			}
		}
		position++;
	}
	cJSON_Delete(root);
}

/* Reads a whole file, refusing anything over RULE_FILE_MAX_BYTES. */
static int read_file(char **out, size_t *len, loader *ld, const char *path)
{
	FILE *f = fopen(path, "rb");
	lg_buf b = LG_BUF_INIT;
	char chunk[65536];
	size_t n;

	b.cap = RULE_FILE_MAX_BYTES;
	if (!f) {
		problem(ld, path, NULL, "cannot read: %s", strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (lg_buf__add(&b, chunk, n) != 0) {
			problem(ld, path, NULL, "larger than %u bytes",
				RULE_FILE_MAX_BYTES);
			fclose(f);
			lg_buf__release(&b);
			return -1;
		}
	}
	if (ferror(f)) {
		problem(ld, path, NULL, "read error: %s", strerror(errno));
		fclose(f);
		lg_buf__release(&b);
		return -1;
	}
	fclose(f);
	*len = b.len;
	*out = lg_buf__detach(&b);
	return *out ? 0 : -1;
}

static int has_json_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.';
}

static int select_json(const struct dirent *d)
{
	return has_json_suffix(d->d_name);
}

/* What to do with each rule file's text: parse it, or keep it. */
typedef void (*file_fn)(void *ctx, loader *ld, const char *name, const char *json,
			size_t len);

/* Reads a file, or each *.json file of a directory in name order, and
 * hands each one's text to `fn`. */
static void walk_path(loader *ld, const char *path, file_fn fn, void *ctx)
{
	struct stat st;
	struct dirent **names;
	int n, i;

	if (stat(path, &st) != 0) {
		problem(ld, path, NULL, "cannot read: %s", strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		char *json;
		size_t len;

		if (read_file(&json, &len, ld, path) == 0) {
			fn(ctx, ld, path, json, len);
			free(json);
		}
		return;
	}
	n = scandir(path, &names, select_json, alphasort);
	if (n < 0) {
		problem(ld, path, NULL, "cannot list directory: %s",
			strerror(errno));
		return;
	}
	if (n == 0)
		problem(ld, path, NULL, "directory holds no *.json rule files");
	for (i = 0; i < n; i++) {
		lg_buf full = LG_BUF_INIT;

		if (lg_buf__printf(&full, "%s/%s", path, names[i]->d_name) == 0)
			walk_path(ld, full.ptr, fn, ctx);
		lg_buf__release(&full);
		free(names[i]);
	}
	free(names);
}

static void parse_file(void *ctx, loader *ld, const char *name, const char *json, size_t len)
{
	load_json(ctx, ld, name, json, len);
}

/* Resolves each id defined twice: a rule from a higher layer (extra
 * rules) replaces the one it names, which is dropped; within one layer the
 * second is a problem, naming both files. */
static void resolve_duplicate_ids(lg_ruleset *rs, loader *ld)
{
	size_t i, j, kept = 0;
	char *dropped = calloc(rs->count ? rs->count : 1, 1);

	if (!dropped) {
		problem(ld, "rules", NULL, "out of memory");
		return;
	}
	/* Quadratic, but over a few hundred rules, once per load. */
	for (i = 0; i < rs->count; i++)
		for (j = 0; j < i; j++) {
			if (dropped[j] || strcmp(rs->rules[i].id, rs->rules[j].id) != 0)
				continue;
			if (rs->layers[i] > rs->layers[j]) {
				dropped[j] = 1;
				continue;
			}
			problem(ld, rs->rules[i].source_file, rs->rules[i].id,
				"duplicate id (first defined in %s)", rs->rules[j].source_file);
			break;
		}
	for (i = 0; i < rs->count; i++) {
		if (dropped[i]) {
			if (!rs->storage.data)
				rule_release(&rs->rules[i]);
			continue;
		}
		rs->layers[kept] = rs->layers[i];
		rs->rules[kept] = rs->rules[i];
		rs->rules[kept].index = kept;
		kept++;
	}
	rs->count = kept;
	free(dropped);
}

/* Reports each rule a pair names that is not loaded, or is a pair rule
 * itself. */
static void check_pair_parts(const lg_ruleset *rs, loader *ld)
{
	size_t i, j;
	int side;
	const char *const *p;

	for (i = 0; i < rs->count; i++)
		for (side = 0; side < 2; side++)
			for (p = rs->rules[i].pair_rules[side]; p && *p; p++) {
				for (j = 0; j < rs->count; j++)
					if (strcmp(rs->rules[j].id, *p) == 0)
						break;
				if (j == rs->count || !rs->rules[j].regex)
					problem(ld, rs->rules[i].source_file, rs->rules[i].id,
						"pair: '%s' is not %s", *p, j == rs->count ?
						"a loaded rule" : "a rule with a regex");
			}
}

/* Hashes every field that changes what the rules match, in order. */
static int compute_hash(lg_ruleset *rs)
{
	lg_buf b = LG_BUF_INIT;
	size_t i;
	const char *const *p;
	int err = 0;

	for (i = 0; i < rs->count && !err; i++) {
		const lg_rule *r = &rs->rules[i];

		err = lg_buf__printf(&b, "%s\x1f%s\x1f%d\x1f%d\x1f%u\x1f%.6f\x1f%d\x1f",
				     r->id, r->regex ? r->regex : "", (int)r->severity,
				     (int)r->confidence, r->secret_group,
				     r->min_entropy, (int)r->checksum);
		for (p = r->keywords; !err && p && *p; p++)
			err = lg_buf__printf(&b, "k%s\x1f", *p);
		for (p = r->allow; !err && p && *p; p++)
			err = lg_buf__printf(&b, "a%s\x1f", *p);
		for (p = r->supersedes; !err && p && *p; p++)
			err = lg_buf__printf(&b, "s%s\x1f", *p);
		if (!err)
			err = lg_buf__printf(&b, "c%u,%u,%u,%d\x1f", r->context_before,
					     r->context_after, r->context_lines, r->generic_value);
		for (p = r->context_patterns; !err && p && *p; p++)
			err = lg_buf__printf(&b, "p%s\x1f", *p);
		if (!err && r->pair_names[0])
			err = lg_buf__printf(&b, "P%s\x1f%s\x1f%u\x1f", r->pair_names[0],
					     r->pair_names[1], r->pair_max_lines);
		for (p = r->pair_rules[0]; !err && p && *p; p++)
			err = lg_buf__printf(&b, "1%s\x1f", *p);
		for (p = r->pair_rules[1]; !err && p && *p; p++)
			err = lg_buf__printf(&b, "2%s\x1f", *p);
		if (!err)
			err = lg_buf__printf(&b, "%s\x1f%s\x1e", r->name,
					     r->description);
	}
	for (i = 0; i < rs->known_count && !err; i++)
		err = lg_buf__printf(&b, "n%s\x1e", rs->known[i]);
	if (err) {
		lg_buf__release(&b);
		return err;
	}
	lg__hash_hex(rs->hash, b.ptr ? b.ptr : "", b.len);
	lg_buf__release(&b);
	return 0;
}

/* Finishes a load: duplicate ids, the hash, and the verdict. */
static int finish_load(lg_ruleset **out, lg_ruleset *rs, loader *ld)
{
	if (rs->count == 0 && ld->problems == 0)
		problem(ld, "rules", NULL, "no rules were loaded");
	resolve_duplicate_ids(rs, ld);
	free(rs->layers);
	rs->layers = NULL;
	rs->layers_alloc = 0;
	check_pair_parts(rs, ld);
	if (ld->problems) {
		lg_ruleset_free(rs);
		return lg_error_set(LG_ERULES, "%zu problem%s in the rule files",
				    ld->problems, ld->problems == 1 ? "" : "s");
	}
	if (compute_hash(rs) != 0) {
		lg_ruleset_free(rs);
		return LG_ENOMEM;
	}
	*out = rs;
	return 0;
}

int lg_ruleset_load(lg_ruleset **out, const char *const *paths, size_t npaths,
		    lg_problem_cb on_problem, void *payload)
{
	loader ld = { on_problem, payload, 0, 0 };
	lg_ruleset *rs = calloc(1, sizeof(*rs));
	size_t i;

	if (!rs)
		return lg_error_set_oom();
	for (i = 0; i < npaths; i++)
		walk_path(&ld, paths[i], parse_file, rs);
	return finish_load(out, rs, &ld);
}

int lg_ruleset_load_sources(lg_ruleset **out, const lg_rule_source *sources,
			    size_t n, lg_problem_cb on_problem, void *payload)
{
	loader ld = { on_problem, payload, 0, 0 };
	lg_ruleset *rs = calloc(1, sizeof(*rs));
	size_t i;

	if (!rs)
		return lg_error_set_oom();
	for (i = 0; i < n; i++) {
		ld.layer = sources[i].layer;
		load_json(rs, &ld, sources[i].name, sources[i].json,
			  sources[i].len);
	}
	return finish_load(out, rs, &ld);
}

int lg_ruleset_load_buffer(lg_ruleset **out, const char *name,
			   const char *json, size_t len,
			   lg_problem_cb on_problem, void *payload)
{
	lg_rule_source source = { name, json, len, 0 };

	return lg_ruleset_load_sources(out, &source, 1, on_problem, payload);
}

/* ------------------------------------------------------------------------
 * For the ruleset cache (rulecache.c)
 * ---------------------------------------------------------------------- */

/* A growing list of rule files read into memory. */
typedef struct {
	lg_rule_source *v;
	size_t count, alloc;
	int failed;
} source_list;

static void keep_file(void *ctx, loader *ld, const char *name, const char *json, size_t len)
{
	source_list *sl = ctx;
	lg_rule_source *src;
	char *name_copy, *json_copy;

	if (LG_ARRAY_GROW(sl->v, sl->alloc, sl->count + 1, 16) != 0) {
		sl->failed = 1;
		return;
	}
	/* A copy of every byte: a rule file may hold a NUL (which parsing
	 * reports), so not strndup. */
	name_copy = lg__strdup(name);
	json_copy = malloc(len + 1);
	if (!name_copy || !json_copy) {
		free(name_copy);
		free(json_copy);
		sl->failed = 1;
		return;
	}
	memcpy(json_copy, json, len);
	json_copy[len] = '\0';
	src = &sl->v[sl->count++];
	src->name = name_copy;
	src->json = json_copy;
	src->len = len;
	src->layer = ld->layer;
}

int lg_rule_sources_read(lg_rule_source **out, size_t *count, const char *const *paths,
			 size_t npaths, unsigned layer, lg_problem_cb on_problem, void *payload)
{
	loader ld = { on_problem, payload, 0, layer };
	source_list sl = { NULL, 0, 0, 0 };
	size_t i;

	for (i = 0; i < npaths; i++)
		walk_path(&ld, paths[i], keep_file, &sl);
	if (sl.failed)
		problem(&ld, "rules", NULL, "out of memory");
	if (ld.problems) {
		lg_ruleset__free_sources(sl.v, sl.count);
		return lg_error_set(LG_ERULES, "%zu problem%s reading the rule files",
				    ld.problems, ld.problems == 1 ? "" : "s");
	}
	for (i = 0; i < sl.count; i++)
		sl.v[i].layer = layer;
	*out = sl.v;
	*count = sl.count;
	return 0;
}

int lg_ruleset__read_sources(lg_rule_source **out, size_t *count, const char *const *paths,
			     size_t npaths)
{
	return lg_rule_sources_read(out, count, paths, npaths, 0, NULL, NULL);
}

void lg_rule_sources_free(lg_rule_source *sources, size_t count)
{
	lg_ruleset__free_sources(sources, count);
}

void lg_ruleset__free_sources(lg_rule_source *sources, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free((char *)sources[i].name);
		free((char *)sources[i].json);
	}
	free(sources);
}

int lg_ruleset__add_loader_versions(lg_buf *b)
{
	char pcre2[64] = "";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre2);
	return lg_buf__printf(b, "cJSON %s, PCRE2 %s", cJSON_Version(), pcre2);
}

lg_ruleset *lg_ruleset__adopt(lg_rule *rules, size_t count, const char *hash,
			      const lg_rule_storage *storage, const char **lists,
			      const char *const *known, size_t known_count)
{
	lg_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->rules = rules;
	rs->count = rs->alloc = count;
	snprintf(rs->hash, sizeof(rs->hash), "%s", hash);
	rs->storage = *storage;
	rs->lists = lists;
	rs->known = (const char **)known;
	rs->known_count = known_count;
	return rs;
}

const char *const *lg_ruleset__known_non_secrets(const lg_ruleset *rs, size_t *count)
{
	*count = rs->known_count;
	return rs->known;
}

/* ------------------------------------------------------------------------
 * Accessors
 * ---------------------------------------------------------------------- */

size_t lg_ruleset_count(const lg_ruleset *rs)
{
	return rs ? rs->count : 0;
}

const lg_rule *lg_ruleset_get(const lg_ruleset *rs, size_t i)
{
	return rs && i < rs->count ? &rs->rules[i] : NULL;
}

const lg_rule *lg_ruleset_find(const lg_ruleset *rs, const char *id)
{
	size_t i;

	for (i = 0; rs && i < rs->count; i++)
		if (strcmp(rs->rules[i].id, id) == 0)
			return &rs->rules[i];
	return NULL;
}

const char *lg_ruleset_hash(const lg_ruleset *rs)
{
	return rs->hash;
}
