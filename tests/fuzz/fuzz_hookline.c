/* fuzz_hookline.c - the parser of what git feeds hooks on stdin. */
#include "leakgate_tool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	lg_hook_line hl;
	int pre_push;

	if (!line)
		return 0;
	for (pre_push = 0; pre_push < 2; pre_push++) {
		memcpy(line, data, size);
		line[size] = '\0';
		if (lg_hook_parse_line(&hl, line, pre_push) == 0 &&
		    (!hl.ref || !hl.scan || !hl.known || strlen(hl.scan) != strlen(hl.known)))
			abort();
	}
	free(line);
	return 0;
}
