/*
 * fault: writes through a bad pointer from a function with a name of its own, so the
 * simulator's fault report can say where it happened ("fault_write_bad_pointer+0x4").
 * 0x70000000 is in the Cortex-M external RAM region and mapped on none of the simulated
 * boards. (On silicon it is an external-memory bank on some of them, FSMC NAND bank 2 on the
 * F207 and OCTOSPI2 on the U575, which bus-fault while the controller is off.)
 */
#include <stdint.h>
#include <stdio.h>

#define BAD_ADDRESS 0x70000000u

void fault_write_bad_pointer(uint32_t value);

/* noipa: a real, separate function (no inlining, cloning or constant propagation). */
__attribute__((noipa)) void fault_write_bad_pointer(uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)BAD_ADDRESS = value;
}

int main(void)
{
    printf("fault: writing to 0x%08lx from fault_write_bad_pointer()\n",
           (unsigned long)BAD_ADDRESS);
    fflush(stdout);
    fault_write_bad_pointer(0xDEADBEEFu);
    printf("fault: the write did not fault\n");
    return 0;
}
