#include "cli.h"
#include "input_hint.h"
#include "live.h"
#include "gomemdx/convert.h"
#include "gomemdx/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cli_option options[] = {
    { "output", 'o', OPT_STRING, "OUT", "where to write the profile (gzipped profile.proto); - is standard output" },
    { "threads", 0, OPT_UINT, "N", "parser threads for large dumps (default: all cores)" },
    CLI_LIVE_OPTIONS,
    { NULL, 0, 0, NULL, NULL }
};

/* The whole profile to path (atomically: an existing file is replaced only
 * once the new one is whole), or to standard output for "-". */
static int write_out(const char *path, const void *data, size_t len)
{
    if (strcmp(path, "-") == 0)
        return fwrite(data, 1, len, stdout) == len ? EXIT_OK : EXIT_INTERNAL;
    gmx_error err = { 0 };
    if (gmx_output_write_file(path, data, len, &err) != GMX_OK)
        return cli_report_error(&err);
    return EXIT_OK;
}

/* A core and its binary: who holds the heap, as a heap profile. */
static int run_core(const char *core, const char *binary, const char *out)
{
    gmx_error err = { 0 };
    gmx_convert_core_info info;
    void *data = NULL;
    size_t len = 0;
    if (gmx_convert_core_retention(core, binary, &data, &len, &info, &err) != GMX_OK)
        return cli_report_error(&err);
    int rc = write_out(out, data, len);
    gmx_gprof_bytes_free(data);
    if (rc == EXIT_OK && strcmp(out, "-") != 0)
        printf("wrote %s: %llu objects, %llu bytes held from the roots (of %llu bytes allocated) "
               "in %zu sample%s%s\n",
               out, (unsigned long long)info.objects, (unsigned long long)info.bytes,
               (unsigned long long)info.allocated_bytes, info.samples, info.samples == 1 ? "" : "s",
               info.capped ? "; the mark hit a cap, the profile is partial" : "");
    return rc;
}

static int run(const cli_command *self, const cli_args *args)
{
    const char *out = cli_opt(self, args, "output")->str;
    if (!out)
        return cli_usage_error(self, "no output given (-o OUT.pb.gz, or -o - for standard output)");
    if (args->npos == 2)
        return run_core(args->pos[0], args->pos[1], out);
    gmx_ingest_options iopts = { 0 };
    iopts.threads = (unsigned)cli_opt(self, args, "threads")->num;
    gmx_error err = { 0 };
    gmx_convert_info info;
    void *data = NULL;
    size_t len = 0;
    if (gmx_convert_goroutines(args->pos[0], &iopts, &data, &len, &info, &err) != GMX_OK)
        return cli_report_input_error("goroutines", &err);
    int rc = write_out(out, data, len);
    gmx_gprof_bytes_free(data);
    if (rc == EXIT_OK && strcmp(out, "-") != 0)
        printf("wrote %s: %llu goroutine%s in %zu sample%s\n", out,
               (unsigned long long)info.goroutines, info.goroutines == 1 ? "" : "s", info.samples,
               info.samples == 1 ? "" : "s");
    return rc;
}

const cli_command cmd_convert = {
    .name = "convert",
    .summary = "Write a goroutine dump, or who holds a core's heap, as a pprof profile.",
    .usage = "DUMP -o OUT.pb.gz [--threads N] | CORE BINARY -o OUT.pb.gz",
    .description =
        "Reads a goroutine dump (debug=2, runtime.Stack, SIGQUIT output, panic and\n"
        "fatal error logs, goleak reports, or debug=1 text) and writes it as a\n"
        "goroutine profile (profile.proto, always gzip-compressed, whatever OUT is\n"
        "called) that go tool pprof and other pprof viewers read. Goroutines with\n"
        "the same stack and labels become one sample counting them. Each sample is\n"
        "labelled: state (the wait reason, e.g. \"chan receive\"), category (the\n"
        "runbook cause gomemdx finds, e.g. chan-recv-blocked), healthy (a healthy\n"
        "pattern recognised), leaked (true when Go's GC proved it can never wake),\n"
        "wait_minutes (how long it waited, when the dump says), first_id and\n"
        "last_id (the goroutine ids its stack spans: a pool started in one loop has\n"
        "them nearly consecutive) and the goroutine's own pprof labels. Filter on\n"
        "them with pprof's -tagfocus, e.g.\n"
        "go tool pprof -top -tagfocus='state=chan receive' OUT.pb.gz. A stack is\n"
        "what the dump shows: Go's tracebacks hide runtime frames such as\n"
        "runtime.gopark, which its own goroutine profiles keep.\n"
        "\n"
        "Given a Go core dump and its binary, it writes who holds the heap as a\n"
        "heap profile (inuse_objects, inuse_space), as goref does: each object\n"
        "counts under its retention path, from the root that reached it first (a\n"
        "global, a goroutine's frame) down to its Go type or size class. Read it\n"
        "with go tool pprof -top, -tree or -http (a flame graph of who holds\n"
        "what), or with gomemdx top.",
    .options = options,
    .min_pos = 1,
    .max_pos = 2,
    .live = "/debug/pprof/goroutine?debug=2",
    .live_npos = 1,
    .run = run,
};
