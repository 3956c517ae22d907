/* A goroutine dump as a pprof goroutine profile, in two passes over the
 * dump:
 *   1. gmx_ingest_goroutines_input (parallel for large dumps) builds the
 *      buckets, and gmx_analyze_goroutines classifies every one of them;
 *   2. the dump's parser runs again and streams each goroutine into the
 *      profile builder, labelled with its header's state and wait and with
 *      the verdict on its bucket.
 * Memory is that of the buckets and of the profile's distinct samples,
 * never one record per goroutine. */
#include "gomemdx/analyze.h"
#include "gomemdx/convert.h"
#include "gomemdx/findings.h"
#include "gomemdx/ingest.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* A goroutine's own pprof labels carried per sample; more is no longer a
 * label set but a blob: it is carried whole, as "labels". */
enum { MAX_OWN_LABELS = 64, FIXED_LABELS = 8 };

typedef struct labeller {
    gmx_gprof *profile;
    const gmx_gbuckets *buckets;
    const gmx_findings *findings;
    gmx_hindex by_bucket;      /* bucket address -> finding index */
    char *scratch;             /* unquoted label text */
    size_t scratch_cap;
    gmx_label_kv pairs[MAX_OWN_LABELS];
    gmx_plabel labels[FIXED_LABELS + MAX_OWN_LABELS];
    gmx_error *err;
} labeller;

static uint64_t hash_ptr(const void *p)
{
    return gmx_hash_mix(0xb0c4e7, (uint64_t)(uintptr_t)p);
}

/* Whether fd is about the goroutines of b: its bucket's, or one of the
 * stacks of its pile (whose bucket merges them). */
static bool covers(const gmx_finding *fd, const gmx_gbucket *b)
{
    if (fd->bucket == b)
        return true;
    for (uint32_t k = 0; k < fd->npile; k++)
        if (fd->pile[k] == b)
            return true;
    return false;
}

static gmx_code index_findings(labeller *lb)
{
    for (size_t i = 0; i < gmx_findings_count(lb->findings); i++) {
        const gmx_finding *fd = gmx_findings_at(lb->findings, i);
        if (fd->bucket && gmx_hindex_insert(&lb->by_bucket, hash_ptr(fd->bucket), (uint32_t)i) < 0)
            return GMX_ENOMEM;
        for (uint32_t k = 0; k < fd->npile; k++)
            if (gmx_hindex_insert(&lb->by_bucket, hash_ptr(fd->pile[k]), (uint32_t)i) < 0)
                return GMX_ENOMEM;
    }
    return GMX_OK;
}

/* The verdict on g's stack: the finding of its bucket, or NULL (a stack past
 * the bucket limit); *bucket is the bucket, or NULL. */
static const gmx_finding *verdict(const labeller *lb, const gmx_goroutine *g,
                                  const gmx_gbucket **bucket)
{
    gmx_gbucket key;
    memset(&key, 0, sizeof(key));
    key.frames = g->frames;
    key.nframes = g->nframes;
    key.has_creator = g->has_creator;
    key.creator = g->creator;
    const gmx_gbucket *b = *bucket = gmx_gbuckets_find(lb->buckets, &key);
    if (!b)
        return NULL;
    uint64_t h = hash_ptr(b);
    for (size_t slot = gmx_hindex_first(&lb->by_bucket, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&lb->by_bucket, h, slot)) {
        const gmx_finding *fd = gmx_findings_at(lb->findings, lb->by_bucket.values[slot]);
        if (covers(fd, b))
            return fd;
    }
    return NULL;
}

static gmx_plabel text_label(const char *key, gmx_str value)
{
    gmx_plabel l;
    memset(&l, 0, sizeof(l));
    l.key = gmx_str_cstr(key);
    l.str = value;
    return l;
}

/* The goroutine's own labels, split; the raw text as one label when they do
 * not split. Returns how many were written at out. */
static int own_labels(labeller *lb, gmx_str text, gmx_plabel *out)
{
    if (!text.n)
        return 0;
    if (text.n > lb->scratch_cap) {
        char *grown = gmx_realloc(lb->scratch, text.n);
        if (!grown)
            return -1;
        lb->scratch = grown;
        lb->scratch_cap = text.n;
    }
    int n = gmx_goroutine_labels_split(text, lb->scratch, lb->pairs, MAX_OWN_LABELS);
    if (n < 0) {
        out[0] = text_label("labels", text);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        out[i] = text_label("", lb->pairs[i].value);
        out[i].key = lb->pairs[i].key;
    }
    return n;
}

static int add_goroutine(void *ctx, const gmx_goroutine *g)
{
    labeller *lb = ctx;
    size_t n = 0;
    if (g->status.n)
        lb->labels[n++] = text_label("state", g->status);
    const gmx_gbucket *b;
    const gmx_finding *fd = verdict(lb, g, &b);
    if (fd && fd->category != GMX_CAT_NONE)
        lb->labels[n++] = text_label("category", gmx_str_cstr(gmx_category_id(fd->category)));
    if (fd && fd->healthy)
        lb->labels[n++] = text_label("healthy", gmx_str_cstr(fd->healthy));
    if (g->flags & GMX_G_LEAKED)
        lb->labels[n++] = text_label("leaked", GMX_STR_LIT("true"));
    /* The "created by" frame, which a profile's stacks do not hold: "FUNC
     * FILE:LINE", so that the site walk finds the same frame on reading. */
    char creator[2048];
    if (g->has_creator) {
        int k = snprintf(creator, sizeof(creator), "%.*s %.*s:%u", (int)g->creator.func.n,
                         g->creator.func.p, (int)g->creator.file.n, g->creator.file.p,
                         g->creator.line);
        if (k > 0 && (size_t)k < sizeof(creator))
            lb->labels[n++] = text_label("created_by", (gmx_str){ creator, (size_t)k });
    }
    if (g->wait_minutes) {
        gmx_plabel *l = &lb->labels[n++];
        memset(l, 0, sizeof(*l));
        l->key = GMX_STR_LIT("wait_minutes");
        l->is_num = true;
        l->num = g->wait_minutes;
        l->num_unit = GMX_STR_LIT("minutes");
    }
    /* The ids its stack's goroutines span (the judgement tells a pool
     * started together by them): the same on every goroutine of the stack,
     * so no more samples. */
    if (b && b->first_id && b->last_id > b->first_id) {
        static const char *const keys[] = { "first_id", "last_id" };
        for (int k = 0; k < 2; k++) {
            gmx_plabel *l = &lb->labels[n++];
            memset(l, 0, sizeof(*l));
            l->key = gmx_str_cstr(keys[k]);
            l->is_num = true;
            l->num = (int64_t)(k ? b->last_id : b->first_id);
        }
    }
    int own = own_labels(lb, g->labels, lb->labels + n);
    if (own < 0)
        return gmx_error_set(lb->err, GMX_ENOMEM, "out of memory reading goroutine labels");
    n += (size_t)own;
    return gmx_gprof_add(lb->profile, g->frames, g->nframes, g->count ? g->count : 1, lb->labels,
                         n, lb->err);
}

/* Pass 2: the same parser pass 1 chose, from the kind it found. */
static gmx_code stream(const gmx_gsnapshot *snap, labeller *lb, gmx_dump_info *info,
                       gmx_error *err)
{
    const void *data = gmx_input_data(snap->input);
    size_t len = gmx_input_size(snap->input);
    if (snap->info.kind == GMX_DUMP_PROFILE_TEXT || snap->info.kind == GMX_DUMP_LEAK_PROFILE_TEXT)
        return gmx_goroutine_profile_text_parse(snap->name, data, len, add_goroutine, lb, info,
                                                err);
    return gmx_goroutine_dump_parse(snap->name, data, len, add_goroutine, lb, info, err);
}

static gmx_code classify(const gmx_gsnapshot *snap, gmx_findings *findings, labeller *lb,
                         gmx_error *err)
{
    gmx_goroutine_options aopts = { .include_healthy = true };
    gmx_code rc = gmx_analyze_goroutines(snap, 1, &aopts, findings, err);
    if (rc == GMX_OK && index_findings(lb) != GMX_OK)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory classifying goroutines");
    return rc;
}

static gmx_code describe(gmx_gprof *w, const gmx_gsnapshot *snap, const gmx_dump_info *info,
                         gmx_error *err)
{
    char line[600];
    snprintf(line, sizeof(line), "gomemdx convert: %s (%s, %llu goroutines)", snap->name,
             gmx_dump_kind_name(snap->info.kind), (unsigned long long)gmx_gprof_total(w));
    gmx_gprof_set_time(w, info->time_ns);
    return gmx_gprof_add_comment(w, gmx_str_cstr(line), err);
}

gmx_code gmx_convert_goroutines(const char *path, const gmx_ingest_options *opts, void **out,
                                size_t *len, gmx_convert_info *info, gmx_error *err)
{
    *out = NULL;
    *len = 0;
    gmx_input *in;
    gmx_code rc = gmx_input_open(path, &in, err);
    return rc == GMX_OK ? gmx_convert_goroutines_input(in, opts, out, len, info, err) : rc;
}

gmx_code gmx_convert_goroutines_input(gmx_input *in, const gmx_ingest_options *opts, void **out,
                                      size_t *len, gmx_convert_info *info, gmx_error *err)
{
    *out = NULL;
    *len = 0;
    gmx_gsnapshot snap;
    gmx_code rc = gmx_ingest_goroutines_input(in, opts, &snap, err);
    if (rc != GMX_OK)
        return rc;
    if (!snap.input) { /* a protobuf profile: decoded and dropped by pass 1 */
        rc = gmx_error_set_at_line(err, GMX_EFORMAT, snap.name, 0,
                                   "already a pprof profile (%s); convert reads goroutine dumps",
                                   gmx_dump_kind_name(snap.info.kind));
        gmx_gsnapshot_release(&snap);
        return rc;
    }
    labeller lb;
    memset(&lb, 0, sizeof(lb));
    lb.buckets = snap.buckets;
    lb.err = err;
    gmx_hindex_init(&lb.by_bucket);
    gmx_findings *findings = gmx_findings_new();
    lb.findings = findings;
    lb.profile = gmx_gprof_new(0);
    gmx_dump_info dinfo;
    memset(&dinfo, 0, sizeof(dinfo));
    if (!findings || !lb.profile)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory converting %s", snap.name);
    if (rc == GMX_OK)
        rc = classify(&snap, findings, &lb, err);
    if (rc == GMX_OK)
        rc = stream(&snap, &lb, &dinfo, err);
    if (rc == GMX_OK)
        rc = describe(lb.profile, &snap, &dinfo, err);
    if (rc == GMX_OK)
        rc = gmx_gprof_encode(lb.profile, out, len, err);
    if (rc == GMX_OK && info) {
        info->dump = dinfo;
        info->goroutines = gmx_gprof_total(lb.profile);
        info->samples = gmx_gprof_sample_count(lb.profile);
    }
    gmx_gprof_free(lb.profile);
    gmx_findings_free(findings);
    gmx_hindex_release(&lb.by_bucket);
    gmx_free(lb.scratch);
    gmx_gsnapshot_release(&snap);
    return rc;
}
