/*
 * oidmap.c - the walks' bookkeeping: an arena for the history's strings,
 * freed all at once, and a hash map from an object id (or an id and a
 * path) to an index. Knows nothing of commits or trees.
 */
#include "git/git.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (1u << 20)

/* ------------------------------------------------------------------------
 * An arena for the history's strings, freed all at once
 * ---------------------------------------------------------------------- */

typedef struct lg_arena_chunk {
	struct lg_arena_chunk *next;
	size_t used, size;
	char data[];
} lg_arena_chunk;

char *lg_arena__strndup(void **arena, const char *s, size_t n)
{
	lg_arena_chunk *c = *arena;
	char *p;

	if (!c || c->size - c->used < n + 1) {
		size_t size = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;

		if (!(c = malloc(sizeof(*c) + size))) {
			lg_error_set_oom();
			return NULL;
		}
		c->next = *arena;
		c->used = 0;
		c->size = size;
		*arena = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

void lg_arena__free(void *arena)
{
	lg_arena_chunk *c = arena;

	while (c) {
		lg_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* ------------------------------------------------------------------------
 * A hash map from an object id, or an (object id, path) pair, to an index
 *
 * Open addressing with linear probing over slots of 8 bytes: 32 bits of
 * the key's hash and the key's number. The slots are what a lookup
 * touches at random, so they are kept small; the keys (id, value, path:
 * 32 bytes) sit apart in blocks of LG_OIDMAP_BLOCK, in the order they were
 * added, and are read only when the hash bits agree. So a key costs at most
 * 32 + 8 / (3/8) bytes, about 54, where slots holding the keys themselves
 * (40 bytes) cost up to 107; growing the table copies 8 bytes a key, and
 * the keys never move. Object ids are uniformly random, so their first 8
 * bytes are a hash already; a path's hash is mixed in. Paths are compared
 * in full, not only by hash: FNV collisions are easy to make, and a
 * crafted path must not make the walk skip a tree or a location.
 * ---------------------------------------------------------------------- */

static uint32_t slot_hash(const uint8_t id[20], uint64_t tag)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	h ^= tag * 0x9E3779B97F4A7C15ull;
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

/* FNV-1a, extended a path component at a time: the walk hashes each
 * directory's prefix once, not once per file below it. */
uint64_t lg_oidmap__path_hash_extend(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

/* The tag of a path whose hash is `h`: never 0, which is the tag of keys
 * without a path. */
uint64_t lg_oidmap__path_tag(uint64_t h)
{
	return h | 1;
}

/* A table of `n` (a power of two) slots, all empty. */
static int new_slots(lg_oidmap_slot **out, size_t n)
{
	/* calloc: a large table comes as untouched zero pages. */
	if (!(*out = calloc(n, sizeof(**out))))
		return lg_error_set_oom();
	return 0;
}

int lg_oidmap__init(lg_oidmap *m, size_t capacity)
{
	size_t n = 64;

	memset(m, 0, sizeof(*m));
	while (n < capacity * 2)
		n *= 2;
	if (new_slots(&m->slots, n) != 0)
		return LG_ENOMEM;
	m->mask = n - 1;
	return 0;
}

void lg_oidmap__release(lg_oidmap *m)
{
	size_t i;

	for (i = 0; i < m->block_count; i++)
		free(m->blocks[i]);
	free(m->blocks);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

size_t lg_oidmap__bytes(const lg_oidmap *m)
{
	return (m->slots ? (m->mask + 1) * sizeof(*m->slots) : 0) +
	       m->block_alloc * sizeof(*m->blocks) +
	       m->block_count * LG_OIDMAP_BLOCK * sizeof(**m->blocks);
}

/* Key number `k` (from 1). */
static lg_oidmap_key *key_at(const lg_oidmap *m, uint32_t k)
{
	return &m->blocks[(k - 1) / LG_OIDMAP_BLOCK][(k - 1) % LG_OIDMAP_BLOCK];
}

/* The slot holding (id, path), or the empty slot where it would go.
 * `hash` is slot_hash(id, tag), with tag 0 when `path` is NULL, else
 * lg_oidmap__path_tag(its hash). */
static lg_oidmap_slot *find_slot(const lg_oidmap *m, uint32_t hash, const uint8_t id[20],
				 const char *path)
{
	size_t i = hash & m->mask;

	for (;; i = (i + 1) & m->mask) {
		const lg_oidmap_slot *s = &m->slots[i];
		const lg_oidmap_key *k;

		if (!s->key)
			return &m->slots[i];
		if (s->hash != hash)
			continue;
		k = key_at(m, s->key);
		if (memcmp(k->id, id, 20) == 0 &&
		    (path ? k->path && strcmp(k->path, path) == 0 : !k->path))
			return &m->slots[i];
	}
}

/* Makes room for one more key: a block for it, and a table whose load
 * factor stays at most 3/4. Invalidates slot pointers. */
static int reserve(lg_oidmap *m)
{
	lg_oidmap_slot *bigger;
	size_t n = (m->mask + 1) * 2, i;

	if (m->count >= (size_t)UINT32_MAX - 1)
		return lg_error_set_oom();
	if (m->count == m->block_count * LG_OIDMAP_BLOCK) {
		if (LG_ARRAY_GROW(m->blocks, m->block_alloc, m->block_count + 1, 16) != 0)
			return LG_ENOMEM;
		if (!(m->blocks[m->block_count] = malloc(LG_OIDMAP_BLOCK * sizeof(**m->blocks))))
			return lg_error_set_oom();
		m->block_count++;
	}
	if ((m->count + 1) * 4 <= (m->mask + 1) * 3)
		return 0;
	/* The slots carry the hash bits, so the keys are not read again. */
	if (new_slots(&bigger, n) != 0)
		return LG_ENOMEM;
	for (i = 0; i <= m->mask; i++) {
		const lg_oidmap_slot *s = &m->slots[i];
		size_t j = s->hash & (n - 1);

		if (!s->key)
			continue;
		while (bigger[j].key)
			j = (j + 1) & (n - 1);
		bigger[j] = *s;
	}
	free(m->slots);
	m->slots = bigger;
	m->mask = n - 1;
	return 0;
}

/* Fills the empty slot `s` with a new key, of hash `hash`. */
static void put(lg_oidmap *m, lg_oidmap_slot *s, uint32_t hash, const uint8_t id[20],
		const char *path, uint32_t value)
{
	lg_oidmap_key *k;

	s->hash = hash;
	s->key = (uint32_t)++m->count;
	k = key_at(m, s->key);
	memcpy(k->id, id, 20);
	k->value = value;
	k->path = path;
}

int lg_oidmap__contains(const lg_oidmap *m, const uint8_t id[20])
{
	return m->slots && find_slot(m, slot_hash(id, 0), id, NULL)->key != 0;
}

int lg_oidmap__get_or_put(uint32_t *found, lg_oidmap *m, const uint8_t id[20],
			  uint32_t value)
{
	uint32_t hash = slot_hash(id, 0);
	lg_oidmap_slot *s;

	if (reserve(m) != 0)
		return LG_ENOMEM;
	s = find_slot(m, hash, id, NULL);
	if (s->key) {
		*found = key_at(m, s->key)->value;
		return 1;
	}
	put(m, s, hash, id, NULL, value);
	*found = value;
	return 0;
}

int lg_oidmap__has_path(const lg_oidmap *m, const uint8_t id[20], const char *path,
			uint64_t tag)
{
	return find_slot(m, slot_hash(id, tag), id, path)->key != 0;
}

int lg_oidmap__add_path(lg_oidmap *m, const uint8_t id[20], const char *path, uint64_t tag)
{
	uint32_t hash = slot_hash(id, tag);

	if (reserve(m) != 0)
		return LG_ENOMEM;
	put(m, find_slot(m, hash, id, path), hash, id, path, 1);
	return 0;
}
