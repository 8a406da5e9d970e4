/*
 * error.c - the thread-local last error message.
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

void lg_error_clear(void)
{
	last_error[0] = '\0';
}
