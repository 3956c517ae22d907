/* What the pprof commands (top, peek, list) share on the command line:
 * the profile and its --base, and the options that select samples. */
#ifndef GMX_CLI_PROFILE_ARGS_H
#define GMX_CLI_PROFILE_ARGS_H

#include "cli.h"
#include "live.h"
#include "gomemdx/profile.h"
#include "gomemdx/ptop.h"

/* Rows of an option table; each command adds its own and the terminator. */
#define CLI_PROFILE_OPTIONS                                                          \
    { "sample-index", 0, OPT_STRING, "NAME|N",                                       \
      "sample type to show, by name or number (default: the profile's default)" },  \
    { "inuse-space", 0, OPT_FLAG, NULL, "same as --sample-index=inuse_space" },      \
    { "inuse-objects", 0, OPT_FLAG, NULL, "same as --sample-index=inuse_objects" },  \
    { "alloc-space", 0, OPT_FLAG, NULL, "same as --sample-index=alloc_space" },      \
    { "alloc-objects", 0, OPT_FLAG, NULL, "same as --sample-index=alloc_objects" },  \
    { "focus", 'f', OPT_STRING, "RE",                                                \
      "only samples with a frame matching RE (POSIX extended)" },                   \
    { "ignore", 0, OPT_STRING, "RE", "drop samples with a frame matching RE" },      \
    { "base", 'b', OPT_STRING, "OLD", "subtract an older profile of the same kind" }, \
    { "json", 0, OPT_FLAG, NULL, "print JSON instead of text" },                     \
    { "binary", 0, OPT_STRING, "BIN",                                                \
      "the Go executable the profile came from: names the addresses of a profile "   \
      "written without function names" },                                           \
    CLI_LIVE_OPTIONS

typedef struct cli_profiles {
    gmx_profile *profile, *base;
} cli_profiles;

/* Opens the first positional argument and --base; locations written with
 * an address and no function name are named from --binary, and a line on
 * stderr says what came of it (or that --binary would name them). EXIT_OK,
 * or the exit status of the error it printed. */
int cli_profiles_open(const cli_command *self, const cli_args *args, cli_profiles *out);
void cli_profiles_close(cli_profiles *ps);
/* Sets sample_index, focus, ignore and base of o from the options.
 * EXIT_OK, or EXIT_USAGE after one line when two options name different
 * sample types. */
int cli_profiles_options(const cli_command *self, const cli_args *args, const cli_profiles *ps,
                         gmx_ptop_options *o);

#endif
