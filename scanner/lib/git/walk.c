/*
 * walk.c - which blobs to scan and where they came from, with libgit2.
 *
 * Every commit reachable from every ref is visited parents first, so the
 * first time a (blob, path) pair is met, it is met in the oldest commit
 * that has it. Each distinct (tree, path) is descended into once: a tree
 * unchanged between commits holds nothing new, so the cost is the number
 * of distinct trees, not commits times files.
 */
#include "git/git.h"

#include <git2.h>

#include <stdlib.h>
#include <string.h>

/* The walk's cache of commits and trees read from the packs (the delta
 * bases of what it reads next). 32 MiB instead took 4% less CPU on git/git
 * and 15 MB more at the peak, when the blob readers' caches are full too. */
#define WALK_CACHE_BYTES (16u << 20)

/* ------------------------------------------------------------------------
 * Collecting the history
 * ---------------------------------------------------------------------- */

void lg_walk__warn(lg_collector *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!c->opts || !c->opts->on_warning)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->opts->on_warning(msg, c->opts->payload);
}

/* The index of blob `id`, adding it when new. */
static int blob_index(uint32_t *out, lg_collector *c, const uint8_t id[20])
{
	lg_history *h = c->h;
	int seen = lg_oidmap__get_or_put(out, &c->blobs, id, (uint32_t)h->blob_count);

	if (seen < 0)
		return LG_ENOMEM;
	if (seen)
		return 0;
	if (lg_array__grow((void **)&h->blobs, &c->blob_alloc, h->blob_count + 1,
		 sizeof(*h->blobs), 256) != 0)
		return LG_ENOMEM;
	memset(&h->blobs[h->blob_count], 0, sizeof(h->blobs[0]));
	memcpy(h->blobs[h->blob_count].id, id, 20);
	/* Order of first appearance approximates pack order: git writes
	 * packs newest first, but walking parents first keeps each path's
	 * versions together, which is what the delta-base cache needs. */
	h->blobs[h->blob_count].pack_order = h->blob_count;
	h->blob_count++;
	return 0;
}

/* Records the blob `id` at the current path (whose hash is `prefix_hash`)
 * plus `name` in commit `commit`, once per (blob, path); a blob an earlier
 * run scanned (the state's) is left out. The path buffer is restored. */
static int add_blob(lg_collector *c, const uint8_t id[20], const char *name, size_t name_len,
		    uint64_t prefix_hash, uint32_t commit)
{
	size_t base = c->path.len;
	uint64_t tag = lg_oidmap__path_tag(lg_oidmap__path_hash_extend(prefix_hash, name, name_len));
	const char *path;
	uint32_t b;
	lg_raw_prov *p;
	int err;

	if ((err = lg_buf__add(&c->path, name, name_len)) != 0)
		return err;
	if (lg_oidmap__has_path(&c->seen_pairs, id, c->path.ptr, tag) ||
	    (c->opts && c->opts->known_blob && c->opts->known_blob(id, c->opts->known_payload)))
		goto out;
	if (!(path = lg_arena__strndup(&c->h->arena, c->path.ptr, c->path.len))) {
		err = LG_ENOMEM;
		goto out;
	}
	if ((err = lg_oidmap__add_path(&c->seen_pairs, id, path, tag)) != 0 ||
	    (err = blob_index(&b, c, id)) != 0 ||
	    (err = lg_array__grow((void **)&c->provs, &c->prov_alloc, c->prov_count + 1,
			sizeof(*c->provs), 256)) != 0)
		goto out;
	p = &c->provs[c->prov_count++];
	p->blob = b;
	p->commit = commit;
	p->path = path;
out:
	c->path.len = base;
	c->path.ptr[base] = '\0';
	return err;
}

/* Tree `id` through libgit2, for what the pack reader leaves to it: parsed
 * by libgit2 first, so that what it refuses stays refused with its reason
 * (LG_ENOTFOUND, libgit2's message set), then its bytes. */
static int tree_via_libgit2(lg_obj **out, lg_collector *c, const uint8_t id[20])
{
	git_oid oid;
	git_tree *tree;
	git_odb_object *o;

	memcpy(oid.id, id, 20);
	if (git_tree_lookup(&tree, c->repo->repo, &oid) != 0)
		return LG_ENOTFOUND;
	git_tree_free(tree);
	if (git_odb_read(&o, c->repo->odb, &oid) != 0)
		return LG_ENOTFOUND;
	*out = lg_obj__new(LG_OBJ_TREE, git_odb_object_data(o), git_odb_object_size(o));
	git_odb_object_free(o);
	return *out ? 0 : LG_ENOMEM;
}

/* Reads tree `id` (a reference in *out): from the packs, or through
 * libgit2 when they do not hold it as a tree libgit2 would read.
 * LG_ENOTFOUND, with libgit2's message, when it cannot be read. */
static int read_tree(lg_obj **out, lg_collector *c, const uint8_t id[20])
{
	const char *why;
	int err = c->objs ? lg_objreader__read(out, c->objs, id, LG_OBJ_TREE) : LG_ENOTFOUND;

	if (err == 0 && lg_tree__check(*out, &why) == 0)
		return 0;
	if (err == 0)
		lg_obj__unref(*out);
	else if (err != LG_ENOTFOUND)
		return err;
	*out = NULL;
	return tree_via_libgit2(out, c, id);
}

typedef struct {
	lg_obj *tree;       /* a reference */
	size_t next;        /* byte offset of the next entry */
	const char *path;   /* this tree's path: "" or "dir/", arena-owned */
	size_t path_len;    /* its length: the prefix of this tree's entries */
	uint64_t path_hash; /* and its hash */
	/* The last tree finished at the same path (lasttree.c), whose
	 * entries are read alongside this tree's; NULL when none. */
	const lg_obj *ref;
	size_t ref_next;
	lg_tree_entry ref_entry; /* read from ref, not yet passed */
	int have_ref_entry;
} tree_frame;

/* 1 when the frame's reference tree holds an entry identical to `e`:
 * then everything `e` holds was recorded when that tree was walked. Both
 * trees are in git's order, so the reference's cursor only moves forward. */
static int unchanged_entry(tree_frame *f, const lg_tree_entry *e)
{
	while (f->ref) {
		lg_tree_entry *r = &f->ref_entry;
		int cmp;

		if (!f->have_ref_entry) {
			if (lg_tree__next(r, f->ref, &f->ref_next) != 1)
				return 0;
			f->have_ref_entry = 1;
		}
		if (r->raw_len == e->raw_len && memcmp(r->raw, e->raw, e->raw_len) == 0) {
			f->have_ref_entry = 0;
			return 1;
		}
		cmp = lg_tree__entry_cmp(r, e);
		if (cmp > 0)
			return 0;
		f->have_ref_entry = 0;
		if (cmp == 0)
			return lg_tree__mode(r->attr) == lg_tree__mode(e->attr) &&
			       memcmp(r->id, e->id, 20) == 0;
	}
	return 0;
}

/* Finishes the top frame: its tree becomes the last one finished at its
 * path. */
static int pop_tree(lg_collector *c, tree_frame *stack, size_t *depth)
{
	tree_frame *f = &stack[--*depth];
	size_t i;
	int rc;

	if ((rc = lg_last_trees__put(&c->last_trees, f->path, f->path_hash, f->tree)) < 0)
		return rc;
	if (rc == 1) /* the cache forgot the frames' reference trees */
		for (i = 0; i < *depth; i++)
			stack[i].ref = NULL;
	return 0;
}

/* Pushes a frame for `tree` (a reference taken over) at `path` (of `len`
 * bytes, hashed `hash`). */
static int push_tree(tree_frame **stack, size_t *depth, size_t *alloc, lg_collector *c,
		     lg_obj *tree, const char *path, size_t len, uint64_t hash)
{
	int err = lg_array__grow((void **)stack, alloc, *depth + 1, sizeof(**stack), 16);

	if (err) {
		lg_obj__unref(tree);
		return err;
	}
	(*stack)[(*depth)++] = (tree_frame){
		tree, 0, path, len, hash, lg_last_trees__get(&c->last_trees, path, hash), 0,
		{ 0 }, 0
	};
	return 0;
}

/* Visits subtree entry `e` of frame `f`: unless the (tree, path) was seen,
 * reads it and pushes a frame for it (the path buffer then holds its
 * path), or warns that it cannot be read. */
static int enter_tree(lg_collector *c, tree_frame **stack, size_t *depth, size_t *alloc,
		      const lg_tree_entry *e)
{
	const tree_frame *f = &(*stack)[*depth - 1];
	char hex[GIT_OID_HEXSZ + 1], shown[512];
	const char *path;
	lg_obj *sub;
	git_oid oid;
	size_t len;
	uint64_t hash;
	int err;

	if ((err = lg_buf__add(&c->path, e->name, e->name_len)) != 0 ||
	    (err = lg_buf__add(&c->path, "/", 1)) != 0)
		return err;
	len = c->path.len;
	hash = lg_oidmap__path_hash_extend(f->path_hash, c->path.ptr + f->path_len, len - f->path_len);
	if (lg_oidmap__has_path(&c->seen_trees, e->id, c->path.ptr, lg_oidmap__path_tag(hash)))
		return 0;
	if (!(path = lg_arena__strndup(&c->h->arena, c->path.ptr, len)))
		return LG_ENOMEM;
	if ((err = lg_oidmap__add_path(&c->seen_trees, e->id, path, lg_oidmap__path_tag(hash))) != 0)
		return err;
	if (*depth >= LG_MAX_TREE_DEPTH) {
		/* Counted as unreadable: the scan is incomplete and must
		 * say so. */
		memcpy(oid.id, e->id, 20);
		git_oid_tostr(hex, sizeof(hex), &oid);
		lg_walk__warn(c, "tree %s at '%s' is nested deeper than %d levels; not scanned",
			      hex, lg__printable(shown, sizeof(shown), path), LG_MAX_TREE_DEPTH);
		c->h->unreadable++;
		return 0;
	}
	if ((err = read_tree(&sub, c, e->id)) == LG_ENOTFOUND) {
		memcpy(oid.id, e->id, 20);
		git_oid_tostr(hex, sizeof(hex), &oid);
		lg_walk__warn(c, "cannot read tree %s at '%s': %s", hex,
			      lg__printable(shown, sizeof(shown), path), lg_git__message());
		c->h->unreadable++;
		return 0;
	}
	if (err)
		return err;
	return push_tree(stack, depth, alloc, c, sub, path, len, hash);
}

/* Walks `root` (a reference taken over) with an explicit stack (deep
 * trees cannot overflow the C stack), descending into each (tree, path)
 * not seen before, and past each entry the last tree finished at the same
 * path holds unchanged. */
static int walk_tree(lg_collector *c, lg_obj *root, uint32_t commit)
{
	tree_frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	int err = 0;

	c->path.len = 0;
	if ((err = lg_buf__add(&c->path, "", 0)) != 0) {
		lg_obj__unref(root);
		return err;
	}
	if ((err = push_tree(&stack, &depth, &alloc, c, root, "", 0, LG_PATH_HASH_START)) != 0)
		return err;
	while (depth && !err) {
		tree_frame *f = &stack[depth - 1];
		lg_tree_entry e;
		int mode;

		if (lg_tree__next(&e, f->tree, &f->next) != 1) {
			err = pop_tree(c, stack, &depth);
			if (depth) {
				c->path.len = stack[depth - 1].path_len;
				c->path.ptr[c->path.len] = '\0';
			}
			continue;
		}
		if (unchanged_entry(f, &e))
			continue;
		mode = lg_tree__mode(e.attr);
		c->path.len = f->path_len;
		c->path.ptr[c->path.len] = '\0';
		if (mode == LG_MODE_BLOB || mode == LG_MODE_BLOB_EXECUTABLE || mode == LG_MODE_LINK)
			err = add_blob(c, e.id, e.name, e.name_len, f->path_hash, commit);
		else if (mode == LG_MODE_TREE)
			err = enter_tree(c, &stack, &depth, &alloc, &e);
		/* LG_MODE_COMMIT: a submodule; its history is not ours. */
	}
	/* After an error: the trees of the unfinished frames are dropped,
	 * not kept, since what they hold was not all recorded. */
	while (depth)
		lg_obj__unref(stack[--depth].tree);
	free(stack);
	return err;
}

/* Appends a commit (id and author) to the history's commits; `name` and
 * `email` are NULL for a commit without an author. */
static int record_commit(lg_commit_info **out, lg_collector *c, const uint8_t id[20],
			 const char *name, size_t name_len, const char *email, size_t email_len,
			 int64_t time, int offset)
{
	lg_history *h = c->h;
	lg_commit_info *ci;
	git_oid oid;
	int err;

	if ((err = lg_array__grow((void **)&h->commits, &c->commit_alloc,
			h->commit_count + 1, sizeof(*h->commits), 256)) != 0)
		return err;
	ci = &h->commits[h->commit_count++];
	memset(ci, 0, sizeof(*ci));
	memcpy(oid.id, id, 20);
	git_oid_tostr(ci->id, sizeof(ci->id), &oid);
	if (name && email) {
		ci->author_name = lg_arena__strndup(&h->arena, name, name_len);
		ci->author_email = lg_arena__strndup(&h->arena, email, email_len);
		ci->time = time;
		ci->offset = offset;
		if (!ci->author_name || !ci->author_email)
			return LG_ENOMEM;
	}
	*out = ci;
	return 0;
}

int lg_walk__record_commit(lg_commit_info **out, lg_collector *c, git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);

	if (!author)
		return record_commit(out, c, git_commit_id(commit)->id, NULL, 0, NULL, 0, 0, 0);
	return record_commit(out, c, git_commit_id(commit)->id,
			     author->name ? author->name : "", author->name ? strlen(author->name) : 0,
			     author->email ? author->email : "",
			     author->email ? strlen(author->email) : 0,
			     author->when.time, author->when.offset);
}

/* Hands a commit's message to the options' on_message, if any. */
static int commit_message(lg_collector *c, const lg_commit_info *ci, const char *text,
			  size_t len)
{
	lg_message msg;

	if (!c->opts || !c->opts->on_message)
		return 0;
	msg.who = ci;
	msg.tag = 0;
	msg.text = text;
	msg.len = len;
	return c->opts->on_message(&msg, c->opts->message_payload);
}

int lg_walk__commit_message(lg_collector *c, const lg_commit_info *ci, git_commit *commit)
{
	const char *text;

	if (!c->opts || !c->opts->on_message)
		return 0;
	text = git_commit_message(commit);
	return commit_message(c, ci, text ? text : "", text ? strlen(text) : 0);
}

int lg_walk__tag_message(lg_collector *c, git_tag *tag)
{
	const git_signature *tagger = git_tag_tagger(tag);
	const char *text = git_tag_message(tag);
	lg_commit_info who;
	lg_message msg;
	uint32_t ignored;
	int seen;

	if (!c->opts || !c->opts->on_message)
		return 0;
	/* Two refs may name one tag. (Tag ids never equal commit ids, so the
	 * tips' set serves.) */
	if ((seen = lg_oidmap__get_or_put(&ignored, &c->tip_set, git_tag_id(tag)->id, 1)) != 0)
		return seen < 0 ? LG_ENOMEM : 0;
	memset(&who, 0, sizeof(who));
	git_oid_tostr(who.id, sizeof(who.id), git_tag_id(tag));
	if (tagger) {
		who.author_name = (char *)(tagger->name ? tagger->name : "");
		who.author_email = (char *)(tagger->email ? tagger->email : "");
		who.time = tagger->when.time;
		who.offset = tagger->when.offset;
	}
	msg.who = &who;
	msg.tag = 1;
	msg.text = text ? text : "";
	msg.len = text ? strlen(text) : 0;
	return c->opts->on_message(&msg, c->opts->message_payload);
}

/* A commit as the walk reads it: parsed in place from the packs, or,
 * when it is not in the form git writes (or not in the packs), through
 * libgit2. */
typedef struct {
	uint8_t id[20];
	lg_obj *raw;        /* the commit's bytes, when parsed in place */
	lg_commit_view v;
	git_commit *commit; /* otherwise libgit2's */
} walk_commit;

static void walk_commit_release(walk_commit *wc)
{
	lg_obj__unref(wc->raw);
	git_commit_free(wc->commit);
	wc->raw = NULL;
	wc->commit = NULL;
}

/* Reads commit `id`. LG_ENOTFOUND, with libgit2's message, when it
 * cannot be read. */
static int read_commit(walk_commit *wc, lg_collector *c, const uint8_t id[20])
{
	git_oid oid;
	int err = c->objs ? lg_objreader__read(&wc->raw, c->objs, id, LG_OBJ_COMMIT) :
		  LG_ENOTFOUND;

	memcpy(wc->id, id, 20);
	wc->commit = NULL;
	if (err == 0 && lg_commit__parse(&wc->v, wc->raw) == 0)
		return 0;
	if (err == 0)
		lg_obj__unref(wc->raw);
	else if (err != LG_ENOTFOUND)
		return err;
	wc->raw = NULL;
	memcpy(oid.id, id, 20);
	return git_commit_lookup(&wc->commit, c->repo->repo, &oid) == 0 ? 0 : LG_ENOTFOUND;
}

static size_t walk_commit_parent_count(const walk_commit *wc)
{
	return wc->commit ? git_commit_parentcount(wc->commit) : wc->v.parent_count;
}

/* Parent `i`'s id; -1 when libgit2 has none to give. */
static int walk_commit_parent(uint8_t out[20], const walk_commit *wc, size_t i)
{
	const git_oid *id;

	if (!wc->commit)
		return lg_commit__parent(out, &wc->v, i);
	if (!(id = git_commit_parent_id(wc->commit, (unsigned)i)))
		return -1;
	memcpy(out, id->id, 20);
	return 0;
}

/* Records commit `wc`, hands on its message and walks its tree. */
static int visit_commit(lg_collector *c, walk_commit *wc)
{
	uint32_t index = (uint32_t)c->h->commit_count;
	const uint8_t *tree_id = wc->commit ? git_commit_tree_id(wc->commit)->id : wc->v.tree;
	lg_commit_info *ci;
	lg_obj *tree;
	int err;

	if (wc->commit) {
		if ((err = lg_walk__record_commit(&ci, c, wc->commit)) != 0 ||
		    (err = lg_walk__commit_message(c, ci, wc->commit)) != 0)
			return err;
	} else {
		const lg_signature_view *a = &wc->v.author;

		if ((err = record_commit(&ci, c, wc->id, a->name, a->name_len, a->email,
					 a->email_len, a->time, a->offset)) != 0 ||
		    (err = commit_message(c, ci, wc->v.message, wc->v.message_len)) != 0)
			return err;
	}
	if ((err = read_tree(&tree, c, tree_id)) == LG_ENOTFOUND) {
		lg_walk__warn(c, "cannot read the tree of commit %s: %s", ci->id, lg_git__message());
		c->h->unreadable++;
		return 0;
	}
	if (err)
		return err;
	return walk_tree(c, tree, index);
}

/* Remembers a commit a ref points to, once (HEAD usually repeats a
 * branch), for the walk and the next incremental scan. */
static int record_tip(lg_collector *c, const git_oid *id)
{
	lg_history *h = c->h;
	uint32_t ignored;
	int seen = lg_oidmap__get_or_put(&ignored, &c->tip_set, id->id, 1);

	if (seen)
		return seen < 0 ? LG_ENOMEM : 0;
	if (lg_array__grow((void **)&h->tips, &c->tip_alloc, h->tip_count + 1, sizeof(*h->tips), 256) != 0)
		return LG_ENOMEM;
	memcpy(h->tips[h->tip_count++], id->id, 20);
	return 0;
}

/* Adds what a ref's target peels to: a commit becomes a tip of the walk;
 * a tree or a blob (a tag can point to either) is kept for after the
 * commits. An unreadable target is a warning. */
static int push_target(lg_collector *c, const git_oid *target, const char *refname)
{
	git_object *obj = NULL, *peeled;
	char hex[GIT_OID_HEXSZ + 1];
	int err = 0;

	git_oid_tostr(hex, sizeof(hex), target);
	if (git_object_lookup(&obj, c->repo->repo, target, GIT_OBJECT_ANY) != 0) {
		lg_walk__warn(c, "ref '%s' points to %s, which cannot be read: %s", refname,
		     hex, lg_git__message());
		c->broken_refs++;
		return 0;
	}
	while (git_object_type(obj) == GIT_OBJECT_TAG) {
		if ((err = lg_walk__tag_message(c, (git_tag *)obj)) != 0) {
			git_object_free(obj);
			return err;
		}
		if (git_tag_target(&peeled, (git_tag *)obj) != 0) {
			git_oid_tostr(hex, sizeof(hex), git_tag_target_id((git_tag *)obj));
			lg_walk__warn(c, "ref '%s' points to a tag of %s, which cannot be read: %s",
			     refname, hex, lg_git__message());
			git_object_free(obj);
			c->broken_refs++;
			return 0;
		}
		git_object_free(obj);
		obj = peeled;
	}
	switch (git_object_type(obj)) {
	case GIT_OBJECT_COMMIT:
		err = record_tip(c, git_object_id(obj));
		break;
	case GIT_OBJECT_TREE:
	case GIT_OBJECT_BLOB:
		if ((err = lg_array__grow((void **)&c->tagged, &c->tagged_alloc, c->tagged_count + 1,
				sizeof(*c->tagged), 256)) != 0)
			break;
		c->tagged[c->tagged_count++] = obj;
		return 0;
	default:
		break;
	}
	git_object_free(obj);
	return err;
}

/* Walks the trees and records the blobs that tags point to, with no commit
 * to credit; the blob of a tag has no path (""). */
static int walk_tagged(lg_collector *c)
{
	size_t i;
	int err = 0;

	for (i = 0; i < c->tagged_count && !err; i++) {
		git_object *obj = c->tagged[i];

		if (git_object_type(obj) == GIT_OBJECT_TREE) {
			lg_obj *tree;

			if ((err = read_tree(&tree, c, git_object_id(obj)->id)) == 0) {
				err = walk_tree(c, tree, UINT32_MAX);
			} else if (err == LG_ENOTFOUND) {
				lg_walk__warn(c, "cannot read tree %s: %s",
					      git_oid_tostr_s(git_object_id(obj)), lg_git__message());
				c->h->unreadable++;
				err = 0;
			}
		} else {
			c->path.len = 0;
			if ((err = lg_buf__add(&c->path, "", 0)) == 0)
				err = add_blob(c, git_object_id(obj)->id, "", 0, LG_PATH_HASH_START,
					       UINT32_MAX);
		}
	}
	return err;
}

/* Records the tips of every ref and of HEAD; broken refs are warnings. */
static int push_refs(lg_collector *c)
{
	git_reference_iterator *it;
	git_reference *ref, *resolved;
	git_oid head;
	int rc, err = 0;

	if (git_reference_iterator_new(&it, c->repo->repo) != 0)
		return lg_error_set(LG_EREPO, "cannot list the refs: %s", lg_git__message());
	while (!err && (rc = git_reference_next(&ref, it)) != GIT_ITEROVER) {
		if (rc != 0) {
			lg_walk__warn(c, "skipping an unreadable ref: %s", lg_git__message());
			continue;
		}
		if (git_reference_resolve(&resolved, ref) != 0) {
			lg_walk__warn(c, "skipping ref '%s': %s", git_reference_name(ref),
			     lg_git__message());
		} else {
			err = push_target(c, git_reference_target(resolved),
					  git_reference_name(ref));
			if (!err)
				c->h->ref_count++;
			git_reference_free(resolved);
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	/* A detached HEAD is a ref of its own; an unborn one holds nothing. */
	if (!err && git_reference_name_to_id(&head, c->repo->repo, "HEAD") == 0)
		err = push_target(c, &head, "HEAD");
	return err;
}

/* ------------------------------------------------------------------------
 * The commit graph, walked by us rather than by git_revwalk: libgit2 1.5
 * knows nothing of shallow clones (it stops at the first missing parent),
 * and one unreadable commit must cost only its own ancestry, said in a
 * warning, not the rest of the history.
 * ---------------------------------------------------------------------- */

typedef struct {
	uint8_t id[20];
	uint32_t first_parent, parent_count; /* into graph.parents */
	uint8_t hidden;  /* reachable from a tip an earlier run walked */
	uint8_t loaded;  /* parents known (or none: root, shallow, unreadable) */
	uint8_t emitted; /* already in the walk order */
} graph_node;

typedef struct {
	graph_node *nodes;
	size_t count, alloc;
	uint32_t *parents;
	size_t parent_count, parent_alloc;
	lg_oidmap index;   /* commit id -> node */
	lg_oidmap shallow; /* commits whose parents the clone does not have */
} graph;

/* The node of commit `id`, added when new. */
static int graph_node_of(uint32_t *out, graph *g, const uint8_t id[20])
{
	int seen = lg_oidmap__get_or_put(out, &g->index, id, (uint32_t)g->count);

	if (seen < 0)
		return LG_ENOMEM;
	if (seen)
		return 0;
	if (lg_array__grow((void **)&g->nodes, &g->alloc, g->count + 1, sizeof(*g->nodes), 256) != 0)
		return LG_ENOMEM;
	memset(&g->nodes[g->count], 0, sizeof(g->nodes[0]));
	memcpy(g->nodes[g->count].id, id, 20);
	g->count++;
	return 0;
}

/* Reads the ids listed in the repository's `shallow` file, if any. */
static int load_shallow(graph *g, lg_collector *c)
{
	lg_buf path = LG_BUF_INIT;
	char line[128];
	FILE *f;
	int err = lg_buf__printf(&path, "%s/shallow", git_repository_commondir(c->repo->repo));

	if (err || !(f = fopen(path.ptr, "r"))) {
		lg_buf__release(&path);
		return err;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		git_oid id;
		uint32_t ignored;

		line[strcspn(line, "\r\n")] = '\0';
		if (git_oid_fromstr(&id, line) == 0 &&
		    lg_oidmap__get_or_put(&ignored, &g->shallow, id.id, 1) < 0)
			err = LG_ENOMEM;
	}
	fclose(f);
	lg_buf__release(&path);
	return err;
}

/* Reads node `n`'s parents: none for a shallow boundary or a commit that
 * cannot be read, which is a warning unless `hide` (a tip an earlier run
 * recorded may be gone since, by a forced push and gc: it hides nothing,
 * so the walk reads more, never less). */
static int load_parents(graph *g, lg_collector *c, uint32_t n, int hide)
{
	walk_commit wc;
	uint8_t pid[20];
	uint32_t p, parent;
	size_t i, count;
	int err = 0;

	g->nodes[n].loaded = 1;
	if (lg_oidmap__contains(&g->shallow, g->nodes[n].id))
		return 0; /* the clone's history ends here */
	if ((err = read_commit(&wc, c, g->nodes[n].id)) != 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid id;

		if (err != LG_ENOTFOUND || hide)
			return err == LG_ENOTFOUND ? 0 : err;
		memcpy(id.id, g->nodes[n].id, 20);
		git_oid_tostr(hex, sizeof(hex), &id);
		lg_walk__warn(c, "cannot read commit %s: %s; its history is not scanned", hex,
		     lg_git__message());
		c->h->unreadable++;
		return 0;
	}
	count = walk_commit_parent_count(&wc);
	g->nodes[n].first_parent = (uint32_t)g->parent_count;
	for (i = 0; i < count && !err; i++) {
		if (walk_commit_parent(pid, &wc, i) != 0 || (err = graph_node_of(&parent, g, pid)) != 0 ||
		    (err = lg_array__grow((void **)&g->parents, &g->parent_alloc, g->parent_count + 1,
				sizeof(*g->parents), 256)) != 0)
			break;
		g->parents[g->parent_count++] = parent;
	}
	p = (uint32_t)(g->parent_count - g->nodes[n].first_parent);
	g->nodes[n].parent_count = p;
	walk_commit_release(&wc);
	return err;
}

/* Depth-first from `tips`, parents before children: appends each commit
 * not yet emitted (and, unless `hide`, not hidden) to `order`; with `hide`
 * marks them hidden instead. */
static int graph_walk(graph *g, lg_collector *c, uint8_t (*tips)[20], size_t ntips, int hide,
		      uint32_t **order, size_t *order_count, size_t *order_alloc)
{
	uint32_t *stack = NULL;
	size_t depth = 0, stack_alloc = 0, t;
	int err = 0;

	for (t = 0; t < ntips && !err; t++) {
		uint32_t n;

		if ((err = graph_node_of(&n, g, tips[t])) != 0 ||
		    (err = lg_array__grow((void **)&stack, &stack_alloc, depth + 1, sizeof(*stack), 256)) != 0)
			break;
		stack[depth++] = n;
		while (depth && !err) {
			graph_node *node = &g->nodes[stack[depth - 1]];
			uint32_t i, next = UINT32_MAX;

			if (node->emitted || (!hide && node->hidden)) {
				depth--;
				continue;
			}
			if (!node->loaded) {
				if ((err = load_parents(g, c, stack[depth - 1], hide)) != 0)
					break;
				node = &g->nodes[stack[depth - 1]];
			}
			/* The first parent not yet done goes on the stack;
			 * when none is left, the node itself is done. */
			for (i = 0; i < node->parent_count; i++) {
				graph_node *parent = &g->nodes[g->parents[node->first_parent + i]];

				if (!parent->emitted && (hide || !parent->hidden)) {
					next = g->parents[node->first_parent + i];
					break;
				}
			}
			if (next != UINT32_MAX) {
				if ((err = lg_array__grow((void **)&stack, &stack_alloc, depth + 1,
						sizeof(*stack), 256)) == 0)
					stack[depth++] = next;
				continue;
			}
			node->emitted = 1;
			if (hide) {
				node->hidden = 1;
			} else if ((err = lg_array__grow((void **)order, order_alloc, *order_count + 1,
					       sizeof(**order), 256)) == 0) {
				(*order)[(*order_count)++] = stack[depth - 1];
			}
			depth--;
		}
	}
	free(stack);
	return err;
}

/* Every commit reachable from the tips, parents first, less those an
 * earlier run (the state's tips) already walked. */
static int commit_order(graph *g, lg_collector *c, uint32_t **order, size_t *count)
{
	const lg_history_options *known = c->opts;
	size_t alloc = 0, i;
	int err;

	*order = NULL;
	*count = 0;
	if ((err = lg_oidmap__init(&g->index, 1024)) != 0 || (err = lg_oidmap__init(&g->shallow, 16)) != 0 ||
	    (err = load_shallow(g, c)) != 0)
		return err;
	if (known && known->known_tip_count) {
		size_t none = 0;

		if ((err = graph_walk(g, c, known->known_tips, known->known_tip_count, 1, order,
				      &none, &alloc)) != 0)
			return err;
		/* Hidden commits are done: clear `emitted` so the flag means
		 * "in the order" for the visible walk. */
		for (i = 0; i < g->count; i++)
			g->nodes[i].emitted = 0;
	}
	return graph_walk(g, c, c->h->tips, c->h->tip_count, 0, order, count, &alloc);
}

static void graph_release(graph *g)
{
	free(g->nodes);
	free(g->parents);
	lg_oidmap__release(&g->index);
	lg_oidmap__release(&g->shallow);
}

static int walk_commits(lg_collector *c)
{
	graph g;
	uint32_t *order = NULL;
	size_t count = 0, i;
	int err;

	memset(&g, 0, sizeof(g));
	err = push_refs(c);
	/* A dangling ref or two is a warning; when no ref at all can be read,
	 * the repository is damaged and nothing sensible can be scanned. */
	if (!err && c->h->tip_count == 0 && c->tagged_count == 0 && c->broken_refs)
		err = lg_error_set(LG_EREPO, "none of the %zu refs of '%s' can be read: "
				   "the repository is damaged", c->broken_refs,
				   git_repository_path(c->repo->repo));
	if (!err)
		err = commit_order(&g, c, &order, &count);
	for (i = 0; i < count && !err; i++) {
		walk_commit wc;

		if ((err = read_commit(&wc, c, g.nodes[order[i]].id)) == LG_ENOTFOUND) {
			err = 0;
			continue; /* load_parents warned about it */
		}
		if (!err)
			err = visit_commit(c, &wc);
		walk_commit_release(&wc);
	}
	if (!err)
		err = walk_tagged(c);
	free(order);
	graph_release(&g);
	return err;
}

typedef struct {
	lg_collector *c;
	int err;
} odb_walk;

static int add_unreachable(const git_oid *id, void *payload)
{
	odb_walk *w = payload;
	size_t size;
	git_object_t type;
	uint32_t index;

	if (git_odb_read_header(&size, &type, w->c->repo->odb, id) != 0 ||
	    type != GIT_OBJECT_BLOB ||
	    (w->c->opts->known_blob && w->c->opts->known_blob(id->id, w->c->opts->known_payload)))
		return 0;
	if ((w->err = blob_index(&index, w->c, id->id)) != 0)
		return -1;
	/* The header was read anyway, so every blob's size is known here. */
	w->c->h->blobs[index].size = size;
	return 0;
}

/* Groups the provenances by blob, keeping each blob's in walk order. */
static int group_provenances(lg_collector *c)
{
	lg_history *h = c->h;
	size_t i;

	h->provs = malloc((c->prov_count ? c->prov_count : 1) * sizeof(*h->provs));
	if (!h->provs)
		return lg_error_set_oom();
	for (i = 0; i < c->prov_count; i++)
		h->blobs[c->provs[i].blob].prov_count++;
	for (i = 0; i < h->blob_count; i++) {
		h->blobs[i].first_prov = (uint32_t)h->prov_count;
		h->prov_count += h->blobs[i].prov_count;
		h->blobs[i].prov_count = 0;
	}
	for (i = 0; i < c->prov_count; i++) {
		lg_blob_entry *b = &h->blobs[c->provs[i].blob];
		lg_provenance *p = &h->provs[b->first_prov + b->prov_count++];

		p->commit = c->provs[i].commit;
		p->path = c->provs[i].path;
	}
	return 0;
}

/* Set-up and tear-down shared by the collectors. */
int lg_walk__collector_begin(lg_collector *c, lg_history *out, lg_repo *repo,
			   const lg_history_options *opts)
{
	memset(out, 0, sizeof(*out));
	memset(c, 0, sizeof(*c));
	c->repo = repo;
	c->opts = opts;
	c->h = out;
	/* Small to start with: a hook's walk holds a handful of entries, and
	 * each page a map starts with is a page fault of its start-up. */
	if (lg_oidmap__init(&c->blobs, 32) != 0 || lg_oidmap__init(&c->seen_trees, 32) != 0 ||
	    lg_oidmap__init(&c->seen_pairs, 32) != 0 || lg_oidmap__init(&c->tip_set, 32) != 0)
		return LG_ENOMEM;
	return 0;
}

int lg_walk__collector_end(lg_collector *c, int err)
{
	if (!err)
		err = group_provenances(c);
	lg_oidmap__release(&c->blobs);
	lg_oidmap__release(&c->seen_trees);
	lg_oidmap__release(&c->seen_pairs);
	lg_oidmap__release(&c->tip_set);
	lg_last_trees__release(&c->last_trees);
	lg_objreader__free(c->objs);
	free(c->provs);
	while (c->tagged_count)
		git_object_free(c->tagged[--c->tagged_count]);
	free(c->tagged);
	lg_buf__release(&c->path);
	if (err)
		lg_history__release(c->h);
	return err;
}

int lg_history__collect(lg_history *out, lg_repo *repo,
			const lg_history_options *opts)
{
	lg_collector c;
	int err = lg_walk__collector_begin(&c, out, repo, opts);

	if (!err)
		err = lg_objreader__open(&c.objs, lg_repo__objects_dir(repo), WALK_CACHE_BYTES);
	if (!err)
		err = walk_commits(&c);
	if (!err && opts && opts->all_objects) {
		odb_walk w = { &c, 0 };

		if (git_odb_foreach(repo->odb, add_unreachable, &w) != 0 && !w.err)
			lg_walk__warn(&c, "cannot list every object: %s", lg_git__message());
		err = w.err;
	}
	return lg_walk__collector_end(&c, err);
}

void lg_history__release(lg_history *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; h->blobs && i < h->blob_count; i++)
		free((void *)h->blobs[i].added_lines);
	free(h->blobs);
	free(h->provs);
	free(h->commits);
	free(h->tips);
	lg_arena__free(h->arena);
	memset(h, 0, sizeof(*h));
}

