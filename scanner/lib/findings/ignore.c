/*
 * ignore.c - the ignore file (.leakgateignore): parsing its lines into
 * fingerprints and globs (glob.c), and asking whether a path or a
 * fingerprint is ignored.
 */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Ignore file
 * ---------------------------------------------------------------------- */

/* The file comes from the scanned repository, which may be hostile: cap
 * its size, line length and glob count so parsing and matching stay cheap
 * (every glob is tried on every path; fingerprints are a binary search). */
#define IGNORE_MAX_BYTES (1u << 20)
#define IGNORE_MAX_LINE 4096
#define IGNORE_MAX_GLOBS 10000

struct lg_ignore {
	char (*fingerprints)[LG_FINGERPRINT_HEXLEN + 1]; /* sorted */
	size_t nfingerprints, fingerprints_alloc;
	lg_glob *globs;
	size_t nglobs, globs_alloc;
};

/* Space, tab, CR, vertical tab, form feed. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Adds one trimmed, non-empty entry. */
static int ignore_add(lg_ignore *ig, const char *entry, size_t len,
		      size_t lineno)
{
	if (lg_fingerprint__is_valid(entry, len)) {
		if (LG_ARRAY_GROW(ig->fingerprints, ig->fingerprints_alloc,
				  ig->nfingerprints + 1, 16) != 0)
			return LG_ENOMEM;
		memcpy(ig->fingerprints[ig->nfingerprints], entry, len);
		ig->fingerprints[ig->nfingerprints][len] = '\0';
		ig->nfingerprints++;
		return 0;
	}
	if (ig->nglobs == IGNORE_MAX_GLOBS)
		return lg_error_set(LG_ELIMIT,
				    "ignore file line %zu: more than %d globs",
				    lineno, IGNORE_MAX_GLOBS);
	if (LG_ARRAY_GROW(ig->globs, ig->globs_alloc, ig->nglobs + 1, 16) != 0)
		return LG_ENOMEM;
	{
		int err = lg_glob__compile(&ig->globs[ig->nglobs], entry, len, lineno);

		if (!err)
			ig->nglobs++;
		return err;
	}
}

/* Reduces a line to its entry: drops a comment ('#' at the start or after
 * whitespace) and surrounding whitespace. Writes the entry's length. */
static const char *line_entry(const char *line, size_t len, size_t *out_len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] == '#' && (i == 0 || is_blank(line[i - 1]))) {
			len = i;
			break;
		}
	while (len && is_blank(line[len - 1]))
		len--;
	while (len && is_blank(line[0]))
		line++, len--;
	*out_len = len;
	return line;
}

/* qsort/bsearch order for fingerprints. */
static int fingerprint_cmp(const void *a, const void *b)
{
	return memcmp(a, b, LG_FINGERPRINT_HEXLEN);
}

/*
 * Parses ignore-file text (see leakgate.h). Entries are fingerprints
 * (exactly 32 lowercase hex digits) or path globs; there is no escaping,
 * so a '#' after whitespace always starts a comment. Fails with LG_ELIMIT
 * past 1 MiB, a 4096-byte line or 10000 globs, LG_EINVALID for a NUL byte
 * or a glob of only slashes, naming the line; *out is written only on
 * success.
 */
int lg_ignore_parse(lg_ignore **out, const char *text, size_t len)
{
	lg_ignore *ig;
	size_t pos = 0, lineno = 0;
	int err = 0;

	if (len > IGNORE_MAX_BYTES)
		return lg_error_set(LG_ELIMIT,
				    "ignore file is %zu bytes, over the %u byte limit",
				    len, IGNORE_MAX_BYTES);
	if (!(ig = calloc(1, sizeof(*ig))))
		return lg_error_set_oom();
	while (!err && pos < len) {
		const char *line = text + pos, *nl, *entry;
		size_t line_len, entry_len;

		nl = memchr(line, '\n', len - pos);
		line_len = nl ? (size_t)(nl - line) : len - pos;
		pos += line_len + 1;
		lineno++;
		if (line_len > IGNORE_MAX_LINE) {
			err = lg_error_set(LG_ELIMIT,
					   "ignore file line %zu is longer than %d bytes",
					   lineno, IGNORE_MAX_LINE);
			break;
		}
		if (memchr(line, '\0', line_len)) {
			err = lg_error_set(LG_EINVALID,
					   "ignore file line %zu contains a NUL byte",
					   lineno);
			break;
		}
		entry = line_entry(line, line_len, &entry_len);
		if (entry_len)
			err = ignore_add(ig, entry, entry_len, lineno);
	}
	if (err) {
		lg_ignore_free(ig);
		return err;
	}
	if (ig->nfingerprints > 1)
		qsort(ig->fingerprints, ig->nfingerprints,
		      sizeof(*ig->fingerprints), fingerprint_cmp);
	*out = ig;
	return 0;
}

/* Frees the ignore rules; accepts NULL. */
void lg_ignore_free(lg_ignore *ig)
{
	size_t i;

	if (!ig)
		return;
	for (i = 0; i < ig->nglobs; i++) {
		free(ig->globs[i].segs);
		free(ig->globs[i].text);
	}
	free(ig->globs);
	free(ig->fingerprints);
	free(ig);
}

/* 1 when some glob covers `path` (relative to the repository root,
 * '/'-separated, any bytes); 0 otherwise or for a NULL ignore/path. */
int lg_ignore_path(const lg_ignore *ig, const char *path)
{
	size_t i;

	if (!ig || !path)
		return 0;
	for (i = 0; i < ig->nglobs; i++)
		if (lg_glob__match(&ig->globs[i], path))
			return 1;
	return 0;
}

/* 1 when `fingerprint` is listed; 0 otherwise or for a NULL argument. */
int lg_ignore_fingerprint(const lg_ignore *ig, const char *fingerprint)
{
	if (!ig || !fingerprint || ig->nfingerprints == 0 ||
	    strlen(fingerprint) != LG_FINGERPRINT_HEXLEN)
		return 0;
	return bsearch(fingerprint, ig->fingerprints, ig->nfingerprints,
		       sizeof(*ig->fingerprints), fingerprint_cmp) != NULL;
}

