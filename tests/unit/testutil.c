#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *tu_read_fixture(const char *relpath, size_t *len)
{
    const char *root = getenv("GMX_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root ? root : ".", relpath);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

gmx_gbuckets *tu_buckets(const char *text, gmx_dump_info *info)
{
    gmx_gbuckets *set = gmx_gbuckets_new(NULL);
    assert_non_null(set);
    gmx_error err;
    gmx_dump_info local;
    gmx_code rc = gmx_goroutine_dump_parse("test", text, strlen(text), gmx_gbuckets_add, set,
                                           info ? info : &local, &err);
    if (rc != GMX_OK)
        fail_msg("parse failed: %s (line %llu)", err.message, (unsigned long long)err.line);
    assert_int_equal(gmx_gbuckets_finish(set), GMX_OK);
    return set;
}

const gmx_gbucket *tu_bucket_with_func(const gmx_gbuckets *set, const char *func)
{
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        for (uint32_t k = 0; k < b->nframes; k++)
            if (b->frames[k].func.n == strlen(func) &&
                memcmp(b->frames[k].func.p, func, b->frames[k].func.n) == 0)
                return b;
    }
    return NULL;
}
