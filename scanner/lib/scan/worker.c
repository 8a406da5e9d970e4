/*
 * worker.c - the scan's threads: how many, each worker's readers and
 * scratch, claiming items a few at a time, progress, and adding up what
 * the workers counted. What a worker does with one item is scan.c's.
 */
#include "scan/scan.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Tells the caller how far the scan is; `finished` on the last call. */
static void report_progress(scan_job *job, int finished)
{
	lg_progress p;

	if (!job->opts->on_progress)
		return;
	p.blobs_done = atomic_load(&job->done_blobs);
	p.blobs_total = job->count;
	p.bytes_done = atomic_load(&job->done_bytes);
	p.elapsed = lg_scan__now_seconds() - job->start;
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
		if (job->deadline && lg_scan__now_seconds() > job->deadline) {
			w->error = LG_ELIMIT;
			snprintf(w->error_message, sizeof(w->error_message),
				 TIME_BUDGET_EXCEEDED, job->opts->time_budget);
		} else if ((w->error = lg_scan__item(w, job->order ? job->order[k] : k)) != 0) {
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
			double now = lg_scan__now_seconds();

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
 * A lead task: work on a thread of its own that then becomes worker 0
 * ---------------------------------------------------------------------- */

static void *lead_main(void *arg)
{
	lead_task *t = arg;
	worker *w;

	if ((t->err = t->run(t->arg)) != 0)
		snprintf(t->message, sizeof(t->message), "%s", lg_error_last());
	pthread_mutex_lock(&t->lock);
	while (!t->handed)
		pthread_cond_wait(&t->cond, &t->lock);
	w = t->then;
	pthread_mutex_unlock(&t->lock);
	if (w && t->err)
		atomic_store(&w->job->next, w->job->count); /* the others stop */
	else if (w)
		worker_main(w);
	return NULL;
}

int lg_scan__lead_start(lead_task *t, int (*run)(void *arg), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->run = run;
	t->arg = arg;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	if (pthread_create(&t->tid, NULL, lead_main, t) != 0) {
		pthread_cond_destroy(&t->cond);
		pthread_mutex_destroy(&t->lock);
		return -1;
	}
	t->started = 1;
	return 0;
}

/* Decides which worker the lead's thread becomes when its work is done:
 * `w`, or none (NULL). Once only. */
static void lead_hand(lead_task *t, worker *w)
{
	pthread_mutex_lock(&t->lock);
	if (!t->handed) {
		t->then = w;
		t->handed = 1;
		pthread_cond_signal(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
}

/* Waits for the lead's thread, and the worker it became; once only. */
static void lead_join(lead_task *t)
{
	if (!t->started)
		return;
	lead_hand(t, NULL);
	pthread_join(t->tid, NULL);
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->lock);
	t->started = 0;
}

int lg_scan__lead_finish(lead_task *t)
{
	int err;

	lead_join(t);
	err = t->err;
	t->err = 0;
	return err ? lg_error_set(err, "%s", t->message) : 0;
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
 * else its own) and a scratch, unless the job has nothing to scan (a
 * hook's second pass when no blob had a candidate): cloning one costs a
 * start-up its page faults for nothing. */
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
	if (job->count == 0)
		return 0;
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
	lg_scan__match_vec_release(&w->matches);
}

/* Adds worker `w`'s counts to the summary; returns `err`, or LG_ENOMEM. */
static int add_worker_counts(lg_summary *sum, const worker *w, int err)
{
	sum->blobs_scanned += w->blobs_scanned;
	sum->bytes_scanned += w->bytes_scanned;
	sum->blobs_skipped += w->skipped_large + w->skipped_unreadable;
	sum->unreadable += w->skipped_unreadable;
	if (w->skipped_large &&
	    lg_scan__add_skip_reason(sum, "too_large", w->skipped_large,
			    w->skipped_large_bytes) != 0)
		err = LG_ENOMEM;
	if (w->skipped_unreadable &&
	    lg_scan__add_skip_reason(sum, "unreadable", w->skipped_unreadable, 0) != 0)
		err = LG_ENOMEM;
	return err;
}

/* Runs the job on its threads and merges what they found into `all` and
 * (but for the pack phase, whose counts mean nothing until the walk says
 * which blobs belong to the history) the summary. With `first`, the calling
 * thread runs it while the other threads start on the job, and stops them
 * if it fails. */
int lg_scan__run_workers(match_vec *all, lg_summary *sum, scan_job *job,
		       const first_task *first, lead_task *lead)
{
	worker ws[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	unsigned n = thread_count(job->opts, job->count), i, started = 0;
	int err = 0;

	for (i = 0; i < n; i++) {
		/* Worker 0 runs on the calling thread, unless `first` does
		 * or the lead's thread runs it. */
		if ((err = worker_init(&ws[i], job, i == 0 && !first && !lead)) != 0) {
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
	/* Not worker 0 while `first` or the lead runs, which can be long. */
	job->reporter = (first || lead) && n > 1 ? &ws[1] : &ws[0];
	for (i = 1; i < n; i++)
		if (pthread_create(&tids[i], NULL, worker_main, &ws[i]) != 0) {
			n = i; /* run with the threads we have */
			break;
		}
	if (lead) {
		lead_hand(lead, &ws[0]);
		lead_join(lead); /* its error is the caller's */
	} else if (first && (err = first->run(first->arg)) != 0)
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
			err = lg_scan__match_vec_push(all, &w->matches.v[k]);
		if (!err)
			w->matches.count = 0; /* moved into `all` */
		if (!job->pack)
			err = add_worker_counts(sum, w, err);
		worker_release(w);
	}
	return err;
}
