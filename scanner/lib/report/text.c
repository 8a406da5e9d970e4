/*
 * text.c - the report for people, on a terminal.
 *
 * Everything that comes from the scanned repository (paths, line text,
 * author names, secrets) or from rule files is passed through
 * lg_report__escape, so a hostile commit cannot move the cursor, retitle the
 * window or hide a finding with terminal escape sequences.
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */
#define LINE_EXCERPT_CHARS 160  /* characters of line text shown */
#define LINE_EXCERPT_BEFORE 40  /* of them, before the secret when cut */
#define LINE_SCAN_MAX 4096      /* bytes of line text looked at */
#define ALSO_IN_SHOWN 3
#define COLOR_RED "\033[1;31m"
#define COLOR_BOLD "\033[1m"
#define COLOR_RESET "\033[0m"

/* ------------------------------------------------------------------------
 * Escaping
 * ---------------------------------------------------------------------- */

/* Bytes in the character at s for escaping and counting: a whole valid
 * UTF-8 sequence, or 1 for a byte that is not part of one. */
static size_t char_len(const char *s, size_t avail)
{
	size_t n = lg__utf8_sequence_length((const unsigned char *)s, avail);

	return n ? n : 1;
}

/* lg_report__escape for a NUL-terminated string; NULL counts as empty. */
static int text_escape_str(lg_buf *b, const char *s)
{
	return s ? lg_report__escape(b, s, strlen(s)) : 0;
}

/* ------------------------------------------------------------------------
 * The line excerpt
 * ---------------------------------------------------------------------- */

/* The first occurrence of needle in hay, or NULL (memmem is a GNU
 * extension). Quadratic at worst, over at most LINE_SCAN_MAX bytes. */
static const char *find(const char *hay, size_t hlen, const char *needle,
			size_t nlen)
{
	const char *p = hay, *end = hay + hlen;

	if (nlen == 0 || nlen > hlen)
		return NULL;
	while ((p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1)) != NULL) {
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
		if ((size_t)(end - p) < nlen)
			break;
	}
	return NULL;
}

/*
 * Copies the line to `out` with the secret replaced by `shown` (its
 * redacted form) wherever it occurs, and also where the line ends in the
 * first part of it (the line was cut at its cap, or the secret goes on to
 * the next line), so that no more of the secret shows than the redacted
 * form does. Short tails are left, as they reveal little and are more
 * likely a coincidence. With `replace` 0 (show_secrets) the line is copied
 * as it is. Writes to *focus the offset in `out` of the first replacement,
 * else of the secret or of `shown` if the line holds them (the scanner
 * redacts lines itself), else 0.
 */
static int redact_line(lg_buf *out, size_t *focus, const char *line,
		       size_t len, const char *secret, size_t slen,
		       const char *shown, size_t shown_len, int replace)
{
	size_t i = 0, tail_min, p;
	const char *hit;
	int err = 0, found = 0;

	tail_min = slen >= 16 ? 8 : slen / 2 ? slen / 2 : 1;
	*focus = 0;
	while (replace && slen && !err && i < len &&
	       (hit = find(line + i, len - i, secret, slen)) != NULL) {
		if (!found) {
			*focus = out->len + (size_t)(hit - (line + i));
			found = 1;
		}
		err = lg_buf__add(out, line + i, (size_t)(hit - (line + i)));
		if (!err)
			err = lg_buf__add(out, shown, shown_len);
		i = (size_t)(hit - line) + slen;
	}
	/* A partial secret can only start in the last slen - 1 bytes. */
	p = replace && slen && len - i >= slen ? len - slen + 1 : i;
	for (; replace && slen && !err && p + tail_min <= len; p++)
		if (memcmp(line + p, secret, len - p) == 0) {
			if (!found) {
				*focus = out->len + (p - i);
				found = 1;
			}
			err = lg_buf__add(out, line + i, p - i);
			if (!err)
				err = lg_buf__add(out, shown, shown_len);
			i = len;
			break;
		}
	if (!err && i < len)
		err = lg_buf__add(out, line + i, len - i);
	if (!err && !found && out->ptr) {
		hit = !replace && slen ? find(out->ptr, out->len, secret, slen) : NULL;
		if (!hit && shown_len)
			hit = find(out->ptr, out->len, shown, shown_len);
		if (hit)
			*focus = (size_t)(hit - out->ptr);
	}
	return err;
}

/* Appends at most LINE_EXCERPT_CHARS characters of s, escaped, with about
 * LINE_EXCERPT_BEFORE of them before byte offset `focus`; "…" marks a cut
 * at either end. */
static int append_excerpt(lg_buf *b, const char *s, size_t len, size_t focus)
{
	size_t total = 0, before = 0, first = 0, i, from = 0, to = len, k;
	int err = 0;

	for (i = 0; i < len; i += char_len(s + i, len - i)) {
		if (i < focus)
			before++;
		total++;
	}
	if (total > LINE_EXCERPT_CHARS) {
		first = before > LINE_EXCERPT_BEFORE ? before - LINE_EXCERPT_BEFORE : 0;
		if (first > total - LINE_EXCERPT_CHARS)
			first = total - LINE_EXCERPT_CHARS;
		for (i = 0, k = 0; i < len; i += char_len(s + i, len - i), k++) {
			if (k == first)
				from = i;
			if (k == first + LINE_EXCERPT_CHARS) {
				to = i;
				break;
			}
		}
	}
	if (from > 0)
		err = lg_buf__puts(b, ELLIPSIS);
	if (!err)
		err = lg_report__escape(b, s + from, to - from);
	if (!err && to < len)
		err = lg_buf__puts(b, ELLIPSIS);
	return err;
}

/*
 * Appends the excerpt of f's line that every format shows: the line with
 * the secret redacted (unless show_secrets), cut to LINE_EXCERPT_CHARS
 * characters around it, and escaped with lg_report__escape. A finding read
 * back from a redacted report carries that excerpt already. Nothing when
 * the finding has no line text.
 */
int lg_report__excerpt(lg_buf *b, const lg_finding *f, const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	lg_buf line = LG_BUF_INIT;
	size_t len, focus, shown_len;
	int err;

	if (!f->line_text)
		return 0;
	len = strlen(f->line_text);
	if (f->secret_redacted)
		return lg_report__escape(b, f->line_text, len);
	if (len > LINE_SCAN_MAX)
		len = LINE_SCAN_MAX;
	/* With show_secrets the line is shown as it is; otherwise the
	 * redacted form stands in for the secret. */
	shown_len = lg_redact(redacted, sizeof(redacted), f->secret ? f->secret : "",
			      f->secret ? f->secret_len : 0);
	err = redact_line(&line, &focus, f->line_text, len, f->secret,
			  f->secret ? f->secret_len : 0, redacted, shown_len,
			  !o->show_secrets);
	if (!err)
		err = append_excerpt(b, line.ptr ? line.ptr : "", line.len, focus);
	lg_buf__release(&line);
	return err;
}

/* ------------------------------------------------------------------------
 * Findings
 * ---------------------------------------------------------------------- */

static const char *const severity_upper[] = { "LOW", "MEDIUM", "HIGH", "CRITICAL" };

/* Order for the text report: by rule, then file, line and column; the
 * findings' addresses (their order in the report) break ties, so the
 * output does not depend on qsort's instability. */
static int compare_findings(const void *pa, const void *pb)
{
	const lg_finding *a = *(const lg_finding *const *)pa;
	const lg_finding *b = *(const lg_finding *const *)pb;
	const char *ida = a->rule && a->rule->id ? a->rule->id : "";
	const char *idb = b->rule && b->rule->id ? b->rule->id : "";
	int c;

	if ((c = strcmp(ida, idb)) != 0)
		return c;
	if ((c = strcmp(a->path ? a->path : "", b->path ? b->path : "")) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Appends the header line: severity (coloured), rule name and id. */
static int append_header(lg_buf *b, const lg_finding *f, int color)
{
	const lg_rule *rule = f->rule;
	unsigned sev = rule ? (unsigned)rule->severity : 0;
	const char *name = sev < 4 ? severity_upper[sev] : "UNKNOWN";
	int err = 0;

	/* A credential the provider accepted leads the line. */
	if (f->verification.status == LG_VERIFY_LIVE)
		err = lg_buf__puts(b, color ? COLOR_RED "LIVE" COLOR_RESET " " : "LIVE ");
	if (!err && color)
		err = lg_buf__puts(b, sev >= LG_SEVERITY_HIGH ? COLOR_RED : COLOR_BOLD);
	if (!err)
		err = lg_buf__puts(b, name);
	if (!err && color)
		err = lg_buf__puts(b, COLOR_RESET);
	if (!err)
		err = lg_buf__puts(b, " ");
	if (!err)
		err = text_escape_str(b, rule ? rule->name : "");
	if (!err)
		err = lg_buf__puts(b, " (");
	if (!err)
		err = text_escape_str(b, rule ? rule->id : "");
	return err ? err : lg_buf__puts(b, ")\n");
}

/* Appends "  commit: <id12>  <name> <<email>>  <date>\n". */
static int append_commit(lg_buf *b, const lg_finding *f)
{
	char date[LG_REPORT_DATE_MAX];
	int err = lg_buf__printf(b, "  commit: %.12s", f->commit);

	if (!err && f->author_name && *f->author_name) {
		err = lg_buf__puts(b, "  ");
		if (!err)
			err = text_escape_str(b, f->author_name);
	}
	if (!err && f->author_email && *f->author_email) {
		err = lg_buf__puts(b, f->author_name && *f->author_name ? " <" : "  <");
		if (!err)
			err = text_escape_str(b, f->author_email);
		if (!err)
			err = lg_buf__puts(b, ">");
	}
	if (!err && lg_report__date(date, f->author_time, f->author_offset, 0) == 0)
		err = lg_buf__printf(b, "  %s", date);
	return err ? err : lg_buf__puts(b, "\n");
}

/* Appends "  also in: N other places: p (c), ..., and M more\n". */
static int append_also_in(lg_buf *b, const lg_finding *f)
{
	size_t i, n = f->also_in_count;
	int err = lg_buf__printf(b, "  also in: %zu other place%s: ", n,
				 n == 1 ? "" : "s");

	for (i = 0; !err && i < n && i < ALSO_IN_SHOWN; i++) {
		const lg_location *loc = &f->also_in[i];

		if (i)
			err = lg_buf__puts(b, ", ");
		if (!err)
			err = text_escape_str(b, loc->path);
		if (!err && loc->commit[0])
			err = lg_buf__printf(b, " (%.12s)", loc->commit);
	}
	if (!err && n > ALSO_IN_SHOWN)
		err = lg_buf__printf(b, ", and %zu more", n - ALSO_IN_SHOWN);
	return err ? err : lg_buf__puts(b, "\n");
}

/* Appends "  verified: live (HTTP 200) as <identity>" and its kin. */
static int append_verification(lg_buf *b, const lg_verification *v)
{
	int err = lg_buf__printf(b, "  verified: %s", lg_verify_status_name(v->status));

	if (!err && v->status == LG_VERIFY_LIVE)
		err = lg_buf__puts(b, ": this credential is live, rotate it now");
	if (!err && v->http_status > 0)
		err = lg_buf__printf(b, " (HTTP %d)", v->http_status);
	if (!err && v->identity) {
		err = lg_buf__puts(b, " as ");
		if (!err)
			err = text_escape_str(b, v->identity);
	}
	if (!err && v->message && v->status != LG_VERIFY_LIVE) {
		err = lg_buf__puts(b, ": ");
		if (!err)
			err = text_escape_str(b, v->message);
	}
	return err ? err : lg_buf__puts(b, "\n");
}

/* "  parts: account_sid AC12…, auth_token 9f3e…": a pair finding's parts,
 * each shown as the finding's secret is. */
static int append_parts(lg_buf *b, const lg_finding *f, const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	size_t i, shown_len;
	int err = lg_buf__puts(b, "  parts:");

	for (i = 0; i < f->part_count && !err; i++) {
		lg_finding part = *f;
		const char *shown;

		part.secret = f->parts[i].secret;
		part.secret_len = f->parts[i].secret_len;
		shown = lg_report__secret(redacted, &shown_len, &part, o);
		err = lg_buf__puts(b, i ? ", " : " ");
		if (!err) err = text_escape_str(b, f->parts[i].name);
		if (!err) err = lg_buf__puts(b, " ");
		if (!err) err = lg_report__escape(b, shown, shown_len);
	}
	return err ? err : lg_buf__puts(b, "\n");
}

/* Appends one finding's block, ending with a blank line. */
static int append_finding(lg_buf *b, const lg_finding *f,
			  const lg_report_options *o)
{
	char redacted[LG_REPORT_REDACTED_MAX];
	size_t shown_len;
	const char *shown = lg_report__secret(redacted, &shown_len, f, o);
	int err = append_header(b, f, o->color);

	if (!err)
		err = lg_buf__puts(b, "  ");
	if (!err)
		err = f->path && *f->path ? text_escape_str(b, f->path) :
					    lg_buf__puts(b, "(no path)");
	if (!err)
		err = lg_buf__printf(b, ":%zu:%zu%s\n", f->line, f->column,
				     f->binary ? " (binary file)" : "");
	if (!err)
		err = lg_buf__puts(b, "  secret: ");
	if (!err)
		err = lg_report__escape(b, shown, shown_len);
	if (!err)
		err = lg_buf__puts(b, "\n");
	if (!err && f->part_count)
		err = append_parts(b, f, o);
	if (!err && f->decoded) {
		err = lg_buf__puts(b, "  decoded: ");
		if (!err)
			err = text_escape_str(b, f->decoded);
		if (!err)
			err = lg_buf__puts(b, " (found in the decoded text; reported where the encoded text is)\n");
	}
	if (!err && f->unconfirmed) {
		err = lg_buf__puts(b, "  UNCONFIRMED: ");
		if (!err)
			err = text_escape_str(b, f->unconfirmed);
		if (!err)
			err = lg_buf__puts(b, "; the candidate could not be checked: review it by hand\n");
	}
	if (!err && f->commit[0])
		err = append_commit(b, f);
	if (!err && f->line_text) {
		err = lg_buf__puts(b, "  line: ");
		if (!err)
			err = lg_report__excerpt(b, f, o);
		if (!err)
			err = lg_buf__puts(b, "\n");
	}
	if (!err)
		err = lg_buf__printf(b, "  fingerprint: %s\n", f->fingerprint);
	if (!err && f->also_in_count)
		err = append_also_in(b, f);
	if (!err && f->verification.status != LG_VERIFY_NOT_RUN)
		err = append_verification(b, &f->verification);
	return err ? err : lg_buf__puts(b, "\n");
}

/* ------------------------------------------------------------------------
 * Summary
 * ---------------------------------------------------------------------- */

/* "s" unless n is 1. */
static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* Appends the closing summary: counts by severity, volume and speed, then
 * skipped blobs, warnings and a shallow-clone note when there are any. */
static int append_summary(lg_buf *b, const lg_report *r)
{
	const lg_summary *s = &r->summary;
	uint64_t sev[4] = { 0, 0, 0, 0 };
	double mb = (double)s->bytes_scanned / 1e6; /* MB = 10^6 bytes */
	size_t i, live = 0;
	int err;

	for (i = 0; i < r->count; i++)
		if (r->findings[i].rule && (unsigned)r->findings[i].rule->severity < 4)
			sev[r->findings[i].rule->severity]++;
	for (i = 0; i < r->count; i++)
		live += r->findings[i].verification.status == LG_VERIFY_LIVE;
	err = live ? lg_buf__printf(b, "%zu live credential%s: rotate %s now\n", live,
				    plural(live), live == 1 ? "it" : "them")
		   : 0;
	if (!err)
		err = lg_buf__printf(b, "%zu finding%s", r->count, plural(r->count));
	if (!err && r->count)
		err = lg_buf__printf(b, " (%" PRIu64 " critical, %" PRIu64 " high, %"
				     PRIu64 " medium, %" PRIu64 " low)",
				     sev[LG_SEVERITY_CRITICAL], sev[LG_SEVERITY_HIGH],
				     sev[LG_SEVERITY_MEDIUM], sev[LG_SEVERITY_LOW]);
	if (!err)
		err = lg_buf__printf(b, " in %" PRIu64 " blob%s (", s->blobs_scanned,
				     plural(s->blobs_scanned));
	if (!err)
		err = lg_report__fixed(b, mb, 1);
	if (!err && s->commits)
		err = lg_buf__printf(b, " MB) from %" PRIu64 " commit%s in ",
				     s->commits, plural(s->commits));
	else if (!err)
		err = lg_buf__puts(b, " MB) in ");
	if (!err)
		err = lg_report__fixed(b, s->seconds, 2);
	if (!err)
		err = lg_buf__puts(b, " s (");
	if (!err)
		err = lg_report__fixed(b, lg_report__rate(mb, s->seconds), 1);
	if (!err)
		err = lg_buf__puts(b, " MB/s)\n");

	if (!err && s->blobs_skipped) {
		err = lg_buf__printf(b, "%" PRIu64 " blob%s skipped", s->blobs_skipped,
				     plural(s->blobs_skipped));
		for (i = 0; !err && i < s->skipped_count; i++) {
			err = lg_buf__puts(b, i ? ", " : ": ");
			if (!err)
				err = text_escape_str(b, s->skipped[i].reason);
			if (!err)
				err = lg_buf__printf(b, " %zu", s->skipped[i].count);
		}
		if (!err)
			err = lg_buf__puts(b, "\n");
	}
	if (!err && r->warning_count)
		err = lg_buf__printf(b, "%zu warning%s\n", r->warning_count,
				     plural(r->warning_count));
	if (!err && s->shallow)
		err = lg_buf__puts(b, "the repository is a shallow clone: history "
				   "beyond its boundary was not scanned\n");
	return err;
}

/* ------------------------------------------------------------------------
 * Entry point
 * ---------------------------------------------------------------------- */

/* Writes the text report: findings grouped by rule, then file (sorted in a
 * copy, the caller's array keeps its order), then the summary. */
int lg_report__text(FILE *f, const lg_report *r, const lg_report_options *o)
{
	const lg_finding **order = NULL;
	lg_buf b = LG_BUF_INIT;
	size_t i;
	int err = 0;

	if (r->count) {
		if (!(order = malloc(r->count * sizeof(*order))))
			return lg_error_set_oom();
		for (i = 0; i < r->count; i++)
			order[i] = &r->findings[i];
		qsort(order, r->count, sizeof(*order), compare_findings);
	}
	for (i = 0; !err && i < r->count; i++) {
		err = append_finding(&b, order[i], o);
		if (!err)
			err = lg_report__flush(f, &b);
	}
	if (!err)
		err = append_summary(&b, r);
	if (!err)
		err = lg_report__flush(f, &b);
	lg_buf__release(&b);
	free(order);
	return err;
}
