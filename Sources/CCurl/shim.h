#ifndef FEEDD_CCURL_SHIM_H
#define FEEDD_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/eventfd.h>  /* wakes the engine thread's poll */

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
   Each value kind gets its own typed, non-variadic wrapper. */

static inline CURLcode feedd_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode feedd_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode feedd_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode feedd_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode feedd_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*feedd_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*feedd_progress_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                       curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode feedd_easy_setopt_data_callback(CURL *handle, CURLoption option, feedd_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode feedd_easy_setopt_progress_callback(CURL *handle, feedd_progress_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode feedd_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode feedd_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode feedd_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLAUTH_BASIC is a macro with a cast Swift does not import. */
static const long feedd_auth_basic = (long)CURLAUTH_BASIC;

static inline CURLMcode feedd_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/* The multi handle's socket and timer callbacks, each with the pointer it is given back. */
static inline CURLMcode feedd_multi_set_callbacks(CURLM *multi, curl_socket_callback socket_callback,
                                                  curl_multi_timer_callback timer_callback, void *userp) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_callback);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, userp);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_callback);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERDATA, userp);
    return code;
}

/* What curl_multi_socket_action takes for "a timer is due" rather than a socket. */
static const curl_socket_t feedd_socket_timeout = CURL_SOCKET_TIMEOUT;

#endif
