/*
 * Firmware ELF loading: the file is checked by hand up to its header tables, then read with
 * libelf; its segments are extracted with every offset and size checked (the tables inside
 * it, symbols, sections, .ARM.attributes and the board note, are elf_tables.c's). Also the
 * lookups by name and address, and the core/architecture compatibility rules.
 */
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/util.h"
#include "sim/board.h"
#include "sim/elf.h"
#include "sim/elf_int.h"


#define ELF32_EHDR_SIZE 52u
#define ELF32_PHDR_SIZE 32u
#define ELF32_SHDR_SIZE 40u

/* ===================================================================== helpers */

/* Set *cause to "NAME: message"; returns -1. */
int elf_fail(pstate *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = mu_vasprintf(fmt, ap);
    va_end(ap);
    *st->cause = mu_asprintf("%s: %s", st->name, m);
    free(m);
    return -1;
}

/* A libelf failure, with libelf's own words. */
int elf_fail_libelf(pstate *st, const char *what)
{
    const char *m = elf_errmsg(-1);
    return elf_fail(st, "%s: %s (libelf); the file is corrupt or not a linked ELF", what,
                m ? m : "unknown error");
}

static uint16_t rd16(const uint8_t *p, int msb)
{
    return msb ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

uint32_t elf_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Append a string of n bytes (plus NUL) to the name pool; its offset, or -1 when the pool
 * would pass MAX_POOL. */
long elf_pool_add(pstate *st, const char *s, size_t n)
{
    if (st->pool_len + n + 1 > MAX_POOL)
        return -1;
    if (st->pool_len + n + 1 > st->pool_cap) {
        size_t cap = st->pool_cap ? st->pool_cap : 4096;
        while (cap < st->pool_len + n + 1)
            cap *= 2;
        char *p = realloc(st->pool, cap);
        if (p == NULL)
            return -1;
        st->pool = p;
        st->pool_cap = cap;
    }
    memcpy(st->pool + st->pool_len, s, n);
    st->pool[st->pool_len + n] = '\0';
    long off = (long)st->pool_len;
    st->pool_len += n + 1;
    return off;
}

static const char *machine_name(unsigned m)
{
    switch (m) {
    case 0: return "none";
    case 2: return "SPARC";
    case 3: return "x86 (i386)";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 22: return "S/390";
    case 40: return "Arm";
    case 62: return "x86-64";
    case 83: return "AVR";
    case 94: return "Xtensa";
    case 105: return "MSP430";
    case 183: return "AArch64";
    case 243: return "RISC-V";
    default: return NULL;
    }
}

/* "x86-64", or "number 1234" in buf. */
static const char *machine_desc(unsigned m, char *buf, size_t n)
{
    const char *s = machine_name(m);
    if (s)
        return s;
    snprintf(buf, n, "number %u", m);
    return buf;
}

/* ===================================================================== header checks */

/*
 * Checks made before libelf sees the file: identity (magic, class, byte order, machine,
 * type) for messages that say what the file is, and the header tables' bounds, so that
 * libelf only ever reads tables that lie inside the file.
 */
static int check_header(pstate *st, const uint8_t *f, size_t size)
{
    char mb[32];
    if (size == 0)
        return elf_fail(st, "empty file (0 bytes); expected a firmware ELF built with "
                        "arm-none-eabi-gcc");
    if (size < 4 || memcmp(f, ELFMAG, SELFMAG) != 0) {
        size_t n = size < 64 ? size : 64, text = 0;
        for (size_t i = 0; i < n; i++) {
            if ((f[i] >= 0x20 && f[i] < 0x7f) || f[i] == '\n' || f[i] == '\r' || f[i] == '\t')
                text++;
        }
        if (text == n)
            return elf_fail(st, "not an ELF file (it looks like text); expected a firmware ELF "
                            "built with arm-none-eabi-gcc");
        return elf_fail(st, "not an ELF file (no ELF magic number at the start); expected a "
                        "firmware ELF built with arm-none-eabi-gcc");
    }
    if (size < EI_NIDENT)
        return elf_fail(st, "truncated ELF header (%zu of %u bytes)", size, ELF32_EHDR_SIZE);
    int msb = f[EI_DATA] == ELFDATA2MSB;
    if (f[EI_CLASS] == ELFCLASS64) {
        const char *m = size >= 20 ? machine_desc(rd16(f + 18, msb), mb, sizeof mb) : "unknown";
        return elf_fail(st, "64-bit ELF (ELFCLASS64, machine %s); tinysim runs 32-bit Arm "
                        "Cortex-M firmware: build it with arm-none-eabi-gcc", m);
    }
    if (f[EI_CLASS] != ELFCLASS32)
        return elf_fail(st, "unknown ELF class %u (expected 1, 32-bit)", f[EI_CLASS]);
    if (f[EI_DATA] == ELFDATA2MSB)
        return elf_fail(st, "big-endian ELF; Cortex-M firmware is little-endian: build it with "
                        "arm-none-eabi-gcc without -mbig-endian");
    if (f[EI_DATA] != ELFDATA2LSB)
        return elf_fail(st, "unknown ELF data encoding %u (expected 1, little-endian)", f[EI_DATA]);
    if (size < ELF32_EHDR_SIZE)
        return elf_fail(st, "truncated ELF header (%zu of %u bytes)", size, ELF32_EHDR_SIZE);
    unsigned machine = rd16(f + 18, 0), type = rd16(f + 16, 0);
    if (machine != EM_ARM)
        return elf_fail(st, "not an ARM ELF (machine %s); build the firmware with arm-none-eabi-gcc",
                    machine_desc(machine, mb, sizeof mb));
    if (type == ET_REL)
        return elf_fail(st, "a relocatable object (ET_REL), not a linked executable: link it with "
                        "the board's linker script (arm-none-eabi-gcc ... -T board.ld -o fw.elf)");
    if (type == ET_DYN)
        return elf_fail(st, "a shared object or position-independent executable (ET_DYN); "
                        "firmware must be a statically linked executable (ET_EXEC)");
    if (type != ET_EXEC)
        return elf_fail(st, "ELF type %u is not an executable (ET_EXEC)", type);
    if (f[EI_VERSION] != EV_CURRENT || elf_rd32(f + 20) != EV_CURRENT)
        return elf_fail(st, "unknown ELF version %u", f[EI_VERSION]);

    uint32_t phoff = elf_rd32(f + 28), shoff = elf_rd32(f + 32);
    unsigned phentsize = rd16(f + 42, 0), phnum = rd16(f + 44, 0);
    unsigned shentsize = rd16(f + 46, 0), shnum = rd16(f + 48, 0), shstrndx = rd16(f + 50, 0);
    if (phnum == 0)
        return elf_fail(st, "no program headers, so nothing to load; is it a linked firmware "
                        "image?");
    if (phnum == PN_XNUM)
        return elf_fail(st, "too many program headers (extended numbering)");
    if (phentsize != ELF32_PHDR_SIZE)
        return elf_fail(st, "program header entry size %u (expected %u): corrupt ELF header",
                    phentsize, ELF32_PHDR_SIZE);
    if (phoff > size || (uint64_t)phnum * ELF32_PHDR_SIZE > size - phoff)
        return elf_fail(st, "program header table (offset 0x%x, %u entries) extends past the end "
                        "of the file (%zu bytes): the file is truncated or corrupt",
                    phoff, phnum, size);
    if (shoff == 0)
        return 0; /* no section headers: loadable, no symbols */
    if (shentsize != ELF32_SHDR_SIZE)
        return elf_fail(st, "section header entry size %u (expected %u): corrupt ELF header",
                    shentsize, ELF32_SHDR_SIZE);
    if (shoff > size || size - shoff < ELF32_SHDR_SIZE)
        return elf_fail(st, "section header table (offset 0x%x) is past the end of the file "
                        "(%zu bytes): the file is truncated or corrupt", shoff, size);
    uint64_t n = shnum ? shnum : elf_rd32(f + shoff + 20); /* extended: section 0's sh_size */
    if (n > SIM_ELF_MAX_SECTIONS)
        return elf_fail(st, "%llu sections, more than the %u tinysim reads", (unsigned long long)n,
                    SIM_ELF_MAX_SECTIONS);
    if (n * ELF32_SHDR_SIZE > size - shoff)
        return elf_fail(st, "section header table (offset 0x%x, %llu entries) extends past the "
                        "end of the file (%zu bytes): the file is truncated or corrupt",
                    shoff, (unsigned long long)n, size);
    uint64_t strndx = shstrndx == SHN_XINDEX ? elf_rd32(f + shoff + 24) : shstrndx;
    if (n > 0 && strndx >= n)
        return elf_fail(st, "section name table index %llu is out of range (%llu sections)",
                    (unsigned long long)strndx, (unsigned long long)n);
    /* Every section's contents inside the file. */
    for (uint64_t i = 1; i < n; i++) {
        const uint8_t *sh = f + shoff + i * ELF32_SHDR_SIZE;
        uint32_t type_i = elf_rd32(sh + 4), off = elf_rd32(sh + 16), sz = elf_rd32(sh + 20);
        if (type_i != SHT_NOBITS && type_i != SHT_NULL && (off > size || sz > size - off))
            return elf_fail(st, "section %llu (file offset 0x%x, %u bytes) extends past the end "
                            "of the file (%zu bytes): the file is truncated or corrupt",
                        (unsigned long long)i, off, sz, size);
    }
    return 0;
}

/* ===================================================================== segments */

/* One memory range a segment occupies: where it runs ([vaddr, +memsz)), or where its file
 * bytes are loaded ([paddr, +filesz)) when that is elsewhere (.data's image in flash). */
typedef struct {
    uint32_t lo, n;   /* [lo, lo + n), n > 0 */
    uint32_t seg;     /* index into e->segs */
    int load;         /* 1: the load image, 0: the run range */
} seg_range;

/* "load address 0x08001f28-0x08001f8b" or "run address 0x20000000-0x20000063 (loaded from
 * 0x08001f28)" for a range of segment g. */
static void range_desc(const seg_range *r, const sim_segment *g, char *buf, size_t n)
{
    uint32_t hi = r->lo + (r->n - 1);
    if (r->load)
        snprintf(buf, n, "its load image at 0x%08x-0x%08x (run address 0x%08x)", r->lo, hi,
                 g->vaddr);
    else if (g->vaddr != g->paddr && g->filesz)
        snprintf(buf, n, "run address 0x%08x-0x%08x (loaded from 0x%08x)", r->lo, hi, g->paddr);
    else
        snprintf(buf, n, "%s 0x%08x-0x%08x", g->filesz ? "load and run address" : "run address",
                 r->lo, hi);
}

/*
 * No two PT_LOAD segments may occupy the same bytes of target memory, where they run or where
 * their file contents are loaded: an overlap means one silently overwrites the other (a
 * corrupt file, or a linker script with overlapping sections). phdr[i] is segment i's program
 * header index, for messages.
 */
static int check_overlaps(pstate *st, const uint32_t *phdr)
{
    const sim_elf *e = st->e;
    seg_range r[2 * SIM_ELF_MAX_SEGMENTS];
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->n_segs; i++) {
        const sim_segment *g = &e->segs[i];
        if (g->memsz)
            r[n++] = (seg_range){g->vaddr, g->memsz, i, 0};
        if (g->filesz && g->paddr != g->vaddr)
            r[n++] = (seg_range){g->paddr, g->filesz, i, 1};
    }
    for (uint32_t a = 0; a < n; a++) {
        for (uint32_t b = a + 1; b < n; b++) {
            if (r[a].seg == r[b].seg || (uint64_t)r[a].lo >= (uint64_t)r[b].lo + r[b].n ||
                (uint64_t)r[b].lo >= (uint64_t)r[a].lo + r[a].n)
                continue;
            char da[128], db[128];
            range_desc(&r[a], &e->segs[r[a].seg], da, sizeof da);
            range_desc(&r[b], &e->segs[r[b].seg], db, sizeof db);
            return elf_fail(st, "segments %u and %u overlap: segment %u: %s; segment %u: %s; one "
                            "would overwrite the other (a corrupt file, or a linker script "
                            "that places two sections at the same addresses)",
                        phdr[r[a].seg], phdr[r[b].seg], phdr[r[a].seg], da, phdr[r[b].seg], db);
        }
    }
    return 0;
}

static int read_segments(pstate *st, Elf *elf, size_t size)
{
    uint32_t phdr[SIM_ELF_MAX_SEGMENTS];
    sim_elf *e = st->e;
    size_t phnum;
    int have_data = 0;
    if (elf_getphdrnum(elf, &phnum) != 0)
        return elf_fail_libelf(st, "cannot read the program headers");
    e->segs = calloc(SIM_ELF_MAX_SEGMENTS, sizeof *e->segs);
    if (e->segs == NULL)
        return elf_fail(st, "out of memory");
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return elf_fail_libelf(st, "cannot read a program header");
        if (ph.p_type != PT_LOAD || (ph.p_filesz == 0 && ph.p_memsz == 0))
            continue;
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            return elf_fail(st, "segment %zu (PT_LOAD, file offset 0x%llx, %llu bytes) extends past "
                            "the end of the file (%zu bytes): the file is truncated or corrupt",
                        i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz,
                        size);
        if (ph.p_filesz > ph.p_memsz)
            return elf_fail(st, "segment %zu has %llu bytes in the file but only %llu in memory: "
                            "corrupt program header", i, (unsigned long long)ph.p_filesz,
                        (unsigned long long)ph.p_memsz);
        if (ph.p_paddr + ph.p_memsz > 0x100000000ull || ph.p_vaddr + ph.p_memsz > 0x100000000ull)
            return elf_fail(st, "segment %zu (load address 0x%08llx, run address 0x%08llx, %llu bytes) "
                            "runs past the 4 GiB address space", i,
                        (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_vaddr,
                        (unsigned long long)ph.p_memsz);
        if (e->n_segs == SIM_ELF_MAX_SEGMENTS)
            return elf_fail(st, "more than %u loadable segments", SIM_ELF_MAX_SEGMENTS);
        phdr[e->n_segs] = (uint32_t)i;
        sim_segment *g = &e->segs[e->n_segs++];
        g->paddr = (uint32_t)ph.p_paddr;
        g->vaddr = (uint32_t)ph.p_vaddr;
        g->filesz = (uint32_t)ph.p_filesz;
        g->memsz = (uint32_t)ph.p_memsz;
        g->flags = (uint32_t)ph.p_flags;
        g->data = ph.p_filesz ? e->file + ph.p_offset : NULL;
        have_data |= ph.p_filesz > 0;
    }
    if (!have_data)
        return elf_fail(st, "no loadable contents (no PT_LOAD segment with data in the file); "
                        "link the firmware with a linker script that places code in flash");
    return check_overlaps(st, phdr);
}

/* ===================================================================== open / free */

/* Parse an ELF image that the new sim_elf takes over (file is freed on failure too). */
static sim_elf *parse_owned(uint8_t *file, size_t size, const char *name, char **cause)
{
    pstate st = {.name = name, .cause = cause};
    Elf *elf = NULL;
    sim_elf *e = calloc(1, sizeof *e);
    if (e == NULL) {
        free(file);
        *cause = mu_asprintf("%s: out of memory", name);
        return NULL;
    }
    st.e = e;
    e->file = file;
    e->file_size = size;
    e->cpu_arch = -1;
    e->path = mu_asprintf("%s", name);

    if (size > SIM_ELF_MAX_FILE) {
        elf_fail(&st, "%zu bytes, larger than the %u MiB limit", size, SIM_ELF_MAX_FILE >> 20);
        goto err;
    }
    if (check_header(&st, file, size) != 0)
        goto err;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        elf_fail_libelf(&st, "libelf is unusable");
        goto err;
    }
    elf = elf_memory((char *)file, size);
    if (elf == NULL) {
        elf_fail_libelf(&st, "libelf cannot read it");
        goto err;
    }
    if (elf_kind(elf) != ELF_K_ELF) {
        elf_fail(&st, "libelf does not see an ELF file");
        goto err;
    }
    GElf_Ehdr eh;
    if (gelf_getehdr(elf, &eh) == NULL) {
        elf_fail_libelf(&st, "cannot read the ELF header");
        goto err;
    }
    e->entry = (uint32_t)eh.e_entry;
    if (read_segments(&st, elf, size) != 0 || elf_read_sections(&st, elf) != 0)
        goto err;
    elf_end(elf);
    return e;
err:
    if (elf)
        elf_end(elf);
    free(st.pool);
    sim_elf_free(e);
    return NULL;
}

sim_elf *sim_elf_parse(const uint8_t *data, size_t size, const char *name, char **cause)
{
    if (name == NULL)
        name = "<memory>";
    if (size > SIM_ELF_MAX_FILE) {
        *cause = mu_asprintf("%s: %zu bytes, larger than the %u MiB limit", name, size,
                             SIM_ELF_MAX_FILE >> 20);
        return NULL;
    }
    uint8_t *copy = aligned_alloc(16, (size + 16) & ~(size_t)15);
    if (copy == NULL) {
        *cause = mu_asprintf("%s: out of memory", name);
        return NULL;
    }
    if (size)
        memcpy(copy, data, size);
    return parse_owned(copy, size, name, cause);
}

int sim_elf_open(const char *path, sim_elf **out, char **cause)
{
    uint8_t *data;
    size_t len;
    if (mu_read_file(path, &data, &len, cause) != 0)
        return -1;
    sim_elf *e = parse_owned(data, len, path, cause);
    if (e == NULL)
        return -1;
    *out = e;
    return 0;
}

void sim_elf_free(sim_elf *e)
{
    if (e == NULL)
        return;
    free(e->path);
    free(e->file);
    free(e->segs);
    free(e->syms);
    free(e->exec);
    free(e->alloc);
    free(e->cpu_name);
    free(e->board);
    free(e->pool_);
    free(e->by_name_);
    free(e->funcs_);
    free(e);
}

/* ===================================================================== lookups */

/* The end of a demangled name's qualified part: the '(' of its parameter list at nesting
 * level 0 (templates and "(anonymous namespace)" are inside it), else its end. */
static size_t unparam_len(const char *d)
{
    int angle = 0;
    for (size_t i = 0; d[i]; i++) {
        if (d[i] == '<')
            angle++;
        else if (d[i] == '>' && angle)
            angle--;
        else if (d[i] == '(' && !angle && strncmp(d + i, "(anonymous namespace)", 21) != 0)
            return i;
        else if (d[i] == '(' && !angle)
            i += 20;
    }
    return strlen(d);
}

/* Does symbol y match name by kind k (sim_elf_functions_named's 1..4)? */
static int named(const sim_symbol *y, const char *name, size_t len, int k)
{
    if (k == 1)
        return strcmp(y->name, name) == 0;
    if (k == 2)
        return y->display != y->name && strcmp(y->display, name) == 0;
    size_t n = unparam_len(y->display);
    if (k == 3)
        return y->display != y->name && n == len && strncmp(y->display, name, len) == 0;
    size_t start = 0; /* after the last "::" outside template arguments and parentheses */
    int depth = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        char c = y->display[i];
        depth += c == '<' || c == '(' ? 1 : c == '>' || c == ')' ? -1 : 0;
        if (!depth && c == ':' && y->display[i + 1] == ':')
            start = i + 2;
    }
    return n - start == len && strncmp(y->display + start, name, len) == 0;
}

uint32_t sim_elf_functions_named(const sim_elf *e, const char *name, const sim_symbol **out,
                                 uint32_t max)
{
    size_t len = name ? strlen(name) : 0;
    if (e == NULL || len == 0)
        return 0;
    for (int k = 1; k <= 4; k++) {
        uint32_t n = 0;
        const sim_symbol *prev = NULL;
        for (uint32_t i = 0; i < e->n_syms; i++) {
            const sim_symbol *y = &e->syms[i];
            if (!y->is_func || !named(y, name, len, k))
                continue;
            if (prev && prev->addr == y->addr && strcmp(prev->name, y->name) == 0)
                continue; /* one function listed twice (a symbol and its copy) */
            prev = y;
            if (out && n < max)
                out[n] = y;
            n++;
        }
        if (n)
            return n;
    }
    return 0;
}

const sim_symbol *sim_elf_symbol(const sim_elf *e, const char *name)
{
    if (e == NULL || name == NULL || e->by_name_ == NULL)
        return NULL;
    uint32_t lo = 0, hi = e->n_syms; /* first index whose name is >= name */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(e->syms[e->by_name_[mid]].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < e->n_syms && strcmp(e->syms[e->by_name_[lo]].name, name) == 0)
        return &e->syms[e->by_name_[lo]];
    return NULL;
}

static const sim_section *exec_section_at(const sim_elf *e, uint32_t addr)
{
    for (uint32_t i = 0; i < e->n_exec; i++) {
        if (addr - e->exec[i].addr < e->exec[i].size)
            return &e->exec[i];
    }
    return NULL;
}

const sim_symbol *sim_elf_symbol_at(const sim_elf *e, uint32_t addr, uint32_t *offset)
{
    if (e == NULL || e->n_funcs_ == 0)
        return NULL;
    addr &= ~1u;
    /* k: one past the last function starting at or below addr. */
    uint32_t lo = 0, hi = e->n_funcs_;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (e->syms[e->funcs_[mid]].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    uint32_t last = lo - 1, start = e->syms[e->funcs_[last]].addr, first = last;
    while (first > 0 && e->syms[e->funcs_[first - 1]].addr == start)
        first--;

    const sim_symbol *hit = NULL;
    int any_sized = 0;
    for (uint32_t i = first; i <= last && !hit; i++) {
        const sim_symbol *f = &e->syms[e->funcs_[i]];
        any_sized |= f->size > 0;
        if (f->size > 0 && addr - f->addr < f->size)
            hit = f;
    }
    if (!hit && !any_sized) {
        /* No size: up to the next symbol of any kind, within the same executable section. */
        const sim_symbol *f = &e->syms[e->funcs_[first]];
        uint32_t j = e->funcs_[last] + 1;
        while (j < e->n_syms && e->syms[j].addr == start)
            j++;
        const sim_section *sec = exec_section_at(e, start);
        if ((j == e->n_syms || addr < e->syms[j].addr) && sec && addr - sec->addr < sec->size)
            hit = f;
    }
    /* A sized function that encloses later ones (rare: hand-written assembly). */
    for (uint32_t i = first, steps = 0; !hit && i > 0 && steps < 64; i--, steps++) {
        const sim_symbol *f = &e->syms[e->funcs_[i - 1]];
        if (f->size > 0 && addr - f->addr < f->size)
            hit = f;
    }
    if (hit && offset)
        *offset = addr - hit->addr;
    return hit;
}

/* ===================================================================== architectures */

const char *sim_arch_name(int a)
{
    static const char *const names[] = {
        "pre-v4", "v4",    "v4T",      "v5T",      "v5TE",      "v5TEJ",     "v6",    "v6KZ",
        "v6T2",   "v6K",   "v7",       "v6-M",     "v6S-M",     "v7E-M",     "v8-A",  "v8-R",
        "v8-M.base",       "v8-M.main", "v8.1-A",  "v8.2-A",    "v8.3-A",    "v8.1-M.main",
        "v9-A",
    };
    if (a < 0 || (size_t)a >= sizeof names / sizeof names[0])
        return "unknown";
    return names[a];
}

int sim_core_runs_arch(sim_core core, const sim_elf *e, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    *why = NULL;
    if (e == NULL)
        return 1;
    if (e->cpu_profile == 'A' || e->cpu_profile == 'R' || e->cpu_profile == 'S') {
        *why = e->cpu_profile == 'A'
                   ? "the ELF is built for an A-profile (application) processor, not a "
                     "Cortex-M: build it with -mcpu=cortex-mN -mthumb"
               : e->cpu_profile == 'R'
                   ? "the ELF is built for an R-profile (real-time) processor, not a Cortex-M: "
                     "build it with -mcpu=cortex-mN -mthumb"
                   : "the ELF is built for a classic (A or R profile) processor, not a "
                     "Cortex-M: build it with -mcpu=cortex-mN -mthumb";
        return 0;
    }
    if (e->cpu_profile != 0 && e->cpu_profile != 'M') {
        *why = "the ELF names an unknown architecture profile";
        return 0;
    }
    int a = e->cpu_arch;
    if (a >= 0) {
        int ok;
        switch (core) {
        case SIM_CORE_M0P: ok = a == 11 || a == 12; break;
        case SIM_CORE_M3: ok = a >= 10 && a <= 12; break;
        case SIM_CORE_M4F:
        case SIM_CORE_M7: ok = a >= 10 && a <= 13; break;
        case SIM_CORE_M33: ok = (a >= 10 && a <= 13) || a == 16 || a == 17; break;
        default: ok = 0; break;
        }
        if (!ok) {
            if (a < 10)
                *why = "the ELF is built for a classic Arm architecture (before ARMv7), not "
                       "for a Cortex-M";
            else if (a == 14 || a == 15 || (a >= 18 && a <= 20) || a == 22)
                *why = "the ELF is built for an A- or R-profile architecture, not for a "
                       "Cortex-M";
            else if (a == 21)
                *why = "ARMv8.1-M (Cortex-M55/M85) code needs a core the simulator does not "
                       "model";
            else if (a > 22)
                *why = "the ELF names an unknown architecture (Tag_CPU_arch)";
            else if (core == SIM_CORE_M0P)
                *why = "the Cortex-M0+ implements ARMv6-M only (no Thumb-2): build with "
                       "-mcpu=cortex-m0plus";
            else if (a == 13)
                *why = "the Cortex-M3 has no DSP extension (ARMv7E-M): build with "
                       "-mcpu=cortex-m3";
            else
                *why = "ARMv8-M code needs a Cortex-M23/M33 (this core is ARMv7-M): build for "
                       "the board's core";
            return 0;
        }
    }
    int hard = e->fp_arch != 0 || e->abi_vfp_args == 1;
    int dp = e->fp_arch != 0 && e->hardfp_use != 1;
    switch (core) {
    case SIM_CORE_M0P:
    case SIM_CORE_M3:
        if (hard) {
            *why = e->abi_vfp_args == 1
                       ? "the ELF is hard-float (arguments in FP registers) and needs an FPU, "
                         "which this core lacks: build with -mfloat-abi=soft"
                       : "the ELF uses FP instructions (Tag_FP_arch) and needs an FPU, which "
                         "this core lacks: build with -mfloat-abi=soft";
            return 0;
        }
        break;
    case SIM_CORE_M4F:
        if (e->fp_arch >= 7) {
            *why = "the Cortex-M4F's FPv4-SP lacks the FPv5 instructions the ELF may use: "
                   "build with -mfpu=fpv4-sp-d16";
            return 0;
        }
        if (dp) {
            *why = "the Cortex-M4F's FPU is single-precision only and the ELF allows "
                   "double-precision FP instructions: build with -mfpu=fpv4-sp-d16";
            return 0;
        }
        break;
    case SIM_CORE_M33:
        if (dp) {
            *why = "the Cortex-M33's FPU is single-precision only and the ELF allows "
                   "double-precision FP instructions: build with -mfpu=fpv5-sp-d16";
            return 0;
        }
        break;
    default:
        break;
    }
    return 1;
}

const sim_symbol *sim_elf_object_at(const sim_elf *e, uint32_t addr)
{
    uint32_t lo = 0, hi = e->n_syms;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (e->syms[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < e->n_syms && e->syms[lo].addr == addr; lo++)
        if (!e->syms[lo].is_func && e->syms[lo].size)
            return &e->syms[lo];
    return NULL;
}
