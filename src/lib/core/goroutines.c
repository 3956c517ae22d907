/* Every goroutine of runtime.allgs, as a goroutine dump prints it
 * (runtime.goroutineheader, tracebackothers): dead ones and the runtime's
 * own (isSystemGoroutine) left out, the status or wait reason, the minutes
 * blocked, the stack and the go statement that created it. */
#include "core/unwind.h"
#include "util/alloc.h"
#include "util/goname.h"
#include "util/str.h"

#include <string.h>

enum {
    G_IDLE = 0, G_RUNNING = 2, G_SYSCALL = 3, G_WAITING = 4, G_MORIBUND = 5, G_DEAD = 6,
    G_SCAN = 0x1000,
    MAX_GOROUTINES = 1 << 26,
    MAX_REASON = 128
};

static const char *const status_names[] = { "idle", "runnable", "running", "syscall", "waiting",
                                            "moribund", "dead", "enqueue", "copystack",
                                            "preempted" };


static bool read_field(const gmx_core *c, uint64_t g, int64_t off, void *out, size_t n)
{
    memset(out, 0, n);
    return off < 0 || gmx_core_read(c, g + (uint64_t)off, out, n);
}

bool gmx_core_read_g(const gmx_core *c, uint64_t addr, core_g *g)
{
    const g_layout *l = &c->g;
    memset(g, 0, sizeof(*g));
    g->addr = addr;
    return read_field(c, addr, l->goid, &g->goid, 8) && read_field(c, addr, l->status, &g->status, 4) &&
           read_field(c, addr, l->waitreason, &g->waitreason, 1) &&
           read_field(c, addr, l->waitsince, &g->waitsince, 8) &&
           read_field(c, addr, l->sched_sp, &g->sched_sp, 8) &&
           read_field(c, addr, l->sched_pc, &g->sched_pc, 8) &&
           read_field(c, addr, l->syscallsp, &g->syscallsp, 8) &&
           read_field(c, addr, l->syscallpc, &g->syscallpc, 8) &&
           read_field(c, addr, l->stack_lo, &g->lo, 8) && read_field(c, addr, l->stack_hi, &g->hi, 8) &&
           read_field(c, addr, l->gopc, &g->gopc, 8) && read_field(c, addr, l->startpc, &g->startpc, 8) &&
           read_field(c, addr, l->parent_goid, &g->parent_goid, 8);
}

/* runtime.isSystemGoroutine, as tracebacks use it (fixed = false): the
 * finalizer and cleanup goroutines count as the runtime's. */
static bool is_system(const gmx_core *c, const core_g *g)
{
    gmx_pcfunc f;
    if (!gmx_pclntab_find(c->pcln, g->startpc, &f))
        return false;
    return gmx_str_starts(f.name, "runtime.") && !gmx_str_eq_cstr(f.name, "runtime.main") &&
           !gmx_str_eq_cstr(f.name, "runtime.corostart") &&
           !gmx_str_eq_cstr(f.name, "runtime.handleAsyncEvent");
}

/* The wait reason's text from the binary's own table. */
static gmx_str wait_reason(const gmx_core *c, uint8_t reason, char *buf)
{
    uint64_t s[2];
    if (reason >= c->nwait_reasons || !gmx_core_read(c, c->wait_reasons + 16 * (uint64_t)reason, s, 16) ||
        s[1] == 0 || s[1] > MAX_REASON || !gmx_core_read(c, s[0], buf, (size_t)s[1]))
        return (gmx_str){ "waiting", 7 };
    return (gmx_str){ buf, (size_t)s[1] };
}

const core_thread *gmx_core_thread_on(const gmx_core *c, uint64_t lo, uint64_t hi)
{
    for (size_t i = 0; i < c->nthreads; i++)
        if (c->threads[i].sp >= lo && c->threads[i].sp < hi)
            return &c->threads[i];
    return NULL;
}

typedef struct walk {
    gmx_core *c;
    uint64_t signal_goid;
    gmx_frame frames[GMX_MAX_FRAMES];
    char reason[MAX_REASON];
    int64_t now;
} walk;

/* name as the traceback prints it: a generic function's shapes, which Go
 * 1.21+ tables spell out, written "[...]" (one copy per name, for the life
 * of the core); as the table has it when too long or out of memory. */
static gmx_str printed(gmx_core *c, gmx_str name)
{
    if (!name.n || !memchr(name.p, '[', name.n))
        return name;
    char buf[1024];
    size_t n = gmx_goname_print(name, buf, sizeof(buf));
    gmx_str s = n <= sizeof(buf) ? gmx_intern(&c->printed, (gmx_str){ buf, n }) : name;
    return s.p ? s : name;
}

static void print_names(gmx_core *c, gmx_frame *frames, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        frames[i].func = printed(c, frames[i].func);
}

static void set_creator(const walk *w, const core_g *g, gmx_goroutine *out)
{
    gmx_pcfunc f;
    if (g->gopc == 0 || g->goid == 1 || !gmx_pclntab_find(w->c->pcln, g->gopc, &f) ||
        !gmx_unwind_shows(f.name, false))
        return;
    uint64_t tracepc = g->gopc > f.entry ? g->gopc - 1 : g->gopc;
    out->has_creator = gmx_pclntab_line(w->c->pcln, &f, tracepc, &out->creator.file,
                                        &out->creator.line);
    out->creator.func = printed(w->c, f.name);
    out->creator_id = g->parent_goid;
}

static void set_stack(walk *w, const core_g *g, uint32_t status, gmx_goroutine *out)
{
    unwind_start at = { g->sched_pc, g->sched_sp, g->lo, g->hi, false, false };
    if (g->syscallsp) {
        at.pc = g->syscallpc;
        at.sp = g->syscallsp;
    }
    if (status == G_RUNNING) {
        const core_thread *t = gmx_core_thread_on(w->c, g->lo, g->hi);
        if (!t) {
            out->flags |= GMX_G_NO_STACK;
            return;
        }
        at.pc = t->pc;
        at.sp = t->sp;
        at.trap = true;
        if (t == &w->c->threads[0])
            w->signal_goid = g->goid;
    }
    bool truncated;
    out->nframes = (uint32_t)gmx_unwind_frames(w->c, &at, w->frames, GMX_MAX_FRAMES, &truncated);
    print_names(w->c, w->frames, out->nframes);
    out->frames = w->frames;
    if (truncated)
        out->flags |= GMX_G_TRUNCATED;
    if (out->nframes == 0)
        out->flags |= GMX_G_NO_STACK;
}

static void describe(walk *w, const core_g *g, gmx_goroutine *out)
{
    uint32_t status = g->status & ~(uint32_t)G_SCAN;
    memset(out, 0, sizeof(*out));
    out->count = 1;
    out->id = g->goid;
    const char *name = status < sizeof(status_names) / sizeof(status_names[0]) ? status_names[status]
                                                                                 : "???";
    out->status = gmx_str_cstr(name);
    if (status == G_WAITING && g->waitreason != 0)
        out->status = wait_reason(w->c, g->waitreason, w->reason);
    if (g->status & G_SCAN)
        out->flags |= GMX_G_SCAN;
    if ((status == G_WAITING || status == G_SYSCALL) && g->waitsince > 0 && w->now > (int64_t)g->waitsince)
        out->wait_minutes = (uint32_t)((w->now - (int64_t)g->waitsince) / 60000000000LL);
    set_stack(w, g, status, out);
    set_creator(w, g, out);
    if (g->hi > g->lo && g->hi - g->lo <= (1u << 30)) /* the runtime's maxstacksize */
        out->stack_bytes = g->hi - g->lo;
}

static bool listed(const core_g *g)
{
    uint32_t status = g->status & ~(uint32_t)G_SCAN;
    return status != G_IDLE && status != G_DEAD && status != G_MORIBUND;
}

/* Without DWARF: each thread's stack from its registers, as far as the
 * pclntab unwinds it (g0 and signal stacks included). */
static gmx_code hand_out_threads(walk *w, gmx_goroutine_fn fn, void *ctx, gmx_core_info *info,
                                 gmx_error *err)
{
    enum { STACK_SPAN = 64 << 20 }; /* no stack bounds known: bound the walk */
    for (size_t i = 0; i < w->c->nthreads; i++) {
        const core_thread *t = &w->c->threads[i];
        unwind_start at = { t->pc, t->sp, t->sp, t->sp + STACK_SPAN, true, true };
        gmx_goroutine out;
        memset(&out, 0, sizeof(out));
        out.count = 1;
        out.status = gmx_str_cstr("running");
        bool truncated;
        out.nframes = (uint32_t)gmx_unwind_frames(w->c, &at, w->frames, GMX_MAX_FRAMES, &truncated);
        print_names(w->c, w->frames, out.nframes);
        out.frames = w->frames;
        out.flags = (truncated ? GMX_G_TRUNCATED : 0) | (out.nframes ? 0 : GMX_G_NO_STACK);
        info->goroutines++;
        int r = fn(ctx, &out);
        if (r)
            return gmx_error_set(err, (gmx_code)r, "%s: thread %u: %s", w->c->core.name, t->tid,
                                 gmx_code_name((gmx_code)r));
    }
    return GMX_OK;
}

gmx_code gmx_core_goroutines(gmx_core *c, gmx_goroutine_fn fn, void *ctx, gmx_core_info *info,
                             gmx_error *err)
{
    gmx_core_info none;
    if (!info)
        info = &none;
    memset(info, 0, sizeof(*info));
    info->threads = c->nthreads;
    if (c->nthreads) {
        info->signal = c->threads[0].signal;
        info->signal_tid = c->threads[0].tid;
    }
    info->inlining = c->inlining;
    if (c->no_dwarf) {
        info->threads_only = true;
        walk *w = gmx_calloc(1, sizeof(*w));
        if (!w)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
        w->c = c;
        gmx_code rc = hand_out_threads(w, fn, ctx, info, err);
        gmx_free(w);
        return rc;
    }
    uint64_t slice[2];
    if (!gmx_core_read(c, c->allgs, slice, sizeof(slice)))
        return gmx_error_set(err, GMX_EFORMAT, "%s: runtime.allgs at 0x%llx is not in the core",
                             c->core.name, (unsigned long long)c->allgs);
    /* the pointers themselves must be held in the core */
    if (slice[1] > MAX_GOROUTINES || slice[1] > c->core.len / 8)
        return gmx_error_set(err, GMX_EFORMAT, "%s: runtime.allgs claims %llu goroutines (corrupt core?)",
                             c->core.name, (unsigned long long)slice[1]);
    walk *w = gmx_calloc(1, sizeof(*w));
    if (!w)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    w->c = c;
    /* the dump's instant: the latest time the runtime recorded */
    for (uint64_t i = 0; i < slice[1]; i++) {
        uint64_t addr;
        core_g g;
        if (gmx_core_read_u64(c, slice[0] + 8 * i, &addr) && gmx_core_read_g(c, addr, &g) &&
            (int64_t)g.waitsince > w->now)
            w->now = (int64_t)g.waitsince;
    }
    info->waits_estimated = true;
    gmx_code rc = GMX_OK;
    for (uint64_t i = 0; i < slice[1] && rc == GMX_OK; i++) {
        uint64_t addr;
        core_g g;
        if (!gmx_core_read_u64(c, slice[0] + 8 * i, &addr) || !gmx_core_read_g(c, addr, &g)) {
            rc = gmx_error_set(err, GMX_EFORMAT, "%s: goroutine %llu of runtime.allgs is not in the core",
                               c->core.name, (unsigned long long)i);
            break;
        }
        if (!listed(&g))
            continue;
        if (is_system(c, &g)) {
            info->system_goroutines++;
            continue;
        }
        gmx_goroutine out;
        describe(w, &g, &out);
        info->goroutines++;
        int r = fn(ctx, &out);
        if (r)
            rc = gmx_error_set(err, (gmx_code)r, "%s: goroutine %llu: %s", c->core.name,
                               (unsigned long long)g.goid, gmx_code_name((gmx_code)r));
    }
    info->inlining = c->inlining;
    info->signal_goid = w->signal_goid;
    gmx_free(w);
    return rc;
}
