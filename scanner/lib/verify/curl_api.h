/*
 * verify/curl_api.h - the libcurl functions live verification calls, as a
 * table curl_api.c fills when verification first needs them (curl_api.c
 * says why libcurl is loaded then and not at start-up). Included only by
 * the verify files that call libcurl, so curl.h stays in this room; not
 * public API.
 */
#ifndef LG_VERIFY_CURL_API_H
#define LG_VERIFY_CURL_API_H

#include <curl/curl.h>

/* The soname loaded: libcurl's stable ABI since 7.16. */
#define LG_CURL_SONAME "libcurl.so.4"

/* Members are not named after the functions: curl.h defines some of those
 * names as macros (curl_easy_setopt's type checks), which would expand
 * after `->`. */
typedef struct {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	void (*easy_cleanup)(CURL *h);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *extra, unsigned extra_count,
				int timeout_ms, int *ret);
	CURLMcode (*multi_cleanup)(CURLM *m);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *u, CURLUPart part, const char *content, unsigned flags);
	CURLUcode (*url_get)(CURLU *u, CURLUPart part, char **out, unsigned flags);
	void (*url_cleanup)(CURLU *u);
	void (*mem_free)(void *p);
} lg_curl_api;

/* libcurl's functions, loaded by the first call in the process (any
 * thread; later calls return the same table, or the same failure). The
 * table is borrowed and lives as long as the process. LG_ERROR when
 * libcurl cannot be loaded or lacks a function, with a message naming
 * libcurl.so.4 and the dynamic loader's reason. */
int lg_verify__curl(const lg_curl_api **out);

/* The loading itself, of `soname`, into `out`, every time it is called
 * (lg_verify__curl calls it once with LG_CURL_SONAME; the tests call it
 * with libraries that are not libcurl). LG_ERROR with the message
 * lg_verify__curl gives. */
int lg_verify__curl_load(lg_curl_api *out, const char *soname);

#endif
