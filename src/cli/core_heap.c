#include "core_heap.h"
#include "gomemdx/output.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *human(uint64_t v, char *buf, size_t n)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double d = (double)v;
    size_t u = 0;
    while (d >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        d /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%" PRIu64 " B", v);
    else
        snprintf(buf, n, "%.1f %s", d, units[u]);
    return buf;
}

/* A type name comes from the binary: shown visibly (gmx_output_visible),
 * and in Markdown unable to end its code span or table cell. */
static void what(const gmx_core_heap_row *r, bool md, char *buf, size_t n)
{
    if (r->type) {
        gmx_output_visible(buf, n, r->type, strlen(r->type));
        for (char *p = buf; md && *p; p++)
            if (*p == '`' || *p == '|')
                *p = '\'';
    } else if (r->size_class == 0)
        snprintf(buf, n, "large objects, %s", r->noscan ? "no pointers" : "with pointers");
    else
        snprintf(buf, n, "size class %u (%s)", r->size_class, r->noscan ? "no pointers" : "with pointers");
}

/* The difference a - b, signed, as "+1.2 MiB" / "-3 B". */
static const char *diff(uint64_t a, uint64_t b, char *buf, size_t n)
{
    char h[32];
    snprintf(buf, n, "%s%s", a >= b ? "+" : "-", human(a >= b ? a - b : b - a, h, sizeof(h)));
    return buf;
}

void cli_core_heap_text(FILE *out, const gmx_core_heap *h, bool md, size_t rows)
{
    char a[32], b[32], c[32], d[48];
    fprintf(out, md ? "\n### Heap\n\n" : "\nHeap (from the core's spans)\n");
    fprintf(out, "%s%" PRIu64 " objects, %s allocated in %" PRIu64 " in-use spans of %s",
            md ? "" : "  ", h->objects, human(h->bytes, a, sizeof(a)), h->spans,
            human(h->span_bytes, b, sizeof(b)));
    if (h->typed)
        fprintf(out, "; Go type known for %s", human(h->typed_bytes, c, sizeof(c)));
    else
        fprintf(out, "; this Go version records no types in the heap: by size class");
    fprintf(out, "\n");
    if (h->spans_skipped)
        fprintf(out, "%s%" PRIu64 " spans did not read as valid and were skipped\n", md ? "\n" : "  ",
                h->spans_skipped);
    const char *lead = md ? "\n" : "  ";
    if (h->has_pages_in_use)
        fprintf(out, "%sruntime's heap in use (mheap_.pagesInUse): %s; the spans walked: %s\n", lead,
                human(h->pages_in_use_bytes, a, sizeof(a)),
                diff(h->span_bytes, h->pages_in_use_bytes, d, sizeof(d)));
    if (h->has_stats && h->has_cached_new) {
        int64_t objs = (int64_t)(h->objects - h->cached_new_objects - h->stats_objects);
        fprintf(out, "%sruntime's HeapAlloc (memstats.heapStats): %s in %" PRIu64 " objects", lead,
                human(h->stats_bytes, a, sizeof(a)), h->stats_objects);
        if (h->cached_new_objects)
            fprintf(out, ", plus %s in %" PRIu64 " objects allocated in the %" PRIu64
                         " spans the Ps hold since they took them",
                    human(h->cached_new_bytes, b, sizeof(b)), h->cached_new_objects, h->cached_spans);
        fprintf(out, "; the objects walked: %s, %+" PRId64 " objects\n",
                diff(h->bytes, h->stats_bytes + h->cached_new_bytes, d, sizeof(d)), objs);
    }
    if (md)
        fprintf(out, "\n| bytes | objects | object size | type |\n|---:|---:|---:|---|\n");
    for (size_t i = 0; i < h->nrows && i < rows; i++) {
        const gmx_core_heap_row *r = &h->rows[i];
        char name[200];
        what(r, md, name, sizeof(name));
        human(r->bytes, a, sizeof(a));
        human(r->elem_size, b, sizeof(b));
        if (md)
            fprintf(out, "| %s | %" PRIu64 " | %s | `%s` |\n", a, r->objects, b, name);
        else
            fprintf(out, "  %10s %8" PRIu64 " x %-9s %s\n", a, r->objects, b, name);
    }
    if (h->nrows > rows)
        fprintf(out, "%s%zu more rows (--json has them all)\n", md ? "\n" : "  ", h->nrows - rows);
}

void cli_core_heap_unread(FILE *out, const char *why, bool md)
{
    fprintf(out, md ? "\n### Heap\n\nNot read: %s\n" : "\nHeap: not read: %s\n", why);
}

typedef struct jbuf {
    char *p;
    size_t n, cap;
    bool nomem;
} jbuf;

static void put(jbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->nomem = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void putc_(jbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(jbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void put_string(jbuf *b, const char *s)
{
    put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            putf(b, "\\%c", ch);
        else if (ch < 0x20)
            putf(b, "\\u%04x", ch);
        else
            put(b, s, 1);
    }
    put(b, "\"", 1);
}

char *cli_core_heap_json(const char *doc, size_t len, const gmx_core_heap *h, const char *why)
{
    size_t end = len;
    while (end > 0 && doc[end - 1] != '}')
        end--;
    if (end == 0)
        return NULL;
    jbuf b = { 0 };
    put(&b, doc, end - 1);
    while (b.n > 0 && (b.p[b.n - 1] == '\n' || b.p[b.n - 1] == ' '))
        b.n--;
    putc_(&b, ",\n  \"heap\": ");
    if (!h) {
        putc_(&b, "{\"error\": ");
        put_string(&b, why);
        putc_(&b, "}\n}\n");
        return b.nomem ? (free(b.p), NULL) : b.p;
    }
    putf(&b, "{\n    \"arenas\": %" PRIu64 ", \"spans\": %" PRIu64 ", \"span_bytes\": %" PRIu64
             ", \"spans_skipped\": %" PRIu64 ",\n", h->arenas, h->spans, h->span_bytes,
         h->spans_skipped);
    putf(&b, "    \"objects\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"typed\": %s, \"typed_bytes\": %" PRIu64
             ",\n", h->objects, h->bytes, h->typed ? "true" : "false", h->typed_bytes);
    putc_(&b, "    \"runtime\": {");
    const char *sep = "";
    if (h->has_pages_in_use) {
        putf(&b, "\"heap_in_use\": %" PRIu64 ", \"span_bytes_minus_heap_in_use\": %" PRId64,
             h->pages_in_use_bytes, (int64_t)(h->span_bytes - h->pages_in_use_bytes));
        sep = ", ";
    }
    if (h->has_heap_live)
        putf(&b, "%s\"heap_live\": %" PRIu64 ", \"bytes_minus_heap_live\": %" PRId64, sep,
             h->heap_live, (int64_t)(h->bytes - h->heap_live));
    if (h->has_stats) {
        putf(&b, "%s\"heap_alloc\": %" PRIu64 ", \"heap_objects\": %" PRIu64 ", \"heap_inuse\": %" PRIu64,
             sep, h->stats_bytes, h->stats_objects, h->stats_in_heap);
        sep = ", ";
    }
    if (h->has_caches) {
        putf(&b, "%s\"cached_spans\": %" PRIu64 ", \"cached_free_objects\": %" PRIu64
                 ", \"cached_free_bytes\": %" PRIu64, sep, h->cached_spans, h->cached_free_objects,
             h->cached_free_bytes);
        sep = ", ";
    }
    if (h->has_cached_new)
        putf(&b, "%s\"cached_new_objects\": %" PRIu64 ", \"cached_new_bytes\": %" PRIu64, sep,
             h->cached_new_objects, h->cached_new_bytes);
    if (h->has_stats && h->has_cached_new)
        putf(&b, ", \"unexplained_bytes\": %" PRId64 ", \"unexplained_objects\": %" PRId64,
             (int64_t)(h->bytes - h->cached_new_bytes - h->stats_bytes),
             (int64_t)(h->objects - h->cached_new_objects - h->stats_objects));
    putc_(&b, "},\n    \"by_type\": [");
    for (size_t i = 0; i < h->nrows; i++) {
        const gmx_core_heap_row *r = &h->rows[i];
        putc_(&b, i ? ",\n      {\"type\": " : "\n      {\"type\": ");
        if (r->type)
            put_string(&b, r->type);
        else
            putc_(&b, "null");
        putf(&b, ", \"size_class\": %u, \"noscan\": %s, \"object_size\": %" PRIu64
                 ", \"objects\": %" PRIu64 ", \"bytes\": %" PRIu64 "}",
             r->size_class, r->noscan ? "true" : "false", r->elem_size, r->objects, r->bytes);
    }
    putc_(&b, h->nrows ? "\n    ]\n  }\n}\n" : "]\n  }\n}\n");
    return b.nomem ? (free(b.p), NULL) : b.p;
}
