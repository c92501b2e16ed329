/*
 * spin: prints one line, then loops forever in spin_forever(), a function with a name of its
 * own. For the simulator's cycle, instruction and wall-clock budgets, whose stop report can
 * then say where the firmware was spinning. It never exits.
 */
#include <stdint.h>
#include <stdio.h>

void spin_forever(void) __attribute__((noreturn));

static volatile uint32_t spins;

/* noipa: stays a real function of its own; the volatile counter keeps each iteration a few
 * instructions (a load, an add, a store, a branch) rather than a branch to itself. */
__attribute__((noipa)) void spin_forever(void)
{
    for (;;)
        spins++;
}

int main(void)
{
    printf("spin: looping forever in spin_forever()\n");
    spin_forever();
}
