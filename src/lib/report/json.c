/* The JSON findings contract: {"schema": "gomemdx/1", "inputs", "summary",
 * "findings"}. New fields may be added; existing ones never change meaning. */
#include "gomemdx/goroutine.h"
#include "gomemdx/report.h"
#include "util/alloc.h"
#include "report/json_finding.h"

enum { MAX_LABEL_PAIRS = 64 };

/* A goroutine's label text as an object of its keys and values; text that
 * does not split (malformed, too many pairs) as {"raw": text}. */
static void label_object(gmx_json *j, gmx_str text)
{
    gmx_label_kv pairs[MAX_LABEL_PAIRS];
    char *scratch = gmx_malloc(text.n ? text.n : 1);
    int n = scratch ? gmx_goroutine_labels_split(text, scratch, pairs, MAX_LABEL_PAIRS) : -1;
    gmx_json_object_begin(j);
    if (n < 0) {
        gmx_json_key(j, "raw");
        gmx_json_string(j, text);
    }
    for (int i = 0; i < n; i++) {
        gmx_json_key_str(j, pairs[i].key);
        gmx_json_string(j, pairs[i].value);
    }
    gmx_json_object_end(j);
    gmx_free(scratch);
}

/* Opens a frame's object with its function, file and line; the caller may
 * add keys before closing it. */
static void frame_fields(gmx_json *j, const gmx_frame *f)
{
    gmx_json_object_begin(j);
    gmx_json_key(j, "function");
    gmx_json_string(j, f->func);
    gmx_json_key(j, "file");
    gmx_json_string(j, f->file);
    gmx_json_key(j, "line");
    gmx_json_uint(j, f->line);
}

static void site(gmx_json *j, const char *key, const gmx_site *s)
{
    gmx_json_key(j, key);
    frame_fields(j, &(gmx_frame){ s->function, s->file, s->line });
    gmx_json_object_end(j);
}

static void frames(gmx_json *j, const gmx_gbucket *b)
{
    gmx_json_key(j, "stack");
    gmx_json_array_begin(j);
    for (uint32_t i = 0; i < b->nframes; i++) {
        frame_fields(j, &b->frames[i]);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
    if (b->nstates) {
        gmx_json_key(j, "states");
        gmx_json_object_begin(j);
        for (uint32_t i = 0; i < b->nstates; i++) {
            /* Keys must be NUL-terminated; interned statuses are. */
            gmx_json_key(j, b->states[i].status.p);
            gmx_json_uint(j, b->states[i].count);
        }
        gmx_json_object_end(j);
    }
    if (b->nlabels) {
        gmx_json_key(j, "labels");
        gmx_json_array_begin(j);
        for (uint32_t i = 0; i < b->nlabels; i++) {
            gmx_json_object_begin(j);
            gmx_json_key(j, "labels");
            label_object(j, b->labels[i].labels);
            gmx_json_key(j, "goroutines");
            gmx_json_uint(j, b->labels[i].count);
            gmx_json_object_end(j);
        }
        gmx_json_array_end(j);
    }
}

/* A heap finding's allocating stack, user frames first, each marked. */
static void alloc_stack(gmx_json *j, const gmx_finding *fd)
{
    gmx_json_key(j, "stack");
    gmx_json_array_begin(j);
    for (uint32_t i = 0; i < fd->nstack; i++) {
        frame_fields(j, &fd->stack[i]);
        gmx_json_key(j, "user");
        gmx_json_bool(j, i < fd->nstack_user);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
}

void gmx_json_finding(gmx_json *j, const gmx_finding *fd)
{
    gmx_json_object_begin(j);
    gmx_json_key(j, "rank");
    gmx_json_uint(j, fd->rank);
    gmx_json_key(j, "category");
    gmx_json_cstring(j, gmx_category_id(fd->category));
    gmx_json_key(j, "severity");
    gmx_json_cstring(j, gmx_severity_name(fd->severity));
    gmx_json_key(j, "title");
    gmx_json_string(j, fd->title);
    if (fd->has_site) {
        site(j, "site", &fd->site);
        if (fd->site_is_mechanism) {
            gmx_json_key(j, "site_is_mechanism");
            gmx_json_bool(j, true);
        }
    }
    if (fd->has_created_by)
        site(j, "created_by", &fd->created_by);
    if (fd->has_goroutines) {
        gmx_json_key(j, "goroutines");
        gmx_json_uint(j, fd->goroutines);
    }
    if (fd->has_bytes) {
        gmx_json_key(j, "bytes");
        gmx_json_uint(j, fd->bytes);
    }
    if (fd->healthy) {
        gmx_json_key(j, "healthy");
        gmx_json_cstring(j, fd->healthy);
    }
    gmx_json_key(j, "evidence");
    gmx_json_object_begin(j);
    for (uint32_t i = 0; i < fd->nevidence; i++) {
        gmx_json_key(j, fd->evidence[i].key);
        if (fd->evidence[i].list) {
            gmx_json_array_begin(j);
            for (uint32_t k = 0; k < fd->evidence[i].nlist; k++)
                gmx_json_string(j, fd->evidence[i].list[k]);
            gmx_json_array_end(j);
        } else if (fd->evidence[i].is_text)
            gmx_json_string(j, fd->evidence[i].text);
        else
            gmx_json_double(j, fd->evidence[i].number);
    }
    if (fd->why.n) {
        gmx_json_key(j, "why");
        gmx_json_string(j, fd->why);
    }
    if (fd->source) {
        gmx_json_key(j, "source");
        gmx_json_cstring(j, fd->source);
    }
    if (fd->nstack)
        alloc_stack(j, fd);
    if (fd->nseries > 1) {
        gmx_json_key(j, "series");
        gmx_json_array_begin(j);
        for (uint32_t i = 0; i < fd->nseries; i++)
            gmx_json_uint(j, fd->series[i]);
        gmx_json_array_end(j);
    }
    gmx_json_object_end(j);
    gmx_json_key(j, "advice");
    gmx_json_cstring(j, fd->advice);
    if (fd->bucket)
        frames(j, fd->bucket);
    gmx_json_object_end(j);
}

void gmx_json_findings(gmx_json *j, const gmx_findings *f, const gmx_render_options *opts)
{
    bool all = opts && opts->show_healthy;
    size_t max = opts && opts->max_findings ? opts->max_findings : SIZE_MAX, shown = 0, cut = 0;
    gmx_json_key(j, "findings");
    gmx_json_array_begin(j);
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (!all && fd->healthy)
            continue;
        if (shown++ < max)
            gmx_json_finding(j, fd);
        else
            cut++;
    }
    gmx_json_array_end(j);
    if (cut) {
        gmx_json_key(j, "findings_left_out");
        gmx_json_uint(j, cut);
    }
}

void gmx_json_findings_document(gmx_json *j, const gmx_findings *f, const gmx_render_options *opts)
{
    gmx_json_key(j, "schema");
    gmx_json_cstring(j, "gomemdx/1");
    gmx_json_key(j, "inputs");
    gmx_json_array_begin(j);
    for (size_t i = 0; i < gmx_findings_input_count(f); i++) {
        const gmx_input_note *in = gmx_findings_input_at(f, i);
        gmx_json_object_begin(j);
        gmx_json_key(j, "name");
        gmx_json_string(j, in->name);
        gmx_json_key(j, "kind");
        gmx_json_cstring(j, in->kind);
        gmx_json_key(j, "goroutines");
        gmx_json_uint(j, in->goroutines);
        if (in->threads) {
            gmx_json_key(j, "threads");
            gmx_json_uint(j, in->threads);
        }
        gmx_json_key(j, "partial");
        gmx_json_bool(j, in->partial);
        if (in->detail.n) {
            gmx_json_key(j, "detail");
            gmx_json_string(j, in->detail);
        }
        if (in->reading.n) {
            gmx_json_key(j, "reading");
            gmx_json_string(j, in->reading);
        }
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
    if (opts && opts->gate != GMX_GATE_NONE) {
        gmx_json_key(j, "pass");
        gmx_json_bool(j, opts->gate == GMX_GATE_PASS);
    }
    if (gmx_findings_head(f).n) {
        gmx_json_key(j, "head");
        gmx_json_string(j, gmx_findings_head(f));
    }
    gmx_json_key(j, "summary");
    gmx_json_string(j, gmx_findings_summary(f));
    gmx_json_findings(j, f, opts);
}

gmx_code gmx_render_json(const gmx_findings *f, const gmx_render_options *opts, char **out,
                         size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_json_init(&j, &b);
    gmx_json_object_begin(&j);
    gmx_json_findings_document(&j, f, opts);
    gmx_json_object_end(&j);
    if (b.failed) {
        gmx_buf_release(&b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering JSON");
    }
    *out = gmx_buf_detach(&b, len);
    return GMX_OK;
}

void gmx_render_free(char *s)
{
    gmx_free(s);
}
