#include "gomemdx/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_message(gmx_error *err, gmx_code code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void set_message(gmx_error *err, gmx_code code, const char *fmt, va_list ap)
{
    memset(err, 0, sizeof(*err));
    err->code = code;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

static void set_source(gmx_error *err, const char *source)
{
    snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
}

gmx_code gmx_error_set(gmx_error *err, gmx_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, fmt, ap);
    va_end(ap);
    return code;
}

gmx_code gmx_error_at_line(gmx_error *err, gmx_code code, const char *source, uint64_t line)
{
    if (err) {
        err->code = code;
        set_source(err, source);
        err->line = line;
    }
    return code;
}

gmx_code gmx_error_at_offset(gmx_error *err, gmx_code code, const char *source, uint64_t offset)
{
    if (err) {
        err->code = code;
        set_source(err, source);
        err->offset = offset;
        err->has_offset = 1;
    }
    return code;
}

gmx_code gmx_error_set_at_line(gmx_error *err, gmx_code code, const char *source, uint64_t line,
                               const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, fmt, ap);
    va_end(ap);
    return gmx_error_at_line(err, code, source, line);
}

gmx_code gmx_error_set_at_offset(gmx_error *err, gmx_code code, const char *source,
                                 uint64_t offset, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, code, fmt, ap);
    va_end(ap);
    return gmx_error_at_offset(err, code, source, offset);
}

void gmx_error_format(const gmx_error *err, char *out, size_t outsz)
{
    if (!outsz)
        return;
    if (!err) {
        snprintf(out, outsz, "unknown error");
        return;
    }
    const char *msg = err->message[0] ? err->message : gmx_code_name(err->code);
    if (err->source[0] && err->line)
        snprintf(out, outsz, "%s:%llu: %s", err->source, (unsigned long long)err->line, msg);
    else if (err->source[0] && err->has_offset)
        snprintf(out, outsz, "%s: offset %llu: %s", err->source,
                 (unsigned long long)err->offset, msg);
    else if (err->source[0])
        snprintf(out, outsz, "%s: %s", err->source, msg);
    else
        snprintf(out, outsz, "%s", msg);
}

const char *gmx_code_name(gmx_code code)
{
    switch (code) {
    case GMX_OK: return "success";
    case GMX_EUSAGE: return "usage error";
    case GMX_EIO: return "i/o error";
    case GMX_EFORMAT: return "format error";
    case GMX_ELIMIT: return "input exceeds a limit";
    case GMX_ENOMEM: return "out of memory";
    case GMX_EINTERNAL: return "internal error";
    }
    return "unknown error";
}
