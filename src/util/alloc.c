#include "util/alloc.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Failure injection state. Atomic because parsers run on several threads. */
static atomic_long fail_countdown;
static atomic_int fail_sticky;

void gmx_alloc_fail_after(long countdown, int sticky)
{
    atomic_store(&fail_countdown, countdown);
    atomic_store(&fail_sticky, sticky);
}

long gmx_alloc_fail_countdown(void)
{
    return atomic_load(&fail_countdown);
}

static int should_fail(void)
{
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    if (c <= 0)
        return 0;
    c = atomic_fetch_sub(&fail_countdown, 1);
    if (c == 1) {
        if (atomic_load(&fail_sticky))
            atomic_store(&fail_countdown, 1);
        return 1;
    }
    return c < 1;
}

void *gmx_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *gmx_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *gmx_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void *gmx_mallocarray(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return gmx_malloc(n * size);
}

void *gmx_reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return gmx_realloc(p, n * size);
}

char *gmx_strndup(const char *s, size_t n)
{
    char *d = gmx_malloc(n + 1);
    if (!d)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void gmx_free(void *p)
{
    free(p);
}

int gmx_array_reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    /* Room for index n, however far past the end it is. */
    size_t grown = *cap ? *cap : 16;
    while (grown <= n) {
        if (grown > SIZE_MAX / 2)
            return -1;
        grown *= 2;
    }
    void *p = gmx_reallocarray(*arr, grown, elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = grown;
    return 0;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GMX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define GMX_SANITIZED 1
#endif
#endif

void gmx_heap_trim(void)
{
#ifndef GMX_SANITIZED
    /* glibc sets its allocator up on the first call when malloc itself was
     * never called (another allocator in front): two first calls at once
     * race. One at a time, then. */
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    malloc_trim(0);
    pthread_mutex_unlock(&lock);
#endif
}
