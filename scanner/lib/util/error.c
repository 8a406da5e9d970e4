/*
 * error.c - the thread-local last error message, the out-of-memory path,
 * and checking the version of the options structs callers pass.
 */
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[1024];

const char *lg_error_last(void)
{
	return last_error;
}

int lg_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

int lg_error_set_oom(void)
{
	return lg_error_set(LG_ENOMEM, "out of memory");
}

int lg__options_init(void *opts, size_t size, const void *tmpl, unsigned version,
		     unsigned expected, const char *name)
{
	if (!opts || version != expected)
		return lg_error_set(LG_EINVALID, "invalid version %u of %s (expected %u)",
				    version, name, expected);
	memcpy(opts, tmpl, size);
	return 0;
}

void lg_error_clear(void)
{
	last_error[0] = '\0';
}
