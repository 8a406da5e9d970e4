/*
 * pair.c - paired credentials: a Twilio Account SID and its Auth Token, an
 * AWS key id and its secret key, found near each other in one file.
 *
 * A pair rule (lg_rule.pair_names) names, for each of its two parts, the
 * rules that find that part. Each part is still reported by its own rule;
 * pairing adds one finding per pair, holding both secrets, so that a
 * verifier can try them together. It works on the secrets one file gave,
 * however they were found (whole or streamed), so scan.c and
 * `rules check` share it.
 */
#include "match/match.h"

#include <stdlib.h>
#include <string.h>

static int rule_listed(const char *const *ids, const lg_rule *r)
{
	for (; ids && *ids; ids++)
		if (strcmp(*ids, r->id) == 0)
			return 1;
	return 0;
}

static size_t line_distance(size_t a, size_t b)
{
	return a > b ? a - b : b - a;
}

static int same_secret(const lg_pair_input *a, const lg_pair_input *b)
{
	return a->secret_len == b->secret_len &&
	       memcmp(a->secret, b->secret, a->secret_len) == 0;
}

/* The first-part input nearest to in[second] (in lines; the earlier on a
 * tie), within the pair's reach; n when none. */
static size_t nearest_first(const lg_rule *pair, const lg_pair_input *in, size_t n,
			    size_t second)
{
	size_t i, best = n;

	for (i = 0; i < n; i++) {
		size_t d = line_distance(in[i].line, in[second].line);

		if (i == second || same_secret(&in[i], &in[second]) ||
		    d > pair->pair_max_lines || !rule_listed(pair->pair_rules[0], in[i].rule))
			continue;
		if (best == n || d < line_distance(in[best].line, in[second].line))
			best = i;
	}
	return best;
}

/* The pairs one pair rule made so far in this file, to make each pair of
 * secrets once (two rules found the token, or the lines repeat). */
typedef struct {
	size_t (*v)[2];
	size_t count, alloc;
} made_list;

static int made_before(const made_list *made, const lg_pair_input *in, size_t first,
		       size_t second)
{
	size_t k;

	for (k = 0; k < made->count; k++)
		if (same_secret(&in[made->v[k][0]], &in[first]) &&
		    same_secret(&in[made->v[k][1]], &in[second]))
			return 1;
	return 0;
}

static int remember(made_list *made, size_t first, size_t second)
{
	if (made->count == made->alloc) {
		size_t alloc = made->alloc ? 2 * made->alloc : 8;
		size_t (*v)[2] = realloc(made->v, alloc * sizeof(*v));

		if (!v)
			return lg_error_set(LG_ENOMEM, "out of memory");
		made->v = v;
		made->alloc = alloc;
	}
	made->v[made->count][0] = first;
	made->v[made->count++][1] = second;
	return 0;
}

int lg_pair__find(const lg_ruleset *rs, const lg_pair_input *in, size_t n,
		  lg_pair_cb cb, void *payload)
{
	made_list made = { NULL, 0, 0 };
	size_t p, j;
	int err = 0;

	for (p = 0; p < lg_ruleset_count(rs) && n >= 2 && !err; p++) {
		const lg_rule *pair = lg_ruleset_get(rs, p);

		if (!pair->pair_names[0])
			continue;
		made.count = 0;
		for (j = 0; j < n && !err; j++) {
			size_t i;

			if (!rule_listed(pair->pair_rules[1], in[j].rule) ||
			    (i = nearest_first(pair, in, n, j)) == n ||
			    made_before(&made, in, i, j))
				continue;
			if (!(err = remember(&made, i, j)))
				err = cb(pair, i, j, payload);
		}
	}
	free(made.v);
	return err;
}

/* The parts' secrets, each followed by a NUL, stand for the secret in the
 * fingerprint: stable for the same two secrets under the same rule. */
void lg_pair__fingerprint(char out[LG_FINGERPRINT_HEXLEN + 1], const char *rule_id,
			  const lg_secret_part *parts, size_t count)
{
	lg_buf b = LG_BUF_INIT;
	size_t i;
	int err = 0;

	for (i = 0; i < count && !err; i++)
		err = lg_buf__add(&b, parts[i].secret, parts[i].secret_len + 1);
	if (err) { /* as lg_fingerprint does when out of memory */
		memset(out, '0', LG_FINGERPRINT_HEXLEN);
		out[LG_FINGERPRINT_HEXLEN] = '\0';
	} else {
		lg_fingerprint(out, rule_id, b.ptr, b.len);
	}
	lg_buf__release(&b);
}
