/*
 * The few Cortex-M core registers the samples touch (System Control Block, SysTick, DWT),
 * as defined by the Armv6-M, Armv7-M and Armv8-M Architecture Reference Manuals.
 */
#ifndef TS_CORTEXM_H
#define TS_CORTEXM_H

#include <stdint.h>

#define TS_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* System Control Block */
#define SCB_ICSR  TS_REG(0xE000ED04u) /* bit 28 PENDSVSET */
#define SCB_VTOR  TS_REG(0xE000ED08u)
#define SCB_CPACR TS_REG(0xE000ED88u) /* bits 20-23: CP10/CP11 full access (FPU) */
#define SCB_ICSR_PENDSVSET (1u << 28)

/* SysTick: 24-bit down counter */
#define SYST_CSR TS_REG(0xE000E010u) /* bit 0 ENABLE, 1 TICKINT, 2 CLKSOURCE (core clock) */
#define SYST_RVR TS_REG(0xE000E014u)
#define SYST_CVR TS_REG(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)
#define SYST_MAX 0xFFFFFFu

/* Debug: DEMCR.TRCENA powers the DWT; DWT_CTRL.CYCCNTENA starts the cycle counter
 * (Armv7-M and Armv8-M Mainline only: Armv6-M has no CYCCNT). */
#define DEMCR      TS_REG(0xE000EDFCu)
#define DWT_CTRL   TS_REG(0xE0001000u)
#define DWT_CYCCNT TS_REG(0xE0001004u)
#define DWT_LAR    TS_REG(0xE0001FB0u) /* CoreSight lock access (Cortex-M7) */
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL_CYCCNTENA (1u << 0)
#define DWT_LAR_KEY 0xC5ACCE55u

static inline void ts_dsb(void)
{
    __asm__ volatile("dsb" ::: "memory");
}

static inline void ts_isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}

static inline void ts_irq_enable(void)
{
    __asm__ volatile("cpsie i" ::: "memory");
}

static inline void ts_irq_disable(void)
{
    __asm__ volatile("cpsid i" ::: "memory");
}

#endif /* TS_CORTEXM_H */
