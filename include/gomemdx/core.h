/* Go core dumps (linux/amd64, Go 1.19 to 1.27): a core file from the kernel
 * or gcore read with the executable that produced it. The goroutines come
 * out as the records a goroutine dump gives (gomemdx/goroutine.h), so they
 * feed the same grouping, classification and judgement.
 *
 * Runtime structure layouts come from the binary's DWARF, wait reasons
 * from its runtime.waitReasonStrings, stacks are unwound with .gopclntab. */
#ifndef GOMEMDX_CORE_H
#define GOMEMDX_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/pclntab.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_core gmx_core;

/* A Go executable given on its own (--binary): its .gopclntab names the
 * pcs other formats leave raw (the runtime frames a debug=1 goroutine
 * profile leaves out of its "#" lines). data must outlive it. */
typedef struct gmx_binary gmx_binary;
gmx_code gmx_binary_open(const char *name, const void *data, size_t len, gmx_binary **out,
                         gmx_error *err);
void gmx_binary_free(gmx_binary *b);
/* The source positions of return address pc (its call: pc - 1), innermost
 * first, inlined calls expanded; at most max; 0 when pc is not in the
 * binary's text. */
size_t gmx_binary_frames(const gmx_binary *b, uint64_t pc, gmx_pcframe *out, size_t max);
/* The same for the address of an instruction (a profile location's
 * address, already a call site). */
size_t gmx_binary_frames_at(const gmx_binary *b, uint64_t addr, gmx_pcframe *out, size_t max);
/* True when the instruction at addr ends with addr + 1 and is a call: what
 * the address of every caller's frame in a stack is. Addresses of another
 * build land anywhere, seldom there. */
bool gmx_binary_call_site(const gmx_binary *b, uint64_t addr);
/* True when build_id (a profile mapping's: hex of the GNU build ID, or Go's
 * build ID as text) is this binary's. */
bool gmx_binary_has_build_id(const gmx_binary *b, gmx_str build_id);

/* Opens a core (core_data, core_len) and its executable (bin_data,
 * bin_len); both must outlive *out. Refuses, with one line naming the file
 * and what is missing, a core or binary that is not an x86-64 Go one, a
 * binary whose build ID (Go's, else GNU's) differs from the one mapped in
 * the core, a binary without a symbol table or DWARF. */
gmx_code gmx_core_open(const char *core_name, const void *core_data, size_t core_len,
                       const char *bin_name, const void *bin_data, size_t bin_len,
                       gmx_core **out, gmx_error *err);
void gmx_core_free(gmx_core *c);
/* Told of the core's bytes [offset, offset + len) that the heap walk has
 * read for good, so that a core of several GB does not stay resident: a
 * mapped file's pages can leave (gmx_input_release_range) since they read
 * back the same if touched again. Not set: nothing is released. */
typedef void (*gmx_core_release_fn)(void *ctx, size_t offset, size_t len);
void gmx_core_set_release(gmx_core *c, gmx_core_release_fn fn, void *ctx);

typedef struct gmx_core_info {
    uint64_t goroutines;        /* user goroutines handed out */
    uint64_t system_goroutines; /* runtime goroutines, left out as tracebacks leave them */
    uint64_t threads;           /* threads in the core */
    int signal;                 /* the signal the first thread took (0 for gcore) */
    uint32_t signal_tid;
    uint64_t signal_goid;       /* the goroutine that thread was running, 0 when none
                                 * (the thread was in the scheduler or a syscall) */
    bool inlining;              /* inlined calls were expanded (go:func.* found) */
    bool threads_only;          /* the binary has no DWARF: the runtime's structures are
                                 * unknown, so each thread's stack (from its registers)
                                 * is handed out instead of goroutines, with id 0 */
    bool waits_estimated;       /* "N minutes" measured from the latest time seen in
                                 * the core, a lower bound of the dump's instant */
} gmx_core_info;

/* Calls fn for each user goroutine, in allgs order; the record is valid
 * during the call only. A goroutine whose stack cannot be read is handed
 * out with GMX_G_NO_STACK. Without DWARF, the threads instead (see
 * threads_only). info may be NULL. */
gmx_code gmx_core_goroutines(gmx_core *c, gmx_goroutine_fn fn, void *ctx, gmx_core_info *info,
                             gmx_error *err);

/* The heap of the core: every in-use span of runtime.mheap_ (arenas,
 * heapArena.spans), its allocated objects from allocBits (and freeindex),
 * grouped by Go type where the runtime records one (Go 1.22+: a malloc
 * header before objects over minSizeForMallocHeader in spans that hold
 * pointers, mspan.largeType for large ones), else by size class. */
typedef struct gmx_core_heap_row {
    const char *type;       /* Go type name, or NULL: only the size class is known */
    uint32_t size_class;    /* 0 for large objects (a span each) */
    bool noscan;            /* the span holds no pointers */
    uint64_t elem_size;     /* bytes per object (a large object's span size varies: the largest) */
    uint64_t objects, bytes;
} gmx_core_heap_row;

typedef struct gmx_core_heap {
    uint64_t arenas, spans;       /* arenas walked, in-use spans found */
    uint64_t span_bytes;          /* their pages, in bytes */
    uint64_t objects, bytes;      /* allocated objects and their bytes (object size) */
    uint64_t typed_bytes;         /* bytes of objects whose Go type is known */
    uint64_t spans_skipped;       /* spans that did not read as valid (corrupt core) */
    bool typed;                   /* the binary records types (Go 1.22+ malloc headers) */
    /* the runtime's own accounting in the same core, when its fields are found */
    bool has_pages_in_use, has_heap_live;
    uint64_t pages_in_use_bytes;  /* mheap_.pagesInUse x pageSize: MemStats.HeapInuse */
    uint64_t heap_live;           /* gcController.heapLive: marked at the last GC plus
                                   * allocated since, counting whole cached spans */
    /* memstats.heapStats summed over its generations, as ReadMemStats sums
     * them but before it flushes the caches: a cached span's allocations are
     * added when the P gives it back, so these fall short of the walk by the
     * objects allocated in cached spans since they were cached (below) */
    bool has_stats;
    uint64_t stats_objects;       /* MemStats.HeapObjects */
    uint64_t stats_bytes;         /* MemStats.HeapAlloc */
    uint64_t stats_in_heap;       /* MemStats.HeapInuse */
    bool has_caches;
    uint64_t cached_spans;        /* spans held by the Ps' mcaches */
    uint64_t cached_free_objects, cached_free_bytes; /* their free slots */
    bool has_cached_new;
    uint64_t cached_new_objects, cached_new_bytes; /* allocated in them since cached
                                                    * (mspan.allocCountBeforeCache) */
    gmx_core_heap_row *rows;      /* most bytes first */
    size_t nrows;
    /* who holds it (gmx_core_heap_retention, below), when the reader asked
     * (gmx_ingest_core_with_heap does); NULL else, or when it could not be
     * read: retention_error then says why. Released with the heap. */
    struct gmx_core_retention *retention;
    char retention_error[240];
} gmx_core_heap;

/* Walks the heap of c. GMX_EFORMAT when the binary has no DWARF or the
 * runtime's heap structures cannot be found or read. Every count is bounded
 * by the core: a damaged span is skipped and counted, never followed far. */
gmx_code gmx_core_heap_walk(gmx_core *c, gmx_core_heap *out, gmx_error *err);
void gmx_core_heap_release(gmx_core_heap *h);
/* What a row holds, into buf: its Go type as the binary names it (raw bytes:
 * make them visible before printing), else "size class N (with pointers)" or
 * "large objects (no pointers)", in Chinese with zh. */
void gmx_core_heap_row_name(const gmx_core_heap_row *r, bool zh, char *buf, size_t n);

/* Who holds the heap: the objects reached from the roots (the module's
 * data and bss through the runtime's pointer masks, every goroutine's stack
 * frames, conservatively), marked breadth-first through their pointers
 * (exact pointer bits where the Go version records them: Go 1.22+ span heap
 * bits, malloc headers, largeType; else every word that lands in an
 * allocated object). Each object is attributed to the root, and to the
 * object, that reached it first: the mark's breadth-first tree, so a
 * chain is a shortest path from a root. Bytes "through" a step are those of
 * its subtree in that tree (what it reached first), not dominator-retained
 * bytes: an object reachable two ways counts once, under the nearer. */
typedef enum gmx_core_root_kind {
    GMX_CORE_ROOT_GLOBAL, /* a package-level variable (the symbol holding the word) */
    GMX_CORE_ROOT_FRAME,  /* a goroutine's stack frame (its function) */
    GMX_CORE_ROOT_STACK,  /* a goroutine's stack above its last frame */
    GMX_CORE_ROOT_FINALIZER, /* a finalizer or cleanup (its function): the function value,
                              * and for a finalizer what its object points to (the object
                              * itself stays collectable); marked last */
} gmx_core_root_kind;

/* What a step is, when static types tell (else GMX_STEP_OBJECT). */
typedef enum gmx_core_step_role {
    GMX_STEP_OBJECT,         /* an object, of type what when known */
    GMX_STEP_ARRAY,          /* a backing array of elements of type what */
    GMX_STEP_MAP,            /* a map's header: what its type, entries its entries */
    GMX_STEP_MAP_DIRECTORY,  /* the internals of the map of type `of` (Go 1.24+ swiss map) */
    GMX_STEP_MAP_TABLE,
    GMX_STEP_MAP_GROUPS,
    GMX_STEP_MAP_BUCKETS,    /* Go 1.19-1.23: its buckets */
    GMX_STEP_CLOSURE         /* a func value: what its func type, of its function */
} gmx_core_step_role;

typedef struct gmx_core_hold_step {
    const char *what;        /* root: the symbol or function; object: its Go type when the
                              * runtime recorded one, else NULL (size class only); NULL too
                              * for a step standing for elided steps (addr 0, size 0) */
    uint64_t addr;           /* the object's address; 0 for the root */
    uint64_t size;           /* the object's size (its slot); 0 for the root */
    uint32_t size_class;     /* 0 for a large object */
    bool noscan;             /* an object without pointers */
    uint64_t bytes, objects; /* reached first through this step (itself included) */
    uint64_t children;       /* objects it reached first directly */
    uint64_t elided;         /* an elision step: the steps it stands for */
    /* from static types (DWARF), NULL / 0 when unknown */
    gmx_core_step_role role;
    const char *via;         /* the field of the step before that points to it (".replies") */
    const char *of;          /* map internals: the map's type; closure: its function */
    uint64_t entries;        /* GMX_STEP_MAP: its entries */
    const char *container;   /* the typed container it is (part of): "main.Pricer.replies" */
    const char *container_type; /* that container's type: "map[uint64]main.Quote" */
} gmx_core_hold_step;

typedef struct gmx_core_holder {
    gmx_core_root_kind root_kind;
    const char *root;        /* symbol or function */
    const char *root_type;   /* a global's static type (DWARF), NULL when unknown */
    uint64_t goid;           /* FRAME and STACK: the goroutine of the chain's root */
    uint64_t roots;          /* roots of this kind and name (a frame of N goroutines: N) */
    uint64_t bytes, objects; /* reached first from them all */
    gmx_core_hold_step *chain; /* from the largest of them: root first, then objects */
    size_t nchain;
    size_t holder;           /* the step where the bytes fan out (no object it reached
                              * holds half of its bytes): the container */
    uint64_t like_bytes;     /* what the same container holds in the chain's like siblings
                              * (the other elements of an array of pointers above it: the
                              * Ps of runtime.allp, a cache's shards; or of an inline array
                              * of structs: a pool's size classes), beside the chain's own */
    uint64_t like;           /* those siblings */
    uint64_t framed;         /* of the objects the holder keeps, those a goroutine's frame
                              * points to as well (a server's connections, each held by its
                              * serve goroutine): in use by live goroutines */
    uint64_t framed_goroutines; /* the goroutines whose frames point to them */
} gmx_core_holder;

/* The retention as a tree of paths, for a profile of who holds the heap
 * (pprof's stacks): every marked object lands on the path of names from its
 * root down the mark's tree to it (roots named by kind and symbol or
 * function, objects by their Go type when the runtime recorded one, else by
 * size class). Consecutive steps of one name are one step (a linked list is
 * one "*T" however long), and paths stop growing at GMX_CORE_PATH_DEPTH
 * steps, deeper objects counting at the last. */
#define GMX_CORE_PATH_ROOT UINT32_MAX
#define GMX_CORE_PATH_DEPTH 64
typedef struct gmx_core_retained_path {
    uint32_t parent;         /* the path one step shorter; GMX_CORE_PATH_ROOT for a root */
    uint32_t depth;          /* 1 for a root */
    const char *name;        /* the last step */
    uint64_t bytes, objects; /* of the objects whose path ends here */
} gmx_core_retained_path;

/* What a goroutine's stack reached first: heap no global reaches (globals
 * are marked first; among goroutines, the first to reach an object counts
 * it). */
typedef struct gmx_core_goroutine_hold {
    uint64_t goid;
    uint64_t bytes, objects;
} gmx_core_goroutine_hold;

typedef struct gmx_core_retention {
    uint64_t allocated_objects, allocated_bytes; /* what the heap walk counts */
    uint64_t marked_objects, marked_bytes;       /* reached from the roots */
    uint64_t roots;                              /* root regions that reached an object */
    uint64_t exact_objects, conservative_objects; /* scanned with exact pointer bits, or
                                                  * every word */
    bool exact_globals;                          /* data and bss through the runtime's masks */
    bool capped;                                 /* the mark hit a cap (memory cap_bytes, or
                                                  * object bytes beyond 4 x the core): partial */
    uint64_t cap_bytes;
    gmx_core_holder *holders;                    /* most bytes first */
    size_t nholders;
    gmx_core_goroutine_hold *goroutines;         /* by goid; those that reached any */
    size_t ngoroutines;
    gmx_core_retained_path *paths;               /* with_paths only: parents first */
    size_t npaths;
    void *priv;
} gmx_core_retention;

/* Marks the heap of c from its roots and gives the max_holders roots (by
 * kind and name) that reach the most bytes first, with a chain each, and
 * with with_paths every object's path too. GMX_EFORMAT as
 * gmx_core_heap_walk; GMX_ENOMEM. */
gmx_code gmx_core_heap_retention(gmx_core *c, size_t max_holders, bool with_paths,
                                 gmx_core_retention *out, gmx_error *err);
void gmx_core_retention_release(gmx_core_retention *r);
/* The heap the goroutine goid's stack reached first (0 when none). */
const gmx_core_goroutine_hold *gmx_core_retention_goroutine(const gmx_core_retention *r,
                                                            uint64_t goid);

#ifdef __cplusplus
}
#endif

#endif
