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
static int add_blob(lg_collector *c, const git_oid *id, const char *name,
		    uint64_t prefix_hash, uint32_t commit)
{
	size_t base = c->path.len, name_len = strlen(name);
	uint64_t tag = lg_oidmap__path_tag(lg_oidmap__path_hash_extend(prefix_hash, name, name_len));
	const char *path;
	uint32_t b;
	lg_raw_prov *p;
	int err;

	if ((err = lg_buf__add(&c->path, name, name_len)) != 0)
		return err;
	if (lg_oidmap__has_path(&c->seen_pairs, id->id, c->path.ptr, tag) ||
	    (c->opts && c->opts->known_blob && c->opts->known_blob(id->id, c->opts->known_payload)))
		goto out;
	if (!(path = lg_arena__strndup(&c->h->arena, c->path.ptr, c->path.len))) {
		err = LG_ENOMEM;
		goto out;
	}
	if ((err = lg_oidmap__add_path(&c->seen_pairs, id->id, path, tag)) != 0 ||
	    (err = blob_index(&b, c, id->id)) != 0 ||
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

typedef struct {
	git_tree *tree;
	size_t next;
	const char *path;   /* this tree's path: "" or "dir/", arena-owned */
	size_t path_len;    /* its length: the prefix of this tree's entries */
	uint64_t path_hash; /* and its hash */
	/* The last tree finished at the same path (lasttree.c), whose
	 * entries are read alongside this tree's; NULL when none. */
	const git_tree *ref;
	size_t ref_next;
} tree_frame;

/* 1 when the frame's reference tree holds an entry identical to `e`:
 * then everything `e` holds was recorded when that tree was walked. Both
 * trees are in git's order, so the reference's cursor only moves forward. */
static int unchanged_entry(tree_frame *f, const git_tree_entry *e)
{
	size_t n = f->ref ? git_tree_entrycount(f->ref) : 0;

	while (f->ref_next < n) {
		const git_tree_entry *r = git_tree_entry_byindex(f->ref, f->ref_next);
		int cmp = git_tree_entry_cmp(r, e);

		if (cmp < 0) {
			f->ref_next++;
			continue;
		}
		if (cmp > 0)
			return 0;
		f->ref_next++;
		return git_tree_entry_filemode(r) == git_tree_entry_filemode(e) &&
		       git_oid_equal(git_tree_entry_id(r), git_tree_entry_id(e));
	}
	return 0;
}

/* Finishes the top frame: its tree becomes the last one finished at its
 * path (the root is the caller's, so the cache takes a reference). */
static int pop_tree(lg_collector *c, tree_frame *stack, size_t *depth, git_tree *root)
{
	tree_frame *f = &stack[--*depth];
	git_object *kept = (git_object *)f->tree;

	size_t i;
	int rc;

	if (f->tree == root && git_object_dup(&kept, (git_object *)root) != 0)
		return 0; /* not kept: the walk only skips less */
	if ((rc = lg_last_trees__put(&c->last_trees, f->path, f->path_hash,
				     (git_tree *)kept)) < 0)
		return rc;
	if (rc == 1) /* the cache forgot the frames' reference trees */
		for (i = 0; i < *depth; i++)
			stack[i].ref = NULL;
	return 0;
}

/* Pushes a frame for `tree` at `path` (of `len` bytes, hashed `hash`). */
static int push_tree(tree_frame **stack, size_t *depth, size_t *alloc, lg_collector *c,
		     git_tree *tree, const char *path, size_t len, uint64_t hash)
{
	int err = lg_array__grow((void **)stack, alloc, *depth + 1, sizeof(**stack), 16);

	if (err)
		return err;
	(*stack)[(*depth)++] = (tree_frame){
		tree, 0, path, len, hash, lg_last_trees__get(&c->last_trees, path, hash), 0
	};
	return 0;
}

/* Walks `root` with an explicit stack (deep trees cannot overflow the C
 * stack), descending into each (tree, path) not seen before, and past
 * each entry the last tree finished at the same path holds unchanged. */
static int walk_tree(lg_collector *c, git_tree *root, uint32_t commit)
{
	tree_frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	int err = 0;

	c->path.len = 0;
	if ((err = lg_buf__add(&c->path, "", 0)) != 0)
		return err;
	if ((err = push_tree(&stack, &depth, &alloc, c, root, "", 0, LG_PATH_HASH_START)) != 0)
		return err;
	while (depth && !err) {
		tree_frame *f = &stack[depth - 1];
		const git_tree_entry *e;
		git_filemode_t mode;
		const char *name;

		if (f->next >= git_tree_entrycount(f->tree)) {
			err = pop_tree(c, stack, &depth, root);
			if (depth) {
				c->path.len = stack[depth - 1].path_len;
				c->path.ptr[c->path.len] = '\0';
			}
			continue;
		}
		e = git_tree_entry_byindex(f->tree, f->next++);
		if (unchanged_entry(f, e))
			continue;
		mode = git_tree_entry_filemode(e);
		name = git_tree_entry_name(e);
		c->path.len = f->path_len;
		c->path.ptr[c->path.len] = '\0';
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
		    mode == GIT_FILEMODE_LINK) {
			err = add_blob(c, git_tree_entry_id(e), name, f->path_hash, commit);
		} else if (mode == GIT_FILEMODE_TREE) {
			const git_oid *id = git_tree_entry_id(e);
			char hex[GIT_OID_HEXSZ + 1], shown[512];
			const char *path;
			git_tree *sub;
			size_t len;
			uint64_t hash;

			if ((err = lg_buf__puts(&c->path, name)) != 0 ||
			    (err = lg_buf__add(&c->path, "/", 1)) != 0)
				break;
			len = c->path.len;
			hash = lg_oidmap__path_hash_extend(f->path_hash, c->path.ptr + f->path_len,
						len - f->path_len);
			if (lg_oidmap__has_path(&c->seen_trees, id->id, c->path.ptr, lg_oidmap__path_tag(hash)))
				continue;
			if (!(path = lg_arena__strndup(&c->h->arena, c->path.ptr, len)) ||
			    (err = lg_oidmap__add_path(&c->seen_trees, id->id, path, lg_oidmap__path_tag(hash))) != 0) {
				err = path ? err : LG_ENOMEM;
				break;
			}
			git_oid_tostr(hex, sizeof(hex), id);
			if (depth >= LG_MAX_TREE_DEPTH) {
				/* Counted as unreadable: the scan is incomplete
				 * and must say so. */
				lg_walk__warn(c, "tree %s at '%s' is nested deeper than %d levels; not scanned",
				     hex, lg__printable(shown, sizeof(shown), path), LG_MAX_TREE_DEPTH);
				c->h->unreadable++;
			} else if (git_tree_lookup(&sub, c->repo->repo, id) != 0) {
				lg_walk__warn(c, "cannot read tree %s at '%s': %s", hex,
				     lg__printable(shown, sizeof(shown), path), lg_git__message());
				c->h->unreadable++;
			} else if ((err = push_tree(&stack, &depth, &alloc, c, sub, path, len,
						    hash)) != 0) {
				git_tree_free(sub);
			}
		}
		/* GIT_FILEMODE_COMMIT: a submodule; its history is not ours. */
	}
	/* After an error: the trees of the unfinished frames are dropped,
	 * not kept, since what they hold was not all recorded. */
	while (depth) {
		if (stack[depth - 1].tree != root)
			git_tree_free(stack[depth - 1].tree);
		depth--;
	}
	free(stack);
	return err;
}

/* Appends commit `commit` (id and author) to the history's commits. */
int lg_walk__record_commit(lg_commit_info **out, lg_collector *c, git_commit *commit)
{
	lg_history *h = c->h;
	const git_signature *author = git_commit_author(commit);
	lg_commit_info *ci;
	int err;

	if ((err = lg_array__grow((void **)&h->commits, &c->commit_alloc,
			h->commit_count + 1, sizeof(*h->commits), 256)) != 0)
		return err;
	ci = &h->commits[h->commit_count++];
	memset(ci, 0, sizeof(*ci));
	git_oid_tostr(ci->id, sizeof(ci->id), git_commit_id(commit));
	if (author) {
		ci->author_name = lg_arena__strndup(&h->arena, author->name ? author->name : "",
						author->name ? strlen(author->name) : 0);
		ci->author_email = lg_arena__strndup(&h->arena, author->email ? author->email : "",
						 author->email ? strlen(author->email) : 0);
		ci->time = author->when.time;
		ci->offset = author->when.offset;
		if (!ci->author_name || !ci->author_email)
			return LG_ENOMEM;
	}
	*out = ci;
	return 0;
}

int lg_walk__commit_message(lg_collector *c, const lg_commit_info *ci, git_commit *commit)
{
	const char *text;
	lg_message msg;

	if (!c->opts || !c->opts->on_message)
		return 0;
	text = git_commit_message(commit);
	msg.who = ci;
	msg.tag = 0;
	msg.text = text ? text : "";
	msg.len = text ? strlen(text) : 0;
	return c->opts->on_message(&msg, c->opts->message_payload);
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

/* Records commit `commit`, hands on its message and walks its tree. */
static int visit_commit(lg_collector *c, git_commit *commit)
{
	uint32_t index = (uint32_t)c->h->commit_count;
	lg_commit_info *ci;
	git_tree *tree;
	int err;

	if ((err = lg_walk__record_commit(&ci, c, commit)) != 0 ||
	    (err = lg_walk__commit_message(c, ci, commit)) != 0)
		return err;
	if (git_commit_tree(&tree, commit) != 0) {
		lg_walk__warn(c, "cannot read the tree of commit %s: %s", ci->id, lg_git__message());
		c->h->unreadable++;
		return 0;
	}
	err = walk_tree(c, tree, index);
	git_tree_free(tree);
	return err;
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
			err = walk_tree(c, (git_tree *)obj, UINT32_MAX);
		} else {
			c->path.len = 0;
			if ((err = lg_buf__add(&c->path, "", 0)) == 0)
				err = add_blob(c, git_object_id(obj), "", LG_PATH_HASH_START, UINT32_MAX);
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
	git_commit *commit;
	git_oid id;
	uint32_t p, parent;
	unsigned i, count;
	int err = 0;

	g->nodes[n].loaded = 1;
	memcpy(id.id, g->nodes[n].id, 20);
	if (lg_oidmap__contains(&g->shallow, id.id))
		return 0; /* the clone's history ends here */
	if (git_commit_lookup(&commit, c->repo->repo, &id) != 0) {
		char hex[GIT_OID_HEXSZ + 1];

		if (hide)
			return 0;

		git_oid_tostr(hex, sizeof(hex), &id);
		lg_walk__warn(c, "cannot read commit %s: %s; its history is not scanned", hex,
		     lg_git__message());
		c->h->unreadable++;
		return 0;
	}
	count = git_commit_parentcount(commit);
	g->nodes[n].first_parent = (uint32_t)g->parent_count;
	for (i = 0; i < count && !err; i++) {
		const git_oid *pid = git_commit_parent_id(commit, i);

		if (!pid || (err = graph_node_of(&parent, g, pid->id)) != 0 ||
		    (err = lg_array__grow((void **)&g->parents, &g->parent_alloc, g->parent_count + 1,
				sizeof(*g->parents), 256)) != 0)
			break;
		g->parents[g->parent_count++] = parent;
	}
	p = (uint32_t)(g->parent_count - g->nodes[n].first_parent);
	g->nodes[n].parent_count = p;
	git_commit_free(commit);
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
	free(g->index.slots);
	free(g->shallow.slots);
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
		git_commit *commit;
		git_oid id;

		memcpy(id.id, g.nodes[order[i]].id, 20);
		if (git_commit_lookup(&commit, c->repo->repo, &id) != 0)
			continue; /* load_parents warned about it */
		err = visit_commit(c, commit);
		git_commit_free(commit);
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
	free(c->blobs.slots);
	free(c->seen_trees.slots);
	free(c->seen_pairs.slots);
	free(c->tip_set.slots);
	lg_last_trees__release(&c->last_trees);
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

