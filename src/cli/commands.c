/* The command table: `gomemdx help` lists commands in this order. */
#include "cli.h"

#include <string.h>

static const cli_command *const table[] = {
    &cmd_diagnose,
    &cmd_goroutines,
    &cmd_core,
    &cmd_check,
    &cmd_top,
    &cmd_peek,
    &cmd_list,
    &cmd_watch,
    &cmd_history,
    &cmd_escape,
    &cmd_convert,
    &cmd_help,
    &cmd_version,
    NULL
};

const cli_command *const *cli_commands(void)
{
    return table;
}

const cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; table[i]; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}
