/*
 * cyccnt: times a fixed loop of 1000 iterations with the core's cycle counter and prints the
 * count. Armv7-M and Armv8-M Mainline cores (M3, M4F, M7, M33) use the DWT cycle counter
 * (CYCCNT); Armv6-M (M0+) has none, so it uses SysTick counting down from 0xFFFFFF at the
 * core clock.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cortexm.h"

#define ITERATIONS 1000u

/* The seed is read through a volatile so the compiler cannot compute the loop at build time. */
static volatile uint32_t seed = 0x2545F491u;

/* xorshift32 steps summed: a few ALU instructions per iteration, no memory access. */
static uint32_t work(uint32_t x)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < ITERATIONS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sum += x;
    }
    return sum;
}

/* An empty asm that claims to change v: the loop cannot move across it, so it stays between
 * the two counter reads. */
#define PIN(v) __asm__ volatile("" : "+r"(v) : : "memory")

int main(void)
{
    uint32_t x = seed, t0, t1, cycles;
#if defined(__ARM_ARCH_6M__)
    SYST_CSR = 0;
    SYST_RVR = SYST_MAX;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
    t0 = SYST_CVR;
    PIN(x);
    x = work(x);
    PIN(x);
    t1 = SYST_CVR;
    SYST_CSR = 0;
    cycles = (t0 - t1) & SYST_MAX;
    printf("cycles (SysTick): %lu\n", (unsigned long)cycles);
#else
    DEMCR |= DEMCR_TRCENA;
#if defined(BOARD_CORE_M7)
    DWT_LAR = DWT_LAR_KEY; /* the M7's DWT ignores software writes until unlocked */
#endif
    DWT_CYCCNT = 0;
    DWT_CTRL |= DWT_CTRL_CYCCNTENA;
    t0 = DWT_CYCCNT;
    PIN(x);
    x = work(x);
    PIN(x);
    t1 = DWT_CYCCNT;
    cycles = t1 - t0;
    printf("cycles: %lu\n", (unsigned long)cycles);
#endif
    printf("iterations: %lu\n", (unsigned long)ITERATIONS);
    printf("checksum: 0x%08lx\n", (unsigned long)x);
    return 0;
}
