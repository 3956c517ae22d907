/* URLs the way `go tool pprof` takes them: a service (http://host:port,
 * the pasted /debug/pprof/ page, a prefix before /debug/pprof) stands for
 * its default endpoint, anything else is the endpoint itself, and a
 * seconds=N parameter says how long the service takes to answer. */
#include "gomemdx/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_SECONDS = 3600 };

static size_t scheme_len(const char *s)
{
    if (strncasecmp(s, "http://", 7) == 0)
        return 7;
    if (strncasecmp(s, "https://", 8) == 0)
        return 8;
    return 0;
}

bool gmx_url_is_http(const char *s)
{
    return s && scheme_len(s) != 0;
}

/* seconds=N among the parameters of query [q, end); -1 when malformed. */
static long query_seconds(const char *q, const char *end)
{
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - q) > 8 && memcmp(q, "seconds=", 8) == 0) {
            long v = 0;
            for (const char *p = q + 8; p < stop; p++) {
                if (*p < '0' || *p > '9' || v > MAX_SECONDS)
                    return -1;
                v = v * 10 + (*p - '0');
            }
            return v <= MAX_SECONDS ? v : -1;
        }
        q = amp ? amp + 1 : end;
    }
    return 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Finds "/debug/" in path [p, p+n): the length of the prefix before it,
 * or n when there is none. */
static size_t prefix_before_debug(const char *p, size_t n)
{
    for (size_t i = 0; i + 7 <= n; i++)
        if (memcmp(p + i, "/debug/", 7) == 0)
            return i;
    return n;
}

gmx_code gmx_url_resolve(const char *url, const char *default_path, gmx_url_target *out,
                         gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    size_t sl = scheme_len(url);
    if (!sl)
        return gmx_error_set(err, GMX_EUSAGE, "%.200s: only http:// and https:// URLs are read",
                             url);
    size_t len = strlen(url);
    if (len > GMX_URL_MAX - 64)
        return gmx_error_set(err, GMX_EUSAGE, "%.200s...: URL longer than %d bytes", url,
                             GMX_URL_MAX - 64);
    const char *auth = url + sl, *end = url + len;
    const char *hash = strchr(auth, '#');
    if (hash)
        end = hash;
    size_t alen = strcspn(auth, "/?#");
    if (alen == 0)
        return gmx_error_set(err, GMX_EUSAGE, "%.200s: no host in the URL", url);
    const char *path = auth + alen;
    const char *q = memchr(path, '?', (size_t)(end - path));
    const char *path_end = q ? q : end;
    long seconds = q ? query_seconds(q + 1, end) : 0;
    if (seconds < 0)
        return gmx_error_set(err, GMX_EUSAGE, "%.200s: seconds= must be a number of seconds "
                             "up to %d", url, MAX_SECONDS);
    out->seconds = seconds;
    /* The host for file names: no user:password@, and only [A-Za-z0-9.-]. */
    const char *at = memchr(auth, '@', alen);
    const char *host = at ? at + 1 : auth;
    size_t hlen = (size_t)(auth + alen - host), k = 0;
    for (size_t i = 0; i < hlen && k + 1 < sizeof(out->name); i++) {
        char c = host[i];
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
        out->name[k++] = keep ? c : '_';
    }
    out->name[k] = '\0';
    if (!k)
        return gmx_error_set(err, GMX_EUSAGE, "%.200s: no host in the URL", url);
    /* The path without its trailing slashes says whether the URL is the
     * service (nothing, or .../debug/pprof) or one endpoint. */
    size_t plen = (size_t)(path_end - path);
    while (plen && path[plen - 1] == '/')
        plen--;
    out->service = plen == 0 || ends_with(path, plen, "/debug/pprof");
    size_t prefix = out->service && plen ? plen - strlen("/debug/pprof")
                                         : prefix_before_debug(path, plen);
    if (!out->service && prefix == plen)
        prefix = 0; /* an endpoint outside /debug/: the service is the host */
    snprintf(out->base, sizeof(out->base), "%.*s%.*s", (int)(path - url), url, (int)prefix, path);
    if (!out->service) {
        snprintf(out->url, sizeof(out->url), "%.*s", (int)(end - url), url);
        return GMX_OK;
    }
    const char *dp = default_path ? default_path : "";
    char secs[32] = "";
    if (seconds)
        snprintf(secs, sizeof(secs), "%sseconds=%ld", strchr(dp, '?') ? "&" : "?", seconds);
    int n = snprintf(out->url, sizeof(out->url), "%s%s%s", out->base, dp, secs);
    if (n < 0 || (size_t)n >= sizeof(out->url))
        return gmx_error_set(err, GMX_EUSAGE, "%.200s: URL too long", url);
    return GMX_OK;
}
