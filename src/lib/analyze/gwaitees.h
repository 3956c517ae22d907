/* A WaitGroup's Wait in a method of a type, beside blocked goroutines that
 * the same type's methods started: the Wait counts them (a Stop waiting for
 * the workers its Start began), so they are what to fix and rank above it;
 * the waiter only shows the hang (tendermint/tendermint#7030: OnStop waits
 * while poolRoutine waits for a signal sent after the wait). */
#ifndef GMX_ANALYZE_GWAITEES_H
#define GMX_ANALYZE_GWAITEES_H

#include "gomemdx/findings.h"

/* Ranks each WaitGroup waiter just below the blocked goroutines (warning or
 * worse) that its method's type started, when there are some. */
void gmx_rank_waiters_below_waitees(gmx_findings *out, gmx_finding **waiters, size_t n);

#endif
