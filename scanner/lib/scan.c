/*
 * scan.c - walk -> matcher -> findings, on worker threads.
 *
 * A scan has three phases: collect the items to read (each distinct blob of
 * the history with its provenance, or the files of a directory), read and
 * match them on N threads (each with its own repository handle and
 * Hyperscan scratch; the database is shared read-only), then turn the raw
 * matches into findings, applying the ignore file, and sort them so the
 * report is identical whatever the thread count.
 */
#include "internal.h"
#include "pack.h"
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_BLOB_SIZE (64u << 20)
/* Blobs larger than this are read and matched in chunks of at most
 * STREAM_CHUNK bytes, never held whole: an undeltified packed blob, a
 * loose object, a plain file or standard input (what cannot stream, a
 * large delta, is read whole, within --max-blob-size). The environment
 * variable LEAKGATE_STREAM_THRESHOLD (bytes) lowers it for tests, the
 * chunks then being half as large. */
#define STREAM_THRESHOLD (8u << 20)
#define STREAM_CHUNK (4u << 20)
#define MAX_THREADS 64
/* Context kept on each side of a secret in a finding's line excerpt. */
#define EXCERPT_CONTEXT 120
#define IGNORE_FILE ".leakgateignore"
#define IGNORE_FILE_MAX_BYTES (1u << 20)
#define NO_COMMIT UINT32_MAX
/* Items a worker claims at a time: neighbours in pack order share delta
 * bases, and fewer claims mean less contention on the counter. */
#define CLAIM_SIZE 16
/* %g: a budget of 4.5 s reads "4.5", one of a millisecond "0.001". */
#define TIME_BUDGET_EXCEEDED "time budget of %g s exceeded"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* LG_ELIMIT, with its message, once a scan begun at `start` has run past
 * its time budget (--timeout). */
static int check_time_budget(const lg_scan_options *opts, double start)
{
	if (opts->time_budget > 0 && now_seconds() - start > opts->time_budget)
		return lg_error_set(LG_ELIMIT, TIME_BUDGET_EXCEEDED, opts->time_budget);
	return 0;
}

/* ------------------------------------------------------------------------
 * Raw matches, as the workers find them
 * ---------------------------------------------------------------------- */

typedef struct {
	size_t item; /* index into the job's items (history blobs) */
	const lg_rule *rule;
	char *secret;
	size_t secret_len;
	size_t line, column, end_column;
	char *line_text; /* excerpt with the secret already redacted */
	int binary;
} raw_match;

typedef struct {
	raw_match *v;
	size_t count, alloc;
} match_vec;

static int match_vec_push(match_vec *mv, const raw_match *m)
{
	if (mv->count == mv->alloc) {
		size_t alloc = mv->alloc ? mv->alloc * 2 : 16;
		raw_match *p = realloc(mv->v, alloc * sizeof(*p));

		if (!p)
			return lg_error_set(LG_ENOMEM, "out of memory");
		mv->v = p;
		mv->alloc = alloc;
	}
	mv->v[mv->count++] = *m;
	return 0;
}

static void match_vec_release(match_vec *mv)
{
	size_t i;

	for (i = 0; i < mv->count; i++) {
		free(mv->v[i].secret);
		free(mv->v[i].line_text);
	}
	free(mv->v);
	mv->v = NULL;
	mv->count = mv->alloc = 0;
}

/* A growable list of owned strings (warnings). */
typedef struct {
	char **v;
	size_t count, alloc;
} string_vec;

static int string_vec_push(string_vec *sv, char *s)
{
	if (!s)
		return LG_ENOMEM;
	if (sv->count == sv->alloc) {
		size_t alloc = sv->alloc ? sv->alloc * 2 : 8;
		char **p = realloc(sv->v, alloc * sizeof(*p));

		if (!p) {
			free(s);
			return lg_error_set(LG_ENOMEM, "out of memory");
		}
		sv->v = p;
		sv->alloc = alloc;
	}
	sv->v[sv->count++] = s;
	return 0;
}

/* ------------------------------------------------------------------------
 * The job shared by the workers
 * ---------------------------------------------------------------------- */

typedef struct scan_job scan_job;
typedef struct worker worker;

/* What a reader gives of an item: its bytes whole, or (`next` set) a
 * source of chunks, which may start with `data`. */
typedef struct {
	const char *data;
	size_t len;     /* of `data`; the item's size when streamed or too
			   large, as far as known */
	void *handle;   /* given back with job->release */
	/* The next at most `cap` bytes into `buf`; *got 0 at the end. */
	int (*next)(size_t *got, worker *w, char *buf, size_t cap);
} item_data;

/* Reads item `i` for worker `w`; the contract of lg_repo__read_blob:
 * LG_ELIMIT (with the size in out->len) when it is too large, other
 * errors for an item that cannot be read. */
typedef int (*read_fn)(item_data *out, worker *w, size_t i);
typedef void (*release_fn)(void *handle);

struct scan_job {
	const lg_matcher *matcher;
	const lg_scan_options *opts;
	/* The items: the history's blobs, or in the pack phase the packed
	 * blobs (then `history` is still being walked and not to be read). */
	const lg_history *history;
	lg_pack_blobs *pack;    /* shared by the workers' readers */
	const lg_state *known;  /* pack phase: blobs an earlier run scanned */
	const size_t *order;    /* reading order; NULL: item order */
	size_t count;
	atomic_size_t next;
	uint64_t max_blob_size;
	uint64_t stream_threshold;
	size_t chunk_size;
	/* The caller's repository handle (NULL outside git), which the worker
	 * on the calling thread borrows; the others open their own from
	 * repo_path, as libgit2 handles are not for concurrent use. */
	lg_repo *repo;
	const char *repo_path;
	double deadline;       /* monotonic seconds; 0 = none */
	double start;          /* monotonic seconds */
	const void *reporter; /* the one worker that reports progress */
	atomic_uint_fast64_t done_blobs, done_bytes;
	/* Per item, set by the one worker that read it: scanned in full.
	 * What is not (too large, unreadable) stays out of the state file,
	 * to be tried again. */
	uint8_t *scanned_ok;
	uint64_t *lengths; /* pack phase: the size of each item read */
	read_fn read;
	release_fn release;
	pthread_mutex_t warn_lock;
	string_vec warnings;
};

/* Reads the pack phase's blobs; each worker keeps this many bytes of
 * recently read objects, the delta bases of what follows. */
#define PACK_CACHE_BYTES (32u << 20)

struct worker {
	scan_job *job;
	lg_repo *repo; /* NULL outside git */
	int repo_borrowed; /* the job's: not to be freed */
	lg_pack_reader *reader; /* the pack phase's */
	lg_loose *loose;        /* large loose blobs; opened on the first */
	int loose_failed;
	int fd;                 /* the plain file being streamed, or -1 */
	const char *fd_path;
	char *chunk;            /* job->chunk_size bytes, for streams */
	lg_scratch *scratch;
	match_vec matches;
	uint64_t blobs_scanned, bytes_scanned;
	uint64_t skipped_large, skipped_large_bytes, skipped_unreadable;
	uint64_t capped_blobs;
	int error;
	char error_message[512];
	/* the item being matched, for the match callback */
	size_t item;
	const char *data;
	int binary;
};

/* Records a warning for the report and tells the caller's callback at
 * once, so a long scan shows problems as they happen. */
static void job_warn(scan_job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void job_warn(scan_job *job, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&job->warn_lock);
	string_vec_push(&job->warnings, lg__strdup(msg));
	if (job->opts->on_warning)
		job->opts->on_warning(msg, job->opts->payload);
	pthread_mutex_unlock(&job->warn_lock);
}

/* The id of item `i`. */
static const uint8_t *item_id(const scan_job *job, size_t i)
{
	return job->pack ? job->pack->blobs[i].id : job->history->blobs[i].id;
}

/* The path to name an item by in a warning (its first provenance), made
 * printable in `buf`. */
static const char *item_path(char *buf, size_t cap, const scan_job *job, size_t i)
{
	const lg_blob_entry *b = &job->history->blobs[i];

	return lg__printable(buf, cap, b->prov_count ?
			     job->history->provs[b->first_prov].path : "");
}

static void hex_id(char out[41], const uint8_t id[20])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 20; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[40] = '\0';
}

/* ------------------------------------------------------------------------
 * Matching one item
 * ---------------------------------------------------------------------- */

/* Builds the excerpt of the secret's line: up to EXCERPT_CONTEXT bytes on
 * each side, with the secret itself replaced by its redacted form, so no
 * writer can leak it by accident (the full secret travels only in the
 * finding's `secret` field). */
static char *line_excerpt(const char *bytes, size_t bytes_from, const lg_match *m)
{
	const char *data = bytes - bytes_from; /* indexed by input offsets only
						  from bytes_from on */
	lg_buf b = LG_BUF_INIT;
	char redacted[64];
	size_t secret_end_on_line = m->secret_end < m->line_end ?
		m->secret_end : m->line_end;
	size_t from = m->secret_start - m->line_start > EXCERPT_CONTEXT ?
		m->secret_start - EXCERPT_CONTEXT : m->line_start;
	size_t to = m->line_end - secret_end_on_line > EXCERPT_CONTEXT ?
		secret_end_on_line + EXCERPT_CONTEXT : m->line_end;

	lg_redact(redacted, sizeof(redacted), data + m->secret_start,
		  m->secret_end - m->secret_start);
	if (lg_buf__add(&b, data + from, m->secret_start - from) ||
	    lg_buf__puts(&b, redacted) ||
	    lg_buf__add(&b, data + secret_end_on_line, to - secret_end_on_line)) {
		lg_buf__release(&b);
		return NULL;
	}
	return lg_buf__detach(&b);
}

static int compare_lines(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Outside a full-history scan only the lines a change adds count. */
static int line_is_added(const lg_blob_entry *b, size_t line)
{
	uint32_t key = (uint32_t)line;

	return !b->added_lines ||
		bsearch(&key, b->added_lines, b->added_count, sizeof(key),
			compare_lines) != NULL;
}

/* Keeps match `m` of the current item; `bytes` holds the input from
 * offset `bytes_from` on, at least the secret and the excerpt's context. */
static int keep_match(worker *w, const lg_match *m, const char *bytes, size_t bytes_from)
{
	raw_match rm;

	if (m->rule->confidence < w->job->opts->min_confidence ||
	    (!w->job->pack && !line_is_added(&w->job->history->blobs[w->item], m->line)))
		return 0;
	memset(&rm, 0, sizeof(rm));
	rm.item = w->item;
	rm.rule = m->rule;
	rm.secret_len = m->secret_end - m->secret_start;
	rm.secret = lg__strndup(bytes + (m->secret_start - bytes_from), rm.secret_len);
	rm.line_text = line_excerpt(bytes, bytes_from, m);
	rm.line = m->line;
	rm.column = m->column;
	rm.end_column = m->end_column;
	rm.binary = w->binary;
	if (!rm.secret || !rm.line_text || match_vec_push(&w->matches, &rm)) {
		free(rm.secret);
		free(rm.line_text);
		return -1;
	}
	return 0;
}

static int on_match(const lg_match *m, void *payload)
{
	worker *w = payload;

	return keep_match(w, m, w->data, 0);
}

static int on_stream_match(const lg_match *m, const char *bytes, size_t bytes_from,
			   void *payload)
{
	return keep_match(payload, m, bytes, bytes_from);
}

/* Drops the matches kept from position `from` of the worker's list on
 * (an item that could not be read to its end). */
static void drop_matches(worker *w, size_t from)
{
	while (w->matches.count > from) {
		raw_match *rm = &w->matches.v[--w->matches.count];

		free(rm->secret);
		free(rm->line_text);
	}
}

/*
 * Matches item `i`, streamed from `d`, chunk by chunk. Returns non-zero
 * only for errors that must stop the whole scan, as scan_item; a source
 * that fails, or grows past the size limit, leaves its error in *read_err
 * (LG_ELIMIT with the size so far in d->len) and none of its matches.
 */
static int scan_stream(worker *w, size_t i, item_data *d, lg_scan_result *result,
		       int *read_err)
{
	scan_job *job = w->job;
	size_t first = w->matches.count, got = 0, k;
	uint64_t total = 0;
	lg_stream *st = NULL;
	int err;

	*read_err = 0;
	w->item = i;
	if (!w->chunk && !(w->chunk = malloc(job->chunk_size)))
		return lg_error_set(LG_ENOMEM, "out of memory");
	if ((err = lg_matcher__stream_new(&st, job->matcher, w->scratch, EXCERPT_CONTEXT,
					  on_stream_match, w)) != 0)
		return err;
	if (d->len && d->data) {
		total = d->len;
		err = lg_matcher__stream_feed(st, d->data, d->len);
	}
	while (!err && !(*read_err = d->next(&got, w, w->chunk, job->chunk_size)) && got) {
		total += got;
		if (total > job->max_blob_size) {
			*read_err = LG_ELIMIT;
			break;
		}
		err = lg_matcher__stream_feed(st, w->chunk, got);
	}
	if (!err && !*read_err)
		err = lg_matcher__stream_finish(st, result);
	lg_matcher__stream_free(st);
	d->len = total > SIZE_MAX ? SIZE_MAX : (size_t)total;
	if (*read_err)
		drop_matches(w, first);
	if (err == LG_ESTOP)
		return lg_error_set(LG_ENOMEM, "out of memory");
	if (err)
		return err;
	/* Known only once 8000 bytes went by; the matches came before. */
	for (k = first; k < w->matches.count; k++)
		w->matches.v[k].binary = result->binary;
	return 0;
}

/* Reads and matches item `i`. Returns non-zero only for errors that must
 * stop the whole scan (out of memory); unreadable items are warnings. */
static int scan_item(worker *w, size_t i)
{
	scan_job *job = w->job;
	item_data d = { NULL, 0, NULL, NULL };
	size_t len;
	lg_scan_result result;
	int err;
	char id[41], path[512];

	if (job->pack && lg_state__knows_blob(job->known, item_id(job, i)))
		return 0;
	err = job->read(&d, w, i);
	if (!err && d.next) {
		int fatal = scan_stream(w, i, &d, &result, &err);

		job->release(d.handle);
		if (w->fd > 0)
			close(w->fd);
		w->fd = -1;
		if (fatal)
			return fatal;
	}
	len = d.len;
	/* The pack phase reads blobs the walk may never reach, so it says
	 * nothing of them: what fails there is read again by id once the walk
	 * has named it, and warned about then. */
	if (err && job->pack)
		return 0;
	if (err == LG_ELIMIT) {
		hex_id(id, job->history->blobs[i].id);
		job_warn(job, "skipped blob %.12s at '%s': %zu bytes is over the %llu byte limit",
			 id, item_path(path, sizeof(path), job, i), len,
			 (unsigned long long)job->max_blob_size);
		w->skipped_large++;
		w->skipped_large_bytes += len;
		return 0;
	}
	if (err) {
		job_warn(job, "skipped unreadable %s", lg_error_last());
		w->skipped_unreadable++;
		return 0;
	}
	if (!d.next) {
		w->item = i;
		w->data = d.data;
		/* git's own heuristic, as lg_scan_result.binary; the match
		 * callback needs it before the scan returns. */
		w->binary = memchr(d.data, '\0', len < 8000 ? len : 8000) != NULL;
		err = lg_matcher_scan(job->matcher, w->scratch, d.data, len, on_match, w,
				      &result);
		job->release(d.handle);
		if (err && err != LG_ESTOP)
			return err;
		if (err == LG_ESTOP)
			return lg_error_set(LG_ENOMEM, "out of memory");
	}
	if (result.capped && !job->pack) {
		w->capped_blobs++;
		hex_id(id, job->history->blobs[i].id);
		job_warn(job, "blob %.12s at '%s': too many candidates; the rest of this blob was not matched",
			 id, item_path(path, sizeof(path), job, i));
	}
	w->blobs_scanned++;
	w->bytes_scanned += len;
	atomic_fetch_add(&job->done_blobs, 1);
	atomic_fetch_add(&job->done_bytes, len);
	job->scanned_ok[i] = !result.capped;
	if (job->lengths)
		job->lengths[i] = len;
	return 0;
}

/* Tells the caller how far the scan is; `finished` on the last call. */
static void report_progress(scan_job *job, int finished)
{
	lg_progress p;

	if (!job->opts->on_progress)
		return;
	p.blobs_done = atomic_load(&job->done_blobs);
	p.blobs_total = job->count;
	p.bytes_done = atomic_load(&job->done_bytes);
	p.elapsed = now_seconds() - job->start;
	p.finished = finished;
	job->opts->on_progress(&p, job->opts->payload);
}

/* Scans the items from reading position `k` on, up to CLAIM_SIZE of them;
 * non-zero when the worker must stop (an error or the time budget). */
static int scan_claim(worker *w, size_t k)
{
	scan_job *job = w->job;
	size_t end = job->count - k > CLAIM_SIZE ? k + CLAIM_SIZE : job->count;

	for (; k < end; k++) {
		if (job->deadline && now_seconds() > job->deadline) {
			w->error = LG_ELIMIT;
			snprintf(w->error_message, sizeof(w->error_message),
				 TIME_BUDGET_EXCEEDED, job->opts->time_budget);
		} else if ((w->error = scan_item(w, job->order ? job->order[k] : k)) != 0) {
			snprintf(w->error_message, sizeof(w->error_message),
				 "%s", lg_error_last());
		}
		if (w->error) {
			/* Let the other workers run out quickly. */
			atomic_store(&job->next, job->count);
			return -1;
		}
	}
	return 0;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	scan_job *job = w->job;
	double next_report = 0;
	size_t k;

	for (;;) {
		/* Only one worker reports, so the callback never runs
		 * concurrently with itself. */
		if (w == job->reporter && job->opts->on_progress) {
			double now = now_seconds();

			if (now >= next_report) {
				report_progress(job, 0);
				next_report = now + 0.1;
			}
		}
		k = atomic_fetch_add(&job->next, CLAIM_SIZE);
		if (k >= job->count || scan_claim(w, k) != 0)
			break;
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Readers
 * ---------------------------------------------------------------------- */

static int next_loose_chunk(size_t *got, worker *w, char *buf, size_t cap)
{
	return lg_loose__stream_read(got, w->loose, buf, cap);
}

/* By id: a large loose blob streamed, anything else whole through
 * libgit2 (packed blobs stream in the pack phase). */
static int read_git_blob(item_data *out, worker *w, size_t i)
{
	const scan_job *job = w->job;
	uint64_t size;

	if (!w->loose && !w->loose_failed)
		w->loose_failed = lg_loose__open(&w->loose, lg_repo__objects_dir(w->repo)) != 0;
	if (w->loose && lg_loose__stream_open(&size, w->loose, item_id(job, i),
					      job->stream_threshold, job->max_blob_size) == 0) {
		out->len = (size_t)size;
		out->next = next_loose_chunk;
		return 0;
	}
	return lg_repo__read_blob(&out->data, &out->len, &out->handle, w->repo,
				  item_id(job, i), job->max_blob_size);
}

static int next_packed_chunk(size_t *got, worker *w, char *buf, size_t cap)
{
	return lg_pack__stream_read(got, w->reader, buf, cap);
}

/* In the pack phase: the reader's (streamed when large and not a delta),
 * then libgit2's when it cannot. */
static int read_packed_blob(item_data *out, worker *w, size_t i)
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
	return read_git_blob(out, w, i);
}

static void release_git_blob(void *handle)
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
static int read_plain_file(item_data *out, worker *w, size_t i)
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

static void release_plain_file(void *handle)
{
	free(handle);
}

/* Adds `count` skipped blobs under `reason` to the summary. */
static int add_skip_reason(lg_summary *sum, const char *reason, uint64_t count,
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
		return lg_error_set(LG_ENOMEM, "out of memory");
	sum->skipped = p;
	p[sum->skipped_count].reason = lg__strdup(reason);
	p[sum->skipped_count].count = count;
	p[sum->skipped_count].bytes = bytes;
	if (!p[sum->skipped_count].reason)
		return LG_ENOMEM;
	sum->skipped_count++;
	return 0;
}

/* ------------------------------------------------------------------------
 * Running the workers
 * ---------------------------------------------------------------------- */

static unsigned thread_count(const lg_scan_options *opts, size_t items)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = opts->threads ? opts->threads : (cores > 0 ? (unsigned)cores : 1);

	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (items < n)
		n = items ? (unsigned)items : 1;
	return n;
}

/* Prepares worker `w`: a repository handle (the caller's when `borrow`,
 * else its own) and a scratch. */
static int worker_init(worker *w, scan_job *job, int borrow)
{
	int err;

	memset(w, 0, sizeof(*w));
	w->job = job;
	w->fd = -1;
	if (job->repo && borrow) {
		w->repo = job->repo;
		w->repo_borrowed = 1;
	} else if (job->repo && (err = lg_repo__open(&w->repo, job->repo_path)) != 0) {
		return err;
	}
	if (job->pack &&
	    (err = lg_pack__reader_new(&w->reader, job->pack, PACK_CACHE_BYTES)) != 0)
		return err;
	return lg_scratch_new(&w->scratch, job->matcher);
}

static void worker_release(worker *w)
{
	lg_scratch_free(w->scratch);
	lg_loose__free(w->loose);
	free(w->chunk);
	lg_pack__reader_free(w->reader);
	if (!w->repo_borrowed)
		lg_repo__free(w->repo);
	match_vec_release(&w->matches);
}

/* Adds worker `w`'s counts to the summary; returns `err`, or LG_ENOMEM. */
static int add_worker_counts(lg_summary *sum, const worker *w, int err)
{
	sum->blobs_scanned += w->blobs_scanned;
	sum->bytes_scanned += w->bytes_scanned;
	sum->blobs_skipped += w->skipped_large + w->skipped_unreadable;
	sum->unreadable += w->skipped_unreadable;
	if (w->skipped_large &&
	    add_skip_reason(sum, "too_large", w->skipped_large,
			    w->skipped_large_bytes) != 0)
		err = LG_ENOMEM;
	if (w->skipped_unreadable &&
	    add_skip_reason(sum, "unreadable", w->skipped_unreadable, 0) != 0)
		err = LG_ENOMEM;
	return err;
}

/* Work for the calling thread to do before it joins the workers. */
typedef struct {
	int (*run)(void *arg);
	void *arg;
} first_task;

/* Runs the job on its threads and merges what they found into `all` and
 * (but for the pack phase, whose counts mean nothing until the walk says
 * which blobs belong to the history) the summary. With `first`, the calling
 * thread runs it while the other threads start on the job, and stops them
 * if it fails. */
static int run_workers(match_vec *all, lg_summary *sum, scan_job *job,
		       const first_task *first)
{
	worker ws[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	unsigned n = thread_count(job->opts, job->count), i, started = 0;
	int err = 0;

	for (i = 0; i < n; i++) {
		/* Worker 0 runs on the calling thread, unless `first` does. */
		if ((err = worker_init(&ws[i], job, i == 0 && !first)) != 0) {
			worker_release(&ws[i]);
			break;
		}
		started++;
	}
	if (err) {
		while (started)
			worker_release(&ws[--started]);
		return err;
	}
	/* Not the calling thread while it runs `first`, which can be long. */
	job->reporter = first && n > 1 ? &ws[1] : &ws[0];
	for (i = 1; i < n; i++)
		if (pthread_create(&tids[i], NULL, worker_main, &ws[i]) != 0) {
			n = i; /* run with the threads we have */
			break;
		}
	if (first && (err = first->run(first->arg)) != 0)
		atomic_store(&job->next, job->count);
	else
		worker_main(&ws[0]);
	for (i = 1; i < n; i++)
		pthread_join(tids[i], NULL);
	report_progress(job, 1);

	for (i = 0; i < started; i++) {
		worker *w = &ws[i];
		size_t k;

		if (w->error && !err)
			err = lg_error_set(w->error, "%s", w->error_message);
		for (k = 0; k < w->matches.count && !err; k++)
			err = match_vec_push(all, &w->matches.v[k]);
		if (!err)
			w->matches.count = 0; /* moved into `all` */
		if (!job->pack)
			err = add_worker_counts(sum, w, err);
		worker_release(w);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * From raw matches to findings
 * ---------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? lg__strdup(s) : NULL;
}

/* Fills the commit fields of `f` from commit index `c` of `h`. */
static int set_commit(lg_finding *f, const lg_history *h, uint32_t c)
{
	const lg_commit_info *ci;

	if (c == NO_COMMIT)
		return 0;
	ci = &h->commits[c];
	memcpy(f->commit, ci->id, sizeof(f->commit));
	f->author_time = ci->time;
	f->author_offset = ci->offset;
	if (!(f->author_name = dup_or_null(ci->author_name)) ||
	    !(f->author_email = dup_or_null(ci->author_email)))
		return LG_ENOMEM;
	return 0;
}

/*
 * Turns one raw match into a finding at the blob's oldest provenance whose
 * path the ignore rules do not cover; the other such provenances go to
 * also_in. Writes 1 to *kept, or 0 when every location is ignored. Takes
 * ownership of the raw match's strings either way. Ignore globs are
 * matched against each path less its first `ignore_strip` bytes (the
 * scanned directory, outside git), so they are relative to the root that
 * holds the ignore file.
 */
static int make_finding(lg_finding *f, int *kept, uint32_t *commit_order,
			raw_match *rm, const lg_history *h,
			const lg_ignore *const *ignores, size_t nignores,
			size_t ignore_strip, const char *repository)
{
	const lg_blob_entry *b = &h->blobs[rm->item];
	size_t p, k, locations = 0;
	int err = 0;

	memset(f, 0, sizeof(*f));
	*kept = 0;
	*commit_order = NO_COMMIT;
	f->rule = rm->rule;
	f->secret = rm->secret;
	f->secret_len = rm->secret_len;
	f->line_text = rm->line_text;
	rm->secret = rm->line_text = NULL;
	f->line = rm->line;
	f->column = rm->column;
	f->end_column = rm->end_column;
	f->binary = rm->binary;
	f->repository = repository;
	lg_fingerprint(f->fingerprint, f->rule->id, f->secret, f->secret_len);
	for (k = 0; k < nignores; k++)
		if (lg_ignore_fingerprint(ignores[k], f->fingerprint))
			return 0;
	if (h->commits)
		hex_id(f->blob, b->id);

	f->also_in = calloc(b->prov_count ? b->prov_count : 1, sizeof(*f->also_in));
	if (!f->also_in)
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (p = 0; p < b->prov_count && !err; p++) {
		const lg_provenance *pv = &h->provs[b->first_prov + p];
		int ignored = 0;

		const char *relative = strlen(pv->path) >= ignore_strip ?
			pv->path + ignore_strip : pv->path;

		for (k = 0; k < nignores; k++)
			ignored |= lg_ignore_path(ignores[k], relative);
		if (ignored)
			continue;
		if (locations++ == 0) {
			*commit_order = pv->commit;
			if (!(f->path = lg__strdup(pv->path)))
				err = LG_ENOMEM;
			else
				err = set_commit(f, h, pv->commit);
			continue;
		}
		lg_location *loc = &f->also_in[f->also_in_count++];
		if (!(loc->path = lg__strdup(pv->path)))
			err = LG_ENOMEM;
		else if (pv->commit != NO_COMMIT)
			memcpy(loc->commit, h->commits[pv->commit].id, 41);
	}
	if (b->prov_count == 0 && !(f->path = lg__strdup("")))
		err = LG_ENOMEM;
	*kept = !err && (locations > 0 || b->prov_count == 0);
	return err;
}

static int compare_findings(const void *pa, const void *pb)
{
	const lg_finding *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	if ((c = strcmp(a->commit, b->commit)) != 0)
		return c;
	return strcmp(a->blob, b->blob);
}

typedef struct {
	lg_finding *f;
	uint32_t commit_order; /* walk order of the introducing commit */
} ranked_finding;

static int compare_for_dedup(const void *pa, const void *pb)
{
	const ranked_finding *a = pa, *b = pb;
	int c = strcmp(a->f->fingerprint, b->f->fingerprint);

	if (c || (c = strcmp(a->f->path, b->f->path)))
		return c;
	if (a->commit_order != b->commit_order)
		return a->commit_order < b->commit_order ? -1 : 1;
	return strcmp(a->f->blob, b->f->blob);
}

/*
 * A secret that stays in a file while other lines change sits in every
 * later version of that file, each a blob of its own. Report it once per
 * path: from the version of the commit that introduced it (the oldest in
 * walk order). Two occurrences within that one version both stay.
 */
static void drop_later_versions(lg_report *out, const uint32_t *orders)
{
	ranked_finding *r = malloc((out->count ? out->count : 1) * sizeof(*r));
	lg_finding *kept;
	size_t i, n = 0, group = 0;

	if (!r)
		return; /* duplicates are noise, not a wrong answer */
	for (i = 0; i < out->count; i++) {
		r[i].f = &out->findings[i];
		r[i].commit_order = orders[i];
	}
	qsort(r, out->count, sizeof(*r), compare_for_dedup);
	if (!(kept = malloc((out->count ? out->count : 1) * sizeof(*kept)))) {
		free(r);
		return;
	}
	for (i = 0; i < out->count; i++) {
		if (i == 0 || strcmp(r[i].f->fingerprint, r[group].f->fingerprint) != 0 ||
		    strcmp(r[i].f->path, r[group].f->path) != 0)
			group = i;
		if (strcmp(r[i].f->blob, r[group].f->blob) == 0)
			kept[n++] = *r[i].f;
		else
			lg_finding__release(r[i].f);
	}
	free(out->findings);
	out->findings = kept;
	out->count = n;
	free(r);
}

/* Builds the report's findings from every raw match (consumed). */
static int build_findings(lg_report *out, match_vec *all, const lg_history *h,
			  const lg_ignore *const *ignores, size_t nignores,
			  size_t ignore_strip, const char *repository)
{
	uint32_t *orders = malloc((all->count ? all->count : 1) * sizeof(*orders));
	size_t i;
	int err = 0;

	out->findings = calloc(all->count ? all->count : 1, sizeof(*out->findings));
	if (!out->findings || !orders) {
		free(orders);
		return lg_error_set(LG_ENOMEM, "out of memory");
	}
	for (i = 0; i < all->count && !err; i++) {
		lg_finding *f = &out->findings[out->count];
		int kept;

		err = make_finding(f, &kept, &orders[out->count], &all->v[i], h, ignores,
				   nignores, ignore_strip, repository);
		if (kept)
			out->count++;
		else {
			lg_finding__release(f);
			out->summary.ignored++;
		}
	}
	if (!err)
		drop_later_versions(out, orders);
	free(orders);
	qsort(out->findings, out->count, sizeof(*out->findings), compare_findings);
	out->summary.findings = out->count;
	return err;
}

/* ------------------------------------------------------------------------
 * The ignore file
 * ---------------------------------------------------------------------- */

/* Loads `dir`/.leakgateignore, or for a bare repository the one in HEAD's
 * tree. *out stays NULL when there is none. */
static int load_ignore_file(lg_ignore **out, lg_repo *repo, const char *dir)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if (dir && *dir) {
		lg_buf path = LG_BUF_INIT;

		if ((err = lg_buf__printf(&path, "%s/%s", dir, IGNORE_FILE)) == 0)
			err = lg__read_file(&text, &len, path.ptr, IGNORE_FILE_MAX_BYTES);
		lg_buf__release(&path);
	} else if (repo) {
		err = lg_repo__read_head_file(&text, &len, repo, IGNORE_FILE);
	} else {
		return 0;
	}
	if (err == LG_ENOTFOUND)
		return 0;
	if (err)
		return err;
	err = lg_ignore_parse(out, text, len);
	free(text);
	return err;
}

/* ------------------------------------------------------------------------
 * Entry points
 * ---------------------------------------------------------------------- */

typedef struct {
	uint64_t key;
	size_t index;
} order_entry;

static int compare_order_entries(const void *pa, const void *pb)
{
	const order_entry *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* The order to read the history's blobs in: pack order, so that libgit2's
 * delta-base cache stays warm. Returns a malloc'd array of indices. */
static size_t *reading_order(const lg_history *h)
{
	size_t n = h->blob_count, i;
	order_entry *entries = malloc((n ? n : 1) * sizeof(*entries));
	size_t *order = malloc((n ? n : 1) * sizeof(*order));

	if (!entries || !order) {
		free(entries);
		free(order);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		entries[i].key = h->blobs[i].pack_order;
		entries[i].index = i;
	}
	qsort(entries, n, sizeof(*entries), compare_order_entries);
	for (i = 0; i < n; i++)
		order[i] = entries[i].index;
	free(entries);
	return order;
}

/* The size above which blobs stream: STREAM_THRESHOLD, unless a test set
 * LEAKGATE_STREAM_THRESHOLD. */
static uint64_t stream_threshold(void)
{
	const char *v = getenv("LEAKGATE_STREAM_THRESHOLD");
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return STREAM_THRESHOLD;
	n = strtoull(v, &end, 10);
	return *end || n == 0 ? STREAM_THRESHOLD : n;
}

/* Sets up a job over the history `h` (NULL in the pack phase) that reads
 * from git with `repo`, or else (NULL) from plain files. */
static int job_init(scan_job *job, const lg_matcher *m, const lg_scan_options *opts,
		    const lg_history *h, lg_repo *repo, const char *repo_path, double start)
{
	memset(job, 0, sizeof(*job));
	job->matcher = m;
	job->opts = opts;
	job->history = h;
	job->max_blob_size = opts->max_blob_size ? opts->max_blob_size : DEFAULT_MAX_BLOB_SIZE;
	job->stream_threshold = stream_threshold();
	job->chunk_size = job->stream_threshold / 2 < STREAM_CHUNK ?
		(size_t)job->stream_threshold / 2 + 1 : STREAM_CHUNK;
	job->repo = repo;
	job->repo_path = repo_path;
	job->deadline = opts->time_budget > 0 ? start + opts->time_budget : 0;
	job->start = start;
	atomic_init(&job->done_blobs, 0);
	atomic_init(&job->done_bytes, 0);
	atomic_init(&job->next, 0);
	job->read = repo ? read_git_blob : read_plain_file;
	job->release = repo ? release_git_blob : release_plain_file;
	pthread_mutex_init(&job->warn_lock, NULL);
	if (h) {
		job->count = h->blob_count;
		if (!(job->scanned_ok = calloc(job->count ? job->count : 1, 1)))
			return lg_error_set(LG_ENOMEM, "out of memory");
	}
	return 0;
}

/* Adds the job's warnings to the report's and frees the rest. */
static void job_finish(scan_job *job, lg_report *out)
{
	size_t n = out->warning_count + job->warnings.count, i;
	char **all = job->warnings.count ?
		realloc(out->warnings, (n ? n : 1) * sizeof(*all)) : NULL;

	if (all) {
		memcpy(all + out->warning_count, job->warnings.v,
		       job->warnings.count * sizeof(*all));
		out->warnings = all;
		out->warning_count = n;
	} else {
		for (i = 0; i < job->warnings.count; i++)
			free(job->warnings.v[i]);
	}
	free(job->warnings.v);
	pthread_mutex_destroy(&job->warn_lock);
	free(job->scanned_ok);
	free(job->lengths);
}

/* Builds the report's findings from `all` with the ignore file and the
 * caller's ignore list. */
static int finish_findings(lg_report *out, match_vec *all, const lg_history *h,
			   const lg_scan_options *opts, const lg_ignore *file_ignore,
			   size_t ignore_strip, const char *repo_path)
{
	const lg_ignore *ignores[2];
	size_t nignores = 0;

	if (file_ignore)
		ignores[nignores++] = file_ignore;
	if (opts->ignore)
		ignores[nignores++] = opts->ignore;
	return build_findings(out, all, h, ignores, nignores, ignore_strip, repo_path);
}

/* Reads and matches, in pack order, the blobs of `h` that `done` does not
 * mark, adding their matches to `all`; marks in `done` what it scanned in
 * full. */
static int scan_remaining(match_vec *all, lg_report *out, uint8_t *done,
			  const lg_matcher *m, const lg_history *h,
			  const lg_scan_options *opts, lg_repo *repo, const char *repo_path,
			  double start)
{
	scan_job job;
	size_t *order = reading_order(h), i, n = 0;
	int err;

	if (!order)
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (i = 0; i < h->blob_count; i++)
		if (!done[order[i]])
			order[n++] = order[i];
	if ((err = job_init(&job, m, opts, h, repo, repo_path, start)) == 0) {
		job.order = order;
		job.count = n;
		err = run_workers(all, &out->summary, &job, NULL);
		for (i = 0; i < h->blob_count; i++)
			done[i] |= job.scanned_ok[i];
	}
	job_finish(&job, out);
	free(order);
	return err;
}

/* Runs the matching phase over `h` and fills `out`. */
static int scan_history(lg_report *out, uint8_t **scanned_ok, const lg_matcher *m,
			const lg_history *h, const lg_scan_options *opts,
			lg_repo *repo, const char *repo_path, lg_ignore *file_ignore,
			size_t ignore_strip, double start)
{
	match_vec all = { 0 };
	uint8_t *done = calloc(h->blob_count ? h->blob_count : 1, 1);
	int err;

	if (!done)
		return lg_error_set(LG_ENOMEM, "out of memory");
	err = scan_remaining(&all, out, done, m, h, opts, repo, repo_path, start);
	if (!err)
		err = finish_findings(out, &all, h, opts, file_ignore, ignore_strip,
				      repo_path);
	match_vec_release(&all);
	if (scanned_ok)
		*scanned_ok = done;
	else
		free(done);
	return err;
}

/* ------------------------------------------------------------------------
 * The whole history, walked and read at once
 * ---------------------------------------------------------------------- */

typedef struct {
	lg_history *h;
	lg_repo *repo;
	const lg_scan_options *opts;
	const lg_state *known;
	double start;
} walk_task;

static int run_walk(void *arg)
{
	walk_task *t = arg;
	lg_history_options hopts = { t->opts->all_objects, t->known, t->opts->on_warning,
				     t->opts->payload };
	int err = lg_history__collect(t->h, t->repo, &hopts);

	return err ? err : check_time_budget(t->opts, t->start);
}

/*
 * Keeps the pack phase's results for the blobs the walk found: their
 * matches move to `all` (renumbered as history blobs) and `done` marks them,
 * with their counts in the summary. Matches in blobs no ref reaches are
 * dropped.
 */
static int keep_history_blobs(match_vec *all, uint8_t *done, lg_summary *sum,
			      match_vec *packed, const scan_job *pack_job,
			      const lg_history *h)
{
	size_t *history_index = malloc((pack_job->count ? pack_job->count : 1) *
				       sizeof(*history_index));
	size_t i;
	int err = 0;

	if (!history_index)
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (i = 0; i < pack_job->count; i++)
		history_index[i] = SIZE_MAX;
	for (i = 0; i < h->blob_count; i++) {
		size_t p = lg_pack__find(pack_job->pack, h->blobs[i].id);

		if (p == SIZE_MAX || !pack_job->scanned_ok[p])
			continue;
		history_index[p] = i;
		done[i] = 1;
		sum->blobs_scanned++;
		sum->bytes_scanned += pack_job->lengths[p];
	}
	for (i = 0; i < packed->count; i++) {
		raw_match *rm = &packed->v[i];

		if (err || history_index[rm->item] == SIZE_MAX)
			continue;
		rm->item = history_index[rm->item];
		if ((err = match_vec_push(all, rm)) == 0)
			rm->secret = rm->line_text = NULL; /* moved */
	}
	free(history_index);
	return err;
}

/*
 * Scans the whole history as fast as its objects can be read: while the
 * calling thread walks the commits and trees (which blobs the history holds,
 * and where), the other threads already read the packed blobs in pack
 * order, so that on two cores the walk costs little time of its own. What the
 * walk found that this did not read (loose objects, alternates, blobs whose
 * reading failed or was cut short) is read by id afterwards, with the
 * warnings a failure deserves.
 */
static int scan_whole_history(lg_report *out, uint8_t **scanned_ok,
			      const lg_matcher *m, lg_history *h, lg_repo *repo,
			      const char *repo_path, const lg_scan_options *opts,
			      const lg_state *known, const lg_ignore *file_ignore,
			      double start)
{
	walk_task walk = { h, repo, opts, known, start };
	first_task first = { run_walk, &walk };
	lg_pack_blobs pack;
	scan_job job;
	match_vec packed = { 0 }, all = { 0 };
	uint8_t *done = NULL;
	int err;

	if ((err = lg_pack__list_blobs(&pack, lg_repo__objects_dir(repo))) != 0)
		return err;
	if ((err = job_init(&job, m, opts, NULL, repo, repo_path, start)) == 0) {
		job.pack = &pack;
		job.read = read_packed_blob;
		job.known = known;
		job.count = pack.count;
		job.scanned_ok = calloc(pack.count ? pack.count : 1, 1);
		job.lengths = calloc(pack.count ? pack.count : 1, sizeof(*job.lengths));
		if (!job.scanned_ok || !job.lengths)
			err = lg_error_set(LG_ENOMEM, "out of memory");
	}
	if (!err)
		err = run_workers(&packed, &out->summary, &job, &first);
	if (!err && !(done = calloc(h->blob_count ? h->blob_count : 1, 1)))
		err = lg_error_set(LG_ENOMEM, "out of memory");
	if (!err)
		err = keep_history_blobs(&all, done, &out->summary, &packed, &job, h);
	job_finish(&job, out);
	match_vec_release(&packed);
	lg_pack__release(&pack);
	out->summary.commits = h->commit_count;
	out->summary.unreadable = h->unreadable;
	if (!err)
		err = scan_remaining(&all, out, done, m, h, opts, repo, repo_path, start);
	if (!err)
		err = finish_findings(out, &all, h, opts, file_ignore, 0, repo_path);
	match_vec_release(&all);
	*scanned_ok = done;
	return err;
}

/* What a repository scan collects: the full history, the lines a range of
 * commits adds, or the lines the index adds. */
typedef enum { COLLECT_HISTORY, COLLECT_ADDED, COLLECT_STAGED } collect_kind;

/* Collects the lines a range of commits or the index adds. */
static int collect_items(lg_history *h, lg_repo *repo, collect_kind kind,
			 const lg_commit_range *range, const lg_scan_options *opts)
{
	lg_history_options hopts = { 0, NULL, opts->on_warning, opts->payload };

	if (kind == COLLECT_ADDED)
		return lg_history__collect_added(h, repo, range, &hopts);
	return lg_history__collect_staged(h, repo, &hopts);
}

/* Loads the ignore file a repository scan honours: from the pushed
 * revision when the range names one, else the working copy, else HEAD. */
static int load_repo_ignore(lg_ignore **out, lg_repo *repo,
			    const lg_commit_range *range)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!range || !range->ignore_rev)
		return load_ignore_file(out, repo, lg_repo__workdir(repo));
	*out = NULL;
	err = lg_repo__read_rev_file(&text, &len, repo, range->ignore_rev, IGNORE_FILE);
	if (err == LG_ENOTFOUND)
		return 0;
	if (!err)
		err = lg_ignore_parse(out, text, len);
	free(text);
	return err;
}

/* The state an incremental scan may trust: only one written for this
 * repository and these rules. Anything else means a full scan, said. */
static const lg_state *usable_state(const lg_scan_options *opts, const char *repo_id,
				    const char *rules_hash)
{
	const lg_state *s = opts->state;
	const char *why = NULL;

	if (!s || !s->loaded || opts->state_rescan_all)
		return NULL;
	if (strcmp(s->repo_id, repo_id) != 0)
		why = "the state file is from another repository";
	else if (strcmp(s->rules_hash, rules_hash) != 0)
		why = "the rules changed since the state file was written";
	if (!why)
		return s;
	if (opts->on_warning) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s: scanning the whole history", why);
		opts->on_warning(msg, opts->payload);
	}
	return NULL;
}

/* Records in the state what this scan read in full, and the tips it
 * walked from. A full scan replaces what the state held. */
static int record_state(lg_state *s, const lg_state *known, const lg_history *h,
			const uint8_t *scanned_ok, const char *rules_hash, const char *repo_id)
{
	uint8_t (*added)[20] = malloc((h->blob_count ? h->blob_count : 1) * 20);
	size_t i, n = 0;
	int err;

	if (!added)
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (i = 0; i < h->blob_count; i++)
		if (scanned_ok[i])
			memcpy(added[n++], h->blobs[i].id, 20);
	if (!known)
		s->blob_count = 0;
	err = lg_state__update(s, rules_hash, repo_id, h->tips, h->tip_count,
			       (const uint8_t (*)[20])added, n);
	free(added);
	return err;
}

/* Scans what a range of commits or the index adds. */
static int scan_selection(lg_report *out, const lg_matcher *m, lg_history *h,
			  lg_repo *repo, collect_kind kind, const lg_commit_range *range,
			  const char *path, const lg_scan_options *opts,
			  lg_ignore *file_ignore, double start)
{
	int err = collect_items(h, repo, kind, range, opts);

	if (!err)
		err = check_time_budget(opts, start);
	if (err)
		return err;
	out->summary.commits = h->commit_count;
	out->summary.unreadable = h->unreadable;
	return scan_history(out, NULL, m, h, opts, repo, path, file_ignore, 0, start);
}

static int scan_repo(lg_report *out, const lg_matcher *m, const char *path,
		     collect_kind kind, const lg_commit_range *range,
		     const lg_scan_options *opts)
{
	lg_scan_options defaults = LG_SCAN_OPTIONS_INIT;
	lg_history h;
	lg_repo *repo = NULL;
	lg_ignore *file_ignore = NULL;
	const lg_state *known = NULL;
	uint8_t *scanned_ok = NULL;
	const char *rules_hash = lg_ruleset_hash(lg_matcher__rules(m));
	char repo_id[41];
	double start = now_seconds();
	int err;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	if (!opts)
		opts = &defaults;
	if ((err = lg_repo__open(&repo, path)) != 0)
		return err;
	lg_repo__id(repo_id, repo);
	if (kind == COLLECT_HISTORY)
		known = usable_state(opts, repo_id, rules_hash);
	if (!opts->no_ignore_file)
		err = load_repo_ignore(&file_ignore, repo, range);
	out->summary.shallow = lg_repo__is_shallow(repo);
	out->summary.incremental = known != NULL;
	if (!err && kind == COLLECT_HISTORY)
		err = scan_whole_history(out, &scanned_ok, m, &h, repo, path, opts, known,
					 file_ignore, start);
	else if (!err)
		err = scan_selection(out, m, &h, repo, kind, range, path, opts,
				     file_ignore, start);
	if (!err && kind == COLLECT_HISTORY && opts->state)
		err = record_state(opts->state, known, &h, scanned_ok, rules_hash, repo_id);
	free(scanned_ok);
	lg_history__release(&h);
	lg_ignore_free(file_ignore);
	lg_repo__free(repo);
	out->summary.seconds = now_seconds() - start;
	return err;
}

int lg_scan_repository(lg_report *out, const lg_matcher *m, const char *path,
		       const lg_scan_options *opts)
{
	return scan_repo(out, m, path, COLLECT_HISTORY, NULL, opts);
}

int lg_scan_added(lg_report *out, const lg_matcher *m, const char *path,
		  const lg_commit_range *range, const lg_scan_options *opts)
{
	return scan_repo(out, m, path, COLLECT_ADDED, range, opts);
}

int lg_scan_staged(lg_report *out, const lg_matcher *m, const char *path,
		   const lg_scan_options *opts)
{
	return scan_repo(out, m, path, COLLECT_STAGED, NULL, opts);
}

/* ------------------------------------------------------------------------
 * Plain files (--no-git)
 * ---------------------------------------------------------------------- */

typedef struct {
	lg_history h;
	size_t blob_alloc;
	string_vec owned; /* the paths */
} file_list;

/* Adds the file at `path` (taken over) as one item. */
static int file_list_add(file_list *fl, char *path)
{
	lg_history *h = &fl->h;

	if (!path || string_vec_push(&fl->owned, path) != 0)
		return LG_ENOMEM;
	if (h->blob_count == fl->blob_alloc) {
		size_t alloc = fl->blob_alloc ? fl->blob_alloc * 2 : 64;
		lg_blob_entry *b = realloc(h->blobs, alloc * sizeof(*b));
		lg_provenance *p = b ? realloc(h->provs, alloc * sizeof(*p)) : NULL;

		if (b)
			h->blobs = b;
		if (!b || !p)
			return lg_error_set(LG_ENOMEM, "out of memory");
		h->provs = p;
		fl->blob_alloc = alloc;
	}
	memset(&h->blobs[h->blob_count], 0, sizeof(h->blobs[0]));
	h->blobs[h->blob_count].pack_order = h->blob_count;
	h->blobs[h->blob_count].first_prov = (uint32_t)h->blob_count;
	h->blobs[h->blob_count].prov_count = 1;
	h->provs[h->blob_count].commit = NO_COMMIT;
	h->provs[h->blob_count].path = path;
	h->blob_count++;
	h->prov_count++;
	return 0;
}

static int select_visible(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 &&
		strcmp(d->d_name, ".git") != 0;
}

/* Adds every regular file below `dir`, in name order; symbolic links are
 * not followed (they could leave the tree or loop). */
static int collect_files(file_list *fl, const char *dir, unsigned depth)
{
	struct dirent **names;
	char shown[512];
	int n, i, err = 0;

	if (depth > 256)
		return lg_error_set(LG_ELIMIT, "directory '%s' is nested too deeply",
				    lg__printable(shown, sizeof(shown), dir));
	n = scandir(dir, &names, select_visible, alphasort);
	if (n < 0)
		return lg_error_set(LG_EIO, "cannot list directory '%s': %s",
				    lg__printable(shown, sizeof(shown), dir), strerror(errno));
	for (i = 0; i < n; i++) {
		lg_buf path = LG_BUF_INIT;
		struct stat st;

		if (!err && (err = lg_buf__printf(&path, "%s%s%s", dir,
						 dir[strlen(dir) - 1] == '/' ? "" : "/",
						 names[i]->d_name)) == 0 &&
		    lstat(path.ptr, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				err = collect_files(fl, path.ptr, depth + 1);
			else if (S_ISREG(st.st_mode))
				err = file_list_add(fl, lg_buf__detach(&path));
		}
		lg_buf__release(&path);
		free(names[i]);
	}
	free(names);
	return err;
}

int lg_scan_path(lg_report *out, const lg_matcher *m, const char *path,
		 const lg_scan_options *opts)
{
	lg_scan_options defaults = LG_SCAN_OPTIONS_INIT;
	file_list fl;
	lg_ignore *file_ignore = NULL;
	struct stat st;
	char shown[512];
	double start = now_seconds();
	size_t i, ignore_strip = 0;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&fl, 0, sizeof(fl));
	if (!opts)
		opts = &defaults;
	if (strcmp(path, "-") == 0)
		err = file_list_add(&fl, lg__strdup("-"));
	else if (stat(path, &st) != 0)
		err = lg_error_set(LG_EIO, "cannot read '%s': %s",
				   lg__printable(shown, sizeof(shown), path), strerror(errno));
	else if (S_ISDIR(st.st_mode)) {
		err = collect_files(&fl, path, 0);
		ignore_strip = strlen(path) + (path[strlen(path) - 1] != '/');
		if (!err && !opts->no_ignore_file)
			err = load_ignore_file(&file_ignore, NULL, path);
	} else
		err = file_list_add(&fl, lg__strdup(path));
	if (!err)
		err = scan_history(out, NULL, m, &fl.h, opts, NULL, NULL, file_ignore,
				   ignore_strip, start);
	lg_ignore_free(file_ignore);
	for (i = 0; i < fl.owned.count; i++)
		free(fl.owned.v[i]);
	free(fl.owned.v);
	free(fl.h.blobs);
	free(fl.h.provs);
	out->summary.seconds = now_seconds() - start;
	return err;
}
