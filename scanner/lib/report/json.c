/*
 * json.c - the report for programs: one JSON document (2-space
 * indented, keys in a fixed order) or JSON Lines (one compact finding a
 * line). Every string goes through lg_buf__json_string, so paths that are
 * not UTF-8 still give valid JSON (with U+FFFD in their place).
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FORMAT_VERSION 1

/* A small streaming JSON emitter. `empty` says whether the innermost open
 * container has no member yet; the first error sticks and turns every
 * later call into a no-op, so callers check once at the end. */
typedef struct {
	lg_buf *b;
	int pretty;
	int depth;
	int empty;
	int err;
} json_writer;

/* Appends raw text. */
static void jw_raw(json_writer *w, const char *s)
{
	if (!w->err)
		w->err = lg_buf__puts(w->b, s);
}

/* Starts a new member or element: the comma, then in pretty mode a new
 * line indented by two spaces a level. */
static void jw_next(json_writer *w)
{
	int i;

	if (!w->empty)
		jw_raw(w, ",");
	w->empty = 0;
	if (!w->pretty)
		return;
	jw_raw(w, "\n");
	for (i = 0; i < w->depth; i++)
		jw_raw(w, "  ");
}

/* Opens an object or array ('{' or '['). */
static void jw_open(json_writer *w, const char *bracket)
{
	jw_raw(w, bracket);
	w->depth++;
	w->empty = 1;
}

/* Closes the innermost container; an empty one stays on one line. */
static void jw_close(json_writer *w, const char *bracket)
{
	int i;

	w->depth--;
	if (w->pretty && !w->empty) {
		jw_raw(w, "\n");
		for (i = 0; i < w->depth; i++)
			jw_raw(w, "  ");
	}
	jw_raw(w, bracket);
	w->empty = 0;
}

/* Appends a JSON string of len bytes (any bytes). */
static void jw_string(json_writer *w, const char *s, size_t len)
{
	if (!w->err)
		w->err = lg_buf__json_string(w->b, s, len);
}

/* Starts the member `key` of the current object. */
static void jw_key(json_writer *w, const char *key)
{
	jw_next(w);
	jw_string(w, key, strlen(key));
	jw_raw(w, w->pretty ? ": " : ":");
}

/* A member whose value is a string, or null for NULL. */
static void jw_str_member(json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		jw_string(w, s, strlen(s));
	else
		jw_raw(w, "null");
}

/* A member whose value is an unsigned integer. */
static void jw_uint_member(json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	if (!w->err)
		w->err = lg_buf__printf(w->b, "%" PRIu64, v);
}

/* A member whose value is a fixed-point number. */
static void jw_fixed_member(json_writer *w, const char *key, double v,
			    unsigned decimals)
{
	jw_key(w, key);
	if (!w->err)
		w->err = lg_report__fixed(w->b, v, decimals);
}

/* A member whose value is true or false. */
static void jw_bool_member(json_writer *w, const char *key, int v)
{
	jw_key(w, key);
	jw_raw(w, v ? "true" : "false");
}

/* "verification": {"status", "http_status", "identity", "message"} when
 * --verify ran; nothing otherwise. */
static void write_verification(json_writer *w, const lg_verification *v)
{
	if (v->status == LG_VERIFY_NOT_RUN)
		return;
	jw_key(w, "verification");
	jw_open(w, "{");
	jw_str_member(w, "status", lg_verify_status_name(v->status));
	jw_uint_member(w, "http_status", v->http_status > 0 ? (uint64_t)v->http_status : 0);
	jw_str_member(w, "identity", v->identity);
	if (v->message)
		jw_str_member(w, "message", v->message);
	jw_close(w, "}");
}

/* "secret_parts": each part's name and its secret, shown (whole or
 * redacted) as the finding's own secret is. */
static void write_secret_parts(json_writer *w, const lg_finding *f, const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	const char *shown;
	size_t i, shown_len;

	jw_key(w, "secret_parts");
	jw_open(w, "[");
	for (i = 0; i < f->part_count; i++) {
		lg_finding part = *f;

		part.secret = f->parts[i].secret;
		part.secret_len = f->parts[i].secret_len;
		shown = lg_report__secret(redacted, &shown_len, &part, o);
		jw_next(w);
		jw_open(w, "{");
		jw_str_member(w, "name", f->parts[i].name);
		jw_key(w, "secret");
		jw_string(w, shown, shown_len);
		jw_close(w, "}");
	}
	jw_close(w, "]");
}

/* Writes one finding as an object. Outside git (commit "") the commit,
 * author and date are null, and so is the blob but for a blob no commit
 * reaches (--all-objects); so is a date no calendar can hold. */
static void write_finding(json_writer *w, const lg_finding *f,
			  const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX], date[LG_REPORT_DATE_MAX];
	const lg_rule *rule = f->rule;
	int git = f->commit[0] != '\0';
	size_t shown_len, i;
	const char *shown = lg_report__secret(redacted, &shown_len, f, o);

	jw_open(w, "{");
	jw_str_member(w, "rule_id", rule ? rule->id : NULL);
	jw_str_member(w, "rule_name", rule ? rule->name : NULL);
	jw_str_member(w, "severity", rule ? lg_severity_name(rule->severity) : NULL);
	jw_str_member(w, "confidence",
		      rule ? lg_confidence_name(rule->confidence) : NULL);
	jw_key(w, "secret");
	jw_string(w, shown, shown_len);
	jw_str_member(w, "path", f->path ? f->path : "");
	jw_uint_member(w, "line", f->line);
	jw_uint_member(w, "column", f->column);
	jw_uint_member(w, "end_column", f->end_column);
	jw_str_member(w, "blob", f->blob[0] ? f->blob : NULL);
	jw_str_member(w, "commit", git ? f->commit : NULL);
	jw_str_member(w, "author_name", git ? f->author_name : NULL);
	jw_str_member(w, "author_email", git ? f->author_email : NULL);
	jw_str_member(w, "date",
		      git && lg_report__date(date, f->author_time,
					     f->author_offset, 1) == 0 ? date : NULL);
	jw_str_member(w, "fingerprint", f->fingerprint);
	jw_bool_member(w, "binary", f->binary);
	jw_str_member(w, "repository", f->repository);
	if (f->decoded)
		jw_str_member(w, "decoded", f->decoded);
	if (f->unconfirmed)
		jw_str_member(w, "unconfirmed", f->unconfirmed);
	if (f->line_text) {
		lg_buf excerpt = LG_BUF_INIT;

		if (!w->err)
			w->err = lg_report__excerpt(&excerpt, f, o);
		jw_key(w, "excerpt");
		jw_string(w, excerpt.ptr ? excerpt.ptr : "", excerpt.len);
		lg_buf__release(&excerpt);
	}
	if (rule && rule->remediation)
		jw_str_member(w, "remediation", rule->remediation);
	if (f->part_count)
		write_secret_parts(w, f, o);
	jw_key(w, "also_in");
	jw_open(w, "[");
	for (i = 0; i < f->also_in_count; i++) {
		const lg_location *loc = &f->also_in[i];

		jw_next(w);
		jw_open(w, "{");
		jw_str_member(w, "path", loc->path ? loc->path : "");
		jw_str_member(w, "commit", loc->commit[0] ? loc->commit : NULL);
		jw_close(w, "}");
	}
	jw_close(w, "]");
	write_verification(w, &f->verification);
	jw_close(w, "}");
}

/* Writes the summary object. Speeds use MB = 10^6 bytes. */
static void write_summary(json_writer *w, const lg_report *r)
{
	const lg_summary *s = &r->summary;
	size_t i;

	jw_open(w, "{");
	jw_uint_member(w, "refs", s->refs);
	jw_uint_member(w, "commits", s->commits);
	jw_uint_member(w, "blobs_scanned", s->blobs_scanned);
	jw_uint_member(w, "bytes_scanned", s->bytes_scanned);
	jw_uint_member(w, "blobs_skipped", s->blobs_skipped);
	jw_key(w, "skipped_reasons");
	jw_open(w, "{");
	for (i = 0; i < s->skipped_count; i++)
		jw_uint_member(w, s->skipped[i].reason ? s->skipped[i].reason : "",
			       s->skipped[i].count);
	jw_close(w, "}");
	jw_fixed_member(w, "seconds", s->seconds, 3);
	jw_fixed_member(w, "mb_per_second",
			lg_report__rate((double)s->bytes_scanned / 1e6, s->seconds), 1);
	jw_fixed_member(w, "blobs_per_second",
			lg_report__rate((double)s->blobs_scanned, s->seconds), 1);
	jw_uint_member(w, "findings", s->findings);
	jw_uint_member(w, "ignored", s->ignored);
	jw_uint_member(w, "baselined", s->baselined);
	jw_bool_member(w, "shallow", s->shallow);
	jw_bool_member(w, "incremental", s->incremental);
	jw_uint_member(w, "unreadable", s->unreadable);
	jw_close(w, "}");
}

/* Writes the repositories the report covers: each one's counts, and its
 * error when its scan failed. */
static void write_repositories(json_writer *w, const lg_report *r)
{
	size_t i;

	jw_open(w, "[");
	for (i = 0; i < r->repository_count; i++) {
		const lg_repository_entry *e = &r->repositories[i];

		jw_next(w);
		jw_open(w, "{");
		jw_str_member(w, "path", e->path ? e->path : "");
		jw_uint_member(w, "findings", e->findings);
		jw_uint_member(w, "commits", e->commits);
		jw_uint_member(w, "blobs_scanned", e->blobs_scanned);
		jw_uint_member(w, "bytes_scanned", e->bytes_scanned);
		jw_fixed_member(w, "seconds", e->seconds, 3);
		jw_str_member(w, "error", e->error);
		jw_close(w, "}");
	}
	jw_close(w, "]");
}

/* Opens the report's object and writes what comes before its findings:
 * versions, start, rules, whether secrets are shown, the repositories. */
static void write_head(json_writer *w, const lg_report *r, const lg_report_options *o)
{
	char started[LG_REPORT_DATE_MAX];

	jw_open(w, "{");
	jw_uint_member(w, "version", JSON_FORMAT_VERSION);
	jw_str_member(w, "leakgate_version", LG_VERSION);
	jw_str_member(w, "started", r->started &&
		      lg_report__date(started, r->started, 0, 1) == 0 ? started : NULL);
	jw_str_member(w, "rules_hash", r->rules_hash[0] ? r->rules_hash : NULL);
	/* A reader must know whether `secret` is whole or redacted. */
	jw_bool_member(w, "secrets_shown", o->show_secrets);
	jw_key(w, "repositories");
	write_repositories(w, r);
}

/* Writes the whole report as one JSON document, a finding at a time; with
 * `f` each finding goes out as soon as it is written, else all stays in
 * the writer's buffer. */
static int write_document(json_writer *w, FILE *f, const lg_report *r,
			  const lg_report_options *o)
{
	size_t i;

	write_head(w, r, o);
	jw_key(w, "findings");
	jw_open(w, "[");
	for (i = 0; !w->err && i < r->count; i++) {
		jw_next(w);
		write_finding(w, &r->findings[i], o);
		if (f && !w->err)
			w->err = lg_report__flush(f, w->b);
	}
	jw_close(w, "]");
	jw_key(w, "summary");
	write_summary(w, r);
	jw_key(w, "warnings");
	jw_open(w, "[");
	for (i = 0; i < r->warning_count; i++) {
		jw_next(w);
		jw_string(w, r->warnings[i] ? r->warnings[i] : "",
			  r->warnings[i] ? strlen(r->warnings[i]) : 0);
	}
	jw_close(w, "]");
	jw_close(w, "}");
	jw_raw(w, "\n");
	if (f && !w->err)
		w->err = lg_report__flush(f, w->b);
	return w->err;
}

int lg_report__json(FILE *f, const lg_report *r, const lg_report_options *o)
{
	lg_buf b = LG_BUF_INIT;
	json_writer w = { &b, 1, 0, 1, 0 };
	int err = write_document(&w, f, r, o);

	lg_buf__release(&b);
	return err;
}

/* ------------------------------------------------------------------------
 * The HTML report's data: the same report, in columns
 *
 * The page (html.c, report.js) must open fast with 10,000 findings, so its
 * data block is not the JSON report but a columnar form of it: one array a
 * field, and the strings that repeat (rule texts, repositories, commits,
 * authors) written once, in tables the columns index. Only what the page
 * shows is written (no blob id, no end column).
 * ---------------------------------------------------------------------- */

/* A string table: each distinct string once, in the order first met, found
 * again through an open-addressing hash. The strings are borrowed. */
typedef struct {
	const char **strings; /* by index */
	size_t count, alloc;
	uint32_t *slots;      /* index + 1, 0 for empty; a power of two long */
	size_t slot_count;
} string_table;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Doubles the hash (or makes its first 64 slots) and re-inserts. */
static int table_rehash(string_table *t)
{
	size_t n = t->slot_count ? t->slot_count * 2 : 64, i;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return lg_error_set_oom();
	for (i = 0; i < t->count; i++) {
		size_t at = (size_t)fnv1a(t->strings[i]) & (n - 1);

		while (slots[at])
			at = (at + 1) & (n - 1);
		slots[at] = (uint32_t)(i + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->slot_count = n;
	return 0;
}

/* The index of `s` in the table, adding it when new; -1 for NULL. */
static int table_index(int64_t *out, string_table *t, const char *s)
{
	size_t at;
	int err;

	*out = -1;
	if (!s)
		return 0;
	if (t->count >= UINT32_MAX - 1)
		return lg_error_set(LG_EINVALID, "too many distinct strings for one report");
	if ((t->count + 1) * 2 > t->slot_count && (err = table_rehash(t)) != 0)
		return err;
	at = (size_t)fnv1a(s) & (t->slot_count - 1);
	for (; t->slots[at]; at = (at + 1) & (t->slot_count - 1))
		if (strcmp(t->strings[t->slots[at] - 1], s) == 0) {
			*out = t->slots[at] - 1;
			return 0;
		}
	if ((err = lg_array__grow((void **)&t->strings, &t->alloc, t->count + 1,
				  sizeof(*t->strings), 256)) != 0)
		return err;
	t->strings[t->count] = s;
	t->slots[at] = (uint32_t)++t->count;
	*out = t->slots[at] - 1;
	return 0;
}

static void table_release(string_table *t)
{
	free(t->strings);
	free(t->slots);
}

/* An array element that is an integer. */
static void jw_int(json_writer *w, int64_t v)
{
	jw_next(w);
	if (!w->err)
		w->err = lg_buf__printf(w->b, "%" PRId64, v);
}

/* An array element that is a string, or null for NULL. */
static void jw_str(json_writer *w, const char *s)
{
	jw_next(w);
	if (s)
		jw_string(w, s, strlen(s));
	else
		jw_raw(w, "null");
}

/* The per-finding indexes into the string tables, computed before any
 * column is written (the tables come first in the document). */
enum { COL_RULE, COL_REPOSITORY, COL_COMMIT, COL_AUTHOR, COL_EMAIL, COL_COUNT };

/* "name": [v(0), v(1), ...] for one integer column of `index`. */
static void write_index_column(json_writer *w, const char *name, const int64_t *index,
			       size_t count)
{
	size_t i;

	jw_key(w, name);
	jw_open(w, "[");
	for (i = 0; i < count; i++)
		jw_int(w, index[i * COL_COUNT]);
	jw_close(w, "]");
}

/* "rules": one object per distinct rule id, in the order first met. */
static void write_rule_table(json_writer *w, const lg_report *r, const string_table *ids,
			     const size_t *first)
{
	size_t i;

	jw_key(w, "rules");
	jw_open(w, "[");
	for (i = 0; i < ids->count; i++) {
		const lg_rule *rule = r->findings[first[i]].rule;

		jw_next(w);
		jw_open(w, "{");
		jw_str_member(w, "id", rule->id);
		jw_str_member(w, "name", rule->name);
		jw_str_member(w, "severity", lg_severity_name(rule->severity));
		jw_str_member(w, "confidence", lg_confidence_name(rule->confidence));
		jw_str_member(w, "remediation", rule->remediation);
		jw_close(w, "}");
	}
	jw_close(w, "]");
}

/* The text columns: paths, dates, fingerprints, secrets (as shown),
 * excerpts, and the other places of each blob. */
static void write_text_columns(json_writer *w, const lg_report *r,
			       const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX], date[LG_REPORT_DATE_MAX];
	lg_buf excerpt = LG_BUF_INIT;
	size_t i, k, len;
	const char *shown;

	jw_key(w, "path");
	jw_open(w, "[");
	for (i = 0; i < r->count; i++)
		jw_str(w, r->findings[i].path ? r->findings[i].path : "");
	jw_close(w, "]");
	jw_key(w, "date");
	jw_open(w, "[");
	for (i = 0; i < r->count; i++) {
		const lg_finding *f = &r->findings[i];

		jw_str(w, f->commit[0] && lg_report__date(date, f->author_time,
							    f->author_offset, 1) == 0 ? date : NULL);
	}
	jw_close(w, "]");
	jw_key(w, "fingerprint");
	jw_open(w, "[");
	for (i = 0; i < r->count; i++)
		jw_str(w, r->findings[i].fingerprint);
	jw_close(w, "]");
	jw_key(w, "secret");
	jw_open(w, "[");
	for (i = 0; i < r->count; i++) {
		shown = lg_report__secret(redacted, &len, &r->findings[i], o);
		jw_next(w);
		jw_string(w, shown, len);
	}
	jw_close(w, "]");
	jw_key(w, "excerpt");
	jw_open(w, "[");
	for (i = 0; i < r->count; i++) {
		excerpt.len = 0;
		if (!r->findings[i].line_text) {
			jw_str(w, NULL);
			continue;
		}
		if (!w->err)
			w->err = lg_report__excerpt(&excerpt, &r->findings[i], o);
		jw_next(w);
		jw_string(w, excerpt.ptr ? excerpt.ptr : "", excerpt.len);
	}
	lg_buf__release(&excerpt);
	jw_close(w, "]");
	jw_key(w, "also_in");
	jw_open(w, "[");
	for (i = 0; i < r->count; i++) {
		const lg_finding *f = &r->findings[i];

		jw_next(w);
		jw_open(w, "[");
		for (k = 0; k < f->also_in_count; k++) {
			jw_next(w);
			jw_open(w, "[");
			jw_str(w, f->also_in[k].path ? f->also_in[k].path : "");
			jw_str(w, f->also_in[k].commit[0] ? f->also_in[k].commit : NULL);
			jw_close(w, "]");
		}
		jw_close(w, "]");
	}
	jw_close(w, "]");
}

/* "extra": {"<index>": {...}} for the few findings with decoded,
 * unconfirmed, secret_parts, binary or verification set. */
static void write_extra(json_writer *w, const lg_report *r, const lg_report_options *o)
{
	char key[32];
	size_t i;

	jw_key(w, "extra");
	jw_open(w, "{");
	for (i = 0; i < r->count; i++) {
		const lg_finding *f = &r->findings[i];

		if (!f->decoded && !f->unconfirmed && !f->part_count && !f->binary &&
		    f->verification.status == LG_VERIFY_NOT_RUN)
			continue;
		snprintf(key, sizeof(key), "%zu", i);
		jw_key(w, key);
		jw_open(w, "{");
		if (f->binary)
			jw_bool_member(w, "binary", 1);
		if (f->decoded)
			jw_str_member(w, "decoded", f->decoded);
		if (f->unconfirmed)
			jw_str_member(w, "unconfirmed", f->unconfirmed);
		if (f->part_count)
			write_secret_parts(w, f, o);
		write_verification(w, &f->verification);
		jw_close(w, "}");
	}
	jw_close(w, "}");
}

/* The findings: the string tables, then one array a field. */
static int write_columns(json_writer *w, const lg_report *r, const lg_report_options *o)
{
	string_table ids = { 0 }, strings = { 0 };
	int64_t *index = NULL;
	size_t *first = NULL, i;
	int err = 0;

	if (r->count && (!(index = calloc(r->count * COL_COUNT, sizeof(*index))) ||
			 !(first = calloc(r->count, sizeof(*first)))))
		err = lg_error_set_oom();
	for (i = 0; !err && i < r->count; i++) {
		const lg_finding *f = &r->findings[i];
		int64_t *x = index + i * COL_COUNT;
		int git = f->commit[0] != '\0';
		size_t known = ids.count;

		if (!f->rule) {
			err = lg_error_set(LG_EINVALID, "a finding without a rule");
			break;
		}
		if ((err = table_index(&x[COL_RULE], &ids, f->rule->id)) != 0 ||
		    (err = table_index(&x[COL_REPOSITORY], &strings, f->repository)) != 0 ||
		    (err = table_index(&x[COL_COMMIT], &strings, git ? f->commit : NULL)) != 0 ||
		    (err = table_index(&x[COL_AUTHOR], &strings, git ? f->author_name : NULL)) != 0 ||
		    (err = table_index(&x[COL_EMAIL], &strings, git ? f->author_email : NULL)) != 0)
			break;
		if (ids.count > known)
			first[ids.count - 1] = i;
	}
	if (!err) {
		write_rule_table(w, r, &ids, first);
		jw_key(w, "strings");
		jw_open(w, "[");
		for (i = 0; i < strings.count; i++)
			jw_str(w, strings.strings[i]);
		jw_close(w, "]");
		jw_key(w, "findings");
		jw_open(w, "{");
		jw_uint_member(w, "count", r->count);
		write_index_column(w, "rule", index + COL_RULE, r->count);
		write_index_column(w, "repository", index + COL_REPOSITORY, r->count);
		write_index_column(w, "commit", index + COL_COMMIT, r->count);
		write_index_column(w, "author_name", index + COL_AUTHOR, r->count);
		write_index_column(w, "author_email", index + COL_EMAIL, r->count);
		jw_key(w, "line");
		jw_open(w, "[");
		for (i = 0; i < r->count; i++)
			jw_int(w, (int64_t)r->findings[i].line);
		jw_close(w, "]");
		jw_key(w, "column");
		jw_open(w, "[");
		for (i = 0; i < r->count; i++)
			jw_int(w, (int64_t)r->findings[i].column);
		jw_close(w, "]");
		jw_key(w, "time");
		jw_open(w, "[");
		for (i = 0; i < r->count; i++) {
			if (r->findings[i].commit[0])
				jw_int(w, r->findings[i].author_time);
			else
				jw_str(w, NULL);
		}
		jw_close(w, "]");
		write_text_columns(w, r, o);
		write_extra(w, r, o);
		jw_close(w, "}");
		err = w->err;
	}
	free(index);
	free(first);
	table_release(&ids);
	table_release(&strings);
	return err;
}

int lg_report__html_data(lg_buf *b, const lg_report *r, const lg_report_options *o)
{
	json_writer jw = { b, 0, 0, 1, 0 }, *w = &jw;
	size_t i;

	write_head(w, r, o);
	jw_key(w, "summary");
	write_summary(w, r);
	jw_key(w, "warnings");
	jw_open(w, "[");
	for (i = 0; i < r->warning_count; i++)
		jw_str(w, r->warnings[i] ? r->warnings[i] : "");
	jw_close(w, "]");
	if (!w->err)
		w->err = write_columns(w, r, o);
	jw_close(w, "}");
	return w->err;
}

/* Writes one compact finding object a line, in the report's order, and
 * nothing else: the summary is the caller's to print elsewhere. */
int lg_report__jsonl(FILE *f, const lg_report *r, const lg_report_options *o)
{
	lg_buf b = LG_BUF_INIT;
	json_writer w = { &b, 0, 0, 1, 0 };
	size_t i;

	for (i = 0; !w.err && i < r->count; i++) {
		w.empty = 1;
		write_finding(&w, &r->findings[i], o);
		jw_raw(&w, "\n");
		if (!w.err)
			w.err = lg_report__flush(f, &b);
	}
	lg_buf__release(&b);
	return w.err;
}
