/*
 * hooksdir.c - where a repository's hooks live (core.hooksPath, or the
 * git directory's hooks/), for `leakgate install`.
 */
#include "git/git.h"
#include "leakgate_tool.h"

#include <git2.h>

#include <string.h>

/* ------------------------------------------------------------------------
 * Where the hooks live
 * ---------------------------------------------------------------------- */

int lg_repository_hooks_dir(char **out, int *bare, const char *path)
{
	lg_repo *repo;
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	lg_buf joined = LG_BUF_INIT;
	int err;

	if ((err = lg_repo__open(&repo, path)) != 0)
		return err;
	*bare = git_repository_is_bare(repo->repo);
	if (git_repository_config_snapshot(&cfg, repo->repo) == 0 &&
	    git_config_get_path(&buf, cfg, "core.hooksPath") == 0) {
		/* A relative core.hooksPath is relative to where hooks run:
		 * the working tree, or the git directory of a bare one. */
		const char *base = *bare ? git_repository_path(repo->repo) : repo->workdir;

		err = buf.ptr[0] == '/' ? lg_buf__puts(&joined, buf.ptr)
					: lg_buf__printf(&joined, "%s%s%s", base,
							 base[strlen(base) - 1] == '/' ? "" : "/",
							 buf.ptr);
	} else if (git_repository_item_path(&buf, repo->repo, GIT_REPOSITORY_ITEM_HOOKS) == 0) {
		err = lg_buf__puts(&joined, buf.ptr);
	} else {
		err = lg_error_set(LG_EREPO, "cannot find the hooks directory: %s", lg_git__message());
	}
	/* Without a trailing slash, so names join with one. */
	while (!err && joined.len > 1 && joined.ptr[joined.len - 1] == '/')
		joined.ptr[--joined.len] = '\0';
	if (!err)
		*out = lg_buf__detach(&joined);
	lg_buf__release(&joined);
	git_buf_dispose(&buf);
	git_config_free(cfg);
	lg_repo__free(repo);
	return err;
}
