/* An allocs or heap profile as allocation volume per source line (the
 * leaf frame of each sample), looked up by an escape site's file:line. */
#ifndef GMX_ANALYZE_ESCAPE_PROFILE_H
#define GMX_ANALYZE_ESCAPE_PROFILE_H

#include "gomemdx/escape.h"
#include "gomemdx/heap.h"

typedef struct gmx_esc_pline {
    gmx_str file, base;    /* base: the file name after the last '/' */
    gmx_str function;
    uint32_t line;
    int64_t bytes, objects;
} gmx_esc_pline;

typedef struct gmx_esc_profile {
    gmx_esc_pline *lines;  /* sorted by line, base, file; one per file:line */
    size_t n;
    int64_t total_bytes, total_objects;
} gmx_esc_profile;

/* NULL when out of memory. Borrows h's strings: keep h while it lives. */
gmx_esc_profile *gmx_esc_profile_new(const gmx_hsnapshot *h);
void gmx_esc_profile_free(gmx_esc_profile *p);
/* The profile line of e's file:line, or NULL. "./a/b.go" matches any path
 * ending in "/a/b.go"; absolute paths match on what follows their last
 * "/src/" (GOROOTs differ between machines). */
const gmx_esc_pline *gmx_esc_profile_find(const gmx_esc_profile *p, const gmx_esc_entry *e);

#endif
