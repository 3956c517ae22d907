/* Fuzz target: the OOM evidence scanner over arbitrary text. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/oomlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int touch(void *ctx, const gmx_oom_event *ev)
{
    size_t *chars = ctx;
    *chars += ev->text.n + ev->process.n + ev->constraint.n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t chars = 0;
    gmx_error err;
    gmx_oomlog_scan("fuzz", data, size, touch, &chars, &err);
    return 0;
}
