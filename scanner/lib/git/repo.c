/*
 * repo.c - opening a repository the way git would (its environment
 * variables, alternates, a shallow clone's boundary) and reading single
 * objects and files out of it. Walks live in walk.c and diff.c.
 */
#include "git/git.h"
#include "leakgate_tool.h"

#include <git2.h>
#include <git2/sys/repository.h> /* git_repository_set_odb, _set_index */
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Opening and reading
 * ---------------------------------------------------------------------- */

const char *lg_git__message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

/* The value of environment variable `name`; NULL when unset or empty, as
 * git treats an empty value. */
static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The value of a C-style escape after its backslash at *s (git's
 * quote.c), advancing *s; -1 for one git would not write. */
static int unescape(const char **s)
{
	static const char from[] = "abtnvfr\"\\", to[] = "\a\b\t\n\v\f\r\"\\";
	const char *p = *s, *hit = **s ? strchr(from, **s) : NULL;
	int v = 0, i;

	if (hit) {
		*s = p + 1;
		return (unsigned char)to[hit - from];
	}
	for (i = 0; i < 3; i++, p++) {
		if (*p < '0' || *p > '7' || (i == 0 && *p > '3'))
			return -1;
		v = v * 8 + (*p - '0');
	}
	*s = p;
	return v;
}

/* Copies the next entry of GIT_ALTERNATE_OBJECT_DIRECTORIES at *list into
 * `out` and moves past it and its ':'. As in git, an entry that starts with
 * a double quote is C-quoted (so that it can hold a ':'). */
static int next_alternate(lg_buf *out, const char **list)
{
	const char *p = *list;
	int err = 0, c;

	if (*p != '"') {
		size_t n = strcspn(p, ":");

		*list = p + n + (p[n] == ':');
		return n ? lg_buf__add(out, p, n) : 0;
	}
	for (p++; !err && *p && *p != '"'; ) {
		char ch;

		if (*p != '\\') {
			ch = *p++;
		} else if (p++, (c = unescape(&p)) < 0) {
			return lg_error_set(LG_EREPO, "GIT_ALTERNATE_OBJECT_DIRECTORIES: "
					    "bad escape in '%s'", *list);
		} else {
			ch = (char)c;
		}
		err = lg_buf__add(out, &ch, 1);
	}
	if (!err && *p != '"')
		return lg_error_set(LG_EREPO, "GIT_ALTERNATE_OBJECT_DIRECTORIES: "
				    "unterminated quote in '%s'", *list);
	p++;
	*list = p + (*p == ':');
	return err;
}

/* Points `repo` at the objects git's environment names: GIT_OBJECT_DIRECTORY
 * replaces the object directory and GIT_ALTERNATE_OBJECT_DIRECTORIES
 * (':'-separated) adds to it, which is how a pre-receive hook sees pushed
 * objects still in quarantine. */
static int open_env_objects(git_odb **out, git_repository *repo)
{
	const char *dir = env_value("GIT_OBJECT_DIRECTORY");
	const char *alts = env_value("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	lg_buf one = LG_BUF_INIT;
	git_odb *odb = NULL;
	int err = 0;

	if (dir) {
		if (git_odb_open(&odb, dir) != 0 || git_repository_set_odb(repo, odb) != 0)
			err = lg_error_set(LG_EREPO, "cannot open object directory '%s' "
					   "(GIT_OBJECT_DIRECTORY): %s", dir, lg_git__message());
	} else if (git_repository_odb(&odb, repo) != 0) {
		err = lg_error_set(LG_EREPO, "cannot read the objects of '%s': %s",
				   git_repository_path(repo), lg_git__message());
	}
	while (!err && alts && *alts) {
		one.len = 0;
		if ((err = next_alternate(&one, &alts)) == 0 && one.len &&
		    git_odb_add_disk_alternate(odb, one.ptr) != 0)
			err = lg_error_set(LG_EREPO, "cannot add object directory '%s' "
					   "(GIT_ALTERNATE_OBJECT_DIRECTORIES): %s",
					   one.ptr, lg_git__message());
	}
	lg_buf__release(&one);
	if (err) {
		git_odb_free(odb);
		return err;
	}
	*out = odb;
	return 0;
}

/* 1 when directory `dir` is the working directory `workdir` (which ends in
 * '/'). libgit2 1.5's git_repository_set_workdir leaks when given the
 * working directory it already has, so that case is skipped. */
static int is_workdir(const char *dir, const char *workdir)
{
	char *real = realpath(dir, NULL);
	size_t n = real ? strlen(real) : 0;
	int same = real && workdir && strncmp(real, workdir, n) == 0 &&
		   strcmp(workdir + n, n && real[n - 1] == '/' ? "" : "/") == 0;

	free(real);
	return same;
}

/* Applies the rest of git's environment to `repo`: GIT_WORK_TREE (only when
 * the repository was found through the environment: an explicit path names
 * its own working copy), GIT_INDEX_FILE (the temporary index of `git commit
 * -a`) and GIT_NAMESPACE. */
static int apply_env(git_repository *repo, int from_env)
{
	const char *work_tree = env_value("GIT_WORK_TREE");
	const char *index_file = env_value("GIT_INDEX_FILE");
	const char *ns = env_value("GIT_NAMESPACE");
	git_index *index;
	int err;

	if (from_env && work_tree && !is_workdir(work_tree, git_repository_workdir(repo)) &&
	    git_repository_set_workdir(repo, work_tree, 0) != 0)
		return lg_error_set(LG_EREPO, "cannot use work tree '%s' (GIT_WORK_TREE): %s",
				    work_tree, lg_git__message());
	if (index_file) {
		if (git_index_open(&index, index_file) != 0)
			return lg_error_set(LG_EREPO, "cannot open index '%s' (GIT_INDEX_FILE): %s",
					    index_file, lg_git__message());
		err = git_repository_set_index(repo, index);
		git_index_free(index);
		if (err)
			return lg_error_set(LG_EREPO, "cannot use index '%s' (GIT_INDEX_FILE): %s",
					    index_file, lg_git__message());
	}
	if (ns && git_repository_set_namespace(repo, ns) != 0)
		return lg_error_set(LG_EREPO, "cannot use namespace '%s' (GIT_NAMESPACE): %s",
				    ns, lg_git__message());
	return 0;
}

/* The directory of the repository's own objects: GIT_OBJECT_DIRECTORY, as
 * open_env_objects uses it, or the common directory's objects/. */
static int objects_dir(char **out, git_repository *repo)
{
	const char *dir = env_value("GIT_OBJECT_DIRECTORY");
	lg_buf b = LG_BUF_INIT;
	int err = dir ? lg_buf__puts(&b, dir) :
		lg_buf__printf(&b, "%sobjects", git_repository_commondir(repo));

	*out = err ? NULL : lg_buf__detach(&b);
	lg_buf__release(&b);
	return err;
}

/*
 * Opens the repository at `path`, or the one git's environment describes.
 * libgit2's GIT_REPOSITORY_OPEN_FROM_ENV reads the same variables, but 1.5
 * refuses to open anything while GIT_WORK_TREE or GIT_COMMON_DIR is set, and
 * git sets GIT_WORK_TREE for the hooks of `git --work-tree=DIR commit`; so
 * they are read here, with libgit2's precedence: an explicit `path` wins
 * over GIT_DIR; without either the repository is discovered from the
 * current directory, stopping at GIT_CEILING_DIRECTORIES and, unless
 * GIT_DISCOVERY_ACROSS_FILESYSTEM, at a file-system boundary. GIT_COMMON_DIR
 * is left to libgit2, which reads a linked worktree's `commondir` file.
 */
int lg_repo__open(lg_repo **out, const char *path)
{
	const char *git_dir = path ? NULL : env_value("GIT_DIR");
	const char *across = env_value("GIT_DISCOVERY_ACROSS_FILESYSTEM");
	const char *where = path ? path : git_dir ? git_dir : ".";
	unsigned flags = 0;
	int cross = 0, err;
	const char *wd;
	lg_repo *r;

	if ((err = lg__libgit2_init()) != 0)
		return err;
	if (git_dir)
		flags |= GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_NO_DOTGIT;
	if (across && git_config_parse_bool(&cross, across) == 0 && cross)
		flags |= GIT_REPOSITORY_OPEN_CROSS_FS;
	if (!(r = calloc(1, sizeof(*r))))
		return lg_error_set_oom();
	if (git_repository_open_ext(&r->repo, where, flags,
				    env_value("GIT_CEILING_DIRECTORIES")) != 0) {
		lg_error_set(LG_EREPO, "cannot open repository '%s': %s", where,
			     lg_git__message());
		free(r);
		return LG_EREPO;
	}
	if ((err = open_env_objects(&r->odb, r->repo)) != 0 ||
	    (err = apply_env(r->repo, path == NULL)) != 0) {
		lg_repo__free(r);
		return err;
	}
	wd = git_repository_workdir(r->repo);
	if (!(r->workdir = lg__strdup(wd ? wd : "")) || (path && !(r->path = lg__strdup(path))) ||
	    (err = objects_dir(&r->objects_dir, r->repo)) != 0) {
		lg_repo__free(r);
		return LG_ENOMEM;
	}
	*out = r;
	return 0;
}

void lg_repo__free(lg_repo *repo)
{
	if (!repo)
		return;
	git_odb_free(repo->odb);
	git_repository_free(repo->repo);
	free(repo->workdir);
	free(repo->objects_dir);
	free(repo->path);
	free(repo);
}

int lg_repository_open(lg_repository **out, const char *path)
{
	return lg_repo__open(out, path);
}

void lg_repository_free(lg_repository *repo)
{
	lg_repo__free(repo);
}

void lg_repo__id(char out[41], lg_repo *repo)
{
	const char *dir = git_repository_commondir(repo->repo);
	char *real = dir ? realpath(dir, NULL) : NULL;
	const char *id = real ? real : dir ? dir : "";

	lg__hash_hex(out, id, strlen(id));
	free(real);
}

int lg_repo__is_shallow(lg_repo *repo)
{
	return git_repository_is_shallow(repo->repo) == 1;
}

const char *lg_repo__workdir(lg_repo *repo)
{
	return repo->workdir;
}

const char *lg_repo__objects_dir(lg_repo *repo)
{
	return repo->objects_dir;
}

int lg_repo__read_blob(const char **data, size_t *len, void **handle,
		       lg_repo *repo, const uint8_t id[20], uint64_t max_size)
{
	git_oid oid;
	git_object_t type;
	size_t size;
	git_odb_object *obj;
	char hex[GIT_OID_HEXSZ + 1];

	memcpy(oid.id, id, GIT_OID_RAWSZ);
	git_oid_tostr(hex, sizeof(hex), &oid);
	/* The header first, so a huge blob is refused without inflating. */
	if (git_odb_read_header(&size, &type, repo->odb, &oid) != 0)
		return lg_error_set(LG_EREPO, "blob %s: %s", hex, lg_git__message());
	if (type != GIT_OBJECT_BLOB)
		return lg_error_set(LG_EREPO, "blob %s: the object is a %s, not a blob",
				    hex, git_object_type2string(type));
	if (size > max_size) {
		*len = size;
		return lg_error_set(LG_ELIMIT, "blob %s is %zu bytes, over the %llu byte limit",
				    hex, size, (unsigned long long)max_size);
	}
	if (git_odb_read(&obj, repo->odb, &oid) != 0)
		return lg_error_set(LG_EREPO, "blob %s: %s", hex, lg_git__message());
	*data = git_odb_object_data(obj);
	*len = git_odb_object_size(obj);
	*handle = obj;
	return 0;
}

void lg_repo__release_blob(void *handle)
{
	git_odb_object_free(handle);
}

int lg_repo__read_head_file(char **out, size_t *len, lg_repo *repo,
			    const char *path)
{
	git_object *tree_obj = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int err = LG_ENOTFOUND;

	if (git_revparse_single(&tree_obj, repo->repo, "HEAD^{tree}") != 0 ||
	    git_tree_entry_bypath(&entry, (git_tree *)tree_obj, path) != 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		goto out;
	if (git_blob_lookup(&blob, repo->repo, git_tree_entry_id(entry)) != 0) {
		err = lg_error_set(LG_EREPO, "cannot read '%s' from HEAD: %s", path,
				   lg_git__message());
		goto out;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*out = lg__strndup(git_blob_rawcontent(blob), *len);
	err = *out ? 0 : LG_ENOMEM;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_object_free(tree_obj);
	return err;
}

int lg_repo__read_rev_file(char **out, size_t *len, lg_repo *repo,
			   const char *rev, const char *path)
{
	lg_buf spec = LG_BUF_INIT;
	git_object *obj = NULL;
	int err = LG_ENOTFOUND;

	if (lg_buf__printf(&spec, "%s:%s", rev, path) != 0)
		return LG_ENOMEM;
	if (git_revparse_single(&obj, repo->repo, spec.ptr) == 0 &&
	    git_object_type(obj) == GIT_OBJECT_BLOB) {
		*len = (size_t)git_blob_rawsize((git_blob *)obj);
		*out = lg__strndup(git_blob_rawcontent((git_blob *)obj), *len);
		err = *out ? 0 : LG_ENOMEM;
	}
	git_object_free(obj);
	lg_buf__release(&spec);
	return err;
}

