/*
 * placeholder.c - the shared placeholder filter, applied to every rule's
 * secret after the rule's own `allow` patterns.
 *
 * Documentation files and templates (.env.example) are full of values that
 * have the shape of a credential but are not one. Each entry below is one
 * kind of placeholder; patterns/README.md lists them for rule authors.
 */
#include "rules/rules.h"

#include <string.h>
#include <strings.h>

/* Words that mark a value as made up, matched anywhere, ignoring case. */
static const char *const placeholder_words[] = {
	"xxxx",          /* ACxxxxxxxx..., XXXX-XXXX */
	"example",       /* AKIAIOSFODNN7EXAMPLE, example-token */
	"sample",
	"dummy",
	"changeme",
	"change_me",
	"change-me",
	"placeholder",
	"redacted",
	"****",          /* masked in a log or a screenshot */
	"...",           /* elided */
	"%s", "%(",      /* format strings */
	"${", "{{",      /* shell, Compose, Helm, Jinja, Mustache templates */
	NULL
};

/* Reads of the environment or of a secret store: the value is elsewhere. */
static const char *const environment_reads[] = {
	"process.env",   /* Node.js */
	"os.environ",    /* Python */
	"os.getenv",
	"getenv(",       /* C, PHP, Ruby, Go's os.Getenv */
	"env[",          /* Ruby ENV['X'], PHP $_ENV['X'] */
	"$env{",         /* Perl */
	"system.getenv", /* Java */
	"environment.getenvironmentvariable", /* .NET */
	"secrets.",      /* GitHub Actions ${{ secrets.X }} */
	NULL
};

static int starts_with_nocase(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* "your_auth_token_here", "your-api-key", "YOUR_TOKEN". */
static int is_your_value(const char *s, size_t len)
{
	return starts_with_nocase(s, len, "your_") ||
		starts_with_nocase(s, len, "your-") ||
		(lg__contains_nocase(s, len, "your") && lg__contains_nocase(s, len, "here"));
}

/* "<generate-a-secure-random-token>", "<TOKEN>" anywhere in the value. */
static int has_angle_brackets(const char *s, size_t len)
{
	const char *open = memchr(s, '<', len);

	return open && memchr(open, '>', len - (size_t)(open - s)) != NULL;
}

/* "aaaaaaaa", "00000000": one character repeated. */
static int is_one_character(const char *s, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

/* "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "...bcdefghijklmn...": a
 * filler typed along the alphabet, ALPHABET_RUN characters or more each
 * one after the other. Chance strings this long along the alphabet one
 * time in 62^11; 0123456789abcdef, a common hex example, is two shorter
 * runs. */
#define ALPHABET_RUN 12

static int has_alphabet_run(const char *s, size_t len)
{
	size_t i, run = 1;

	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		run = (c == (unsigned char)s[i - 1] + 1 &&
		       ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			      ? run + 1
			      : 1;
		if (run >= ALPHABET_RUN)
			return 1;
	}
	return 0;
}

int lg_is_placeholder(const char *secret, size_t len)
{
	const char *const *w;

	if (len == 0 || is_one_character(secret, len) || has_alphabet_run(secret, len))
		return 1;
	for (w = placeholder_words; *w; w++)
		if (lg__contains_nocase(secret, len, *w))
			return 1;
	for (w = environment_reads; *w; w++)
		if (lg__contains_nocase(secret, len, *w))
			return 1;
	return is_your_value(secret, len) || has_angle_brackets(secret, len);
}
