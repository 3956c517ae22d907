/* Reading a full goroutine dump into buckets, on several threads when it is
 * large: the input is cut at goroutine boundaries ("\n\ngoroutine "), each
 * piece is parsed into its own bucket set, and the sets are merged. */
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "gomemdx/profile.h"
#include "ingest/goroutine_proto.h"
#include "ingest/hidden_frames.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/goname.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

enum { MAX_THREADS = 8 };
/* Below this a second thread costs more than it saves. */
#define PARALLEL_MIN ((size_t)16 << 20)

/* Each thread reads its piece in steps of this size and hands the pages it
 * has read back to the kernel, so resident memory stays flat however large
 * the dump (they remain in the page cache). */
#define STEP ((size_t)32 << 20)
/* A large file is rather copied in steps of this size into one buffer per
 * thread (gmx_input_copy: pread), which is cheaper than faulting in its
 * mapping; a step that would need more than COPY_MAX (one huge goroutine)
 * is read in place. */
#define COPY_STEP ((size_t)1 << 20)
#define COPY_MAX ((size_t)64 << 20)

typedef struct piece {
    const char *name;
    const gmx_input *input;
    const char *data;
    size_t len;
    gmx_gbuckets *buckets;
    bool copy; /* read in steps through gmx_input_copy */
    bool prefixed; /* every line behind a log prefix (kubectl logs, journald) */
    const gmx_text_layout *layout; /* what a pager or a terminal did to each line, or NULL */
    atomic_bool *damaged;  /* shared: a piece met damage, the whole is read again */
    gmx_dump_info info;
    gmx_error err;
    gmx_code rc;
} piece;

static size_t next_block(const char *data, size_t len, size_t pos, bool prefixed);

/* The strict parse stops at the first sign of damage: the tolerant reader
 * reads the file again from the start. */
enum { DAMAGED = 0x7d };

typedef struct strict_ctx {
    gmx_gbuckets *buckets;
    const gmx_dump_info *info;
} strict_ctx;

/* Damage the strict read cannot read, or glyphs restored in a text with
 * lines it skipped: the tolerant reader reads it again (strict_report). */
static bool damaged(const gmx_dump_info *info)
{
    return info->suspect_lines || (info->read.repairs && info->skipped_lines);
}

static int add_strict(void *ctx, const gmx_goroutine *g)
{
    strict_ctx *s = ctx;
    if (damaged(s->info)) /* so stop */
        return DAMAGED;
    return gmx_gbuckets_add(s->buckets, g);
}

static void add_info(gmx_dump_info *sum, const gmx_dump_info *part)
{
    /* part's lines follow sum's: its line numbers start again at 1 */
    if (!sum->read.interleaved && part->read.interleaved)
        sum->read.first_interleaved = sum->lines + part->read.first_interleaved;
    sum->read.interleaved += part->read.interleaved;
    sum->goroutines += part->goroutines;
    sum->threads += part->threads;
    sum->lines += part->lines;
    sum->skipped_lines += part->skipped_lines;
    sum->suspect_lines += part->suspect_lines;
    sum->read.repairs |= part->read.repairs;
    sum->partial = part->partial;
}

/* A strict read that restored tab glyphs says so as the tolerant reader
 * does: every line read. One that also skipped lines is read again by the
 * tolerant reader, which tells which (false). */
static bool strict_report(gmx_dump_info *info)
{
    if (!info->read.repairs)
        return true;
    if (info->skipped_lines)
        return false;
    info->read.tolerant = true;
    info->read.read_lines = info->lines;
    info->read.nread = info->lines ? 1 : 0;
    info->read.read[0] = (gmx_line_range){ 1, info->lines };
    return true;
}

/* Whether every name the read took is one the runtime prints: a pointer
 * receiver whose '*' a Markdown page took for emphasis ("sync.(_Mutex)")
 * reads strictly, and the tolerant reader puts it back. Looked for in the
 * distinct stacks, not line by line. */
static bool names_as_printed(const gmx_gbuckets *set)
{
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        for (uint32_t k = 0; k < b->nframes; k++)
            if (gmx_goname_lost_star_at(b->frames[k].func) < b->frames[k].func.n)
                return false;
        if (b->has_creator && gmx_goname_lost_star_at(b->creator.func) < b->creator.func.n)
            return false;
    }
    return true;
}

/* A strict read (rc) that stands: nothing doubted, skipped or misnamed. */
static bool strict_read_stands(gmx_code rc, gmx_gsnapshot *snap)
{
    return rc == GMX_OK && !snap->info.suspect_lines && strict_report(&snap->info) &&
           names_as_printed(snap->buckets);
}

/* The step of the text at (bytes, len) the piece reads next: bytes points
 * into buf when the step was copied there, else into the mapping. */
static const char *step_bytes(piece *p, size_t at, size_t len, gmx_buf *buf)
{
    size_t offset = (size_t)(p->data - (const char *)gmx_input_data(p->input)) + at;
    buf->len = 0;
    if (len <= COPY_MAX && gmx_buf_reserve(buf, len) == 0 &&
        gmx_input_copy(p->input, offset, buf->data, len))
        return buf->data;
    return p->data + at;
}

static void *parse_piece(void *arg)
{
    piece *p = arg;
    size_t at = 0;
    gmx_buf buf;
    gmx_buf_init(&buf, COPY_MAX + 1);
    memset(&p->info, 0, sizeof(p->info));
    while (at < p->len && p->rc == GMX_OK && !atomic_load(p->damaged)) {
        size_t step = p->copy ? COPY_STEP : STEP;
        size_t end = p->len - at <= step ? p->len
                                         : next_block(p->data, p->len, at + step, p->prefixed);
        const char *bytes = p->copy ? step_bytes(p, at, end - at, &buf) : p->data + at;
        gmx_dump_info info;
        strict_ctx sc = { p->buckets, &info };
        p->rc = gmx_goroutine_dump_parse_repaired(p->name, bytes, end - at, p->layout, add_strict,
                                                  &sc, &info, &p->err);
        if (p->rc == (gmx_code)DAMAGED) {
            p->rc = GMX_OK; /* the caller sees suspect_lines and reads again */
            add_info(&p->info, &info);
            atomic_store(p->damaged, true);
            break;
        }
        if (at == 0) {
            p->info = info;
        } else {
            add_info(&p->info, &info);
        }
        /* damage no goroutine came after to stop the step at (text behind
         * a prefix it no longer matches): the steps after it are not read,
         * nor the other pieces' (a piece that learned the prefix from its
         * own first line may match it to its end) */
        if (damaged(&info)) {
            atomic_store(p->damaged, true);
            break;
        }
        /* Even a copied step: finding its end touched the mapping, and a
         * touch maps a whole large folio of the page cache. */
        gmx_input_release_range(p->input,
                                    (size_t)(p->data - (const char *)gmx_input_data(p->input)) + at,
                                    end - at);
        at = end;
    }
    gmx_buf_release(&buf);
    return NULL;
}

/* Start of the goroutine block at or after pos, or len: the next header
 * line, whatever is before it (a blank line, CRLF's or one with blanks
 * left on it, none where a log dropped blank lines). Behind a prefix,
 * any header line (each piece learns the prefix from its first line, as
 * a whole parse does from the file's); else one at the line's start. */
static size_t next_block(const char *data, size_t len, size_t pos, bool prefixed)
{
    while (pos < len) {
        size_t at = gmx_goroutine_text_next_header(data, len, pos);
        if (prefixed || at >= len || (len - at >= 10 && memcmp(data + at, "goroutine ", 10) == 0))
            return at;
        pos = at + 1;
    }
    return len;
}

static unsigned thread_count(const gmx_ingest_options *opts, size_t len)
{
    if (len < PARALLEL_MIN)
        return 0; /* one plain parse, no pieces */
    long n = opts->threads ? (long)opts->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* The strict read of [from, to) of in, cut into n pieces at block starts,
 * each on a thread of its own, merged into snap in order. */
static gmx_code parse_parallel(const char *name, const gmx_input *in, size_t from, size_t to,
                               unsigned n, bool prefixed, const gmx_text_layout *layout,
                               const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                               gmx_error *err)
{
    const char *data = (const char *)gmx_input_data(in) + from;
    size_t len = to - from;
    piece pieces[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    bool started[MAX_THREADS] = { false };
    atomic_bool damaged_any = false;
    memset(pieces, 0, sizeof(pieces));
    unsigned used = 0;
    for (size_t start = 0; used < n && start < len; used++) {
        size_t end = used + 1 == n ? len : next_block(data, len, len / n * (used + 1), prefixed);
        if (end < start)
            end = start;
        piece *p = &pieces[used];
        p->name = name;
        p->input = in;
        p->prefixed = prefixed;
        p->layout = layout;
        p->damaged = &damaged_any;
        p->data = data + start;
        p->len = end - start;
        p->copy = len >= GMX_INPUT_COPY_MIN;
        p->buckets = used == 0 ? snap->buckets : gmx_gbuckets_new(&opts->limits);
        if (!p->buckets)
            p->rc = gmx_error_set(&p->err, GMX_ENOMEM, "out of memory");
        start = end;
    }
    for (unsigned i = 1; i < used; i++)
        if (pieces[i].rc == GMX_OK)
            started[i] = pthread_create(&threads[i], NULL, parse_piece, &pieces[i]) == 0;
    parse_piece(&pieces[0]);
    for (unsigned i = 1; i < used; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else if (pieces[i].rc == GMX_OK)
            parse_piece(&pieces[i]);
    }
    gmx_code rc = GMX_OK;
    snap->info = pieces[0].info;
    for (unsigned i = 0; i < used; i++) {
        piece *p = &pieces[i];
        if (p->rc != GMX_OK && rc == GMX_OK) {
            rc = p->rc;
            if (err)
                *err = p->err;
        }
        if (i == 0)
            continue;
        add_info(&snap->info, &p->info);
        if (rc == GMX_OK && gmx_gbuckets_merge(snap->buckets, p->buckets) != GMX_OK)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory merging goroutine buckets");
        gmx_gbuckets_free(p->buckets);
    }
    return rc;
}

static gmx_code read_profile(const gmx_profile *p, gmx_gsnapshot *snap, gmx_error *err)
{
    gmx_code rc = gmx_goroutine_profile_proto_read(p, gmx_gbuckets_add, snap->buckets, &snap->info,
                                                   err);
    return rc == GMX_OK ? gmx_gbuckets_finish(snap->buckets) : rc;
}

/* A profile.proto goroutine profile, gzipped or not: decoded (the profile
 * takes the input over), its raw addresses named from the binary, read
 * into the buckets, and dropped — the buckets hold copies of what they
 * keep. */
static gmx_code parse_proto(gmx_gsnapshot *snap, const gmx_binary *binary, gmx_error *err)
{
    gmx_code rc = gmx_input_decompress(&snap->input, 0, err);
    if (rc != GMX_OK)
        return rc;
    gmx_profile *p = NULL;
    gmx_input *in = snap->input;
    snap->input = NULL;
    rc = gmx_profile_decode(in, &p, err);
    gmx_symbolized names = { 0 };
    if (rc == GMX_OK)
        rc = gmx_ingest_symbolize_profile(p, binary, &names, err);
    if (rc == GMX_OK)
        rc = gmx_goroutine_profile_proto_read(p, gmx_gbuckets_add, snap->buckets, &snap->info, err);
    snap->info.symbolized = names;
    gmx_profile_free(p);
    return rc;
}

static unsigned thread_count(const gmx_ingest_options *opts, size_t len);

typedef struct tpiece {
    const char *name;
    const char *data;
    size_t len;
    uint64_t first_line;     /* the lines of the pieces before it */
    gmx_gbuckets *buckets;
    const gmx_binary *binary;
    gmx_dump_info info;
    gmx_error err;
    gmx_code rc;
} tpiece;

static void *tolerant_piece(void *arg)
{
    tpiece *p = arg;
    /* Numbered from its own first line: where that is in the whole is
     * known once the pieces before it are read (their lines counted as
     * they are), and the report's ranges are moved there then. */
    hidden_frames h = { .binary = p->binary, .buckets = p->buckets };
    p->rc = gmx_goroutine_tolerant_parse_piece(p->name, p->data, p->len, 0, gmx_hidden_frames_add,
                                               &h, &p->info, &p->err);
    gmx_hidden_frames_counts(&h, &p->info);
    return NULL;
}

static uint64_t count_lines(const char *data, size_t len)
{
    uint64_t n = 0;
    for (const char *p = data, *end = data + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    return n;
}

/* The tolerant reader's pieces of a large input are about this long, so
 * that a mapped file's pages leave the resident set as its pieces are
 * read: the pieces outnumber the threads, which take them in turn. */
#define TOLERANT_PIECE ((size_t)32 << 20)
enum { TOLERANT_PIECES_MAX = 1024 };

typedef struct tpool {
    tpiece *pieces;
    unsigned used;
    atomic_uint next;        /* the piece a thread takes next */
    const gmx_input *mapped; /* whose pages are handed back as pieces are read, or NULL */
} tpool;

static void *tolerant_worker(void *arg)
{
    tpool *pool = arg;
    for (unsigned i; (i = atomic_fetch_add(&pool->next, 1)) < pool->used;) {
        tpiece *p = &pool->pieces[i];
        if (p->rc == GMX_OK)
            tolerant_piece(p);
        /* what the buckets and the report keep is copied, and a mapped
         * file's pages read back the same if a message points there */
        if (pool->mapped)
            gmx_input_release_range(pool->mapped,
                                    (size_t)(p->data - (const char *)gmx_input_data(pool->mapped)),
                                    p->len);
    }
    return NULL;
}

/* Every piece read by n threads, the caller's one of them (or the only
 * one, when a thread cannot start). */
static void each_piece(tpool *pool, unsigned n)
{
    pthread_t threads[MAX_THREADS];
    bool started[MAX_THREADS] = { false };
    for (unsigned i = 1; i < n && i < MAX_THREADS; i++)
        started[i] = pthread_create(&threads[i], NULL, tolerant_worker, pool) == 0;
    tolerant_worker(pool);
    for (unsigned i = 1; i < n && i < MAX_THREADS; i++)
        if (started[i])
            pthread_join(threads[i], NULL);
}

/* A piece's report, numbered from its own first line, in the whole's
 * lines: by lines before it. */
static void shift_report(gmx_read_report *r, uint64_t by)
{
    for (uint32_t i = 0; i < r->nread; i++) {
        r->read[i].first += by;
        r->read[i].last += by;
    }
    for (uint32_t i = 0; i < r->nskipped; i++) {
        r->skipped[i].first += by;
        r->skipped[i].last += by;
    }
    r->last_read.first += by;
    r->last_read.last += by;
    r->last_skipped.first += by;
    r->last_skipped.last += by;
}

/* A piece's ranges after the whole's: the whole's last range and the
 * piece's first are one when only the seam (blank lines) lies between,
 * kept or counted. */
static void add_ranges(gmx_line_range *to, uint32_t *n, uint32_t *more, gmx_line_range *to_last,
                       const gmx_line_range *from, uint32_t nfrom, uint32_t morefrom,
                       gmx_line_range from_last)
{
    uint32_t i = 0;
    if (nfrom && (*n || *more) && from[0].first <= to_last->last + 3) {
        if (!*more)
            to[*n - 1].last = from[0].last;
        to_last->last = from[0].last;
        i = 1;
    }
    for (; i < nfrom; i++) {
        if (*n < GMX_READ_RANGES && !*more)
            to[(*n)++] = from[i];
        else
            (*more)++;
        *to_last = from[i];
    }
    *more += morefrom;
    if (morefrom)
        *to_last = from_last;
}

static void add_report(gmx_dump_info *sum, const gmx_dump_info *part)
{
    gmx_read_report *s = &sum->read;
    const gmx_read_report *p = &part->read;
    s->repairs |= p->repairs;
    s->read_lines += p->read_lines;
    s->skipped_lines += p->skipped_lines;
    add_ranges(s->read, &s->nread, &s->more_read, &s->last_read, p->read, p->nread,
               p->more_read, p->last_read);
    add_ranges(s->skipped, &s->nskipped, &s->more_skipped, &s->last_skipped, p->skipped,
               p->nskipped, p->more_skipped, p->last_skipped);
    if (part->kind == GMX_DUMP_LEAK_CHECK)
        sum->kind = GMX_DUMP_LEAK_CHECK;
    sum->goroutines += part->goroutines;
    sum->lines += part->lines;
    sum->skipped_lines += part->skipped_lines;
    sum->named_records += part->named_records;
    sum->unnamed_records += part->unnamed_records;
    sum->symbolized.unnamed += part->symbolized.unnamed;
    sum->symbolized.named += part->symbolized.named;
    sum->symbolized.with_binary |= part->symbolized.with_binary;
    sum->symbolized.other_build |= part->symbolized.other_build;
    sum->partial = part->partial;
}

/* A large damaged dump: cut before header lines into pieces of about
 * TOLERANT_PIECE, each read into its own buckets by one of n threads,
 * then merged in order. */
static gmx_code tolerant_parallel(const char *name, const char *data, size_t len, unsigned n,
                                  const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                                  gmx_error *err)
{
    size_t want = len / TOLERANT_PIECE + 1;
    unsigned count = want < n ? n : want > TOLERANT_PIECES_MAX ? TOLERANT_PIECES_MAX : (unsigned)want;
    tpiece *pieces = gmx_calloc(count, sizeof(*pieces));
    if (!pieces)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    unsigned used = 0;
    for (size_t start = 0; used < count && start < len; used++) {
        size_t end = used + 1 == count
                         ? len
                         : gmx_goroutine_text_next_header(data, len, len / count * (used + 1));
        if (end < start)
            end = start;
        tpiece *p = &pieces[used];
        p->name = name;
        p->data = data + start;
        p->len = end - start;
        p->buckets = used == 0 ? snap->buckets : gmx_gbuckets_new(&opts->limits);
        p->binary = opts->binary;
        if (!p->buckets)
            p->rc = gmx_error_set(&p->err, GMX_ENOMEM, "out of memory");
        start = end;
    }
    const gmx_input *in = snap->input;
    tpool pool = { pieces, used, 0,
                   in && gmx_input_mapped(in) && (const char *)gmx_input_data(in) == data ? in : NULL };
    each_piece(&pool, n);
    uint64_t line = 0;
    for (unsigned i = 0; i < used; i++) {
        tpiece *p = &pieces[i];
        p->first_line = line;
        /* A piece that failed may not have counted its lines: count them. */
        line += p->rc == GMX_OK ? p->info.lines : count_lines(p->data, p->len);
        if (p->rc == GMX_OK)
            shift_report(&p->info.read, p->first_line);
    }
    gmx_code rc = GMX_OK;
    snap->info = pieces[0].info;
    for (unsigned i = 0; i < used; i++) {
        tpiece *p = &pieces[i];
        /* a piece with nothing in it (all prose) is no error when others read */
        if (p->rc != GMX_OK && !(p->rc == GMX_EFORMAT && i > 0) && rc == GMX_OK) {
            rc = p->rc;
            if (err)
                *err = p->err;
        }
        if (i == 0)
            continue;
        if (p->rc == GMX_OK)
            add_report(&snap->info, &p->info);
        if (rc == GMX_OK && gmx_gbuckets_merge(snap->buckets, p->buckets) != GMX_OK)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory merging goroutine buckets");
        gmx_gbuckets_free(p->buckets);
    }
    snap->info.lines = line;
    gmx_free(pieces);
    return rc;
}

/* Damaged text, or text the strict grammars refused: read again, tolerantly,
 * into fresh buckets. */
static gmx_code parse_tolerant(const char *name, const char *data, size_t len,
                               const gmx_ingest_options *opts, gmx_gsnapshot *snap,
                               gmx_error *err)
{
    gmx_gbuckets_free(snap->buckets);
    snap->buckets = gmx_gbuckets_new(&opts->limits);
    if (!snap->buckets)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    if (err)
        memset(err, 0, sizeof(*err));
    unsigned n = thread_count(opts, len);
    if (n > 1 && gmx_goroutine_text_next_header(data, len, len / n) < len)
        return tolerant_parallel(name, data, len, n, opts, snap, err);
    hidden_frames h = { .binary = opts->binary, .buckets = snap->buckets };
    gmx_code rc = gmx_goroutine_tolerant_parse(name, data, len, gmx_hidden_frames_add, &h,
                                               &snap->info, err);
    gmx_hidden_frames_counts(&h, &snap->info);
    return rc;
}

/* Reads the wrapper of a pasted dump (the text before its first header,
 * or after its last stack line) with the tolerant reader, for its report;
 * false when it holds anything that reader reads (a record, a prelude, a
 * count): the whole is then read tolerantly. */
static bool wrapper_only(const char *name, const char *data, size_t len, uint64_t first_line,
                         gmx_dump_info *info)
{
    memset(info, 0, sizeof(*info));
    if (!len)
        return true;
    gmx_error err;
    gmx_code rc = gmx_goroutine_tolerant_parse_piece(name, data, len, first_line, NULL, NULL,
                                                     info, &err);
    return rc == GMX_EFORMAT && !info->goroutines && info->kind == GMX_DUMP_PLAIN;
}

/* A dump pasted whole into prose or a page's markup ("here is the dump:",
 * <details><pre>, a fence; tabs drawn as glyphs): the tolerant reader would
 * read it line by line at over twice the strict read's cost. Only the
 * wrapper is read so, for what the report says of its lines; the dump
 * between, from its first header to its last stack line, is read by the
 * strict grammar in pieces on every core. Taken when the wrapper holds
 * nothing the tolerant reader reads and the strict read skips no line of
 * the dump; else false, nothing kept, and the whole is read tolerantly. */
static bool parse_wrapped(const char *name, const gmx_input *in, const gmx_ingest_options *opts,
                          gmx_gsnapshot *snap)
{
    const char *data = gmx_input_data(in);
    size_t len = gmx_input_size(in);
    size_t from = gmx_goroutine_text_next_header(data, len, 0);
    size_t to = from < len ? gmx_goroutine_text_stack_end(data, len, from) : from;
    /* large inputs only (small ones cost nothing either way), and no
     * prelude in the wrapper: the strict read of the dump would not see it */
    if (from == 0 || to <= from || !thread_count(opts, len) ||
        memmem(data, from, "panic: ", 7) || memmem(data, from, "fatal error: ", 13) ||
        memmem(data, from, "SIG", 3))
        return false;
    gmx_dump_info head, tail, mid;
    if (!wrapper_only(name, data, from, 0, &head) || head.read.nread)
        return false;
    gmx_gsnapshot dump = { .name = name, .buckets = gmx_gbuckets_new(&opts->limits) };
    unsigned n = thread_count(opts, to - from);
    gmx_error err;
    bool ok = dump.buckets &&
              parse_parallel(name, in, from, to, n ? n : 1, false, NULL, opts, &dump, &err) == GMX_OK;
    mid = dump.info;
    uint64_t first = head.lines + 1, last = head.lines + mid.lines;
    ok = ok && !mid.skipped_lines && !mid.suspect_lines && mid.goroutines &&
         wrapper_only(name, data + to, len - to, last, &tail) && !tail.read.nread;
    if (!ok) {
        gmx_gbuckets_free(dump.buckets);
        return false;
    }
    gmx_gbuckets_free(snap->buckets);
    snap->buckets = dump.buckets;
    snap->info = mid;
    gmx_read_report *r = &snap->info.read;
    memset(r, 0, sizeof(*r));
    r->tolerant = true;
    r->repairs = head.read.repairs | mid.read.repairs | tail.read.repairs;
    r->read_lines = mid.lines;
    r->nread = 1;
    r->read[0] = (gmx_line_range){ first, last };
    r->skipped_lines = head.read.skipped_lines + tail.read.skipped_lines;
    r->last_read = r->read[0];
    add_ranges(r->skipped, &r->nskipped, &r->more_skipped, &r->last_skipped, head.read.skipped,
               head.read.nskipped, head.read.more_skipped, head.read.last_skipped);
    add_ranges(r->skipped, &r->nskipped, &r->more_skipped, &r->last_skipped, tail.read.skipped,
               tail.read.nskipped, tail.read.more_skipped, tail.read.last_skipped);
    snap->info.lines = last + tail.lines;
    snap->info.skipped_lines = r->skipped_lines;
    return true;
}

/* A dump whose every line a pager numbered (less -N, cat -n), a terminal
 * cut at its width (copied from its screen, folded, a CI log of fixed
 * width) or a test runner indented (a leak checker's report in go test
 * output): read by the strict grammar with the numbers dropped, the cut
 * lines joined or the indentation removed, in pieces on every core when
 * large, as a pristine dump is, rather than line by line by the tolerant
 * reader. False when none is learned or more than one (the wrap then
 * counted the numbers), or the read still skips or doubts lines: the
 * tolerant reader then reads the text into fresh buckets. */
static bool parse_laid_out(const char *name, const gmx_input *in, const gmx_ingest_options *opts,
                           gmx_gsnapshot *snap)
{
    const char *data = gmx_input_data(in);
    size_t len = gmx_input_size(in);
    gmx_text_layout layout = gmx_text_layout_learn(data, len);
    /* one layout, or a pager's numbers over lines a terminal cut (less -N
     * on a narrow terminal; a wrapped text numbered line by line) */
    if (!layout.pager && !layout.wrap.width && !layout.margin)
        return false;
    if (layout.margin && (layout.pager || layout.wrap.width))
        return false;
    gmx_gbuckets_free(snap->buckets);
    snap->buckets = gmx_gbuckets_new(&opts->limits);
    if (!snap->buckets)
        return false;
    /* split only where a piece starts at a header, as a pristine dump is:
     * numbered or indented, at a header line behind its number or the
     * leak checker's words (each piece learns them from its first line) */
    bool numbered = layout.pager || layout.margin;
    unsigned n = numbered || (len >= 10 && memcmp(data, "goroutine ", 10) == 0)
                     ? thread_count(opts, len)
                     : 0;
    gmx_error err;
    strict_ctx sc = { snap->buckets, &snap->info };
    gmx_code rc = n ? parse_parallel(name, in, 0, len, n, numbered, &layout, opts, snap, &err)
                    : gmx_goroutine_dump_parse_repaired(name, data, len, &layout, add_strict, &sc,
                                                        &snap->info, &err);
    return strict_read_stands(rc, snap);
}

/* One thread, any goroutine format, recognised by content. */
static gmx_code parse_serial(const char *name, const char *data, size_t len,
                             const gmx_ingest_options *opts, gmx_gsnapshot *snap, gmx_error *err)
{
    gmx_code rc;
    strict_ctx sc = { snap->buckets, &snap->info };
    if (gmx_goroutine_profile_text_sniff(data, len)) {
        hidden_frames h = { .binary = opts->binary, .buckets = snap->buckets };
        rc = gmx_goroutine_profile_text_parse(name, data, len, gmx_hidden_frames_add, &h,
                                              &snap->info, err);
        gmx_hidden_frames_counts(&h, &snap->info);
    } else if (gmx_is_gzip(data, len) || memchr(data, '\0', len < 4096 ? len : 4096)) {
        /* Binary: a protobuf profile, or garbage the decoder will name. */
        return parse_proto(snap, opts->binary, err);
    } else {
        rc = gmx_goroutine_dump_parse(name, data, len, add_strict, &sc, &snap->info, err);
    }
    if (strict_read_stands(rc, snap))
        return GMX_OK;
    if (rc != GMX_OK && rc != GMX_EFORMAT && rc != (gmx_code)DAMAGED)
        return rc;
    if (snap->input && (parse_laid_out(name, snap->input, opts, snap) ||
                        parse_wrapped(name, snap->input, opts, snap)))
        return GMX_OK;
    return parse_tolerant(name, data, len, opts, snap, err);
}

static gmx_code snapshot_init(const char *name, const gmx_ingest_options *opts,
                              gmx_gsnapshot *snap, gmx_error *err)
{
    memset(snap, 0, sizeof(*snap));
    snap->owned_name = gmx_strndup(name, strlen(name));
    snap->name = snap->owned_name;
    snap->buckets = gmx_gbuckets_new(&opts->limits);
    if (!snap->buckets || !snap->owned_name) {
        gmx_gsnapshot_release(snap);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    }
    return GMX_OK;
}

static const gmx_ingest_options *defaults(const gmx_ingest_options *opts)
{
    static const gmx_ingest_options none;
    return opts ? opts : &none;
}

gmx_code gmx_ingest_goroutines_input(gmx_input *in, const gmx_ingest_options *opts,
                                     gmx_gsnapshot *snap, gmx_error *err)
{
    opts = defaults(opts);
    gmx_code rc = snapshot_init(gmx_input_name(in), opts, snap, err);
    if (rc != GMX_OK) {
        gmx_input_free(in);
        return rc;
    }
    /* Compressed text (a dump gzipped to attach it to an issue) reads as
     * the text; a profile's gzip is undone here as parse_proto would. */
    if ((rc = gmx_input_decompress(&in, 0, err)) != GMX_OK) {
        gmx_input_free(in);
        gmx_gsnapshot_release(snap);
        return rc;
    }
    snap->input = in;
    const char *data = gmx_input_data(in);
    size_t len = gmx_input_size(in);
    unsigned n = thread_count(opts, len);
    /* A per-line prefix (log timestamps) or a prelude is learned from the
     * start, so only dumps that begin with a header are split: bare, or
     * behind a prefix each piece learns from its own first line. */
    bool prefixed = false;
    /* A debug=1 profile ("goroutine profile: total N") is records, not
     * blocks: read whole by its own grammar. */
    if (n && gmx_goroutine_profile_text_sniff(data, len))
        n = 0;
    if (n && memcmp(data, "goroutine ", 10) != 0) {
        const char *eol = memchr(data, '\n', len < 4096 ? len : 4096);
        prefixed = eol && gmx_goroutine_text_next_header(data, (size_t)(eol - data) + 1, 0) == 0;
        if (!prefixed)
            n = 0;
    }
    if (n) {
        rc = parse_parallel(snap->name, in, 0, len, n, prefixed, NULL, opts, snap, err);
        /* damage, whether the strict read stopped at it or doubted lines */
        bool damaged = rc == GMX_EFORMAT || rc == (gmx_code)DAMAGED ||
                       (rc == GMX_OK && !strict_read_stands(rc, snap));
        if (damaged && !parse_laid_out(snap->name, in, opts, snap))
            rc = parse_tolerant(snap->name, data, len, opts, snap, err);
    } else {
        rc = parse_serial(snap->name, data, len, opts, snap, err);
    }
    if (rc == GMX_OK)
        rc = gmx_gbuckets_finish(snap->buckets);
    if (rc != GMX_OK)
        gmx_gsnapshot_release(snap);
    return rc;
}

gmx_code gmx_ingest_goroutines_profile(const gmx_profile *p, const gmx_ingest_options *opts,
                                       gmx_gsnapshot *snap, gmx_error *err)
{
    gmx_code rc = snapshot_init(gmx_profile_name(p), defaults(opts), snap, err);
    if (rc == GMX_OK && (rc = read_profile(p, snap, err)) != GMX_OK)
        gmx_gsnapshot_release(snap);
    return rc;
}

gmx_code gmx_ingest_goroutines(const char *path, const gmx_ingest_options *opts,
                               gmx_gsnapshot *snap, gmx_error *err)
{
    gmx_input *in;
    memset(snap, 0, sizeof(*snap));
    gmx_code rc = gmx_input_open(path, &in, err);
    return rc == GMX_OK ? gmx_ingest_goroutines_input(in, opts, snap, err) : rc;
}

void gmx_gsnapshot_release(gmx_gsnapshot *snap)
{
    gmx_gbuckets_free(snap->buckets);
    gmx_input_free(snap->input);
    gmx_free(snap->owned_name);
    memset(snap, 0, sizeof(*snap));
}
