/* Fuzz target: profile.proto bytes (raw or gzipped) through what
 * `gomemdx top`, `peek` and `list` run: gunzip (capped small), decode and
 * validate, name locations without lines (a made-up symbolizer, as
 * --binary), read every sample, top with and without the profile as its own
 * base, peek and list (source lookups in a folder that has no sources),
 * and every renderer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gomemdx/input.h"
#include "gomemdx/plist.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptop.h"
#include "gomemdx/report.h"
#include "fake_symbolizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The Markdown in Chinese, beside the plain text: every branch of the legend. */
static const gmx_render_options md_zh = { .markdown = true, .zh = true };

static void top(const gmx_profile *p, const gmx_ptop_options *o)
{
    gmx_error err;
    gmx_ptop *t;
    if (gmx_ptop_compute(p, o, &t, &err) != GMX_OK)
        return;
    char *out;
    size_t len;
    if (gmx_render_ptop_text(t, NULL, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_ptop_text(t, &md_zh, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_ptop_json(t, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    gmx_ptop_free(t);
}

static void peek(const gmx_profile *p)
{
    gmx_ptop_options o;
    gmx_ptop_options_peek(&o);
    gmx_error err;
    gmx_ptop *t;
    if (gmx_ptop_compute(p, &o, &t, &err) != GMX_OK)
        return;
    char *out;
    size_t len;
    if (gmx_render_ppeek_text(t, ".", NULL, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_ppeek_text(t, ".", &md_zh, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_ppeek_json(t, "a", &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    gmx_ptop_free(t);
}

static void list(const gmx_profile *p, const gmx_profile *base)
{
    gmx_plist_options o = { .regex = ".", .base = base, .source = { "/nonexistent", NULL } };
    gmx_error err;
    gmx_plist *l;
    if (gmx_plist_compute(p, &o, &l, &err) != GMX_OK)
        return;
    char *out;
    size_t len;
    if (gmx_render_plist_text(l, NULL, NULL, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_plist_text(l, NULL, &md_zh, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    if (gmx_render_plist_json(l, &out, &len, &err) == GMX_OK)
        gmx_render_free(out);
    gmx_plist_free(l);
}


/* What diagnose does: one buffer reused over every input (a worker's),
 * which must read each input exactly as a fresh decompression does. */
static void gunzip_reusing(const uint8_t *data, size_t size)
{
    static void *buf;
    static size_t cap;
    gmx_error err;
    gmx_input *in, *fresh;
    if (gmx_input_from_memory("fuzz", data, size, &in, &err) != GMX_OK)
        return;
    if (gmx_input_from_memory("fuzz", data, size, &fresh, &err) != GMX_OK) {
        gmx_input_free(in);
        return;
    }
    gmx_code a = gmx_input_gunzip_reusing(&in, (size_t)16 << 20, &buf, &cap, &err);
    gmx_code b = gmx_input_gunzip(&fresh, (size_t)16 << 20, &err);
    if (a != b)
        abort();
    size_t n = gmx_input_size(in);
    if (a == GMX_OK && (n != gmx_input_size(fresh) ||
                        (n && memcmp(gmx_input_data(in), gmx_input_data(fresh), n))))
        abort();
    gmx_input_free(in);
    gmx_input_free(fresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gmx_error err;
    gmx_input *in;
    gunzip_reusing(data, size);
    if (gmx_input_from_memory("fuzz", data, size, &in, &err) != GMX_OK)
        return 0;
    if (gmx_input_gunzip(&in, (size_t)16 << 20, &err) != GMX_OK) {
        gmx_input_free(in);
        return 0;
    }
    gmx_profile *p;
    if (gmx_profile_decode(in, &p, &err) != GMX_OK)
        return 0;
    /* top --binary: locations without lines named first */
    gmx_symbolizer sym = { fake_frames, NULL };
    gmx_symbolized named;
    if (gmx_profile_symbolize(p, size % 2 ? &sym : NULL, &named, &err) != GMX_OK) {
        gmx_profile_free(p);
        return 0;
    }
    gmx_ptop_options o;
    gmx_ptop_options_init(&o);
    top(p, &o);
    o.cum_sort = true;
    o.node_count = 3;
    o.focus = "main";
    o.ignore = "runtime";
    o.base = p;
    top(p, &o);
    peek(p);
    list(p, NULL);
    list(p, p);
    gmx_profile_free(p);
    return 0;
}
