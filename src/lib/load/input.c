#include "gomemdx/input.h"
#include "load/replace.h"
#include "gomemdx/http.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files mapped now, so that a SIGBUS (the file shrank under its mapping)
 * can be told apart from a bug and named: gmx_input_describe_fault reads
 * this from a signal handler, so it holds only atomics. A mapping that
 * finds no free slot is simply not named. */
enum { MAPPING_SLOTS = 64 };
static struct mapping_slot {
    _Atomic(const char *) base;
    _Atomic size_t len;
    _Atomic(const char *) name;
} mappings[MAPPING_SLOTS];

static void mapping_add(const void *base, size_t len, const char *name)
{
    for (size_t i = 0; i < MAPPING_SLOTS; i++) {
        const char *none = NULL;
        if (atomic_compare_exchange_strong(&mappings[i].base, &none, (const char *)base)) {
            atomic_store(&mappings[i].len, len);
            atomic_store(&mappings[i].name, name);
            return;
        }
    }
}

static void mapping_remove(const void *base)
{
    for (size_t i = 0; i < MAPPING_SLOTS; i++)
        if (atomic_load(&mappings[i].base) == (const char *)base) {
            atomic_store(&mappings[i].name, NULL);
            atomic_store(&mappings[i].len, 0);
            atomic_store(&mappings[i].base, NULL);
            return;
        }
}

/* Appends s to out[*k] within n (async-signal-safe: no stdio). */
static void put(char *out, size_t n, size_t *k, const char *s)
{
    while (*s && *k + 1 < n)
        out[(*k)++] = *s++;
}

bool gmx_input_describe_fault(const void *addr, char *out, size_t n)
{
    const char *a = addr;
    for (size_t i = 0; i < MAPPING_SLOTS && n; i++) {
        const char *base = atomic_load(&mappings[i].base);
        size_t len = atomic_load(&mappings[i].len);
        const char *name = atomic_load(&mappings[i].name);
        if (!base || !name || a < base || a >= base + len)
            continue;
        char digits[24];
        size_t off = (size_t)(a - base), d = sizeof(digits) - 1, k = 0;
        digits[d] = '\0';
        do
            digits[--d] = (char)('0' + off % 10);
        while ((off /= 10) && d);
        put(out, n, &k, name);
        put(out, n, &k, ": offset ");
        put(out, n, &k, digits + d);
        put(out, n, &k, ": the file shrank while it was being read");
        out[k] = '\0';
        return true;
    }
    return false;
}

struct gmx_input {
    char *name;
    const void *data;
    size_t len;
    enum { BACKING_NONE, BACKING_MMAP, BACKING_HEAP } backing;
    void *heap;
    int fd; /* a large mapped file's descriptor, for gmx_input_copy; else -1 */
    size_t bom; /* bytes of a UTF-8 byte order mark before data, skipped */
};

/* The UTF-8 byte order mark some Windows editors write first: no format
 * read here begins with it, and every sniffer looks at the first bytes. */
static void skip_utf8_bom(gmx_input *in)
{
    if (in->len < 3 || memcmp(in->data, "\xef\xbb\xbf", 3) != 0)
        return;
    in->data = (const char *)in->data + 3;
    in->len -= 3;
    in->bom = 3;
}

static gmx_input *input_new(const char *name, gmx_error *err)
{
    gmx_input *in = gmx_calloc(1, sizeof(*in));
    char *copy = gmx_strndup(name, strlen(name));
    if (!in || !copy) {
        gmx_free(in);
        gmx_free(copy);
        gmx_error_set(err, GMX_ENOMEM, "out of memory opening %s", name);
        return NULL;
    }
    in->name = copy;
    in->fd = -1;
    return in;
}

static gmx_code read_stream(gmx_input *in, int fd, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, GMX_INPUT_MAX_STREAM);
    for (;;) {
        if (gmx_buf_reserve(&b, 1 << 16) < 0) {
            int too_big = b.len + (1 << 16) > GMX_INPUT_MAX_STREAM;
            gmx_buf_release(&b);
            if (too_big)
                return gmx_error_set(err, GMX_ELIMIT, "input larger than %zu bytes",
                                     (size_t)GMX_INPUT_MAX_STREAM);
            return gmx_error_set(err, GMX_ENOMEM, "out of memory reading input");
        }
        ssize_t n = read(fd, b.data + b.len, 1 << 16);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            gmx_buf_release(&b);
            return gmx_error_set(err, GMX_EIO, "read failed: %s", strerror(e));
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
    }
    in->heap = gmx_buf_detach(&b, &in->len);
    in->data = in->heap;
    in->backing = BACKING_HEAP;
    return GMX_OK;
}

gmx_code gmx_input_open(const char *path, gmx_input **out, gmx_error *err)
{
    *out = NULL;
    gmx_input *in = input_new(path, err);
    if (!in)
        return GMX_ENOMEM;
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        gmx_input_free(in);
        return gmx_error_set(err, GMX_EIO, "cannot open %s: %s", path, strerror(e));
    }
    struct stat st;
    gmx_code rc = GMX_OK;
    if (fstat(fd, &st) != 0) {
        rc = gmx_error_set(err, GMX_EIO, "cannot read %s: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = gmx_error_set(err, GMX_EIO, "%s is a directory", path);
    } else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !is_stdin) {
        /* A pipe (`<(curl ...)`) streams to its end; a device such as
         * /dev/zero never ends, and a socket is not a file. */
        rc = gmx_error_set(err, GMX_EIO, "%s is not a regular file or a pipe", path);
    } else if (S_ISREG(st.st_mode) && st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            rc = read_stream(in, fd, err);
        } else {
            madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
            in->data = p;
            in->len = (size_t)st.st_size;
            in->backing = BACKING_MMAP;
            mapping_add(p, in->len, in->name);
            /* A large file stays open: gmx_input_copy reads it with pread,
             * which costs a fraction of faulting its mapping in page by
             * page (several times less on virtual machines). */
            if (in->len >= GMX_INPUT_COPY_MIN && !is_stdin) {
                in->fd = fd;
                fd = -1;
            }
        }
    } else {
        rc = read_stream(in, fd, err);
    }
    if (!is_stdin && fd >= 0)
        close(fd);
    if (rc == GMX_OK)
        rc = gmx_input_utf8(&in, err);
    if (rc == GMX_OK)
        rc = gmx_input_strip_ansi(&in, err);
    if (rc != GMX_OK) {
        gmx_input_free(in);
        return rc;
    }
    skip_utf8_bom(in);
    *out = in;
    return GMX_OK;
}

gmx_code gmx_input_from_memory(const char *name, const void *data, size_t len,
                               gmx_input **out, gmx_error *err)
{
    *out = input_new(name, err);
    if (!*out)
        return GMX_ENOMEM;
    (*out)->data = data;
    (*out)->len = len;
    return GMX_OK;
}

gmx_code gmx_input_from_heap(const char *name, void *data, size_t len, gmx_input **out,
                             gmx_error *err)
{
    *out = input_new(name, err);
    if (!*out) {
        gmx_free(data);
        return GMX_ENOMEM;
    }
    (*out)->heap = data;
    (*out)->data = data;
    (*out)->len = len;
    (*out)->backing = BACKING_HEAP;
    return GMX_OK;
}

gmx_code gmx_input_replace_heap(gmx_input **in, void *data, size_t len, gmx_error *err)
{
    gmx_input *replaced;
    gmx_code rc = gmx_input_from_heap(gmx_input_name(*in), data, len, &replaced, err);
    if (rc != GMX_OK)
        return rc;
    gmx_input_free(*in);
    *in = replaced;
    return GMX_OK;
}

const char *gmx_input_name(const gmx_input *in) { return in->name; }
const void *gmx_input_data(const gmx_input *in) { return in->data; }
size_t gmx_input_size(const gmx_input *in) { return in->len; }

void gmx_input_free(gmx_input *in)
{
    if (!in)
        return;
    if (in->backing == BACKING_MMAP) {
        const char *base = (const char *)in->data - in->bom;
        mapping_remove(base);
        munmap((void *)(uintptr_t)base, in->len + in->bom);
    }
    if (in->fd >= 0)
        close(in->fd);
    gmx_free(in->heap);
    gmx_free(in->name);
    gmx_free(in);
}

bool gmx_input_copy(const gmx_input *in, size_t offset, void *dst, size_t len)
{
    if (offset > in->len || len > in->len - offset)
        return false;
    if (in->fd < 0) {
        if (len)
            memcpy(dst, (const char *)in->data + offset, len);
        return true;
    }
    for (size_t done = 0; done < len;) {
        ssize_t n = pread(in->fd, (char *)dst + done, len - done,
                          (off_t)(in->bom + offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false; /* the file shrank or failed: the caller reads the mapping */
        done += (size_t)n;
    }
    return true;
}

bool gmx_input_mapped(const gmx_input *in)
{
    return in->backing == BACKING_MMAP;
}

void gmx_input_release_range(const gmx_input *in, size_t offset, size_t len)
{
    /* Owned heap memory (a decompressed profile) too: only whole pages
     * strictly inside the block go, never the allocator's own words. */
    if (in->backing == BACKING_NONE || offset >= in->len)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), base = (uintptr_t)in->data;
    uintptr_t start = (base + offset + page - 1) / page * page; /* whole pages only */
    uintptr_t end = base + (offset + len > in->len ? in->len : offset + len);
    end = end / page * page;
    if (end > start)
        madvise((void *)start, end - start, MADV_DONTNEED);
}

typedef struct fetch_one {
    gmx_code rc;
    gmx_error *err;
    void *body;
    size_t len;
} fetch_one;

static void keep_body(void *ctx, const gmx_fetch *f)
{
    fetch_one *o = ctx;
    if (f->status != GMX_FETCH_OK) {
        /* The status names a too-large body; any other failure is I/O. */
        o->rc = gmx_error_set(o->err, f->status == GMX_FETCH_TOO_LARGE ? GMX_ELIMIT : GMX_EIO,
                              "%s", f->message);
        return;
    }
    if (!(o->body = gmx_malloc(f->len ? f->len : 1))) {
        o->rc = gmx_error_set(o->err, GMX_ENOMEM, "out of memory keeping %s", f->url);
        return;
    }
    memcpy(o->body, f->body, f->len);
    o->len = f->len;
}

gmx_code gmx_input_fetch(const char *url, const gmx_fetch_limits *limits, long timeout_ms,
                         gmx_input **out, gmx_error *err)
{
    *out = NULL;
    gmx_scraper *s;
    gmx_code rc = gmx_scraper_new(limits, &s, err);
    if (rc != GMX_OK)
        return rc;
    fetch_one o = { GMX_OK, err, NULL, 0 };
    rc = gmx_scraper_get(s, url, timeout_ms, NULL, 0, err);
    /* Every transfer has its timeout: this loop ends. */
    while (rc == GMX_OK && gmx_scraper_pending(s))
        rc = gmx_scraper_run(s, 200, keep_body, &o, err);
    gmx_scraper_free(s);
    if (rc == GMX_OK)
        rc = o.rc;
    if (rc != GMX_OK) {
        gmx_free(o.body);
        return rc;
    }
    return gmx_input_from_heap(url, o.body, o.len, out, err);
}
