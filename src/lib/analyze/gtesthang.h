/* A test binary's timeout: what kept the test from finishing. */
#ifndef GMX_ANALYZE_GTESTHANG_H
#define GMX_ANALYZE_GTESTHANG_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/gbuckets.h"

/* The -timeout of a test binary whose alarm wrote the dump, in whole minutes
 * (at least 1), from the panic's message ("test timed out after 30m0s",
 * testing's alarm); 0 when the message is not that. */
uint32_t gmx_test_timeout_minutes(gmx_str message);

/* b's goroutines run a test function (a Test* frame that testing.tRunner
 * called, a subtest's closure too) and wait outside package testing: a
 * test's own goroutine blocked in the code it tests, not one paused by
 * t.Parallel or waiting in t.Run for its subtests. */
bool gmx_gtest_own_wait(const gmx_gbucket *b);

#endif
