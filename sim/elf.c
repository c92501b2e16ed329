/*
 * Firmware ELF loading: the file is checked by hand up to its header tables, then read with
 * libelf; segments, symbols, executable sections, .ARM.attributes and the board note are
 * extracted with every offset and size checked. Also the core/architecture compatibility rules.
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

#ifndef SHT_ARM_ATTRIBUTES
#define SHT_ARM_ATTRIBUTES 0x70000003u
#endif
#define STT_ARM_TFUNC_ 13 /* legacy Thumb function type (STT_LOPROC) */

#define ELF32_EHDR_SIZE 52u
#define ELF32_PHDR_SIZE 32u
#define ELF32_SHDR_SIZE 40u
#define ELF32_SYM_SIZE 16u
#define MAX_POOL (64u << 20)      /* bytes of symbol and section names kept */
#define MAX_CPU_NAME 64u

/* ===================================================================== helpers */

/* Parse state: the ELF being built, its name for messages, the error out-parameter. */
typedef struct {
    sim_elf *e;
    const char *name;
    char **cause;
    char *pool;
    size_t pool_len, pool_cap;
} pstate;

static int fail(pstate *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Set *cause to "NAME: message"; returns -1. */
static int fail(pstate *st, const char *fmt, ...)
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
static int fail_elf(pstate *st, const char *what)
{
    const char *m = elf_errmsg(-1);
    return fail(st, "%s: %s (libelf); the file is corrupt or not a linked ELF", what,
                m ? m : "unknown error");
}

static uint16_t rd16(const uint8_t *p, int msb)
{
    return msb ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Append a string of n bytes (plus NUL) to the name pool; its offset, or -1 when the pool
 * would pass MAX_POOL. */
static long pool_add(pstate *st, const char *s, size_t n)
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
        return fail(st, "empty file (0 bytes); expected a firmware ELF built with "
                        "arm-none-eabi-gcc");
    if (size < 4 || memcmp(f, ELFMAG, SELFMAG) != 0) {
        size_t n = size < 64 ? size : 64, text = 0;
        for (size_t i = 0; i < n; i++) {
            if ((f[i] >= 0x20 && f[i] < 0x7f) || f[i] == '\n' || f[i] == '\r' || f[i] == '\t')
                text++;
        }
        if (text == n)
            return fail(st, "not an ELF file (it looks like text); expected a firmware ELF "
                            "built with arm-none-eabi-gcc");
        return fail(st, "not an ELF file (no ELF magic number at the start); expected a "
                        "firmware ELF built with arm-none-eabi-gcc");
    }
    if (size < EI_NIDENT)
        return fail(st, "truncated ELF header (%zu of %u bytes)", size, ELF32_EHDR_SIZE);
    int msb = f[EI_DATA] == ELFDATA2MSB;
    if (f[EI_CLASS] == ELFCLASS64) {
        const char *m = size >= 20 ? machine_desc(rd16(f + 18, msb), mb, sizeof mb) : "unknown";
        return fail(st, "64-bit ELF (ELFCLASS64, machine %s); tinysim runs 32-bit Arm "
                        "Cortex-M firmware: build it with arm-none-eabi-gcc", m);
    }
    if (f[EI_CLASS] != ELFCLASS32)
        return fail(st, "unknown ELF class %u (expected 1, 32-bit)", f[EI_CLASS]);
    if (f[EI_DATA] == ELFDATA2MSB)
        return fail(st, "big-endian ELF; Cortex-M firmware is little-endian: build it with "
                        "arm-none-eabi-gcc without -mbig-endian");
    if (f[EI_DATA] != ELFDATA2LSB)
        return fail(st, "unknown ELF data encoding %u (expected 1, little-endian)", f[EI_DATA]);
    if (size < ELF32_EHDR_SIZE)
        return fail(st, "truncated ELF header (%zu of %u bytes)", size, ELF32_EHDR_SIZE);
    unsigned machine = rd16(f + 18, 0), type = rd16(f + 16, 0);
    if (machine != EM_ARM)
        return fail(st, "not an ARM ELF (machine %s); build the firmware with arm-none-eabi-gcc",
                    machine_desc(machine, mb, sizeof mb));
    if (type == ET_REL)
        return fail(st, "a relocatable object (ET_REL), not a linked executable: link it with "
                        "the board's linker script (arm-none-eabi-gcc ... -T board.ld -o fw.elf)");
    if (type == ET_DYN)
        return fail(st, "a shared object or position-independent executable (ET_DYN); "
                        "firmware must be a statically linked executable (ET_EXEC)");
    if (type != ET_EXEC)
        return fail(st, "ELF type %u is not an executable (ET_EXEC)", type);
    if (f[EI_VERSION] != EV_CURRENT || rd32(f + 20) != EV_CURRENT)
        return fail(st, "unknown ELF version %u", f[EI_VERSION]);

    uint32_t phoff = rd32(f + 28), shoff = rd32(f + 32);
    unsigned phentsize = rd16(f + 42, 0), phnum = rd16(f + 44, 0);
    unsigned shentsize = rd16(f + 46, 0), shnum = rd16(f + 48, 0), shstrndx = rd16(f + 50, 0);
    if (phnum == 0)
        return fail(st, "no program headers, so nothing to load; is it a linked firmware "
                        "image?");
    if (phnum == PN_XNUM)
        return fail(st, "too many program headers (extended numbering)");
    if (phentsize != ELF32_PHDR_SIZE)
        return fail(st, "program header entry size %u (expected %u): corrupt ELF header",
                    phentsize, ELF32_PHDR_SIZE);
    if (phoff > size || (uint64_t)phnum * ELF32_PHDR_SIZE > size - phoff)
        return fail(st, "program header table (offset 0x%x, %u entries) extends past the end "
                        "of the file (%zu bytes): the file is truncated or corrupt",
                    phoff, phnum, size);
    if (shoff == 0)
        return 0; /* no section headers: loadable, no symbols */
    if (shentsize != ELF32_SHDR_SIZE)
        return fail(st, "section header entry size %u (expected %u): corrupt ELF header",
                    shentsize, ELF32_SHDR_SIZE);
    if (shoff > size || size - shoff < ELF32_SHDR_SIZE)
        return fail(st, "section header table (offset 0x%x) is past the end of the file "
                        "(%zu bytes): the file is truncated or corrupt", shoff, size);
    uint64_t n = shnum ? shnum : rd32(f + shoff + 20); /* extended: section 0's sh_size */
    if (n > SIM_ELF_MAX_SECTIONS)
        return fail(st, "%llu sections, more than the %u tinysim reads", (unsigned long long)n,
                    SIM_ELF_MAX_SECTIONS);
    if (n * ELF32_SHDR_SIZE > size - shoff)
        return fail(st, "section header table (offset 0x%x, %llu entries) extends past the "
                        "end of the file (%zu bytes): the file is truncated or corrupt",
                    shoff, (unsigned long long)n, size);
    uint64_t strndx = shstrndx == SHN_XINDEX ? rd32(f + shoff + 24) : shstrndx;
    if (n > 0 && strndx >= n)
        return fail(st, "section name table index %llu is out of range (%llu sections)",
                    (unsigned long long)strndx, (unsigned long long)n);
    /* Every section's contents inside the file. */
    for (uint64_t i = 1; i < n; i++) {
        const uint8_t *sh = f + shoff + i * ELF32_SHDR_SIZE;
        uint32_t type_i = rd32(sh + 4), off = rd32(sh + 16), sz = rd32(sh + 20);
        if (type_i != SHT_NOBITS && type_i != SHT_NULL && (off > size || sz > size - off))
            return fail(st, "section %llu (file offset 0x%x, %u bytes) extends past the end "
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
            return fail(st, "segments %u and %u overlap: segment %u: %s; segment %u: %s; one "
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
        return fail_elf(st, "cannot read the program headers");
    e->segs = calloc(SIM_ELF_MAX_SEGMENTS, sizeof *e->segs);
    if (e->segs == NULL)
        return fail(st, "out of memory");
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) == NULL)
            return fail_elf(st, "cannot read a program header");
        if (ph.p_type != PT_LOAD || (ph.p_filesz == 0 && ph.p_memsz == 0))
            continue;
        if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
            return fail(st, "segment %zu (PT_LOAD, file offset 0x%llx, %llu bytes) extends past "
                            "the end of the file (%zu bytes): the file is truncated or corrupt",
                        i, (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz,
                        size);
        if (ph.p_filesz > ph.p_memsz)
            return fail(st, "segment %zu has %llu bytes in the file but only %llu in memory: "
                            "corrupt program header", i, (unsigned long long)ph.p_filesz,
                        (unsigned long long)ph.p_memsz);
        if (ph.p_paddr + ph.p_memsz > 0x100000000ull || ph.p_vaddr + ph.p_memsz > 0x100000000ull)
            return fail(st, "segment %zu (load address 0x%08llx, run address 0x%08llx, %llu bytes) "
                            "runs past the 4 GiB address space", i,
                        (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_vaddr,
                        (unsigned long long)ph.p_memsz);
        if (e->n_segs == SIM_ELF_MAX_SEGMENTS)
            return fail(st, "more than %u loadable segments", SIM_ELF_MAX_SEGMENTS);
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
        return fail(st, "no loadable contents (no PT_LOAD segment with data in the file); "
                        "link the firmware with a linker script that places code in flash");
    return check_overlaps(st, phdr);
}

/* ===================================================================== attributes */

typedef struct {
    const uint8_t *p, *end;
} rdr;

/* An unsigned LEB128 number of at most 64 bits. */
static int uleb(rdr *r, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0;; i++) {
        if (i == 10 || r->p >= r->end)
            return -1;
        uint8_t b = *r->p++;
        if (i == 9 && (b & 0x7e))
            return -1;
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            break;
    }
    *v = x;
    return 0;
}

/* A NUL-terminated string inside the reader's bounds. */
static int ntbs(rdr *r, const char **s, size_t *len)
{
    const uint8_t *nul = memchr(r->p, 0, (size_t)(r->end - r->p));
    if (nul == NULL)
        return -1;
    *s = (const char *)r->p;
    *len = (size_t)(nul - r->p);
    r->p = nul + 1;
    return 0;
}

static int clamp_int(uint64_t v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* The attributes of a File block (tag 1). Unknown tags are skipped by the ABI's rule: tags
 * up to 32 are ULEB128 except 4 and 5 (strings) and 32 (ULEB128 then a string); above 32,
 * odd tags are strings and even ones ULEB128. */
static int file_attributes(pstate *st, rdr *r, const uint8_t *base)
{
    sim_elf *e = st->e;
    while (r->p < r->end) {
        size_t at = (size_t)(r->p - base);
        uint64_t tag, v;
        const char *s;
        size_t n;
        if (uleb(r, &tag) != 0)
            goto bad;
        if (tag == 4 || tag == 5 || (tag > 32 && (tag & 1))) {
            if (ntbs(r, &s, &n) != 0)
                goto bad;
            if (tag == 5) {
                free(e->cpu_name);
                n = n > MAX_CPU_NAME ? MAX_CPU_NAME : n;
                e->cpu_name = malloc(n + 1);
                if (e->cpu_name == NULL)
                    return fail(st, "out of memory");
                for (size_t i = 0; i < n; i++)
                    e->cpu_name[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
                e->cpu_name[n] = '\0';
            }
            continue;
        }
        if (uleb(r, &v) != 0)
            goto bad;
        if (tag == 32) {
            if (ntbs(r, &s, &n) != 0)
                goto bad;
            continue;
        }
        switch (tag) {
        case 6: e->cpu_arch = clamp_int(v); break;
        case 7: e->cpu_profile = clamp_int(v); break;
        case 10: e->fp_arch = clamp_int(v); break;
        case 27: e->hardfp_use = clamp_int(v); break;
        case 28: e->abi_vfp_args = clamp_int(v); break;
        default: break;
        }
        continue;
    bad:
        return fail(st, "section .ARM.attributes: malformed attribute at offset %zu; the file "
                        "is corrupt (arm-none-eabi-readelf -A shows the attributes)", at);
    }
    return 0;
}

/*
 * .ARM.attributes: format version 'A', then subsections (uint32 length, vendor name); in
 * the "aeabi" ones, blocks (ULEB128 tag, uint32 size) of which the File block (tag 1) holds
 * the attributes this reads. Other vendors and Section/Symbol blocks are skipped by size.
 */
static int parse_attributes(pstate *st, const uint8_t *d, size_t n)
{
    if (n == 0)
        return 0;
    if (d[0] != 'A')
        return fail(st, "section .ARM.attributes: unknown format version 0x%02x (expected 'A')",
                    d[0]);
    size_t pos = 1;
    while (pos < n) {
        if (n - pos < 4)
            return fail(st, "section .ARM.attributes: truncated subsection at offset %zu", pos);
        uint32_t len = rd32(d + pos);
        if (len < 5 || len > n - pos)
            return fail(st, "section .ARM.attributes: subsection at offset %zu has length %u, "
                            "outside the section's %zu bytes", pos, len, n);
        const uint8_t *sub = d + pos, *end = sub + len;
        const uint8_t *nul = memchr(sub + 4, 0, len - 4);
        if (nul == NULL)
            return fail(st, "section .ARM.attributes: subsection at offset %zu has an "
                            "unterminated vendor name", pos);
        if (strcmp((const char *)sub + 4, "aeabi") == 0) {
            const uint8_t *q = nul + 1;
            while (q < end) {
                rdr r = {q, end};
                uint64_t tag;
                if (uleb(&r, &tag) != 0 || end - r.p < 4)
                    return fail(st, "section .ARM.attributes: truncated block at offset %zu",
                                (size_t)(q - d));
                uint32_t bsize = rd32(r.p);
                r.p += 4;
                if (bsize < (size_t)(r.p - q) || bsize > (size_t)(end - q))
                    return fail(st, "section .ARM.attributes: block at offset %zu has size %u, "
                                    "outside its subsection", (size_t)(q - d), bsize);
                if (tag == 1) {
                    rdr fr = {r.p, q + bsize};
                    if (file_attributes(st, &fr, d) != 0)
                        return -1;
                }
                q += bsize;
            }
        }
        pos += len;
    }
    return 0;
}

/* ===================================================================== board note */

static int valid_board_name(const char *s, size_t n)
{
    if (n == 0 || n > 31)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/*
 * Look for the board note in a note section's contents. named: the section is
 * .note.tinysim.board, whose first note counts whatever its owner and type. A malformed
 * note list is an error there and ends the scan quietly elsewhere (other tools' notes are
 * not ours to judge).
 */
static int scan_notes(pstate *st, const uint8_t *d, size_t n, const char *secname, int named)
{
    size_t pos = 0;
    if (named && n < 12)
        return fail(st, "section %s is %s: it must hold a note (12-byte header, owner "
                        "\"tinysim\", the board name); rebuild the firmware with the board note "
                        "(firmware-samples/common/board_note.S) or remove the section",
                    secname,
                    n == 0 ? "empty (0 bytes)" : "malformed (shorter than a note header)");
    while (n - pos >= 12) {
        uint32_t namesz = rd32(d + pos), descsz = rd32(d + pos + 4), type = rd32(d + pos + 8);
        uint64_t name_off = pos + 12;
        uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~3ull);
        if (namesz > n - name_off || desc_off > n || descsz > n - desc_off) {
            if (named)
                return fail(st, "section %s: note at offset %zu is truncated or corrupt",
                            secname, pos);
            return 0;
        }
        const char *name = (const char *)d + name_off;
        int ours = (namesz == 8 && memcmp(name, "tinysim", 8) == 0) ||
                   (namesz == 7 && memcmp(name, "tinysim", 7) == 0);
        if ((named && pos == 0) || (ours && type == SIM_NOTE_BOARD)) {
            const char *desc = (const char *)d + desc_off;
            size_t len = strnlen(desc, descsz);
            if (!valid_board_name(desc, len)) {
                char shown[40];
                size_t k = 0;
                for (size_t i = 0; i < len && k + 1 < sizeof shown; i++)
                    shown[k++] = desc[i] >= 0x20 && desc[i] < 0x7f ? desc[i] : '?';
                shown[k] = '\0';
                return fail(st, "the tinysim board note (section %s) holds '%s'%s, which is not "
                                "a board name ([a-z0-9._-], 1 to 31 characters)",
                            secname, shown, len > k ? "..." : "");
            }
            st->e->board = malloc(len + 1);
            if (st->e->board == NULL)
                return fail(st, "out of memory");
            memcpy(st->e->board, desc, len);
            st->e->board[len] = '\0';
            return 0;
        }
        uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~3ull);
        if (next > n)
            break;
        pos = (size_t)next;
    }
    return 0;
}

/* ===================================================================== symbols */

static int bind_rank(uint8_t bind)
{
    return bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
}

/* syms order: address; functions first; GLOBAL, WEAK, LOCAL; larger size first; name. */
static int cmp_sym(const void *a, const void *b)
{
    const sim_symbol *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->is_func != y->is_func)
        return x->is_func ? -1 : 1;
    if (bind_rank(x->bind) != bind_rank(y->bind))
        return bind_rank(x->bind) - bind_rank(y->bind);
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return strcmp(x->name, y->name);
}

typedef struct {
    const char *name;
    uint32_t idx, addr;
    int rank;
} name_key;

static int cmp_name(const void *a, const void *b)
{
    const name_key *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_section(const void *a, const void *b)
{
    const sim_section *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->size < y->size ? -1 : x->size > y->size;
}

/* Read the symbols of a SYMTAB (or DYNSYM) section into e->syms; names go to the pool as
 * offsets (stored in name_off) until the pool stops moving. */
static int read_symbols(pstate *st, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, size_t shnum,
                        size_t **name_off)
{
    sim_elf *e = st->e;
    if (sh->sh_entsize != 0 && sh->sh_entsize != ELF32_SYM_SIZE)
        return fail(st, "symbol table entry size %llu (expected %u): corrupt section header",
                    (unsigned long long)sh->sh_entsize, ELF32_SYM_SIZE);
    if (sh->sh_link == 0 || sh->sh_link >= shnum)
        return fail(st, "symbol table names string table %u, which does not exist",
                    (unsigned)sh->sh_link);
    Elf_Data *data = elf_getdata(scn, NULL);
    if (data == NULL)
        return fail_elf(st, "cannot read the symbol table");
    size_t n = data->d_size / ELF32_SYM_SIZE;
    if (n > SIM_ELF_MAX_SYMBOLS)
        return fail(st, "the symbol table has %zu entries, more than the %u tinysim reads", n,
                    SIM_ELF_MAX_SYMBOLS);
    e->syms = calloc(n ? n : 1, sizeof *e->syms);
    *name_off = calloc(n ? n : 1, sizeof **name_off);
    if (e->syms == NULL || *name_off == NULL)
        return fail(st, "out of memory");
    for (size_t i = 1; i < n; i++) {
        GElf_Sym s;
        if (gelf_getsym(data, (int)i, &s) == NULL)
            return fail_elf(st, "cannot read a symbol");
        int type = GELF_ST_TYPE(s.st_info), bind = GELF_ST_BIND(s.st_info);
        int func = type == STT_FUNC || type == STT_ARM_TFUNC_;
        if (s.st_shndx == SHN_UNDEF || s.st_name == 0)
            continue;
        if (!func && type != STT_OBJECT &&
            !(type == STT_NOTYPE && (bind == STB_GLOBAL || bind == STB_WEAK)))
            continue;
        if (bind != STB_LOCAL && bind != STB_GLOBAL && bind != STB_WEAK)
            continue;
        const char *nm = elf_strptr(elf, sh->sh_link, s.st_name);
        if (nm == NULL)
            continue; /* name outside the string table: skip the symbol, keep the rest */
        size_t len = strnlen(nm, SIM_ELF_MAX_NAME + 1);
        if (len == 0 || len > SIM_ELF_MAX_NAME)
            continue;
        long off = pool_add(st, nm, len);
        if (off < 0)
            return fail(st, "symbol names take more than %u MiB", MAX_POOL >> 20);
        sim_symbol *y = &e->syms[e->n_syms];
        (*name_off)[e->n_syms++] = (size_t)off;
        y->addr = func ? (uint32_t)s.st_value & ~1u : (uint32_t)s.st_value;
        y->size = (uint32_t)s.st_size;
        y->is_func = (uint8_t)func;
        y->bind = (uint8_t)bind;
    }
    return 0;
}

/* Sort the symbols and build the by-name and function indexes. */
static int index_symbols(pstate *st)
{
    sim_elf *e = st->e;
    uint32_t n = e->n_syms;
    if (n > 1)
        qsort(e->syms, n, sizeof *e->syms, cmp_sym);
    name_key *k = malloc((n ? n : 1) * sizeof *k);
    e->by_name_ = malloc((n ? n : 1) * sizeof *e->by_name_);
    e->funcs_ = malloc((n ? n : 1) * sizeof *e->funcs_);
    if (k == NULL || e->by_name_ == NULL || e->funcs_ == NULL) {
        free(k);
        return fail(st, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) {
        k[i].name = e->syms[i].name;
        k[i].idx = i;
        k[i].addr = e->syms[i].addr;
        k[i].rank = bind_rank(e->syms[i].bind);
        if (e->syms[i].is_func)
            e->funcs_[e->n_funcs_++] = i;
    }
    qsort(k, n, sizeof *k, cmp_name);
    for (uint32_t i = 0; i < n; i++)
        e->by_name_[i] = k[i].idx;
    free(k);
    return 0;
}

/* ===================================================================== sections */

/* Walk the sections: executable ones, the symbol table, attributes and notes. */
static int read_sections(pstate *st, Elf *elf)
{
    sim_elf *e = st->e;
    size_t shnum, shstrndx;
    int have_names;
    Elf_Scn *symtab = NULL, *dynsym = NULL, *scn = NULL;
    GElf_Shdr symtab_sh, dynsym_sh;
    memset(&symtab_sh, 0, sizeof symtab_sh);
    memset(&dynsym_sh, 0, sizeof dynsym_sh);
    size_t *exec_off = NULL, *sym_off = NULL, *alloc_off = NULL;
    int attrs_done = 0, rc = -1;

    if (elf_getshdrnum(elf, &shnum) != 0)
        return fail_elf(st, "cannot read the section headers");
    have_names = elf_getshdrstrndx(elf, &shstrndx) == 0;
    e->exec = calloc(shnum ? shnum : 1, sizeof *e->exec);
    exec_off = calloc(shnum ? shnum : 1, sizeof *exec_off);
    e->alloc = calloc(shnum ? shnum : 1, sizeof *e->alloc);
    alloc_off = calloc(shnum ? shnum : 1, sizeof *alloc_off);
    if (e->exec == NULL || exec_off == NULL || e->alloc == NULL || alloc_off == NULL) {
        fail(st, "out of memory");
        goto out;
    }
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == NULL) {
            fail_elf(st, "cannot read a section header");
            goto out;
        }
        const char *nm = have_names ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
        size_t idx = elf_ndxscn(scn);
        char label[48];
        if (nm == NULL || strnlen(nm, 256) > 255) {
            snprintf(label, sizeof label, "#%zu", idx);
            nm = label;
        }
        if (sh.sh_type == SHT_SYMTAB && symtab == NULL) {
            symtab = scn;
            symtab_sh = sh;
        } else if (sh.sh_type == SHT_DYNSYM && dynsym == NULL) {
            dynsym = scn;
            dynsym_sh = sh;
        }
        if ((sh.sh_flags & SHF_ALLOC) && (sh.sh_flags & SHF_EXECINSTR) &&
            sh.sh_type != SHT_NOBITS && sh.sh_size > 0) {
            if (sh.sh_addr + sh.sh_size > 0x100000000ull) {
                fail(st, "section %s (address 0x%08llx, %llu bytes) runs past the 4 GiB address "
                         "space", nm, (unsigned long long)sh.sh_addr,
                     (unsigned long long)sh.sh_size);
                goto out;
            }
            long off = pool_add(st, nm, strlen(nm));
            if (off < 0) {
                fail(st, "section names take more than %u MiB", MAX_POOL >> 20);
                goto out;
            }
            exec_off[e->n_exec] = (size_t)off;
            e->exec[e->n_exec].addr = (uint32_t)sh.sh_addr;
            e->exec[e->n_exec].size = (uint32_t)sh.sh_size;
            e->exec[e->n_exec].flags = SIM_SEC_EXEC | ((sh.sh_flags & SHF_WRITE) ? SIM_SEC_WRITE : 0);
            e->n_exec++;
        }
        if ((sh.sh_flags & SHF_ALLOC) && sh.sh_size > 0 &&
            sh.sh_addr + sh.sh_size <= 0x100000000ull) {
            long off = pool_add(st, nm, strlen(nm));
            if (off < 0) {
                fail(st, "section names take more than %u MiB", MAX_POOL >> 20);
                goto out;
            }
            sim_section *a = &e->alloc[e->n_alloc];
            alloc_off[e->n_alloc++] = (size_t)off;
            a->addr = (uint32_t)sh.sh_addr;
            a->size = (uint32_t)sh.sh_size;
            a->flags = ((sh.sh_flags & SHF_EXECINSTR) ? SIM_SEC_EXEC : 0) |
                       ((sh.sh_flags & SHF_WRITE) ? SIM_SEC_WRITE : 0) |
                       (sh.sh_type == SHT_NOBITS ? SIM_SEC_NOBITS : 0);
        }
        int is_attr = sh.sh_type == SHT_ARM_ATTRIBUTES;
        int named_note = strcmp(nm, ".note.tinysim.board") == 0;
        int is_note = sh.sh_type == SHT_NOTE || named_note;
        if ((is_attr && !attrs_done) || (is_note && e->board == NULL)) {
            if (sh.sh_type == SHT_NOBITS && named_note && scan_notes(st, NULL, 0, nm, 1) != 0)
                goto out; /* no contents in the file: empty */
            if (sh.sh_type == SHT_NOBITS)
                continue;
            Elf_Data *d = elf_getdata(scn, NULL);
            if (d == NULL) {
                char what[320];
                snprintf(what, sizeof what, "cannot read section %s", nm);
                fail_elf(st, what);
                goto out;
            }
            const uint8_t *bytes = d->d_buf ? d->d_buf : (const uint8_t *)"";
            if (is_attr) {
                attrs_done = 1;
                if (parse_attributes(st, bytes, d->d_size) != 0)
                    goto out;
            } else if (scan_notes(st, bytes, d->d_size, nm, named_note) != 0) {
                goto out;
            }
        }
    }
    if (symtab == NULL && dynsym != NULL) {
        symtab = dynsym;
        symtab_sh = dynsym_sh;
    }
    if (symtab && read_symbols(st, elf, symtab, &symtab_sh, shnum, &sym_off) != 0)
        goto out;

    /* The pool no longer moves: turn offsets into pointers. */
    for (uint32_t i = 0; i < e->n_exec; i++)
        e->exec[i].name = st->pool + exec_off[i];
    for (uint32_t i = 0; i < e->n_alloc; i++)
        e->alloc[i].name = st->pool + alloc_off[i];
    for (uint32_t i = 0; i < e->n_syms; i++)
        e->syms[i].name = st->pool + sym_off[i];
    e->pool_ = st->pool;
    st->pool = NULL;
    qsort(e->exec, e->n_exec, sizeof *e->exec, cmp_section);
    qsort(e->alloc, e->n_alloc, sizeof *e->alloc, cmp_section);
    rc = index_symbols(st);
out:
    free(exec_off);
    free(alloc_off);
    free(sym_off);
    return rc;
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
        fail(&st, "%zu bytes, larger than the %u MiB limit", size, SIM_ELF_MAX_FILE >> 20);
        goto err;
    }
    if (check_header(&st, file, size) != 0)
        goto err;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fail_elf(&st, "libelf is unusable");
        goto err;
    }
    elf = elf_memory((char *)file, size);
    if (elf == NULL) {
        fail_elf(&st, "libelf cannot read it");
        goto err;
    }
    if (elf_kind(elf) != ELF_K_ELF) {
        fail(&st, "libelf does not see an ELF file");
        goto err;
    }
    GElf_Ehdr eh;
    if (gelf_getehdr(elf, &eh) == NULL) {
        fail_elf(&st, "cannot read the ELF header");
        goto err;
    }
    e->entry = (uint32_t)eh.e_entry;
    if (read_segments(&st, elf, size) != 0 || read_sections(&st, elf) != 0)
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
