#include "cli.h"
#include "gomemdx/store.h"
#include "gomemdx/watch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const cli_option options[] = {
    { "store", 's', OPT_STRING, "FILE", "the SQLite store (default ./gomemdx.db)" },
    { "output", 'o', OPT_STRING, "DIR", "export: the folder to write the capture's files to" },
    { NULL, 0, 0, NULL, NULL }
};

static void when(int64_t ns, char *out, size_t n)
{
    time_t s = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_target(const gmx_store_target_info *t)
{
    char a[40] = "-", b[40] = "-";
    if (t->samples) {
        when(t->first_ns, a, sizeof(a));
        when(t->last_ns, b, sizeof(b));
    }
    printf("target %lld  %s\n  samples %llu (%s .. %s), gaps %llu, captures %llu\n",
           (long long)t->id, t->url, (unsigned long long)t->samples, a, b,
           (unsigned long long)t->gaps, (unsigned long long)t->captures);
    if (t->last_gap)
        printf("  last gap: %s\n", t->last_gap);
}

static void print_capture(const gmx_store_capture_info *c)
{
    char at[40];
    when(c->time_ns, at, sizeof(at));
    printf("capture %lld  target %lld  %s  %llu files, %llu bytes%s\n  why:   %s\n  found: %s\n",
           (long long)c->id, (long long)c->target, at, (unsigned long long)c->files,
           (unsigned long long)c->bytes, c->complete ? "" : " (incomplete)", c->reason,
           c->summary ? c->summary : "-");
}

static gmx_code list(gmx_store *s, gmx_error *err)
{
    gmx_store_target_info *t;
    gmx_store_capture_info *c;
    size_t nt, nc;
    gmx_code rc = gmx_store_list_targets(s, &t, &nt, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < nt; i++)
        print_target(&t[i]);
    gmx_store_targets_free(t, nt);
    if ((rc = gmx_store_list_captures(s, 0, &c, &nc, err)))
        return rc;
    if (nc)
        printf("\n");
    for (size_t i = 0; i < nc; i++)
        print_capture(&c[i]);
    gmx_store_captures_free(c, nc);
    return GMX_OK;
}

static int run(const cli_command *self, const cli_args *args)
{
    const char *path = cli_opt(self, args, "store")->str;
    const char *out = cli_opt(self, args, "output")->str;
    bool export = args->npos > 0;
    char *end = NULL;
    long long id = 0;
    if (export && (strcmp(args->pos[0], "export") != 0 || args->npos != 2))
        return cli_usage_error(self, "usage: gomemdx history [export CAPTURE -o DIR]");
    if (export && ((id = strtoll(args->pos[1], &end, 10)) <= 0 || *end))
        return cli_usage_error(self, "CAPTURE is a capture number, not '%s'", args->pos[1]);
    if (export && !out)
        return cli_usage_error(self, "export needs -o DIR");
    gmx_store *s = NULL;
    gmx_error err;
    gmx_code rc = gmx_store_open(path ? path : "gomemdx.db", GMX_STORE_READ, &s, &err);
    if (rc == GMX_OK)
        rc = export ? gmx_watch_export_capture(s, id, out, &err) : list(s, &err);
    gmx_store_close(s);
    if (rc != GMX_OK)
        return cli_report_error(&err);
    if (export)
        printf("capture %lld written to %s\n", id, out);
    return EXIT_OK;
}

const cli_command cmd_history = {
    .name = "history",
    .summary = "What gomemdx watch stored: targets, samples, gaps, captures; export a capture.",
    .usage = "[--store FILE] | export CAPTURE -o DIR [--store FILE]",
    .description =
        "Lists each watched target with its samples, gaps and captures, then every\n"
        "capture: when, why (the rule that fired), and its rank-1 finding.\n"
        "'history export CAPTURE -o DIR' writes the capture's files into DIR, as files\n"
        "'gomemdx diagnose DIR' reads.",
    .options = options,
    .min_pos = 0,
    .max_pos = 2,
    .run = run,
};
