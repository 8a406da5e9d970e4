/*
 * loose.c - reading a large loose blob in chunks, through libgit2's read
 * streams (git_odb_open_rstream: libgit2 1.5 streams loose objects only,
 * inflating from a mapping of the file as it is read).
 *
 * walk.c reads every other object by id (lg_repo__read_blob), whole. This
 * module keeps its own object database of the repository's loose objects
 * alone, so that asking for a blob that is not loose there (packed,
 * alternates) answers "not found" at once, and the caller reads it whole.
 * Like walk.c it includes git2.h; nothing else about libgit2 leaks out.
 */
#include "git/git.h"

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* zlib cannot shrink data more than about 1032 to 1: a loose file smaller
 * than threshold / LOOSE_MAX_RATIO cannot hold a blob over the threshold,
 * so the common small object costs one stat, not an open. */
#define LOOSE_MAX_RATIO 1032

struct lg_loose {
	git_odb *odb;
	char *objects_dir;
	git_odb_stream *stream; /* the blob being read */
	char hex[GIT_OID_HEXSZ + 1];
};

int lg_loose__open(lg_loose **out, const char *objects_dir)
{
	lg_loose *l = calloc(1, sizeof(*l));
	git_odb_backend *backend = NULL;

	if (!l || !(l->objects_dir = lg__strdup(objects_dir))) {
		free(l);
		return lg_error_set_oom();
	}
	(void)lg__libgit2_init(); /* a failure fails git_odb_new below */
	if (git_odb_new(&l->odb) != 0 ||
	    git_odb_backend_loose(&backend, objects_dir, -1, 0, 0, 0) != 0 ||
	    git_odb_add_backend(l->odb, backend, 1) != 0) {
		const git_error *e = git_error_last();

		if (backend && l->odb) /* not added: still ours */
			backend->free(backend);
		lg_loose__free(l);
		return lg_error_set(LG_EREPO, "cannot open the loose objects of '%s': %s",
				    objects_dir, e && e->message ? e->message : "unknown error");
	}
	*out = l;
	return 0;
}

/* 1 when the loose file of `oid` may hold a blob over `threshold`. */
static int may_be_larger(const lg_loose *l, const git_oid *oid, uint64_t threshold)
{
	char path[4096];
	struct stat st;
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), oid);
	if ((size_t)snprintf(path, sizeof(path), "%s/%.2s/%s", l->objects_dir, hex, hex + 2) >=
	    sizeof(path))
		return 1; /* let libgit2 decide */
	return stat(path, &st) == 0 &&
		(uint64_t)st.st_size >= threshold / LOOSE_MAX_RATIO;
}

int lg_loose__stream_open(uint64_t *size, lg_loose *l, const uint8_t id[20],
			  uint64_t threshold, uint64_t max_size)
{
	git_oid oid;
	git_object_t type;
	size_t len;

	git_odb_stream_free(l->stream);
	l->stream = NULL;
	*size = 0;
	memcpy(oid.id, id, GIT_OID_RAWSZ);
	if (!may_be_larger(l, &oid, threshold) ||
	    git_odb_open_rstream(&l->stream, &len, &type, l->odb, &oid) != 0) {
		l->stream = NULL;
		return LG_ENOTFOUND;
	}
	git_oid_tostr(l->hex, sizeof(l->hex), &oid);
	*size = len;
	/* Not a blob, or too large: lg_repo__read_blob says so, as for any
	 * other object. */
	if (type != GIT_OBJECT_BLOB || len <= threshold || len > max_size) {
		git_odb_stream_free(l->stream);
		l->stream = NULL;
		return LG_ENOTFOUND;
	}
	return 0;
}

int lg_loose__stream_read(size_t *got, lg_loose *l, char *buf, size_t cap)
{
	int n;

	*got = 0;
	if (!l->stream)
		return 0;
	if (cap > INT32_MAX) /* the count comes back as an int */
		cap = INT32_MAX;
	if ((n = git_odb_stream_read(l->stream, buf, cap)) < 0) {
		const git_error *e = git_error_last();

		git_odb_stream_free(l->stream);
		l->stream = NULL;
		return lg_error_set(LG_EREPO, "blob %s: %s", l->hex,
				    e && e->message ? e->message : "corrupt loose object");
	}
	*got = (size_t)n;
	return 0;
}

void lg_loose__free(lg_loose *l)
{
	if (!l)
		return;
	git_odb_stream_free(l->stream);
	git_odb_free(l->odb);
	free(l->objects_dir);
	free(l);
}
