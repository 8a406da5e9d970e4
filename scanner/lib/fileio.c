/*
 * fileio.c - whole-file reads and atomic writes, for the library's own
 * files (the rule caches, the state file).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int lg__read_file(char **out, size_t *len, const char *path, uint64_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data;
	size_t got = 0;

	if (fd < 0)
		return errno == ENOENT ? LG_ENOTFOUND :
			lg_error_set(LG_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max ||
	    !(data = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		close(fd);
		return lg_error_set(LG_EIO, "cannot read '%s': not a regular file of at most %llu bytes",
				    path, (unsigned long long)max);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(data);
		return lg_error_set(LG_EIO, "cannot read '%s': it changed while being read", path);
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

int lg__write_file_atomic(const char *path, const void *data, size_t len)
{
	lg_buf tmp = LG_BUF_INIT;
	size_t done = 0;
	int fd, err;

	if ((err = lg_buf__printf(&tmp, "%s.tmp-XXXXXX", path)) != 0)
		return err;
	if ((fd = mkstemp(tmp.ptr)) < 0) {
		err = lg_error_set(LG_EIO, "cannot create '%s': %s", tmp.ptr, strerror(errno));
		lg_buf__release(&tmp);
		return err;
	}
	if (fchmod(fd, 0600) != 0)
		err = lg_error_set(LG_EIO, "cannot write '%s': %s", path, strerror(errno));
	while (!err && done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = lg_error_set(LG_EIO, "cannot write '%s': %s", path, strerror(errno));
		else
			done += (size_t)n;
	}
	if (!err && fsync(fd) != 0)
		err = lg_error_set(LG_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (close(fd) != 0 && !err)
		err = lg_error_set(LG_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (!err && rename(tmp.ptr, path) != 0)
		err = lg_error_set(LG_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (err)
		unlink(tmp.ptr);
	lg_buf__release(&tmp);
	return err;
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
