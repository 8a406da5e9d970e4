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
 * lookbehinds and \b see the real context. A rule with keywords whose
 * regex has no literal runs gated: its keywords take its place in that
 * database and its own database runs only around their hits, with the
 * same findings (the section "Gated rules" below).
 */
#include "match/match.h"
#include "rules/rules.h"

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
#define KEYWORD_WINDOW 256           /* a stream's tail holds at least this much context */
#define DEFAULT_MAX_MATCHES 10000    /* confirmed matches per buffer */
#define MAX_CANDIDATES 1000000       /* Hyperscan reports per buffer */
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define PCRE2_MATCH_LIMIT 100000     /* bounds catastrophic backtracking */
#define PCRE2_DEPTH_LIMIT 10000
#define BINARY_PROBE 8000            /* git's heuristic: a NUL in the first 8000 bytes */
#define ALLOW_MARKER "leakgate:allow"
/* Streams assume no match of a rule Hyperscan calls unbounded is longer. */
#define STREAM_LONGEST_MATCH (64u << 10)

typedef struct {
	pcre2_code *regex;
	pcre2_code **allow;
	size_t allow_count;
	pcre2_code **context;  /* the rule's context patterns */
	size_t context_count;
	size_t window;
	/* The regexes compile on the rule's first candidate: most rules never
	 * fire on a given push, and compiling (with JIT) hundreds of them
	 * would be most of a hook's start-up. `ready` publishes them. */
	atomic_int ready;
} compiled_rule;

/* A rule that runs gated (see "Gated rules"): its own database, and what
 * bounds the reports whose matches a keyword hit can vouch for. */
typedef struct {
	size_t rule;
	const hs_database_t *db;
	size_t width;          /* the rule's widest match */
	size_t before, after;  /* its keyword window */
} gated_rule;

/* A gated rule's keyword, a literal of the main database whose id is the
 * rule count plus its index here. */
typedef struct {
	uint32_t gate; /* index into lg_matcher.gated */
	uint32_t len;
} gate_keyword;

struct lg_matcher {
	const lg_ruleset *rules;
	const hs_database_t *db; /* every rule, but the gated ones' keywords instead of them */
	lg_dbcache_map db_map; /* where the databases lie when they came from the cache */
	gated_rule *gated;
	size_t gated_count, gated_alloc;
	gate_keyword *keywords;
	size_t keyword_count, keywords_alloc;
	int no_gate; /* lg_matcher_options.no_gate */
	/* Allocated once (Hyperscan checks the database then, CRC and all);
	 * each lg_scratch clones it. */
	hs_scratch_t *proto;
	compiled_rule *compiled;
	/* Hyperscan's analysis of each rule (facts.c), or the cache's copy:
	 * the matcher's, so the ruleset stays read-only. */
	lg_rule_facts *facts;
	size_t count;
	size_t max_matches;
	int no_jit; /* lg_matcher_options.no_jit */
	int report_inline_allowed; /* lg_matcher_options.report_inline_allowed */
	int decode; /* not lg_matcher_options.no_decode */
	pcre2_match_context *mctx;
	pthread_mutex_t compile_lock;
	/* Streams: the bytes kept before the last handled report (0 until
	 * the first stream computes it), and the widest confirm window. */
	atomic_size_t stream_tail;
	size_t widest_window;
};

/* A confirmed match and, in a stream, a copy of the bytes around it (the
 * stream moves on; the callback still needs the secret and its line). */
typedef struct {
	lg_match m;
	char *bytes;        /* NULL in a whole-buffer scan */
	size_t bytes_from;  /* stream offset of bytes[0] */
	size_t bytes_len;
	int line_done;      /* line_end, end_column and `allowed` are known */
	int allowed;
} found_match;

/* A secret found in decoded text: the match located at the encoded span,
 * and its own copy of the decoded secret. */
typedef struct {
	lg_match m;
	char *secret;
} decoded_match;

/* A Hyperscan report: the rule, and the end offset in the buffer. */
typedef struct {
	uint32_t rule, end;
} candidate;

/* One rule's scanned_upto before the reports at the current end offset
 * changed it, so that they can be undone together (streams). */
typedef struct {
	size_t rule, upto;
} undo_entry;

struct lg_scratch {
	const lg_matcher *m;
	hs_scratch_t *hs;
	pcre2_match_data *md;
	size_t *scanned_upto; /* per rule: confirmed up to this offset */
	found_match *found;
	size_t found_count, found_alloc;
	size_t pushed;        /* confirmed in this scan (the cap counts them) */
	candidate *cands;     /* the reports of the buffer being scanned */
	size_t cand_count, cand_alloc;
	size_t candidates;
	int capped;
	int oom;
	/* the buffer being scanned: bytes [base, base + len) of the input */
	const char *buf;
	size_t len;
	size_t base;
	/* A stream's window: only reports ending in (done, accept_to] are
	 * handled; a confirm that needs bytes past the window (PCRE2
	 * partial match) undoes the reports at its end offset and stops. */
	int streaming;
	int partial;          /* confirm with PCRE2_PARTIAL_HARD */
	size_t done, accept_to;
	size_t group_end, group_found, group_pushed, group_candidates;
	undo_entry *undo;
	size_t undo_count;
	uint8_t *span_rules; /* lg_matcher__secret_spans: rules Hyperscan saw */
	/* Gated rules (whole-buffer scans): the keyword hits of the main
	 * scan, the reports of the region being scanned, the regions. */
	struct keyword_hit { uint32_t keyword, end; } *hits;
	size_t hit_count, hit_alloc;
	int hits_overflow;
	uint32_t *zone;
	size_t zone_count, zone_alloc, zone_from;
	int zone_full;
	struct report_range { size_t lo, hi; } *ranges;
	size_t range_count, range_alloc;
	/* Decoding (whole-buffer scans): how many decodings deep this scratch
	 * scans, the scratch that scans the decoded text one level deeper,
	 * and the secrets found there. */
	int depth;
	lg_scratch *inner;
	decoded_match *dec;
	size_t dec_count, dec_alloc;
	lg_buf dtext; /* the decoded text, kept from buffer to buffer */
};

/* ------------------------------------------------------------------------
 * Building the matcher
 * ---------------------------------------------------------------------- */

/* Compiles `pattern` with PCRE2 and, unless `no_jit`, JIT-compiles it
 * where the platform allows (without JIT it still works, only slower). */
static pcre2_code *compile_pcre2(const char *pattern, uint32_t options, int no_jit)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern,
					 PCRE2_ZERO_TERMINATED, options,
					 &errcode, &erroff, NULL);

	if (code && !no_jit)
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
	for (i = 0; i < c->context_count; i++)
		pcre2_code_free(c->context[i]);
	free(c->context);
}

/* Compiles rule `r`'s regexes into `c`. The loader checked that PCRE2
 * takes them, so a failure here means memory ran out. */
static int compile_rule(compiled_rule *c, const lg_rule *r, int no_jit)
{
	size_t i;

	if (!(c->regex = compile_pcre2(r->regex, PCRE2_MULTILINE, no_jit)))
		return lg_error_set(LG_ERULES, "rule %s: PCRE2 refuses its regex", r->id);
	if (r->allow_count &&
	    !(c->allow = calloc(r->allow_count, sizeof(*c->allow))))
		return lg_error_set_oom();
	for (i = 0; i < r->allow_count; i++, c->allow_count++)
		if (!(c->allow[i] = compile_pcre2(r->allow[i], PCRE2_CASELESS, no_jit)))
			return lg_error_set(LG_ERULES, "rule %s: PCRE2 refuses allow pattern %zu",
					    r->id, i + 1);
	if (r->context_pattern_count &&
	    !(c->context = calloc(r->context_pattern_count, sizeof(*c->context))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (i = 0; i < r->context_pattern_count; i++, c->context_count++)
		if (!(c->context[i] = compile_pcre2(r->context_patterns[i], PCRE2_MULTILINE,
						    no_jit)))
			return lg_error_set(LG_ERULES, "rule %s: PCRE2 refuses context pattern %zu",
					    r->id, i + 1);
	return 0;
}

/* Decides which rules run gated (lg_match__runs_gated, unless no_gate)
 * and lists their keywords, from the rules and their facts. */
static int plan_gates(lg_matcher *m)
{
	size_t i, k;

	m->gated_count = m->keyword_count = 0;
	for (i = 0; i < m->count && !m->no_gate; i++) {
		const lg_rule *r = lg_ruleset_get(m->rules, i);

		if (!lg_match__runs_gated(r, &m->facts[i], WINDOW_CAP))
			continue;
		if (LG_ARRAY_GROW(m->gated, m->gated_alloc, m->gated_count + 1, 4) != 0 ||
		    LG_ARRAY_GROW(m->keywords, m->keywords_alloc,
				  m->keyword_count + r->keyword_count, 8) != 0)
			return lg_error_set_oom();
		m->gated[m->gated_count] = (gated_rule){ i, NULL, m->facts[i].max_width,
							 r->context_before, r->context_after };
		for (k = 0; k < r->keyword_count; k++)
			m->keywords[m->keyword_count++] =
				(gate_keyword){ (uint32_t)m->gated_count,
						(uint32_t)strlen(r->keywords[k]) };
		m->gated_count++;
	}
	return 0;
}

/* A keyword as a Hyperscan expression: letters and digits as they are
 * (HS_FLAG_CASELESS folds letters, not \\x escapes), every other byte
 * escaped. */
static int keyword_expression(lg_buf *b, const char *keyword)
{
	int err = 0;

	for (; *keyword && !err; keyword++) {
		unsigned char c = (unsigned char)*keyword;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			err = lg_buf__add(b, keyword, 1);
		else
			err = lg_buf__printf(b, "\\x%02x", c);
	}
	return err ? err : lg_buf__add(b, "", 1); /* its NUL, for the next one */
}

/* Compiles expressions [0, n) into *db, a refusal naming the rule of ids[i]
 * (an id past the rules: a gated rule's keyword). */
static int compile_expressions(hs_database_t **db, const lg_matcher *m, const char *const *exprs,
			       const unsigned *flags, const unsigned *ids, size_t n)
{
	hs_compile_error_t *err = NULL;
	int rc;

	if (hs_compile_multi(exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK, NULL, db,
			     &err) == HS_SUCCESS)
		return 0;
	if (err && err->expression >= 0 && (size_t)err->expression < n && ids[err->expression] < m->count)
		rc = lg_error_set(LG_ERULES, "rule %s: Hyperscan refuses it: %s",
				  lg_ruleset_get(m->rules, ids[err->expression])->id, err->message);
	else
		rc = lg_error_set(LG_ERULES, "Hyperscan cannot compile the rules: %s",
				  err ? err->message : "unknown error");
	hs_free_compile_error(err);
	return rc;
}

/* Compiles the main database: every rule but the gated ones, and the gated
 * ones' keywords (caseless literals); then one database per gated rule. A
 * refusal names the rule with Hyperscan's own message. */
static int compile_database(lg_matcher *m)
{
	hs_database_t *db = NULL;
	size_t total = m->count + m->keyword_count, n = 0, i, g = 0, k;
	const char **exprs = calloc(total ? total : 1, sizeof(*exprs));
	unsigned *flags = calloc(total ? total : 1, sizeof(*flags));
	unsigned *ids = calloc(total ? total : 1, sizeof(*ids));
	lg_buf lits = LG_BUF_INIT;
	int rc = 0;

	if (!exprs || !flags || !ids) {
		rc = lg_error_set_oom();
		goto out;
	}
	for (i = 0; i < m->gated_count && !rc; i++) {
		const lg_rule *r = lg_ruleset_get(m->rules, m->gated[i].rule);

		for (k = 0; k < r->keyword_count && !rc; k++)
			rc = keyword_expression(&lits, r->keywords[k]);
	}
	if (rc)
		goto out;
	for (i = 0; i < m->count; i++) {
		const lg_rule *r = lg_ruleset_get(m->rules, i);

		if (!r->regex)
			continue; /* a pair rule: its parts' rules find it */
		if (g < m->gated_count && m->gated[g].rule == i) {
			g++;
			continue;
		}
		exprs[n] = r->regex;
		flags[n] = HS_FLAG_MULTILINE | (m->facts[i].prefilter ? HS_FLAG_PREFILTER : 0);
		ids[n++] = (unsigned)i;
	}
	for (i = 0, k = 0; i < m->keyword_count; i++, k += strlen(lits.ptr + k) + 1) {
		exprs[n] = lits.ptr + k;
		flags[n] = HS_FLAG_CASELESS;
		ids[n++] = (unsigned)(m->count + i);
	}
	if ((rc = compile_expressions(&db, m, exprs, flags, ids, n)) != 0)
		goto out;
	m->db = db;
	for (g = 0; g < m->gated_count && !rc; g++) {
		unsigned id = (unsigned)m->gated[g].rule, fl = HS_FLAG_MULTILINE;
		const char *expr = lg_ruleset_get(m->rules, id)->regex;

		db = NULL;
		if ((rc = compile_expressions(&db, m, &expr, &fl, &id, 1)) == 0)
			m->gated[g].db = db;
	}
out:
	free(exprs);
	free(flags);
	free(ids);
	lg_buf__release(&lits);
	return rc;
}

/* Allocates the scratch prototype, fit for every database. */
static int alloc_proto(lg_matcher *m)
{
	size_t g;

	if (hs_alloc_scratch(m->db, &m->proto) != HS_SUCCESS)
		return lg_error_set(LG_ENOMEM, "cannot allocate matcher scratch");
	for (g = 0; g < m->gated_count; g++)
		if (hs_alloc_scratch(m->gated[g].db, &m->proto) != HS_SUCCESS)
			return lg_error_set(LG_ENOMEM, "cannot allocate matcher scratch");
	return 0;
}

/* Takes the databases from the cache when it holds them for these rules,
 * this Hyperscan and this CPU; otherwise compiles them and stores them
 * there. The cache is an optimisation: failing to write it is not an
 * error. */
static int load_database(lg_matcher *m, const lg_matcher_options *opts)
{
	const lg_ruleset *rules = m->rules;
	const char *cache_dir = opts ? opts->cache_dir : NULL;
	const hs_database_t *dbs[64];
	size_t ndb = 0, g;
	char key[41];
	int err;

	if (cache_dir) {
		lg_dbcache__key(key, lg_ruleset_hash(rules), !m->no_gate);
		if (lg_dbcache__load(dbs, &ndb, &m->proto, &m->db_map, m->facts, m->count,
				     cache_dir, key) == 0) {
			if ((err = plan_gates(m)) != 0)
				return err;
			if (ndb == 1 + m->gated_count) {
				m->db = dbs[0];
				for (g = 0; g < m->gated_count; g++)
					m->gated[g].db = dbs[1 + g];
				return 0;
			}
			/* Not the databases these rules need: compiled anew. */
			hs_free_scratch(m->proto);
			m->proto = NULL;
			lg_dbcache__unmap(&m->db_map);
		}
	}
	if ((err = lg_match__rule_facts(m->facts, rules, opts ? opts->on_problem : NULL,
					opts ? opts->payload : NULL)) != 0 ||
	    (err = plan_gates(m)) != 0 || (err = compile_database(m)) != 0 ||
	    (err = alloc_proto(m)) != 0)
		return err;
	if (cache_dir && 1 + m->gated_count <= 64) {
		dbs[0] = m->db;
		for (g = 0; g < m->gated_count; g++)
			dbs[1 + g] = m->gated[g].db;
		lg_dbcache__store(dbs, 1 + m->gated_count, m->facts, m->count, cache_dir, key);
	}
	return 0;
}

int lg_matcher_new(lg_matcher **out, const lg_ruleset *rules,
		   const lg_matcher_options *opts)
{
	lg_matcher *m;
	size_t i;
	int err = 0;

	LG_CHECK_VERSION(opts, LG_MATCHER_OPTIONS_VERSION, "lg_matcher_options");
	if (!(m = calloc(1, sizeof(*m))))
		return lg_error_set_oom();
	m->rules = rules;
	m->no_jit = opts && opts->no_jit;
	m->report_inline_allowed = opts && opts->report_inline_allowed;
	m->decode = !(opts && opts->no_decode);
	m->no_gate = opts && opts->no_gate;
	m->count = lg_ruleset_count(rules);
	m->max_matches = opts && opts->max_matches_per_buffer ?
		opts->max_matches_per_buffer : DEFAULT_MAX_MATCHES;
	m->compiled = calloc(m->count ? m->count : 1, sizeof(*m->compiled));
	m->facts = calloc(m->count ? m->count : 1, sizeof(*m->facts));
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->compiled || !m->facts || !m->mctx) {
		lg_matcher_free(m);
		return lg_error_set_oom();
	}
	pcre2_set_match_limit(m->mctx, opts && opts->pcre2_match_limit ?
			      opts->pcre2_match_limit : PCRE2_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, opts && opts->pcre2_depth_limit ?
			      opts->pcre2_depth_limit : PCRE2_DEPTH_LIMIT);
	pthread_mutex_init(&m->compile_lock, NULL);
	for (i = 0; i < m->count; i++)
		atomic_init(&m->compiled[i].ready, 0);
	atomic_init(&m->stream_tail, 0);
	if (!err)
		err = load_database(m, opts);
	for (i = 0; i < m->count && !err; i++) {
		uint32_t max_width = m->facts[i].max_width;

		m->compiled[i].window = max_width > WINDOW_CAP ? WINDOW_CAP : max_width;
		if (m->compiled[i].window > m->widest_window)
			m->widest_window = m->compiled[i].window;
	}
	if (err) {
		lg_matcher_free(m);
		return err;
	}
	*out = m;
	return 0;
}

int lg_matcher_options_init(lg_matcher_options *opts, unsigned version)
{
	lg_matcher_options tmpl = LG_MATCHER_OPTIONS_INIT;

	return lg__options_init(opts, sizeof(*opts), &tmpl, version, LG_MATCHER_OPTIONS_VERSION,
				"lg_matcher_options");
}

const lg_ruleset *lg_matcher__rules(const lg_matcher *m)
{
	return m->rules;
}

const lg_rule_facts *lg_matcher__facts(const lg_matcher *m, size_t i)
{
	return &m->facts[i];
}

int lg_matcher__gated(const lg_matcher *m, size_t i)
{
	size_t g;

	for (g = 0; g < m->gated_count; g++)
		if (m->gated[g].rule == i)
			return 1;
	return 0;
}

void lg_matcher_free(lg_matcher *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; m->compiled && i < m->count; i++)
		compiled_rule_release(&m->compiled[i]);
	free(m->compiled);
	free(m->facts);
	if (m->compiled)
		pthread_mutex_destroy(&m->compile_lock);
	hs_free_scratch(m->proto);
	if (m->db_map.base) {
		lg_dbcache__unmap(&m->db_map);
	} else { /* compiled here: ours to free */
		hs_free_database((hs_database_t *)m->db);
		for (i = 0; i < m->gated_count; i++)
			hs_free_database((hs_database_t *)m->gated[i].db);
	}
	free(m->gated);
	free(m->keywords);
	pcre2_match_context_free(m->mctx);
	free(m);
}

int lg_scratch_new(lg_scratch **out, const lg_matcher *m)
{
	lg_scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return lg_error_set_oom();
	s->m = m;
	s->md = pcre2_match_data_create(100, NULL);
	s->scanned_upto = calloc(m->count ? m->count : 1, sizeof(*s->scanned_upto));
	s->undo = calloc(m->count ? m->count : 1, sizeof(*s->undo));
	s->span_rules = calloc(m->count ? m->count : 1, 1);
	if (!s->md || !s->scanned_upto || !s->undo || !s->span_rules ||
	    hs_clone_scratch(m->proto, &s->hs) != HS_SUCCESS) {
		lg_scratch_free(s);
		return lg_error_set(LG_ENOMEM, "cannot allocate matcher scratch");
	}
	*out = s;
	return 0;
}

static void decoded_clear(lg_scratch *s);

void lg_scratch_free(lg_scratch *s)
{
	if (!s)
		return;
	decoded_clear(s);
	free(s->dec);
	lg_buf__release(&s->dtext);
	lg_scratch_free(s->inner);
	hs_free_scratch(s->hs);
	pcre2_match_data_free(s->md);
	free(s->scanned_upto);
	free(s->undo);
	free(s->span_rules);
	free(s->hits);
	free(s->zone);
	free(s->ranges);
	free(s->cands);
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

/* The start of the window `lines` lines before the line holding
 * buf[start], no further back than `from`. */
static size_t lines_back(const char *buf, size_t from, size_t start, uint32_t lines)
{
	size_t p = start;

	for (;;) {
		while (p > from && buf[p - 1] != '\n')
			p--;
		if (p <= from || lines-- == 0)
			return p;
		p--; /* onto the previous line's \n */
	}
}

/* The end of the window `lines` lines after the line holding buf[end - 1],
 * no further on than `to`. */
static size_t lines_ahead(const char *buf, size_t end, size_t to, uint32_t lines)
{
	size_t p = end;

	for (;;) {
		const char *nl = p < to ? memchr(buf + p, '\n', to - p) : NULL;

		if (!nl)
			return to;
		p = (size_t)(nl - buf);
		if (lines-- == 0)
			return p;
		p++;
	}
}

/* When the rule asks for context (keywords or context patterns), 1 when
 * one of them appears in the match or in the rule's context window around
 * it: context_before bytes before, context_after bytes after, within
 * context_lines lines when set. `len` is the buffer's length. */
static int context_found(lg_scratch *s, size_t rule, const lg_rule *r, size_t start,
			 size_t end)
{
	const compiled_rule *c = &s->m->compiled[rule];
	const char *buf = s->buf;
	size_t from = start > r->context_before ? start - r->context_before : 0;
	size_t to = s->len - end > r->context_after ? end + r->context_after : s->len, i;

	if (!r->keyword_count && !c->context_count)
		return 1;
	if (r->context_lines) {
		from = lines_back(buf, from, start, r->context_lines);
		to = lines_ahead(buf, end > start ? end : start, to, r->context_lines);
	}
	for (i = 0; i < r->keyword_count; i++)
		if (lg__contains_nocase(buf + from, to - from, r->keywords[i]))
			return 1;
	for (i = 0; i < c->context_count; i++)
		if (pcre2_match(c->context[i], (PCRE2_SPTR)(buf + from), to - from, 0, 0,
				s->md, s->m->mctx) >= 0)
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

/* The secret's length up to its first quote or string escape (`\n`,
 * `\"`, ...): a free-form secret taken from source code (a password
 * after `password `) runs on to the end of the quoted string that holds
 * it, and neither the escape nor the quote is part of it. */
static size_t cut_at_quote(const char *secret, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = secret[i];

		if (c == '"' || c == '\'' || c == '`')
			return i;
		if (c == '\\' && i + 1 < len && secret[i + 1] && strchr("nrtbfv0xu\"'\\", secret[i + 1]))
			return i;
	}
	return len;
}

/* 1 when the secret is, or holds, a documented public value from the
 * rule files' known non-secrets (an emulator's published key). */
static int known_non_secret(const lg_matcher *m, const char *secret, size_t len)
{
	size_t n, i;
	const char *const *known = lg_ruleset__known_non_secrets(m->rules, &n);

	for (i = 0; i < n; i++) {
		size_t klen = strlen(known[i]), at;

		for (at = 0; klen <= len && at <= len - klen; at++)
			if (secret[at] == known[i][0] && memcmp(secret + at, known[i], klen) == 0)
				return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Scanning
 * ---------------------------------------------------------------------- */

/* Appends `f` to the array *v of *count matches (room for *alloc). */
static int append_found(found_match **v, size_t *count, size_t *alloc, const found_match *f)
{
	if (lg_array__grow((void **)v, alloc, *count + 1, sizeof(**v), 16) != 0)
		return LG_ENOMEM;
	(*v)[(*count)++] = *f;
	return 0;
}

static int push_found(lg_scratch *s, const found_match *m)
{
	if (append_found(&s->found, &s->found_count, &s->found_alloc, m) != 0)
		return -1;
	s->pushed++;
	return 0;
}

/* Applies every filter to the confirmed match of rule `rule` and keeps it
 * when it passes. */
static void consider(lg_scratch *s, size_t rule, size_t mstart, size_t mend,
		     size_t sstart, size_t send)
{
	const lg_matcher *m = s->m;
	const lg_rule *r = lg_ruleset_get(m->rules, rule);
	const char *secret = s->buf + (sstart - s->base);
	size_t slen = cut_at_quote(secret, send - sstart);
	found_match found;

	send = sstart + slen;
	if (slen == 0)
		return;
	if (r->min_entropy > 0 && lg_entropy(secret, slen) < r->min_entropy)
		return;
	if (r->generic_value && !lg_generic_value_ok(secret, slen))
		return;
	if (!context_found(s, rule, r, mstart - s->base, mend - s->base))
		return;
	if (!checksum_ok(r, secret, slen))
		return;
	if (allowed_by_rule(m, s, rule, secret, slen))
		return;
	if (lg_is_placeholder(secret, slen))
		return;
	if (known_non_secret(m, secret, slen))
		return;
	memset(&found, 0, sizeof(found));
	found.m.rule = r;
	found.m.match_start = mstart;
	found.m.match_end = mend;
	found.m.secret_start = sstart;
	found.m.secret_end = send;
	if (push_found(s, &found) != 0)
		s->oom = 1;
}

/* Why PCRE2 could not decide, for the finding's `unconfirmed` field. */
static const char *undecided_reason(int rc)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		return "the rule's regex hit PCRE2's match limit";
	case PCRE2_ERROR_DEPTHLIMIT:
		return "the rule's regex hit PCRE2's depth limit";
	case PCRE2_ERROR_HEAPLIMIT:
		return "the rule's regex hit PCRE2's heap limit";
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return "the rule's regex ran out of PCRE2's JIT stack";
	case PCRE2_ERROR_NOMEMORY:
		return "PCRE2 ran out of memory";
	default:
		return "PCRE2 failed while confirming the candidate";
	}
}

/* Keeps a candidate of rule `rule` that the confirm stage could not
 * decide, as an unconfirmed match saying `why`: no filter can judge it
 * either, so it is reported rather than dropped. It spans the candidate's
 * text before Hyperscan's reported `end` on that line, back to `from`, at
 * most UNDECIDED_SPAN bytes. */
#define UNDECIDED_SPAN 64
static found_match *keep_undecided(lg_scratch *s, size_t rule, size_t from, size_t end,
				   const char *why)
{
	size_t start = end;
	found_match found;

	while (start > from && end - start < UNDECIDED_SPAN &&
	       s->buf[start - 1 - s->base] != '\n')
		start--;
	if (start == end)
		start = end - 1 >= s->base ? end - 1 : end; /* ALWAYS: end > base */
	memset(&found, 0, sizeof(found));
	found.m.rule = lg_ruleset_get(s->m->rules, rule);
	found.m.match_start = found.m.secret_start = start;
	found.m.match_end = found.m.secret_end = end;
	found.m.unconfirmed = why;
	if (push_found(s, &found) != 0) {
		s->oom = 1;
		return NULL;
	}
	return &s->found[s->found_count - 1];
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
		ok = compile_rule(c, lg_ruleset_get(m->rules, i), m->no_jit) == 0;
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

/* Confirms a Hyperscan report of rule `rule` ending at `end` (an offset
 * into the input). Returns 1 when a stream must first see more bytes:
 * PCRE2 reached the window's end before deciding a match that starts
 * before `end`. */
static int confirm(lg_scratch *s, size_t rule, size_t end)
{
	const lg_matcher *m = s->m;
	const compiled_rule *c = ready_rule(m, rule);
	const lg_rule *r = lg_ruleset_get(m->rules, rule);
	const lg_rule_facts *facts = &m->facts[rule];
	size_t from;
	PCRE2_SIZE *ov;
	int rc, partial = s->partial;

	if (!c) {
		s->oom = 1;
		return 0;
	}
	/* A bounded rule that PCRE2 and Hyperscan read alike looks at no
	 * byte past end + max_width (+1 for \b and $) for a match starting
	 * before `end`: with that much in the window, the JIT's complete match
	 * decides as on the whole input. Otherwise the partial match, which
	 * the JIT was not compiled for, runs in PCRE2's interpreter. */
	if (partial && !facts->prefilter && facts->max_width <= STREAM_LONGEST_MATCH &&
	    end + facts->max_width + 16 <= s->base + s->len)
		partial = 0;
	from = end > c->window ? end - c->window : 0;
	if (from < s->scanned_upto[rule])
		from = s->scanned_upto[rule];
	/* A stream keeps enough bytes before `end` (stream_tail), so
	 * lookbehinds see what a whole scan sees; PCRE2_PARTIAL_HARD tells
	 * when the bytes after the window could change the answer. */
	rc = pcre2_match(c->regex, (PCRE2_SPTR)s->buf, s->len, from - s->base,
			 partial ? PCRE2_PARTIAL_HARD : 0, s->md, m->mctx);
	ov = pcre2_get_ovector_pointer(s->md);
	if (rc == PCRE2_ERROR_PARTIAL && ov[0] + s->base < end)
		return 1;
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && rc != PCRE2_ERROR_PARTIAL) {
		/* PCRE2 gave up (a limit): the candidate stands, undecided. */
		keep_undecided(s, rule, from, end, undecided_reason(rc));
		s->scanned_upto[rule] = end;
		return 0;
	}
	if (rc < 0) {
		/* No match (or a partial match that starts at `end` or
		 * later): nothing more to find for this rule before `end`. */
		s->scanned_upto[rule] = end;
		return 0;
	}
	if (ov[0] + s->base >= end) {
		/* The next match starts after this report: Hyperscan's
		 * candidate did not confirm (prefilter, or a window too
		 * narrow for an unbounded rule). */
		s->scanned_upto[rule] = end;
		return 0;
	}
	/* A stream decides the context after a match once it has it all. */
	if (s->partial && r->context_after && ov[1] + r->context_after >= s->len)
		return 1;
	/* The next search resumes where the secret ends, not the match: a
	 * rule's match takes the delimiter after its secret ("(?:[^A-Za-z0-9_]
	 * |$)"), and a next secret behind that one delimiter needs it too. */
	s->scanned_upto[rule] = s->base + (ov[1] > ov[0] ? ov[1] : ov[0] + 1);
	if ((unsigned)rc > r->secret_group && ov[2 * r->secret_group] != PCRE2_UNSET &&
	    ov[2 * r->secret_group + 1] > ov[0] && ov[2 * r->secret_group + 1] < ov[1])
		s->scanned_upto[rule] = s->base + ov[2 * r->secret_group + 1];
	if ((unsigned)rc > r->secret_group &&
	    ov[2 * r->secret_group] != PCRE2_UNSET)
		consider(s, rule, s->base + ov[0], s->base + ov[1],
			 s->base + ov[2 * r->secret_group],
			 s->base + ov[2 * r->secret_group + 1]);
	return 0;
}

/* Streams: starts the group of reports ending at `end`, which a confirm
 * needing more bytes undoes as a whole (the next window reports them all
 * again). */
static void group_begin(lg_scratch *s, size_t end)
{
	s->group_end = end;
	s->group_found = s->found_count;
	s->group_pushed = s->pushed;
	s->group_candidates = s->candidates;
	s->undo_count = 0;
}

static void group_undo(lg_scratch *s)
{
	while (s->undo_count) {
		const undo_entry *u = &s->undo[--s->undo_count];

		s->scanned_upto[u->rule] = u->upto;
	}
	s->found_count = s->group_found;
	s->pushed = s->group_pushed;
	s->candidates = s->group_candidates;
}

static int keyword_hit(lg_scratch *s, unsigned keyword, unsigned long long to);

/* Collects a Hyperscan report. Hyperscan delivers reports roughly, not
 * strictly, in order of end offset (one rule's report can come after
 * another rule's later one), so they are sorted before the confirm stage,
 * which then sees them in the same order however the input was cut. */
static int on_candidate(unsigned int id, unsigned long long from,
			unsigned long long to, unsigned int flags, void *ctx)
{
	lg_scratch *s = ctx;
	size_t end;

	(void)from;
	(void)flags;
	if (id >= s->m->count)
		return keyword_hit(s, id - (unsigned)s->m->count, to);
	end = s->base + (size_t)to;
	/* A stream's earlier window handled the first; the next decides
	 * the second. */
	if (s->streaming && (end <= s->done || end > s->accept_to))
		return 0;
	if (LG_ARRAY_GROW(s->cands, s->cand_alloc, s->cand_count + 1, 256) != 0) {
		s->oom = 1;
		return 1;
	}
	s->cands[s->cand_count].rule = id;
	s->cands[s->cand_count].end = (uint32_t)to;
	/* One past the cap is enough to know it was hit. */
	return ++s->cand_count + s->candidates > MAX_CANDIDATES;
}

/* Keeps a hit of gated keyword `keyword` ending at `to` (whole-buffer
 * scans; a stream runs the gated rules over every byte). Past the cap,
 * the gated rules run over the whole buffer instead. */
static int keyword_hit(lg_scratch *s, unsigned keyword, unsigned long long to)
{
	if (s->streaming || s->hits_overflow)
		return 0;
	if (s->hit_count >= MAX_CANDIDATES ||
	    LG_ARRAY_GROW(s->hits, s->hit_alloc, s->hit_count + 1, 64) != 0) {
		s->hits_overflow = 1;
		return 0;
	}
	s->hits[s->hit_count++] = (struct keyword_hit){ keyword, (uint32_t)to };
	return 0;
}

/* ------------------------------------------------------------------------
 * Gated rules
 *
 * A rule with keywords (and no context patterns) reports a match only when
 * one of its keywords lies in the match's window. When its regex has no
 * literal Hyperscan could look for (lg_match__runs_gated), the main
 * database holds its keywords instead of it, and its own database runs
 * only over the regions where a report could lead to a match whose window
 * holds a keyword hit; the reports found there join the main scan's, and
 * the confirm stage handles them all as before. The findings are those of
 * the rule run over every byte:
 *  - a match is at most `width` (W) bytes wide and the confirm stage finds
 *    for a report at end e a match starting in [e - W, e); its keyword
 *    window then lies in [e - W - before, e - 1 + W + after). So a report
 *    matters only when a hit [ks, ke) has e in [ke - W - after + 1,
 *    ks + W + before];
 *  - a region's bytes are scanned from W + 1 bytes before its first
 *    report end on, so every report in it is a report of the whole
 *    buffer, none missing, none made up by the region's edges (the rule
 *    has no \A, \Z, \z, \G);
 *  - the confirm stage's state for a rule (scanned_upto) after a report
 *    at e' is below e' + W. A report e with no report in
 *    [e - 2W + 1, e) is therefore confirmed from e - W whatever came
 *    before: the region's reports are taken from the first such report
 *    on, and a region whose earlier reports matter is widened backwards
 *    (to the buffer's start at worst) until one is found;
 *  - regions closer than 3W + 2 are merged, so each byte is scanned once
 *    per rule (but where a region is widened).
 * Not equal: the candidate counts (lg_scan_result.candidates, the 1000000
 * cap), and a candidate PCRE2 cannot decide (a limit) outside every
 * region is not reported unconfirmed, since its match could not hold a
 * keyword.
 * ---------------------------------------------------------------------- */

static int on_zone_report(unsigned int id, unsigned long long from,
			  unsigned long long to, unsigned int flags, void *ctx)
{
	lg_scratch *s = ctx;

	(void)id;
	(void)from;
	(void)flags;
	if (LG_ARRAY_GROW(s->zone, s->zone_alloc, s->zone_count + 1, 64) != 0) {
		s->oom = 1;
		return 1;
	}
	s->zone[s->zone_count++] = (uint32_t)(s->zone_from + to);
	/* Past the cap, every report is kept (the confirm stage then stops
	 * at the cap and says so). */
	return s->zone_full = s->zone_count + s->cand_count + s->candidates > MAX_CANDIDATES;
}

/* The reports of gated rule `g` ending in [x0, x1] (1 <= x0 <= x1 <= len),
 * exactly those of a scan of the whole buffer, into s->zone. */
static int zone_reports(lg_scratch *s, const gated_rule *g, size_t x0, size_t x1)
{
	size_t from = x0 > g->width + 1 ? x0 - g->width - 1 : 0;
	size_t to = x1 + 1 < s->len ? x1 + 1 : s->len, i, kept = 0;
	hs_error_t err;

	s->zone_count = 0;
	s->zone_from = from;
	err = hs_scan(g->db, s->buf + from, (unsigned)(to - from), 0, s->hs, on_zone_report, s);
	s->zone_from = 0;
	if (s->oom)
		return lg_error_set_oom();
	if (err != HS_SUCCESS && !(err == HS_SCAN_TERMINATED && s->zone_full))
		return lg_error_set(LG_ERROR, "Hyperscan failed to scan (error %d)", (int)err);
	for (i = 0; i < s->zone_count && !s->zone_full; i++)
		if (s->zone[i] >= x0 && s->zone[i] <= x1)
			s->zone[kept++] = s->zone[i];
	if (!s->zone_full)
		s->zone_count = kept;
	/* Hyperscan reports one pattern in order of end offset. */
	return 0;
}

/* Adds the reports of gated rule `g` that matter for report range [r0, r1]
 * to the candidates, with the confirm stage's state for the rule the same
 * as in a scan of every byte. *exact_to: all reports up to it are in. */
static int gate_range(lg_scratch *s, size_t gi, size_t r0, size_t r1, size_t *exact_to)
{
	const gated_rule *g = &s->m->gated[gi];
	size_t w2 = 2 * g->width, x0 = r0 > w2 ? r0 - w2 : 1, first = 0, i;
	int err;

	for (;;) {
		int whole = x0 <= *exact_to + 1;

		first = 0;
		if (whole)
			x0 = *exact_to + 1;
		if ((err = zone_reports(s, g, x0, r1)) != 0)
			return err;
		if (whole || s->zone_full)
			break;
		/* The first report with no report in the 2W - 1 bytes
		 * before it (known from x0 on). */
		for (first = 0; first < s->zone_count; first++) {
			size_t prev = first ? s->zone[first - 1] : x0 - 1;

			if (s->zone[first] - prev >= w2 - 1)
				break;
		}
		if (first == 0 || s->zone[first - 1] < r0)
			break;
		/* A report that matters comes before that: look further back. */
		x0 = x0 > 2 * (r0 - x0) ? x0 - 2 * (r0 - x0) : 1;
	}
	for (i = first; i < s->zone_count; i++) {
		if (LG_ARRAY_GROW(s->cands, s->cand_alloc, s->cand_count + 1, 256) != 0)
			return lg_error_set_oom();
		s->cands[s->cand_count++] = (candidate){ (uint32_t)g->rule, s->zone[i] };
	}
	/* The state is the whole scan's from here on, unless reports before
	 * the first kept one were left out and none was kept. */
	if (first < s->zone_count || s->zone_count == 0)
		*exact_to = r1;
	return 0;
}

static int compare_ranges(const void *pa, const void *pb)
{
	const struct report_range *a = pa, *b = pb;

	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The report ranges of gated rule `gi` that its keyword hits make matter,
 * sorted and merged, into s->ranges; the whole buffer when the hits
 * overflowed. */
static int gate_ranges(lg_scratch *s, size_t gi)
{
	const lg_matcher *m = s->m;
	const gated_rule *g = &m->gated[gi];
	size_t i, n = 0, width = g->width;

	s->range_count = 0;
	if (s->len == 0)
		return 0;
	if (s->hits_overflow) {
		if (LG_ARRAY_GROW(s->ranges, s->range_alloc, 1, 16) != 0)
			return lg_error_set_oom();
		s->ranges[0] = (struct report_range){ 1, s->len };
		s->range_count = 1;
		return 0;
	}
	for (i = 0; i < s->hit_count; i++) {
		const gate_keyword *k = &m->keywords[s->hits[i].keyword];
		size_t ke = s->hits[i].end, ks = ke - k->len;
		size_t lo = ke > width + g->after ? ke - width - g->after + 1 : 1;
		size_t hi = ks + width + g->before < s->len ? ks + width + g->before : s->len;

		if (k->gate != gi || lo > hi)
			continue;
		if (LG_ARRAY_GROW(s->ranges, s->range_alloc, n + 1, 16) != 0)
			return lg_error_set_oom();
		s->ranges[n++] = (struct report_range){ lo, hi };
	}
	if (n > 1)
		qsort(s->ranges, n, sizeof(*s->ranges), compare_ranges);
	s->range_count = 0;
	for (i = 0; i < n; i++) {
		struct report_range *last = s->range_count ? &s->ranges[s->range_count - 1] : NULL;

		if (last && s->ranges[i].lo <= last->hi + 3 * width + 2) {
			if (s->ranges[i].hi > last->hi)
				last->hi = s->ranges[i].hi;
		} else {
			s->ranges[s->range_count++] = s->ranges[i];
		}
	}
	return 0;
}

/* Adds the reports of every gated rule that matter in this buffer to the
 * candidates (all of them in a stream, or once the main scan stopped at
 * the cap). */
static int gate_candidates(lg_scratch *s, int whole)
{
	size_t gi, i;
	int err = 0;

	for (gi = 0; gi < s->m->gated_count && !err; gi++) {
		size_t exact_to = 0;

		if (whole) {
			hs_error_t hs_err = hs_scan(s->m->gated[gi].db, s->buf, (unsigned)s->len, 0,
						    s->hs, on_candidate, s);

			if (s->oom)
				return lg_error_set_oom();
			if (hs_err != HS_SUCCESS && hs_err != HS_SCAN_TERMINATED)
				return lg_error_set(LG_ERROR, "Hyperscan failed to scan (error %d)",
						    (int)hs_err);
			continue;
		}
		if ((err = gate_ranges(s, gi)) != 0)
			return err;
		for (i = 0; i < s->range_count && !err && !s->zone_full; i++)
			err = gate_range(s, gi, s->ranges[i].lo, s->ranges[i].hi, &exact_to);
	}
	return err;
}

static int compare_candidates(const void *pa, const void *pb)
{
	const candidate *a = pa, *b = pb;

	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* The buffer's cap is hit at the report of rule `rule` ending at `end`:
 * nothing after it is matched. Failing closed, that report becomes an
 * unconfirmed match saying so, which nothing may drop (lg_match.cut_short):
 * a security scan must not turn "stopped looking" into "found nothing". */
static void stop_at_cap(lg_scratch *s, size_t rule, size_t end)
{
	const compiled_rule *c = ready_rule(s->m, rule);
	found_match *f;
	size_t from;

	s->capped = 1;
	if (!c) {
		s->oom = 1;
		return;
	}
	/* No further back than the rule's confirm window, as any match of
	 * the rule: a stream has located everything before that. */
	from = end > c->window ? end - c->window : 0;
	f = keep_undecided(s, rule, from > s->base ? from : s->base, end,
			   s->candidates > MAX_CANDIDATES ?
			   "over " STRINGIFY(MAX_CANDIDATES) " candidates in this blob: "
			   "the rest of it was not matched" :
			   "the blob holds more matches than the per-blob cap: "
			   "the rest of it was not matched");
	if (f)
		f->m.cut_short = 1;
}

/* Scans the buffer with Hyperscan, then confirms the reports in order of
 * end offset (and rule). A stream's confirm that needs more bytes undoes
 * the reports at its end offset and stops there (s->accept_to). */
static int find_candidates_gated(lg_scratch *s, int gated_whole)
{
	size_t i;
	int err;
	hs_error_t hs_err;

	s->cand_count = 0;
	s->group_end = 0;
	s->undo_count = 0;
	s->hit_count = 0;
	s->hits_overflow = 0;
	s->zone_full = 0;
	hs_err = hs_scan(s->m->db, s->buf, (unsigned)s->len, 0, s->hs, on_candidate, s);
	if (s->oom)
		return lg_error_set_oom();
	/* HS_SCAN_TERMINATED: on_candidate stopped it at the candidate cap.
	 * Anything else means Hyperscan did not look at every byte, and
	 * what it missed may hold a secret. */
	if (hs_err != HS_SUCCESS && hs_err != HS_SCAN_TERMINATED)
		return lg_error_set(LG_ERROR, "Hyperscan failed to scan (error %d)", (int)hs_err);
	if (s->m->gated_count &&
	    (err = gate_candidates(s, gated_whole || s->streaming || hs_err == HS_SCAN_TERMINATED)) != 0)
		return err;
	if (s->cand_count > 1)
		qsort(s->cands, s->cand_count, sizeof(*s->cands), compare_candidates);
	for (i = 0; i < s->cand_count && !s->oom; i++) {
		unsigned id = s->cands[i].rule;
		size_t end = s->base + s->cands[i].end;

		if (s->streaming && end != s->group_end)
			group_begin(s, end);
		if (++s->candidates > MAX_CANDIDATES || s->pushed >= s->m->max_matches) {
			stop_at_cap(s, id, end);
			break;
		}
		if (end <= s->scanned_upto[id])
			continue;
		if (s->streaming)
			s->undo[s->undo_count++] = (undo_entry){ id, s->scanned_upto[id] };
		if (confirm(s, id, end)) {
			group_undo(s);
			s->accept_to = end - 1;
			break;
		}
	}
	return s->oom ? lg_error_set_oom() : 0;
}

static void scratch_reset(lg_scratch *s);

/* Finds and confirms the candidates of the buffer (see
 * find_candidates_gated). When a whole-buffer scan with gated rules fills
 * the per-buffer match cap, it runs again with the gated rules over every
 * byte, so that where the cap stops is the same as without gating (the
 * candidate after the last kept match may be one a region left out). */
static int find_candidates(lg_scratch *s)
{
	int err = find_candidates_gated(s, 0);

	if (err || s->streaming || !s->m->gated_count || s->candidates > MAX_CANDIDATES ||
	    (!s->capped && s->pushed < s->m->max_matches))
		return err;
	scratch_reset(s);
	return find_candidates_gated(s, 1);
}

static int compare_matches(const void *pa, const void *pb)
{
	const lg_match *a = &((const found_match *)pa)->m, *b = &((const found_match *)pb)->m;

	if (a->secret_start != b->secret_start)
		return a->secret_start < b->secret_start ? -1 : 1;
	if (a->rule->index != b->rule->index)
		return a->rule->index < b->rule->index ? -1 : 1;
	return a->secret_end < b->secret_end ? -1 : a->secret_end > b->secret_end;
}

/* 1 when rule `a` declares itself more specific than rule `b`. */
static int supersedes(const lg_rule *a, const lg_rule *b)
{
	size_t i;

	for (i = 0; i < a->supersedes_count; i++)
		if (strcmp(a->supersedes[i], b->id) == 0)
			return 1;
	return 0;
}

/* 1 when rule `a` speaks for a secret that rule `b` found too: it is
 * more confident, or as confident and specific where `b` is generic (a
 * provider's rule, not a password= assignment). */
static int outranks(const lg_rule *a, const lg_rule *b)
{
	return a->confidence > b->confidence ||
	       (a->confidence == b->confidence && b->generic_value && !a->generic_value);
}

/* 1 when match `k` speaks for the secret of match `j`, both starting at
 * the same byte: `k`'s rule supersedes `j`'s (whatever their ends: the
 * general rule often stops earlier or later in the same token), or `k`
 * found the very same secret and outranks `j`'s rule. */
static int speaks_for(const lg_match *k, const lg_match *j)
{
	if (supersedes(k->rule, j->rule) && !supersedes(j->rule, k->rule))
		return 1;
	return k->secret_end == j->secret_end && outranks(k->rule, j->rule);
}

/*
 * Keeps, of the sorted matches f[0, n), those to report, and returns how
 * many (the dropped ones' byte copies are freed). A rule reports a secret
 * once, even if Hyperscan led the confirm stage to it twice. And when
 * several rules find a secret starting at the same byte, the most
 * specific speak for it: a rule that declares it `supersedes` another
 * (a GCP service-account key over any PEM key, an OpenAI project key over
 * the legacy shape), and among rules finding the very same secret, the
 * more confident (a provider's rule over a generic assignment rule),
 * and of equally confident ones the specific before the generic: one
 * secret, not one finding per rule that saw it. All of this looks only
 * within a run of equal secret_start, so a stream can settle its matches
 * a run at a time.
 */
static size_t select_reported(found_match *f, size_t n)
{
	size_t i, j, k, run, kept = 0;

	for (i = 0; i < n; i = run) {
		for (run = i; run < n && f[run].m.secret_start == f[i].m.secret_start; run++)
			;
		for (j = i; j < run; j++) {
			const lg_match *m = &f[j].m;
			int dropped = j > i && f[j - 1].m.rule == m->rule &&
				      f[j - 1].m.secret_end == m->secret_end;

			for (k = i; k < run && !dropped; k++)
				dropped = k != j && speaks_for(&f[k].m, m);
			/* Where matching stopped is said whatever else was found. */
			dropped &= !m->cut_short;
			if (dropped) {
				free(f[j].bytes);
				f[j].bytes = NULL;
			}
			f[j].line_done = !dropped; /* marks the kept, for now */
		}
		for (j = i; j < run; j++)
			if (f[j].line_done)
				f[kept++] = f[j];
	}
	for (j = 0; j < kept; j++)
		f[j].line_done = 0;
	return kept;
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

/* end_column of match `f` whose line's content ends at `content_end`;
 * `secret` holds its bytes from secret_start on. */
static size_t end_column(const lg_match *f, const char *secret, size_t content_end)
{
	size_t on_line_end = f->secret_end < content_end ? f->secret_end : content_end;

	return f->column + (on_line_end > f->secret_start ?
		code_points(secret, on_line_end - f->secret_start) : 0);
}

/*
 * Moves the cursor (forward only) to the line of f's secret and fills f's
 * line and columns. Returns 0 when the line is marked leakgate:allow and
 * the matcher drops such matches, 1 when f is kept (marked inline_allowed
 * under report_inline_allowed). The line's content ends before its \n and
 * before a \r that precedes it.
 */
static int place_on_line(lg_match *f, line_cursor *c, const lg_scratch *s)
{
	size_t content_end;

	cursor_seek(c, s->buf, s->len, f->secret_start);
	/* The marker allows a line, not the rest of the buffer unmatched. */
	if (c->allowed && !s->m->report_inline_allowed && !f->cut_short)
		return 0;
	f->inline_allowed = c->allowed && !f->cut_short;
	content_end = c->end > c->start && s->buf[c->end - 1] == '\r' ? c->end - 1 : c->end;
	f->line = c->number;
	f->line_start = c->start;
	f->line_end = content_end;
	f->column = cursor_column(c, s->buf, f->secret_start);
	f->end_column = end_column(f, s->buf + f->secret_start, content_end);
	return 1;
}

/* Fills line and columns of the sorted matches in one forward pass (see
 * place_on_line). */
static void locate(lg_scratch *s)
{
	line_cursor c;
	size_t i, kept = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < s->found_count; i++) {
		lg_match *f = &s->found[i].m;

		if (place_on_line(f, &c, s))
			s->found[kept++] = s->found[i];
	}
	s->found_count = kept;
}

/* Readies the scratch for a new input. */
static void scratch_reset(lg_scratch *s)
{
	s->found_count = 0;
	s->pushed = 0;
	s->candidates = 0;
	s->capped = 0;
	s->oom = 0;
	s->base = 0;
	s->streaming = 0;
	s->partial = 0;
	s->done = 0;
	memset(s->scanned_upto, 0, s->m->count * sizeof(*s->scanned_upto));
}

/* ------------------------------------------------------------------------
 * Decoded text (whole-buffer scans): candidate encoded spans are decoded
 * and scanned again, to a depth of DECODE_DEPTH decodings. The text is
 * scanned with the span's line before it (at most KEYWORD_WINDOW bytes),
 * so that context rules see the setting's name (`password: <base64>`);
 * only secrets inside the decoded part count, each located at the
 * encoded text it came from. A secret some rule found as written is not
 * reported again decoded.
 * ---------------------------------------------------------------------- */

#define DECODE_DEPTH 2
#define DECODE_MAX_SPANS 256          /* candidate spans per buffer */
#define DECODE_MAX_SPAN (1u << 20)    /* longer encoded runs are skipped */
#define DECODE_KEEP_TEXT (1u << 20)   /* a scratch keeps a decoded-text buffer this large */

static const char *const chain_names[4][5] = {
	{ "base64", "base64+base64", "base64+percent", "base64+escape", "base64+utf16" },
	{ "percent", "percent+base64", "percent+percent", "percent+escape", "percent+utf16" },
	{ "escape", "escape+base64", "escape+percent", "escape+escape", "escape+utf16" },
	{ "utf16", "utf16+base64", "utf16+percent", "utf16+escape", "utf16+utf16" },
};

static void decoded_clear(lg_scratch *s)
{
	size_t i;

	for (i = 0; i < s->dec_count; i++)
		free(s->dec[i].secret);
	s->dec_count = 0;
}

/* The decoded text of one span within the inner buffer: [from, to) is
 * decoded, the line's bytes before the span come just before `from`. */
typedef struct {
	const lg_encoded_span *span;
	size_t text_from, from, to;
} decoded_piece;

/* The inner scan over every span's decoded text at once. */
typedef struct {
	lg_scratch *s;
	const decoded_piece *pieces;
	size_t count;
	const char *inner;   /* the inner buffer */
	int failed;
} span_scan;

static const char *chain_name(lg_decode_kind outer, const char *inner)
{
	int k;

	if (!inner)
		return chain_names[outer][0];
	for (k = 0; k < 4; k++)
		if (strcmp(inner, chain_names[k][0]) == 0)
			return chain_names[outer][k + 1];
	return chain_names[outer][0]; /* a deeper chain is named by its first step */
}

/* 1 when some rule of the outer scan found this very secret as written
 * (the decoded form would only repeat it, under a more general rule). */
static int found_as_written(const lg_scratch *s, const char *secret, size_t len)
{
	size_t i;

	for (i = 0; i < s->found_count; i++) {
		const lg_match *m = &s->found[i].m;

		if (m->secret_end - m->secret_start == len &&
		    memcmp(s->buf + m->secret_start, secret, len) == 0)
			return 1;
	}
	return 0;
}

/* 1 when a match of the outer scan that overlaps encoded span `span` is
 * of a rule that supersedes `rule`: a Kubernetes Secret's data value
 * found as written speaks for the generic password its decoding holds,
 * as it would for one found beside it. */
static int superseded_as_written(const lg_scratch *s, const lg_rule *rule,
				 const lg_encoded_span *span)
{
	size_t i;

	for (i = 0; i < s->found_count; i++) {
		const lg_match *m = &s->found[i].m;

		if (m->secret_start < span->end && m->secret_end > span->start &&
		    supersedes(m->rule, rule))
			return 1;
	}
	return 0;
}

/* 1 when a decoded match of `rule` with this secret is already kept. */
static int decoded_already(const lg_scratch *s, const lg_rule *rule, const char *secret, size_t len)
{
	size_t i;

	for (i = 0; i < s->dec_count; i++)
		if (s->dec[i].m.rule == rule && s->dec[i].m.decoded_secret_len == len &&
		    memcmp(s->dec[i].secret, secret, len) == 0)
			return 1;
	return 0;
}

/* The piece whose text holds inner offset `at`, or NULL. */
static const decoded_piece *piece_at(const span_scan *ss, size_t at)
{
	size_t lo = 0, hi = ss->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ss->pieces[mid].to <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ss->count && ss->pieces[lo].text_from <= at ? &ss->pieces[lo] : NULL;
}

/* The inner scan's callback: keeps a secret that lies in a piece's
 * decoded part. A candidate the confirm stage could not decide is kept
 * too, unconfirmed, as one in text as written is: decoding must not turn
 * "could not tell" into "nothing found". Its text runs back from where
 * Hyperscan reported it, possibly into the line's prefix, so its piece is
 * the one it ends in and its text starts no earlier than the decoding. */
static int keep_decoded(const lg_match *im, void *payload)
{
	span_scan *ss = payload;
	lg_scratch *s = ss->s;
	const decoded_piece *p = piece_at(ss, im->unconfirmed ? im->secret_end - 1 : im->secret_start);
	size_t start = im->secret_start, len;
	const char *secret;
	decoded_match d;

	if (!p)
		return 0;
	if (im->unconfirmed && start < p->from && im->secret_end > p->from)
		start = p->from;
	if (start < p->from || im->secret_end > p->to)
		return 0;
	secret = im->decoded ? im->decoded_secret : ss->inner + start;
	len = im->decoded ? im->decoded_secret_len : im->secret_end - start;
	if (decoded_already(s, im->rule, secret, len))
		return 0;
	if (!im->unconfirmed &&
	    (found_as_written(s, secret, len) || superseded_as_written(s, im->rule, p->span)))
		return 0;
	if (s->dec_count == s->dec_alloc) {
		size_t alloc = s->dec_alloc ? 2 * s->dec_alloc : 8;
		decoded_match *q = realloc(s->dec, alloc * sizeof(*q));

		if (!q)
			return ss->failed = 1;
		s->dec = q;
		s->dec_alloc = alloc;
	}
	memset(&d, 0, sizeof(d));
	if (!(d.secret = malloc(len + 1)))
		return ss->failed = 1;
	memcpy(d.secret, secret, len);
	d.secret[len] = '\0';
	d.m.rule = im->rule;
	/* Located at the encoded text the secret (or, for a chain, the
	 * inner encoded text holding it) came from. */
	d.m.match_start = d.m.secret_start =
		lg_decode__source(s->buf, p->span, start - p->from, 0);
	d.m.match_end = d.m.secret_end =
		lg_decode__source(s->buf, p->span, im->secret_end - p->from, 1);
	if (d.m.secret_end <= d.m.secret_start)
		d.m.secret_end = d.m.match_end = p->span->end; /* ALWAYS: a match is not empty */
	d.m.decoded = chain_name(p->span->kind, im->decoded);
	d.m.decoded_secret = d.secret;
	d.m.decoded_secret_len = len;
	d.m.unconfirmed = im->unconfirmed;
	d.m.cut_short = im->cut_short;
	s->dec[s->dec_count++] = d;
	return 0;
}

/* Appends span `span`'s line prefix and its decoding to `text` as piece
 * *p, then a newline. 1 when it decoded to text; 0 when not (nothing is
 * kept); LG_ENOMEM. */
static int add_piece(decoded_piece *p, lg_buf *text, const lg_scratch *s,
		     const lg_encoded_span *span)
{
	size_t line_from = span->start, enc_len = span->end - span->start, n, at = text->len;

	while (line_from > 0 && s->buf[line_from - 1] != '\n' &&
	       span->start - line_from < KEYWORD_WINDOW)
		line_from--;
	if (lg_buf__add(text, s->buf + line_from, span->start - line_from) != 0 ||
	    lg_buf__add(text, s->buf + span->start, enc_len) != 0) /* room for the decoding */
		return LG_ENOMEM;
	p->span = span;
	p->text_from = at;
	p->from = at + (span->start - line_from);
	n = lg_decode__span(text->ptr + p->from, s->buf, span);
	text->len = n ? p->from + n : at;
	p->to = text->len;
	if (n && lg_buf__add(text, "\n", 1) != 0)
		return LG_ENOMEM;
	return n ? 1 : 0;
}

static int compare_decoded(const void *pa, const void *pb)
{
	const lg_match *a = &((const decoded_match *)pa)->m, *b = &((const decoded_match *)pb)->m;

	if (a->secret_start != b->secret_start)
		return a->secret_start < b->secret_start ? -1 : 1;
	return a->rule->index < b->rule->index ? -1 : a->rule->index > b->rule->index;
}

/* Finds and decodes the buffer's encoded spans and scans all their decoded
 * text in one inner scan (one Hyperscan pass, however many spans), keeping
 * what it holds in s->dec, located at the spans and sorted. */
static int scan_decoded(lg_scratch *s)
{
	lg_encoded_span spans[DECODE_MAX_SPANS];
	decoded_piece pieces[DECODE_MAX_SPANS];
	lg_buf *text = &s->dtext;
	span_scan ss;
	size_t n, i, count = 0, kept = 0;
	line_cursor c;
	int rc = 0;

	decoded_clear(s);
	if (!s->m->decode || s->depth >= DECODE_DEPTH)
		return 0;
	n = lg_decode__find(spans, DECODE_MAX_SPANS, s->buf, s->len);
	text->len = 0;
	for (i = 0; i < n && rc >= 0; i++)
		if (spans[i].end - spans[i].start <= DECODE_MAX_SPAN &&
		    lg_decode__promising(s->buf, &spans[i]) &&
		    (rc = add_piece(&pieces[count], text, s, &spans[i])) > 0)
			count++;
	if (rc >= 0 && count) {
		rc = 0;
		if (!s->inner && (rc = lg_scratch_new(&s->inner, s->m)) == 0)
			s->inner->depth = s->depth + 1;
		ss.s = s;
		ss.pieces = pieces;
		ss.count = count;
		ss.inner = text->ptr;
		ss.failed = 0;
		if (!rc)
			rc = lg_matcher_scan(s->m, s->inner, text->ptr, text->len, keep_decoded, &ss,
					     NULL);
		if (ss.failed)
			rc = lg_error_set(LG_ENOMEM, "out of memory");
		else if (rc == LG_ESTOP)
			rc = 0;
	}
	if (text->alloc > DECODE_KEEP_TEXT)
		lg_buf__release(text); /* a rare large one is not kept */
	if (rc < 0)
		return rc;
	if (s->dec_count > 1)
		qsort(s->dec, s->dec_count, sizeof(*s->dec), compare_decoded);
	memset(&c, 0, sizeof(c));
	for (i = 0; i < s->dec_count; i++) {
		lg_match *f = &s->dec[i].m;

		if (place_on_line(f, &c, s))
			s->dec[kept++] = s->dec[i];
		else
			free(s->dec[i].secret);
	}
	s->dec_count = kept;
	return 0;
}

int lg_matcher_scan(const lg_matcher *m, lg_scratch *s, const char *buf,
		    size_t len, lg_match_cb cb, void *payload,
		    lg_scan_result *result)
{
	size_t i, j = 0, reported = 0;
	int rc = 0;

	(void)m; /* the scratch's own */
	scratch_reset(s);
	s->buf = buf ? buf : "";
	s->len = buf ? len : 0;
	if (s->len > UINT32_MAX)
		return lg_error_set(LG_ELIMIT, "buffer of %zu bytes is too large to scan at once",
				    s->len);
	if ((rc = find_candidates(s)) != 0)
		return rc;
	if (s->found_count > 1)
		qsort(s->found, s->found_count, sizeof(*s->found), compare_matches);
	s->found_count = select_reported(s->found, s->found_count);
	locate(s);
	if ((rc = scan_decoded(s)) != 0)
		return rc;
	/* Both lists are in order of secret_start: report them merged. */
	for (i = 0; (i < s->found_count || j < s->dec_count) && !rc; reported++) {
		const lg_match *next;

		if (j == s->dec_count ||
		    (i < s->found_count && s->found[i].m.secret_start <= s->dec[j].m.secret_start))
			next = &s->found[i++].m;
		else
			next = &s->dec[j++].m;
		if (cb(next, payload))
			rc = LG_ESTOP;
	}
	if (result) {
		result->candidates = s->candidates;
		result->matches = reported;
		result->capped = s->capped;
		result->binary = memchr(s->buf, '\0', s->len < BINARY_PROBE ?
					s->len : BINARY_PROBE) != NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------------
 * Streams: the input fed in chunks
 *
 * Each chunk is appended to a window that starts `tail` bytes before the
 * last report handled, and the window is scanned in block mode. Reports
 * that end at or before that point were handled by an earlier window; the
 * rest are handled in order of end offset, as a whole scan handles them,
 * with the same per-rule state (scanned_upto, in input offsets), so the
 * confirm stage makes the same decisions:
 *  - the tail holds every byte a whole scan's decision looks at before a
 *    report: the longest Hyperscan match (so the same reports exist), the
 *    confirm window plus PCRE2's lookbehind, the keyword window, and the
 *    caller's excerpt context;
 *  - after a report, PCRE2 runs with PCRE2_PARTIAL_HARD: when it reaches
 *    the window's end before deciding, the reports at that end offset are
 *    undone and wait for the next window (the last window matches
 *    normally, as a whole scan does). Hyperscan's own reports are trusted
 *    only up to one byte before the window's end (\b and $ look one
 *    byte ahead).
 * A match is settled (sorted, deduplicated, located) once no later report
 * can produce one that starts before it, and reported once its line has
 * ended, since `leakgate:allow` anywhere on the line drops it. Lines are
 * counted by a cursor that moves through the input once.
 *
 * The one assumption: a rule Hyperscan calls unbounded (max_width) never
 * matches more than STREAM_LONGEST_MATCH bytes at once. Beyond that a
 * whole scan's confirm window (WINDOW_CAP) cannot confirm the match
 * anyway, but the report itself could still lead it elsewhere.
 * ---------------------------------------------------------------------- */

#define ALLOW_MARKER_LEN (sizeof(ALLOW_MARKER) - 1)

struct lg_stream {
	const lg_matcher *m;
	lg_scratch *s;
	lg_stream_match_cb cb;
	void *payload;
	size_t context;   /* bytes the callback gets on each side of a secret */
	size_t tail;
	char *win;        /* the input's bytes [base, total) */
	size_t win_len, win_alloc;
	size_t base, total;
	/* Matches not yet reported: [0, located) settled and located, in
	 * order; then those still unsettled. */
	found_match *pend;
	size_t pend_count, pend_alloc, located;
	size_t open;      /* pend[0, open) have line_done */
	/* The line cursor: everything before `pos` is counted. */
	size_t pos, line, line_start, points; /* code points in [line_start, pos) */
	int allowed;      /* the marker starts on this line before `mark` */
	size_t mark;
	char last;        /* the byte before pos */
	size_t reported;
	int binary;
	int stopped;      /* the callback asked to stop, or an error */
};

/* The bytes a stream keeps behind its last handled report for `m`'s
 * rules (compiling every rule once, for its lookbehind); 0 when memory
 * ran out. */
static size_t matcher_stream_tail(const lg_matcher *m)
{
	size_t tail = atomic_load(&m->stream_tail), i;

	if (tail)
		return tail;
	tail = KEYWORD_WINDOW + 16;
	for (i = 0; i < m->count; i++) {
		const lg_rule *rule = lg_ruleset_get(m->rules, i);
		const compiled_rule *c = rule->regex ? ready_rule(m, i) : NULL;
		const lg_rule_facts *r = &m->facts[i];
		size_t before = rule->context_before > KEYWORD_WINDOW ? rule->context_before
								       : KEYWORD_WINDOW;
		uint32_t lookbehind = 0;
		size_t longest, need;

		if (!rule->regex)
			continue; /* a pair rule: its parts' rules find it */
		if (!c)
			return 0;
		pcre2_pattern_info(c->regex, PCRE2_INFO_MAXLOOKBEHIND, &lookbehind);
		longest = r->max_width > STREAM_LONGEST_MATCH ? STREAM_LONGEST_MATCH
							      : r->max_width;
		/* +16: the byte before a match (\b, multiline ^) and spare. */
		need = longest + 16;
		if (c->window + lookbehind + before + 16 > need)
			need = c->window + lookbehind + before + 16;
		if (need > tail)
			tail = need;
	}
	atomic_store(&((lg_matcher *)m)->stream_tail, tail);
	return tail;
}

int lg_matcher__stream_new(lg_stream **out, const lg_matcher *m, lg_scratch *s,
			   size_t context, lg_stream_match_cb cb, void *payload)
{
	lg_stream *st;
	size_t tail = matcher_stream_tail(m);

	if (!tail || !(st = calloc(1, sizeof(*st))))
		return lg_error_set_oom();
	st->m = m;
	st->s = s;
	st->cb = cb;
	st->payload = payload;
	st->context = context;
	st->tail = tail > m->widest_window + context + 16 ? tail
		: m->widest_window + context + 16;
	st->line = 1;
	scratch_reset(s);
	s->streaming = 1;
	*out = st;
	return 0;
}

void lg_matcher__stream_free(lg_stream *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->pend_count; i++)
		free(st->pend[i].bytes);
	free(st->pend);
	free(st->win);
	st->s->streaming = 0;
	free(st);
}

/* The input byte at `offset`, which the window holds. */
static char window_byte(const lg_stream *st, size_t offset)
{
	return st->win[offset - st->base];
}

/* Completes the located matches on the cursor's line, which ends at
 * `end` (its \n, or the end of the input). */
static void finish_line(lg_stream *st, size_t end)
{
	char before = end == st->pos ? st->last : window_byte(st, end - 1);
	size_t content_end = end > st->line_start && before == '\r' ? end - 1 : end, k;

	for (k = st->open; k < st->located && st->pend[k].m.line == st->line; k++) {
		found_match *f = &st->pend[k];

		f->line_done = 1;
		f->allowed = st->allowed;
		f->m.line_end = content_end;
		f->m.end_column = end_column(&f->m, f->bytes + (f->m.secret_start - f->bytes_from),
					     content_end);
	}
	st->open = k;
}

/* 1 when the allow marker occurs in [p, p + len), ignoring ASCII case, as
 * lg__contains_nocase finds it, but at memchr's speed: a stream looks at
 * every line, not only those with a match. The marker's one ':' anchors
 * the comparison. */
static int has_marker(const char *p, size_t len)
{
	static const size_t colon = sizeof("leakgate") - 1;
	const char *end = p + len, *c = p + colon;

	while (c < end && (c = memchr(c, ':', (size_t)(end - c))) != NULL) {
		/* The letters around the ':' first: most colons are not it. */
		if ((size_t)(end - c) >= ALLOW_MARKER_LEN - colon &&
		    (c[-1] | 0x20) == 'e' && (c[1] | 0x20) == 'a' &&
		    strncasecmp(c - colon, ALLOW_MARKER, ALLOW_MARKER_LEN) == 0)
			return 1;
		c++;
	}
	return 0;
}

/* Looks for the allow marker on the cursor's line in [mark, end), `end`
 * being the line's end or the window's; `mark` then moves to the first
 * start of a marker not wholly seen. */
static void look_for_marker(lg_stream *st, size_t end, int line_end)
{
	if (end <= st->mark)
		return;
	if (!st->allowed)
		st->allowed = has_marker(st->win + (st->mark - st->base), end - st->mark);
	if (line_end)
		st->mark = end;
	else if (end - st->mark >= ALLOW_MARKER_LEN)
		st->mark = end - (ALLOW_MARKER_LEN - 1);
}

/* Moves the line cursor to `to` (within the window), counting lines and
 * code points and looking for the allow marker. */
static void cursor_advance(lg_stream *st, size_t to)
{
	while (st->pos < to) {
		const char *p = st->win + (st->pos - st->base);
		const char *nl = memchr(p, '\n', to - st->pos);
		size_t seg_end = nl ? st->pos + (size_t)(nl - p) : to;

		look_for_marker(st, nl ? seg_end : to, nl != NULL);
		st->points += code_points(p, seg_end - st->pos);
		if (!nl) {
			st->last = window_byte(st, to - 1);
			st->pos = to;
			break;
		}
		finish_line(st, seg_end);
		st->line++;
		st->line_start = st->pos = st->mark = seg_end + 1;
		st->last = '\n';
		st->points = 0;
		st->allowed = 0;
	}
}

/* Copies bytes around match `f` from the window: up to `context` bytes
 * before its secret, and on to `context` bytes after it as they arrive. */
static int copy_bytes(lg_stream *st, found_match *f)
{
	size_t want_end = f->m.secret_end + st->context, have_end, from;
	char *p;

	if (!f->bytes) {
		from = f->m.secret_start > st->context ? f->m.secret_start - st->context : 0;
		if (from < st->base)
			from = st->base; /* ALWAYS: the tail covers the context */
		f->bytes_from = from;
		f->bytes_len = 0;
		if (!(f->bytes = malloc(want_end - from)))
			return LG_ENOMEM;
	}
	have_end = f->bytes_from + f->bytes_len;
	if (have_end >= want_end || have_end >= st->total)
		return 0;
	p = f->bytes + f->bytes_len;
	from = have_end;
	have_end = want_end < st->total ? want_end : st->total;
	memcpy(p, st->win + (from - st->base), have_end - from);
	f->bytes_len = have_end - f->bytes_from;
	return 0;
}

/* Settles the unsettled matches that start before `limit`: sorted, the
 * ones to report kept, each located at its secret's start. */
static void settle(lg_stream *st, size_t limit)
{
	found_match *u;
	size_t n = st->pend_count - st->located, q, kept, i;

	if (n == 0)
		return;
	u = st->pend + st->located;
	if (n > 1)
		qsort(u, n, sizeof(*u), compare_matches);
	for (q = 0; q < n && u[q].m.secret_start < limit; q++)
		;
	kept = select_reported(u, q);
	memmove(u + kept, u + q, (n - q) * sizeof(*u));
	st->pend_count -= q - kept;
	for (i = 0; i < kept; i++) {
		lg_match *f = &u[i].m;

		cursor_advance(st, f->secret_start);
		f->line = st->line;
		f->line_start = st->line_start;
		f->column = st->points + 1;
		st->located++;
	}
}

/* Reports, in order, the located matches whose line has ended and whose
 * bytes are all copied; drops (or marks) those on an allowed line. */
static int report_ready(lg_stream *st, int final)
{
	size_t k = 0, i;
	int rc = 0;

	for (; k < st->located && !rc; k++) {
		found_match *f = &st->pend[k];
		size_t on_line, need;

		if (!f->line_done)
			break;
		/* What line_excerpt in scan.c reads: the secret, and the line
		 * up to `context` bytes after it. */
		on_line = f->m.secret_end < f->m.line_end ? f->m.secret_end : f->m.line_end;
		need = on_line + st->context < f->m.line_end ? on_line + st->context
							     : f->m.line_end;
		if (need < f->m.secret_end)
			need = f->m.secret_end;
		if (!final && f->bytes_from + f->bytes_len < need)
			break;
		if (!f->allowed || st->m->report_inline_allowed || f->m.cut_short) {
			f->m.inline_allowed = f->allowed && !f->m.cut_short;
			if (st->cb(&f->m, f->bytes, f->bytes_from, st->payload))
				rc = LG_ESTOP;
			st->reported++;
		}
	}
	if (k == 0)
		return rc;
	for (i = 0; i < k; i++)
		free(st->pend[i].bytes);
	memmove(st->pend, st->pend + k, (st->pend_count - k) * sizeof(*st->pend));
	st->pend_count -= k;
	st->located -= k;
	st->open -= k;
	return rc;
}

/* Scans the window (the last one when `final`), then settles, locates,
 * reports what it can and drops the bytes no later window needs. */
static int process_window(lg_stream *st, int final)
{
	lg_scratch *s = st->s;
	size_t limit = SIZE_MAX, i, keep_from;
	int err = 0;

	if (!s->capped) {
		if (st->win_len > UINT32_MAX)
			return lg_error_set(LG_ELIMIT, "a match wider than %u bytes cannot be streamed",
					    UINT32_MAX);
		s->buf = st->win ? st->win : "";
		s->len = st->win_len;
		s->base = st->base;
		s->partial = !final;
		s->accept_to = final ? st->total : st->total - 1;
		if ((err = find_candidates(s)) != 0)
			return err;
		s->done = s->accept_to;
	}
	for (i = 0; i < s->found_count && !err; i++) {
		s->found[i].bytes = NULL;
		if ((err = copy_bytes(st, &s->found[i])) == 0 &&
		    (err = append_found(&st->pend, &st->pend_count, &st->pend_alloc,
					 &s->found[i])) != 0)
			free(s->found[i].bytes);
	}
	s->found_count = 0;
	for (i = 0; i < st->pend_count && !err; i++)
		err = copy_bytes(st, &st->pend[i]);
	if (err)
		return lg_error_set_oom();
	/* Later reports confirm from at least done + 1 - widest window. */
	if (!final && !s->capped)
		limit = s->done + 1 > st->m->widest_window ?
			s->done + 1 - st->m->widest_window : 0;
	settle(st, limit);
	if (final) {
		cursor_advance(st, st->total);
		look_for_marker(st, st->total, 1);
		finish_line(st, st->total);
	} else {
		cursor_advance(st, limit < st->total ? limit : st->total);
	}
	if ((err = report_ready(st, final)) != 0)
		return err;
	keep_from = s->capped ? st->pos : s->done > st->tail ? s->done - st->tail : 0;
	if (keep_from > st->mark)
		keep_from = st->mark;
	if (keep_from > st->base) {
		memmove(st->win, st->win + (keep_from - st->base), st->total - keep_from);
		st->win_len = st->total - keep_from;
		st->base = keep_from;
	}
	return 0;
}

int lg_matcher__stream_feed(lg_stream *st, const char *data, size_t len)
{
	int err;

	if (st->stopped)
		return st->stopped;
	if (len == 0)
		return 0;
	if (st->total < BINARY_PROBE && !st->binary)
		st->binary = memchr(data, '\0', len < BINARY_PROBE - st->total ?
				    len : BINARY_PROBE - st->total) != NULL;
	if (LG_ARRAY_GROW(st->win, st->win_alloc, st->win_len + len, 4096) != 0)
		return st->stopped = LG_ENOMEM;
	memcpy(st->win + st->win_len, data, len);
	st->win_len += len;
	st->total += len;
	if ((err = process_window(st, 0)) != 0)
		st->stopped = err;
	return err;
}

int lg_matcher__stream_finish(lg_stream *st, lg_scan_result *result)
{
	int err = st->stopped ? st->stopped : process_window(st, 1);

	st->stopped = err ? err : LG_ESTOP;
	if (result) {
		result->candidates = st->s->candidates;
		result->matches = st->reported;
		result->capped = st->s->capped;
		result->binary = st->binary;
	}
	return err;
}
/* ------------------------------------------------------------------------
 * Secret spans, for excerpts
 *
 * An excerpt of a line must hide every candidate on it, not only the
 * finding's own secret: every rule's match, whatever its confidence and
 * whatever the filters (placeholder, entropy, keywords, checksum, allow
 * patterns) said, since a filter's "not a secret" is a guess.
 * ---------------------------------------------------------------------- */

static int on_span_candidate(unsigned int id, unsigned long long from,
			     unsigned long long to, unsigned int flags, void *ctx)
{
	lg_scratch *s = ctx;

	(void)from;
	(void)to;
	(void)flags;
	if (id < s->m->count) /* not a gated rule's keyword */
		s->span_rules[id] = 1;
	return 0;
}

/* Reports the secret span of each match of rule `rule` in text[0, len). A
 * search resumes just after the last secret's start, so that a match
 * whose delimiter the previous one consumed is still found. */
static int rule_spans(lg_scratch *s, size_t rule, const char *text, size_t len,
		      lg_span_cb cb, void *payload)
{
	const lg_matcher *m = s->m;
	const compiled_rule *c = ready_rule(m, rule);
	const lg_rule *r = lg_ruleset_get(m->rules, rule);
	size_t offset = 0;
	PCRE2_SIZE *ov;
	int rc;

	if (!c)
		return lg_error_set_oom();
	while (offset <= len) {
		unsigned g = r->secret_group;

		rc = pcre2_match(c->regex, (PCRE2_SPTR)text, len, offset, 0, s->md, m->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0)
			return lg_error_set(LG_ERROR, "rule %s: %s", r->id, undecided_reason(rc));
		ov = pcre2_get_ovector_pointer(s->md);
		if ((unsigned)rc <= g || ov[2 * g] == PCRE2_UNSET)
			g = 0;
		if (ov[2 * g + 1] > ov[2 * g])
			cb(ov[2 * g], ov[2 * g + 1], payload);
		offset = ov[2 * g] + 1 > ov[0] + 1 ? ov[2 * g] + 1 : ov[0] + 1;
	}
	return 0;
}

int lg_matcher__secret_spans(lg_scratch *s, const char *text, size_t len,
			     lg_span_cb cb, void *payload)
{
	const lg_matcher *m = s->m;
	size_t i;
	int err = 0;

	if (len > UINT32_MAX)
		return lg_error_set(LG_ELIMIT, "text of %zu bytes is too large", len);
	memset(s->span_rules, 0, m->count);
	if (hs_scan(m->db, text ? text : "", (unsigned)len, 0, s->hs, on_span_candidate, s) !=
	    HS_SUCCESS)
		return lg_error_set(LG_ERROR, "Hyperscan failed to scan an excerpt");
	/* Every candidate counts here, near a keyword or not. */
	for (i = 0; i < m->gated_count; i++)
		if (hs_scan(m->gated[i].db, text ? text : "", (unsigned)len, 0, s->hs,
			    on_span_candidate, s) != HS_SUCCESS)
			return lg_error_set(LG_ERROR, "Hyperscan failed to scan an excerpt");
	for (i = 0; i < m->count && !err; i++)
		if (s->span_rules[i])
			err = rule_spans(s, i, text, len, cb, payload);
	return err;
}

/* ------------------------------------------------------------------------
 * Rule self-tests
 * ---------------------------------------------------------------------- */

typedef struct {
	const lg_rule *rule;
	int hit;
	/* A pair rule's example: every match, for pairing. */
	const char *text;
	lg_pair_input *found;
	size_t count, alloc;
	int oom;
} check_state;

static int note_rule_hit(const lg_match *m, void *payload)
{
	check_state *st = payload;

	if (m->rule == st->rule)
		st->hit = 1;
	if (st->rule->pair_names[0]) {
		if (st->count == st->alloc) {
			size_t alloc = st->alloc ? 2 * st->alloc : 16;
			lg_pair_input *p = realloc(st->found, alloc * sizeof(*p));

			if (!p) {
				st->oom = 1;
				return 1;
			}
			st->found = p;
			st->alloc = alloc;
		}
		st->found[st->count++] = (lg_pair_input){ m->rule, st->text + m->secret_start,
							  m->secret_end - m->secret_start, m->line };
	}
	return 0;
}

static int note_pair_hit(const lg_rule *pair, size_t first, size_t second, void *payload)
{
	check_state *st = payload;

	(void)first;
	(void)second;
	if (pair == st->rule)
		st->hit = 1;
	return 0;
}

/* Scans example `ex` of rule st->rule; st->hit tells whether the rule
 * found it (a pair rule: paired two of the matches). */
static int check_example(const lg_matcher *m, lg_scratch *s, check_state *st, const char *ex)
{
	int err;

	st->text = ex;
	st->count = 0;
	err = lg_matcher_scan(m, s, ex, strlen(ex), note_rule_hit, st, NULL);
	if (st->oom)
		return lg_error_set(LG_ENOMEM, "out of memory");
	if (!err && st->rule->pair_names[0])
		err = lg_pair__find(m->rules, st->found, st->count, note_pair_hit, st);
	return err;
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
			check_state st = { r, 0, NULL, NULL, 0, 0, 0 };

			err = check_example(m, s, &st, ex);
			free(st.found);
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
