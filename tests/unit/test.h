/*
 * test.h - a minimal unit-test harness: each test file defines its tests
 * with TEST(test_<module>__<case>) and lists them in a table; failures print
 * the file, line and expression, and the executable exits 1.
 *
 * CHECK* records a failure and goes on; ASSERT* records it and stops the
 * test (for a check the rest of the test depends on). SKIP(why) stops a
 * test that cannot run its check here, says why, and is counted: a skipped
 * test is never reported as passing. When every test that ran was skipped,
 * the executable exits TEST_SKIP_CODE, which ctest shows as "Skipped".
 */
#ifndef LG_TEST_H
#define LG_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test__failures;
static int test__skipped;           /* tests skipped so far */
static const char *test__skip_reason; /* the current test's, or NULL */

/* The exit status ctest's SKIP_RETURN_CODE maps to "Skipped". */
#define TEST_SKIP_CODE 77

#define TEST(name) static void name(void)

/* Stops the current test, counted as skipped, saying `why`. */
#define SKIP(why)                                                              \
	do {                                                                   \
		test__skip_reason = (why);                                     \
		return;                                                        \
	} while (0)

/* CHECK that stops the test when it fails. */
#define ASSERT(expr)                                                           \
	do {                                                                   \
		if (!(expr)) {                                                 \
			fprintf(stderr, "%s:%d: assertion failed: %s\n",      \
				__FILE__, __LINE__, #expr);                    \
			test__failures++;                                      \
			return;                                                \
		}                                                              \
	} while (0)

#define ASSERT_EQ_INT(a, b)                                                    \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, a_, b_);           \
			test__failures++;                                      \
			return;                                                \
		}                                                              \
	} while (0)

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
		test__skip_reason = NULL;
		tests[i].fn();
		if (test__failures != before)
			printf("FAIL %s\n", tests[i].name);
		else if (test__skip_reason)
			printf("skip %s: %s\n", tests[i].name, test__skip_reason);
		else
			printf("ok   %s\n", tests[i].name);
		test__skipped += test__skip_reason != NULL && test__failures == before;
		ran++;
	}
	printf("%zu tests, %d skipped, %d failed checks\n", ran, test__skipped,
	       test__failures);
	if (test__failures)
		return 1;
	return ran && (size_t)test__skipped == ran ? TEST_SKIP_CODE : 0;
}

/* Writes `text` to dir/name, replacing it; a failure is a failed check. */
static inline void test_write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		CHECK(fputs(text, f) >= 0);
		CHECK(fclose(f) == 0);
	}
}

#define TEST_MAIN(table)                                                       \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		return test_main(table, sizeof(table) / sizeof(table[0]), argc, \
				 argv);                                        \
	}

#endif
