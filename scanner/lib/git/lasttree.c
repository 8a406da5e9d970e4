/*
 * lasttree.c - the last tree the history walk finished at each path.
 *
 * A tree the walk has finished at path P has had every (blob, P/name) and
 * (tree, P/name/) pair under it recorded. So when the walk meets another
 * tree at P, any entry identical to one of that earlier tree (same name,
 * mode and id) holds nothing new, and is skipped with a comparison instead
 * of a hash-map lookup of its full path. Between one commit and the next
 * nearly every entry of the root and of each changed directory is such an
 * entry: on git/git that lookup was two fifths of the walk.
 *
 * Any finished tree at P will do, so the cache keeps one per path, the
 * last, and may forget any of them: forgetting costs time, never a pair.
 * It holds at most LAST_TREE_BYTES of trees in all, and is emptied when
 * it would hold more (a history with very many directories).
 */
#include "git/git.h"

#include <stdlib.h>
#include <string.h>

/* The trees' own bytes (objread.c's objects, often shared with its
 * cache). */
#define LAST_TREE_BYTES (12u << 20)

struct lg_last_tree {
	uint64_t hash;    /* 0: empty slot */
	const char *path; /* owned by the history's arena, or "" */
	lg_obj *tree;
};

static uint64_t slot_hash(uint64_t path_hash)
{
	return path_hash | 1;
}

static void drop_all(lg_last_trees *lt)
{
	size_t i;

	for (i = 0; lt->slots && i <= lt->mask; i++) {
		lg_obj__unref(lt->slots[i].tree);
		memset(&lt->slots[i], 0, sizeof(lt->slots[i]));
	}
	lt->count = 0;
	lt->bytes = 0;
}

static lg_last_tree *find_slot(const lg_last_trees *lt, uint64_t hash, const char *path)
{
	size_t i = (hash ^ (hash >> 29)) & lt->mask;

	for (;; i = (i + 1) & lt->mask) {
		lg_last_tree *s = &lt->slots[i];

		if (!s->hash || (s->hash == hash && strcmp(s->path, path) == 0))
			return s;
	}
}

static int grow_table(lg_last_trees *lt)
{
	lg_last_trees bigger = { NULL, 0, 0, lt->bytes };
	size_t n = lt->slots ? (lt->mask + 1) * 2 : 64, i;

	if (!(bigger.slots = calloc(n, sizeof(*bigger.slots))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	bigger.mask = n - 1;
	for (i = 0; lt->slots && i <= lt->mask; i++)
		if (lt->slots[i].hash)
			*find_slot(&bigger, lt->slots[i].hash, lt->slots[i].path) = lt->slots[i];
	bigger.count = lt->count;
	free(lt->slots);
	*lt = bigger;
	return 0;
}

const lg_obj *lg_last_trees__get(const lg_last_trees *lt, const char *path,
				   uint64_t path_hash)
{
	if (!lt->slots)
		return NULL;
	return find_slot(lt, slot_hash(path_hash), path)->tree;
}

int lg_last_trees__put(lg_last_trees *lt, const char *path, uint64_t path_hash,
		       lg_obj *tree)
{
	uint64_t hash = slot_hash(path_hash);
	size_t n = tree->len;
	lg_last_tree *s;
	int dropped = 0;

	if (n > LAST_TREE_BYTES) {
		lg_obj__unref(tree);
		return 0;
	}
	if (lt->bytes + n > LAST_TREE_BYTES) {
		drop_all(lt);
		dropped = 1;
	}
	if ((!lt->slots || (lt->count + 1) * 4 > (lt->mask + 1) * 3) && grow_table(lt) != 0) {
		lg_obj__unref(tree);
		return LG_ENOMEM;
	}
	s = find_slot(lt, hash, path);
	if (s->tree) {
		lt->bytes -= s->tree->len;
		lg_obj__unref(s->tree);
	} else {
		lt->count++;
	}
	s->hash = hash;
	s->path = path;
	s->tree = tree;
	lt->bytes += n;
	return dropped;
}

void lg_last_trees__release(lg_last_trees *lt)
{
	drop_all(lt);
	free(lt->slots);
	memset(lt, 0, sizeof(*lt));
}
