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
	into->count += from->count;
	into->warning_count += from->warning_count;
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
	memset(r, 0, sizeof(*r));
}
