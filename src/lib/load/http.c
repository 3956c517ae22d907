/* Concurrent HTTP GETs through one libcurl multi handle. Each transfer
 * carries its own limits (timeout, body cap, redirects) so one bad target
 * only ever costs its own transfer. Bodies go into bounded gmx_bufs; a body
 * over the cap aborts its transfer from the write callback. Proxies from
 * the environment are ignored: the services watched are reached directly. */
#include "gomemdx/http.h"
#include "gomemdx/version.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct transfer {
    struct transfer *next;
    CURL *easy;
    char *url;
    void *tag;
    int kind;
    gmx_buf body;
    int too_large;
    char errbuf[CURL_ERROR_SIZE];
} transfer;

struct gmx_scraper {
    CURLM *multi;
    gmx_fetch_limits limits;
    transfer *list;
    size_t pending;
    struct curl_slist *headers;
    char user_agent[48];
};

const char *gmx_fetch_status_name(gmx_fetch_status st)
{
    switch (st) {
    case GMX_FETCH_OK: return "ok";
    case GMX_FETCH_DOWN: return "down";
    case GMX_FETCH_SLOW: return "slow";
    case GMX_FETCH_HTTP_ERROR: return "http error";
    case GMX_FETCH_TRUNCATED: return "truncated";
    case GMX_FETCH_TOO_LARGE: return "too large";
    case GMX_FETCH_REDIRECT_LOOP: return "redirect loop";
    case GMX_FETCH_FAILED: break;
    }
    return "failed";
}

static void apply_defaults(gmx_fetch_limits *l)
{
    if (l->timeout_ms <= 0)
        l->timeout_ms = 5000;
    if (l->connect_timeout_ms <= 0)
        l->connect_timeout_ms = l->timeout_ms < 2000 ? l->timeout_ms : 2000;
    if (l->max_body == 0)
        l->max_body = GMX_FETCH_DEFAULT_MAX_BODY;
    if (l->max_redirects == 0)
        l->max_redirects = 3;
    else if (l->max_redirects < 0)
        l->max_redirects = 0;
}

gmx_code gmx_scraper_new(const gmx_fetch_limits *limits, gmx_scraper **out, gmx_error *err)
{
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return gmx_error_set(err, GMX_EINTERNAL, "libcurl failed to initialise");
    gmx_scraper *s = gmx_calloc(1, sizeof(*s));
    if (!s) {
        curl_global_cleanup();
        return gmx_error_set(err, GMX_ENOMEM, "out of memory starting the scraper");
    }
    if (limits)
        s->limits = *limits;
    apply_defaults(&s->limits);
    snprintf(s->user_agent, sizeof(s->user_agent), "gomemdx/%s", gmx_version());
    /* The caller's header strings are not kept: libcurl copies each. */
    s->limits.headers = NULL;
    for (size_t i = 0; limits && i < limits->nheaders; i++) {
        struct curl_slist *l = curl_slist_append(s->headers, limits->headers[i]);
        if (!l) {
            gmx_scraper_free(s);
            return gmx_error_set(err, GMX_ENOMEM, "out of memory starting the scraper");
        }
        s->headers = l;
    }
    s->multi = curl_multi_init();
    if (!s->multi) {
        gmx_scraper_free(s);
        return gmx_error_set(err, GMX_EINTERNAL, "libcurl failed to make a multi handle");
    }
    *out = s;
    return GMX_OK;
}

static void transfer_free(gmx_scraper *s, transfer *t)
{
    if (t->easy) {
        curl_multi_remove_handle(s->multi, t->easy);
        curl_easy_cleanup(t->easy);
    }
    gmx_buf_release(&t->body);
    gmx_free(t->url);
    gmx_free(t);
}

void gmx_scraper_free(gmx_scraper *s)
{
    if (!s)
        return;
    while (s->list) {
        transfer *t = s->list;
        s->list = t->next;
        transfer_free(s, t);
    }
    if (s->multi)
        curl_multi_cleanup(s->multi);
    curl_slist_free_all(s->headers);
    gmx_free(s);
    curl_global_cleanup();
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
    transfer *t = userp;
    size_t bytes = size * n;
    if (gmx_buf_append(&t->body, data, bytes) != 0) {
        t->too_large = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return bytes;
}

static int setup_easy(gmx_scraper *s, transfer *t, long timeout_ms)
{
    const gmx_fetch_limits *l = &s->limits;
    long connect_ms = l->connect_timeout_ms < timeout_ms ? l->connect_timeout_ms : timeout_ms;
    CURL *e = t->easy;
    int bad = 0;
    bad |= curl_easy_setopt(e, CURLOPT_URL, t->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, t) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, t) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, l->max_redirects) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROXY, "") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)l->max_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, s->user_agent) != CURLE_OK;
    if (s->headers)
        bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers) != CURLE_OK;
    if (l->insecure) {
        bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK;
        bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK;
    }
    return bad;
}

gmx_code gmx_scraper_get(gmx_scraper *s, const char *url, long timeout_ms, void *tag, int kind,
                         gmx_error *err)
{
    transfer *t = gmx_calloc(1, sizeof(*t));
    if (!t || !(t->url = gmx_strndup(url, strlen(url)))) {
        gmx_free(t);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory queueing %s", url);
    }
    t->tag = tag;
    t->kind = kind;
    gmx_buf_init(&t->body, s->limits.max_body);
    t->easy = curl_easy_init();
    if (!t->easy || setup_easy(s, t, timeout_ms > 0 ? timeout_ms : s->limits.timeout_ms) ||
        curl_multi_add_handle(s->multi, t->easy) != CURLM_OK) {
        transfer_free(s, t);
        return gmx_error_set(err, GMX_EINTERNAL, "libcurl refused to queue %s", url);
    }
    t->next = s->list;
    s->list = t;
    s->pending++;
    return GMX_OK;
}

size_t gmx_scraper_pending(const gmx_scraper *s)
{
    return s ? s->pending : 0;
}

static gmx_fetch_status classify(CURLcode rc, const transfer *t, long http_code)
{
    switch (rc) {
    case CURLE_OK:
        return http_code >= 200 && http_code < 300 ? GMX_FETCH_OK : GMX_FETCH_HTTP_ERROR;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
        return GMX_FETCH_DOWN;
    case CURLE_RECV_ERROR:
        return t->body.len ? GMX_FETCH_TRUNCATED : GMX_FETCH_DOWN;
    case CURLE_OPERATION_TIMEDOUT:
        return GMX_FETCH_SLOW;
    case CURLE_PARTIAL_FILE:
        return GMX_FETCH_TRUNCATED;
    case CURLE_FILESIZE_EXCEEDED:
        return GMX_FETCH_TOO_LARGE;
    case CURLE_WRITE_ERROR:
        return t->too_large ? GMX_FETCH_TOO_LARGE : GMX_FETCH_FAILED;
    case CURLE_TOO_MANY_REDIRECTS:
        return GMX_FETCH_REDIRECT_LOOP;
    default:
        return GMX_FETCH_FAILED;
    }
}

static void describe(char *msg, size_t n, gmx_fetch_status st, CURLcode rc, const transfer *t,
                     long http_code, const gmx_fetch_limits *l)
{
    const char *what = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
    switch (st) {
    case GMX_FETCH_OK:
        msg[0] = '\0';
        return;
    case GMX_FETCH_HTTP_ERROR:
        snprintf(msg, n, "GET %s: http error: status %ld", t->url, http_code);
        return;
    case GMX_FETCH_TOO_LARGE:
        snprintf(msg, n, "GET %s: too large: body over the %zu-byte cap", t->url, l->max_body);
        return;
    case GMX_FETCH_REDIRECT_LOOP:
        snprintf(msg, n, "GET %s: redirect loop: more than %ld redirects", t->url,
                 l->max_redirects);
        return;
    default:
        snprintf(msg, n, "GET %s: %s: %s", t->url, gmx_fetch_status_name(st), what);
        return;
    }
}

static void finish(gmx_scraper *s, CURLMsg *m, gmx_fetch_fn fn, void *ctx)
{
    transfer *t = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
    long http_code = 0;
    double seconds = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &http_code);
    curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &seconds);
    CURLcode rc = m->data.result;
    gmx_fetch_status st = classify(rc, t, http_code);
    if (st == GMX_FETCH_OK && t->body.failed)
        st = GMX_FETCH_TOO_LARGE;
    char msg[600];
    describe(msg, sizeof(msg), st, rc, t, http_code, &s->limits);
    gmx_fetch f = { t->url, t->tag, t->kind, st, http_code,
                    st == GMX_FETCH_OK ? (t->body.data ? t->body.data : "") : NULL,
                    st == GMX_FETCH_OK ? t->body.len : 0, seconds, msg };
    /* Unlink before the callback, which may queue new transfers. */
    for (transfer **p = &s->list; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    s->pending--;
    fn(ctx, &f);
    transfer_free(s, t);
}

static int drain(gmx_scraper *s, gmx_fetch_fn fn, void *ctx)
{
    int done = 0, left;
    CURLMsg *m;
    while ((m = curl_multi_info_read(s->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        finish(s, m, fn, ctx);
        done++;
    }
    return done;
}

gmx_code gmx_scraper_run(gmx_scraper *s, int wait_ms, gmx_fetch_fn fn, void *ctx, gmx_error *err)
{
    int running;
    if (curl_multi_perform(s->multi, &running) != CURLM_OK)
        return gmx_error_set(err, GMX_EINTERNAL, "libcurl multi transfer failed");
    if (drain(s, fn, ctx))
        return GMX_OK;
    if (curl_multi_poll(s->multi, NULL, 0, wait_ms < 0 ? 0 : wait_ms, NULL) != CURLM_OK)
        return gmx_error_set(err, GMX_EINTERNAL, "libcurl multi poll failed");
    if (curl_multi_perform(s->multi, &running) != CURLM_OK)
        return gmx_error_set(err, GMX_EINTERNAL, "libcurl multi transfer failed");
    drain(s, fn, ctx);
    return GMX_OK;
}
