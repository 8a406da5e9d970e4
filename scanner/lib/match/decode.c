/*
 * decode.c - encoded text worth scanning again: where it is, and what it
 * says decoded.
 *
 * Secrets are often stored encoded: base64 (Kubernetes Secret `data:`
 * values, `Authorization: Basic ...`, standalone blocks), percent-encoded
 * in URLs, as string escapes (a `\n`-escaped PEM key in JSON), or as
 * UTF-16 text. Decoding everything would cost a second pass over every
 * byte and then some; instead one cheap forward pass finds candidate spans
 * (a long base64 run of mixed case and digits, a run with several %XX, a
 * line with several escapes, NUL-interleaved ASCII), and only those are
 * decoded. A decoding that does not give mostly printable text is dropped
 * (base64 of an image, a hash that happens to be base64).
 */
#include "match/match.h"

#include <string.h>

#define BASE64_MIN_RUN 20     /* 15 bytes decoded: room for a short secret */
#define PERCENT_MIN_ESCAPES 3 /* %XX sequences in one run */
#define ESCAPE_MIN 2          /* \n, \" ... on one line */
#define UTF16_MIN_CHARS 12
#define PRINTABLE_SHARE 0.9   /* of decoded bytes, or it is not text */

static const char *const kind_names[] = { "base64", "percent", "escape", "utf16" };

const char *lg_decode__name(lg_decode_kind kind)
{
	return (unsigned)kind < 4 ? kind_names[kind] : "unknown";
}

/* ------------------------------------------------------------------------
 * Finding candidate spans
 * ---------------------------------------------------------------------- */

/* The value of each byte as a base64 character (standard or URL-safe
 * alphabet), 64 for any other byte: a table, since the candidate search
 * looks up every byte of every blob. */
static const unsigned char b64_values[256] = {
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 62, 64, 62, 64, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 64, 64, 64, 64, 64, 64,
	64,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 64, 64, 64, 64, 63,
	64, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
};

static unsigned b64(unsigned char c)
{
	return b64_values[c];
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_value(unsigned char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int push_span(lg_encoded_span *spans, size_t *n, size_t max, size_t start, size_t end,
		     lg_decode_kind kind)
{
	if (*n >= max)
		return 1;
	spans[*n].start = start;
	spans[*n].end = end;
	spans[*n].kind = kind;
	(*n)++;
	return 0;
}

/* A base64 run [start, end) worth decoding: long enough, with upper and
 * lower case and a digit or '+' '/' (an identifier or a hex digest has
 * not all of them), and whole 4-character groups once its '=' padding
 * (`padding` bytes) is counted, as every padded encoder writes them (an
 * identifier that happens to qualify fails this three times in four). */
static int base64_candidate(const unsigned char *p, size_t len, size_t padding)
{
	int upper = 0, lower = 0, other = 0;
	size_t i;

	if (len < BASE64_MIN_RUN || (len + padding) % 4 != 0)
		return 0;
	for (i = 0; i < len && !(upper && lower && other); i++) {
		unsigned char c = p[i];

		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
		other |= (c >= '0' && c <= '9') || c == '+' || c == '/';
	}
	return upper && lower && other;
}

/* URL-ish runs holding at least PERCENT_MIN_ESCAPES %XX sequences. */
static void find_percent(lg_encoded_span *spans, size_t *n, size_t max,
			 const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;

	while (*n < max && (p = memchr(p, '%', (size_t)(end - p))) != NULL) {
		const unsigned char *s = p, *e = p;
		size_t escapes = 0;

		while (s > buf && s[-1] > ' ' && s[-1] < 0x7f && s[-1] != '"' && s[-1] != '\'' &&
		       s[-1] != '<' && s[-1] != '>' && s[-1] != '`')
			s--;
		while (e < end && *e > ' ' && *e < 0x7f && *e != '"' && *e != '\'' && *e != '<' &&
		       *e != '>' && *e != '`') {
			if (*e == '%' && end - e >= 3 && is_hex(e[1]) && is_hex(e[2])) {
				escapes++;
				e += 3;
			} else {
				e++;
			}
		}
		if (escapes >= PERCENT_MIN_ESCAPES)
			push_span(spans, n, max, (size_t)(s - buf), (size_t)(e - buf),
				  LG_DECODE_PERCENT);
		p = e > p ? e : p + 1;
	}
}

/* Lines holding at least ESCAPE_MIN string escapes (\n \r \t \" \\ \/ \uXXXX). */
static void find_escapes(lg_encoded_span *spans, size_t *n, size_t max,
			 const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;

	while (*n < max && (p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		const unsigned char *ls = p, *le, *q;
		size_t escapes = 0;

		while (ls > buf && ls[-1] != '\n')
			ls--;
		le = memchr(p, '\n', (size_t)(end - p));
		le = le ? le : end;
		for (q = p; q + 1 < le; q++) {
			if (*q != '\\')
				continue;
			escapes += q[1] == 'n' || q[1] == 'r' || q[1] == 't' || q[1] == '"' ||
				   q[1] == '/' || q[1] == '\\' || q[1] == 'u';
			q++;
		}
		if (escapes >= ESCAPE_MIN)
			push_span(spans, n, max, (size_t)(ls - buf), (size_t)(le - buf),
				  LG_DECODE_ESCAPE);
		p = le;
	}
}

/* Runs of printable ASCII each followed (LE) or preceded (BE) by a NUL. */
static void find_utf16(lg_encoded_span *spans, size_t *n, size_t max,
		       const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;

	while (*n < max && (p = memchr(p, '\0', (size_t)(end - p))) != NULL) {
		/* LE: the character before the NUL; step back over pairs. */
		const unsigned char *s = p - (p > buf), *e;

		while (s >= buf + 2 && s[-1] == 0 && s[-2] >= 0x09 && s[-2] < 0x7f)
			s -= 2;
		for (e = s; e + 1 < end && e[1] == 0 && e[0] >= 0x09 && e[0] < 0x7f; e += 2)
			;
		if ((size_t)(e - s) / 2 >= UTF16_MIN_CHARS)
			push_span(spans, n, max, (size_t)(s - buf), (size_t)(e - buf),
				  LG_DECODE_UTF16);
		p = e > p ? e : p + 1;
	}
}

/* Base64 runs in [0, len) in one pass: a run is counted as it goes, and
 * only one that ends long enough is looked at again. */
static void find_base64_fast(lg_encoded_span *spans, size_t *n, size_t max,
			     const unsigned char *buf, size_t len)
{
	size_t i, run = 0, pad;

	for (i = 0; i <= len && *n < max; i++) {
		if (i < len && b64_values[buf[i]] != 64) {
			run++;
			continue;
		}
		if (run >= BASE64_MIN_RUN) {
			pad = 0;
			while (i + pad < len && pad < 2 && buf[i + pad] == '=')
				pad++;
			if (base64_candidate(buf + i - run, run, pad))
				push_span(spans, n, max, i - run, i + pad, LG_DECODE_BASE64);
		}
		run = 0;
	}
}

size_t lg_decode__find(lg_encoded_span *spans, size_t max, const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t n = 0;

	find_base64_fast(spans, &n, max, u, len);
	find_percent(spans, &n, max, u, len);
	find_escapes(spans, &n, max, u, len);
	find_utf16(spans, &n, max, u, len);
	return n;
}

/* ------------------------------------------------------------------------
 * Decoding one span
 * ---------------------------------------------------------------------- */

static size_t decode_base64(unsigned char *out, const unsigned char *in, size_t len)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0;

	for (i = 0; i < len && in[i] != '='; i++) {
		acc = (acc << 6) | b64(in[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

static size_t decode_percent(unsigned char *out, const unsigned char *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '%' && i + 2 < len && is_hex(in[i + 1]) && is_hex(in[i + 2])) {
			out[n++] = (unsigned char)(hex_value(in[i + 1]) << 4 | hex_value(in[i + 2]));
			i += 2;
		} else {
			out[n++] = in[i];
		}
	}
	return n;
}

static size_t decode_escapes(unsigned char *out, const unsigned char *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = in[i];

		if (c != '\\' || i + 1 >= len) {
			out[n++] = c;
			continue;
		}
		c = in[++i];
		switch (c) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			/* \u00XX: an ASCII character; anything else stays as written */
			if (i + 4 < len && in[i + 1] == '0' && in[i + 2] == '0' && is_hex(in[i + 3]) &&
			    is_hex(in[i + 4])) {
				out[n++] = (unsigned char)(hex_value(in[i + 3]) << 4 | hex_value(in[i + 4]));
				i += 4;
			} else {
				out[n++] = '\\';
				out[n++] = c;
			}
			break;
		case '"': case '\'': case '/': case '\\':
			out[n++] = c;
			break;
		default:
			out[n++] = '\\';
			out[n++] = c;
		}
	}
	return n;
}

static size_t decode_utf16(unsigned char *out, const unsigned char *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < len; i += 2)
		out[n++] = in[i];
	return n;
}

/* 1 when most of the decoded bytes are printable text. */
static int mostly_text(const unsigned char *p, size_t len)
{
	size_t i, printable = 0;

	for (i = 0; i < len; i++)
		printable += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' ||
			     p[i] == '\t';
	return len > 0 && (double)printable >= PRINTABLE_SHARE * (double)len;
}

int lg_decode__promising(const char *buf, const lg_encoded_span *span)
{
	unsigned char probe[48];
	size_t len = span->end - span->start;

	if (span->kind != LG_DECODE_BASE64)
		return 1;
	len = len < 64 ? len : 64;
	return mostly_text(probe, decode_base64(probe, (const unsigned char *)buf + span->start,
						 len));
}

size_t lg_decode__span(char *out, const char *buf, const lg_encoded_span *span)
{
	const unsigned char *in = (const unsigned char *)buf + span->start;
	unsigned char *o = (unsigned char *)out;
	size_t len = span->end - span->start, n = 0;

	switch (span->kind) {
	case LG_DECODE_BASE64: n = decode_base64(o, in, len); break;
	case LG_DECODE_PERCENT: n = decode_percent(o, in, len); break;
	case LG_DECODE_ESCAPE: n = decode_escapes(o, in, len); break;
	case LG_DECODE_UTF16: n = decode_utf16(o, in, len); break;
	}
	return mostly_text(o, n) ? n : 0;
}
