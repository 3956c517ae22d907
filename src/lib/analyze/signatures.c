/* The signature catalogue: a line format (data/signatures.tsv describes it)
 * compiled into regexes, each with a literal it cannot match without, so
 * that most frames are turned down by a memmem before any regex runs. */
#include "gomemdx/signatures.h"
#include "analyze/frames.h"
#include "analyze/sigmatch.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/regex.h"
#include "util/str.h"

#include <string.h>

#include "signatures_data.h"

typedef struct matcher {
    regex_t re;
    bool set;
    const char *needle; /* a literal every match contains; "" when none */
    size_t nneedle;
} matcher;

typedef struct entry {
    gmx_signature pub;
    bool top;           /* the top frame outside package runtime only */
    matcher func, state, creator;
} entry;

struct gmx_signatures {
    entry *items;
    size_t n, cap;
    gmx_arena arena;    /* names, sources, advice, needles */
};

gmx_signatures *gmx_signatures_new(void)
{
    gmx_signatures *s = gmx_calloc(1, sizeof(*s));
    if (s)
        gmx_arena_init(&s->arena, (size_t)64 << 20);
    return s;
}

static void matcher_free(matcher *m)
{
    if (m->set)
        regfree(&m->re);
    m->set = false;
}

static void drop_from(gmx_signatures *s, size_t from)
{
    for (size_t i = from; i < s->n; i++) {
        matcher_free(&s->items[i].func);
        matcher_free(&s->items[i].state);
        matcher_free(&s->items[i].creator);
    }
    s->n = from;
}

void gmx_signatures_free(gmx_signatures *s)
{
    if (!s)
        return;
    drop_from(s, 0);
    gmx_free(s->items);
    gmx_arena_release(&s->arena);
    gmx_free(s);
}

size_t gmx_signatures_count(const gmx_signatures *s)
{
    return s ? s->n : 0;
}

const gmx_signature *gmx_signatures_at(const gmx_signatures *s, size_t i)
{
    return s && i < s->n ? &s->items[i].pub : NULL;
}

/* The longest run of literal characters in an extended regex that every
 * match must contain; empty when the pattern alternates at any level or
 * has no such run. Written into out (NUL-terminated). */
static size_t literal_of(const char *re, char *out, size_t cap)
{
    if (strchr(re, '|')) {
        /* An escaped \| would be literal, but alternation is the common
         * case: give up on the prefilter rather than get it wrong. */
        out[0] = '\0';
        return 0;
    }
    char run[512];
    size_t nrun = 0, best = 0;
    out[0] = '\0';
    for (const char *p = re;; p++) {
        char c = *p;
        bool literal = false;
        if (c == '\\' && p[1] && strchr(".[](){}*+?^$|\\/-", p[1])) {
            c = *++p;
            literal = true;
        } else if (c && !strchr(".[](){}*+?^$\\", c)) {
            literal = true;
        }
        /* A quantifier after a character makes that character optional. */
        char next = literal ? p[1] : 0;
        if (literal && (next == '*' || next == '?' || next == '{'))
            literal = false;
        if (literal && nrun + 1 < sizeof(run)) {
            run[nrun++] = c;
            continue;
        }
        if (nrun > best && nrun < cap) {
            memcpy(out, run, nrun);
            out[nrun] = '\0';
            best = nrun;
        }
        nrun = 0;
        if (c == '[') /* a bracket expression: skip to its end */
            while (p[1] && p[1] != ']')
                p++;
        if (!*p)
            break;
    }
    return best;
}

/* Patterns glibc's regcomp turns into exponential automata are refused:
 * a quantifier on a quantifier ("a++++", found by fuzzing: gigabytes) and
 * bounds ("a{1000}{1000}"); a catalogue needs neither. */
static bool tame(gmx_str re)
{
    bool after_quantifier = false;
    for (size_t i = 0; i < re.n; i++) {
        char c = re.p[i];
        if (c == '\\') {
            i++;
            after_quantifier = false;
        } else if (c == '[') {
            while (i + 1 < re.n && re.p[i + 1] != ']')
                i++;
            i++;
            after_quantifier = false;
        } else if (c == '{') {
            return false;
        } else if (c == '*' || c == '+' || c == '?') {
            if (after_quantifier)
                return false;
            after_quantifier = true;
        } else {
            after_quantifier = false;
        }
    }
    return true;
}

static gmx_code compile(gmx_signatures *s, matcher *m, gmx_str field, const char *name,
                        uint64_t line, const char *what, gmx_error *err)
{
    if (gmx_str_eq_cstr(field, "-"))
        return GMX_OK;
    char *pattern = gmx_arena_strndup(&s->arena, field.p, field.n);
    char msg[128];
    if (!pattern)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (field.n > 512 || !tame(field)) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, line,
                                     "%s regex '%.100s' is too costly (no bounds {m,n}, no "
                      "quantifier on a quantifier, at most 512 bytes)",
                                     what, pattern);
    }
    if (memchr(field.p, '\0', field.n) || gmx_regex_compile(&m->re, pattern, msg, sizeof(msg)) != 0) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, line, "%s regex '%.100s' is not valid",
                                     what, pattern);
    }
    m->set = true;
    char lit[256];
    m->nneedle = literal_of(pattern, lit, sizeof(lit));
    m->needle = gmx_arena_strndup(&s->arena, lit, m->nneedle);
    if (!m->needle)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    return GMX_OK;
}

static const char *dup_or_null(gmx_signatures *s, gmx_str field)
{
    if (!field.n || gmx_str_eq_cstr(field, "-"))
        return NULL;
    return gmx_arena_strndup(&s->arena, field.p, field.n);
}

static bool category_of(gmx_str id, gmx_category *out)
{
    for (int c = GMX_CAT_NONE + 1; c < GMX_CAT_COUNT; c++)
        if (gmx_str_eq_cstr(id, gmx_category_id((gmx_category)c))) {
            *out = (gmx_category)c;
            return true;
        }
    return false;
}

enum { F_VERDICT, F_WHERE, F_FUNC, F_STATE, F_CREATOR, F_MIN, F_CATEGORY, F_NAME, F_SOURCE,
       F_ADVICE, NFIELDS };

static gmx_code bad(gmx_error *err, const char *name, uint64_t line, const char *what)
{
    return gmx_error_set_at_line(err, GMX_EFORMAT, name, line, "signature catalogue: %s", what);
}

static gmx_code parse_entry(gmx_signatures *s, const char *name, uint64_t line, gmx_str *f,
                            size_t nf, gmx_error *err)
{
    if (nf < F_SOURCE + 1 || nf > NFIELDS)
        return bad(err, name, line, "an entry has 9 or 10 fields separated by tabs");
    bool leak = gmx_str_eq_cstr(f[F_VERDICT], "leak");
    if (!leak && !gmx_str_eq_cstr(f[F_VERDICT], "benign"))
        return bad(err, name, line, "the verdict is 'leak' or 'benign'");
    bool top = gmx_str_eq_cstr(f[F_WHERE], "top");
    if (!top && !gmx_str_eq_cstr(f[F_WHERE], "any"))
        return bad(err, name, line, "where is 'top' or 'any'");
    if (gmx_str_eq_cstr(f[F_FUNC], "-") || !f[F_FUNC].n)
        return bad(err, name, line, "an entry needs a function regex");
    if (!gmx_str_starts(f[F_SOURCE], "https://") && !gmx_str_starts(f[F_SOURCE], "http://"))
        return bad(err, name, line, "the source is the URL where the signature is published");
    if (!f[F_NAME].n || gmx_str_eq_cstr(f[F_NAME], "-"))
        return bad(err, name, line, "an entry needs a name");
    gmx_signature pub = { .leak = leak, .file = name, .line = line };
    if (leak) {
        if (!category_of(f[F_CATEGORY], &pub.category))
            return bad(err, name, line, "a leak entry names a category (chan-send-blocked, ...)");
        size_t slash = gmx_str_find(f[F_MIN], "/");
        gmx_str min = slash == SIZE_MAX ? f[F_MIN] : gmx_str_sub(f[F_MIN], 0, slash);
        /* "-/R": a leak only when a leak checker reports it (a daemon that is
         * benign in a live process but cannot be stopped when a test ends). */
        bool checker_only = slash != SIZE_MAX && gmx_str_eq_cstr(min, "-");
        if (checker_only)
            pub.min = UINT64_MAX;
        if ((!checker_only && (!gmx_parse_u64(min, &pub.min) || pub.min == 0)) ||
            (slash != SIZE_MAX &&
             (!gmx_parse_u64(gmx_str_sub(f[F_MIN], slash + 1, f[F_MIN].n), &pub.min_reported) ||
              pub.min_reported == 0)))
            return bad(err, name, line,
                       "a leak entry's min is a count of goroutines, 1 or more (N, or N/R: R "
                       "for goroutines a leak checker reported, or -/R: only those)");
    } else if (!gmx_str_eq_cstr(f[F_MIN], "-") || !gmx_str_eq_cstr(f[F_CATEGORY], "-") ||
               (nf > F_ADVICE && !gmx_str_eq_cstr(f[F_ADVICE], "-"))) {
        return bad(err, name, line, "a benign entry has no min, category or advice ('-')");
    }
    size_t bar = gmx_str_find(f[F_NAME], "|");
    gmx_str en = bar == SIZE_MAX ? f[F_NAME] : gmx_str_sub(f[F_NAME], 0, bar);
    gmx_str zh = bar == SIZE_MAX ? f[F_NAME] : gmx_str_sub(f[F_NAME], bar + 1, f[F_NAME].n);
    pub.name = dup_or_null(s, en);
    pub.name_zh = dup_or_null(s, zh.n ? zh : en);
    pub.source = dup_or_null(s, f[F_SOURCE]);
    pub.advice = nf > F_ADVICE ? dup_or_null(s, f[F_ADVICE]) : NULL;
    if (!pub.name || !pub.name_zh || !pub.source)
        return bad(err, name, line, "an entry needs a name");
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        entry *items = gmx_reallocarray(s->items, cap, sizeof(*items));
        if (!items)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
        s->items = items;
        s->cap = cap;
    }
    entry *e = &s->items[s->n++];
    memset(e, 0, sizeof(*e));
    e->pub = pub;
    e->top = top;
    gmx_code rc = compile(s, &e->func, f[F_FUNC], name, line, "function", err);
    if (rc == GMX_OK)
        rc = compile(s, &e->state, f[F_STATE], name, line, "state", err);
    if (rc == GMX_OK)
        rc = compile(s, &e->creator, f[F_CREATOR], name, line, "creator", err);
    return rc;
}

gmx_code gmx_signatures_parse(gmx_signatures *s, const char *name, const void *data, size_t len,
                              gmx_error *err)
{
    if (!s)
        return gmx_error_set(err, GMX_EUSAGE, "no catalogue to add to");
    const char *file = gmx_arena_strndup(&s->arena, name, strlen(name));
    if (!file)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t from = s->n;
    gmx_cursor cur;
    gmx_cursor_init(&cur, data, len);
    gmx_str line;
    gmx_code rc = GMX_OK;
    while (rc == GMX_OK && gmx_cursor_next(&cur, &line)) {
        if (line.n > GMX_SIGNATURES_MAX_LINE) {
            rc = bad(err, name, cur.line, "line longer than 4096 bytes");
            break;
        }
        gmx_str t = gmx_str_trim(line);
        if (!t.n || t.p[0] == '#')
            continue;
        gmx_str f[NFIELDS + 1];
        size_t nf = 0, start = 0;
        for (size_t i = 0; i <= line.n && nf <= NFIELDS; i++)
            if (i == line.n || line.p[i] == '\t') {
                f[nf++] = gmx_str_trim(gmx_str_sub(line, start, i));
                start = i + 1;
            }
        if (gmx_str_eq_cstr(f[0], "format")) {
            if (nf != 2 || !gmx_str_eq_cstr(f[1], "1"))
                rc = bad(err, name, cur.line, "unsupported format (this gomemdx reads format 1)");
            continue;
        }
        if (s->n - from >= GMX_SIGNATURES_MAX) {
            rc = bad(err, name, cur.line, "more than 4096 entries");
            break;
        }
        rc = parse_entry(s, file, cur.line, f, nf, err);
    }
    if (rc != GMX_OK)
        drop_from(s, from);
    return rc;
}

gmx_code gmx_signatures_add_builtin(gmx_signatures *s, gmx_error *err)
{
    gmx_code rc = gmx_signatures_parse(s, "built-in", builtin_signatures, sizeof(builtin_signatures),
                                       err);
    /* The catalogue is tested with the build: a failure here is a bug. */
    if (rc == GMX_EFORMAT) {
        if (err)
            err->code = GMX_EINTERNAL;
        return GMX_EINTERNAL;
    }
    return rc;
}

static bool matches(const matcher *m, gmx_str s, gmx_buf *scratch)
{
    if (m->nneedle && (s.n < m->nneedle || !memmem(s.p, s.n, m->needle, m->nneedle)))
        return false;
    return gmx_regex_match(&m->re, s, scratch);
}

/* A vendored package's functions carry its importer's path before
 * "vendor/" ("github.com/x/y/vendor/google.golang.org/grpc.f", or
 * "vendor/google.golang.org/grpc.f" for a GOPATH package at the root of src):
 * the catalogue names the package by its own path. */
static gmx_str unvendored(gmx_str func)
{
    gmx_str pkg = gmx_func_package(func);
    size_t cut = 0;
    if (gmx_str_starts(pkg, "vendor/"))
        cut = 7;
    for (size_t at = 0; at < pkg.n;) {
        size_t i = gmx_str_find(gmx_str_sub(pkg, at, pkg.n), "/vendor/");
        if (i == SIZE_MAX)
            break;
        cut = at + i + 8;
        at = cut;
    }
    return gmx_str_sub(func, cut, func.n);
}

/* A leak checker's report claims the goroutine outlived its test; a stack
 * pasted on its own out of its capture is claimed as the suspect by whoever
 * picked it. Either stands beside the count: the entry's R applies. Not to a
 * "-/R" daemon, harmless in a live process whoever pastes it; and a single
 * goroutine picked is no pile of the mechanism (one idle connection, one
 * live context): its maintainers disagree (cockroachdb/cockroach#8204 keeps
 * a pasted writeLoop, spidernet-io/spiderpool#917 fixed one). */
static bool claimed(const entry *e, const gmx_gbucket *b, bool picked)
{
    return e->pub.min_reported &&
           ((b->flags & GMX_G_REPORTED) ||
            (picked && e->pub.min != UINT64_MAX && b->count >= 2));
}

static bool entry_matches(const entry *e, const gmx_gbucket *b, gmx_str status, bool picked,
                          gmx_buf *scratch)
{
    bool reported = claimed(e, b, picked);
    if (e->pub.leak && b->count < (reported ? e->pub.min_reported : e->pub.min))
        return false;
    if (e->state.set && !matches(&e->state, status, scratch))
        return false;
    if (e->creator.set &&
        !(b->has_creator && matches(&e->creator, unvendored(b->creator.func), scratch)))
        return false;
    for (uint32_t i = 0; i < b->nframes; i++) {
        gmx_str func = unvendored(b->frames[i].func);
        if (e->top && gmx_str_eq_cstr(gmx_func_package(func), "runtime"))
            continue;
        if (matches(&e->func, func, scratch))
            return true;
        if (e->top)
            return false;
    }
    return false;
}

const gmx_signature *gmx_signatures_match(const gmx_signatures *s, const gmx_gbucket *b,
                                          gmx_str status, bool picked)
{
    if (!s)
        return NULL;
    gmx_buf scratch;
    gmx_buf_init(&scratch, 1 << 16);
    const gmx_signature *hit = NULL;
    for (size_t i = 0; i < s->n && !hit; i++)
        if (entry_matches(&s->items[i], b, status, picked, &scratch))
            hit = &s->items[i].pub;
    gmx_buf_release(&scratch);
    return hit;
}

int64_t gmx_signatures_frame(const gmx_signature *sig, const gmx_gbucket *b)
{
    /* pub is an entry's first member: sig is the entry itself. */
    const entry *e = (const entry *)sig;
    gmx_buf scratch;
    gmx_buf_init(&scratch, 1 << 16);
    int64_t at = -1;
    for (uint32_t i = 0; i < b->nframes && at < 0; i++)
        if (matches(&e->func, unvendored(b->frames[i].func), &scratch))
            at = i;
    gmx_buf_release(&scratch);
    return at;
}
