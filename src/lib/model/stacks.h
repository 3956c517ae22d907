/* A table of distinct stacks: frames (and an optional creator) interned
 * into an arena and looked up by content. Goroutine buckets and heap
 * snapshots both key their entries by stack through it. Lookups hash each
 * frame's file and line (a function is almost always known by where it is)
 * and compare candidates in full, so collisions never merge two stacks. */
#ifndef GMX_MODEL_STACKS_H
#define GMX_MODEL_STACKS_H

#include <stdbool.h>

#include "gomemdx/goroutine.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/intern.h"

typedef struct gmx_stack {
    const gmx_frame *frames;   /* interned copies */
    uint32_t nframes;
    bool has_creator;
    gmx_frame creator;
    uint64_t hash;
} gmx_stack;

typedef struct gmx_stacks {
    gmx_arena arena;
    gmx_interner strings;
    gmx_hindex index;
    gmx_stack *items;
    size_t count, cap;
    /* Frames keep the caller's strings as they are (they outlive the
     * table) instead of interned copies. */
    bool borrow_strings;
} gmx_stacks;

void gmx_stacks_init(gmx_stacks *t, size_t max_bytes);
void gmx_stacks_release(gmx_stacks *t);
/* The index of the stack equal to (frames, creator), or SIZE_MAX. */
size_t gmx_stacks_find(const gmx_stacks *t, const gmx_frame *frames, uint32_t n,
                       const gmx_frame *creator);
/* Like find, adding the stack when absent (*added tells). SIZE_MAX when out
 * of memory or past the arena's maximum. creator may be NULL. */
size_t gmx_stacks_intern(gmx_stacks *t, const gmx_frame *frames, uint32_t n,
                         const gmx_frame *creator, bool *added);
/* Like intern, for a stack of another table (its hash is reused: both
 * tables hash alike). */
size_t gmx_stacks_intern_stack(gmx_stacks *t, const gmx_stack *s, bool *added);
/* find and intern in two steps with one hash, for a caller that decides
 * between them (a table full up): the hash of the stack, the index of the
 * stack equal to it or SIZE_MAX, and adding one that find did not find
 * (SIZE_MAX when out of memory). */
uint64_t gmx_stacks_hash(const gmx_frame *frames, uint32_t n, const gmx_frame *creator);
size_t gmx_stacks_find_hashed(const gmx_stacks *t, uint64_t h, const gmx_frame *frames,
                              uint32_t n, const gmx_frame *creator);
size_t gmx_stacks_add_hashed(gmx_stacks *t, uint64_t h, const gmx_frame *frames, uint32_t n,
                             const gmx_frame *creator);
/* The hash of one frame, and gmx_stacks_hash of a stack without a creator
 * from its frames' hashes: a caller that meets the same frames in many
 * stacks hashes each once. */
uint64_t gmx_stacks_frame_hash(const gmx_frame *f);
/* The same from the hash of the frame's place (gmx_stacks_place_hash):
 * one file's frames need it hashed once. */
uint64_t gmx_stacks_frame_hash_from(uint64_t file_hash, uint32_t line);
/* The hash of where a frame is: its file's, or its function's when it has
 * no file. */
uint64_t gmx_stacks_place_hash(gmx_str file, gmx_str func);
uint64_t gmx_stacks_hash_from(const uint64_t *frame_hashes, uint32_t n);
/* Like find, for a stack of another table. */
size_t gmx_stacks_find_stack(const gmx_stacks *t, const gmx_stack *s);
/* Interns one string into the table's arena ({NULL, 0} when out of memory). */
gmx_str gmx_stacks_intern_str(gmx_stacks *t, gmx_str s);
/* src[0 .. n) interned into dst at once (gmx_intern_many); false when out
 * of memory. */
bool gmx_stacks_intern_strs(gmx_stacks *t, const gmx_str *src, size_t n, gmx_str *dst);

#endif
