/* fuzz_rules.c - the rule-file loader on arbitrary bytes. */
#include "leakgate.h"

#include <stdint.h>

static void ignore_problem(const char *message, void *payload)
{
	(void)message;
	(void)payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lg_ruleset *rs = NULL;

	if (lg_ruleset_load_buffer(&rs, "fuzz.json", (const char *)data, size,
				   ignore_problem, NULL) == 0)
		lg_ruleset_free(rs);
	return 0;
}
