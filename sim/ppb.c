/*
 * The private peripheral bus (0xE0000000-0xE00FFFFF), which Unicorn leaves unmapped: ITM
 * stimulus port 0 as console output, the DWT cycle counter and SysTick driven by the modelled
 * cycle count, and the SCB registers firmware commonly touches. Mapped with uc_mmio_map, so
 * only accesses to this range pay for a callback.
 *
 * Modelling choices (also in the README):
 * - ITM_TCR.ITMENA and ITM_TER bit 0 read as set, as when a debugger captures port 0.
 * - DWT_CYCCNT and SysTick read the cycle count charged so far. The block hook charges a
 *   block's whole cost when it starts, so a read sees the count at the end of its block: late
 *   by at most the cycles of the instructions after it in its block (two reads in one block
 *   read the same value).
 * - SysTick with CLKSOURCE=0 (external reference) counts at the core clock / 8, as the STM32
 *   parts do (HCLK/8); nRF52 has no external reference, so firmware there uses CLKSOURCE=1.
 * - CCR is stored and read back; its DIV_0_TRP bit has no effect (a division by zero gives
 *   0, as with the bit clear) and setting it gives a warning.
 * - Other System Control Space words (NVIC enables/priorities, SHCSR ...) are stored and read
 *   back, without effect. Accesses elsewhere in the PPB read as zero, ignore writes and are
 *   reported once each (up to 8 addresses).
 */
#include <string.h>

#include "models/util.h"
#include "sim/sim_int.h"

#define PPB_BASE 0xE0000000u
#define PPB_SIZE 0x00100000u

/* CPUID reset values from each core's Technical Reference Manual: Cortex-M0+ r0p1 (DDI0484C),
 * M3 r2p1 (DDI0337I), M4 r0p1 (DDI0439B), M7 r1p0 (DDI0489F), M33 r0p4 (Arm 100230). */
static uint32_t cpuid(sim_core c)
{
    switch (c) {
    case SIM_CORE_M0P: return 0x410CC601u;
    case SIM_CORE_M3: return 0x412FC231u;
    case SIM_CORE_M4F: return 0x410FC241u;
    case SIM_CORE_M7: return 0x411FC270u;
    default: return 0x410FD214u;
    }
}

static int has_trace(const sim *s)
{
    return s->board->core != SIM_CORE_M0P; /* ARMv6-M: no ITM, no DWT_CYCCNT */
}

/* ------------------------------------------------------------------ SysTick */

static uint64_t st_period(const sim *s)
{
    uint64_t div = (s->st_csr & 4) ? 1 : 8;
    return ((uint64_t)(s->st_rvr & 0xFFFFFF) + 1) * div;
}

static void st_arm(sim *s)
{
    if ((s->st_csr & 1) && (s->st_rvr & 0xFFFFFF))
        s->st_next = s->st_base + st_period(s);
    else
        s->st_next = UINT64_MAX;
}

/* Account for every wrap to zero up to the current cycle: COUNTFLAG, and the SysTick
 * exception when TICKINT is set (several wraps while masked pend it once, as on silicon). */
void sim_systick_update(sim *s)
{
    if (s->st_next == UINT64_MAX || s->cycles < s->st_next)
        return;
    uint64_t p = st_period(s);
    uint64_t n = (s->cycles - s->st_next) / p;
    s->st_base = s->st_next + n * p;
    s->st_csr |= 1u << 16;
    if (s->st_csr & 2)
        sim_pend(s, 15);
    st_arm(s);
}

static uint32_t st_current(sim *s)
{
    sim_systick_update(s);
    if (!(s->st_csr & 1))
        return 0;
    uint64_t div = (s->st_csr & 4) ? 1 : 8;
    uint64_t e = (s->cycles - s->st_base) / div;
    if (e == 0)
        return 0;
    uint64_t p = (s->st_rvr & 0xFFFFFF) + 1;
    return (uint32_t)(p - e);
}

/* ------------------------------------------------------------------ DWT */

static int cyccnt_running(const sim *s)
{
    return (s->dwt_ctrl & 1) && (s->demcr & (1u << 24));
}

static uint32_t cyccnt(const sim *s)
{
    return cyccnt_running(s) ? (uint32_t)(s->cycles - s->cyccnt_base) : s->cyccnt_frozen;
}

/* Call around any change of DWT_CTRL or DEMCR: keeps the count continuous. */
static void cyccnt_change(sim *s, uint32_t new_ctrl, uint32_t new_demcr)
{
    uint32_t now = cyccnt(s);
    s->dwt_ctrl = new_ctrl;
    s->demcr = new_demcr;
    s->cyccnt_frozen = now;
    s->cyccnt_base = s->cycles - now;
}

/* ------------------------------------------------------------------ access */

static void ppb_unmodelled(sim *s, uint32_t addr, int write)
{
    if (s->warned_ppb >= 8)
        return;
    s->warned_ppb++;
    sim_warn(s, "%s of private peripheral bus address 0x%08x, which the simulator does not "
                "model: it reads as 0 and ignores writes",
             write ? "write" : "read", addr);
}

static uint32_t *scs_word(sim *s, uint32_t addr)
{
    if (addr >= 0xE000E000u && addr < 0xE000F000u)
        return &s->scs[(addr - 0xE000E000u) / 4];
    return NULL;
}

static uint64_t ppb_read(uc_engine *uc, uint64_t offset, unsigned size, void *ud)
{
    sim *s = ud;
    uint32_t addr = PPB_BASE + (uint32_t)offset, v = 0;
    uint32_t *w;
    (void)uc;
    switch (addr & ~3u) {
    case 0xE0000E00u: v = has_trace(s) ? s->itm_ter : 0; break;
    case 0xE0000E80u: v = has_trace(s) ? s->itm_tcr : 0; break;
    case 0xE0001000u: /* DWT_CTRL: NUMCOMP 4 (M0+: 2, NOCYCCNT) */
        v = has_trace(s) ? (4u << 28) | s->dwt_ctrl : (2u << 28) | (1u << 25);
        break;
    case 0xE0001004u:
        if (!has_trace(s)) {
            if (!s->warned_cyccnt_m0) {
                s->warned_cyccnt_m0 = 1;
                sim_warn(s, "DWT_CYCCNT read on a Cortex-M0+, which has no cycle counter: it "
                            "reads as 0 (use SysTick)");
            }
            v = 0;
        } else {
            v = cyccnt(s);
        }
        break;
    case 0xE000E010u:
        sim_systick_update(s);
        v = s->st_csr;
        s->st_csr &= ~(1u << 16); /* COUNTFLAG clears on read */
        break;
    case 0xE000E014u: v = s->st_rvr; break;
    case 0xE000E018u: v = st_current(s); break;
    case 0xE000E01Cu: /* CALIB: no reference clock skew note; TENMS = 10 ms at the core clock */
        v = (1u << 30) | ((s->board->clock_hz / 100 - 1) & 0xFFFFFF);
        break;
    case 0xE0000FB4u: /* ITM_LSR, DWT_LSR: lock status, never locked here */
    case 0xE0001FB4u: v = 0; break;
    case 0xE000ED00u: v = cpuid(s->board->core); break;
    case 0xE000ED04u: {
        v = (sim_reg(s, UC_ARM_REG_IPSR) & 0x1FF) | ((s->pending >> 14) & 1) << 28 |
            ((s->pending >> 15) & 1) << 26;
        break;
    }
    case 0xE000ED08u: v = s->vtor; break;
    case 0xE000ED0Cu: v = 0xFA050000u | (s->aircr & 0x700); break;
    case 0xE000ED10u: v = s->scr; break;
    case 0xE000ED14u: v = s->ccr; break;
    case 0xE000ED18u: v = s->shpr[0]; break;
    case 0xE000ED1Cu: v = s->shpr[1]; break;
    case 0xE000ED20u: v = s->shpr[2]; break;
    case 0xE000ED88u: v = s->board->core == SIM_CORE_M0P ? 0 : s->cpacr; break;
    case 0xE000EDFCu: v = s->demcr; break;
    default:
        if (addr < 0xE0000100u) { /* ITM stimulus ports: always ready */
            v = has_trace(s) ? 1 : 0;
        } else if ((w = scs_word(s, addr)) != NULL) {
            v = *w;
        } else {
            ppb_unmodelled(s, addr, 0);
        }
        break;
    }
    if (size < 4)
        v = (v >> ((addr & 3) * 8)) & ((1u << (size * 8)) - 1);
    return v;
}

static void ppb_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ud)
{
    sim *s = ud;
    uint32_t addr = PPB_BASE + (uint32_t)offset, v = (uint32_t)value;
    uint32_t *w;
    (void)uc;
    if (addr < 0xE0000100u) { /* ITM stimulus port n: port 0 is the console */
        if (!has_trace(s)) {
            ppb_unmodelled(s, addr, 1);
        } else if (addr - 0xE0000000u < 4 && (s->itm_tcr & 1) && (s->itm_ter & 1)) {
            uint8_t bytes[4] = {v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF, v >> 24};
            sim_console(s, bytes, size > 4 ? 4 : size);
        }
        return;
    }
    switch (addr & ~3u) {
    case 0xE0000E00u: s->itm_ter = v; break;
    case 0xE0000E80u: s->itm_tcr = v; break;
    case 0xE0001000u:
        if (has_trace(s))
            cyccnt_change(s, v & ~(0xFu << 28), s->demcr);
        break;
    case 0xE0001004u:
        if (has_trace(s)) {
            s->cyccnt_frozen = v;
            s->cyccnt_base = s->cycles - v;
        }
        break;
    case 0xE000E010u:
        sim_systick_update(s);
        if ((v & 1) && !(s->st_csr & 1))
            s->st_base = s->cycles;
        s->st_csr = (s->st_csr & (1u << 16)) | (v & 7);
        st_arm(s);
        sim_schedule(s);
        break;
    case 0xE000E014u:
        sim_systick_update(s);
        s->st_rvr = v & 0xFFFFFF;
        if (s->st_next == UINT64_MAX)
            st_arm(s);
        sim_schedule(s);
        break;
    case 0xE000E018u: /* any write clears the counter and COUNTFLAG */
        s->st_base = s->cycles;
        s->st_csr &= ~(1u << 16);
        st_arm(s);
        sim_schedule(s);
        break;
    case 0xE000ED04u:
        if (v & (1u << 28))
            sim_pend(s, 14);
        if (v & (1u << 27))
            s->pending &= ~(1u << 14);
        if (v & (1u << 26))
            sim_pend(s, 15);
        if (v & (1u << 25))
            s->pending &= ~(1u << 15);
        break;
    case 0xE000ED08u: s->vtor = v & ~0x7Fu; break;
    case 0xE000ED0Cu:
        if ((v >> 16) == 0x05FA) {
            s->aircr = v & 0x700;
            if (v & 4) {
                snprintf(s->stop.message, sizeof s->stop.message,
                         "the firmware requested a system reset (AIRCR.SYSRESETREQ); the "
                         "simulator stops here");
                sim_stop_now(s, SIM_STOP_HANG);
            }
        }
        break;
    case 0xE0000FB0u: /* ITM_LAR and DWT_LAR (the M7 needs the unlock key before CYCCNT
                       * counts): accepted, nothing is locked in the simulator */
    case 0xE0001FB0u: break;
    case 0xE000ED10u: s->scr = v; break;
    case 0xE000ED14u:
        /* CCR.DIV_0_TRP (bit 4; ARMv7-M and later): the emulator's SDIV/UDIV return 0 for a
         * zero divisor whatever it says, so a firmware relying on the trap is told once per
         * setting of the bit. (ARMv6-M has no divide instruction and no such bit.) */
        if ((v & ~s->ccr & (1u << 4)) && s->board->core != SIM_CORE_M0P)
            sim_warn(s, "the firmware set CCR.DIV_0_TRP, which the simulator does not model: an "
                        "SDIV or UDIV by zero returns 0 instead of raising a UsageFault");
        s->ccr = v;
        break;
    case 0xE000ED18u: s->shpr[0] = v; break;
    case 0xE000ED1Cu: s->shpr[1] = v; break;
    case 0xE000ED20u: s->shpr[2] = v; break;
    case 0xE000ED88u:
        s->cpacr = v;
        sim_blk_reflag(s); /* FPU blocks need checking only while it is disabled */
        break;
    case 0xE000EDFCu:
        if (has_trace(s))
            cyccnt_change(s, s->dwt_ctrl, v);
        else
            s->demcr = v;
        break;
    default:
        if ((w = scs_word(s, addr)) != NULL)
            *w = v;
        else
            ppb_unmodelled(s, addr, 1);
        break;
    }
}

int sim_ppb_map(sim *s, char **cause)
{
    uc_err e = uc_mmio_map(s->uc, PPB_BASE, PPB_SIZE, ppb_read, s, ppb_write, s);
    if (e) {
        *cause = mu_asprintf("cannot map the private peripheral bus: %s", uc_strerror(e));
        return -1;
    }
    return 0;
}

void sim_ppb_reset(sim *s)
{
    memset(s->scs, 0, sizeof s->scs);
    s->cpacr = 0;
    s->vtor = 0;
    s->aircr = 0;
    s->scr = 0;
    /* CCR reset: STKALIGN set (M3 r2p0 and later, M4, M7, M33); M0+ reads STKALIGN|UNALIGN_TRP. */
    s->ccr = s->board->core == SIM_CORE_M0P ? 0x208u : 0x200u;
    memset(s->shpr, 0, sizeof s->shpr);
    s->demcr = 0;
    s->dwt_ctrl = 0;
    s->cyccnt_base = 0;
    s->cyccnt_frozen = 0;
    s->st_csr = 0;
    s->st_rvr = 0;
    s->st_base = 0;
    s->st_next = UINT64_MAX;
    s->itm_tcr = 1;
    s->itm_ter = 1;
    s->warned_ppb = 0;
    s->scs[(0xE000EF34u - 0xE000E000u) / 4] = 0xC0000000u; /* FPCCR: ASPEN | LSPEN */
}
