/*
 * hook.h - the hook room's internals: what a hook prints when it refuses
 * a push or a commit. Reading the hook's input lines is public API
 * (lg_hook_parse_line, leakgate_tool.h). Not public API.
 */
#ifndef LG_HOOK_H
#define LG_HOOK_H

#include "util/util.h"

/* The message a refusing hook prints (the "hook" report format, which
 * lg_report_write dispatches to); 0, or LG_EIO for a failed write. */
int lg_report__hook(FILE *f, const lg_report *r, const lg_report_options *o);

#endif
