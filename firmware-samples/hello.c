/*
 * hello: the smallest sample. Prints the board and core it was built for, then the memory it
 * was linked for, and exits with status 0.
 */
#include <stdio.h>

#include "common/layout.h"

int main(void)
{
    printf("hello from %s (%s)\n", BOARD_NAME, BOARD_CORE);
    printf("%lu MHz, flash %lu KiB at 0x%08lx, RAM %lu KiB at 0x%08lx\n",
           (unsigned long)(BOARD_CLOCK_HZ / 1000000u),
           (unsigned long)(ts_span(__flash_start__, __flash_end__) / 1024u),
           (unsigned long)(uintptr_t)__flash_start__,
           (unsigned long)(ts_span(__ram_start__, __ram_end__) / 1024u),
           (unsigned long)(uintptr_t)__ram_start__);
    return 0;
}
