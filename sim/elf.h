/*
 * Firmware ELF files: loading and validating a 32-bit little-endian Arm executable (libelf),
 * its loadable segments, symbols, executable sections, build attributes (.ARM.attributes)
 * and the tinysim board note; and whether a Cortex-M core can run what it was built for.
 *
 * Every input is untrusted: a truncated, corrupt or foreign file gives an error naming the
 * file and the problem, never a crash.
 *
 * The board note. A firmware says which board it was built for with an ELF note:
 *     section .note.tinysim.board (SHT_NOTE, allocated or not), owner "tinysim" (namesz 8,
 *     with the NUL), type 1 (SIM_NOTE_BOARD), desc the board name, NUL-terminated or not,
 *     [a-z0-9._-], 1 to 31 characters. For example, in C:
 *         struct { uint32_t namesz, descsz, type; char name[8], desc[16]; } const note
 *             __attribute__((section(".note.tinysim.board"), used, aligned(4)))
 *             = {8, 14, 1, "tinysim", "nucleo-l4r5zi"};
 *     (and KEEP(*(.note.tinysim.board)) in the linker script). A note owned by "tinysim"
 *     of type 1 in any note section is found too; in a section named .note.tinysim.board
 *     the first note is taken whatever its owner and type, and an empty or truncated one
 *     is an error (not a missing note).
 *
 * PT_LOAD segments may not overlap, where they run ([p_vaddr, +p_memsz)) or where their file
 * bytes are loaded when that is elsewhere ([p_paddr, +p_filesz)): such a file is refused.
 */
#ifndef SIM_ELF_H
#define SIM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim_types.h"

#define SIM_NOTE_BOARD 1u
#define SIM_ELF_MAX_SEGMENTS 64u      /* PT_LOAD segments */
#define SIM_ELF_MAX_SYMBOLS 1000000u  /* symbol table entries */
#define SIM_ELF_MAX_SECTIONS 65535u
#define SIM_ELF_MAX_NAME 8192u        /* longer symbol names are skipped */
#define SIM_ELF_MAX_FILE (256u << 20) /* as MU_MAX_FILE */

/* A PT_LOAD segment with filesz or memsz > 0. data: filesz bytes inside the file image
 * (NULL when filesz is 0). paddr + memsz and vaddr + memsz do not pass 4 GiB; filesz <= memsz. */
typedef struct {
    uint32_t paddr, vaddr, filesz, memsz, flags;
    const uint8_t *data;
} sim_segment;

/*
 * A symbol: FUNC (also the legacy STT_ARM_TFUNC) and OBJECT symbols of any binding, and NOTYPE
 * symbols that are GLOBAL or WEAK (linker-script symbols such as _estack); defined ones only
 * (absolute ones included). Locals NOTYPE (the $t/$d mapping symbols), SECTION and FILE
 * symbols are left out. addr: functions have the Thumb bit cleared; other symbols are as
 * written. bind: STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2.
 *
 * name is the ELF's (a C++ name mangled: "_ZN6tflite16MicroInterpreter6InvokeEv"); display
 * is what to show: the demangled name ("tflite::MicroInterpreter::Invoke()", libiberty's
 * demangler) or name itself. file: for a local symbol, the source file its STT_FILE symbol
 * names ("conv.cc"), else NULL. Both are the firmware's bytes: show them through text_safe.
 */
typedef struct {
    char *name;
    char *display;
    char *file;
    uint32_t addr;
    uint32_t size;
    uint8_t is_func;
    uint8_t bind;
} sim_symbol;

/* An allocated, executable section with contents (for disassembly scans). */
/* sim_section.flags */
enum { SIM_SEC_EXEC = 1, SIM_SEC_WRITE = 2, SIM_SEC_NOBITS = 4 };

typedef struct {
    char *name;
    uint32_t addr, size;
    uint32_t flags;        /* SIM_SEC_* */
} sim_section;

/*
 * A loaded firmware ELF. Everything it points to is owned by it and freed by sim_elf_free:
 * segment data points into file; symbol and section names into an internal pool.
 *
 * syms is sorted by address; symbols at the same address are ordered functions first, then
 * GLOBAL before WEAK before LOCAL, then larger size first, then by name (so the first of a
 * group is the one to show). The fields after the attributes are internal indexes.
 */
typedef struct sim_elf {
    char *path;
    uint8_t *file; size_t file_size;          /* owned copy of the file */
    uint32_t entry;                           /* e_entry as written (Thumb bit included) */
    sim_segment *segs; uint32_t n_segs;       /* PT_LOAD with filesz or memsz > 0, file order */
    sim_symbol *syms; uint32_t n_syms;        /* see above */
    sim_section *exec; uint32_t n_exec;       /* in address order */
    sim_section *alloc; uint32_t n_alloc;     /* every SHF_ALLOC section with a size, by address
                                                 (memory use by kind: the profiler) */
    int cpu_arch;          /* Tag_CPU_arch from .ARM.attributes (e.g. 13 = v7E-M), -1 if absent */
    int cpu_profile;       /* Tag_CPU_arch_profile: 'M', 'A', 'R', 'S' or 0 */
    int fp_arch;           /* Tag_FP_arch, 0 if absent/none */
    int abi_vfp_args;      /* Tag_ABI_VFP_args (1 = hard-float calling convention), 0 if absent */
    int hardfp_use;        /* Tag_ABI_HardFP_use: 0 as fp_arch (SP and DP), 1 SP only,
                            * 2 DP only, 3 SP and DP; 0 if absent */
    char *cpu_name;        /* Tag_CPU_name string (GCC writes the arch: "7E-M"), NULL if absent;
                            * non-printable bytes replaced by '?' */
    char *board;           /* desc of the tinysim board note, NULL if absent */

    char *pool_;           /* names */
    uint32_t *by_name_;    /* indexes into syms, by name, then GLOBAL/WEAK/LOCAL, then addr */
    uint32_t *funcs_;      /* indexes into syms of the functions, by address */
    uint32_t n_funcs_;
} sim_elf;

/*
 * Read and parse a firmware ELF. 0 with *out set (free with sim_elf_free), or -1 with
 * *cause set (the caller frees it): "fw.elf: not an ARM ELF (machine x86-64); build the
 * firmware with arm-none-eabi-gcc".
 */
int sim_elf_open(const char *path, sim_elf **out, char **cause);

/* The same from memory (copied: data need not outlive the call); name stands for the path
 * in messages and in e->path. NULL with *cause on failure. */
sim_elf *sim_elf_parse(const uint8_t *data, size_t size, const char *name, char **cause);

void sim_elf_free(sim_elf *e); /* accepts NULL */

/* A symbol by exact name; where several have it, the GLOBAL one, else WEAK, else the LOCAL
 * with the lowest address. NULL if none. */
const sim_symbol *sim_elf_symbol(const sim_elf *e, const char *name);

/*
 * The functions a name a person typed may mean, into out (at most max; out may be NULL with
 * max 0); returns how many there are (may be more than max). Tried in this order, the first
 * kind that matches anything giving the answer:
 *   1. the ELF's name, exactly ("_ZN6tflite16MicroInterpreter6InvokeEv", "main");
 *   2. the demangled name, exactly ("tflite::MicroInterpreter::Invoke()");
 *   3. the demangled name without its parameter list ("tflite::MicroInterpreter::Invoke");
 *   4. the last component of that ("Invoke", "Eval").
 * Only functions (is_func); several with one name (static functions of different files, a
 * C++ name in several anonymous namespaces, overloads) all count: the caller refuses a name
 * that means more than one, listing them (address, file). In address order.
 */
uint32_t sim_elf_functions_named(const sim_elf *e, const char *name, const sim_symbol **out,
                                 uint32_t max);

/*
 * The function containing addr (Thumb bit ignored), with *offset = addr - its start (offset
 * may be NULL). A function with a size contains [addr, addr+size); a function without one
 * (assembly without .size) contains the addresses after it up to the next symbol of any kind,
 * within the same executable section. Addresses in data, in padding between functions or
 * past the last function give NULL. Addresses are the ELF's own: an address seen through a
 * board's alias must be translated by the caller.
 */
const sim_symbol *sim_elf_symbol_at(const sim_elf *e, uint32_t addr, uint32_t *offset);
/* A data object (OBJECT or sized NOTYPE symbol, not a function) with a size that starts
 * exactly at addr; NULL if none. */
const sim_symbol *sim_elf_object_at(const sim_elf *e, uint32_t addr);

/* "v7E-M", "v6S-M", "v8-M.main", ... for a Tag_CPU_arch value; "unknown" otherwise (and
 * for -1). 10 is "v7" (readelf's name): the profile tells v7-M from v7-A. */
const char *sim_arch_name(int cpu_arch);

/*
 * Can core run code built for e's architecture? 1 yes, 0 no with *why (may be NULL) set to
 * a static sentence ("the Cortex-M3 has no DSP extension (ARMv7E-M)"). Rules:
 *   - profile A, R or S (not a microcontroller): no;
 *   - Tag_CPU_arch: M0+ runs 11-12 (v6-M, v6S-M); M3 10-12; M4F and M7 10-13; M33 10-13,
 *     16 and 17 (v8-M baseline and mainline); anything else: no;
 *   - FP: a core without an FPU (M0+, M3) refuses fp_arch != 0 or abi_vfp_args == 1; the M4F
 *     (FPv4-SP) refuses FPv5 (fp_arch >= 7) and double precision; the M33 (FPv5-SP) refuses
 *     double precision; the M7 runs any of them.
 * No attributes at all (cpu_arch -1): 1, the caller warns. e NULL: 1.
 */
int sim_core_runs_arch(sim_core core, const sim_elf *e, const char **why);

#endif /* SIM_ELF_H */
