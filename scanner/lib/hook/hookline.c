/*
 * hookline.c - the lines git feeds hooks on standard input. They come from
 * the pushing side, so they are checked field by field.
 */
#include "hook/hook.h"
#include "leakgate_tool.h"

#include <ctype.h>
#include <string.h>

#define MAX_FIELDS 4

/* A SHA-1 (40) or SHA-256 (64) object id in hex. */
static int is_object_id(const char *s)
{
	size_t n = strlen(s), i;

	if (n != 40 && n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int lg_hook_is_zero_id(const char *id)
{
	return *id && strspn(id, "0") == strlen(id);
}

int lg_hook_parse_line(lg_hook_line *out, char *line, int pre_push)
{
	char *fields[MAX_FIELDS + 1], *save = NULL, *tok;
	size_t n = 0, want = pre_push ? 4 : 3;

	for (tok = strtok_r(line, " \t", &save); tok && n <= MAX_FIELDS;
	     tok = strtok_r(NULL, " \t", &save))
		fields[n++] = tok;
	if (n != want)
		return lg_error_set(LG_EINVALID, "expected %zu fields, found %s%zu", want,
				    n > MAX_FIELDS ? "more than " : "", n > MAX_FIELDS ? MAX_FIELDS : n);
	if (pre_push) {
		out->ref = fields[0];
		out->scan = fields[1];
		out->known = fields[3];
	} else {
		out->known = fields[0];
		out->scan = fields[1];
		out->ref = fields[2];
	}
	if (!is_object_id(out->scan) || !is_object_id(out->known))
		return lg_error_set(LG_EINVALID, "a field that should be an object id is not one");
	if (strlen(out->scan) != strlen(out->known))
		return lg_error_set(LG_EINVALID, "object ids of different lengths");
	if (!*out->ref || strlen(out->ref) > 4096)
		return lg_error_set(LG_EINVALID, "the ref name is empty or too long");
	return 0;
}
