/* A flame graph's tree: stacks (root first) merged into nodes that add up
 * their values, written as flat JSON (parents before children) so that no
 * stack depth can exceed the JSON writer's nesting limit. Each node keeps
 * the value of every kind that passed through it (the wait category of the
 * goroutines), and the value that is marked (leaked goroutines). Memory is
 * bounded by max_nodes: past it, a stack's value stays on the deepest node
 * it already reached. */
#ifndef GMX_REPORT_FLAME_H
#define GMX_REPORT_FLAME_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/str.h"
#include "util/json.h"

#define GMX_FLAME_MAX_KINDS 12
#define GMX_FLAME_DEFAULT_MAX_NODES 50000

typedef struct gmx_flame gmx_flame;

/* root_name names the root ("all goroutines"); kinds names the kinds, at
 * most GMX_FLAME_MAX_KINDS (NULL and 0 when there are none). Names must
 * outlive the flame. NULL when out of memory. */
gmx_flame *gmx_flame_new(const char *root_name, const char *const *kinds, unsigned nkinds,
                         size_t max_nodes);
void gmx_flame_free(gmx_flame *f);

/* Adds value along names[0..n-1], root side first; marked of it is marked,
 * and rank (0 = none) names the finding that marked the stack's last node.
 * Names are borrowed. Out of memory is sticky (gmx_flame_failed). */
void gmx_flame_add(gmx_flame *f, const gmx_str *names, uint32_t n, int64_t value, unsigned kind,
                   int64_t marked, uint32_t rank);
bool gmx_flame_failed(const gmx_flame *f);

/* {"unit", "label", "kinds": [...], "nodes": [[parent, name, value, kind,
 * marked, rank], ...]}: node 0 is the root (parent -1), kind is the index of
 * the kind with the most value, nodes with a value <= 0 are left out. */
void gmx_flame_json(const gmx_flame *f, const char *unit, const char *label, gmx_json *j);

#endif
