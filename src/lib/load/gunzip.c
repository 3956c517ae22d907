/* gzip decompression with libdeflate, whole-buffer and bounded.
 *
 * libdeflate decompresses one member into a buffer that must be big enough,
 * so the output starts at the size the last member's ISIZE trailer promises
 * (never more than deflate's 1032:1 ratio allows for the input) and doubles,
 * up to the cap, each time a member does not fit; the member is then
 * decompressed again. Members follow each other (concatenated gzip, as
 * Go's reader accepts); anything after the last member must be another
 * member. */
#include "gomemdx/input.h"
#include "load/replace.h"
#include "util/alloc.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

enum { GZIP_MIN_MEMBER = 18, DEFLATE_MAX_RATIO = 1032 };

int gmx_is_gzip(const void *data, size_t len)
{
    const unsigned char *p = data;
    return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

void gmx_gunzip_free(void *data)
{
    gmx_free(data);
}

typedef struct inflater {
    const char *name;
    const unsigned char *in;
    size_t len;
    size_t max;
    unsigned char *out;
    size_t cap, used;
    struct libdeflate_decompressor *d;
} inflater;

static size_t initial_capacity(const inflater *z)
{
    const unsigned char *t = z->in + z->len - 4;
    size_t isize = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    size_t bound = z->len > SIZE_MAX / DEFLATE_MAX_RATIO ? SIZE_MAX : z->len * DEFLATE_MAX_RATIO;
    if (isize > bound)
        isize = bound;
    if (isize < 4096)
        isize = 4096;
    return isize > z->max ? z->max : isize;
}

/* The page faults of a large output cost as much as a third of the
 * inflating. A helper thread takes them ahead of the decompressor, 4 MiB at
 * a time from the front, with MADV_POPULATE_WRITE: it maps pages without
 * writing to them, so it never races the data (where the kernel lacks it,
 * the helper just stops). */
enum { PREFAULT_MIN = 16 << 20, PREFAULT_STEP = 4 << 20 };

typedef struct prefault {
    pthread_t thread;
    unsigned char *buf;
    size_t len;
    atomic_bool stop;
    bool running;
} prefault;

static void *prefault_run(void *arg)
{
    prefault *f = arg;
    for (size_t off = 0; off < f->len && !atomic_load(&f->stop); off += PREFAULT_STEP) {
        size_t n = f->len - off < PREFAULT_STEP ? f->len - off : PREFAULT_STEP;
        if (madvise(f->buf + off, n, MADV_POPULATE_WRITE) != 0)
            break;
    }
    return NULL;
}

static void prefault_start(prefault *f, unsigned char *buf, size_t len)
{
    memset(f, 0, sizeof(*f));
    /* whole pages inside the block only: never the allocator's words */
    uintptr_t page = 4096, start = ((uintptr_t)buf + page - 1) / page * page;
    uintptr_t end = ((uintptr_t)buf + len) / page * page;
    if (len < PREFAULT_MIN || end <= start)
        return;
    f->buf = (unsigned char *)start;
    f->len = end - start;
    atomic_init(&f->stop, false);
    f->running = pthread_create(&f->thread, NULL, prefault_run, f) == 0;
}

static void prefault_stop(prefault *f)
{
    if (!f->running)
        return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    f->running = false;
}

static gmx_code grow(inflater *z, size_t pos, gmx_error *err)
{
    if (z->cap >= z->max) {
        return gmx_error_set_at_offset(err, GMX_ELIMIT, z->name, pos,
                                       "decompressed size exceeds %zu bytes (gzip bomb?)", z->max);
    }
    size_t cap = z->cap > z->max / 2 ? z->max : z->cap * 2;
    unsigned char *out = gmx_realloc(z->out, cap);
    if (!out)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory decompressing %s (%zu bytes)",
                             z->name, cap);
    z->out = out;
    z->cap = cap;
    return GMX_OK;
}

static gmx_code check_header(const inflater *z, size_t pos, gmx_error *err)
{
    const unsigned char *p = z->in + pos;
    size_t left = z->len - pos;
    if (left < 2 || p[0] != 0x1f || p[1] != 0x8b) {
        return gmx_error_set_at_offset(err, GMX_EFORMAT, z->name, pos,
                                       pos ? "trailing bytes after the last gzip member"
                                            : "not gzip data (no 1f 8b magic)");
    }
    if (left < GZIP_MIN_MEMBER) {
        return gmx_error_set_at_offset(err, GMX_EFORMAT, z->name, pos,
                                       "truncated gzip member (%zu bytes)", left);
    }
    if (p[2] != 8 || (p[3] & 0xe0)) {
        return gmx_error_set_at_offset(err, GMX_EFORMAT, z->name, pos + 2,
                                       "unsupported gzip method or flags");
    }
    return GMX_OK;
}

/* One member at pos; on success advances *pos past it. */
static gmx_code inflate_member(inflater *z, size_t *pos, prefault *pf, gmx_error *err)
{
    gmx_code rc = check_header(z, *pos, err);
    if (rc != GMX_OK)
        return rc;
    for (;;) {
        size_t in_used = 0, out_used = 0;
        enum libdeflate_result r = libdeflate_gzip_decompress_ex(
            z->d, z->in + *pos, z->len - *pos, z->out + z->used, z->cap - z->used, &in_used,
            &out_used);
        if (r == LIBDEFLATE_SUCCESS) {
            *pos += in_used;
            z->used += out_used;
            return GMX_OK;
        }
        if (r != LIBDEFLATE_INSUFFICIENT_SPACE) {
            return gmx_error_set_at_offset(err, GMX_EFORMAT, z->name, *pos,
                                           "corrupt or truncated gzip data in the member at this offset");
        }
        prefault_stop(pf); /* the buffer is about to move */
        if ((rc = grow(z, *pos, err)) != GMX_OK)
            return rc;
    }
}

/* Every member of the input into z->out, grown as needed; with prefault,
 * a helper thread maps the output's fresh pages ahead. */
static gmx_code inflate_all(inflater *z, bool prefault_pages, gmx_error *err)
{
    gmx_code rc = GMX_OK;
    z->d = libdeflate_alloc_decompressor();
    if (!z->d)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory decompressing %s", z->name);
    prefault pf;
    prefault_start(&pf, z->out, prefault_pages ? z->cap : 0);
    for (size_t pos = 0; pos < z->len && rc == GMX_OK;)
        rc = inflate_member(z, &pos, &pf, err);
    prefault_stop(&pf);
    libdeflate_free_decompressor(z->d);
    z->d = NULL;
    return rc;
}

gmx_code gmx_gunzip(const char *name, const void *data, size_t len, size_t max, void **out,
                    size_t *out_len, gmx_error *err)
{
    *out = NULL;
    *out_len = 0;
    inflater z = { .name = name, .in = data, .len = len,
                   .max = max ? max : GMX_GUNZIP_DEFAULT_MAX };
    gmx_code rc = check_header(&z, 0, err);
    if (rc != GMX_OK)
        return rc;
    z.cap = initial_capacity(&z);
    if (!(z.out = gmx_malloc(z.cap)))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory decompressing %s", name);
    if ((rc = inflate_all(&z, true, err)) != GMX_OK) {
        gmx_free(z.out);
        return rc;
    }
    if (z.used < z.cap) { /* give back what the size guess over-allocated */
        unsigned char *fit = gmx_realloc(z.out, z.used ? z.used : 1);
        if (fit)
            z.out = fit;
    }
    *out = z.out;
    *out_len = z.used;
    return GMX_OK;
}

gmx_code gmx_input_gunzip_reusing(gmx_input **in, size_t max, void **buf, size_t *cap,
                                  gmx_error *err)
{
    const void *data = gmx_input_data(*in);
    size_t len = gmx_input_size(*in);
    if (!gmx_is_gzip(data, len))
        return GMX_OK;
    inflater z = { .name = gmx_input_name(*in), .in = data, .len = len,
                   .max = max ? max : GMX_GUNZIP_DEFAULT_MAX, .out = *buf, .cap = *cap };
    gmx_code rc = check_header(&z, 0, err);
    if (rc != GMX_OK)
        return rc;
    size_t want = initial_capacity(&z), held = z.cap;
    if (z.cap > z.max) /* a buffer larger than this call's maximum: use max of it */
        z.cap = z.max;
    bool fresh = z.cap < want;
    if (fresh) { /* nothing to keep: a new block, not a copy */
        gmx_free(z.out);
        z.cap = 0;
        if (!(z.out = gmx_malloc(want))) {
            *buf = NULL;
            *cap = 0;
            return gmx_error_set(err, GMX_ENOMEM, "out of memory decompressing %s", z.name);
        }
        z.cap = held = want;
    }
    unsigned char *before = z.out;
    rc = inflate_all(&z, fresh, err);
    *buf = z.out; /* grown or not, still the caller's */
    *cap = z.out != before || z.cap > held ? z.cap : held;
    if (rc != GMX_OK)
        return rc;
    gmx_input *decoded;
    if ((rc = gmx_input_from_memory(gmx_input_name(*in), z.out, z.used, &decoded, err)) != GMX_OK)
        return rc;
    gmx_input_free(*in);
    *in = decoded;
    return GMX_OK;
}

gmx_code gmx_input_gunzip(gmx_input **in, size_t max, gmx_error *err)
{
    const void *data = gmx_input_data(*in);
    size_t len = gmx_input_size(*in);
    if (!gmx_is_gzip(data, len))
        return GMX_OK;
    void *plain;
    size_t plain_len;
    gmx_code rc = gmx_gunzip(gmx_input_name(*in), data, len, max, &plain, &plain_len, err);
    if (rc != GMX_OK)
        return rc;
    return gmx_input_replace_heap(in, plain, plain_len, err);
}
