/*
 * rulecache.c - loaded rulesets, cached in a file.
 *
 * Parsing a few hundred rules with cJSON and compiling each regex with
 * PCRE2 to validate it costs milliseconds, which a git hook pays on every
 * push. Loading is a pure function of the rule files' bytes and of this
 * build of leakgate (its code, and the cJSON and PCRE2 it runs with), so
 * its result can be kept: the file name is a hash of all of them, the
 * content every field of every rule. A file is written only after a load
 * that found no problem, so a cached ruleset is one that loading would
 * accept, field for field. A file that does not decode is removed and the
 * rules are loaded again.
 *
 * "This build" is the ELF build ID of the object holding this code (the
 * linker's hash of the whole output). Without one there is no cache.
 *
 * The cache stands in front of the loader: lg_ruleset_load*_cached try
 * the cache, then load (rules.c) and store what loaded. rules.c knows
 * nothing of the cache; this file uses the loader's internals
 * (lg_ruleset__*) one way, to serialise a ruleset and adopt one back.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "rules/rules.h"

#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_FILE_MAX_BYTES (64u << 20)
#define CACHE_MAGIC "LGRULES3"
#define NO_STRING 0xFFFFFFFFu /* a NULL string or list */
#define BUILD_ID_MAX 64

/* ------------------------------------------------------------------------
 * The key
 * ---------------------------------------------------------------------- */

typedef struct {
	uintptr_t addr;   /* an address inside the object we look for */
	unsigned char id[BUILD_ID_MAX];
	size_t len;       /* 0 until found */
} build_id_search;

/* Copies the NT_GNU_BUILD_ID note found in [p, end), if any. */
static void read_build_id_note(build_id_search *s, const char *p, const char *end)
{
	while (p + sizeof(ElfW(Nhdr)) <= end) {
		const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
		const char *name = p + sizeof(*n);
		const char *desc = name + ((n->n_namesz + 3) & ~3u);

		if (desc + n->n_descsz > end)
			return;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
		    memcmp(name, "GNU", 4) == 0 && n->n_descsz <= BUILD_ID_MAX) {
			memcpy(s->id, desc, n->n_descsz);
			s->len = n->n_descsz;
			return;
		}
		p = desc + ((n->n_descsz + 3) & ~3u);
	}
}

/* dl_iterate_phdr's callback: stops at the object that maps s->addr. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *payload)
{
	build_id_search *s = payload;
	int i, mine = 0;

	(void)size;
	for (i = 0; i < info->dlpi_phnum && !mine; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		mine = ph->p_type == PT_LOAD && s->addr >= start &&
		       s->addr - start < ph->p_memsz;
	}
	if (!mine)
		return 0;
	for (i = 0; i < info->dlpi_phnum && !s->len; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);

		if (ph->p_type == PT_NOTE)
			read_build_id_note(s, p, p + ph->p_memsz);
	}
	return 1;
}

/* Appends the build ID of the object holding this code, in hex; -1 when it
 * has none. */
static int add_build_id(lg_buf *b)
{
	build_id_search s;
	size_t i;
	int err = 0;

	memset(&s, 0, sizeof(s));
	s.addr = (uintptr_t)&add_build_id;
	dl_iterate_phdr(find_build_id, &s);
	if (!s.len)
		return -1;
	for (i = 0; i < s.len && !err; i++)
		err = lg_buf__printf(b, "%02x", s.id[i]);
	return err;
}

/* Appends a digest of the sources' names and bytes, in order. */
static int add_sources_digest(lg_buf *b, const lg_rule_source *sources, size_t n)
{
	lg_buf all = LG_BUF_INIT;
	char digest[41];
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		err = lg_buf__printf(&all, "%s%c%zu%c%u%c", sources[i].name, 0, sources[i].len, 0,
				     sources[i].layer, 0);
		if (!err)
			err = lg_buf__add(&all, sources[i].json, sources[i].len);
	}
	if (!err) {
		lg__hash_hex(digest, all.ptr ? all.ptr : "", all.len);
		err = lg_buf__puts(b, digest);
	}
	lg_buf__release(&all);
	return err;
}

/* The cache key of loading `sources` with this build; -1 when there is
 * none (no build ID, or out of memory). */
static int cache_key(char out[41], const lg_rule_source *sources, size_t n,
		     const char *digest)
{
	lg_buf b = LG_BUF_INIT;
	int err = lg_buf__puts(&b, "leakgate-rules-v1\n");

	if (!err)
		err = add_build_id(&b);
	if (!err)
		err = lg_buf__puts(&b, "\n");
	if (!err)
		err = lg_ruleset__add_loader_versions(&b);
	if (!err)
		err = lg_buf__puts(&b, "\n");
	if (!err)
		err = digest ? lg_buf__puts(&b, digest) : add_sources_digest(&b, sources, n);
	if (!err)
		lg__hash_hex(out, b.ptr, b.len);
	lg_buf__release(&b);
	return err ? -1 : 0;
}

static int cache_path(lg_buf *path, const char *dir, const char *key)
{
	return lg_buf__printf(path, "%s/rules-%s.bin", dir, key);
}

/* ------------------------------------------------------------------------
 * Encoding: little-endian u32 counts and lengths; NO_STRING for NULL;
 * each string keeps its NUL, so a loaded ruleset points into the file's
 * bytes instead of copying thousands of strings
 * ---------------------------------------------------------------------- */

static int put_u32(lg_buf *b, uint32_t v)
{
	unsigned char u[4] = { (unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	return lg_buf__add(b, u, 4);
}

static int put_string(lg_buf *b, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	int err;

	if (!s)
		return put_u32(b, NO_STRING);
	if (len >= NO_STRING)
		return lg_error_set(LG_ELIMIT, "rule string too long to cache");
	if ((err = put_u32(b, (uint32_t)len)) != 0)
		return err;
	return lg_buf__add(b, s, len + 1);
}

static int put_list(lg_buf *b, const char *const *list, size_t count)
{
	size_t i;
	int err;

	if (!list)
		return put_u32(b, NO_STRING);
	if (count >= NO_STRING)
		return lg_error_set(LG_ELIMIT, "rule list too long to cache");
	err = put_u32(b, (uint32_t)count);
	for (i = 0; i < count && !err; i++)
		err = put_string(b, list[i]);
	return err;
}

static int put_rule(lg_buf *b, const lg_rule *r)
{
	uint64_t entropy_bits;
	int err;

	memcpy(&entropy_bits, &r->min_entropy, sizeof(entropy_bits));
	if ((err = put_string(b, r->id)) || (err = put_string(b, r->name)) ||
	    (err = put_string(b, r->description)) || (err = put_string(b, r->remediation)) ||
	    (err = put_string(b, r->regex)) || (err = put_string(b, r->source_file)) ||
	    (err = put_u32(b, (uint32_t)r->severity)) ||
	    (err = put_u32(b, (uint32_t)r->confidence)) ||
	    (err = put_u32(b, (uint32_t)r->checksum)) || (err = put_u32(b, r->secret_group)) ||
	    (err = put_u32(b, (uint32_t)entropy_bits)) ||
	    (err = put_u32(b, (uint32_t)(entropy_bits >> 32))) ||
	    (err = put_list(b, r->keywords, r->keyword_count)) ||
	    (err = put_list(b, r->allow, r->allow_count)) ||
	    (err = put_list(b, r->supersedes, r->supersedes_count)) ||
	    (err = put_list(b, r->examples, r->example_count)) ||
	    (err = put_list(b, r->negative_examples, r->negative_example_count)) ||
	    (err = put_u32(b, r->context_before)) || (err = put_u32(b, r->context_after)) ||
	    (err = put_u32(b, r->context_lines)) ||
	    (err = put_list(b, r->context_patterns, r->context_pattern_count)) ||
	    (err = put_u32(b, (uint32_t)r->generic_value)) ||
	    (err = put_string(b, r->pair_names[0])) || (err = put_string(b, r->pair_names[1])) ||
	    (err = put_list(b, r->pair_rules[0], r->pair_rule_count[0])) ||
	    (err = put_list(b, r->pair_rules[1], r->pair_rule_count[1])) ||
	    (err = put_u32(b, r->pair_max_lines)))
		return err;
	return put_string(b, r->verify);
}

/* How many list items the rules hold, with one NULL ending each list. */
static size_t list_slots(const lg_ruleset *rs)
{
	size_t i, n = 0, known;

	for (i = 0; i < lg_ruleset_count(rs); i++) {
		const lg_rule *r = lg_ruleset_get(rs, i);

		n += r->keyword_count + r->allow_count + r->supersedes_count +
		     r->example_count + r->negative_example_count + r->context_pattern_count +
		     r->pair_rule_count[0] + r->pair_rule_count[1] + 8;
	}
	lg_ruleset__known_non_secrets(rs, &known);
	return n + known + 1;
}

int lg_rulecache__encode(lg_buf *b, const lg_ruleset *rs)
{
	size_t i, n = lg_ruleset_count(rs), slots = list_slots(rs);
	int err = lg_buf__add(b, CACHE_MAGIC, 8);

	if (!err && slots >= NO_STRING)
		err = lg_error_set(LG_ELIMIT, "too many rules to cache");
	if (!err)
		err = lg_buf__add(b, lg_ruleset_hash(rs), 40);
	if (!err)
		err = put_u32(b, (uint32_t)n);
	if (!err)
		err = put_u32(b, (uint32_t)slots);
	for (i = 0; i < n && !err; i++)
		err = put_rule(b, lg_ruleset_get(rs, i));
	if (!err) {
		size_t known_count;
		const char *const *known = lg_ruleset__known_non_secrets(rs, &known_count);

		err = put_list(b, known, known_count);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * Decoding: every length is checked against what is left
 * ---------------------------------------------------------------------- */

typedef struct {
	const char *p, *end; /* the file's bytes, which strings point into */
	const char **slot, **slot_end; /* list items still free */
	int bad;          /* truncated or malformed */
} reader;

static uint32_t get_u32(reader *rd)
{
	const unsigned char *u = (const unsigned char *)rd->p;

	if (rd->bad || rd->end - rd->p < 4) {
		rd->bad = 1;
		return 0;
	}
	rd->p += 4;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* The next string, in place (NULL for NO_STRING); `required` makes NULL
 * an error. It must end with its NUL and hold no other. */
static const char *get_string(reader *rd, int required)
{
	uint32_t len = get_u32(rd);
	const char *s = rd->p;

	if (rd->bad || (len == NO_STRING && !required))
		return NULL;
	if (len == NO_STRING || (size_t)(rd->end - rd->p) <= len || rd->p[len] != '\0' ||
	    memchr(rd->p, '\0', len)) {
		rd->bad = 1;
		return NULL;
	}
	rd->p += (size_t)len + 1;
	return s;
}

/* The next list, NULL-terminated, in the reader's slots (NULL for
 * NO_STRING). */
static const char *const *get_list(reader *rd, size_t *count)
{
	uint32_t n = get_u32(rd), i;
	const char **list = rd->slot;

	*count = 0;
	if (rd->bad || n == NO_STRING)
		return NULL;
	if ((size_t)(rd->slot_end - rd->slot) <= n) {
		rd->bad = 1;
		return NULL;
	}
	for (i = 0; i < n && !rd->bad; i++)
		list[i] = get_string(rd, 1);
	list[n] = NULL;
	rd->slot += (size_t)n + 1;
	*count = n;
	return list;
}

/* Reads one rule; -1 when malformed. */
static int get_rule(reader *rd, lg_rule *r)
{
	uint32_t severity, confidence, checksum, lo, hi;
	uint64_t entropy_bits;

	memset(r, 0, sizeof(*r));
	r->id = get_string(rd, 1);
	r->name = get_string(rd, 1);
	r->description = get_string(rd, 1);
	r->remediation = get_string(rd, 0);
	r->regex = get_string(rd, 0); /* a pair rule has none */
	r->source_file = get_string(rd, 1);
	severity = get_u32(rd);
	confidence = get_u32(rd);
	checksum = get_u32(rd);
	r->secret_group = get_u32(rd);
	lo = get_u32(rd);
	hi = get_u32(rd);
	entropy_bits = (uint64_t)hi << 32 | lo;
	memcpy(&r->min_entropy, &entropy_bits, sizeof(r->min_entropy));
	r->keywords = get_list(rd, &r->keyword_count);
	r->allow = get_list(rd, &r->allow_count);
	r->supersedes = get_list(rd, &r->supersedes_count);
	r->examples = get_list(rd, &r->example_count);
	r->negative_examples = get_list(rd, &r->negative_example_count);
	r->context_before = get_u32(rd);
	r->context_after = get_u32(rd);
	r->context_lines = get_u32(rd);
	r->context_patterns = get_list(rd, &r->context_pattern_count);
	r->generic_value = get_u32(rd) != 0;
	r->pair_names[0] = get_string(rd, 0);
	r->pair_names[1] = get_string(rd, 0);
	r->pair_rules[0] = get_list(rd, &r->pair_rule_count[0]);
	r->pair_rules[1] = get_list(rd, &r->pair_rule_count[1]);
	r->pair_max_lines = get_u32(rd);
	r->verify = get_string(rd, 0);
	r->severity = (lg_severity)severity;
	r->confidence = (lg_confidence)confidence;
	r->checksum = (lg_checksum)checksum;
	if (severity > LG_SEVERITY_CRITICAL || confidence > LG_CONFIDENCE_HIGH ||
	    checksum > LG_CHECKSUM_NPM_CRC32 || (!r->regex) == (!r->pair_names[0]) ||
	    (!r->pair_names[0]) != (!r->pair_names[1]) || r->context_before > 4096 ||
	    r->context_after > 4096 || r->context_lines > 50)
		rd->bad = 1;
	return rd->bad ? -1 : 0;
}

int lg_rulecache__decode(lg_ruleset **out, const lg_rule_storage *storage)
{
	const char *data = storage->data;
	size_t len = storage->len;
	reader rd = { data, data + len, NULL, NULL, 0 };
	lg_rule *rules = NULL;
	const char **slots = NULL;
	const char *const *known = NULL;
	size_t known_count = 0;
	char hash[41];
	uint32_t n, nslots, i;

	if (len < 8 + 40 + 8 || memcmp(data, CACHE_MAGIC, 8) != 0)
		return LG_ENOTFOUND;
	memcpy(hash, data + 8, 40);
	hash[40] = '\0';
	rd.p += 48;
	n = get_u32(&rd);
	nslots = get_u32(&rd);
	/* Each rule takes more than 16 bytes, each slot at least 4: bounds
	 * before allocating. */
	if (n == 0 || n > len / 16 || nslots > len / 4)
		return LG_ENOTFOUND;
	rules = calloc(n, sizeof(*rules));
	slots = calloc(nslots ? nslots : 1, sizeof(*slots));
	rd.slot = slots;
	rd.slot_end = slots + nslots;
	for (i = 0; i < n && rules && slots && !rd.bad; i++) {
		get_rule(&rd, &rules[i]);
		rules[i].index = i;
	}
	if (rules && slots)
		known = get_list(&rd, &known_count);
	if (!rules || !slots || rd.bad || rd.p != rd.end ||
	    !(*out = lg_ruleset__adopt(rules, n, hash, storage, slots, known, known_count))) {
		free(rules);
		free(slots);
		return rules && slots ? LG_ENOTFOUND : lg_error_set_oom();
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The cache directory
 * ---------------------------------------------------------------------- */

/* 0 and *out when the cache holds a ruleset under `key`; a file that does
 * not decode is removed. */
static int cache_load(lg_ruleset **out, const char *dir, const char *key)
{
	lg_buf path = LG_BUF_INIT;
	const uint8_t *data = NULL;
	uint64_t len = 0;
	int err = cache_path(&path, dir, key);

	/* Mapped, not read: the ruleset points into the file's pages, which
	 * concurrent hooks share, and a read would fault in a copy. */
	if (!err)
		err = lg__map_file(&data, &len, path.ptr, CACHE_FILE_MAX_BYTES);
	if (!err) {
		lg_rule_storage storage = { (const char *)data, (size_t)len, 1 };

		if ((err = lg_rulecache__decode(out, &storage)) != 0) {
			if (err == LG_ENOTFOUND)
				unlink(path.ptr);
			lg__unmap_file(data, len);
		}
	}
	lg_buf__release(&path);
	return err;
}

/* Writes the ruleset under `key`; a failure only costs the next load its
 * speed, so it is not reported. */
static void cache_store(const lg_ruleset *rs, const char *dir, const char *key)
{
	lg_buf path = LG_BUF_INIT, file = LG_BUF_INIT;

	if (lg__make_dirs(dir) == 0 && lg_rulecache__encode(&file, rs) == 0 &&
	    cache_path(&path, dir, key) == 0)
		lg__write_file_atomic(path.ptr, file.ptr, file.len);
	lg_buf__release(&file);
	lg_buf__release(&path);
}

int lg_ruleset_load_sources_cached(lg_ruleset **out, const lg_rule_source *sources,
				   size_t n, const char *digest, const char *cache_dir,
				   lg_problem_cb on_problem, void *payload)
{
	char key[41];
	int keyed = cache_dir && cache_key(key, sources, n, digest) == 0;
	int err;

	if (keyed && cache_load(out, cache_dir, key) == 0)
		return 0;
	err = lg_ruleset_load_sources(out, sources, n, on_problem, payload);
	if (!err && keyed)
		cache_store(*out, cache_dir, key);
	return err;
}

int lg_ruleset_load_cached(lg_ruleset **out, const char *const *paths, size_t npaths,
			   const char *cache_dir, lg_problem_cb on_problem, void *payload)
{
	lg_rule_source *sources;
	size_t n;
	int err;

	/* A file that cannot be read is a problem to report in the order
	 * lg_ruleset_load reports problems: leave it all to that. */
	if (!cache_dir || lg_ruleset__read_sources(&sources, &n, paths, npaths) != 0)
		return lg_ruleset_load(out, paths, npaths, on_problem, payload);
	err = lg_ruleset_load_sources_cached(out, sources, n, NULL, cache_dir, on_problem,
					     payload);
	lg_ruleset__free_sources(sources, n);
	return err;
}
