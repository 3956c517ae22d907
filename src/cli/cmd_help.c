#include "cli.h"

static int run(const cli_command *self, const cli_args *args)
{
    if (args->npos == 0) {
        cli_print_overview(stdout);
        return EXIT_OK;
    }
    const cli_command *cmd = cli_find_command(args->pos[0]);
    if (!cmd)
        return cli_usage_error(self, "unknown command '%s'", args->pos[0]);
    cli_print_help(stdout, cmd);
    return EXIT_OK;
}

const cli_command cmd_help = {
    .name = "help",
    .summary = "Show the commands, or the options of one command.",
    .usage = "[COMMAND]",
    .options = NULL,
    .min_pos = 0,
    .max_pos = 1,
    .run = run,
};
