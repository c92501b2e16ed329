/*
 * The system calls newlib-nano needs, over semihosting. File descriptors 0, 1 and 2 are the
 * semihosting handles 0, 1 and 2 directly (the simulator, like OpenOCD, has them open from the
 * start; no SYS_OPEN of ":tt"). There is no file system: other descriptors fail with EBADF.
 * The heap is the linker script's fixed [__heap_start__, __heap_end__).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/layout.h"
#include "common/semihost.h"

/* newlib declares these only while it is being compiled itself. */
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _getpid(void);
int _isatty(int fd);
int _kill(int pid, int sig);
off_t _lseek(int fd, off_t offset, int whence);
ssize_t _read(int fd, void *buf, size_t len);
void *_sbrk(ptrdiff_t incr);
ssize_t _write(int fd, const void *buf, size_t len);

static int is_console(int fd)
{
    return fd >= 0 && fd <= 2;
}

ssize_t _write(int fd, const void *buf, size_t len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    return (ssize_t)ts_sh_write(fd == 1 ? TS_SH_STDOUT : TS_SH_STDERR, buf, (uint32_t)len);
}

ssize_t _read(int fd, void *buf, size_t len)
{
    if (fd != 0) {
        errno = EBADF;
        return -1;
    }
    return (ssize_t)ts_sh_read(TS_SH_STDIN, buf, (uint32_t)len);
}

int _close(int fd)
{
    if (is_console(fd))
        return 0;
    errno = EBADF;
    return -1;
}

/* The console cannot seek. */
off_t _lseek(int fd, off_t offset, int whence)
{
    (void)offset;
    (void)whence;
    errno = is_console(fd) ? ESPIPE : EBADF;
    return -1;
}

/* The console is a character device: newlib then line-buffers stdout. */
int _fstat(int fd, struct stat *st)
{
    if (!is_console(fd)) {
        errno = EBADF;
        return -1;
    }
    *st = (struct stat){0};
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    if (is_console(fd))
        return 1;
    errno = EBADF;
    return 0;
}

/* Grow the heap by incr bytes inside [__heap_start__, __heap_end__); -1 and ENOMEM when
 * the request does not fit. */
void *_sbrk(ptrdiff_t incr)
{
    static uintptr_t brk;
    uintptr_t lo = (uintptr_t)__heap_start__, hi = (uintptr_t)__heap_end__;
    if (brk == 0)
        brk = lo;
    if ((incr > 0 && (uintptr_t)incr > hi - brk) || (incr < 0 && (uintptr_t)-incr > brk - lo)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    uintptr_t prev = brk;
    brk += (uintptr_t)incr;
    return (void *)prev;
}

void _exit(int status)
{
    ts_sh_exit(status);
}

int _getpid(void)
{
    return 1;
}

/* A signal to ourselves ends the program as a shell reports it: status 128 + signal
 * (abort() exits with 134). Signal 0 only probes that the process exists. */
int _kill(int pid, int sig)
{
    if (pid != 1) {
        errno = ESRCH;
        return -1;
    }
    if (sig == 0)
        return 0;
    ts_sh_exit(128 + sig);
}
