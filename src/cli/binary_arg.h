/* --binary BIN, shared by goroutines, diagnose and check: the executable
 * the dumps came from, whose symbol table names the runtime frames a
 * debug=1 goroutine profile leaves out and the addresses of profiles
 * written without function names. top, peek and list have their own
 * (profile_args.h). */
#ifndef GMX_CLI_BINARY_ARG_H
#define GMX_CLI_BINARY_ARG_H

#include "gomemdx/core.h"
#include "gomemdx/input.h"

#define BINARY_OPTION                                                                          \
    { "binary", 0, OPT_STRING, "BIN",                                                          \
      "the Go executable the dumps came from: names the runtime frames a debug=1 profile "    \
      "leaves out, so its goroutines say why they wait, and the addresses of profiles "        \
      "written without function names" }

typedef struct cli_binary {
    gmx_input *input;
    gmx_binary *binary;   /* NULL when no --binary was given */
} cli_binary;

/* Opens path (may be NULL: nothing to open). EXIT_OK, or the exit status of
 * the one line printed ("BIN: no .gopclntab section ..."). */
int cli_load_binary(const char *path, cli_binary *out);
void cli_binary_release(cli_binary *b);

#endif
