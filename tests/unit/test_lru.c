/*
 * test_lru.c - the pack readers' cache (git/lru.c), against a model: a
 * plain list in recency order where a new entry first pushes out whatever
 * shares its slot, then the oldest entries while the bytes exceed the
 * budget. Random sequences of lookups and insertions must leave the cache
 * and the model with the same entries in the same order, the same values
 * found, and exactly the dropped values freed.
 */
#include "git/git.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A value the cache holds: which insertion it came from. */
typedef struct {
	int serial;
} token;

static int freed[20000]; /* by serial: how often the cache freed it */

static void free_token(void *p)
{
	freed[((token *)p)->serial]++;
	free(p);
}

typedef struct {
	uint32_t pack;
	uint64_t offset;
	size_t len;
	int serial;
} model_entry;

/* The model: entries newest first. */
typedef struct {
	model_entry e[5000];
	size_t n, bytes;
} model;

static void model_remove(model *m, size_t i)
{
	m->bytes -= m->e[i].len;
	memmove(m->e + i, m->e + i + 1, (m->n - i - 1) * sizeof(m->e[0]));
	m->n--;
}

static void model_to_front(model *m, size_t i)
{
	model_entry e = m->e[i];

	memmove(m->e + 1, m->e, i * sizeof(m->e[0]));
	m->e[0] = e;
}

static uint64_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return *state >> 33;
}

/* The cache's list, newest first, equals the model's. */
static int same_as_model(const lg_lru *c, const model *m)
{
	const lg_lru_entry *e = c->newest;
	size_t i = 0;

	for (; e && i < m->n; e = e->older, i++)
		if (e->pack != m->e[i].pack || e->offset != m->e[i].offset ||
		    e->len != m->e[i].len || ((token *)e->value)->serial != m->e[i].serial)
			return 0;
	return !e && i == m->n && c->bytes == m->bytes &&
	       (m->n == 0 ? c->oldest == NULL : c->oldest->offset == m->e[m->n - 1].offset);
}

/* One random run: `slot_bits` slots, a budget of `limit` bytes, keys
 * from a small space so that lookups hit and slots collide. */
static void run_against_model(uint64_t seed, unsigned slot_bits, size_t limit, int steps)
{
	static model m;
	lg_lru c;
	uint64_t state = seed;
	int serial = 0, step, i;

	memset(freed, 0, sizeof(freed));
	memset(&m, 0, sizeof(m));
	ASSERT_EQ_INT(lg_lru__init(&c, slot_bits, limit, free_token), 0);
	for (step = 0; step < steps; step++) {
		uint32_t pack = (uint32_t)(next_random(&state) % 3);
		uint64_t offset = 12 + next_random(&state) % 200;
		size_t j, len;
		void *found;

		for (j = 0; j < m.n; j++)
			if (m.e[j].pack == pack && m.e[j].offset == offset)
				break;
		if (next_random(&state) % 2) { /* a lookup */
			found = lg_lru__get(&len, &c, pack, offset);
			if (j < m.n) {
				CHECK(found && ((token *)found)->serial == m.e[j].serial &&
				      len == m.e[j].len);
				model_to_front(&m, j);
			} else {
				CHECK(found == NULL);
			}
		} else { /* an insertion, of a key not cached (as the readers do) */
			token *t;

			if (j < m.n)
				continue;
			ASSERT((t = malloc(sizeof(*t))) != NULL);
			t->serial = serial;
			len = (size_t)(next_random(&state) % (limit / 3 + 2));
			if (len > limit / 4) {
				CHECK_EQ_INT(lg_lru__put(&c, pack, offset, t, len), LG_ELIMIT);
				free(t); /* still ours */
				continue;
			}
			serial++;
			for (j = 0; j < m.n; j++)
				if (lg_lru__slot(&c, m.e[j].pack, m.e[j].offset) ==
				    lg_lru__slot(&c, pack, offset)) {
					model_remove(&m, j);
					break;
				}
			while (m.n && m.bytes + len > limit)
				model_remove(&m, m.n - 1);
			memmove(m.e + 1, m.e, m.n * sizeof(m.e[0]));
			m.e[0] = (model_entry){ pack, offset, len, t->serial };
			m.n++;
			m.bytes += len;
			CHECK_EQ_INT(lg_lru__put(&c, pack, offset, t, len), 0);
		}
		CHECK(same_as_model(&c, &m));
		if (!same_as_model(&c, &m))
			break;
	}
	/* Freed: exactly what the model dropped, once each; the rest on release. */
	for (i = 0; i < serial; i++) {
		size_t j;
		int kept = 0;

		for (j = 0; j < m.n; j++)
			kept |= m.e[j].serial == i;
		CHECK_EQ_INT(freed[i], (kept ? 0 : 1));
	}
	lg_lru__release(&c);
	for (i = 0; i < serial; i++)
		CHECK_EQ_INT(freed[i], 1);
	CHECK(c.slots == NULL);
}

TEST(test_lru__behaves_as_the_model)
{
	uint64_t seed;

	/* Few slots (collisions everywhere), many, a small and a larger
	 * budget, and a budget of 0 (nothing is kept). */
	for (seed = 1; seed <= 40; seed++) {
		run_against_model(seed, 3, 100, 2000);
		run_against_model(seed, 10, 100, 2000);
		run_against_model(seed, 12, 5000, 3000);
		run_against_model(seed, 6, 0, 200);
	}
}

TEST(test_lru__keeps_the_newest_within_the_budget)
{
	lg_lru c;
	token *v[5];
	size_t len;
	int i;

	memset(freed, 0, sizeof(freed));
	ASSERT_EQ_INT(lg_lru__init(&c, 12, 40, free_token), 0);
	for (i = 0; i < 5; i++) {
		ASSERT((v[i] = malloc(sizeof(token))) != NULL);
		v[i]->serial = i;
	}
	/* 10 bytes each: four fit; a lookup makes the first the newest, so
	 * the second is the one a fifth pushes out. */
	CHECK_EQ_INT(lg_lru__put(&c, 0, 100, v[0], 10), 0);
	CHECK_EQ_INT(lg_lru__put(&c, 0, 200, v[1], 10), 0);
	CHECK_EQ_INT(lg_lru__put(&c, 1, 100, v[2], 10), 0);
	CHECK_EQ_INT(lg_lru__put(&c, 0, 300, v[3], 10), 0);
	CHECK_EQ_INT(c.bytes, 40);
	CHECK(lg_lru__get(&len, &c, 0, 100) == v[0] && len == 10);
	CHECK_EQ_INT(lg_lru__put(&c, 0, 500, v[4], 10), 0);
	CHECK_EQ_INT(freed[1], 1);
	CHECK(lg_lru__get(NULL, &c, 0, 200) == NULL);
	CHECK(lg_lru__get(NULL, &c, 0, 100) == v[0]);
	CHECK(lg_lru__get(NULL, &c, 1, 100) == v[2]);
	CHECK_EQ_INT(c.bytes, 40);
	/* Over a quarter of the budget: refused, left to the caller. */
	CHECK_EQ_INT(lg_lru__put(&c, 0, 400, &len, 11), LG_ELIMIT);
	CHECK(lg_lru__get(NULL, &c, 0, 400) == NULL);
	CHECK(lg_lru__get(NULL, &c, 2, 100) == NULL);
	lg_lru__release(&c);
	for (i = 0; i < 5; i++)
		CHECK_EQ_INT(freed[i], 1);
	lg_lru__release(&c);
	lg_lru__release(NULL);
	CHECK_EQ_INT(lg_lru__init(&c, 0, 40, free_token), LG_EINVALID);
	lg_lru__release(&c);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_lru__behaves_as_the_model),
	TEST_ENTRY(test_lru__keeps_the_newest_within_the_budget),
};

int main(int argc, char **argv)
{
	return test_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
