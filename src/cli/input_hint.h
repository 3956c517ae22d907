/* An input given to the wrong command: a goroutine dump to `top`, a heap
 * profile to `goroutines`, a core file to anything. The file is named by
 * the library's one recognition (gmx_bundle_identify) and the command that
 * reads it is said, instead of a parser's complaint. */
#ifndef GMX_CLI_INPUT_HINT_H
#define GMX_CLI_INPUT_HINT_H

#include "gomemdx/error.h"

/* Reports err, a failure to read an input that `reads` (a command name:
 * "top" for a profile, "goroutines" for a dump, "escape" for a compiler
 * log) would read. When the file is evidence another command reads, or a
 * core file or an executable, says so in one line; otherwise reports err
 * as cli_report_error does. Returns the exit status. */
int cli_report_input_error(const char *reads, const gmx_error *err);

#endif
