/* The watch store: one SQLite file (WAL mode) holding what `gomemdx watch`
 * learned — the targets, their samples as time series, the gaps when a
 * target could not be sampled, and the captures of full evidence with
 * their files as blobs. Every write is its own committed transaction with
 * synchronous=FULL: when a call returns GMX_OK the data survives a kill -9
 * of the process (and a power cut). Reopened, the store resumes: targets
 * are found again by URL. */
#ifndef GOMEMDX_STORE_H
#define GOMEMDX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_store gmx_store;

typedef enum gmx_store_mode {
    GMX_STORE_READ = 0,  /* read only: what history and diagnose --store need;
                          * works on a store the caller cannot write */
    GMX_STORE_CREATE     /* read and write, making the store and its schema
                          * when missing (watch) */
} gmx_store_mode;

/* Opens the store at path. GMX_EIO when it cannot be opened or is not a
 * gomemdx store. */
gmx_code gmx_store_open(const char *path, gmx_store_mode mode, gmx_store **out, gmx_error *err);
/* Closes; NULL is a no-op. */
void gmx_store_close(gmx_store *s);

/* The id of the target with this URL, added (at now_ns) when new. */
gmx_code gmx_store_target(gmx_store *s, const char *url, int64_t now_ns, int64_t *id,
                          gmx_error *err);
/* The id of the target named by spec: its id in decimal, or its URL.
 * GMX_EUSAGE when there is none. */
gmx_code gmx_store_find_target(gmx_store *s, const char *spec, int64_t *id, gmx_error *err);

/* Writes, each committed before returning. */
gmx_code gmx_store_add_sample(gmx_store *s, int64_t target, const gmx_msample *m,
                              gmx_error *err);
gmx_code gmx_store_add_gap(gmx_store *s, int64_t target, int64_t time_ns, const char *status,
                           const char *message, gmx_error *err);

typedef struct gmx_store_file {
    const char *name;        /* "goroutine.debug2.txt", "heap.pb.gz", ... */
    const void *data;
    size_t len;
} gmx_store_file;

/* A capture and all its files in one transaction; *id is its id. */
gmx_code gmx_store_add_capture(gmx_store *s, int64_t target, int64_t time_ns, const char *reason,
                               bool complete, const gmx_store_file *files, size_t nfiles,
                               int64_t *id, gmx_error *err);
/* Records the capture's diagnosis in one line (its rank-1 finding). */
gmx_code gmx_store_set_summary(gmx_store *s, int64_t capture, const char *summary,
                               gmx_error *err);

/* Reading. Lists are owned by the caller: free with the matching _free. */
typedef struct gmx_store_target_info {
    int64_t id;
    char *url;
    uint64_t samples, gaps, captures;
    int64_t first_ns, last_ns;   /* of the samples; 0 when none */
    char *last_gap;              /* message of the latest gap, or NULL */
} gmx_store_target_info;

gmx_code gmx_store_list_targets(gmx_store *s, gmx_store_target_info **out, size_t *n,
                                gmx_error *err);
void gmx_store_targets_free(gmx_store_target_info *t, size_t n);

/* The target's latest samples (at most max; 0 = all), oldest first. */
gmx_code gmx_store_samples(gmx_store *s, int64_t target, size_t max, gmx_msample **out,
                           size_t *n, gmx_error *err);
void gmx_store_samples_free(gmx_msample *m);

typedef struct gmx_store_capture_info {
    int64_t id, target;
    int64_t time_ns;
    char *reason;
    char *summary;               /* NULL until diagnosed */
    bool complete;               /* every file that was asked for came */
    uint64_t files, bytes;
} gmx_store_capture_info;

/* Captures of one target (0 = all), oldest first. */
gmx_code gmx_store_list_captures(gmx_store *s, int64_t target, gmx_store_capture_info **out,
                                 size_t *n, gmx_error *err);
void gmx_store_captures_free(gmx_store_capture_info *c, size_t n);

/* Calls fn for each file of the capture, in name order (the file is
 * borrowed for the call); a nonzero return stops and is returned.
 * GMX_EUSAGE when there is no such capture. */
typedef int (*gmx_store_file_fn)(void *ctx, const gmx_store_file *f);
gmx_code gmx_store_capture_files(gmx_store *s, int64_t capture, gmx_store_file_fn fn, void *ctx,
                                 gmx_error *err);
/* The same with each file's name and length only (data NULL): no file's
 * bytes are read. */
gmx_code gmx_store_capture_file_names(gmx_store *s, int64_t capture, gmx_store_file_fn fn,
                                      void *ctx, gmx_error *err);
/* The same for the one file called name (fn is not called when the
 * capture has none). */
gmx_code gmx_store_capture_file(gmx_store *s, int64_t capture, const char *name,
                                gmx_store_file_fn fn, void *ctx, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
