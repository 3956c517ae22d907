/* What pprof's profile.Merge changes for `-base`: the header (earliest time,
 * summed durations) and the total, which sums |value| over merged samples.
 * Samples merge when their stacks and labels are equal; locations are equal
 * when their mapping (size rounded to 4 KiB, file offset, build id or file),
 * address relative to the mapping, folding and lines (function name, system
 * name, file, start line; line numbers) are. Keys are compared by 64-bit
 * hash. */
#include "analyze/ptop_internal.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/num.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(uint64_t h, gmx_str s)
{
    return gmx_hash_mix(h, gmx_hash_bytes(s.p, s.n, s.n));
}

static uint64_t mapping_hash(const gmx_pmapping *m)
{
    uint64_t size = m->limit - m->start;
    size = size + 0xfff;
    size -= size % 0x1000;
    uint64_t h = gmx_hash_mix(gmx_hash_mix(1, size), m->file_offset);
    return hash_str(h, m->build_id.n ? m->build_id : m->filename);
}

/* A function's merge key: start line, name, system name, file. */
static uint64_t function_hash(const gmx_pfunction *f)
{
    uint64_t h = gmx_hash_mix(2, (uint64_t)f->start_line);
    return hash_str(hash_str(hash_str(h, f->name), f->system_name), f->filename);
}

static uint64_t location_hash(const gmx_profile *p, const uint64_t *fh, const gmx_plocation *l)
{
    uint64_t addr = l->address, h = 0;
    if (l->mapping != GMX_PNONE) {
        const gmx_pmapping *m = gmx_profile_mapping(p, l->mapping);
        addr -= m->start;
        h = mapping_hash(m);
    }
    h = gmx_hash_mix(gmx_hash_mix(h, addr), l->is_folded);
    h = gmx_hash_mix(h, l->nlines);
    for (uint32_t k = 0; k < l->nlines; k++) {
        h = gmx_hash_mix(h, fh[l->lines[k].function]);
        h = gmx_hash_mix(h, (uint64_t)l->lines[k].line);
    }
    /* pprof's key keeps only the last line's column (its slots overlap). */
    return l->nlines ? gmx_hash_mix(h, (uint64_t)l->lines[l->nlines - 1].column) : h;
}

/* Labels in key order, values of one key in their order (a stable sort). */
static void sort_labels(const gmx_plabel **v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const gmx_plabel *x = v[i];
        size_t j = i;
        for (; j > 0 && gmx_str_cmp(v[j - 1]->key, x->key) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static uint64_t labels_hash(uint64_t h, const gmx_psample *s, const gmx_plabel **tmp)
{
    size_t n = 0;
    for (uint32_t i = 0; i < s->nlabels; i++)
        if (s->labels[i].str.n || s->labels[i].is_num)
            tmp[n++] = &s->labels[i];
    sort_labels(tmp, n);
    for (int num = 0; num < 2; num++) {
        for (size_t i = 0; i < n; i++) {
            if (tmp[i]->is_num != (num == 1))
                continue;
            h = hash_str(h, tmp[i]->key);
            h = num ? gmx_hash_mix(hash_str(h, tmp[i]->num_unit), (uint64_t)tmp[i]->num)
                    : hash_str(h, tmp[i]->str);
        }
        h = gmx_hash_mix(h, 0x5eed);
    }
    return h;
}

typedef struct groups {
    gmx_hindex index;
    uint64_t *keys;
    int64_t *sums;
    size_t n, cap;
} groups;

static int add_to_group(groups *g, uint64_t key, int64_t v)
{
    for (size_t slot = gmx_hindex_first(&g->index, key); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&g->index, key, slot))
        if (g->keys[g->index.values[slot]] == key) {
            g->sums[g->index.values[slot]] = gmx_i64_add_wrap(g->sums[g->index.values[slot]], v);
            return 0;
        }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        uint64_t *k = gmx_reallocarray(g->keys, cap, sizeof(*k));
        if (k)
            g->keys = k;
        int64_t *s = gmx_reallocarray(g->sums, cap, sizeof(*s));
        if (s)
            g->sums = s;
        if (!k || !s)
            return -1;
        g->cap = cap;
    }
    if (g->n >= UINT32_MAX || gmx_hindex_insert(&g->index, key, (uint32_t)g->n) < 0)
        return -1;
    g->keys[g->n] = key;
    g->sums[g->n++] = v;
    return 0;
}

static gmx_code add_samples(groups *g, const gmx_profile *p, int index, int64_t sign,
                            gmx_error *err)
{
    size_t nloc = gmx_profile_location_count(p), nfn = gmx_profile_function_count(p);
    uint64_t *lh = gmx_mallocarray(nloc + 1, sizeof(*lh));
    uint64_t *fh = gmx_mallocarray(nfn + 1, sizeof(*fh));
    const gmx_plabel **tmp = NULL;
    size_t tmp_cap = 0;
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_code rc = lh && fh ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == GMX_OK && i < nfn; i++)
        fh[i] = function_hash(gmx_profile_function(p, i));
    for (size_t i = 0; rc == GMX_OK && i < nloc; i++)
        lh[i] = location_hash(p, fh, gmx_profile_location(p, i));
    for (size_t i = 0; rc == GMX_OK && i < gmx_profile_sample_count(p); i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&r, i, &s, err)) != GMX_OK)
            break;
        if (s.nlabels >= tmp_cap) {
            gmx_free(tmp);
            tmp_cap = s.nlabels + 1;
            if (!(tmp = gmx_mallocarray(tmp_cap, sizeof(*tmp)))) {
                rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
                break;
            }
        }
        uint64_t h = gmx_hash_mix(0, s.nlocations);
        for (uint32_t k = 0; k < s.nlocations; k++)
            h = gmx_hash_mix(h, lh[s.locations[k]]);
        h = labels_hash(h, &s, tmp);
        if (add_to_group(g, h, gmx_i64_mul_wrap(s.values[index], sign)) < 0)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory merging profiles");
    }
    gmx_free(tmp);
    gmx_free(lh);
    gmx_free(fh);
    gmx_psample_reader_release(&r);
    return rc;
}

gmx_code gmx_ptop_merged_total(const gmx_profile *p, const gmx_profile *base, int index,
                           int64_t *total, gmx_error *err)
{
    groups g;
    memset(&g, 0, sizeof(g));
    gmx_hindex_init(&g.index);
    gmx_code rc = add_samples(&g, p, index, 1, err);
    if (rc == GMX_OK)
        rc = add_samples(&g, base, index, -1, err);
    *total = 0;
    for (size_t i = 0; rc == GMX_OK && i < g.n; i++)
        *total = gmx_i64_add_wrap(*total, gmx_i64_abs_wrap(g.sums[i]));
    gmx_hindex_release(&g.index);
    gmx_free(g.keys);
    gmx_free(g.sums);
    return rc;
}

void gmx_ptop_merged_header(const gmx_profile *p, const gmx_profile *base, int64_t *time_nanos,
                        int64_t *duration_nanos)
{
    const gmx_profile_info *pi = gmx_profile_get_info(p);
    *time_nanos = pi->time_nanos;
    *duration_nanos = pi->duration_nanos;
    if (!base)
        return;
    const gmx_profile_info *bi = gmx_profile_get_info(base);
    if (*time_nanos == 0 || bi->time_nanos < *time_nanos)
        *time_nanos = bi->time_nanos;
    *duration_nanos += bi->duration_nanos;
}
