/*
 * driver.c - replays fuzz inputs without libFuzzer, so ctest runs every
 * corpus file (seeds and past crashes) through the target on each build:
 *   fuzz_X_replay FILE_OR_DIR...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	data = malloc(n ? (size_t)n : 1);
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		free(data);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)n);
	free(data);
	return 0;
}

static int replay(const char *path, size_t *count)
{
	struct stat st;
	struct dirent **names;
	int n, i, failed = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "no such input %s\n", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char full[4096];

			snprintf(full, sizeof(full), "%s/%s", path, names[i]->d_name);
			failed |= replay(full, count);
		}
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int i, failed = 0;

	for (i = 1; i < argc; i++)
		failed |= replay(argv[i], &count);
	printf("replayed %zu inputs\n", count);
	return failed || count == 0;
}
