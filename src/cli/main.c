/* gomemdx: global options, then dispatch through the command table. */
#include "cli.h"
#include "live.h"

#include <string.h>

static const char *const global_usage =
    "usage: gomemdx [--color=auto|always|never] COMMAND [ARGS...]   (gomemdx help)";

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_overview(stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            return cmd_version.run(&cmd_version, &(cli_args){ 0 });
        } else if (strcmp(a, "--color=auto") == 0) {
            cli_set_color(0);
        } else if (strcmp(a, "--color=always") == 0) {
            cli_set_color(1);
        } else if (strcmp(a, "--color=never") == 0) {
            cli_set_color(-1);
        } else {
            fprintf(stderr, "gomemdx: unknown option '%s'\n%s\n", a, global_usage);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "gomemdx: no command given\n%s\n", global_usage);
        return EXIT_USAGE;
    }
    const cli_command *cmd = cli_find_command(argv[i]);
    if (!cmd) {
        fprintf(stderr, "gomemdx: unknown command '%s' (see 'gomemdx help')\n", argv[i]);
        return EXIT_USAGE;
    }
    cli_args args;
    if (!cli_parse(cmd, argc - i - 1, argv + i + 1, &args))
        return EXIT_USAGE;
    cli_live live;
    int rc = cli_live_resolve(cmd, &args, &live);
    if (rc == EXIT_OK)
        rc = cmd->run(cmd, &args);
    cli_live_release(&live);
    cli_args_release(&args);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "gomemdx: error writing output\n");
        return EXIT_INTERNAL;
    }
    return rc;
}
