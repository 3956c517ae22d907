#include "profile_args.h"
#include "binary_arg.h"
#include "input_hint.h"
#include "gomemdx/convert.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/ingest.h"

#include <stdio.h>
#include <string.h>

/* Says on stderr what naming path's raw addresses came to, when it has any. */
static void say_symbolized(const char *path, const gmx_symbolized *s)
{
    char note[256];
    if (gmx_ingest_describe_symbolized(s, false, note, 0, sizeof(note)))
        fprintf(stderr, "gomemdx: %s: %s\n", path, note);
}

/* The profile at path: profile.proto, or a heap profile's debug=1 text
 * (pprof reads both); its raw addresses named from bin (NULL: counted). */
static gmx_code open_one(const char *path, const gmx_binary *bin, gmx_profile **out,
                         gmx_symbolized *names, gmx_error *err)
{
    gmx_code rc = gmx_profile_open(path, 0, out, err);
    if (rc == GMX_OK)
        return gmx_ingest_symbolize_profile(*out, bin, names, err);
    gmx_input *in;
    gmx_error ignored;
    if (rc != GMX_EFORMAT || gmx_input_open(path, &in, &ignored) != GMX_OK)
        return rc;
    if (gmx_input_decompress(&in, 0, &ignored) == GMX_OK &&
        gmx_heaptext_sniff(gmx_input_data(in), gmx_input_size(in)))
        rc = gmx_convert_heap_text(path, gmx_input_data(in), gmx_input_size(in), bin, out, names,
                                   err);
    gmx_input_free(in);
    return rc;
}

/* The profile and its base: side by side when both are profile.proto. */
static gmx_code open_both(const char *path, const char *base, const gmx_binary *bin,
                          cli_profiles *out, gmx_error *err)
{
    gmx_symbolized names[2];
    gmx_code rc = gmx_profile_open_pair(path, base, 0, &out->profile, &out->base, err);
    if (rc == GMX_OK && (rc = gmx_ingest_symbolize_profile(out->profile, bin, &names[0], err)) ==
                            GMX_OK)
        rc = gmx_ingest_symbolize_profile(out->base, bin, &names[1], err);
    else if (rc == GMX_EFORMAT && (rc = open_one(path, bin, &out->profile, &names[0], err)) ==
                                      GMX_OK)
        rc = open_one(base, bin, &out->base, &names[1], err);
    if (rc == GMX_OK) {
        say_symbolized(path, &names[0]);
        say_symbolized(base, &names[1]);
    }
    return rc;
}

int cli_profiles_open(const cli_command *self, const cli_args *args, cli_profiles *out)
{
    gmx_error err = { 0 };
    memset(out, 0, sizeof(*out));
    cli_binary bin;
    int status = cli_load_binary(cli_opt(self, args, "binary")->str, &bin);
    if (status != EXIT_OK)
        return status;
    const char *base = cli_opt(self, args, "base")->str;
    gmx_symbolized names;
    gmx_code rc = base ? open_both(args->pos[0], base, bin.binary, out, &err)
                       : open_one(args->pos[0], bin.binary, &out->profile, &names, &err);
    if (rc == GMX_OK && !base)
        say_symbolized(args->pos[0], &names);
    cli_binary_release(&bin);
    if (rc != GMX_OK) {
        cli_profiles_close(out);
        return cli_report_input_error("top", &err);
    }
    /* The raw tables freed while decoding leave holes in the heap; give
     * their pages back before the analyses allocate theirs. */
    gmx_profile_trim_heap();
    return EXIT_OK;
}

void cli_profiles_close(cli_profiles *ps)
{
    gmx_profile_free(ps->profile);
    gmx_profile_free(ps->base);
    memset(ps, 0, sizeof(*ps));
}

/* --sample-index and pprof's shorthands (-alloc_space, ...): one type. */
static int sample_index(const cli_command *self, const cli_args *args, const char **out)
{
    static const char *const shorthands[] = { "inuse-space", "inuse-objects", "alloc-space",
                                              "alloc-objects" };
    static const char *const types[] = { "inuse_space", "inuse_objects", "alloc_space",
                                         "alloc_objects" };
    const char *chosen = cli_opt(self, args, "sample-index")->str;
    const char *by = chosen ? "sample-index" : NULL;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!cli_opt(self, args, shorthands[i])->set)
            continue;
        if (chosen && strcmp(chosen, types[i]) != 0)
            return cli_usage_error(self, "--%s and --%s choose different sample types", by,
                                   shorthands[i]);
        chosen = types[i];
        by = shorthands[i];
    }
    *out = chosen;
    return EXIT_OK;
}

int cli_profiles_options(const cli_command *self, const cli_args *args, const cli_profiles *ps,
                         gmx_ptop_options *o)
{
    o->focus = cli_opt(self, args, "focus")->str;
    o->ignore = cli_opt(self, args, "ignore")->str;
    o->base = ps->base;
    return sample_index(self, args, &o->sample_index);
}
