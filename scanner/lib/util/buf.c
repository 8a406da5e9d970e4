/*
 * buf.c - growable, capped byte buffers and JSON string encoding.
 */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Makes room for `extra` more bytes plus a NUL, honouring the cap. */
static int buf_grow(lg_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		return lg_error_set(LG_ENOMEM, "buffer size overflow");
	need = b->len + extra + 1;
	if (b->cap && need > b->cap + 1)
		return lg_error_set(LG_ELIMIT, "buffer would exceed its %zu byte cap", b->cap);
	if (need <= b->alloc)
		return 0;
	return lg_array__grow((void **)&b->ptr, &b->alloc, need, 1, 64);
}

int lg_buf__add(lg_buf *b, const void *data, size_t len)
{
	int err = buf_grow(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int lg_buf__puts(lg_buf *b, const char *s)
{
	return lg_buf__add(b, s, strlen(s));
}

int lg_buf__printf(lg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return lg_error_set(LG_ERROR, "bad format string");
	if ((err = buf_grow(b, (size_t)n)) != 0)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *lg_buf__detach(lg_buf *b)
{
	char *p = b->ptr;

	if (!p)
		p = lg__strdup("");
	b->ptr = NULL;
	b->len = b->alloc = 0;
	return p;
}

void lg_buf__release(lg_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->alloc = 0;
}

char *lg__strdup(const char *s)
{
	return lg__strndup(s, strlen(s));
}

char *lg__strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p) {
		lg_error_set_oom();
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
size_t lg__utf8_sequence_length(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

int lg_buf__json_string(lg_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	int err = lg_buf__add(b, "\"", 1);

	while (!err && i < len) {
		unsigned c = p[i];

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			err = lg_buf__add(b, esc, 2);
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			err = lg_buf__printf(b, "\\u%04x", c);
			i++;
		} else if ((n = lg__utf8_sequence_length(p + i, len - i)) == 0) {
			err = lg_buf__add(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
			i++;
		} else {
			err = lg_buf__add(b, p + i, n);
			i += n;
		}
	}
	return err ? err : lg_buf__add(b, "\"", 1);
}

int lg__contains_nocase(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n == 0 || n > len)
		return 0;
	for (i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

const char *lg__printable(char *buf, size_t cap, const char *path)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	for (; *path && o + 5 < cap; path++) {
		unsigned char ch = (unsigned char)*path;

		if (ch < 0x20 || ch == 0x7F) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = digits[ch >> 4];
			buf[o++] = digits[ch & 15];
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
	return buf;
}
