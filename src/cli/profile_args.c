#include "profile_args.h"
#include "binary_arg.h"
#include "input_hint.h"
#include "gomemdx/ingest.h"

#include <stdio.h>
#include <string.h>

/* Names p's raw addresses from bin (NULL: counts them) and says what came
 * of it on stderr, when p has any. */
static int symbolize(gmx_profile *p, const gmx_binary *bin)
{
    gmx_error err = { 0 };
    gmx_symbolized s;
    if (gmx_ingest_symbolize_profile(p, bin, &s, &err) != GMX_OK)
        return cli_report_error(&err);
    char note[256];
    if (gmx_ingest_describe_symbolized(&s, false, note, 0, sizeof(note)))
        fprintf(stderr, "gomemdx: %s: %s\n", gmx_profile_name(p), note);
    return EXIT_OK;
}

int cli_profiles_open(const cli_command *self, const cli_args *args, cli_profiles *out)
{
    gmx_error err = { 0 };
    memset(out, 0, sizeof(*out));
    const char *base = cli_opt(self, args, "base")->str;
    gmx_code rc = base ? gmx_profile_open_pair(args->pos[0], base, 0, &out->profile, &out->base,
                                               &err)
                       : gmx_profile_open(args->pos[0], 0, &out->profile, &err);
    if (rc != GMX_OK) {
        cli_profiles_close(out);
        return cli_report_input_error("top", &err);
    }
    cli_binary bin;
    int status = cli_load_binary(cli_opt(self, args, "binary")->str, &bin);
    if (status == EXIT_OK)
        status = symbolize(out->profile, bin.binary);
    if (status == EXIT_OK && out->base)
        status = symbolize(out->base, bin.binary);
    cli_binary_release(&bin);
    if (status != EXIT_OK) {
        cli_profiles_close(out);
        return status;
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
