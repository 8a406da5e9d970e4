/* fuzz_matcher.c - the scan engine with the full rule pack on arbitrary
 * bytes; every match must lie inside the buffer, in order. */
#include "leakgate.h"

#include <stdint.h>
#include <stdlib.h>

static lg_ruleset *rules;
static lg_matcher *matcher;
static lg_scratch *scratch;

static void setup(void)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };

	if (lg_ruleset_load(&rules, paths, 1, NULL, NULL) != 0 ||
	    lg_matcher_new(&matcher, rules, NULL) != 0 ||
	    lg_scratch_new(&scratch, matcher) != 0)
		abort();
}

typedef struct {
	size_t len, last_start;
} bounds;

static int check_match(const lg_match *m, void *payload)
{
	bounds *b = payload;

	if (m->secret_start >= m->secret_end || m->secret_end > b->len ||
	    m->match_start > m->secret_start || m->secret_start < b->last_start ||
	    m->line == 0 || m->column == 0 || m->line_start > m->secret_start)
		abort();
	b->last_start = m->secret_start;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bounds b = { size, 0 };

	if (!matcher)
		setup();
	lg_matcher_scan(matcher, scratch, (const char *)data, size, check_match, &b, NULL);
	return 0;
}
