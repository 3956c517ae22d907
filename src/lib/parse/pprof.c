/* profile.proto grammar: the Profile message and its sub-messages, field by
 * field, over the wire reader. Fields may come in any order and repeat;
 * repeated scalars may be packed or not; unknown fields are skipped. A known
 * field with the wrong wire type is an error, as in pprof's own decoder.
 * Nothing here resolves ids or string indexes: that is the model's job once
 * the whole input (and its string table, written last) has been read. */
#include "gomemdx/profile.h"
#include "util/alloc.h"
#include "util/pbwire.h"

#include <string.h>

typedef struct decoder {
    const char *name;
    uint64_t base;  /* offset of the bytes being read in the whole input */
    gmx_pprof_scratch *scratch;
    gmx_error *err;
} decoder;

void gmx_pprof_scratch_release(gmx_pprof_scratch *s)
{
    gmx_free(s->ids);
    gmx_free(s->values);
    gmx_free(s->labels);
    gmx_free(s->lines);
    memset(s, 0, sizeof(*s));
}

static gmx_code wire_error(decoder *d, gmx_pb_status s, const gmx_pb *r, const char *what)
{
    return gmx_error_set_at_offset(d->err, GMX_EFORMAT, d->name, d->base + gmx_pb_offset(r),
                                   "bad %s: %s", what, gmx_pb_strerror(s));
}

/* Makes room for one more element in a scratch array of elem-sized items. */
static gmx_code reserve(decoder *d, void **arr, size_t *cap, size_t n, size_t elem,
                        const gmx_pb *r, const char *what)
{
    if (n < *cap)
        return GMX_OK;
    if (n >= GMX_PPROF_MAX_REPEATED) {
        return gmx_error_set_at_offset(d->err, GMX_ELIMIT, d->name, d->base + gmx_pb_offset(r),
                                       "%s has more than %zu entries", what,
                                       (size_t)GMX_PPROF_MAX_REPEATED);
    }
    size_t grown = *cap ? *cap * 2 : 64;
    void *p = gmx_reallocarray(*arr, grown, elem);
    if (!p)
        return gmx_error_set(d->err, GMX_ENOMEM, "out of memory decoding %s", what);
    *arr = p;
    *cap = grown;
    return GMX_OK;
}

static gmx_pb_status scalar(gmx_pb *r, int wt, uint64_t *v)
{
    if (wt != GMX_PB_VARINT)
        return GMX_PB_WRONG_TYPE;
    return gmx_pb_varint(r, v);
}

/* Appends a packed or unpacked run of varints to arr[*n..]. A packed run
 * is counted first so that room is made once; one that would pass the
 * limit, or ends inside a varint, takes the value-by-value path, which
 * reports exactly where it fails. */
static gmx_code repeated(decoder *d, gmx_pb *r, int wt, uint64_t **arr, size_t *n, size_t *cap,
                         const char *what)
{
    gmx_pb_repeated it;
    gmx_pb_status s = gmx_pb_repeated_begin(r, wt, &it);
    if (s != GMX_PB_OK)
        return wire_error(d, s, r, what);
    size_t count;
    if (!it.single && gmx_pb_repeated_count(&it, &count) == GMX_PB_OK &&
        *n + count < GMX_PPROF_MAX_REPEATED) {
        if (*n + count > *cap) {
            size_t grown = *cap ? *cap : 64;
            while (grown < *n + count)
                grown *= 2;
            void *a = gmx_reallocarray(*arr, grown, sizeof(**arr));
            if (!a)
                return gmx_error_set(d->err, GMX_ENOMEM, "out of memory decoding %s", what);
            *arr = a;
            *cap = grown;
        }
        uint64_t *out = *arr;
        size_t k = *n;
        while (!gmx_pb_eof(&it.in)) {
            if ((s = gmx_pb_varint(&it.in, &out[k])) != GMX_PB_OK)
                return wire_error(d, s, &it.in, what);
            k++;
        }
        *n = k;
        return GMX_OK;
    }
    uint64_t v;
    while (gmx_pb_repeated_next(&it, &v)) {
        gmx_code rc = reserve(d, (void **)arr, cap, *n, sizeof(**arr), r, what);
        if (rc != GMX_OK)
            return rc;
        (*arr)[(*n)++] = v;
    }
    if (it.status != GMX_PB_OK)
        return wire_error(d, it.status, &it.in, what);
    return GMX_OK;
}

static gmx_code skip_or_fail(decoder *d, gmx_pb *r, gmx_pb_status s, int wt, const char *what)
{
    if (s == GMX_PB_OK)
        s = gmx_pb_skip(r, wt);
    return s == GMX_PB_OK ? GMX_OK : wire_error(d, s, r, what);
}

/* Reads fields of one message; for each calls field(d, r, num, wt, out)
 * which returns GMX_OK after consuming the value, a gmx_code on failure, or
 * FIELD_UNKNOWN (outside gmx_code's range) to have it skipped. */
enum { FIELD_UNKNOWN = -1 };
typedef int (*field_fn)(decoder *d, gmx_pb *r, uint32_t num, int wt, void *out);

static gmx_code message(decoder *d, gmx_pb *r, field_fn field, void *out, const char *what)
{
    while (!gmx_pb_eof(r)) {
        uint32_t num;
        int wt;
        gmx_pb_status s = gmx_pb_key(r, &num, &wt);
        if (s != GMX_PB_OK)
            return wire_error(d, s, r, what);
        int rc = field(d, r, num, wt, out);
        if (rc == FIELD_UNKNOWN)
            rc = skip_or_fail(d, r, GMX_PB_OK, wt, what);
        if (rc != GMX_OK)
            return (gmx_code)rc;
    }
    return GMX_OK;
}

/* One varint field into *v (signed or not: the caller casts). */
static inline gmx_code int_field(decoder *d, gmx_pb *r, int wt, void *v, const char *what)
{
    uint64_t x;
    gmx_pb_status s = scalar(r, wt, &x);
    if (s != GMX_PB_OK)
        return wire_error(d, s, r, what);
    memcpy(v, &x, sizeof(x));
    return GMX_OK;
}

static int value_type_field(decoder *d, gmx_pb *r, uint32_t num, int wt, void *out)
{
    gmx_pprof_event *ev = out;
    if (num == 1)
        return int_field(d, r, wt, &ev->value_type.type, "value type");
    if (num == 2)
        return int_field(d, r, wt, &ev->value_type.unit, "value type");
    return FIELD_UNKNOWN;
}

static gmx_code bool_field(decoder *d, gmx_pb *r, int wt, bool *b, const char *what)
{
    uint64_t x = 0;
    gmx_code rc = int_field(d, r, wt, &x, what);
    *b = x != 0;
    return rc;
}

static int mapping_field(decoder *d, gmx_pb *r, uint32_t num, int wt, void *out)
{
    gmx_pprof_event *ev = out;
    switch (num) {
    case 1: return int_field(d, r, wt, &ev->mapping.id, "mapping");
    case 2: return int_field(d, r, wt, &ev->mapping.start, "mapping");
    case 3: return int_field(d, r, wt, &ev->mapping.limit, "mapping");
    case 4: return int_field(d, r, wt, &ev->mapping.file_offset, "mapping");
    case 5: return int_field(d, r, wt, &ev->mapping.filename, "mapping");
    case 6: return int_field(d, r, wt, &ev->mapping.build_id, "mapping");
    case 7: return bool_field(d, r, wt, &ev->mapping.has_functions, "mapping");
    case 8: return bool_field(d, r, wt, &ev->mapping.has_filenames, "mapping");
    case 9: return bool_field(d, r, wt, &ev->mapping.has_line_numbers, "mapping");
    case 10: return bool_field(d, r, wt, &ev->mapping.has_inline_frames, "mapping");
    }
    return FIELD_UNKNOWN;
}

static int function_field(decoder *d, gmx_pb *r, uint32_t num, int wt, void *out)
{
    gmx_pprof_event *ev = out;
    switch (num) {
    case 1: return int_field(d, r, wt, &ev->function.id, "function");
    case 2: return int_field(d, r, wt, &ev->function.name, "function");
    case 3: return int_field(d, r, wt, &ev->function.system_name, "function");
    case 4: return int_field(d, r, wt, &ev->function.filename, "function");
    case 5: return int_field(d, r, wt, &ev->function.start_line, "function");
    }
    return FIELD_UNKNOWN;
}

/* Lines and locations are most of a large profile: their fields are read
 * in loops of their own rather than through message()'s callback (same
 * checks, same errors). */
static gmx_code line_message(decoder *d, gmx_pb *r, gmx_pprof_line_raw *ln)
{
    while (!gmx_pb_eof(r)) {
        uint32_t num;
        int wt;
        gmx_pb_status s = gmx_pb_key(r, &num, &wt);
        if (s != GMX_PB_OK)
            return wire_error(d, s, r, "line");
        gmx_code rc;
        switch (num) {
        case 1: rc = int_field(d, r, wt, &ln->function_id, "line"); break;
        case 2: rc = int_field(d, r, wt, &ln->line, "line"); break;
        case 3: rc = int_field(d, r, wt, &ln->column, "line"); break;
        default: rc = skip_or_fail(d, r, GMX_PB_OK, wt, "line"); break;
        }
        if (rc != GMX_OK)
            return rc;
    }
    return GMX_OK;
}

/* A sub-message field: its reader, or a wire error. */
static gmx_code sub_message(decoder *d, gmx_pb *r, int wt, gmx_pb *sub, const char *what)
{
    gmx_pb_status s = wt == GMX_PB_LEN ? gmx_pb_sub(r, sub) : GMX_PB_WRONG_TYPE;
    return s == GMX_PB_OK ? GMX_OK : wire_error(d, s, r, what);
}

static gmx_code location_line(decoder *d, gmx_pb *r, int wt, gmx_pprof_event *ev)
{
    gmx_pprof_scratch *s = d->scratch;
    gmx_pb sub;
    gmx_code rc = sub_message(d, r, wt, &sub, "line");
    if (rc == GMX_OK)
        rc = reserve(d, (void **)&s->lines, &s->lines_cap, ev->location.nlines,
                     sizeof(*s->lines), r, "location lines");
    if (rc != GMX_OK)
        return rc;
    gmx_pprof_line_raw *ln = &s->lines[ev->location.nlines];
    memset(ln, 0, sizeof(*ln));
    rc = line_message(d, &sub, ln);
    ev->location.nlines += rc == GMX_OK;
    ev->location.lines = s->lines;
    return rc;
}

static gmx_code location_message(decoder *d, gmx_pb *r, gmx_pprof_event *ev)
{
    while (!gmx_pb_eof(r)) {
        uint32_t num;
        int wt;
        gmx_pb_status s = gmx_pb_key(r, &num, &wt);
        if (s != GMX_PB_OK)
            return wire_error(d, s, r, "location");
        gmx_code rc;
        switch (num) {
        case 1: rc = int_field(d, r, wt, &ev->location.id, "location"); break;
        case 2: rc = int_field(d, r, wt, &ev->location.mapping_id, "location"); break;
        case 3: rc = int_field(d, r, wt, &ev->location.address, "location"); break;
        case 4: rc = location_line(d, r, wt, ev); break;
        case 5: rc = bool_field(d, r, wt, &ev->location.is_folded, "location"); break;
        default: rc = skip_or_fail(d, r, GMX_PB_OK, wt, "location"); break;
        }
        if (rc != GMX_OK)
            return rc;
    }
    return GMX_OK;
}

static int label_field(decoder *d, gmx_pb *r, uint32_t num, int wt, void *out)
{
    gmx_pprof_label_raw *l = out;
    switch (num) {
    case 1: return int_field(d, r, wt, &l->key, "label");
    case 2: return int_field(d, r, wt, &l->str, "label");
    case 3: return int_field(d, r, wt, &l->num, "label");
    case 4: return int_field(d, r, wt, &l->num_unit, "label");
    }
    return FIELD_UNKNOWN;
}

static int sample_field(decoder *d, gmx_pb *r, uint32_t num, int wt, void *out)
{
    gmx_pprof_sample_raw *smp = out;
    gmx_pprof_scratch *s = d->scratch;
    gmx_code rc;
    switch (num) {
    case 1:
        rc = repeated(d, r, wt, &s->ids, &smp->nlocations, &s->ids_cap, "sample location ids");
        smp->location_ids = s->ids;
        return rc;
    case 2:
        rc = repeated(d, r, wt, &s->values, &smp->nvalues, &s->values_cap,
                      "sample values");
        smp->values = (const int64_t *)s->values;
        return rc;
    case 3: {
        gmx_pb sub;
        rc = sub_message(d, r, wt, &sub, "label");
        if (rc == GMX_OK)
            rc = reserve(d, (void **)&s->labels, &s->labels_cap, smp->nlabels,
                         sizeof(*s->labels), r, "sample labels");
        if (rc != GMX_OK)
            return rc;
        gmx_pprof_label_raw *l = &s->labels[smp->nlabels];
        memset(l, 0, sizeof(*l));
        rc = message(d, &sub, label_field, l, "label");
        smp->nlabels += rc == GMX_OK;
        smp->labels = s->labels;
        return rc;
    }
    }
    return FIELD_UNKNOWN;
}

gmx_code gmx_pprof_sample_decode(const void *msg, size_t len, uint64_t base,
                                 gmx_pprof_scratch *scratch, gmx_pprof_sample_raw *out,
                                 gmx_error *err)
{
    decoder d = { .name = NULL, .base = base, .scratch = scratch, .err = err };
    memset(out, 0, sizeof(*out));
    gmx_pb r;
    gmx_pb_init(&r, msg, len);
    return message(&d, &r, sample_field, out, "sample");
}

/* Decodes the message field `kind` at r into ev (msg and offset set). */
static gmx_code top_message(decoder *d, gmx_pb *sub, gmx_pprof_event *ev)
{
    switch (ev->kind) {
    case GMX_PPROF_SAMPLE_TYPE:
    case GMX_PPROF_PERIOD_TYPE: return message(d, sub, value_type_field, ev, "value type");
    case GMX_PPROF_SAMPLE: return message(d, sub, sample_field, &ev->sample, "sample");
    case GMX_PPROF_MAPPING: return message(d, sub, mapping_field, ev, "mapping");
    case GMX_PPROF_LOCATION: return location_message(d, sub, ev);
    case GMX_PPROF_FUNCTION: return message(d, sub, function_field, ev, "function");
    default: return GMX_EINTERNAL;
    }
}

static bool is_message(uint32_t num)
{
    return (num >= GMX_PPROF_SAMPLE_TYPE && num <= GMX_PPROF_FUNCTION) ||
           num == GMX_PPROF_PERIOD_TYPE;
}

/* Comments are a repeated int64: one event per string index. */
static gmx_code comments(decoder *d, gmx_pb *r, int wt, gmx_pprof_event *ev, gmx_pprof_fn fn,
                         void *ctx)
{
    gmx_pb_repeated it;
    gmx_pb_status s = gmx_pb_repeated_begin(r, wt, &it);
    if (s != GMX_PB_OK)
        return wire_error(d, s, r, "comment");
    uint64_t v;
    while (gmx_pb_repeated_next(&it, &v)) {
        ev->value = (int64_t)v;
        int rc = fn(ctx, ev);
        if (rc)
            return (gmx_code)rc;
    }
    return it.status == GMX_PB_OK ? GMX_OK : wire_error(d, it.status, &it.in, "comment");
}

static gmx_code top_field(decoder *d, gmx_pb *r, uint32_t num, int wt, gmx_pprof_event *ev,
                          gmx_pprof_fn fn, void *ctx)
{
    gmx_code rc;
    if (is_message(num)) {
        gmx_pb sub;
        if ((rc = sub_message(d, r, wt, &sub, "profile field")) != GMX_OK)
            return rc;
        ev->msg = sub.p;
        ev->msg_len = (size_t)(sub.end - sub.p);
        if ((rc = top_message(d, &sub, ev)) != GMX_OK)
            return rc;
    } else if (num == GMX_PPROF_STRING) {
        const uint8_t *p;
        size_t n;
        gmx_pb_status s = wt == GMX_PB_LEN ? gmx_pb_bytes(r, &p, &n) : GMX_PB_WRONG_TYPE;
        if (s != GMX_PB_OK)
            return wire_error(d, s, r, "string table");
        ev->string = (gmx_str){ (const char *)p, n };
    } else if (num == GMX_PPROF_COMMENT) {
        return comments(d, r, wt, ev, fn, ctx);
    } else if (num <= GMX_PPROF_DOC_URL) {
        if ((rc = int_field(d, r, wt, &ev->value, "profile field")) != GMX_OK)
            return rc;
    } else {
        return skip_or_fail(d, r, GMX_PB_OK, wt, "profile");
    }
    int stop = fn(ctx, ev);
    return (gmx_code)stop;
}

/* Zeroes what an event of field num uses (the whole event is large, and
 * a profile has millions of them). */
static void clear_event(gmx_pprof_event *ev, uint32_t num)
{
    ev->msg = NULL;
    ev->msg_len = 0;
    ev->value = 0;
    switch (num) {
    case GMX_PPROF_SAMPLE_TYPE:
    case GMX_PPROF_PERIOD_TYPE: memset(&ev->value_type, 0, sizeof(ev->value_type)); break;
    case GMX_PPROF_SAMPLE: memset(&ev->sample, 0, sizeof(ev->sample)); break;
    case GMX_PPROF_MAPPING: memset(&ev->mapping, 0, sizeof(ev->mapping)); break;
    case GMX_PPROF_LOCATION: memset(&ev->location, 0, sizeof(ev->location)); break;
    case GMX_PPROF_FUNCTION: memset(&ev->function, 0, sizeof(ev->function)); break;
    case GMX_PPROF_STRING: ev->string = (gmx_str){ NULL, 0 }; break;
    default: break;
    }
}

gmx_code gmx_pprof_parse(const char *name, const void *data, size_t len, gmx_pprof_fn fn,
                         void *ctx, gmx_error *err)
{
    gmx_pprof_scratch scratch = { 0 };
    decoder d = { .name = name, .base = 0, .scratch = &scratch, .err = err };
    gmx_pb r;
    gmx_pb_init(&r, data, len);
    gmx_code rc = GMX_OK;
    while (rc == GMX_OK && !gmx_pb_eof(&r)) {
        uint64_t at = gmx_pb_offset(&r);
        uint32_t num;
        int wt;
        gmx_pb_status s = gmx_pb_key(&r, &num, &wt);
        if (s != GMX_PB_OK) {
            rc = wire_error(&d, s, &r, "profile");
            break;
        }
        gmx_pprof_event ev;
        clear_event(&ev, num);
        ev.kind = (gmx_pprof_kind)num;
        ev.offset = at;
        rc = top_field(&d, &r, num, wt, &ev, fn, ctx);
    }
    gmx_pprof_scratch_release(&scratch);
    return rc;
}
