#include "report_args.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Prose wraps at the terminal's width (COLUMNS, else the tty's); a file
 * or a pipe gets the fixed width, so saved reports do not depend on the
 * window they were made in. */
static unsigned terminal_width(void)
{
    if (!isatty(STDOUT_FILENO))
        return 0;
    const char *env = getenv("COLUMNS");
    long cols = env ? strtol(env, NULL, 10) : 0;
    struct winsize ws;
    if (cols <= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        cols = ws.ws_col;
    return cols > 1 && cols < 1000 ? (unsigned)cols - 1 : 0;
}

int cli_report_style(const cli_command *self, const cli_args *args, gmx_render_options *ro,
                     bool *json)
{
    const char *lang = cli_opt(self, args, "lang")->str;
    if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)
        return cli_usage_error(self, "--lang is en or zh, not '%s'", lang);
    *json = cli_opt(self, args, "json")->set;
    ro->markdown = cli_opt(self, args, "markdown")->set;
    if (*json && ro->markdown)
        return cli_usage_error(self, "--json and --markdown exclude each other");
    ro->zh = lang && strcmp(lang, "zh") == 0;
    ro->color = !*json && !ro->markdown && cli_use_color();
    ro->width = ro->markdown ? 0 : terminal_width();
    return EXIT_OK;
}
