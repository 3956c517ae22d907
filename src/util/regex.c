#include "util/regex.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The C library compiles a bounded repetition into that many copies of what
 * it repeats, so nested ones multiply: ((a{1,100}){1,100}){1,100} took 17 s
 * and 1.2 GB. Patterns are measured first, as Go's regexp refuses counts
 * past 1000 and programs past a size. */
enum { MAX_REPEAT = 1000, MAX_COST = 5000, MAX_DEPTH = 64 };

/* Decimal digits at *q, saturating at LONG_MAX / 10; -1 when none. */
static long digits(const char **q)
{
    long n = -1;
    for (; **q >= '0' && **q <= '9'; (*q)++)
        n = n < 0 ? **q - '0' : n < LONG_MAX / 10 ? n * 10 + (**q - '0') : n;
    return n;
}

/* The count after '{' at *p ("n", "n,", "n,m"): how many copies the
 * library makes; *p is left after the '}'. -1 when it is not a count. */
static long repeat_count(const char **p)
{
    const char *q = *p;
    long lo = digits(&q), hi = lo;
    if (lo < 0)
        return -1;
    if (*q == ',') {
        q++;
        hi = *q == '}' ? lo + 1 : digits(&q);
    }
    if (*q != '}' || hi < lo)
        return -1;
    *p = q + 1;
    return hi;
}

/* The bracket expression at p ('['): the position after its ']'. */
static const char *skip_bracket(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    for (; *p && *p != ']'; p++)
        if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
            const char *close = p + 2;
            while (*close && !(close[0] == p[1] && close[1] == ']'))
                close++;
            p = *close ? close + 1 : close - 1;
        }
    return *p ? p + 1 : p;
}

/* The size of pattern once its repetitions are expanded, in atoms; a
 * count past MAX_REPEAT is reported as such in msg. -1 when too costly. */
static long pattern_cost(const char *p, char *msg, size_t msgsz)
{
    double sum[MAX_DEPTH + 1] = { 0 }; /* per open group: atoms so far */
    double last[MAX_DEPTH + 1] = { 0 }; /* the atom a quantifier applies to */
    int depth = 0;
    while (*p) {
        double atom = 1;
        if (*p == '(') {
            if (depth == MAX_DEPTH) {
                snprintf(msg, msgsz, "groups nested deeper than %d", MAX_DEPTH);
                return -1;
            }
            depth++;
            sum[depth] = last[depth] = 0;
            p++;
            continue;
        }
        if (*p == ')' && depth > 0) {
            atom = sum[depth--];
            p++;
        } else if (*p == '|') {
            last[depth] = 0;
            p++;
            continue;
        } else if (*p == '{' && last[depth] > 0) {
            const char *q = p + 1;
            long n = repeat_count(&q);
            if (n > MAX_REPEAT) {
                snprintf(msg, msgsz, "repetition count %ld is over %d", n, MAX_REPEAT);
                return -1;
            }
            if (n >= 0) {
                /* The repeated atom was counted once; now it is n times. */
                sum[depth] += last[depth] * ((double)n - 1);
                last[depth] *= (double)n;
                p = q;
                if (sum[depth] > MAX_COST)
                    break;
                continue;
            }
            p++;
        } else if (*p == '*' || *p == '+' || *p == '?') {
            p++;
            continue;
        } else if (*p == '[') {
            p = skip_bracket(p);
        } else {
            p += *p == '\\' && p[1] ? 2 : 1;
        }
        sum[depth] += atom;
        last[depth] = atom;
        if (sum[depth] > MAX_COST)
            break;
    }
    if (sum[depth] > MAX_COST) {
        snprintf(msg, msgsz, "nested repetitions expand past %d atoms", MAX_COST);
        return -1;
    }
    return (long)sum[0];
}

int gmx_regex_compile(regex_t *re, const char *pattern, char *msg, size_t msgsz)
{
    char why[96];
    if (pattern_cost(pattern, why, sizeof(why)) < 0) {
        if (msg && msgsz)
            snprintf(msg, msgsz, "too costly to match: %s", why);
        return REG_ESIZE;
    }
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0 && msg && msgsz)
        regerror(rc, re, msg, msgsz);
    return rc;
}

bool gmx_regex_match(const regex_t *re, gmx_str s, gmx_buf *scratch)
{
    if (s.n == 0)
        return regexec(re, "", 0, NULL, 0) == 0;
    char local[4096]; /* function names: no allocation, nothing to fail */
    if (s.n < sizeof(local)) {
        memcpy(local, s.p, s.n);
        local[s.n] = '\0';
        return regexec(re, local, 0, NULL, 0) == 0;
    }
    gmx_buf_clear(scratch);
    if (gmx_buf_append(scratch, s.p ? s.p : "", s.n) < 0 || !scratch->data)
        return false;
    return regexec(re, scratch->data, 0, NULL, 0) == 0;
}
