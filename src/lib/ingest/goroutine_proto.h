/* Goroutine records from a decoded goroutine or goroutineleak profile. */
#ifndef GMX_INGEST_GOROUTINE_PROTO_H
#define GMX_INGEST_GOROUTINE_PROTO_H

#include "gomemdx/goroutine.h"
#include "gomemdx/profile.h"

/* Calls fn for each sample of p as a goroutine record (count = the
 * sample's value). GMX_EFORMAT when p is another kind of profile. */
gmx_code gmx_goroutine_profile_proto_read(const gmx_profile *p, gmx_goroutine_fn fn, void *ctx,
                                          gmx_dump_info *info, gmx_error *err);

#endif
