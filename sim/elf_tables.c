/*
 * The tables read out of a firmware ELF (sim/elf.h), each offset and size checked: the
 * build attributes (.ARM.attributes: the architecture and FPU the code was built for), the
 * board note (.note.tinysim.board), the symbols (sorted by address and by name) and the
 * allocated and executable sections. elf.c's parse calls elf_read_sections, which reads the
 * rest from the section headers.
 */
#include <gelf.h>
#include <libiberty/demangle.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/util.h"
#include "sim/elf.h"
#include "sim/elf_int.h"

#ifndef SHT_ARM_ATTRIBUTES
#define SHT_ARM_ATTRIBUTES 0x70000003u
#endif
#define STT_ARM_TFUNC_ 13 /* legacy Thumb function type (STT_LOPROC) */
#define ELF32_SYM_SIZE 16u
#define MAX_CPU_NAME 64u

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
                    return elf_fail(st, "out of memory");
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
        return elf_fail(st, "section .ARM.attributes: malformed attribute at offset %zu; the file "
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
        return elf_fail(st, "section .ARM.attributes: unknown format version 0x%02x (expected 'A')",
                    d[0]);
    size_t pos = 1;
    while (pos < n) {
        if (n - pos < 4)
            return elf_fail(st, "section .ARM.attributes: truncated subsection at offset %zu", pos);
        uint32_t len = elf_rd32(d + pos);
        if (len < 5 || len > n - pos)
            return elf_fail(st, "section .ARM.attributes: subsection at offset %zu has length %u, "
                            "outside the section's %zu bytes", pos, len, n);
        const uint8_t *sub = d + pos, *end = sub + len;
        const uint8_t *nul = memchr(sub + 4, 0, len - 4);
        if (nul == NULL)
            return elf_fail(st, "section .ARM.attributes: subsection at offset %zu has an "
                            "unterminated vendor name", pos);
        if (strcmp((const char *)sub + 4, "aeabi") == 0) {
            const uint8_t *q = nul + 1;
            while (q < end) {
                rdr r = {q, end};
                uint64_t tag;
                if (uleb(&r, &tag) != 0 || end - r.p < 4)
                    return elf_fail(st, "section .ARM.attributes: truncated block at offset %zu",
                                (size_t)(q - d));
                uint32_t bsize = elf_rd32(r.p);
                r.p += 4;
                if (bsize < (size_t)(r.p - q) || bsize > (size_t)(end - q))
                    return elf_fail(st, "section .ARM.attributes: block at offset %zu has size %u, "
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
        return elf_fail(st, "section %s is %s: it must hold a note (12-byte header, owner "
                        "\"tinysim\", the board name); rebuild the firmware with the board note "
                        "(firmware-samples/common/board_note.S) or remove the section",
                    secname,
                    n == 0 ? "empty (0 bytes)" : "malformed (shorter than a note header)");
    while (n - pos >= 12) {
        uint32_t namesz = elf_rd32(d + pos), descsz = elf_rd32(d + pos + 4), type = elf_rd32(d + pos + 8);
        uint64_t name_off = pos + 12;
        uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~3ull);
        if (namesz > n - name_off || desc_off > n || descsz > n - desc_off) {
            if (named)
                return elf_fail(st, "section %s: note at offset %zu is truncated or corrupt",
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
                return elf_fail(st, "the tinysim board note (section %s) holds '%s'%s, which is not "
                                "a board name ([a-z0-9._-], 1 to 31 characters)",
                            secname, shown, len > k ? "..." : "");
            }
            st->e->board = malloc(len + 1);
            if (st->e->board == NULL)
                return elf_fail(st, "out of memory");
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

/* How a symbol's strings wait in the pool (offsets: the pool moves while it grows). */
typedef struct {
    size_t name, display, file; /* display, file: NO_STRING when none */
} sym_strings;
#define NO_STRING SIZE_MAX

/*
 * The demangled form of a C++ (Itanium ABI) name into the pool: its offset, NO_STRING when
 * nm is not a mangled name (or libiberty cannot demangle it, or the result is longer than
 * SIM_ELF_MAX_NAME), or -1 (as a long) when the pool is full.
 */
static long demangled(pstate *st, const char *nm, size_t *off)
{
    *off = NO_STRING;
    if (nm[0] != '_' || nm[1] != 'Z')
        return 0;
    char *d = cplus_demangle(nm, DMGL_PARAMS | DMGL_ANSI);
    size_t len = d ? strlen(d) : 0;
    long o = 0;
    if (len && len <= SIM_ELF_MAX_NAME && strcmp(d, nm) != 0) {
        o = elf_pool_add(st, d, len);
        if (o >= 0)
            *off = (size_t)o;
    }
    free(d);
    return o < 0 ? -1 : 0;
}

/* Read the symbols of a SYMTAB (or DYNSYM) section into e->syms; names go to the pool as
 * offsets (stored in strs) until the pool stops moving. A local symbol's file is the STT_FILE
 * symbol before it (the ELF's order: each file's FILE symbol, then its locals). */
static int read_symbols(pstate *st, Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, size_t shnum,
                        sym_strings **strs)
{
    sim_elf *e = st->e;
    if (sh->sh_entsize != 0 && sh->sh_entsize != ELF32_SYM_SIZE)
        return elf_fail(st, "symbol table entry size %llu (expected %u): corrupt section header",
                    (unsigned long long)sh->sh_entsize, ELF32_SYM_SIZE);
    if (sh->sh_link == 0 || sh->sh_link >= shnum)
        return elf_fail(st, "symbol table names string table %u, which does not exist",
                    (unsigned)sh->sh_link);
    Elf_Data *data = elf_getdata(scn, NULL);
    if (data == NULL)
        return elf_fail_libelf(st, "cannot read the symbol table");
    size_t n = data->d_size / ELF32_SYM_SIZE;
    if (n > SIM_ELF_MAX_SYMBOLS)
        return elf_fail(st, "the symbol table has %zu entries, more than the %u tinysim reads", n,
                    SIM_ELF_MAX_SYMBOLS);
    e->syms = calloc(n ? n : 1, sizeof *e->syms);
    *strs = calloc(n ? n : 1, sizeof **strs);
    if (e->syms == NULL || *strs == NULL)
        return elf_fail(st, "out of memory");
    size_t file = NO_STRING;
    for (size_t i = 1; i < n; i++) {
        GElf_Sym s;
        if (gelf_getsym(data, (int)i, &s) == NULL)
            return elf_fail_libelf(st, "cannot read a symbol");
        int type = GELF_ST_TYPE(s.st_info), bind = GELF_ST_BIND(s.st_info);
        int func = type == STT_FUNC || type == STT_ARM_TFUNC_;
        if (type == STT_FILE) {
            const char *fn = s.st_name ? elf_strptr(elf, sh->sh_link, s.st_name) : NULL;
            size_t len = fn ? strnlen(fn, SIM_ELF_MAX_NAME + 1) : 0;
            long off = len && len <= SIM_ELF_MAX_NAME ? elf_pool_add(st, fn, len) : 0;
            if (off < 0)
                return elf_fail(st, "symbol names take more than %u MiB", MAX_POOL >> 20);
            file = len && len <= SIM_ELF_MAX_NAME ? (size_t)off : NO_STRING;
            continue;
        }
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
        long off = elf_pool_add(st, nm, len);
        sym_strings *ss = &(*strs)[e->n_syms];
        if (off < 0 || demangled(st, nm, &ss->display) < 0)
            return elf_fail(st, "symbol names take more than %u MiB", MAX_POOL >> 20);
        ss->name = (size_t)off;
        ss->file = bind == STB_LOCAL ? file : NO_STRING;
        sim_symbol *y = &e->syms[e->n_syms++];
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
        return elf_fail(st, "out of memory");
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
int elf_read_sections(pstate *st, Elf *elf)
{
    sim_elf *e = st->e;
    size_t shnum, shstrndx;
    int have_names;
    Elf_Scn *symtab = NULL, *dynsym = NULL, *scn = NULL;
    GElf_Shdr symtab_sh, dynsym_sh;
    memset(&symtab_sh, 0, sizeof symtab_sh);
    memset(&dynsym_sh, 0, sizeof dynsym_sh);
    size_t *exec_off = NULL, *alloc_off = NULL;
    sym_strings *sym_off = NULL;
    int attrs_done = 0, rc = -1;

    if (elf_getshdrnum(elf, &shnum) != 0)
        return elf_fail_libelf(st, "cannot read the section headers");
    have_names = elf_getshdrstrndx(elf, &shstrndx) == 0;
    e->exec = calloc(shnum ? shnum : 1, sizeof *e->exec);
    exec_off = calloc(shnum ? shnum : 1, sizeof *exec_off);
    e->alloc = calloc(shnum ? shnum : 1, sizeof *e->alloc);
    alloc_off = calloc(shnum ? shnum : 1, sizeof *alloc_off);
    if (e->exec == NULL || exec_off == NULL || e->alloc == NULL || alloc_off == NULL) {
        elf_fail(st, "out of memory");
        goto out;
    }
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == NULL) {
            elf_fail_libelf(st, "cannot read a section header");
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
                elf_fail(st, "section %s (address 0x%08llx, %llu bytes) runs past the 4 GiB address "
                         "space", nm, (unsigned long long)sh.sh_addr,
                     (unsigned long long)sh.sh_size);
                goto out;
            }
            long off = elf_pool_add(st, nm, strlen(nm));
            if (off < 0) {
                elf_fail(st, "section names take more than %u MiB", MAX_POOL >> 20);
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
            long off = elf_pool_add(st, nm, strlen(nm));
            if (off < 0) {
                elf_fail(st, "section names take more than %u MiB", MAX_POOL >> 20);
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
                elf_fail_libelf(st, what);
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
    for (uint32_t i = 0; i < e->n_syms; i++) {
        sim_symbol *y = &e->syms[i];
        y->name = st->pool + sym_off[i].name;
        y->display = sym_off[i].display == NO_STRING ? y->name : st->pool + sym_off[i].display;
        y->file = sym_off[i].file == NO_STRING ? NULL : st->pool + sym_off[i].file;
    }
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
