/*
 * The per-core timing tables of the cost model: cycles per instruction class and the
 * adjustments, with the source of every figure beside it, and the documentation of what
 * the figures mean and how the neighbour rules (sim/issue.c) use them.
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
 *   M7 branch prediction (engine, sim/sim.c and sim/blocks.c; the static price above assumes every branch
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
#include "sim/cost_int.h"

#include <stddef.h>

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

/* Cycles of a multiple transfer of n registers (n 32-bit words for VLDM/VSTM): the fixed
 * part plus n at ldm_regs_per_cycle. */
uint32_t cyc_ldm_cycles(const sim_core_timing *t, uint32_t n)
{
    return t->cls[SIM_CLS_LDM] + (n + t->ldm_regs_per_cycle - 1) / t->ldm_regs_per_cycle;
}

uint32_t sim_cost_ldm_cycles(sim_core core, uint32_t nregs)
{
    if ((unsigned)core >= SIM_CORE_COUNT)
        return 0;
    return cyc_ldm_cycles(&timings[core], nregs);
}
