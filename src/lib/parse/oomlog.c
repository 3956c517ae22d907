/* Out-of-memory evidence in text logs. Each line: strip a leading
 * timestamp (RFC 3339, Go's log, syslog, dmesg), then look for the fixed
 * phrases the Go runtime (runtime/malloc.go, mem_linux.go), the Linux
 * kernel (mm/oom_kill.c: dump_oom_summary, __oom_kill_process,
 * oom_reap_task_mm) and the kubelet print. */
#include "gomemdx/oomlog.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/str.h"
#include "util/timeparse.h"

#include <string.h>
#include <strings.h>

/* "[12345.678901]" (the kernel pads the seconds with spaces). */
static size_t dmesg_time(gmx_str s, int64_t *ns)
{
    size_t i = 1;
    uint64_t secs, frac = 0;
    if (!s.n || s.p[0] != '[')
        return 0;
    while (i < s.n && s.p[i] == ' ')
        i++;
    size_t n = gmx_scan_u64(gmx_str_sub(s, i, s.n), &secs);
    if (!n || secs > INT64_MAX / 1000000000 - 1)
        return 0;
    i += n;
    size_t f = i < s.n && s.p[i] == '.' ? gmx_scan_u64(gmx_str_sub(s, i + 1, s.n), &frac) : 0;
    if (f == 0 || f > 9 || i + 1 + f >= s.n || s.p[i + 1 + f] != ']')
        return 0;
    for (size_t k = f; k < 9; k++)
        frac *= 10;
    *ns = (int64_t)secs * 1000000000 + (int64_t)frac;
    return i + 2 + f;
}

gmx_log_time gmx_log_time_at(gmx_str line, gmx_str *rest)
{
    gmx_log_time t = { GMX_LOG_TIME_NONE, 0 };
    size_t n;
    if ((n = gmx_scan_time(line, &t.ns)) != 0)
        t.kind = GMX_LOG_TIME_UNIX;
    else if ((n = gmx_scan_syslog_time(line, &t.ns)) != 0)
        t.kind = GMX_LOG_TIME_OF_YEAR;
    else if ((n = dmesg_time(line, &t.ns)) != 0)
        t.kind = GMX_LOG_TIME_BOOT;
    *rest = gmx_str_trim(gmx_str_sub(line, n, line.n));
    return t;
}

/* The number after key in s (0 when absent). */
static uint64_t number_after(gmx_str s, const char *key)
{
    size_t at = gmx_str_find(s, key);
    uint64_t v = 0;
    if (at != SIZE_MAX)
        gmx_scan_u64(gmx_str_sub(s, at + strlen(key), s.n), &v);
    return v;
}

/* The text after key in s up to the byte stop (empty when absent). */
static gmx_str text_after(gmx_str s, const char *key, char stop)
{
    size_t at = gmx_str_find(s, key);
    if (at == SIZE_MAX)
        return gmx_str_make(s.p, 0);
    gmx_str v = gmx_str_sub(s, at + strlen(key), s.n);
    const char *end = memchr(v.p, stop, v.n);
    return end ? gmx_str_sub(v, 0, (size_t)(end - v.p)) : v;
}

/* "... process PID (NAME) total-vm:NkB, anon-rss:NkB, ..." after key. */
static void killed_process(gmx_oom_event *ev, gmx_str s, const char *key)
{
    ev->pid = number_after(s, key);
    ev->process = text_after(s, " (", ')');
    ev->total_vm_kb = number_after(s, "total-vm:");
    ev->anon_rss_kb = number_after(s, "anon-rss:");
    ev->file_rss_kb = number_after(s, "file-rss:");
    ev->shmem_rss_kb = number_after(s, "shmem-rss:");
    ev->uid = number_after(s, "UID:");
}

/* "...reason" then quotes, colons and blanks, then "OOMKilled". */
static bool k8s_oom_killed(gmx_str s)
{
    size_t at = gmx_str_find(s, "OOMKilled");
    if (at == SIZE_MAX)
        return false;
    size_t i = at;
    while (i > 0 && strchr("\"': \t=", s.p[i - 1]))
        i--;
    return i >= 6 && i < at && strncasecmp(s.p + i - 6, "reason", 6) == 0;
}

/* Which evidence, if any, the line (without its timestamp) is. */
static bool classify(gmx_str s, gmx_oom_event *ev)
{
    size_t fatal = gmx_str_find(s, "fatal error: ");
    gmx_str msg = fatal == SIZE_MAX ? s : gmx_str_sub(s, fatal + 13, s.n);
    if (fatal != SIZE_MAX && gmx_str_starts(msg, "runtime: cannot map pages in arena"))
        ev->kind = GMX_OOM_GO_ARENA;
    else if (fatal != SIZE_MAX && (gmx_str_starts(msg, "out of memory") ||
                                   gmx_str_starts(msg, "runtime: out of memory")))
        ev->kind = GMX_OOM_GO_FATAL;
    else if (gmx_str_find(s, "Memory cgroup out of memory: Killed process ") != SIZE_MAX)
        ev->kind = GMX_OOM_CGROUP_KILL;
    else if (gmx_str_find(s, "Killed process ") != SIZE_MAX &&
             gmx_str_find(s, "total-vm:") != SIZE_MAX)
        ev->kind = GMX_OOM_KERNEL_KILL;
    else if (gmx_str_find(s, "oom-kill:constraint=") != SIZE_MAX)
        ev->kind = GMX_OOM_KILL_SUMMARY;
    else if (gmx_str_find(s, "oom_reaper: reaped process ") != SIZE_MAX)
        ev->kind = GMX_OOM_REAPED;
    else if (k8s_oom_killed(s))
        ev->kind = GMX_OOM_K8S_KILLED;
    else
        return false;
    return true;
}

static void details(gmx_oom_event *ev, gmx_str s)
{
    switch (ev->kind) {
    case GMX_OOM_CGROUP_KILL:
    case GMX_OOM_KERNEL_KILL:
        killed_process(ev, s, "Killed process ");
        break;
    case GMX_OOM_REAPED:
        killed_process(ev, s, "reaped process ");
        break;
    case GMX_OOM_KILL_SUMMARY:
        ev->constraint = text_after(s, "constraint=", ',');
        ev->process = text_after(s, ",task=", ',');
        ev->pid = number_after(s, ",pid=");
        ev->uid = number_after(s, ",uid=");
        break;
    default:
        break;
    }
}

/* "runtime: out of memory: cannot allocate N-byte block (M in use)",
 * printed just before the fatal error. */
static bool alloc_request(gmx_str s, uint64_t *request, uint64_t *inuse)
{
    size_t at = gmx_str_find(s, "runtime: out of memory: cannot allocate ");
    if (at == SIZE_MAX)
        return false;
    *request = number_after(s, "cannot allocate ");
    *inuse = number_after(s, "-byte block (");
    return true;
}

gmx_code gmx_oomlog_scan(const char *name, const void *data, size_t len, gmx_oom_fn fn,
                         void *ctx, gmx_error *err)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line, rest;
    gmx_log_time last = { GMX_LOG_TIME_NONE, 0 };
    bool pending = false;
    uint64_t request = 0, inuse = 0;
    while (gmx_cursor_next(&c, &line)) {
        gmx_oom_event ev;
        memset(&ev, 0, sizeof(ev));
        ev.time = gmx_log_time_at(line, &rest);
        ev.last_time = last;
        if (ev.time.kind != GMX_LOG_TIME_NONE)
            last = ev.time;
        if (alloc_request(rest, &request, &inuse)) {
            pending = true;
            continue;
        }
        if (!classify(rest, &ev))
            continue;
        ev.line = c.line;
        ev.text = rest;
        details(&ev, rest);
        if (ev.kind == GMX_OOM_GO_FATAL && pending) {
            ev.has_request = true;
            ev.request_bytes = request;
            ev.inuse_bytes = inuse;
        }
        pending = false;
        int rc = fn ? fn(ctx, &ev) : 0;
        if (rc) {
            return gmx_error_set_at_line(err, (gmx_code)rc, name, c.line, "stopped at this line");
        }
    }
    return GMX_OK;
}
