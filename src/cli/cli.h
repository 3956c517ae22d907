/* The CLI's shared pieces: the command table, one option table per command
 * (driving both parsing and help), and the exit-code mapping. */
#ifndef GMX_CLI_H
#define GMX_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gomemdx/error.h"

/* The exit-code table (README.md "Exit status"). */
enum {
    EXIT_OK = 0,        /* done; for `check`: nothing grew */
    EXIT_FINDINGS = 1,  /* `check`: goroutine buckets appeared or grew */
    EXIT_USAGE = 2,     /* bad command line, or input that is unreadable, corrupt or unsupported */
    EXIT_INTERNAL = 3   /* out of memory or a bug */
};

typedef enum opt_kind {
    OPT_FLAG,      /* --name */
    OPT_STRING,    /* --name VALUE */
    OPT_LIST,      /* --name VALUE, repeatable */
    OPT_UINT,      /* --name N */
    OPT_SIZE       /* --name 512MiB: bytes, with B, K/KB, Ki/KiB, M, Mi, G, Gi, T, Ti suffixes */
} opt_kind;

typedef struct cli_option {
    const char *name;     /* long name without "--" */
    char short_name;      /* 0 for none */
    opt_kind kind;
    const char *arg;      /* placeholder shown in help, e.g. "FILE" */
    const char *help;
} cli_option;

/* Values parsed for one command: one slot per option, in table order. */
typedef struct opt_value {
    bool set;
    const char *str;       /* OPT_STRING */
    unsigned long long num;/* OPT_UINT, OPT_SIZE (bytes) */
    const char **list;     /* OPT_LIST, NULL-terminated */
    size_t nlist;
} opt_value;

typedef struct cli_args {
    opt_value *values;     /* parallel to the command's option table */
    size_t nvalues;
    char **pos;            /* positional arguments */
    int npos;
    const char **urls;     /* parallel to pos: the URL a positional was fetched
                            * from (cli_live_resolve), NULL for a file */
} cli_args;

typedef struct cli_command {
    const char *name;
    const char *summary;   /* one line for `gomemdx help` */
    const char *usage;     /* "FILE... [--json]" */
    const char *description; /* paragraphs for `gomemdx help CMD` */
    const cli_option *options; /* terminated by { NULL }; NULL for none */
    int min_pos, max_pos;  /* positional argument count; max -1 = unbounded */
    const char *live;      /* positionals may be URLs: the endpoint a service's URL
                            * stands for; NULL: files only (live.h) */
    int live_npos;         /* how many leading positionals may be URLs; -1 = all */
    const char *live_option;      /* an option whose value may be a URL ("base"), or NULL */
    const char *live_option_path; /* the endpoint a service's URL stands for there */
    int (*run)(const struct cli_command *cmd, const cli_args *args);
} cli_command;

const cli_command *cli_find_command(const char *name);
const cli_command *const *cli_commands(void);

/* Parses argv (after the command name). On a usage error prints one line to
 * stderr and returns false. args must be released with cli_args_release. */
bool cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *args);
void cli_args_release(cli_args *args);
/* How many options cmd's table has (before its { NULL } row). */
size_t cli_option_count(const cli_command *cmd);
/* The value slot of option `name` (which must exist in the table). */
const opt_value *cli_opt(const cli_command *cmd, const cli_args *args, const char *name);

void cli_print_help(FILE *out, const cli_command *cmd);
/* Writes the bash or zsh completion script ("bash", "zsh") or the man page
 * ("man") from the tables. EXIT_OK, or EXIT_USAGE for another name. */
int cli_generate(const char *what, FILE *out);
void cli_print_overview(FILE *out);
/* "gomemdx: CMD: message" to stderr; returns EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints the library error ("gomemdx: FILE:LINE: message") and maps its
 * code to an exit status. */
int cli_report_error(const gmx_error *err);
/* Colour is used when stdout is a terminal, NO_COLOR is unset and
 * TERM is not "dumb"; --color=always/never override. */
bool cli_use_color(void);
void cli_set_color(int mode); /* -1 never, 0 auto, 1 always */
/* Applies a global option (--color=WHEN, --no-color), accepted before or
 * after the command name; false when a is not one. */
bool cli_global_option(const char *a);
/* The options that choose how a report is written (--json, --markdown,
 * --lang): given before the command name they are handed to the command.
 * How many arguments follow a (0 or 1), or -1 when a is not one. */
int cli_report_option_arity(const char *a);

/* The commands. */
extern const cli_command cmd_help;
extern const cli_command cmd_version;
extern const cli_command cmd_goroutines;
extern const cli_command cmd_core;
extern const cli_command cmd_check;
extern const cli_command cmd_diagnose;
extern const cli_command cmd_top;
extern const cli_command cmd_peek;
extern const cli_command cmd_list;
extern const cli_command cmd_watch;
extern const cli_command cmd_history;
extern const cli_command cmd_escape;
extern const cli_command cmd_convert;

#endif
