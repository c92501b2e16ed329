/*
 * The ELF parser's shared state: elf.c (the file, its header and segments, open and free)
 * and elf_tables.c (attributes, board note, symbols, sections) build one sim_elf together.
 */
#ifndef SIM_ELF_INT_H
#define SIM_ELF_INT_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/elf.h"

#define MAX_POOL (64u << 20) /* bytes of symbol and section names kept */

/* Parse state: the ELF being built, its name for messages, the error out-parameter. */
typedef struct {
    sim_elf *e;
    const char *name;
    char **cause;
    char *pool;
    size_t pool_len, pool_cap;
} pstate;

/* Set *cause to "NAME: message"; returns -1. */
int elf_fail(pstate *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A libelf failure, with libelf's own words; returns -1. */
int elf_fail_libelf(pstate *st, const char *what);
/* A little-endian 32-bit word. */
uint32_t elf_rd32(const uint8_t *p);
/* Append a string of n bytes (plus NUL) to the name pool; its offset, or -1 when the pool
 * would pass MAX_POOL. */
long elf_pool_add(pstate *st, const char *s, size_t n);

/* elf_tables.c: every section header: the allocated and executable sections, the symbols,
 * the build attributes and the board note; 0, or -1 with *st->cause set. */
int elf_read_sections(pstate *st, Elf *elf);

#endif /* SIM_ELF_INT_H */
