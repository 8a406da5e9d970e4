/*
 * array.h - the one growable array (after libgit2's git_array_t): a
 * pointer, a count and a capacity, grown by doubling with every
 * multiplication checked for overflow. Included through util.h.
 */
#ifndef LG_ARRAY_H
#define LG_ARRAY_H

#include <stddef.h>

/*
 * Makes room in *ptr (an array of *alloc elements of `elem` bytes) for at
 * least `need` elements: nothing when it has it, else realloc to `initial`
 * (when empty) doubled until it holds `need`. 0, or LG_ENOMEM with the
 * message set when memory runs out or the size would overflow; *ptr and
 * *alloc are then unchanged.
 */
int lg_array__grow(void **ptr, size_t *alloc, size_t need, size_t elem, size_t initial);

/* lg_array__grow for a typed pointer `ptr` whose capacity is `alloc`. */
#define LG_ARRAY_GROW(ptr, alloc, need, initial)                               \
	lg_array__grow((void **)&(ptr), &(alloc), (need), sizeof(*(ptr)), (initial))

#endif
