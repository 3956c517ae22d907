/* Fuzz target: gomemdx convert. The input is split as goroutine label text
 * (parse/glabels), then converted whole as a dump into a goroutine profile
 * that is decoded again: every goroutine converted must be in it; and the
 * profile is read back as goroutines (the labels convert adds: state,
 * creator, wait, the ids a stack spans). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomemdx/convert.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(gmx_str s, const void *base, size_t n)
{
    const char *b = base;
    return s.n == 0 || (s.p >= b && s.p + s.n <= b + n);
}

static void split_labels(const uint8_t *data, size_t size)
{
    char *scratch = malloc(size ? size : 1);
    gmx_label_kv pairs[8];
    if (!scratch)
        return;
    int n = gmx_goroutine_labels_split((gmx_str){ (const char *)data, size }, scratch, pairs, 8);
    for (int i = 0; i < n; i++)
        if (!(inside(pairs[i].key, data, size) || inside(pairs[i].key, scratch, size)) ||
            !(inside(pairs[i].value, data, size) || inside(pairs[i].value, scratch, size)))
            abort();
    free(scratch);
}

/* The profile written decodes, and its samples add up to what was read. */
static void read_back(const void *gz, size_t len, uint64_t goroutines)
{
    gmx_error err;
    void *plain;
    size_t n;
    gmx_input *in;
    gmx_profile *p;
    if (gmx_gunzip("fuzz", gz, len, 0, &plain, &n, &err) != GMX_OK ||
        gmx_input_from_heap("fuzz", plain, n, &in, &err) != GMX_OK ||
        gmx_profile_decode(in, &p, &err) != GMX_OK)
        abort();
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    uint64_t sum = 0;
    for (size_t i = 0; i < gmx_profile_sample_count(p); i++) {
        gmx_psample s;
        if (gmx_psample_read(&r, i, &s, &err) != GMX_OK)
            break; /* out of memory only */
        sum += (uint64_t)s.values[0];
    }
    gmx_psample_reader_release(&r);
    gmx_profile_free(p);
    if (sum != goroutines)
        abort();
}

/* The profile read back as goroutines counts every one of them. */
static void ingest_back(const void *gz, size_t len, uint64_t goroutines)
{
    gmx_error err;
    gmx_input *in;
    gmx_gsnapshot s;
    memset(&s, 0, sizeof(s));
    if (gmx_input_from_memory("fuzz", gz, len, &in, &err) != GMX_OK)
        abort();
    gmx_ingest_options opts = { .threads = 1 };
    if (gmx_ingest_goroutines_input(in, &opts, &s, &err) != GMX_OK)
        return; /* out of memory only: the profile decoded above */
    if (gmx_gbuckets_total(s.buckets) != goroutines)
        abort();
    gmx_gsnapshot_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    split_labels(data, size);
    gmx_error err;
    gmx_input *in;
    if (gmx_input_from_memory("fuzz", data, size, &in, &err) != GMX_OK)
        return 0;
    gmx_ingest_options opts = { .threads = 1, .limits = { .max_buckets = 64, .max_bytes = 1 << 20 } };
    void *gz;
    size_t len;
    gmx_convert_info info;
    if (gmx_convert_goroutines_input(in, &opts, &gz, &len, &info, &err) == GMX_OK) {
        read_back(gz, len, info.goroutines);
        ingest_back(gz, len, info.goroutines);
        gmx_gprof_bytes_free(gz);
    }
    return 0;
}
