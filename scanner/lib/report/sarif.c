/*
 * sarif.c - SARIF 2.1.0, for code-scanning dashboards.
 *
 * One run; tool.driver lists every rule that fired; each result names its
 * rule, level, location (path as a relative URI, region with start line
 * and columns counted in code points), a message without the plaintext
 * secret, the fingerprint as a partialFingerprint, and the commit, author
 * and date as properties.
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FINGERPRINT_KEY "leakgateFingerprint/v1"

static const char *level_of(lg_severity s)
{
	return s >= LG_SEVERITY_HIGH ? "error" : s == LG_SEVERITY_MEDIUM ? "warning" : "note";
}

/* GitHub code scanning reads a CVSS-like score from this property. */
static const char *security_severity(lg_severity s)
{
	static const char *const scores[] = { "3.0", "5.0", "8.0", "9.5" };

	return (unsigned)s < 4 ? scores[s] : "5.0";
}

/* Appends `path` as a relative URI reference: unreserved bytes and '/'
 * pass, everything else (spaces, '%', '#', '?', controls, any non-ASCII
 * byte, valid UTF-8 or not) is percent-encoded, so any path round-trips. */
static int append_uri(lg_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	lg_buf uri = LG_BUF_INIT;
	const unsigned char *p;
	int err = 0;

	for (p = (const unsigned char *)path; *p && !err; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			err = lg_buf__add(&uri, p, 1);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			err = lg_buf__add(&uri, esc, 3);
		}
	}
	if (!err)
		err = lg_buf__json_string(b, uri.ptr ? uri.ptr : "", uri.len);
	lg_buf__release(&uri);
	return err;
}

static int json_str(lg_buf *b, const char *s)
{
	return lg_buf__json_string(b, s ? s : "", s ? strlen(s) : 0);
}

/* The index in `rules` of `r`, adding it when new. */
static size_t rule_slot(const lg_rule **rules, size_t *count, const lg_rule *r)
{
	size_t i;

	for (i = 0; i < *count; i++)
		if (rules[i] == r)
			return i;
	rules[*count] = r;
	return (*count)++;
}

static int append_rule(lg_buf *b, const lg_rule *r, int first)
{
	int err = lg_buf__printf(b, "%s\n          {\n            \"id\": ", first ? "" : ",");

	if (!err) err = json_str(b, r->id);
	if (!err) err = lg_buf__puts(b, ",\n            \"name\": ");
	if (!err) err = json_str(b, r->name);
	if (!err) err = lg_buf__puts(b, ",\n            \"shortDescription\": {\n              \"text\": ");
	if (!err) err = json_str(b, r->name);
	if (!err) err = lg_buf__puts(b, "\n            },\n            \"fullDescription\": {\n              \"text\": ");
	if (!err) err = json_str(b, r->description);
	if (!err) err = lg_buf__puts(b, "\n            },\n            \"help\": {\n              \"text\": ");
	if (!err) err = json_str(b, r->remediation ? r->remediation :
				 "Remove the secret from the history (rewrite the commits that hold it) "
				 "and rotate it: once committed, treat it as leaked.");
	if (!err)
		err = lg_buf__printf(b, "\n            },\n            \"defaultConfiguration\": {\n"
				     "              \"level\": \"%s\"\n            },\n"
				     "            \"properties\": {\n"
				     "              \"tags\": [\n                \"security\",\n                \"secret\"\n              ],\n"
				     "              \"security-severity\": \"%s\",\n"
				     "              \"precision\": \"%s\"\n            }\n          }",
				     level_of(r->severity), security_severity(r->severity),
				     r->confidence == LG_CONFIDENCE_HIGH ? "very-high" :
				     r->confidence == LG_CONFIDENCE_MEDIUM ? "high" : "medium");
	return err;
}

/* "<rule name>: <redacted secret>", never the secret in full. */
static int append_message(lg_buf *b, const lg_finding *f)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	lg_buf text = LG_BUF_INIT;
	int err;

	lg_redact(redacted, sizeof(redacted), f->secret, f->secret_len);
	err = lg_buf__printf(&text, "%s%s (%s)", f->unconfirmed ? "Unconfirmed candidate: " : "",
			     f->rule->name, redacted);
	if (!err && f->unconfirmed)
		err = lg_buf__printf(&text, " (%s; check it by hand)", f->unconfirmed);
	if (!err && f->commit[0])
		err = lg_buf__printf(&text, " committed in %.12s", f->commit);
	if (!err && f->also_in_count)
		err = lg_buf__printf(&text, "; also in %zu other place%s", f->also_in_count,
				     f->also_in_count == 1 ? "" : "s");
	if (!err)
		err = lg_buf__json_string(b, text.ptr, text.len);
	lg_buf__release(&text);
	return err;
}

/* A pair finding's parts, each secret redacted as SARIF always is. */
static int append_parts(lg_buf *b, const lg_finding *f)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	size_t i;
	int err = lg_buf__puts(b, ",\n            \"secret_parts\": [");

	for (i = 0; i < f->part_count && !err; i++) {
		lg_redact(redacted, sizeof(redacted), f->parts[i].secret, f->parts[i].secret_len);
		err = lg_buf__puts(b, i ? ", {\"name\": " : "{\"name\": ");
		if (!err) err = json_str(b, f->parts[i].name);
		if (!err) err = lg_buf__puts(b, ", \"secret\": ");
		if (!err) err = json_str(b, redacted);
		if (!err) err = lg_buf__puts(b, "}");
	}
	return err ? err : lg_buf__puts(b, "]");
}

static int append_properties(lg_buf *b, const lg_finding *f)
{
	char date[LG_REPORT_DATE_MAX];
	int err = lg_buf__puts(b, ",\n          \"properties\": {\n            \"commit\": ");

	if (!err) err = f->commit[0] ? json_str(b, f->commit) : lg_buf__puts(b, "null");
	if (!err) err = lg_buf__puts(b, ",\n            \"blob\": ");
	if (!err) err = f->blob[0] ? json_str(b, f->blob) : lg_buf__puts(b, "null");
	if (!err) err = lg_buf__puts(b, ",\n            \"author_name\": ");
	if (!err) err = f->commit[0] ? json_str(b, f->author_name) : lg_buf__puts(b, "null");
	if (!err) err = lg_buf__puts(b, ",\n            \"author_email\": ");
	if (!err) err = f->commit[0] ? json_str(b, f->author_email) : lg_buf__puts(b, "null");
	if (!err) err = lg_buf__puts(b, ",\n            \"date\": ");
	if (!err)
		err = f->commit[0] && lg_report__date(date, f->author_time, f->author_offset, 1) == 0 ?
			json_str(b, date) : lg_buf__puts(b, "null");
	if (!err) err = lg_buf__puts(b, ",\n            \"repository\": ");
	if (!err) err = f->repository ? json_str(b, f->repository) : lg_buf__puts(b, "null");
	if (!err && f->decoded) {
		err = lg_buf__puts(b, ",\n            \"decoded\": ");
		if (!err)
			err = json_str(b, f->decoded);
	}
	if (!err && f->unconfirmed) {
		err = lg_buf__puts(b, ",\n            \"unconfirmed\": ");
		if (!err)
			err = json_str(b, f->unconfirmed);
	}
	if (!err && f->part_count)
		err = append_parts(b, f);
	if (!err)
		err = lg_buf__printf(b, ",\n            \"binary\": %s,\n            \"also_in\": %zu",
				     f->binary ? "true" : "false", f->also_in_count);
	if (!err && f->verification.status != LG_VERIFY_NOT_RUN) {
		const lg_verification *v = &f->verification;

		err = lg_buf__printf(b, ",\n            \"verification\": {\n              \"status\": \"%s\","
				     "\n              \"http_status\": %d,\n              \"identity\": ",
				     lg_verify_status_name(v->status), v->http_status > 0 ? v->http_status : 0);
		if (!err) err = v->identity ? json_str(b, v->identity) : lg_buf__puts(b, "null");
		if (!err) err = lg_buf__puts(b, "\n            }");
	}
	if (!err)
		err = lg_buf__puts(b, "\n          }");
	return err;
}

static int append_result(lg_buf *b, const lg_finding *f, size_t rule_index, int first)
{
	int err = lg_buf__printf(b, "%s\n        {\n          \"ruleId\": ", first ? "" : ",");

	if (!err) err = json_str(b, f->rule->id);
	if (!err)
		err = lg_buf__printf(b, ",\n          \"ruleIndex\": %zu,\n          \"level\": \"%s\",\n"
				     "          \"message\": {\n            \"text\": ",
				     rule_index, level_of(f->rule->severity));
	if (!err) err = append_message(b, f);
	if (!err)
		err = lg_buf__puts(b, "\n          },\n          \"locations\": [\n            {\n"
				      "              \"physicalLocation\": {\n"
				      "                \"artifactLocation\": {\n                  \"uri\": ");
	if (!err) err = append_uri(b, f->path ? f->path : "");
	if (!err)
		err = lg_buf__printf(b, "\n                },\n                \"region\": {\n"
				     "                  \"startLine\": %zu,\n"
				     "                  \"startColumn\": %zu,\n"
				     "                  \"endColumn\": %zu\n"
				     "                }\n              }\n            }\n          ],\n"
				     "          \"partialFingerprints\": {\n"
				     "            \"" FINGERPRINT_KEY "\": \"%s\"\n          }",
				     f->line ? f->line : 1, f->column ? f->column : 1,
				     f->end_column > f->column ? f->end_column : f->column + 1,
				     f->fingerprint);
	if (!err) err = append_properties(b, f);
	if (!err) err = lg_buf__puts(b, "\n        }");
	return err;
}

int lg_report__sarif(FILE *f, const lg_report *r, const lg_report_options *o)
{
	const lg_rule **rules = calloc(r->count ? r->count : 1, sizeof(*rules));
	size_t nrules = 0, i;
	lg_buf b = LG_BUF_INIT;
	int err;

	(void)o; /* SARIF never carries secrets, --show-secrets or not */
	if (!rules)
		return lg_error_set_oom();
	for (i = 0; i < r->count; i++)
		rule_slot(rules, &nrules, r->findings[i].rule);
	err = lg_buf__printf(&b, "{\n  \"$schema\": \"" SARIF_SCHEMA "\",\n  \"version\": \"2.1.0\",\n"
			     "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
			     "          \"name\": \"leakgate\",\n          \"version\": \"%s\",\n"
			     "          \"semanticVersion\": \"%s\",\n"
			     "          \"informationUri\": \"" LG_HOMEPAGE "\",\n"
			     "          \"rules\": [",
			     LG_VERSION, LG_VERSION);
	for (i = 0; i < nrules && !err; i++)
		err = append_rule(&b, rules[i], i == 0);
	if (!err)
		err = lg_buf__printf(&b, "%s]\n        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n"
				     "      \"results\": [", nrules ? "\n        " : "");
	for (i = 0; i < r->count && !err; i++) {
		err = append_result(&b, &r->findings[i],
				    rule_slot(rules, &nrules, r->findings[i].rule), i == 0);
		if (!err)
			err = lg_report__flush(f, &b);
	}
	if (!err)
		err = lg_buf__printf(&b, "%s]\n    }\n  ]\n}\n", r->count ? "\n      " : "");
	if (!err)
		err = lg_report__flush(f, &b);
	lg_buf__release(&b);
	free(rules);
	return err;
}
