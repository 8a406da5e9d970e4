/*
 * lru.c - the cache of pack objects the two pack readers keep.
 *
 * Both readers (packread.c for the blob threads, objread.c for the walk)
 * read along delta chains, where the next object's base is nearly always
 * one just read. They keep recent objects the way git's delta-base cache
 * does: direct-mapped by (pack, offset), a new entry replacing whatever
 * held its slot, with an LRU list through the entries so that the oldest
 * go once the cache holds more bytes than its budget. An object over a
 * quarter of the budget is not kept (it would push out everything else).
 * The values are the readers' own (a buffer, a shared object): the cache
 * frees them through the function it is given.
 */
#include "git/git.h"

#include <stdlib.h>
#include <string.h>

int lg_lru__init(lg_lru *c, unsigned slot_bits, size_t limit, void (*free_value)(void *))
{
	memset(c, 0, sizeof(*c));
	if (slot_bits < 1 || slot_bits > 24)
		return lg_error_set(LG_EINVALID, "cache of 2^%u slots", slot_bits);
	if (!(c->slots = calloc((size_t)1 << slot_bits, sizeof(*c->slots))))
		return lg_error_set_oom();
	c->bits = slot_bits;
	c->limit = limit;
	c->free_value = free_value;
	return 0;
}

size_t lg_lru__slot(const lg_lru *c, uint32_t pack, uint64_t offset)
{
	uint64_t h = (offset ^ ((uint64_t)pack << 40)) * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> (64 - c->bits));
}

static void unlink_entry(lg_lru *c, lg_lru_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

/* Puts `e`, in no list, at the newest end of the list. */
static void link_newest(lg_lru *c, lg_lru_entry *e)
{
	e->older = c->newest;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

/* Empties `e` (freeing its value) when it holds one. */
static void drop_entry(lg_lru *c, lg_lru_entry *e)
{
	if (!e->value)
		return;
	unlink_entry(c, e);
	c->bytes -= e->len;
	c->free_value(e->value);
	e->value = NULL;
}

void *lg_lru__get(size_t *len, lg_lru *c, uint32_t pack, uint64_t offset)
{
	lg_lru_entry *e = &c->slots[lg_lru__slot(c, pack, offset)];

	if (!e->value || e->pack != pack || e->offset != offset)
		return NULL;
	unlink_entry(c, e);
	link_newest(c, e);
	if (len)
		*len = e->len;
	return e->value;
}

int lg_lru__put(lg_lru *c, uint32_t pack, uint64_t offset, void *value, size_t len)
{
	lg_lru_entry *e = &c->slots[lg_lru__slot(c, pack, offset)];

	if (len > c->limit / 4)
		return LG_ELIMIT;
	drop_entry(c, e);
	while (c->oldest && c->bytes + len > c->limit)
		drop_entry(c, c->oldest);
	e->pack = pack;
	e->offset = offset;
	e->value = value;
	e->len = len;
	link_newest(c, e);
	c->bytes += len;
	return 0;
}

void lg_lru__release(lg_lru *c)
{
	size_t i;

	if (!c || !c->slots)
		return;
	for (i = 0; i < (size_t)1 << c->bits; i++)
		if (c->slots[i].value)
			c->free_value(c->slots[i].value);
	free(c->slots);
	memset(c, 0, sizeof(*c));
}
