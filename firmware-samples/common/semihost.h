/*
 * Arm semihosting for the samples: BKPT 0xAB with the operation in r0 and a pointer to its
 * parameter block in r1; the result comes back in r0. A debugger (or the simulator) serves
 * the call. On a board without a debugger attached, BKPT escalates to HardFault (lockup).
 */
#ifndef TS_SEMIHOST_H
#define TS_SEMIHOST_H

#include <stdint.h>

/* Operation numbers (Arm "Semihosting for AArch32 and AArch64", version 2.0). */
#define TS_SH_SYS_WRITE0 0x04u
#define TS_SH_SYS_WRITE 0x05u
#define TS_SH_SYS_READ 0x06u
#define TS_SH_SYS_EXIT 0x18u
#define TS_SH_SYS_EXIT_EXTENDED 0x20u

#define TS_SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* Semihosting handles the samples use: the simulator opens these three before reset. */
#define TS_SH_STDIN 0
#define TS_SH_STDOUT 1
#define TS_SH_STDERR 2

/* Exit status of the default exception handlers (common/startup.c). */
#define TS_EXIT_FAULT 0x7F

/* One semihosting call: op in r0, block address in r1; returns r0. */
uint32_t ts_sh_call(uint32_t op, const void *block);

/* Write a NUL-terminated string to the debugger's console (SYS_WRITE0). */
void ts_sh_write0(const char *s);

/* Write len bytes to a handle (SYS_WRITE). Returns the number of bytes written. */
uint32_t ts_sh_write(int handle, const void *buf, uint32_t len);

/* Read up to len bytes from a handle (SYS_READ). Returns the number of bytes read
 * (0 at end of file). */
uint32_t ts_sh_read(int handle, void *buf, uint32_t len);

/* Stop the program with an exit status (SYS_EXIT_EXTENDED, reason ApplicationExit). If the
 * debugger ignores the request, sleep forever. */
void ts_sh_exit(int status) __attribute__((noreturn));

#endif /* TS_SEMIHOST_H */
