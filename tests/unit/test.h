/*
 * test.h - a minimal unit-test harness: each test file defines its tests
 * with TEST(name) and lists them in a TESTS table; failures print the file,
 * line and expression, and the executable exits 1.
 */
#ifndef LG_TEST_H
#define LG_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test__failures;

#define TEST(name) static void name(void)

#define CHECK(expr)                                                            \
	do {                                                                   \
		if (!(expr)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #expr);                              \
			test__failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                     \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, a_, b_);           \
			test__failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                     \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                       \
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)", \
				b_ ? b_ : "(null)");                           \
			test__failures++;                                      \
		}                                                              \
	} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_ENTRY(fn) { #fn, fn }

/* Runs the tests named on the command line, or all of them. */
static inline int test_main(const struct test_case *tests, size_t n, int argc,
			    char **argv)
{
	size_t i, ran = 0;
	int j;

	for (i = 0; i < n; i++) {
		int selected = argc < 2;
		for (j = 1; j < argc; j++)
			selected |= strcmp(argv[j], tests[i].name) == 0;
		if (!selected)
			continue;
		int before = test__failures;
		tests[i].fn();
		printf("%s %s\n", test__failures == before ? "ok  " : "FAIL",
		       tests[i].name);
		ran++;
	}
	printf("%zu tests, %d failed checks\n", ran, test__failures);
	return test__failures ? 1 : 0;
}

#define TEST_MAIN(table)                                                       \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		return test_main(table, sizeof(table) / sizeof(table[0]), argc, \
				 argv);                                        \
	}

#endif
