/*
 * scan.h - the scan room's internals: the job the workers share, what a
 * worker holds, the raw matches they find, and the steps of the pipeline
 * (scan.c) that the workers (worker.c), readers (readers.c), findings
 * (dedup.c), ignore file (ignorefile.c), state (incremental.c) and plain
 * directories (dir.c) call. Not public API.
 */
#ifndef LG_SCAN_H
#define LG_SCAN_H

#include "findings/findings.h"
#include "git/git.h"
#include "match/match.h"
#include "util/util.h"

#include <pthread.h>
#include <stdatomic.h>

#define DEFAULT_MAX_BLOB_SIZE (64u << 20)
/* Blobs larger than this are read and matched in chunks of at most
 * STREAM_CHUNK bytes, never held whole: an undeltified packed blob, a
 * loose object, a plain file or standard input (what cannot stream, a
 * large delta, is read whole, within --max-blob-size).
 * lg_scan_options.stream_threshold changes it (tests lower it), the
 * chunks then being half as large. */
#define STREAM_THRESHOLD (8u << 20)
#define STREAM_CHUNK (4u << 20)
#define MAX_THREADS 64
/* Context kept on each side of a secret in a finding's line excerpt, and
 * the wider context its rules are matched in to hide every secret in it
 * (excerpt.c; a stream keeps that much for each match). */
#define EXCERPT_CONTEXT 120
#define MASK_CONTEXT (EXCERPT_CONTEXT + 256)
#define IGNORE_FILE ".leakgateignore"
#define IGNORE_FILE_MAX_BYTES (1u << 20)
#define NO_COMMIT UINT32_MAX
/* Items a worker claims at a time: neighbours in pack order share delta
 * bases, and fewer claims mean less contention on the counter. */
#define CLAIM_SIZE 16
/* %g: a budget of 4.5 s reads "4.5", one of a millisecond "0.001". */
#define TIME_BUDGET_EXCEEDED "time budget of %g s exceeded"

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
	const char *unconfirmed; /* the matcher's reason (static), or NULL */
	/* A commit's or tag's message (then `item` means nothing): who wrote
	 * it, a copy owned by the match; NULL for a blob's match. */
	lg_commit_info *message;
	int tag_message;
	int inline_allowed;      /* lg_match.inline_allowed */
	lg_secret_part *parts; /* a pair rule's match: its two parts */
	size_t part_count;
	const char *decoded;     /* how it was encoded (static), or NULL */
} raw_match;

typedef struct {
	raw_match *v;
	size_t count, alloc;
} match_vec;

/* A growable list of owned strings (warnings). */
typedef struct {
	char **v;
	size_t count, alloc;
} string_vec;

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
	int callback_error; /* why the match callback stopped the matcher */
	/* the item being matched, for the match callback */
	size_t item;
	const char *data;
	int binary;
};


/* Work for the calling thread to do before it joins the workers. */
typedef struct {
	int (*run)(void *arg);
	void *arg;
} first_task;

/*
 * Work started on a thread of its own before the job can be set up (the
 * history walk, while the packs are listed), whose thread then becomes
 * worker 0 of the job. So the memory the work frees when it ends (the
 * walk's maps and caches) sits in the allocator's arena of the thread that
 * goes on reading blobs, which reuses it, instead of in an idle arena
 * while the calling thread's grows as much again (glibc gives an arena's
 * free memory back to the system only from its top).
 */
typedef struct {
	int (*run)(void *arg);
	void *arg;
	pthread_t tid;
	int started;  /* the thread runs and is not joined yet */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int handed;   /* the worker to become is decided (under lock) */
	worker *then; /* that worker, or NULL for none (under lock) */
	int err;      /* run's result, and its message (errors are per thread) */
	char message[1024];
} lead_task;

/* Starts `run(arg)` on a thread of its own: 0, or non-zero when no thread
 * could be started (then run it on the calling thread). */
int lg_scan__lead_start(lead_task *t, int (*run)(void *arg), void *arg);
/* Waits for the lead's thread (and the worker it became, if any; when
 * none was handed to it yet, it becomes none), then returns run's error,
 * with its message, on the calling thread. 0 once joined. */
int lg_scan__lead_finish(lead_task *t);

/* scan.c: matching the commit and tag messages the walk hands on (its
 * on_message), on the walking thread with a scratch of its own; the
 * matches gather in `found`. An incremental scan's walk hides the commits
 * an earlier run walked, but not the tags refs point to: a tag whose
 * message the state `known` records is skipped, and the ids of the tags
 * matched gather in `tags`, for the state. */
typedef struct {
	const lg_matcher *m;
	const lg_scan_options *opts;
	const lg_state *known; /* may be NULL */
	lg_scratch *scratch;
	match_vec found;
	uint8_t (*tags)[20];
	size_t tag_count, tag_alloc;
	const lg_message *msg; /* the one being matched */
	int err;
} message_scan;
int lg_scan__message_scan_init(message_scan *ms, const lg_matcher *m,
			       const lg_scan_options *opts, const lg_state *known);
void lg_scan__message_scan_release(message_scan *ms);
int lg_scan__message(const lg_message *msg, void *payload);
void lg_scan__message_free(lg_commit_info *who);

/* excerpt.c: the excerpt of match `m`'s line (EXCERPT_CONTEXT bytes each
 * side of the secret, "…" where clipped) with every secret on it hidden;
 * `bytes` holds the input from offset `bytes_from` on, at least
 * MASK_CONTEXT bytes each side of the secret within its line. `s` is the
 * scratch that found `m` (the matcher is done with it). NULL when memory
 * ran out. */
char *lg_scan__excerpt(lg_scratch *s, const char *bytes, size_t bytes_from, const lg_match *m);

/* ------------------------------------------------------------------------
 * scan.c
 * ---------------------------------------------------------------------- */

double lg_scan__now_seconds(void);

/* LG_ELIMIT, with its message, once a scan begun at `start` has run past
 * its time budget (--timeout). */
int lg_scan__check_time_budget(const lg_scan_options *opts, double start);

void lg_scan__hex_id(char out[41], const uint8_t id[20]);

/* The id of item `i`. */
const uint8_t *lg_scan__item_id(const scan_job *job, size_t i);

/* The path to name an item by in a warning (its first provenance), made
 * printable in `buf`. */
const char *lg_scan__item_path(char *buf, size_t cap, const scan_job *job, size_t i);

void lg_scan__job_warn(scan_job *job, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int lg_scan__string_vec_push(string_vec *sv, char *s);

int lg_scan__match_vec_push(match_vec *mv, const raw_match *m);
/* Frees a raw match's strings and parts, and empties it. */
void lg_scan__raw_match_release(raw_match *rm);

void lg_scan__match_vec_release(match_vec *mv);

/* Reads and matches item `i`. Returns non-zero only for errors that must
 * stop the whole scan (out of memory); unreadable items are warnings. */
int lg_scan__item(worker *w, size_t i);

/* Runs the matching phase over `h` and fills `out`. */
int lg_scan__history(lg_report *out, match_vec *messages, uint8_t **scanned_ok, const lg_matcher *m,
			const lg_history *h, const lg_scan_options *opts,
			lg_repo *repo, const char *repo_path, lg_ignore *file_ignore,
			size_t ignore_strip, double start);

/* ------------------------------------------------------------------------
 * worker.c
 * ---------------------------------------------------------------------- */

/* Runs the job on its threads and merges what they found into `all` and
 * (but for the pack phase, whose counts mean nothing until the walk says
 * which blobs belong to the history) the summary. With `first`, the calling
 * thread runs it while the other threads start on the job, and stops them
 * if it fails. With `lead` (started, and then `first` is NULL), worker 0
 * runs on the lead's thread once its work is done (none if it failed, and
 * the others stop), and the calling thread waits for it; the caller still
 * calls lg_scan__lead_finish for the lead's error. */
int lg_scan__run_workers(match_vec *all, lg_summary *sum, scan_job *job,
		       const first_task *first, lead_task *lead);

/* ------------------------------------------------------------------------
 * readers.c
 * ---------------------------------------------------------------------- */

/* By id: a large loose blob streamed, anything else whole through
 * libgit2 (packed blobs stream in the pack phase). */
int lg_scan__read_git_blob(item_data *out, worker *w, size_t i);

/* Reads a file (or standard input for "-") up to the size limit: whole,
 * or when it is larger than the stream threshold, in chunks (the first
 * threshold's worth of a pipe already read, whole). */
int lg_scan__read_plain_file(item_data *out, worker *w, size_t i);

void lg_scan__release_git_blob(void *handle);

void lg_scan__release_plain_file(void *handle);

/* In the pack phase: the reader's (streamed when large and not a delta),
 * then libgit2's when it cannot. */
int lg_scan__read_packed_blob(item_data *out, worker *w, size_t i);

/* Adds `count` skipped blobs under `reason` to the summary. */
int lg_scan__add_skip_reason(lg_summary *sum, const char *reason, uint64_t count,
			   uint64_t bytes);

/* ------------------------------------------------------------------------
 * dedup.c
 * ---------------------------------------------------------------------- */

/* Builds the report's findings from every raw match (consumed). */
int lg_scan__build_findings(lg_report *out, match_vec *all, const lg_history *h,
			  const lg_ignore *const *ignores, size_t nignores,
			  size_t ignore_strip, const char *repository);

/* ------------------------------------------------------------------------
 * ignorefile.c
 * ---------------------------------------------------------------------- */

/* Loads `dir`/.leakgateignore, or for a bare repository the one in HEAD's
 * tree. *out stays NULL when there is none. */
int lg_scan__load_ignore_file(lg_ignore **out, lg_repo *repo, const char *dir);

/* Loads the ignore file a repository scan honours: from the pushed
 * revision when the range names one, else the working copy, else HEAD. */
int lg_scan__load_repo_ignore(lg_ignore **out, lg_repo *repo,
			    const lg_commit_range *range);

/* ------------------------------------------------------------------------
 * incremental.c
 * ---------------------------------------------------------------------- */

/* The state an incremental scan may trust: only one written for this
 * repository and these rules. Anything else means a full scan, said. */
const lg_state *lg_scan__usable_state(const lg_scan_options *opts, const char *repo_id,
				    const char *rules_hash);

/* Records in the state what this scan read in full (the blobs, and the
 * tags whose message it matched), and the tips it walked from. A full scan
 * replaces what the state held. */
int lg_scan__record_state(lg_state *s, const lg_state *known, const lg_history *h,
			  const uint8_t *scanned_ok, const uint8_t (*tags)[20], size_t tag_count,
			  const char *rules_hash, const char *repo_id);

#endif
