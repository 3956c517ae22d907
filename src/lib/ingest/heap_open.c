/* A heap or allocs profile from a path, in either of Go's formats. */
#include "gomemdx/heap.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/ingest.h"
#include "gomemdx/profile.h"
#include "ingest/heap_proto.h"

static gmx_code from_proto(gmx_input *in, gmx_hsnapshot *h, gmx_error *err)
{
    gmx_profile *p;
    gmx_code rc = gmx_profile_decode(in, &p, err);
    if (rc != GMX_OK)
        return rc;
    if (!gmx_heap_profile_proto_is(p)) {
        rc = gmx_error_set_at_offset(err, GMX_EFORMAT, gmx_profile_name(p), 0,
                                     "not a heap or allocs profile");
    } else {
        rc = gmx_heap_profile_proto_read(p, h, err);
    }
    gmx_profile_free(p);
    return rc;
}

gmx_code gmx_ingest_heap_profile(const char *path, gmx_hsnapshot **out, gmx_error *err)
{
    *out = NULL;
    gmx_input *in;
    gmx_code rc = gmx_input_open(path, &in, err);
    if (rc != GMX_OK)
        return rc;
    if ((rc = gmx_input_decompress(&in, 0, err)) != GMX_OK) {
        gmx_input_free(in);
        return rc;
    }
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    if (!h) {
        gmx_input_free(in);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", path);
    }
    if (gmx_heaptext_sniff(gmx_input_data(in), gmx_input_size(in))) {
        rc = gmx_heaptext_parse(gmx_input_name(in), gmx_input_data(in), gmx_input_size(in), h,
                                err);
        gmx_input_free(in);
    } else {
        rc = from_proto(in, h, err);
    }
    if (rc != GMX_OK)
        gmx_hsnapshot_free(h);
    else
        *out = h;
    return rc;
}
