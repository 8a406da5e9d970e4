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
 * Open addressing with linear probing. Object ids are uniformly random, so
 * their first 8 bytes are a hash already; a path's hash is mixed in. Paths
 * are compared in full, not only by hash: FNV collisions are easy to make,
 * and a crafted path must not make the walk skip a tree or a location.
 * ---------------------------------------------------------------------- */

static uint64_t slot_hash(const uint8_t id[20], uint64_t tag)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	h ^= tag * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
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

/* An empty map with room for `capacity` keys before it grows. */
int lg_oidmap__init(lg_oidmap *m, size_t capacity)
{
	size_t n = 64, i;

	while (n < capacity * 2)
		n *= 2;
	if (!(m->slots = malloc(n * sizeof(*m->slots))))
		return lg_error_set_oom();
	for (i = 0; i < n; i++)
		m->slots[i].value = UINT32_MAX;
	m->mask = n - 1;
	m->count = 0;
	return 0;
}

/* The slot holding (id, path), or the empty slot where it would go. `tag`
 * is 0 when `path` is NULL, else lg_oidmap__path_tag(its hash). */
static lg_oidmap_slot *find_slot(const lg_oidmap *m, const uint8_t id[20], uint64_t tag,
			       const char *path)
{
	size_t i = slot_hash(id, tag) & m->mask;

	for (;; i = (i + 1) & m->mask) {
		const lg_oidmap_slot *s = &m->slots[i];

		if (s->value == UINT32_MAX ||
		    (s->tag == tag && memcmp(s->id, id, 20) == 0 &&
		     (!path || strcmp(s->path, path) == 0)))
			return &m->slots[i];
	}
}

/* Makes room for one more key (the load factor stays at most 3/4: at 1/2
 * the maps were a third of a large scan's memory, and no faster).
 * Invalidates slot pointers. */
static int reserve(lg_oidmap *m)
{
	lg_oidmap bigger;
	size_t i;

	if ((m->count + 1) * 4 <= (m->mask + 1) * 3)
		return 0;
	if (lg_oidmap__init(&bigger, m->mask + 1) != 0)
		return LG_ENOMEM;
	for (i = 0; i <= m->mask; i++) {
		const lg_oidmap_slot *s = &m->slots[i];

		if (s->value != UINT32_MAX)
			*find_slot(&bigger, s->id, s->tag, s->path) = *s;
	}
	bigger.count = m->count;
	free(m->slots);
	*m = bigger;
	return 0;
}

int lg_oidmap__contains(const lg_oidmap *m, const uint8_t id[20])
{
	return m->slots && find_slot(m, id, 0, NULL)->value != UINT32_MAX;
}

/* Looks `id` up; when absent, inserts it with `value`. Writes the stored
 * value to *found and returns 1 when it was already there, 0 when added,
 * LG_ENOMEM. */
int lg_oidmap__get_or_put(uint32_t *found, lg_oidmap *m, const uint8_t id[20],
			  uint32_t value)
{
	lg_oidmap_slot *s;

	if (reserve(m) != 0)
		return LG_ENOMEM;
	s = find_slot(m, id, 0, NULL);
	if (s->value != UINT32_MAX) {
		*found = s->value;
		return 1;
	}
	memcpy(s->id, id, 20);
	s->tag = 0;
	s->path = NULL;
	s->value = value;
	m->count++;
	*found = value;
	return 0;
}

/* 1 when (id, path) is in the map; `tag` is the path's. */
int lg_oidmap__has_path(const lg_oidmap *m, const uint8_t id[20], const char *path,
			uint64_t tag)
{
	return find_slot(m, id, tag, path)->value != UINT32_MAX;
}

/* Adds (id, path), which must be absent; `path` is stored, not copied, so
 * it must live as long as the map (an arena string). */
int lg_oidmap__add_path(lg_oidmap *m, const uint8_t id[20], const char *path, uint64_t tag)
{
	lg_oidmap_slot *s;

	if (reserve(m) != 0)
		return LG_ENOMEM;
	s = find_slot(m, id, tag, path);
	memcpy(s->id, id, 20);
	s->tag = tag;
	s->path = path;
	s->value = 1;
	m->count++;
	return 0;
}

