/*
 * findings.c - what a finding is made of beyond the match: the redacted
 * form of its secret, its fingerprint, the ignore file, and freeing a report.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Redaction
 * ---------------------------------------------------------------------- */

#define REDACT_MAX_PREFIX_CHARS 4
#define REDACT_MIN_LEN_FOR_PREFIX 8
#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

/*
 * Writes "<prefix>…" into `out`. The prefix is at most 4 characters and at
 * most len/4 bytes, so a reader learns at most a quarter of the secret; it
 * ends before any invalid UTF-8 and never cuts a sequence, so the result is
 * valid UTF-8. Secrets under 8 bytes get no prefix. If `cap` is too small
 * the prefix shrinks (whole characters only) and then the ellipsis goes;
 * 20 bytes always suffice. Returns strlen(out); writes nothing when cap is 0.
 */
size_t lg_redact(char *out, size_t cap, const char *secret, size_t len)
{
	const unsigned char *s = (const unsigned char *)secret;
	size_t budget = len < REDACT_MIN_LEN_FOR_PREFIX ? 0 : len / 4;
	size_t prefix = 0, chars = 0, n;

	if (cap == 0)
		return 0;
	if (cap < sizeof(ELLIPSIS)) {
		out[0] = '\0';
		return 0;
	}
	/* Room for the ellipsis and the NUL comes off the budget first. */
	if (budget > cap - sizeof(ELLIPSIS))
		budget = cap - sizeof(ELLIPSIS);
	while (chars < REDACT_MAX_PREFIX_CHARS && prefix < budget) {
		n = lg__utf8_sequence_length(s + prefix, len - prefix);
		if (n == 0 || prefix + n > budget)
			break;
		prefix += n;
		chars++;
	}
	if (prefix)
		memcpy(out, secret, prefix);
	memcpy(out + prefix, ELLIPSIS, sizeof(ELLIPSIS));
	return prefix + sizeof(ELLIPSIS) - 1;
}

/* ------------------------------------------------------------------------
 * Fingerprints
 * ---------------------------------------------------------------------- */

#define FINGERPRINT_DOMAIN "leakgate-fingerprint-v1"

/*
 * The fingerprint is the first 32 hex digits of the git blob id (SHA-1) of
 * "leakgate-fingerprint-v1\0<rule id>\0<secret>". It depends on nothing
 * else (not path, commit, line or machine), so the same secret found by the
 * same rule has the same fingerprint in every file, commit, clone and run,
 * and one ignore-file line silences it everywhere. Renaming the rule id
 * changes it. The NUL separators keep ("ab", "c") apart from ("a", "bc");
 * the domain string lets a future scheme coexist as "-v2". Anyone can
 * recompute one with
 *   printf 'leakgate-fingerprint-v1\0RULE\0SECRET' | git hash-object --stdin
 * Out of memory (the only possible failure) yields 32 zeros.
 */
void lg_fingerprint(char out[LG_FINGERPRINT_HEXLEN + 1], const char *rule_id,
		    const char *secret, size_t len)
{
	char stack[512], hex[41], *data = stack;
	size_t idlen = rule_id ? strlen(rule_id) : 0;
	size_t dlen = sizeof(FINGERPRINT_DOMAIN);
	size_t total;

	if (idlen > SIZE_MAX - dlen - 1 || len > SIZE_MAX - dlen - 1 - idlen)
		goto fail;
	total = dlen + idlen + 1 + len;
	if (total > sizeof(stack) && !(data = malloc(total)))
		goto fail;
	memcpy(data, FINGERPRINT_DOMAIN, dlen); /* with its NUL */
	if (idlen)
		memcpy(data + dlen, rule_id, idlen);
	data[dlen + idlen] = '\0';
	if (len)
		memcpy(data + dlen + idlen + 1, secret, len);
	lg__hash_hex(hex, data, total);
	if (data != stack)
		free(data);
	memcpy(out, hex, LG_FINGERPRINT_HEXLEN);
	out[LG_FINGERPRINT_HEXLEN] = '\0';
	return;
fail:
	memset(out, '0', LG_FINGERPRINT_HEXLEN);
	out[LG_FINGERPRINT_HEXLEN] = '\0';
}

/* ------------------------------------------------------------------------
 * Ignore file
 * ---------------------------------------------------------------------- */

/* The file comes from the scanned repository, which may be hostile: cap
 * its size, line length and glob count so parsing and matching stay cheap
 * (every glob is tried on every path; fingerprints are a binary search). */
#define IGNORE_MAX_BYTES (1u << 20)
#define IGNORE_MAX_LINE 4096
#define IGNORE_MAX_GLOBS 10000

/* One segment of a glob (between slashes); "**" matches any number of
 * path segments, anything else exactly one. Points into glob.text or at
 * a static "**". */
typedef struct {
	const char *p;
	size_t len;
} glob_seg;

typedef struct {
	char *text;       /* the glob with leading/trailing slashes removed */
	glob_seg *segs;
	size_t nsegs;
	int dir;          /* match directories of the path, not its file name */
} glob;

struct lg_ignore {
	char (*fingerprints)[LG_FINGERPRINT_HEXLEN + 1]; /* sorted */
	size_t nfingerprints, fingerprints_alloc;
	glob *globs;
	size_t nglobs, globs_alloc;
};

static const char double_star[] = "**";

/* 1 when the segment is exactly "**". */
static int seg_is_any(const glob_seg *s)
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
static int segs_match(const glob *g, const char *s, const char *limit)
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
static int glob_match(const glob *g, const char *path)
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
static int glob_push(glob *g, size_t *alloc, const char *p, size_t len)
{
	if (g->nsegs == *alloc) {
		size_t n = *alloc ? *alloc * 2 : 8;
		glob_seg *segs = realloc(g->segs, n * sizeof(*segs));

		if (!segs)
			return lg_error_set(LG_ENOMEM, "out of memory");
		g->segs = segs;
		*alloc = n;
	}
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
static int glob_compile(glob *g, const char *entry, size_t len, size_t lineno)
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

/* 1 when s is exactly 32 lowercase hex digits. */
static int is_fingerprint(const char *s, size_t len)
{
	size_t i;

	if (len != LG_FINGERPRINT_HEXLEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Space, tab, CR, vertical tab, form feed. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Adds one trimmed, non-empty entry. */
static int ignore_add(lg_ignore *ig, const char *entry, size_t len,
		      size_t lineno)
{
	if (is_fingerprint(entry, len)) {
		if (ig->nfingerprints == ig->fingerprints_alloc) {
			size_t n = ig->fingerprints_alloc ? ig->fingerprints_alloc * 2 : 16;
			void *p = realloc(ig->fingerprints, n * sizeof(*ig->fingerprints));

			if (!p)
				return lg_error_set(LG_ENOMEM, "out of memory");
			ig->fingerprints = p;
			ig->fingerprints_alloc = n;
		}
		memcpy(ig->fingerprints[ig->nfingerprints], entry, len);
		ig->fingerprints[ig->nfingerprints][len] = '\0';
		ig->nfingerprints++;
		return 0;
	}
	if (ig->nglobs == IGNORE_MAX_GLOBS)
		return lg_error_set(LG_ELIMIT,
				    "ignore file line %zu: more than %d globs",
				    lineno, IGNORE_MAX_GLOBS);
	if (ig->nglobs == ig->globs_alloc) {
		size_t n = ig->globs_alloc ? ig->globs_alloc * 2 : 16;
		glob *p = realloc(ig->globs, n * sizeof(*p));

		if (!p)
			return lg_error_set(LG_ENOMEM, "out of memory");
		ig->globs = p;
		ig->globs_alloc = n;
	}
	{
		int err = glob_compile(&ig->globs[ig->nglobs], entry, len, lineno);

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
		return lg_error_set(LG_ENOMEM, "out of memory");
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
		if (glob_match(&ig->globs[i], path))
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

/* ------------------------------------------------------------------------
 * Reports
 * ---------------------------------------------------------------------- */

/* Frees everything an lg_report owns (not the struct itself, which is
 * usually on the caller's stack; rules and `repository` are borrowed) and
 * zeroes it, so a second call is harmless. Accepts NULL. */
void lg_finding__release(lg_finding *f)
{
	size_t j;

	free(f->secret);
	free(f->path);
	free(f->line_text);
	free(f->author_name);
	free(f->author_email);
	for (j = 0; j < f->also_in_count; j++)
		free(f->also_in[j].path);
	free(f->also_in);
	memset(f, 0, sizeof(*f));
}

/* Appends n elements of `size` bytes from *src to *dst (growing it). */
static int append_array(void **dst, size_t dst_count, const void *src, size_t n, size_t size)
{
	void *p;

	if (!n)
		return 0;
	if (!(p = realloc(*dst, (dst_count + n) * size)))
		return lg_error_set(LG_ENOMEM, "out of memory");
	memcpy((char *)p + dst_count * size, src, n * size);
	*dst = p;
	return 0;
}

int lg_report_merge(lg_report *into, lg_report *from)
{
	lg_summary *a = &into->summary;
	const lg_summary *b = &from->summary;
	size_t i, j;
	int err;

	if ((err = append_array((void **)&into->findings, into->count, from->findings,
				from->count, sizeof(*from->findings))) != 0 ||
	    (err = append_array((void **)&into->warnings, into->warning_count, from->warnings,
				from->warning_count, sizeof(*from->warnings))) != 0)
		return err;
	into->count += from->count;
	into->warning_count += from->warning_count;
	for (i = 0; i < b->skipped_count; i++) {
		for (j = 0; j < a->skipped_count; j++)
			if (strcmp(a->skipped[j].reason, b->skipped[i].reason) == 0)
				break;
		if (j == a->skipped_count) {
			if ((err = append_array((void **)&a->skipped, a->skipped_count,
						&b->skipped[i], 1, sizeof(*b->skipped))) != 0)
				return err;
			a->skipped_count++;
			b->skipped[i].reason = NULL; /* moved */
		} else {
			a->skipped[j].count += b->skipped[i].count;
			a->skipped[j].bytes += b->skipped[i].bytes;
		}
	}
	a->commits += b->commits;
	a->blobs_scanned += b->blobs_scanned;
	a->bytes_scanned += b->bytes_scanned;
	a->blobs_skipped += b->blobs_skipped;
	a->findings += b->findings;
	a->ignored += b->ignored;
	a->baselined += b->baselined;
	a->seconds += b->seconds;
	a->shallow |= b->shallow;
	a->incremental |= b->incremental;
	a->unreadable += b->unreadable;
	/* The moved pointers now belong to `into`; free only the arrays. */
	from->count = from->warning_count = 0;
	lg_report_free(from);
	return 0;
}

void lg_report_filter(lg_report *r, int (*keep)(const lg_finding *f, void *payload),
		      void *payload)
{
	size_t i, kept = 0;

	for (i = 0; i < r->count; i++) {
		if (keep(&r->findings[i], payload))
			r->findings[kept++] = r->findings[i];
		else
			lg_finding__release(&r->findings[i]);
	}
	r->count = kept;
	r->summary.findings = kept;
}

void lg_report_free(lg_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->count; i++)
		lg_finding__release(&r->findings[i]);
	free(r->findings);
	for (i = 0; i < r->summary.skipped_count; i++)
		free(r->summary.skipped[i].reason);
	free(r->summary.skipped);
	for (i = 0; i < r->warning_count; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}
