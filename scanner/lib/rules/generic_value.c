/*
 * generic_value.c - does a value assigned to a secret-sounding name look
 * generated? The check that generic rules (password=, api_key:, secret =)
 * declare with "generic_value", so that they can report at medium
 * confidence: such a rule has no format to lean on, only the value.
 *
 * A value fails when it is a reference to a value kept elsewhere, an
 * identifier, an obvious word or a run, or when its characters are too
 * uniform for its length; a value in base64 of plain text is judged as
 * that text. Each test below is one class of false alarm
 * measured on real histories (patterns/README.md has the figures).
 */
#include "rules/rules.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIN_GENERIC_LENGTH 8
/* A fraction of the entropy a random string of the value's length and
 * alphabet has at most: random values sit well above it, words below. */
#define ENTROPY_SHARE 0.6

/* Words people put where a secret belongs, alone or with digits and
 * punctuation around them: "password123", "Admin!", "changeme2024". */
static const char *const obvious_words[] = {
	"password", "passwd", "passw0rd", "secret", "changeme", "qwerty", "letmein",
	"admin", "administrator", "root", "test", "testing", "default", "welcome",
	"guest", "user", "login", "token", "apikey", "none", "null", "empty",
	"string", "value", "foobar", "hunter", "master", "dragon", "monkey", NULL
};

/* Parts of a value that read a setting from somewhere else. */
static const char *const reference_parts[] = {
	"env.", "env[", "env(", "config.", "config[", "settings.", "params.",
	"props.", "vars.", "this.", "self.", "credentials.", NULL
};

static int is_separator(char c)
{
	return c == '_' || c == '-' || c == '.';
}

/* Starts of values that name something else when words follow: a string
 * joined to a variable ("+name), curl's @file, paths. */
static const char *const name_starts[] = { "+", "@/", "/", "~/", "./", "../", NULL };

/* Letters and . _ - / only: a name or a path, not generated. */
static int is_wordy(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalpha((unsigned char)v[i]) && !is_separator(v[i]) && v[i] != '/')
			return 0;
	return 1;
}

/* Three %XX escapes or more: percent-encoded text, which the decoder
 * judges decoded (a value cut from a deeper encoding keeps some:
 * decoded-%73%65%63%72%65%74-value). */
static int is_percent_encoded(const char *v, size_t len)
{
	size_t i, escapes = 0;

	for (i = 0; i + 2 < len; i++)
		if (v[i] == '%' && isxdigit((unsigned char)v[i + 1]) &&
		    isxdigit((unsigned char)v[i + 2]))
			escapes++;
	return escapes >= 3;
}

/* $NAME, %NAME%, "+name, @/etc/passwd, /run/secrets/db, percent-encoded
 * text, and the parts above. */
static int is_reference(const char *v, size_t len)
{
	const char *const *p;

	if (v[0] == '$' || (v[0] == '%' && v[len - 1] == '%') || is_percent_encoded(v, len))
		return 1;
	for (p = name_starts; *p; p++) {
		size_t n = strlen(*p);

		if (len > n && strncmp(v, *p, n) == 0 && is_wordy(v + n, len - n))
			return 1;
	}
	for (p = reference_parts; *p; p++)
		if (lg__contains_nocase(v, len, *p))
			return 1;
	return 0;
}

/* Lower-case letters from `i`: how many, and whether a vowel is among them. */
static size_t lower_run(const char *p, size_t len, size_t i, int *vowel)
{
	size_t start = i;

	*vowel = 0;
	for (; i < len && islower((unsigned char)p[i]); i++)
		*vowel |= strchr("aeiouy", p[i]) != NULL;
	return i - start;
}

/*
 * One part of a name written in camelCase or PascalCase: words, each a
 * run of lower-case letters with a vowel, three letters or more after
 * capitals (YYerror, AuthToken, kSecretName, HTTPServer, userID, keyV2).
 * Chance mixes the cases letter by letter and leaves short runs between
 * capitals (the "s" of kCYXdltpgqUsGyvQ, the "fg" of eiWfgDqfvVYPOX), a
 * lone capital at the end (qkzN), letters with no vowel, or a digit.
 */
static int is_camel_part(const char *p, size_t len, int versioned)
{
	size_t i, run, caps;
	int vowel;

	/* a lower-case start: k (kSecret), get (getToken), api (apiKey) */
	i = run = lower_run(p, len, 0, &vowel);
	if (run >= 2 && !vowel)
		return 0;
	while (i < len) {
		for (caps = 0; i < len && isupper((unsigned char)p[i]); i++)
			caps++;
		run = lower_run(p, len, i, &vowel);
		i += run;
		/* a lone capital ends a part only before a version: apiKeyV2 */
		if (run ? run < 3 || !vowel : (caps < 2 && !(versioned && i == len)))
			return 0;
	}
	return 1;
}

/*
 * An identifier rather than a value: words joined by separators
 * (DB_PASSWORD_PROD, auth-token-v2, my.secret.key, encode_base64,
 * YYSYMBOL_YYerror, Constants.GOOGLE_API_KEY), each part made of letters
 * and at most one digit besides up to three ending it, or of a few
 * digits. A name that mixes the cases keeps each part's letters in one
 * case or in camelCase, and its digits at the ends of parts: chance mixes
 * the cases letter by letter and puts digits anywhere (RE_t1rcxewn7).
 */
static int is_identifier(const char *v, size_t len)
{
	size_t i = 0, parts = 0, all_upper = 0, all_lower = 0;
	int inner_digit = 0;

	while (i < len) {
		size_t start = i, letters = 0, digits = 0, upper = 0, lower = 0;
		size_t trailing = 0; /* digits ending the part: sha256, base64 */

		for (; i < len && !is_separator(v[i]); i++) {
			trailing = isdigit((unsigned char)v[i]) ? trailing + 1 : 0;
			if (isalpha((unsigned char)v[i])) {
				letters++;
				upper += isupper((unsigned char)v[i]) != 0;
				lower += islower((unsigned char)v[i]) != 0;
			}
			else if (isdigit((unsigned char)v[i]))
				digits++;
			else
				return 0;
		}
		if (i == start || (letters && digits - (trailing <= 3 ? trailing : 0) > 1) ||
		    (!letters && digits > 4))
			return 0;
		if (upper && lower && !is_camel_part(v + start, i - start - trailing, trailing > 0))
			return 0;
		inner_digit |= letters && digits != trailing;
		all_upper += upper;
		all_lower += lower;
		parts++;
		i++; /* the separator */
	}
	return parts >= 2 && (!inner_digit || !all_upper || !all_lower);
}

/* "password123", "Secret!", "admin_2024": an obvious word, and around it
 * only digits, separators and punctuation. */
static int is_obvious_word(const char *v, size_t len)
{
	const char *const *w;
	size_t i, letters = 0;

	for (i = 0; i < len; i++)
		letters += isalpha((unsigned char)v[i]) != 0;
	for (w = obvious_words; *w; w++) {
		size_t n = strlen(*w);

		/* The word holds every letter: nothing else spells a word. */
		if (lg__contains_nocase(v, len, *w) && letters <= n)
			return 1;
	}
	return 0;
}

/* "hunter2hunter2", "ab12ab12ab12": a shorter piece over and over. */
static int repeats(const char *v, size_t len)
{
	size_t p, i;

	for (p = 1; p <= len / 2; p++) {
		for (i = p; i < len && v[i] == v[i - p]; i++)
			;
		if (i == len)
			return 1;
	}
	return 0;
}

/* "12345678", "abcdefgh", "aabbccdd", "abcabcabcabc": most neighbours
 * one step apart or equal, or few distinct characters. */
static int is_run(const char *v, size_t len)
{
	size_t steps = 0, distinct = 0, i;
	unsigned char seen[256] = { 0 };

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		distinct += !seen[c];
		seen[c] = 1;
		if (i && abs((int)c - (unsigned char)v[i - 1]) <= 1)
			steps++;
	}
	/* A long hex value has at most 16 distinct characters. */
	return 2 * steps >= len - 1 || distinct < 4 || 4 * distinct < (len < 40 ? len : 40) ||
	       repeats(v, len);
}

/*
 * Enough kinds of character, and enough entropy for its length and
 * alphabet. Two classes at least. Letters alone (one random 16-letter
 * alphanumeric value in 16 has no digit) must mix the cases as chance
 * does, a quarter to three quarters upper case, which camelCase names
 * (MySuperSecretValue) and words do not. And an entropy of at least
 * ENTROPY_SHARE of the most its length and alphabet allow.
 */
static int looks_random(const char *v, size_t len)
{
	size_t i, lower = 0, upper = 0, digit = 0, other = 0, hex = 0;
	double alphabet = 0, most;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (islower(c))
			lower++;
		else if (isupper(c))
			upper++;
		else if (isdigit(c))
			digit++;
		else if (!is_separator((char)c))
			other++;
		hex += isxdigit(c) != 0;
	}
	if (!digit && !other && (4 * upper < len || 4 * lower < len))
		return 0;
	if ((lower != 0) + (upper != 0) + (digit != 0) + (other != 0) < 2)
		return 0;
	if (hex == len && !(lower && upper))
		alphabet = 16;
	else
		alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) +
			   (other ? 32 : 0);
	most = log2((double)len < alphabet ? (double)len : alphabet);
	return lg_entropy(v, len) >= ENTROPY_SHARE * most;
}

static int base64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes `v` as padded base64 into `out` (room for len / 4 * 3 bytes);
 * the decoded length, or 0 when it is not base64 of printable text. */
static size_t printable_base64(char *out, const char *v, size_t len)
{
	size_t i, n = 0, pad = 0;
	unsigned long bits = 0;

	if (len % 4 != 0)
		return 0;
	while (pad < 2 && pad < len && v[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++) {
		int d = base64_digit((unsigned char)v[i]);

		if (d < 0)
			return 0;
		bits = (bits << 6) | (unsigned long)d;
		if (i % 4 == 3) {
			out[n++] = (char)(bits >> 16);
			out[n++] = (char)(bits >> 8);
			out[n++] = (char)bits;
			bits = 0;
		}
	}
	if (pad == 2) {
		out[n++] = (char)(bits >> 4);
	} else if (pad == 1) {
		out[n++] = (char)(bits >> 10);
		out[n++] = (char)(bits >> 2);
	}
	for (i = 0; i < n; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			return 0;
	return n;
}

static int value_ok(const char *value, size_t len, int depth);

/*
 * A value in base64 whose bytes are all printable is text, and is judged
 * as that text: `userpwd=am9lOnNlY3JldA==` is "joe:secret", a name and a
 * word; its padding may be percent-encoded (%3d). Of text `name:password` (HTTP Basic credentials), the password.
 * Random base64 decodes to printable bytes alone 0.37^n of the time for n
 * bytes: one time in 150,000 for 12 bytes (16 characters).
 */
static int encodes_plain_text(const char *v, size_t len, int depth)
{
	char text[128], padded[130];
	const char *colon;
	size_t n, i, plen = 0;

	if (depth > 0 || len >= sizeof(padded))
		return 0;
	/* padding sent percent-encoded in a URL or a cookie: %3d is = */
	for (i = 0; i < len; i++) {
		if (v[i] == '%' && i + 2 < len && v[i + 1] == '3' && (v[i + 2] | 0x20) == 'd') {
			padded[plen++] = '=';
			i += 2;
		} else {
			padded[plen++] = v[i];
		}
	}
	if (plen > sizeof(text) / 3 * 4 || !(n = printable_base64(text, padded, plen)))
		return 0;
	colon = memchr(text, ':', n);
	if (colon)
		return !value_ok(colon + 1, n - (size_t)(colon + 1 - text), depth + 1);
	return !value_ok(text, n, depth + 1);
}

static int value_ok(const char *value, size_t len, int depth)
{
	if (len < MIN_GENERIC_LENGTH)
		return 0;
	return !is_reference(value, len) && !is_identifier(value, len) &&
	       !is_obvious_word(value, len) && !is_run(value, len) &&
	       looks_random(value, len) && !encodes_plain_text(value, len, depth);
}

int lg_generic_value_ok(const char *value, size_t len)
{
	return value_ok(value, len, 0);
}
