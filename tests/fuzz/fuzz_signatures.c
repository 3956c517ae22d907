/* Fuzz target: a signature catalogue (--signatures FILE), parsed and then
 * matched against a small bucket so that compiled regexes and literal
 * prefilters run too. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/sigmatch.h"
#include "gomemdx/signatures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_signatures *s = gmx_signatures_new();
    gmx_error err;
    if (s && gmx_signatures_parse(s, "fuzz", data, size, &err) == GMX_OK) {
        static const gmx_frame frames[] = {
            { { "runtime.gopark", 14 }, { "/go/src/runtime/proc.go", 23 }, 381 },
            { { "net/http.(*persistConn).readLoop", 32 }, { "/go/src/net/http/transport.go", 29 }, 2227 },
            { { "main.(*svc).handle.func1", 24 }, { "/app/main.go", 12 }, 44 },
        };
        gmx_gbucket b = { .frames = frames, .nframes = 3, .has_creator = true,
                          .creator = frames[2], .count = 600 };
        (void)gmx_signatures_match(s, &b, (gmx_str){ "select", 6 }, false);
        (void)gmx_signatures_match(s, &b, (gmx_str){ "", 0 }, false);
    }
    gmx_signatures_free(s);
    return 0;
}
