/*
 * list.c - a report's list of findings: freeing a finding, merging one
 * report into another, filtering, freeing a report.
 */
#include "findings/findings.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Reports
 * ---------------------------------------------------------------------- */

/* Frees everything an lg_report owns (not the struct itself, which is
 * usually on the caller's stack; rules and `repository` are borrowed) and
 * zeroes it, so a second call is harmless. Accepts NULL. */
void lg_finding__release(lg_finding *f)
{
	size_t j;

	free(f->secret);
	free(f->path);
	free(f->line_text);
	free(f->author_name);
	free(f->author_email);
	free(f->unconfirmed);
	for (j = 0; j < f->also_in_count; j++)
		free(f->also_in[j].path);
	free(f->also_in);
	for (j = 0; j < f->part_count; j++)
		free(f->parts[j].secret);
	free(f->parts);
	free(f->verification.identity);
	free(f->verification.message);
	memset(f, 0, sizeof(*f));
}

/* Appends n elements of `size` bytes from *src to *dst (growing it). */
static int append_array(void **dst, size_t dst_count, const void *src, size_t n, size_t size)
{
	size_t alloc = dst_count;

	if (!n)
		return 0;
	if (n > SIZE_MAX - dst_count ||
	    lg_array__grow(dst, &alloc, dst_count + n, size, dst_count + n) != 0)
		return lg_error_set_oom();
	memcpy((char *)*dst + dst_count * size, src, n * size);
	return 0;
}

int lg_report_merge(lg_report *into, lg_report *from)
{
	lg_summary *a = &into->summary;
	const lg_summary *b = &from->summary;
	size_t i, j;
	int err;

	if ((err = append_array((void **)&into->findings, into->count, from->findings,
				from->count, sizeof(*from->findings))) != 0 ||
	    (err = append_array((void **)&into->warnings, into->warning_count, from->warnings,
				from->warning_count, sizeof(*from->warnings))) != 0)
		return err;
	if ((err = append_array((void **)&into->repositories, into->repository_count,
				from->repositories, from->repository_count,
				sizeof(*from->repositories))) != 0)
		return err;
	into->count += from->count;
	into->warning_count += from->warning_count;
	into->repository_count += from->repository_count;
	from->repository_count = 0;
	lg_report__storage_adopt(&into->storage, &from->storage);
	/* The earliest start stands for the whole; the first rule hash
	 * (reports of one run share it). */
	if (from->started && (!into->started || from->started < into->started))
		into->started = from->started;
	if (!into->rules_hash[0])
		memcpy(into->rules_hash, from->rules_hash, sizeof(into->rules_hash));
	for (i = 0; i < b->skipped_count; i++) {
		for (j = 0; j < a->skipped_count; j++)
			if (strcmp(a->skipped[j].reason, b->skipped[i].reason) == 0)
				break;
		if (j == a->skipped_count) {
			if ((err = append_array((void **)&a->skipped, a->skipped_count,
						&b->skipped[i], 1, sizeof(*b->skipped))) != 0)
				return err;
			a->skipped_count++;
			b->skipped[i].reason = NULL; /* moved */
		} else {
			a->skipped[j].count += b->skipped[i].count;
			a->skipped[j].bytes += b->skipped[i].bytes;
		}
	}
	a->refs += b->refs;
	a->commits += b->commits;
	a->blobs_scanned += b->blobs_scanned;
	a->bytes_scanned += b->bytes_scanned;
	a->blobs_skipped += b->blobs_skipped;
	a->findings += b->findings;
	a->ignored += b->ignored;
	a->baselined += b->baselined;
	a->seconds += b->seconds;
	a->shallow |= b->shallow;
	a->incremental |= b->incremental;
	a->unreadable += b->unreadable;
	/* The moved pointers now belong to `into`; free only the arrays. */
	from->count = from->warning_count = 0;
	lg_report_free(from);
	return 0;
}

void lg_report_filter(lg_report *r, int (*keep)(const lg_finding *f, void *payload),
		      void *payload)
{
	size_t i, kept = 0;

	for (i = 0; i < r->count; i++) {
		if (keep(&r->findings[i], payload))
			r->findings[kept++] = r->findings[i];
		else
			lg_finding__release(&r->findings[i]);
	}
	r->count = kept;
	r->summary.findings = kept;
}

void lg_report_free(lg_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->count; i++)
		lg_finding__release(&r->findings[i]);
	free(r->findings);
	for (i = 0; i < r->summary.skipped_count; i++)
		free(r->summary.skipped[i].reason);
	free(r->summary.skipped);
	for (i = 0; i < r->warning_count; i++)
		free(r->warnings[i]);
	free(r->warnings);
	for (i = 0; i < r->repository_count; i++) {
		free(r->repositories[i].path);
		free(r->repositories[i].error);
	}
	free(r->repositories);
	lg_report__storage_free(r->storage);
	memset(r, 0, sizeof(*r));
}

int lg_report_add_repository(lg_report *r, const char *path,
			     const lg_summary *summary, const char *error)
{
	lg_repository_entry e;
	int err;

	memset(&e, 0, sizeof(e));
	if (!(e.path = lg__strdup(path ? path : "")))
		return LG_ENOMEM;
	if (error && !(e.error = lg__strdup(error))) {
		free(e.path);
		return LG_ENOMEM;
	}
	if (summary) {
		e.findings = summary->findings;
		e.commits = summary->commits;
		e.blobs_scanned = summary->blobs_scanned;
		e.bytes_scanned = summary->bytes_scanned;
		e.seconds = summary->seconds;
	}
	if ((err = append_array((void **)&r->repositories, r->repository_count, &e, 1,
				sizeof(e))) != 0) {
		free(e.path);
		free(e.error);
		return err;
	}
	r->repository_count++;
	return 0;
}

/* ------------------------------------------------------------------------
 * What a report read back from a file owns
 * ---------------------------------------------------------------------- */

void lg_report__storage_free(lg_report_storage *s)
{
	while (s) {
		lg_report_storage *next = s->next;

		free(s->block);
		free(s);
		s = next;
	}
}

void lg_report__storage_adopt(lg_report_storage **into, lg_report_storage **from)
{
	lg_report_storage **tail = into;

	while (*tail)
		tail = &(*tail)->next;
	*tail = *from;
	*from = NULL;
}

void *lg_report__storage_keep(lg_report_storage **storage, void *block)
{
	lg_report_storage *node = block ? malloc(sizeof(*node)) : NULL;

	if (!node) {
		free(block);
		lg_error_set(LG_ENOMEM, "out of memory");
		return NULL;
	}
	node->block = block;
	node->next = *storage;
	*storage = node;
	return block;
}
