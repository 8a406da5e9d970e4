/*
 * report.c - writing a report: checking the options, picking the format's
 * writer, writing a file atomically. The helpers the formats share are in
 * common.c, so no format calls back into this file.
 */
#include "hook/hook.h"
#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------- */

/* Checks the options (NULL means the defaults) and the report; writes the
 * options to use to *out. */
static int check_args(const lg_report_options **out, const lg_report *r,
		      const lg_report_options *o)
{
	static const lg_report_options defaults = LG_REPORT_OPTIONS_INIT;

	LG_CHECK_VERSION(o, LG_REPORT_OPTIONS_VERSION, "lg_report_options");
	if (!o)
		o = &defaults;
	if (!r)
		return lg_error_set(LG_EINVALID, "no report to write");
	if ((unsigned)o->format > LG_FORMAT_HTML)
		return lg_error_set(LG_EINVALID, "unknown report format %d",
				    (int)o->format);
	*out = o;
	return 0;
}

/* Writes `r` to `f` in the chosen format and flushes `f`, so that a full
 * disk shows up here rather than at fclose. `o` may be NULL (text). */
int lg_report_options_init(lg_report_options *opts, unsigned version)
{
	lg_report_options tmpl = LG_REPORT_OPTIONS_INIT;

	return lg__options_init(opts, sizeof(*opts), &tmpl, version, LG_REPORT_OPTIONS_VERSION,
				"lg_report_options");
}

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
	case LG_FORMAT_HTML:
		err = lg_report__html(f, r, o);
		break;
	case LG_FORMAT_PUSH_REJECTION:
	case LG_FORMAT_COMMIT_REJECTION:
	case LG_FORMAT_PRE_PUSH_REJECTION:
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
