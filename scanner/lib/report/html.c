/*
 * html.c - the report for people who read it in a browser: one page that
 * holds everything (no font, script, style or image from elsewhere), so it
 * works offline and from an email attachment.
 *
 * The page is a fixed shell, its stylesheet and script (report.css and
 * report.js, compiled in), and the report's data: the report in columns
 * (lg_report__html_data, json.c: it opens fast with 10,000 findings), in a
 * <script type="application/json"> block that the script reads and renders
 * with textContent alone. So no string from a repository or a rule
 * file is ever parsed as markup, here or in the browser; the one escaping
 * that matters is the data block's, which must not let the HTML parser
 * see its end ("</script") or a comment start early: every '<', '>' and
 * '&' is written as a JSON \u escape (valid only inside JSON strings, the
 * only place they can occur), and so is every non-ASCII character.
 *
 * A Content-Security-Policy meta tag allows nothing but that one script
 * and that one stylesheet, by their SHA-256 (computed here, as they are
 * written): the page can load nothing and send nothing, and an injected
 * script or style would not run.
 */
#include "report/report.h"

#include <stdint.h>
#include <string.h>

/* The code point of the valid UTF-8 sequence of `n` bytes at s. */
static uint32_t utf8_code_point(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	return cp;
}

/* Appends the JSON text `json` as pure ASCII that is inert inside a
 * <script> element: '<', '>', '&' and every non-ASCII character as \u
 * escapes (a pair of them past U+FFFF). No '<' means no "</script" and no
 * "<!--"; the \u escapes occur only inside JSON strings, the only place
 * such characters can be, so the JSON means the same. Pure ASCII also
 * keeps the browser on its fast path (8-bit strings from the decoder to
 * JSON.parse) and the data intact if the file is opened with the wrong
 * character set. A byte that is not valid UTF-8 (lg_buf__json_string
 * writes none) becomes U+FFFD. */
static int append_script_safe_json(lg_buf *b, const char *json, size_t len)
{
	const unsigned char *u = (const unsigned char *)json;
	size_t i, start = 0, n;
	int err = 0;

	for (i = 0; !err && i < len; i += n) {
		uint32_t cp;

		n = 1;
		if (u[i] < 0x80 && u[i] != '<' && u[i] != '>' && u[i] != '&')
			continue;
		err = lg_buf__add(b, json + start, i - start);
		if (u[i] < 0x80) {
			cp = u[i];
		} else if ((n = lg__utf8_sequence_length(u + i, len - i)) != 0) {
			cp = utf8_code_point(u + i, n);
		} else {
			n = 1;
			cp = 0xFFFD;
		}
		if (!err && cp > 0xFFFF)
			err = lg_buf__printf(b, "\\u%04x\\u%04x",
					     (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
					     (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
		else if (!err)
			err = lg_buf__printf(b, "\\u%04x", (unsigned)cp);
		start = i + n;
	}
	return err ? err : lg_buf__add(b, json + start, len - start);
}

/* Appends "'sha256-<base64>'" for a Content-Security-Policy source list. */
static int append_csp_hash(lg_buf *b, const char *text, size_t len)
{
	unsigned char digest[32];
	int err = lg__sha256(digest, text, len);

	if (!err)
		err = lg_buf__puts(b, "'sha256-");
	if (!err)
		err = lg__base64(b, digest, sizeof(digest));
	return err ? err : lg_buf__puts(b, "'");
}

/* The page's head: the policy, the stylesheet. */
static int append_head(lg_buf *b)
{
	int err = lg_buf__puts(b,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"script-src ");

	if (!err)
		err = append_csp_hash(b, lg_html_js, lg_html_js_len);
	if (!err)
		err = lg_buf__puts(b, "; style-src ");
	if (!err)
		err = append_csp_hash(b, lg_html_css, lg_html_css_len);
	if (!err)
		err = lg_buf__puts(b, "; img-src 'none'; connect-src 'none'; base-uri 'none'; "
				   "form-action 'none'\">\n"
				   "<meta name=\"referrer\" content=\"no-referrer\">\n"
				   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
				   "<title>leakgate report</title>\n<style>");
	if (!err)
		err = lg_buf__add(b, lg_html_css, lg_html_css_len);
	return err ? err : lg_buf__puts(b, "</style>\n</head>\n");
}

/* The fixed markup the script fills; it holds no data. */
static const char page_body[] =
	"<body>\n"
	"<noscript><p class=\"noscript\">This report is drawn by its own script: "
	"open it in a browser with JavaScript on.</p></noscript>\n"
	"<header>\n<h1>leakgate report</h1>\n<dl id=\"scan-facts\"></dl>\n</header>\n"
	"<main>\n"
	"<section id=\"repositories\" hidden>\n<h2>Repositories</h2>\n"
	"<table id=\"repo-table\"><thead><tr><th>repository</th><th>findings</th>"
	"<th>worst severity</th><th>commits</th><th>blobs</th><th>error</th></tr></thead>"
	"<tbody></tbody></table>\n"
	"<button id=\"repo-more\" type=\"button\" hidden></button>\n</section>\n"
	"<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n"
	"<figure id=\"by-severity\"><figcaption>Findings by severity</figcaption></figure>\n"
	"<figure id=\"by-provider\"><figcaption>Findings by provider</figcaption></figure>\n"
	"<figure id=\"timeline\"><figcaption>Secrets introduced, by month</figcaption></figure>\n"
	"<figure id=\"top-repositories\"><figcaption>Top repositories</figcaption></figure>\n"
	"<figure id=\"newest\"><figcaption>Newest findings</figcaption></figure>\n"
	"<figure id=\"new-in-run\" hidden><figcaption>New in this run</figcaption></figure>\n"
	"</div>\n</section>\n"
	"<section id=\"findings\">\n<h2>Findings</h2>\n<div class=\"filters\">\n"
	"<input id=\"filter-text\" type=\"search\" placeholder=\"filter: path, rule, author, "
	"fingerprint\" aria-label=\"filter by text\">\n"
	"<select id=\"filter-severity\" aria-label=\"severity\"></select>\n"
	"<select id=\"filter-rule\" aria-label=\"rule\"></select>\n"
	"<select id=\"filter-repository\" aria-label=\"repository\"></select>\n"
	"<span id=\"shown-count\"></span>\n</div>\n"
	"<div id=\"finding-scroll\"><table id=\"finding-table\"><thead><tr></tr></thead>"
	"<tbody></tbody></table></div>\n"
	"</section>\n</main>\n"
	"<footer>Generated by leakgate. Secrets are redacted unless the report was written "
	"with --show-secrets.</footer>\n";

int lg_report__html(FILE *f, const lg_report *r, const lg_report_options *o)
{
	lg_buf json = LG_BUF_INIT, b = LG_BUF_INIT;
	int err = append_head(&b);

	if (!err)
		err = lg_buf__puts(&b, page_body);
	if (!err)
		err = lg_buf__puts(&b, "<script type=\"application/json\" id=\"report-data\">");
	if (!err)
		err = lg_report__html_data(&json, r, o);
	if (!err)
		err = append_script_safe_json(&b, json.ptr ? json.ptr : "", json.len);
	lg_buf__release(&json);
	if (!err)
		err = lg_buf__puts(&b, "</script>\n<script>");
	if (!err)
		err = lg_buf__add(&b, lg_html_js, lg_html_js_len);
	if (!err)
		err = lg_buf__puts(&b, "</script>\n</body>\n</html>\n");
	if (!err)
		err = lg_report__flush(f, &b);
	lg_buf__release(&b);
	return err;
}
