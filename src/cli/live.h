/* Live inputs: wherever a command reads a file it also takes an http(s)
 * URL, the way `go tool pprof` does. A service's URL stands for the
 * command's endpoint; every body fetched is saved (pprof keeps copies in
 * ~/pprof/; gomemdx in cli_live_dir) and the command reads the saved file,
 * so the evidence outlives the incident. */
#ifndef GMX_CLI_LIVE_H
#define GMX_CLI_LIVE_H

#include <signal.h>

#include "cli.h"
#include "gomemdx/http.h"

/* Rows of an option table for the commands that fetch. */
#define CLI_LIVE_OPTIONS                                                                  \
    { "header", 'H', OPT_LIST, "'NAME: VALUE'",                                          \
      "with a URL: send this request header (e.g. Authorization); never shown or saved" }, \
    { "insecure", 'k', OPT_FLAG, NULL, "with an https URL: skip the certificate check" },    \
    { "timeout", 0, OPT_STRING, "DURATION", "with a URL: give up on a transfer after this (default 30s)" }, \
    { "max-body", 0, OPT_SIZE, "SIZE", "with a URL: refuse a body larger than this (default 256MiB)" }

/* What the fetches of one command made: saved files to free. */
typedef struct cli_live {
    char **saved;
    size_t n;
} cli_live;

/* Replaces each http(s) argument of args — positionals, when cmd->live is
 * set, and the value of cmd->live_option — by the file its body was saved
 * in. EXIT_OK, or the exit status of the one line it
 * printed. */
int cli_live_resolve(const cli_command *cmd, cli_args *args, cli_live *live);
void cli_live_release(cli_live *live);

/* Fetches url again (a service's URL standing for endpoint) and saves the
 * body: the saved path (the caller frees it), or NULL with *rc the exit
 * status of the one line printed. */
char *cli_live_fetch(const cli_command *cmd, const cli_args *args, const char *url,
                     const char *endpoint, int *rc);

/* The fetch limits of the command line (headers, insecure, timeout,
 * max-body); the headers point into args. EXIT_OK or a usage error. */
int cli_live_limits(const cli_command *cmd, const cli_args *args, gmx_fetch_limits *l);
/* The folder saved bodies go to: $XDG_DATA_HOME/gomemdx/captures, else
 * ~/.local/share/gomemdx/captures; made when missing. false (after one
 * line on stderr) when there is no home. */
bool cli_live_dir(char *out, size_t outsz);
/* "20261203-220102": the UTC time, for the names of saved things. */
void cli_live_stamp(char *out, size_t outsz);

/* SIGINT and SIGTERM set the flag returned: a loop stops cleanly. */
const volatile sig_atomic_t *cli_catch_stop(void);

#endif
