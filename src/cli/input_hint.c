#include "input_hint.h"
#include "cli.h"
#include "gomemdx/bundle.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The command that reads what id names; NULL when none does. */
static const char *reader_of(const gmx_identity *id)
{
    switch (id->kind) {
    case GMX_ART_GOROUTINES:
        return "goroutines";
    case GMX_ART_HEAP:
        return id->heap_text ? "diagnose" : "top";
    case GMX_ART_ESCAPE_LOG:
        return "escape";
    case GMX_ART_LOG:
    case GMX_ART_METRICS:
        return "diagnose";
    case GMX_ART_SKIPPED:
        break;
    }
    return NULL;
}

static const char *article(const gmx_identity *id)
{
    if (id->kind == GMX_ART_METRICS) /* "runtime metrics (...)" */
        return "";
    return strchr("aeiou", id->format[0]) ? "an " : "a ";
}

int cli_report_input_error(const char *reads, const gmx_error *err)
{
    struct stat st;
    gmx_identity id;
    gmx_error ierr;
    const char *path = err->source;
    if (err->code != GMX_EFORMAT || !path[0] || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        gmx_bundle_identify(path, &id, &ierr) != GMX_OK)
        return cli_report_error(err);
    if (id.elf == GMX_ELF_CORE) {
        fprintf(stderr, "gomemdx: %s is a core file; read it with `gomemdx core %s BINARY`\n",
                path, path);
        return EXIT_USAGE;
    }
    if (id.elf == GMX_ELF_EXECUTABLE) {
        fprintf(stderr, "gomemdx: %s is an executable, not evidence; `gomemdx core CORE %s` "
                        "reads a core file of it\n", path, path);
        return EXIT_USAGE;
    }
    if (id.archive_members) {
        fprintf(stderr, "gomemdx: %s is an archive of %zu file%s; read them with `gomemdx diagnose %s`\n",
                path, id.archive_members, id.archive_members == 1 ? "" : "s", path);
        return EXIT_USAGE;
    }
    const char *reader = reader_of(&id);
    if (!reader || strcmp(reader, reads) == 0)
        return cli_report_error(err);
    fprintf(stderr, "gomemdx: %s is %s%s; read it with `gomemdx %s %s`\n", path, article(&id),
            id.format, reader, path);
    return EXIT_USAGE;
}
