/* `diagnose URL...`: a short capture series of each service, saved as an
 * ordinary incident folder (the capture times recorded in it), which
 * diagnose then reads as it reads any folder. */
#ifndef GMX_CLI_DIAGNOSE_LIVE_H
#define GMX_CLI_DIAGNOSE_LIVE_H

#include "cli.h"

typedef struct live_capture {
    char dir[3000];          /* the incident folder (-o, or one under the captures folder) */
    char (*folders)[3300];   /* what to diagnose: dir for one service, dir/HOST_PORT each */
    const char **urls;       /* the service of each folder, as given */
    bool *captured;          /* whether anything of it was */
    size_t n;
} live_capture;

/* Captures the services named by args' positionals (all URLs) every
 * --interval for --duration into --output. EXIT_OK (a partial capture is
 * said on stderr and kept), or the exit status of the one line printed
 * when nothing could be captured. */
int live_capture_run(const cli_command *cmd, const cli_args *args, live_capture *out);
void live_capture_release(live_capture *c);

#endif
