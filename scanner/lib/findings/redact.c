/*
 * redact.c - the redacted form of a secret that reports show: at most a few
 * characters of its start and an ellipsis, never the whole secret.
 */
#include "findings/findings.h"

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

