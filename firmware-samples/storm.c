/*
 * storm: an interrupt-heavy firmware. PendSV re-pends itself until it has run STORM_N times
 * (a storm of exception entries and returns, each a stop of the engine's run loop), then the
 * sample prints the count and exits 0. tests/trust/engine.sh runs it with and without
 * --timeout (which must cost nothing), and make bench times it.
 */
#include <stdint.h>
#include <stdio.h>

#include "common/cortexm.h"

#define STORM_N 200000u

static volatile uint32_t pendsvs;

void PendSV_Handler(void);

void PendSV_Handler(void)
{
    if (++pendsvs < STORM_N)
        SCB_ICSR = SCB_ICSR_PENDSVSET;
}

int main(void)
{
    SCB_ICSR = SCB_ICSR_PENDSVSET;
    ts_dsb();
    ts_isb();
    while (pendsvs < STORM_N)
        ;
    printf("storm: %lu PendSV exceptions\n", (unsigned long)pendsvs);
    return 0;
}
