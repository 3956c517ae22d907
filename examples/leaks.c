/* leaks: the goroutine leaks of one dump, with libgomemdx.
 *
 *   cc leaks.c $(pkg-config --cflags --libs gomemdx) -o leaks
 *   ./leaks goroutines.txt
 *
 * The dump is read into memory by the caller and handed over as a buffer:
 * the library needs no path and writes nothing. */
#include <gomemdx/analyze.h>
#include <gomemdx/findings.h>
#include <gomemdx/ingest.h>
#include <gomemdx/input.h>

#include <stdio.h>
#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: leaks DUMP\n");
        return 2;
    }
    size_t len;
    char *dump = slurp(argv[1], &len);
    if (!dump) {
        perror(argv[1]);
        return 2;
    }
    gmx_error err;
    gmx_input *in = NULL;
    gmx_gsnapshot snap;
    gmx_findings *findings = gmx_findings_new();
    int status = 2;
    if (findings && gmx_input_from_memory(argv[1], dump, len, &in, &err) == GMX_OK &&
        gmx_ingest_goroutines_input(in, NULL, &snap, &err) == GMX_OK) {
        if (gmx_analyze_goroutines(&snap, 1, NULL, findings, &err) == GMX_OK) {
            for (size_t i = 0; i < gmx_findings_count(findings); i++) {
                const gmx_finding *f = gmx_findings_at(findings, i);
                printf("#%u %s %.*s\n", (unsigned)f->rank, gmx_severity_name(f->severity),
                       (int)f->title.n, f->title.p);
            }
            status = 0;
        }
        gmx_findings_free(findings);
        findings = NULL;
        gmx_gsnapshot_release(&snap);
    }
    if (status) {
        char line[1024];
        gmx_error_format(&err, line, sizeof line);
        fprintf(stderr, "leaks: %s\n", line);
    }
    gmx_findings_free(findings);
    free(dump);
    return status;
}
