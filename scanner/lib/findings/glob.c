/*
 * glob.c - the ignore file's globs: compiling one line into segments and
 * matching a repository path against it ("**" for any depth, a trailing
 * slash for directories). Knows nothing of files or fingerprints.
 */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>

static const char double_star[] = "**";

/* 1 when the segment is exactly "**". */
static int seg_is_any(const lg_glob_seg *s)
{
	return s->len == 2 && s->p[0] == '*' && s->p[1] == '*';
}

/* Bytes in the character at s: a whole UTF-8 sequence, or 1 for a byte
 * that is not valid UTF-8 (so `?` still consumes something). */
static size_t char_len(const char *s, size_t avail)
{
	size_t n = lg__utf8_sequence_length((const unsigned char *)s, avail);

	return n ? n : 1;
}

/*
 * Matches one glob segment (`*`, `?`, literal bytes; `**` here acts as `*`)
 * against one path segment. Greedy with backtracking to the last star only,
 * which is correct for `*` and O(plen * slen), so no pattern can make it
 * take exponential time.
 */
static int seg_match(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			while (pi < plen && p[pi] == '*')
				pi++;
			star_p = pi;
			star_s = si;
		} else if (pi < plen && p[pi] == '?') {
			pi++;
			si += char_len(s + si, slen - si);
		} else if (pi < plen && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star_p != SIZE_MAX) {
			star_s += char_len(s + star_s, slen - star_s);
			pi = star_p;
			si = star_s;
		} else {
			return 0;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

/* The end of the path segment starting at s (its '/' or the limit). */
static const char *seg_end(const char *s, const char *limit)
{
	const char *slash = memchr(s, '/', (size_t)(limit - s));

	return slash ? slash : limit;
}

/*
 * Matches a glob's segments against the path segments in [s, limit). Each
 * "**" matches zero or more whole segments, any other glob segment exactly
 * one: the same shape as `*` over characters, so the same last-star
 * backtracking applies and the cost stays O(segments * path length).
 * An empty range has no segments.
 */
static int segs_match(const lg_glob *g, const char *s, const char *limit)
{
	size_t gi = 0, star_g = SIZE_MAX;
	const char *star_s = NULL;
	int done = s >= limit;

	while (!done) {
		const char *e = seg_end(s, limit);

		if (gi < g->nsegs && seg_is_any(&g->segs[gi])) {
			star_g = ++gi;
			star_s = s;
		} else if (gi < g->nsegs &&
			   seg_match(g->segs[gi].p, g->segs[gi].len, s,
				     (size_t)(e - s))) {
			gi++;
			done = e >= limit;
			s = e + 1;
		} else if (star_g != SIZE_MAX) {
			/* Let the last "**" swallow one more segment; when
			 * that was the final one, what follows it in the
			 * glob must match nothing. */
			e = seg_end(star_s, limit);
			gi = star_g;
			done = e >= limit;
			star_s = s = e + 1;
		} else {
			return 0;
		}
	}
	while (gi < g->nsegs && seg_is_any(&g->segs[gi]))
		gi++;
	return gi == g->nsegs;
}

/* 1 when glob `g` covers `path` (repository-relative, '/'-separated). */
int lg_glob__match(const lg_glob *g, const char *path)
{
	const char *end = path + strlen(path);

	if (g->dir) {
		/* Only the directories count: everything before the last
		 * slash. A path without one lies in no directory. */
		const char *slash = strrchr(path, '/');

		if (!slash)
			return 0;
		end = slash;
	}
	return segs_match(g, path, end);
}

/* Appends a segment to g. */
static int glob_push(lg_glob *g, size_t *alloc, const char *p, size_t len)
{
	if (lg_array__grow((void **)&g->segs, alloc, g->nsegs + 1, sizeof(*g->segs), 8) != 0)
		return LG_ENOMEM;
	g->segs[g->nsegs].p = p;
	g->segs[g->nsegs].len = len;
	g->nsegs++;
	return 0;
}

/*
 * Compiles one glob entry (already trimmed, not a fingerprint) into *g:
 * a leading '/' or a '/' in the middle anchors it to the root, otherwise
 * it gets a leading "**" (matches at any depth, i.e. the base name); a
 * trailing '/' (or a trailing slash and "**") makes it match directories, with an implied
 * trailing "**". On failure *g holds nothing to free.
 */
int lg_glob__compile(lg_glob *g, const char *entry, size_t len, size_t lineno)
{
	size_t alloc = 0, start = 0;
	int anchored = 0, err = 0;
	char *t;

	memset(g, 0, sizeof(*g));
	while (len && entry[0] == '/') {
		anchored = 1;
		entry++, len--;
	}
	for (;;) {
		if (len && entry[len - 1] == '/') {
			g->dir = 1;
			len--;
		} else if (len >= 3 && memcmp(entry + len - 3, "/**", 3) == 0) {
			/* "dir" + slash + "**" is everything below dir, like
			 * "dir/", but anchored: the glob had a slash inside. */
			g->dir = 1;
			anchored = 1;
			len -= 3;
		} else {
			break;
		}
	}
	if (len == 0)
		return lg_error_set(LG_EINVALID,
				    "ignore file line %zu: a glob needs more than slashes",
				    lineno);
	if (memchr(entry, '/', len))
		anchored = 1;
	if (!(g->text = lg__strndup(entry, len)))
		return LG_ENOMEM;
	if (!anchored)
		err = glob_push(g, &alloc, double_star, 2);
	t = g->text;
	while (!err) {
		const char *slash = memchr(t + start, '/', len - start);
		size_t end = slash ? (size_t)(slash - t) : len;

		err = glob_push(g, &alloc, t + start, end - start);
		if (!slash)
			break;
		start = end + 1;
	}
	if (!err && g->dir)
		err = glob_push(g, &alloc, double_star, 2);
	if (err) {
		free(g->segs);
		free(g->text);
		memset(g, 0, sizeof(*g));
	}
	return err;
}

