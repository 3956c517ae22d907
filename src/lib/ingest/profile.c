/* Reading a pprof profile: load, gunzip when compressed, decode; a
 * profile and its base side by side on two threads. */
#include "gomemdx/input.h"
#include "gomemdx/profile.h"

#include <pthread.h>
#include <stdbool.h>

gmx_code gmx_profile_open(const char *path, size_t max_decompressed, gmx_profile **out,
                          gmx_error *err)
{
    *out = NULL;
    gmx_input *in;
    gmx_code rc = gmx_input_open(path, &in, err);
    if (rc != GMX_OK)
        return rc;
    if ((rc = gmx_input_decompress(&in, max_decompressed, err)) != GMX_OK) {
        gmx_input_free(in);
        return rc;
    }
    return gmx_profile_decode(in, out, err);
}

/* ---- two at once ---- */

typedef struct open_job {
    const char *path;
    size_t max;
    gmx_profile *out;
    gmx_error err;
    gmx_code rc;
} open_job;

static void *open_thread(void *arg)
{
    open_job *j = arg;
    j->rc = gmx_profile_open(j->path, j->max, &j->out, &j->err);
    return NULL;
}

gmx_code gmx_profile_open_pair(const char *path_a, const char *path_b, size_t max_decompressed,
                               gmx_profile **a, gmx_profile **b, gmx_error *err)
{
    *a = *b = NULL;
    open_job ja = { .path = path_a, .max = max_decompressed };
    open_job jb = { .path = path_b, .max = max_decompressed };
    pthread_t t;
    bool threaded = pthread_create(&t, NULL, open_thread, &jb) == 0;
    open_thread(&ja);
    if (threaded)
        pthread_join(t, NULL);
    else
        open_thread(&jb);
    /* The error of the first path that failed, as two calls in order give. */
    open_job *bad = ja.rc != GMX_OK ? &ja : jb.rc != GMX_OK ? &jb : NULL;
    if (!bad) {
        *a = ja.out;
        *b = jb.out;
        return GMX_OK;
    }
    gmx_profile_free(ja.out);
    gmx_profile_free(jb.out);
    if (err)
        *err = bad->err;
    return bad->rc;
}
