/*
 * report.h - the report room's internals: the format writers report.c
 * dispatches to (text.c, json.c, sarif.c; the hook's message is in hook/),
 * and the helpers in common.c they share. Not public API.
 */
#ifndef LG_REPORT_H
#define LG_REPORT_H

#include "util/util.h"

/* The writers lg_report_write dispatches to. Each returns 0, or a negative
 * lg_error_code (LG_EIO for a failed write) with the message set. They
 * need not flush `f`; lg_report_write does. */
int lg_report__text(FILE *f, const lg_report *r, const lg_report_options *o);
int lg_report__json(FILE *f, const lg_report *r, const lg_report_options *o);
int lg_report__jsonl(FILE *f, const lg_report *r, const lg_report_options *o);
int lg_report__sarif(FILE *f, const lg_report *r, const lg_report_options *o);
int lg_report__html(FILE *f, const lg_report *r, const lg_report_options *o);

/* The HTML report's script and stylesheet (report/report.js and
 * report/report.css, compiled in by cmake/embed_text.cmake). */
extern const char lg_html_js[];
extern const size_t lg_html_js_len;
extern const char lg_html_css[];
extern const size_t lg_html_css_len;

/* The HTML report's data block (json.c): the report as one compact JSON
 * object in columns, with rules, repositories, commits and authors written
 * once in tables the columns index (its layout: report.js). */
int lg_report__html_data(lg_buf *b, const lg_report *r, const lg_report_options *o);

/* report_text.c: appends the excerpt of the finding's line every format
 * shows (secret redacted unless show_secrets, cut around the secret,
 * control bytes escaped as by lg_report__escape); nothing without line
 * text. */
int lg_report__excerpt(lg_buf *b, const lg_finding *f, const lg_report_options *o);

/* Appends s[0, len) with every byte that could steer a terminal (C0 and
 * C1 controls, DEL, invalid UTF-8) written as \xNN. */
int lg_report__escape(lg_buf *b, const char *s, size_t len);

/* Writes out b's bytes and empties it (keeping its memory), so a writer can
 * build one finding at a time. LG_EIO on a write error. */
int lg_report__flush(FILE *f, lg_buf *b);

/* Appends `v` with exactly `decimals` (at most 9) digits after the point,
 * independent of the locale (a ',' would break JSON). Non-finite values
 * print as 0, values are clamped to +-1e15. */
int lg_report__fixed(lg_buf *b, double v, unsigned decimals);

/* amount / seconds, or 0 when seconds is not a positive finite number. */
double lg_report__rate(double amount, double seconds);

/* The author date of a finding in the author's own time zone: ISO 8601
 * "2024-03-01T12:00:00+01:00" when `with_time`, else "2024-03-01". Returns
 * 0, or -1 (with out set to "") when the time or offset is outside years
 * 1-9999 or +-99:59, as a hostile commit can make it. */
#define LG_REPORT_DATE_MAX 48 /* 26 used; room for what gcc cannot rule out */
int lg_report__date(char out[LG_REPORT_DATE_MAX], int64_t time, int offset,
		    int with_time);

/* The secret as a report may show it: redacted into `buf` (which needs
 * LG_REPORT_REDACTED_MAX bytes), or the full secret when show_secrets.
 * Writes its length to *len; the result is borrowed. */
#define LG_REPORT_REDACTED_MAX 32
const char *lg_report__secret(char buf[LG_REPORT_REDACTED_MAX], size_t *len,
			      const lg_finding *f, const lg_report_options *o);

#endif
