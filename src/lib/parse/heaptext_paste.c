/* A heap profile's debug=1 text as people paste it: in an issue between
 * Markdown fences or in <pre>, quoted ("> ") in a reply, copied from a page
 * that drew its tabs as glyphs ("»   "), with prose before and after. The
 * strict reader (heaptext.c) takes the runtime's text only; this rebuilds
 * that text from the pasted one, line by line, so that a heap profile is
 * read wherever a user put it. */
#include "parse/heaptext_paste.h"
#include "parse/gextract.h"
#include "util/cursor.h"
#include "util/num.h"
#include "util/str.h"

#include <string.h>

enum { SNIFF = 64 << 10 };

static const char header[] = "heap profile: ";

/* The line once unwrapped: indentation, then quote markers, tags and
 * entities as the goroutine reader removes them (gmx_gx_unwrap), then the
 * quoted text's own indentation. */
static gmx_str unwrap(gx_cleaner *c, gmx_str line)
{
    return gmx_str_trim(gmx_gx_unwrap(c, gmx_str_trim(line)));
}

/* s with the tab glyphs a page drew (and the spaces it padded them with)
 * made tabs again, into out (room for s.n bytes: nothing grows). */
static size_t glyphs_to_tabs(gmx_str s, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s.n;) {
        size_t g = gmx_gx_glyph_len(s, i);
        if (!g) {
            out[n++] = s.p[i++];
            continue;
        }
        out[n++] = '\t';
        for (i += g; i < s.n && s.p[i] == ' ';)
            i++;
    }
    return n;
}

/* "N: N [N: N] @": a record's start (digits, a colon). */
static bool record_like(gmx_str s)
{
    size_t i = 0;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    return i && i < s.n && s.p[i] == ':' && gmx_str_find(s, " @") != SIZE_MAX;
}

/* "0x6ccf18  main.newRing+0x118  /src/main.go:41": a frame line whose "#"
 * was cut (git drops a commit message's lines that start with "#", so
 * authors cut it; a Markdown page takes it for a heading): its three
 * fields, however separated. */
static bool hashless_frame(gmx_str s, gmx_str f[3])
{
    size_t i = 0;
    gmx_str more;
    for (int k = 0; k < 3; k++)
        if (!gmx_str_next_token(s, &i, &f[k]))
            return false;
    uint64_t pc;
    return !gmx_str_next_token(s, &i, &more) && gmx_str_starts(f[0], "0x") &&
           gmx_parse_hex_u64(f[0], &pc) &&
           gmx_str_find(f[1], "+0x") != SIZE_MAX && gmx_gx_file_line(f[2]);
}

static bool fence(gmx_str s)
{
    return gmx_str_starts(s, "```") || gmx_str_starts(s, "~~~");
}

bool gmx_heaptext_pasted_sniff(const char *data, size_t len)
{
    size_t n = len < SNIFF ? len : SNIFF;
    if (memchr(data, '\0', n)) /* binary: a profile, a core */
        return false;
    gx_cleaner cl;
    gmx_gx_cleaner_init(&cl, data, n);
    gmx_cursor c;
    gmx_cursor_init(&c, data, n);
    gmx_str line;
    while (gmx_cursor_next(&c, &line))
        if (gmx_str_starts(unwrap(&cl, line), header))
            return true;
    return false;
}

bool gmx_heaptext_glyphs(const char *data, size_t len)
{
    gmx_str s = gmx_str_make(data, len < SNIFF ? len : SNIFF);
    for (size_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] >= 0xc2 && gmx_gx_glyph_len(s, i))
            return true;
    return false;
}

bool gmx_heaptext_hashless(const char *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < SNIFF ? len : SNIFF);
    gmx_str line, f[3];
    while (gmx_cursor_next(&c, &line)) {
        gmx_str s = gmx_str_trim(line);
        if (s.n > 2 && s.p[0] == '0' && s.p[1] == 'x' && hashless_frame(s, f))
            return true;
    }
    return false;
}

bool gmx_heaptext_unpaste(const char *data, size_t len, gmx_buf *out, size_t *skipped)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line, f[3];
    bool started = false;
    *skipped = 0;
    gx_cleaner cl;
    gmx_gx_cleaner_init(&cl, data, len);
    while (gmx_cursor_next(&c, &line)) {
        gmx_str s = unwrap(&cl, line);
        if (gmx_str_starts(s, header)) {
            if (started)
                break; /* a second profile: the first is read */
            started = true;
        } else if (!started) {
            continue;
        } else if (fence(s)) {
            break;
        } else if (s.n && s.p[0] == '0' && hashless_frame(s, f)) {
            gmx_buf_printf(out, "#\t%.*s\t%.*s\t%.*s\n", (int)f[0].n, f[0].p, (int)f[1].n, f[1].p,
                           (int)f[2].n, f[2].p);
            continue;
        } else if (s.n && s.p[0] != '#' && !record_like(s)) {
            ++*skipped;
            continue;
        }
        if (gmx_buf_reserve(out, s.n + 1) != 0)
            return false;
        char *at = out->data + out->len;
        size_t n = glyphs_to_tabs(s, at);
        at[n] = '\n';
        out->len += n + 1;
        out->data[out->len] = '\0';
    }
    return started && !out->failed;
}
