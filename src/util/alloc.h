/* The one allocation seam. Everything in gomemdx allocates through these so a
 * test can make the Nth allocation fail and check that the failure is
 * reported, not crashed on. All return NULL on failure; gmx_free(NULL) is a
 * no-op. gmx_reallocarray and gmx_mallocarray check n * size for overflow. */
#ifndef GMX_UTIL_ALLOC_H
#define GMX_UTIL_ALLOC_H

#include <stddef.h>

void *gmx_malloc(size_t size);
void *gmx_calloc(size_t n, size_t size);
void *gmx_realloc(void *p, size_t size);
void *gmx_mallocarray(size_t n, size_t size);
void *gmx_reallocarray(void *p, size_t n, size_t size);
char *gmx_strndup(const char *s, size_t n);
void gmx_free(void *p);
/* Makes room for element n of the array *arr of *cap elements of elem bytes,
 * doubling (from 16) until it fits. 0, or -1 when out of memory (*arr kept). */
int gmx_array_reserve(void **arr, size_t *cap, size_t n, size_t elem);

/* Gives the heap's free pages back to the system (glibc's malloc_trim),
 * after a phase that freed much. Safe from any thread; nothing under a
 * sanitizer, whose allocator is not glibc's. */
void gmx_heap_trim(void);

/* Test hook: the countdown-th allocation from now fails (1 = the next one),
 * and every one after it too while `sticky`. 0 disables. */
void gmx_alloc_fail_after(long countdown, int sticky);
/* The countdown left: how many more allocations until the armed failure
 * (0 once it fired and is not sticky). */
long gmx_alloc_fail_countdown(void);

#endif
