/* What a frame is: runtime, standard library or user code. */
#ifndef GMX_ANALYZE_FRAMES_H
#define GMX_ANALYZE_FRAMES_H

#include <stdbool.h>

#include "gomemdx/goroutine.h"

/* The GOROOT source prefix seen in a dump ("/usr/lib/go-1.27/src/"), learned
 * from where standard-library frames live; empty when unknown (-trimpath). */
typedef struct gmx_goroot {
    char prefix[512];
    size_t len;
} gmx_goroot;

/* Learns the prefix from a standard-library frame; true if learned. */
bool gmx_goroot_learn(gmx_goroot *root, const gmx_frame *f);
/* A frame of the Go runtime or standard library (or its vendored packages). */
bool gmx_frame_is_std(const gmx_goroot *root, const gmx_frame *f);
/* The package path of a function name: "net/http" of "net/http.(*conn).serve". */
gmx_str gmx_func_package(gmx_str func);

/* The receiver type of a pointer method: "pkg.(*T)" of "pkg.(*T).M" or of a
 * closure in it ("pkg.(*T).M.func1"); false for functions and value
 * receivers, whose names do not tell a type from a package path. */
bool gmx_pointer_receiver(gmx_str fn, gmx_str *recv);

/* The frame to fix in a stack (innermost first): the first frame that is
 * not runtime or standard library (when that is a dependency vendored in the
 * application's tree, the first frame of that tree outside vendor/ that
 * called it). When there is none, the creator if it
 * is user code, else the first standard-library frame outside the runtime
 * (*mechanism = true). False when there is none of these: a runtime frame
 * (runtime.mallocgc, runtime.malg, ...) is never the site to fix. */
bool gmx_frames_site(const gmx_frame *frames, uint32_t n, const gmx_frame *creator,
                     const gmx_goroot *root, gmx_frame *site, bool *mechanism);

#endif
