/*
 * fleet.c - which repositories a run over many of them scans: the paths a
 * list file names (--repos-from), and the share of them one of N parallel
 * runs takes (--shard I/N). Scanning each, and merging their reports, is
 * the caller's.
 */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHARDS 1000000u

int lg_repo_list_read(char ***paths, size_t *count, FILE *f)
{
	char *line = NULL, **grown;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	while (!err && (n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (!(grown = realloc(*paths, (*count + 1) * sizeof(*grown)))) {
			err = lg_error_set_oom();
			break;
		}
		*paths = grown;
		if (!((*paths)[*count] = lg__strdup(line)))
			err = lg_error_set_oom();
		else
			(*count)++;
	}
	free(line);
	if (!err && ferror(f))
		err = lg_error_set(LG_EIO, "cannot read the list of repositories");
	return err;
}

void lg_repo_list_free(char **paths, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
}

int lg_shard_parse(unsigned *index, unsigned *count, const char *spec)
{
	const char *s = spec;
	char *end;
	unsigned long i, n;

	i = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return lg_error_set(LG_EINVALID, "a shard is I/N with 0 <= I < N, not '%s'", spec);
	s = end + 1;
	n = strtoul(s, &end, 10);
	if (end == s || *end || n == 0 || n > MAX_SHARDS || i >= n)
		return lg_error_set(LG_EINVALID, "a shard is I/N with 0 <= I < N, not '%s'", spec);
	*index = (unsigned)i;
	*count = (unsigned)n;
	return 0;
}

/* FNV-1a: which shard a repository belongs to depends on its path alone,
 * not on where it sits in the list, so shards stay stable as lists grow. */
unsigned lg_shard_of(const char *path, unsigned count)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 0x100000001b3ull;
	return count ? (unsigned)(h % count) : 0;
}
