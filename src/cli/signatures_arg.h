/* --signatures FILE, shared by goroutines, diagnose, check and watch. */
#ifndef GMX_CLI_SIGNATURES_ARG_H
#define GMX_CLI_SIGNATURES_ARG_H

#include "gomemdx/signatures.h"

#define SIGNATURES_OPTION                                                                      \
    { "signatures", 0, OPT_STRING, "FILE",                                                     \
      "extra signatures (data/signatures.tsv format), tried before the built-in ones" }

/* The built-in catalogue with the entries of path (may be NULL) before it,
 * into *out. Returns EXIT_OK, or prints the error ("FILE:LINE: ...") and
 * returns its exit status. */
int cli_load_signatures(const char *path, gmx_signatures **out);

#endif
