/* fuzz_report.c - the JSON, JSON Lines, SARIF, text and HTML writers fed hostile
 * paths, secrets and authors: JSON output must always parse, text output
 * must hold no control character but newlines, and no secret may appear in
 * full without show_secrets. */
#define _GNU_SOURCE /* memmem */
#include "leakgate.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const lg_rule rule = {
	.id = "fuzz-rule", .name = "Fuzz rule", .description = "d",
	.severity = LG_SEVERITY_HIGH, .confidence = LG_CONFIDENCE_HIGH,
	.regex = "x", .source_file = "fuzz.json",
};

/* Splits the input into three NUL-free strings: path, secret, author. */
static void split(char *parts[3], const uint8_t *data, size_t size)
{
	size_t start = 0, i, k = 0;

	for (i = 0; i <= size && k < 3; i++) {
		if (i == size || data[i] == 0) {
			parts[k] = malloc(i - start + 1);
			memcpy(parts[k], data + start, i - start);
			parts[k][i - start] = '\0';
			k++;
			start = i + 1;
		}
	}
	for (; k < 3; k++)
		parts[k] = strdup("");
}

/* Renders `r` in `format`; the caller frees *out. */
static size_t render(char **out, const lg_report *r, lg_format format)
{
	lg_report_options o = LG_REPORT_OPTIONS_INIT;
	size_t len = 0;
	FILE *f = open_memstream(out, &len);

	o.format = format;
	if (!f)
		abort();
	lg_report_write(f, r, &o);
	fclose(f);
	return len;
}

static size_t occurrences(const char *buf, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	const char *p = buf, *end = buf + len;

	while (k && (p = memmem(p, (size_t)(end - p), needle, k))) {
		n++;
		p++;
	}
	return n;
}

/*
 * The HTML page: exactly two scripts (the data block and the program), the
 * data block pure ASCII, free of anything the HTML parser could take for
 * markup ('<', '>', '&'), and valid JSON.
 */
static void check_html(const char *buf, size_t len)
{
	static const char open[] = "<script type=\"application/json\" id=\"report-data\">";
	const char *data, *end, *p;
	cJSON *doc;

	if (occurrences(buf, len, "<script") != 2 || occurrences(buf, len, "</script") != 2)
		abort();
	data = memmem(buf, len, open, sizeof(open) - 1);
	if (!data)
		abort();
	data += sizeof(open) - 1;
	end = memmem(data, len - (size_t)(data - buf), "</script>", 9);
	if (!end)
		abort();
	for (p = data; p < end; p++)
		if (*p == '<' || *p == '>' || *p == '&' || (unsigned char)*p >= 0x80)
			abort();
	doc = cJSON_ParseWithLength(data, (size_t)(end - data));
	if (!doc)
		abort();
	cJSON_Delete(doc);
}

/*
 * Checks one format: JSON and SARIF parse, text holds no control byte but
 * newlines, and the secret appears no more often than when the finding
 * holds an unrelated secret of the same length (escaping other fields can
 * produce the secret's characters; the secret field itself must not).
 */
static void write_and_check(lg_report *r, lg_format format)
{
	lg_finding *f = &r->findings[0];
	char *secret = f->secret, *other = strdup(secret), *buf, *alt;
	size_t len, alt_len, i;

	for (i = 0; other[i]; i++)
		other[i] = (char)('G' + (i % 7));
	len = render(&buf, r, format);
	f->secret = f->line_text = other;
	alt_len = render(&alt, r, format);
	f->secret = f->line_text = secret;
	if (format == LG_FORMAT_JSON || format == LG_FORMAT_SARIF) {
		cJSON *doc = cJSON_ParseWithLength(buf, len);

		if (!doc)
			abort();
		cJSON_Delete(doc);
	}
	if (format == LG_FORMAT_HTML)
		check_html(buf, len);
	if (format == LG_FORMAT_TEXT)
		for (i = 0; i < len; i++)
			if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f)
				abort();
	if (strlen(secret) >= 8 && strcmp(secret, other) != 0 &&
	    occurrences(buf, len, secret) > occurrences(alt, alt_len, secret))
		abort();
	free(buf);
	free(alt);
	free(other);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *parts[3];
	lg_finding f;
	lg_report r;
	lg_location loc;

	split(parts, data, size);
	memset(&f, 0, sizeof(f));
	memset(&r, 0, sizeof(r));
	f.rule = &rule;
	f.path = parts[0];
	f.secret = parts[1];
	f.secret_len = strlen(parts[1]);
	f.line_text = parts[1];
	f.author_name = parts[2];
	f.author_email = parts[2];
	f.line = 1;
	f.column = 1;
	f.end_column = 2;
	f.author_time = (int64_t)size * 1000003 - 5000000;
	f.author_offset = (int)(size % 2000) - 1000;
	memcpy(f.commit, "0123456789abcdef0123456789abcdef01234567", 41);
	memcpy(f.blob, f.commit, 41);
	lg_fingerprint(f.fingerprint, rule.id, f.secret, f.secret_len);
	loc.path = parts[0];
	memcpy(loc.commit, f.commit, 41);
	f.also_in = &loc;
	f.also_in_count = 1;
	r.findings = &f;
	r.count = 1;
	write_and_check(&r, LG_FORMAT_JSON);
	write_and_check(&r, LG_FORMAT_JSONL);
	write_and_check(&r, LG_FORMAT_SARIF);
	write_and_check(&r, LG_FORMAT_TEXT);
	write_and_check(&r, LG_FORMAT_HTML);
	free(parts[0]);
	free(parts[1]);
	free(parts[2]);
	return 0;
}
