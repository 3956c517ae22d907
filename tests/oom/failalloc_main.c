/* gomemdx_failalloc: the CLI, with its Nth allocation failing
 * (GMX_FAIL_ALLOC=N; only that one), as SQLite's OOM tests run. At exit it
 * tells on stderr whether the failure fired, and how many allocations the
 * run made when none was armed (GMX_FAIL_ALLOC=count), for the driver
 * (tests/oom/failalloc.sh). The CLI's own main is built as gmx_cli_main. */
#undef main
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>

int gmx_cli_main(int argc, char **argv);

static const long counting = 1L << 40;
static long armed;

static void tell(void)
{
    long left = gmx_alloc_fail_countdown();
    if (armed == counting)
        fprintf(stderr, "failalloc: allocations %ld\n", counting - left);
    else
        fprintf(stderr, "failalloc: %s\n", left > 0 ? "not fired" : "fired");
}

int main(int argc, char **argv)
{
    const char *n = getenv("GMX_FAIL_ALLOC");
    if (n) {
        armed = *n == 'c' ? counting : atol(n);
        gmx_alloc_fail_after(armed, 0);
        atexit(tell);
    }
    return gmx_cli_main(argc, argv);
}
