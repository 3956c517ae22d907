/* Fuzz target: a capture index (capture-times.tsv) read from a scratch
 * folder, then looked up: any bytes, never out of bounds or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gomemdx/bundle.h"
#include "ingest/capture_times.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void remove_dir(void)
{
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/gomemdx-fuzz-times-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    snprintf(path, sizeof(path), "%s/%s", dir, GMX_CAPTURE_TIMES_FILE);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    capture_times t = { 0 };
    if (gmx_capture_times_read(&t, dir, NULL) == 0) {
        int64_t ns;
        for (size_t i = 0; i < t.n; i++)
            if (!gmx_capture_times_find(&t, t.items[i].path, &ns) || ns < 0)
                abort();
    }
    gmx_capture_times_release(&t);
    unlink(path);
    return 0;
}
