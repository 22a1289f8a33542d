#ifndef OUTREACH_CCURL_SHIM_H
#define OUTREACH_CCURL_SHIM_H
// Typed, non-variadic entry points for the curl_easy_setopt/getinfo calls Outreach makes:
// Swift cannot call C variadic functions.
#include <curl/curl.h>
#include <signal.h>

static inline CURLcode outreach_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode outreach_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode outreach_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode outreach_curl_set_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode outreach_curl_set_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*outreach_curl_io_callback)(char *buffer, size_t size, size_t count, void *userdata);
static inline CURLcode outreach_curl_set_read_function(CURL *h, outreach_curl_io_callback f) {
    return curl_easy_setopt(h, CURLOPT_READFUNCTION, f);
}
static inline CURLcode outreach_curl_set_write_function(CURL *h, outreach_curl_io_callback f) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode outreach_curl_set_header_function(CURL *h, outreach_curl_io_callback f) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}
static inline CURLcode outreach_curl_get_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }

/// libcurl shows every command it sends (CURLINFO_HEADER_OUT) to this callback: how Outreach
/// knows which SMTP command a refusal answered.
typedef int (*outreach_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata);
static inline CURLcode outreach_curl_set_debug_function(CURL *h, outreach_curl_debug_callback f) {
    return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, f);
}

/// CURLOPT_NOSIGNAL means libcurl no longer blocks SIGPIPE: the process ignores it.
static inline void outreach_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }
#endif
