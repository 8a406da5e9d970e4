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
#include "scan/scan.h"
#include "leakgate_tool.h"

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


double lg_scan__now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* LG_ELIMIT, with its message, once a scan begun at `start` has run past
 * its time budget (--timeout). */
int lg_scan__check_time_budget(const lg_scan_options *opts, double start)
{
	if (opts->time_budget > 0 && lg_scan__now_seconds() - start > opts->time_budget)
		return lg_error_set(LG_ELIMIT, TIME_BUDGET_EXCEEDED, opts->time_budget);
	return 0;
}

/* ------------------------------------------------------------------------
 * Raw matches, as the workers find them
 * ---------------------------------------------------------------------- */

int lg_scan__match_vec_push(match_vec *mv, const raw_match *m)
{
	if (LG_ARRAY_GROW(mv->v, mv->alloc, mv->count + 1, 16) != 0)
		return LG_ENOMEM;
	mv->v[mv->count++] = *m;
	return 0;
}

void lg_scan__raw_match_release(raw_match *rm)
{
	size_t i;

	free(rm->secret);
	free(rm->line_text);
	lg_scan__message_free(rm->message);
	rm->message = NULL;
	for (i = 0; i < rm->part_count; i++)
		free(rm->parts[i].secret);
	free(rm->parts);
	rm->secret = rm->line_text = NULL;
	rm->parts = NULL;
	rm->part_count = 0;
}

void lg_scan__match_vec_release(match_vec *mv)
{
	size_t i;

	for (i = 0; i < mv->count; i++)
		lg_scan__raw_match_release(&mv->v[i]);
	free(mv->v);
	mv->v = NULL;
	mv->count = mv->alloc = 0;
}

int lg_scan__string_vec_push(string_vec *sv, char *s)
{
	if (!s)
		return LG_ENOMEM;
	if (LG_ARRAY_GROW(sv->v, sv->alloc, sv->count + 1, 8) != 0) {
		free(s);
		return LG_ENOMEM;
	}
	sv->v[sv->count++] = s;
	return 0;
}

/* ------------------------------------------------------------------------
 * The job shared by the workers
 * ---------------------------------------------------------------------- */

/* Records a warning for the report and tells the caller's callback at
 * once, so a long scan shows problems as they happen. */
void lg_scan__job_warn(scan_job *job, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&job->warn_lock);
	lg_scan__string_vec_push(&job->warnings, lg__strdup(msg));
	if (job->opts->on_warning)
		job->opts->on_warning(msg, job->opts->payload);
	pthread_mutex_unlock(&job->warn_lock);
}

/* The id of item `i`. */
const uint8_t *lg_scan__item_id(const scan_job *job, size_t i)
{
	return job->pack ? job->pack->blobs[i].id : job->history->blobs[i].id;
}

/* The path to name an item by in a warning (its first provenance), made
 * printable in `buf`. */
const char *lg_scan__item_path(char *buf, size_t cap, const scan_job *job, size_t i)
{
	const lg_blob_entry *b = &job->history->blobs[i];

	return lg__printable(buf, cap, b->prov_count ?
			     job->history->provs[b->first_prov].path : "");
}

void lg_scan__hex_id(char out[41], const uint8_t id[20])
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

/* ------------------------------------------------------------------------
 * Commit and tag messages, matched as the walk reads them
 * ---------------------------------------------------------------------- */

void lg_scan__message_free(lg_commit_info *who)
{
	if (!who)
		return;
	free(who->author_name);
	free(who->author_email);
	free(who);
}

static lg_commit_info *message_copy(const lg_commit_info *who)
{
	lg_commit_info *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = *who;
	c->author_name = lg__strdup(who->author_name ? who->author_name : "");
	c->author_email = lg__strdup(who->author_email ? who->author_email : "");
	if (!c->author_name || !c->author_email) {
		lg_scan__message_free(c);
		return NULL;
	}
	return c;
}

/* Fills `rm` with what match `m` alone says: its rule, its secret (the
 * decoded one, or as written in `bytes`, which hold the input from offset
 * `bytes_from` on), the excerpt and the place. The secret and the excerpt
 * are the caller's to free; either is NULL when memory ran out. */
static void raw_match_from(raw_match *rm, lg_scratch *scratch, const lg_match *m,
			   const char *bytes, size_t bytes_from)
{
	memset(rm, 0, sizeof(*rm));
	rm->rule = m->rule;
	if (m->decoded) {
		rm->secret_len = m->decoded_secret_len;
		rm->secret = lg__strndup(m->decoded_secret, rm->secret_len);
		rm->decoded = m->decoded;
	} else {
		rm->secret_len = m->secret_end - m->secret_start;
		rm->secret = lg__strndup(bytes + (m->secret_start - bytes_from), rm->secret_len);
	}
	rm->line_text = lg_scan__excerpt(scratch, bytes, bytes_from, m);
	rm->line = m->line;
	rm->column = m->column;
	rm->end_column = m->end_column;
	rm->unconfirmed = m->unconfirmed;
	rm->inline_allowed = m->inline_allowed;
}

/* Keeps match `m` of the message being matched. */
static int keep_message_match(const lg_match *m, void *payload)
{
	message_scan *ms = payload;
	raw_match rm;

	if (m->rule->confidence < ms->opts->min_confidence && !m->cut_short)
		return 0;
	raw_match_from(&rm, ms->scratch, m, ms->msg->text, 0);
	rm.item = SIZE_MAX;
	rm.message = message_copy(ms->msg->who);
	rm.tag_message = ms->msg->tag;
	if (!rm.secret || !rm.line_text || !rm.message ||
	    lg_scan__match_vec_push(&ms->found, &rm)) {
		free(rm.secret);
		free(rm.line_text);
		lg_scan__message_free(rm.message);
		ms->err = lg_error_set_oom();
		return -1;
	}
	return 0;
}

/* The 20 bytes of the 40-digit hex id `hex`; -1 when it is not one. */
static int id_from_hex(uint8_t out[20], const char *hex)
{
	static const char digits[] = "0123456789abcdef";
	const char *hi, *lo;
	size_t i;

	for (i = 0; i < 20; i++) {
		if (!hex[2 * i] || !hex[2 * i + 1] || !(hi = strchr(digits, hex[2 * i])) ||
		    !(lo = strchr(digits, hex[2 * i + 1])))
			return -1;
		out[i] = (uint8_t)((hi - digits) << 4 | (lo - digits));
	}
	return hex[40] ? -1 : 0;
}

/* 1 when `msg` is a tag's message that an earlier run matched (the state
 * knows the tag); else 0, and a tag's id is kept for the state. */
static int tag_known(message_scan *ms, const lg_message *msg, int *err)
{
	uint8_t id[20];

	*err = 0;
	if (!msg->tag || id_from_hex(id, msg->who->id) != 0)
		return 0;
	if (ms->known && lg_state__knows_blob(ms->known, id))
		return 1;
	if (LG_ARRAY_GROW(ms->tags, ms->tag_alloc, ms->tag_count + 1, 16) != 0)
		*err = lg_error_set_oom();
	else
		memcpy(ms->tags[ms->tag_count++], id, 20);
	return 0;
}

int lg_scan__message(const lg_message *msg, void *payload)
{
	message_scan *ms = payload;
	char why[512];
	int err;

	if (tag_known(ms, msg, &err) || err)
		return err;
	ms->msg = msg;
	ms->err = 0;
	err = lg_matcher_scan(ms->m, ms->scratch, msg->text, msg->len, keep_message_match, ms,
			      NULL);
	if (err == LG_ESTOP)
		err = ms->err ? ms->err : lg_error_set(LG_ERROR, "the match callback stopped");
	if (!err)
		return 0;
	snprintf(why, sizeof(why), "%s", lg_error_last());
	return lg_error_set(err, "the message of %s %.12s: %s", msg->tag ? "tag" : "commit",
			    msg->who->id, why);
}

int lg_scan__message_scan_init(message_scan *ms, const lg_matcher *m,
			       const lg_scan_options *opts, const lg_state *known)
{
	memset(ms, 0, sizeof(*ms));
	ms->m = m;
	ms->opts = opts;
	ms->known = known;
	return lg_scratch_new(&ms->scratch, m);
}

void lg_scan__message_scan_release(message_scan *ms)
{
	free(ms->tags);
	lg_scratch_free(ms->scratch);
	lg_scan__match_vec_release(&ms->found);
}

/* Moves the matches of `from` to the end of `into`. */
static int move_matches(match_vec *into, match_vec *from)
{
	size_t i;
	int err = 0;

	for (i = 0; i < from->count && !err; i++)
		if ((err = lg_scan__match_vec_push(into, &from->v[i])) == 0) {
			from->v[i].secret = from->v[i].line_text = NULL;
			from->v[i].message = NULL;
			from->v[i].parts = NULL;
			from->v[i].part_count = 0;
		}
	return err;
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

	/* Where a cap stopped matching stands whatever the filters: the rest
	 * of the blob, added lines included, was not looked at. */
	if (!m->cut_short &&
	    (m->rule->confidence < w->job->opts->min_confidence ||
	     (!w->job->pack && !line_is_added(&w->job->history->blobs[w->item], m->line))))
		return 0;
	raw_match_from(&rm, w->scratch, m, bytes, bytes_from);
	rm.item = w->item;
	rm.binary = w->binary;
	if (!rm.secret || !rm.line_text || lg_scan__match_vec_push(&w->matches, &rm)) {
		free(rm.secret);
		free(rm.line_text);
		w->callback_error = lg_error_set_oom();
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

/* Pairing: the matches of the item being scanned, from `first` on in the
 * worker's list. */
typedef struct {
	worker *w;
	size_t first;
} pair_ctx;

/* Adds the match of pair rule `pair` made of the item's matches `a`
 * (first part) and `b` (second part): found where its second part is. */
static int on_pair(const lg_rule *pair, size_t a, size_t b, void *payload)
{
	pair_ctx *pc = payload;
	worker *w = pc->w;
	const raw_match *pa = &w->matches.v[pc->first + a], *pb = &w->matches.v[pc->first + b];
	raw_match rm = *pb;

	if (pair->confidence < w->job->opts->min_confidence || pb->message)
		return 0; /* (a message's matches are not paired: the walk matches them) */
	rm.rule = pair;
	rm.secret = lg__strndup(pb->secret, pb->secret_len);
	rm.line_text = lg__strdup(pb->line_text);
	rm.parts = calloc(2, sizeof(*rm.parts));
	rm.part_count = 0;
	if (rm.parts) {
		rm.parts[0].name = pair->pair_names[0];
		rm.parts[0].secret = lg__strndup(pa->secret, pa->secret_len);
		rm.parts[0].secret_len = pa->secret_len;
		rm.parts[1].name = pair->pair_names[1];
		rm.parts[1].secret = lg__strndup(pb->secret, pb->secret_len);
		rm.parts[1].secret_len = pb->secret_len;
		rm.part_count = 2;
	}
	if (!rm.secret || !rm.line_text || !rm.parts || !rm.parts[0].secret ||
	    !rm.parts[1].secret || lg_scan__match_vec_push(&w->matches, &rm) != 0) {
		lg_scan__raw_match_release(&rm);
		return lg_error_set(LG_ENOMEM, "out of memory");
	}
	return 0;
}

/* Adds a match for each pair that a pair rule finds among the matches of
 * the item just scanned, those from `first` on. */
static int pair_matches(worker *w, size_t first)
{
	size_t n = w->matches.count - first, k;
	lg_pair_input *in;
	pair_ctx pc = { w, first };
	int err;

	if (n < 2)
		return 0;
	if (!(in = calloc(n, sizeof(*in))))
		return lg_error_set(LG_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		const raw_match *rm = &w->matches.v[first + k];

		in[k] = (lg_pair_input){ rm->rule, rm->secret, rm->secret_len, rm->line };
	}
	err = lg_pair__find(lg_matcher__rules(w->job->matcher), in, n, on_pair, &pc);
	free(in);
	return err;
}

/* Drops the matches kept from position `from` of the worker's list on
 * (an item that could not be read to its end). */
static void drop_matches(worker *w, size_t from)
{
	while (w->matches.count > from)
		lg_scan__raw_match_release(&w->matches.v[--w->matches.count]);
}

/* The error that stops the scan when matching item `i` failed with `err`:
 * the match callback's own error when it stopped the matcher (LG_ESTOP),
 * else the matcher's; either way the message names the blob, so the
 * failure is never mistaken for a clean blob or for another error. */
static int matcher_failed(worker *w, size_t i, int err)
{
	scan_job *job = w->job;
	char id[41] = "", path[512], why[512];

	if (err == LG_ESTOP) {
		err = w->callback_error ? w->callback_error : LG_ERROR;
		if (!w->callback_error)
			lg_error_set(err, "the match callback stopped the scan");
	}
	w->callback_error = 0;
	snprintf(why, sizeof(why), "%s", lg_error_last());
	if (job->pack)
		lg_scan__hex_id(id, lg_scan__item_id(job, i));
	else if (job->history->commits)
		lg_scan__hex_id(id, job->history->blobs[i].id);
	if (job->pack)
		return lg_error_set(err, "blob %.12s: %s", id, why);
	return lg_error_set(err, "%s%.12s%s'%s': %s", id[0] ? "blob " : "", id,
			    id[0] ? " at " : "", lg_scan__item_path(path, sizeof(path), job, i), why);
}

/*
 * Matches item `i`, streamed from `d`, chunk by chunk. Returns non-zero
 * only for errors that must stop the whole scan, as lg_scan__item; a source
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
		return lg_error_set_oom();
	if ((err = lg_matcher__stream_new(&st, job->matcher, w->scratch, MASK_CONTEXT,
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
	if (err)
		return matcher_failed(w, i, err);
	/* Known only once 8000 bytes went by; the matches came before. */
	for (k = first; k < w->matches.count; k++)
		w->matches.v[k].binary = result->binary;
	return 0;
}

/* Reads and matches item `i`. Returns non-zero only for errors that must
 * stop the whole scan (out of memory); unreadable items are warnings. */
int lg_scan__item(worker *w, size_t i)
{
	scan_job *job = w->job;
	item_data d = { NULL, 0, NULL, NULL };
	size_t len, first = w->matches.count;
	lg_scan_result result;
	int err;
	char id[41], path[512];

	if (job->pack && lg_state__knows_blob(job->known, lg_scan__item_id(job, i)))
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
		lg_scan__hex_id(id, job->history->blobs[i].id);
		lg_scan__job_warn(job, "skipped blob %.12s at '%s': %zu bytes is over the %llu byte limit",
			 id, lg_scan__item_path(path, sizeof(path), job, i), len,
			 (unsigned long long)job->max_blob_size);
		w->skipped_large++;
		w->skipped_large_bytes += len;
		return 0;
	}
	if (err) {
		lg_scan__job_warn(job, "skipped unreadable %s", lg_error_last());
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
		if (err)
			return matcher_failed(w, i, err);
	}
	if ((err = pair_matches(w, first)) != 0)
		return err;
	if (result.capped && !job->pack) {
		w->capped_blobs++;
		lg_scan__hex_id(id, job->history->blobs[i].id);
		lg_scan__job_warn(job, "%s%.12s%s'%s': too many candidates; the rest of it was not matched "
				  "(reported as an unconfirmed finding)",
				  job->history->commits ? "blob " : "", job->history->commits ? id : "",
				  job->history->commits ? " at " : "",
				  lg_scan__item_path(path, sizeof(path), job, i));
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
	job->stream_threshold = opts->stream_threshold ? opts->stream_threshold : STREAM_THRESHOLD;
	job->chunk_size = job->stream_threshold / 2 < STREAM_CHUNK ?
		(size_t)job->stream_threshold / 2 + 1 : STREAM_CHUNK;
	job->repo = repo;
	job->repo_path = repo_path;
	job->deadline = opts->time_budget > 0 ? start + opts->time_budget : 0;
	job->start = start;
	atomic_init(&job->done_blobs, 0);
	atomic_init(&job->done_bytes, 0);
	atomic_init(&job->next, 0);
	job->read = repo ? lg_scan__read_git_blob : lg_scan__read_plain_file;
	job->release = repo ? lg_scan__release_git_blob : lg_scan__release_plain_file;
	pthread_mutex_init(&job->warn_lock, NULL);
	if (h) {
		job->count = h->blob_count;
		if (!(job->scanned_ok = calloc(job->count ? job->count : 1, 1)))
			return lg_error_set_oom();
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
	return lg_scan__build_findings(out, all, h, ignores, nignores, ignore_strip, repo_path);
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
		return lg_error_set_oom();
	for (i = 0; i < h->blob_count; i++)
		if (!done[order[i]])
			order[n++] = order[i];
	if ((err = job_init(&job, m, opts, h, repo, repo_path, start)) == 0) {
		job.order = order;
		job.count = n;
		err = lg_scan__run_workers(all, &out->summary, &job, NULL, NULL);
		for (i = 0; i < h->blob_count; i++)
			done[i] |= job.scanned_ok[i];
	}
	job_finish(&job, out);
	free(order);
	return err;
}

/* Runs the matching phase over `h` and fills `out`. */
int lg_scan__history(lg_report *out, match_vec *messages, uint8_t **scanned_ok,
		     const lg_matcher *m, const lg_history *h, const lg_scan_options *opts,
		     lg_repo *repo, const char *repo_path, lg_ignore *file_ignore,
		     size_t ignore_strip, double start)
{
	match_vec all = { 0 };
	uint8_t *done = calloc(h->blob_count ? h->blob_count : 1, 1);
	int err;

	if (!done)
		return lg_error_set_oom();
	err = scan_remaining(&all, out, done, m, h, opts, repo, repo_path, start);
	if (!err && messages)
		err = move_matches(&all, messages);
	if (!err)
		err = finish_findings(out, &all, h, opts, file_ignore, ignore_strip,
				      repo_path);
	lg_scan__match_vec_release(&all);
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
	message_scan *messages;
} walk_task;

/* lg_history_options.known_blob from a state. */
static int state_knows_blob(const uint8_t id[20], const void *payload)
{
	return lg_state__knows_blob(payload, id);
}

static int run_walk(void *arg)
{
	walk_task *t = arg;
	lg_history_options hopts = { .all_objects = t->opts->all_objects,
				     .on_warning = t->opts->on_warning,
				     .payload = t->opts->payload,
				     .on_message = lg_scan__message,
				     .message_payload = t->messages };
	int err;

	if (t->known) {
		hopts.known_tips = t->known->tips;
		hopts.known_tip_count = t->known->tip_count;
		hopts.known_blob = state_knows_blob;
		hopts.known_payload = t->known;
	}
	err = lg_history__collect(t->h, t->repo, &hopts);

	return err ? err : lg_scan__check_time_budget(t->opts, t->start);
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
		return lg_error_set_oom();
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
		if ((err = lg_scan__match_vec_push(all, rm)) == 0) {
			rm->secret = rm->line_text = NULL; /* moved */
			rm->parts = NULL;
			rm->part_count = 0;
		}
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
			      uint8_t (**tags)[20], size_t *tag_count,
			      const lg_matcher *m, lg_history *h, lg_repo *repo,
			      const char *repo_path, const lg_scan_options *opts,
			      const lg_state *known, const lg_ignore *file_ignore,
			      double start)
{
	message_scan messages;
	walk_task walk = { h, repo, opts, known, start, &messages };
	first_task first = { run_walk, &walk };
	lead_task lead;
	int walk_started = 0;
	lg_pack_blobs pack;
	scan_job job;
	match_vec packed = { 0 }, all = { 0 };
	uint8_t *done = NULL;
	int err;

	if ((err = lg_scan__message_scan_init(&messages, m, opts, known)) != 0) {
		lg_scan__message_scan_release(&messages);
		return err;
	}
	/* The walk starts on a thread of its own before the packs are listed,
	 * so that the listing (every object's header: a second or so on a
	 * long history) is not on the scan's critical path; that thread then
	 * reads blobs too. The walk uses the caller's repository handle; the
	 * listing only its objects directory's path, and the workers open
	 * their own. */
	if (opts->threads != 1)
		walk_started = lg_scan__lead_start(&lead, run_walk, &walk) == 0;
	if ((err = lg_pack__list_blobs(&pack, lg_repo__objects_dir(repo))) != 0) {
		if (walk_started)
			lg_scan__lead_finish(&lead);
		lg_scan__message_scan_release(&messages);
		return err;
	}
	if ((err = job_init(&job, m, opts, NULL, repo, repo_path, start)) == 0) {
		job.pack = &pack;
		job.read = lg_scan__read_packed_blob;
		job.known = known;
		job.count = pack.count;
		job.scanned_ok = calloc(pack.count ? pack.count : 1, 1);
		job.lengths = calloc(pack.count ? pack.count : 1, sizeof(*job.lengths));
		if (!job.scanned_ok || !job.lengths)
			err = lg_error_set_oom();
	}
	if (!err)
		err = lg_scan__run_workers(&packed, &out->summary, &job,
					   walk_started ? NULL : &first,
					   walk_started ? &lead : NULL);
	/* The walk's error; and when the workers did not run (or failed to
	 * start), the walk is still to be waited for. */
	if (walk_started) {
		int walk_err = lg_scan__lead_finish(&lead);

		err = err ? err : walk_err;
	}
	if (!err && !(done = calloc(h->blob_count ? h->blob_count : 1, 1)))
		err = lg_error_set_oom();
	if (!err)
		err = keep_history_blobs(&all, done, &out->summary, &packed, &job, h);
	job_finish(&job, out);
	lg_scan__match_vec_release(&packed);
	lg_pack__release(&pack);
	out->summary.refs = h->ref_count;
	out->summary.commits = h->commit_count;
	out->summary.unreadable = h->unreadable;
	if (!err)
		err = scan_remaining(&all, out, done, m, h, opts, repo, repo_path, start);
	if (!err)
		err = move_matches(&all, &messages.found);
	if (!err)
		err = finish_findings(out, &all, h, opts, file_ignore, 0, repo_path);
	lg_scan__match_vec_release(&all);
	*tags = messages.tags; /* for the state */
	*tag_count = messages.tag_count;
	messages.tags = NULL;
	lg_scan__message_scan_release(&messages);
	*scanned_ok = done;
	return err;
}

/* What a repository scan collects: the full history, the lines a range of
 * commits adds, or the lines the index adds. */
typedef enum { COLLECT_HISTORY, COLLECT_ADDED, COLLECT_STAGED } collect_kind;

static int blob_has_match(const uint8_t id[20], void *payload)
{
	return lg_oidmap__contains(payload, id);
}

/* Copies the ids of `h`'s commits into *out (only `id` set), for the
 * second pass to visit them without walking the range again. */
static int walked_commits(lg_commit_info **out, const lg_history *h)
{
	size_t i;

	*out = calloc(h->commit_count ? h->commit_count : 1, sizeof(**out));
	if (!*out)
		return lg_error_set_oom();
	for (i = 0; i < h->commit_count; i++)
		memcpy((*out)[i].id, h->commits[i].id, sizeof((*out)[i].id));
	return 0;
}

/*
 * The blobs worth diffing for the lines a range adds: each blob the range
 * brings in is read and matched once, with every line (in the order the
 * commits bring them), and those with a match, or that could not be
 * matched in full, go into `wanted`. A blob with no match has no finding on
 * any line, so the commits that add only such blobs need no diff: a large
 * push costs about what scanning its new blobs costs. Nothing is warned
 * here; the second pass reads again what failed, and warns then. The
 * commits walked go into *walked (*walked_count of them, the caller
 * frees), so that the second pass need not walk the range again.
 */
static int blobs_worth_diffing(lg_oidmap *wanted, lg_commit_info **walked,
			       size_t *walked_count, lg_summary *sum, const lg_matcher *m,
			       lg_repo *repo, const lg_commit_range *range,
			       const lg_scan_options *opts, double start)
{
	lg_scan_options quiet = *opts;
	lg_history_options hopts = { .all_objects = 0 };
	lg_history h;
	lg_report first;
	match_vec all = { 0 };
	uint8_t *done = NULL;
	size_t i;
	int err;

	quiet.on_warning = NULL;
	quiet.on_progress = NULL;
	memset(&first, 0, sizeof(first));
	if ((err = lg_oidmap__init(wanted, 32)) != 0)
		return err;
	if ((err = lg_history__collect_changed(&h, repo, range, &hopts)) != 0)
		return err;
	if ((err = walked_commits(walked, &h)) == 0)
		*walked_count = h.commit_count;
	if (!err && !(done = calloc(h.blob_count ? h.blob_count : 1, 1)))
		err = lg_error_set_oom();
	if (!err && (err = lg_scan__check_time_budget(opts, start)) == 0)
		err = scan_remaining(&all, &first, done, m, &h, &quiet, repo, NULL, start);
	for (i = 0; !err && i < all.count; i++)
		done[all.v[i].item] = 0;
	for (i = 0; !err && i < h.blob_count; i++) {
		uint32_t ignored;

		if (!done[i] && lg_oidmap__get_or_put(&ignored, wanted, h.blobs[i].id, 1) < 0)
			err = lg_error_set_oom();
	}
	sum->blobs_scanned = first.summary.blobs_scanned;
	sum->bytes_scanned = first.summary.bytes_scanned;
	lg_scan__match_vec_release(&all);
	lg_report_free(&first);
	free(done);
	lg_history__release(&h);
	return err;
}

/* Collects the lines a range of commits or the index adds. */
static int collect_items(lg_history *h, lg_repo *repo, collect_kind kind,
			 const lg_commit_range *range, const lg_scan_options *opts,
			 message_scan *messages, const lg_oidmap *wanted,
			 const lg_commit_info *walked, size_t walked_count)
{
	lg_history_options hopts = { .on_warning = opts->on_warning, .payload = opts->payload,
				     .on_message = lg_scan__message, .message_payload = messages,
				     .wanted = wanted ? blob_has_match : NULL,
				     .wanted_payload = (void *)wanted,
				     .walked = walked, .walked_count = walked_count };

	if (kind == COLLECT_ADDED)
		return lg_history__collect_added(h, repo, range, &hopts);
	return lg_history__collect_staged(h, repo, &hopts);
}

/* Scans what a range of commits or the index adds. */
static int scan_selection(lg_report *out, const lg_matcher *m, lg_history *h,
			  lg_repo *repo, collect_kind kind, const lg_commit_range *range,
			  const char *path, const lg_scan_options *opts,
			  lg_ignore *file_ignore, double start)
{
	lg_oidmap wanted = { 0 };
	lg_summary first = { 0 };
	lg_commit_info *walked = NULL;
	size_t walked_count = 0;
	message_scan messages;
	int err = lg_scan__message_scan_init(&messages, m, opts, NULL);

	if (!err && kind == COLLECT_ADDED)
		err = blobs_worth_diffing(&wanted, &walked, &walked_count, &first, m, repo, range,
					  opts, start);
	if (!err)
		err = collect_items(h, repo, kind, range, opts, &messages,
				    kind == COLLECT_ADDED ? &wanted : NULL, walked, walked_count);
	free(walked);
	lg_oidmap__release(&wanted);
	if (!err)
		err = lg_scan__check_time_budget(opts, start);
	if (!err) {
		out->summary.refs = h->ref_count;
		out->summary.commits = h->commit_count;
		out->summary.unreadable = h->unreadable;
		err = lg_scan__history(out, &messages.found, NULL, m, h, opts, repo, path,
				       file_ignore, 0, start);
	}
	if (!err && kind == COLLECT_ADDED) {
		/* What was read: each blob once, in the first pass. */
		out->summary.blobs_scanned = first.blobs_scanned;
		out->summary.bytes_scanned = first.bytes_scanned;
	}
	lg_scan__message_scan_release(&messages);
	return err;
}

/* Scans the repository at `path`, or `given` (borrowed) when not NULL. */
static int scan_repo(lg_report *out, const lg_matcher *m, const char *path, lg_repo *given,
		     collect_kind kind, const lg_commit_range *range,
		     const lg_scan_options *opts)
{
	lg_scan_options defaults = LG_SCAN_OPTIONS_INIT;
	lg_history h;
	lg_repo *repo = NULL;
	lg_ignore *file_ignore = NULL;
	const lg_state *known = NULL;
	uint8_t *scanned_ok = NULL, (*tags)[20] = NULL;
	size_t tag_count = 0;
	const char *rules_hash = lg_ruleset_hash(lg_matcher__rules(m));
	char repo_id[41];
	double start = lg_scan__now_seconds();
	int err;

	memset(out, 0, sizeof(*out));
	memset(&h, 0, sizeof(h));
	LG_CHECK_VERSION(opts, LG_SCAN_OPTIONS_VERSION, "lg_scan_options");
	if (!opts)
		opts = &defaults;
	if (given)
		repo = given;
	else if ((err = lg_repo__open(&repo, path)) != 0)
		return err;
	lg_repo__id(repo_id, repo);
	if (kind == COLLECT_HISTORY)
		known = lg_scan__usable_state(opts, repo_id, rules_hash);
	if (!opts->no_ignore_file)
		err = lg_scan__load_repo_ignore(&file_ignore, repo, range);
	out->summary.shallow = lg_repo__is_shallow(repo);
	out->summary.incremental = known != NULL;
	if (!err && kind == COLLECT_HISTORY)
		err = scan_whole_history(out, &scanned_ok, &tags, &tag_count, m, &h, repo, path,
					 opts, known, file_ignore, start);
	else if (!err)
		err = scan_selection(out, m, &h, repo, kind, range, path, opts,
				     file_ignore, start);
	if (!err && kind == COLLECT_HISTORY && opts->state)
		err = lg_scan__record_state(opts->state, known, &h, scanned_ok,
					    (const uint8_t (*)[20])tags, tag_count, rules_hash,
					    repo_id);
	free(scanned_ok);
	free(tags);
	lg_history__release(&h);
	lg_ignore_free(file_ignore);
	if (!given)
		lg_repo__free(repo);
	out->summary.seconds = lg_scan__now_seconds() - start;
	return err;
}

int lg_scan_options_init(lg_scan_options *opts, unsigned version)
{
	lg_scan_options tmpl = LG_SCAN_OPTIONS_INIT;

	return lg__options_init(opts, sizeof(*opts), &tmpl, version, LG_SCAN_OPTIONS_VERSION,
				"lg_scan_options");
}

int lg_scan_repository(lg_report *out, const lg_matcher *m, const char *path,
		       const lg_scan_options *opts)
{
	return scan_repo(out, m, path, NULL, COLLECT_HISTORY, NULL, opts);
}

int lg_scan_added(lg_report *out, const lg_matcher *m, const char *path,
		  const lg_commit_range *range, const lg_scan_options *opts)
{
	return scan_repo(out, m, path, NULL, COLLECT_ADDED, range, opts);
}

int lg_scan_added_in(lg_report *out, const lg_matcher *m, lg_repository *repo,
		     const lg_commit_range *range, const lg_scan_options *opts)
{
	return scan_repo(out, m, repo->path, repo, COLLECT_ADDED, range, opts);
}

int lg_scan_staged(lg_report *out, const lg_matcher *m, const char *path,
		   const lg_scan_options *opts)
{
	return scan_repo(out, m, path, NULL, COLLECT_STAGED, NULL, opts);
}

int lg_scan_staged_in(lg_report *out, const lg_matcher *m, lg_repository *repo,
		      const lg_scan_options *opts)
{
	return scan_repo(out, m, repo->path, repo, COLLECT_STAGED, NULL, opts);
}

