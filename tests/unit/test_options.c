/*
 * test_options.c - every options struct: lg_*_options_init fills the
 * defaults of the version asked for and refuses another version, and the
 * functions taking the struct refuse one of another version (LG_EINVALID,
 * naming the struct), as a caller built against another leakgate would
 * pass it.
 */
#include "leakgate.h"
#include "test.h"

#define BAD_VERSION 99

TEST(test_options__matcher)
{
	lg_matcher_options o, tmpl = LG_MATCHER_OPTIONS_INIT;
	lg_matcher *m = NULL;

	ASSERT_EQ_INT(lg_matcher_options_init(&o, LG_MATCHER_OPTIONS_VERSION), 0);
	CHECK(memcmp(&o, &tmpl, sizeof(o)) == 0);
	CHECK_EQ_INT(lg_matcher_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_matcher_new(&m, NULL, &o), LG_EINVALID);
	CHECK(m == NULL);
	CHECK(strstr(lg_error_last(), "lg_matcher_options") != NULL);
}

TEST(test_options__scan)
{
	lg_scan_options o, tmpl = LG_SCAN_OPTIONS_INIT;
	lg_report r;

	ASSERT_EQ_INT(lg_scan_options_init(&o, LG_SCAN_OPTIONS_VERSION), 0);
	CHECK(memcmp(&o, &tmpl, sizeof(o)) == 0);
	CHECK_EQ_INT(lg_scan_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_scan_path(&r, NULL, "/nonexistent", &o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "lg_scan_options") != NULL);
	CHECK_EQ_INT(r.count, 0);
	lg_report_free(&r);
}

TEST(test_options__report)
{
	lg_report_options o, tmpl = LG_REPORT_OPTIONS_INIT;
	lg_report r;

	memset(&r, 0, sizeof(r));
	ASSERT_EQ_INT(lg_report_options_init(&o, LG_REPORT_OPTIONS_VERSION), 0);
	CHECK(memcmp(&o, &tmpl, sizeof(o)) == 0);
	CHECK_EQ_INT(lg_report_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_report_write(stdout, &r, &o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "lg_report_options") != NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_options__matcher),
	TEST_ENTRY(test_options__scan),
	TEST_ENTRY(test_options__report),
};

TEST_MAIN(tests)
