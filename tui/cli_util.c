/*
 * What the commands share besides the table (in libcli.a, as check.c and session.c use it
 * while main.c is not there): number formatting, the firmware's console stream and the
 * ordering of messages on stderr after it, and the signal handling of the whole program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../models/outfile.h"
#include "cli.h"

/* ===================================================================== standard output */

/*
 * stdout into a file or pipe: a stream with a 64 KiB buffer over write(2) on descriptor 1 that
 * keeps the errno of the first failed write (stdio forgets it: a failed flush drops the
 * buffer, so the next flush succeeds). After a failure nothing more is written (no partial
 * output after a gap), and the stream's error flag stays set. A terminal keeps the usual stdout.
 */
static int stdout_errno;

static ssize_t stdout_write(void *cookie, const char *buf, size_t n)
{
    size_t done = 0;
    (void)cookie;
    if (stdout_errno)
        return -1;
    while (done < n) {
        ssize_t w = write(STDOUT_FILENO, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            stdout_errno = w < 0 ? errno : EIO;
            return -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)n;
}

void cli_stdout_init(void)
{
    if (isatty(STDOUT_FILENO))
        return;
    cookie_io_functions_t io = {NULL, stdout_write, NULL, NULL};
    static char buf[1u << 16]; /* setvbuf ignores the size without a buffer */
    FILE *f = fopencookie(NULL, "w", io);
    if (!f)
        return;
    setvbuf(f, buf, _IOFBF, sizeof buf); /* the console can be megabytes: few large writes */
    stdout = f;
}

int cli_stdout_errno(void)
{
    return stdout_errno;
}

/* ===================================================================== console and stderr */

/*
 * The console streams over stdout and stderr: each remembers whether the last byte it passed
 * on ended a line. Over stdout it is unbuffered and writes into stdout's own buffer (so it
 * keeps its order with everything else printed there, and is not flushed per write); over
 * stderr, which stdio does not buffer, it has a buffer of its own (a line on a terminal).
 * Write errors stay on the target stream (stdout's are reported at exit).
 */
typedef struct {
    FILE *to;
    int bol; /* the last byte passed on was '\n' (or nothing was) */
} console;

static console consoles[2];
static FILE *console_f[2];

static ssize_t console_write(void *cookie, const char *buf, size_t n)
{
    console *c = cookie;
    if (n) {
        fwrite(buf, 1, n, c->to);
        c->bol = buf[n - 1] == '\n';
    }
    return (ssize_t)n;
}

FILE *cli_console(FILE *to)
{
    int i = to == stderr;
    if (to != stdout && to != stderr)
        return to;
    if (!console_f[i]) {
        cookie_io_functions_t io = {NULL, console_write, NULL, NULL};
        consoles[i].to = to;
        consoles[i].bol = 1;
        FILE *f = fopencookie(&consoles[i], "w", io);
        if (!f)
            return to;
        static char buf[1u << 16];
        if (to == stderr)
            setvbuf(f, buf, isatty(STDERR_FILENO) ? _IOLBF : _IOFBF, sizeof buf);
        else
            setvbuf(f, NULL, _IONBF, 0);
        console_f[i] = f;
    }
    return console_f[i];
}

void cli_console_flush(void)
{
    for (int i = 0; i < 2; i++)
        if (console_f[i])
            fflush(console_f[i]);
}

/* Whether `to` and stderr write into the same file (2>&1, or one terminal). */
static int shares_stderr(FILE *to)
{
    struct stat a, b;
    if (to == stderr)
        return 1;
    return fstat(STDOUT_FILENO, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void cli_stderr_begin(void)
{
    cli_console_flush();
    fflush(stdout);
    for (int i = 0; i < 2; i++) {
        if (console_f[i] && !consoles[i].bol && shares_stderr(consoles[i].to)) {
            fputc('\n', stderr); /* the firmware's line is left open: the message gets its own */
            consoles[i].bol = 1;
        }
    }
}

/* ===================================================================== signals */

static const int sig_list[3] = {SIGINT, SIGTERM, SIGHUP};
static int sig_ignored[3];            /* ignored when tinysim started: left ignored */
static struct sigaction sig_saved[3]; /* what cli_signals_run replaced */
static sim *volatile sig_sim;         /* the run a signal stops */
static volatile sig_atomic_t sig_pending, sig_catching, sig_second_kills = 1;

/*
 * A second Ctrl-C while a run is stopping ends tinysim at once (a firmware blocked reading
 * the console keeps the run from reaching its next block). Only SIGINT: a SIGTERM often comes
 * twice (timeout(1) sends it to the command and to its process group), and must still let
 * the reports be written.
 */
static void on_signal(int sig)
{
    if (sig_sim && !(sig == SIGINT && sig_pending == SIGINT && sig_second_kills)) {
        if (!sig_pending)
            sig_pending = sig;
        sim_interrupt(sig_sim);
        return;
    }
    if (!sig_sim && sig_catching) {
        if (!sig_pending)
            sig_pending = sig;
        return;
    }
    /* End as the signal would, leaving no temporary output behind. */
    mo_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void sig_install(struct sigaction *old)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* an interrupted write is resumed, not an error */
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++)
        if (!sig_ignored[i])
            sigaction(sig_list[i], &sa, old ? &old[i] : NULL);
}

void cli_signals_init(void)
{
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error (EPIPE), reported at exit */
    signal(SIGXFSZ, SIG_IGN); /* a file-size limit is a write error (EFBIG) */
    for (int i = 0; i < 3; i++) {
        struct sigaction old;
        sig_ignored[i] = sigaction(sig_list[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN;
    }
    sig_install(NULL);
}

void cli_signals_catch(int on)
{
    sig_catching = on;
}

void cli_signals_second_kills(int on)
{
    sig_second_kills = on;
}

void cli_signals_run(sim *s)
{
    if (s) {
        sig_install(sig_saved); /* the TUI's prompt has a SIGINT handler of its own */
        sig_sim = s;
        if (sig_pending) /* came while the run was being prepared */
            sim_interrupt(s);
    } else {
        sig_sim = NULL;
        for (int i = 0; i < 3; i++)
            if (!sig_ignored[i])
                sigaction(sig_list[i], &sig_saved[i], NULL);
    }
}

int cli_signal_pending(void)
{
    return sig_pending;
}

void cli_signal_clear(void)
{
    sig_pending = 0;
}

const char *cli_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT (Ctrl-C)" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP"
                                                                                       : "a signal";
}
