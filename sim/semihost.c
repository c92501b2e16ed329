/*
 * Arm semihosting (BKPT 0xAB; operation in r0, parameter block address in r1, result in r0):
 * console, files under the one directory the user allows, time, heap information and exit.
 * Every pointer and length the firmware passes is checked against target memory (every byte;
 * a buffer the host fills must be in RAM, as flash is read-only while the firmware runs); a
 * call the simulator cannot honour stops the run with a message instead of being ignored.
 *
 * Handles 0, 1, 2 are stdin, stdout and stderr from the start; SYS_OPEN of ":tt" returns them
 * by mode (read -> 0, write -> 1, append -> 2). Files get handles 3 and up.
 * SYS_CLOCK, SYS_ELAPSED and SYS_TIME count modelled time (cycles at the board clock), so a
 * run is reproducible; SYS_TIME adds it to the wall clock at reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "models/util.h"
#include "sim/sim_int.h"

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
    SYS_READ = 0x06, SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A,
    SYS_FLEN = 0x0C, SYS_TMPNAM = 0x0D, SYS_REMOVE = 0x0E, SYS_RENAME = 0x0F, SYS_CLOCK = 0x10,
    SYS_TIME = 0x11, SYS_SYSTEM = 0x12, SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16, SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31
};

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define SH_MAX_LEN (16u << 20) /* largest single read/write the simulator accepts */
#define SH_MAX_NAME 1024

static const char *op_name(uint32_t op)
{
    switch (op) {
    case SYS_OPEN: return "SYS_OPEN";
    case SYS_CLOSE: return "SYS_CLOSE";
    case SYS_WRITEC: return "SYS_WRITEC";
    case SYS_WRITE0: return "SYS_WRITE0";
    case SYS_WRITE: return "SYS_WRITE";
    case SYS_READ: return "SYS_READ";
    case SYS_READC: return "SYS_READC";
    case SYS_ISERROR: return "SYS_ISERROR";
    case SYS_ISTTY: return "SYS_ISTTY";
    case SYS_SEEK: return "SYS_SEEK";
    case SYS_FLEN: return "SYS_FLEN";
    case SYS_TMPNAM: return "SYS_TMPNAM";
    case SYS_REMOVE: return "SYS_REMOVE";
    case SYS_RENAME: return "SYS_RENAME";
    case SYS_CLOCK: return "SYS_CLOCK";
    case SYS_TIME: return "SYS_TIME";
    case SYS_SYSTEM: return "SYS_SYSTEM";
    case SYS_ERRNO: return "SYS_ERRNO";
    case SYS_GET_CMDLINE: return "SYS_GET_CMDLINE";
    case SYS_HEAPINFO: return "SYS_HEAPINFO";
    case SYS_EXIT: return "SYS_EXIT";
    case SYS_EXIT_EXTENDED: return "SYS_EXIT_EXTENDED";
    case SYS_ELAPSED: return "SYS_ELAPSED";
    case SYS_TICKFREQ: return "SYS_TICKFREQ";
    default: return "unknown";
    }
}

/* ------------------------------------------------------------------ journal */

/*
 * The journal is full (or out of host memory): stop journaling for the rest of this run, and
 * say once that a fault will now be located to its block only (locate_fault in run.c skips
 * the re-run when journal_full is set).
 */
static void journal_stop(sim *s, const char *why)
{
    s->journal_full = 1;
    sim_warn(s, "semihosting: the replay journal is full after %u calls (%s): a later memory "
                "fault is reported at the start of its block, not at the exact instruction",
             s->n_journal, why);
}

/*
 * Record what a call returned and the bytes it wrote into target memory, for a fault-locating
 * re-run. Bounded: at most SIM_JOURNAL_MAX_ENTRIES calls and SIM_JOURNAL_MAX bytes of data,
 * whatever the firmware does; beyond either, journaling stops (journal_stop).
 */
static void journal_add(sim *s, uint32_t op, uint32_t r0, uint32_t addr, const void *data,
                        uint32_t len)
{
    char why[64];
    if (s->replaying || s->journal_full)
        return;
    if (s->n_journal >= SIM_JOURNAL_MAX_ENTRIES) {
        snprintf(why, sizeof why, "it keeps at most %u calls", SIM_JOURNAL_MAX_ENTRIES);
        journal_stop(s, why);
        return;
    }
    if (len > SIM_JOURNAL_MAX - s->jdata_len) {
        snprintf(why, sizeof why, "it keeps at most %u MiB of the data calls return",
                 SIM_JOURNAL_MAX >> 20);
        journal_stop(s, why);
        return;
    }
    if (s->n_journal == s->cap_journal) {
        uint32_t cap = s->cap_journal ? s->cap_journal * 2 : 64;
        if (cap > SIM_JOURNAL_MAX_ENTRIES)
            cap = SIM_JOURNAL_MAX_ENTRIES;
        sim_jent *t = realloc(s->journal, cap * sizeof *t);
        if (!t) {
            journal_stop(s, "out of host memory");
            return;
        }
        s->journal = t;
        s->cap_journal = cap;
    }
    if (s->jdata_len + len > s->jdata_cap) {
        uint32_t cap = s->jdata_cap ? s->jdata_cap : 4096;
        while (cap < s->jdata_len + len)
            cap *= 2; /* a power of two up to SIM_JOURNAL_MAX, itself one: no overflow */
        uint8_t *t = realloc(s->jdata, cap);
        if (!t) {
            journal_stop(s, "out of host memory");
            return;
        }
        s->jdata = t;
        s->jdata_cap = cap;
    }
    sim_jent *j = &s->journal[s->n_journal++];
    j->op = op;
    j->r0 = r0;
    j->addr = addr;
    j->len = len;
    j->data_off = s->jdata_len;
    if (len)
        memcpy(s->jdata + s->jdata_len, data, len);
    s->jdata_len += len;
}

/* ------------------------------------------------------------------ helpers */

static void ret(sim *s, uint32_t v)
{
    sim_set_reg(s, UC_ARM_REG_R0, v);
}

/*
 * Why the firmware's buffer [addr, addr+len) cannot be read by the host (write 0), or
 * written into (write 1): into why, returning -1; 0 when it can. Every byte must be in the
 * board's memory (regions may be adjacent), and, for a write, in RAM: flash is read-only
 * while the firmware runs, for the host's writes as for the firmware's stores.
 */
static int span_problem(const sim *s, uint32_t addr, uint32_t len, int write, char *why,
                        size_t n)
{
    if (len > SH_MAX_LEN) {
        if (addr + (len - 1) < addr)
            snprintf(why, n, "0x%08x + 0x%x bytes wraps past the end of the 4 GiB address space",
                     addr, len);
        else
            snprintf(why, n, "%u bytes is more than the %u MiB the simulator moves in one call",
                     len, SH_MAX_LEN >> 20);
        return -1;
    }
    if (len && addr + (len - 1) < addr) {
        snprintf(why, n, "0x%08x + 0x%x bytes wraps past the end of the 4 GiB address space",
                 addr, len);
        return -1;
    }
    uint32_t a = addr, left = len;
    while (left) {
        const sim_mem *m = NULL;
        uint32_t off = 0;
        for (uint32_t i = 0; i < s->n_mem && !m; i++) {
            const sim_mem *c = &s->mem[i];
            if (a - c->base < c->size)
                m = c, off = a - c->base;
            else if (c->has_alias && a - c->alias < c->size)
                m = c, off = a - c->alias;
        }
        if (!m) {
            if (a == addr)
                snprintf(why, n, "0x%08x is outside the board's memory", a);
            else
                snprintf(why, n, "it runs past the end of memory at 0x%08x", a);
            return -1;
        }
        if (write && m->flash) {
            snprintf(why, n, "0x%08x is in flash, which is read-only while the firmware runs", a);
            return -1;
        }
        uint32_t k = m->size - off < left ? m->size - off : left;
        a += k;
        left -= k;
    }
    return 0;
}

/* Read n words of the parameter block; a bad block stops the run. */
static int args(sim *s, uint32_t op, uint32_t blk, uint32_t *w, uint32_t n)
{
    char why[160];
    if (span_problem(s, blk, n * 4, 0, why, sizeof why) == 0 &&
        sim_read_target(s, blk, w, n * 4) == 0)
        return 0;
    sim_fault(s, SIM_FAULT_SEMIHOST, blk,
              "semihosting %s: parameter block at 0x%08x is outside memory", op_name(op), blk);
    return -1;
}

/* Check the firmware's buffer for a call that reads (write 0) or fills (write 1) it; a bad
 * one stops the run with the reason. */
static int check_buffer(sim *s, uint32_t op, uint32_t addr, uint32_t len, int write)
{
    char why[160];
    if (span_problem(s, addr, len, write, why, sizeof why) == 0)
        return 0;
    sim_fault(s, SIM_FAULT_SEMIHOST, addr, "semihosting %s: buffer 0x%08x (%u bytes) refused: %s",
              op_name(op), addr, len, why);
    return -1;
}

static int host_fd(sim *s, uint32_t h)
{
    if (h >= 3 && h - 3 < SIM_MAX_FILES)
        return s->files[h - 3];
    return -1;
}

/* "a FIFO (named pipe)" for a file type other than a regular file. */
static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO (named pipe)"
         : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISSOCK(m) ? "a socket" : S_ISLNK(m) ? "a symbolic link" : "not a regular file";
}

/* The open of name was refused because comp (its last component, or a directory on the
 * way) is not a regular file: say so. */
static void refuse_kind(sim *s, const char *name, const char *comp, mode_t m)
{
    sim_warn(s, "semihosting SYS_OPEN of '%s' refused: '%s' is %s; only regular files inside "
                "%s are opened (so that an open can never block the run)",
             name, comp, file_kind(m), s->cfg.file_root);
}

/* After a failed openat of comp in dir (O_NOFOLLOW, O_NONBLOCK): when comp is a symbolic
 * link, a FIFO, a socket or a device, say that this is why the open of name was refused. */
static void refuse_symlink(sim *s, int dir, const char *comp, const char *name)
{
    struct stat st;
    if (fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return;
    if (S_ISLNK(st.st_mode))
        sim_warn(s, "semihosting SYS_OPEN of '%s' refused: '%s' is a symbolic link, and links "
                    "are not followed inside %s (they could lead outside it)",
                 name, comp, s->cfg.file_root);
    else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        refuse_kind(s, name, comp, st.st_mode);
}

/*
 * Open name (relative, no "..", inside file_root) for a semihosting mode 0..11. Only regular
 * files: every component is opened with O_NOFOLLOW and O_NONBLOCK (a FIFO would otherwise
 * block the open, and the whole run with it, beyond the reach of --timeout), the file is
 * checked with fstat, and O_NONBLOCK is then cleared. Directories, FIFOs, sockets and
 * devices are refused with a warning.
 */
static uint32_t sh_open(sim *s, const char *name, uint32_t mode)
{
    static const int flags[12] = {
        O_RDONLY, O_RDONLY, O_RDWR, O_RDWR,
        O_WRONLY | O_CREAT | O_TRUNC, O_WRONLY | O_CREAT | O_TRUNC,
        O_RDWR | O_CREAT | O_TRUNC, O_RDWR | O_CREAT | O_TRUNC,
        O_WRONLY | O_CREAT | O_APPEND, O_WRONLY | O_CREAT | O_APPEND,
        O_RDWR | O_CREAT | O_APPEND, O_RDWR | O_CREAT | O_APPEND};
    if (strcmp(name, ":tt") == 0)
        return mode < 4 ? 0 : mode < 8 ? 1 : 2;
    if (mode > 11) {
        s->sh_errno = EINVAL;
        return UINT32_MAX;
    }
    if (!s->cfg.file_root) {
        sim_warn(s, "semihosting SYS_OPEN of '%s' refused: file access is off (allow a directory "
                    "with --semihost-dir DIR)",
                 name);
        s->sh_errno = EACCES;
        return UINT32_MAX;
    }
    /* Only plain relative paths below the root: no absolute paths, no "..", no symlinks. */
    int ok = name[0] != '/' && name[0] != 0;
    for (const char *p = name; ok && *p; p++)
        if (p[0] == '.' && p[1] == '.' && (p == name || p[-1] == '/') && (p[2] == 0 || p[2] == '/'))
            ok = 0;
    if (!ok) {
        sim_warn(s, "semihosting SYS_OPEN of '%s' refused: only paths inside %s are allowed",
                 name, s->cfg.file_root);
        s->sh_errno = EACCES;
        return UINT32_MAX;
    }
    int slot = -1;
    for (int i = 0; i < SIM_MAX_FILES; i++)
        if (s->files[i] < 0) {
            slot = i;
            break;
        }
    if (slot < 0) {
        s->sh_errno = EMFILE;
        return UINT32_MAX;
    }
    int dir = open(s->cfg.file_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        s->sh_errno = (uint32_t)errno;
        return UINT32_MAX;
    }
    /* Walk the components with O_NOFOLLOW so a symlink cannot lead outside the root. */
    char buf[SH_MAX_NAME + 1];
    snprintf(buf, sizeof buf, "%s", name);
    char *comp = buf, *slash;
    int fd = -1;
    while ((slash = strchr(comp, '/')) != NULL) {
        *slash = 0;
        int next = *comp ? openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK |
                                                 O_CLOEXEC)
                         : dup(dir);
        if (next < 0) {
            s->sh_errno = (uint32_t)errno;
            refuse_symlink(s, dir, comp, name);
            close(dir);
            return UINT32_MAX;
        }
        close(dir);
        dir = next;
        comp = slash + 1;
    }
    fd = openat(dir, comp, flags[mode] | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
        s->sh_errno = (uint32_t)errno;
        refuse_symlink(s, dir, comp, name);
    }
    close(dir);
    if (fd < 0)
        return UINT32_MAX;
    struct stat st;
    int fl;
    if (fstat(fd, &st) != 0) {
        s->sh_errno = (uint32_t)errno;
        close(fd);
        return UINT32_MAX;
    }
    if (!S_ISREG(st.st_mode)) {
        refuse_kind(s, name, comp, st.st_mode);
        s->sh_errno = S_ISDIR(st.st_mode) ? EISDIR : EACCES;
        close(fd);
        return UINT32_MAX;
    }
    if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        s->sh_errno = (uint32_t)errno;
        close(fd);
        return UINT32_MAX;
    }
    s->files[slot] = fd;
    return (uint32_t)slot + 3;
}

/* ------------------------------------------------------------------ the call */

void sim_semihost(sim *s)
{
    uint32_t op = sim_reg(s, UC_ARM_REG_R0), p = sim_reg(s, UC_ARM_REG_R1), w[4], r = 0;
    s->semihost_calls++;

    /* Exit and console output run in replay too (no output is printed then); everything
     * that reads the outside world is answered from the journal. */
    if (s->replaying && op != SYS_EXIT && op != SYS_EXIT_EXTENDED && op != SYS_WRITEC &&
        op != SYS_WRITE0) {
        if (s->replay_pos >= s->n_journal) {
            sim_fault(s, SIM_FAULT_SEMIHOST, 0, "replay diverged from the first run");
            return;
        }
        const sim_jent *j = &s->journal[s->replay_pos++];
        if (j->len)
            sim_write_target(s, j->addr, s->jdata + j->data_off, j->len);
        ret(s, j->r0);
        return;
    }

    switch (op) {
    case SYS_WRITEC: {
        uint8_t c;
        if (check_buffer(s, op, p, 1, 0) < 0 || sim_read_target(s, p, &c, 1) < 0)
            return;
        sim_console(s, &c, 1);
        return; /* r0 is corrupted per the spec: leave it */
    }
    case SYS_WRITE0: {
        char buf[256];
        for (uint32_t done = 0;; done += sizeof buf) {
            if (done >= SH_MAX_LEN) {
                sim_fault(s, SIM_FAULT_SEMIHOST, p,
                          "semihosting SYS_WRITE0: the string at 0x%08x has no NUL in its first "
                          "%u MiB",
                          p, SH_MAX_LEN >> 20);
                return;
            }
            uint32_t n = 0;
            while (n < sizeof buf && sim_read_target(s, p + done + n, &buf[n], 1) == 0 && buf[n])
                n++;
            if (n < sizeof buf && sim_read_target(s, p + done + n, &buf[n], 1) < 0) {
                uint32_t end = p + done + n;
                if (end == p)
                    sim_fault(s, SIM_FAULT_SEMIHOST, p,
                              "semihosting SYS_WRITE0: the string at 0x%08x is outside the "
                              "board's memory",
                              p);
                else
                    sim_fault(s, SIM_FAULT_SEMIHOST, p,
                              "semihosting SYS_WRITE0: the string at 0x%08x runs past the end of "
                              "memory at 0x%08x without a terminating NUL",
                              p, end);
                return;
            }
            sim_console(s, buf, n);
            if (n < sizeof buf)
                return;
        }
    }
    case SYS_WRITE: {
        if (args(s, op, p, w, 3) < 0 || check_buffer(s, op, w[1], w[2], 0) < 0)
            return;
        uint8_t *buf = malloc(w[2] ? w[2] : 1);
        if (!buf || sim_read_target(s, w[1], buf, w[2]) < 0) {
            free(buf);
            sim_fault(s, SIM_FAULT_SEMIHOST, w[1], "semihosting SYS_WRITE: out of host memory "
                                                   "for %u bytes", w[2]);
            return;
        }
        if (w[0] == 1 || w[0] == 2) {
            sim_console(s, buf, w[2]);
            r = 0;
        } else if (host_fd(s, w[0]) >= 0) {
            ssize_t n = write(host_fd(s, w[0]), buf, w[2]);
            if (n < 0)
                s->sh_errno = (uint32_t)errno;
            r = n < 0 ? w[2] : w[2] - (uint32_t)n;
        } else {
            s->sh_errno = EBADF;
            r = w[2];
        }
        free(buf);
        break;
    }
    case SYS_READ: {
        /* Check the whole destination (in RAM, every byte) before reading anything. */
        if (args(s, op, p, w, 3) < 0 || check_buffer(s, op, w[1], w[2], 1) < 0)
            return;
        uint8_t *buf = malloc(w[2] ? w[2] : 1);
        if (!buf) {
            sim_fault(s, SIM_FAULT_SEMIHOST, w[1], "semihosting SYS_READ: out of host memory "
                                                   "for %u bytes", w[2]);
            return;
        }
        ssize_t n = 0;
        if (w[0] == 0) {
            if (s->cfg.console_in && w[2]) {
                /* One line at most, as a terminal read returns. */
                int c;
                while ((uint32_t)n < w[2] && (c = fgetc(s->cfg.console_in)) != EOF) {
                    buf[n++] = (uint8_t)c;
                    if (c == '\n')
                        break;
                }
            }
        } else if (host_fd(s, w[0]) >= 0) {
            n = read(host_fd(s, w[0]), buf, w[2]);
            if (n < 0) {
                s->sh_errno = (uint32_t)errno;
                n = 0;
            }
        } else {
            s->sh_errno = EBADF;
            n = -1;
        }
        if (n >= 0 && sim_write_target(s, w[1], buf, (uint32_t)n) < 0)
            n = -1;
        r = n < 0 ? w[2] : w[2] - (uint32_t)n;
        journal_add(s, op, r, w[1], buf, n > 0 ? (uint32_t)n : 0);
        free(buf);
        ret(s, r);
        return;
    }
    case SYS_READC: {
        int c = s->cfg.console_in ? fgetc(s->cfg.console_in) : EOF;
        r = c == EOF ? UINT32_MAX : (uint32_t)c;
        break;
    }
    case SYS_OPEN: {
        char name[SH_MAX_NAME + 1];
        if (args(s, op, p, w, 3) < 0)
            return;
        if (w[2] > SH_MAX_NAME) {
            sim_fault(s, SIM_FAULT_SEMIHOST, w[0],
                      "semihosting SYS_OPEN: file name at 0x%08x is %u bytes long, more than the "
                      "%d the simulator accepts",
                      w[0], w[2], SH_MAX_NAME);
            return;
        }
        char why[160];
        if (span_problem(s, w[0], w[2], 0, why, sizeof why) < 0 ||
            sim_read_target(s, w[0], name, w[2]) < 0) {
            sim_fault(s, SIM_FAULT_SEMIHOST, w[0],
                      "semihosting SYS_OPEN: file name at 0x%08x (%u bytes) refused: %s", w[0],
                      w[2], why);
            return;
        }
        name[w[2]] = 0;
        if (strlen(name) != w[2]) {
            s->sh_errno = EINVAL;
            r = UINT32_MAX;
            break;
        }
        r = sh_open(s, name, w[1]);
        break;
    }
    case SYS_CLOSE:
        if (args(s, op, p, w, 1) < 0)
            return;
        if (w[0] <= 2) {
            r = 0;
        } else if (host_fd(s, w[0]) >= 0) {
            close(s->files[w[0] - 3]);
            s->files[w[0] - 3] = -1;
            r = 0;
        } else {
            s->sh_errno = EBADF;
            r = UINT32_MAX;
        }
        break;
    case SYS_ISTTY:
        if (args(s, op, p, w, 1) < 0)
            return;
        r = w[0] <= 2;
        break;
    case SYS_ISERROR:
        if (args(s, op, p, w, 1) < 0)
            return;
        r = (int32_t)w[0] < 0;
        break;
    case SYS_SEEK:
        if (args(s, op, p, w, 2) < 0)
            return;
        r = host_fd(s, w[0]) >= 0 && lseek(host_fd(s, w[0]), (off_t)w[1], SEEK_SET) >= 0
                ? 0
                : UINT32_MAX;
        break;
    case SYS_FLEN: {
        struct stat st;
        if (args(s, op, p, w, 1) < 0)
            return;
        r = host_fd(s, w[0]) >= 0 && fstat(host_fd(s, w[0]), &st) == 0 && st.st_size <= INT32_MAX
                ? (uint32_t)st.st_size
                : UINT32_MAX;
        break;
    }
    case SYS_CLOCK: /* centiseconds of modelled time */
        r = (uint32_t)(s->cycles * 100 / s->board->clock_hz);
        break;
    case SYS_TIME:
        r = (uint32_t)(s->time0 + (time_t)(s->cycles / s->board->clock_hz));
        break;
    case SYS_ELAPSED: {
        uint32_t t[2] = {(uint32_t)s->cycles, (uint32_t)(s->cycles >> 32)};
        if (check_buffer(s, op, p, 8, 1) < 0 || sim_write_target(s, p, t, 8) < 0)
            return;
        journal_add(s, op, 0, p, t, 8);
        ret(s, 0);
        return;
    }
    case SYS_TICKFREQ:
        r = s->board->clock_hz;
        break;
    case SYS_ERRNO:
        r = s->sh_errno;
        break;
    case SYS_GET_CMDLINE: {
        const char *name = s->elf && s->elf->path ? s->elf->path : "firmware";
        if (args(s, op, p, w, 2) < 0)
            return;
        uint32_t n = (uint32_t)strlen(name);
        if (n + 1 > w[1]) {
            r = UINT32_MAX;
            break;
        }
        if (check_buffer(s, op, w[0], n + 1, 1) < 0 || sim_write_target(s, w[0], name, n + 1) < 0)
            return;
        journal_add(s, op, 0, w[0], name, n + 1);
        ret(s, 0);
        return;
    }
    case SYS_HEAPINFO: {
        /* r1 points at a word holding the address of a 4-word block: heap base and limit,
         * stack base (top) and limit, from the linker script's symbols where present. */
        static const char *const names[4] = {"__heap_start__", "__heap_end__", "__stack_top__",
                                             "__stack_limit__"};
        uint32_t blk, info[4] = {0, 0, 0, 0};
        if (args(s, op, p, &blk, 1) < 0)
            return;
        for (int i = 0; i < 4; i++) {
            const sim_symbol *sym = s->elf ? sim_elf_symbol(s->elf, names[i]) : NULL;
            info[i] = sym ? sym->addr : 0;
        }
        if (check_buffer(s, op, blk, 16, 1) < 0 || sim_write_target(s, blk, info, 16) < 0)
            return;
        journal_add(s, op, 0, blk, info, 16);
        ret(s, 0);
        return;
    }
    case SYS_EXIT:
        /* 32-bit: r1 is the reason code itself. */
        s->stop.exit_status = p == ADP_STOPPED_APPLICATION_EXIT ? 0 : 1;
        if (p != ADP_STOPPED_APPLICATION_EXIT)
            snprintf(s->stop.message, sizeof s->stop.message,
                     "SYS_EXIT with reason 0x%x (not ADP_Stopped_ApplicationExit)", p);
        sim_stop_now(s, SIM_STOP_EXIT);
        return;
    case SYS_EXIT_EXTENDED:
        if (args(s, op, p, w, 2) < 0)
            return;
        s->stop.exit_status = w[0] == ADP_STOPPED_APPLICATION_EXIT ? (int32_t)w[1] : 1;
        if (w[0] != ADP_STOPPED_APPLICATION_EXIT)
            snprintf(s->stop.message, sizeof s->stop.message,
                     "SYS_EXIT_EXTENDED with reason 0x%x (not ADP_Stopped_ApplicationExit)",
                     w[0]);
        sim_stop_now(s, SIM_STOP_EXIT);
        return;
    case SYS_TMPNAM:
    case SYS_REMOVE:
    case SYS_RENAME:
    case SYS_SYSTEM:
        sim_warn(s, "semihosting %s (0x%02x) is not supported: it returns -1", op_name(op), op);
        s->sh_errno = ENOSYS;
        r = UINT32_MAX;
        break;
    default:
        sim_fault(s, SIM_FAULT_SEMIHOST, 0,
                  "unknown semihosting operation 0x%x (r1=0x%08x); see the README for the "
                  "supported SYS_* calls",
                  op, p);
        return;
    }
    journal_add(s, op, r, 0, NULL, 0);
    ret(s, r);
}

void sim_semihost_reset(sim *s)
{
    for (int i = 0; i < SIM_MAX_FILES; i++) {
        if (s->files[i] >= 0 && !s->replaying)
            close(s->files[i]);
        if (!s->replaying)
            s->files[i] = -1;
    }
    s->sh_errno = 0;
    if (!s->replaying) {
        s->time0 = time(NULL);
        s->n_journal = 0;
        s->jdata_len = 0;
        s->journal_full = 0;
    }
    s->replay_pos = 0;
}

void sim_semihost_free(sim *s)
{
    for (int i = 0; i < SIM_MAX_FILES; i++)
        if (s->files[i] >= 0)
            close(s->files[i]);
    free(s->journal);
    free(s->jdata);
}
