#include "parse/gdump_header.h"
#include "util/num.h"

#include <stdint.h>

/* The bracket of a header closes at the first ']' outside a quoted string;
 * 1.26 labels inside the brackets are quoted and may contain ']'. */
static size_t closing_bracket(gmx_str s, size_t open)
{
    bool quoted = false;
    for (size_t i = open + 1; i < s.n; i++) {
        char c = s.p[i];
        if (quoted) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ']') {
            return i;
        }
    }
    return SIZE_MAX;
}

static bool strip_suffix(gmx_str *s, const char *suffix)
{
    if (!gmx_str_ends(*s, suffix))
        return false;
    s->n -= strlen(suffix);
    return true;
}

/* One ", ..." suffix of the bracket content. Unknown ones are ignored so a
 * future runtime's additions do not make the header unreadable. */
static void parse_suffix(gmx_str part, gmx_goroutine *g)
{
    uint64_t v;
    if (gmx_str_ends(part, " minutes")) {
        gmx_str num = gmx_str_sub(part, 0, part.n - 8);
        if (gmx_parse_u64(num, &v))
            g->wait_minutes = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    } else if (gmx_str_eq_cstr(part, "locked to thread")) {
        g->flags |= GMX_G_LOCKED;
    } else if (gmx_str_starts(part, "synctest group ") || gmx_str_starts(part, "synctest bubble ")) {
        size_t sp = gmx_str_rfind_char(part, ' ');
        if (gmx_parse_u64(gmx_str_sub(part, sp + 1, part.n), &v))
            g->bubble = v;
    }
}

void gmx_gdump_parse_status(gmx_str content, gmx_goroutine *g)
{
    /* 1.26: ` labels:{...}` inside the brackets, after the other suffixes. */
    size_t lab = gmx_str_find(content, " labels:{");
    if (lab != SIZE_MAX) {
        g->labels = gmx_str_sub(content, lab + 8, content.n);
        content = gmx_str_sub(content, 0, lab);
    }
    /* Wait reasons never contain ", ": the first piece is the status with
     * its qualifiers, the rest are suffixes. */
    size_t comma = gmx_str_find(content, ", ");
    gmx_str status = comma == SIZE_MAX ? content : gmx_str_sub(content, 0, comma);
    while (comma != SIZE_MAX) {
        gmx_str rest = gmx_str_sub(content, comma + 2, content.n);
        size_t next = gmx_str_find(rest, ", ");
        parse_suffix(next == SIZE_MAX ? rest : gmx_str_sub(rest, 0, next), g);
        comma = next == SIZE_MAX ? SIZE_MAX : comma + 2 + next;
    }
    /* Qualifiers, right to left in the order the runtime appends them. The
     * 1.24 "(synctest)" and 1.25+ "(durable)" wait-reason variants mean the
     * same as the qualifier, so they normalise to the plain reason. */
    for (;;) {
        if (strip_suffix(&status, " (durable)") || strip_suffix(&status, " (synctest)"))
            g->flags |= GMX_G_DURABLE;
        else if (strip_suffix(&status, " (scan)"))
            g->flags |= GMX_G_SCAN;
        else if (strip_suffix(&status, " (leaked)"))
            g->flags |= GMX_G_LEAKED;
        else
            break;
    }
    if (gmx_str_eq_cstr(status, "leaked"))
        g->flags |= GMX_G_LEAKED;
    g->status = status;
}

bool gmx_gdump_parse_header(gmx_str line, gmx_goroutine *g)
{
    static const char head[] = "goroutine ";
    if (!gmx_str_starts(line, head) || line.n < 14 || line.p[line.n - 1] != ':')
        return false;
    gmx_str rest = gmx_str_sub(line, sizeof(head) - 1, line.n);
    uint64_t id;
    size_t digits = gmx_scan_u64(rest, &id);
    if (!digits || digits >= rest.n || rest.p[digits] != ' ')
        return false;
    /* " gp=... m=... mp=..." (1.22+) sits between the id and the bracket. */
    size_t open = gmx_str_find(rest, " [");
    if (open == SIZE_MAX)
        return false;
    size_t close = closing_bracket(rest, open + 1);
    if (close == SIZE_MAX || close <= open + 2)
        return false;
    /* After "]": ":" or, 1.27+, " {labels}:". */
    gmx_str tail = gmx_str_sub(rest, close + 1, rest.n - 1);
    if (tail.n && (tail.n < 3 || tail.p[0] != ' ' || tail.p[1] != '{' ||
                   tail.p[tail.n - 1] != '}'))
        return false;

    memset(g, 0, sizeof(*g));
    g->count = 1;
    g->id = id;
    gmx_gdump_parse_status(gmx_str_sub(rest, open + 2, close), g);
    if (tail.n)
        g->labels = gmx_str_sub(tail, 1, tail.n);
    return g->status.n > 0;
}

/* goleak's report of each leaked goroutine, its traceback without the
 * runtime's header following on the next lines:
 *   [Goroutine 21 in state chan receive, with main.f on top of the stack:
 * later ones start with " Goroutine" (the list is joined by spaces). */
static bool parse_goleak_header(gmx_str line, gmx_goroutine *g)
{
    static const char head[] = "Goroutine ", mid[] = " in state ",
                      tail[] = " on top of the stack:";
    if (line.n && (line.p[0] == '[' || line.p[0] == ' '))
        line = gmx_str_sub(line, 1, line.n);
    if (!gmx_str_starts(line, head) || !gmx_str_ends(line, tail))
        return false;
    gmx_str rest = gmx_str_sub(line, sizeof(head) - 1, line.n - (sizeof(tail) - 1));
    uint64_t id;
    size_t digits = gmx_scan_u64(rest, &id);
    if (!digits || !gmx_str_starts(gmx_str_sub(rest, digits, rest.n), mid))
        return false;
    gmx_str state = gmx_str_sub(rest, digits + sizeof(mid) - 1, rest.n);
    /* The state may hold ", N minutes": the function follows the last ", with ". */
    size_t with = SIZE_MAX;
    for (size_t at = 0; at < state.n;) {
        size_t i = gmx_str_find(gmx_str_sub(state, at, state.n), ", with ");
        if (i == SIZE_MAX)
            break;
        with = at + i;
        at = with + 1;
    }
    if (with == SIZE_MAX || with == 0)
        return false;
    memset(g, 0, sizeof(*g));
    g->count = 1;
    g->id = id;
    g->flags = GMX_G_REPORTED;
    gmx_gdump_parse_status(gmx_str_sub(state, 0, with), g);
    return g->status.n > 0;
}

bool gmx_gdump_parse_any_header(gmx_str line, gmx_goroutine *g)
{
    return gmx_gdump_parse_header(line, g) || parse_goleak_header(line, g);
}

/* Where a header starts in a line that may carry a prefix, or SIZE_MAX. The
 * "[" opening goleak's list belongs to the header, not to the prefix. */
size_t gmx_gdump_find_header(gmx_str line)
{
    static const char *const marks[] = { "goroutine ", "Goroutine " };
    for (size_t m = 0; m < 2; m++) {
        size_t at = 0;
        while (at < line.n) {
            size_t i = gmx_str_find(gmx_str_sub(line, at, line.n), marks[m]);
            if (i == SIZE_MAX)
                break;
            size_t start = at + i;
            gmx_goroutine g;
            if (gmx_gdump_parse_any_header(gmx_str_sub(line, start, line.n), &g)) {
                if (m == 1 && start && line.p[start - 1] == '[')
                    start--;
                return start;
            }
            at += i + 1;
        }
    }
    return SIZE_MAX;
}

/* The runtime's goroutine statuses and wait reasons (runtime2.go's
 * gStatusStrings and waitReasonStrings, Go 1.19 to 1.27), as
 * gmx_gdump_parse_status leaves them: without the qualifiers it strips. */
static const char *const statuses[] = {
    "idle", "runnable", "running", "syscall", "waiting", "dead", "copystack", "preempted",
    "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
    "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)", "GC worker (active)",
    "debug call", "GC mark termination", "stopping the world", "flushing proc caches",
    "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
    "GC weak to strong wait", "synctest.Run", "synctest.Wait", "cleanup wait",
    "GOMAXPROCS updater (idle)", "timer goroutine (idle)", "leaked",
};

bool gmx_gdump_known_status(gmx_str status)
{
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
        if (gmx_str_eq_cstr(status, statuses[i]))
            return true;
    return false;
}
