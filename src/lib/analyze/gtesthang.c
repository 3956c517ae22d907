/* The testing package panics "test timed out after D" when a test runs past
 * the binary's -timeout and prints every goroutine. A test that was busy
 * (running, runnable) was only slow; a test whose own goroutine waited in
 * the code it tests for most of D is what hung the binary (a select no case
 * of which became ready, a lock never released), even when no single wait
 * reaches the hour a long-running service's goroutine is allowed. */
#include "analyze/gtesthang.h"
#include "analyze/frames.h"
#include "util/str.h"
#include "util/timeparse.h"

static const char TIMED_OUT[] = "test timed out after ";

uint32_t gmx_test_timeout_minutes(gmx_str message)
{
    double seconds;
    if (!gmx_str_starts(message, TIMED_OUT) ||
        !gmx_scan_go_duration(gmx_str_sub(message, sizeof(TIMED_OUT) - 1, message.n), &seconds) ||
        !(seconds > 0))
        return 0;
    return seconds < 60 ? 1 : (uint32_t)(seconds / 60);
}

/* The function's own name, after its package: "TestX.func1" of
 * "example.com/p.TestX.func1". */
static gmx_str own_name(gmx_str func)
{
    gmx_str pkg = gmx_func_package(func);
    return pkg.n < func.n ? gmx_str_sub(func, pkg.n + 1, func.n) : func;
}

static bool in_testing(gmx_str func)
{
    return gmx_str_eq_cstr(gmx_func_package(func), "testing");
}

bool gmx_gtest_own_wait(const gmx_gbucket *b)
{
    for (uint32_t i = 1; i < b->nframes; i++) {
        if (!gmx_str_eq_cstr(b->frames[i].func, "testing.tRunner"))
            continue;
        if (!gmx_str_starts(own_name(b->frames[i - 1].func), "Test"))
            return false;
        /* waiting inside package testing: paused, or its subtests' parent */
        for (uint32_t k = 0; k < i; k++)
            if (in_testing(b->frames[k].func))
                return false;
        return true;
    }
    return false;
}
