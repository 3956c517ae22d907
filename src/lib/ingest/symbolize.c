/* An executable (--binary) as the symbolizer of profiles written without
 * function names: each address named from its .gopclntab, after checking
 * the profile's build ID (when it has one) is the executable's. */
#include "gomemdx/core.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/ingest.h"
#include "gomemdx/profile.h"
#include "util/str.h"

#include <stdio.h>

enum { MAX_AT = 32 };

static size_t binary_frames(void *ctx, uint64_t address, gmx_frame *out, size_t max)
{
    gmx_pcframe at[MAX_AT];
    size_t n = gmx_binary_frames_at(ctx, address, at, max < MAX_AT ? max : MAX_AT);
    for (size_t i = 0; i < n; i++)
        out[i] = (gmx_frame){ at[i].func, at[i].file, at[i].line };
    return n;
}

gmx_symbolizer gmx_ingest_symbolizer(const struct gmx_binary *b)
{
    return (gmx_symbolizer){ binary_frames, (void *)(uintptr_t)b }; /* read only */
}

/* Names as binary_frames does, counting the addresses that are b's calls. */
typedef struct counting {
    const struct gmx_binary *b;
    uint64_t addresses, calls;
} counting;

static size_t counted_frames(void *ctx, uint64_t address, gmx_frame *out, size_t max)
{
    counting *c = ctx;
    c->addresses++;
    c->calls += gmx_binary_call_site(c->b, address);
    return binary_frames((void *)(uintptr_t)c->b, address, out, max);
}

/* Most pcs of a stack are calls (the others: inline marks, goexit's);
 * another build's pcs fall anywhere and seldom on one. */
static bool mostly_calls(const counting *c)
{
    return c->calls * 2 >= c->addresses;
}

gmx_code gmx_ingest_heap_text(const char *name, const void *data, size_t len,
                              const struct gmx_binary *b, gmx_hsnapshot **out,
                              gmx_symbolized *names, gmx_error *err)
{
    counting c = { .b = b };
    gmx_symbolizer sym = { counted_frames, &c };
    for (int pass = 0; pass < 2; pass++) {
        gmx_hsnapshot *h = gmx_hsnapshot_new(0);
        if (!h)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
        gmx_code rc = gmx_heaptext_parse_named(name, data, len, h, b && !pass ? &sym : NULL,
                                               names, err);
        if (rc != GMX_OK) {
            gmx_hsnapshot_free(h);
            return rc;
        }
        /* another build's names are read again as addresses */
        if (!b || pass || mostly_calls(&c)) {
            names->with_binary = b != NULL;
            names->other_build = pass > 0;
            *out = h;
            return GMX_OK;
        }
        gmx_hsnapshot_free(h);
    }
    return GMX_OK; /* not reached */
}

/* Locations with names whose addresses are checked against b: enough to
 * tell a build, few enough to cost nothing. */
enum { MAX_CHECKED = 64 };

/* True when b names the physical function of named location l as the
 * profile does. */
static bool names_alike(const gmx_profile *p, const gmx_plocation *l, const struct gmx_binary *b)
{
    gmx_pcframe at[MAX_AT];
    size_t k = gmx_binary_frames_at(b, l->address, at, MAX_AT);
    const gmx_pline *outer = &l->lines[l->nlines - 1];
    return k && gmx_str_eq(at[k - 1].func, gmx_profile_function(p, outer->function)->name);
}

/* True when the locations still to name are not b's: one sits in a
 * mapping whose build ID is not b's; or, when the profile names some
 * addresses itself, b names most of those otherwise; or else most of the
 * raw addresses are not the calls every caller's frame stops at
 * (addresses of another build fall anywhere in b, and a table lookup alone
 * would name them wrongly). */
static bool other_build(const gmx_profile *p, const struct gmx_binary *b)
{
    uint64_t raw = 0, calls = 0, checked = 0, alike = 0;
    for (size_t i = 0; i < gmx_profile_location_count(p); i++) {
        const gmx_plocation *l = gmx_profile_location(p, i);
        if (!l->address)
            continue;
        if (l->nlines) {
            if (checked < MAX_CHECKED) {
                checked++;
                alike += names_alike(p, l, b);
            }
            continue;
        }
        gmx_str id = l->mapping != GMX_PNONE ? gmx_profile_mapping(p, l->mapping)->build_id
                                             : (gmx_str){ "", 0 };
        if (id.n && !gmx_binary_has_build_id(b, id))
            return true;
        raw++;
        calls += gmx_binary_call_site(b, l->address);
    }
    return checked ? alike * 2 < checked : calls * 2 < raw;
}

gmx_code gmx_ingest_symbolize_profile(gmx_profile *p, const struct gmx_binary *b,
                                      gmx_symbolized *out, gmx_error *err)
{
    gmx_symbolizer sym = gmx_ingest_symbolizer(b);
    bool other = b && other_build(p, b);
    gmx_code rc = gmx_profile_symbolize(p, b && !other ? &sym : NULL, out, err);
    out->other_build = other;
    out->with_binary = b != NULL;
    return rc;
}

size_t gmx_ingest_describe_symbolized(const gmx_symbolized *s, bool zh, char *buf, size_t len,
                                      size_t cap)
{
    if (!s->unnamed || len + 1 >= cap)
        return len;
    const char *sep = len ? (zh ? "；" : "; ") : "";
    unsigned long long n = s->unnamed, named = s->named;
    int w;
    if (!s->with_binary)
        w = zh ? snprintf(buf + len, cap - len,
                          "%s%llu 处地址没有函数名：--binary BIN（它的可执行文件）可以补出", sep, n)
               : snprintf(buf + len, cap - len,
                          "%sno function names for %llu address%s: --binary BIN (the executable) "
                          "names them",
                          sep, n, n == 1 ? "" : "es");
    else if (s->other_build)
        w = zh ? snprintf(buf + len, cap - len,
                          "%s可执行文件是另一次构建（build ID 不同，或地址不落在它的调用指令上）：%llu 处地址未命名",
                          sep, n)
               : snprintf(buf + len, cap - len,
                          "%sthe binary is another build (its build ID differs, or the addresses "
                          "are not its calls): %llu address%s left unnamed",
                          sep, n, n == 1 ? "" : "es");
    else if (!named)
        w = zh ? snprintf(buf + len, cap - len,
                          "%s可执行文件认不出 %llu 处地址中的任何一处（不是同一次构建？）", sep, n)
               : snprintf(buf + len, cap - len,
                          "%sthe binary names none of the %llu address%s (another build's?)", sep,
                          n, n == 1 ? "" : "es");
    else
        w = zh ? snprintf(buf + len, cap - len, "%s可执行文件补出了 %llu/%llu 处地址的函数名", sep,
                          named, n)
               : snprintf(buf + len, cap - len, "%s%llu of %llu address%s named from the binary",
                          sep, named, n, n == 1 ? "" : "es");
    return w < 0 ? len : len + (size_t)w >= cap ? cap - 1 : len + (size_t)w;
}
