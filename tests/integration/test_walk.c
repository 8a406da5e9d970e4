/*
 * test_walk.c - the history walk on repositories built with the real git.
 *
 * Each test makes a repository in a fresh mkdtemp directory with fixed
 * identities and dates, so commit ids are stable, and takes its expected
 * values (commit and blob ids, the set of reachable blobs) from git itself.
 */
#include "findings/findings.h"
#include "git/git.h"
#include "test.h"
#include "test_repo.h"

#include <limits.h>

typedef struct {
	lg_repo *repo;
	lg_history h;
	char warnings[4096];
} walked;

static void on_warning(const char *message, void *payload)
{
	walked *w = payload;
	size_t used = strlen(w->warnings);

	snprintf(w->warnings + used, sizeof(w->warnings) - used, "%s\n", message);
}

static int state_knows_blob(const uint8_t id[20], const void *payload)
{
	return lg_state__knows_blob(payload, id);
}

static int collect_known(walked *w, const char *path, int all_objects,
			 const lg_state *known)
{
	lg_history_options opts = { .all_objects = all_objects, .on_warning = on_warning,
				    .payload = w };
	int err;

	if (known) {
		opts.known_tips = known->tips;
		opts.known_tip_count = known->tip_count;
		opts.known_blob = state_knows_blob;
		opts.known_payload = known;
	}

	memset(w, 0, sizeof(*w));
	if ((err = lg_repo__open(&w->repo, path)) != 0)
		return err;
	return lg_history__collect(&w->h, w->repo, &opts);
}

static int collect_at(walked *w, const char *path, int all_objects)
{
	return collect_known(w, path, all_objects, NULL);
}

static int collect(walked *w, int all_objects)
{
	return collect_at(w, repo_dir, all_objects);
}

static void release(walked *w)
{
	lg_history__release(&w->h);
	lg_repo__free(w->repo);
}

/* The blob entry whose id is `id` (hex), or NULL. */
static const lg_blob_entry *find_blob(const walked *w, const char *id)
{
	char h[41];
	size_t i;

	for (i = 0; i < w->h.blob_count; i++) {
		hex(h, w->h.blobs[i].id);
		if (strcmp(h, id) == 0)
			return &w->h.blobs[i];
	}
	return NULL;
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The walk's blob ids, sorted, one a line (as `sort` prints them);
 * malloc'd. */
static char *blob_set(const walked *w)
{
	size_t n = w->h.blob_count, i;
	char (*ids)[41] = calloc(n ? n : 1, sizeof(*ids));
	char **sorted = calloc(n ? n : 1, sizeof(*sorted));
	char *out = calloc(n * 41 + 1, 1);

	for (i = 0; ids && sorted && out && i < n; i++) {
		hex(ids[i], w->h.blobs[i].id);
		sorted[i] = ids[i];
	}
	if (ids && sorted && out) {
		qsort(sorted, n, sizeof(*sorted), compare_str);
		for (i = 0; i < n; i++) {
			memcpy(out + 41 * i, sorted[i], 40);
			out[41 * i + 40] = i + 1 < n ? '\n' : '\0';
		}
	}
	free(ids);
	free(sorted);
	return out;
}

/* What git says every ref and HEAD reach: its blob ids, sorted. */
static char *git_blob_set(void)
{
	return sh_all("git rev-list --objects --all | cut -d' ' -f1 | "
		      "git cat-file --batch-check='%(objecttype) %(objectname)' | "
		      "sed -n 's/^blob //p' | LC_ALL=C sort");
}

static const char *prov_commit(const walked *w, const lg_blob_entry *b, size_t k)
{
	uint32_t c = w->h.provs[b->first_prov + k].commit;

	return c == UINT32_MAX ? "(none)" : w->h.commits[c].id;
}

static const char *prov_path(const walked *w, const lg_blob_entry *b, size_t k)
{
	return w->h.provs[b->first_prov + k].path;
}

/* ------------------------------------------------------------------------
 * Attribution and provenance
 * ---------------------------------------------------------------------- */

TEST(test_walk__added_then_deleted_is_attributed_to_the_adding_commit)
{
	walked w;
	const lg_blob_entry *b;
	char blob[41], adding[41];

	new_repo();
	sh("echo first > README && git add README && git commit -qm one");
	sh("echo 'TOKEN=abc' > .env && git add .env && "
	   "GIT_AUTHOR_NAME='Bo Other' GIT_AUTHOR_EMAIL=bo@example.net "
	   "GIT_AUTHOR_DATE='2024-03-02T08:30:00-0230' git commit -qm two");
	capture(adding, "git rev-parse HEAD");
	capture(blob, "git rev-parse HEAD:.env");
	sh("git rm -q .env && git commit -qm three");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 3);
	CHECK_EQ_INT(w.h.blob_count, 2);
	CHECK_EQ_INT(w.h.tip_count, 1); /* main, and HEAD on it */
	b = find_blob(&w, blob);
	CHECK(b != NULL);
	if (b) {
		const lg_commit_info *ci = &w.h.commits[w.h.provs[b->first_prov].commit];

		CHECK_EQ_INT(b->prov_count, 1);
		CHECK_EQ_STR(prov_path(&w, b, 0), ".env");
		CHECK_EQ_STR(ci->id, adding);
		CHECK_EQ_STR(ci->author_name, "Bo Other");
		CHECK_EQ_STR(ci->author_email, "bo@example.net");
		CHECK_EQ_INT(ci->time, 1709377200); /* 2024-03-02T11:00:00Z */
		CHECK_EQ_INT(ci->offset, -150);
	}
	/* Parents first: the root commit is the first recorded. */
	CHECK_EQ_STR(w.h.commits[0].id, capture(adding, "git rev-parse HEAD~2"));
	CHECK_EQ_STR(w.h.commits[2].id, capture(adding, "git rev-parse HEAD"));
	CHECK_EQ_STR(w.h.commits[0].author_name, "Ada Author");
	CHECK_EQ_INT(w.h.commits[0].offset, 60);
	CHECK_EQ_INT(w.h.unreadable, 0);
	CHECK_EQ_STR(w.warnings, "");
	release(&w);
	drop_repo();
}

TEST(test_walk__one_blob_two_paths_and_a_rename)
{
	walked w;
	const lg_blob_entry *b;
	char blob[41], first[41], renamed[41];

	new_repo();
	sh("echo same > a.txt && mkdir d && echo same > d/b.txt && git add . && git commit -qm one");
	capture(first, "git rev-parse HEAD");
	capture(blob, "git rev-parse HEAD:a.txt");
	sh("git mv a.txt c.txt && git commit -qm rename");
	capture(renamed, "git rev-parse HEAD");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.blob_count, 1);
	CHECK_EQ_INT(w.h.prov_count, 3);
	b = find_blob(&w, blob);
	CHECK(b != NULL);
	if (b && b->prov_count == 3) {
		CHECK_EQ_STR(prov_path(&w, b, 0), "a.txt");
		CHECK_EQ_STR(prov_commit(&w, b, 0), first);
		CHECK_EQ_STR(prov_path(&w, b, 1), "d/b.txt");
		CHECK_EQ_STR(prov_commit(&w, b, 1), first);
		CHECK_EQ_STR(prov_path(&w, b, 2), "c.txt");
		CHECK_EQ_STR(prov_commit(&w, b, 2), renamed);
	} else {
		CHECK_EQ_INT(b ? b->prov_count : 0, 3);
	}
	release(&w);
	drop_repo();
}

/* The walk visits each (tree, path) once, but a tree met at a new path
 * must still be walked there: the key is the pair, not the tree. */
TEST(test_walk__same_tree_at_several_paths)
{
	walked w;
	const lg_blob_entry *b;
	char blob[41], first[41], moved[41], tx[41], ty[41];

	new_repo();
	sh("mkdir x y && echo twin > x/f && echo twin > y/f && git add . && git commit -qm one");
	capture(first, "git rev-parse HEAD");
	capture(blob, "git rev-parse HEAD:x/f");
	/* One tree, two paths. */
	CHECK_EQ_STR(capture(tx, "git rev-parse HEAD:x"), capture(ty, "git rev-parse HEAD:y"));
	sh("echo other > top && git add top && git commit -qm two");
	sh("git mv y z && git commit -qm three");
	capture(moved, "git rev-parse HEAD");
	CHECK_EQ_INT(collect(&w, 0), 0);
	b = find_blob(&w, blob);
	CHECK_EQ_INT(b ? b->prov_count : 0, 3);
	if (b && b->prov_count == 3) {
		CHECK_EQ_STR(prov_path(&w, b, 0), "x/f");
		CHECK_EQ_STR(prov_commit(&w, b, 0), first);
		CHECK_EQ_STR(prov_path(&w, b, 1), "y/f");
		CHECK_EQ_STR(prov_commit(&w, b, 1), first);
		CHECK_EQ_STR(prov_path(&w, b, 2), "z/f");
		CHECK_EQ_STR(prov_commit(&w, b, 2), moved);
	}
	release(&w);
	drop_repo();
}

/* ------------------------------------------------------------------------
 * Which refs are walked
 * ---------------------------------------------------------------------- */

TEST(test_walk__unmerged_branch_and_tags)
{
	walked w;
	const lg_blob_entry *b;
	char on_branch[41], behind_tag[41], light[41], commit[41];
	char *expected, *got;

	new_repo();
	sh("echo base > f && git add f && git commit -qm base");
	sh("git checkout -qb feature && echo branch-only > g && git add g && git commit -qm feature");
	capture(on_branch, "git rev-parse HEAD:g");
	sh("git checkout -qb tagged main && echo tag-only > t && git add t && git commit -qm tagged"
	   " && git tag -a v1 -m v1 && git checkout -q main && git branch -D tagged");
	capture(behind_tag, "git rev-parse v1:t");
	sh("git checkout -qb light main && echo light > l && git add l && git commit -qm light"
	   " && git tag lw && git checkout -q main && git branch -D light");
	capture(light, "git rev-parse lw:l");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 4);
	b = find_blob(&w, on_branch);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", capture(commit, "git rev-parse feature"));
	b = find_blob(&w, behind_tag);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", capture(commit, "git rev-parse 'v1^{commit}'"));
	CHECK_EQ_STR(b ? prov_path(&w, b, 0) : "", "t");
	b = find_blob(&w, light);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", capture(commit, "git rev-parse lw"));
	expected = git_blob_set();
	got = blob_set(&w);
	CHECK_EQ_STR(got, expected);
	CHECK_EQ_INT(w.h.blob_count, 4);
	free(got);
	release(&w);

	/* A bare clone holds the same blobs. */
	CHECK_EQ_INT(sh("git clone -q --bare --mirror . ../bare-%s.git", strrchr(repo_dir, '/') + 1), 0);
	{
		char bare[300];

		snprintf(bare, sizeof(bare), "%.*s/bare-%s.git", (int)(strrchr(repo_dir, '/') - repo_dir),
			 repo_dir, strrchr(repo_dir, '/') + 1);
		CHECK_EQ_INT(collect_at(&w, bare, 0), 0);
		got = blob_set(&w);
		CHECK_EQ_STR(got, expected);
		free(got);
		CHECK_EQ_INT(w.h.commit_count, 4);
		CHECK_EQ_STR(lg_repo__workdir(w.repo), "");
		release(&w);
		sh("rm -rf '%s'", bare);
	}
	free(expected);
	drop_repo();
}

/* Remote-tracking refs, notes, the stash and a detached HEAD all count. */
TEST(test_walk__every_kind_of_ref)
{
	walked w;
	char *expected, *got;
	char note[41], stashed[41], remote[41], detached[41];
	const lg_blob_entry *b;

	new_repo();
	sh("echo one > f && git add f && git commit -qm one");
	sh("git notes add -m 'a note' main");
	capture(note, "git notes list main");
	sh("echo stashed > f && git stash -q");
	capture(stashed, "git rev-parse stash:f");
	sh("git checkout -qb side && echo remote > r && git add r && git commit -qm remote && "
	   "git update-ref refs/remotes/origin/side HEAD && git checkout -q main && git branch -qD side");
	capture(remote, "git rev-parse refs/remotes/origin/side:r");
	/* A commit reachable from nothing but a detached HEAD. */
	sh("git checkout -q --detach main && echo detached > d && git add d && git commit -qm detached");
	capture(detached, "git rev-parse HEAD:d");
	CHECK_EQ_INT(sh("git symbolic-ref -q HEAD"), 256);
	CHECK_EQ_INT(collect(&w, 0), 0);
	expected = git_blob_set();
	got = blob_set(&w);
	CHECK_EQ_STR(got, expected);
	CHECK(find_blob(&w, note) != NULL);
	CHECK(find_blob(&w, stashed) != NULL);
	CHECK(find_blob(&w, remote) != NULL);
	b = find_blob(&w, detached);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", capture(detached, "git rev-parse HEAD"));
	CHECK_EQ_INT(w.h.blob_count, 5); /* one, stashed, note, detached, remote */
	CHECK_EQ_STR(w.warnings, "");
	free(got);
	free(expected);
	release(&w);
	drop_repo();
}

/* A tag can point at a tree or a blob. What a commit also holds is credited
 * to the commit; the rest has no commit, and a tagged blob no path. */
TEST(test_walk__tags_of_trees_and_blobs)
{
	walked w;
	const lg_blob_entry *b;
	char in_commit[41], tree_only[41], tagged_blob[41], commit[41];
	char *expected, *got;

	new_repo();
	sh("mkdir dir && echo committed > dir/c && git add . && git commit -qm one");
	capture(commit, "git rev-parse HEAD");
	capture(in_commit, "git rev-parse HEAD:dir/c");
	/* A tree holding dir/ (as committed) and a file no commit has. */
	sh("echo only-in-tree > dir/t && git add dir/t && "
	   "git tag -a treetag -m t \"$(git write-tree)\" && git rm -q --cached dir/t");
	capture(tree_only, "git rev-parse treetag:dir/t");
	capture(tagged_blob, "echo tagged-blob | git hash-object -w --stdin");
	sh("git tag blobtag %s && git tag -a blobtag2 -m b %s", tagged_blob, tagged_blob);
	CHECK_EQ_INT(collect(&w, 0), 0);
	expected = git_blob_set();
	got = blob_set(&w);
	CHECK_EQ_STR(got, expected);
	CHECK_EQ_INT(w.h.blob_count, 3);
	b = find_blob(&w, in_commit);
	CHECK_EQ_INT(b ? b->prov_count : 0, 1);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", commit);
	CHECK_EQ_STR(b ? prov_path(&w, b, 0) : "", "dir/c");
	b = find_blob(&w, tree_only);
	CHECK_EQ_INT(b ? b->prov_count : 0, 1);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", "(none)");
	CHECK_EQ_STR(b ? prov_path(&w, b, 0) : "", "dir/t");
	b = find_blob(&w, tagged_blob);
	CHECK_EQ_INT(b ? b->prov_count : 0, 1); /* two tags, one (blob, "") */
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", "(none)");
	CHECK_EQ_STR(b ? prov_path(&w, b, 0) : "x", "");
	CHECK_EQ_INT(w.h.commit_count, 1);
	CHECK_EQ_STR(w.warnings, "");
	free(got);
	free(expected);
	release(&w);
	drop_repo();
}

TEST(test_walk__empty_repository)
{
	walked w;

	new_repo();
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 0);
	CHECK_EQ_INT(w.h.blob_count, 0);
	CHECK_EQ_INT(w.h.prov_count, 0);
	CHECK_EQ_STR(w.warnings, "");
	release(&w);
	drop_repo();
}

TEST(test_walk__all_objects_finds_dangling_blobs)
{
	walked w;
	char dangling[41];
	const lg_blob_entry *b;

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	capture(dangling, "echo dangling | git hash-object -w --stdin");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK(find_blob(&w, dangling) == NULL);
	CHECK_EQ_INT(w.h.blob_count, 1);
	release(&w);
	CHECK_EQ_INT(collect(&w, 1), 0);
	b = find_blob(&w, dangling);
	CHECK(b != NULL);
	CHECK_EQ_INT(b ? b->prov_count : 99, 0);
	CHECK_EQ_INT(b ? b->size : 0, 9); /* "dangling\n", from the header */
	CHECK_EQ_INT(w.h.blob_count, 2);
	/* The reachable blob keeps its provenance. */
	b = find_blob(&w, capture(dangling, "git rev-parse HEAD:f"));
	CHECK_EQ_INT(b ? b->prov_count : 0, 1);
	release(&w);
	drop_repo();
}

/* ------------------------------------------------------------------------
 * Unusual entries and damaged repositories
 * ---------------------------------------------------------------------- */

TEST(test_walk__odd_entries)
{
	walked w;
	size_t i;
	int found_name = 0, found_newline = 0, found_link = 0, found_exec = 0, found_sub = 0;
	char link_blob[41];

	new_repo();
	sh("printf 'k' > \"$(printf 'bad\\377name')\" && printf 'n' > \"$(printf 'new\\nline')\" && "
	   "printf 'e' > run.sh && chmod +x run.sh && ln -s target-text link && git add . && "
	   "git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,sub && "
	   "git commit -qm odd");
	capture(link_blob, "git rev-parse HEAD:link");
	CHECK_EQ_INT(collect(&w, 0), 0);
	for (i = 0; i < w.h.prov_count; i++) {
		found_name += strcmp(w.h.provs[i].path, "bad\377name") == 0;
		found_newline += strcmp(w.h.provs[i].path, "new\nline") == 0;
		found_link += strcmp(w.h.provs[i].path, "link") == 0;
		found_exec += strcmp(w.h.provs[i].path, "run.sh") == 0;
		found_sub += strcmp(w.h.provs[i].path, "sub") == 0;
	}
	CHECK_EQ_INT(found_name, 1);
	CHECK_EQ_INT(found_newline, 1);
	CHECK_EQ_INT(found_link, 1);
	CHECK_EQ_INT(found_exec, 1);
	CHECK_EQ_INT(found_sub, 0);
	CHECK_EQ_INT(w.h.prov_count, 4);
	CHECK(find_blob(&w, link_blob) != NULL);
	CHECK_EQ_STR(w.warnings, "");
	release(&w);
	drop_repo();
}

TEST(test_walk__deep_tree)
{
	walked w;
	char deep[41];
	const lg_blob_entry *b;

	new_repo();
	sh("p=.; for i in $(seq 300); do p=$p/d; done; mkdir -p $p && echo deep > $p/f && git add . && git commit -qm deep");
	capture(deep, "git rev-parse HEAD:$(printf 'd/%.0s' $(seq 300))f");
	CHECK_EQ_INT(collect(&w, 0), 0);
	b = find_blob(&w, deep);
	CHECK(b != NULL);
	CHECK_EQ_INT(b ? strlen(prov_path(&w, b, 0)) : 0, 601);
	release(&w);
	drop_repo();
}

/* Deeper than the walk goes: a warning, counted as unreadable (the scan is
 * incomplete), and the rest is still walked. fast-import builds it, as no
 * file system holds such a path. */
TEST(test_walk__too_deep_tree_is_a_warning)
{
	walked w;
	char top[41];

	new_repo();
	CHECK_EQ_INT(sh("{ printf 'commit refs/heads/main\\ncommitter C <c@x> 1709290800 +0100\\n"
			"data 4\\ndeep\\nM 100644 inline '; for i in $(seq 4200); do printf d/; done; "
			"printf 'f\\ndata 8\\nTOO DEEP\\nM 100644 inline top\\ndata 4\\ntop\\n\\n'; } | "
			"git fast-import --quiet"), 0);
	capture(top, "git rev-parse main:top");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK(find_blob(&w, top) != NULL);
	CHECK_EQ_INT(w.h.blob_count, 1);
	CHECK_EQ_INT(w.h.unreadable, 1);
	CHECK(strstr(w.warnings, "nested deeper than 4096 levels") != NULL);
	release(&w);
	drop_repo();
}

TEST(test_walk__broken_ref_is_a_warning)
{
	walked w;

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	sh("echo 2222222222222222222222222222222222222222 > .git/refs/heads/broken");
	sh("git symbolic-ref refs/heads/dangling refs/heads/nowhere");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.blob_count, 1);
	CHECK_EQ_INT(w.h.commit_count, 1);
	CHECK(strstr(w.warnings, "'refs/heads/broken' points to 2222222222222222222222222222222222222222") != NULL);
	CHECK(strstr(w.warnings, "'refs/heads/dangling'") != NULL);
	release(&w);

	/* When no ref at all can be read, nothing sensible can be scanned. */
	sh("git update-ref -d refs/heads/main && git symbolic-ref HEAD refs/heads/broken");
	CHECK_EQ_INT(collect(&w, 0), LG_EREPO);
	CHECK(strstr(lg_error_last(), "none of the") != NULL);
	release(&w);
	drop_repo();
}

/* A tree that cannot be read costs only what is below it: a warning naming
 * its id and path, once however many commits share it. */
TEST(test_walk__missing_tree_is_a_warning)
{
	walked w;
	char tree[41], kept[41], msg[200];

	new_repo();
	sh("mkdir lost kept && echo a > lost/a && echo b > kept/b && git add . && git commit -qm one");
	sh("echo c > top && git add top && git commit -qm two");
	capture(tree, "git rev-parse HEAD:lost");
	capture(kept, "git rev-parse HEAD:kept/b");
	CHECK_EQ_INT(sh("rm -f .git/objects/%.2s/%s", tree, tree + 2), 0);
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 2);
	CHECK_EQ_INT(w.h.blob_count, 2); /* kept/b and top */
	CHECK(find_blob(&w, kept) != NULL);
	CHECK_EQ_INT(w.h.unreadable, 1);
	snprintf(msg, sizeof(msg), "cannot read tree %s at 'lost/'", tree);
	CHECK(strstr(w.warnings, msg) != NULL);
	release(&w);
	drop_repo();
}

/* ------------------------------------------------------------------------
 * Packed objects read as libgit2 reads them
 * ---------------------------------------------------------------------- */

typedef struct {
	char *text;
	size_t len;
} dump_buf;

static void dump_add(dump_buf *d, const char *s, size_t n)
{
	char *bigger = realloc(d->text, d->len + n + 1);

	if (!bigger)
		return;
	d->text = bigger;
	memcpy(d->text + d->len, s, n);
	d->len += n;
	d->text[d->len] = '\0';
}

static int dump_message(const lg_message *msg, void *payload)
{
	char head[200];

	snprintf(head, sizeof(head), "message %s %d %zu: ", msg->who->id, msg->tag, msg->len);
	dump_add(payload, head, strlen(head));
	dump_add(payload, msg->text, msg->len);
	dump_add(payload, "\n", 1);
	return 0;
}

/* Everything the walk of `path` found, as text: the messages as they were
 * handed on, each commit with its author, each blob with its provenances
 * (in the walk's order), the warnings. malloc'd. */
static char *walk_dump(const char *path)
{
	walked w;
	dump_buf d = { calloc(1, 1), 0 };
	lg_history_options opts = { .on_warning = on_warning, .payload = &w,
				    .on_message = dump_message, .message_payload = &d };
	char line[1200], id[41];
	size_t i, k;

	memset(&w, 0, sizeof(w));
	CHECK_EQ_INT(lg_repo__open(&w.repo, path), 0);
	CHECK_EQ_INT(lg_history__collect(&w.h, w.repo, &opts), 0);
	for (i = 0; i < w.h.commit_count; i++) {
		const lg_commit_info *c = &w.h.commits[i];

		snprintf(line, sizeof(line), "commit %s [%s] [%s] %lld %d\n", c->id,
			 c->author_name ? c->author_name : "(none)",
			 c->author_email ? c->author_email : "(none)", (long long)c->time, c->offset);
		dump_add(&d, line, strlen(line));
	}
	for (i = 0; i < w.h.blob_count; i++) {
		const lg_blob_entry *b = &w.h.blobs[i];

		hex(id, b->id);
		for (k = 0; k < b->prov_count; k++) {
			snprintf(line, sizeof(line), "blob %s %s %s\n", id, prov_commit(&w, b, k),
				 prov_path(&w, b, k));
			dump_add(&d, line, strlen(line));
		}
	}
	snprintf(line, sizeof(line), "unreadable %zu\n", w.h.unreadable);
	dump_add(&d, line, strlen(line));
	dump_add(&d, w.warnings, strlen(w.warnings));
	release(&w);
	return d.text;
}

/* Commits and trees in packs are read by the walk itself (objread.c):
 * whatever the packing (offset deltas, deltas against a base named by id,
 * several packs and loose objects at once), the walk finds exactly what it
 * finds in the same repository with every object loose, which libgit2
 * reads. The history holds commits in forms git does not write (which
 * libgit2 still reads, or refuses) and trees with modes git does not
 * write. */
TEST(test_walk__packed_reads_as_loose)
{
	char loose[300], *packed_dump, *loose_dump, *count;
	int i;

	new_repo();
	snprintf(loose, sizeof(loose), "%s.loose", repo_dir);
	sh("mkdir -p src/deep/er docs && echo one > src/a.c && echo x > src/deep/er/f && "
	   "printf 'e' > run.sh && chmod +x run.sh && ln -s src/a.c link && git add . && "
	   "git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,sub && "
	   "git commit -qm first");
	for (i = 0; i < 12; i++)
		sh("seq %d > docs/list%d && echo %d >> src/a.c && git add . && git commit -qm 'step %d'",
		   40 + i, i % 3, i, i);
	sh("git checkout -qb side && git mv src/deep src/moved && echo s > side.txt && git add . && "
	   "git commit -qm side && git checkout -q main && echo m >> src/a.c && git commit -qam main && "
	   "git merge -q --no-edit side");
	/* Commits libgit2 reads although git writes none like them, one it
	 * refuses (a warning, and the history behind it is not walked). */
	CHECK_EQ_INT(sh("T=$(git rev-parse HEAD^{tree}) && P=$(git rev-parse HEAD) && "
			"B=$(echo odd | git hash-object -w --stdin) && "
			"OT=$(perl -e 'print \"100664 odd\\0\", pack(\"H*\", $ARGV[0]), "
			"\"100755 run\\0\", pack(\"H*\", $ARGV[0]), \"40000 t\\0\", pack(\"H*\", $ARGV[1])' "
			"$B $T | git hash-object -t tree -w --stdin --literally) && "
			"lit() { git hash-object -t commit -w --stdin --literally; } && "
			"C1=$(printf 'tree %%s\\nparent %%s\\nauthor  Dr. Dot. <  dot@x.org > 1700000000 +9999\\n"
			"committer C <c@x> 1700000000 +0000\\nencoding ISO-8859-1\\n\\n\\n\\nleading newlines\\n' "
			"$OT $P | lit) && "
			"C2=$(printf 'tree %%s\\nparent %%s\\nauthor First <f@x> 1700000001 -0130\\n"
			"author Second <s@x> 1700000002 +0200\\ncommitter C <c@x> 1700000000 +0000\\n\\ntwo authors\\n' "
			"$T $C1 | lit) && "
			"C3=$(perl -e 'print \"tree $ARGV[0]\\nparent \", uc($ARGV[1]), \"\\nauthor NoZone <n@x> 1700000003\\n"
			"committer C <c@x> 1700000000 +0000\\ngpgsig -----BEGIN-----\\n line\\n -----END-----\\n\\n"
			"a nul\\0hidden\\n\"' $T $C2 | lit) && "
			"C4=$(printf 'tree %%s\\nparent %%s\\nauthor Trail,; <t@x>\\ncommitter C <c@x> 1700000000 +0000\\n\\n' "
			"$T $C3 | lit) && "
			"BAD=$(printf 'tree %%s\\nauthor nobody\\ncommitter C <c@x> 1700000000 +0000\\n\\nbad\\n' $T | lit) && "
			"C5=$(printf 'tree %%s\\nparent %%s\\nparent %%s\\nauthor Eve <e@x> 1700000005 +0100\\n"
			"committer C <c@x> 1700000000 +0000\\n\\nmerges a bad one\\n' $T $C4 $BAD | lit) && "
			"git update-ref refs/heads/odd $C5"), 0);
	/* One pack with offset deltas; then a second, with deltas against
	 * bases named by id; then loose objects. */
	CHECK_EQ_INT(sh("git repack -adq --depth=5"), 0);
	for (i = 0; i < 6; i++)
		sh("seq %d > docs/list%d && git add . && git commit -qm 'more %d'", 80 + i, i % 3, i);
	CHECK_EQ_INT(sh("git -c repack.useDeltaBaseOffset=false repack -dq"), 0);
	sh("echo last >> src/a.c && git commit -qam last && git tag -a -m tagged v1");
	CHECK_EQ_INT(sh("test $(ls .git/objects/pack/*.pack | wc -l) = 2"), 0);
	/* The same repository with every object loose. */
	CHECK_EQ_INT(sh("rm -rf '%s' && cp -r . '%s' && cd '%s' && mkdir .packs && "
			"mv .git/objects/pack/* .packs/ && "
			"for p in .packs/*.pack; do git unpack-objects -q < $p; done && rm -rf .packs && "
			"test -z \"$(ls .git/objects/pack)\"", loose, loose, loose), 0);

	packed_dump = walk_dump(repo_dir);
	loose_dump = walk_dump(loose);
	CHECK_EQ_STR(packed_dump, loose_dump);
	count = sh_all("git rev-list --all | wc -l");
	/* Every commit but the one libgit2 refuses. */
	CHECK(strstr(packed_dump, "cannot read commit") != NULL);
	CHECK(strstr(packed_dump, "[Dr. Dot] [dot@x.org] 1700000000 0") != NULL);
	CHECK(strstr(packed_dump, "[First] [f@x] 1700000001 -90") != NULL);
	CHECK(strstr(packed_dump, "blob ") != NULL);
	CHECK(atoi(count) > 20);
	free(count);
	free(packed_dump);
	free(loose_dump);
	CHECK_EQ_INT(sh("rm -rf '%s'", loose), 0);
	drop_repo();
}

/* ------------------------------------------------------------------------
 * Incremental walks
 * ---------------------------------------------------------------------- */

/* Commits a known tip reaches are not walked and known blobs are left out;
 * a known tip that is gone (a forced push, then gc) hides nothing and is
 * no cause for a warning. */
TEST(test_walk__known_tips_and_blobs)
{
	walked w;
	lg_state known;
	uint8_t tips[2][20], blobs[1][20];
	char id[41], second[41];
	const lg_blob_entry *b;

	new_repo();
	sh("echo a > a && git add a && git commit -qm one");
	unhex(tips[0], capture(id, "git rev-parse HEAD"));
	unhex(blobs[0], capture(id, "git rev-parse HEAD:a"));
	sh("echo b > b && git add b && git commit -qm two");
	capture(second, "git rev-parse HEAD");
	unhex(tips[1], "3333333333333333333333333333333333333333");
	memset(&known, 0, sizeof(known));
	known.loaded = 1;
	known.tips = tips;
	known.tip_count = 2;
	known.blobs = blobs;
	known.blob_count = 1;
	CHECK_EQ_INT(collect_known(&w, repo_dir, 0, &known), 0);
	CHECK_EQ_INT(w.h.commit_count, 1);
	CHECK_EQ_STR(w.h.commit_count ? w.h.commits[0].id : "", second);
	CHECK_EQ_INT(w.h.blob_count, 1);
	b = find_blob(&w, capture(id, "git rev-parse HEAD:b"));
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", second);
	CHECK_EQ_INT(w.h.unreadable, 0);
	CHECK_EQ_STR(w.warnings, "");
	release(&w);
	drop_repo();
}

/* ------------------------------------------------------------------------
 * Opening: paths, git's environment, quarantine
 * ---------------------------------------------------------------------- */

/* A blob id (hex) as 20 bytes, read through lg_repo__read_blob; returns
 * the error and, on success, checks the content. */
static int read_blob_is(lg_repo *repo, const char *id, const char *content)
{
	uint8_t raw[20];
	const char *data;
	size_t len = 0;
	void *handle;
	int err;

	unhex(raw, id);
	if ((err = lg_repo__read_blob(&data, &len, &handle, repo, raw, 1000)) != 0)
		return err;
	CHECK_EQ_INT(len, strlen(content));
	CHECK(len == strlen(content) && memcmp(data, content, len) == 0);
	lg_repo__release_blob(handle);
	return 0;
}

TEST(test_walk__quarantine_environment)
{
	walked w;
	char quarantine[300], alt[300], blob[41], commit[41];
	const lg_blob_entry *b;

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	snprintf(quarantine, sizeof(quarantine), "%s/quarantine", repo_dir);
	snprintf(alt, sizeof(alt), "%s/.git/objects", repo_dir);
	/* What a push leaves in quarantine before pre-receive runs: a commit
	 * and its objects, visible only through the environment. A ref to it
	 * stands for the one the hook is asked about. */
	sh("mkdir quarantine");
	capture(blob, "export GIT_OBJECT_DIRECTORY=quarantine GIT_ALTERNATE_OBJECT_DIRECTORIES=.git/objects; "
		"echo pushed | git hash-object -w --stdin");
	capture(commit, "export GIT_OBJECT_DIRECTORY=quarantine GIT_ALTERNATE_OBJECT_DIRECTORIES=.git/objects; "
		"n=$(printf '100644 blob %s\\tpushed.txt\\n' $(echo pushed | git hash-object --stdin) | "
		"git mktree) && "
		"git commit-tree -p HEAD -m pushed $n");
	CHECK_EQ_INT(sh("test -f quarantine/%.2s/%s && test ! -f .git/objects/%.2s/%s",
			blob, blob + 2, blob, blob + 2), 0);
	sh("echo %s > .git/refs/heads/pushed", commit);
	/* The pushed blob is ours to read only through the quarantine... */
	CHECK_EQ_INT(lg_repo__open(&w.repo, repo_dir), 0);
	CHECK_EQ_INT(read_blob_is(w.repo, blob, "pushed\n"), LG_EREPO);
	lg_repo__free(w.repo);

	/* ...as a hook sees it: GIT_DIR, no path, from inside the repository. */
	setenv("GIT_DIR", ".git", 1);
	setenv("GIT_OBJECT_DIRECTORY", quarantine, 1);
	setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", alt, 1);
	CHECK_EQ_INT(chdir(repo_dir), 0);
	CHECK_EQ_INT(lg_repo__open(&w.repo, NULL), 0);
	CHECK_EQ_INT(read_blob_is(w.repo, blob, "pushed\n"), 0);
	lg_repo__free(w.repo);

	/* ...or with a path, the object variables still apply. */
	unsetenv("GIT_DIR");
	CHECK_EQ_INT(chdir("/"), 0);
	CHECK_EQ_INT(lg_repo__open(&w.repo, repo_dir), 0);
	CHECK_EQ_INT(read_blob_is(w.repo, blob, "pushed\n"), 0);
	lg_repo__free(w.repo);

	/* The walk sees the quarantined commit... */
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 2);
	b = find_blob(&w, blob);
	CHECK_EQ_STR(b ? prov_commit(&w, b, 0) : "", commit);
	CHECK_EQ_STR(b ? prov_path(&w, b, 0) : "", "pushed.txt");
	CHECK_EQ_STR(w.warnings, "");
	release(&w);

	/* ...and without the environment, the ref to it is broken. */
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 1);
	CHECK(find_blob(&w, blob) == NULL);
	CHECK(strstr(w.warnings, "'refs/heads/pushed'") != NULL);
	release(&w);

	/* A missing object directory is an error that names it. */
	setenv("GIT_OBJECT_DIRECTORY", "/nonexistent/quarantine", 1);
	CHECK_EQ_INT(lg_repo__open(&w.repo, repo_dir), LG_EREPO);
	CHECK(strstr(lg_error_last(), "'/nonexistent/quarantine'") != NULL);
	clear_git_env();
	drop_repo();
}

/* git C-quotes an alternate whose path holds a ':' (or a '"'). */
TEST(test_walk__quoted_alternates)
{
	lg_repo *repo;
	char blob[41], list[700];

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	sh("mkdir -p 'odd:dir' && GIT_OBJECT_DIRECTORY='odd:dir' "
	   "GIT_ALTERNATE_OBJECT_DIRECTORIES=.git/objects git hash-object -w f");
	capture(blob, "echo elsewhere | GIT_OBJECT_DIRECTORY='odd:dir' git hash-object -w --stdin");
	snprintf(list, sizeof(list), "/nonexistent:\"%s/odd\\072dir\":", repo_dir);
	setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", list, 1);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(read_blob_is(repo, blob, "elsewhere\n"), 0);
	lg_repo__free(repo);

	snprintf(list, sizeof(list), "\"%s/odd:dir\"", repo_dir);
	setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", list, 1);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(read_blob_is(repo, blob, "elsewhere\n"), 0);
	lg_repo__free(repo);

	setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", "\"/unterminated", 1);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), LG_EREPO);
	CHECK(strstr(lg_error_last(), "unterminated quote") != NULL);
	setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", "\"/bad\\q\"", 1);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), LG_EREPO);
	CHECK(strstr(lg_error_last(), "bad escape") != NULL);
	clear_git_env();
	drop_repo();
}

/* git sets GIT_WORK_TREE for the hooks of `git --work-tree=DIR commit`,
 * and GIT_INDEX_FILE to the index being committed; libgit2's own reading of
 * the environment refuses the first. */
TEST(test_walk__work_tree_and_index_environment)
{
	lg_repo *repo = NULL;
	lg_history h;
	char expected[PATH_MAX + 2];
	size_t i;
	int staged_secret = 0;

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	sh("echo secret > staged-elsewhere && GIT_INDEX_FILE=.git/other-index git read-tree HEAD && "
	   "GIT_INDEX_FILE=.git/other-index git add staged-elsewhere");
	CHECK(realpath(repo_dir, expected) != NULL);
	memcpy(expected + strlen(expected), "/", 2);

	CHECK_EQ_INT(chdir(repo_dir), 0);
	setenv("GIT_DIR", ".git", 1);
	setenv("GIT_WORK_TREE", ".", 1);
	setenv("GIT_INDEX_FILE", ".git/other-index", 1);
	CHECK_EQ_INT(lg_repo__open(&repo, NULL), 0);
	CHECK_EQ_STR(repo ? lg_repo__workdir(repo) : "", expected);
	CHECK_EQ_INT(repo ? lg_history__collect_staged(&h, repo, NULL) : -1, 0);
	for (i = 0; repo && i < h.prov_count; i++)
		staged_secret += strcmp(h.provs[i].path, "staged-elsewhere") == 0;
	CHECK_EQ_INT(staged_secret, 1);
	if (repo)
		lg_history__release(&h);
	lg_repo__free(repo);

	/* A work tree elsewhere than the git directory's parent. */
	sh("mkdir elsewhere");
	setenv("GIT_WORK_TREE", "elsewhere", 1);
	CHECK_EQ_INT(lg_repo__open(&repo, NULL), 0);
	{
		char other[PATH_MAX + 20];

		snprintf(other, sizeof(other), "%selsewhere/", expected);
		CHECK_EQ_STR(repo ? lg_repo__workdir(repo) : "", other);
	}
	lg_repo__free(repo);

	/* An explicit path wins over GIT_DIR and names its own working copy. */
	setenv("GIT_DIR", "/nonexistent/gitdir", 1);
	setenv("GIT_WORK_TREE", "/nonexistent/worktree", 1);
	unsetenv("GIT_INDEX_FILE");
	CHECK_EQ_INT(chdir("/"), 0);
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_STR(repo ? lg_repo__workdir(repo) : "", expected);
	lg_repo__free(repo);

	/* Without a path, GIT_DIR is the repository: a wrong one is an error
	 * naming it. */
	CHECK_EQ_INT(lg_repo__open(&repo, NULL), LG_EREPO);
	CHECK(strstr(lg_error_last(), "cannot open repository '/nonexistent/gitdir'") != NULL);
	clear_git_env();
	drop_repo();
}

TEST(test_walk__read_blob)
{
	lg_repo *repo;
	char blob[41], tree[41];
	uint8_t raw[20];
	const char *data;
	size_t len = 0;
	void *handle;

	new_repo();
	sh("printf 'twelve bytes' > f && git add f && git commit -qm one");
	capture(blob, "git rev-parse HEAD:f");
	capture(tree, "git rev-parse HEAD^{tree}");
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	unhex(raw, blob);
	/* At the limit it is read; past it, only its size is told. */
	CHECK_EQ_INT(lg_repo__read_blob(&data, &len, &handle, repo, raw, 12), 0);
	CHECK_EQ_INT(len, 12);
	if (len == 12) {
		CHECK(memcmp(data, "twelve bytes", 12) == 0);
		lg_repo__release_blob(handle);
	}
	len = 0;
	CHECK_EQ_INT(lg_repo__read_blob(&data, &len, &handle, repo, raw, 11), LG_ELIMIT);
	CHECK_EQ_INT(len, 12);
	/* A tree is not a blob; a missing object is named. */
	unhex(raw, tree);
	CHECK_EQ_INT(lg_repo__read_blob(&data, &len, &handle, repo, raw, 1000), LG_EREPO);
	CHECK(strstr(lg_error_last(), "not a blob") != NULL);
	unhex(raw, "4444444444444444444444444444444444444444");
	CHECK_EQ_INT(lg_repo__read_blob(&data, &len, &handle, repo, raw, 1000), LG_EREPO);
	CHECK(strstr(lg_error_last(), "4444444444444444444444444444444444444444") != NULL);
	lg_repo__free(repo);
	drop_repo();
}

TEST(test_walk__read_head_file)
{
	lg_repo *repo;
	char *text = NULL;
	size_t len = 0;

	new_repo();
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, ".leakgateignore"), LG_ENOTFOUND);
	lg_repo__free(repo);
	sh("printf 'docs/\\n' > .leakgateignore && mkdir sub && echo s > sub/x && git add . && git commit -qm ignore");
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, ".leakgateignore"), 0);
	CHECK_EQ_STR(text, "docs/\n");
	CHECK_EQ_INT(len, 6);
	free(text);
	text = NULL;
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, "missing"), LG_ENOTFOUND);
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, "sub"), LG_ENOTFOUND);
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, "sub/x"), 0);
	CHECK_EQ_STR(text, "s\n");
	free(text);
	lg_repo__free(repo);
	drop_repo();
}

/* What collect_added gives for `rev` against its first parent, one line
 * per item, sorted: "path: line,line,..."; malloc'd. */
static char *added_lines_of_commit(const char *rev)
{
	const char *include[] = { rev };
	char parent[64];
	const char *exclude[] = { parent };
	lg_commit_range range = { include, 1, exclude, 1, NULL, 0, NULL };
	lg_repo *repo = NULL;
	lg_history h;
	char **lines = NULL;
	lg_buf out = LG_BUF_INIT;
	size_t i, k;

	snprintf(parent, sizeof(parent), "%s^", rev);
	if (lg_repo__open(&repo, repo_dir) != 0)
		return NULL;
	if (lg_history__collect_added(&h, repo, &range, NULL) != 0) {
		lg_repo__free(repo);
		return NULL;
	}
	lines = calloc(h.blob_count + 1, sizeof(*lines));
	for (i = 0; lines && i < h.blob_count; i++) {
		const lg_blob_entry *b = &h.blobs[i];
		lg_buf line = LG_BUF_INIT;

		lg_buf__printf(&line, "%s:", h.provs[b->first_prov].path);
		for (k = 0; k < b->added_count; k++)
			lg_buf__printf(&line, "%s%u", k ? "," : " ", b->added_lines[k]);
		lines[i] = lg_buf__detach(&line);
	}
	if (lines) {
		qsort(lines, h.blob_count, sizeof(*lines), compare_str);
		for (i = 0; i < h.blob_count; i++) {
			lg_buf__printf(&out, "%s\n", lines[i]);
			free(lines[i]);
		}
	}
	free(lines);
	lg_history__release(&h);
	lg_repo__free(repo);
	return lg_buf__detach(&out);
}

/* The diff of a pushed commit reads only the trees that changed; every
 * kind of change below an unchanged sibling must still be found. */
TEST(test_walk__added_lines_of_every_kind_of_change)
{
	char *got;

	new_repo();
	sh("mkdir -p a/b/c a/same old gone/deeper d && "
	   "printf 'one\\ntwo\\nthree\\n' > a/b/c/f.txt && "
	   "printf 'untouched\\n' > a/same/s.txt && "
	   "printf 'moved whole\\nline 2\\n' > old/r.txt && "
	   "printf 'x\\n' > gone/g.txt && printf 'y\\n' > gone/deeper/h.txt && "
	   "printf 'was a file\\n' > p && printf 'was a dir\\n' > d/e.txt && "
	   "printf 'echo hi\\n' > script.sh && "
	   "git add -A && git commit -qm base");
	sh("printf 'one\\nnew 2\\ntwo\\nthree\\nnew 5\\n' > a/b/c/f.txt && "
	   "mkdir moved && git mv old/r.txt moved/r.txt && "
	   "git rm -rq gone && "
	   "git rm -q p && mkdir p && printf 'under p\\n' > p/q.txt && "
	   "git rm -rq d && printf 'now a file\\nsecond of d\\n' > d && "
	   "mkdir -p new/sub && printf 'n1\\nn2\\nn3\\n' > new/sub/n.txt && "
	   "chmod +x script.sh && ln -s a/same/s.txt link && "
	   "git add -A && git commit -qm changes");

	got = added_lines_of_commit("HEAD");
	CHECK_EQ_STR(got ? got : "(error)",
		     "a/b/c/f.txt: 2,5\n"
		     "d: 1,2\n"
		     "link: 1\n"
		     "new/sub/n.txt: 1,2,3\n"
		     "p/q.txt: 1\n");
	free(got);

	/* A commit that changes nothing adds nothing. */
	sh("git commit -q --allow-empty -m empty");
	got = added_lines_of_commit("HEAD");
	CHECK_EQ_STR(got ? got : "(error)", "");
	free(got);

	/* A root commit adds everything it has. */
	sh("git checkout -q --orphan fresh && git rm -rqf . && mkdir -p x/y && "
	   "printf 'r1\\nr2\\n' > x/y/root.txt && git add -A && git commit -qm root");
	{
		const char *include[] = { "fresh" };
		lg_commit_range range = { include, 1, NULL, 0, NULL, 0, NULL };
		lg_repo *repo = NULL;
		lg_history h;

		CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
		CHECK_EQ_INT(repo ? lg_history__collect_added(&h, repo, &range, NULL) : -1, 0);
		if (repo) {
			CHECK_EQ_INT((int)h.blob_count, 1);
			CHECK_EQ_STR(h.blob_count ? h.provs[0].path : "", "x/y/root.txt");
			CHECK_EQ_INT(h.blob_count ? (int)h.blobs[0].added_count : 0, 2);
			lg_history__release(&h);
		}
		lg_repo__free(repo);
	}
	drop_repo();
}

TEST(test_walk__open_failure_names_the_path)
{
	lg_repo *repo = NULL;

	CHECK_EQ_INT(lg_repo__open(&repo, "/nonexistent/leakgate-repo"), LG_EREPO);
	CHECK(strstr(lg_error_last(), "cannot open repository '/nonexistent/leakgate-repo': ") != NULL);
	CHECK(repo == NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_walk__added_then_deleted_is_attributed_to_the_adding_commit),
	TEST_ENTRY(test_walk__one_blob_two_paths_and_a_rename),
	TEST_ENTRY(test_walk__same_tree_at_several_paths),
	TEST_ENTRY(test_walk__unmerged_branch_and_tags),
	TEST_ENTRY(test_walk__every_kind_of_ref),
	TEST_ENTRY(test_walk__tags_of_trees_and_blobs),
	TEST_ENTRY(test_walk__empty_repository),
	TEST_ENTRY(test_walk__all_objects_finds_dangling_blobs),
	TEST_ENTRY(test_walk__odd_entries),
	TEST_ENTRY(test_walk__deep_tree),
	TEST_ENTRY(test_walk__too_deep_tree_is_a_warning),
	TEST_ENTRY(test_walk__broken_ref_is_a_warning),
	TEST_ENTRY(test_walk__missing_tree_is_a_warning),
	TEST_ENTRY(test_walk__packed_reads_as_loose),
	TEST_ENTRY(test_walk__known_tips_and_blobs),
	TEST_ENTRY(test_walk__quarantine_environment),
	TEST_ENTRY(test_walk__quoted_alternates),
	TEST_ENTRY(test_walk__work_tree_and_index_environment),
	TEST_ENTRY(test_walk__read_blob),
	TEST_ENTRY(test_walk__read_head_file),
	TEST_ENTRY(test_walk__added_lines_of_every_kind_of_change),
	TEST_ENTRY(test_walk__open_failure_names_the_path),
};

TEST_MAIN(tests)
