/*
 * fileio.c - whole-file reads, and the writes that replace a file whole:
 * reports, the rule caches, the state file.
 */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int lg__read_full(size_t *got, int fd, const char *path, char *buf, size_t cap)
{
	ssize_t n;

	*got = 0;
	while (*got < cap && (n = read(fd, buf + *got, cap - *got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			char shown[512];

			return lg_error_set(LG_EIO, "file '%s': %s",
					    lg__printable(shown, sizeof(shown), path), strerror(errno));
		}
		*got += (size_t)n;
	}
	return 0;
}

int lg__read_file(char **out, size_t *len, const char *path, uint64_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data;
	size_t got;
	int err;

	if (fd < 0)
		return errno == ENOENT ? LG_ENOTFOUND :
			lg_error_set(LG_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max ||
	    !(data = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		close(fd);
		return lg_error_set(LG_EIO, "cannot read '%s': not a regular file of at most %llu bytes",
				    path, (unsigned long long)max);
	}
	err = lg__read_full(&got, fd, path, data, (size_t)st.st_size);
	close(fd);
	if (!err && got != (size_t)st.st_size)
		err = lg_error_set(LG_EIO, "cannot read '%s': it changed while being read", path);
	if (err) {
		free(data);
		return err;
	}
	*out = data;
	*len = got;
	return 0;
}

int lg__map_file(const uint8_t **out, uint64_t *len, const char *path, uint64_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p = MAP_FAILED;

	if (fd < 0)
		return errno == ENOENT ? LG_ENOTFOUND :
			lg_error_set(LG_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= max)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return lg_error_set(LG_EIO, "cannot map '%s': not a non-empty regular file "
				    "of at most %llu bytes", path, (unsigned long long)max);
	*out = p;
	*len = (uint64_t)st.st_size;
	return 0;
}

void lg__unmap_file(const uint8_t *data, uint64_t len)
{
	if (data)
		munmap((void *)data, (size_t)len);
}

/* fsyncs the directory holding `path`, so the rename itself survives a
 * crash. Best effort: some file systems refuse to open directories. */
static void sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (!slash)
		dir = lg__strdup(".");
	else
		dir = lg__strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Builds "<dir>/.<name>.tmp-XXXXXX" for mkstemp: hidden, in the same
 * directory as `path` so that rename stays atomic. Only the first 64 bytes
 * of the name are used, so a long name cannot push it past NAME_MAX. */
static char *temp_template(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t namelen = strlen(path + dirlen);
	lg_buf b = LG_BUF_INIT;

	if (namelen > 64)
		namelen = 64;
	if (lg_buf__add(&b, path, dirlen) || lg_buf__puts(&b, ".") ||
	    lg_buf__add(&b, path + dirlen, namelen) ||
	    lg_buf__puts(&b, ".tmp-XXXXXX")) {
		lg_buf__release(&b);
		return NULL;
	}
	return lg_buf__detach(&b);
}

/*
 * What lg__output_open writes for `path`: *target, malloc'd, and whether in
 * place. A rename replaces whatever has the name: a symlink would become a
 * regular file, and so would a device or a FIFO (--output /dev/null, run as
 * root, would break the machine for everyone). So a symlink to a regular
 * file is followed, and anything but a regular file, or nothing, is written
 * in place, as a shell redirection would write it.
 */
static int output_target(char **target, int *in_place, const char *path)
{
	struct stat st;
	char *resolved;

	*in_place = 0;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT)
			return lg_error_set(LG_EIO, "cannot write '%s': %s", path, strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		resolved = realpath(path, NULL);
		if (resolved && stat(resolved, &st) == 0 && S_ISREG(st.st_mode)) {
			*target = resolved;
			return 0;
		}
		free(resolved);
		*in_place = 1; /* a dangling link, or one to a device */
	} else if (S_ISDIR(st.st_mode)) {
		return lg_error_set(LG_EIO, "cannot write '%s': it is a directory", path);
	} else {
		*in_place = !S_ISREG(st.st_mode);
	}
	*target = lg__strdup(path);
	return *target ? 0 : LG_ENOMEM;
}

int lg__output_open(lg__output *out, const char *path)
{
	int in_place, fd, err;

	memset(out, 0, sizeof(*out));
	out->path = path;
	if ((err = output_target(&out->target, &in_place, path)) != 0)
		return err;
	if (in_place) {
		fd = open(out->target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	} else if ((out->tmp = temp_template(out->target))) {
		fd = mkstemp(out->tmp); /* mode 0600 */
	} else {
		lg__output_abort(out);
		return LG_ENOMEM;
	}
	if (fd < 0 || !(out->f = fdopen(fd, "w"))) {
		err = lg_error_set(LG_EIO, out->tmp ? "cannot create a temporary file next to '%s': %s" :
				   "cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
		} else {
			free(out->tmp); /* nothing was created to remove */
			out->tmp = NULL;
		}
		lg__output_abort(out);
		return err;
	}
	return 0;
}

int lg__output_commit(lg__output *out)
{
	const char *what = "write";
	FILE *f = out->f;
	int err;

	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		goto fail;
	what = "sync";
	if (out->tmp && fsync(fileno(f)) != 0)
		goto fail;
	what = "close";
	out->f = NULL;
	if (fclose(f) != 0)
		goto fail;
	what = "replace";
	if (out->tmp && rename(out->tmp, out->target) != 0)
		goto fail;
	if (out->tmp)
		sync_parent(out->target);
	free(out->tmp);
	free(out->target);
	return 0;

fail:
	err = lg_error_set(LG_EIO, "cannot %s '%s': %s", what, out->path,
			   strerror(errno ? errno : EIO));
	lg__output_abort(out);
	return err;
}

void lg__output_abort(lg__output *out)
{
	if (out->f)
		fclose(out->f);
	if (out->tmp)
		unlink(out->tmp);
	free(out->tmp);
	free(out->target);
	memset(out, 0, sizeof(*out));
}

int lg__write_file_atomic(const char *path, const void *data, size_t len)
{
	lg__output out;
	int err;

	if ((err = lg__output_open(&out, path)) != 0)
		return err;
	if (len && fwrite(data, 1, len, out.f) != len) {
		err = lg_error_set(LG_EIO, "cannot write '%s': %s", path,
				   strerror(errno ? errno : EIO));
		lg__output_abort(&out);
		return err;
	}
	return lg__output_commit(&out);
}

/* Creates `dir` and its parents, mode 0700 (the caches reveal which rules
 * a server runs; nothing more, but nobody else needs to read them). */
int lg__make_dirs(const char *dir)
{
	lg_buf b = LG_BUF_INIT;
	size_t i;
	int err = lg_buf__puts(&b, dir);

	for (i = 1; !err && i <= b.len; i++) {
		if (b.ptr[i] != '/' && b.ptr[i] != '\0')
			continue;
		b.ptr[i] = '\0';
		if (mkdir(b.ptr, 0700) != 0 && errno != EEXIST)
			err = lg_error_set(LG_EIO, "cannot create '%s': %s", b.ptr,
					   strerror(errno));
		if (i < b.len)
			b.ptr[i] = '/';
	}
	lg_buf__release(&b);
	return err;
}
