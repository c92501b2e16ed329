/*
 * Capstone decoding for the cost model: the coster's handle, the one-instruction
 * disassembler, and the decoding of each instruction of a block, which classify.c then
 * classifies. The only file that calls Capstone's functions.
 */
#include "sim/cost_int.h"

#include "models/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the coster */

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
    c->t = sim_cost_timing(core);
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

/* ------------------------------------------------------------------ one instruction of a block */

/* Start decoding a block (sim_cost_block): Capstone's IT state from an earlier decode must
 * not reach it (reset_it_state); within the block it carries from one instruction to the
 * next, as it should. */
void cyc_decode_start(sim_coster *c)
{
    reset_it_state(c);
}

/*
 * Decode the instruction at code (len > 0 bytes left in the block, at address addr) and
 * classify it into *ii. Returns 1 when Capstone decoded it: c->insn then holds it until the
 * next call, for cyc_describe, cyc_sp_effect and cyc_predict_taken. Returns 0 for bytes it
 * could not decode, classified as one OTHER instruction of the Thumb size they announce.
 */
int cyc_decode(sim_coster *c, const uint8_t *code, uint32_t len, uint64_t addr, insn_info *ii)
{
    const uint8_t *p = code;
    size_t n = len;
    uint64_t a = addr;
    int decoded = cs_disasm_iter(c->cs, &p, &n, &a, c->insn);

    if (decoded)
        cyc_classify(c, c->insn, ii);
    else
        cyc_classify_undecoded(c, (uint32_t)addr, thumb_size(code, len), ii);
    return decoded;
}

/* The text of the instruction cyc_decode just read ("mnemonic operands", or ".inst ..." for
 * the size bytes at code when it was not decoded) into buf, truncated and NUL-terminated. */
void cyc_describe(const sim_coster *c, int decoded, const uint8_t *code, uint32_t size,
                  char *buf, size_t bufsize)
{
    if (decoded)
        format_insn(c->insn, buf, bufsize);
    else
        format_undecoded(code, size, buf, bufsize);
}

/* Static prediction of cur, the conditional branch cyc_decode just decoded: 1 (taken) when it
 * is a direct B<cc>/CBZ/CBNZ whose target is not after it, else 0 (see "M7 branch
 * prediction" at the top of sim/cost_tables.c). */
int cyc_predict_taken(const sim_coster *c, const insn_info *cur)
{
    int taken = 0;
    if (cur->id == ARM_INS_B || cur->id == ARM_INS_CBZ || cur->id == ARM_INS_CBNZ) {
        const cs_arm *a = &c->insn->detail->arm;
        for (int i = 0; i < a->op_count; i++)
            if (a->operands[i].type == ARM_OP_IMM)
                taken = (uint32_t)a->operands[i].imm <= cur->addr;
    }
    return taken;
}
