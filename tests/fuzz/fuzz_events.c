/* Fuzz target: events files (CSV and JSON) into a sorted, bounded list. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_events *e;
    gmx_error err;
    if (gmx_events_parse("fuzz", data, size, &e, &err) == GMX_OK) {
        size_t chars = 0;
        for (size_t i = 0; i < gmx_events_count(e); i++)
            chars += gmx_events_at(e, i)->description.n;
        (void)chars;
        gmx_events_free(e);
    }
    return 0;
}
