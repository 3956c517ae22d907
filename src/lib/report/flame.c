#include "report/flame.h"

#include <string.h>

#include "util/alloc.h"
#include "util/hash.h"
#include "util/str.h"

typedef struct flame_node {
    uint32_t parent;
    gmx_str name;
    int64_t value, marked;
    uint32_t rank;
    int64_t by_kind[GMX_FLAME_MAX_KINDS];
} flame_node;

struct gmx_flame {
    const char *const *kinds;
    unsigned nkinds;
    flame_node *nodes;
    size_t n, cap, max;
    gmx_hindex children;   /* hash of (parent, name) -> node */
    bool failed;
};

static uint64_t child_hash(uint32_t parent, gmx_str name)
{
    return gmx_hash_mix(gmx_hash_bytes(name.p, name.n, 0x5f1a3e), parent);
}

gmx_flame *gmx_flame_new(const char *root_name, const char *const *kinds, unsigned nkinds,
                         size_t max_nodes)
{
    gmx_flame *f = gmx_calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->kinds = kinds;
    f->nkinds = nkinds < GMX_FLAME_MAX_KINDS ? nkinds : GMX_FLAME_MAX_KINDS;
    f->max = max_nodes ? max_nodes : GMX_FLAME_DEFAULT_MAX_NODES;
    gmx_hindex_init(&f->children);
    f->cap = 64;
    f->nodes = gmx_calloc(f->cap, sizeof(*f->nodes));
    if (!f->nodes) {
        gmx_free(f);
        return NULL;
    }
    f->nodes[0].parent = UINT32_MAX;
    f->nodes[0].name = (gmx_str){ root_name, strlen(root_name) };
    f->n = 1;
    return f;
}

void gmx_flame_free(gmx_flame *f)
{
    if (!f)
        return;
    gmx_hindex_release(&f->children);
    gmx_free(f->nodes);
    gmx_free(f);
}

bool gmx_flame_failed(const gmx_flame *f)
{
    return f->failed;
}

/* The child of parent named name, made when missing; parent itself when
 * the node budget is spent or memory runs out. */
static uint32_t child(gmx_flame *f, uint32_t parent, gmx_str name)
{
    uint64_t h = child_hash(parent, name);
    for (size_t s = gmx_hindex_first(&f->children, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&f->children, h, s)) {
        const flame_node *c = &f->nodes[f->children.values[s]];
        if (c->parent == parent && gmx_str_eq(c->name, name))
            return f->children.values[s];
    }
    if (f->n >= f->max || f->failed)
        return parent;
    if (f->n == f->cap) {
        flame_node *grown = gmx_realloc(f->nodes, f->cap * 2 * sizeof(*grown));
        if (!grown) {
            f->failed = true;
            return parent;
        }
        f->nodes = grown;
        f->cap *= 2;
    }
    uint32_t id = (uint32_t)f->n;
    if (gmx_hindex_insert(&f->children, h, id) != 0) {
        f->failed = true;
        return parent;
    }
    memset(&f->nodes[id], 0, sizeof(f->nodes[id]));
    f->nodes[id].parent = parent;
    f->nodes[id].name = name;
    f->n++;
    return id;
}

static void credit(flame_node *node, int64_t value, unsigned kind, int64_t marked)
{
    node->value += value;
    node->marked += marked;
    node->by_kind[kind] += value;
}

void gmx_flame_add(gmx_flame *f, const gmx_str *names, uint32_t n, int64_t value, unsigned kind,
                   int64_t marked, uint32_t rank)
{
    if (kind >= GMX_FLAME_MAX_KINDS)
        kind = 0;
    uint32_t at = 0;
    credit(&f->nodes[0], value, kind, marked);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t next = child(f, at, names[i]);
        if (next == at)
            break;
        at = next;
        credit(&f->nodes[at], value, kind, marked);
    }
    if (rank && (!f->nodes[at].rank || rank < f->nodes[at].rank))
        f->nodes[at].rank = rank;
}

static unsigned main_kind(const flame_node *node, unsigned nkinds)
{
    unsigned best = 0;
    for (unsigned k = 1; k < nkinds; k++)
        if (node->by_kind[k] > node->by_kind[best])
            best = k;
    return best;
}

void gmx_flame_json(const gmx_flame *f, const char *unit, const char *label, gmx_json *j)
{
    gmx_json_object_begin(j);
    gmx_json_key(j, "unit");
    gmx_json_cstring(j, unit);
    gmx_json_key(j, "label");
    gmx_json_cstring(j, label);
    gmx_json_key(j, "kinds");
    gmx_json_array_begin(j);
    for (unsigned k = 0; k < f->nkinds; k++)
        gmx_json_cstring(j, f->kinds[k]);
    gmx_json_array_end(j);
    /* Nodes are numbered anew without the ones left out; a node is always
     * made after its parent, so one pass in order keeps parents first. */
    uint32_t *renumber = gmx_malloc(f->n * sizeof(*renumber));
    if (!renumber) {
        j->out->failed = 1;
        gmx_json_object_end(j);
        return;
    }
    gmx_json_key(j, "nodes");
    gmx_json_array_begin(j);
    uint32_t written = 0;
    for (size_t i = 0; i < f->n; i++) {
        const flame_node *node = &f->nodes[i];
        bool keep = i == 0 || (node->value > 0 && renumber[node->parent] != UINT32_MAX);
        renumber[i] = keep ? written++ : UINT32_MAX;
        if (!keep)
            continue;
        gmx_json_array_begin(j);
        gmx_json_int(j, i == 0 ? -1 : (int64_t)renumber[node->parent]);
        gmx_json_string(j, node->name);
        gmx_json_int(j, node->value > 0 ? node->value : 0);
        gmx_json_uint(j, main_kind(node, f->nkinds));
        gmx_json_int(j, node->marked > 0 ? node->marked : 0);
        gmx_json_uint(j, node->rank);
        gmx_json_array_end(j);
    }
    gmx_json_array_end(j);
    gmx_free(renumber);
    gmx_json_object_end(j);
}
