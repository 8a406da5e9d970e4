/*
 * read_json.c - reading a JSON report (--format json) back into an
 * lg_report, for `leakgate report`, which merges the reports of many
 * shards or nights and renders them in any format.
 *
 * Every key the JSON writer emits is read back; anything malformed is
 * refused with a message naming the file and the place (a report that
 * reads wrong must not turn into "no findings"). Unknown keys are let
 * through, so a newer writer's additions do not break an older reader.
 * The rules the findings name are rebuilt from what the report says of
 * them (id, name, severity, confidence, remediation), and they and the
 * repository paths live in the report's storage.
 *
 * A secret that was redacted stays redacted: the finding is marked
 * secret_redacted and every writer then shows its secret and excerpt as
 * they were read.
 */
#include "report/report.h"
#include "findings/findings.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_FILE_MAX ((uint64_t)4 << 30) /* a report past 4 GiB is not one */
#define JSON_FORMAT_VERSION 1

/* Hands `block` to the report's storage (see findings/findings.h). */
static void *keep(lg_report_storage **storage, void *block)
{
	return lg_report__storage_keep(storage, block);
}

static const char *keep_string(lg_report_storage **storage, const char *s)
{
	return keep(storage, s ? strdup(s) : NULL);
}

/* ------------------------------------------------------------------------
 * Field readers: each returns 0, or LG_EINVALID naming the file and where
 * ---------------------------------------------------------------------- */

typedef struct {
	const char *path;      /* the report file, for messages */
	lg_report *r;
	lg_rule **rules;       /* the rules rebuilt so far (in storage) */
	size_t rule_count;
	const char **repos;    /* the repository paths so far (in storage) */
	size_t repo_count;
	int redacted;          /* the report's secrets are redacted */
} reader;

static int bad(const reader *rd, const char *where, const char *what)
{
	return lg_error_set(LG_EINVALID, "'%s' is not a valid leakgate JSON report: %s: %s",
			    rd->path, where, what);
}

/* A string member; `optional` lets it be missing or null (*out NULL). */
static int get_string(const char **out, const reader *rd, const cJSON *obj,
		      const char *key, int optional, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char msg[96];

	*out = NULL;
	if (cJSON_IsString(v) && v->valuestring) {
		*out = v->valuestring;
		return 0;
	}
	if (optional && (!v || cJSON_IsNull(v)))
		return 0;
	snprintf(msg, sizeof(msg), "'%s' %s", key, v ? "is not a string" : "is missing");
	return bad(rd, where, msg);
}

/* A non-negative integer member (at most 2^53, what a double holds
 * exactly); a missing one reads as 0 when optional. */
static int get_uint(uint64_t *out, const reader *rd, const cJSON *obj, const char *key,
		    int optional, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char msg[96];

	*out = 0;
	if (!v && optional)
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 9007199254740992.0 ||
	    v->valuedouble != floor(v->valuedouble)) {
		snprintf(msg, sizeof(msg), "'%s' %s", key,
			 v ? "is not a non-negative integer" : "is missing");
		return bad(rd, where, msg);
	}
	*out = (uint64_t)v->valuedouble;
	return 0;
}

static int get_seconds(double *out, const reader *rd, const cJSON *obj, const char *key,
		       const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = 0;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
		return bad(rd, where, "'seconds' is not a non-negative number");
	*out = v->valuedouble;
	return 0;
}

static int get_bool(int *out, const reader *rd, const cJSON *obj, const char *key,
		    const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char msg[96];

	*out = 0;
	if (!v)
		return 0;
	if (!cJSON_IsBool(v)) {
		snprintf(msg, sizeof(msg), "'%s' is not true or false", key);
		return bad(rd, where, msg);
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil; the inverse of report.c's civil_from_days). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Parses what lg_report__date writes with the time:
 * "YYYY-MM-DDTHH:MM:SS+HH:MM". Returns 0, or -1 on anything else. */
static int parse_date(int64_t *time, int *offset, const char *s)
{
	unsigned y, mo, d, h, mi, sec, oh, om;
	char sign, tail;
	int n = 0;

	if (strlen(s) != 25 ||
	    sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%c%2u:%2u%n%c", &y, &mo, &d, &h, &mi, &sec,
		   &sign, &oh, &om, &n, &tail) != 9 || n != 25 ||
	    (sign != '+' && sign != '-') || y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || oh > 99 || om > 59)
		return -1;
	*offset = (int)(oh * 60 + om) * (sign == '-' ? -1 : 1);
	*time = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
		(int64_t)*offset * 60;
	return 0;
}

/* ------------------------------------------------------------------------
 * Findings
 * ---------------------------------------------------------------------- */

/* The rule a finding names, rebuilt from the finding's fields (the first
 * finding of each rule id decides). */
static int rule_for(const lg_rule **out, reader *rd, const cJSON *item, const char *where)
{
	const char *id, *name, *sev, *conf, *remediation;
	lg_rule *rule, **rules;
	size_t i;
	int err;

	if ((err = get_string(&id, rd, item, "rule_id", 0, where)) != 0 ||
	    (err = get_string(&name, rd, item, "rule_name", 1, where)) != 0 ||
	    (err = get_string(&sev, rd, item, "severity", 0, where)) != 0 ||
	    (err = get_string(&conf, rd, item, "confidence", 1, where)) != 0 ||
	    (err = get_string(&remediation, rd, item, "remediation", 1, where)) != 0)
		return err;
	for (i = 0; i < rd->rule_count; i++)
		if (strcmp(rd->rules[i]->id, id) == 0) {
			*out = rd->rules[i];
			return 0;
		}
	if (!(rule = keep(&rd->r->storage, calloc(1, sizeof(*rule)))))
		return LG_ENOMEM;
	if (lg_severity_parse(&rule->severity, sev) != 0)
		return bad(rd, where, "'severity' is not low, medium, high or critical");
	rule->confidence = LG_CONFIDENCE_MEDIUM;
	if (conf && lg_confidence_parse(&rule->confidence, conf) != 0)
		return bad(rd, where, "'confidence' is not low, medium or high");
	rule->index = rd->rule_count;
	if (!(rule->id = keep_string(&rd->r->storage, id)) ||
	    !(rule->name = keep_string(&rd->r->storage, name ? name : id)) ||
	    (remediation && !(rule->remediation = keep_string(&rd->r->storage, remediation))))
		return LG_ENOMEM;
	rule->description = rule->name;
	rule->regex = "";
	rule->source_file = "";
	if (!(rules = realloc(rd->rules, (rd->rule_count + 1) * sizeof(*rules))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	rd->rules = rules;
	rd->rules[rd->rule_count++] = rule;
	*out = rule;
	return 0;
}

/* The repository path, one copy per distinct value in the storage (the
 * report's repository list may be edited while its findings live on). */
static int repository_for(const char **out, reader *rd, const char *path)
{
	const char **grown;
	size_t i;

	*out = NULL;
	if (!path)
		return 0;
	for (i = 0; i < rd->repo_count; i++)
		if (strcmp(rd->repos[i], path) == 0) {
			*out = rd->repos[i];
			return 0;
		}
	if (!(grown = realloc(rd->repos, (rd->repo_count + 1) * sizeof(*grown))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	rd->repos = grown;
	if (!(*out = keep_string(&rd->r->storage, path)))
		return LG_ENOMEM;
	rd->repos[rd->repo_count++] = *out;
	return 0;
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Copies an optional string member into a malloc'd one. */
static int dup_member(char **out, const reader *rd, const cJSON *obj, const char *key,
		      const char *where)
{
	const char *s;
	int err = get_string(&s, rd, obj, key, 1, where);

	*out = NULL;
	if (err || !s)
		return err;
	return (*out = lg__strdup(s)) ? 0 : LG_ENOMEM;
}

static int read_also_in(lg_finding *f, const reader *rd, const cJSON *item, const char *where)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(item, "also_in"), *loc;
	const char *path, *commit;
	int n, err;

	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return bad(rd, where, "'also_in' is not an array");
	if ((n = cJSON_GetArraySize(list)) == 0)
		return 0;
	if (!(f->also_in = calloc((size_t)n, sizeof(*f->also_in))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	cJSON_ArrayForEach(loc, list) {
		lg_location *l = &f->also_in[f->also_in_count];

		if (!cJSON_IsObject(loc))
			return bad(rd, where, "an 'also_in' entry is not an object");
		if ((err = get_string(&path, rd, loc, "path", 0, where)) != 0 ||
		    (err = get_string(&commit, rd, loc, "commit", 1, where)) != 0)
			return err;
		if (commit && !is_hex(commit, 40))
			return bad(rd, where, "an 'also_in' commit is not 40 hex digits");
		if (!(l->path = lg__strdup(path)))
			return LG_ENOMEM;
		if (commit)
			memcpy(l->commit, commit, 41);
		f->also_in_count++;
	}
	return 0;
}

/* "verification": {"status", "http_status", "identity", "message"}, written
 * when --verify ran. */
static int read_verification(lg_finding *f, const reader *rd, const cJSON *item,
			     const char *where)
{
	static const lg_verify_status statuses[] = { LG_VERIFY_LIVE, LG_VERIFY_INVALID,
						     LG_VERIFY_UNVERIFIABLE, LG_VERIFY_ERROR };
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, "verification");
	const char *status;
	uint64_t http;
	size_t i;
	int err;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return bad(rd, where, "'verification' is not an object");
	if ((err = get_string(&status, rd, v, "status", 0, where)) != 0 ||
	    (err = get_uint(&http, rd, v, "http_status", 1, where)) != 0)
		return err;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(status, lg_verify_status_name(statuses[i])) == 0)
			f->verification.status = statuses[i];
	if (f->verification.status == LG_VERIFY_NOT_RUN || http > 999)
		return bad(rd, where, "'verification' has an unknown status or HTTP status");
	f->verification.http_status = (int)http;
	if ((err = dup_member(&f->verification.identity, rd, v, "identity", where)) != 0)
		return err;
	return dup_member(&f->verification.message, rd, v, "message", where);
}

/* "secret_parts": [{"name", "secret"}] of a paired credential, each secret
 * as the report shows it (redacted like `secret`). */
static int read_secret_parts(lg_finding *f, reader *rd, const cJSON *item, const char *where)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(item, "secret_parts"), *part;
	const char *name, *secret;
	int n, err;

	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return bad(rd, where, "'secret_parts' is not an array");
	if ((n = cJSON_GetArraySize(list)) == 0)
		return 0;
	if (!(f->parts = calloc((size_t)n, sizeof(*f->parts))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	cJSON_ArrayForEach(part, list) {
		lg_secret_part *p = &f->parts[f->part_count];

		if (!cJSON_IsObject(part))
			return bad(rd, where, "a 'secret_parts' entry is not an object");
		if ((err = get_string(&name, rd, part, "name", 0, where)) != 0 ||
		    (err = get_string(&secret, rd, part, "secret", 0, where)) != 0)
			return err;
		if (!(p->name = keep_string(&rd->r->storage, name)) ||
		    !(p->secret = lg__strdup(secret)))
			return LG_ENOMEM;
		p->secret_len = strlen(secret);
		f->part_count++;
	}
	return 0;
}

/* Reads the finding at findings[index] into *f (zeroed by the caller);
 * on failure the caller releases what was filled. */
static int read_finding(lg_finding *f, reader *rd, const cJSON *item, size_t index)
{
	const char *secret, *path, *fingerprint, *blob, *commit, *date, *repository, *excerpt;
	char where[48];
	uint64_t line, column, end_column;
	int err;

	snprintf(where, sizeof(where), "findings[%zu]", index);
	if (!cJSON_IsObject(item))
		return bad(rd, where, "not an object");
	if ((err = rule_for(&f->rule, rd, item, where)) != 0 ||
	    (err = get_string(&secret, rd, item, "secret", 0, where)) != 0 ||
	    (err = get_string(&path, rd, item, "path", 0, where)) != 0 ||
	    (err = get_uint(&line, rd, item, "line", 0, where)) != 0 ||
	    (err = get_uint(&column, rd, item, "column", 1, where)) != 0 ||
	    (err = get_uint(&end_column, rd, item, "end_column", 1, where)) != 0 ||
	    (err = get_string(&blob, rd, item, "blob", 1, where)) != 0 ||
	    (err = get_string(&commit, rd, item, "commit", 1, where)) != 0 ||
	    (err = get_string(&date, rd, item, "date", 1, where)) != 0 ||
	    (err = get_string(&fingerprint, rd, item, "fingerprint", 0, where)) != 0 ||
	    (err = get_string(&repository, rd, item, "repository", 1, where)) != 0 ||
	    (err = get_string(&excerpt, rd, item, "excerpt", 1, where)) != 0 ||
	    (err = get_bool(&f->binary, rd, item, "binary", where)) != 0)
		return err;
	if (!is_hex(fingerprint, LG_FINGERPRINT_HEXLEN))
		return bad(rd, where, "'fingerprint' is not 32 hex digits");
	if ((blob && !is_hex(blob, 40)) || (commit && !is_hex(commit, 40)))
		return bad(rd, where, "'blob' or 'commit' is not 40 hex digits");
	if (date && (!commit || parse_date(&f->author_time, &f->author_offset, date) != 0))
		return bad(rd, where, "'date' is not an ISO 8601 date with its offset, or has no commit");
	memcpy(f->fingerprint, fingerprint, sizeof(f->fingerprint));
	if (blob)
		memcpy(f->blob, blob, 41);
	if (commit)
		memcpy(f->commit, commit, 41);
	f->line = (size_t)line;
	f->column = (size_t)column;
	f->end_column = (size_t)end_column;
	f->secret_redacted = rd->redacted;
	f->secret_len = strlen(secret);
	if (!(f->secret = lg__strdup(secret)) || !(f->path = lg__strdup(path)) ||
	    (excerpt && !(f->line_text = lg__strdup(excerpt))))
		return LG_ENOMEM;
	if ((err = dup_member(&f->author_name, rd, item, "author_name", where)) != 0 ||
	    (err = dup_member(&f->author_email, rd, item, "author_email", where)) != 0 ||
	    (err = dup_member(&f->unconfirmed, rd, item, "unconfirmed", where)) != 0 ||
	    (err = repository_for(&f->repository, rd, repository)) != 0)
		return err;
	if ((err = read_verification(f, rd, item, where)) != 0 ||
	    (err = read_secret_parts(f, rd, item, where)) != 0)
		return err;
	return read_also_in(f, rd, item, where);
}

static int read_findings(reader *rd, const cJSON *root)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "findings"), *item;
	size_t n, i = 0;
	int err;

	if (!cJSON_IsArray(list))
		return bad(rd, "findings", "missing or not an array");
	n = (size_t)cJSON_GetArraySize(list);
	if (n && !(rd->r->findings = calloc(n, sizeof(*rd->r->findings))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	cJSON_ArrayForEach(item, list) {
		err = read_finding(&rd->r->findings[i], rd, item, i);
		if (err) {
			lg_finding__release(&rd->r->findings[i]);
			return err;
		}
		rd->r->count = ++i;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The rest of the document
 * ---------------------------------------------------------------------- */

static int read_summary(reader *rd, const cJSON *root)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "summary"), *reasons, *reason;
	lg_summary *sum = &rd->r->summary;
	uint64_t count;
	int err;

	if (!cJSON_IsObject(s))
		return bad(rd, "summary", "missing or not an object");
	/* "refs" is optional: reports before it was counted lack it. */
	if ((err = get_uint(&sum->refs, rd, s, "refs", 1, "summary")) != 0 ||
	    (err = get_uint(&sum->commits, rd, s, "commits", 0, "summary")) != 0 ||
	    (err = get_uint(&sum->blobs_scanned, rd, s, "blobs_scanned", 0, "summary")) != 0 ||
	    (err = get_uint(&sum->bytes_scanned, rd, s, "bytes_scanned", 0, "summary")) != 0 ||
	    (err = get_uint(&sum->blobs_skipped, rd, s, "blobs_skipped", 1, "summary")) != 0 ||
	    (err = get_uint(&sum->findings, rd, s, "findings", 0, "summary")) != 0 ||
	    (err = get_uint(&sum->ignored, rd, s, "ignored", 1, "summary")) != 0 ||
	    (err = get_uint(&sum->baselined, rd, s, "baselined", 1, "summary")) != 0 ||
	    (err = get_uint(&sum->unreadable, rd, s, "unreadable", 1, "summary")) != 0 ||
	    (err = get_seconds(&sum->seconds, rd, s, "seconds", "summary")) != 0 ||
	    (err = get_bool(&sum->shallow, rd, s, "shallow", "summary")) != 0 ||
	    (err = get_bool(&sum->incremental, rd, s, "incremental", "summary")) != 0)
		return err;
	/* mb_per_second and blobs_per_second follow from the others. */
	reasons = cJSON_GetObjectItemCaseSensitive(s, "skipped_reasons");
	if (!reasons)
		return 0;
	if (!cJSON_IsObject(reasons))
		return bad(rd, "summary", "'skipped_reasons' is not an object");
	cJSON_ArrayForEach(reason, reasons) {
		lg_skip_reason *grown;

		if ((err = get_uint(&count, rd, reasons, reason->string, 0,
				    "summary.skipped_reasons")) != 0)
			return err;
		grown = realloc(sum->skipped, (sum->skipped_count + 1) * sizeof(*grown));
		if (!grown)
			return lg_error_set(LG_ENOMEM, "out of memory");
		sum->skipped = grown;
		memset(&grown[sum->skipped_count], 0, sizeof(*grown));
		if (!(grown[sum->skipped_count].reason = lg__strdup(reason->string)))
			return LG_ENOMEM;
		grown[sum->skipped_count++].count = (size_t)count;
	}
	return 0;
}

static int read_repositories(reader *rd, const cJSON *root)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "repositories"), *item;
	lg_summary s;
	const char *path, *error;
	size_t i = 0;
	char where[48];
	int err;

	if (!list) /* a report from before the list existed */
		return 0;
	if (!cJSON_IsArray(list))
		return bad(rd, "repositories", "not an array");
	cJSON_ArrayForEach(item, list) {
		snprintf(where, sizeof(where), "repositories[%zu]", i++);
		memset(&s, 0, sizeof(s));
		if (!cJSON_IsObject(item))
			return bad(rd, where, "not an object");
		if ((err = get_string(&path, rd, item, "path", 0, where)) != 0 ||
		    (err = get_string(&error, rd, item, "error", 1, where)) != 0 ||
		    (err = get_uint(&s.findings, rd, item, "findings", 0, where)) != 0 ||
		    (err = get_uint(&s.commits, rd, item, "commits", 1, where)) != 0 ||
		    (err = get_uint(&s.blobs_scanned, rd, item, "blobs_scanned", 1, where)) != 0 ||
		    (err = get_uint(&s.bytes_scanned, rd, item, "bytes_scanned", 1, where)) != 0 ||
		    (err = get_seconds(&s.seconds, rd, item, "seconds", where)) != 0)
			return err;
		if ((err = lg_report_add_repository(rd->r, path, error ? NULL : &s, error)) != 0)
			return err;
		/* A failed scan's line keeps its counts too, when it has any. */
		rd->r->repositories[rd->r->repository_count - 1].findings = s.findings;
	}
	return 0;
}

static int read_warnings(reader *rd, const cJSON *root)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "warnings"), *item;
	size_t n;

	if (!list)
		return 0;
	if (!cJSON_IsArray(list))
		return bad(rd, "warnings", "not an array");
	n = (size_t)cJSON_GetArraySize(list);
	if (n && !(rd->r->warnings = calloc(n, sizeof(char *))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	cJSON_ArrayForEach(item, list) {
		if (!cJSON_IsString(item))
			return bad(rd, "warnings", "a warning is not a string");
		if (!(rd->r->warnings[rd->r->warning_count] = lg__strdup(item->valuestring)))
			return LG_ENOMEM;
		rd->r->warning_count++;
	}
	return 0;
}

/* The top level: the format version, what kind of file this is, the scan's
 * facts. */
static int read_header(reader *rd, const cJSON *root)
{
	const char *started, *hash;
	uint64_t version;
	int shown, offset, err;

	if (cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "runs"))
		return bad(rd, "top level", "this is a SARIF report; give the --format json one");
	if (!cJSON_IsObject(root))
		return bad(rd, "top level", "not an object (a --format jsonl file is not a report)");
	if ((err = get_uint(&version, rd, root, "version", 0, "top level")) != 0)
		return err;
	if (version != JSON_FORMAT_VERSION)
		return lg_error_set(LG_EINVALID, "'%s': report format version %llu is not one "
				    "this leakgate reads (%d)", rd->path,
				    (unsigned long long)version, JSON_FORMAT_VERSION);
	if ((err = get_string(&started, rd, root, "started", 1, "top level")) != 0 ||
	    (err = get_string(&hash, rd, root, "rules_hash", 1, "top level")) != 0 ||
	    (err = get_bool(&shown, rd, root, "secrets_shown", "top level")) != 0)
		return err;
	if (started && parse_date(&rd->r->started, &offset, started) != 0)
		return bad(rd, "top level", "'started' is not an ISO 8601 date with its offset");
	if (hash && strlen(hash) >= sizeof(rd->r->rules_hash))
		return bad(rd, "top level", "'rules_hash' is too long");
	if (hash)
		memcpy(rd->r->rules_hash, hash, strlen(hash) + 1);
	/* Missing (an older report) counts as redacted: the safe reading. */
	rd->redacted = !shown;
	return 0;
}

int lg_report_read(lg_report *out, const char *path)
{
	reader rd;
	lg_report r;
	char *text = NULL;
	size_t len = 0;
	cJSON *root;
	int err;

	if (!out || !path)
		return lg_error_set(LG_EINVALID, "no report to read");
	err = lg__read_file(&text, &len, path, REPORT_FILE_MAX);
	if (err == LG_ENOTFOUND)
		return lg_error_set(LG_EIO, "cannot read '%s': no such file", path);
	if (err)
		return err;
	root = cJSON_ParseWithLength(text, len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		size_t offset = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;

		free(text);
		return lg_error_set(LG_EINVALID, "'%s' is not a valid leakgate JSON report: "
				    "not JSON (at byte %zu)", path, offset);
	}
	free(text);
	memset(&r, 0, sizeof(r));
	memset(&rd, 0, sizeof(rd));
	rd.path = path;
	rd.r = &r;
	if ((err = read_header(&rd, root)) != 0 || (err = read_repositories(&rd, root)) != 0 ||
	    (err = read_findings(&rd, root)) != 0 || (err = read_summary(&rd, root)) != 0 ||
	    (err = read_warnings(&rd, root)) != 0) {
		cJSON_Delete(root);
		free(rd.rules);
		free(rd.repos);
		lg_report_free(&r);
		return err;
	}
	cJSON_Delete(root);
	free(rd.rules);
	free(rd.repos);
	*out = r;
	return 0;
}
