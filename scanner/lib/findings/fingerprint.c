/*
 * fingerprint.c - a finding's fingerprint: a stable id of (rule, secret,
 * where) that an ignore file or a baseline names it by.
 */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>

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


int lg_fingerprint__is_valid(const char *s, size_t len)
{
	size_t i;

	if (len != LG_FINGERPRINT_HEXLEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}
