/*
 * dir.c - scanning a plain directory or file, outside git: listing the
 * files below it, then the same workers as a repository scan.
 */
#include "scan/scan.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------------
 * Plain files (--no-git)
 * ---------------------------------------------------------------------- */

typedef struct {
	lg_history h;
	size_t blob_alloc;
	string_vec owned; /* the paths */
} file_list;

/* Adds the file at `path` (taken over) as one item. */
static int file_list_add(file_list *fl, char *path)
{
	lg_history *h = &fl->h;

	if (!path || lg_scan__string_vec_push(&fl->owned, path) != 0)
		return LG_ENOMEM;
	if (h->blob_count == fl->blob_alloc) {
		/* One capacity for both arrays: the smaller of what they got. */
		size_t blobs_alloc = fl->blob_alloc, provs_alloc = fl->blob_alloc;
		int err = LG_ARRAY_GROW(h->blobs, blobs_alloc, h->blob_count + 1, 64);

		if (!err)
			err = LG_ARRAY_GROW(h->provs, provs_alloc, h->blob_count + 1, 64);
		if (err)
			return err;
		fl->blob_alloc = blobs_alloc < provs_alloc ? blobs_alloc : provs_alloc;
	}
	memset(&h->blobs[h->blob_count], 0, sizeof(h->blobs[0]));
	h->blobs[h->blob_count].pack_order = h->blob_count;
	h->blobs[h->blob_count].first_prov = (uint32_t)h->blob_count;
	h->blobs[h->blob_count].prov_count = 1;
	h->provs[h->blob_count].commit = NO_COMMIT;
	h->provs[h->blob_count].path = path;
	h->blob_count++;
	h->prov_count++;
	return 0;
}

static int select_visible(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 &&
		strcmp(d->d_name, ".git") != 0;
}

/* Adds every regular file below `dir`, in name order; symbolic links are
 * not followed (they could leave the tree or loop). */
static int collect_files(file_list *fl, const char *dir, unsigned depth)
{
	struct dirent **names;
	char shown[512];
	int n, i, err = 0;

	if (depth > 256)
		return lg_error_set(LG_ELIMIT, "directory '%s' is nested too deeply",
				    lg__printable(shown, sizeof(shown), dir));
	n = scandir(dir, &names, select_visible, alphasort);
	if (n < 0)
		return lg_error_set(LG_EIO, "cannot list directory '%s': %s",
				    lg__printable(shown, sizeof(shown), dir), strerror(errno));
	for (i = 0; i < n; i++) {
		lg_buf path = LG_BUF_INIT;
		struct stat st;

		if (!err && (err = lg_buf__printf(&path, "%s%s%s", dir,
						 dir[strlen(dir) - 1] == '/' ? "" : "/",
						 names[i]->d_name)) == 0 &&
		    lstat(path.ptr, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				err = collect_files(fl, path.ptr, depth + 1);
			else if (S_ISREG(st.st_mode))
				err = file_list_add(fl, lg_buf__detach(&path));
		}
		lg_buf__release(&path);
		free(names[i]);
	}
	free(names);
	return err;
}

int lg_scan_path(lg_report *out, const lg_matcher *m, const char *path,
		 const lg_scan_options *opts)
{
	lg_scan_options defaults = LG_SCAN_OPTIONS_INIT;
	file_list fl;
	lg_ignore *file_ignore = NULL;
	struct stat st;
	char shown[512];
	double start = lg_scan__now_seconds();
	size_t i, ignore_strip = 0;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&fl, 0, sizeof(fl));
	LG_CHECK_VERSION(opts, LG_SCAN_OPTIONS_VERSION, "lg_scan_options");
	if (!opts)
		opts = &defaults;
	if (strcmp(path, "-") == 0)
		err = file_list_add(&fl, lg__strdup("-"));
	else if (stat(path, &st) != 0)
		err = lg_error_set(LG_EIO, "cannot read '%s': %s",
				   lg__printable(shown, sizeof(shown), path), strerror(errno));
	else if (S_ISDIR(st.st_mode)) {
		err = collect_files(&fl, path, 0);
		ignore_strip = strlen(path) + (path[strlen(path) - 1] != '/');
		if (!err && !opts->no_ignore_file)
			err = lg_scan__load_ignore_file(&file_ignore, NULL, path);
	} else
		err = file_list_add(&fl, lg__strdup(path));
	if (!err)
		err = lg_scan__history(out, NULL, NULL, m, &fl.h, opts, NULL, NULL, file_ignore,
				   ignore_strip, start);
	lg_ignore_free(file_ignore);
	for (i = 0; i < fl.owned.count; i++)
		free(fl.owned.v[i]);
	free(fl.owned.v);
	free(fl.h.blobs);
	free(fl.h.provs);
	out->summary.seconds = lg_scan__now_seconds() - start;
	return err;
}
