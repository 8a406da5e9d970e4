/*
 * walk.c - which blobs to scan and where they came from, with libgit2.
 *
 * Every commit reachable from every ref is visited parents first, so the
 * first time a (blob, path) pair is met, it is met in the oldest commit
 * that has it. Each distinct (tree, path) is descended into once: a tree
 * unchanged between commits holds nothing new, so the cost is the number
 * of distinct trees, not commits times files.
 */
#include "walk.h"

#include <git2.h>
#include <git2/sys/repository.h> /* git_repository_set_odb, _set_index */
#include <stdlib.h>
#include <string.h>

#define MAX_TREE_DEPTH 4096
#define ARENA_CHUNK (1u << 20)

struct lg_repo {
	git_repository *repo;
	git_odb *odb;
	char *workdir;
	char *objects_dir;
};

/* ------------------------------------------------------------------------
 * Opening and reading
 * ---------------------------------------------------------------------- */

static const char *git_message(void)
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
					   "(GIT_OBJECT_DIRECTORY): %s", dir, git_message());
	} else if (git_repository_odb(&odb, repo) != 0) {
		err = lg_error_set(LG_EREPO, "cannot read the objects of '%s': %s",
				   git_repository_path(repo), git_message());
	}
	while (!err && alts && *alts) {
		one.len = 0;
		if ((err = next_alternate(&one, &alts)) == 0 && one.len &&
		    git_odb_add_disk_alternate(odb, one.ptr) != 0)
			err = lg_error_set(LG_EREPO, "cannot add object directory '%s' "
					   "(GIT_ALTERNATE_OBJECT_DIRECTORIES): %s",
					   one.ptr, git_message());
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
				    work_tree, git_message());
	if (index_file) {
		if (git_index_open(&index, index_file) != 0)
			return lg_error_set(LG_EREPO, "cannot open index '%s' (GIT_INDEX_FILE): %s",
					    index_file, git_message());
		err = git_repository_set_index(repo, index);
		git_index_free(index);
		if (err)
			return lg_error_set(LG_EREPO, "cannot use index '%s' (GIT_INDEX_FILE): %s",
					    index_file, git_message());
	}
	if (ns && git_repository_set_namespace(repo, ns) != 0)
		return lg_error_set(LG_EREPO, "cannot use namespace '%s' (GIT_NAMESPACE): %s",
				    ns, git_message());
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

	lg__libgit2_init();
	if (git_dir)
		flags |= GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_NO_DOTGIT;
	if (across && git_config_parse_bool(&cross, across) == 0 && cross)
		flags |= GIT_REPOSITORY_OPEN_CROSS_FS;
	if (!(r = calloc(1, sizeof(*r))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	if (git_repository_open_ext(&r->repo, where, flags,
				    env_value("GIT_CEILING_DIRECTORIES")) != 0) {
		lg_error_set(LG_EREPO, "cannot open repository '%s': %s", where,
			     git_message());
		free(r);
		return LG_EREPO;
	}
	if ((err = open_env_objects(&r->odb, r->repo)) != 0 ||
	    (err = apply_env(r->repo, path == NULL)) != 0) {
		lg_repo__free(r);
		return err;
	}
	wd = git_repository_workdir(r->repo);
	if (!(r->workdir = lg__strdup(wd ? wd : "")) ||
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
	free(repo);
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
		return lg_error_set(LG_EREPO, "blob %s: %s", hex, git_message());
	if (type != GIT_OBJECT_BLOB)
		return lg_error_set(LG_EREPO, "blob %s: the object is a %s, not a blob",
				    hex, git_object_type2string(type));
	if (size > max_size) {
		*len = size;
		return lg_error_set(LG_ELIMIT, "blob %s is %zu bytes, over the %llu byte limit",
				    hex, size, (unsigned long long)max_size);
	}
	if (git_odb_read(&obj, repo->odb, &oid) != 0)
		return lg_error_set(LG_EREPO, "blob %s: %s", hex, git_message());
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
				   git_message());
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

/* ------------------------------------------------------------------------
 * An arena for the history's strings, freed all at once
 * ---------------------------------------------------------------------- */

typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	char data[];
} arena_chunk;

static char *arena_strndup(void **arena, const char *s, size_t n)
{
	arena_chunk *c = *arena;
	char *p;

	if (!c || c->size - c->used < n + 1) {
		size_t size = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;

		if (!(c = malloc(sizeof(*c) + size))) {
			lg_error_set(LG_ENOMEM, "out of memory");
			return NULL;
		}
		c->next = *arena;
		c->used = 0;
		c->size = size;
		*arena = c;
	}
	p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

static void arena_free(void *arena)
{
	arena_chunk *c = arena;

	while (c) {
		arena_chunk *next = c->next;
		free(c);
		c = next;
	}
}

/* ------------------------------------------------------------------------
 * A hash map from an object id, or an (object id, path) pair, to an index
 *
 * Open addressing with linear probing. Object ids are uniformly random, so
 * their first 8 bytes are a hash already; a path's hash is mixed in. Paths
 * are compared in full, not only by hash: FNV collisions are easy to make,
 * and a crafted path must not make the walk skip a tree or a location.
 * ---------------------------------------------------------------------- */

typedef struct {
	uint8_t id[20];
	uint32_t value;   /* UINT32_MAX: empty slot */
	uint64_t tag;     /* 0, or path_tag(path) */
	const char *path; /* NULL, or the path (owned by the history's arena) */
} map_slot;

typedef struct {
	map_slot *slots;
	size_t mask, count;
} oid_map;

static uint64_t slot_hash(const uint8_t id[20], uint64_t tag)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));
	h ^= tag * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* FNV-1a, extended a path component at a time: the walk hashes each
 * directory's prefix once, not once per file below it. */
#define PATH_HASH_START 0xcbf29ce484222325ull

static uint64_t path_hash_extend(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

/* The tag of a path whose hash is `h`: never 0, which is the tag of keys
 * without a path. */
static uint64_t path_tag(uint64_t h)
{
	return h | 1;
}

/* An empty map with room for `capacity` keys before it grows. */
static int map_init(oid_map *m, size_t capacity)
{
	size_t n = 64, i;

	while (n < capacity * 2)
		n *= 2;
	if (!(m->slots = malloc(n * sizeof(*m->slots))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		m->slots[i].value = UINT32_MAX;
	m->mask = n - 1;
	m->count = 0;
	return 0;
}

/* The slot holding (id, path), or the empty slot where it would go. `tag`
 * is 0 when `path` is NULL, else path_tag(its hash). */
static map_slot *map_find_slot(const oid_map *m, const uint8_t id[20], uint64_t tag,
			       const char *path)
{
	size_t i = slot_hash(id, tag) & m->mask;

	for (;; i = (i + 1) & m->mask) {
		const map_slot *s = &m->slots[i];

		if (s->value == UINT32_MAX ||
		    (s->tag == tag && memcmp(s->id, id, 20) == 0 &&
		     (!path || strcmp(s->path, path) == 0)))
			return &m->slots[i];
	}
}

/* Makes room for one more key (the load factor stays at most 3/4: at 1/2
 * the maps were a third of a large scan's memory, and no faster).
 * Invalidates slot pointers. */
static int map_reserve(oid_map *m)
{
	oid_map bigger;
	size_t i;

	if ((m->count + 1) * 4 <= (m->mask + 1) * 3)
		return 0;
	if (map_init(&bigger, m->mask + 1) != 0)
		return LG_ENOMEM;
	for (i = 0; i <= m->mask; i++) {
		const map_slot *s = &m->slots[i];

		if (s->value != UINT32_MAX)
			*map_find_slot(&bigger, s->id, s->tag, s->path) = *s;
	}
	bigger.count = m->count;
	free(m->slots);
	*m = bigger;
	return 0;
}

static int map_contains(const oid_map *m, const uint8_t id[20])
{
	return m->slots && map_find_slot(m, id, 0, NULL)->value != UINT32_MAX;
}

/* Looks `id` up; when absent, inserts it with `value`. Writes the stored
 * value to *found and returns 1 when it was already there, 0 when added,
 * LG_ENOMEM. */
static int map_get_or_put(uint32_t *found, oid_map *m, const uint8_t id[20],
			  uint32_t value)
{
	map_slot *s;

	if (map_reserve(m) != 0)
		return LG_ENOMEM;
	s = map_find_slot(m, id, 0, NULL);
	if (s->value != UINT32_MAX) {
		*found = s->value;
		return 1;
	}
	memcpy(s->id, id, 20);
	s->tag = 0;
	s->path = NULL;
	s->value = value;
	m->count++;
	*found = value;
	return 0;
}

/* 1 when (id, path) is in the map; `tag` is the path's. */
static int map_has_path(const oid_map *m, const uint8_t id[20], const char *path,
			uint64_t tag)
{
	return map_find_slot(m, id, tag, path)->value != UINT32_MAX;
}

/* Adds (id, path), which must be absent; `path` is stored, not copied, so
 * it must live as long as the map (an arena string). */
static int map_add_path(oid_map *m, const uint8_t id[20], const char *path, uint64_t tag)
{
	map_slot *s;

	if (map_reserve(m) != 0)
		return LG_ENOMEM;
	s = map_find_slot(m, id, tag, path);
	memcpy(s->id, id, 20);
	s->tag = tag;
	s->path = path;
	s->value = 1;
	m->count++;
	return 0;
}

/* ------------------------------------------------------------------------
 * Collecting the history
 * ---------------------------------------------------------------------- */

typedef struct {
	uint32_t blob;
	uint32_t commit;
	const char *path;
} raw_prov;

typedef struct {
	lg_repo *repo;
	const lg_history_options *opts;
	lg_history *h;
	size_t blob_alloc, commit_alloc, tip_alloc;
	raw_prov *provs;
	size_t prov_count, prov_alloc;
	oid_map blobs;      /* blob id -> index */
	oid_map seen_trees; /* (tree id, path) -> 1 */
	oid_map seen_pairs; /* (blob id, path) -> 1 */
	oid_map tip_set;    /* commit id -> 1, so a tip is recorded once */
	size_t broken_refs; /* refs whose target could not be read */
	/* Trees and blobs that tags point to, walked after the commits so
	 * that what a commit also holds is credited to the commit. */
	git_object **tagged;
	size_t tagged_count, tagged_alloc;
	lg_buf path;
} collector;

static void warn(collector *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(collector *c, const char *fmt, ...)
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

static int grow(void **p, size_t *alloc, size_t need, size_t elem)
{
	size_t n;
	void *q;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 256;
	while (n < need)
		n *= 2;
	if (!(q = realloc(*p, n * elem)))
		return lg_error_set(LG_ENOMEM, "out of memory");
	*p = q;
	*alloc = n;
	return 0;
}

/* The index of blob `id`, adding it when new. */
static int blob_index(uint32_t *out, collector *c, const uint8_t id[20])
{
	lg_history *h = c->h;
	int seen = map_get_or_put(out, &c->blobs, id, (uint32_t)h->blob_count);

	if (seen < 0)
		return LG_ENOMEM;
	if (seen)
		return 0;
	if (grow((void **)&h->blobs, &c->blob_alloc, h->blob_count + 1,
		 sizeof(*h->blobs)) != 0)
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
static int add_blob(collector *c, const git_oid *id, const char *name,
		    uint64_t prefix_hash, uint32_t commit)
{
	size_t base = c->path.len, name_len = strlen(name);
	uint64_t tag = path_tag(path_hash_extend(prefix_hash, name, name_len));
	const char *path;
	uint32_t b;
	raw_prov *p;
	int err;

	if ((err = lg_buf__add(&c->path, name, name_len)) != 0)
		return err;
	if (map_has_path(&c->seen_pairs, id->id, c->path.ptr, tag) ||
	    (c->opts && lg_state__knows_blob(c->opts->known, id->id)))
		goto out;
	if (!(path = arena_strndup(&c->h->arena, c->path.ptr, c->path.len))) {
		err = LG_ENOMEM;
		goto out;
	}
	if ((err = map_add_path(&c->seen_pairs, id->id, path, tag)) != 0 ||
	    (err = blob_index(&b, c, id->id)) != 0 ||
	    (err = grow((void **)&c->provs, &c->prov_alloc, c->prov_count + 1,
			sizeof(*c->provs))) != 0)
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
	size_t path_len; /* length of the path prefix for this tree's entries */
	uint64_t path_hash; /* and its hash */
} tree_frame;

/* Walks `root` with an explicit stack (deep trees cannot overflow the C
 * stack), descending into each (tree, path) not seen before. */
static int walk_tree(collector *c, git_tree *root, uint32_t commit)
{
	tree_frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	int err = 0;

	c->path.len = 0;
	if ((err = lg_buf__add(&c->path, "", 0)) != 0)
		return err;
	if ((err = grow((void **)&stack, &alloc, 1, sizeof(*stack))) != 0)
		return err;
	stack[depth++] = (tree_frame){ root, 0, 0, PATH_HASH_START };
	while (depth && !err) {
		tree_frame *f = &stack[depth - 1];
		const git_tree_entry *e;
		git_filemode_t mode;
		const char *name;

		if (f->next >= git_tree_entrycount(f->tree)) {
			if (f->tree != root)
				git_tree_free(f->tree);
			depth--;
			if (depth) {
				c->path.len = stack[depth - 1].path_len;
				c->path.ptr[c->path.len] = '\0';
			}
			continue;
		}
		e = git_tree_entry_byindex(f->tree, f->next++);
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
			hash = path_hash_extend(f->path_hash, c->path.ptr + f->path_len,
						len - f->path_len);
			if (map_has_path(&c->seen_trees, id->id, c->path.ptr, path_tag(hash)))
				continue;
			if (!(path = arena_strndup(&c->h->arena, c->path.ptr, len)) ||
			    (err = map_add_path(&c->seen_trees, id->id, path, path_tag(hash))) != 0) {
				err = path ? err : LG_ENOMEM;
				break;
			}
			git_oid_tostr(hex, sizeof(hex), id);
			if (depth >= MAX_TREE_DEPTH) {
				/* Counted as unreadable: the scan is incomplete
				 * and must say so. */
				warn(c, "tree %s at '%s' is nested deeper than %d levels; not scanned",
				     hex, lg__printable(shown, sizeof(shown), path), MAX_TREE_DEPTH);
				c->h->unreadable++;
			} else if (git_tree_lookup(&sub, c->repo->repo, id) != 0) {
				warn(c, "cannot read tree %s at '%s': %s", hex,
				     lg__printable(shown, sizeof(shown), path), git_message());
				c->h->unreadable++;
			} else if ((err = grow((void **)&stack, &alloc, depth + 1,
					       sizeof(*stack))) == 0) {
				stack[depth++] = (tree_frame){ sub, 0, len, hash };
			} else {
				git_tree_free(sub);
			}
		}
		/* GIT_FILEMODE_COMMIT: a submodule; its history is not ours. */
	}
	while (depth) {
		if (stack[depth - 1].tree != root)
			git_tree_free(stack[depth - 1].tree);
		depth--;
	}
	free(stack);
	return err;
}

/* Appends commit `commit` (id and author) to the history's commits. */
static int record_commit(lg_commit_info **out, collector *c, git_commit *commit)
{
	lg_history *h = c->h;
	const git_signature *author = git_commit_author(commit);
	lg_commit_info *ci;
	int err;

	if ((err = grow((void **)&h->commits, &c->commit_alloc,
			h->commit_count + 1, sizeof(*h->commits))) != 0)
		return err;
	ci = &h->commits[h->commit_count++];
	memset(ci, 0, sizeof(*ci));
	git_oid_tostr(ci->id, sizeof(ci->id), git_commit_id(commit));
	if (author) {
		ci->author_name = arena_strndup(&h->arena, author->name ? author->name : "",
						author->name ? strlen(author->name) : 0);
		ci->author_email = arena_strndup(&h->arena, author->email ? author->email : "",
						 author->email ? strlen(author->email) : 0);
		ci->time = author->when.time;
		ci->offset = author->when.offset;
		if (!ci->author_name || !ci->author_email)
			return LG_ENOMEM;
	}
	*out = ci;
	return 0;
}

/* Records commit `commit` and walks its tree. */
static int visit_commit(collector *c, git_commit *commit)
{
	uint32_t index = (uint32_t)c->h->commit_count;
	lg_commit_info *ci;
	git_tree *tree;
	int err;

	if ((err = record_commit(&ci, c, commit)) != 0)
		return err;
	if (git_commit_tree(&tree, commit) != 0) {
		warn(c, "cannot read the tree of commit %s: %s", ci->id, git_message());
		c->h->unreadable++;
		return 0;
	}
	err = walk_tree(c, tree, index);
	git_tree_free(tree);
	return err;
}

/* Remembers a commit a ref points to, once (HEAD usually repeats a
 * branch), for the walk and the next incremental scan. */
static int record_tip(collector *c, const git_oid *id)
{
	lg_history *h = c->h;
	uint32_t ignored;
	int seen = map_get_or_put(&ignored, &c->tip_set, id->id, 1);

	if (seen)
		return seen < 0 ? LG_ENOMEM : 0;
	if (grow((void **)&h->tips, &c->tip_alloc, h->tip_count + 1, sizeof(*h->tips)) != 0)
		return LG_ENOMEM;
	memcpy(h->tips[h->tip_count++], id->id, 20);
	return 0;
}

/* Adds what a ref's target peels to: a commit becomes a tip of the walk;
 * a tree or a blob (a tag can point to either) is kept for after the
 * commits. An unreadable target is a warning. */
static int push_target(collector *c, const git_oid *target, const char *refname)
{
	git_object *obj = NULL, *peeled;
	char hex[GIT_OID_HEXSZ + 1];
	int err = 0;

	git_oid_tostr(hex, sizeof(hex), target);
	if (git_object_lookup(&obj, c->repo->repo, target, GIT_OBJECT_ANY) != 0) {
		warn(c, "ref '%s' points to %s, which cannot be read: %s", refname,
		     hex, git_message());
		c->broken_refs++;
		return 0;
	}
	while (git_object_type(obj) == GIT_OBJECT_TAG) {
		if (git_tag_target(&peeled, (git_tag *)obj) != 0) {
			git_oid_tostr(hex, sizeof(hex), git_tag_target_id((git_tag *)obj));
			warn(c, "ref '%s' points to a tag of %s, which cannot be read: %s",
			     refname, hex, git_message());
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
		if ((err = grow((void **)&c->tagged, &c->tagged_alloc, c->tagged_count + 1,
				sizeof(*c->tagged))) != 0)
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
static int walk_tagged(collector *c)
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
				err = add_blob(c, git_object_id(obj), "", PATH_HASH_START, UINT32_MAX);
		}
	}
	return err;
}

/* Records the tips of every ref and of HEAD; broken refs are warnings. */
static int push_refs(collector *c)
{
	git_reference_iterator *it;
	git_reference *ref, *resolved;
	git_oid head;
	int rc, err = 0;

	if (git_reference_iterator_new(&it, c->repo->repo) != 0)
		return lg_error_set(LG_EREPO, "cannot list the refs: %s", git_message());
	while (!err && (rc = git_reference_next(&ref, it)) != GIT_ITEROVER) {
		if (rc != 0) {
			warn(c, "skipping an unreadable ref: %s", git_message());
			continue;
		}
		if (git_reference_resolve(&resolved, ref) != 0) {
			warn(c, "skipping ref '%s': %s", git_reference_name(ref),
			     git_message());
		} else {
			err = push_target(c, git_reference_target(resolved),
					  git_reference_name(ref));
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
	oid_map index;   /* commit id -> node */
	oid_map shallow; /* commits whose parents the clone does not have */
} graph;

/* The node of commit `id`, added when new. */
static int graph_node_of(uint32_t *out, graph *g, const uint8_t id[20])
{
	int seen = map_get_or_put(out, &g->index, id, (uint32_t)g->count);

	if (seen < 0)
		return LG_ENOMEM;
	if (seen)
		return 0;
	if (grow((void **)&g->nodes, &g->alloc, g->count + 1, sizeof(*g->nodes)) != 0)
		return LG_ENOMEM;
	memset(&g->nodes[g->count], 0, sizeof(g->nodes[0]));
	memcpy(g->nodes[g->count].id, id, 20);
	g->count++;
	return 0;
}

/* Reads the ids listed in the repository's `shallow` file, if any. */
static int load_shallow(graph *g, collector *c)
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
		    map_get_or_put(&ignored, &g->shallow, id.id, 1) < 0)
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
static int load_parents(graph *g, collector *c, uint32_t n, int hide)
{
	git_commit *commit;
	git_oid id;
	uint32_t p, parent;
	unsigned i, count;
	int err = 0;

	g->nodes[n].loaded = 1;
	memcpy(id.id, g->nodes[n].id, 20);
	if (map_contains(&g->shallow, id.id))
		return 0; /* the clone's history ends here */
	if (git_commit_lookup(&commit, c->repo->repo, &id) != 0) {
		char hex[GIT_OID_HEXSZ + 1];

		if (hide)
			return 0;

		git_oid_tostr(hex, sizeof(hex), &id);
		warn(c, "cannot read commit %s: %s; its history is not scanned", hex,
		     git_message());
		c->h->unreadable++;
		return 0;
	}
	count = git_commit_parentcount(commit);
	g->nodes[n].first_parent = (uint32_t)g->parent_count;
	for (i = 0; i < count && !err; i++) {
		const git_oid *pid = git_commit_parent_id(commit, i);

		if (!pid || (err = graph_node_of(&parent, g, pid->id)) != 0 ||
		    (err = grow((void **)&g->parents, &g->parent_alloc, g->parent_count + 1,
				sizeof(*g->parents))) != 0)
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
static int graph_walk(graph *g, collector *c, uint8_t (*tips)[20], size_t ntips, int hide,
		      uint32_t **order, size_t *order_count, size_t *order_alloc)
{
	uint32_t *stack = NULL;
	size_t depth = 0, stack_alloc = 0, t;
	int err = 0;

	for (t = 0; t < ntips && !err; t++) {
		uint32_t n;

		if ((err = graph_node_of(&n, g, tips[t])) != 0 ||
		    (err = grow((void **)&stack, &stack_alloc, depth + 1, sizeof(*stack))) != 0)
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
				if ((err = grow((void **)&stack, &stack_alloc, depth + 1,
						sizeof(*stack))) == 0)
					stack[depth++] = next;
				continue;
			}
			node->emitted = 1;
			if (hide) {
				node->hidden = 1;
			} else if ((err = grow((void **)order, order_alloc, *order_count + 1,
					       sizeof(**order))) == 0) {
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
static int commit_order(graph *g, collector *c, uint32_t **order, size_t *count)
{
	const lg_state *known = c->opts ? c->opts->known : NULL;
	size_t alloc = 0, i;
	int err;

	*order = NULL;
	*count = 0;
	if ((err = map_init(&g->index, 1024)) != 0 || (err = map_init(&g->shallow, 16)) != 0 ||
	    (err = load_shallow(g, c)) != 0)
		return err;
	if (known && known->tip_count) {
		size_t none = 0;

		if ((err = graph_walk(g, c, known->tips, known->tip_count, 1, order, &none, &alloc)) != 0)
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

static int walk_commits(collector *c)
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
	collector *c;
	int err;
} odb_walk;

static int add_unreachable(const git_oid *id, void *payload)
{
	odb_walk *w = payload;
	size_t size;
	git_object_t type;
	uint32_t index;

	if (git_odb_read_header(&size, &type, w->c->repo->odb, id) != 0 ||
	    type != GIT_OBJECT_BLOB || lg_state__knows_blob(w->c->opts->known, id->id))
		return 0;
	if ((w->err = blob_index(&index, w->c, id->id)) != 0)
		return -1;
	/* The header was read anyway, so every blob's size is known here. */
	w->c->h->blobs[index].size = size;
	return 0;
}

/* Groups the provenances by blob, keeping each blob's in walk order. */
static int group_provenances(collector *c)
{
	lg_history *h = c->h;
	size_t i;

	h->provs = malloc((c->prov_count ? c->prov_count : 1) * sizeof(*h->provs));
	if (!h->provs)
		return lg_error_set(LG_ENOMEM, "out of memory");
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
static int collector_begin(collector *c, lg_history *out, lg_repo *repo,
			   const lg_history_options *opts)
{
	memset(out, 0, sizeof(*out));
	memset(c, 0, sizeof(*c));
	c->repo = repo;
	c->opts = opts;
	c->h = out;
	/* Small to start with: a hook's walk holds a handful of entries, and
	 * each page a map starts with is a page fault of its start-up. */
	if (map_init(&c->blobs, 32) != 0 || map_init(&c->seen_trees, 32) != 0 ||
	    map_init(&c->seen_pairs, 32) != 0 || map_init(&c->tip_set, 32) != 0)
		return LG_ENOMEM;
	return 0;
}

static int collector_end(collector *c, int err)
{
	if (!err)
		err = group_provenances(c);
	free(c->blobs.slots);
	free(c->seen_trees.slots);
	free(c->seen_pairs.slots);
	free(c->tip_set.slots);
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
	collector c;
	int err = collector_begin(&c, out, repo, opts);

	if (!err)
		err = walk_commits(&c);
	if (!err && opts && opts->all_objects) {
		odb_walk w = { &c, 0 };

		if (git_odb_foreach(repo->odb, add_unreachable, &w) != 0 && !w.err)
			warn(&c, "cannot list every object: %s", git_message());
		err = w.err;
	}
	return collector_end(&c, err);
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
	arena_free(h->arena);
	memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------------------
 * Added lines: pushes, pre-push, --range, the index
 * ---------------------------------------------------------------------- */

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
			if (!(err = grow((void **)&v, &alloc, *count + 1, sizeof(*v))))
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
static int add_delta(collector *c, git_diff *diff, size_t i, uint32_t commit,
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
	if (merge && same_in_another_parent(merge, d))
		return 0;
	if (git_patch_from_diff(&patch, diff, i) != 0) {
		warn(c, "cannot diff '%s': %s", d->new_file.path, git_message());
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
	if ((err = grow((void **)&h->blobs, &c->blob_alloc, h->blob_count + 1,
			sizeof(*h->blobs))) != 0 ||
	    (err = grow((void **)&c->provs, &c->prov_alloc, c->prov_count + 1,
			sizeof(*c->provs))) != 0) {
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
	c->provs[c->prov_count].path = arena_strndup(&h->arena, d->new_file.path,
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
static int add_diff(collector *c, git_diff *diff, uint32_t commit, git_commit *merge)
{
	git_diff_find_options fo;
	size_t i, n;
	int err = 0;

	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
	if (git_diff_find_similar(diff, &fo) != 0)
		warn(c, "cannot detect renames: %s", git_message());
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
	size_t count, alloc;
} path_list;

typedef struct {
	git_tree *old_tree, *new_tree; /* either may be NULL: added, deleted */
	size_t next_new, next_old;
	size_t path_len;
} diff_frame;

static int path_list_add(path_list *l, const lg_buf *dir, const char *name)
{
	int err;

	if ((err = grow((void **)&l->offsets, &l->alloc, l->count + 1,
			sizeof(*l->offsets))) != 0)
		return err;
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
static int push_subtrees(diff_frame **stack, size_t *depth, size_t *alloc, collector *c,
			 const git_tree_entry *old_e, const git_tree_entry *new_e,
			 const char *name)
{
	git_tree *old_tree = NULL, *new_tree = NULL;
	int err;

	if (*depth >= MAX_TREE_DEPTH)
		return lg_error_set(LG_EREPO, "tree at '%s%s' is nested deeper than %d levels",
				    c->path.ptr, name, MAX_TREE_DEPTH);
	if ((is_tree(old_e) && git_tree_lookup(&old_tree, c->repo->repo,
					      git_tree_entry_id(old_e)) != 0) ||
	    (is_tree(new_e) && git_tree_lookup(&new_tree, c->repo->repo,
					      git_tree_entry_id(new_e)) != 0)) {
		git_tree_free(old_tree);
		return lg_error_set(LG_EREPO, "cannot read tree '%s%s': %s", c->path.ptr, name,
				    git_message());
	}
	if ((err = grow((void **)stack, alloc, *depth + 1, sizeof(**stack))) != 0 ||
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
			 collector *c, const git_tree_entry *e, int from_new)
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
		err = path_list_add(out, &c->path, name);
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
static int changed_paths(path_list *out, collector *c, git_tree *old_root, git_tree *new_root)
{
	diff_frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	int err;

	c->path.len = 0;
	if ((err = lg_buf__add(&c->path, "", 0)) != 0 ||
	    (err = grow((void **)&stack, &alloc, 1, sizeof(*stack))) != 0)
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

/* The diff of `commit` against its first parent, limited to the paths
 * that differ; *diff stays NULL when none does. */
static int diff_commit(git_diff **diff, collector *c, git_tree *parent_tree, git_tree *tree)
{
	path_list paths = { LG_BUF_INIT, NULL, 0, 0 };
	char **names = NULL;
	git_diff_options o;
	size_t i;
	int err;

	*diff = NULL;
	if ((err = changed_paths(&paths, c, parent_tree, tree)) != 0 || paths.count == 0)
		goto out;
	if (!(names = malloc(paths.count * sizeof(*names)))) {
		err = lg_error_set(LG_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < paths.count; i++)
		names[i] = paths.bytes.ptr + paths.offsets[i];
	diff_options_init(&o);
	o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH; /* the paths are literal */
	o.pathspec.strings = names;
	o.pathspec.count = paths.count;
	if (git_diff_tree_to_tree(diff, c->repo->repo, parent_tree, tree, &o) != 0)
		err = lg_error_set(LG_EREPO, "%s", git_message());
out:
	free(names);
	path_list_release(&paths);
	return err;
}

/* Records commit `commit` and the lines it adds to its first parent. */
static int visit_added_commit(collector *c, git_commit *commit)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	lg_commit_info *ci;
	uint32_t index = (uint32_t)c->h->commit_count;
	int err = 0;

	if ((err = record_commit(&ci, c, commit)) != 0)
		return err;
	if (git_commit_tree(&tree, commit) != 0 ||
	    (git_commit_parentcount(commit) > 0 &&
	     (git_commit_parent(&parent, commit, 0) != 0 ||
	      git_commit_tree(&parent_tree, parent) != 0))) {
		err = lg_error_set(LG_EREPO, "cannot diff commit %s: %s", ci->id, git_message());
	} else if ((err = diff_commit(&diff, c, parent_tree, tree)) == LG_EREPO) {
		char why[512];

		snprintf(why, sizeof(why), "%s", lg_error_last());
		err = lg_error_set(LG_EREPO, "cannot diff commit %s: %s", ci->id, why);
	} else if (!err && diff) {
		err = add_diff(c, diff, index,
			       git_commit_parentcount(commit) > 1 ? commit : NULL);
	}
	git_diff_free(diff);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	git_tree_free(tree);
	return err;
}

/* Peels `rev` to a commit id; 0, or LG_ENOTFOUND when it names no commit. */
static int rev_commit(git_oid *out, lg_repo *repo, const char *rev)
{
	git_object *obj = NULL, *commit = NULL;
	int err = LG_ENOTFOUND;

	if (git_revparse_single(&obj, repo->repo, rev) == 0 &&
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(out, git_object_id(commit));
		err = 0;
	}
	git_object_free(commit);
	git_object_free(obj);
	return err;
}

/* Hides every ref whose name matches `glob` ("*": all of them). */
static void hide_refs(collector *c, git_revwalk *walk, const char *glob)
{
	git_reference_iterator *it;
	git_reference *ref;
	git_oid id;

	if (git_reference_iterator_glob_new(&it, c->repo->repo,
					    strcmp(glob, "*") == 0 ? "refs/*" : glob) != 0)
		return;
	while (git_reference_next(&ref, it) == 0) {
		if (rev_commit(&id, c->repo, git_reference_name(ref)) == 0)
			git_revwalk_hide(walk, &id);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
}

/* Sets up the walk over `range`. A revision that names nothing is an
 * error for an include (we would scan less than asked) and ignored for an
 * exclude (we scan more). */
static int push_range(collector *c, git_revwalk *walk, const lg_commit_range *r)
{
	git_oid id;
	size_t i;

	for (i = 0; i < r->include_count; i++) {
		if (strstr(r->include[i], "..")) {
			if (git_revwalk_push_range(walk, r->include[i]) != 0)
				return lg_error_set(LG_EINVALID, "invalid range '%s': %s",
						    r->include[i], git_message());
		} else if (rev_commit(&id, c->repo, r->include[i]) == 0) {
			git_revwalk_push(walk, &id);
		} else {
			git_object *obj = NULL;
			int exists = git_revparse_single(&obj, c->repo->repo, r->include[i]) == 0;

			git_object_free(obj);
			/* A pushed tag of a tree or blob has no lines added by a
			 * commit; anything else unknown is an error. */
			if (!exists)
				return lg_error_set(LG_EINVALID, "unknown revision '%s'",
						    r->include[i]);
		}
	}
	for (i = 0; i < r->exclude_count; i++)
		if (rev_commit(&id, c->repo, r->exclude[i]) == 0)
			git_revwalk_hide(walk, &id);
	for (i = 0; i < r->exclude_glob_count; i++)
		hide_refs(c, walk, r->exclude_globs[i]);
	return 0;
}

int lg_history__collect_added(lg_history *out, lg_repo *repo,
			      const lg_commit_range *range,
			      const lg_history_options *opts)
{
	collector c;
	git_revwalk *walk;
	git_oid oid;
	int rc, err;

	if ((err = collector_begin(&c, out, repo, opts)) != 0)
		return collector_end(&c, err);
	if (git_revwalk_new(&walk, repo->repo) != 0)
		return collector_end(&c, lg_error_set(LG_EREPO, "cannot walk the history: %s",
						      git_message()));
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	err = push_range(&c, walk, range);
	while (!err && (rc = git_revwalk_next(&oid, walk)) != GIT_ITEROVER) {
		git_commit *commit;
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), &oid);
		if (rc != 0 || git_commit_lookup(&commit, repo->repo, &oid) != 0) {
			/* Fail closed: a commit we cannot read may carry
			 * anything. */
			err = lg_error_set(LG_EREPO, "cannot read commit %s: %s", hex,
					   git_message());
			break;
		}
		err = visit_added_commit(&c, commit);
		git_commit_free(commit);
	}
	git_revwalk_free(walk);
	return collector_end(&c, err);
}

int lg_history__collect_staged(lg_history *out, lg_repo *repo,
			       const lg_history_options *opts)
{
	collector c;
	git_object *head = NULL;
	git_index *index = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	int err = 0;

	if ((err = collector_begin(&c, out, repo, opts)) != 0)
		return collector_end(&c, err);
	diff_options_init(&o);
	/* Before the first commit there is no HEAD: everything staged is new. */
	if (git_revparse_single(&head, repo->repo, "HEAD^{tree}") != 0)
		head = NULL;
	if (git_repository_index(&index, repo->repo) != 0 ||
	    git_diff_tree_to_index(&diff, repo->repo, (git_tree *)head, index, &o) != 0)
		err = lg_error_set(LG_EREPO, "cannot diff the index: %s", git_message());
	else
		err = add_diff(&c, diff, UINT32_MAX, NULL);
	git_diff_free(diff);
	git_index_free(index);
	git_object_free(head);
	return collector_end(&c, err);
}

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
		err = lg_error_set(LG_EREPO, "cannot find the hooks directory: %s", git_message());
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
