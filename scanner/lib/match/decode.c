/*
 * decode.c - encoded text worth scanning again: where it is, and what it
 * says decoded.
 *
 * Secrets are often stored encoded: base64 (Kubernetes Secret `data:`
 * values, `Authorization: Basic ...`, standalone blocks), percent-encoded
 * in URLs, as string escapes (a `\n`-escaped PEM key in JSON), or as
 * UTF-16 text. Decoding is on by default, so it must cost little beside
 * the Hyperscan pass: candidate spans are found without a branch per
 * byte (base64 runs from SIMD masks of 64-byte blocks, the rest from
 * memchr), and only spans that could hold a secret are kept (a long
 * base64 run of mixed case and digits, a run with several %XX, a line
 * with several escapes one of which sits beside a token, NUL-interleaved
 * ASCII). A decoding that does not give mostly printable text is dropped
 * (base64 of an image, a hash that happens to be base64).
 */
#include "match/match.h"

#include <string.h>

#define BASE64_MIN_RUN 20     /* 15 bytes decoded: room for a short secret */
#define PERCENT_MIN_ESCAPES 3 /* %XX sequences in one run */
#define ESCAPE_MIN 2          /* \n, \" ... on one line */
#define ESCAPE_TOKEN 8        /* token characters beside one of them */
#define BASE64_CLASS_PROBE 64 /* characters of a run looked at for its classes */
#define UTF16_MIN_CHARS 12
#define PRINTABLE_SHARE 0.9   /* of decoded bytes, or it is not text */

static const char *const kind_names[] = { "base64", "percent", "escape", "utf16" };

const char *lg_decode__name(lg_decode_kind kind)
{
	return (unsigned)kind < 4 ? kind_names[kind] : "unknown";
}

/* ------------------------------------------------------------------------
 * Finding candidate spans
 * ---------------------------------------------------------------------- */

/* The value of each byte as a base64 character (standard or URL-safe
 * alphabet), 64 for any other byte: a table, since the candidate search
 * looks up every byte of every blob. */
static const unsigned char b64_values[256] = {
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 62, 64, 62, 64, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 64, 64, 64, 64, 64, 64,
	64,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 64, 64, 64, 64, 63,
	64, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
	64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64,
};

static unsigned b64(unsigned char c)
{
	return b64_values[c];
}

/* Of each base64 character: 1 upper case, 2 lower case, 4 a digit, '+'
 * or '/' ('-' and '_' count as neither, as in an identifier). */
static const unsigned char b64_classes[256] = {
	['+'] = 4, ['/'] = 4,
	['0'] = 4, ['1'] = 4, ['2'] = 4, ['3'] = 4, ['4'] = 4,
	['5'] = 4, ['6'] = 4, ['7'] = 4, ['8'] = 4, ['9'] = 4,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
	['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
	['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2, ['f'] = 2, ['g'] = 2,
	['h'] = 2, ['i'] = 2, ['j'] = 2, ['k'] = 2, ['l'] = 2, ['m'] = 2, ['n'] = 2,
	['o'] = 2, ['p'] = 2, ['q'] = 2, ['r'] = 2, ['s'] = 2, ['t'] = 2, ['u'] = 2,
	['v'] = 2, ['w'] = 2, ['x'] = 2, ['y'] = 2, ['z'] = 2,
};

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hex_value(unsigned char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int push_span(lg_encoded_span *spans, size_t *n, size_t max, size_t start, size_t end,
		     lg_decode_kind kind)
{
	if (*n >= max)
		return 1;
	spans[*n].start = start;
	spans[*n].end = end;
	spans[*n].kind = kind;
	(*n)++;
	return 0;
}

/* A base64 run [start, end) worth decoding: long enough, with upper and
 * lower case and a digit or '+' '/' (an identifier or a hex digest has
 * not all of them), and whole 4-character groups once its '=' padding
 * (`padding` bytes) is counted, as every padded encoder writes them (an
 * identifier that happens to qualify fails this three times in four). */
static int base64_candidate(const unsigned char *p, size_t len, size_t padding)
{
	unsigned classes = 0;
	size_t i;

	if (len < BASE64_MIN_RUN || (len + padding) % 4 != 0)
		return 0;
	/* The first BASE64_CLASS_PROBE characters are enough: base64 of text
	 * mixes the classes within a few groups; a long run of one case (a
	 * hex dump, a path) is not read to its end. */
	for (i = 0; i < len && i < BASE64_CLASS_PROBE && classes != 7; i++)
		classes |= b64_classes[p[i]];
	return classes == 7;
}

/* URL-ish runs holding at least PERCENT_MIN_ESCAPES %XX sequences. */
static void find_percent(lg_encoded_span *spans, size_t *n, size_t max,
			 const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;

	while (*n < max && (p = memchr(p, '%', (size_t)(end - p))) != NULL) {
		const unsigned char *s = p, *e = p;
		size_t escapes = 0;

		while (s > buf && s[-1] > ' ' && s[-1] < 0x7f && s[-1] != '"' && s[-1] != '\'' &&
		       s[-1] != '<' && s[-1] != '>' && s[-1] != '`')
			s--;
		while (e < end && *e > ' ' && *e < 0x7f && *e != '"' && *e != '\'' && *e != '<' &&
		       *e != '>' && *e != '`') {
			if (*e == '%' && end - e >= 3 && is_hex(e[1]) && is_hex(e[2])) {
				escapes++;
				e += 3;
			} else {
				e++;
			}
		}
		if (escapes >= PERCENT_MIN_ESCAPES)
			push_span(spans, n, max, (size_t)(s - buf), (size_t)(e - buf),
				  LG_DECODE_PERCENT);
		p = e > p ? e : p + 1;
	}
}

/* 1 when `c` after a backslash makes a string escape worth decoding. */
static int escape_letter(unsigned char c)
{
	return c == 'n' || c == 'r' || c == 't' || c == '"' || c == '/' || c == '\\' || c == 'u';
}

/* 1 when the escape at q (within the line [ls, le)) could change what a
 * rule sees around a secret: a run of ESCAPE_TOKEN token characters
 * right after it or right before it (the `\n` before a key's body or a
 * token, the `\"` around a quoted password, a `\u003d` inside a value),
 * or an escaped URL's `\/\/`. Source code's escapes mostly sit beside a
 * space, a format directive, a quote or another escape. */
static int escape_beside_token(const unsigned char *ls, const unsigned char *le,
			       const unsigned char *q)
{
	const unsigned char *t = q + 2;
	size_t run;

	if (q[1] == 'u' && le - q >= 6)
		t = q + 6;
	if (q[1] == '/' && le - q >= 4 && q[2] == '\\' && q[3] == '/')
		return 1;
	for (run = 0; t < le && run < ESCAPE_TOKEN && b64_values[*t] != 64; t++)
		run++;
	if (run >= ESCAPE_TOKEN)
		return 1;
	for (run = 0, t = q; t > ls && run < ESCAPE_TOKEN && b64_values[t[-1]] != 64; t--)
		run++;
	return run >= ESCAPE_TOKEN;
}

/* Lines holding at least ESCAPE_MIN string escapes (\n \r \t \" \\ \/
 * \uXXXX), one of them beside a token (escape_beside_token): source code
 * has a backslash on many lines, and decoding and scanning them all again
 * would cost more than all the rest. A line is walked from backslash to
 * backslash, not byte by byte. */
static void find_escapes(lg_encoded_span *spans, size_t *n, size_t max,
			 const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len;

	while (*n < max && (p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		const unsigned char *ls = p, *le, *q;
		size_t escapes = 0;
		int beside = 0;

		while (ls > buf && ls[-1] != '\n')
			ls--;
		le = memchr(p, '\n', (size_t)(end - p));
		le = le ? le : end;
		for (q = p; q && q + 1 < le; q = memchr(q + 2, '\\', (size_t)(le - q - 2)))
			if (escape_letter(q[1])) {
				escapes++;
				beside = beside || escape_beside_token(ls, le, q);
			}
		if (escapes >= ESCAPE_MIN && beside)
			push_span(spans, n, max, (size_t)(ls - buf), (size_t)(le - buf),
				  LG_DECODE_ESCAPE);
		p = le;
	}
}

static int utf16_char(unsigned char c)
{
	return c >= 0x09 && c < 0x7f;
}

/* The run of printable ASCII characters each followed by a NUL around the
 * NUL at buf[at] (little-endian UTF-16 text, or big-endian one byte on):
 * [*from, returned end); empty when the byte before buf[at] is no such
 * character. */
static size_t utf16_run(size_t *from, const unsigned char *buf, size_t len, size_t at)
{
	size_t s = at > 0 ? at - 1 : at, e;

	while (s >= 2 && buf[s - 1] == 0 && utf16_char(buf[s - 2]))
		s -= 2;
	for (e = s; e + 1 < len && buf[e + 1] == 0 && utf16_char(buf[e]); e += 2)
		;
	*from = s;
	return e;
}

/* Runs of at least UTF16_MIN_CHARS characters of UTF-16 text. Such a run
 * spans 2 * UTF16_MIN_CHARS bytes, so it holds a NUL at one of the two
 * bytes at every multiple of UTF16_STRIDE: only those are looked at,
 * which keeps binary files, NULs everywhere, cheap. */
#define UTF16_STRIDE (2 * UTF16_MIN_CHARS - 2)
static void find_utf16(lg_encoded_span *spans, size_t *n, size_t max,
		       const unsigned char *buf, size_t len)
{
	const unsigned char *nul = memchr(buf, '\0', len);
	size_t q, from, to, done = 0;

	if (!nul)
		return; /* text: no NUL at all, found at memchr's speed */
	/* A run holds NULs, so it starts at most one byte before the first. */
	q = (size_t)(nul - buf) > 0 ? (size_t)(nul - buf) - 1 : 0;
	for (q -= q % UTF16_STRIDE; q + 1 < len && *n < max; q += UTF16_STRIDE) {
		size_t at = buf[q] == 0 && q > 0 && utf16_char(buf[q - 1]) ? q :
			    buf[q + 1] == 0 && utf16_char(buf[q]) ? q + 1 : len;

		if (at == len || at < done)
			continue;
		to = utf16_run(&from, buf, len, at);
		if ((to - from) / 2 >= UTF16_MIN_CHARS && from >= done)
			push_span(spans, n, max, from, to, LG_DECODE_UTF16);
		done = to;
	}
}

/* A run of base64 characters buf[start, end) ended: a span when it is a
 * candidate, its '=' padding included. */
static void end_base64_run(lg_encoded_span *spans, size_t *n, size_t max,
			   const unsigned char *buf, size_t len, size_t start, size_t end)
{
	size_t pad = 0;

	if (end - start < BASE64_MIN_RUN)
		return;
	while (end + pad < len && pad < 2 && buf[end + pad] == '=')
		pad++;
	if (base64_candidate(buf + start, end - start, pad))
		push_span(spans, n, max, start, end + pad, LG_DECODE_BASE64);
}

/* The base64 runs of buf[0, len) that end in [from, to), `run_start`
 * being where the run that reaches `from` began: byte by byte. Returns
 * where the run reaching `to` began. */
static size_t base64_runs_bytes(lg_encoded_span *spans, size_t *n, size_t max,
				const unsigned char *buf, size_t len, size_t from, size_t to,
				size_t run_start)
{
	size_t i;

	for (i = from; i < to && *n < max; i++)
		if (b64_values[buf[i]] == 64) {
			end_base64_run(spans, n, max, buf, len, run_start, i);
			run_start = i + 1;
		}
	return run_start;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* 1 when (unsigned) lo <= byte <= hi, for each of the 16 bytes. */
static __m128i in_range(__m128i x, unsigned char lo, unsigned char hi)
{
	/* Shifted so that [lo, hi] lands at the bottom of the signed range. */
	__m128i t = _mm_add_epi8(x, _mm_set1_epi8((char)(unsigned char)(0x80 - lo)));

	return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(unsigned char)(0x80 + hi - lo + 1)));
}

/* Bit i set when p[i] is a base64 character (b64_values[p[i]] != 64). */
static uint64_t base64_mask(const unsigned char *p)
{
	uint64_t mask = 0;
	int k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i letters = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z');
		__m128i digits = in_range(x, '0', '9');
		__m128i sym = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')),
				     _mm_cmpeq_epi8(x, _mm_set1_epi8('/'))),
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
				     _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))));
		__m128i all = _mm_or_si128(_mm_or_si128(letters, digits), sym);

		mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(all) << (16 * k);
	}
	return mask;
}

/* As base64_mask, with ',' and '.' counted in too: fewer operations
 * (letters, the range '+' to '9', '_'), for telling which blocks cannot
 * hold a run. */
static uint64_t base64_mask_loose(const unsigned char *p)
{
	uint64_t mask = 0;
	int k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i all = _mm_or_si128(
			_mm_or_si128(in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z'),
				     in_range(x, '+', '9')),
			_mm_cmpeq_epi8(x, _mm_set1_epi8('_')));

		mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(all) << (16 * k);
	}
	return mask;
}

/* Bit i set when bits i .. i + BASE64_MIN_RUN - 1 of `m` are all set. */
static uint64_t runs_of_min(uint64_t m)
{
	m &= m >> 1;  /* 2 */
	m &= m >> 2;  /* 4 */
	m &= m >> 4;  /* 8 */
	m &= m >> 8;  /* 16 */
	return m & m >> (BASE64_MIN_RUN - 16); /* 20 */
}

/* Where the base64 run that reaches `at` begins, given that it begins at
 * `from` or later (a loose mask's run). */
static size_t base64_run_start(const unsigned char *buf, size_t from, size_t at)
{
	while (at > from && b64_values[buf[at - 1]] != 64)
		at--;
	return at;
}

/* The base64 runs of block buf[i, i + 64), whose exact mask is `m`, the
 * run that reaches it beginning at `run_start`: the entering run, then
 * each run of BASE64_MIN_RUN or more that starts inside (found from the
 * mask, not byte by byte). Returns where the run that reaches the block's
 * end begins. */
static size_t long_runs(lg_encoded_span *spans, size_t *n, size_t max,
			const unsigned char *buf, size_t len, size_t i, size_t run_start,
			uint64_t m)
{
	uint64_t others = ~m, starts;
	size_t first, last;

	if (!others)
		return run_start;
	first = (size_t)__builtin_ctzll(others);
	last = 63 - (size_t)__builtin_clzll(others);
	if (i + first - run_start >= BASE64_MIN_RUN)
		end_base64_run(spans, n, max, buf, len, run_start, i + first);
	starts = runs_of_min(m) & (~0ULL << first);
	while (starts && *n < max) {
		size_t j = (size_t)__builtin_ctzll(starts);
		size_t run = (size_t)__builtin_ctzll(~(m >> j)); /* 64 - j at most */

		if (j + run >= 64)
			return i + j; /* it goes on into the next block */
		end_base64_run(spans, n, max, buf, len, i + j, i + j + run);
		starts &= ~0ULL << (j + run);
	}
	return i + last + 1;
}

/* Base64 runs in [0, len), 64 bytes at a time: most blocks hold no run of
 * BASE64_MIN_RUN characters, which a few mask operations on a loose mask
 * (`loose`) tell, and only the blocks that may are classified exactly. (A
 * loop over the bytes mispredicts a branch at every word's edge; this one
 * almost never.) `run_start` is where the current run begins: by the
 * loose mask after a block skipped, exact after one classified. Inlined
 * into each variant below, with its own `loose` and `exact` masks. */
static inline __attribute__((always_inline)) void
find_base64_with(lg_encoded_span *spans, size_t *n, size_t max, const unsigned char *buf,
		 size_t len, uint64_t (*loose)(const unsigned char *),
		 uint64_t (*exact)(const unsigned char *))
{
	size_t i, run_start = 0;
	int exact_start = 1; /* run_start is exact, not a loose mask's */

	for (i = 0; i + 64 <= len && *n < max; i += 64) {
		uint64_t m = loose(buf + i), others = ~m;

		/* No loose run of BASE64_MIN_RUN entering or inside: no exact
		 * one either. (A block the loose run fills wholly may still
		 * end an exact run at a '.' or ',': it is classified.) */
		if (others && i + (size_t)__builtin_ctzll(others) - run_start < BASE64_MIN_RUN &&
		    !runs_of_min(m)) {
			run_start = i + 64 - (size_t)__builtin_clzll(others);
			exact_start = 0;
			continue;
		}
		if (!exact_start)
			run_start = base64_run_start(buf, run_start, i);
		run_start = long_runs(spans, n, max, buf, len, i, run_start, exact(buf + i));
		exact_start = 1;
	}
	if (*n < max)
		run_start = base64_runs_bytes(spans, n, max, buf, len, i, len,
					      exact_start ? run_start
							  : base64_run_start(buf, run_start, i));
	if (*n < max && run_start < len)
		end_base64_run(spans, n, max, buf, len, run_start, len);
}

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HAVE_AVX2_VARIANT 1

/* 0xFF in each byte of `x` within [lo, lo + count), one signed compare
 * after moving the range to the bottom of the signed bytes. */
__attribute__((target("avx2"))) static inline __m256i in_range_avx2(__m256i x, unsigned char lo,
								     unsigned char count)
{
	return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(unsigned char)(0x80 + count)),
				 _mm256_add_epi8(x, _mm256_set1_epi8((char)(unsigned char)(0x80 - lo))));
}

/* The ASCII letters of `x` (the case bit set, then one range). */
__attribute__((target("avx2"))) static inline __m256i letters_avx2(__m256i x)
{
	return in_range_avx2(_mm256_or_si256(x, _mm256_set1_epi8(0x20)), 'a', 26);
}

/* base64_mask_loose with AVX2: 32 bytes at a time. */
__attribute__((target("avx2"))) static uint64_t base64_mask_loose_avx2(const unsigned char *p)
{
	uint64_t mask = 0;
	int k;

	for (k = 0; k < 2; k++) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
		__m256i all = _mm256_or_si256(
			_mm256_or_si256(letters_avx2(x), in_range_avx2(x, '+', '9' - '+' + 1)),
			_mm256_cmpeq_epi8(x, _mm256_set1_epi8('_')));

		mask |= (uint64_t)(uint32_t)_mm256_movemask_epi8(all) << (32 * k);
	}
	return mask;
}

/* base64_mask with AVX2. */
__attribute__((target("avx2"))) static uint64_t base64_mask_avx2(const unsigned char *p)
{
	uint64_t mask = 0;
	int k;

	for (k = 0; k < 2; k++) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * k));
		__m256i sym = _mm256_or_si256(
			_mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('+')),
					_mm256_cmpeq_epi8(x, _mm256_set1_epi8('/'))),
			_mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('-')),
					_mm256_cmpeq_epi8(x, _mm256_set1_epi8('_'))));
		__m256i all = _mm256_or_si256(
			_mm256_or_si256(letters_avx2(x), in_range_avx2(x, '0', 10)), sym);

		mask |= (uint64_t)(uint32_t)_mm256_movemask_epi8(all) << (32 * k);
	}
	return mask;
}

__attribute__((target("avx2"))) static void
find_base64_avx2(lg_encoded_span *spans, size_t *n, size_t max, const unsigned char *buf,
		 size_t len)
{
	find_base64_with(spans, n, max, buf, len, base64_mask_loose_avx2, base64_mask_avx2);
}
#endif

static void find_base64(lg_encoded_span *spans, size_t *n, size_t max,
			const unsigned char *buf, size_t len)
{
#ifdef HAVE_AVX2_VARIANT
	if (__builtin_cpu_supports("avx2")) {
		find_base64_avx2(spans, n, max, buf, len);
		return;
	}
#endif
	find_base64_with(spans, n, max, buf, len, base64_mask_loose, base64_mask);
}
#else
/* Base64 runs in [0, len), byte by byte. */
static void find_base64(lg_encoded_span *spans, size_t *n, size_t max,
			const unsigned char *buf, size_t len)
{
	size_t run_start = base64_runs_bytes(spans, n, max, buf, len, 0, len, 0);

	if (*n < max && run_start < len)
		end_base64_run(spans, n, max, buf, len, run_start, len);
}
#endif

size_t lg_decode__find(lg_encoded_span *spans, size_t max, const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;
	size_t n = 0;

	find_base64(spans, &n, max, u, len);
	find_percent(spans, &n, max, u, len);
	find_escapes(spans, &n, max, u, len);
	find_utf16(spans, &n, max, u, len);
	return n;
}

/* ------------------------------------------------------------------------
 * Decoding one span
 * ---------------------------------------------------------------------- */

static size_t decode_base64(unsigned char *out, const unsigned char *in, size_t len)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0;

	for (i = 0; i < len && in[i] != '='; i++) {
		acc = (acc << 6) | b64(in[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

static size_t decode_percent(unsigned char *out, const unsigned char *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '%' && i + 2 < len && is_hex(in[i + 1]) && is_hex(in[i + 2])) {
			out[n++] = (unsigned char)(hex_value(in[i + 1]) << 4 | hex_value(in[i + 2]));
			i += 2;
		} else {
			out[n++] = in[i];
		}
	}
	return n;
}

static size_t decode_escapes(unsigned char *out, const unsigned char *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = in[i];

		if (c != '\\' || i + 1 >= len) {
			out[n++] = c;
			continue;
		}
		c = in[++i];
		switch (c) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			/* \u00XX: an ASCII character; anything else stays as written */
			if (i + 4 < len && in[i + 1] == '0' && in[i + 2] == '0' && is_hex(in[i + 3]) &&
			    is_hex(in[i + 4])) {
				out[n++] = (unsigned char)(hex_value(in[i + 3]) << 4 | hex_value(in[i + 4]));
				i += 4;
			} else {
				out[n++] = '\\';
				out[n++] = c;
			}
			break;
		case '"': case '\'': case '/': case '\\':
			out[n++] = c;
			break;
		default:
			out[n++] = '\\';
			out[n++] = c;
		}
	}
	return n;
}

static size_t decode_utf16(unsigned char *out, const unsigned char *in, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < len; i += 2)
		out[n++] = in[i];
	return n;
}

/* 1 when most of the decoded bytes are printable text. */
static int mostly_text(const unsigned char *p, size_t len)
{
	size_t i, printable = 0;

	for (i = 0; i < len; i++)
		printable += (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' ||
			     p[i] == '\t';
	return len > 0 && (double)printable >= PRINTABLE_SHARE * (double)len;
}

int lg_decode__promising(const char *buf, const lg_encoded_span *span)
{
	unsigned char probe[48];
	size_t len = span->end - span->start;

	if (span->kind != LG_DECODE_BASE64)
		return 1;
	len = len < 64 ? len : 64;
	return mostly_text(probe, decode_base64(probe, (const unsigned char *)buf + span->start,
						 len));
}

size_t lg_decode__span(char *out, const char *buf, const lg_encoded_span *span)
{
	const unsigned char *in = (const unsigned char *)buf + span->start;
	unsigned char *o = (unsigned char *)out;
	size_t len = span->end - span->start, n = 0;

	switch (span->kind) {
	case LG_DECODE_BASE64: n = decode_base64(o, in, len); break;
	case LG_DECODE_PERCENT: n = decode_percent(o, in, len); break;
	case LG_DECODE_ESCAPE: n = decode_escapes(o, in, len); break;
	case LG_DECODE_UTF16: n = decode_utf16(o, in, len); break;
	}
	return mostly_text(o, n) ? n : 0;
}

/* ------------------------------------------------------------------------
 * Where decoded bytes came from
 * ---------------------------------------------------------------------- */

/* The encoded unit at in[i] of a percent or escape span: its length, and
 * in *produced how many bytes it decodes to (as decode_percent and
 * decode_escapes read it). */
static size_t unit_at(lg_decode_kind kind, const unsigned char *in, size_t len, size_t i,
		      size_t *produced)
{
	*produced = 1;
	if (kind == LG_DECODE_PERCENT)
		return in[i] == '%' && i + 2 < len && is_hex(in[i + 1]) && is_hex(in[i + 2]) ? 3
											      : 1;
	if (in[i] != '\\' || i + 1 >= len)
		return 1;
	switch (in[i + 1]) {
	case 'n': case 'r': case 't': case '"': case '\'': case '/': case '\\':
		return 2;
	case 'u':
		if (i + 5 < len && in[i + 2] == '0' && in[i + 3] == '0' && is_hex(in[i + 4]) &&
		    is_hex(in[i + 5]))
			return 6;
		break;
	}
	*produced = 2; /* an escape it does not know stays as written */
	return 2;
}

size_t lg_decode__source(const char *buf, const lg_encoded_span *span, size_t decoded, int end)
{
	const unsigned char *in = (const unsigned char *)buf + span->start;
	size_t len = span->end - span->start, at = 0, n = 0, produced, unit;

	switch (span->kind) {
	case LG_DECODE_BASE64:
		/* whole 4-character groups: a character holds bits of two bytes */
		at = end ? (decoded + 2) / 3 * 4 : decoded / 3 * 4;
		break;
	case LG_DECODE_UTF16:
		at = 2 * decoded;
		break;
	case LG_DECODE_PERCENT:
	case LG_DECODE_ESCAPE:
		for (; at < len; at += unit, n += produced) {
			unit = unit_at(span->kind, in, len, at, &produced);
			if (end ? n >= decoded : n + produced > decoded)
				break;
		}
		break;
	}
	return span->start + (at < len ? at : len);
}
