/* Private to ingest/: the capture index a capture series leaves in each
 * service's folder (GMX_CAPTURE_TIMES_FILE, gomemdx/bundle.h), read into
 * the times of the files it names. */
#ifndef GMX_INGEST_CAPTURE_TIMES_H
#define GMX_INGEST_CAPTURE_TIMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"

typedef struct capture_time {
    char *path;              /* dir/PATH as the bundle walks it */
    int64_t time_ns;
} capture_time;

typedef struct capture_times {
    capture_time *items;     /* at most CAPTURE_TIMES_MAX over every folder */
    size_t n;
} capture_times;

#define CAPTURE_TIMES_MAX 10000

/* Adds the lines of dir's index, when it has one ("NS<TAB>PATH"; a '#'
 * comment or a malformed line is skipped: those files keep their own
 * times). Fails only when out of memory. */
gmx_code gmx_capture_times_read(capture_times *t, const char *dir, gmx_error *err);
/* The time the index gives path; false when it names none. */
bool gmx_capture_times_find(const capture_times *t, const char *path, int64_t *time_ns);
void gmx_capture_times_release(capture_times *t);

#endif
