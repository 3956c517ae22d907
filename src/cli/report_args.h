/* How a findings report is written, shared by the commands that report:
 * --json, --markdown and --lang. */
#ifndef GMX_CLI_REPORT_ARGS_H
#define GMX_CLI_REPORT_ARGS_H

#include "cli.h"
#include "gomemdx/report.h"

/* Rows of an option table (each command has its own --json row). */
#define CLI_REPORT_OPTIONS                                                             \
    { "markdown", 0, OPT_FLAG, NULL, "print Markdown, to paste into an incident ticket" }, \
    { "lang", 0, OPT_STRING, "en|zh", "language of headings and advice (default en)" }

/* Fills ro's markdown, zh, color and width (the terminal's) from the options and *json from
 * --json. EXIT_OK, or EXIT_USAGE after one line (a --lang other than en
 * or zh; --json with --markdown). */
int cli_report_style(const cli_command *self, const cli_args *args, gmx_render_options *ro,
                     bool *json);

#endif
