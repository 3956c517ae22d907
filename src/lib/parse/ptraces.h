/* go tool pprof -traces records added up per function (ptraces.c). */
#ifndef GMX_PARSE_PTRACES_H
#define GMX_PARSE_PTRACES_H

#include <stdbool.h>
#include <stddef.h>

#include "gomemdx/ptoptext.h"
#include "util/str.h"

typedef struct ptraces ptraces;

ptraces *gmx_ptraces_new(void);
void gmx_ptraces_free(ptraces *t);
/* One record: its value and its frames' functions, leaf first (views that
 * must outlive t). False when out of memory. */
bool gmx_ptraces_add(ptraces *t, const gmx_str *funcs, size_t n, double value);
/* The rows -top would print for the records added: each function's flat
 * (the records it is the leaf of) and cum (the records it is in), largest
 * flat first, then cum; the first max into rows with their shares of the
 * total, which *total receives. Returns how many. */
size_t gmx_ptraces_rows(ptraces *t, gmx_ptoptext_row *rows, size_t max, double *total);

#endif
