/* fuzz_readers.c - the ignore file, baseline, state file and JSON report
 * readers on arbitrary bytes; a report that reads is written again in
 * every format leakgate report offers. */
#include "leakgate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes the input to a temporary file for the readers that take a path. */
static int to_file(char *path, const uint8_t *data, size_t size)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/leakgate-fuzz-XXXXXX";
	lg_ignore *ig = NULL;
	lg_baseline *b = NULL;
	lg_state *s = NULL;
	lg_report r;

	if (lg_ignore_parse(&ig, (const char *)data, size) == 0) {
		lg_ignore_path(ig, "src/a/b.env");
		lg_ignore_path(ig, ".env");
		lg_ignore_fingerprint(ig, "0123456789abcdef0123456789abcdef");
		lg_ignore_free(ig);
	}
	if (to_file(path, data, size) != 0)
		return 0;
	if (lg_baseline_load(&b, path) == 0) {
		lg_baseline_contains(b, "0123456789abcdef0123456789abcdef");
		lg_baseline_free(b);
	}
	if (lg_state_load(&s, path) == 0)
		lg_state_free(s);
	if (lg_report_read(&r, path) == 0) {
		static const lg_format formats[] = { LG_FORMAT_JSON, LG_FORMAT_JSONL,
						     LG_FORMAT_SARIF, LG_FORMAT_TEXT, LG_FORMAT_HTML };
		size_t i;

		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			lg_report_options o = LG_REPORT_OPTIONS_INIT;
			char *out = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&out, &len);

			if (!m)
				abort();
			o.format = formats[i];
			if (lg_report_write(m, &r, &o) != 0)
				abort();
			fclose(m);
			free(out);
		}
		lg_report_free(&r);
	}
	unlink(path);
	return 0;
}
