/*
 * checksum.c - the CRC32 checksum that GitHub and npm tokens end in.
 *
 * A token such as ghp_ + 30 random characters + 6 characters carries the
 * CRC32 of the random part in base62; checking it tells a real token from
 * a string that only looks like one. (The CRC32 itself is util's.)
 */
#include "rules/rules.h"

#include <string.h>

#define TOKEN_RANDOM_LEN 30
#define TOKEN_CHECKSUM_LEN 6

static const char base62_digits[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void lg_checksum__base62(char out[7], uint32_t value)
{
	int i;

	for (i = TOKEN_CHECKSUM_LEN - 1; i >= 0; i--) {
		out[i] = base62_digits[value % 62];
		value /= 62;
	}
	out[TOKEN_CHECKSUM_LEN] = '\0';
}

int lg_checksum__token_valid(const char *token, size_t len)
{
	const char *body;
	char expected[7];

	if (len < TOKEN_RANDOM_LEN + TOKEN_CHECKSUM_LEN)
		return 0;
	body = token + len - TOKEN_RANDOM_LEN - TOKEN_CHECKSUM_LEN;
	lg_checksum__base62(expected, lg__crc32(body, TOKEN_RANDOM_LEN));
	return memcmp(expected, body + TOKEN_RANDOM_LEN, TOKEN_CHECKSUM_LEN) == 0;
}
