/*
 * readers.c - how a worker reads an item: a blob by id (loose ones
 * streamed), a packed blob in pack order, a plain file; each whole or in
 * chunks. And the summary's reasons for what could not be read.
 */
#include "scan/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------
 * Readers
 * ---------------------------------------------------------------------- */

static int next_loose_chunk(size_t *got, worker *w, char *buf, size_t cap)
{
	return lg_loose__stream_read(got, w->loose, buf, cap);
}

/* By id: a large loose blob streamed, anything else whole through
 * libgit2 (packed blobs stream in the pack phase). */
int lg_scan__read_git_blob(item_data *out, worker *w, size_t i)
{
	const scan_job *job = w->job;
	uint64_t size;

	if (!w->loose && !w->loose_failed)
		w->loose_failed = lg_loose__open(&w->loose, lg_repo__objects_dir(w->repo)) != 0;
	if (w->loose && lg_loose__stream_open(&size, w->loose, lg_scan__item_id(job, i),
					      job->stream_threshold, job->max_blob_size) == 0) {
		out->len = (size_t)size;
		out->next = next_loose_chunk;
		return 0;
	}
	return lg_repo__read_blob(&out->data, &out->len, &out->handle, w->repo,
				  lg_scan__item_id(job, i), job->max_blob_size);
}

static int next_packed_chunk(size_t *got, worker *w, char *buf, size_t cap)
{
	return lg_pack__stream_read(got, w->reader, buf, cap);
}

/* In the pack phase: the reader's (streamed when large and not a delta),
 * then libgit2's when it cannot. */
int lg_scan__read_packed_blob(item_data *out, worker *w, size_t i)
{
	uint64_t size;
	int err = lg_pack__stream_open(&size, w->reader, i, w->job->stream_threshold,
				       w->job->max_blob_size);

	if (err == 0 || err == LG_ELIMIT) {
		out->len = (size_t)size;
		out->next = err ? NULL : next_packed_chunk;
		return err;
	}
	if (err == LG_ENOMEM)
		return err;
	err = lg_pack__read(&out->data, &out->len, w->reader, i, w->job->max_blob_size);
	if (err == 0 || err == LG_ELIMIT || err == LG_ENOMEM)
		return err;
	return lg_scan__read_git_blob(out, w, i);
}

void lg_scan__release_git_blob(void *handle)
{
	if (handle)
		lg_repo__release_blob(handle);
}

static int next_file_chunk(size_t *got, worker *w, char *buf, size_t cap)
{
	return lg__read_full(got, w->fd, w->fd_path, buf, cap);
}

/* Reads a file (or standard input for "-") up to the size limit: whole,
 * or when it is larger than the stream threshold, in chunks (the first
 * threshold's worth of a pipe already read, whole). */
int lg_scan__read_plain_file(item_data *out, worker *w, size_t i)
{
	const scan_job *job = w->job;
	const char *path = job->history->provs[job->history->blobs[i].first_prov].path;
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	lg_buf b = LG_BUF_INIT;
	char chunk[65536];
	struct stat st;
	size_t n;
	int err;

	char shown[512];

	out->len = 0;
	if (fd < 0)
		return lg_error_set(LG_EIO, "file '%s': %s",
				    lg__printable(shown, sizeof(shown), path), strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > job->stream_threshold &&
	    (uint64_t)st.st_size <= job->max_blob_size) {
		w->fd = fd;
		w->fd_path = path;
		out->len = 0; /* no data of its own */
		out->next = next_file_chunk;
		return 0;
	}
	while ((err = lg__read_full(&n, fd, path, chunk, sizeof(chunk))) == 0 && n) {
		if (b.len + n > job->max_blob_size) {
			out->len = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ?
				(size_t)st.st_size : b.len + n;
			err = LG_ELIMIT;
			break;
		}
		if ((err = lg_buf__add(&b, chunk, n)) != 0)
			break;
		if (b.len > job->stream_threshold) {
			/* A pipe larger than the threshold: on in chunks. */
			w->fd = fd;
			w->fd_path = path;
			out->len = b.len;
			out->data = out->handle = lg_buf__detach(&b);
			out->next = next_file_chunk;
			return out->data ? 0 : LG_ENOMEM;
		}
	}
	if (fd)
		close(fd);
	if (err) {
		lg_buf__release(&b);
		return err;
	}
	out->len = b.len;
	out->data = out->handle = lg_buf__detach(&b);
	return out->data ? 0 : LG_ENOMEM;
}

void lg_scan__release_plain_file(void *handle)
{
	free(handle);
}

/* Adds `count` skipped blobs under `reason` to the summary. */
int lg_scan__add_skip_reason(lg_summary *sum, const char *reason, uint64_t count,
			   uint64_t bytes)
{
	lg_skip_reason *p;
	size_t i;

	for (i = 0; i < sum->skipped_count; i++)
		if (strcmp(sum->skipped[i].reason, reason) == 0) {
			sum->skipped[i].count += count;
			sum->skipped[i].bytes += bytes;
			return 0;
		}
	p = realloc(sum->skipped, (sum->skipped_count + 1) * sizeof(*p));
	if (!p)
		return lg_error_set_oom();
	sum->skipped = p;
	p[sum->skipped_count].reason = lg__strdup(reason);
	p[sum->skipped_count].count = count;
	p[sum->skipped_count].bytes = bytes;
	if (!p[sum->skipped_count].reason)
		return LG_ENOMEM;
	sum->skipped_count++;
	return 0;
}
