/* Source files named by a profile, found the way `go tool pprof -list`
 * finds them (its -source_path and -trim_path), and read as lines. */
#ifndef GOMEMDX_SOURCE_H
#define GOMEMDX_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/str.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where to look: search is a ':'-separated list of directories (pprof's
 * -source_path; NULL or "" = the current directory); trim a ':'-separated
 * list of path prefixes to remove from the profile's paths (pprof's
 * -trim_path; NULL or "" = guess from the search directories' names). */
typedef struct gmx_source_path {
    const char *search;
    const char *trim;
} gmx_source_path;

/* pprof's trimPath: path without the first trim prefix it starts with
 * (or, with no trim given, without everything up to "/<base of a search
 * dir>/"), else path itself. Always a suffix of path. */
gmx_str gmx_source_trim(gmx_str path, const gmx_source_path *sp);

/* Go's filepath.Clean of path, into out (at least path.n + 2 bytes). */
gmx_str gmx_source_clean(gmx_str path, char *out);

typedef struct gmx_source_file gmx_source_file;

/* Largest source file read (bigger ones are not source). */
#define GMX_SOURCE_MAX_BYTES ((size_t)64 << 20)

/* Finds path as pprof's openSourceFile does: trimmed, then as is when it is
 * absolute, else under each search directory and each of its parents.
 * GMX_EIO with pprof's message ("could not find file X on path Y") when it
 * is nowhere. */
gmx_code gmx_source_open(gmx_str path, const gmx_source_path *sp, gmx_source_file **out,
                         gmx_error *err);
void gmx_source_free(gmx_source_file *f);
/* Line lineno (1-based) without its line ending, like bufio.Scanner;
 * false past the end. */
bool gmx_source_line(const gmx_source_file *f, int64_t lineno, gmx_str *line);

/* How a renderer reaches source text without doing I/O itself: line
 * lineno (1-based) of file into *text. Returns 1, 0 past the file's end,
 * -1 when the file cannot be read, with why (a message valid as long as
 * the reader), or -2 when out of memory (the rendering fails). */
typedef struct gmx_source_lines {
    void *ctx;
    int (*line)(void *ctx, gmx_str file, int64_t lineno, gmx_str *text, const char **why);
} gmx_source_lines;

/* The source files of one rendering, each found and read once however
 * many functions it holds (pprof's sourceReader caches them too), and the
 * error of each one that could not be. */
typedef struct gmx_source_cache gmx_source_cache;
gmx_source_cache *gmx_source_cache_new(const gmx_source_path *sp);   /* NULL: out of memory */
void gmx_source_cache_free(gmx_source_cache *c);
/* The cache as a renderer's source of lines. */
gmx_source_lines gmx_source_cache_lines(gmx_source_cache *c);

#ifdef __cplusplus
}
#endif

#endif
