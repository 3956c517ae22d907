/* Option parsing and help text, both driven by a command's option table.
 * Accepted forms: --name, --name=VALUE, --name VALUE, -n VALUE, and "--"
 * to end options. Options and positional arguments may be mixed. As in go
 * tool pprof, a long name also takes one dash (-nodecount=5) and
 * underscores for dashes (-sample_index): people paste pprof habits. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t cli_option_count(const cli_command *cmd)
{
    size_t n = 0;
    while (cmd->options && cmd->options[n].name)
        n++;
    return n;
}

int cli_usage_error(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "gomemdx: %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'gomemdx help %s')\n", cmd->name);
    return EXIT_USAGE;
}

/* "sample_index" names --sample-index. */
static bool same_name(const char *option, const char *name, size_t len)
{
    if (strlen(option) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (option[i] != name[i] && !(option[i] == '-' && name[i] == '_'))
            return false;
    return true;
}

static const cli_option *find_long(const cli_command *cmd, const char *name, size_t len,
                                   size_t *index)
{
    size_t n = cli_option_count(cmd);
    for (size_t i = 0; i < n; i++) {
        if (same_name(cmd->options[i].name, name, len)) {
            *index = i;
            return &cmd->options[i];
        }
    }
    return NULL;
}

static const cli_option *find_short(const cli_command *cmd, char c, size_t *index)
{
    size_t n = cli_option_count(cmd);
    for (size_t i = 0; i < n; i++) {
        if (cmd->options[i].short_name == c) {
            *index = i;
            return &cmd->options[i];
        }
    }
    return NULL;
}

/* "1.5GiB" -> 1610612736. Decimal (K, M, G, T) and binary (Ki, Mi, Gi, Ti)
 * multipliers, each optionally followed by "B". */
static bool parse_size(const char *arg, unsigned long long *out)
{
    static const struct {
        const char *suffix;
        double mult;
    } units[] = { { "", 1 },          { "B", 1 },          { "K", 1e3 },        { "KB", 1e3 },
                  { "Ki", 1024.0 },   { "KiB", 1024.0 },   { "M", 1e6 },        { "MB", 1e6 },
                  { "Mi", 1048576.0 }, { "MiB", 1048576.0 }, { "G", 1e9 },        { "GB", 1e9 },
                  { "Gi", 1073741824.0 }, { "GiB", 1073741824.0 }, { "T", 1e12 }, { "TB", 1e12 },
                  { "Ti", 1099511627776.0 }, { "TiB", 1099511627776.0 } };
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || v < 0 || *arg == '-')
        return false;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].suffix) == 0) {
            double bytes = v * units[i].mult;
            if (bytes >= 1.8e19)
                return false;
            *out = (unsigned long long)bytes;
            return true;
        }
    }
    return false;
}

static bool store(const cli_command *cmd, const cli_option *opt, opt_value *v, const char *arg)
{
    v->set = true;
    switch (opt->kind) {
    case OPT_FLAG:
        return true;
    case OPT_STRING:
        v->str = arg;
        return true;
    case OPT_UINT: {
        char *end;
        errno = 0;
        if (!*arg || *arg == '-') {
            cli_usage_error(cmd, "--%s needs a non-negative number, not '%s'", opt->name, arg);
            return false;
        }
        v->num = strtoull(arg, &end, 10);
        if (errno || *end) {
            cli_usage_error(cmd, "--%s needs a non-negative number, not '%s'", opt->name, arg);
            return false;
        }
        return true;
    }
    case OPT_SIZE:
        v->str = arg;
        if (!parse_size(arg, &v->num)) {
            cli_usage_error(cmd, "--%s needs a size such as 512MiB or 2G, not '%s'", opt->name, arg);
            return false;
        }
        return true;
    case OPT_LIST: {
        const char **list = realloc(v->list, (v->nlist + 2) * sizeof(*list));
        if (!list) {
            fprintf(stderr, "gomemdx: out of memory\n");
            return false;
        }
        list[v->nlist++] = arg;
        list[v->nlist] = NULL;
        v->list = list;
        return true;
    }
    }
    return false;
}

bool cli_parse(const cli_command *cmd, int argc, char **argv, cli_args *args)
{
    memset(args, 0, sizeof(*args));
    size_t nopt = cli_option_count(cmd);
    args->values = calloc(nopt + 1, sizeof(*args->values));
    args->nvalues = nopt;
    args->pos = calloc((size_t)argc + 1, sizeof(*args->pos));
    args->urls = calloc((size_t)argc + 1, sizeof(*args->urls));
    if (!args->values || !args->pos || !args->urls) {
        fprintf(stderr, "gomemdx: out of memory\n");
        cli_args_release(args);
        return false;
    }
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            args->pos[args->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(stdout, cmd);
            cli_args_release(args);
            exit(EXIT_OK);
        }
        if (cli_global_option(a))
            continue;
        const cli_option *opt;
        size_t idx = 0;
        const char *inline_val = NULL;
        if (a[1] == '-' || a[2] != '\0') {
            const char *name = a + (a[1] == '-' ? 2 : 1);
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            opt = find_long(cmd, name, len, &idx);
            if (eq)
                inline_val = eq + 1;
        } else {
            opt = find_short(cmd, a[1], &idx);
        }
        if (!opt) {
            cli_usage_error(cmd, "unknown option '%s'", a);
            cli_args_release(args);
            return false;
        }
        const char *val = NULL;
        if (opt->kind == OPT_FLAG) {
            if (inline_val) {
                cli_usage_error(cmd, "--%s takes no value", opt->name);
                cli_args_release(args);
                return false;
            }
        } else if (inline_val) {
            val = inline_val;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            cli_usage_error(cmd, "--%s needs a value (%s)", opt->name, opt->arg ? opt->arg : "VALUE");
            cli_args_release(args);
            return false;
        }
        if (!store(cmd, opt, &args->values[idx], val)) {
            cli_args_release(args);
            return false;
        }
    }
    if (args->npos < cmd->min_pos) {
        cli_usage_error(cmd, "missing arguments: usage: gomemdx %s %s", cmd->name, cmd->usage);
        cli_args_release(args);
        return false;
    }
    if (cmd->max_pos >= 0 && args->npos > cmd->max_pos) {
        cli_usage_error(cmd, "unexpected argument '%s'", args->pos[cmd->max_pos]);
        cli_args_release(args);
        return false;
    }
    return true;
}

void cli_args_release(cli_args *args)
{
    for (size_t i = 0; args->values && i < args->nvalues; i++)
        free(args->values[i].list);
    free(args->values);
    free(args->pos);
    free(args->urls);
    memset(args, 0, sizeof(*args));
}

const opt_value *cli_opt(const cli_command *cmd, const cli_args *args, const char *name)
{
    static const opt_value unset;
    size_t idx;
    if (args->values && find_long(cmd, name, strlen(name), &idx))
        return &args->values[idx];
    return &unset;
}

static void print_wrapped(FILE *out, const char *text, int indent)
{
    fprintf(out, "%*s", indent, "");
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fprintf(out, "%*s", indent, "");
    }
    fputc('\n', out);
}

void cli_print_help(FILE *out, const cli_command *cmd)
{
    fprintf(out, "usage: gomemdx %s %s\n\n", cmd->name, cmd->usage);
    fprintf(out, "%s\n", cmd->summary);
    if (cmd->description) {
        fputc('\n', out);
        print_wrapped(out, cmd->description, 0);
    }
    if (cmd->live || cmd->live_option) {
        const char *what = cmd->live ? cmd->live : cmd->live_option_path;
        fprintf(out, "\nURLs: %s%s may be an http:// or https:// URL, as for go tool pprof. A\n"
                     "service's URL (http://host:6060, or its /debug/pprof/ page) means its\n"
                     "%s; any other URL is that endpoint; ?seconds=N is passed on.\n"
                     "Every body fetched is saved in $XDG_DATA_HOME/gomemdx/captures (by\n"
                     "default ~/.local/share/gomemdx/captures) and read from there.\n",
                cmd->live ? "the input" : "--", cmd->live ? "" : cmd->live_option, what);
    }
    size_t n = cli_option_count(cmd);
    if (n) {
        fprintf(out, "\noptions:\n");
        for (size_t i = 0; i < n; i++) {
            const cli_option *o = &cmd->options[i];
            char left[64];
            if (o->short_name)
                snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
                         o->kind == OPT_FLAG ? "" : " ", o->kind == OPT_FLAG ? "" : o->arg);
            else
                snprintf(left, sizeof(left), "    --%s%s%s", o->name,
                         o->kind == OPT_FLAG ? "" : " ", o->kind == OPT_FLAG ? "" : o->arg);
            fprintf(out, "  %-26s %s\n", left, o->help);
        }
    }
}

void cli_print_overview(FILE *out)
{
    fprintf(out, "gomemdx: diagnose memory problems in Go services from the evidence they "
                 "already produce.\n\nusage: gomemdx [--color=auto|always|never] "
                 "[--json|--markdown] [--lang en|zh] COMMAND [ARGS...]\n\ncommands:\n");
    for (const cli_command *const *c = cli_commands(); *c; c++)
        fprintf(out, "  %-12s %s\n", (*c)->name, (*c)->summary);
    fprintf(out, "\n'gomemdx help COMMAND' explains one command.\n"
                 "exit status: 0 ok, 1 check found growth, 2 usage or input error, "
                 "3 internal error\n");
}

static int color_mode; /* -1 never, 0 auto, 1 always */

bool cli_global_option(const char *a)
{
    if (strcmp(a, "--color=auto") == 0)
        cli_set_color(0);
    else if (strcmp(a, "--color=always") == 0)
        cli_set_color(1);
    else if (strcmp(a, "--color=never") == 0 || strcmp(a, "--no-color") == 0)
        cli_set_color(-1);
    else
        return false;
    return true;
}

int cli_report_option_arity(const char *a)
{
    static const struct {
        const char *name;
        int arity;
    } report[] = { { "--json", 0 }, { "--markdown", 0 }, { "--lang", 1 } };
    for (size_t i = 0; i < sizeof(report) / sizeof(report[0]); i++) {
        size_t n = strlen(report[i].name);
        if (strncmp(a, report[i].name, n) == 0 && (a[n] == '\0' || (a[n] == '=' && report[i].arity)))
            return a[n] == '=' ? 0 : report[i].arity;
    }
    return -1;
}

void cli_set_color(int mode)
{
    color_mode = mode;
}

bool cli_use_color(void)
{
    if (color_mode)
        return color_mode > 0;
    const char *no = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if ((no && *no) || (term && strcmp(term, "dumb") == 0))
        return false;
    return isatty(STDOUT_FILENO);
}

int cli_report_error(const gmx_error *err)
{
    char msg[512];
    gmx_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "gomemdx: %s\n", msg);
    switch (err->code) {
    case GMX_OK:
        return EXIT_OK;
    case GMX_EUSAGE:
    case GMX_EIO:
    case GMX_EFORMAT:
    case GMX_ELIMIT:
        return EXIT_USAGE;
    case GMX_ENOMEM:
    case GMX_EINTERNAL:
        return EXIT_INTERNAL;
    }
    return EXIT_INTERNAL;
}
