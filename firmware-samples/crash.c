/*
 * crash: misbehaves in the way named by the first line of its console input (semihosting
 * SYS_READ from stdin, e.g. `echo udf | tinysim run crash.elf`), each from a non-inlined
 * function with a name of its own so the simulator's fault report can say where:
 *
 *   udf      an undefined instruction (UDF #7)                    crash_udf
 *   bkpt     a BKPT that is not semihosting (BKPT #1)              crash_bkpt
 *   jump     a call to 0x60000001, an address no board maps        crash_jump
 *   ppb      a call into the private peripheral bus (0xE000E000,   crash_ppb
 *            execute-never on silicon)
 *   ram      a call into a RAM buffer filled with UDF #0xDE        crash_ram
 *            (RAM is executable on Cortex-M: it runs, then faults)
 *   arm      a BX to an even address: ARM state, which M-profile   crash_arm
 *            does not have (INVSTATE UsageFault)
 *   stack    unbounded recursion until the stack runs off RAM      crash_recurse
 *   div0     CCR.DIV_0_TRP set, then an SDIV by zero (not on the   crash_div0
 *            M0+, which has no divide instruction)
 * Anything else: prints the list and exits with status 2.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/cortexm.h"
#include "common/semihost.h"

#define SCB_CCR TS_REG(0xE000ED14u)
#define SCB_CCR_DIV_0_TRP (1u << 4)

void crash_udf(void);
void crash_bkpt(void);
void crash_jump(void);
void crash_ppb(void);
void crash_ram(void);
void crash_arm(void);
uint32_t arm_target(uint32_t x);
uint32_t crash_recurse(uint32_t n);
int32_t crash_div0(int32_t a, int32_t b);

/* noipa: real, separate functions (no inlining, cloning or constant propagation). */
__attribute__((noipa)) void crash_udf(void)
{
    __asm__ volatile("udf #7");
}

__attribute__((noipa)) void crash_bkpt(void)
{
    __asm__ volatile("bkpt #1");
}

__attribute__((noipa)) void crash_jump(void)
{
    ((void (*)(void))0x60000001u)();
}

__attribute__((noipa)) void crash_ppb(void)
{
    ((void (*)(void))0xE000E001u)();
}

static uint16_t ram_code[8];

__attribute__((noipa)) void crash_ram(void)
{
    for (unsigned i = 0; i < 8; i++)
        ram_code[i] = 0xDEDE; /* UDF #0xDE */
    ((void (*)(void))((uintptr_t)ram_code | 1u))();
}

/* A plain function, reached in ARM state by crash_arm: never runs on silicon. */
__attribute__((noipa)) uint32_t arm_target(uint32_t x)
{
    return x * 3u + 1u;
}

__attribute__((noipa)) void crash_arm(void)
{
    __asm__ volatile("bx %0" : : "r"((uintptr_t)arm_target & ~1u));
}

/* Each frame keeps a 64-byte buffer live, so the stack runs out in a few thousand calls. */
__attribute__((noipa)) uint32_t crash_recurse(uint32_t n)
{
    volatile uint32_t pad[16];
    if (n == UINT32_MAX) /* never: keeps -Winfinite-recursion quiet */
        return 0;
    pad[n & 15] = n;
    return crash_recurse(n + 1) + pad[(n + 3) & 15];
}

__attribute__((noipa)) int32_t crash_div0(int32_t a, int32_t b)
{
#if defined(BOARD_CORE_M0P)
    return b ? a / b : 0; /* ARMv6-M: no SDIV, no DIV_0_TRP; __aeabi_idiv returns 0 */
#else
    int32_t q;
    SCB_CCR |= SCB_CCR_DIV_0_TRP;
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
    return q;
#endif
}

int main(void)
{
    char line[32];
    uint32_t n = ts_sh_read(TS_SH_STDIN, line, sizeof line - 1);
    line[n] = 0;
    line[strcspn(line, "\r\n")] = 0;
    printf("crash: %s\n", line);
    fflush(stdout);
    if (strcmp(line, "udf") == 0)
        crash_udf();
    else if (strcmp(line, "bkpt") == 0)
        crash_bkpt();
    else if (strcmp(line, "jump") == 0)
        crash_jump();
    else if (strcmp(line, "ppb") == 0)
        crash_ppb();
    else if (strcmp(line, "ram") == 0)
        crash_ram();
    else if (strcmp(line, "arm") == 0)
        crash_arm();
    else if (strcmp(line, "stack") == 0)
        printf("crash: %lu\n", (unsigned long)crash_recurse(0));
    else if (strcmp(line, "div0") == 0)
        printf("crash: 7 / 0 = %ld (no trap)\n", (long)crash_div0(7, 0));
    else {
        printf("crash: give one of udf bkpt jump ppb ram arm stack div0 on stdin\n");
        return 2;
    }
    return 0;
}
