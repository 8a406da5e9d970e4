/*
 * matcher.c - two-stage matching: Hyperscan finds candidates, PCRE2
 * confirms them and extracts the secret.
 *
 * Every rule is compiled into one Hyperscan block-mode database, so a
 * few hundred rules cost one pass over the bytes. Start-of-match tracking
 * (HS_FLAG_SOM_LEFTMOST) would slow Hyperscan down and grow its scratch;
 * instead each report (rule, end offset) is confirmed by running the rule's
 * PCRE2 regex in a window that ends at the reported end and is as wide as
 * the rule's longest match (hs_expression_info), capped for unbounded
 * rules. PCRE2 runs over the whole buffer from the window's start, so
 * lookbehinds and \b see the real context.
 */
#include "internal.h"

#include <hs/hs.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WINDOW_CAP 4096              /* confirm window of unbounded rules */
#define KEYWORD_WINDOW 256           /* bytes before a match searched for keywords */
#define DEFAULT_MAX_MATCHES 10000    /* confirmed matches per buffer */
#define MAX_CANDIDATES 1000000       /* Hyperscan reports per buffer */
#define PCRE2_MATCH_LIMIT 100000     /* bounds catastrophic backtracking */
#define PCRE2_DEPTH_LIMIT 10000
#define BINARY_PROBE 8000            /* git's heuristic: a NUL in the first 8000 bytes */
#define ALLOW_MARKER "leakgate:allow"

typedef struct {
	pcre2_code *regex;
	pcre2_code **allow;
	size_t allow_count;
	size_t window;
	/* The regexes compile on the rule's first candidate: most rules never
	 * fire on a given push, and compiling (with JIT) hundreds of them
	 * would be most of a hook's start-up. `ready` publishes them. */
	atomic_int ready;
} compiled_rule;

struct lg_matcher {
	const lg_ruleset *rules;
	const hs_database_t *db;
	lg_dbcache_map db_map; /* where db lies when it came from the cache */
	/* Allocated once (Hyperscan checks the database then, CRC and all);
	 * each lg_scratch clones it. */
	hs_scratch_t *proto;
	compiled_rule *compiled;
	size_t count;
	size_t max_matches;
	pcre2_match_context *mctx;
	pthread_mutex_t compile_lock;
};

struct lg_scratch {
	const lg_matcher *m;
	hs_scratch_t *hs;
	pcre2_match_data *md;
	size_t *scanned_upto; /* per rule: confirmed up to this offset */
	lg_match *found;
	size_t found_count, found_alloc;
	size_t candidates;
	int capped;
	int oom;
	/* the buffer being scanned */
	const char *buf;
	size_t len;
};

/* ------------------------------------------------------------------------
 * Building the matcher
 * ---------------------------------------------------------------------- */

/* Compiles `pattern` with PCRE2 and JIT-compiles it where the platform
 * allows (without JIT it still works, only slower). LEAKGATE_NO_JIT turns
 * JIT off for memory checkers: its SIMD loads may read a few bytes past
 * the subject's end, never across a page, which valgrind cannot tell from
 * a bug. */
static pcre2_code *compile_pcre2(const char *pattern, uint32_t options)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern,
					 PCRE2_ZERO_TERMINATED, options,
					 &errcode, &erroff, NULL);
	const char *no_jit = getenv("LEAKGATE_NO_JIT");

	if (code && !(no_jit && *no_jit && strcmp(no_jit, "0") != 0))
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static void compiled_rule_release(compiled_rule *c)
{
	size_t i;

	pcre2_code_free(c->regex);
	for (i = 0; i < c->allow_count; i++)
		pcre2_code_free(c->allow[i]);
	free(c->allow);
}

/* Compiles rule `r`'s regexes into `c`. The loader checked that PCRE2
 * takes them, so a failure here means memory ran out. */
static int compile_rule(compiled_rule *c, const lg_rule *r)
{
	size_t i;

	if (!(c->regex = compile_pcre2(r->regex, PCRE2_MULTILINE)))
		return lg_error_set(LG_ERULES, "rule %s: PCRE2 refuses its regex", r->id);
	if (r->allow_count &&
	    !(c->allow = calloc(r->allow_count, sizeof(*c->allow))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (i = 0; i < r->allow_count; i++, c->allow_count++)
		if (!(c->allow[i] = compile_pcre2(r->allow[i], PCRE2_CASELESS)))
			return lg_error_set(LG_ERULES, "rule %s: PCRE2 refuses allow pattern %zu",
					    r->id, i + 1);
	return 0;
}

/* Compiles every rule into one Hyperscan database. A refusal names the
 * rule with Hyperscan's own message. */
static int compile_database(lg_matcher *m)
{
	hs_database_t *db = NULL;
	size_t n = m->count, i;
	const char **exprs = calloc(n, sizeof(*exprs));
	unsigned *flags = calloc(n, sizeof(*flags));
	unsigned *ids = calloc(n, sizeof(*ids));
	hs_compile_error_t *err = NULL;
	int rc = 0;

	if (!exprs || !flags || !ids) {
		rc = lg_error_set(LG_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const lg_rule *r = lg_ruleset_get(m->rules, i);

		exprs[i] = r->regex;
		flags[i] = HS_FLAG_MULTILINE | (r->prefilter ? HS_FLAG_PREFILTER : 0);
		ids[i] = (unsigned)i;
	}
	if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL,
			     &db, &err) == HS_SUCCESS) {
		m->db = db;
	} else {
		if (err && err->expression >= 0 && (size_t)err->expression < n)
			rc = lg_error_set(LG_ERULES, "rule %s: Hyperscan refuses it: %s",
					  lg_ruleset_get(m->rules, (size_t)err->expression)->id,
					  err->message);
		else
			rc = lg_error_set(LG_ERULES, "Hyperscan cannot compile the rules: %s",
					  err ? err->message : "unknown error");
		hs_free_compile_error(err);
	}
out:
	free(exprs);
	free(flags);
	free(ids);
	return rc;
}

/* Takes the database from the cache when it holds one for these rules,
 * this Hyperscan and this CPU; otherwise compiles it and stores it there.
 * The cache is an optimisation: failing to write it is not an error. */
static int load_database(lg_matcher *m, const lg_matcher_options *opts)
{
	lg_ruleset *rules = (lg_ruleset *)m->rules; /* facts are filled in here */
	const char *cache_dir = opts ? opts->cache_dir : NULL;
	char key[41];
	int err;

	if (cache_dir) {
		lg_dbcache__key(key, lg_ruleset_hash(rules));
		if (lg_dbcache__load(&m->db, &m->proto, &m->db_map, rules, cache_dir, key) == 0)
			return 0;
	}
	if ((err = lg_ruleset__hyperscan_facts(rules, opts ? opts->on_problem : NULL,
					       opts ? opts->payload : NULL)) != 0 ||
	    (err = compile_database(m)) != 0)
		return err;
	if (hs_alloc_scratch(m->db, &m->proto) != HS_SUCCESS)
		return lg_error_set(LG_ENOMEM, "cannot allocate matcher scratch");
	if (cache_dir)
		lg_dbcache__store(m->db, rules, cache_dir, key);
	return 0;
}

int lg_matcher_new(lg_matcher **out, const lg_ruleset *rules,
		   const lg_matcher_options *opts)
{
	lg_matcher *m = calloc(1, sizeof(*m));
	size_t i;
	int err = 0;

	if (!m)
		return lg_error_set(LG_ENOMEM, "out of memory");
	m->rules = rules;
	m->count = lg_ruleset_count(rules);
	m->max_matches = opts && opts->max_matches_per_buffer ?
		opts->max_matches_per_buffer : DEFAULT_MAX_MATCHES;
	m->compiled = calloc(m->count ? m->count : 1, sizeof(*m->compiled));
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->compiled || !m->mctx) {
		lg_matcher_free(m);
		return lg_error_set(LG_ENOMEM, "out of memory");
	}
	pcre2_set_match_limit(m->mctx, PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, PCRE2_DEPTH_LIMIT);
	pthread_mutex_init(&m->compile_lock, NULL);
	for (i = 0; i < m->count; i++)
		atomic_init(&m->compiled[i].ready, 0);
	if (!err)
		err = load_database(m, opts);
	for (i = 0; i < m->count && !err; i++) {
		const lg_rule *r = lg_ruleset_get(rules, i);

		m->compiled[i].window = r->max_width > WINDOW_CAP ? WINDOW_CAP : r->max_width;
	}
	if (err) {
		lg_matcher_free(m);
		return err;
	}
	*out = m;
	return 0;
}

const lg_ruleset *lg_matcher__rules(const lg_matcher *m)
{
	return m->rules;
}

void lg_matcher_free(lg_matcher *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; m->compiled && i < m->count; i++)
		compiled_rule_release(&m->compiled[i]);
	free(m->compiled);
	if (m->compiled)
		pthread_mutex_destroy(&m->compile_lock);
	hs_free_scratch(m->proto);
	if (m->db_map.base)
		lg_dbcache__unmap(&m->db_map);
	else
		hs_free_database((hs_database_t *)m->db); /* compiled here: ours to free */
	pcre2_match_context_free(m->mctx);
	free(m);
}

int lg_scratch_new(lg_scratch **out, const lg_matcher *m)
{
	lg_scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return lg_error_set(LG_ENOMEM, "out of memory");
	s->m = m;
	s->md = pcre2_match_data_create(100, NULL);
	s->scanned_upto = calloc(m->count ? m->count : 1, sizeof(*s->scanned_upto));
	if (!s->md || !s->scanned_upto ||
	    hs_clone_scratch(m->proto, &s->hs) != HS_SUCCESS) {
		lg_scratch_free(s);
		return lg_error_set(LG_ENOMEM, "cannot allocate matcher scratch");
	}
	*out = s;
	return 0;
}

void lg_scratch_free(lg_scratch *s)
{
	if (!s)
		return;
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	free(s->scanned_upto);
	free(s->found);
	free(s);
}

/* ------------------------------------------------------------------------
 * Filters applied to a confirmed secret
 * ---------------------------------------------------------------------- */

double lg_entropy(const char *s, size_t len)
{
	size_t counts[256] = { 0 };
	double h = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++) {
		if (counts[i]) {
			double p = (double)counts[i] / (double)len;
			h -= p * log2(p);
		}
	}
	return h;
}

/* At least one keyword must appear within the match or in the
 * KEYWORD_WINDOW bytes before it. */
static int keywords_near(const lg_rule *r, const char *buf, size_t start,
			 size_t end)
{
	size_t from = start > KEYWORD_WINDOW ? start - KEYWORD_WINDOW : 0, i;

	if (!r->keyword_count)
		return 1;
	for (i = 0; i < r->keyword_count; i++)
		if (lg__contains_nocase(buf + from, end - from, r->keywords[i]))
			return 1;
	return 0;
}

static int allowed_by_rule(const lg_matcher *m, lg_scratch *s, size_t rule,
			   const char *secret, size_t len)
{
	const compiled_rule *c = &m->compiled[rule];
	size_t i;

	for (i = 0; i < c->allow_count; i++)
		if (pcre2_match(c->allow[i], (PCRE2_SPTR)secret, len, 0, 0, s->md,
				m->mctx) >= 0)
			return 1;
	return 0;
}

static int checksum_ok(const lg_rule *r, const char *secret, size_t len)
{
	switch (r->checksum) {
	case LG_CHECKSUM_GITHUB_CRC32:
	case LG_CHECKSUM_NPM_CRC32:
		return lg_checksum__token_valid(secret, len);
	default:
		return 1;
	}
}

/* ------------------------------------------------------------------------
 * Scanning
 * ---------------------------------------------------------------------- */

static int push_found(lg_scratch *s, const lg_match *m)
{
	if (s->found_count == s->found_alloc) {
		size_t alloc = s->found_alloc ? s->found_alloc * 2 : 16;
		lg_match *p = realloc(s->found, alloc * sizeof(*p));

		if (!p)
			return -1;
		s->found = p;
		s->found_alloc = alloc;
	}
	s->found[s->found_count++] = *m;
	return 0;
}

/* Applies every filter to the confirmed match of rule `rule` and keeps it
 * when it passes. */
static void consider(lg_scratch *s, size_t rule, size_t mstart, size_t mend,
		     size_t sstart, size_t send)
{
	const lg_matcher *m = s->m;
	const lg_rule *r = lg_ruleset_get(m->rules, rule);
	const char *secret = s->buf + sstart;
	size_t slen = send - sstart;
	lg_match found;

	if (slen == 0)
		return;
	if (r->min_entropy > 0 && lg_entropy(secret, slen) < r->min_entropy)
		return;
	if (!keywords_near(r, s->buf, mstart, mend))
		return;
	if (!checksum_ok(r, secret, slen))
		return;
	if (allowed_by_rule(m, s, rule, secret, slen))
		return;
	if (lg_is_placeholder(secret, slen))
		return;
	memset(&found, 0, sizeof(found));
	found.rule = r;
	found.match_start = mstart;
	found.match_end = mend;
	found.secret_start = sstart;
	found.secret_end = send;
	if (push_found(s, &found) != 0)
		s->oom = 1;
}

/* The compiled regexes of rule `i`, compiled now if this is the rule's
 * first candidate; NULL when memory ran out. */
static const compiled_rule *ready_rule(const lg_matcher *m, size_t i)
{
	compiled_rule *c = &m->compiled[i];
	int ok = 1;

	if (atomic_load_explicit(&c->ready, memory_order_acquire))
		return c;
	pthread_mutex_lock((pthread_mutex_t *)&m->compile_lock);
	if (!atomic_load_explicit(&c->ready, memory_order_relaxed)) {
		ok = compile_rule(c, lg_ruleset_get(m->rules, i)) == 0;
		if (ok) {
			atomic_store_explicit(&c->ready, 1, memory_order_release);
		} else {
			compiled_rule_release(c);
			c->regex = NULL;
			c->allow = NULL;
			c->allow_count = 0;
		}
	}
	pthread_mutex_unlock((pthread_mutex_t *)&m->compile_lock);
	return ok ? c : NULL;
}

/* Confirms a Hyperscan report of rule `rule` ending at `end`. */
static void confirm(lg_scratch *s, size_t rule, size_t end)
{
	const lg_matcher *m = s->m;
	const compiled_rule *c = ready_rule(m, rule);
	const lg_rule *r = lg_ruleset_get(m->rules, rule);
	size_t from;
	PCRE2_SIZE *ov;
	int rc;

	if (!c) {
		s->oom = 1;
		return;
	}
	from = end > c->window ? end - c->window : 0;
	if (from < s->scanned_upto[rule])
		from = s->scanned_upto[rule];
	rc = pcre2_match(c->regex, (PCRE2_SPTR)s->buf, s->len, from, 0, s->md,
			 m->mctx);
	if (rc < 0) {
		/* No match (or a PCRE2 limit hit): nothing more to find for
		 * this rule before `end`. */
		s->scanned_upto[rule] = end;
		return;
	}
	ov = pcre2_get_ovector_pointer(s->md);
	if (ov[0] >= end) {
		/* The next match starts after this report: Hyperscan's
		 * candidate did not confirm (prefilter, or a window too
		 * narrow for an unbounded rule). */
		s->scanned_upto[rule] = end;
		return;
	}
	s->scanned_upto[rule] = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	if ((unsigned)rc > r->secret_group &&
	    ov[2 * r->secret_group] != PCRE2_UNSET)
		consider(s, rule, ov[0], ov[1], ov[2 * r->secret_group],
			 ov[2 * r->secret_group + 1]);
}

static int on_candidate(unsigned int id, unsigned long long from,
			unsigned long long to, unsigned int flags, void *ctx)
{
	lg_scratch *s = ctx;

	(void)from;
	(void)flags;
	if (++s->candidates > MAX_CANDIDATES || s->found_count >= s->m->max_matches) {
		s->capped = 1;
		return 1;
	}
	if (to > s->scanned_upto[id])
		confirm(s, id, (size_t)to);
	return s->oom;
}

static int compare_matches(const void *pa, const void *pb)
{
	const lg_match *a = pa, *b = pb;

	if (a->secret_start != b->secret_start)
		return a->secret_start < b->secret_start ? -1 : 1;
	if (a->rule->index != b->rule->index)
		return a->rule->index < b->rule->index ? -1 : 1;
	return a->secret_end < b->secret_end ? -1 : a->secret_end > b->secret_end;
}

/* When rules of different confidence find the very same secret (a
 * provider's rule and a generic assignment rule), the more confident ones
 * speak for it: one secret, not one finding per rule that saw it. Matches
 * are sorted by secret_start, so rivals sit in one run. */
static void keep_most_confident(lg_scratch *s)
{
	size_t i, j, run, kept = 0;

	for (i = 0; i < s->found_count; i = run) {
		for (run = i; run < s->found_count &&
		     s->found[run].secret_start == s->found[i].secret_start; run++)
			;
		for (j = i; j < run; j++) {
			const lg_match *m = &s->found[j];
			size_t k;
			int beaten = 0;

			for (k = i; k < run && !beaten; k++)
				beaten = s->found[k].secret_end == m->secret_end &&
					 s->found[k].rule->confidence > m->rule->confidence;
			if (!beaten)
				s->found[kept++] = *m;
		}
	}
	s->found_count = kept;
}

/* Counts code points (bytes that do not continue a UTF-8 sequence). */
static size_t code_points(const char *s, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* The line being located: its bounds, whether it carries the allow
 * marker, and a code-point count up to a position on it, all computed once
 * however many matches the line holds (a minified file is one huge line). */
typedef struct {
	size_t number, start, end;
	int allowed;
	size_t counted_to, points; /* code points in [start, counted_to) */
} line_cursor;

/* Moves the cursor to the line holding `offset` (never backwards: the
 * matches come sorted). A line spans [start, end), `end` being its \n or
 * the end of the buffer. */
static void cursor_seek(line_cursor *c, const char *buf, size_t len, size_t offset)
{
	const char *nl;
	size_t from;

	if (c->number && offset <= c->end)
		return;
	from = c->number ? c->end + 1 : 0;
	c->number++;
	while ((nl = memchr(buf + from, '\n', offset - from))) {
		c->number++;
		from = (size_t)(nl - buf) + 1;
	}
	c->start = from;
	nl = memchr(buf + from, '\n', len - from);
	c->end = nl ? (size_t)(nl - buf) : len;
	c->counted_to = c->start;
	c->points = 0;
	c->allowed = lg__contains_nocase(buf + c->start, c->end - c->start, ALLOW_MARKER);
}

/* Code points from the line start to `offset`, counting on from the
 * previous match of the same line. */
static size_t cursor_column(line_cursor *c, const char *buf, size_t offset)
{
	c->points += code_points(buf + c->counted_to, offset - c->counted_to);
	c->counted_to = offset;
	return c->points + 1;
}

/*
 * Fills line and columns of the sorted matches in one forward pass, and
 * drops those on a line marked leakgate:allow. The line's content ends
 * before its \n and before a \r that precedes it.
 */
static void locate(lg_scratch *s)
{
	line_cursor c;
	size_t i, kept = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < s->found_count; i++) {
		lg_match *f = &s->found[i];
		size_t content_end, on_line_end;

		cursor_seek(&c, s->buf, s->len, f->secret_start);
		if (c.allowed)
			continue;
		content_end = c.end > c.start && s->buf[c.end - 1] == '\r' ? c.end - 1 : c.end;
		on_line_end = f->secret_end < content_end ? f->secret_end : content_end;
		f->line = c.number;
		f->line_start = c.start;
		f->line_end = content_end;
		f->column = cursor_column(&c, s->buf, f->secret_start);
		f->end_column = f->column + (on_line_end > f->secret_start ?
			code_points(s->buf + f->secret_start, on_line_end - f->secret_start) : 0);
		s->found[kept++] = *f;
	}
	s->found_count = kept;
}

int lg_matcher_scan(const lg_matcher *m, lg_scratch *s, const char *buf,
		    size_t len, lg_match_cb cb, void *payload,
		    lg_scan_result *result)
{
	size_t i, kept = 0;
	int rc = 0;

	s->buf = buf ? buf : "";
	s->len = buf ? len : 0;
	s->found_count = 0;
	s->candidates = 0;
	s->capped = 0;
	s->oom = 0;
	memset(s->scanned_upto, 0, m->count * sizeof(*s->scanned_upto));
	if (s->len > UINT32_MAX)
		return lg_error_set(LG_ELIMIT, "buffer of %zu bytes is too large to scan at once",
				    s->len);
	if (hs_scan(m->db, s->buf, (unsigned)s->len, 0, s->hs, on_candidate, s) ==
		    HS_SCAN_TERMINATED && s->oom)
		return lg_error_set(LG_ENOMEM, "out of memory");
	if (s->found_count > 1)
		qsort(s->found, s->found_count, sizeof(*s->found), compare_matches);
	/* A rule reports a secret once, even if Hyperscan led the confirm
	 * stage to it twice. */
	for (i = 0; i < s->found_count; i++)
		if (!kept || s->found[kept - 1].rule != s->found[i].rule ||
		    s->found[kept - 1].secret_start != s->found[i].secret_start ||
		    s->found[kept - 1].secret_end != s->found[i].secret_end)
			s->found[kept++] = s->found[i];
	s->found_count = kept;
	keep_most_confident(s);
	locate(s);
	for (i = 0; i < s->found_count && !rc; i++)
		if (cb(&s->found[i], payload))
			rc = LG_ESTOP;
	if (result) {
		result->candidates = s->candidates;
		result->matches = i;
		result->capped = s->capped;
		result->binary = memchr(s->buf, '\0', s->len < BINARY_PROBE ?
					s->len : BINARY_PROBE) != NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------------
 * Rule self-tests
 * ---------------------------------------------------------------------- */

typedef struct {
	const lg_rule *rule;
	int hit;
} check_state;

static int note_rule_hit(const lg_match *m, void *payload)
{
	check_state *st = payload;

	if (m->rule == st->rule)
		st->hit = 1;
	return 0;
}

int lg_rules_check(size_t *failures, const lg_matcher *m, lg_check_cb cb,
		   void *payload)
{
	lg_scratch *s;
	size_t i, k;
	int err;

	*failures = 0;
	if ((err = lg_scratch_new(&s, m)) != 0)
		return err;
	for (i = 0; i < m->count && !err; i++) {
		const lg_rule *r = lg_ruleset_get(m->rules, i);

		for (k = 0; k < r->example_count + r->negative_example_count && !err; k++) {
			int negative = k >= r->example_count;
			const char *ex = negative ? r->negative_examples[k - r->example_count]
						  : r->examples[k];
			check_state st = { r, 0 };

			err = lg_matcher_scan(m, s, ex, strlen(ex), note_rule_hit, &st, NULL);
			if (!err && st.hit == negative) {
				(*failures)++;
				if (cb)
					cb(r, ex, negative, payload);
			}
		}
	}
	lg_scratch_free(s);
	return err;
}
