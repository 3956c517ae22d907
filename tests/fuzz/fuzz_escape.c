/* Fuzz target: compiler escape-analysis logs (text and -json=0) through the
 * parser, the set and the classifier. */
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int add(void *ctx, const gmx_esc_site *site)
{
    return (int)gmx_escape_set_add(ctx, site);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_escape_set *set = gmx_escape_set_new();
    if (!set)
        return 0;
    gmx_error err;
    gmx_esc_info info;
    gmx_escape_parse("fuzz", data, size, add, set, &info, &err);
    for (size_t i = 0; i < gmx_escape_set_count(set); i++) {
        gmx_str reason;
        gmx_escape_classify(gmx_escape_set_at(set, i), &reason);
    }
    gmx_findings *f = gmx_findings_new();
    if (f)
        gmx_analyze_escapes(set, NULL, f, &err);
    gmx_findings_free(f);
    gmx_escape_set_free(set);
    return 0;
}
