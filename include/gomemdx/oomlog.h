/* Out-of-memory evidence in any text log: Go runtime fatal errors, Linux
 * OOM-killer lines (dmesg, syslog, journal) and Kubernetes OOMKilled. */
#ifndef GOMEMDX_OOMLOG_H
#define GOMEMDX_OOMLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/str.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gmx_oom_kind {
    GMX_OOM_GO_FATAL,       /* fatal error: [runtime: ]out of memory[ ...] */
    GMX_OOM_GO_ARENA,       /* fatal error: runtime: cannot map pages in arena address space */
    GMX_OOM_KERNEL_KILL,    /* Out of memory: Killed process PID (NAME) total-vm:... */
    GMX_OOM_CGROUP_KILL,    /* Memory cgroup out of memory: Killed process ... */
    GMX_OOM_KILL_SUMMARY,   /* oom-kill:constraint=...,task=NAME,pid=PID,uid=N */
    GMX_OOM_REAPED,         /* oom_reaper: reaped process PID (NAME) */
    GMX_OOM_K8S_KILLED      /* Reason: OOMKilled, "reason":"OOMKilled" */
} gmx_oom_kind;

typedef enum gmx_log_time_kind {
    GMX_LOG_TIME_NONE,
    GMX_LOG_TIME_UNIX,      /* ns since the Unix epoch (RFC 3339, Go's log package) */
    GMX_LOG_TIME_OF_YEAR,   /* syslog "Mon DD HH:MM:SS": ns since Jan 1 of an unknown year */
    GMX_LOG_TIME_BOOT       /* dmesg "[12345.678901]": ns since boot */
} gmx_log_time_kind;

typedef struct gmx_log_time {
    gmx_log_time_kind kind;
    int64_t ns;
} gmx_log_time;

typedef struct gmx_oom_event {
    gmx_oom_kind kind;
    uint64_t line;           /* 1-based line of the evidence */
    gmx_log_time time;       /* the timestamp that starts that line, if any */
    gmx_log_time last_time;  /* the last timestamp on an earlier line, if any */
    gmx_str text;            /* the line, without its timestamp */
    /* Go: from "runtime: out of memory: cannot allocate N-byte block (M in use)" */
    bool has_request;
    uint64_t request_bytes, inuse_bytes;
    /* Kernel: the killed process and its memory in kB (0 when not given). */
    uint64_t pid, uid;
    gmx_str process, constraint;
    uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb;
} gmx_oom_event;

/* Return nonzero to stop; that value is returned (a gmx_code). */
typedef int (*gmx_oom_fn)(void *ctx, const gmx_oom_event *ev);

/* Scans (data, len) line by line and calls fn for each piece of evidence;
 * views are valid during the call. Lines that are no evidence are skipped:
 * any text is valid input. name is used in error messages only. */
gmx_code gmx_oomlog_scan(const char *name, const void *data, size_t len, gmx_oom_fn fn,
                         void *ctx, gmx_error *err);

/* The timestamp at the start of line, if one parses; *rest is the line
 * after it (and the blanks that follow). */
gmx_log_time gmx_log_time_at(gmx_str line, gmx_str *rest);

#ifdef __cplusplus
}
#endif

#endif
