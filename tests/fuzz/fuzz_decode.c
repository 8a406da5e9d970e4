/* fuzz_decode.c - decoding encoded text (match/decode.c) and the secrets
 * the matcher finds in it, on arbitrary bytes:
 *  - every candidate span lies in the input, non-empty, at most the cap;
 *  - the base64 spans are exactly those of a plain byte-by-byte reading
 *    of the definition (the finder works 64 bytes at a time);
 *  - decoding a span never writes more than its length (into a buffer of
 *    exactly that length, so the sanitizers see one byte more);
 *  - the matcher, decoding to a depth of 2, reports every match inside
 *    the input, in order, a decoded one at an encoded span with a
 *    non-empty decoded secret and a known chain name. */
#include "match/match.h"
#include "rules/rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPANS 64

static lg_ruleset *rules;
static lg_matcher *matcher;
static lg_scratch *scratch;

/* Rules whose secrets decoding uncovers in the seeds: a token with a
 * prefix, a password after its name, and a line-anchored one. */
#define RULE(id, regex, extra)                                                 \
	"{\"id\": \"" id "\", \"name\": \"" id "\", \"description\": \"d\","   \
	" \"severity\": \"high\", \"regex\": \"" regex "\", " extra            \
	" \"examples\": [\"unused\"], \"negative_examples\": []}"
static const char rules_json[] = "["
	RULE("tok", "\\\\b(tok_[a-z0-9]{12})\\\\b", "\"secret_group\": 1,") ","
	RULE("pw", "(?i)password[\\\"']?\\\\s{0,3}[=:]\\\\s{0,3}[\\\"']?([A-Za-z0-9!@#]{8,40})",
	     "\"secret_group\": 1,") ","
	RULE("line", "^k=([a-z]{3,9})$", "\"secret_group\": 1,") ","
	RULE("pem", "-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----\\\\n[A-Za-z0-9+/=\\\\n]{8,200}", "")
	"]";

static void setup(void)
{
	if (lg_ruleset_load_buffer(&rules, "decode.json", rules_json, sizeof(rules_json) - 1,
				   NULL, NULL) != 0 ||
	    lg_matcher_new(&matcher, rules, NULL) != 0 || lg_scratch_new(&scratch, matcher) != 0)
		abort();
}

static int is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '-' || c == '_';
}

/* The base64 candidates by the definition: a maximal run of at least 20
 * base64 characters, then up to two '=', whole 4-character groups, with
 * an upper-case letter, a lower-case one and a digit, '+' or '/' among
 * its first 64 characters. */
static size_t reference_base64(lg_encoded_span *out, size_t max, const uint8_t *p, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		size_t s = i, pad = 0, k;
		int upper = 0, lower = 0, other = 0;

		if (!is_b64(p[i])) {
			i++;
			continue;
		}
		while (i < len && is_b64(p[i]))
			i++;
		while (i + pad < len && pad < 2 && p[i + pad] == '=')
			pad++;
		for (k = s; k < i && k < s + 64; k++) {
			upper |= p[k] >= 'A' && p[k] <= 'Z';
			lower |= p[k] >= 'a' && p[k] <= 'z';
			other |= (p[k] >= '0' && p[k] <= '9') || p[k] == '+' || p[k] == '/';
		}
		if (i - s >= 20 && (i - s + pad) % 4 == 0 && upper && lower && other)
			out[n++] = (lg_encoded_span){ s, i + pad, LG_DECODE_BASE64 };
	}
	return n;
}

static void check_spans(const uint8_t *data, size_t size)
{
	lg_encoded_span spans[MAX_SPANS], ref[MAX_SPANS];
	size_t n = lg_decode__find(spans, MAX_SPANS, (const char *)data, size), i, b64 = 0;
	size_t nref = reference_base64(ref, MAX_SPANS, data, size);

	if (n > MAX_SPANS)
		abort();
	for (i = 0; i < n; i++) {
		const lg_encoded_span *sp = &spans[i];
		size_t len = sp->end - sp->start;
		char *out;

		if (sp->start >= sp->end || sp->end > size || (unsigned)sp->kind > LG_DECODE_UTF16)
			abort();
		if (sp->kind == LG_DECODE_BASE64) {
			/* base64 spans come first, all of them unless the cap cut them */
			if (b64 != i || b64 >= nref || sp->start != ref[b64].start ||
			    sp->end != ref[b64].end)
				abort();
			b64++;
		}
		(void)lg_decode__promising((const char *)data, sp);
		if (!(out = malloc(len)))
			abort();
		if (lg_decode__span(out, (const char *)data, sp) > len)
			abort();
		free(out);
	}
	if (b64 != nref && n < MAX_SPANS)
		abort();
}

typedef struct {
	size_t size, last_start;
} bounds;

static int check_match(const lg_match *m, void *payload)
{
	bounds *b = payload;

	if (m->secret_start >= m->secret_end || m->secret_end > b->size ||
	    m->secret_start < b->last_start || m->line == 0 || m->column == 0)
		abort();
	if (m->decoded && (m->decoded_secret_len == 0 || !m->decoded_secret ||
			   strlen(m->decoded) < 5 || m->match_start != m->secret_start))
		abort();
	b->last_start = m->secret_start;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	bounds b = { size, 0 };

	if (!copy)
		abort();
	if (!matcher)
		setup();
	memcpy(copy, data, size); /* exactly `size` bytes: a read past them is seen */
	check_spans(copy, size);
	if (lg_matcher_scan(matcher, scratch, (const char *)copy, size, check_match, &b, NULL) != 0)
		abort();
	free(copy);
	return 0;
}
