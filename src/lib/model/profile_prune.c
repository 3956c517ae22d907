/* drop_frames and keep_frames, applied as every pprof report applies them
 * (profile.Prune, from RemoveUninteresting): a location whose line matches
 * drop (and not keep) loses that line and the ones inlined into it; a
 * sample loses, from its leaf up, everything beneath the first such
 * location past its first ordinary frame from the root. Names are matched
 * whole ("^(drop)$"), cut at their first '(' (pprof's simplifyFunc), so
 * "main\." matches every method of package main. */
#include "model/profile_impl.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/regex.h"
#include "util/str.h"

#include <string.h>

/* simplifyFunc: without a leading '.', and cut at the first '(' that does
 * not open "(anonymous namespace)" or belong to "operator()". */
static gmx_str simplified(gmx_str name)
{
    if (name.n && name.p[0] == '.')
        name = gmx_str_sub(name, 1, name.n);
    static const char anon[] = "(anonymous namespace)", op[] = "operator()";
    for (size_t i = 0; i < name.n;) {
        gmx_str rest = gmx_str_sub(name, i, name.n);
        if (gmx_str_starts(rest, anon))
            i += sizeof(anon) - 1;
        else if (gmx_str_starts(rest, op))
            i += sizeof(op) - 1;
        else if (name.p[i] == '(')
            return gmx_str_sub(name, 0, i);
        else
            i++;
    }
    return name;
}

static bool compile_whole(regex_t *re, gmx_str pattern, gmx_buf *tmp)
{
    gmx_buf_clear(tmp);
    gmx_buf_puts(tmp, "^(");
    gmx_buf_append(tmp, pattern.p, pattern.n);
    gmx_buf_puts(tmp, ")$");
    return !tmp->failed && tmp->data && gmx_regex_compile(re, tmp->data, NULL, 0) == 0;
}

/* Per function: whether its frames are pruned. NULL when out of memory. */
static uint8_t *function_verdicts(const gmx_profile *p, const regex_t *drop, const regex_t *keep,
                                  gmx_buf *tmp)
{
    uint8_t *v = gmx_calloc(p->nfunctions + 1, 1);
    for (size_t i = 0; v && i < p->nfunctions; i++) {
        gmx_str name = p->functions[i].name;
        if (name.n == 0)
            continue;
        gmx_str s = simplified(name);
        v[i] = gmx_regex_match(drop, s, tmp) && !(keep && gmx_regex_match(keep, s, tmp));
    }
    return v;
}

gmx_code gmx_profile_prune(gmx_profile *p, gmx_error *err)
{
    return gmx_profile_prune_some(p, NULL, err);
}

gmx_code gmx_profile_prune_some(gmx_profile *p, const uint8_t *only, gmx_error *err)
{
    if (p->info.drop_frames.n == 0)
        return GMX_OK;
    gmx_buf tmp;
    gmx_buf_init(&tmp, 0);
    regex_t drop, keep;
    bool has_keep = false;
    /* pprof ignores frames it cannot compile (RemoveUninteresting's error
     * goes unchecked), and so prunes nothing. */
    if (!compile_whole(&drop, p->info.drop_frames, &tmp)) {
        gmx_buf_release(&tmp);
        return GMX_OK;
    }
    if (p->info.keep_frames.n) {
        if (!compile_whole(&keep, p->info.keep_frames, &tmp)) {
            regfree(&drop);
            gmx_buf_release(&tmp);
            return GMX_OK;
        }
        has_keep = true;
    }
    uint8_t *verdict = function_verdicts(p, &drop, has_keep ? &keep : NULL, &tmp);
    if (!p->loc_prune)
        p->loc_prune = gmx_calloc(p->nlocations + 1, 1);
    gmx_code rc = GMX_OK;
    if (!verdict || !p->loc_prune)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory applying drop_frames");
    for (size_t i = 0; rc == GMX_OK && i < p->nlocations; i++) {
        gmx_plocation *l = &p->locations[i];
        if (only && !only[i])
            continue;
        int k = (int)l->nlines - 1;
        while (k >= 0 && !verdict[l->lines[k].function])
            k--;
        if (k < 0)
            continue;
        p->loc_prune[i] = GMX_PRUNE_BENEATH;
        if (k == (int)l->nlines - 1) {
            p->loc_prune[i] |= GMX_PRUNE_ALL;
        } else {
            l->lines += k + 1;
            l->nlines = (uint16_t)(l->nlines - (k + 1));
        }
    }
    gmx_free(verdict);
    regfree(&drop);
    if (has_keep)
        regfree(&keep);
    gmx_buf_release(&tmp);
    return rc;
}

uint32_t gmx_profile_prune_cut(const gmx_profile *p, const uint32_t *locations, uint32_t n)
{
    bool found_user = false;
    for (uint32_t i = n; i-- > 0;) {
        uint8_t f = p->loc_prune[locations[i]];
        if (!f) {
            found_user = true;
            continue;
        }
        if (!found_user)
            continue;
        return f & GMX_PRUNE_ALL ? i + 1 : i;
    }
    return 0;
}
