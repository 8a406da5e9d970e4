/*
 * test_walk.c - the history walk on repositories built with the real git.
 */
#include "walk.h"
#include "test.h"

#include <stdarg.h>
#include <unistd.h>

static char repo_dir[256];

/* Runs a shell command in the test repository; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ( ", repo_dir);
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " ) >/dev/null 2>&1");
	return system(cmd);
}

/* The first line a shell command prints in the test repository. */
static const char *sh_out(const char *cmd)
{
	static char out[512];
	char full[1024];
	FILE *p;

	snprintf(full, sizeof(full), "cd '%s' && %s", repo_dir, cmd);
	out[0] = '\0';
	if ((p = popen(full, "r"))) {
		if (!fgets(out, sizeof(out), p))
			out[0] = '\0';
		pclose(p);
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

/* A fresh repository with fixed identities, so commit ids are stable. */
static void new_repo(void)
{
	snprintf(repo_dir, sizeof(repo_dir), "/tmp/lg-walk-XXXXXX");
	CHECK(mkdtemp(repo_dir) != NULL);
	setenv("GIT_AUTHOR_NAME", "Ada Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "ada@example.org", 1);
	setenv("GIT_AUTHOR_DATE", "2024-03-01T12:00:00+0100", 1);
	setenv("GIT_COMMITTER_NAME", "Cy Committer", 1);
	setenv("GIT_COMMITTER_EMAIL", "cy@example.org", 1);
	setenv("GIT_COMMITTER_DATE", "2024-03-01T12:00:00+0100", 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	CHECK_EQ_INT(sh("git -c init.defaultBranch=main init -q ."), 0);
}

static void drop_repo(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", repo_dir);
	CHECK_EQ_INT(system(cmd), 0);
}

typedef struct {
	lg_repo *repo;
	lg_history h;
	char warnings[2048];
} walked;

static void on_warning(const char *message, void *payload)
{
	walked *w = payload;
	size_t used = strlen(w->warnings);

	snprintf(w->warnings + used, sizeof(w->warnings) - used, "%s\n", message);
}

static int collect_at(walked *w, const char *path, int all_objects)
{
	lg_history_options opts = { all_objects, NULL, on_warning, w };
	int err;

	memset(w, 0, sizeof(*w));
	if ((err = lg_repo__open(&w->repo, path)) != 0)
		return err;
	return lg_history__collect(&w->h, w->repo, &opts);
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

static void hex(char out[41], const uint8_t id[20])
{
	int i;

	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
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

static const char *prov_commit(const walked *w, const lg_blob_entry *b, size_t k)
{
	return w->h.commits[w->h.provs[b->first_prov + k].commit].id;
}

static const char *prov_path(const walked *w, const lg_blob_entry *b, size_t k)
{
	return w->h.provs[b->first_prov + k].path;
}

TEST(test_walk__added_then_deleted_is_attributed_to_the_adding_commit)
{
	walked w;
	const lg_blob_entry *b;
	char blob[41], adding[41];

	new_repo();
	sh("echo first > README && git add README && git commit -qm one");
	sh("echo 'TOKEN=abc' > .env && git add .env && git commit -qm two");
	snprintf(adding, sizeof(adding), "%s", sh_out("git rev-parse HEAD"));
	snprintf(blob, sizeof(blob), "%s", sh_out("git rev-parse HEAD:.env"));
	sh("git rm -q .env && git commit -qm three");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 3);
	CHECK_EQ_INT(w.h.blob_count, 2);
	b = find_blob(&w, blob);
	CHECK(b != NULL);
	if (b) {
		const lg_commit_info *ci = &w.h.commits[w.h.provs[b->first_prov].commit];

		CHECK_EQ_INT(b->prov_count, 1);
		CHECK_EQ_STR(prov_path(&w, b, 0), ".env");
		CHECK_EQ_STR(ci->id, adding);
		CHECK_EQ_STR(ci->author_name, "Ada Author");
		CHECK_EQ_STR(ci->author_email, "ada@example.org");
		CHECK_EQ_INT(ci->time, 1709290800);
		CHECK_EQ_INT(ci->offset, 60);
	}
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
	snprintf(first, sizeof(first), "%s", sh_out("git rev-parse HEAD"));
	snprintf(blob, sizeof(blob), "%s", sh_out("git rev-parse HEAD:a.txt"));
	sh("git mv a.txt c.txt && git commit -qm rename");
	snprintf(renamed, sizeof(renamed), "%s", sh_out("git rev-parse HEAD"));
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.blob_count, 1);
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

TEST(test_walk__unmerged_branch_and_tags)
{
	walked w;
	char on_branch[41], behind_tag[41], light[41];

	new_repo();
	sh("echo base > f && git add f && git commit -qm base");
	sh("git checkout -qb feature && echo branch-only > g && git add g && git commit -qm feature");
	snprintf(on_branch, sizeof(on_branch), "%s", sh_out("git rev-parse HEAD:g"));
	sh("git checkout -qb tagged main && echo tag-only > t && git add t && git commit -qm tagged"
	   " && git tag -a v1 -m v1 && git checkout -q main && git branch -D tagged");
	snprintf(behind_tag, sizeof(behind_tag), "%s", sh_out("git rev-parse v1:t"));
	sh("git checkout -qb light main && echo light > l && git add l && git commit -qm light"
	   " && git tag lw && git checkout -q main && git branch -D light");
	snprintf(light, sizeof(light), "%s", sh_out("git rev-parse lw:l"));
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK(find_blob(&w, on_branch) != NULL);
	CHECK(find_blob(&w, behind_tag) != NULL);
	CHECK(find_blob(&w, light) != NULL);
	CHECK_EQ_INT(w.h.commit_count, 4);
	release(&w);

	/* A bare clone holds the same blobs. */
	CHECK_EQ_INT(sh("git clone -q --bare --mirror . ../bare-%s.git", strrchr(repo_dir, '/') + 1), 0);
	{
		char bare[300];

		snprintf(bare, sizeof(bare), "%.*s/bare-%s.git", (int)(strrchr(repo_dir, '/') - repo_dir),
			 repo_dir, strrchr(repo_dir, '/') + 1);
		CHECK_EQ_INT(collect_at(&w, bare, 0), 0);
		CHECK_EQ_INT(w.h.blob_count, 4);
		CHECK(find_blob(&w, behind_tag) != NULL);
		CHECK_EQ_STR(lg_repo__workdir(w.repo), "");
		release(&w);
		sh("rm -rf '%s'", bare);
	}
	drop_repo();
}

TEST(test_walk__empty_repository)
{
	walked w;

	new_repo();
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.commit_count, 0);
	CHECK_EQ_INT(w.h.blob_count, 0);
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
	snprintf(dangling, sizeof(dangling), "%s", sh_out("echo dangling | git hash-object -w --stdin"));
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK(find_blob(&w, dangling) == NULL);
	release(&w);
	CHECK_EQ_INT(collect(&w, 1), 0);
	b = find_blob(&w, dangling);
	CHECK(b != NULL);
	CHECK_EQ_INT(b ? b->prov_count : 99, 0);
	CHECK_EQ_INT(w.h.blob_count, 2);
	release(&w);
	drop_repo();
}

TEST(test_walk__odd_entries)
{
	walked w;
	size_t i;
	int found_name = 0, found_link = 0, found_sub = 0;
	char link_blob[41];

	new_repo();
	sh("printf 'k' > \"$(printf 'bad\\377name')\" && ln -s target-text link && git add . && "
	   "git update-index --add --cacheinfo 160000,1111111111111111111111111111111111111111,sub && "
	   "git commit -qm odd");
	snprintf(link_blob, sizeof(link_blob), "%s", sh_out("git rev-parse HEAD:link"));
	CHECK_EQ_INT(collect(&w, 0), 0);
	for (i = 0; i < w.h.prov_count; i++) {
		found_name |= strcmp(w.h.provs[i].path, "bad\377name") == 0;
		found_link |= strcmp(w.h.provs[i].path, "link") == 0;
		found_sub |= strcmp(w.h.provs[i].path, "sub") == 0;
	}
	CHECK(found_name);
	CHECK(found_link);
	CHECK(!found_sub);
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
	snprintf(deep, sizeof(deep), "%s", sh_out("git rev-parse HEAD:$(printf 'd/%.0s' $(seq 300))f"));
	CHECK_EQ_INT(collect(&w, 0), 0);
	b = find_blob(&w, deep);
	CHECK(b != NULL);
	CHECK_EQ_INT(b ? strlen(prov_path(&w, b, 0)) : 0, 601);
	release(&w);
	drop_repo();
}

TEST(test_walk__broken_ref_is_a_warning)
{
	walked w;

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	sh("echo 2222222222222222222222222222222222222222 > .git/refs/heads/broken");
	CHECK_EQ_INT(collect(&w, 0), 0);
	CHECK_EQ_INT(w.h.blob_count, 1);
	CHECK(strstr(w.warnings, "refs/heads/broken") != NULL);
	release(&w);
	drop_repo();
}

TEST(test_walk__quarantine_environment)
{
	walked w;
	char quarantine[300], blob[41];
	const char *data;
	size_t len;
	void *handle;
	uint8_t id[20];
	int i;

	new_repo();
	sh("echo x > f && git add f && git commit -qm one");
	snprintf(quarantine, sizeof(quarantine), "%s/quarantine", repo_dir);
	sh("mkdir quarantine");
	snprintf(blob, sizeof(blob), "%s",
		 sh_out("echo pushed | GIT_OBJECT_DIRECTORY=quarantine "
			"GIT_ALTERNATE_OBJECT_DIRECTORIES=.git/objects git hash-object -w --stdin"));
	for (i = 0; i < 20; i++)
		sscanf(blob + 2 * i, "%2hhx", &id[i]);

	CHECK_EQ_INT(lg_repo__open(&w.repo, repo_dir), 0);
	CHECK(lg_repo__read_blob(&data, &len, &handle, w.repo, id, 1000) == LG_EREPO);
	lg_repo__free(w.repo);

	setenv("GIT_DIR", ".git", 1);
	setenv("GIT_OBJECT_DIRECTORY", quarantine, 1);
	{
		char alt[300];

		snprintf(alt, sizeof(alt), "%s/.git/objects", repo_dir);
		setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", alt, 1);
	}
	CHECK_EQ_INT(chdir(repo_dir), 0);
	CHECK_EQ_INT(lg_repo__open(&w.repo, NULL), 0);
	CHECK_EQ_INT(lg_repo__read_blob(&data, &len, &handle, w.repo, id, 1000), 0);
	CHECK_EQ_INT(len, 7);
	if (len == 7) {
		CHECK(memcmp(data, "pushed\n", 7) == 0);
		lg_repo__release_blob(handle);
	}
	CHECK_EQ_INT(lg_repo__read_blob(&data, &len, &handle, w.repo, id, 3), LG_ELIMIT);
	CHECK_EQ_INT(len, 7);
	lg_repo__free(w.repo);
	unsetenv("GIT_DIR");
	unsetenv("GIT_OBJECT_DIRECTORY");
	unsetenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	CHECK_EQ_INT(chdir("/"), 0);
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
	sh("printf 'docs/\\n' > .leakgateignore && git add . && git commit -qm ignore");
	CHECK_EQ_INT(lg_repo__open(&repo, repo_dir), 0);
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, ".leakgateignore"), 0);
	CHECK_EQ_STR(text, "docs/\n");
	CHECK_EQ_INT(len, 6);
	CHECK_EQ_INT(lg_repo__read_head_file(&text, &len, repo, "missing"), LG_ENOTFOUND);
	free(text);
	lg_repo__free(repo);
	drop_repo();
}

TEST(test_walk__open_failure_names_the_path)
{
	lg_repo *repo = NULL;

	CHECK_EQ_INT(lg_repo__open(&repo, "/nonexistent/leakgate-repo"), LG_EREPO);
	CHECK(strstr(lg_error_last(), "'/nonexistent/leakgate-repo'") != NULL);
}

static const struct test_case tests[] = {
	TEST_ENTRY(test_walk__added_then_deleted_is_attributed_to_the_adding_commit),
	TEST_ENTRY(test_walk__one_blob_two_paths_and_a_rename),
	TEST_ENTRY(test_walk__unmerged_branch_and_tags),
	TEST_ENTRY(test_walk__empty_repository),
	TEST_ENTRY(test_walk__all_objects_finds_dangling_blobs),
	TEST_ENTRY(test_walk__odd_entries),
	TEST_ENTRY(test_walk__deep_tree),
	TEST_ENTRY(test_walk__broken_ref_is_a_warning),
	TEST_ENTRY(test_walk__quarantine_environment),
	TEST_ENTRY(test_walk__read_head_file),
	TEST_ENTRY(test_walk__open_failure_names_the_path),
};

TEST_MAIN(tests)
