/*
 * excerpt.c - a finding's line excerpt, with every secret on it hidden.
 *
 * The excerpt shows the finding's line around its secret so that a reader
 * can judge it; it must not show a secret on that line either. Hidden are:
 *  - the finding's own secret;
 *  - every rule's match on the line, at any confidence and whatever the
 *    filters said (lg_matcher__secret_spans), in the line as written and
 *    with its backslash escapes undone (a setting quoted inside a JSON
 *    string);
 *  - the body of a private key (PEM, SSH2, PGP), written out or with its
 *    line breaks escaped as "\n" in JSON, as far as the line goes;
 *  - any secret-shaped token: 12 or more characters of the base64/hex/URL
 *    alphabet (and the symbols passwords take, inside a token: the '#' of
 *    "Ggaw6xIr8j#ElNW6" must not cut it into two short harmless-looking
 *    halves) that mix letters and digits, or whose letters change case
 *    as often as random ones do (a token no rule recognises in this
 *    context, such as a bare auth token passed to a constructor), not
 *    camelCase words;
 *  - a token cut where the excerpt is clipped, since a cut secret would
 *    not look like one.
 * Each hidden run becomes its redacted form (at most four characters and
 * "…"; a cut token only "…"). The excerpt is built from the line within
 * EXCERPT_CONTEXT bytes of the secret; rules are matched over a wider
 * MASK_CONTEXT, so that a match reaching into the excerpt is seen whole.
 */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

#define ELLIPSIS "\xE2\x80\xA6"
#define TOKEN_MIN 12

/* A byte of a token: base64 and base64url, hex, URL-safe punctuation and
 * the backslash of a "\n"-escaped key ('=' only as trailing padding, so
 * that "name=value" is two tokens). */
static int token_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '+' || c == '/' || c == '_' || c == '-' || c == '.' || c == '~' || c == '%' ||
		c == '\\';
}

static int hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int password_symbol(char c)
{
	return c != '\0' && strchr("!#$&*?@^", c) != NULL;
}

/* 1 when t[i] is a symbol that passwords use, inside a token: it follows
 * the token's first byte and is followed by a token byte or another such
 * symbol. At a token's edge it is punctuation ("#include", "x!"). */
static int inner_symbol(const char *t, size_t n, size_t start, size_t i)
{
	if (i == start || i + 1 >= n || !password_symbol(t[i]))
		return 0;
	return token_byte((unsigned char)t[i + 1]) || password_symbol(t[i + 1]);
}

/* 1 when t[i] is a ':' between hex digits, as in "0d:cf:9a" (a key
 * fingerprint), which then reads as one token. */
static int hex_colon(const char *t, size_t n, size_t i)
{
	return t[i] == ':' && i > 0 && i + 1 < n && hex_digit(t[i - 1]) && hex_digit(t[i + 1]);
}

/* 1 when t[0, n) looks random: letters and digits together, or letters
 * whose case changes at least once in four (random mixed case changes
 * about every other letter; "DefaultEndpointsProtocol" 5 times in 24). */
static int secret_shaped(const char *t, size_t n)
{
	int letter = 0, digit = 0, last_case = 0;
	size_t i, letters = 0, changes = 0;

	if (n < TOKEN_MIN)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		int lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z';

		digit |= c >= '0' && c <= '9';
		if (!lower && !upper)
			continue;
		letter = 1;
		letters++;
		changes += last_case && last_case != (lower ? 1 : 2);
		last_case = lower ? 1 : 2;
	}
	return (letter && digit) || (letters >= TOKEN_MIN && 4 * changes >= letters);
}

typedef struct {
	uint8_t *hide; /* one flag a byte of the region */
	size_t len;
} mask;

static void hide(mask *k, size_t start, size_t end)
{
	if (end > k->len)
		end = k->len;
	if (start < end)
		memset(k->hide + start, 1, end - start);
}

static void hide_span(size_t start, size_t end, void *payload)
{
	hide(payload, start, end);
}

/* The text with the backslash escapes of a JSON or quoted string undone
 * (\" \' \\ \/), and where each of its bytes came from, so that a rule
 * whose context is quoted ("key: \"value\"" inside a JSON string) still
 * sees it. */
typedef struct {
	char *text;
	size_t *from; /* text[i] came from the region's byte from[i] */
	size_t len;
	mask *k;
} unescaped;

static void hide_unescaped_span(size_t start, size_t end, void *payload)
{
	unescaped *u = payload;

	if (start < end && end <= u->len)
		hide(u->k, u->from[start], u->from[end - 1] + 1);
}

/* Hides the rules' matches in the unescaped form of t[0, n), when it
 * differs; an error (or no memory) hides the whole region. */
static void hide_escaped_spans(mask *k, lg_scratch *s, const char *t, size_t n)
{
	unescaped u = { malloc(n ? n : 1), malloc((n ? n : 1) * sizeof(size_t)), 0, k };
	size_t i;
	int changed = 0;

	if (!u.text || !u.from) {
		hide(k, 0, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (t[i] == '\\' && i + 1 < n &&
		    (t[i + 1] == '"' || t[i + 1] == '\'' || t[i + 1] == '\\' || t[i + 1] == '/')) {
			i++;
			changed = 1;
		}
		u.text[u.len] = t[i];
		u.from[u.len++] = i;
	}
	if (changed && lg_matcher__secret_spans(s, u.text, u.len, hide_unescaped_span, &u) != 0)
		hide(k, 0, n);
out:
	free(u.text);
	free(u.from);
}

/* The first occurrence of `needle` in t[from, n), or n. */
static size_t find_from(const char *t, size_t n, size_t from, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = from; i + k <= n; i++)
		if (memcmp(t + i, needle, k) == 0)
			return i;
	return n;
}

/* 1 when the "PRIVATE KEY" at t[at] ends a BEGIN marker ("BEGIN RSA
 * PRIVATE KEY", "BEGIN SSH2 ENCRYPTED PRIVATE KEY"), not an END one. */
static int begins_key(const char *t, size_t at)
{
	size_t j = at;

	while (j > 0 && at - j < 48 &&
	       ((t[j - 1] >= 'A' && t[j - 1] <= 'Z') || (t[j - 1] >= '0' && t[j - 1] <= '9') ||
		t[j - 1] == ' '))
		j--;
	while (j < at && t[j] == ' ')
		j++;
	return at - j >= 6 && memcmp(t + j, "BEGIN ", 6) == 0;
}

/* Hides each private key's body in t[0, n): from the end of its BEGIN
 * line's marker to its END marker, or to the end of the region. */
static void hide_private_keys(mask *k, const char *t, size_t n)
{
	size_t at = 0;

	while ((at = find_from(t, n, at, "PRIVATE KEY")) < n) {
		size_t body = at + strlen("PRIVATE KEY");

		if (!begins_key(t, at)) {
			at = body;
			continue;
		}
		/* Past "-----" (PEM) or " ----" (SSH2) and " BLOCK-----"
		 * (PGP): the body starts at the first byte after them. */
		while (body < n && (t[body] == '-' || t[body] == ' ' ||
				    (t[body] >= 'A' && t[body] <= 'Z')))
			body++;
		hide(k, body, find_from(t, n, body, "-----END"));
		at = body;
	}
}

/* Hides the secret-shaped tokens of t[0, n), and the tokens that run past
 * `lo` or `hi` (where the excerpt is clipped; `cut_lo` / `cut_hi` say
 * whether it is). */
static void hide_tokens(mask *k, const char *t, size_t n, size_t lo, size_t hi,
			int cut_lo, int cut_hi)
{
	size_t i = 0, start;

	while (i < n) {
		if (!token_byte((unsigned char)t[i])) {
			i++;
			continue;
		}
		for (start = i; i < n && (token_byte((unsigned char)t[i]) ||
					  hex_colon(t, n, i) || inner_symbol(t, n, start, i)); i++)
			;
		while (i < n && t[i] == '=')
			i++;
		if (secret_shaped(t + start, i - start) ||
		    (cut_lo && start < lo && i > lo) || (cut_hi && start < hi && i > hi))
			hide(k, start, i);
	}
}

/* Appends t[lo, hi) to `b`, each hidden run replaced by its redacted form,
 * or by "…" alone where it touches a clipped end. */
static int append_masked(lg_buf *b, const char *t, const mask *k, size_t lo, size_t hi,
			 int cut_lo, int cut_hi)
{
	size_t i = lo, run;
	int err = 0;

	while (!err && i < hi) {
		char redacted[64];

		for (run = i; run < hi && !k->hide[run]; run++)
			;
		err = lg_buf__add(b, t + i, run - i);
		if (err || run == hi)
			break;
		for (i = run; i < hi && k->hide[i]; i++)
			;
		if ((cut_lo && run == lo) || (cut_hi && i == hi))
			err = lg_buf__puts(b, ELLIPSIS);
		else {
			lg_redact(redacted, sizeof(redacted), t + run, i - run);
			err = lg_buf__puts(b, redacted);
		}
	}
	return err;
}

char *lg_scan__excerpt(lg_scratch *s, const char *bytes, size_t bytes_from, const lg_match *m)
{
	const char *data = bytes - bytes_from; /* indexed by input offsets only
						  from bytes_from on */
	size_t on_line = m->secret_end < m->line_end ? m->secret_end : m->line_end;
	size_t rlo = m->secret_start - m->line_start > MASK_CONTEXT ?
		m->secret_start - MASK_CONTEXT : m->line_start;
	size_t rhi = m->line_end - on_line > MASK_CONTEXT ? on_line + MASK_CONTEXT : m->line_end;
	size_t lo = m->secret_start - m->line_start > EXCERPT_CONTEXT ?
		m->secret_start - EXCERPT_CONTEXT : m->line_start;
	size_t hi = m->line_end - on_line > EXCERPT_CONTEXT ? on_line + EXCERPT_CONTEXT
							    : m->line_end;
	int cut_lo = lo > m->line_start, cut_hi = hi < m->line_end, err;
	const char *t;
	lg_buf b = LG_BUF_INIT;
	mask k;

	if (rlo < bytes_from)
		rlo = bytes_from; /* ALWAYS: the stream's context covers it */
	if (lo < rlo)
		lo = rlo;
	if (hi < on_line)
		hi = on_line;
	t = data + rlo;
	k.len = rhi - rlo;
	if (!(k.hide = calloc(k.len ? k.len : 1, 1)))
		return NULL;
	hide(&k, m->secret_start - rlo, on_line - rlo);
	hide_private_keys(&k, t, k.len);
	hide_tokens(&k, t, k.len, lo - rlo, hi - rlo, cut_lo, cut_hi);
	if (lg_matcher__secret_spans(s, t, k.len, hide_span, &k) != 0)
		hide(&k, 0, k.len); /* spans unknown: hide the whole line */
	hide_escaped_spans(&k, s, t, k.len);
	err = append_masked(&b, t, &k, lo - rlo, hi - rlo, cut_lo, cut_hi);
	free(k.hide);
	if (err) {
		lg_buf__release(&b);
		return NULL;
	}
	return lg_buf__detach(&b);
}
