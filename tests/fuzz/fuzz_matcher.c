/* fuzz_matcher.c - the scan engine with the full rule pack on arbitrary
 * bytes; every match must lie inside the buffer, in order. The same bytes
 * fed as a stream, in chunks whose size the first byte picks, must give
 * the very same matches. Not the same candidate count: a whole-buffer
 * scan runs a gated rule (keywords, no literal: "kw" here) only near its
 * keywords, a stream over every byte (matcher.c, "Not equal"). Streams
 * are not decoded (lg_matcher_options.no_decode), so neither is the
 * whole scan here; fuzz_decode fuzzes decoding. */
#include "match/match.h"
#include "rules/rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static lg_ruleset *rules, *small_rules;
static lg_matcher *matcher, *small_matcher;
static lg_scratch *scratch, *small_scratch;

/* Narrow rules (no unbounded one), so that a stream keeps a tail of a few
 * hundred bytes and short inputs cross many windows. */
#define RULE(id, regex, extra)                                                 \
	"{\"id\": \"" id "\", \"name\": \"" id "\", \"description\": \"d\","   \
	" \"severity\": \"high\", \"regex\": \"" regex "\", " extra            \
	" \"examples\": [\"unused\"], \"negative_examples\": []}"
static const char small_json[] = "["
	RULE("sid", "\\\\bAC[0-9a-f]{32}\\\\b", "") ","
	RULE("token", "(?i)auth_token\\\\s{0,3}[=:]\\\\s{0,3}([0-9a-f]{8,32})\\\\b",
	     "\"secret_group\": 1,") ","
	RULE("ahead", "pw_[a-z0-9]{4,12}(?![a-z0-9])", "") ","
	RULE("greedy", "gr_[a-z0-9]{2,40}", "") ","
	RULE("line", "^k=([a-z]{3,9})$", "\"secret_group\": 1,") ","
	RULE("kw", "\\\\b([A-Z]{2}[0-9]{4})\\\\b", "\"secret_group\": 1, \"keywords\": [\"vault\"],")
	"]";

static void setup(void)
{
	const char *paths[1] = { LEAKGATE_SOURCE_DIR "/patterns" };
	lg_matcher_options opts = LG_MATCHER_OPTIONS_INIT;

	opts.no_decode = 1;

	if (lg_ruleset_load(&rules, paths, 1, NULL, NULL) != 0 ||
	    lg_matcher_new(&matcher, rules, &opts) != 0 ||
	    lg_scratch_new(&scratch, matcher) != 0 ||
	    lg_ruleset_load_buffer(&small_rules, "small.json", small_json,
				   sizeof(small_json) - 1, NULL, NULL) != 0 ||
	    lg_matcher_new(&small_matcher, small_rules, &opts) != 0 ||
	    lg_scratch_new(&small_scratch, small_matcher) != 0)
		abort();
}

typedef struct {
	const uint8_t *data;
	size_t len, last_start;
	lg_match *v;
	size_t count, alloc;
	size_t next; /* streams: the next whole-scan match to compare with */
} bounds;

static int check_match(const lg_match *m, void *payload)
{
	bounds *b = payload;

	if (m->secret_start >= m->secret_end || m->secret_end > b->len ||
	    m->match_start > m->secret_start || m->secret_start < b->last_start ||
	    m->line == 0 || m->column == 0 || m->line_start > m->secret_start)
		abort();
	b->last_start = m->secret_start;
	if (b->count == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 16;
		if (!(b->v = realloc(b->v, b->alloc * sizeof(*b->v))))
			abort();
	}
	b->v[b->count++] = *m;
	return 0;
}

/* A stream's match must be the whole scan's next one, and its bytes the
 * input's. */
static int check_stream_match(const lg_match *m, const char *bytes, size_t from,
			      void *payload)
{
	bounds *b = payload;
	const lg_match *w = b->next < b->count ? &b->v[b->next++] : NULL;

	if (!w || memcmp(m, w, sizeof(*m)) != 0 || from > m->secret_start ||
	    memcmp(bytes + (m->secret_start - from), b->data + m->secret_start,
		   m->secret_end - m->secret_start) != 0)
		abort();
	return 0;
}

/* Scans `data` whole and as a stream of `chunk`-byte chunks. */
static void scan_both(const lg_matcher *m, lg_scratch *s, const uint8_t *data, size_t size,
		      size_t chunk)
{
	bounds b = { data, size, 0, NULL, 0, 0, 0 };
	lg_scan_result whole, streamed;
	lg_stream *st;
	size_t off;

	if (lg_matcher_scan(m, s, (const char *)data, size, check_match, &b,
			    &whole) != 0)
		abort();
	if (lg_matcher__stream_new(&st, m, s, 120, check_stream_match, &b) != 0)
		abort();
	for (off = 0; off < size; off += chunk)
		if (lg_matcher__stream_feed(st, (const char *)data + off,
					    size - off < chunk ? size - off : chunk) != 0)
			abort();
	if (lg_matcher__stream_finish(st, &streamed) != 0 || b.next != b.count ||
	    streamed.matches != whole.matches || streamed.capped != whole.capped ||
	    streamed.binary != whole.binary)
		abort();
	lg_matcher__stream_free(st);
	free(b.v);
}

/* libFuzzer calls this once, before the first input and outside its
 * -timeout: with a cold database cache (a new build), compiling the whole
 * pack took over the 20 s the test command allows an input on a loaded
 * machine. The replay driver does not call it: its first input sets up. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk = size ? 1 + data[0] % 97 : 1;

	if (!matcher)
		setup();
	scan_both(matcher, scratch, data, size, chunk);
	scan_both(small_matcher, small_scratch, data, size, chunk);
	return 0;
}
