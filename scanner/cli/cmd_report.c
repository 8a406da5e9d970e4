/*
 * cmd_report.c - `leakgate report`: read the JSON reports of many shards or
 * nights, merge them into one, and write it in any format. A fleet's
 * nightly job writes JSON per shard; one step then renders the whole.
 *
 * Merging: every report's findings, warnings and counts are added up; a
 * finding met again (same fingerprint, repository, path, line and commit:
 * the same secret at the same place, as consecutive nights report it) is
 * kept once; a repository named by several reports keeps the line of the
 * last one given, with its findings counted from the merged findings.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void report_usage(FILE *f)
{
	fprintf(f,
		"usage: leakgate report [--format html|sarif|json|jsonl|text] [-o FILE] REPORT.json...\n"
		"\n"
		"Merges JSON reports (leakgate scan --format json) of many shards or nights\n"
		"into one report, and writes it in the chosen format (default html).\n"
		"\n"
		"  --format FORMAT        html (default), sarif, json, jsonl or text\n"
		"  -o, --output FILE      write the report to FILE (atomically, mode 0600)\n"
		"  --show-secrets         show secrets in full where the reports hold them\n"
		"                         (a secret a report redacted stays redacted)\n"
		"\n"
		"exit codes: 0 no findings, 1 findings, 2 usage or a malformed report, 3 I/O error\n");
}

static int parse_report_format(lg_format *out, const char *s)
{
	static const struct { const char *name; lg_format format; } names[] = {
		{ "html", LG_FORMAT_HTML }, { "sarif", LG_FORMAT_SARIF },
		{ "json", LG_FORMAT_JSON }, { "jsonl", LG_FORMAT_JSONL },
		{ "text", LG_FORMAT_TEXT },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].format;
			return 0;
		}
	return -1;
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* Orders findings so that the same one met twice sits side by side; the
 * position in the merged report breaks ties, so the first stays first. */
static int compare_places(const void *pa, const void *pb)
{
	const lg_finding *a = *(const lg_finding *const *)pa;
	const lg_finding *b = *(const lg_finding *const *)pb;
	int c;

	if ((c = strcmp(a->fingerprint, b->fingerprint)) != 0 ||
	    (c = strcmp(str_or_empty(a->repository), str_or_empty(b->repository))) != 0 ||
	    (c = strcmp(str_or_empty(a->path), str_or_empty(b->path))) != 0 ||
	    (c = strcmp(a->commit, b->commit)) != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int same_place(const lg_finding *a, const lg_finding *b)
{
	return strcmp(a->fingerprint, b->fingerprint) == 0 &&
	       strcmp(str_or_empty(a->repository), str_or_empty(b->repository)) == 0 &&
	       strcmp(str_or_empty(a->path), str_or_empty(b->path)) == 0 &&
	       strcmp(a->commit, b->commit) == 0 && a->line == b->line;
}

/* lg_report_filter's callback: keeps the findings whose flag is set, in
 * order (the filter visits them in order). */
typedef struct {
	const unsigned char *keep;
	size_t next;
} keep_flags;

static int keep_flagged(const lg_finding *f, void *payload)
{
	keep_flags *k = payload;

	(void)f;
	return k->keep[k->next++];
}

/* Drops every finding met before at the same place. */
static int drop_repeats(lg_report *r)
{
	const lg_finding **order;
	unsigned char *keep;
	keep_flags k;
	size_t i;

	if (r->count < 2)
		return 0;
	order = malloc(r->count * sizeof(*order));
	keep = malloc(r->count);
	if (!order || !keep) {
		free(order);
		free(keep);
		cli_error("out of memory");
		return -1;
	}
	for (i = 0; i < r->count; i++)
		order[i] = &r->findings[i];
	qsort(order, r->count, sizeof(*order), compare_places);
	memset(keep, 1, r->count);
	for (i = 1; i < r->count; i++)
		if (same_place(order[i - 1], order[i]))
			keep[order[i] - r->findings] = 0;
	k.keep = keep;
	k.next = 0;
	lg_report_filter(r, keep_flagged, &k);
	free(order);
	free(keep);
	return 0;
}

/* One line per repository: the last report's line wins; its findings are
 * recounted from the merged findings. */
static void collapse_repositories(lg_report *r)
{
	size_t i, j, kept = 0;

	for (i = 0; i < r->repository_count; i++) {
		lg_repository_entry *e = &r->repositories[i];

		for (j = i + 1; j < r->repository_count; j++)
			if (strcmp(r->repositories[j].path, e->path) == 0)
				break;
		if (j < r->repository_count) { /* a later line stands for it */
			free(e->path);
			free(e->error);
			continue;
		}
		r->repositories[kept++] = *e;
	}
	r->repository_count = kept;
	for (i = 0; i < kept; i++) {
		lg_repository_entry *e = &r->repositories[i];

		if (e->error)
			continue;
		e->findings = 0;
		for (j = 0; j < r->count; j++)
			if (r->findings[j].repository &&
			    strcmp(r->findings[j].repository, e->path) == 0)
				e->findings++;
	}
}

int cmd_report(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "show-secrets", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	lg_report_options ro = LG_REPORT_OPTIONS_INIT;
	const char *output = NULL;
	lg_report all;
	int c, i, err, code;

	ro.format = LG_FORMAT_HTML;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_report_format(&ro.format, optarg) != 0) {
				cli_error("unknown format '%s' (html, sarif, json, jsonl, text)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o': output = optarg; break;
		case 's': ro.show_secrets = 1; break;
		case 'h':
			report_usage(stdout);
			return EXIT_CLEAN;
		default:
			cli_error("unknown or incomplete option '%s'", argv[optind - 1]);
			report_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("no report to read: give one or more JSON reports");
		report_usage(stderr);
		return EXIT_USAGE;
	}
	memset(&all, 0, sizeof(all));
	for (i = optind; i < argc; i++) {
		lg_report one;

		if ((err = lg_report_read(&one, argv[i])) != 0) {
			cli_error("%s", lg_error_last());
			lg_report_free(&all);
			return exit_code_for(err);
		}
		if (lg_report_merge(&all, &one) != 0) {
			cli_error("%s", lg_error_last());
			lg_report_free(&one);
			lg_report_free(&all);
			return EXIT_REPO;
		}
	}
	if (drop_repeats(&all) != 0) {
		lg_report_free(&all);
		return EXIT_REPO;
	}
	collapse_repositories(&all);
	err = output ? lg_report_write_file(output, &all, &ro) : lg_report_write(stdout, &all, &ro);
	if (err)
		cli_error("%s", lg_error_last());
	code = err ? EXIT_REPO : all.count ? EXIT_FINDINGS : EXIT_CLEAN;
	lg_report_free(&all);
	return code;
}
