/* --html FILE, shared by diagnose, goroutines and top (and the commands to
 * come): the option row and writing the page the library rendered. */
#ifndef GMX_CLI_HTML_ARG_H
#define GMX_CLI_HTML_ARG_H

#include <stddef.h>

#include "gomemdx/error.h"

#define HTML_OPTION                                                                            \
    { "html", 0, OPT_STRING, "FILE",                                                           \
      "also write a self-contained HTML report (flame graphs, growth charts) to FILE" }

/* Writes page (rendered with rc and err) to path atomically and frees it.
 * Returns EXIT_OK, or prints the error and returns its exit status. */
int cli_write_html(const char *path, gmx_code rc, char *page, size_t len, const gmx_error *err);

#endif
