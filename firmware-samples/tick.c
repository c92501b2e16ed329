/*
 * tick: the exceptions a simulator must deliver itself. SysTick at 1 kHz (BOARD_CLOCK_HZ),
 * SVC #1 and a pended PendSV each bump a counter; the sample waits for 5 ticks and checks
 * the counts. Exit status: 0 all as expected, 1 a count is wrong, 2 the ticks never came.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cortexm.h"

#define TICK_HZ 1000u
#define WANT_TICKS 5u
/* At least one cycle per polling iteration: a tenth of a second's worth of iterations is
 * far more than the 5 ms the ticks need. */
#define WAIT_LIMIT (BOARD_CLOCK_HZ / 10u)

static volatile uint32_t ticks, svcs, pendsvs, svc_bad_imm;

void SysTick_Handler(void);
void PendSV_Handler(void);
void SVC_Handler(void);

void SysTick_Handler(void)
{
    ticks++;
}

void PendSV_Handler(void)
{
    pendsvs++;
}

/* Count SVC #1 only: the SVC instruction (0xDFnn) sits just before the stacked return
 * address, frame[6]. Any other immediate is remembered as wrong. */
__attribute__((used, noipa)) static void svc_count(const uint32_t *frame)
{
    const uint16_t *insn = (const uint16_t *)(uintptr_t)(frame[6] - 2u);
    if ((*insn & 0xFFu) == 1u)
        svcs++;
    else
        svc_bad_imm = 0x100u | (*insn & 0xFFu);
}

/* Naked: the frame is at MSP on entry (thread mode here runs on MSP). Thumb-1 only. */
__attribute__((naked)) void SVC_Handler(void)
{
    __asm__ volatile(
        "mrs  r0, msp\n\t"
        "push {r0, lr}\n\t"
        "bl   svc_count\n\t"
        "pop  {r0, pc}\n\t");
}

int main(void)
{
    uint32_t n;

    ts_irq_disable();
    SYST_CSR = 0;
    SYST_RVR = BOARD_CLOCK_HZ / TICK_HZ - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    ts_irq_enable();

    __asm__ volatile("svc #1" ::: "memory");

    SCB_ICSR = SCB_ICSR_PENDSVSET;
    ts_dsb();
    ts_isb();

    for (n = 0; n < WAIT_LIMIT && ticks < WANT_TICKS; n++)
        ;
    SYST_CSR = 0;

    uint32_t t = ticks, s = svcs, p = pendsvs;
    if (t < WANT_TICKS) {
        printf("tick: only %lu SysTick interrupts after %lu polls (%lu wanted at %lu Hz)\n",
               (unsigned long)t, (unsigned long)n, (unsigned long)WANT_TICKS,
               (unsigned long)TICK_HZ);
        return 2;
    }
    printf("ticks: %lu, svc: %lu, pendsv: %lu\n", (unsigned long)t, (unsigned long)s,
           (unsigned long)p);
    int ok = 1;
    if (t != WANT_TICKS) {
        printf("tick: expected %lu ticks, got %lu\n", (unsigned long)WANT_TICKS, (unsigned long)t);
        ok = 0;
    }
    if (s != 1u || svc_bad_imm) {
        printf("tick: expected 1 SVC #1, got %lu", (unsigned long)s);
        if (svc_bad_imm)
            printf(" and an SVC #%lu", (unsigned long)(svc_bad_imm & 0xFFu));
        printf("\n");
        ok = 0;
    }
    if (p != 1u) {
        printf("tick: expected 1 PendSV, got %lu\n", (unsigned long)p);
        ok = 0;
    }
    return ok ? 0 : 1;
}
