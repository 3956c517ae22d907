#include "report_args.h"

#include <string.h>

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
    return EXIT_OK;
}
