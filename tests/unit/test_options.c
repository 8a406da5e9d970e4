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
	lg_matcher_options o;
	lg_matcher *m = NULL;

	memset(&o, 0xAA, sizeof(o));
	ASSERT_EQ_INT(lg_matcher_options_init(&o, LG_MATCHER_OPTIONS_VERSION), 0);
	CHECK_EQ_INT(o.version, LG_MATCHER_OPTIONS_VERSION);
	CHECK(o.cache_dir == NULL && o.on_problem == NULL && o.payload == NULL);
	CHECK_EQ_INT(o.max_matches_per_buffer, 0);
	CHECK_EQ_INT(o.no_jit, 0);
	CHECK_EQ_INT(lg_matcher_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_matcher_new(&m, NULL, &o), LG_EINVALID);
	CHECK(m == NULL);
	CHECK(strstr(lg_error_last(), "lg_matcher_options") != NULL);
}

TEST(test_options__scan)
{
	lg_scan_options o;
	lg_report r;

	memset(&o, 0xAA, sizeof(o));
	ASSERT_EQ_INT(lg_scan_options_init(&o, LG_SCAN_OPTIONS_VERSION), 0);
	CHECK_EQ_INT(o.version, LG_SCAN_OPTIONS_VERSION);
	CHECK_EQ_INT(o.min_confidence, LG_CONFIDENCE_MEDIUM);
	CHECK(o.ignore == NULL && o.state == NULL && o.on_warning == NULL);
	CHECK_EQ_INT(o.stream_threshold, 0);
	CHECK_EQ_INT(lg_scan_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_scan_path(&r, NULL, "/nonexistent", &o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "lg_scan_options") != NULL);
	CHECK_EQ_INT(r.count, 0);
	lg_report_free(&r);
}

TEST(test_options__report)
{
	lg_report_options o;
	lg_report r;

	memset(&r, 0, sizeof(r));
	memset(&o, 0xAA, sizeof(o));
	ASSERT_EQ_INT(lg_report_options_init(&o, LG_REPORT_OPTIONS_VERSION), 0);
	CHECK_EQ_INT(o.version, LG_REPORT_OPTIONS_VERSION);
	CHECK_EQ_INT(o.format, LG_FORMAT_TEXT);
	CHECK_EQ_INT(o.show_secrets, 0);
	CHECK_EQ_INT(lg_report_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_report_write(stdout, &r, &o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "lg_report_options") != NULL);
}

TEST(test_options__verify)
{
	lg_verify_options o;
	lg_report r;

	memset(&r, 0, sizeof(r));
	memset(&o, 0xAA, sizeof(o));
	ASSERT_EQ_INT(lg_verify_options_init(&o, LG_VERIFY_OPTIONS_VERSION), 0);
	CHECK_EQ_INT(o.version, LG_VERIFY_OPTIONS_VERSION);
	CHECK_EQ_INT(lg_verify_options_init(&o, BAD_VERSION), LG_EINVALID);
	o.version = BAD_VERSION;
	CHECK_EQ_INT(lg_verify_report(&r, &o), LG_EINVALID);
	CHECK(strstr(lg_error_last(), "lg_verify_options") != NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_options__matcher),
	TEST_ENTRY(test_options__scan),
	TEST_ENTRY(test_options__report),
	TEST_ENTRY(test_options__verify),
};

TEST_MAIN(tests)
