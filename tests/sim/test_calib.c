/*
 * Calibration microbenchmarks: they pin the per-core timing table of sim/cost_tables.c through the
 * real engine. Small Thumb programs are assembled at test time with arm-none-eabi-gcc (see
 * tests/sim/asmfw.h), run with sim_new / sim_reset / sim_run on one board per core, and the
 * modelled cycle counts are asserted EXACTLY:
 *
 *   core        board             firmware built with
 *   Cortex-M0+  nucleo-g0b1re     -mcpu=cortex-m0plus
 *   Cortex-M3   nucleo-f207zg     -mcpu=cortex-m3
 *   Cortex-M4F  nucleo-l4r5zi     -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
 *   Cortex-M7   nucleo-f746zg     -mcpu=cortex-m7 -mfpu=fpv5-sp-d16 -mfloat-abi=hard
 *   Cortex-M33  nucleo-u575zi     -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard
 *
 * Each board is copied and every region's wait_states set to 0: these tests pin the zero-
 * wait-state core table, not the memory model.
 *
 * MEASURING BY DIFFERENCE. Every benchmark is a "unit" (one or a few instructions) and two
 * entry points that differ only in how often the unit is repeated: N and 2N times (.rept,
 * N = 8). Both run the same set-up, a branch (so the repeated sequence starts a fresh
 * Unicorn block, priced as if nothing preceded it), the sequence, and the same semihosting
 * exit. Start-up, the first unit's entry and the exit cancel, and
 *     cycles(2N) - cycles(N) == N * (cycles per unit)
 * is the steady-state cost of one unit. The same difference is also checked for the
 * instructions the engine counts and for the blocks it executed, so a benchmark that does
 * not assemble or split into blocks the way its comment says fails loudly. Each variant is
 * aligned to 1 KiB (a Unicorn page, see below) and must fit in it.
 *
 * UNICORN BLOCK LIMITS (measured with Unicorn 2.0.1 on this machine by running straight-line
 * runs of one instruction, page-aligned and followed by the 6-instruction semihosting exit,
 * and counting sim_stats.blocks; the "split" test below pins the first limit):
 *   - a translation block never crosses a 1 KiB page (TARGET_PAGE_SIZE on the M profile):
 *     a run starting 1000, 1008, 2040 or 4090 bytes into a page always split at the
 *     boundary, and 254 ADD.W plus the exit (1028 bytes) made two blocks;
 *   - it also ends when QEMU's op buffer fills, so the count depends on the instructions:
 *     at most 359 flag-setting 16-bit ADDS or 493 LDR (each plus the exit) fit one block,
 *     while NOPs, MOVS and MULS fill the whole page (506 + 6 = 512 instructions: QEMU's
 *     512-instruction cap coincides with the page for 16-bit code and never binds first);
 *   - branches, CPS, BKPT (semihosting) and other exception-raising instructions end a
 *     block too (the per-unit block counts below assert which).
 * The cost model prices each block's first instruction as if nothing preceded it, so a
 * chain cut by a block boundary loses its neighbour effects: a pipelined M3/M4 LDR chain
 * costs exactly one cycle more when split (test_split). The benchmark variants here hold at
 * most 80 repeated instructions in at most 264 bytes, well inside both limits, and each
 * starts on a page boundary.
 *
 * Fractional figures (M7 x.5) come from the greedy pairing of the M7 model, which alternates
 * between two schedules from one unit to the next; N is even so both variants contain whole
 * periods.
 *
 * Sources are the tags of sim/cost_tables.c: [M0+T] Cortex-M0+ TRM Table 3.1, [M3T] Cortex-M3
 * TRM Table 3.1, [M4T] Cortex-M4 TRM Table 3-1 and 3.3.2, [TI] TI SWCU192 (M4 integer and FPU
 * tables), [LLVM7] ARMScheduleM7.td, [J0]/[J34]/[J7]/[J33] jnk0le "pipeline cycle test"
 * measurements, [E] the estimates cost_tables.c documents, CHOICES = the "choices where sources
 * give a range or disagree" section of sim/cost_tables.c. Arm publishes no cycle tables for the
 * M7 or the M33: those columns assert what cost_tables.c derives from [LLVM7], [J7], [J33] and
 * [E].
 *
 * Without arm-none-eabi-gcc every test skips with one message. Debugging:
 * TEST_CALIB_FILTER=pattern runs only the matching tests; TEST_CALIB_VERBOSE=1 prints every
 * measured figure; TEST_CALIB_KEEP=1 keeps the temporary sources and ELFs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/board.h"
#include "sim/elf.h"
#include "sim/sim.h"
#include "tests/sim/asmfw.h"

#define N_REP 8            /* units in the short variant; the long one has 2 * N_REP */
#define PAGE 1024u         /* Unicorn's translation page on the M profile (measured) */
#define BUF_A 0x20000400u  /* r1: a RAM buffer; its first word points to itself */
#define BUF_B 0x20000800u  /* r3: a second RAM buffer */

/* ====================================================================== the benchmarks */

typedef struct {
    const char *name;                /* test name suffix and symbol stem */
    const char *prefix;              /* extra set-up (not timed); NULL: none */
    const char *unit;                /* the repeated instructions, one per line */
    uint32_t insns;                  /* instructions per unit the engine counts; 0: the
                                        unit's lines that are not labels or directives */
    uint32_t blocks;                 /* Unicorn blocks per unit; 0: straight-line code */
    double cyc[SIM_CORE_COUNT];      /* modelled cycles per unit { M0+, M3, M4F, M7, M33 };
                                        0: the core lacks the instructions (not built) */
    const char *src[SIM_CORE_COUNT]; /* the source of each figure (quoted on failure) */
    int reg;                         /* > 0: after the run r<reg> must hold val (r2..r7) */
    uint32_t val;
} bench;

/*
 * Registers at the start of every sequence (set-up common to all): r0 = 0, r1 = BUF_A with
 * [BUF_A] = BUF_A, r2 = 8, r3 = BUF_B, r4 = 0, r5 = 100, r6 = 7, r7 = 0, flags Z = 1 (EQ
 * holds, NE does not); FPU enabled (CPACR) with s1 = 1.0 and s2 = 2.0 on the cores that have
 * one. A bench's prefix runs after that.
 */
static const bench benches[] = {
    /* ------------------------------------------------------------ ALU and issue */
    {"nop2", NULL, "nop\nnop", 0, 0, {2, 2, 2, 1, 2},
     {"[M0+T] NOP 1", "[M3T] NOP 1", "[M4T] NOP 1",
      "[LLVM7] two ALUs, IssueWidth 2: two NOPs issue together",
      "[J33] a NOP pairs only after a 16-bit data-processing or load/store, not a NOP"},
     0, 0},
    {"adds16_nop", NULL, "adds r0, #1\nnop", 0, 0, {2, 2, 2, 1, 1},
     {"[M0+T] ADDS 1 + NOP 1", "[M3T] ADD 1 + NOP 1", "[M4T] ADD 1 + NOP 1",
      "[LLVM7] ALU + ALU pair: 1",
      "[J33] limited dual issue: a 16-bit NOP after a 16-bit ALU op costs 0"}, 0, 0},
    {"add32_nop", NULL, "add.w r0, r0, #1\nnop", 0, 0, {0, 2, 2, 1, 2},
     {NULL, "[M3T] 1 + 1", "[M4T] 1 + 1", "[LLVM7] ALU + ALU pair: 1",
      "[J33] only two 16-bit instructions pair: 1 + 1"}, 0, 0},
    {"adds16_pair", NULL, "adds r0, #1\nadds r4, #1", 0, 0, {2, 2, 2, 1, 2},
     {"[M0+T] ADDS 1 each", "[M3T] 1 each", "[M4T] 1 each",
      "[LLVM7] independent ALU ops pair: 1 per pair",
      "[J33] two 16-bit ALU ops do not pair (only NOP, IT, branches): 1 each"}, 0, 0},
    {"add_indep", NULL, "add.w r0, r0, #1\nadd.w r4, r4, #1", 0, 0, {0, 2, 2, 1, 2},
     {NULL, "[M3T] ADD 1 each", "[M4T] ADD 1 each",
      "[LLVM7]/[J7] dual issue: two independent ADDs = 1 cycle per pair",
      "[J33] 32-bit instructions never pair: 1 each"}, 0, 0},
    {"add_dep", NULL, "add.w r0, r0, #1\nadd.w r0, r0, #1", 0, 0, {0, 2, 2, 2, 2},
     {NULL, "[M3T] 1 each", "[M4T] 1 each",
      "[LLVM7] the second reads the first's result: no pairing, 1 each", "[J33] 1 each"}, 0, 0},
    {"uxtb_pair", NULL, "uxtb r0, r5\nuxtb r4, r6", 0, 0, {2, 2, 2, 2, 2},
     {"[M0+T] UXTB 1 each", "[M3T] UXTB 1 each", "[M4T] UXTB 1 each",
      "[J7]/[LLVM7] extend/bitfield ops use one slot: two never pair", "[J33] 1 each"}, 0, 0},
    {"uxtb_add", NULL, "uxtb r0, r5\nadd.w r4, r4, #1", 0, 0, {0, 2, 2, 1, 2},
     {NULL, "[M3T] 1 + 1", "[M4T] 1 + 1",
      "[J7]/[LLVM7] an extend pairs as the older instruction with an ALU op: 1",
      "[J33] 1 + 1"}, 0, 0},
    {"movw_movt", NULL, "movw r0, #0x1234\nmovt r0, #0x5678", 0, 0, {0, 2, 2, 1, 2},
     {NULL, "[M3T] MOVW 1 + MOVT 1", "[M4T] 1 + 1",
      "[J7] MOVW+MOVT pair although MOVT reads the MOVW's result: 1", "[J33] 1 + 1"}, 0, 0},
    {"op2_use", NULL, "add.w r0, r5, r6, lsl #2\nadd.w r5, r0, #1", 0, 0, {0, 2, 2, 2, 3},
     {NULL, "[M3T] ADD with shifted register 1 + ADD 1",
      "[M4T] ADD with shifted register 1 + ADD 1", "[LLVM7] dependent: no pairing, 1 + 1",
      "[J33] a shifted-register operand2 result has latency 2: the dependent ADD waits 1"}, 0, 0},

    /* M7 operand2 dual-issue matrix [J7]: two inline-shifted-register or shifted-constant
     * instructions never issue together; a constant pattern pairs with either. */
    {"op2_shreg2", NULL, "add.w r0, r0, r5, lsl #2\nadd.w r4, r4, r6, lsl #2", 0, 0,
     {0, 2, 2, 2, 2},
     {NULL, "[M3T] ADD 1 each", "[M4T] ADD 1 each",
      "[J7] operand2 matrix: two inline-shifted-register ops do not pair: 1 each",
      "[J33] 32-bit instructions never pair: 1 each"}, 0, 0},
    {"op2_shconst2", NULL, "add.w r0, r0, #0x1000\nadd.w r4, r4, #0x1000", 0, 0,
     {0, 2, 2, 2, 2},
     {NULL, "[M3T] ADD 1 each", "[M4T] ADD 1 each",
      "[J7] operand2 matrix: two shifted-constant ops do not pair: 1 each",
      "[J33] 32-bit instructions never pair: 1 each"}, 0, 0},
    {"op2_pattern", NULL, "add.w r0, r0, #0x1000\nadd.w r4, r4, #0x11001100", 0, 0,
     {0, 2, 2, 1, 2},
     {NULL, "[M3T] ADD 1 each", "[M4T] ADD 1 each",
      "[J7] operand2 matrix: a shifted constant then a constant pattern pair: 1",
      "[J33] 32-bit instructions never pair: 1 each"}, 0, 0},
    /* M7: an address is formed at EX1 [LLVM7 M7Read_ISS]; [J7] ADD/SUB/MOV run in the
     * early ALU and feed it next cycle, other ALU ops (EOR) a cycle later. */
    {"add_addr", NULL, "add.w r0, r1, r7\nldr r4, [r0]", 0, 0,
     {0, 3, 3, 1, 2},
     {NULL, "[M3T] ADD 1 + LDR 2", "[M4T] ADD 1 + LDR 2 (nothing to pipeline with)",
      "[J7] an early-ALU ADD feeds the next cycle's address: LDR 1 later, and it pairs with "
      "the next unit's ADD: 1",
      "[J33] ADD 1 + LDR 1"}, 0, 0},
    {"eor_addr", NULL, "eor.w r0, r1, r7\nldr r4, [r0]", 0, 0,
     {0, 3, 3, 2, 2},
     {NULL, "[M3T] EOR 1 + LDR 2", "[M4T] EOR 1 + LDR 2 (nothing to pipeline with)",
      "[LLVM7] M7Read_ISS: an address is read a cycle before the late ALU's result (EOR is "
      "not in [J7]'s early-ALU list): LDR waits 1, then pairs with the next EOR: 2",
      "[J33] EOR 1 + LDR 1"}, 0, 0},

    /* ------------------------------------------------------------ multiply and divide */
    {"muls16", NULL, "muls r0, r5, r0\nmuls r4, r5, r4", 0, 0, {2, 2, 2, 2, 4},
     {"[M0+T] MULS 1 (fast multiplier, CHOICES)", "[M3T] MUL 1", "[M4T] MUL 1",
      "[LLVM7] one MAC pipe: two multiplies never pair, 1 each",
      "[J33] 16-bit MULS takes 2"}, 0, 0},
    {"mul_dep", NULL, "mul r0, r0, r5", 0, 0, {0, 1, 1, 2, 2},
     {NULL, "[M3T] MUL 1", "[M4T] MUL 1",
      "[J7] MUL result 1 extra cycle of latency ([LLVM7] latency 2): a chain runs at 2",
      "[J33] MUL result latency 2: a chain runs at 2"}, 0, 0},
    {"mul_use2", NULL, "mul r0, r5, r6\nadd.w r4, r4, #1\nadd.w r7, r0, #1", 0, 0,
     {0, 3, 3, 2, 3},
     {NULL, "[M3T] MUL 1 + ADD 1 + ADD 1", "[M4T] MUL 1 + ADD 1 + ADD 1",
      "[J7] MUL latency 2 reaches past the next instruction: MUL+ADD pair, the dependent "
      "ADD waits for the second cycle and pairs with the next MUL: 2",
      "[J33] MUL 1 + ADD 1 + ADD 1 (the product is 2 instructions back: no wait)"}, 0, 0},
    {"ldrb_use2", NULL,
     "ldrb r0, [r1]\nadd.w r4, r4, #1\nadd.w r5, r5, #1\nadd.w r7, r0, #1\n"
     "add.w r6, r6, #1", 0, 0, {0, 6, 6, 3, 5},
     {NULL, "[M3T] LDRB 2 + 4 ADD", "[M4T] LDRB 2 + 4 ADD",
      "[J7] byte load latency 2 counted in cycles, not instructions: LDRB+ADD, ADD, then the "
      "consumer waits for cycle 2 and pairs with the last ADD: 3",
      "[J33] 1 + ADD 1 + ADD 1 + ADD 1 + ADD 1: 5"}, 0, 0},
    {"mul_indep", NULL, "mul r0, r5, r6\nmul r4, r5, r6", 0, 0, {0, 2, 2, 2, 2},
     {NULL, "[M3T] MUL 1 each", "[M4T] MUL 1 each", "[LLVM7] one MAC pipe: 1 each",
      "[J33] MUL issue 1"}, 0, 0},
    {"mul_use", NULL, "mul r0, r5, r6\nadd.w r5, r0, #0", 0, 0, {0, 2, 2, 3, 3},
     {NULL, "[M3T] MUL 1 + ADD 1", "[M4T] MUL 1 + ADD 1",
      "[J7]/[LLVM7] MUL latency 2: the ADD waits 1, no pairing",
      "[J33] MUL latency 2: the ADD waits 1"}, 0, 0},
    {"mla_acc", NULL, "mla r0, r5, r6, r0", 0, 0, {0, 2, 1, 1, 1},
     {NULL, "[M3T] MLA 2",
      "[M4T] (100166) Table 3-1 MLA 1 and [TI] 1; DDI0439B-based simulators use 2 (CHOICES)",
      "[J7] the accumulator is read late: an MLA chain issues every cycle",
      "[J33] the accumulator chains every cycle"}, 0, 0},
    {"smull", NULL, "smull r0, r4, r5, r6", 0, 0, {0, 5, 1, 1, 1},
     {NULL, "[M3T] SMULL 3..5: the model takes the worst case 5 (CHOICES)",
      "[M4T] SMULL 1", "[LLVM7] issue 1", "[E] as MUL: 1"}, 0, 0},
    {"smlal_acc", NULL, "smlal r0, r4, r5, r6", 0, 0, {0, 7, 1, 1, 1},
     {NULL, "[M3T] SMLAL 4..7: the model takes the worst case 7 (CHOICES)",
      "[M4T] SMLAL 1", "[LLVM7] issue 1; RdLo/RdHi are accumulators, no wait",
      "[E] 1; accumulators chain"}, 0, 0},
    {"smlad_acc", NULL, "smlad r0, r5, r6, r0", 0, 0, {0, 0, 1, 1, 1},
     {NULL, NULL, "[M4T] SMLAD 1", "[LLVM7]/[J7] DSP MAC issue 1, accumulator chains",
      "[J33] DSP MAC issue 1, accumulator chains"}, 0, 0},
    /* SDIV/UDIV: the TRMs give 2..12 cycles with early termination that depends on the
     * operands; the model is static and charges one documented figure, 7 (the midpoint,
     * CHOICES), whatever the operands: 100 / 7, -100 / 7 and 0xffffffff / 1 (the slowest
     * case on silicon) all cost 7. The quotient is checked to prove the division ran. */
    {"udiv", NULL, "udiv r4, r5, r6", 0, 0, {0, 7, 7, 7, 7},
     {NULL, "[M3T] UDIV 2..12: fixed midpoint 7 (CHOICES)",
      "[M4T] UDIV 2..12: fixed midpoint 7 (CHOICES)",
      "[LLVM7] UDIV latency 7, single issue", "[E] no published figure: 7 as M3/M4"},
     4, 14},
    {"sdiv", "movs r5, #100\nnegs r5, r5", "sdiv r4, r5, r6", 0, 0, {0, 7, 7, 7, 7},
     {NULL, "[M3T] SDIV 2..12: fixed midpoint 7 (CHOICES)",
      "[M4T] SDIV 2..12: fixed midpoint 7 (CHOICES)",
      "[LLVM7] SDIV latency 7, single issue", "[E] no published figure: 7 as M3/M4"},
     4, 0xfffffff2u},
    {"udiv_slow", "movs r5, #0\nmvns r5, r5\nmovs r6, #1", "udiv r4, r5, r6", 0, 0,
     {0, 7, 7, 7, 7},
     {NULL, "[M3T] 12 on silicon for 0xffffffff / 1: the model charges 7 (CHOICES)",
      "[M4T] 12 on silicon for 0xffffffff / 1: the model charges 7 (CHOICES)",
      "[LLVM7] latency 7 whatever the operands", "[E] 7"},
     4, 0xffffffffu},

    /* ------------------------------------------------------------ loads and stores */
    {"ldr1", NULL, "ldr r0, [r1]\nnop", 0, 0, {3, 3, 3, 1, 1},
     {"[M0+T] LDR 2 + NOP 1", "[M3T] LDR 2 (nothing to pipeline with) + NOP 1",
      "[M4T] LDR 2 (nothing to pipeline with) + NOP 1",
      "[LLVM7] LDR 1; the NOP pairs with it",
      "[J33] LDR 1; a 16-bit NOP after a 16-bit load costs 0"}, 0, 0},
    {"ldr2", NULL, "ldr r0, [r1]\nldr r4, [r1, #4]\nnop", 0, 0, {5, 4, 4, 1.5, 2},
     {"[M0+T] LDR 2 each, no pipelining + NOP 1",
      "[M3T] back-to-back LDRs: first 2, the next pipelined 1; + NOP 1",
      "[M4T] 3.3.2 back-to-back LDRs: first 2, the next pipelined 1; + NOP 1",
      "[J7] two loads 4 bytes apart hit different banks and pair; greedy pairing "
      "alternates 2 and 1 per unit",
      "[J33] LDR 1 each, the NOP pairs with the second"}, 0, 0},
    {"ldr4", NULL, "ldr r0, [r1]\nldr r4, [r1, #4]\nldr r7, [r1, #8]\nldr r2, [r1, #12]\nnop",
     0, 0, {9, 6, 6, 2.5, 4},
     {"[M0+T] LDR 2 each + NOP 1", "[M3T] LDR chain 2 + 1 + 1 + 1, + NOP 1",
      "[M4T] 3.3.2 LDR chain 2 + 1 + 1 + 1, + NOP 1",
      "[J7] bank-split pairs; greedy pairing alternates 3 and 2 per unit",
      "[J33] LDR 1 each, the NOP pairs with the last"}, 0, 0},
    {"ldr_ptr", NULL, "ldr r0, [r1]\nldr r1, [r0]", 0, 0, {4, 4, 4, 4, 4},
     {"[M0+T] LDR 2 each", "[M3T] a load whose address the previous load wrote does not "
      "pipeline: 2 each", "[M4T] 3.3.2: address from the previous load: 2 each",
      "[J7] a word load reaches an address (formed at EX1) after 2 ([LLVM7] WriteLd 1 + "
      "M7Read_ISS): each waits 1",
      "[J33] load-to-use latency 2: each waits 1"}, 0, 0},
    {"ldr_post2", NULL, "ldr r0, [r1], #4\nldr r4, [r3], #4", 0, 0, {0, 4, 2, 2, 2},
     {NULL, "[J34] cm3: only a chain's first load may be pre/post-indexed: 2 each",
      "[J34] cm4: post-indexed loads on different bases pipeline: 1 each",
      "[LLVM7] 1 each (loads on different bases do not pair)",
      "[J33] 1 each; a written-back base needs no wait"}, 0, 0},
    {"ldr_post1", NULL, "ldr r0, [r1], #4", 0, 0, {0, 2, 2, 1, 1},
     {NULL, "[J34] cm3: a post-indexed load is never pipelined: 2",
      "[M4T] 3.3.2/[J34]: the base was written back by the previous load: 2",
      "[LLVM7] LDR 1", "[J33] LDR 1"}, 0, 0},
    {"ldr_add", NULL, "ldr r0, [r1]\nadd.w r4, r4, #1", 0, 0, {0, 3, 3, 1, 2},
     {NULL, "[M3T] LDR 2 + ADD 1", "[M4T] LDR 2 + ADD 1",
      "[J7]/[LLVM7] a load pairs with an independent ALU op: 1", "[J33] 1 + 1"}, 0, 0},
    {"ldr_bank", NULL, "ldr r0, [r1]\nldr r4, [r1, #4]", 0, 0, {4, 2, 2, 1, 2},
     {"[M0+T] LDR 2 each", "[M3T] pipelined LDRs 1 each", "[M4T] pipelined LDRs 1 each",
      "[J7] two loads pair when they hit different 32-bit banks (offsets 4 apart): 1",
      "[J33] LDR 1 each"}, 0, 0},
    {"ldr_samebank", NULL, "ldr r0, [r1]\nldr r4, [r1, #8]", 0, 0, {4, 2, 2, 2, 2},
     {"[M0+T] LDR 2 each", "[M3T] pipelined LDRs 1 each", "[M4T] pipelined LDRs 1 each",
      "[J7] two loads of one bank (offsets 8 apart) do not pair: 1 each",
      "[J33] LDR 1 each"}, 0, 0},
    {"ldr_use", NULL, "ldr r0, [r1]\nadd.w r1, r0, #0", 0, 0, {0, 3, 3, 2, 3},
     {NULL, "[M3T] LDR 2 + ADD 1", "[M4T] LDR 2 + ADD 1",
      "[J7]/[LLVM7] a word load feeds the next ALU op without a stall (no pairing): 1 + 1",
      "[J33] load-to-use latency 2: the ADD waits 1"}, 0, 0},
    {"ldrb_use", NULL, "ldrb r0, [r1]\nadd.w r1, r1, r0", 0, 0, {0, 3, 3, 3, 3},
     {NULL, "[M3T] LDRB 2 + ADD 1", "[M4T] LDRB 2 + ADD 1",
      "[J7] byte/halfword loads have 1 extra cycle of result latency ([LLVM7] 2)",
      "[J33] load-to-use latency 2"}, 0, 0},
    /* DMB issues alone on the M7, so these pairs cannot pair across units. */
    {"ldr_mul", NULL, "dmb\nldr r0, [r1]\nmul r4, r0, r5", 0, 0, {0, 5, 5, 6, 5},
     {NULL, "[M3T] DMB 2 (CHOICES) + LDR 2 + MUL 1",
      "[M4T] DMB 2 (CHOICES) + LDR 2 + MUL 1",
      "[LLVM7] DMB 3 + LDR 1 + MUL 2: [J7] a multiply cannot take a load's result from the "
      "previous cycle",
      "[E] DMB 2 + [J33] LDR 1 + MUL 1 waiting 1 (load-to-use 2)"}, 0, 0},
    {"ldr_mla_acc", NULL, "dmb\nldr r0, [r1]\nmla r4, r5, r6, r0", 0, 0, {0, 6, 5, 4, 4},
     {NULL, "[M3T] DMB 2 + LDR 2 + MLA 2", "[M4T] DMB 2 + LDR 2 + MLA 1",
      "[LLVM7] DMB 3 + LDR and MLA paired 1: the accumulator is read a stage after the word "
      "load's data (WriteLd 1 - ReadMAC advance 1 = 0; [J7] accumulators are read after the "
      "late ALU)",
      "[E] DMB 2 + [J33] LDR 1 + MLA 1: a load feeds an accumulator in 1"}, 0, 0},
    {"ldr_str_addr", NULL, "dmb\nldr r0, [r1]\nstr r4, [r0, #4]", 0, 0, {7, 6, 6, 6, 5},
     {"[M0+T] DMB 3 + LDR 2 + STR 2",
      "[M3T] DMB 2 + LDR 2 + STR 2: a store whose address the previous load wrote is not "
      "pipelined and costs the table's 2",
      "[M4T] 3.3.2: DMB 2 + LDR 2 + STR (address from the previous load, not pipelined) 2",
      "[LLVM7] DMB 3 + LDR 1 + STR 1 waiting 1: the address is formed at EX1, a word load "
      "reaches it after 2 ([J7], [LLVM7] M7Read_ISS)",
      "[E] DMB 2 + [J33] LDR 1 + STR 1 waiting 1 (load-to-use 2)"}, 0, 0},
    {"ldr_ldrd", NULL, "ldr r0, [r1]\nldrd r4, r7, [r1, #8]", 0, 0, {0, 5, 5, 2, 3},
     {NULL, "[M3T] LDR 2 + LDRD 1+2: LDRD never pipelines, nor does a load after it",
      "[M4T] LDR 2 + LDRD 1+2: LDRD never pipelines, nor does a load after it",
      "[LLVM7] LDRD issues alone: 1 + 1", "[J33] LDR 1 + LDRD 2"}, 0, 0},
    {"str_imm", NULL, "str r0, [r1, #4]", 0, 0, {2, 1, 1, 1, 1},
     {"[M0+T] STR 2", "[M3T]: \"STR Rx,[Ry,#imm] is always one cycle\", [J34] 1 (CHOICES)",
      "[M4T] 3.3.2: STR Rx,[Ry,#imm] is always one cycle, [J34] 1 (CHOICES)",
      "[LLVM7] one store unit: 1 each", "[E] 1"}, 0, 0},
    {"str_reg", NULL, "str r0, [r1, r2]", 0, 0, {2, 2, 2, 1, 1},
     {"[M0+T] STR Rd,[Rn,Rm] 2", "[M3T] STR 2; [J34] register offset 2",
      "[M4T] STR 2; [J34] register offset 2", "[LLVM7] 1", "[E] 1"}, 0, 0},
    {"str_ldr", NULL, "str r0, [r1, #4]\nldr r4, [r1, #8]", 0, 0, {4, 4, 4, 1, 2},
     {"[M0+T] STR 2 + LDR 2",
      "[J34] a load right after a store costs 1 more: LDR 3; the STR pipelines after the "
      "previous LDR: 1",
      "[J34] LDR after STR 3, STR pipelined after LDR 1",
      "[LLVM7] a store and a load pair: 1", "[J33] 1 + 1"}, 0, 0},
    {"str_post", NULL, "str r0, [r1], #4", 0, 0, {0, 2, 2, 1, 1},
     {NULL, "[J34] post-indexed stores on one base do not chain: 1 + 1",
      "[J34] post-indexed stores on one base do not chain: 1 + 1", "[LLVM7] 1", "[E] 1"}, 0, 0},
    {"str_str", NULL, "str r0, [r1]\nstr r4, [r1, #4]", 0, 0, {4, 2, 2, 2, 2},
     {"[M0+T] STR 2 each", "[M3T] STR imm 1 each", "[M4T] STR imm 1 each",
      "[J7] two stores do not dual-issue: 1 each", "[E] 1 each"}, 0, 0},
    {"str_ldm", NULL, "str r0, [r1, #4]\nldm r3!, {r4, r7}", 0, 0, {5, 5, 5, 2, 3},
     {"[M0+T] STR 2 + LDM 1+N", "[J34] STR 1 + LDM 1+N and 1 more right after a store",
      "[J34] STR 1 + LDM 1+N and 1 more right after a store",
      "[LLVM7] STR 1 + LDM ceil(N/2), issues alone", "[E] STR 1 + [J33] LDM N"}, 0, 0},
    {"mul_str", NULL, "mul r0, r5, r6\nstr r4, [r1]", 0, 0, {0, 2, 2, 2, 2},
     {NULL, "[M3T] MUL 1 + STR 1", "[M4T] MUL 1 + STR 1",
      "[J7] a multiply does not pair with a store: 1 + 1", "[J33] 1 + 1"}, 0, 0},
    {"mul_add", NULL, "mul r0, r5, r6\nadd.w r4, r4, #1", 0, 0, {0, 2, 2, 1, 2},
     {NULL, "[M3T] MUL 1 + ADD 1", "[M4T] MUL 1 + ADD 1",
      "[LLVM7] MAC + ALU pair: 1", "[J33] 1 + 1"}, 0, 0},

    /* ------------------------------------------------------------ multiple transfers */
    {"ldm2", NULL, "ldm r1!, {r4, r7}", 0, 0, {3, 3, 3, 1, 2},
     {"[M0+T] LDM 1+N", "[M3T] LDM 1+N", "[M4T] Table 3-1: LDM 1+N",
      "[J7] LDM takes ceil(N/2)", "[J33] LDM of N registers takes N"}, 0, 0},
    {"ldm4", NULL, "ldm r1!, {r2, r4, r6, r7}", 0, 0, {5, 5, 5, 2, 4},
     {"[M0+T] LDM 1+N", "[M3T] LDM 1+N", "[M4T] Table 3-1: LDM 1+N",
      "[J7] LDM takes ceil(N/2)", "[J33] LDM of N registers takes N"}, 0, 0},
    {"ldm6", NULL, "ldm r1!, {r0, r2, r4, r5, r6, r7}", 0, 0, {7, 7, 7, 3, 6},
     {"[M0+T] LDM 1+N", "[M3T] LDM 1+N", "[M4T] Table 3-1: LDM 1+N",
      "[J7] LDM takes ceil(N/2)", "[J33] LDM of N registers takes N"}, 0, 0},
    {"stm4", NULL, "stm r1!, {r2, r4, r6, r7}", 0, 0, {5, 5, 5, 2, 4},
     {"[M0+T] STM 1+N", "[M3T] STM 1+N", "[M4T] Table 3-1: STM 1+N",
      "[J7] STM takes ceil(N/2)", "[J33] STM of N registers takes N"}, 0, 0},
    {"push_pop", NULL, "push {r4, r5, r6, r7}\npop {r4, r5, r6, r7}", 0, 0,
     {10, 10, 10, 4, 8},
     {"[M0+T] PUSH 1+N + POP 1+N", "[M3T] PUSH 1+N + POP 1+N", "[M4T] PUSH 1+N + POP 1+N",
      "[J7] ceil(N/2) each", "[J33] N each"}, 0, 0},
    {"ldrd", NULL, "ldrd r4, r7, [r1]", 0, 0, {0, 3, 3, 1, 2},
     {NULL, "[M3T] LDRD 1+2", "[M4T] LDRD 1+2", "[J7] as a 2-register LDM: ceil(2/2)",
      "[J33] load double 2"}, 0, 0},
    {"strd", NULL, "strd r4, r7, [r1, #8]", 0, 0, {0, 3, 3, 1, 2},
     {NULL, "[M3T] STRD 1+2", "[M4T] STRD 1+2", "[J7] as a 2-register STM: ceil(2/2)",
      "[J33] store double 2"}, 0, 0},

    /* ------------------------------------------------------------ branches */
    {"b", NULL, "b 1f\n1:", 0, 1, {2, 3, 3, 1, 2},
     {"[M0+T] B taken 2", "[M3T] B 1+P, P = 2 (P is 1..3: CHOICES)",
      "[M4T] B 1+P, P = 2 (P is 1..3: CHOICES)",
      "an unconditional direct branch is always predicted: 1 issue slot",
      "[J33] taken branch 2"}, 0, 0},
    {"mov_b", NULL, "mov r0, r4\nb 1f\n1:", 0, 1, {3, 4, 4, 1, 2},
     {"[M0+T] MOV 1 + B 2", "[M3T] MOV 1 + B 1+P", "[M4T] MOV 1 + B 1+P",
      "[J7] a predicted branch pairs with the instruction before it: 1",
      "[J33] a taken 16-bit B after a 16-bit instruction that sets no flags: 1 + 1"}, 0, 0},
    {"movs_b", NULL, "movs r0, #1\nb 1f\n1:", 0, 1, {3, 4, 4, 1, 3},
     {"[M0+T] MOVS 1 + B 2", "[M3T] MOVS 1 + B 1+P", "[M4T] MOVS 1 + B 1+P",
      "[J7] the branch pairs (predicted, does not wait for the flags): 1",
      "[J33] after a flag-setting instruction the taken B costs 2: 1 + 2"}, 0, 0},
    {"beq_taken", NULL, "beq 1f\nnop\n1:", 1, 1, {2, 3, 3, 9, 2},
     {"[M0+T] B<cc> taken 2", "[M3T] B<cc> taken 1+P", "[M4T] B<cc> taken 1+P",
      "each unit is a new forward branch, statically predicted not taken: 1 + [J7] "
      "mispredict 8 (the flags, set before the block, are not 3 cycles old)",
      "[J33] taken branch 2"}, 0, 0},
    {"bne_not_taken", NULL, "bne 1f\nnop\n1:", 2, 1, {2, 2, 2, 1, 1},
     {"[M0+T] B<cc> not taken 1 + NOP 1", "[M3T] B<cc> not taken 1 + NOP 1",
      "[M4T] B<cc> not taken 1 + NOP 1",
      "[J7] a not-taken branch pairs with the NOP before it: 1",
      "[J33] a not-taken 16-bit B<cc> after a 16-bit instruction costs 0: NOP 1"}, 0, 0},
    {"mov_beq", NULL, "mov r0, r4\nbeq 1f\nnop\n1:", 2, 1, {3, 4, 4, 9, 2},
     {"[M0+T] MOV 1 + B<cc> taken 2", "[M3T] MOV 1 + B<cc> taken 1+P",
      "[M4T] MOV 1 + B<cc> taken 1+P",
      "[J7] the branch pairs with the MOV: 1, + 8: a new forward branch, predicted not taken",
      "[J33] a taken 16-bit B<cc> after a 16-bit instruction that sets no flags: 1 + 1"},
     0, 0},
    {"movs_beq", NULL, "movs r0, #0\nbeq 1f\nnop\n1:", 2, 1, {3, 4, 4, 9, 3},
     {"[M0+T] MOVS 1 + B<cc> taken 2", "[M3T] MOVS 1 + B<cc> taken 1+P",
      "[M4T] MOVS 1 + B<cc> taken 1+P",
      "[J7] the branch pairs: 1, + 8: a new forward branch, predicted not taken",
      "[J33] a taken B<cc> right after a flag-setting instruction costs 2: 1 + 2"}, 0, 0},
    {"cmp_bne", NULL, "cmp r0, r0\nbne 1f\n1:", 2, 1, {2, 2, 2, 1, 1},
     {"[M0+T] CMP 1 + B<cc> not taken 1", "[M3T] CMP 1 + B<cc> not taken 1",
      "[M4T] CMP 1 + B<cc> not taken 1", "[J7] the branch pairs with the CMP: 1",
      "[J33] a not-taken 16-bit B<cc> after a 16-bit instruction costs 0, even one that "
      "sets the flags: 1 + 0"}, 0, 0},
    {"cbz_taken", NULL, "cbz r0, 1f\nnop\n1:", 1, 1, {0, 3, 3, 9, 2},
     {NULL, "[M3T] CBZ taken 1+P", "[M4T] CBZ taken 1+P",
      "CBZ 1 + [J7] mispredict 8: CBZ only branches forward, a new one is predicted not taken",
      "[E] 1+P with P = 1"}, 0, 0},
    {"cbnz_not_taken", NULL, "cbnz r0, 1f\nnop\n1:", 2, 1, {0, 2, 2, 1, 2},
     {NULL, "[M3T] CBNZ not taken 1 + NOP 1", "[M4T] CBNZ not taken 1 + NOP 1",
      "[J7] the branch pairs with the NOP before it: 1",
      "[J33] CBNZ not taken 1 (only B pairs) + NOP 1"}, 0, 0},
    {"bl_bx", NULL, "bl calib_ret", 2, 2, {5, 6, 6, 2, 4},
     {"[M0+T] BL 3 + BX 2", "[M3T] BL 1+P + BX 1+P, P = 2", "[M4T] BL 1+P + BX 1+P, P = 2",
      "predicted: BL 1 + BX 1", "[E] BL 1+P + BX 1+P, P = 1"}, 0, 0},
    {"bl_pop_pc", NULL, "bl calib_pushpop", 3, 2, {11, 11, 11, 3, 7},
     {"[M0+T] BL 3 + PUSH {r4,lr} 1+N + POP {r4,pc} 3+N (N = 2)",
      "[M3T] BL 1+P + PUSH 1+N + POP with pc 1+N+P (N = 2, P = 2)",
      "[M4T] BL 1+P + PUSH 1+N + POP with pc 1+N+P (N = 2, P = 2)",
      "[J7] BL 1 + PUSH ceil(2/2) + POP 1 (predicted return)",
      "[E] BL 2 + [J33] PUSH 2 + POP 2 + [E] P 1"}, 0, 0},
    {"bl_ldr_pc", NULL, "bl calib_ldrpc", 3, 2, {0, 9, 9, 3, 6},
     {NULL, "[M3T] BL 1+P + PUSH {lr} 1+1 + LDR pc 2+P (P = 2)",
      "[M4T] BL 1+P + PUSH {lr} 1+1 + LDR pc 2+P (P = 2)",
      "BL 1 + [J7] PUSH ceil(1/2) + LDR pc 1 (predicted)",
      "[E] BL 2 + [J33] PUSH 1 + [E] LDR pc 3"}, 0, 0},
    {"tbb", NULL, "tbb [pc, r0]\n0:\n.byte (1f - 0b) / 2, 0\n1:", 0, 1, {0, 5, 5, 2, 4},
     {NULL, "[M3T] TBB 2+P; [M4T] 3.3.2 breakdown 2 (load) + 1 (add) + P = 5 (CHOICES)",
      "[M4T] 3.3.2: load 2 + add 1 + P 2 = 5 (Table 3-1 says 2+P: CHOICES)",
      "[LLVM7] M7TableLoad: 2 micro-ops, single issue", "[E] load 2 + add 1 + P 1"}, 0, 0},
    {"it_fold", NULL, "mov r0, r7\nit eq\nmoveq r7, r4", 0, 0, {0, 2, 2, 2, 2},
     {NULL, "[M3T] IT folded onto a preceding 16-bit instruction: MOV 1 + IT 0 + MOV 1",
      "[M4T] IT can be folded onto a preceding 16-bit Thumb instruction: 1 + 0 + 1",
      "[J7] IT behaves like a predicted not-taken branch and pairs: 1 + 0 + 1",
      "[J33] IT dual-issues with the preceding 16-bit instruction: 1 + 0 + 1"}, 0, 0},
    {"it_nofold", NULL, "mov.w r0, r7\nit eq\nmoveq r7, r4", 0, 0, {0, 3, 3, 2, 3},
     {NULL, "[M3T] IT after a 32-bit instruction is not folded: 1 + 1 + 1",
      "[M4T] IT after a 32-bit instruction is not folded: 1 + 1 + 1",
      "[J7] IT pairs with the MOV.W: 1 + 0 + 1",
      "[J33] IT pairs only with a 16-bit instruction: 1 + 1 + 1"}, 0, 0},

    /* ------------------------------------------------------------ system */
    {"dmb", NULL, "dmb", 0, 0, {3, 2, 2, 3, 2},
     {"[M0+T] DMB 3", "[M3T] DMB 1+B: 2 (CHOICES)", "[M4T] DMB 1+B: 2 (CHOICES)",
      "[LLVM7] M7NonGeneralPurpose: latency 3, single issue", "[E] as M4: 2"}, 0, 0},
    {"mrs", NULL, "mrs r0, primask", 0, 0, {3, 2, 2, 3, 2},
     {"[M0+T] MRS 3", "[M3T] MRS 1 or 2: 2 (CHOICES)", "[M4T] MRS 1 or 2: 2 (CHOICES)",
      "[LLVM7] M7NonGeneralPurpose: 3, single issue", "[E] as M4: 2"}, 0, 0},

    /* Unicorn ends a block after every CPS (it may unmask interrupts): 1 block per unit. */
    {"cpsid", NULL, "cpsid i", 0, 1, {1, 1, 1, 1, 1},
     {"[M0+T] CPS 1", "[M3T] CPS 1 or 2: 1 (CHOICES)", "[M4T] CPS 1 or 2: 1 (CHOICES)",
      "cost.c sys_light 1 (issues alone)", "[E] cost.c sys_light 1"}, 0, 0},

    /* ------------------------------------------------------------ floating point */
    {"vadd", NULL, "vadd.f32 s0, s1, s2", 0, 0, {0, 0, 1, 1, 1},
     {NULL, NULL, "[TI] VADD.F32 1", "[LLVM7] issue 1 (FP ops do not pair with each other)",
      "[E] as M4: 1"}, 0, 0},
    {"vadd_add", NULL, "vadd.f32 s0, s1, s2\nadd.w r0, r0, #1", 0, 0, {0, 0, 2, 1, 2},
     {NULL, NULL, "[TI] VADD 1 + [M4T] ADD 1", "[LLVM7] FP + ALU pair: 1", "[E] 1 + 1"}, 0, 0},
    {"vmla_acc", NULL, "vmla.f32 s0, s1, s2", 0, 0, {0, 0, 3, 3, 3},
     {NULL, NULL, "[TI] VMLA.F32 3", "[J7] issue 1, VMLA to VMLA accumulator latency 3: a chain runs "
      "at 3",
      "[J33] issue 1, then no FP instruction for 2 cycles: a chain runs at 3"}, 0, 0},
    {"vfma_acc", NULL, "vfma.f32 s0, s1, s2", 0, 0, {0, 0, 3, 3, 3},
     {NULL, NULL, "[TI] VFMA.F32 3",
      "[J7] VFMA to VFMA accumulator latency 3 ([LLVM7] 5 - ReadFPMAC advance 2): 3",
      "[J33] issue 1, then no FP instruction for 2 cycles"}, 0, 0},
    {"vfma_shadow", NULL, "vfma.f32 s0, s1, s2\nadd.w r0, r0, #1\nvadd.f32 s4, s5, s6", 0, 0,
     {0, 0, 5, 3, 4},
     {NULL, NULL, "[TI] VFMA 3 + ADD 1 + VADD 1",
      "[LLVM7] VFMA + ADD pair, VADD 1, the next VFMA waits for its accumulator ([J7] "
      "latency 3): 3 (the VADD shadow [J7] is not modelled)",
      "[J33] VFMA 1 + ADD 1 + VADD 1 waiting 1 (no FP op for 2 cycles after a VFMA)"}, 0, 0},
    {"vfma_vldr", NULL, "vfma.f32 s0, s1, s2\nvldr s4, [r1]", 0, 0, {0, 0, 5, 3, 4},
     {NULL, NULL, "[TI] VFMA 3 + VLDR.32 2",
      "[J7] an FP multiply-accumulate does not pair with a VLDR: 1 + 1, and the next VFMA "
      "waits for its accumulator (latency 3): 3",
      "[J33] VFMA 1 + VLDR 1 waiting 2 (no FP instruction for 2 cycles after a VFMA)"},
     0, 0},
    {"vdiv", NULL, "vdiv.f32 s0, s1, s2", 0, 0, {0, 0, 14, 16, 14},
     {NULL, NULL, "[TI] VDIV.F32 14", "[J7] VDIV.F32 16, [LLVM7] 16 (CHOICES)",
      "[E] as M4: 14"}, 0, 0},
    {"vsqrt", NULL, "vsqrt.f32 s0, s1", 0, 0, {0, 0, 14, 16, 14},
     {NULL, NULL, "[TI] VSQRT.F32 14", "[LLVM7] 16 ([J7] measured 14: CHOICES)",
      "[E] as M4: 14"}, 0, 0},
    {"vldr", NULL, "vldr s0, [r1]", 0, 0, {0, 0, 2, 1, 1},
     {NULL, NULL, "[TI] VLDR.32 2", "[LLVM7] VLDRS 1", "[E] as LDR: 1"}, 0, 0},
    {"vstr", NULL, "vstr s0, [r1, #8]", 0, 0, {0, 0, 2, 1, 1},
     {NULL, NULL, "[E] VSTR 2 (OTAWA uses 3)", "[LLVM7] 1", "[E] 1"}, 0, 0},
    {"vldm4", NULL, "vldmia r1, {s4-s7}", 0, 0, {0, 0, 5, 2, 4},
     {NULL, NULL, "[TI] VLDM 1+N singles", "[J7] as LDM: ceil(N/2)", "[J33] as LDM: N"}, 0, 0},
    {"vmov_core", NULL, "vmov s0, r0", 0, 0, {0, 0, 2, 1, 2},
     {NULL, NULL, "[TI] VMOV core to S 2", "[LLVM7] WriteFPMOV issue 1", "[E] as M4: 2"}, 0, 0},
};

#define N_BENCH (sizeof benches / sizeof benches[0])

/*
 * BRANCH PREDICTION (M7). The benches above repeat straight-line code, so each of their
 * branches runs once: on the M7 a taken conditional branch met for the first time is
 * mispredicted when it goes forward (static prediction, sim/cost_tables.c "M7 branch prediction").
 * These cases run one branch many times instead: the same code in an outer loop of R = N and
 * 2N iterations,
 *         movs r5, #R
 *     outer:
 *         <body>
 *         subs r5, #1
 *         bne outer
 * so cycles(2N) - cycles(N) = N * (one outer iteration in the steady state: every branch
 * has its history; the outer branch is taken and predicted, its final fall-through is the
 * same in both variants). The per-core figures are the static block costs (the benches'
 * rules) plus, on the M7 only, 8 cycles per mispredict (6 when the flags were set at least 3
 * cycles before the branch) [J7]. r7 counts executions of a marked instruction: checked.
 */
typedef struct {
    const char *name;
    const char *body;                /* one outer iteration (may use local labels 2: to 9:) */
    double cyc[SIM_CORE_COUNT];      /* cycles per outer iteration; 0: not built */
    const char *src[SIM_CORE_COUNT];
    uint32_t r7_per2;                /* r7 increments per two outer iterations */
} pcase;

static const pcase pcases[] = {
    /* Blocks: A = MOVS r4 + the first inner iteration (Unicorn translates the fall-in and
     * the loop head separately; both end with the same BNE, which has one predictor entry),
     * B = ADDS, SUBS, BNE (3 times: taken, taken, not taken), C = the outer SUBS, BNE. */
    {"p_loop4", "movs r4, #4\n2:\nadds r7, #1\nsubs r4, #1\nbne 2b", {19, 23, 23, 17, 18},
     {"[M0+T] A 1+1+1+2, B 1+1+2 twice, B 1+1+1, C 1+2: 5 + 8 + 3 + 3 (no prediction)",
      "[M3T] A 1+1+1+(1+P), B 1+1+(1+P) twice, B 1+1+1, C 1+(1+P): 6 + 10 + 3 + 4",
      "[M4T] as the M3: 6 + 10 + 3 + 4",
      "A 2 (MOVS+ADDS pair, SUBS+BNE pair), B 2 three times, C 1: 9 as predicted, + one "
      "mispredict per loop run, [J7] 8 (the SUBS right before the BNE: no early flags): the "
      "2-bit counter predicts T, T, T and misses the exit; the miss leaves it weakly taken, "
      "so the next run's first iteration is predicted",
      "[J33] A 1+1+1+2, B 1+1+2 twice, B 1+1+0, C 1+2: 5 + 8 + 2 + 3 (no prediction)"},
     8},
    /* The same with the flags set 3 cycles before the BNE on the M7: the SUBS pairs with the
     * first ADD.W, three dependent ADD.W follow, the BNE pairs with the last. */
    {"p_loop4_early",
     "movs r4, #4\n2:\nsubs r4, #1\nadd.w r7, r7, #1\nadd.w r7, r7, #1\nadd.w r7, r7, #1\n"
     "add.w r7, r7, #1\nbne 2b",
     {0, 35, 35, 24, 31},
     {NULL, "[M3T] A 1+1+4+(1+P), B 1+4+(1+P) twice, B 1+4+1, C 1+(1+P): 9 + 16 + 6 + 4",
      "[M4T] as the M3: 9 + 16 + 6 + 4",
      "A 5, B 4 three times, C 1: 18 as predicted, + the exit mispredict with the flags set "
      "3 cycles before the branch: [J7] 6",
      "[J33] A 1+1+4+2, B 1+4+2 twice, B 1+4+1, C 1+2: 8 + 14 + 6 + 3"},
     32},
    /* A one-trip loop: its BNE never branches. */
    {"p_loop1", "movs r4, #1\n2:\nadds r7, #1\nsubs r4, #1\nbne 2b", {7, 8, 8, 3, 6},
     {"[M0+T] A 1+1+1+1, C 1+2", "[M3T] A 1+1+1+1, C 1+(1+P)", "[M4T] A 1+1+1+1, C 1+(1+P)",
      "A 2 + C 1, no mispredict: the backward BNE, statically predicted taken, misses only "
      "in the first run (in both variants); from then on the counter predicts not taken",
      "[J33] A 1+1+1+0 (a not-taken BNE.N pairs), C 1+2"},
     2},
    /* A forward BEQ taken in every other iteration (r5 even: TST r5, r6 with r6 = 1):
     * taken, X = TST, BEQ then C = SUBS, BNE; not taken, X then Y = ADDS, SUBS, BNE. */
    {"p_alt", "tst r5, r6\nbeq 2f\nadds r7, #1\n2:", {6, 7.5, 7.5, 10.5, 5.5},
     {"[M0+T] (X 1+2 + C 1+2) and (X 1+1 + Y 1+1+2): 6 on average",
      "[M3T] (X 1+(1+P) + C 1+(1+P)) and (X 1+1 + Y 1+1+(1+P)): 7.5 on average",
      "[M4T] as the M3: 7.5 on average",
      "(X 1 + C 1) and (X 1 + Y 2): 2.5 as predicted, + [J7] 8 per iteration: the counter of "
      "a new forward branch starts weakly not taken and an alternating branch swings it "
      "between its two weak states, so every outcome is mispredicted",
      "[J33] (X 1+2 + C 1+2) and (X 1+0 + Y 1+1+2): 5.5 on average"},
     1},
};
#define N_PCASE (sizeof pcases / sizeof pcases[0])

/* ====================================================================== the firmware */

typedef struct {
    const char *board;
    const char *const *cpu;
} core_spec;

static const char *const CPU_M0P[] = {"-mcpu=cortex-m0plus", "-mfloat-abi=soft", NULL};
static const char *const CPU_M3[] = {"-mcpu=cortex-m3", "-mfloat-abi=soft", NULL};
static const char *const CPU_M4F[] = {"-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16",
                                      "-mfloat-abi=hard", NULL};
static const char *const CPU_M7[] = {"-mcpu=cortex-m7", "-mfpu=fpv5-sp-d16",
                                     "-mfloat-abi=hard", NULL};
static const char *const CPU_M33[] = {"-mcpu=cortex-m33", "-mfpu=fpv5-sp-d16",
                                      "-mfloat-abi=hard", NULL};

static const core_spec cores[SIM_CORE_COUNT] = {
    [SIM_CORE_M0P] = {"nucleo-g0b1re", CPU_M0P},
    [SIM_CORE_M3] = {"nucleo-f207zg", CPU_M3},
    [SIM_CORE_M4F] = {"nucleo-l4r5zi", CPU_M4F},
    [SIM_CORE_M7] = {"nucleo-f746zg", CPU_M7},
    [SIM_CORE_M33] = {"nucleo-u575zi", CPU_M33},
};

static const char LDSCRIPT[] =
    "MEMORY\n"
    "{\n"
    "    FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 256K\n"
    "    RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 16K\n"
    "}\n"
    "SECTIONS\n"
    "{\n"
    "    .isr_vector : { KEEP(*(.isr_vector)) } > FLASH\n"
    "    .text : { *(.text*) *(.rodata*) } > FLASH\n"
    "}\n";

/* Macros, then the helpers the branch benchmarks call (each a block of its own). */
static const char HEAD[] =
    "    .syntax unified\n"
    "    .thumb\n"
    "    .macro FUNC name\n"
    "    .balign 2\n"
    "    .global \\name\n"
    "    .type \\name, %function\n"
    "    .thumb_func\n"
    "\\name:\n"
    "    .endm\n"
    "    .macro LABEL name\n"
    "    .global \\name\n"
    "\\name:\n"
    "    .endm\n"
    /* SYS_EXIT_EXTENDED(ADP_Stopped_ApplicationExit, 0), then the literal pool */
    "    .macro CALIB_EXIT\n"
    "    movs r1, #0\n"
    "    ldr r0, =0x20026\n"
    "    push {r0, r1}\n"
    "    mov r1, sp\n"
    "    movs r0, #0x20\n"
    "    bkpt 0xab\n"
    "    b .\n"
    "    .ltorg\n"
    "    .endm\n"
    "    .text\n"
    "FUNC calib_ret\n"
    "    bx lr\n"
    "FUNC calib_pushpop\n"
    "    push {r4, lr}\n"
    "    pop {r4, pc}\n";

/* Only ARMv7-M and later can load pc with LDR. */
static const char HELPER_LDRPC[] =
    "FUNC calib_ldrpc\n"
    "    push {lr}\n"
    "    ldr pc, [sp], #4\n";

static const char VECTORS[] =
    "    .section .isr_vector, \"a\", %progbits\n"
    "    .word 0x20004000\n"
    "    .word 0\n";

/* A growable string. */
typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        assert_non_null(t);
        b->s = t;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Emit text (lines separated by '\n') indented, one line each. */
static void sb_lines(strbuf *b, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sb_add(b, "    %.*s\n", (int)n, p);
        p += n + (e ? 1 : 0);
    }
}

/* Instructions in a unit: its lines that are neither labels nor directives. */
static uint32_t unit_insns(const char *unit)
{
    uint32_t n = 0;
    const char *p = unit;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len > 0 && p[0] != '.' && p[len - 1] != ':')
            n++;
        p += (e ? (size_t)(e - p) + 1 : len);
        if (!e)
            break;
    }
    return n;
}

static int core_has_fpu(sim_core c)
{
    return c == SIM_CORE_M4F || c == SIM_CORE_M7 || c == SIM_CORE_M33;
}

/* The set-up every variant runs before its sequence (see the register list above). */
static void emit_setup(strbuf *b, sim_core core)
{
    sb_add(b, "    ldr r1, =0x%08x\n", BUF_A);
    sb_add(b, "    ldr r3, =0x%08x\n", BUF_B);
    sb_add(b, "    str r1, [r1]\n");
    if (core_has_fpu(core)) {
        sb_add(b, "    ldr r0, =0xe000ed88\n"    /* CPACR: CP10 and CP11 full access */
                  "    ldr r4, =0x00f00000\n"
                  "    str r4, [r0]\n"
                  "    vmov.f32 s1, #1.0\n"
                  "    vmov.f32 s2, #2.0\n");
    }
    sb_add(b, "    movs r0, #0\n"
              "    movs r2, #8\n"
              "    movs r4, #0\n"
              "    movs r5, #100\n"
              "    movs r6, #7\n"
              "    movs r7, #0\n");
}

/*
 * The whole source for core: for each benchmark the core runs, two variants
 * calib_<name>_1 and calib_<name>_2 (N and 2N units), each 1 KiB-aligned and followed by
 * calib_<name>_<k>_end; then the block-split pair (see test_split).
 */
static char *make_source(sim_core core)
{
    strbuf b = {0};
    sb_add(&b, "%s", HEAD);
    if (core != SIM_CORE_M0P)
        sb_add(&b, "%s", HELPER_LDRPC);
    for (size_t i = 0; i < N_BENCH; i++) {
        const bench *x = &benches[i];
        if (x->cyc[core] == 0)
            continue;
        for (int k = 1; k <= 2; k++) {
            sb_add(&b, "    .balign %u\nFUNC calib_%s_%d\n", PAGE, x->name, k);
            emit_setup(&b, core);
            if (x->prefix)
                sb_lines(&b, x->prefix);
            sb_add(&b, "    cmp r0, r0\n"                  /* Z = 1 */
                       "    b calib_%s_%d_seq\n"           /* the sequence starts a block */
                       "LABEL calib_%s_%d_seq\n"
                       "    .rept %d\n",
                   x->name, k, x->name, k, N_REP * k);
            sb_lines(&b, x->unit);
            sb_add(&b, "    .endr\n"
                       "    CALIB_EXIT\n"
                       "LABEL calib_%s_%d_end\n",
                   x->name, k);
        }
    }
    for (size_t i = 0; i < N_PCASE; i++) {
        const pcase *x = &pcases[i];
        if (x->cyc[core] == 0)
            continue;
        for (int k = 1; k <= 2; k++) {
            sb_add(&b, "    .balign %u\nFUNC calib_%s_%d\n", PAGE, x->name, k);
            emit_setup(&b, core);
            sb_add(&b, "    movs r6, #1\n"
                       "    movs r5, #%d\n"
                       "    b calib_%s_%d_outer\n"
                       "LABEL calib_%s_%d_outer\n",
                   N_REP * k, x->name, k, x->name, k);
            sb_lines(&b, x->body);
            sb_add(&b, "    subs r5, #1\n"
                       "    bne calib_%s_%d_outer\n"
                       "    CALIB_EXIT\n"
                       "LABEL calib_%s_%d_end\n",
                   x->name, k, x->name, k);
        }
    }
    /* Block split: eight loads inside one page, and the same eight loads with the page
     * boundary after the fourth. Reached through BX so that the distance does not matter. */
    static const char loads8[] =
        "    ldr r0, [r1]\n    ldr r2, [r1, #4]\n    ldr r4, [r1, #8]\n    ldr r7, [r1, #12]\n"
        "    ldr r0, [r1, #16]\n    ldr r2, [r1, #20]\n    ldr r4, [r1, #24]\n"
        "    ldr r7, [r1, #28]\n";
    for (int k = 1; k <= 2; k++) {
        sb_add(&b, "    .balign %u\nFUNC calib_split_%d\n", PAGE, k);
        emit_setup(&b, core);
        sb_add(&b, "    ldr r0, =calib_split_%d_seq\n"
                   "    bx r0\n"
                   "    .ltorg\n"
                   "    .balign %u\n",
               k, PAGE);
        if (k == 2)
            sb_add(&b, "    .space %u\n", PAGE - 8); /* 4 loads before the boundary */
        sb_add(&b, "FUNC calib_split_%d_seq\n%s    CALIB_EXIT\nLABEL calib_split_%d_end\n", k,
               loads8, k);
    }
    sb_add(&b, "%s", VECTORS);
    return b.s;
}

/* ====================================================================== running */

typedef struct {
    sim_elf *elf;
    char dir[1024];
} core_fw;

static core_fw fws[SIM_CORE_COUNT];

static uint32_t sym(const sim_elf *e, const char *name)
{
    const sim_symbol *s = sim_elf_symbol(e, name);
    if (!s)
        fail_msg("symbol %s not in %s", name, e->path);
    return s->addr & ~1u;
}

typedef struct {
    uint64_t cycles, insns, blocks;
    sim_regs regs;
} result;

/* The board of core with every region at zero wait states. */
static sim_board zero_ws_board(sim_core core)
{
    const sim_board *found = sim_board_find(cores[core].board);
    assert_non_null(found);
    assert_int_equal(found->core, core);
    sim_board b = *found;
    for (uint32_t i = 0; i < b.n_regions && i < SIM_MAX_REGIONS; i++)
        b.regions[i].wait_states = 0;
    return b;
}

/* Run core's firmware from entry to its semihosting exit. */
static void run_entry(sim_core core, const char *entry, result *out)
{
    const sim_elf *e = fws[core].elf;
    sim_board board = zero_ws_board(core); /* must outlive the sim */
    sim_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.accounting = 1;
    cfg.timeout_s = 10;
    cfg.max_insns = 100000; /* a benchmark runs a few hundred */
    char *cause = NULL;
    sim *s = sim_new(&board, e, &cfg, &cause);
    if (!s)
        fail_msg("sim_new on %s: %s", board.name, cause);
    uint32_t v = sym(e, entry) | 1u;
    assert_int_equal(sim_write_target(s, 0x08000004u, &v, 4), 0);
    if (sim_reset(s, &cause) < 0)
        fail_msg("sim_reset: %s", cause);
    sim_stop stop;
    sim_stats st;
    sim_run(s, &stop);
    sim_stats_get(s, &st);
    sim_free(s);
    if (stop.reason != SIM_STOP_EXIT || stop.exit_status != 0)
        fail_msg("%s on %s stopped with %s (%s: %s), expected exit 0", entry, board.name,
                 sim_stop_name(stop.reason), sim_fault_name(stop.fault), stop.message);
    out->cycles = st.cycles;
    out->insns = st.insns;
    out->blocks = st.blocks;
    out->regs = stop.regs;
}

/* Both variants of stem: checks that each fits its page; the results. */
static void run_pair(sim_core core, const char *stem, result *r1, result *r2)
{
    char entry[128], end[128];
    for (int k = 1; k <= 2; k++) {
        snprintf(entry, sizeof entry, "calib_%s_%d", stem, k);
        snprintf(end, sizeof end, "calib_%s_%d_end", stem, k);
        uint32_t a = sym(fws[core].elf, entry), z = sym(fws[core].elf, end);
        if (z - a > PAGE)
            fail_msg("%s is %u bytes: more than one %u-byte page", entry, z - a, PAGE);
        run_entry(core, entry, k == 1 ? r1 : r2);
    }
}

static int verbose(void)
{
    const char *v = getenv("TEST_CALIB_VERBOSE");
    return v && *v && strcmp(v, "0") != 0;
}

/* ====================================================================== the tests */

typedef struct {
    sim_core core;
    const bench *b; /* NULL: the block-split test or a branch prediction case */
    const pcase *p; /* a branch prediction case */
    char name[64];
} calib_case;

static void test_bench(void **state)
{
    const calib_case *c = *state;
    const bench *x = c->b;
    sim_core core = c->core;
    if (!fws[core].elf)
        skip();
    result r1, r2;
    run_pair(core, x->name, &r1, &r2);

    uint64_t dc = r2.cycles - r1.cycles, di = r2.insns - r1.insns, db = r2.blocks - r1.blocks;
    double per_unit = (double)dc / N_REP;
    uint32_t want_insns = x->insns ? x->insns : unit_insns(x->unit);
    if (verbose())
        printf("    %-11s %-15s %5.1f cycles/unit (%llu - %llu over %d units), %s\n",
               sim_core_id(core), x->name, per_unit, (unsigned long long)r2.cycles,
               (unsigned long long)r1.cycles, N_REP, x->src[core]);
    if (di != (uint64_t)N_REP * want_insns)
        fail_msg("%s: %llu instructions per %d units, expected %u per unit: the unit did not "
                 "assemble or run as intended",
                 c->name, (unsigned long long)di, N_REP, want_insns);
    if (db != (uint64_t)N_REP * x->blocks)
        fail_msg("%s: %llu more blocks for %d more units, expected %u per unit: Unicorn split "
                 "the sequence differently",
                 c->name, (unsigned long long)db, N_REP, x->blocks);
    if (per_unit != x->cyc[core])
        fail_msg("%s: %.2f cycles per unit (%llu over %d units), expected %.2f: %s", c->name,
                 per_unit, (unsigned long long)dc, N_REP, x->cyc[core], x->src[core]);
    if (x->reg > 0 && r1.regs.r[x->reg] != x->val)
        fail_msg("%s: r%d = 0x%08x after the run, expected 0x%08x", c->name, x->reg,
                 r1.regs.r[x->reg], x->val);
}

/*
 * Unicorn ends a translation block at a 1 KiB page boundary and the cost model prices a
 * block's first instruction as if nothing preceded it. Eight back-to-back LDRs with the
 * boundary after the fourth run as two blocks (one more than inside a page), and on the
 * M3/M4 the fifth load loses its pipelining: exactly 1 cycle more ([M4T] 3.3.2: 2 instead
 * of 1). On the other cores a load costs the same first or not (M0+ 2 [M0+T]; M33 1 [J33];
 * M7: the loads pair two by two either way, [J7]), so the split costs nothing.
 */
static void test_split(void **state)
{
    static const uint64_t extra[SIM_CORE_COUNT] = {0, 1, 1, 0, 0};
    const calib_case *c = *state;
    sim_core core = c->core;
    if (!fws[core].elf)
        skip();
    result in, across;
    run_entry(core, "calib_split_1", &in);
    run_entry(core, "calib_split_2", &across);
    assert_true(sym(fws[core].elf, "calib_split_2_seq") % PAGE == PAGE - 8);
    if (verbose())
        printf("    %-11s %-15s %llu blocks / %llu cycles inside a page, %llu / %llu across\n",
               sim_core_id(core), "split", (unsigned long long)in.blocks,
               (unsigned long long)in.cycles, (unsigned long long)across.blocks,
               (unsigned long long)across.cycles);
    assert_int_equal(across.insns, in.insns);
    if (across.blocks != in.blocks + 1)
        fail_msg("%s: %llu blocks across the page boundary, %llu inside: expected one more",
                 c->name, (unsigned long long)across.blocks, (unsigned long long)in.blocks);
    if (across.cycles != in.cycles + extra[core])
        fail_msg("%s: %llu cycles across the page boundary, %llu inside: expected %llu more",
                 c->name, (unsigned long long)across.cycles, (unsigned long long)in.cycles,
                 (unsigned long long)extra[core]);
}

/* A branch prediction case (see pcases): cycles per outer iteration in the steady state. */
static void test_predict(void **state)
{
    const calib_case *c = *state;
    const pcase *x = c->p;
    sim_core core = c->core;
    if (!fws[core].elf)
        skip();
    result r1, r2;
    run_pair(core, x->name, &r1, &r2);
    double per = (double)(r2.cycles - r1.cycles) / N_REP;
    if (verbose())
        printf("    %-11s %-15s %5.1f cycles/iteration (%llu - %llu over %d), %s\n",
               sim_core_id(core), x->name, per, (unsigned long long)r2.cycles,
               (unsigned long long)r1.cycles, N_REP, x->src[core]);
    if (r2.regs.r[7] - r1.regs.r[7] != (uint32_t)N_REP / 2 * x->r7_per2)
        fail_msg("%s: r7 grew by %u over %d more iterations, expected %u per two: the loop "
                 "did not run as intended",
                 c->name, r2.regs.r[7] - r1.regs.r[7], N_REP, x->r7_per2);
    if (per != x->cyc[core])
        fail_msg("%s: %.2f cycles per outer iteration (%llu over %d), expected %.2f: %s",
                 c->name, per, (unsigned long long)(r2.cycles - r1.cycles), N_REP,
                 x->cyc[core], x->src[core]);
}

typedef struct {
    uint64_t sum;
} blocks_sum;

static void add_block(void *ud, const sim_block_info *b)
{
    ((blocks_sum *)ud)->sum += b->cycles;
}

/*
 * Stopping and resuming must not change the total: a block stopped before is charged again
 * when it runs, but the outcome of the branch before it (predictor update, mispredict) is
 * settled once. The loop cases run uninterrupted (twice: again after sim_reset, which must
 * clear the predictor), then stopped every few cycles by a cycle budget, then at a
 * breakpoint on the outer loop's head (a block start: stop_before) and one 2 bytes further
 * (inside the block: on_break; the inner loop's head, or p_alt's BEQ); each time the cycles,
 * and the per-block cycles summed (sim_blocks), equal the uninterrupted run's. The budget grows 3 cycles at a time: it stops before most blocks. Every core runs
 * it (the others have no predictor: the same rules hold). Exception: on the M33 a breakpoint
 * inside p_alt's TST, BEQ.N block splits the pair, and the BEQ.N, priced alone after the
 * split, no longer falls through for 0 [J33] (a block's first instruction has no neighbour:
 * see test_split); there only the blocks' sum is checked in that mode.
 */
static void test_predict_resume(void **state)
{
    static const char *const stems[] = {"p_loop4", "p_loop4_early", "p_alt"};
    const calib_case *c = *state;
    sim_core core = c->core;
    if (!fws[core].elf)
        skip();
    const sim_elf *e = fws[core].elf;
    sim_board board = zero_ws_board(core);
    for (size_t si = 0; si < sizeof stems / sizeof stems[0]; si++) {
        const pcase *pc = NULL;
        for (size_t i = 0; i < N_PCASE; i++)
            if (strcmp(pcases[i].name, stems[si]) == 0)
                pc = &pcases[i];
        assert_non_null(pc);
        if (pc->cyc[core] == 0)
            continue; /* not built for this core */
        char entry[128], outer[128];
        snprintf(entry, sizeof entry, "calib_%s_2", stems[si]);
        snprintf(outer, sizeof outer, "calib_%s_2_outer", stems[si]);
        uint64_t ref = 0;
        for (int mode = 0; mode < 4; mode++) { /* 0 plain, 1 budget, 2 head, 3 mid-block */
            sim_config cfg;
            memset(&cfg, 0, sizeof cfg);
            cfg.accounting = 1;
            cfg.timeout_s = 10;
            cfg.max_insns = 100000;
            if (mode == 1)
                cfg.max_cycles = 3;
            char *cause = NULL;
            sim *s = sim_new(&board, e, &cfg, &cause);
            if (!s)
                fail_msg("sim_new: %s", cause);
            uint32_t v = sym(e, entry) | 1u;
            assert_int_equal(sim_write_target(s, 0x08000004u, &v, 4), 0);
            if (sim_reset(s, &cause) < 0)
                fail_msg("sim_reset: %s", cause);
            /* the outer head starts a block; 2 bytes in is inside the block it starts */
            if (mode >= 2)
                assert_int_equal(sim_break_add(s, sym(e, outer) + (mode == 3 ? 2 : 0)), 0);
            sim_stop stop;
            sim_stats st;
            int stops = 0;
            uint64_t budget = cfg.max_cycles;
            for (;;) {
                sim_run(s, &stop);
                sim_stats_get(s, &st);
                if (stop.reason == SIM_STOP_CYCLES) {
                    budget += 3;
                    sim_set_max_cycles(s, budget);
                } else if (stop.reason != SIM_STOP_BREAK) {
                    break;
                }
                if (++stops > 10000)
                    fail_msg("%s: more than 10000 stops", entry);
            }
            blocks_sum bs = {0};
            sim_blocks(s, add_block, &bs);
            if (mode == 0) { /* reset forgets the predictor's history: the same run again */
                sim_stop again;
                sim_stats st2;
                if (sim_reset(s, &cause) < 0)
                    fail_msg("sim_reset: %s", cause);
                sim_run(s, &again);
                sim_stats_get(s, &st2);
                if (again.reason != SIM_STOP_EXIT || st2.cycles != st.cycles)
                    fail_msg("%s: %llu cycles after a reset, %llu before", entry,
                             (unsigned long long)st2.cycles, (unsigned long long)st.cycles);
            }
            sim_free(s);
            if (stop.reason != SIM_STOP_EXIT)
                fail_msg("%s (mode %d) stopped with %s: %s", entry, mode,
                         sim_stop_name(stop.reason), stop.message);
            if (verbose())
                printf("    %-11s %-15s mode %d: %llu cycles, %d stops\n", sim_core_id(core),
                       stems[si], mode, (unsigned long long)st.cycles, stops);
            if (mode > 0 && stops < 8)
                fail_msg("%s (mode %d): only %d stops", entry, mode, stops);
            if (mode == 0)
                ref = st.cycles;
            else if (st.cycles != ref && !(mode == 3 && core == SIM_CORE_M33))
                fail_msg("%s: %llu cycles with %d stops (mode %d), %llu without", entry,
                         (unsigned long long)st.cycles, stops, mode, (unsigned long long)ref);
            if (bs.sum != st.cycles)
                fail_msg("%s (mode %d): the blocks' cycles add up to %llu, the total is %llu",
                         entry, mode, (unsigned long long)bs.sum, (unsigned long long)st.cycles);
        }
    }
}

/* ====================================================================== groups */

static int keep_dirs(void)
{
    const char *v = getenv("TEST_CALIB_KEEP");
    return v && *v && strcmp(v, "0") != 0;
}

/* Build one core's firmware. A missing compiler leaves fws[core].elf NULL (tests skip); a
 * failed build fails the group. */
static int build_core(sim_core core)
{
    if (!asmfw_have_gcc("tests/sim/test_calib.c"))
        return 0;
    core_fw *f = &fws[core];
    if (asmfw_mkdtemp(f->dir, sizeof f->dir, "tinysim-test-calib") < 0)
        return -1;
    char *src = make_source(core);
    f->elf = asmfw_build(f->dir, sim_core_id(core), cores[core].cpu, src, NULL, NULL,
                         LDSCRIPT);
    free(src);
    if (!f->elf) {
        asmfw_rm_tree(f->dir);
        return -1;
    }
    return 0;
}

static void free_core(sim_core core)
{
    core_fw *f = &fws[core];
    if (!f->elf)
        return;
    sim_elf_free(f->elf);
    f->elf = NULL;
    if (keep_dirs())
        fprintf(stderr, "kept %s\n", f->dir);
    else
        asmfw_rm_tree(f->dir);
}

/* cmocka group fixtures carry no argument: one pair per core. */
#define CORE_FIXTURES(tag, core)                                                              \
    static int setup_##tag(void **state)                                                      \
    {                                                                                         \
        (void)state;                                                                          \
        return build_core(core);                                                              \
    }                                                                                         \
    static int teardown_##tag(void **state)                                                   \
    {                                                                                         \
        (void)state;                                                                          \
        free_core(core);                                                                      \
        return 0;                                                                             \
    }

CORE_FIXTURES(m0p, SIM_CORE_M0P)
CORE_FIXTURES(m3, SIM_CORE_M3)
CORE_FIXTURES(m4f, SIM_CORE_M4F)
CORE_FIXTURES(m7, SIM_CORE_M7)
CORE_FIXTURES(m33, SIM_CORE_M33)

static const CMFixtureFunction setups[SIM_CORE_COUNT] = {setup_m0p, setup_m3, setup_m4f,
                                                         setup_m7, setup_m33};
static const CMFixtureFunction teardowns[SIM_CORE_COUNT] = {teardown_m0p, teardown_m3,
                                                            teardown_m4f, teardown_m7,
                                                            teardown_m33};

int main(void)
{
    static calib_case cases[SIM_CORE_COUNT][N_BENCH + N_PCASE + 2];
    static struct CMUnitTest tests[SIM_CORE_COUNT][N_BENCH + N_PCASE + 2];
    int fails = 0;

    if (getenv("TEST_CALIB_FILTER")) /* debugging: run only the tests matching this pattern */
        cmocka_set_test_filter(getenv("TEST_CALIB_FILTER"));
    for (int core = 0; core < SIM_CORE_COUNT; core++) {
        size_t n = 0;
        for (size_t i = 0; i < N_BENCH; i++) {
            if (benches[i].cyc[core] == 0)
                continue;
            calib_case *c = &cases[core][n];
            c->core = (sim_core)core;
            c->b = &benches[i];
            snprintf(c->name, sizeof c->name, "%s %s", sim_core_id(c->core), benches[i].name);
            tests[core][n] = (struct CMUnitTest){c->name, test_bench, NULL, NULL, c};
            n++;
        }
        for (size_t i = 0; i < N_PCASE; i++) {
            if (pcases[i].cyc[core] == 0)
                continue;
            calib_case *c = &cases[core][n];
            c->core = (sim_core)core;
            c->p = &pcases[i];
            snprintf(c->name, sizeof c->name, "%s %s", sim_core_id(c->core), pcases[i].name);
            tests[core][n] = (struct CMUnitTest){c->name, test_predict, NULL, NULL, c};
            n++;
        }
        calib_case *c = &cases[core][n];
        c->core = (sim_core)core;
        c->b = NULL;
        snprintf(c->name, sizeof c->name, "%s split", sim_core_id(c->core));
        tests[core][n] = (struct CMUnitTest){c->name, test_split, NULL, NULL, c};
        n++;
        c = &cases[core][n];
        c->core = (sim_core)core;
        snprintf(c->name, sizeof c->name, "%s predict_resume", sim_core_id(c->core));
        tests[core][n] = (struct CMUnitTest){c->name, test_predict_resume, NULL, NULL, c};
        n++;
        char group[64];
        snprintf(group, sizeof group, "calib %s", sim_core_id((sim_core)core));
        fails += _cmocka_run_group_tests(group, tests[core], n, setups[core], teardowns[core]);
    }
    return fails ? 1 : 0;
}
