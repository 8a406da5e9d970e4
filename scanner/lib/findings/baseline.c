/*
 * baseline.c - fingerprints of findings already known, so that only new
 * ones are reported. A baseline file is an earlier JSON report (its
 * findings' fingerprints), a JSON array of fingerprints, or a text list of
 * fingerprints, one a line, '#' starting a comment.
 */
#include "findings/findings.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define BASELINE_MAX_BYTES (512u << 20)

struct lg_baseline {
	char (*fps)[LG_FINGERPRINT_HEXLEN + 1];
	size_t count, alloc;
};

static int add_fingerprint(lg_baseline *b, const char *s)
{
	if (LG_ARRAY_GROW(b->fps, b->alloc, b->count + 1, 256) != 0)
		return LG_ENOMEM;
	memcpy(b->fps[b->count], s, LG_FINGERPRINT_HEXLEN);
	b->fps[b->count++][LG_FINGERPRINT_HEXLEN] = '\0';
	return 0;
}

/* Takes the fingerprints of a JSON report or a JSON array of strings. */
static int parse_json(lg_baseline *b, const char *path, const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len), *list, *item;
	int err = 0;

	if (!root)
		return lg_error_set(LG_EINVALID, "baseline '%s' is not valid JSON", path);
	list = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "findings");
	if (!cJSON_IsArray(list)) {
		cJSON_Delete(root);
		return lg_error_set(LG_EINVALID, "baseline '%s' has no 'findings' array", path);
	}
	cJSON_ArrayForEach(item, list) {
		const cJSON *fp = cJSON_IsString(item) ? item :
			cJSON_GetObjectItemCaseSensitive(item, "fingerprint");

		if (!cJSON_IsString(fp) || !lg_fingerprint__is_valid(fp->valuestring, strlen(fp->valuestring))) {
			err = lg_error_set(LG_EINVALID, "baseline '%s' holds an entry without a valid fingerprint",
					   path);
			break;
		}
		if ((err = add_fingerprint(b, fp->valuestring)) != 0)
			break;
	}
	cJSON_Delete(root);
	return err;
}

/* Takes a text list: one fingerprint a line, comments and blanks skipped. */
static int parse_list(lg_baseline *b, const char *path, const char *text, size_t len)
{
	size_t pos = 0, lineno = 0;
	int err = 0;

	while (!err && pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos, start = 0;

		pos += n + 1;
		lineno++;
		while (start < n && isspace((unsigned char)line[start]))
			start++;
		while (n > start && isspace((unsigned char)line[n - 1]))
			n--;
		if (start == n || line[start] == '#')
			continue;
		if (!lg_fingerprint__is_valid(line + start, n - start))
			err = lg_error_set(LG_EINVALID, "baseline '%s' line %zu is not a fingerprint",
					   path, lineno);
		else
			err = add_fingerprint(b, line + start);
	}
	return err;
}

static int compare_fps(const void *a, const void *b)
{
	return memcmp(a, b, LG_FINGERPRINT_HEXLEN);
}

int lg_baseline_load(lg_baseline **out, const char *path)
{
	lg_baseline *b = calloc(1, sizeof(*b));
	char *text = NULL;
	size_t len = 0, i = 0;
	int err;

	if (!b)
		return lg_error_set_oom();
	err = lg__read_file(&text, &len, path, BASELINE_MAX_BYTES);
	if (err == LG_ENOTFOUND)
		err = lg_error_set(LG_EIO, "cannot read baseline '%s': no such file", path);
	while (!err && i < len && isspace((unsigned char)text[i]))
		i++;
	if (!err && i < len && (text[i] == '{' || text[i] == '['))
		err = parse_json(b, path, text, len);
	else if (!err)
		err = parse_list(b, path, text, len);
	free(text);
	if (err) {
		lg_baseline_free(b);
		return err;
	}
	if (b->count > 1)
		qsort(b->fps, b->count, sizeof(*b->fps), compare_fps);
	*out = b;
	return 0;
}

void lg_baseline_free(lg_baseline *b)
{
	if (!b)
		return;
	free(b->fps);
	free(b);
}

int lg_baseline_contains(const lg_baseline *b, const char *fingerprint)
{
	return b && b->count &&
		bsearch(fingerprint, b->fps, b->count, sizeof(*b->fps), compare_fps) != NULL;
}

size_t lg_baseline_count(const lg_baseline *b)
{
	return b ? b->count : 0;
}

static int not_in_baseline(const lg_finding *f, void *payload)
{
	return !lg_baseline_contains(payload, f->fingerprint);
}

void lg_baseline_filter(lg_report *r, const lg_baseline *b)
{
	size_t before = r->count;

	lg_report_filter(r, not_in_baseline, (void *)b);
	r->summary.baselined += before - r->count;
}
