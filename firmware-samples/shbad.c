/*
 * shbad: semihosting calls with bad pointers, lengths and file names, the one named by the
 * first line of its console input (e.g. `echo write-ptr | tinysim run shbad.elf`). The
 * simulator must refuse each (a stop with exit 4, or -1 to the firmware for a file it will
 * not open), never touch host memory or files outside --semihost-dir:
 *
 *   write-ptr     SYS_WRITE of 16 bytes from 0x70000000 (mapped on no board)
 *   write-wrap    SYS_WRITE of 0xFFFFFFF0 bytes: the end wraps past 4 GiB
 *   write0-ptr    SYS_WRITE0 of a string at 0x70000000
 *   block-ptr     SYS_WRITE whose parameter block (r1) is at 0x70000000
 *   open-long     SYS_OPEN with a name length of 5000 bytes
 *   open-end      SYS_OPEN of a name that runs 64 bytes past the end of RAM
 *   read-flash    SYS_READ from stdin into flash (the vector table)
 *   read-ptr      SYS_READ from stdin into 0x70000000
 *   elapsed-flash SYS_ELAPSED with its result block in flash
 *   unknown-op    semihosting operation 0x99
 *   open NAME     SYS_OPEN of NAME for reading; prints the first line of the file when the
 *                 simulator opens it (exit 0), or "refused" and SYS_ERRNO (exit 1)
 *   openw NAME    the same for writing ("w"): a FIFO without a reader must not block
 *   flood KIND N [NAME]
 *                 N calls of one kind, then a store to 0x70000000 (a fault the simulator
 *                 locates by re-running): clock (SYS_CLOCK), write (SYS_WRITE of 1 byte to
 *                 stdout), read (SYS_SEEK to 0 and SYS_READ of 16 KiB from file NAME). The
 *                 replay journal must stay bounded whatever N is.
 * Anything else: prints the list and exits with status 2.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/layout.h"
#include "common/semihost.h"

#define SYS_OPEN 0x01u
#define SYS_WRITE0 0x04u
#define SYS_WRITE 0x05u
#define SYS_READ 0x06u
#define SYS_SEEK 0x0Au
#define SYS_CLOCK 0x10u
#define SYS_ERRNO 0x13u
#define SYS_ELAPSED 0x30u
#define BAD_ADDRESS 0x70000000u

static uint32_t sh(uint32_t op, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t block[3] = {a, b, c};
    return ts_sh_call(op, block);
}

static int open_file(const char *name, uint32_t mode)
{
    char buf[64];
    uint32_t h = sh(SYS_OPEN, (uint32_t)(uintptr_t)name, mode, (uint32_t)strlen(name));
    if (h == UINT32_MAX) {
        printf("shbad: open '%s' refused, errno %lu\n", name,
               (unsigned long)ts_sh_call(SYS_ERRNO, NULL));
        return 1;
    }
    if (mode != 0) {
        printf("shbad: opened '%s' for writing\n", name);
        return 0;
    }
    uint32_t n = ts_sh_read((int)h, buf, sizeof buf - 1);
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    printf("shbad: opened '%s': %s\n", name, buf);
    return 0;
}

/* "flood KIND N [NAME]": N calls of KIND, then a store to unmapped memory. */
static int flood(const char *args)
{
    static uint8_t buf[16384];
    char kind[8] = "", name[64] = "";
    unsigned long n = 0;
    const char *p = args;
    size_t k = strcspn(p, " ");
    if (k == 0 || k >= sizeof kind)
        return 2;
    memcpy(kind, p, k);
    p += k + (p[k] == ' ');
    while (*p >= '0' && *p <= '9')
        n = n * 10 + (unsigned long)(*p++ - '0');
    if (*p == ' ')
        snprintf(name, sizeof name, "%s", p + 1);
    uint32_t h = 0;
    if (strcmp(kind, "read") == 0) {
        h = sh(SYS_OPEN, (uint32_t)(uintptr_t)name, 0 /* "r" */, (uint32_t)strlen(name));
        if (h == UINT32_MAX) {
            printf("shbad: flood: cannot open '%s'\n", name);
            return 1;
        }
    } else if (strcmp(kind, "clock") != 0 && strcmp(kind, "write") != 0) {
        return 2;
    }
    for (unsigned long i = 0; i < n; i++) {
        if (kind[0] == 'c') {
            ts_sh_call(SYS_CLOCK, NULL);
        } else if (kind[0] == 'w') {
            sh(SYS_WRITE, TS_SH_STDOUT, (uint32_t)(uintptr_t)".", 1);
        } else {
            sh(SYS_SEEK, h, 0, 0);
            sh(SYS_READ, h, (uint32_t)(uintptr_t)buf, sizeof buf);
        }
    }
    printf("shbad: %lu %s calls made; now a store to 0x%08lx\n", n, kind,
           (unsigned long)BAD_ADDRESS);
    fflush(stdout);
    *(volatile uint32_t *)BAD_ADDRESS = buf[0];
    return 3;
}

int main(void)
{
    static char line[256];
    uint32_t n = ts_sh_read(TS_SH_STDIN, line, sizeof line - 1), r = 0;
    line[n] = 0;
    line[strcspn(line, "\r\n")] = 0;
    printf("shbad: %s\n", line);
    fflush(stdout);
    uint32_t ram_end = (uint32_t)(uintptr_t)__ram_end__;
    if (strcmp(line, "write-ptr") == 0)
        r = sh(SYS_WRITE, TS_SH_STDOUT, BAD_ADDRESS, 16);
    else if (strcmp(line, "write-wrap") == 0)
        r = sh(SYS_WRITE, TS_SH_STDOUT, (uint32_t)(uintptr_t)line, 0xFFFFFFF0u);
    else if (strcmp(line, "write0-ptr") == 0)
        r = ts_sh_call(SYS_WRITE0, (const void *)BAD_ADDRESS);
    else if (strcmp(line, "block-ptr") == 0)
        r = ts_sh_call(SYS_WRITE, (const void *)BAD_ADDRESS);
    else if (strcmp(line, "open-long") == 0)
        r = sh(SYS_OPEN, (uint32_t)(uintptr_t)line, 0, 5000);
    else if (strcmp(line, "open-end") == 0)
        r = sh(SYS_OPEN, ram_end - 64, 0, 128);
    else if (strcmp(line, "read-flash") == 0)
        r = sh(SYS_READ, TS_SH_STDIN, (uint32_t)(uintptr_t)__flash_start__, 16);
    else if (strcmp(line, "read-ptr") == 0)
        r = sh(SYS_READ, TS_SH_STDIN, BAD_ADDRESS, 16);
    else if (strcmp(line, "elapsed-flash") == 0)
        r = ts_sh_call(SYS_ELAPSED, __flash_start__);
    else if (strcmp(line, "unknown-op") == 0)
        r = ts_sh_call(0x99u, line);
    else if (strncmp(line, "open ", 5) == 0)
        return open_file(line + 5, 0 /* "r" */);
    else if (strncmp(line, "openw ", 6) == 0)
        return open_file(line + 6, 4 /* "w" */);
    else if (strncmp(line, "flood ", 6) == 0 && (r = (uint32_t)flood(line + 6)) != 2)
        return (int)r;
    else {
        printf("shbad: give one of write-ptr write-wrap write0-ptr block-ptr open-long open-end "
               "read-flash read-ptr elapsed-flash unknown-op, open NAME, openw NAME or "
               "flood clock|write|read N [NAME], on stdin\n");
        return 2;
    }
    printf("shbad: the call returned 0x%08lx instead of stopping the run\n", (unsigned long)r);
    return 3;
}
