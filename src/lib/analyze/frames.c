#include "analyze/frames.h"
#include "util/str.h"

#include <stdint.h>
#include <stdio.h>

gmx_str gmx_func_package(gmx_str func)
{
    /* The package path ends at the first '.' after the last '/'. */
    size_t slash = gmx_str_rfind_char(func, '/');
    size_t from = slash == SIZE_MAX ? 0 : slash + 1;
    const char *dot = memchr(func.p + from, '.', func.n - from);
    return dot ? gmx_str_sub(func, 0, (size_t)(dot - func.p)) : func;
}

bool gmx_pointer_receiver(gmx_str fn, gmx_str *recv)
{
    size_t open = gmx_str_find(fn, ".(*");
    if (open == SIZE_MAX || open == 0)
        return false;
    gmx_str rest = gmx_str_sub(fn, open, fn.n);
    size_t close = gmx_str_find(rest, ").");
    if (close == SIZE_MAX || close <= 3)
        return false;
    *recv = gmx_str_sub(fn, 0, open + close + 1);
    return true;
}

/* "vendor/..." is the standard library's own copy of golang.org/x
 * ("vendor/golang.org/x/net/http2/hpack"; "golang_org" before Go 1.12) or,
 * in a GOPATH-era build of a package at the root of src, the application's
 * vendored dependency ("vendor/github.com/x/y"): true for the latter. */
static bool vendored_dependency(gmx_str pkg)
{
    if (!gmx_str_starts(pkg, "vendor/"))
        return false;
    gmx_str rest = gmx_str_sub(pkg, 7, pkg.n);
    return !gmx_str_starts(rest, "golang.org/") && !gmx_str_starts(rest, "golang_org/");
}

/* The top-level directories of GOROOT/src that hold packages (`go list std`,
 * Go 1.0 to 1.25; "vendor" is the standard library's copy of golang.org/x,
 * "type" the compiler's generated equality functions, "type:.eq.T"). A path
 * whose first element is not one of them is not the standard library's, even
 * without a dot: a GOPATH-era package ("myapp/server") or one shortened by
 * hand or by pprof's trimming ("pipe/swarm.(*Runner).Start"). */
static const char *const std_top[] = {
    "archive", "arena",  "bufio",   "bytes",   "cmp",     "compress", "container", "context",
    "crypto",  "database", "debug", "embed",   "encoding", "errors",  "expvar",    "flag",
    "fmt",     "go",     "hash",    "html",    "image",   "index",    "internal",  "io",
    "iter",    "log",    "maps",    "math",    "mime",    "net",      "os",        "path",
    "plugin",  "reflect", "regexp", "runtime", "slices",  "sort",     "strconv",   "strings",
    "structs", "sync",   "syscall", "testing", "text",    "time",     "type",      "unicode",
    "unique",  "unsafe", "vendor",  "weak",
};

/* The standard library's internal packages ("internal/poll"; `go list std`,
 * Go 1.5 to 1.25). No program outside GOROOT can import one, so any other
 * "internal/x" is an application path cut short ("internal/procs" of
 * "go.opentelemetry.io/obi/pkg/internal/procs"). */
static const char *const std_internal[] = {
    "abi",       "asan",       "bisect",     "bytealg",   "byteorder",   "chacha8rand", "coverage",
    "cpu",       "filepathlite", "fmtsort",  "fuzz",      "goarch",      "godebug",     "godebugs",
    "goexperiment", "goos",    "itoa",       "lazyregexp", "msan",       "nettrace",    "oserror",
    "poll",      "profile",    "profilerecord", "race",   "reflectlite", "runtime",     "saferio",
    "singleflight", "stringslite", "sync",   "synctest",  "syscall",     "sysinfo",     "testlog",
    "trace",     "unsafeheader", "weak",     "zstd",
};

static bool listed(gmx_str name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (gmx_str_eq_cstr(name, list[i]))
            return true;
    return false;
}

/* The element of a path after `skip` slashes ("net" of "net/http", "http"
 * after one). */
static gmx_str path_element(gmx_str path, int skip)
{
    for (; skip > 0; skip--) {
        size_t slash = gmx_str_find(path, "/");
        if (slash == SIZE_MAX)
            return gmx_str_sub(path, path.n, path.n);
        path = gmx_str_sub(path, slash + 1, path.n);
    }
    size_t slash = gmx_str_find(path, "/");
    return slash == SIZE_MAX ? path : gmx_str_sub(path, 0, slash);
}

static bool std_import_path(gmx_str pkg)
{
    gmx_str first = path_element(pkg, 0);
    if (!listed(first, std_top, sizeof(std_top) / sizeof(std_top[0])))
        return false;
    if (gmx_str_eq_cstr(first, "internal"))
        return listed(path_element(pkg, 1), std_internal, sizeof(std_internal) / sizeof(std_internal[0]));
    return true;
}

/* A standard-library frame lives at GOROOT/src/<package path>/<file>: from
 * one such frame ("sync.(*Mutex).Lock" in ".../src/sync/mutex.go") the
 * GOROOT prefix follows. */
bool gmx_goroot_learn(gmx_goroot *root, const gmx_frame *f)
{
    if (root->len)
        return false;
    gmx_str pkg = gmx_func_package(f->func);
    if (!pkg.n || !std_import_path(pkg) || vendored_dependency(pkg))
        return false;
    char needle[256];
    if (pkg.n + 7 > sizeof(needle))
        return false;
    snprintf(needle, sizeof(needle), "/src/%.*s/", (int)pkg.n, pkg.p);
    size_t at = gmx_str_find(f->file, needle);
    if (at == SIZE_MAX || at + 5 >= sizeof(root->prefix))
        return false;
    memcpy(root->prefix, f->file.p, at + 5);
    root->len = at + 5;
    root->prefix[root->len] = '\0';
    return true;
}

/* The file cmd/go writes a test binary's main into: "_testmain.go", as the
 * runtime prints it (bare, or under the build's temporary directory). */
static bool generated_test_main(gmx_str file)
{
    static const char name[] = "_testmain.go";
    if (!gmx_str_ends(file, name))
        return false;
    size_t before = file.n - (sizeof(name) - 1);
    return before == 0 || file.p[before - 1] == '/' || file.p[before - 1] == '\\';
}

bool gmx_frame_is_runtime(const gmx_frame *f)
{
    return gmx_str_eq_cstr(f->file, "<autogenerated>") || gmx_str_starts(f->func, "runtime.") ||
           gmx_str_starts(f->func, "runtime/") || gmx_str_starts(f->func, "internal/runtime/") ||
           gmx_str_find(f->func, ".gowrap") != SIZE_MAX ||
           gmx_str_find(f->func, ".deferwrap") != SIZE_MAX;
}

bool gmx_frame_is_std(const gmx_goroot *root, const gmx_frame *f)
{
    gmx_str pkg = gmx_func_package(f->func);
    /* A test binary's main.main is generated by cmd/go (_testmain.go) to
     * hand control to the testing package: the framework's frame, never the
     * code under test (goleak's isTestStack ignores these goroutines). */
    if (gmx_str_eq_cstr(pkg, "main"))
        return generated_test_main(f->file);
    /* A name cut short by hand ("(*T).m", "handle"): no package path is
     * left to tell, and the runtime never prints one so; it is the user's. */
    if (!f->func.n || f->func.p[0] == '(' || pkg.n == f->func.n)
        return false;
    if (root->len && f->file.n) {
        if (f->file.n >= root->len && memcmp(f->file.p, root->prefix, root->len) == 0)
            return true;
        /* Seen a GOROOT, and this file is elsewhere: user or module code. */
        if (f->file.p[0] == '/')
            return false;
    }
    /* No GOROOT to go by: the import path itself tells (module paths have a
     * dot in their first element, "github.com/x"; so does no standard one). */
    if (vendored_dependency(pkg))
        return false;
    return std_import_path(pkg);
}

/* A module the build downloaded lives in the module cache,
 * GOMODCACHE/<module>@<version>/... ("/root/go/pkg/mod/github.com/x/y@v1.2.3/
 * z.go"): a dependency, never the code being built. */
static bool in_module_cache(gmx_str file)
{
    size_t at = gmx_str_find(file, "/pkg/mod/");
    return at != SIZE_MAX && gmx_str_find(gmx_str_sub(file, at, file.n), "@v") != SIZE_MAX;
}

/* A dependency vendored by the application lives under the application's
 * own tree ("/src/github.com/x/app/vendor/google.golang.org/grpc/..."): the
 * code to fix is the application's first frame, under that tree and outside
 * vendor/, that called into it (a goroutine waiting in grpc's flow control
 * for the application's stream handler). A dependency in the module cache
 * is fixed in the first frame after it outside the module cache, vendor/
 * and the standard library. frames[i] is the first frame not of the
 * standard library; it stays the site when it is no dependency or no caller
 * of the application's is shown. */
static gmx_frame first_own_frame(const gmx_frame *frames, uint32_t i, uint32_t n,
                                 const gmx_goroot *root)
{
    if (in_module_cache(frames[i].file)) {
        for (uint32_t k = i + 1; k < n; k++)
            if (frames[k].file.n && !in_module_cache(frames[k].file) &&
                gmx_str_find(frames[k].file, "/vendor/") == SIZE_MAX &&
                !gmx_frame_is_std(root, &frames[k]))
                return frames[k];
        return frames[i];
    }
    size_t at = gmx_str_find(frames[i].file, "/vendor/");
    if (at == SIZE_MAX)
        return frames[i];
    gmx_str tree = gmx_str_sub(frames[i].file, 0, at + 1);
    for (uint32_t k = i + 1; k < n; k++) {
        gmx_str f = frames[k].file;
        if (f.n > tree.n && memcmp(f.p, tree.p, tree.n) == 0 && gmx_str_find(f, "/vendor/") == SIZE_MAX)
            return frames[k];
    }
    return frames[i];
}

bool gmx_frames_site(const gmx_frame *frames, uint32_t n, const gmx_frame *creator,
                     const gmx_goroot *root, gmx_frame *site, bool *mechanism)
{
    *mechanism = false;
    for (uint32_t i = 0; i < n; i++) {
        if (!gmx_frame_is_std(root, &frames[i])) {
            *site = first_own_frame(frames, i, n, root);
            return true;
        }
    }
    /* With no frame known at all (goroutines counted by their creator), the
     * creator is the code to fix, not a stand-in for it. */
    *mechanism = n > 0;
    if (creator && !gmx_frame_is_std(root, creator)) {
        *site = *creator;
        return true;
    }
    *mechanism = true;
    for (uint32_t i = 0; i < n; i++) {
        gmx_str pkg = gmx_func_package(frames[i].func);
        if (!gmx_str_eq_cstr(pkg, "runtime") && !gmx_str_starts(pkg, "internal/") &&
            !gmx_str_eq_cstr(pkg, "sync") && !gmx_str_eq_cstr(pkg, "syscall")) {
            *site = frames[i];
            return true;
        }
    }
    /* Only runtime frames (a stack cut short, an allocation inside the
     * runtime): no site, rather than a runtime function named as the
     * thing to fix. */
    return false;
}
