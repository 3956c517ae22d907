/* ELF through libelf over bytes already in memory (elf_memory): libelf
 * checks the header tables against the image size; what it hands back
 * (offsets, sizes) is checked again here before the bytes are touched. */
#include "core/elf_file.h"
#include "util/alloc.h"
#include "util/compression.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/reg.h>

enum { MAX_SEGMENTS = 1 << 20, MAX_THREADS = 1 << 16 };

static bool in_file(const elf_file *f, uint64_t off, uint64_t n)
{
    return off <= f->len && n <= f->len - off;
}

static int by_vaddr(const void *x, const void *y)
{
    const elf_segment *a = x, *b = y;
    return a->vaddr < b->vaddr ? -1 : a->vaddr > b->vaddr;
}

/* The segment with the highest start at or below vaddr, or NULL: a core of
 * several GB has thousands of segments and a walk reads millions of words. */
static const elf_segment *segment_of(const elf_file *f, uint64_t vaddr)
{
    size_t lo = 0, hi = f->nsegs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->segs[mid].vaddr <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &f->segs[lo - 1] : NULL;
}

static gmx_code load_segments(elf_file *f, gmx_error *err)
{
    size_t n = 0;
    if (elf_getphdrnum(f->elf, &n) != 0 || n > MAX_SEGMENTS)
        return gmx_error_set(err, GMX_EFORMAT, "%s: unreadable ELF program headers (%s)", f->name,
                             elf_errmsg(-1));
    f->segs = gmx_calloc(n ? n : 1, sizeof(*f->segs));
    if (!f->segs)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f->elf, (int)i, &ph))
            return gmx_error_set(err, GMX_EFORMAT, "%s: program header %zu is unreadable", f->name,
                                 i);
        if (ph.p_type != PT_LOAD)
            continue;
        elf_segment s = { ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz };
        if (s.filesz > s.memsz)
            s.filesz = s.memsz;
        if (s.filesz && s.offset + s.filesz > f->needed && s.offset + s.filesz >= s.offset)
            f->needed = s.offset + s.filesz;
        if (!in_file(f, s.offset, s.filesz)) /* a truncated core keeps what it has */
            s.filesz = s.offset < f->len ? f->len - s.offset : 0;
        f->segs[f->nsegs++] = s;
    }
    qsort(f->segs, f->nsegs, sizeof(*f->segs), by_vaddr);
    return GMX_OK;
}

gmx_code gmx_elf_file_open(elf_file *f, const char *name, const void *data, size_t len, bool copy,
                       gmx_error *err)
{
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->data = data;
    f->len = len;
    const char *packed = gmx_compression_of(data, len);
    if (packed)
        return gmx_error_set(err, GMX_EFORMAT, "%s: compressed with %s: decompress it first (a core "
                             "or an executable is read in place, mapped)", name, packed);
    if (len < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
        return gmx_error_set(err, GMX_EFORMAT, "%s: not an ELF file", name);
    const uint8_t *id = data;
    if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB)
        return gmx_error_set(err, GMX_EFORMAT, "%s: not a 64-bit little-endian ELF file", name);
    if (copy) {
        if (!(f->copy = gmx_malloc(len)))
            return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
        memcpy(f->copy, data, len);
        f->data = data = f->copy;
    }
    elf_version(EV_CURRENT);
    /* libelf reads the image in place; it writes only when converting byte
     * order, which a little-endian file on x86-64 never needs */
    f->elf = elf_memory((char *)(uintptr_t)data, len);
    GElf_Ehdr eh;
    if (!f->elf || !gelf_getehdr(f->elf, &eh))
        return gmx_error_set(err, GMX_EFORMAT, "%s: unreadable ELF header (%s)", name,
                             elf_errmsg(-1));
    if (eh.e_machine != EM_X86_64)
        return gmx_error_set(err, GMX_EFORMAT, "%s: ELF machine %u is not x86-64", name,
                             (unsigned)eh.e_machine);
    f->type = eh.e_type;
    return load_segments(f, err);
}

void gmx_elf_file_release(elf_file *f)
{
    if (f->elf)
        elf_end(f->elf);
    gmx_free(f->segs);
    gmx_free(f->copy);
    memset(f, 0, sizeof(*f));
}

static Elf_Scn *find_section(const elf_file *f, const char *name, GElf_Shdr *sh)
{
    size_t strndx;
    if (elf_getshdrstrndx(f->elf, &strndx) != 0)
        return NULL;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(f->elf, scn));) {
        const char *n;
        if (gelf_getshdr(scn, sh) && (n = elf_strptr(f->elf, strndx, sh->sh_name)) &&
            strcmp(n, name) == 0)
            return scn;
    }
    return NULL;
}

bool gmx_elf_file_section(const elf_file *f, const char *name, uint64_t *addr, gmx_str *bytes)
{
    GElf_Shdr sh;
    if (!find_section(f, name, &sh))
        return false;
    uint64_t size = sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size;
    if (!in_file(f, sh.sh_offset, size))
        return false;
    *addr = sh.sh_addr;
    *bytes = (gmx_str){ (const char *)f->data + sh.sh_offset, (size_t)size };
    return true;
}

bool gmx_elf_file_has_symtab(const elf_file *f)
{
    GElf_Shdr sh;
    return find_section(f, ".symtab", &sh) != NULL;
}

/* The symbol table's data and its entry count, or NULL when it is absent
 * or lies outside the file. The count is what the section's bytes hold,
 * not what its header claims: a damaged header can claim billions. */
static Elf_Data *symtab(const elf_file *f, GElf_Shdr *sh, size_t *n)
{
    Elf_Scn *scn = find_section(f, ".symtab", sh);
    Elf_Data *d = scn && sh->sh_type == SHT_SYMTAB && in_file(f, sh->sh_offset, sh->sh_size)
                      ? elf_getdata(scn, NULL)
                      : NULL;
    size_t entsize = gelf_fsize(f->elf, ELF_T_SYM, 1, EV_CURRENT);
    if (!d || !d->d_buf || !entsize)
        return NULL;
    *n = d->d_size / entsize;
    return d;
}

bool gmx_elf_file_symbol(const elf_file *f, const char *name, uint64_t *value, uint64_t *size)
{
    GElf_Shdr sh;
    size_t n;
    Elf_Data *d = symtab(f, &sh, &n);
    if (!d)
        return false;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym sym;
        const char *s;
        if (gelf_getsym(d, (int)i, &sym) && (s = elf_strptr(f->elf, sh.sh_link, sym.st_name)) &&
            strcmp(s, name) == 0) {
            *value = sym.st_value;
            *size = sym.st_size;
            return true;
        }
    }
    return false;
}

static int by_value(const void *a, const void *b)
{
    const elf_symbol *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : 0;
}

gmx_code gmx_elf_file_symbols_in(const elf_file *f, uint64_t lo, uint64_t hi, elf_symbol **out,
                                 size_t *count, gmx_error *err)
{
    *out = NULL;
    *count = 0;
    GElf_Shdr sh;
    size_t n, k = 0, cap = 0;
    Elf_Data *d = symtab(f, &sh, &n);
    if (!d)
        return GMX_OK;
    elf_symbol *v = NULL;
    for (size_t i = 0; i < n; i++) {
        GElf_Sym sym;
        const char *s;
        if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_OBJECT ||
            sym.st_value < lo || sym.st_value >= hi ||
            !(s = elf_strptr(f->elf, sh.sh_link, sym.st_name)) || !*s)
            continue;
        if (gmx_array_reserve((void **)&v, &cap, k, sizeof(*v)) != 0) {
            gmx_free(v);
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
        }
        v[k++] = (elf_symbol){ sym.st_value, sym.st_size, s };
    }
    if (k)
        qsort(v, k, sizeof(*v), by_value);
    *out = v;
    *count = k;
    return GMX_OK;
}

const uint8_t *gmx_elf_file_at(const elf_file *f, uint64_t vaddr, uint64_t n)
{
    size_t avail;
    const uint8_t *p = gmx_elf_file_span(f, vaddr, &avail);
    return p && n <= avail ? p : NULL;
}

const uint8_t *gmx_elf_file_span(const elf_file *f, uint64_t vaddr, size_t *n)
{
    const elf_segment *s = segment_of(f, vaddr);
    if (!s || vaddr - s->vaddr >= s->filesz)
        return NULL;
    *n = (size_t)(s->filesz - (vaddr - s->vaddr));
    return f->data + s->offset + (vaddr - s->vaddr);
}

bool gmx_elf_file_maps(const elf_file *f, uint64_t vaddr)
{
    const elf_segment *s = segment_of(f, vaddr);
    return s && vaddr - s->vaddr < s->memsz;
}

/* Calls fn on each note of the segments (core) or sections (executable)
 * of type SHT_NOTE / PT_NOTE until it returns true. */
typedef bool (*note_fn)(void *ctx, const GElf_Nhdr *nh, const char *owner, const uint8_t *desc);

static bool walk_notes(Elf_Data *d, note_fn fn, void *ctx)
{
    GElf_Nhdr nh;
    size_t name_off, desc_off;
    for (size_t off = 0, next;
         d && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0; off = next) {
        const char *owner = (const char *)d->d_buf + name_off;
        if (nh.n_namesz == 0 || owner[nh.n_namesz - 1] != '\0')
            owner = "";
        if (fn(ctx, &nh, owner, (const uint8_t *)d->d_buf + desc_off))
            return true;
    }
    return false;
}

typedef struct id_search {
    const char *owner;
    uint32_t type;
    gmx_str *id;
} id_search;

static bool match_id(void *ctx, const GElf_Nhdr *nh, const char *owner, const uint8_t *desc)
{
    id_search *s = ctx;
    if (nh->n_type != s->type || strcmp(owner, s->owner) != 0 || nh->n_descsz == 0)
        return false;
    *s->id = (gmx_str){ (const char *)desc, nh->n_descsz };
    return true;
}

bool gmx_elf_file_build_id(const elf_file *f, const char *owner, uint32_t type, gmx_str *id)
{
    id_search s = { owner, type, id };
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(f->elf, scn));) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE &&
            walk_notes(elf_getdata(scn, NULL), match_id, &s))
            return true;
    }
    return false;
}

typedef struct thread_list {
    core_thread *v;
    size_t n, cap;
    bool nomem;
} thread_list;

static bool add_thread(void *ctx, const GElf_Nhdr *nh, const char *owner, const uint8_t *desc)
{
    thread_list *l = ctx;
    struct elf_prstatus st;
    if (nh->n_type != NT_PRSTATUS || strcmp(owner, "CORE") != 0 || nh->n_descsz < sizeof(st))
        return false;
    if (l->n >= MAX_THREADS)
        return true;
    if (gmx_array_reserve((void **)&l->v, &l->cap, l->n, sizeof(*l->v)) != 0) {
        l->nomem = true;
        return true;
    }
    memcpy(&st, desc, sizeof(st));
    l->v[l->n++] = (core_thread){ (uint32_t)st.pr_pid, st.pr_cursig, st.pr_reg[RIP],
                                  st.pr_reg[RSP] };
    return false;
}

gmx_code gmx_elf_core_threads(const elf_file *f, core_thread **out, size_t *n, gmx_error *err)
{
    thread_list l = { 0 };
    size_t nph = 0;
    elf_getphdrnum(f->elf, &nph);
    for (size_t i = 0; i < nph && i < MAX_SEGMENTS; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(f->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
            continue;
        if (!in_file(f, ph.p_offset, ph.p_filesz)) {
            gmx_free(l.v);
            return gmx_error_set(err, GMX_EFORMAT, "%s: the core's notes are cut off (truncated core)",
                                 f->name);
        }
        Elf_Data *d = elf_getdata_rawchunk(f->elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
        walk_notes(d, add_thread, &l);
    }
    if (l.nomem) {
        gmx_free(l.v);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    *out = l.v;
    *n = l.n;
    return GMX_OK;
}
