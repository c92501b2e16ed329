/*
 * Startup for every sample and board: the vector table, the reset handler (FPU, VTOR, .data,
 * .bss, constructors, main, exit) and the default exception handlers.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/cortexm.h"
#include "common/layout.h"
#include "common/semihost.h"

int main(void);

typedef void (*ts_handler)(void);
typedef struct {
    uint32_t *initial_sp;
    ts_handler exceptions[15]; /* exception numbers 1..15 */
    ts_handler irq[16];        /* external interrupts 0..15 */
} ts_vector_table;

extern ts_handler __preinit_array_start[], __preinit_array_end[];
extern ts_handler __init_array_start[], __init_array_end[];

/* C++: the handle static objects' destructors register under (__aeabi_atexit); crtbegin.o,
 * which -nostartfiles leaves out, would define it. One module: its own address. */
void *__dso_handle = &__dso_handle;

/* ------------------------------------------------------------------ default handlers */

void Reset_Handler(void);
void NMI_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void HardFault_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void MemManage_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void BusFault_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void SVC_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void PendSV_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void SysTick_Handler(void) __attribute__((weak, alias("ts_default_handler")));
void Default_IRQHandler(void) __attribute__((weak, alias("ts_default_handler")));

static const char *const exception_names[16] = {
    [2] = "NMI",         [3] = "HardFault", [4] = "MemManage",  [5] = "BusFault",
    [6] = "UsageFault",  [7] = "SecureFault", [11] = "SVC",     [12] = "DebugMon",
    [14] = "PendSV",     [15] = "SysTick",
};

/* Append s to buf at *n (buf holds size bytes, stays NUL-terminated). */
static void put_str(char *buf, uint32_t size, uint32_t *n, const char *s)
{
    while (*s && *n + 1 < size)
        buf[(*n)++] = *s++;
    buf[*n] = '\0';
}

static void put_hex(char *buf, uint32_t size, uint32_t *n, uint32_t v)
{
    char hex[11] = "0x";
    for (int i = 0; i < 8; i++)
        hex[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xF];
    hex[10] = '\0';
    put_str(buf, size, n, hex);
}

static void put_dec(char *buf, uint32_t size, uint32_t *n, uint32_t v)
{
    char dec[11];
    int i = 10;
    dec[i] = '\0';
    do {
        dec[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_str(buf, size, n, dec + i);
}

/*
 * Report an unexpected exception on stderr and exit with TS_EXIT_FAULT:
 * "HardFault (exception 3) at pc 0x08000123, exiting with status 127".
 * frame is the stacked exception frame (r0-r3, r12, lr, pc, xpsr). Semihosting only: on a
 * board without a debugger the BKPT itself faults and the core locks up, which stops it too.
 * (The simulator reports faults itself and never delivers HardFault.)
 */
__attribute__((used, noipa, noreturn)) static void ts_fault_report(const uint32_t *frame)
{
    uint32_t ipsr, n = 0;
    char line[96];
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    ipsr &= 0x1FFu;
    line[0] = '\0';
    if (ipsr < 16 && exception_names[ipsr]) {
        put_str(line, sizeof line, &n, exception_names[ipsr]);
        put_str(line, sizeof line, &n, " (exception ");
    } else {
        put_str(line, sizeof line, &n, "unexpected interrupt (exception ");
    }
    put_dec(line, sizeof line, &n, ipsr);
    put_str(line, sizeof line, &n, ") at pc ");
    put_hex(line, sizeof line, &n, frame[6]);
    put_str(line, sizeof line, &n, ", exiting with status ");
    put_dec(line, sizeof line, &n, TS_EXIT_FAULT);
    put_str(line, sizeof line, &n, "\n");
    ts_sh_write(TS_SH_STDERR, line, n);
    ts_sh_exit(TS_EXIT_FAULT);
}

/*
 * Every exception without a handler of its own lands here. Naked so that the stacked frame
 * is found before any code of ours moves SP: EXC_RETURN bit 2 says which stack holds it.
 * Thumb-1 only, so it assembles for Armv6-M too.
 */
__attribute__((naked, used)) static void ts_default_handler(void)
{
    __asm__ volatile(
        "movs r1, #4\n\t"
        "mov  r2, lr\n\t"
        "tst  r2, r1\n\t"
        "bne  1f\n\t"
        "mrs  r0, msp\n\t"
        "bl   ts_fault_report\n"
        "1:\n\t"
        "mrs  r0, psp\n\t"
        "bl   ts_fault_report\n\t");
}

/* ------------------------------------------------------------------ vector table */

/* At the flash base (common/sections.ld keeps .isr_vector first): 16 system entries and
 * 16 external interrupts. Entries 4-6 and 12 are reserved on Armv6-M; harmless there. */
__attribute__((section(".isr_vector"), used)) const ts_vector_table ts_vectors = {
    .initial_sp = __stack_top__,
    .exceptions = {
        Reset_Handler,      /*  1 */
        NMI_Handler,        /*  2 */
        HardFault_Handler,  /*  3 */
        MemManage_Handler,  /*  4 */
        BusFault_Handler,   /*  5 */
        UsageFault_Handler, /*  6 */
        0, 0, 0, 0,         /*  7-10 reserved */
        SVC_Handler,        /* 11 */
        DebugMon_Handler,   /* 12 */
        0,                  /* 13 reserved */
        PendSV_Handler,     /* 14 */
        SysTick_Handler,    /* 15 */
    },
    .irq = {
        Default_IRQHandler, Default_IRQHandler, Default_IRQHandler, Default_IRQHandler,
        Default_IRQHandler, Default_IRQHandler, Default_IRQHandler, Default_IRQHandler,
        Default_IRQHandler, Default_IRQHandler, Default_IRQHandler, Default_IRQHandler,
        Default_IRQHandler, Default_IRQHandler, Default_IRQHandler, Default_IRQHandler,
    },
};

/* ------------------------------------------------------------------ reset */

/*
 * The C part of reset, entered from Reset_Handler once the FPU is on: point VTOR at our
 * table, copy .data from flash, zero .bss, run constructors, then main; main's return value
 * is the exit status (exit() flushes stdio and ends in _exit: semihosting exit).
 * The model and input slots are NOLOAD and outside .data/.bss: reset never touches them.
 */
__attribute__((used, noipa, noreturn)) static void ts_reset_c(void)
{
    SCB_VTOR = (uint32_t)(uintptr_t)&ts_vectors;
    ts_dsb();
    ts_isb();
    const uint32_t *src = __data_load__;
    for (uint32_t *dst = __data_start__; dst < __data_end__;)
        *dst++ = *src++;
    for (uint32_t *dst = __bss_start__; dst < __bss_end__;)
        *dst++ = 0;
    for (ts_handler *f = __preinit_array_start; f < __preinit_array_end; f++)
        (*f)();
    for (ts_handler *f = __init_array_start; f < __init_array_end; f++)
        (*f)();
    exit(main());
}

/*
 * Reset entry. On cores with an FPU (gcc defines __ARM_FP), grant full access to CP10 and
 * CP11 in CPACR before anything else runs: the compiler may use VFP registers anywhere in
 * C code, so this is in assembly, ahead of the first C function. DSB + ISB make the new
 * access rights visible to the next instruction. No stack is used here.
 */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm__ volatile(
#if defined(__ARM_FP)
        "movw r0, #0xED88\n\t" /* CPACR, 0xE000ED88 */
        "movt r0, #0xE000\n\t"
        "ldr  r1, [r0]\n\t"
        "orr  r1, r1, #0x00F00000\n\t" /* CP10, CP11: full access */
        "str  r1, [r0]\n\t"
        "dsb\n\t"
        "isb\n\t"
#endif
        "bl   ts_reset_c\n\t");
}
