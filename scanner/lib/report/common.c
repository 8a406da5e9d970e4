/*
 * common.c - the helpers every report format shares: escaping for a
 * terminal, writing a buffer out, numbers and dates independent of the
 * locale, the secret as a report may show it. The formats call these; these
 * call no format, so report.c -> formats -> common.c has no cycle.
 */
#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Escaping
 * ---------------------------------------------------------------------- */

/*
 * Appends s[0, len) with every byte that could steer a terminal written as
 * \xNN: C0 controls (including newline and ESC), DEL, the C1 controls
 * U+0080-U+009F (some terminals take U+009B as CSI) and any byte that is
 * not valid UTF-8. Backslash is left alone, so the output is for reading,
 * not for unescaping; valid UTF-8 otherwise passes through.
 */
int lg_report__escape(lg_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, n;
	int err = 0;

	while (!err && i < len) {
		n = lg__utf8_sequence_length(p + i, len - i);
		if (n == 1 && p[i] >= 0x20 && p[i] != 0x7F) {
			i++;
			continue;
		}
		if (n > 1 && !(n == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			i += n;
			continue;
		}
		/* Flush the run of safe bytes, then escape this character's
		 * bytes (one, or two for a C1 control). */
		if (n == 0)
			n = 1;
		err = lg_buf__add(b, s + start, i - start);
		for (; !err && n; n--, i++)
			err = lg_buf__printf(b, "\\x%02x", p[i]);
		start = i;
	}
	return err ? err : lg_buf__add(b, s + start, i - start);
}

/* ------------------------------------------------------------------------
 * Helpers for the writers
 * ---------------------------------------------------------------------- */

int lg_report__flush(FILE *f, lg_buf *b)
{
	if (b->len && fwrite(b->ptr, 1, b->len, f) != b->len)
		return lg_error_set(LG_EIO, "cannot write the report: %s",
				    strerror(errno));
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
	return 0;
}

int lg_report__fixed(lg_buf *b, double v, unsigned decimals)
{
	uint64_t scale = 1, n;
	unsigned i;
	int neg;

	if (!isfinite(v))
		v = 0;
	if (decimals > 9)
		decimals = 9;
	neg = v < 0;
	if (neg)
		v = -v;
	if (v > 1e15)
		v = 1e15;
	for (i = 0; i < decimals; i++)
		scale *= 10;
	n = (uint64_t)(v * (double)scale + 0.5);
	if (decimals == 0)
		return lg_buf__printf(b, "%s%" PRIu64, neg && n ? "-" : "", n);
	return lg_buf__printf(b, "%s%" PRIu64 ".%0*" PRIu64, neg && n ? "-" : "",
			      n / scale, (int)decimals, n % scale);
}

double lg_report__rate(double amount, double seconds)
{
	if (!isfinite(seconds) || seconds <= 0 || !isfinite(amount))
		return 0;
	return amount / seconds;
}

/* Converts days since 1970-01-01 to a proleptic Gregorian date (Howard
 * Hinnant's days_from_civil, inverted); exact for any int64 day count we
 * let through, and free of time_t and the process time zone. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* Seconds since the epoch of 0001-01-01T00:00:00 and 9999-12-31T23:59:59. */
#define DATE_MIN_SECONDS INT64_C(-62135596800)
#define DATE_MAX_SECONDS INT64_C(253402300799)

int lg_report__date(char out[LG_REPORT_DATE_MAX], int64_t time, int offset,
		    int with_time)
{
	int64_t local, days, secs, y;
	unsigned m, d, off;

	out[0] = '\0';
	/* Range checks first, so the arithmetic below cannot overflow. */
	if (offset <= -100 * 60 || offset >= 100 * 60 ||
	    time < DATE_MIN_SECONDS || time > DATE_MAX_SECONDS)
		return -1;
	local = time + (int64_t)offset * 60;
	if (local < DATE_MIN_SECONDS || local > DATE_MAX_SECONDS)
		return -1;
	days = local / 86400;
	secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (!with_time) {
		snprintf(out, LG_REPORT_DATE_MAX, "%04d-%02u-%02u", (int)y, m, d);
		return 0;
	}
	off = (unsigned)(offset < 0 ? -offset : offset);
	snprintf(out, LG_REPORT_DATE_MAX, "%04d-%02u-%02uT%02u:%02u:%02u%c%02u:%02u",
		 (int)y, m, d, (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
		 (unsigned)(secs % 60), offset < 0 ? '-' : '+', off / 60, off % 60);
	return 0;
}

const char *lg_report__secret(char buf[LG_REPORT_REDACTED_MAX], size_t *len,
			      const lg_finding *f, const lg_report_options *o)
{
	/* Read back from a redacted report: the redacted form, as it is. */
	if ((o->show_secrets || f->secret_redacted) && f->secret) {
		*len = f->secret_len;
		return f->secret;
	}
	*len = lg_redact(buf, LG_REPORT_REDACTED_MAX, f->secret ? f->secret : "",
			 f->secret ? f->secret_len : 0);
	return buf;
}

