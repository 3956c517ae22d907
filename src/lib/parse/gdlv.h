/* Delve's goroutine list (`goroutines` / `grs` in dlv), pasted as the only
 * record of the goroutines:
 *
 *   * Goroutine 1 - User: ./main.go:12 main.main (0x4a2b3c) [chan receive]
 *     Goroutine 7 - User: /src/app/nbd/dispatch.go:265 app/nbd.(*D).cmd.func1 (0x15a9e18) [chan send 858079709754578]
 *
 * one line a goroutine: its id, one location (the innermost frame of user
 * code by default; "Runtime:", "Go:" or "Start:" with -r, -g, -s), the pc
 * and, when it waits, the wait reason and the runtime's waitsince (a
 * monotonic clock reading, not a duration). gtolerant.c rewrites each as a
 * one-frame block of a full dump. */
#ifndef GMX_PARSE_GDLV_H
#define GMX_PARSE_GDLV_H

#include <stdbool.h>
#include <stdint.h>

#include "util/str.h"

typedef struct gmx_gdlv {
    uint64_t id;
    bool creator;      /* the location is where the goroutine was started ("Go:") */
    gmx_str file;      /* "/src/app/main.go:12" */
    gmx_str func;
    gmx_str state;     /* the wait reason without waitsince; empty when running */
} gmx_gdlv;

/* True when s (cleaned of prefixes and indentation) starts a Delve entry:
 * "Goroutine N - Label: ", after an optional "* " for the current one. */
bool gmx_gdlv_like(gmx_str s);

/* Parses a whole entry (a wrapped one joined first). False when s is not
 * one, or its location has no function. */
bool gmx_gdlv_parse(gmx_str s, gmx_gdlv *out);

/* True when s is a whole entry: its location's pc "(0x...)" is there and,
 * if a wait reason opens, it closes. A wrapped entry is not yet whole. */
bool gmx_gdlv_complete(gmx_str s);

#endif
