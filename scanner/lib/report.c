/*
 * report.c - writing a report: picking the writer, writing a file
 * atomically, and the helpers the writers share.
 */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
	if (o->show_secrets && f->secret) {
		*len = f->secret_len;
		return f->secret;
	}
	*len = lg_redact(buf, LG_REPORT_REDACTED_MAX, f->secret ? f->secret : "",
			 f->secret ? f->secret_len : 0);
	return buf;
}

/* ------------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------- */

/* Checks the options (NULL means the defaults) and the report; writes the
 * options to use to *out. */
static int check_args(const lg_report_options **out, const lg_report *r,
		      const lg_report_options *o)
{
	static const lg_report_options defaults = LG_REPORT_OPTIONS_INIT;

	if (!o)
		o = &defaults;
	if (!r)
		return lg_error_set(LG_EINVALID, "no report to write");
	if (o->version != LG_REPORT_OPTIONS_VERSION)
		return lg_error_set(LG_EINVALID,
				    "report options version %u is not supported",
				    o->version);
	if ((unsigned)o->format > LG_FORMAT_COMMIT_REJECTION)
		return lg_error_set(LG_EINVALID, "unknown report format %d",
				    (int)o->format);
	*out = o;
	return 0;
}

/* Writes `r` to `f` in the chosen format and flushes `f`, so that a full
 * disk shows up here rather than at fclose. `o` may be NULL (text). */
int lg_report_write(FILE *f, const lg_report *r, const lg_report_options *o)
{
	int err;

	if ((err = check_args(&o, r, o)) != 0)
		return err;
	if (!f)
		return lg_error_set(LG_EINVALID, "no stream to write the report to");
	switch (o->format) {
	case LG_FORMAT_JSON:
		err = lg_report__json(f, r, o);
		break;
	case LG_FORMAT_JSONL:
		err = lg_report__jsonl(f, r, o);
		break;
	case LG_FORMAT_SARIF:
		err = lg_report__sarif(f, r, o);
		break;
	case LG_FORMAT_PUSH_REJECTION:
	case LG_FORMAT_COMMIT_REJECTION:
		err = lg_report__hook(f, r, o);
		break;
	default:
		err = lg_report__text(f, r, o);
		break;
	}
	if (err)
		return err;
	if (fflush(f) != 0 || ferror(f))
		return lg_error_set(LG_EIO, "cannot write the report: %s",
				    strerror(errno ? errno : EIO));
	return 0;
}

/*
 * Writes the report as lg__output does (mode 0600: it holds secrets when
 * show_secrets is on, and their locations anyway), so readers see the old
 * file or the whole new one, never a torn one, and --output /dev/null stays
 * a device. On any failure nothing is left behind and LG_EIO names `path`.
 * "-" is stdout.
 */
int lg_report_write_file(const char *path, const lg_report *r,
			 const lg_report_options *o)
{
	lg__output out;
	int err, saved;

	if ((err = check_args(&o, r, o)) != 0)
		return err;
	if (!path || !*path)
		return lg_error_set(LG_EINVALID, "no report file name");
	if (strcmp(path, "-") == 0) {
		if ((err = lg_report_write(stdout, r, o)) == LG_EIO)
			return lg_error_set(LG_EIO,
					    "cannot write the report to standard output: %s",
					    strerror(errno ? errno : EIO));
		return err;
	}
	if ((err = lg__output_open(&out, path)) != 0)
		return err;
	errno = 0;
	if ((err = lg_report_write(out.f, r, o)) != 0) {
		saved = errno ? errno : EIO;
		lg__output_abort(&out);
		/* Out of memory and the like keep their own code. */
		return err == LG_EIO ? lg_error_set(LG_EIO, "cannot write '%s': %s", path,
						    strerror(saved)) : err;
	}
	return lg__output_commit(&out);
}
