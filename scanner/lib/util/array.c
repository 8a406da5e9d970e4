/*
 * array.c - growing an array, overflow-checked (array.h).
 */
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>

int lg_array__grow(void **ptr, size_t *alloc, size_t need, size_t elem, size_t initial)
{
	size_t n = *alloc ? *alloc : (initial ? initial : 1);
	void *p;

	if (need <= *alloc)
		return 0;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	if (elem && n > SIZE_MAX / elem)
		return lg_error_set_oom();
	if (!(p = realloc(*ptr, n * elem)))
		return lg_error_set_oom();
	*ptr = p;
	*alloc = n;
	return 0;
}
