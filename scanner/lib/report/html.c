/*
 * html.c - the report for people who read it in a browser: one page that
 * holds everything (no font, script, style or image from elsewhere), so it
 * works offline and from an email attachment.
 *
 * The page is a fixed shell, its stylesheet and script (report.css and
 * report.js, compiled in), and the report's data: the JSON report itself,
 * in a <script type="application/json"> block that the script reads and
 * renders with textContent alone. So no string from a repository or a rule
 * file is ever parsed as markup, here or in the browser; the one escaping
 * that matters is the data block's, which must not let the HTML parser
 * see its end ("</script") or a comment start early: every '<', '>' and
 * '&' is written as a JSON \u escape (valid only inside JSON strings, the
 * only place they can occur), and so are U+2028 and U+2029.
 *
 * A Content-Security-Policy meta tag allows nothing but that one script
 * and that one stylesheet, by their SHA-256 (computed here, as they are
 * written): the page can load nothing and send nothing, and an injected
 * script or style would not run.
 */
#include "report/report.h"

#include <string.h>

/* Appends the JSON text `json` with '<', '>', '&', U+2028 and U+2029 as
 * \u escapes, so that it is inert inside a <script> element. */
static int append_script_safe_json(lg_buf *b, const char *json, size_t len)
{
	size_t i, start = 0;
	int err = 0;

	for (i = 0; !err && i < len; i++) {
		const char *esc = NULL;
		size_t skip = 1;

		switch (json[i]) {
		case '<': esc = "\\u003c"; break;
		case '>': esc = "\\u003e"; break;
		case '&': esc = "\\u0026"; break;
		case '\xE2':
			if (i + 2 < len && json[i + 1] == '\x80' &&
			    (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
				esc = json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
				skip = 3;
			}
			break;
		default: break;
		}
		if (!esc)
			continue;
		err = lg_buf__add(b, json + start, i - start);
		if (!err)
			err = lg_buf__puts(b, esc);
		i += skip - 1;
		start = i + 1;
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
	"<tbody></tbody></table>\n</section>\n"
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
	"<table id=\"finding-table\"><thead><tr></tr></thead><tbody></tbody></table>\n"
	"<button id=\"show-more\" type=\"button\" hidden>show more</button>\n"
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
		err = lg_report__json_doc(&json, r, o, 0);
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
