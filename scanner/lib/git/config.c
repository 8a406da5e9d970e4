/*
 * config.c - the git config settings of a repository that leakgate's hooks
 * read (leakgate.*), and `leakgate install` writes.
 */
#include "git/git.h"
#include "leakgate_tool.h"

#include <git2.h>

#include <stdlib.h>

/* One value of `cfg` into *out (malloc'd); NULL when unset. A key
 * written without a value ("[leakgate] allowPushOption") reads "true",
 * as git reads it. */
static int config_value(char **out, git_config *cfg, const char *name)
{
	git_config_entry *entry = NULL;
	int err = 0;

	*out = NULL;
	if (git_config_get_entry(&entry, cfg, name) != 0)
		return 0;
	if (!(*out = lg__strdup(entry->value ? entry->value : "true")))
		err = lg_error_set(LG_ENOMEM, "out of memory");
	git_config_entry_free(entry);
	return err;
}

int lg_repository_config_read(char **values, const char *path, const char *const *names,
			      size_t count)
{
	lg_repo *repo;
	size_t i;
	int err;

	for (i = 0; i < count; i++)
		values[i] = NULL;
	if ((err = lg_repo__open(&repo, path)) != 0)
		return err;
	err = lg_repository_config_get(values, repo, names, count);
	lg_repo__free(repo);
	return err;
}

int lg_repository_config_get(char **values, lg_repository *repo, const char *const *names,
			     size_t count)
{
	git_config *cfg = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < count; i++)
		values[i] = NULL;
	if (git_repository_config_snapshot(&cfg, repo->repo) != 0)
		err = lg_error_set(LG_EREPO, "cannot read the repository's git config: %s",
				   lg_git__message());
	for (i = 0; i < count && !err; i++)
		err = config_value(&values[i], cfg, names[i]);
	if (err)
		for (i = 0; i < count; i++) {
			free(values[i]);
			values[i] = NULL;
		}
	git_config_free(cfg);
	return err;
}

int lg_repository_config_write(const char *path, const char *const *names,
			       const char *const *values, size_t count)
{
	lg_repo *repo;
	git_config *cfg = NULL, *local = NULL;
	size_t i;
	int err;

	if ((err = lg_repo__open(&repo, path)) != 0)
		return err;
	/* The repository's own file, not ~/.gitconfig: the settings belong
	 * to this repository's hooks. */
	if (git_repository_config(&cfg, repo->repo) != 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) != 0)
		err = lg_error_set(LG_EREPO, "cannot open the repository's git config: %s",
				   lg_git__message());
	for (i = 0; i < count && !err; i++)
		if (git_config_set_string(local, names[i], values[i]) != 0)
			err = lg_error_set(LG_EREPO, "cannot set '%s' in the git config: %s",
					   names[i], lg_git__message());
	git_config_free(local);
	git_config_free(cfg);
	lg_repo__free(repo);
	return err;
}
