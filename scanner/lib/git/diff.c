/*
 * diff.c - the lines a push, a pre-push range or the index adds: each
 * commit diffed against its parents, only along the paths it changes.
 * What the hooks and --range scan. The whole-history walk is walk.c.
 */
#include "git/git.h"

#include <git2.h>

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Added lines: pushes, pre-push, --range, the index
 * ---------------------------------------------------------------------- */

/* The added lines of one patch, in `*lines` (malloc'd, sorted). */
static int added_lines_of(uint32_t **lines, uint32_t *count, git_patch *patch)
{
	size_t h, l, nh = git_patch_num_hunks(patch), alloc = 0;
	uint32_t *v = NULL;
	int err = 0;

	*count = 0;
	for (h = 0; h < nh && !err; h++) {
		int nl = git_patch_num_lines_in_hunk(patch, h);

		for (l = 0; nl > 0 && l < (size_t)nl && !err; l++) {
			const git_diff_line *line;

			if (git_patch_get_line_in_hunk(&line, patch, h, l) != 0 ||
			    line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0)
				continue;
			if (!(err = lg_array__grow((void **)&v, &alloc, *count + 1, sizeof(*v), 256)))
				v[(*count)++] = (uint32_t)line->new_lineno;
		}
	}
	if (err) {
		free(v);
		return err;
	}
	*lines = v;
	return 0;
}

/* A merge adds to a path only where it differs from every parent: lines
 * that came from either side were scanned (or are history) already. */
static int same_in_another_parent(git_commit *commit, const git_diff_delta *d)
{
	unsigned i, n = git_commit_parentcount(commit);
	int same = 0;

	for (i = 1; i < n && !same; i++) {
		git_commit *parent;
		git_tree *tree;
		git_tree_entry *e;

		if (git_commit_parent(&parent, commit, i) != 0)
			continue;
		if (git_commit_tree(&tree, parent) == 0) {
			if (git_tree_entry_bypath(&e, tree, d->new_file.path) == 0) {
				same = git_oid_equal(git_tree_entry_id(e), &d->new_file.id);
				git_tree_entry_free(e);
			}
			git_tree_free(tree);
		}
		git_commit_free(parent);
	}
	return same;
}

/* Adds one item for the file of delta `i` with its added lines. */
static int add_delta(lg_collector *c, git_diff *diff, size_t i, uint32_t commit,
		     git_commit *merge)
{
	const git_diff_delta *d = git_diff_get_delta(diff, i);
	git_patch *patch = NULL;
	uint32_t *lines = NULL, count = 0, index;
	lg_history *h = c->h;
	int err;

	if (d->status == GIT_DELTA_DELETED || d->new_file.mode == GIT_FILEMODE_COMMIT ||
	    d->new_file.mode == GIT_FILEMODE_TREE || git_oid_is_zero(&d->new_file.id))
		return 0;
	if (c->opts && c->opts->wanted &&
	    !c->opts->wanted(d->new_file.id.id, c->opts->wanted_payload))
		return 0; /* no match in the blob: no finding on any of its lines */
	if (merge && same_in_another_parent(merge, d))
		return 0;
	if (git_patch_from_diff(&patch, diff, i) != 0) {
		lg_walk__warn(c, "cannot diff '%s': %s", d->new_file.path, lg_git__message());
		return 0;
	}
	err = added_lines_of(&lines, &count, patch);
	git_patch_free(patch);
	if (err || count == 0) {
		free(lines);
		return err;
	}
	/* Each (commit, file) is an item of its own: the same blob added in
	 * two commits carries different new lines. */
	index = (uint32_t)h->blob_count;
	if ((err = lg_array__grow((void **)&h->blobs, &c->blob_alloc, h->blob_count + 1,
			sizeof(*h->blobs), 256)) != 0 ||
	    (err = lg_array__grow((void **)&c->provs, &c->prov_alloc, c->prov_count + 1,
			sizeof(*c->provs), 256)) != 0) {
		free(lines);
		return err;
	}
	memset(&h->blobs[index], 0, sizeof(h->blobs[0]));
	memcpy(h->blobs[index].id, d->new_file.id.id, 20);
	h->blobs[index].pack_order = index;
	h->blobs[index].added_lines = lines;
	h->blobs[index].added_count = count;
	h->blob_count++;
	c->provs[c->prov_count].blob = index;
	c->provs[c->prov_count].commit = commit;
	c->provs[c->prov_count].path = lg_arena__strndup(&h->arena, d->new_file.path,
						     strlen(d->new_file.path));
	if (!c->provs[c->prov_count].path)
		return LG_ENOMEM;
	c->prov_count++;
	return 0;
}

static void diff_options_init(git_diff_options *o)
{
	git_diff_options_init(o, GIT_DIFF_OPTIONS_VERSION);
	/* Secrets hide in files git would call binary too; line numbers
	 * still come out of a text diff. */
	o->flags |= GIT_DIFF_FORCE_TEXT;
	o->context_lines = 0;
}

/* Adds every changed file of `diff` (renames found first, so a file that
 * only moved adds no line). */
static int add_diff(lg_collector *c, git_diff *diff, uint32_t commit, git_commit *merge)
{
	git_diff_find_options fo;
	size_t i, n;
	int err = 0;

	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
	if (git_diff_find_similar(diff, &fo) != 0)
		lg_walk__warn(c, "cannot detect renames: %s", lg_git__message());
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && !err; i++)
		err = add_delta(c, diff, i, commit, merge);
	return err;
}

/* ------------------------------------------------------------------------
 * The paths a commit changes
 *
 * libgit2's tree-to-tree diff reads every subtree of both sides, even the
 * ones whose ids match, so diffing one commit of a large repository costs
 * the whole tree. The walk below reads only the trees whose ids differ and
 * lists the files under them; the diff is then limited to those paths.
 * ---------------------------------------------------------------------- */

typedef struct {
	lg_buf bytes;    /* the paths, each followed by its NUL */
	size_t *offsets; /* where each starts in bytes */
	uint8_t (*ids)[20]; /* each path's new blob, or zeros (deleted, a tree) */
	size_t count, alloc, ids_alloc;
} path_list;

typedef struct {
	git_tree *old_tree, *new_tree; /* either may be NULL: added, deleted */
	size_t next_new, next_old;
	size_t path_len;
} diff_frame;

/* Adds the path `dir` + `name`, whose new side is `new_e` (NULL when the
 * file is deleted). */
static int path_list_add(path_list *l, const lg_buf *dir, const char *name,
			 const git_tree_entry *new_e)
{
	git_filemode_t mode = new_e ? git_tree_entry_filemode(new_e) : 0;
	int err;

	if ((err = lg_array__grow((void **)&l->offsets, &l->alloc, l->count + 1,
			sizeof(*l->offsets), 256)) != 0 ||
	    (err = lg_array__grow((void **)&l->ids, &l->ids_alloc, l->count + 1,
			sizeof(*l->ids), 256)) != 0)
		return err;
	if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
	    mode == GIT_FILEMODE_LINK)
		memcpy(l->ids[l->count], git_tree_entry_id(new_e)->id, 20);
	else
		memset(l->ids[l->count], 0, 20);
	l->offsets[l->count] = l->bytes.len;
	if ((err = lg_buf__add(&l->bytes, dir->ptr, dir->len)) != 0 ||
	    (err = lg_buf__add(&l->bytes, name, strlen(name) + 1)) != 0)
		return err;
	l->count++;
	return 0;
}

static void path_list_release(path_list *l)
{
	lg_buf__release(&l->bytes);
	free(l->offsets);
	free(l->ids);
}

static size_t tree_size(const git_tree *t)
{
	return t ? git_tree_entrycount(t) : 0;
}

static const git_tree_entry *entry_named(const git_tree *t, const char *name)
{
	return t ? git_tree_entry_byname(t, name) : NULL;
}

static int is_tree(const git_tree_entry *e)
{
	return e && git_tree_entry_filemode(e) == GIT_FILEMODE_TREE;
}

/* Pushes the frame comparing subtrees `old_e` and `new_e` (either may be
 * NULL or not a tree: that side is then empty) named `name`. */
static int push_subtrees(diff_frame **stack, size_t *depth, size_t *alloc, lg_collector *c,
			 const git_tree_entry *old_e, const git_tree_entry *new_e,
			 const char *name)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	int err;

	if (*depth >= LG_MAX_TREE_DEPTH)
		return lg_error_set(LG_EREPO, "tree at '%s%s' is nested deeper than %d levels",
				    c->path.ptr, name, LG_MAX_TREE_DEPTH);
	if ((is_tree(old_e) && git_tree_lookup(&old_tree, c->repo->repo,
					      git_tree_entry_id(old_e)) != 0) ||
	    (is_tree(new_e) && git_tree_lookup(&new_tree, c->repo->repo,
					      git_tree_entry_id(new_e)) != 0)) {
		git_tree_free(old_tree);
		return lg_error_set(LG_EREPO, "cannot read tree '%s%s': %s", c->path.ptr, name,
				    lg_git__message());
	}
	if ((err = lg_array__grow((void **)stack, alloc, *depth + 1, sizeof(**stack), 256)) != 0 ||
	    (err = lg_buf__puts(&c->path, name)) != 0 ||
	    (err = lg_buf__add(&c->path, "/", 1)) != 0) {
		git_tree_free(old_tree);
		git_tree_free(new_tree);
		return err;
	}
	(*stack)[(*depth)++] = (diff_frame){ old_tree, new_tree, 0, 0, c->path.len };
	return 0;
}

/* Compares one entry of one side with its namesake on the other: equal
 * entries are skipped, trees are descended into, anything else is a
 * changed path. `from_new` says which side `e` is on. */
static int compare_entry(path_list *out, diff_frame **stack, size_t *depth, size_t *alloc,
			 lg_collector *c, const git_tree_entry *e, int from_new)
{
	diff_frame *f = &(*stack)[*depth - 1];
	const char *name = git_tree_entry_name(e);
	const git_tree_entry *other = entry_named(from_new ? f->old_tree : f->new_tree, name);
	const git_tree_entry *old_e = from_new ? other : e, *new_e = from_new ? e : other;
	int err = 0;

	if (!from_new && other)
		return 0; /* met from the new side already */
	if (other && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(other)) &&
	    git_tree_entry_filemode(e) == git_tree_entry_filemode(other))
		return 0;
	/* A file on either side is a path of its own. */
	if ((old_e && !is_tree(old_e)) || (new_e && !is_tree(new_e)))
		err = path_list_add(out, &c->path, name, new_e);
	if (!err && (is_tree(old_e) || is_tree(new_e)))
		err = push_subtrees(stack, depth, alloc, c, old_e, new_e, name);
	return err;
}

/* Drops the top frame of the stack; the root frame's trees are the
 * caller's. */
static void pop_frame(diff_frame *stack, size_t *depth)
{
	if (*depth > 1) {
		git_tree_free(stack[*depth - 1].old_tree);
		git_tree_free(stack[*depth - 1].new_tree);
	}
	(*depth)--;
}

/* Lists in `out` every file path that differs between `old_root` (NULL
 * for a root commit) and `new_root`. */
static int changed_paths(path_list *out, lg_collector *c, git_tree *old_root, git_tree *new_root)
{
	diff_frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	int err;

	c->path.len = 0;
	if ((err = lg_buf__add(&c->path, "", 0)) != 0 ||
	    (err = lg_array__grow((void **)&stack, &alloc, 1, sizeof(*stack), 256)) != 0)
		return err;
	stack[depth++] = (diff_frame){ old_root, new_root, 0, 0, 0 };
	while (depth && !err) {
		diff_frame *f = &stack[depth - 1];

		c->path.len = f->path_len;
		c->path.ptr[c->path.len] = '\0';
		if (f->next_new < tree_size(f->new_tree)) {
			err = compare_entry(out, &stack, &depth, &alloc, c,
					    git_tree_entry_byindex(f->new_tree, f->next_new++), 1);
		} else if (f->next_old < tree_size(f->old_tree)) {
			err = compare_entry(out, &stack, &depth, &alloc, c,
					    git_tree_entry_byindex(f->old_tree, f->next_old++), 0);
		} else {
			pop_frame(stack, &depth);
		}
	}
	while (depth) /* after an error */
		pop_frame(stack, &depth);
	free(stack);
	return err;
}

/* 1 unless the options name the blobs worth diffing and no new blob of
 * `paths` is one of them: then no line the commit adds can hold a match. */
static int any_wanted(const lg_collector *c, const path_list *paths)
{
	size_t i;

	if (!c->opts || !c->opts->wanted)
		return 1;
	for (i = 0; i < paths->count; i++)
		if (c->opts->wanted(paths->ids[i], c->opts->wanted_payload))
			return 1;
	return 0;
}

/* The diff of `commit` against its first parent, limited to the paths
 * that differ; *diff stays NULL when none does, or when no blob it adds
 * is wanted (any_wanted). */
static int diff_commit(git_diff **diff, lg_collector *c, git_tree *parent_tree, git_tree *tree)
{
	path_list paths = { LG_BUF_INIT, NULL, NULL, 0, 0, 0 };
	char **names = NULL;
	git_diff_options o;
	size_t i;
	int err;

	*diff = NULL;
	if ((err = changed_paths(&paths, c, parent_tree, tree)) != 0 || paths.count == 0 ||
	    !any_wanted(c, &paths))
		goto out;
	if (!(names = malloc(paths.count * sizeof(*names)))) {
		err = lg_error_set_oom();
		goto out;
	}
	for (i = 0; i < paths.count; i++)
		names[i] = paths.bytes.ptr + paths.offsets[i];
	diff_options_init(&o);
	o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH; /* the paths are literal */
	o.pathspec.strings = names;
	o.pathspec.count = paths.count;
	if (git_diff_tree_to_tree(diff, c->repo->repo, parent_tree, tree, &o) != 0)
		err = lg_error_set(LG_EREPO, "%s", lg_git__message());
out:
	free(names);
	path_list_release(&paths);
	return err;
}

/* The trees of `commit` and of its first parent (*parent_tree stays NULL
 * for a root commit), to diff; LG_EREPO naming the commit `id` when one
 * cannot be read. The caller frees both trees, also after a failure. */
static int commit_trees(git_tree **tree, git_tree **parent_tree, git_commit *commit,
			const char *id)
{
	git_commit *parent = NULL;
	int ok = git_commit_tree(tree, commit) == 0 &&
		 (git_commit_parentcount(commit) == 0 ||
		  (git_commit_parent(&parent, commit, 0) == 0 &&
		   git_commit_tree(parent_tree, parent) == 0));

	git_commit_free(parent);
	return ok ? 0 : lg_error_set(LG_EREPO, "cannot diff commit %s: %s", id, lg_git__message());
}

/* A diff's repository error, reworded to name the commit `id`; any other
 * result as it is. */
static int name_diff_failure(int err, const char *id)
{
	char why[512];

	if (err != LG_EREPO)
		return err;
	snprintf(why, sizeof(why), "%s", lg_error_last());
	return lg_error_set(LG_EREPO, "cannot diff commit %s: %s", id, why);
}

/* Records commit `commit` and the lines it adds to its first parent. */
static int visit_added_commit(lg_collector *c, git_commit *commit)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_diff *diff = NULL;
	lg_commit_info *ci;
	uint32_t index = (uint32_t)c->h->commit_count;
	int err;

	if ((err = lg_walk__record_commit(&ci, c, commit)) != 0 ||
	    (err = lg_walk__commit_message(c, ci, commit)) != 0)
		return err;
	if ((err = commit_trees(&tree, &parent_tree, commit, ci->id)) == 0)
		err = name_diff_failure(diff_commit(&diff, c, parent_tree, tree), ci->id);
	if (!err && diff)
		err = add_diff(c, diff, index,
			       git_commit_parentcount(commit) > 1 ? commit : NULL);
	git_diff_free(diff);
	git_tree_free(parent_tree);
	git_tree_free(tree);
	return err;
}

/* Adds the new blob of each path in `paths` that no earlier commit of the
 * range added, as an item of every line, found at that path in `commit`. */
static int add_changed_blobs(lg_collector *c, const path_list *paths, uint32_t commit)
{
	static const uint8_t zero[20];
	lg_history *h = c->h;
	size_t i;
	int err = 0;

	for (i = 0; i < paths->count && !err; i++) {
		const char *path = paths->bytes.ptr + paths->offsets[i];
		uint32_t index;
		int seen;

		if (memcmp(paths->ids[i], zero, 20) == 0)
			continue;
		if ((seen = lg_oidmap__get_or_put(&index, &c->blobs, paths->ids[i],
						  (uint32_t)h->blob_count)) < 0)
			return LG_ENOMEM;
		if (seen)
			continue;
		if ((err = lg_array__grow((void **)&h->blobs, &c->blob_alloc, h->blob_count + 1,
					  sizeof(*h->blobs), 256)) != 0 ||
		    (err = lg_array__grow((void **)&c->provs, &c->prov_alloc, c->prov_count + 1,
					  sizeof(*c->provs), 256)) != 0)
			return err;
		memset(&h->blobs[index], 0, sizeof(h->blobs[0]));
		memcpy(h->blobs[index].id, paths->ids[i], 20);
		h->blobs[index].pack_order = index;
		h->blob_count++;
		c->provs[c->prov_count].blob = index;
		c->provs[c->prov_count].commit = commit;
		if (!(c->provs[c->prov_count].path = lg_arena__strndup(&h->arena, path,
									strlen(path))))
			return LG_ENOMEM;
		c->prov_count++;
	}
	return err;
}

/* Records commit `commit` and the blobs of the files it changes against
 * its first parent (lg_history__collect_changed). */
static int visit_changed_commit(lg_collector *c, git_commit *commit)
{
	path_list paths = { LG_BUF_INIT, NULL, NULL, 0, 0, 0 };
	git_tree *tree = NULL, *parent_tree = NULL;
	lg_commit_info *ci;
	uint32_t index = (uint32_t)c->h->commit_count;
	int err;

	if ((err = lg_walk__record_commit(&ci, c, commit)) != 0)
		return err;
	if ((err = commit_trees(&tree, &parent_tree, commit, ci->id)) == 0)
		err = name_diff_failure(changed_paths(&paths, c, parent_tree, tree), ci->id);
	if (!err)
		err = add_changed_blobs(c, &paths, index);
	path_list_release(&paths);
	git_tree_free(parent_tree);
	git_tree_free(tree);
	return err;
}

/* The object `rev` names; 0, or a libgit2 error. A full object id, as a
 * hook's standard input gives them, is looked up directly; anything else
 * (a user's revision, or an id of no object, which git then takes for a
 * ref's name) goes through git_revparse_single, which would first try the
 * id as an object just the same. */
static int rev_object(git_object **out, lg_repo *repo, const char *rev)
{
	git_oid id;

	if (strlen(rev) == GIT_OID_HEXSZ && git_oid_fromstr(&id, rev) == 0 &&
	    git_object_lookup(out, repo->repo, &id, GIT_OBJECT_ANY) == 0)
		return 0;
	return git_revparse_single(out, repo->repo, rev);
}

/* Peels `rev` to a commit id; 0, or LG_ENOTFOUND when it names no commit. */
static int rev_commit(git_oid *out, lg_repo *repo, const char *rev)
{
	git_object *obj = NULL, *commit = NULL;
	int err = LG_ENOTFOUND;

	if (rev_object(&obj, repo, rev) == 0 &&
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(out, git_object_id(commit));
		err = 0;
	}
	git_object_free(commit);
	git_object_free(obj);
	return err;
}

/* Hides every ref whose name matches `glob` ("*": all of them). The ref's
 * id goes to the walk as it is: git_revwalk_hide reads the object once and
 * peels a tag to its commit, and skips (fails on) one that names no
 * commit, as a ref we cannot peel is skipped here. Parsing the ref's name
 * as a revision would read each object once more, for every ref of the
 * server, in each walk of a push. */
static void hide_refs(lg_collector *c, git_revwalk *walk, const char *glob)
{
	git_reference_iterator *it;
	git_reference *ref;
	git_oid id;

	if (git_reference_iterator_glob_new(&it, c->repo->repo,
					    strcmp(glob, "*") == 0 ? "refs/*" : glob) != 0)
		return;
	while (git_reference_next(&ref, it) == 0) {
		if (git_reference_name_to_id(&id, c->repo->repo, git_reference_name(ref)) == 0)
			git_revwalk_hide(walk, &id);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
}

/* Hands on the messages of the annotated tags `obj` (named `rev`) is (a
 * tag of a tag: each), as a pushed tag adds them; frees `obj`. */
static int tag_messages(lg_collector *c, git_object *obj, const char *rev)
{
	git_object *next;
	int err = 0;

	while (!err && git_object_type(obj) == GIT_OBJECT_TAG) {
		err = lg_walk__tag_message(c, (git_tag *)obj);
		if (git_tag_target(&next, (git_tag *)obj) != 0) {
			char hex[GIT_OID_HEXSZ + 1];

			git_oid_tostr(hex, sizeof(hex), git_tag_target_id((git_tag *)obj));
			if (!err)
				err = lg_error_set(LG_EREPO, "cannot read %s, the target of tag '%s': %s",
						   hex, rev, lg_git__message());
			break;
		}
		git_object_free(obj);
		obj = next;
	}
	git_object_free(obj);
	return err;
}

/* tag_messages of the object `rev` names, if any. */
static int include_tag_messages(lg_collector *c, const char *rev)
{
	git_object *obj = NULL;

	if (rev_object(&obj, c->repo, rev) != 0)
		return 0; /* push_range says what is wrong with it */
	return tag_messages(c, obj, rev);
}

/* Pushes the commit `rev` names onto the walk, after handing on the
 * messages of the annotated tags it names: the object is read once for
 * both. A tag of a tree or a blob adds no lines a commit adds; a revision
 * that names nothing is an error (we would scan less than asked). */
static int push_rev(lg_collector *c, git_revwalk *walk, const char *rev)
{
	git_object *obj = NULL, *commit = NULL;

	if (rev_object(&obj, c->repo, rev) != 0)
		return lg_error_set(LG_EINVALID, "unknown revision '%s'", rev);
	if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0)
		git_revwalk_push(walk, git_object_id(commit));
	git_object_free(commit);
	return tag_messages(c, obj, rev);
}

/* Sets up the walk over `range`. A revision that names nothing is an
 * error for an include (we would scan less than asked) and ignored for an
 * exclude (we scan more). */
static int push_range(lg_collector *c, git_revwalk *walk, const lg_commit_range *r)
{
	git_oid id;
	size_t i;
	int err;

	for (i = 0; i < r->include_count; i++) {
		if (!strstr(r->include[i], "..")) {
			if ((err = push_rev(c, walk, r->include[i])) != 0)
				return err;
		} else if (git_revwalk_push_range(walk, r->include[i]) != 0) {
			return lg_error_set(LG_EINVALID, "invalid range '%s': %s",
					    r->include[i], lg_git__message());
		}
	}
	for (i = 0; i < r->exclude_count; i++)
		if (rev_commit(&id, c->repo, r->exclude[i]) == 0)
			git_revwalk_hide(walk, &id);
	for (i = 0; i < r->exclude_glob_count; i++)
		hide_refs(c, walk, r->exclude_globs[i]);
	return 0;
}

typedef int (*visit_fn)(lg_collector *c, git_commit *commit);

/* Walks the commits of `range`, parents first, calling `visit` on each. */
static int walk_and_visit(lg_collector *c, const lg_commit_range *range, visit_fn visit)
{
	git_revwalk *walk;
	git_oid oid;
	int rc, err;

	if (git_revwalk_new(&walk, c->repo->repo) != 0)
		return lg_error_set(LG_EREPO, "cannot walk the history: %s", lg_git__message());
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	err = push_range(c, walk, range);
	while (!err && (rc = git_revwalk_next(&oid, walk)) != GIT_ITEROVER) {
		git_commit *commit;
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &oid);
		if (rc != 0 || git_commit_lookup(&commit, c->repo->repo, &oid) != 0) {
			/* Fail closed: a commit we cannot read may carry
			 * anything. */
			err = lg_error_set(LG_EREPO, "cannot read commit %s: %s", hex,
					   lg_git__message());
			break;
		}
		err = visit(c, commit);
		git_commit_free(commit);
	}
	git_revwalk_free(walk);
	return err;
}

/* Visits the commits an earlier walk of the same range found (the
 * options' `walked`), in its order, after handing on the messages of the
 * annotated tags the range includes, as push_range does: the same commits
 * as walking the range again, without resolving and hiding every ref of
 * the server a second time. */
static int visit_walked(lg_collector *c, const lg_commit_range *range,
			const lg_history_options *opts, visit_fn visit)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < range->include_count; i++)
		if (!strstr(range->include[i], ".."))
			err = include_tag_messages(c, range->include[i]);
	for (i = 0; !err && i < opts->walked_count; i++) {
		const char *hex = opts->walked[i].id;
		git_commit *commit;
		git_oid oid;

		if (git_oid_fromstr(&oid, hex) != 0 ||
		    git_commit_lookup(&commit, c->repo->repo, &oid) != 0)
			return lg_error_set(LG_EREPO, "cannot read commit %s: %s", hex,
					    lg_git__message());
		err = visit(c, commit);
		git_commit_free(commit);
	}
	return err;
}

/* Collects the commits of `range` (or the options' `walked`) with
 * `visit`. */
static int walk_range(lg_history *out, lg_repo *repo, const lg_commit_range *range,
		      const lg_history_options *opts, visit_fn visit)
{
	lg_collector c;
	int err;

	if ((err = lg_walk__collector_begin(&c, out, repo, opts)) != 0)
		return lg_walk__collector_end(&c, err);
	if (opts && opts->walked)
		err = visit_walked(&c, range, opts, visit);
	else
		err = walk_and_visit(&c, range, visit);
	return lg_walk__collector_end(&c, err);
}

int lg_history__collect_added(lg_history *out, lg_repo *repo,
			      const lg_commit_range *range,
			      const lg_history_options *opts)
{
	return walk_range(out, repo, range, opts, visit_added_commit);
}

int lg_history__collect_changed(lg_history *out, lg_repo *repo,
				const lg_commit_range *range,
				const lg_history_options *opts)
{
	return walk_range(out, repo, range, opts, visit_changed_commit);
}

int lg_history__collect_staged(lg_history *out, lg_repo *repo,
			       const lg_history_options *opts)
{
	lg_collector c;
	git_object *head = NULL;
	git_index *index = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	int err = 0;

	if ((err = lg_walk__collector_begin(&c, out, repo, opts)) != 0)
		return lg_walk__collector_end(&c, err);
	diff_options_init(&o);
	/* Before the first commit there is no HEAD: everything staged is new. */
	if (git_revparse_single(&head, repo->repo, "HEAD^{tree}") != 0)
		head = NULL;
	if (git_repository_index(&index, repo->repo) != 0 ||
	    git_diff_tree_to_index(&diff, repo->repo, (git_tree *)head, index, &o) != 0)
		err = lg_error_set(LG_EREPO, "cannot diff the index: %s", lg_git__message());
	else
		err = add_diff(&c, diff, UINT32_MAX, NULL);
	git_diff_free(diff);
	git_index_free(index);
	git_object_free(head);
	return lg_walk__collector_end(&c, err);
}

