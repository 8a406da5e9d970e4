/*
 * sha256.c - SHA-256 and base64 for the HTML report's Content-Security-Policy
 * (a browser runs an inline script or style only when the policy names the
 * base64 SHA-256 of its text) and for the AWS SigV4 signer. Both come from
 * libcrypto, which leakgate links for verification anyway: no digest is
 * written by hand. This file is the one place in util/ that includes it.
 */
#include "util/util.h"

#include <openssl/evp.h>

int lg__sha256(unsigned char out[32], const void *data, size_t len)
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != 32)
		return lg_error_set(LG_ERROR, "SHA-256 failed in libcrypto");
	return 0;
}

int lg__base64(lg_buf *b, const unsigned char *data, size_t len)
{
	/* EVP_EncodeBlock takes an int length and writes 4 bytes per 3 plus a
	 * NUL; encoding in slices keeps both within bounds for any input. */
	enum { SLICE = 3 * 1024 };
	unsigned char quads[SLICE / 3 * 4 + 1];
	size_t done;
	int err = 0;

	for (done = 0; !err && done < len; done += SLICE) {
		size_t n = len - done < SLICE ? len - done : SLICE;
		int written = EVP_EncodeBlock(quads, data + done, (int)n);

		err = lg_buf__add(b, quads, (size_t)written);
	}
	return err;
}
