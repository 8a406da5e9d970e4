/*
 * ignorefile.c - finding the ignore file a scan honours: in the working
 * copy, in HEAD of a bare repository, or in the pushed revision. Parsing
 * it is findings/ignore.c's.
 */
#include "scan/scan.h"

#include <stdlib.h>

/* ------------------------------------------------------------------------
 * The ignore file
 * ---------------------------------------------------------------------- */

/* Loads `dir`/.leakgateignore, or for a bare repository the one in HEAD's
 * tree. *out stays NULL when there is none. */
int lg_scan__load_ignore_file(lg_ignore **out, lg_repo *repo, const char *dir)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if (dir && *dir) {
		lg_buf path = LG_BUF_INIT;

		if ((err = lg_buf__printf(&path, "%s/%s", dir, IGNORE_FILE)) == 0)
			err = lg__read_file(&text, &len, path.ptr, IGNORE_FILE_MAX_BYTES);
		lg_buf__release(&path);
	} else if (repo) {
		err = lg_repo__read_head_file(&text, &len, repo, IGNORE_FILE);
	} else {
		return 0;
	}
	if (err == LG_ENOTFOUND)
		return 0;
	if (err)
		return err;
	err = lg_ignore_parse(out, text, len);
	free(text);
	return err;
}
/* Loads the ignore file a repository scan honours: from the pushed
 * revision when the range names one, else the working copy, else HEAD. */
int lg_scan__load_repo_ignore(lg_ignore **out, lg_repo *repo,
			    const lg_commit_range *range)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!range || !range->ignore_rev)
		return lg_scan__load_ignore_file(out, repo, lg_repo__workdir(repo));
	*out = NULL;
	err = lg_repo__read_rev_file(&text, &len, repo, range->ignore_rev, IGNORE_FILE);
	if (err == LG_ENOTFOUND)
		return 0;
	if (!err)
		err = lg_ignore_parse(out, text, len);
	free(text);
	return err;
}

