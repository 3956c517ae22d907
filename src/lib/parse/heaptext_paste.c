/* A heap profile's debug=1 text as people paste it: in an issue between
 * Markdown fences or in <pre>, quoted ("> ") in a reply, copied from a page
 * that drew its tabs as glyphs ("»   "), with prose before and after. The
 * strict reader (heaptext.c) takes the runtime's text only; this rebuilds
 * that text from the pasted one, line by line, so that a heap profile is
 * read wherever a user put it. */
#include "parse/heaptext_paste.h"
#include "parse/gextract.h"
#include "util/cursor.h"
#include "util/str.h"

#include <string.h>

enum { SNIFF = 64 << 10 };

static const char header[] = "heap profile: ";

/* A leading or trailing HTML tag of a line ("<pre>", "</code>",
 * "<details><summary>heap</summary>"): its length, or 0. */
static size_t tag_at_start(gmx_str s)
{
    if (s.n < 3 || s.p[0] != '<' || !(s.p[1] == '/' || (s.p[1] >= 'a' && s.p[1] <= 'z')))
        return 0;
    const char *gt = memchr(s.p, '>', s.n);
    return gt ? (size_t)(gt - s.p) + 1 : 0;
}

/* Indentation, quote markers ("> ", "> > ") and leading tags. */
static gmx_str strip_front(gmx_str s)
{
    for (;;) {
        size_t i = 0;
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '>'))
            i++;
        size_t t = tag_at_start(gmx_str_sub(s, i, s.n));
        if (!i && !t)
            return s;
        s = gmx_str_sub(s, i + t, s.n);
    }
}

static gmx_str strip_back(gmx_str s)
{
    for (;;) {
        while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
            s.n--;
        if (!s.n || s.p[s.n - 1] != '>')
            return s;
        size_t lt = gmx_str_rfind_char(s, '<');
        if (lt == SIZE_MAX || !tag_at_start(gmx_str_sub(s, lt, s.n)))
            return s;
        s.n = lt;
    }
}

/* s cleaned into out (room for s.n bytes: nothing grows): tab glyphs, with
 * the spaces a page padded them with, made tabs again; &lt; &gt; &amp;
 * &quot; &#39; decoded. */
static size_t clean_into(gmx_str s, char *out)
{
    static const struct { const char *entity; char c; } entities[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' }
    };
    size_t n = 0;
    for (size_t i = 0; i < s.n;) {
        size_t g = gmx_gx_glyph_len(s, i);
        if (g) {
            out[n++] = '\t';
            i += g;
            while (i < s.n && s.p[i] == ' ')
                i++;
            continue;
        }
        bool decoded = false;
        for (size_t e = 0; s.p[i] == '&' && e < sizeof(entities) / sizeof(entities[0]); e++) {
            size_t k = strlen(entities[e].entity);
            if (i + k <= s.n && memcmp(s.p + i, entities[e].entity, k) == 0) {
                out[n++] = entities[e].c;
                i += k;
                decoded = true;
                break;
            }
        }
        if (!decoded)
            out[n++] = s.p[i++];
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

static bool fence(gmx_str s)
{
    return gmx_str_starts(s, "```") || gmx_str_starts(s, "~~~");
}

bool gmx_heaptext_pasted_sniff(const char *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < SNIFF ? len : SNIFF);
    gmx_str line;
    while (gmx_cursor_next(&c, &line))
        if (gmx_str_starts(strip_front(line), header))
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

bool gmx_heaptext_unpaste(const char *data, size_t len, gmx_buf *out, size_t *skipped)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len);
    gmx_str line;
    bool started = false;
    *skipped = 0;
    while (gmx_cursor_next(&c, &line)) {
        gmx_str s = strip_back(strip_front(line));
        if (gmx_str_starts(s, header)) {
            if (started)
                break; /* a second profile: the first is read */
            started = true;
        } else if (!started) {
            continue;
        } else if (fence(s)) {
            break;
        } else if (s.n && s.p[0] != '#' && !record_like(s)) {
            ++*skipped;
            continue;
        }
        if (gmx_buf_reserve(out, s.n + 1) != 0)
            return false;
        char *at = out->data + out->len;
        size_t n = clean_into(s, at);
        at[n] = '\n';
        out->len += n + 1;
        out->data[out->len] = '\0';
    }
    return started && !out->failed;
}
