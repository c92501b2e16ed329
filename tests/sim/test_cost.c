/*
 * Tests for the cost model (sim/cost.c, cost_tables.c, decode.c, issue.c): the per-core class
 * table, the adjustment rules and Capstone decoding, on hand-assembled Thumb sequences. The
 * byte arrays were produced once with arm-none-eabi-as (-mthumb -mcpu=cortex-m33
 * -mfpu=fpv5-sp-d16) and objcopy; the assembly is the comment above each. Expected figures are
 * per core, in the order { M0+, M3, M4F, M7, M33 }; each follows from the table and the rules
 * at the top of sim/cost_tables.c, so changing a figure or a rule there makes a test here fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "sim/cost.h"
#include "tests/testlib.h"

#define BASE 0x08000100u

/* ------------------------------------------------------------------ the sequences */

/*
 *   adds r0, r0, r1
 *   adds r0, r0, r1
 *   adds r0, r0, r1
 *   adds r0, r0, r1
 */
static const uint8_t adds_dep[] = {0x40, 0x18, 0x40, 0x18, 0x40, 0x18, 0x40, 0x18};

/*
 *   add.w r0, r0, #1
 *   add.w r1, r1, #1
 *   add.w r2, r2, #1
 *   add.w r3, r3, #1
 */
static const uint8_t add_indep[] = {
    0x00, 0xf1, 0x01, 0x00, 0x01, 0xf1, 0x01, 0x01, 0x02, 0xf1, 0x01, 0x02,
    0x03, 0xf1, 0x01, 0x03,
};

/*
 *   mul r0, r1, r0
 *   mul r0, r1, r0
 *   mul r0, r1, r0
 */
static const uint8_t mul_dep[] = {
    0x01, 0xfb, 0x00, 0xf0, 0x01, 0xfb, 0x00, 0xf0, 0x01, 0xfb, 0x00, 0xf0,
};

/*
 *   muls r0, r1, r0
 */
static const uint8_t muls_n[] = {0x48, 0x43};

/*
 *   mla r0, r1, r2, r0
 *   mla r0, r3, r4, r0
 *   mla r0, r5, r6, r0
 */
static const uint8_t mla_chain[] = {
    0x01, 0xfb, 0x02, 0x00, 0x03, 0xfb, 0x04, 0x00, 0x05, 0xfb, 0x06, 0x00,
};

/*
 *   smull r0, r1, r2, r3
 *   smlal r0, r1, r2, r3
 */
static const uint8_t smull_smlal[] = {0x82, 0xfb, 0x03, 0x01, 0xc2, 0xfb, 0x03, 0x01};

/*
 *   ldr r0, [r4]
 *   ldr r1, [r4, #4]
 *   ldr r2, [r4, #8]
 *   ldr r3, [r4, #12]
 */
static const uint8_t ldr_run[] = {0x20, 0x68, 0x61, 0x68, 0xa2, 0x68, 0xe3, 0x68};

/*
 *   ldr r0, [r4]
 *   ldr r1, [r0]
 */
static const uint8_t ldr_dep[] = {0x20, 0x68, 0x01, 0x68};

/*
 *   ldr r0, [r4], #4
 *   ldr r1, [r5], #4
 */
static const uint8_t ldr_post[] = {0x54, 0xf8, 0x04, 0x0b, 0x55, 0xf8, 0x04, 0x1b};

/*
 *   str r0, [r4]
 *   ldr r1, [r5]
 */
static const uint8_t str_ldr[] = {0x20, 0x60, 0x29, 0x68};

/*
 *   ldr r1, [r6]
 *   str r0, [r4, r5]
 */
static const uint8_t ldr_strreg[] = {0x31, 0x68, 0x60, 0x51};

/*
 *   str r0, [r4, r5]
 */
static const uint8_t strreg[] = {0x60, 0x51};

/*
 *   ldrb r0, [r1]
 *   adds r0, #1
 */
static const uint8_t ldrb_use[] = {0x08, 0x78, 0x01, 0x30};

/*
 *   push {r4, r5, r6, r7, lr}
 */
static const uint8_t push5[] = {0xf0, 0xb5};

/*
 *   pop {r4, r5, r6, r7, pc}
 */
static const uint8_t pop5pc[] = {0xf0, 0xbd};

/*
 *   ldrd r0, r1, [r2]
 */
static const uint8_t ldrd[] = {0xd2, 0xe9, 0x00, 0x01};

/*
 *   cmp r0, #0
 *   bne .-16
 */
static const uint8_t cmp_bne[] = {0x00, 0x28, 0xf6, 0xd1};

/*
 *   subs r7, #1
 *   add r0, r1
 *   bne .-16
 */
static const uint8_t add_bne[] = {0x01, 0x3f, 0x08, 0x44, 0xf6, 0xd1};

/*
 *   cmp r0, #0
 *   bne.w .-16
 */
static const uint8_t cmp_bnew[] = {0x00, 0x28, 0x7f, 0xf4, 0xf6, 0xaf};

/*
 *   adds r0, r0, r1
 *   cbz r0, .+8
 */
static const uint8_t cbz_fwd[] = {0x40, 0x18, 0x10, 0xb1};

/*
 *   bl .+256
 */
static const uint8_t bl_call[] = {0x00, 0xf0, 0x7e, 0xf8};

/*
 *   bx lr
 */
static const uint8_t bx_lr[] = {0x70, 0x47};

/*
 *   cmp r0, r1
 *   ite eq
 *   moveq r0, #1
 *   movne r0, #0
 */
static const uint8_t it_block[] = {0x88, 0x42, 0x0c, 0xbf, 0x01, 0x20, 0x00, 0x20};

/*
 *   cmp.w r0, r1
 *   ite eq
 *   moveq r0, #1
 *   movne r0, #0
 */
static const uint8_t it_after32[] = {0xb0, 0xeb, 0x01, 0x0f, 0x0c, 0xbf, 0x01, 0x20, 0x00, 0x20};

/*
 *   cmp r0, #0
 *   it eq
 *   bxeq lr
 */
static const uint8_t it_bxeq[] = {0x00, 0x28, 0x08, 0xbf, 0x70, 0x47};

/*
 *   adds r3, #1
 *   smlad r0, r1, r2, r0
 */
static const uint8_t smlad[] = {0x01, 0x33, 0x21, 0xfb, 0x02, 0x00};

/*
 *   vadd.f32 s0, s1, s2
 */
static const uint8_t vadd[] = {0x30, 0xee, 0x81, 0x0a};

/*
 *   vfma.f32 s0, s1, s2
 *   vfma.f32 s3, s4, s5
 */
static const uint8_t vfma2[] = {0xa0, 0xee, 0x81, 0x0a, 0xe2, 0xee, 0x22, 0x1a};

/*
 *   sdiv r0, r1, r2
 */
static const uint8_t sdiv[] = {0x91, 0xfb, 0xf2, 0xf0};

/*
 *   movw r0, #0x1234
 *   movt r0, #0x5678
 */
static const uint8_t movw_movt[] = {0x41, 0xf2, 0x34, 0x20, 0xc5, 0xf2, 0x78, 0x60};

/*
 *   ldr pc, [sp], #4
 */
static const uint8_t ldr_pc[] = {0x5d, 0xf8, 0x04, 0xfb};

/*
 *   cmp r0, #0
 *   it ne
 *   popne {r4, pc}
 */
static const uint8_t pop_ne_pc[] = {0x00, 0x28, 0x18, 0xbf, 0x10, 0xbd};

/*
 *   str r0, [r4], #4
 *   str r1, [r4], #4
 */
static const uint8_t str_wb_chain[] = {0x44, 0xf8, 0x04, 0x0b, 0x44, 0xf8, 0x04, 0x1b};

/*
 *   str r0, [r4]
 *   pop {r4, r5}
 */
static const uint8_t str_pop[] = {0x20, 0x60, 0x30, 0xbc};

/*
 *   tbb [pc, r0]
 */
static const uint8_t tbb[] = {0xdf, 0xe8, 0x00, 0xf0};

/*
 *   mrs r0, primask
 *   cpsid i
 */
static const uint8_t mrs_cpsid[] = {0xef, 0xf3, 0x10, 0x80, 0x72, 0xb6};

/*
 *   vmov r0, s0
 */
static const uint8_t vmov_core[] = {0x10, 0xee, 0x10, 0x0a};

/*
 *   vldr s0, [r0, #4]
 *   vldr d1, [r0, #8]
 *   vpush {s16, s17, s18, s19}
 */
static const uint8_t fpmem[] = {
    0x90, 0xed, 0x01, 0x0a, 0x90, 0xed, 0x02, 0x1b, 0x2d, 0xed, 0x04, 0x8a,
};

/*
 *   vdiv.f32 s1, s2, s3
 */
static const uint8_t vdiv_s[] = {0xc1, 0xee, 0x21, 0x0a};

/*
 *   ldr r1, [r2]
 *   mul r0, r1, r0
 */
static const uint8_t ldr_mul[] = {0x11, 0x68, 0x01, 0xfb, 0x00, 0xf0};

/*
 *   ldr r1, [r2]
 *   mla r0, r3, r4, r1
 */
static const uint8_t ldr_mla_acc[] = {0x11, 0x68, 0x03, 0xfb, 0x04, 0x10};
/* The int8 convolution's inner step (nn_conv2d_s8 at -O2 for the M7): ldrsb.w r3, [r1, #1]!;
 * ldrsb.w r7, [r2], #1; add r3, r6; mla r0, r7, r3, r0. */
static const uint8_t conv_mac[] = {0x11, 0xf9, 0x01, 0x3f, 0x12, 0xf9, 0x01, 0x7b,
                                   0x33, 0x44, 0x07, 0xfb, 0x03, 0x00};

/*
 *   mul r0, r1, r2
 *   str r3, [r4]
 */
static const uint8_t mul_str[] = {0x01, 0xfb, 0x02, 0xf0, 0x23, 0x60};

/*
 *   add.w r0, r1, r2
 *   str r3, [r4]
 */
static const uint8_t add_str[] = {0x01, 0xeb, 0x02, 0x00, 0x23, 0x60};

/*
 *   add.w r0, r1, r2
 *   uxtb r3, r4
 */
static const uint8_t add_uxtb[] = {0x01, 0xeb, 0x02, 0x00, 0xe3, 0xb2};

/*
 *   uxtb r3, r4
 *   add.w r0, r1, r2
 */
static const uint8_t uxtb_add[] = {0xe3, 0xb2, 0x01, 0xeb, 0x02, 0x00};

/*
 *   ldr r0, [r4]
 *   ldr r1, [r4, #8]
 */
static const uint8_t ldr_same_bank[] = {0x20, 0x68, 0xa1, 0x68};

/*
 *   adds r0, #1
 *   nop
 */
static const uint8_t adds_nop[] = {0x01, 0x30, 0x00, 0xbf};

/*
 *   add.w r0, r1, r2, lsl #2
 *   adds r3, r0, #1
 */
static const uint8_t shifted_use[] = {0x01, 0xeb, 0x82, 0x00, 0x43, 0x1c};

/*
 *   vdiv.f64 d0, d1, d2      (assembled with -mcpu=cortex-m7 -mfpu=fpv5-d16)
 */
static const uint8_t vdiv_d[] = {0x81, 0xee, 0x02, 0x0b};

/* Bytes Capstone cannot decode: a 32-bit encoding (first halfword 0b11101...) and a
 * 16-bit one (0xba80: HLT, which ARMv7-M lacks), between two ADDS. */
static const uint8_t undec32[] = {0x40, 0x18, 0x00, 0xe8, 0x00, 0x00, 0x40, 0x18};
static const uint8_t undec16[] = {0x80, 0xba};

/* ------------------------------------------------------------------ helpers */

static const char *const core_names[SIM_CORE_COUNT] = {"M0+", "M3", "M4F", "M7", "M33"};

typedef struct {
    sim_insn_class cls;
    uint16_t n;
} mix_entry;

/* One sequence and what it must cost on every core. nt[] of 0 means "== cycles". */
typedef struct {
    const char *name;
    const uint8_t *code;
    uint32_t len;
    uint32_t insns;
    uint32_t cycles[SIM_CORE_COUNT];
    uint32_t nt[SIM_CORE_COUNT];
    uint32_t flags;            /* SIM_BLK_* (the same on every core) */
    mix_entry mix[3];          /* non-zero entries of mix[]; the rest must be 0 */
} cost_case;

#define CASE(arr) #arr, arr, sizeof arr

static sim_coster *coster(sim_core core)
{
    char *cause = NULL;
    sim_coster *c = sim_cost_new(core, &cause);
    if (c == NULL)
        fail_msg("sim_cost_new(%s): %s", core_names[core], cause != NULL ? cause : "?");
    return c;
}

static void check_cases(const cost_case *cases, size_t n)
{
    for (int core = 0; core < SIM_CORE_COUNT; core++) {
        sim_coster *c = coster((sim_core)core);
        for (size_t i = 0; i < n; i++) {
            const cost_case *k = &cases[i];
            sim_block_cost bc;
            uint16_t mix[SIM_CLS_COUNT] = {0};
            uint32_t nt = k->nt[core] != 0 ? k->nt[core] : k->cycles[core];

            sim_cost_block(c, k->code, k->len, BASE, &bc);
            if (bc.insns != k->insns)
                fail_msg("%s on %s: insns %u, expected %u", k->name, core_names[core], bc.insns,
                         k->insns);
            if (bc.cycles != k->cycles[core])
                fail_msg("%s on %s: cycles %u, expected %u", k->name, core_names[core], bc.cycles,
                         k->cycles[core]);
            if (bc.not_taken_cycles != nt)
                fail_msg("%s on %s: not_taken_cycles %u, expected %u", k->name, core_names[core],
                         bc.not_taken_cycles, nt);
            if (bc.flags != k->flags)
                fail_msg("%s on %s: flags 0x%x, expected 0x%x", k->name, core_names[core], bc.flags,
                         k->flags);
            if (bc.fallthrough != BASE + k->len)
                fail_msg("%s on %s: fallthrough 0x%x", k->name, core_names[core], bc.fallthrough);
            for (int j = 0; j < 3; j++)
                mix[k->mix[j].cls] += k->mix[j].n;
            for (int j = 0; j < SIM_CLS_COUNT; j++)
                if (bc.mix[j] != mix[j])
                    fail_msg("%s on %s: mix[%s] %u, expected %u", k->name, core_names[core],
                             sim_class_name((sim_insn_class)j), bc.mix[j], mix[j]);
        }
        sim_cost_free(c);
    }
}

#define NV6 SIM_BLK_NOT_V6M

/* ------------------------------------------------------------------ the table */

/* The class table, core x class, as documented. */
static const uint8_t expected_table[SIM_CORE_COUNT][SIM_CLS_COUNT] = {
    /*            alu mul mull div dsp load store ldm branch fp fpdiv fpmem sys other */
    [SIM_CORE_M0P] = {1, 1, 5, 7, 1, 2, 2, 1, 2, 1, 14, 2, 3, 1},
    [SIM_CORE_M3]  = {1, 1, 5, 7, 1, 2, 1, 1, 3, 1, 14, 2, 2, 1},
    [SIM_CORE_M4F] = {1, 1, 1, 7, 1, 2, 1, 1, 3, 1, 14, 2, 2, 1},
    [SIM_CORE_M7]  = {1, 1, 1, 7, 1, 1, 1, 0, 1, 1, 16, 1, 3, 1},
    [SIM_CORE_M33] = {1, 1, 1, 7, 1, 1, 1, 0, 2, 1, 14, 1, 2, 1},
};

static void test_class_table(void **state)
{
    (void)state;
    for (int core = 0; core < SIM_CORE_COUNT; core++)
        for (int k = 0; k < SIM_CLS_COUNT; k++)
            if (sim_cost_class_cycles((sim_core)core, (sim_insn_class)k) != expected_table[core][k])
                fail_msg("%s %s: %u, expected %u", core_names[core],
                         sim_class_name((sim_insn_class)k),
                         sim_cost_class_cycles((sim_core)core, (sim_insn_class)k),
                         expected_table[core][k]);
    assert_int_equal(sim_cost_class_cycles(SIM_CORE_COUNT, SIM_CLS_ALU), 0);
    assert_int_equal(sim_cost_class_cycles(SIM_CORE_M4F, SIM_CLS_COUNT), 0);
    assert_null(sim_cost_timing(SIM_CORE_COUNT));
    assert_string_equal(sim_cost_timing(SIM_CORE_M4F)->name, "cortex-m4f");
    assert_string_equal(sim_class_name(SIM_CLS_ALU), "alu");
    assert_string_equal(sim_class_name(SIM_CLS_LDM), "ldm");
    assert_string_equal(sim_class_name(SIM_CLS_FPMEM), "fpmem");
    assert_string_equal(sim_class_name(SIM_CLS_COUNT), "?");
    /* 1+N on M0+/M3/M4, ceil(N/2) on M7, N on M33 */
    assert_int_equal(sim_cost_ldm_cycles(SIM_CORE_M0P, 8), 9);
    assert_int_equal(sim_cost_ldm_cycles(SIM_CORE_M4F, 8), 9);
    assert_int_equal(sim_cost_ldm_cycles(SIM_CORE_M7, 5), 3);
    assert_int_equal(sim_cost_ldm_cycles(SIM_CORE_M7, 8), 4);
    assert_int_equal(sim_cost_ldm_cycles(SIM_CORE_M33, 8), 8);
    assert_int_equal(sim_cost_ldm_cycles(SIM_CORE_COUNT, 8), 0);
}

/* The branch figures follow from the refill P as the TRMs write them: B, BL, BX, CBZ taken
 * 1+P, LDM/POP with pc +P, LDR pc 2+P, TBB 3+P (M3/M4; the M33 estimates use the same
 * formulas); the M0+ TRM gives BL and POP {pc} explicitly, the M7 ones assume prediction. */
static void test_branch_figures_follow_p(void **state)
{
    (void)state;
    for (int core = 0; core < SIM_CORE_COUNT; core++) {
        const sim_core_timing *t = sim_cost_timing((sim_core)core);
        assert_int_equal(t->cls[SIM_CLS_BRANCH], 1 + t->p);
        assert_int_equal(t->b_not_taken, 1);
        if (core == SIM_CORE_M0P)
            continue;
        assert_int_equal(t->bl, 1 + t->p);
        assert_int_equal(t->bx, 1 + t->p);
        assert_int_equal(t->cbz_taken, 1 + t->p);
        assert_int_equal(t->ldm_pc, t->p);
        if (core == SIM_CORE_M7)
            continue;
        assert_int_equal(t->ldr_pc, 2 + t->p);
        assert_int_equal(t->tbb, 3 + t->p);
    }
    assert_int_equal(sim_cost_timing(SIM_CORE_M3)->p, 2);
    assert_int_equal(sim_cost_timing(SIM_CORE_M4F)->p, 2);
    assert_int_equal(sim_cost_timing(SIM_CORE_M0P)->p, 1);
    assert_int_equal(sim_cost_timing(SIM_CORE_M7)->p, 0);
    assert_int_equal(sim_cost_timing(SIM_CORE_M33)->p, 1);
}

/*
 * The table printed in the comment at the top of sim/cost_tables.c (what the README points to)
 * must say what the code does. Reads the source relative to the repository root, where
 * `make test` runs the tests.
 */
static void test_documented_table_matches(void **state)
{
    (void)state;
    FILE *f = fopen("sim/cost_tables.c", "r");
    if (f == NULL) {
        printf("SKIP: sim/cost_tables.c not found (run from the repository root to compare the "
               "documented table with the code)\n");
        return;
    }
    char line[256];
    int seen[SIM_CLS_COUNT] = {0};
    int rows = 0;
    while (fgets(line, sizeof line, f) != NULL && rows < SIM_CLS_COUNT) {
        for (int k = 0; k < SIM_CLS_COUNT; k++) {
            char name[16];
            int v[SIM_CORE_COUNT];
            const char *p = line;
            int used;
            if (strncmp(p, " *   ", 5) != 0 || sscanf(p + 5, "%15s%n", name, &used) != 1 ||
                strcmp(name, sim_class_name((sim_insn_class)k)) != 0 || seen[k])
                continue;
            p += 5 + used;
            int core;
            for (core = 0; core < SIM_CORE_COUNT; core++) {
                int n;
                if (sscanf(p, "%d%n", &v[core], &n) != 1)
                    break;
                p += n;
                if (*p == '*')
                    p++;
            }
            if (core < SIM_CORE_COUNT)
                continue; /* a prose line that starts with a class name */
            for (core = 0; core < SIM_CORE_COUNT; core++)
                if ((uint32_t)v[core] != sim_cost_class_cycles((sim_core)core, (sim_insn_class)k))
                    fail_msg("sim/cost_tables.c comment: %s on %s says %d, the code has %u",
                             sim_class_name((sim_insn_class)k), core_names[core], v[core],
                             sim_cost_class_cycles((sim_core)core, (sim_insn_class)k));
            seen[k] = 1;
            rows++;
        }
    }
    fclose(f);
    for (int k = 0; k < SIM_CLS_COUNT; k++)
        if (!seen[k])
            fail_msg("sim/cost_tables.c comment: no table row for class %s",
                     sim_class_name((sim_insn_class)k));
}

/* ------------------------------------------------------------------ instruction runs */

static void test_alu_mul(void **state)
{
    (void)state;
    static const cost_case cases[] = {
        /* dependent 16-bit ADDS: one cycle each everywhere, no pairing */
        {CASE(adds_dep), 4, {4, 4, 4, 4, 4}, {0}, 0, {{SIM_CLS_ALU, 4}}},
        /* independent ADD.W: the M7 pairs them */
        {CASE(add_indep), 4, {4, 4, 4, 2, 4}, {0}, NV6, {{SIM_CLS_ALU, 4}}},
        /* dependent MUL: M7 and M33 wait a cycle for each product (latency 2) */
        {CASE(mul_dep), 3, {3, 3, 3, 5, 5}, {0}, NV6, {{SIM_CLS_MUL, 3}}},
        /* 16-bit MULS: 2 on the M33 [J33] */
        {CASE(muls_n), 1, {1, 1, 1, 1, 2}, {0}, 0, {{SIM_CLS_MUL, 1}}},
        /* MLA chained on the accumulator: M3 2 each, M4 1 (the choice), no stall on M7/M33 */
        {CASE(mla_chain), 3, {6, 6, 3, 3, 3}, {0}, NV6, {{SIM_CLS_MUL, 3}}},
        /* SMULL + SMLAL: M3 worst case 5 + 7 */
        {CASE(smull_smlal), 2, {12, 12, 2, 2, 2}, {0}, NV6, {{SIM_CLS_MULL, 2}}},
        /* MOVW+MOVT pair on the M7 despite the dependency */
        {CASE(movw_movt), 2, {2, 2, 2, 1, 2}, {0}, NV6, {{SIM_CLS_ALU, 2}}},
        /* a NOP pairs with a 16-bit ADDS on the M33 (and on the M7) */
        {CASE(adds_nop), 2, {2, 2, 2, 1, 1}, {0}, 0, {{SIM_CLS_ALU, 2}}},
        /* a shifted-register operand2 result is 2 cycles late on the M33 */
        {CASE(shifted_use), 2, {2, 2, 2, 2, 3}, {0}, NV6, {{SIM_CLS_ALU, 2}}},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_loads_stores(void **state)
{
    (void)state;
    static const cost_case cases[] = {
        /* LDR run: 2+1+1+1 pipelined on M3/M4, 2 each on M0+, M7 pairs the bank-split pairs */
        {CASE(ldr_run), 4, {8, 5, 5, 2, 4}, {0}, 0, {{SIM_CLS_LOAD, 4}}},
        /* the second load's base is the first's result: no pipelining; M33 load-use stall;
         * M7: an address is formed at EX1, a word load reaches it after 2 [J7, LLVM7] */
        {CASE(ldr_dep), 2, {4, 4, 4, 3, 3}, {0}, 0, {{SIM_CLS_LOAD, 2}}},
        /* post-indexed chain on two bases: pipelines on the M4, not on the M3 */
        {CASE(ldr_post), 2, {4, 4, 3, 2, 2}, {0}, NV6, {{SIM_CLS_LOAD, 2}}},
        /* store then load: +1 on M3/M4; the M7 pairs them */
        {CASE(str_ldr), 2, {4, 4, 4, 1, 2}, {0}, 0, {{SIM_CLS_LOAD, 1}, {SIM_CLS_STORE, 1}}},
        /* register-offset store: 2 on M3/M4, 1 when it pipelines after a load */
        {CASE(strreg), 1, {2, 2, 2, 1, 1}, {0}, 0, {{SIM_CLS_STORE, 1}}},
        {CASE(ldr_strreg), 2, {4, 3, 3, 1, 2}, {0}, 0, {{SIM_CLS_LOAD, 1}, {SIM_CLS_STORE, 1}}},
        /* byte load used at once: latency 2 on M7 and M33 */
        {CASE(ldrb_use), 2, {3, 3, 3, 3, 3}, {0}, 0, {{SIM_CLS_LOAD, 1}, {SIM_CLS_ALU, 1}}},
        /* PUSH {r4-r7,lr}: 1+N, ceil(N/2) on M7, N on M33 */
        {CASE(push5), 1, {6, 6, 6, 3, 5}, {0}, 0, {{SIM_CLS_LDM, 1}}},
        /* POP {r4-r7,pc}: 1+N+2 (M0+ 3+N), M7 predicted, M33 N+1 */
        {CASE(pop5pc), 1, {8, 8, 8, 3, 6}, {0}, 0, {{SIM_CLS_LDM, 1}}},
        /* LDRD: a two-register transfer */
        {CASE(ldrd), 1, {3, 3, 3, 1, 2}, {0}, NV6, {{SIM_CLS_LDM, 1}}},
        /* LDR pc: 2+P */
        {CASE(ldr_pc), 1, {4, 4, 4, 1, 3}, {0}, NV6, {{SIM_CLS_LOAD, 1}}},
        /* post-indexed stores on one base: +1 on M3/M4 */
        {CASE(str_wb_chain), 2, {4, 3, 3, 2, 2}, {0}, NV6, {{SIM_CLS_STORE, 2}}},
        /* store then POP: +1 on M3/M4 */
        {CASE(str_pop), 2, {5, 5, 5, 2, 3}, {0}, 0, {{SIM_CLS_STORE, 1}, {SIM_CLS_LDM, 1}}},
        /* two loads in the same 32-bit bank do not pair on the M7 */
        {CASE(ldr_same_bank), 2, {4, 3, 3, 2, 2}, {0}, 0, {{SIM_CLS_LOAD, 2}}},
        /* a multiply waits for a load's result on M7 (even a word) and M33 ... */
        {CASE(ldr_mul), 2, {3, 3, 3, 3, 3}, {0}, NV6, {{SIM_CLS_LOAD, 1}, {SIM_CLS_MUL, 1}}},
        /* ... but not as its accumulator: on the M7 the accumulator is read a stage after
         * the word load's data (LLVM7 WriteLd 1 - ReadMAC advance 1 = 0), so they pair */
        {CASE(ldr_mla_acc), 2, {4, 4, 3, 1, 2}, {0}, NV6, {{SIM_CLS_LOAD, 1}, {SIM_CLS_MUL, 1}}},
        /* M7 scoreboard: the byte loads (latency 2) do not pair (unknown banks); the ADD waits
         * for the first one's second cycle; the MLA for the ADD and for the second load
         * (2 into a multiplicand): 1 + 1 + 1 + 1 [J7, LLVM7]. M3/M4: LDRSB 2 + pipelined 1
         * (M3: the second is post-indexed, 2) + ADD 1 + MLA. */
        {CASE(conv_mac), 4, {7, 7, 5, 4, 4}, {0}, NV6,
         {{SIM_CLS_LOAD, 2}, {SIM_CLS_ALU, 1}, {SIM_CLS_MUL, 1}}},
        /* M7: a multiply and a store do not pair; an ALU op and a store do */
        {CASE(mul_str), 2, {3, 2, 2, 2, 2}, {0}, NV6, {{SIM_CLS_MUL, 1}, {SIM_CLS_STORE, 1}}},
        {CASE(add_str), 2, {3, 2, 2, 1, 2}, {0}, NV6, {{SIM_CLS_ALU, 1}, {SIM_CLS_STORE, 1}}},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_branches(void **state)
{
    (void)state;
    static const cost_case cases[] = {
        /* CMP; BNE: taken 1+P, not taken 1; M7 predicted and paired; M33 BNE.N after a
         * flag-setting 16-bit instruction: 2 taken, 0 not taken */
        {CASE(cmp_bne), 2, {3, 4, 4, 1, 3}, {2, 2, 2, 1, 1}, 0,
         {{SIM_CLS_ALU, 1}, {SIM_CLS_BRANCH, 1}}},
        /* M33: BNE.N after a 16-bit instruction that does not set flags: 1 taken [J33] */
        {CASE(add_bne), 3, {4, 5, 5, 2, 3}, {3, 3, 3, 2, 2}, 0,
         {{SIM_CLS_ALU, 2}, {SIM_CLS_BRANCH, 1}}},
        /* BNE.W does not pair on the M33 */
        {CASE(cmp_bnew), 2, {3, 4, 4, 1, 3}, {2, 2, 2, 1, 2}, NV6,
         {{SIM_CLS_ALU, 1}, {SIM_CLS_BRANCH, 1}}},
        {CASE(cbz_fwd), 2, {4, 4, 4, 1, 3}, {2, 2, 2, 1, 2}, NV6,
         {{SIM_CLS_ALU, 1}, {SIM_CLS_BRANCH, 1}}},
        {CASE(bl_call), 1, {3, 3, 3, 1, 2}, {0}, 0, {{SIM_CLS_BRANCH, 1}}},
        {CASE(bx_lr), 1, {2, 3, 3, 1, 2}, {0}, 0, {{SIM_CLS_BRANCH, 1}}},
        /* TBB: M3/M4 load 2 + add 1 + P */
        {CASE(tbb), 1, {5, 5, 5, 2, 4}, {0}, NV6, {{SIM_CLS_BRANCH, 1}}},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_it_blocks(void **state)
{
    (void)state;
    static const cost_case cases[] = {
        /* IT after a 16-bit CMP folds (0) on M3/M4/M33, pairs on the M7; both moves are
         * counted although one is skipped */
        {CASE(it_block), 4, {4, 3, 3, 3, 3}, {0}, NV6, {{SIM_CLS_ALU, 4}}},
        /* after a 32-bit CMP.W the IT costs its cycle */
        {CASE(it_after32), 4, {4, 4, 4, 3, 4}, {0}, NV6, {{SIM_CLS_ALU, 4}}},
        /* a conditional BX at the end: not taken costs 1 */
        {CASE(it_bxeq), 3, {4, 4, 4, 2, 3}, {3, 2, 2, 2, 2}, NV6,
         {{SIM_CLS_ALU, 2}, {SIM_CLS_BRANCH, 1}}},
        /* POPNE {r4, pc} */
        {CASE(pop_ne_pc), 3, {7, 6, 6, 2, 4}, {3, 2, 2, 2, 2}, NV6,
         {{SIM_CLS_ALU, 2}, {SIM_CLS_LDM, 1}}},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_dsp_fp_div(void **state)
{
    (void)state;
    static const cost_case cases[] = {
        /* ADDS + SMLAD: the M7 pairs an ALU op with a MAC */
        {CASE(smlad), 2, {2, 2, 2, 1, 2}, {0}, SIM_BLK_DSP | NV6,
         {{SIM_CLS_ALU, 1}, {SIM_CLS_DSP, 1}}},
        {CASE(vadd), 1, {1, 1, 1, 1, 1}, {0}, SIM_BLK_FP | NV6, {{SIM_CLS_FP, 1}}},
        /* two VFMA: 3 each on M4 [TI]; M33 issues one, then no FP op for 2 cycles [J33] */
        {CASE(vfma2), 2, {6, 6, 6, 2, 4}, {0}, SIM_BLK_FP | NV6, {{SIM_CLS_FP, 2}}},
        {CASE(sdiv), 1, {7, 7, 7, 7, 7}, {0}, SIM_BLK_DIV | NV6, {{SIM_CLS_DIV, 1}}},
        {CASE(vdiv_s), 1, {14, 14, 14, 16, 14}, {0}, SIM_BLK_FP | NV6, {{SIM_CLS_FPDIV, 1}}},
        {CASE(vdiv_d), 1, {14, 14, 14, 30, 14}, {0}, SIM_BLK_FP | NV6, {{SIM_CLS_FPDIV, 1}}},
        {CASE(vmov_core), 1, {2, 2, 2, 1, 2}, {0}, SIM_BLK_FP | NV6, {{SIM_CLS_FP, 1}}},
        /* VLDR.32, VLDR.64 and VPUSH of 4 singles: as LDM with N = words (M4 2 + 3 + 5) */
        {CASE(fpmem), 3, {10, 10, 10, 4, 7}, {0}, SIM_BLK_FP | NV6, {{SIM_CLS_FPMEM, 3}}},
        /* M7: a bitfield/DSP op pairs only as the older of the two */
        {CASE(add_uxtb), 2, {2, 2, 2, 2, 2}, {0}, NV6, {{SIM_CLS_ALU, 2}}},
        {CASE(uxtb_add), 2, {2, 2, 2, 1, 2}, {0}, NV6, {{SIM_CLS_ALU, 2}}},
        /* MRS (the sys figure) and CPSID (1) */
        {CASE(mrs_cpsid), 2, {4, 3, 3, 4, 3}, {0}, 0, {{SIM_CLS_SYS, 2}}},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

/*
 * A block's final conditional branch on a core that predicts branches (the M7): its
 * mispredict penalty, [J7] 8, or 6 when the flags it tests were set at least 3 cycles before
 * it issues (flags from before the block count as set the cycle before it), and its static
 * prediction (taken only for a direct branch to a lower address). Every other core: 0.
 */
static void test_branch_prediction(void **state)
{
    (void)state;
    static const uint8_t cmp_bne_back[] = {0x88, 0x42, 0xfd, 0xd1}; /* 1: cmp r0, r1; bne 1b */
    /* subs r2, #1; 4 x add.w r0, r0, #1; bne back: SUBS and the first ADD.W pair in cycle 0,
     * the dependent ADD.Ws take cycles 1..3, the BNE pairs with the last: 3 cycles later */
    static const uint8_t subs_4add_bne[] = {0x01, 0x3a, 0x00, 0xf1, 0x01, 0x00, 0x00, 0xf1,
                                            0x01, 0x00, 0x00, 0xf1, 0x01, 0x00, 0x00, 0xf1,
                                            0x01, 0x00, 0xf4, 0xd1};
    static const uint8_t subs_3add_bne[] = {0x01, 0x3a, 0x00, 0xf1, 0x01, 0x00, 0x00, 0xf1,
                                            0x01, 0x00, 0x00, 0xf1, 0x01, 0x00, 0xf4, 0xd1};
    static const uint8_t cbz_only[] = {0x00, 0xb1};     /* cbz r0, .+4 */
    static const uint8_t beq_fwd[] = {0x00, 0xd0};     /* beq .+4 */
    static const uint8_t it_bxne[] = {0x18, 0xbf, 0x70, 0x47}; /* it ne; bxne lr */
    /* 3 x add.w r0, r0, #1 (cycles 0..2); bne .+4: flags from before the block */
    static const uint8_t add3_bne_fwd[] = {0x00, 0xf1, 0x01, 0x00, 0x00, 0xf1, 0x01, 0x00,
                                           0x00, 0xf1, 0x01, 0x00, 0x00, 0xd1};
    static const uint8_t add2_bne_back[] = {0x00, 0xf1, 0x01, 0x00, 0x00, 0xf1, 0x01, 0x00,
                                            0xfa, 0xd1};
    static const uint8_t b_back[] = {0xfe, 0xe7};      /* 1: b 1b */
    static const struct {
        const char *name;
        const uint8_t *code;
        uint32_t len, mispredict, taken;
    } k[] = {
        {"cmp_bne_back", cmp_bne_back, sizeof cmp_bne_back, 8, 1},
        {"subs_4add_bne", subs_4add_bne, sizeof subs_4add_bne, 6, 1},
        {"subs_3add_bne", subs_3add_bne, sizeof subs_3add_bne, 8, 1},
        {"cbz_only", cbz_only, sizeof cbz_only, 8, 0},
        {"beq_fwd", beq_fwd, sizeof beq_fwd, 8, 0},
        {"it_bxne", it_bxne, sizeof it_bxne, 8, 0},
        {"add3_bne_fwd", add3_bne_fwd, sizeof add3_bne_fwd, 6, 0},
        {"add2_bne_back", add2_bne_back, sizeof add2_bne_back, 8, 1},
        {"b_back", b_back, sizeof b_back, 0, 0},
    };
    for (int core = 0; core < SIM_CORE_COUNT; core++) {
        sim_coster *c = coster((sim_core)core);
        const sim_core_timing *t = sim_cost_timing((sim_core)core);
        assert_int_equal(t->mispredict, core == SIM_CORE_M7 ? 8 : 0);
        for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
            sim_block_cost bc;
            sim_cost_block(c, k[i].code, k[i].len, BASE, &bc);
            uint32_t mp = core == SIM_CORE_M7 ? k[i].mispredict : 0;
            uint32_t tk = core == SIM_CORE_M7 ? k[i].taken : 0;
            if (bc.mispredict != mp || bc.predict_taken != tk)
                fail_msg("%s on %s: mispredict %u, predict_taken %u, expected %u, %u", k[i].name,
                         core_names[core], bc.mispredict, bc.predict_taken, mp, tk);
        }
        sim_cost_free(c);
    }
}

/* warn_addr / warn_insn / warn_flags: the first instruction worth a warning on the core. */
static void test_warnings(void **state)
{
    (void)state;
    sim_block_cost bc;
    sim_coster *m4 = coster(SIM_CORE_M4F), *m0 = coster(SIM_CORE_M0P), *m3 = coster(SIM_CORE_M3);

    sim_cost_block(m3, smlad, sizeof smlad, BASE, &bc);
    assert_int_equal(bc.warn_addr, BASE + 2);
    assert_string_equal(bc.warn_insn, "smlad r0, r1, r2, r0");
    assert_int_equal(bc.warn_flags, SIM_BLK_DSP);

    sim_cost_block(m0, smlad, sizeof smlad, BASE, &bc);
    assert_int_equal(bc.warn_addr, BASE + 2);
    assert_int_equal(bc.warn_flags, SIM_BLK_DSP | SIM_BLK_NOT_V6M);

    sim_cost_block(m4, vadd, sizeof vadd, BASE, &bc);
    assert_int_equal(bc.warn_addr, BASE);
    assert_string_equal(bc.warn_insn, "vadd.f32 s0, s1, s2");
    assert_int_equal(bc.warn_flags, SIM_BLK_FP);

    /* DSP is no warning on the M4, so an FP instruction after SMLAD is the one quoted */
    static const uint8_t smlad_vadd[] = {0x21, 0xfb, 0x02, 0x00, 0x30, 0xee, 0x81, 0x0a};
    sim_cost_block(m4, smlad_vadd, sizeof smlad_vadd, BASE, &bc);
    assert_int_equal(bc.flags, SIM_BLK_DSP | SIM_BLK_FP | SIM_BLK_NOT_V6M);
    assert_int_equal(bc.warn_addr, BASE + 4);
    assert_int_equal(bc.warn_flags, SIM_BLK_FP);
    assert_string_equal(bc.warn_insn, "vadd.f32 s0, s1, s2");
    sim_cost_block(m4, smlad, sizeof smlad, BASE, &bc);
    assert_int_equal(bc.warn_flags, 0);
    /* on the M3 the SMLAD comes first */
    sim_cost_block(m3, smlad_vadd, sizeof smlad_vadd, BASE, &bc);
    assert_int_equal(bc.warn_addr, BASE);
    assert_int_equal(bc.warn_flags, SIM_BLK_DSP);

    /* SDIV: nothing to say on the M4; on the M0+ it does not exist */
    sim_cost_block(m4, sdiv, sizeof sdiv, BASE, &bc);
    assert_int_equal(bc.flags, SIM_BLK_DIV | SIM_BLK_NOT_V6M);
    assert_int_equal(bc.warn_flags, 0);
    assert_int_equal(bc.warn_addr, 0);
    assert_string_equal(bc.warn_insn, "");
    sim_cost_block(m0, sdiv, sizeof sdiv, BASE, &bc);
    assert_int_equal(bc.warn_flags, SIM_BLK_DIV | SIM_BLK_NOT_V6M);
    assert_string_equal(bc.warn_insn, "sdiv r0, r1, r2");

    /* a 32-bit instruction on the M0+ (ADD.W) */
    sim_cost_block(m0, add_indep, sizeof add_indep, BASE, &bc);
    assert_int_equal(bc.warn_flags, SIM_BLK_NOT_V6M);
    assert_int_equal(bc.warn_addr, BASE);
    assert_string_equal(bc.warn_insn, "add.w r0, r0, #1");

    /* BL is in ARMv6-M */
    sim_cost_block(m0, bl_call, sizeof bl_call, BASE, &bc);
    assert_int_equal(bc.flags, 0);
    assert_int_equal(bc.warn_flags, 0);

    /* a long instruction text is truncated to fit warn_insn (PUSH.W is not in ARMv6-M) */
    static const uint8_t pushw[] = {0x2d, 0xe9, 0xf0, 0x0f}; /* push.w {r4-r11} */
    sim_cost_block(m0, pushw, sizeof pushw, BASE, &bc);
    assert_int_equal(bc.warn_flags, SIM_BLK_NOT_V6M);
    assert_string_equal(bc.warn_insn, "push.w {r4, r5, r6, r7, r8, sb,");
    assert_int_equal(bc.cycles, 9);

    sim_cost_free(m4);
    sim_cost_free(m0);
    sim_cost_free(m3);
}

/* ------------------------------------------------------------------ undecodable bytes */

static void test_undecodable(void **state)
{
    (void)state;
    sim_block_cost bc;
    for (int core = 0; core < SIM_CORE_COUNT; core++) {
        sim_coster *c = coster((sim_core)core);
        /* ADDS; 32-bit undecodable; ADDS */
        sim_cost_block(c, undec32, sizeof undec32, BASE, &bc);
        assert_int_equal(bc.insns, 3);
        assert_int_equal(bc.cycles, 3);
        assert_int_equal(bc.not_taken_cycles, 3);
        assert_int_equal(bc.mix[SIM_CLS_OTHER], 1);
        assert_int_equal(bc.mix[SIM_CLS_ALU], 2);
        assert_int_equal(bc.flags, SIM_BLK_UNDECODED);
        assert_int_equal(bc.warn_addr, BASE + 2);
        assert_int_equal(bc.warn_flags, SIM_BLK_UNDECODED);
        assert_string_equal(bc.warn_insn, ".inst 0xe8000000");
        assert_int_equal(bc.fallthrough, BASE + 8);

        /* a 32-bit prefix cut off by the end of the buffer: 2 bytes, one instruction */
        sim_cost_block(c, add_indep, 2, BASE, &bc);
        assert_int_equal(bc.insns, 1);
        assert_int_equal(bc.flags, SIM_BLK_UNDECODED);
        assert_string_equal(bc.warn_insn, ".inst 0xf100");
        assert_int_equal(bc.fallthrough, BASE + 2);

        /* a lone trailing byte */
        sim_cost_block(c, adds_dep, 3, BASE, &bc);
        assert_int_equal(bc.insns, 2);
        assert_int_equal(bc.cycles, 2);
        assert_int_equal(bc.mix[SIM_CLS_ALU], 1);
        assert_int_equal(bc.mix[SIM_CLS_OTHER], 1);
        assert_int_equal(bc.warn_addr, BASE + 2);
        assert_string_equal(bc.warn_insn, ".byte 0x40");
        assert_int_equal(bc.fallthrough, BASE + 3);

        /* nothing at all */
        sim_cost_block(c, adds_dep, 0, BASE, &bc);
        assert_int_equal(bc.insns, 0);
        assert_int_equal(bc.cycles, 0);
        assert_int_equal(bc.flags, 0);
        assert_int_equal(bc.fallthrough, BASE);
        sim_cost_block(c, NULL, 8, BASE, &bc);
        assert_int_equal(bc.insns, 0);
        sim_cost_free(c);
    }

    /* 0xba80 is HLT on ARMv8-M (Capstone's V8 mode) and undecodable before */
    sim_coster *m4 = coster(SIM_CORE_M4F);
    sim_cost_block(m4, undec16, sizeof undec16, BASE, &bc);
    assert_int_equal(bc.insns, 1);
    assert_int_equal(bc.flags, SIM_BLK_UNDECODED);
    assert_string_equal(bc.warn_insn, ".inst 0xba80");
    sim_cost_free(m4);
}

/* ------------------------------------------------------------------ sim_disas_one */

static void test_disas_one(void **state)
{
    (void)state;
    static const uint8_t ldr4[] = {0x48, 0x68}; /* ldr r0, [r1, #4] */
    char buf[64];
    sim_coster *c = coster(SIM_CORE_M4F);

    assert_int_equal(sim_disas_one(c, ldr4, sizeof ldr4, BASE, buf, sizeof buf), 2);
    assert_string_equal(buf, "ldr r0, [r1, #4]");
    assert_int_equal(sim_disas_one(c, add_indep, sizeof add_indep, BASE, buf, sizeof buf), 4);
    assert_string_equal(buf, "add.w r0, r0, #1");
    assert_int_equal(sim_disas_one(c, bx_lr, sizeof bx_lr, BASE, buf, sizeof buf), 2);
    assert_string_equal(buf, "bx lr");
    assert_int_equal(sim_disas_one(c, it_block + 2, 2, BASE, buf, sizeof buf), 2);
    assert_string_equal(buf, "ite eq");
    /* decoded in isolation: the IT above does not make this MOVEQ conditional, and outside
     * an IT block its encoding means MOVS */
    assert_int_equal(sim_disas_one(c, it_block + 4, 2, BASE, buf, sizeof buf), 2);
    assert_string_equal(buf, "movs r0, #1");
    /* branch targets are absolute */
    assert_int_equal(sim_disas_one(c, bl_call, sizeof bl_call, 0x1000, buf, sizeof buf), 4);
    assert_string_equal(buf, "bl #0x1100");

    /* undecodable, truncated, empty */
    assert_int_equal(sim_disas_one(c, undec32 + 2, 4, BASE, buf, sizeof buf), 4);
    assert_string_equal(buf, ".inst 0xe8000000");
    assert_int_equal(sim_disas_one(c, undec16, 2, BASE, buf, sizeof buf), 2);
    assert_string_equal(buf, ".inst 0xba80");
    assert_int_equal(sim_disas_one(c, add_indep, 2, BASE, buf, sizeof buf), 2);
    assert_string_equal(buf, ".inst 0xf100");
    assert_int_equal(sim_disas_one(c, ldr4, 1, BASE, buf, sizeof buf), 1);
    assert_string_equal(buf, ".byte 0x48");
    assert_int_equal(sim_disas_one(c, ldr4, 0, BASE, buf, sizeof buf), 0);
    assert_string_equal(buf, "");

    /* small buffers are truncated and terminated; none at all is fine */
    memset(buf, 'x', sizeof buf);
    assert_int_equal(sim_disas_one(c, ldr4, sizeof ldr4, BASE, buf, 5), 2);
    assert_string_equal(buf, "ldr ");
    assert_int_equal(buf[5], 'x');
    assert_int_equal(sim_disas_one(c, ldr4, sizeof ldr4, BASE, buf, 1), 2);
    assert_string_equal(buf, "");
    assert_int_equal(sim_disas_one(c, ldr4, sizeof ldr4, BASE, NULL, 0), 2);
    sim_cost_free(c);
}

/* ------------------------------------------------------------------ API edges */

static void test_new_free(void **state)
{
    (void)state;
    char *cause = NULL;
    assert_null(sim_cost_new(SIM_CORE_COUNT, &cause));
    assert_non_null(cause);
    assert_non_null(strstr(cause, "unknown core"));
    free(cause);
    assert_null(sim_cost_new((sim_core)-1, NULL));
    sim_cost_free(NULL);
}

/* A block's cost depends on its bytes only: an IT left open at the end of one block must
 * not make the next block's BX conditional (Capstone keeps IT state between calls). */
static void test_blocks_independent(void **state)
{
    (void)state;
    static const uint8_t open_it[] = {0x08, 0xbf}; /* it eq */
    sim_block_cost bc;
    sim_coster *c = coster(SIM_CORE_M4F);
    sim_cost_block(c, open_it, sizeof open_it, BASE, &bc);
    assert_int_equal(bc.insns, 1);
    sim_cost_block(c, bx_lr, sizeof bx_lr, BASE + 2, &bc);
    assert_int_equal(bc.cycles, 3);
    assert_int_equal(bc.not_taken_cycles, 3);
    char buf[32];
    sim_cost_block(c, open_it, sizeof open_it, BASE, &bc);
    sim_disas_one(c, bx_lr, sizeof bx_lr, BASE, buf, sizeof buf);
    assert_string_equal(buf, "bx lr");
    sim_cost_free(c);
}

/* mix[] saturates at 65535 while insns and cycles keep counting. */
static void test_mix_saturates(void **state)
{
    (void)state;
    const uint32_t n = 70000;
    uint8_t *code = malloc(2 * n);
    assert_non_null(code);
    for (uint32_t i = 0; i < n; i++) {
        code[2 * i] = 0x00; /* nop */
        code[2 * i + 1] = 0xbf;
    }
    sim_block_cost bc;
    sim_coster *c = coster(SIM_CORE_M4F);
    sim_cost_block(c, code, 2 * n, BASE, &bc);
    assert_int_equal(bc.insns, n);
    assert_int_equal(bc.cycles, n);
    assert_int_equal(bc.mix[SIM_CLS_ALU], UINT16_MAX);
    sim_cost_free(c);
    free(code);
}

/* ------------------------------------------------------------------ fuzz-ish */

/* Random byte buffers of random lengths 0..64 on every core: never crash (ASan/UBSan
 * build), invariants hold, results are deterministic, disassembly walks the buffer. */
static void test_random_bytes(void **state)
{
    (void)state;
    uint32_t seed = 0x2545f491u;
    sim_coster *cs[SIM_CORE_COUNT];
    for (int core = 0; core < SIM_CORE_COUNT; core++)
        cs[core] = coster((sim_core)core);

    for (int iter = 0; iter < 20000; iter++) {
        uint8_t code[64];
        uint32_t len = ts_xorshift32(&seed) % 65;
        int core = (int)(ts_xorshift32(&seed) % SIM_CORE_COUNT);
        uint32_t addr = (ts_xorshift32(&seed) & ~1u);
        for (uint32_t i = 0; i < len; i++)
            code[i] = (uint8_t)ts_xorshift32(&seed);
        /* bias towards 32-bit prefixes and FP/DSP space now and then */
        if (len >= 2 && (iter & 3) == 0)
            code[1] |= 0xe8;

        sim_block_cost a, b, other;
        sim_cost_block(cs[core], code, len, addr, &a);
        uint32_t sum = 0;
        for (int k = 0; k < SIM_CLS_COUNT; k++)
            sum += a.mix[k];
        if (sum != a.insns || a.not_taken_cycles > a.cycles || a.fallthrough != addr + len ||
            a.insns > (len + 1) / 2 || a.insns < (len + 3) / 4 || a.cycles > 40 * a.insns ||
            ((a.flags & SIM_BLK_UNDECODED) && a.mix[SIM_CLS_OTHER] == 0) ||
            (a.warn_flags != 0 && (a.warn_insn[0] == '\0' || a.warn_addr - addr >= len)) ||
            (a.warn_flags & ~a.flags) != 0 || memchr(a.warn_insn, '\0', sizeof a.warn_insn) == NULL)
            fail_msg("iteration %d (%s, len %u): insns %u cycles %u nt %u flags 0x%x", iter,
                     core_names[core], len, a.insns, a.cycles, a.not_taken_cycles, a.flags);

        /* the same bytes cost the same after something else was decoded */
        sim_cost_block(cs[core], it_block, 4, addr, &other);
        sim_cost_block(cs[core], code, len, addr, &b);
        if (memcmp(&a, &b, sizeof a) != 0)
            fail_msg("iteration %d (%s, len %u): not deterministic", iter, core_names[core], len);

        /* sim_disas_one walks the buffer in instructions of 1, 2 or 4 bytes */
        uint32_t off = 0, count = 0;
        while (off < len) {
            char buf[48];
            uint32_t s =
                sim_disas_one(cs[core], code + off, len - off, addr + off, buf, sizeof buf);
            if (s != 1 && s != 2 && s != 4)
                fail_msg("iteration %d: sim_disas_one size %u", iter, s);
            if (strlen(buf) == 0)
                fail_msg("iteration %d: empty text", iter);
            off += s;
            count++;
        }
        if (off != len || count != a.insns)
            fail_msg("iteration %d (%s, len %u): disassembly walked %u bytes in %u, block has %u",
                     iter, core_names[core], len, off, count, a.insns);
    }
    for (int core = 0; core < SIM_CORE_COUNT; core++)
        sim_cost_free(cs[core]);
}

/* ------------------------------------------------------------------ speed */

/* Decoding happens once per distinct block, so speed matters little; this prints it. */
static void test_decode_speed(void **state)
{
    (void)state;
    static const uint8_t *const seqs[] = {ldr_run,  mla_chain, smlad, push5,
                                          it_block, add_indep, vfma2};
    static const uint32_t lens[] = {sizeof ldr_run, sizeof mla_chain, sizeof smlad, sizeof push5,
                                    sizeof it_block, sizeof add_indep, sizeof vfma2};
    uint8_t code[256];
    uint32_t len = 0;
    while (len < sizeof code - 16)
        for (size_t i = 0; i < sizeof seqs / sizeof seqs[0] && len + lens[i] <= sizeof code; i++) {
            memcpy(code + len, seqs[i], lens[i]);
            len += lens[i];
        }
    sim_coster *c = coster(SIM_CORE_M4F);
    sim_block_cost bc;
    uint64_t insns = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 200; i++) {
        sim_cost_block(c, code, len, BASE, &bc);
        insns += bc.insns;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("decode + cost: %.0f ns per instruction (%llu instructions)\n", ns / (double)insns,
           (unsigned long long)insns);
    assert_int_equal(bc.flags & SIM_BLK_UNDECODED, 0);
    sim_cost_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_table),
        cmocka_unit_test(test_documented_table_matches),
        cmocka_unit_test(test_branch_figures_follow_p),
        cmocka_unit_test(test_alu_mul),
        cmocka_unit_test(test_loads_stores),
        cmocka_unit_test(test_branches),
        cmocka_unit_test(test_it_blocks),
        cmocka_unit_test(test_dsp_fp_div),
        cmocka_unit_test(test_branch_prediction),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_undecodable),
        cmocka_unit_test(test_disas_one),
        cmocka_unit_test(test_new_free),
        cmocka_unit_test(test_blocks_independent),
        cmocka_unit_test(test_mix_saturates),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_decode_speed),
    };
    return cmocka_run_group_tests_name("sim/cost", tests, NULL, NULL);
}
