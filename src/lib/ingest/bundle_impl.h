/* What a bundle holds while it loads, shared by its parts: finding the
 * files (bundle_walk.c), reading each into its model (bundle_read.c),
 * merging what was read and pairing cores with their executables
 * (bundle.c), and ordering it all in time (bundle_times.c). */
#ifndef GMX_BUNDLE_IMPL_H
#define GMX_BUNDLE_IMPL_H

#include "gomemdx/bundle.h"
#include "gomemdx/core.h"
#include "gomemdx/profile.h"
#include "ingest/capture_times.h"
#include "ingest/heap_reduce.h"
#include "ingest/heap_series.h"
#include "util/arena.h"
#include "util/hash.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

enum { MAX_DEPTH = 16, DEFAULT_MAX_FILES = 10000, MAX_NOTES = 64, MAX_ELF = 64 };

/* A worker's buffers, reused from one file to the next. */
struct scratch {
    void *buf;
    size_t cap;
    heap_reduce_scratch heap;
    unsigned dump_threads;   /* parser threads for a large dump: 1 when the files
                              * themselves keep every core busy, else 0 (all) */
    const gmx_binary *binary;
};

struct gmx_bundle {
    const char *alias_from, *alias_to;
    gmx_escape_set *escapes; /* from every escape log, merged */
    gmx_artifact *items;
    size_t count, cap, max_files;
    char *notes[MAX_NOTES], *notes_zh[MAX_NOTES];
    size_t nnotes;
    /* Files and folders already walked, by device and inode: a symbolic
     * link back up the tree (sub/up -> ..) or a second name of one dump
     * is read once. */
    struct walked { dev_t dev; ino_t ino; } *walked;
    size_t nwalked, walked_cap;
    gmx_hindex walked_index;
    capture_times times;     /* from the folders' capture indexes */
    /* Regular files found by the walk, read after it, in parallel. */
    struct pending {
        size_t item;
        struct stat st;
        const gmx_bundle_buffer *buffer; /* read from memory, not from item's path */
        bool member;                     /* an archive's member: timed by st as a file is */
        heap_reduced reduced;            /* a heap profile read straight to its sites */
        gmx_profile *profile;
        gmx_arena names;                 /* profile's rewritten names, kept with it */
    } *pending;
    size_t npending, pending_cap;
    unsigned threads;
    struct scratch *scratch; /* one per worker while files are read */
    /* Names the runtime frames of debug=1 profiles: --binary's, or the one
     * executable among the inputs (opened here, own_*). */
    const gmx_binary *binary;
    gmx_binary *own_binary;
    gmx_input *own_binary_input;
    size_t binary_item;      /* the executable's item + 1, when it is one of the inputs */
    heap_series heaps;
    gmx_code merge_rc;       /* the first failure merging what was read */
    /* The members of archives among the inputs, read into memory the
     * bundle owns (each an artifact "ARCHIVE:MEMBER" read as a buffer). */
    struct member { gmx_bundle_buffer buf; char *name; void *data; } **members;
    size_t nmembers, members_cap;
    bool note_failed;        /* out of memory writing a note */
};

/* A note in English and in Chinese, both formats taking the same arguments. */
void gmx_bundle_add_note(gmx_bundle *b, const char *en, const char *zh, ...)
    __attribute__((format(printf, 2, 4), format(printf, 3, 4)));

/* A new artifact at path, at the end of the bundle; NULL when out of memory. */
gmx_artifact *gmx_bundle_add_artifact(gmx_bundle *b, const char *path);

/* Lists a as skipped, with why. */
void gmx_bundle_skip(gmx_artifact *a, const char *reason, const char *reason_zh);

/* Skipped for an error; running out of memory is not a reason to skip a
 * file, and the bundle fails on it. */
void gmx_bundle_skip_error(gmx_artifact *a, const gmx_error *err);

/* Renames a's path when it starts with the alias prefix; false when out of
 * memory. */
bool gmx_bundle_alias(const gmx_bundle *b, gmx_artifact *a);

/* Remembers the last artifact added as a file to read after the walk. */
bool gmx_bundle_pend(gmx_bundle *b, const struct stat *st);

/* Adds what path holds: a file, a folder's files (depth levels down so
 * far), an archive's members; each file to read after the walk. */
gmx_code gmx_bundle_walk(gmx_bundle *b, const char *path, int depth, gmx_error *err);

/* Reads a pending file into its artifact: recognised by its content, parsed
 * into its model, or skipped with why; a worker's scratch reused. */
void gmx_bundle_read_file(gmx_artifact *a, struct pending *p, struct scratch *scratch);

/* The escape sites of a compiler log read, read again into the bundle's
 * set (buf: its bytes when not a file); false when out of memory. */
bool gmx_bundle_merge_escapes(gmx_bundle *b, const gmx_artifact *a, const gmx_bundle_buffer *buf);

/* True when a was read as evidence, not skipped. */
bool gmx_bundle_evidence(const gmx_artifact *a);

/* qsort order of artifacts: evidence first, timed before untimed, by time,
 * then by name. */
int gmx_bundle_by_time_then_path(const void *x, const void *y);

/* Decides which times order the bundle: file times only when they agree
 * with the artifacts' own; heap texts without a time by their last GC. */
void gmx_bundle_settle_times(gmx_bundle *b);

#endif
