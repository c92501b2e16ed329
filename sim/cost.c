/*
 * The static per-basic-block cost model: Capstone decodes a block of Thumb code once, and a
 * per-core table of instruction classes plus a few documented adjustment rules price it.
 * This is the only file that calls Capstone.
 *
 * ======================================================================================
 * THE TABLE: cycles per instruction class, zero wait states (sim_core_timing.cls[])
 * ======================================================================================
 *
 *   class    M0+    M3     M4F    M7     M33    what it covers
 *   alu      1      1      1      1      1      data processing, MOV, shifts, CMP, extend, IT, NOP
 *   mul      1      1      1      1      1      MUL (MLA/MLS: see "mla" below)
 *   mull     5*     5      1      1      1      SMULL/UMULL (SMLAL/UMLAL: see "mlal")
 *   div      7*     7      7      7      7      SDIV/UDIV (one figure for a 2..12 range)
 *   dsp      1*     1*     1      1      1      v7E-M DSP: SMLAD, QADD8, SXTB16, PKHBT ...
 *   load     2      2      2      1      1      LDR/LDRB/LDRH/LDRSB/LDRSH (M3/M4: 1 pipelined)
 *   store    2      1      1      1      1      STR immediate offset (register offset: "str_reg")
 *   ldm      1      1      1      0      0      fixed part of LDM/STM/PUSH/POP/LDRD/STRD/VLDM
 *   branch   2      3      3      1      2      taken B (others below)
 *   fp       1*     1*     1      1      1      VADD/VSUB/VMUL/VCVT/VCMP/VMOV/VMRS
 *   fpdiv    14*    14*    14     16     14     VDIV/VSQRT
 *   fpmem    2*     2*     2      1      1      single-precision VLDR/VSTR
 *   sys      3      2      2      3      2      MRS/MSR/DMB/DSB/ISB (CPS, SVC, WFI...: below)
 *   other    1      1      1      1      1      undecodable bytes
 *   (* = the core lacks the instruction: a placeholder so that a block always has a cost;
 *    the block's SIM_BLK_* flags say so and the engine warns or faults.)
 *
 *   adjustment                 M0+    M3     M4F    M7     M33
 *   LDM/STM/PUSH/POP: +regs    +N     +N     +N     +N/2↑  +N     (↑ = rounded up)
 *   LDM/POP with pc: +         2      2      2      0      1
 *   LDRD/STRD                  3*     3      3      1      2      (= a 2-register LDM)
 *   MLA/MLS ("mla")            2*     2      1      1      1
 *   SMLAL/UMLAL ("mlal")       7*     7      1      1      1
 *   STR register offset        2      2      2      1      1
 *   16-bit MULS                1      1      1      1      2
 *   B<cc>/CBZ not taken        1      1      1      1      1      (M33: 0 when paired)
 *   BL                         3      3      3      1      2
 *   BX/BLX/MOV pc/ADD pc       2      3      3      1      2
 *   CBZ/CBNZ taken             3*     3      3      1      2
 *   LDR pc                     4*     4      4      1      3
 *   TBB/TBH                    5*     5      5      2      4
 *   IT                         1*     1/0f   1/0f   1 (pairs) 1/0f (0f: folded after a 16-bit insn)
 *   CPS/SVC/BKPT/WFI/SEV...    1      1      1      1      1
 *   VMLA/VFMA family           3*     3*     3      1      1 (+no FP op for 2 cycles)
 *   VMOV core<->FP             2*     2*     2      1      2
 *   VLDR.64, VLDM/VPUSH/VPOP   as LDM with N = 32-bit words (M4: 1+N)
 *   VDIV/VSQRT .F64            14*    14*    14*    30     14*
 *   P (pipeline refill)        1      2      2      0      1      (already in the figures above)
 *   mispredict ("mispredict")  0      0      0      8 (6e) 0      charged by the engine (6e: 6
 *                                                               when the flags were set early):
 *                                                               see "M7 branch prediction"
 *
 * ======================================================================================
 * WHERE THE FIGURES COME FROM (tags used in the per-core data below)
 * ======================================================================================
 *   [M0+T]  Arm Cortex-M0+ TRM, DDI0484C, Table 3.1 "Cortex-M0+ instruction summary".
 *   [M3T]   Arm Cortex-M3 TRM, DDI0337H/I, Table 3.1 "Cortex-M3 instruction set summary".
 *   [M4T]   Arm Cortex-M4 TRM, 100166_0001_00 (r0p1), Table 3-1 "Processor instruction set
 *           summary" and section 3.3.2 "Load/store timings"; the same tables are in TI
 *           SWCU192 (integer table; FPU table 3-27) [TI].
 *   [LLVM7] llvm-project llvm/lib/Target/ARM/ARMScheduleM7.td (Cortex-M7 scheduling model).
 *   [LLVM4] llvm-project llvm/lib/Target/ARM/ARMScheduleM4.td (LLVM also uses it for M33).
 *   [J..]   jnk0le/random "pipeline cycle test" measurements: doc/cortex_m0.md [J0],
 *           doc/cortex_m3m4.md (STM32F103, STM32F407) [J34], doc/cortex_m7.md (STM32H743)
 *           [J7], doc/cortex_m33.md (RP2350) [J33].
 *   [E]     estimate: no published figure; the reasoning is given next to it.
 *   Arm publishes no per-instruction cycle tables for the M7 or the M33; those columns come
 *   from the LLVM models and the measurements.
 *
 * ======================================================================================
 * CHOICES WHERE SOURCES GIVE A RANGE OR DISAGREE
 * ======================================================================================
 *   P (M3/M4): the TRMs give 1..3 "depending on the alignment and width of the target
 *     instruction, and whether the processor manages to speculate the address early"; we
 *     take 2 (LLVM4 also uses MispredictPenalty 2, "best case branch taken cost").
 *   SDIV/UDIV: 2..12 cycles with early termination [M3T, M4T]; 7 is the midpoint (and what
 *     ICEmu uses). M7: LLVM7's latency 7, single issue. M33: no published figure [E], 7.
 *   M3 long multiplies: SMULL/UMULL 3..5, SMLAL/UMLAL 4..7, early termination on small
 *     operands [M3T]. We take the worst case, 5 and 7: in int8 inference the long multiplies
 *     are the requantisation's 32x31-bit products, which do not terminate early.
 *   M4 MLA/MLS: 1 cycle. Arm's current M4 TRM (100166) Table 3-1 and TI SWCU192 say 1;
 *     ICEmu, thumb2ISS and OTAWA use 2 (citing the older DDI0439B), which is the M3's
 *     figure. LLVM4's latency 2 is a result latency, not an issue cost. A DWT
 *     microbenchmark on an M4 board would settle it.
 *   M3/M4 STR: Table 3-1 says 2, but section 3.3.2 says "STR Rx,[Ry,#imm] is always one
 *     cycle" and [J34] measured 1 for immediate and 2 for register offsets; we use 1 / 2.
 *   M3/M4 TBB/TBH: Table 3-1 says 2+P; section 3.3.2 breaks it down as 2 (load) + 1 (add)
 *     + refill. We use the breakdown: 3+P = 5. LDR pc: 2+P = 4 (Table 3-1).
 *   M0+ MULS: 1, the fast-multiplier option (RP2040, STM32G0); the small multiplier takes 32.
 *   M0+ LDR: 2; 1 to the single-cycle I/O port, which a static model cannot see.
 *   MRS/MSR on M3/M4: "1 or 2", barriers 1+B: we take 2. CPS ("1 or 2"), SVC, BKPT, WFI
 *     ("-": exception entry and sleep are the engine's business) and hints: 1.
 *   M7 VDIV/VSQRT: 16 [J7, LLVM7] (VSQRT measured 14: we use 16 for both); the 7 that
 *     cortex-cycle-budget gives contradicts the measurement.
 *   M7 branches: the static price is the predicted one (1 issue slot, 0 when paired); the
 *     engine adds a mispredict penalty when its direction predictor misses (see "M7 branch
 *     prediction" in the RULES). The penalty: [J7] measured 8 cycles (6 when the flags were
 *     set at least 3 cycles before the branch); LLVM7's MispredictPenalty is 4 (a compiler
 *     heuristic: "forward = 6" in its comment). We use the measurement, 8 / 6.
 *   M7 load/multiply latencies: [J7] where it measured them; [LLVM7]'s stage model (EX1
 *     reads a cycle early, accumulators and store data a cycle late) elsewhere (RULES).
 *
 * ======================================================================================
 * RULES THAT LOOK AT NEIGHBOURING INSTRUCTIONS (within the block only)
 * ======================================================================================
 *   A block's first instruction is priced as if nothing preceded it: no pipelining, no
 *   pairing, no stall from the previous block.
 *   M3/M4 load/store pipelining [M4T 3.3.2, J34]: a single LDR/LDRB/LDRH/LDRSB/LDRSH/LDREX
 *     or STR* right after a single load costs 1 cycle ("one cycle is removed from the cost
 *     of the next instruction"), unless its base or index register is written by that
 *     load (its destination or its written-back base) or, on the M3, it is itself pre- or
 *     post-indexed ("only first load in a chain can be pre or post indexed"). A store
 *     after a load that does not pipeline costs the table's 2. LDRD/LDM never pipeline.
 *     [J34] also found loads pipeline only within one memory block (SRAM1 vs SRAM2, and
 *     flash vs SRAM): a static model cannot see addresses and assumes they do.
 *   M3/M4 store then load [J34]: a load (single or LDM) right after a single store costs
 *     1 more. Two pre/post-indexed stores in a row on the same base register: 1 more.
 *   Result latency (M33) [J33]: when the next instruction reads a register written by a
 *     load or a multiply with latency L > 1, it waits L-1 cycles. An accumulator operand
 *     does not wait (it is read a stage later): MAC chains run every cycle and a load can
 *     feed an accumulator at once. Latencies: loads 2, multiplies 2, {S,U}XTA{B,H,B16} and
 *     instructions with a shifted-register operand 2. (The M7 uses the scoreboard below.)
 *   IT folding (M3, M4, M33): an IT right after a 16-bit instruction costs 0 ("can be
 *     folded onto a preceding 16-bit Thumb instruction" [M4T]; "it can dual issue with
 *     preceding instruction" [J33]).
 *   M33 limited dual issue [J33]: only two 16-bit instructions pair. A 16-bit NOP after a
 *     16-bit data-processing or load/store instruction costs 0; a 16-bit B<cc> after a
 *     16-bit instruction costs 0 when it falls through and 1 when taken if that
 *     instruction does not set the flags (2 if it does); an unconditional 16-bit B after
 *     a 16-bit instruction that does not set flags costs 1. After a VMLA/VFMA-family
 *     instruction no FP instruction issues for 2 cycles: an FP instruction that follows
 *     it sooner waits.
 *   M7 in-order dual issue with a scoreboard [J7, LLVM7]. Each instruction issues in the
 *     first cycle in which its operands are ready, never before the one ahead of it; it
 *     issues in the same cycle as that one (the younger of a pair, costing 0) when that one
 *     issued alone, its operands are ready by then and the pair is allowed. A block's cost
 *     is the cycle its last instruction finishes. Per register the scoreboard keeps when a
 *     consumer may issue, by how the consumer reads it:
 *       producer                      late ALU  EX1   multiplicand  stage-late (store
 *                                     (default)                     data, accumulator)
 *       ADD/SUB/MOV/shift, plain op2  1         1     1             0   [J7] early ALU
 *       other ALU (EOR, ORR, BIC, op2
 *         shifted or shifted const)   1         2     1             0   [LLVM7] M7Read_ISS
 *       bitfield/DSP (SXTB, UBFX ...) 1 (Q-ops, SSAT/USAT 2) +1    =     -1 [LLVM7]; [J7]
 *                                                                       "not as an address
 *                                                                       next cycle"
 *       word load (LDR, LDM, LDRD)    1         2     2             0   [J7]; [LLVM7] 1
 *       byte/halfword load            2         3     2             1   [J7]; [LLVM7] 2
 *       multiply, MAC, DSP multiply   2         3     2             1   [J7], [LLVM7] 2
 *       written-back base, flags      1         1     1             0   [J7], [LLVM7]
 *       FP arithmetic, VMOV to S      3         -     -             3   [J7], [LLVM7] 3
 *       VFMA family / VMLA family     5 / 6     -     -             3   [J7] table
 *       VLDR.32 / VMOV to a core reg  1         2     1             3 / 0 [J7]
 *     EX1 readers [LLVM7 M7Read_ISS, J7]: load/store base and index, an inline-shifted
 *     operand2 register, every source of SBFX/UBFX/RBIT/REV*, BFI's inserted register,
 *     PKH's shifted one, {S,U}XTA*'s extended one. Stage-late readers [LLVM7 ReadMAC 1,
 *     M7Read_EX2; J7]: the accumulator of MLA/SMLAL/SMLAD..., store data (so an ALU result
 *     is stored, or accumulated, in the same cycle, and a word load feeds an accumulator in
 *     the same cycle). Multiplicands [J7]: "can't consume ldr result from previous cycle";
 *     a byte load's 2 is [LLVM7]'s (J7 says nothing more). The "multiplicand" and EX1 figures
 *     of a multiply (3) follow LLVM7's stage model [E]. MOVW+MOVT pair despite the
 *     dependency [J7]. Branches and IT do not wait for anything (predicted).
 *     Pairs that are never allowed: with LDM/STM/PUSH/POP/LDRD/STRD/VLDM/VSTM, SDIV/UDIV,
 *     VDIV/VSQRT, TBB/TBH, LDR pc, VLDR.64/VSTR.64, two-register VMOV, MRS/MSR/barriers/SVC
 *     (they issue alone); two of one kind among MAC (multiplies), DSP/bitfield (also only
 *     as the older of a pair), load, store, FP arithmetic, VMOV, branch/IT; a multiply with
 *     a store; an FP multiply-accumulate with a VLDR/VSTR/VMOV; two that write the same
 *     register; and the operand2 matrix [J7]: a younger instruction with an inline-shifted
 *     register or a shifted constant (an immediate that is neither 8-bit nor a 0x00XY00XY /
 *     0xXY00XY00 / 0xXYXYXYXY pattern) never pairs with an older one of those, an older
 *     plain shift, or an older BFI, BFC, SBFX, UBFX, RBIT, REV*, PKH or {S,U}XTA*. Two loads pair
 *     only when they provably hit different 32-bit banks: same base register, immediate
 *     offsets 4 apart modulo 8, no write-back on the first.
 *     Effect (zero-wait-state core, nucleo-f746zg vs nucleo-l4r5zi, int8 reference kernels
 *     at -O2): the convolution's inner loop (LDRSB.W, LDRSB.W, ADD, MLA, ADDS, CMP, BGT) went
 *     from 4 to 5 cycles (M4: 10); KWS from 21.22 M to 24.17 M cycles, M4/M7 ratio 2.39 ->
 *     2.10 (without flash stalls 2.25 -> 1.98); VWW 96 from 58.67 M to 67.68 M, ratio 2.32
 *     -> 2.01. The published anchors (CoreMark/MHz 1.47; MLPerf Tiny v1.1 KWS with
 *     X-CUBE-AI on L4R5 vs H7A3 about 1.9) are still lower: see "what this cannot see".
 *     What this cannot see: indirect-branch mispredicts (below), cache and TCM bank conflicts
 *     beyond the bank rule (two byte streams on different bases never pair here, though
 *     [J7] pairs them whenever their banks differ), the early/late ALU forwarding cases
 *     [J7] lists beyond the table (an ALU op with one EX1 operand also reads a word load's
 *     result late; AGU write-back into an early-ALU ADD), stalls carried across a block
 *     boundary (a block's first instruction starts with every register ready), the pairing
 *     of a taken branch with its target, [J7]'s "no VADD/VLDM/VMOV #imm for 3 cycles after
 *     an FP MAC" shadow, the store buffer (STRB/STRH read-modify-write, 5-entry clogging),
 *     unaligned accesses, and the fetch alignment ("slippery") effects [J7] describes.
 *   M7 branch prediction (engine, sim/sim.c; the static price above assumes every branch
 *     predicted). The M7 has a branch target address cache (BTAC) and, for branches the
 *     BTAC does not hold, a static predictor (Cortex-M7 TRM, ACTLR.DISBTACREAD: "BTAC is not
 *     used and only static branch prediction can occur"); Arm documents neither's size nor
 *     algorithm. The model: every block ending in a conditional branch (B<cc>, CBZ/CBNZ, a
 *     branch in an IT block) gets, per branch address, a 2-bit saturating counter (predict
 *     taken at 2 and 3), the standard approximation of a BTAC entry with a direction
 *     history. A branch never seen is predicted statically [E]: taken when it is direct and
 *     goes backward, not taken otherwise (forward, CBZ/CBNZ, indirect) - the backward-taken/
 *     forward-not-taken rule of Arm's documented static predictors (ARM11, Cortex-R/A); the
 *     counter starts in the weak state of that prediction (2 or 1). The outcome is taken
 *     when the next block entered is not the branch's fall-through. A miss costs
 *     sim_core_timing.mispredict, [J7] 8, or mispredict_early, 6, when the flags the branch
 *     tests were set at least early_flags = 3 cycles before it issues in the block's
 *     schedule (flags set before the block count as set in the cycle before it; CBZ/CBNZ
 *     test a register: 8). The engine charges it to the block that ends with the branch.
 *     Consequences: a loop of K >= 2 iterations costs one mispredict per run (its exit; the
 *     counter stays weakly taken, so the next run's first iteration is predicted), a one-
 *     trip loop none once trained, a branch that alternates mispredicts every time (the
 *     counter swings between its weak states), a first-time forward taken branch one.
 *     Effect (nucleo-f746zg, int8 reference kernels at -O2): KWS 24.17 M -> 26.43 M cycles
 *     (+9.3 %), M4/M7 ratio 2.10 -> 1.92; VWW 96 67.68 M -> 74.10 M (+9.5 %), ratio
 *     2.01 -> 1.83. The M7 now sits inside the published anchors' range (CoreMark/MHz 1.47;
 *     MLPerf Tiny v1.1 KWS, X-CUBE-AI, L4R5 vs H7A3 about 1.9): the rest of the difference
 *     is likely the code (the anchors' SIMD kernels, where the M4 loses less).
 *     What this cannot see: the BTAC's capacity and aliasing (the model remembers every
 *     branch, so code with more hot branches than entries mispredicts more on silicon), any
 *     global history the real predictor may use (it could learn the alternating pattern
 *     the 2-bit counter misses), the real static rule and cost of a BTAC miss (a taken
 *     branch the BTAC does not hold may cost a fetch bubble rather than a full
 *     mispredict), indirect branches (BX, POP/LDR pc, TBB/TBH: priced as predicted, though
 *     a return to varying call sites can only be predicted by a return stack Arm does not
 *     document for the M7), the first encounter of unconditional branches, exception entry
 *     and return (their own cost is not modelled; an exception between two blocks does not
 *     count as a branch outcome: the run loop takes it after a stop before the next block,
 *     which clears the previous block), and the predictor state across a reset (reset
 *     clears it, as at power-up).
 *   Conditional code: instructions inside an IT block are priced in full whether or not
 *     they execute; a conditional instruction that writes pc (e.g. POPNE {pc}) at the end
 *     of a block costs 1 when it falls through.
 *   Branch in the middle of a buffer (not in a real Unicorn block): a conditional one is
 *     priced as not taken, an unconditional one as taken.
 *   Not modelled: wait states and bus contention (the engine adds memory effects),
 *     unaligned accesses, exception entry and return, LDR literal fetch contention ("might
 *     add a cycle" [M4T]), [J34]'s extra cycle when a load's base comes from the
 *     instruction right before it.
 */
#include "sim/cost.h"

#include "models/util.h"

#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the per-core data */

static const sim_core_timing timings[SIM_CORE_COUNT] = {
    [SIM_CORE_M0P] = {
        .name = "cortex-m0plus",
        .cls = {
            [SIM_CLS_ALU] = 1,     /* [M0+T] */
            [SIM_CLS_MUL] = 1,     /* [M0+T] MULS 1 (fast multiplier; 32 with the small one) */
            [SIM_CLS_MULL] = 5,    /* not in ARMv6-M: M3's figure */
            [SIM_CLS_DIV] = 7,     /* not in ARMv6-M: M3's figure */
            [SIM_CLS_DSP] = 1,     /* not in ARMv6-M */
            [SIM_CLS_LOAD] = 2,    /* [M0+T] LDR 2 (1 to the single-cycle I/O port) */
            [SIM_CLS_STORE] = 2,   /* [M0+T] STR 2 */
            [SIM_CLS_LDM] = 1,     /* [M0+T] LDM/STM/PUSH/POP 1+N */
            [SIM_CLS_BRANCH] = 2,  /* [M0+T] B taken 2 */
            [SIM_CLS_FP] = 1,      /* no FPU: M4's figure */
            [SIM_CLS_FPDIV] = 14,  /* no FPU: M4's figure */
            [SIM_CLS_FPMEM] = 2,   /* no FPU: M4's figure */
            [SIM_CLS_SYS] = 3,     /* [M0+T] MRS, MSR, DMB, DSB, ISB 3 */
            [SIM_CLS_OTHER] = 1,
        },
        .ldm_regs_per_cycle = 1,   /* [M0+T] 1+N */
        .mla = 2,                  /* not in ARMv6-M: M3's figure */
        .mlal = 7,                 /* not in ARMv6-M: M3's figure */
        .str_reg = 2,              /* [M0+T] STR Rd,[Rn,Rm] 2 */
        .p = 1,                    /* B taken 2 = 1+P; BL and POP {pc} are given explicitly */
        .b_not_taken = 1,          /* [M0+T] B<cc> 1 or 2 */
        .bl = 3,                   /* [M0+T] BL 3 */
        .bx = 2,                   /* [M0+T] BX 2, BLX 2, MOV pc 2, ADD pc 2 */
        .cbz_taken = 3,            /* not in ARMv6-M: M3's figure */
        .ldm_pc = 2,               /* [M0+T] POP {..., pc} 3+N = (1+N) + 2 */
        .ldr_pc = 4,               /* not encodable in ARMv6-M: M3's figure */
        .tbb = 5,                  /* not in ARMv6-M: M3's figure */
        .it = 1,                   /* not in ARMv6-M */
        .it_fold = 0,
        .sys_light = 1,            /* [M0+T] CPS 1, SEV/YIELD/NOP 1; SVC/BKPT/WFI/WFE "-" */
        .fp_mac = 3,               /* no FPU: M4's figure */
        .fp_vmov_core = 2,         /* no FPU: M4's figure */
        .fpdiv_d = 14,             /* no FPU */
        .ldr_pipe = 0,             /* no load/store pipelining on the 2-stage pipeline */
        .pipe_wb_breaks = 0,
        .st_then_ld = 0,
        .st_wb_chain = 0,
        .lat_ld_word = 1,          /* [J0] "there is no load to use latency" */
        .lat_ld_sub = 1,
        .lat_mul = 1,
        .lat_ld_mul = 1,
        .muls_n = 1,               /* [M0+T] */
        .mispredict = 0,           /* no branch prediction: B<cc> taken 2 / not taken 1 */
        .issue = SIM_ISSUE_SINGLE,
    },
    [SIM_CORE_M3] = {
        .name = "cortex-m3",
        .cls = {
            [SIM_CLS_ALU] = 1,     /* [M3T] */
            [SIM_CLS_MUL] = 1,     /* [M3T] MUL 1 */
            [SIM_CLS_MULL] = 5,    /* [M3T] SMULL/UMULL 3 to 5: worst case, see CHOICES */
            [SIM_CLS_DIV] = 7,     /* [M3T] 2 to 12: midpoint, see CHOICES */
            [SIM_CLS_DSP] = 1,     /* not in ARMv7-M (Unicorn's M3 accepts SMLAD anyway) */
            [SIM_CLS_LOAD] = 2,    /* [M3T] LDR 2 (1 when pipelined, see RULES) */
            [SIM_CLS_STORE] = 1,   /* [M3T] "STR Rx,[Ry,#imm] is always one cycle"; [J34] */
            [SIM_CLS_LDM] = 1,     /* [M3T] 1+N */
            [SIM_CLS_BRANCH] = 3,  /* [M3T] B 1+P, P = 2 */
            [SIM_CLS_FP] = 1,      /* no FPU: M4's figure */
            [SIM_CLS_FPDIV] = 14,  /* no FPU: M4's figure */
            [SIM_CLS_FPMEM] = 2,   /* no FPU: M4's figure */
            [SIM_CLS_SYS] = 2,     /* [M3T] MRS/MSR 1 or 2, DMB/DSB/ISB 1+B */
            [SIM_CLS_OTHER] = 1,
        },
        .ldm_regs_per_cycle = 1,   /* [M3T] 1+N */
        .mla = 2,                  /* [M3T] MLA/MLS 2 */
        .mlal = 7,                 /* [M3T] SMLAL/UMLAL 4 to 7: worst case */
        .str_reg = 2,              /* [M3T] STR 2; [J34] register offset 2 */
        .p = 2,                    /* [M3T] P 1..3: we take 2 */
        .b_not_taken = 1,          /* [M3T] B<cc> 1 or 1+P */
        .bl = 3,                   /* [M3T] BL 1+P */
        .bx = 3,                   /* [M3T] BX/BLX 1+P, MOV pc 1+P, ADD pc 1+P */
        .cbz_taken = 3,            /* [M3T] CBZ 1 or 1+P */
        .ldm_pc = 2,               /* [M3T] POP/LDM with pc 1+N+P */
        .ldr_pc = 4,               /* [M3T] LDR pc 2+P */
        .tbb = 5,                  /* [M3T] 2+P; [M4T 3.3.2] load 2 + add 1 + P */
        .it = 1,                   /* [M3T] IT 1 */
        .it_fold = 1,              /* [M3T] folded onto a preceding 16-bit instruction */
        .sys_light = 1,            /* [M3T] CPS 1 or 2, SEV/NOP 1; SVC/BKPT "-": 1 */
        .fp_mac = 3,               /* no FPU: M4's figure */
        .fp_vmov_core = 2,         /* no FPU: M4's figure */
        .fpdiv_d = 14,             /* no FPU */
        .ldr_pipe = 1,             /* [M3T], [J34] */
        .pipe_wb_breaks = 1,       /* [J34] cm3: only a chain's first load may be pre/post-
                                      indexed */
        .st_then_ld = 1,           /* [J34] stores do not pipeline with a following load */
        .st_wb_chain = 1,          /* [J34] pre/post-indexed stores on one base do not chain */
        .lat_ld_word = 1,          /* included in LDR's 2 */
        .lat_ld_sub = 1,
        .lat_mul = 1,
        .lat_ld_mul = 1,
        .muls_n = 1,               /* [M3T] MUL 1 */
        .mispredict = 0,           /* no dynamic prediction: taken B<cc> includes P [M3T] */
        .issue = SIM_ISSUE_SINGLE,
    },
    [SIM_CORE_M4F] = {
        .name = "cortex-m4f",
        .cls = {
            [SIM_CLS_ALU] = 1,     /* [M4T] */
            [SIM_CLS_MUL] = 1,     /* [M4T] MUL 1 */
            [SIM_CLS_MULL] = 1,    /* [M4T] SMULL/UMULL 1 */
            [SIM_CLS_DIV] = 7,     /* [M4T] 2 to 12: midpoint */
            [SIM_CLS_DSP] = 1,     /* [M4T] SMLAD, QADD, SADD16, SSAT16, PKHBT ... 1 */
            [SIM_CLS_LOAD] = 2,    /* [M4T] LDR 2 (1 when pipelined) */
            [SIM_CLS_STORE] = 1,   /* [M4T 3.3.2] STR Rx,[Ry,#imm] 1; [J34] */
            [SIM_CLS_LDM] = 1,     /* [M4T] 1+N */
            [SIM_CLS_BRANCH] = 3,  /* [M4T] B 1+P, P = 2 */
            [SIM_CLS_FP] = 1,      /* [TI] VADD/VSUB/VMUL/VNMUL/VABS/VNEG/VCMP/VCVT 1 */
            [SIM_CLS_FPDIV] = 14,  /* [TI] VDIV.F32 14, VSQRT.F32 14 */
            [SIM_CLS_FPMEM] = 2,   /* [TI] VLDR.32 2 (VSTR 2 [E]; OTAWA uses 3) */
            [SIM_CLS_SYS] = 2,     /* [M4T] MRS/MSR 1 or 2, DMB/DSB/ISB 1+B */
            [SIM_CLS_OTHER] = 1,
        },
        .ldm_regs_per_cycle = 1,   /* [M4T] 1+N; [TI] VLDM/VPUSH 1+N singles, 1+2N doubles */
        .mla = 1,                  /* [M4T] (100166) MLA/MLS 1, TI agrees: see CHOICES */
        .mlal = 1,                 /* [M4T] SMLAL/UMLAL 1 */
        .str_reg = 2,              /* [M4T] STR 2; [J34] register offset 2 */
        .p = 2,                    /* [M4T] P 1..3: we take 2 */
        .b_not_taken = 1,          /* [M4T] */
        .bl = 3,                   /* [M4T] BL 1+P */
        .bx = 3,                   /* [M4T] BX/BLX/MOV pc/ADD pc 1+P */
        .cbz_taken = 3,            /* [M4T] CBZ 1 or 1+P */
        .ldm_pc = 2,               /* [M4T] 1+N+P */
        .ldr_pc = 4,               /* [M4T] LDR pc 2+P */
        .tbb = 5,                  /* [M4T 3.3.2] load 2 + add 1 + P */
        .it = 1,                   /* [M4T] IT 1 */
        .it_fold = 1,              /* [M4T] folded onto a preceding 16-bit instruction */
        .sys_light = 1,            /* [M4T] CPS 1 or 2, SEV/NOP 1; SVC/BKPT/WFI "-": 1 */
        .fp_mac = 3,               /* [TI] VMLA/VMLS/VFMA/VFMS/VNMLA/VNMLS 3 */
        .fp_vmov_core = 2,         /* [TI] VMOV core<->S and two core registers 2 */
        .fpdiv_d = 14,             /* FPv4-SP has no double precision */
        .ldr_pipe = 1,             /* [M4T 3.3.2], [J34] */
        .pipe_wb_breaks = 0,       /* [J34] cm4: only same-base chains break (dependency rule) */
        .st_then_ld = 1,           /* [J34] */
        .st_wb_chain = 1,          /* [J34] */
        .lat_ld_word = 1,
        .lat_ld_sub = 1,
        .lat_mul = 1,
        .lat_ld_mul = 1,
        .muls_n = 1,               /* [M4T] MUL 1 */
        .mispredict = 0,           /* no dynamic prediction: taken B<cc> includes P [M4T] */
        .issue = SIM_ISSUE_SINGLE,
    },
    [SIM_CORE_M7] = {
        .name = "cortex-m7",
        .cls = {
            [SIM_CLS_ALU] = 1,     /* [LLVM7] two ALUs, IssueWidth 2 */
            [SIM_CLS_MUL] = 1,     /* [LLVM7] one MAC, issue 1, latency 2 */
            [SIM_CLS_MULL] = 1,    /* [LLVM7] latency 2 */
            [SIM_CLS_DIV] = 7,     /* [LLVM7] latency 7, single issue, stalls */
            [SIM_CLS_DSP] = 1,     /* [LLVM7], [J7] */
            [SIM_CLS_LOAD] = 1,    /* [LLVM7] WriteLd latency 1; [J7] */
            [SIM_CLS_STORE] = 1,   /* [LLVM7] one store unit */
            [SIM_CLS_LDM] = 0,     /* [J7] "takes ceil(regnum/2) cycles", single issue */
            [SIM_CLS_BRANCH] = 1,  /* predicted (see CHOICES) */
            [SIM_CLS_FP] = 1,      /* [LLVM7] issue 1, latency 3; [J7] */
            [SIM_CLS_FPDIV] = 16,  /* [J7] VDIV.F32 16 (VSQRT 14), [LLVM7] 16 */
            [SIM_CLS_FPMEM] = 1,   /* [LLVM7] VLDRS latency 1; [J7] "vldr.f can be dual issued" */
            [SIM_CLS_SYS] = 3,     /* [LLVM7] M7NonGeneralPurpose: latency 3, single issue */
            [SIM_CLS_OTHER] = 1,
        },
        .ldm_regs_per_cycle = 2,   /* [J7] ceil(regnum/2) */
        .mla = 1,                  /* [LLVM7] WriteMAC32 issue 1; [J7] accumulators chain */
        .mlal = 1,                 /* [LLVM7] */
        .str_reg = 1,              /* [LLVM7] */
        .p = 0,                    /* predicted branches */
        .b_not_taken = 1,          /* [J7] a not-taken branch pairs with the next instruction */
        .bl = 1,                   /* predicted */
        .bx = 1,                   /* predicted */
        .cbz_taken = 1,            /* predicted */
        .ldm_pc = 0,               /* predicted */
        .ldr_pc = 1,               /* predicted, single issue */
        .tbb = 2,                  /* [LLVM7] M7TableLoad: 2 micro-ops, single issue */
        .it = 1,                   /* [J7] behaves like a predicted not-taken branch: pairs */
        .it_fold = 0,              /* pairing handles it */
        .sys_light = 1,            /* single issue */
        .fp_mac = 1,               /* [J7] issue 1 (result latency 3 to 6 not modelled) */
        .fp_vmov_core = 1,         /* [LLVM7] WriteFPMOV issue 1, latency 3 */
        .fpdiv_d = 30,             /* [J7] VDIV.D 30; [LLVM7] 30 */
        .ldr_pipe = 0,
        .pipe_wb_breaks = 0,
        .st_then_ld = 0,
        .st_wb_chain = 0,
        .lat_ld_word = 1,          /* [J7] word loads feed the late ALU next cycle; [LLVM7] 1 */
        .lat_ld_sub = 2,           /* [J7] byte/half "1 extra cycle of result latency"; [LLVM7] 2 */
        .lat_mul = 2,              /* [J7] "1 additional cycle of result latency"; [LLVM7] 2 */
        .lat_ld_mul = 2,           /* [J7] multiplies "can't consume `ldr` result from previous
                                      cycle" */
        .muls_n = 1,
        .mispredict = 8,           /* [J7] "branch misprediction penalty from 8 to 6 cycles";
                                      [LLVM7] MispredictPenalty 4 (CHOICES) */
        .mispredict_early = 6,     /* [J7] flags set "at least 3 cycles before branch" */
        .early_flags = 3,          /* [J7] */
        .issue = SIM_ISSUE_M7,
    },
    [SIM_CORE_M33] = {
        .name = "cortex-m33",
        .cls = {
            [SIM_CLS_ALU] = 1,     /* [J33], [LLVM4] */
            [SIM_CLS_MUL] = 1,     /* [J33] issue 1, result latency 2 */
            [SIM_CLS_MULL] = 1,    /* [E] as MUL */
            [SIM_CLS_DIV] = 7,     /* [E] no published figure; as M3/M4 */
            [SIM_CLS_DSP] = 1,     /* [J33] issue 1, MAC result latency 2 */
            [SIM_CLS_LOAD] = 1,    /* [J33] issue 1, "load to use latency is 2 cycles" */
            [SIM_CLS_STORE] = 1,   /* [E] */
            [SIM_CLS_LDM] = 0,     /* [J33] "load/store multiple of x registers execute in
                                      exactly x cycles" */
            [SIM_CLS_BRANCH] = 2,  /* [J33] taken 2 (1 when paired) */
            [SIM_CLS_FP] = 1,      /* [E] as M4 */
            [SIM_CLS_FPDIV] = 14,  /* [E] as M4 */
            [SIM_CLS_FPMEM] = 1,   /* [E] as LDR */
            [SIM_CLS_SYS] = 2,     /* [E] as M4 */
            [SIM_CLS_OTHER] = 1,
        },
        .ldm_regs_per_cycle = 1,   /* [J33] N; "load/store double execute in 2 cycles" */
        .mla = 1,                  /* [J33] MACs issue 1, accumulators chain */
        .mlal = 1,                 /* [E] */
        .str_reg = 1,              /* [E] */
        .p = 1,                    /* [J33] taken branch 2 = 1+P */
        .b_not_taken = 1,          /* [J33] (0 when paired) */
        .bl = 2,                   /* [E] 1+P */
        .bx = 2,                   /* [E] 1+P */
        .cbz_taken = 2,            /* [E] 1+P */
        .ldm_pc = 1,               /* [E] P */
        .ldr_pc = 3,               /* [E] 1 + load latency 1 + P */
        .tbb = 4,                  /* [E] load 2 + add 1 + P */
        .it = 1,
        .it_fold = 1,              /* [J33] "it can dual issue with preceding instruction" */
        .sys_light = 1,
        .fp_mac = 1,               /* [J33] issue 1; then no FP instruction for 2 cycles */
        .fp_vmov_core = 2,         /* [E] as M4 */
        .fpdiv_d = 14,             /* FPv5-SP: no double precision */
        .ldr_pipe = 0,
        .pipe_wb_breaks = 0,
        .st_then_ld = 0,
        .st_wb_chain = 0,
        .lat_ld_word = 2,          /* [J33] */
        .lat_ld_sub = 2,           /* [J33] */
        .lat_mul = 2,              /* [J33] MAC and xta results 2 */
        .lat_ld_mul = 2,           /* [J33] load to use 2 (an accumulator takes it in 1) */
        .muls_n = 2,               /* [J33] "muls.n ... take a total of 2 cycles" */
        .mispredict = 0,           /* [J33] fixed figures: taken 2, not taken 0..1 */
        .issue = SIM_ISSUE_M33,
    },
};

/* M33: cycles after an FP multiply-accumulate during which no FP instruction issues [J33]. */
#define M33_FP_MAC_SHADOW 2
/* M33: result latency of shifted-register operand2 and {S,U}XTA* instructions [J33]. */
#define M33_LAT_OP2 2

static const char *const class_names[SIM_CLS_COUNT] = {
    [SIM_CLS_ALU] = "alu",     [SIM_CLS_MUL] = "mul",       [SIM_CLS_MULL] = "mull",
    [SIM_CLS_DIV] = "div",     [SIM_CLS_DSP] = "dsp",       [SIM_CLS_LOAD] = "load",
    [SIM_CLS_STORE] = "store", [SIM_CLS_LDM] = "ldm",       [SIM_CLS_BRANCH] = "branch",
    [SIM_CLS_FP] = "fp",       [SIM_CLS_FPDIV] = "fpdiv",   [SIM_CLS_FPMEM] = "fpmem",
    [SIM_CLS_SYS] = "sys",     [SIM_CLS_OTHER] = "other",
};

const char *sim_class_name(sim_insn_class k)
{
    return (unsigned)k < SIM_CLS_COUNT ? class_names[k] : "?";
}

const sim_core_timing *sim_cost_timing(sim_core core)
{
    return (unsigned)core < SIM_CORE_COUNT ? &timings[core] : NULL;
}

uint32_t sim_cost_class_cycles(sim_core core, sim_insn_class k)
{
    if ((unsigned)core >= SIM_CORE_COUNT || (unsigned)k >= SIM_CLS_COUNT)
        return 0;
    return timings[core].cls[k];
}

static uint32_t ldm_cycles(const sim_core_timing *t, uint32_t n)
{
    return t->cls[SIM_CLS_LDM] + (n + t->ldm_regs_per_cycle - 1) / t->ldm_regs_per_cycle;
}

uint32_t sim_cost_ldm_cycles(sim_core core, uint32_t nregs)
{
    if ((unsigned)core >= SIM_CORE_COUNT)
        return 0;
    return ldm_cycles(&timings[core], nregs);
}

/* ------------------------------------------------------------------ the coster */

struct sim_coster {
    csh cs;
    cs_insn *insn;
    sim_core core;
    const sim_core_timing *t;
};

/* An allocated message for *cause (nothing when cause is NULL). */
static void set_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_cause(char **cause, const char *fmt, ...)
{
    va_list ap;
    if (cause == NULL)
        return;
    va_start(ap, fmt);
    *cause = mu_vasprintf(fmt, ap);
    va_end(ap);
}

sim_coster *sim_cost_new(sim_core core, char **cause)
{
    sim_coster *c = NULL;
    cs_err err;

    if ((unsigned)core >= SIM_CORE_COUNT) {
        set_cause(cause, "cost model: unknown core %d", (int)core);
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        set_cause(cause, "cost model: out of memory");
        return NULL;
    }
    c->core = core;
    c->t = &timings[core];
    cs_mode mode = CS_MODE_THUMB | CS_MODE_MCLASS;
    if (core == SIM_CORE_M33)
        mode |= CS_MODE_V8; /* LDA/STL/LDAEX/STLEX */
    err = cs_open(CS_ARCH_ARM, mode, &c->cs);
    if (err != CS_ERR_OK)
        goto err;
    err = cs_option(c->cs, CS_OPT_DETAIL, CS_OPT_ON);
    if (err != CS_ERR_OK)
        goto err_close;
    c->insn = cs_malloc(c->cs);
    if (c->insn == NULL) {
        err = CS_ERR_MEM;
        goto err_close;
    }
    return c;

err_close:
    cs_close(&c->cs);
err:
    set_cause(cause, "cost model: cannot open the Capstone ARM disassembler: %s "
              "(is libcapstone built with ARM support?)", cs_strerror(err));
    free(c);
    return NULL;
}

void sim_cost_free(sim_coster *c)
{
    if (c == NULL)
        return;
    if (c->insn != NULL)
        cs_free(c->insn, 1);
    cs_close(&c->cs);
    free(c);
}

/*
 * Capstone 4.0.2 keeps the IT-block state in the handle across cs_disasm_iter calls, so an
 * IT at the end of one buffer would make the next buffer's instructions conditional.
 * cs_disasm (not the iterator) resets it; decoding one NOP through it clears the state,
 * which makes every decode independent of the previous one.
 */
static void reset_it_state(sim_coster *c)
{
    static const uint8_t nop[2] = {0x00, 0xbf};
    cs_insn *tmp = NULL;
    size_t n = cs_disasm(c->cs, nop, sizeof nop, 0, 1, &tmp);
    if (tmp != NULL)
        cs_free(tmp, n);
}

/* Size of the Thumb instruction starting at code (len >= 1): 4 when the first halfword's
 * top five bits are 0b11101, 0b11110 or 0b11111, else 2; clamped to len. */
static uint32_t thumb_size(const uint8_t *code, uint32_t len)
{
    if (len < 2)
        return len;
    uint32_t hw = (uint32_t)code[0] | (uint32_t)code[1] << 8;
    uint32_t size = (hw >> 11) >= 0x1d ? 4 : 2;
    return size <= len ? size : 2;
}

/* ".inst 0x...." for bytes Capstone could not decode. */
static void format_undecoded(const uint8_t *code, uint32_t size, char *buf, size_t bufsize)
{
    if (size >= 4) {
        uint32_t hw1 = (uint32_t)code[0] | (uint32_t)code[1] << 8;
        uint32_t hw2 = (uint32_t)code[2] | (uint32_t)code[3] << 8;
        snprintf(buf, bufsize, ".inst 0x%08x", hw1 << 16 | hw2);
    } else if (size >= 2) {
        snprintf(buf, bufsize, ".inst 0x%04x", (uint32_t)code[0] | (uint32_t)code[1] << 8);
    } else {
        snprintf(buf, bufsize, ".byte 0x%02x", code[0]);
    }
}

/* "mnemonic operands" into buf, truncated to bufsize (> 0) and NUL-terminated. */
static void format_insn(const cs_insn *in, char *buf, size_t bufsize)
{
    size_t pos = 0;
    const char *parts[3] = {in->mnemonic, in->op_str[0] != '\0' ? " " : "", in->op_str};
    for (int i = 0; i < 3; i++)
        for (const char *q = parts[i]; *q != '\0' && pos + 1 < bufsize; q++)
            buf[pos++] = *q;
    buf[pos] = '\0';
}

uint32_t sim_disas_one(sim_coster *c, const uint8_t *code, uint32_t len, uint32_t addr,
                       char *buf, uint32_t bufsize)
{
    char tmp[2];
    if (buf == NULL || bufsize == 0) {
        buf = tmp;
        bufsize = sizeof tmp;
    }
    buf[0] = '\0';
    if (len == 0 || code == NULL)
        return 0;
    reset_it_state(c);
    const uint8_t *p = code;
    size_t n = len < 4 ? len : 4;
    uint64_t a = addr;
    if (cs_disasm_iter(c->cs, &p, &n, &a, c->insn)) {
        format_insn(c->insn, buf, bufsize);
        return c->insn->size;
    }
    uint32_t size = thumb_size(code, len);
    format_undecoded(code, size, buf, bufsize);
    return size;
}

/* ------------------------------------------------------------------ classification */

/* Registers as bits: r0-r15 are 0-15, the flags 16, s0-s31 are 32-63 (d0-d15 two each). */
#define RB_FLAGS (UINT64_C(1) << 16)
#define RB_PC (UINT64_C(1) << 15)

static uint64_t reg_bits(int r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return UINT64_C(1) << (r - ARM_REG_R0);
    if (r >= ARM_REG_S0 && r <= ARM_REG_S31)
        return UINT64_C(1) << (32 + r - ARM_REG_S0);
    if (r >= ARM_REG_D0 && r <= ARM_REG_D15)
        return UINT64_C(3) << (32 + 2 * (r - ARM_REG_D0));
    switch (r) {
    case ARM_REG_SP: return UINT64_C(1) << 13;
    case ARM_REG_LR: return UINT64_C(1) << 14;
    case ARM_REG_PC: return RB_PC;
    case ARM_REG_APSR: case ARM_REG_APSR_NZCV: case ARM_REG_CPSR: return RB_FLAGS;
    default: return 0;
    }
}

static int reg_num(int r) /* 0-15 for core registers, -1 otherwise */
{
    uint64_t b = reg_bits(r);
    for (int i = 0; i < 16; i++)
        if (b == UINT64_C(1) << i)
            return i;
    return -1;
}

/* What kind of memory access an instruction makes (for the pipelining rules). */
enum { MEM_NONE, MEM_LOAD1, MEM_STORE1, MEM_MULTI_LOAD, MEM_MULTI_STORE };

/* M7 issue kinds (see the dual-issue rule). */
enum { U_SINGLE, U_ALU, U_SIMD, U_MAC, U_LOAD, U_STORE, U_FP, U_FPMOV, U_BR };

/* One decoded instruction with everything the pricing rules need. */
typedef struct {
    uint32_t addr, size;
    unsigned id;
    sim_insn_class cls;
    uint32_t flags;           /* SIM_BLK_* it causes */
    uint32_t cost;            /* cycles, taken if it is a branch */
    uint32_t nt_cost;         /* cycles if it is a conditional branch falling through */
    int branch;               /* changes the flow (writes pc) */
    int cond;                 /* conditional (B<cc>, CBZ/CBNZ, or inside an IT block) */
    int is16;
    int sets_flags;
    uint64_t rd, wr;          /* registers read / written */
    uint64_t acc;             /* accumulator operands (read a stage later on M7/M33) */
    uint64_t addr_regs;       /* base and index registers of a memory operand */
    int mem;                  /* MEM_* */
    int wb;                   /* writes back its base register */
    int base;                 /* base register number, -1 if none */
    int has_index;
    int32_t disp;             /* immediate offset (for the M7 bank rule) */
    int sub_word;             /* byte or halfword load */
    int lat2_op;              /* M33: xta or shifted-register operand2 (result latency 2) */
    int mul;                  /* produces a multiply result (lat_mul) */
    int fp_any;               /* FP instruction of any class */
    int fp_mac;               /* VMLA/VFMA family */
    int unit;                 /* U_* for the M7 */
    /* M7 scheduling (see the M7 rules) */
    uint64_t early_rd;        /* registers read at EX1: address, inline-shifted operand,
                                 bitfield/extract source */
    uint64_t adv_rd;          /* registers read a stage late: store data, accumulators */
    int op2;                  /* OP2_* operand2 kind */
    int early_alu;            /* its result reaches EX1 consumers next cycle (J7 list) */
    uint32_t occ, occ_nt;     /* issue cycles before any neighbour rule (taken / not) */
} insn_info;

/* M7 operand2 kinds for the dual-issue matrix [J7]. */
enum { OP2_NONE, OP2_SIMPLE, OP2_PATTERN, OP2_SHCONST, OP2_SHREG, OP2_SHIFT };

static int in_group(const cs_detail *d, int g)
{
    for (int i = 0; i < d->groups_count; i++)
        if (d->groups[i] == g)
            return 1;
    return 0;
}

static int is_fp_insn(const cs_detail *d)
{
    return in_group(d, ARM_GRP_VFP2) || in_group(d, ARM_GRP_VFP3) || in_group(d, ARM_GRP_VFP4) ||
           in_group(d, ARM_GRP_FPARMV8) || in_group(d, ARM_GRP_DPVFP) || in_group(d, ARM_GRP_NEON);
}

/* DSP multiplies: their result has the multiplier's latency and they use the M7's MAC. */
static int is_dsp_mul(unsigned id)
{
    switch (id) {
    case ARM_INS_SMLABB: case ARM_INS_SMLABT: case ARM_INS_SMLATB: case ARM_INS_SMLATT:
    case ARM_INS_SMLAWB: case ARM_INS_SMLAWT: case ARM_INS_SMLAD: case ARM_INS_SMLADX:
    case ARM_INS_SMLSD: case ARM_INS_SMLSDX: case ARM_INS_SMLALBB: case ARM_INS_SMLALBT:
    case ARM_INS_SMLALTB: case ARM_INS_SMLALTT: case ARM_INS_SMLALD: case ARM_INS_SMLALDX:
    case ARM_INS_SMLSLD: case ARM_INS_SMLSLDX: case ARM_INS_SMMLA: case ARM_INS_SMMLAR:
    case ARM_INS_SMMLS: case ARM_INS_SMMLSR: case ARM_INS_SMMUL: case ARM_INS_SMMULR:
    case ARM_INS_SMUAD: case ARM_INS_SMUADX: case ARM_INS_SMULBB: case ARM_INS_SMULBT:
    case ARM_INS_SMULTB: case ARM_INS_SMULTT: case ARM_INS_SMULWB: case ARM_INS_SMULWT:
    case ARM_INS_SMUSD: case ARM_INS_SMUSDX: case ARM_INS_UMAAL: case ARM_INS_USADA8:
    case ARM_INS_USAD8:
        return 1;
    default:
        return 0;
    }
}

/* Multiply-accumulates with a 64-bit accumulator in RdLo/RdHi (operands 0 and 1). */
static int is_long_acc(unsigned id)
{
    switch (id) {
    case ARM_INS_SMLAL: case ARM_INS_UMLAL: case ARM_INS_UMAAL: case ARM_INS_SMLALBB:
    case ARM_INS_SMLALBT: case ARM_INS_SMLALTB: case ARM_INS_SMLALTT: case ARM_INS_SMLALD:
    case ARM_INS_SMLALDX: case ARM_INS_SMLSLD: case ARM_INS_SMLSLDX:
        return 1;
    default:
        return 0;
    }
}

/* Multiply-accumulates whose accumulator is the last (fourth) operand Ra. */
static int is_ra_acc(unsigned id)
{
    switch (id) {
    case ARM_INS_MLA: case ARM_INS_MLS: case ARM_INS_SMLABB: case ARM_INS_SMLABT:
    case ARM_INS_SMLATB: case ARM_INS_SMLATT: case ARM_INS_SMLAWB: case ARM_INS_SMLAWT:
    case ARM_INS_SMLAD: case ARM_INS_SMLADX: case ARM_INS_SMLSD: case ARM_INS_SMLSDX:
    case ARM_INS_SMMLA: case ARM_INS_SMMLAR: case ARM_INS_SMMLS: case ARM_INS_SMMLSR:
    case ARM_INS_USADA8:
        return 1;
    default:
        return 0;
    }
}

static int is_xta(unsigned id) /* extend-and-add: the added register chains like an accumulator */
{
    switch (id) {
    case ARM_INS_SXTAB: case ARM_INS_SXTAH: case ARM_INS_SXTAB16:
    case ARM_INS_UXTAB: case ARM_INS_UXTAH: case ARM_INS_UXTAB16:
        return 1;
    default:
        return 0;
    }
}

/* Bitfield/extend/reverse instructions that use the M7's single "SIMD" slot [J7, LLVM7]. */
static int is_m7_bitfield(unsigned id)
{
    switch (id) {
    case ARM_INS_SXTB: case ARM_INS_SXTH: case ARM_INS_UXTB: case ARM_INS_UXTH:
    case ARM_INS_SBFX: case ARM_INS_UBFX: case ARM_INS_BFI: case ARM_INS_BFC:
    case ARM_INS_CLZ: case ARM_INS_REV: case ARM_INS_REV16: case ARM_INS_REVSH:
    case ARM_INS_RBIT: case ARM_INS_SSAT: case ARM_INS_USAT:
        return 1;
    default:
        return 0;
    }
}

static int is_alu(unsigned id)
{
    switch (id) {
    case ARM_INS_ADC: case ARM_INS_ADD: case ARM_INS_ADDW: case ARM_INS_ADR: case ARM_INS_AND:
    case ARM_INS_ASR: case ARM_INS_BIC: case ARM_INS_BFC: case ARM_INS_BFI: case ARM_INS_CLZ:
    case ARM_INS_CMN: case ARM_INS_CMP: case ARM_INS_EOR: case ARM_INS_LSL: case ARM_INS_LSR:
    case ARM_INS_MOV: case ARM_INS_MOVT: case ARM_INS_MOVW: case ARM_INS_MVN: case ARM_INS_ORN:
    case ARM_INS_ORR: case ARM_INS_RBIT: case ARM_INS_REV: case ARM_INS_REV16:
    case ARM_INS_REVSH: case ARM_INS_ROR: case ARM_INS_RRX: case ARM_INS_RSB: case ARM_INS_SBC:
    case ARM_INS_SBFX: case ARM_INS_SSAT: case ARM_INS_SUB: case ARM_INS_SUBW: case ARM_INS_TEQ:
    case ARM_INS_TST: case ARM_INS_UBFX: case ARM_INS_USAT: case ARM_INS_SXTB: case ARM_INS_SXTH:
    case ARM_INS_UXTB: case ARM_INS_UXTH: case ARM_INS_NOP: case ARM_INS_IT: case ARM_INS_PLD:
    case ARM_INS_PLDW: case ARM_INS_PLI:
        return 1;
    default:
        return 0;
    }
}

/* Instructions that write no register operand (all their register operands are read). */
static int no_dest(unsigned id)
{
    switch (id) {
    case ARM_INS_STR: case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_STRT:
    case ARM_INS_STRBT: case ARM_INS_STRHT: case ARM_INS_STRD: case ARM_INS_STL:
    case ARM_INS_STLB: case ARM_INS_STLH: case ARM_INS_CMP: case ARM_INS_CMN: case ARM_INS_TST:
    case ARM_INS_TEQ: case ARM_INS_VCMP: case ARM_INS_VCMPE: case ARM_INS_MSR:
    case ARM_INS_VMSR: case ARM_INS_VSTR: case ARM_INS_B: case ARM_INS_BL: case ARM_INS_BX:
    case ARM_INS_BLX: case ARM_INS_CBZ: case ARM_INS_CBNZ: case ARM_INS_TBB: case ARM_INS_TBH:
    case ARM_INS_PLD: case ARM_INS_PLDW: case ARM_INS_PLI:
        return 1;
    default:
        return 0;
    }
}

/* Heavy system instructions (MRS/MSR/barriers): cls[SYS]. Others in the class: sys_light. */
static int is_sys_heavy(unsigned id)
{
    return id == ARM_INS_MRS || id == ARM_INS_MSR || id == ARM_INS_DMB || id == ARM_INS_DSB ||
           id == ARM_INS_ISB;
}

static int is_sys_light(unsigned id)
{
    switch (id) {
    case ARM_INS_CPS: case ARM_INS_SVC: case ARM_INS_BKPT: case ARM_INS_WFI: case ARM_INS_WFE:
    case ARM_INS_SEV: case ARM_INS_SEVL: case ARM_INS_YIELD: case ARM_INS_CLREX:
    case ARM_INS_UDF: case ARM_INS_HINT: case ARM_INS_DBG:
        return 1;
    default:
        return 0;
    }
}

static int is_load1(unsigned id)
{
    switch (id) {
    case ARM_INS_LDR: case ARM_INS_LDRB: case ARM_INS_LDRH: case ARM_INS_LDRSB:
    case ARM_INS_LDRSH: case ARM_INS_LDRT: case ARM_INS_LDRBT: case ARM_INS_LDRHT:
    case ARM_INS_LDRSBT: case ARM_INS_LDRSHT: case ARM_INS_LDREX: case ARM_INS_LDREXB:
    case ARM_INS_LDREXH: case ARM_INS_LDA: case ARM_INS_LDAB: case ARM_INS_LDAH:
    case ARM_INS_LDAEX: case ARM_INS_LDAEXB: case ARM_INS_LDAEXH:
        return 1;
    default:
        return 0;
    }
}

static int is_sub_word_load(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRB: case ARM_INS_LDRH: case ARM_INS_LDRSB: case ARM_INS_LDRSH:
    case ARM_INS_LDRBT: case ARM_INS_LDRHT: case ARM_INS_LDRSBT: case ARM_INS_LDRSHT:
    case ARM_INS_LDREXB: case ARM_INS_LDREXH: case ARM_INS_LDAB: case ARM_INS_LDAH:
    case ARM_INS_LDAEXB: case ARM_INS_LDAEXH:
        return 1;
    default:
        return 0;
    }
}

static int is_store1(unsigned id)
{
    switch (id) {
    case ARM_INS_STR: case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_STRT:
    case ARM_INS_STRBT: case ARM_INS_STRHT: case ARM_INS_STREX: case ARM_INS_STREXB:
    case ARM_INS_STREXH: case ARM_INS_STL: case ARM_INS_STLB: case ARM_INS_STLH:
    case ARM_INS_STLEX: case ARM_INS_STLEXB: case ARM_INS_STLEXH:
        return 1;
    default:
        return 0;
    }
}

/* Multiple transfers: 0 none, 1 load (list starts at operand `first`), 2 store. */
static int multi_kind(unsigned id, int *first)
{
    switch (id) {
    case ARM_INS_POP: case ARM_INS_VPOP:
        *first = 0;
        return 1;
    case ARM_INS_PUSH: case ARM_INS_VPUSH:
        *first = 0;
        return 2;
    case ARM_INS_LDM: case ARM_INS_LDMDB: case ARM_INS_LDMDA: case ARM_INS_LDMIB:
    case ARM_INS_VLDMIA: case ARM_INS_VLDMDB:
        *first = 1;
        return 1;
    case ARM_INS_STM: case ARM_INS_STMDB: case ARM_INS_STMDA: case ARM_INS_STMIB:
    case ARM_INS_VSTMIA: case ARM_INS_VSTMDB:
        *first = 1;
        return 2;
    default:
        return 0;
    }
}

static int is_shift_insn(unsigned id)
{
    return id == ARM_INS_LSL || id == ARM_INS_LSR || id == ARM_INS_ASR || id == ARM_INS_ROR ||
           id == ARM_INS_RRX;
}

/* M7: register operand i (a source) is consumed in the early ALU [J7]: every source of
 * SBFX/UBFX/RBIT/REV*, the inserted register of BFI, the shifted register of PKHBT/PKHTB
 * (and PKHTB's Rn), the extended register of {S,U}XTA*. */
static int m7_early_source(unsigned id, int i)
{
    switch (id) {
    case ARM_INS_SBFX: case ARM_INS_UBFX: case ARM_INS_RBIT: case ARM_INS_REV:
    case ARM_INS_REV16: case ARM_INS_REVSH:
        return 1;
    case ARM_INS_BFI:
        return i == 1;
    case ARM_INS_PKHBT:
        return i == 2;
    case ARM_INS_PKHTB:
        return i == 1 || i == 2;
    default:
        return is_xta(id) && i == 2;
    }
}

/* Register operand i of a multiply-accumulate is its accumulator. */
static int is_acc_operand(unsigned id, int i, int nops)
{
    if (is_long_acc(id))
        return i <= 1;
    if (is_ra_acc(id))
        return i == 3 && nops == 4;
    if (is_xta(id))
        return i == 1;
    return 0;
}

/* Fill the register and memory fields of *ii from Capstone's operands. Capstone 4.0.2's
 * per-operand access flags are unreliable (SXTAB16's Rm and SMLAL's RdLo/RdHi come out
 * wrong), so reads and writes follow the ARM operand conventions instead: the first
 * operand(s) are written, the rest read. A destination is also read when the instruction
 * accumulates into it, or when Capstone marks it read (the Rdn of 16-bit two-operand
 * forms such as "adds r0, #1", which it gets right). */
static void operands(const cs_insn *in, insn_info *ii)
{
    const cs_arm *a = &in->detail->arm;
    unsigned id = in->id;
    int first = 0;
    int mk = multi_kind(id, &first);
    int ndst;

    ii->base = -1;
    ii->wb = a->writeback;
    if (mk != 0) {
        if (first == 1 && a->op_count > 0 && a->operands[0].type == ARM_OP_REG) {
            uint64_t b = reg_bits(a->operands[0].reg);
            ii->rd |= b;
            ii->addr_regs |= b;
            ii->base = reg_num(a->operands[0].reg);
            if (a->writeback)
                ii->wr |= b;
        } else {
            ii->rd |= reg_bits(ARM_REG_SP);
            ii->wr |= reg_bits(ARM_REG_SP);
            ii->addr_regs |= reg_bits(ARM_REG_SP);
            ii->base = 13;
        }
        ii->early_rd |= ii->addr_regs;
        for (int i = first; i < a->op_count; i++)
            if (a->operands[i].type == ARM_OP_REG) {
                if (mk == 1) {
                    ii->wr |= reg_bits(a->operands[i].reg);
                } else {
                    ii->rd |= reg_bits(a->operands[i].reg);
                    ii->adv_rd |= reg_bits(a->operands[i].reg); /* store data */
                }
            }
        return;
    }

    if (no_dest(id))
        ndst = 0;
    else if (id == ARM_INS_SMULL || id == ARM_INS_UMULL || is_long_acc(id) ||
             id == ARM_INS_LDRD || id == ARM_INS_LDREXD || id == ARM_INS_LDAEXD)
        ndst = 2;
    else if (id == ARM_INS_VMOV && a->op_count >= 3 && reg_num(a->operands[0].reg) >= 0 &&
             a->operands[1].type == ARM_OP_REG && reg_num(a->operands[1].reg) >= 0)
        ndst = 2; /* vmov r0, r1, d0 */
    else
        ndst = 1;
    int rmw = id == ARM_INS_MOVT || id == ARM_INS_BFI || id == ARM_INS_BFC || is_long_acc(id) ||
              id == ARM_INS_VMLA || id == ARM_INS_VMLS || id == ARM_INS_VNMLA ||
              id == ARM_INS_VNMLS || id == ARM_INS_VFMA || id == ARM_INS_VFMS ||
              id == ARM_INS_VFNMA || id == ARM_INS_VFNMS;

    for (int i = 0; i < a->op_count; i++) {
        const cs_arm_op *o = &a->operands[i];
        if (o->type == ARM_OP_REG) {
            uint64_t b = reg_bits(o->reg);
            if (i < ndst) {
                ii->wr |= b;
                if (rmw || (o->access & CS_AC_READ)) /* e.g. the Rdn of "adds r0, #1" */
                    ii->rd |= b;
            } else {
                ii->rd |= b;
            }
            if (is_acc_operand(id, i, a->op_count))
                ii->acc |= b;
            if (i > 0 && o->shift.type != ARM_SFT_INVALID && o->shift.value != 0 &&
                ii->cls == SIM_CLS_ALU)
                ii->lat2_op = 1; /* shifted-register operand2 */
            if (i >= ndst && o->shift.type != ARM_SFT_INVALID && o->shift.value != 0 &&
                !is_shift_insn(id))
                ii->early_rd |= b; /* M7: an inline-shifted operand is read at EX1 [J7] */
            if (i >= ndst && m7_early_source(id, i))
                ii->early_rd |= b;
        } else if (o->type == ARM_OP_MEM) {
            uint64_t b = reg_bits(o->mem.base);
            ii->rd |= b;
            ii->addr_regs |= b;
            ii->base = reg_num(o->mem.base);
            if (o->mem.index != ARM_REG_INVALID) {
                ii->rd |= reg_bits(o->mem.index);
                ii->addr_regs |= reg_bits(o->mem.index);
                ii->has_index = 1;
            }
            ii->disp = o->mem.disp;
            if (a->writeback)
                ii->wr |= b;
        }
    }
    if (is_xta(id))
        ii->lat2_op = 1;
    ii->early_rd |= ii->addr_regs; /* M7: addresses are formed at EX1 [LLVM7, J7] */
    if (ii->mem == MEM_STORE1 || ii->mem == MEM_MULTI_STORE)
        ii->adv_rd |= ii->rd & ~ii->addr_regs; /* store data is read late [LLVM7, J7] */
    if (is_long_acc(id) || is_ra_acc(id))
        ii->adv_rd |= ii->acc; /* accumulators are read a stage late [J7] */
    if (a->update_flags)
        ii->wr |= RB_FLAGS;
    if ((a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID) || id == ARM_INS_ADC ||
        id == ARM_INS_SBC || id == ARM_INS_RRX)
        ii->rd |= RB_FLAGS;
}

/* FP registers in a register list, counted in 32-bit words. */
static uint32_t fp_words(const cs_arm *a, int first)
{
    uint32_t n = 0;
    for (int i = first; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG) {
            int r = a->operands[i].reg;
            n += (r >= ARM_REG_D0 && r <= ARM_REG_D31) ? 2 : 1;
        }
    return n;
}

static uint32_t list_regs(const cs_arm *a, int first)
{
    uint32_t n = 0;
    for (int i = first; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG)
            n++;
    return n;
}

/*
 * What an instruction does to SP, for the stack depth the engine tracks without touching
 * guest memory: 0 when it does not write SP, 1 with *delta the change in bytes (negative:
 * the stack grows), 2 when it writes SP with a value the code does not give (MOV sp, rN, ADD
 * sp, rN, LDR sp, MSR msp, SP in an LDM's register list, a conditional SP write).
 */
static int sp_effect(const cs_insn *in, const insn_info *ii, int32_t *delta)
{
    const cs_arm *a = &in->detail->arm;
    unsigned id = in->id;
    int first = 0, mk = multi_kind(id, &first);
    *delta = 0;
    if (id == ARM_INS_MSR)
        return 2; /* MSR msp/psp (other special registers leave SP alone: harmless) */
    if (!(ii->wr & reg_bits(ARM_REG_SP)))
        return 0;
    if (ii->cond)
        return 2;
    if (mk != 0) {
        int fp = id == ARM_INS_VPUSH || id == ARM_INS_VPOP || id == ARM_INS_VLDMIA ||
                 id == ARM_INS_VLDMDB || id == ARM_INS_VSTMIA || id == ARM_INS_VSTMDB;
        if (first == 1 && !(a->op_count > 0 && a->operands[0].type == ARM_OP_REG &&
                            a->operands[0].reg == ARM_REG_SP))
            return 2; /* SP in the register list of an LDM on another base */
        for (int i = first; i < a->op_count; i++)
            if (mk == 1 && a->operands[i].type == ARM_OP_REG && a->operands[i].reg == ARM_REG_SP)
                return 2;
        int32_t n = (int32_t)(fp ? fp_words(a, first) : list_regs(a, first)) * 4;
        int down = id == ARM_INS_PUSH || id == ARM_INS_VPUSH || id == ARM_INS_STMDB ||
                   id == ARM_INS_LDMDB || id == ARM_INS_STMDA || id == ARM_INS_LDMDA ||
                   id == ARM_INS_VSTMDB || id == ARM_INS_VLDMDB;
        *delta = down ? -n : n;
        return 1;
    }
    if ((id == ARM_INS_SUB || id == ARM_INS_ADD || id == ARM_INS_SUBW || id == ARM_INS_ADDW) &&
        a->op_count >= 2 && a->operands[0].type == ARM_OP_REG &&
        a->operands[0].reg == ARM_REG_SP) {
        const cs_arm_op *o = &a->operands[a->op_count - 1];
        if (o->type != ARM_OP_IMM || (a->op_count == 3 && !(a->operands[1].type == ARM_OP_REG &&
                                                             a->operands[1].reg == ARM_REG_SP)))
            return 2;
        *delta = id == ARM_INS_SUB || id == ARM_INS_SUBW ? -(int32_t)o->imm : (int32_t)o->imm;
        return 1;
    }
    /* a load or store writing back SP as its base: [sp, #d]! or [sp], #d */
    for (int i = 0; i < a->op_count; i++) {
        const cs_arm_op *o = &a->operands[i];
        if (o->type != ARM_OP_MEM || o->mem.base != ARM_REG_SP || !a->writeback)
            continue;
        if (a->operands[0].type == ARM_OP_REG && a->operands[0].reg == ARM_REG_SP)
            return 2; /* loads SP itself */
        if (i + 1 < a->op_count && a->operands[i + 1].type == ARM_OP_IMM) /* post-indexed */
            *delta = a->operands[i + 1].subtracted ? -(int32_t)a->operands[i + 1].imm
                                                   : (int32_t)a->operands[i + 1].imm;
        else if (i + 1 < a->op_count)
            return 2; /* register post-index */
        else
            *delta = o->mem.disp;
        return 1;
    }
    return 2;
}

static int has_core_reg_operand(const cs_arm *a)
{
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG && reg_num(a->operands[i].reg) >= 0)
            return 1;
    return 0;
}

static int is_double(const cs_arm *a)
{
    if (a->vector_data == ARM_VECTORDATA_F64)
        return 1;
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_REG && a->operands[i].reg >= ARM_REG_D0 &&
            a->operands[i].reg <= ARM_REG_D31)
            return 1;
    return 0;
}

/* ARMv6-M has, of the 32-bit encodings, only BL, MRS, MSR, DMB, DSB and ISB, and none of
 * CBZ, CBNZ and IT. */
static int not_v6m(const cs_insn *in)
{
    switch (in->id) {
    case ARM_INS_CBZ: case ARM_INS_CBNZ: case ARM_INS_IT:
        return 1;
    case ARM_INS_BL: case ARM_INS_MRS: case ARM_INS_MSR: case ARM_INS_DMB: case ARM_INS_DSB:
    case ARM_INS_ISB:
        return 0;
    default:
        return in->size == 4;
    }
}

/* M7: kind of a 32-bit data-processing immediate [J7]: plain 8-bit, a replicated pattern
 * (0x00XY00XY, 0xXY00XY00, 0xXYXYXYXY) or a shifted 8-bit constant. */
static int m7_imm_kind(uint32_t v)
{
    uint32_t lo = v & 0xff, hi = (v >> 8) & 0xff;
    if (v <= 0xff)
        return OP2_SIMPLE;
    if (v == (lo | lo << 16) || v == (hi << 8 | hi << 24) || v == lo * 0x01010101u)
        return OP2_PATTERN;
    return OP2_SHCONST;
}

/* M7: the operand2 kind (for the dual-issue matrix) and whether the result comes out of the
 * early ALU: [J7] "add, sub, reg-reg or simple and constructed constants (not shifted ones)"
 * and "mov ... + simple shifts and rotations (aliased to mov) except rrx" reach an EX1
 * consumer in the next cycle. */
static void m7_operand2(const cs_arm *a, insn_info *ii)
{
    unsigned id = ii->id;
    ii->op2 = OP2_NONE;
    if (ii->cls != SIM_CLS_ALU || id == ARM_INS_IT || id == ARM_INS_NOP ||
        ii->unit == U_SIMD || ii->unit == U_LOAD)
        return;
    if (is_shift_insn(id)) {
        ii->op2 = OP2_SHIFT;
    } else {
        ii->op2 = OP2_SIMPLE;
        for (int i = 0; i < a->op_count; i++) {
            const cs_arm_op *o = &a->operands[i];
            if (o->type == ARM_OP_REG && i > 0 && o->shift.type != ARM_SFT_INVALID &&
                o->shift.value != 0)
                ii->op2 = OP2_SHREG;
            else if (o->type == ARM_OP_IMM && !ii->is16 && id != ARM_INS_ADDW &&
                     id != ARM_INS_SUBW && id != ARM_INS_MOVW && id != ARM_INS_MOVT &&
                     ii->op2 == OP2_SIMPLE)
                ii->op2 = m7_imm_kind((uint32_t)o->imm);
        }
    }
    switch (id) {
    case ARM_INS_ADD: case ARM_INS_ADDW: case ARM_INS_SUB: case ARM_INS_SUBW:
    case ARM_INS_MOV: case ARM_INS_MOVW: case ARM_INS_MOVT: case ARM_INS_ADR:
        ii->early_alu = ii->op2 == OP2_SIMPLE || ii->op2 == OP2_PATTERN;
        break;
    case ARM_INS_LSL: case ARM_INS_LSR: case ARM_INS_ASR: case ARM_INS_ROR:
        ii->early_alu = 1;
        break;
    default:
        break;
    }
}

/*
 * Class, base cost (before the neighbour rules) and attributes of one decoded instruction.
 */
static void classify(const sim_coster *c, const cs_insn *in, insn_info *ii)
{
    const sim_core_timing *t = c->t;
    const cs_detail *d = in->detail;
    const cs_arm *a = &d->arm;
    unsigned id = in->id;
    int first = 0;
    int mk;

    memset(ii, 0, sizeof *ii);
    ii->addr = (uint32_t)in->address;
    ii->size = in->size;
    ii->id = id;
    ii->is16 = in->size == 2;
    ii->sets_flags = a->update_flags;
    ii->cond = a->cc != ARM_CC_AL && a->cc != ARM_CC_INVALID;
    ii->unit = U_ALU;
    if (not_v6m(in))
        ii->flags |= SIM_BLK_NOT_V6M;

    mk = multi_kind(id, &first);
    if (is_fp_insn(d)) {
        ii->flags |= SIM_BLK_FP;
        ii->fp_any = 1;
        if (id == ARM_INS_VDIV || id == ARM_INS_VSQRT) {
            ii->cls = SIM_CLS_FPDIV;
            ii->cost = is_double(a) ? t->fpdiv_d : t->cls[SIM_CLS_FPDIV];
            ii->unit = U_SINGLE;
        } else if (id == ARM_INS_VLDR || id == ARM_INS_VSTR) {
            uint32_t w = fp_words(a, 0);
            ii->cls = SIM_CLS_FPMEM;
            ii->cost = w <= 1 ? t->cls[SIM_CLS_FPMEM] : ldm_cycles(t, w);
            ii->unit = w <= 1 ? (id == ARM_INS_VLDR ? U_LOAD : U_STORE) : U_SINGLE;
        } else if (mk != 0) {
            ii->cls = SIM_CLS_FPMEM;
            ii->cost = ldm_cycles(t, fp_words(a, first));
            ii->unit = U_SINGLE;
        } else {
            ii->cls = SIM_CLS_FP;
            ii->cost = t->cls[SIM_CLS_FP];
            ii->unit = U_FP;
            switch (id) {
            case ARM_INS_VMLA: case ARM_INS_VMLS: case ARM_INS_VNMLA: case ARM_INS_VNMLS:
            case ARM_INS_VFMA: case ARM_INS_VFMS: case ARM_INS_VFNMA: case ARM_INS_VFNMS:
                ii->cost = t->fp_mac;
                ii->fp_mac = 1;
                break;
            case ARM_INS_VMOV:
                if (has_core_reg_operand(a)) {
                    ii->cost = t->fp_vmov_core;
                    ii->unit = a->op_count >= 3 ? U_SINGLE : U_FPMOV;
                } else {
                    ii->unit = U_FPMOV;
                }
                break;
            default:
                break;
            }
        }
    } else if (in_group(d, ARM_GRP_THUMB2DSP) || in_group(d, ARM_GRP_T2EXTRACTPACK)) {
        ii->flags |= SIM_BLK_DSP;
        ii->cls = SIM_CLS_DSP;
        ii->cost = t->cls[SIM_CLS_DSP];
        ii->mul = is_dsp_mul(id);
        ii->unit = ii->mul ? U_MAC : U_SIMD;
    } else if (mk != 0) {
        uint32_t n = list_regs(a, first);
        ii->cls = SIM_CLS_LDM;
        ii->cost = ldm_cycles(t, n);
        ii->mem = mk == 1 ? MEM_MULTI_LOAD : MEM_MULTI_STORE;
        ii->unit = U_SINGLE;
    } else if (id == ARM_INS_LDRD || id == ARM_INS_STRD || id == ARM_INS_LDREXD ||
               id == ARM_INS_STREXD || id == ARM_INS_LDAEXD || id == ARM_INS_STLEXD) {
        int load = id == ARM_INS_LDRD || id == ARM_INS_LDREXD || id == ARM_INS_LDAEXD;
        ii->cls = SIM_CLS_LDM;
        ii->cost = ldm_cycles(t, 2);
        ii->mem = load ? MEM_MULTI_LOAD : MEM_MULTI_STORE;
        ii->unit = U_SINGLE;
    } else if (is_load1(id)) {
        ii->cls = SIM_CLS_LOAD;
        ii->cost = t->cls[SIM_CLS_LOAD];
        ii->mem = MEM_LOAD1;
        ii->sub_word = is_sub_word_load(id);
        ii->unit = U_LOAD;
    } else if (is_store1(id)) {
        ii->cls = SIM_CLS_STORE;
        ii->cost = t->cls[SIM_CLS_STORE];
        ii->mem = MEM_STORE1;
        ii->unit = (id == ARM_INS_STREX || id == ARM_INS_STREXB || id == ARM_INS_STREXH ||
                    id == ARM_INS_STLEX || id == ARM_INS_STLEXB || id == ARM_INS_STLEXH)
                       ? U_SINGLE /* [LLVM7] exclusive stores are single issue */
                       : U_STORE;
    } else if (id == ARM_INS_MUL || id == ARM_INS_MLA || id == ARM_INS_MLS) {
        ii->cls = SIM_CLS_MUL;
        ii->cost = id == ARM_INS_MUL ? (ii->is16 ? t->muls_n : t->cls[SIM_CLS_MUL]) : t->mla;
        ii->mul = 1;
        ii->unit = U_MAC;
    } else if (id == ARM_INS_SMULL || id == ARM_INS_UMULL || id == ARM_INS_SMLAL ||
               id == ARM_INS_UMLAL) {
        ii->cls = SIM_CLS_MULL;
        ii->cost = (id == ARM_INS_SMLAL || id == ARM_INS_UMLAL) ? t->mlal : t->cls[SIM_CLS_MULL];
        ii->mul = 1;
        ii->unit = U_MAC;
    } else if (id == ARM_INS_SDIV || id == ARM_INS_UDIV) {
        ii->cls = SIM_CLS_DIV;
        ii->cost = t->cls[SIM_CLS_DIV];
        ii->flags |= SIM_BLK_DIV;
        ii->unit = U_SINGLE;
    } else if (id == ARM_INS_B || id == ARM_INS_BL || id == ARM_INS_BX || id == ARM_INS_BLX ||
               id == ARM_INS_BXJ || id == ARM_INS_CBZ || id == ARM_INS_CBNZ ||
               id == ARM_INS_TBB || id == ARM_INS_TBH) {
        ii->cls = SIM_CLS_BRANCH;
        ii->branch = 1;
        ii->unit = U_BR;
        switch (id) {
        case ARM_INS_B: ii->cost = t->cls[SIM_CLS_BRANCH]; break;
        case ARM_INS_BL: ii->cost = t->bl; break;
        case ARM_INS_CBZ: case ARM_INS_CBNZ:
            ii->cost = t->cbz_taken;
            ii->cond = 1;
            break;
        case ARM_INS_TBB: case ARM_INS_TBH:
            ii->cost = t->tbb;
            ii->unit = U_SINGLE;
            break;
        default: ii->cost = t->bx; break;
        }
    } else if (is_sys_heavy(id)) {
        ii->cls = SIM_CLS_SYS;
        ii->cost = t->cls[SIM_CLS_SYS];
        ii->unit = U_SINGLE;
    } else if (is_sys_light(id)) {
        ii->cls = SIM_CLS_SYS;
        ii->cost = t->sys_light;
        ii->unit = U_SINGLE;
    } else if (is_alu(id)) {
        ii->cls = SIM_CLS_ALU;
        ii->cost = id == ARM_INS_IT ? t->it : t->cls[SIM_CLS_ALU];
        if (id == ARM_INS_IT) {
            ii->unit = U_BR;
            ii->cond = 0; /* IT itself executes unconditionally */
        } else if (is_m7_bitfield(id)) {
            ii->unit = U_SIMD;
        } else if (id == ARM_INS_PLD || id == ARM_INS_PLDW || id == ARM_INS_PLI) {
            ii->unit = U_LOAD;
        }
    } else {
        ii->cls = SIM_CLS_OTHER;
        ii->cost = t->cls[SIM_CLS_OTHER];
        ii->unit = U_SINGLE;
    }

    operands(in, ii);
    if (ii->mem == MEM_STORE1 && ii->has_index)
        ii->cost = t->str_reg;
    m7_operand2(a, ii);

    /* Instructions that write pc are branches: LDR pc, LDM/POP with pc, MOV/ADD pc. */
    if (!ii->branch && (ii->wr & RB_PC)) {
        ii->branch = 1;
        if (ii->cls == SIM_CLS_LOAD) {
            ii->cost = t->ldr_pc;
            ii->unit = U_SINGLE;
        } else if (ii->cls == SIM_CLS_LDM) {
            ii->cost += t->ldm_pc;
        } else {
            ii->cls = SIM_CLS_BRANCH;
            ii->cost = t->bx;
            ii->unit = U_BR;
        }
    }
    ii->nt_cost = (ii->branch && ii->cond) ? t->b_not_taken : ii->cost;
}

/* An undecodable run of bytes: class OTHER, 1 cycle. */
static void classify_undecoded(const sim_coster *c, uint32_t addr, uint32_t size,
                               insn_info *ii)
{
    memset(ii, 0, sizeof *ii);
    ii->addr = addr;
    ii->size = size;
    ii->cls = SIM_CLS_OTHER;
    ii->cost = ii->nt_cost = c->t->cls[SIM_CLS_OTHER];
    ii->flags = SIM_BLK_UNDECODED;
    ii->is16 = size == 2;
    ii->base = -1;
    ii->unit = U_SINGLE;
}

/* ------------------------------------------------------------------ neighbour rules */

/* M3/M4: may cur's address phase overlap prev's data phase? (see RULES) */
static int pipelines(const sim_core_timing *t, const insn_info *prev, const insn_info *cur)
{
    if (prev->mem != MEM_LOAD1 || prev->branch)
        return 0;
    if (cur->mem != MEM_LOAD1 && cur->mem != MEM_STORE1)
        return 0;
    if (cur->branch)
        return 0;
    if (cur->addr_regs & prev->wr)
        return 0;
    if (t->pipe_wb_breaks && cur->wb)
        return 0;
    return 1;
}

/* Extra cycles cur waits for a result of prev (result latency rule). Accumulator operands
 * are read a stage later and do not wait [J7, J33]; on the M7 a multiply's other operands
 * cannot take even a word load's result from the previous cycle [J7]. */
static uint32_t result_stall(const sim_core_timing *t, const insn_info *prev,
                             const insn_info *cur, int m33)
{
    uint32_t lat = 1;
    uint64_t needed = cur->rd & ~cur->acc;
    if (prev->mem == MEM_LOAD1 && !prev->branch) {
        lat = prev->sub_word ? t->lat_ld_sub : t->lat_ld_word;
        if (cur->mul && t->lat_ld_mul > lat)
            lat = t->lat_ld_mul;
    } else if (prev->mul) {
        lat = t->lat_mul;
    } else if (m33 && prev->lat2_op) {
        lat = M33_LAT_OP2;
    }
    if (lat <= 1)
        return 0;
    uint64_t produced = prev->wr & ~RB_FLAGS & ~RB_PC;
    if (prev->wb && prev->base >= 0)
        produced &= ~(UINT64_C(1) << prev->base); /* a written-back base comes from the AGU */
    return (produced & needed) ? lat - 1 : 0;
}

/* M7: the two loads provably hit different 32-bit banks. */
static int m7_bank_split(const insn_info *a, const insn_info *b)
{
    if (a->mem != MEM_LOAD1 || b->mem != MEM_LOAD1 || a->wb || a->has_index || b->has_index)
        return 0;
    if (a->base < 0 || a->base != b->base || a->sub_word || b->sub_word)
        return 0;
    return ((uint32_t)(a->disp - b->disp) & 7u) == 4u;
}

/* M7: bitfield/extract instructions that use the EX1 shifter and so never pair with an
 * inline-shifted-register or shifted-constant operand2 instruction [J7]. */
static int m7_shifter_bitfield(unsigned id)
{
    switch (id) {
    case ARM_INS_BFI: case ARM_INS_BFC: case ARM_INS_SBFX: case ARM_INS_UBFX:
    case ARM_INS_RBIT: case ARM_INS_REV: case ARM_INS_REV16: case ARM_INS_REVSH:
    case ARM_INS_PKHBT: case ARM_INS_PKHTB:
        return 1;
    default:
        return is_xta(id);
    }
}

/* M7: saturating and "Q" DSP operations with a result latency of 2 [LLVM7 M7WriteSIMD2,
 * M7WriteShSIMD2]. */
static int m7_dsp_lat2(unsigned id)
{
    switch (id) {
    case ARM_INS_QADD: case ARM_INS_QSUB: case ARM_INS_QADD8: case ARM_INS_QADD16:
    case ARM_INS_QSUB8: case ARM_INS_QSUB16: case ARM_INS_QASX: case ARM_INS_QSAX:
    case ARM_INS_QDADD: case ARM_INS_QDSUB: case ARM_INS_UQADD8: case ARM_INS_UQADD16:
    case ARM_INS_UQSUB8: case ARM_INS_UQSUB16: case ARM_INS_UQASX: case ARM_INS_UQSAX:
    case ARM_INS_SSAT: case ARM_INS_USAT: case ARM_INS_SSAT16: case ARM_INS_USAT16:
        return 1;
    default:
        return 0;
    }
}

/* M7: may b issue in the same cycle as a (a older), as far as the units allow? Register
 * dependencies are the scoreboard's business (m7_issue). */
static int m7_pairs(const insn_info *a, const insn_info *b)
{
    if (a->unit == U_SINGLE || b->unit == U_SINGLE || a->occ != 1 || b->occ != 1)
        return 0;
    if (b->unit == U_SIMD)
        return 0; /* bitfield/DSP only as the older op, never two of them */
    if (a->unit == b->unit && a->unit != U_ALU && !(a->unit == U_LOAD && m7_bank_split(a, b)))
        return 0;
    if ((a->unit == U_MAC && b->unit == U_STORE) || (a->unit == U_STORE && b->unit == U_MAC))
        return 0;
    if ((a->fp_mac && (b->cls == SIM_CLS_FPMEM || b->unit == U_FPMOV)) ||
        (b->fp_mac && (a->cls == SIM_CLS_FPMEM || a->unit == U_FPMOV)))
        return 0;
    if ((b->wr & a->wr & ~RB_FLAGS & ~RB_PC) &&
        !(a->id == ARM_INS_MOVW && b->id == ARM_INS_MOVT))
        return 0;
    /* operand2 matrix [J7]: a shifted constant or inline shifted register (younger) never
     * pairs with an older one of those or an older plain shift; nor after a bitfield op that
     * uses the EX1 shifter */
    int b_sh = b->op2 == OP2_SHCONST || b->op2 == OP2_SHREG;
    if (b_sh && (a->op2 == OP2_SHCONST || a->op2 == OP2_SHREG || a->op2 == OP2_SHIFT ||
                 m7_shifter_bitfield(a->id)))
        return 0;
    return 1;
}

/*
 * M7 in-order dual-issue scoreboard over one block (see the M7 rules). For every register
 * (bit index of reg_bits) the first cycle a consumer may issue, by how it reads it: late ALU
 * (the default), EX1 (addresses, inline-shifted operands, bitfield sources), a multiply's
 * multiplicands, or a stage late (store data, accumulators).
 */
typedef struct {
    int32_t late[64], early[64], mulop[64], adv[64];
    const insn_info *prev; /* NULL at the block's start */
    int32_t prev_issue;    /* the cycle prev issued in */
    int prev_open;         /* prev issued alone and may take a younger partner */
    int32_t free_at;       /* first cycle the next instruction may issue in if it does not pair */
    int32_t end;           /* the block's cycles so far */
    int32_t last_issue;    /* the cycle the latest instruction issued in */
    int32_t flags_at;      /* the cycle the latest flag-setting instruction issued in; -1:
                              none in the block (assume the cycle before it) */
} m7_state;

static void m7_result(m7_state *st, int i, int32_t t, int late, int early, int mulop, int adv)
{
    st->late[i] = t + late;
    st->early[i] = t + early;
    st->mulop[i] = t + mulop;
    st->adv[i] = t + adv;
}

/* Record when cur's results (written at cycle t = its last issue cycle) become usable. */
static void m7_results(const sim_core_timing *tm, m7_state *st, const insn_info *cur,
                       int32_t t)
{
    int ldw = tm->lat_ld_word, ldb = tm->lat_ld_sub, mul = tm->lat_mul, ldm = tm->lat_ld_mul;
    uint64_t wr = cur->wr & ~RB_PC;
    while (wr) {
        int i = __builtin_ctzll(wr);
        wr &= wr - 1;
        if (i == 16) {                               /* flags: next cycle */
            m7_result(st, i, t, 1, 1, 1, 1);
        } else if (i == cur->base &&
                   (cur->wb || (i == 13 && (cur->mem == MEM_MULTI_LOAD ||
                                            cur->mem == MEM_MULTI_STORE || cur->fp_any)))) {
            m7_result(st, i, t, 1, 1, 1, 0);         /* AGU write-back [J7, LLVM7] */
        } else if (i >= 32 || cur->fp_any) {
            if (cur->fp_mac) {                       /* [J7] VFMA 5 / VMLA 6, 3 as accumulator */
                int l = (cur->id == ARM_INS_VFMA || cur->id == ARM_INS_VFMS ||
                         cur->id == ARM_INS_VFNMA || cur->id == ARM_INS_VFNMS) ? 5 : 6;
                m7_result(st, i, t, l, l + 1, l, 3);
            } else if (cur->cls == SIM_CLS_FPMEM) {   /* [J7] VLDR 1 (3 as a VFMA accumulator) */
                m7_result(st, i, t, 1, 2, 1, 3);
            } else if (i < 32) {                     /* [J7] VMOV to a core register: 1 */
                m7_result(st, i, t, 1, 2, 1, 0);
            } else {                                 /* [J7, LLVM7] FP ALU, VMOV to S: 3 */
                m7_result(st, i, t, 3, 4, 3, 3);
            }
        } else if (cur->mem == MEM_LOAD1 || cur->mem == MEM_MULTI_LOAD) {
            if (cur->sub_word)                       /* [J7] 2, 3 at EX1; [LLVM7] 2 */
                m7_result(st, i, t, ldb, ldb + 1, ldb > ldm ? ldb : ldm, ldb - 1);
            else                                     /* [J7] 1, 2 at EX1 and into a multiply */
                m7_result(st, i, t, ldw, ldw + 1, ldw > ldm ? ldw : ldm, ldw - 1);
        } else if (cur->mul) {                       /* [J7] 1 extra cycle; [LLVM7] 2 */
            m7_result(st, i, t, mul, mul + 1, mul, mul - 1);
        } else if (cur->unit == U_SIMD || cur->cls == SIM_CLS_DSP) {
            int l = m7_dsp_lat2(cur->id) ? 2 : 1;    /* [LLVM7]; [J7] not an address next cycle */
            m7_result(st, i, t, l, l + 1, l, l - 1);
        } else if (cur->early_alu) {                 /* [J7] early ALU forwards to EX1 */
            m7_result(st, i, t, 1, 1, 1, 0);
        } else {                                     /* late ALU: [LLVM7] EX1 reads 1 early */
            m7_result(st, i, t, 1, 2, 1, 0);
        }
    }
}

/* Issue cur after what st has seen; set cur->cost / nt_cost to the cycles it adds. */
static void m7_issue(const sim_core_timing *tm, m7_state *st, insn_info *cur)
{
    const insn_info *prev = st->prev;
    int32_t need = 0;

    if (!cur->branch && cur->unit != U_BR) { /* predicted branches and IT do not wait */
        uint64_t rd = cur->rd & ~RB_PC;
        uint64_t adv = cur->adv_rd;
        if (cur->fp_mac)
            adv |= cur->wr; /* the accumulator */
        if (prev != NULL && prev->id == ARM_INS_MOVW && cur->id == ARM_INS_MOVT)
            rd &= ~prev->wr; /* [J7] MOVW + MOVT pair despite the dependency */
        while (rd) {
            int i = __builtin_ctzll(rd);
            uint64_t b = UINT64_C(1) << i;
            rd &= rd - 1;
            int32_t t = (cur->early_rd & b) ? st->early[i]
                        : (adv & b)         ? st->adv[i]
                        : cur->mul          ? st->mulop[i]
                                            : st->late[i];
            if (t > need)
                need = t;
        }
    }

    int32_t issue;
    int paired = 0;
    if (prev != NULL && st->prev_open && need <= st->prev_issue && m7_pairs(prev, cur)) {
        issue = st->prev_issue;
        paired = 1;
    } else {
        issue = need > st->free_at ? need : st->free_at;
    }

    int32_t e_t = issue + (int32_t)cur->occ, e_nt = issue + (int32_t)cur->occ_nt;
    cur->cost = e_t > st->end ? (uint32_t)(e_t - st->end) : 0;
    cur->nt_cost = e_nt > st->end ? (uint32_t)(e_nt - st->end) : 0;
    int32_t e = (cur->branch && cur->cond) ? e_nt : e_t;
    if (e > st->end)
        st->end = e;
    if (e > st->free_at)
        st->free_at = e;
    m7_results(tm, st, cur, issue + (int32_t)cur->occ - 1);
    if (cur->wr & RB_FLAGS)
        st->flags_at = issue + (int32_t)cur->occ - 1;
    st->last_issue = issue;
    st->prev = cur;
    st->prev_issue = issue;
    st->prev_open = !paired && cur->occ == 1 && cur->unit != U_SINGLE;
}

/*
 * Apply the neighbour rules to cur given prev (NULL at the block's start). Adjusts
 * cur->cost / cur->nt_cost. *paired says whether prev issued together with the one
 * before it (it cannot take another partner); it is updated for cur. *fp_shadow counts
 * the M33's FP-free cycles still owed after a VMLA/VFMA.
 */
static void neighbours(const sim_core_timing *t, const insn_info *prev, insn_info *cur,
                       int *paired, uint32_t *fp_shadow)
{
    int m33 = t->issue == SIM_ISSUE_M33;
    int cur_paired = 0;

    if (prev != NULL && t->ldr_pipe && prev->mem == MEM_LOAD1 && !prev->branch &&
        (cur->mem == MEM_LOAD1 || cur->mem == MEM_STORE1) && !cur->branch) {
        if (pipelines(t, prev, cur))
            cur->cost = cur->nt_cost = 1;
        else if (cur->mem == MEM_STORE1)
            cur->cost = cur->nt_cost = t->str_reg; /* the table's 2 */
    }
    if (prev != NULL) {
        if (prev->mem == MEM_STORE1 && (cur->mem == MEM_LOAD1 || cur->mem == MEM_MULTI_LOAD)) {
            cur->cost += t->st_then_ld;
            cur->nt_cost += t->st_then_ld;
        }
        if (prev->mem == MEM_STORE1 && cur->mem == MEM_STORE1 && prev->wb && cur->wb &&
            prev->base == cur->base) {
            cur->cost += t->st_wb_chain;
            cur->nt_cost += t->st_wb_chain;
        }
    }

    uint32_t stall = prev != NULL ? result_stall(t, prev, cur, m33) : 0;

    if (cur->id == ARM_INS_IT && t->it_fold && prev != NULL && prev->is16 && !*paired) {
        cur->cost = cur->nt_cost = 0;
        cur_paired = 1;
    }

    if (m33 && prev != NULL && prev->is16 && cur->is16 && !*paired) {
        int prev_plain = prev->cls == SIM_CLS_ALU || prev->cls == SIM_CLS_LOAD ||
                         prev->cls == SIM_CLS_STORE || prev->cls == SIM_CLS_MUL;
        if (cur->id == ARM_INS_NOP && prev_plain && prev->id != ARM_INS_NOP &&
            prev->id != ARM_INS_IT) {
            cur->cost = cur->nt_cost = 0;
            cur_paired = 1;
        } else if (cur->id == ARM_INS_B && (cur->cond || !prev->sets_flags)) {
            if (cur->cond)
                cur->nt_cost = 0;
            if (!prev->sets_flags)
                cur->cost = 1;
            cur_paired = 1;
        }
    }

    if (m33 && cur->fp_any)
        stall += *fp_shadow;

    cur->cost += stall;
    cur->nt_cost += stall;
    *paired = cur_paired;

    if (m33) {
        /* Cycles cur takes consume the shadow; an FP MAC starts a new one. */
        uint32_t used = cur->cost;
        *fp_shadow = *fp_shadow > used ? *fp_shadow - used : 0;
        if (cur->fp_mac)
            *fp_shadow = M33_FP_MAC_SHADOW;
    }
}

/* ------------------------------------------------------------------ blocks */

/* Which flags are worth a warning on core (see sim_block_cost.warn_flags): FP everywhere
 * (no FPU, or the engine's CPACR check), undecodable bytes everywhere, DSP where the core
 * lacks it, and on the M0+ also divides and everything else ARMv6-M lacks. */
static uint32_t warn_mask(sim_core core)
{
    uint32_t m = SIM_BLK_FP | SIM_BLK_UNDECODED;
    if (core == SIM_CORE_M0P || core == SIM_CORE_M3)
        m |= SIM_BLK_DSP;
    if (core == SIM_CORE_M0P)
        m |= SIM_BLK_DIV | SIM_BLK_NOT_V6M;
    return m;
}

static void add_mix(sim_block_cost *out, sim_insn_class k)
{
    if (out->mix[k] < UINT16_MAX)
        out->mix[k]++;
}

/* Accesses that fault on ARMv7-M/v8-M silicon when their address is not word-aligned
 * (ARMv7-M ARM A3.2.1): LDRD/STRD, LDM/STM, LDREX/STREX, and VLDR/VSTR/VLDM/VSTM. */
static int needs_word_alignment(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRD: case ARM_INS_STRD: case ARM_INS_LDREX: case ARM_INS_STREX:
    case ARM_INS_LDM: case ARM_INS_LDMDB: case ARM_INS_STM: case ARM_INS_STMDB:
    case ARM_INS_VLDR: case ARM_INS_VSTR: case ARM_INS_VLDMIA: case ARM_INS_VLDMDB:
    case ARM_INS_VSTMIA: case ARM_INS_VSTMDB:
        return 1;
    default:
        return 0;
    }
}

/* The block ends with conditional branch cur on a core that predicts branches: its
 * mispredict penalty ([J7]: less when the flags were set early enough) and its static
 * prediction (backward-taken, forward-not-taken: see "M7 branch prediction"). */
static void final_branch(const sim_coster *c, const cs_insn *in, const insn_info *cur,
                         const m7_state *m7, sim_block_cost *out)
{
    const sim_core_timing *t = c->t;
    out->mispredict = t->mispredict;
    if (t->mispredict_early && t->issue == SIM_ISSUE_M7 && (cur->rd & RB_FLAGS) &&
        m7->last_issue - m7->flags_at >= (int32_t)t->early_flags)
        out->mispredict = t->mispredict_early;
    out->predict_taken = 0;
    if (in != NULL && (cur->id == ARM_INS_B || cur->id == ARM_INS_CBZ || cur->id == ARM_INS_CBNZ)) {
        const cs_arm *a = &in->detail->arm;
        for (int i = 0; i < a->op_count; i++)
            if (a->operands[i].type == ARM_OP_IMM)
                out->predict_taken = (uint32_t)a->operands[i].imm <= cur->addr;
    }
}

void sim_cost_block(sim_coster *c, const uint8_t *code, uint32_t len, uint32_t addr,
                    sim_block_cost *out)
{
    insn_info ii[2];
    insn_info *prev = NULL, *cur;
    int paired = 0;
    m7_state m7;
    uint32_t fp_shadow = 0;
    uint32_t mask = warn_mask(c->core);
    uint32_t off = 0;
    uint64_t written = 0; /* registers written so far in the block */
    int32_t sp_off = 0;   /* SP relative to its value at block entry (sp_effect) */
    int k = 0;

    memset(out, 0, sizeof *out);
    memset(&m7, 0, sizeof m7);
    m7.flags_at = -1;
    if (code == NULL)
        len = 0;
    out->fallthrough = addr + len;
    if (len > 0)
        reset_it_state(c);

    while (off < len) {
        cur = &ii[k];
        const uint8_t *p = code + off;
        size_t n = len - off;
        uint64_t a = (uint64_t)addr + off;
        int decoded = cs_disasm_iter(c->cs, &p, &n, &a, c->insn);

        if (decoded)
            classify(c, c->insn, cur);
        else
            classify_undecoded(c, addr + off, thumb_size(code + off, len - off), cur);
        if ((cur->flags & mask) && out->warn_flags == 0) {
            out->warn_flags = cur->flags & mask;
            out->warn_addr = cur->addr;
            if (decoded)
                format_insn(c->insn, out->warn_insn, sizeof out->warn_insn);
            else
                format_undecoded(code + off, cur->size, out->warn_insn, sizeof out->warn_insn);
        }

        if (decoded && c->core != SIM_CORE_M0P && needs_word_alignment(cur->id) &&
            cur->base >= 0 && cur->base != 13 && cur->base != 15 && !cur->has_index &&
            !(written & ((uint64_t)1 << cur->base)) && out->n_align < SIM_MAX_ALIGN_SITES) {
            out->align[out->n_align].addr = cur->addr;
            out->align[out->n_align].disp = cur->disp;
            out->align[out->n_align].base = (uint8_t)cur->base;
            out->n_align++;
        }
        written |= cur->wr;
        if (!(out->sp & SIM_SP_DYN)) {
            int32_t d = 0;
            int k2 = decoded ? sp_effect(c->insn, cur, &d) : 0;
            if (k2)
                out->sp |= SIM_SP_WRITES;
            if (k2 == 2) {
                out->sp |= SIM_SP_DYN;
            } else if (k2 == 1) {
                sp_off += d;
                if (sp_off < out->sp_low)
                    out->sp_low = sp_off;
            }
        }

        cur->occ = cur->cost;
        cur->occ_nt = cur->nt_cost;
        if (c->t->issue == SIM_ISSUE_M7)
            m7_issue(c->t, &m7, cur);
        else
            neighbours(c->t, prev, cur, &paired, &fp_shadow);

        off += cur->size;
        int last = off >= len;
        out->insns++;
        add_mix(out, cur->cls);
        out->flags |= cur->flags;
        if (last) {
            out->cycles += cur->cost;
            out->not_taken_cycles += cur->branch && cur->cond ? cur->nt_cost : cur->cost;
            if (cur->branch && cur->cond && c->t->mispredict)
                final_branch(c, decoded ? c->insn : NULL, cur, &m7, out);
        } else {
            /* execution went on in the same block: a conditional branch fell through */
            uint32_t v = cur->branch && cur->cond ? cur->nt_cost : cur->cost;
            out->cycles += v;
            out->not_taken_cycles += v;
        }
        prev = cur;
        k ^= 1;
    }
}
