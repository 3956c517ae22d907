/* gomemdx: global options, then dispatch through the command table. */
#include "cli.h"
#include "gomemdx/input.h"
#include "live.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static const char *const global_usage =
    "usage: gomemdx [--color=auto|always|never] [--json|--markdown] [--lang en|zh] COMMAND "
    "[ARGS...]   (gomemdx help)";

/* Input files are memory-mapped: one that shrinks while it is read (a log
 * rotated, a dump rewritten) raises SIGBUS at the missing page. That is a
 * damaged input, not a crash: name the file and the offset, exit 2. A
 * SIGBUS anywhere else is a bug and keeps its default action. */
static void on_sigbus(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    char msg[600] = "gomemdx: ";
    size_t k = strlen(msg);
    if (gmx_input_describe_fault(info->si_addr, msg + k, sizeof(msg) - k - 1)) {
        k += strlen(msg + k);
        msg[k++] = '\n';
        ssize_t w = write(STDERR_FILENO, msg, k);
        (void)w;
        _exit(EXIT_USAGE);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void trap_shrinking_inputs(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

/* Moves the report options given before the command name (argv[1..cmd_at-1],
 * global ones already applied) to just before the command's own arguments,
 * in their order, so the command parses them as its own. Returns where the
 * command's arguments now start. */
static int hand_report_options_to_command(char **argv, int cmd_at)
{
    int n = 0;
    for (int j = 1; j < cmd_at; j++) {
        int arity = cli_report_option_arity(argv[j]);
        if (arity < 0)
            continue;
        argv[1 + n++] = argv[j];
        if (arity && j + 1 < cmd_at)
            argv[1 + n++] = argv[++j];
    }
    int start = cmd_at + 1 - n;
    for (int k = n; k >= 1; k--)
        argv[start + k - 1] = argv[k];
    return start;
}

int main(int argc, char **argv)
{
    trap_shrinking_inputs();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        int arity = cli_report_option_arity(a);
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_overview(stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            return cmd_version.run(&cmd_version, &(cli_args){ 0 });
        } else if (strcmp(a, "--man") == 0) { /* for the build: the man page */
            return cli_generate("man", stdout);
        } else if (strncmp(a, "--completion=", 13) == 0) {
            return cli_generate(a + 13, stdout);
        } else if (strcmp(a, "--completion") == 0 && i + 1 < argc) {
            return cli_generate(argv[i + 1], stdout);
        } else if (arity >= 0) {
            i += arity;
        } else if (!cli_global_option(a)) {
            fprintf(stderr, "gomemdx: unknown option '%s'\n%s\n", a, global_usage);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "gomemdx: no command given\n%s\n", global_usage);
        return EXIT_USAGE;
    }
    const cli_command *cmd = cli_find_command(argv[i]);
    if (!cmd) {
        fprintf(stderr, "gomemdx: unknown command '%s' (see 'gomemdx help')\n", argv[i]);
        return EXIT_USAGE;
    }
    int start = hand_report_options_to_command(argv, i);
    cli_args args;
    if (!cli_parse(cmd, argc - start, argv + start, &args))
        return EXIT_USAGE;
    cli_live live;
    int rc = cli_live_resolve(cmd, &args, &live);
    if (rc == EXIT_OK)
        rc = cmd->run(cmd, &args);
    cli_live_release(&live);
    cli_args_release(&args);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        fprintf(stderr, "gomemdx: error writing output\n");
        return EXIT_INTERNAL;
    }
    return rc;
}
