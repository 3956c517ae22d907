#include "util/regex.h"

int gmx_regex_compile(regex_t *re, const char *pattern, char *msg, size_t msgsz)
{
    int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0 && msg && msgsz)
        regerror(rc, re, msg, msgsz);
    return rc;
}

bool gmx_regex_match(const regex_t *re, gmx_str s, gmx_buf *scratch)
{
    if (s.n == 0)
        return regexec(re, "", 0, NULL, 0) == 0;
    gmx_buf_clear(scratch);
    if (gmx_buf_append(scratch, s.p ? s.p : "", s.n) < 0 || !scratch->data)
        return false;
    return regexec(re, scratch->data, 0, NULL, 0) == 0;
}
