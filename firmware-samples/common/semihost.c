/*
 * Semihosting calls (BKPT 0xAB): the console and exit primitives under the newlib glue
 * (common/syscalls.c) and the default exception handlers (common/startup.c).
 */
#include <stdint.h>

#include "common/semihost.h"

/*
 * r0/r1 are bound with register variables so the BKPT sees them; the "memory" clobber makes
 * the compiler store the parameter block before the call and reload anything the host wrote
 * (SYS_READ's buffer) after it.
 */
uint32_t ts_sh_call(uint32_t op, const void *block)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = block;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void ts_sh_write0(const char *s)
{
    ts_sh_call(TS_SH_SYS_WRITE0, s);
}

/* SYS_WRITE returns the number of bytes NOT written. */
uint32_t ts_sh_write(int handle, const void *buf, uint32_t len)
{
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, len};
    uint32_t left = ts_sh_call(TS_SH_SYS_WRITE, block);
    return left <= len ? len - left : 0;
}

/* SYS_READ returns the number of bytes NOT read (len at end of file). */
uint32_t ts_sh_read(int handle, void *buf, uint32_t len)
{
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buf, len};
    uint32_t left = ts_sh_call(TS_SH_SYS_READ, block);
    return left <= len ? len - left : 0;
}

/* SYS_EXIT_EXTENDED takes a two-word block {reason, status} on every architecture (plain
 * SYS_EXIT on AArch32 carries no status). */
void ts_sh_exit(int status)
{
    uint32_t block[2] = {TS_SH_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    ts_sh_call(TS_SH_SYS_EXIT_EXTENDED, block);
    for (;;)
        __asm__ volatile("wfi");
}
