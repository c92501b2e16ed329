/*
 * The GDB remote serial protocol (gdb's "Remote Protocol" appendix) over a session: one
 * debugger, all-stop, one thread. What it answers:
 *
 *   ?  g G p P  m M  c s vCont  Z0-Z2 z0-z2  qSupported qXfer:features:read qRcmd (monitor)
 *   qAttached qC qfThreadInfo qsThreadInfo H T  D k vKill  QStartNoAckMode  vMustReplyEmpty
 *
 * and "" (not supported) to everything else, which gdb takes in its stride (X: it falls back
 * to M; Z3/Z4, read and access watchpoints: it says the target cannot). Registers, in the
 * target description's order: r0-r12, sp, lr, pc, xpsr (0-16), and with an FPU d0-d15 and
 * fpscr (17-33). Breakpoints of both kinds are the simulator's (no BKPT is written into the
 * firmware); a write watchpoint is the session's watch: it stops when the bytes change.
 *
 * The figures stay those of an undisturbed run: a stop is a breakpoint's, a step's or a
 * Ctrl-C's, which the session already makes exact; reading registers and memory changes
 * nothing; only gdb's own writes (M, G, P, and `monitor set`) change the run, as the user
 * asked.
 *
 * Ctrl-C: while the firmware runs, a second thread watches the socket; the 0x03 gdb sends
 * interrupts the simulator (sim_interrupt, as a SIGINT does), which stops before its next
 * block.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "models/util.h"
#include "tui/gdbserver.h"
#include "tui/session_int.h"

#define PKT_MAX 4096 /* our PacketSize: gdb never sends more */
#define MEM_MAX 1024 /* bytes per m reply (hex doubles it) */

typedef struct {
    session *ss;
    int fd;
    int noack;
    int fpu;
    int ended;        /* 1 after D, 3 after k or vKill; 2 when gdb went away */
    int reported_end; /* W or X sent: the program is gone for gdb */
    uint8_t buf[PKT_MAX * 2];
    size_t n;         /* bytes in buf */
    FILE *log;
} gsrv;

static const char hexd[] = "0123456789abcdef";

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* ===================================================================== the wire */

static int send_all(gsrv *g, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(g->fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            g->ended = 2;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One more byte from gdb (blocking): 0..255, or -1 when it went away. */
static int get_byte(gsrv *g)
{
    if (g->n > 0) {
        int c = g->buf[0];
        memmove(g->buf, g->buf + 1, --g->n);
        return c;
    }
    for (;;) {
        uint8_t c;
        ssize_t r = recv(g->fd, &c, 1, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            g->ended = 2;
            return -1;
        }
        return c;
    }
}

/* Send $data#ck; without no-ack mode, until gdb acknowledges it with '+'. */
static int put_packet(gsrv *g, const char *data, size_t len)
{
    char *p = malloc(len + 5);
    if (!p)
        abort();
    uint8_t sum = 0;
    p[0] = '$';
    for (size_t i = 0; i < len; i++) {
        p[1 + i] = data[i];
        sum = (uint8_t)(sum + (uint8_t)data[i]);
    }
    p[len + 1] = '#';
    p[len + 2] = hexd[sum >> 4];
    p[len + 3] = hexd[sum & 15];
    int rc = 0;
    for (int tries = 0; tries < 8; tries++) {
        if (send_all(g, p, len + 4) < 0) {
            rc = -1;
            break;
        }
        if (g->noack)
            break;
        int c;
        do
            c = get_byte(g);
        while (c >= 0 && c != '+' && c != '-');
        if (c != '-') {
            rc = c < 0 ? -1 : 0;
            break;
        }
    }
    free(p);
    return rc;
}

static int put_str(gsrv *g, const char *s)
{
    return put_packet(g, s, strlen(s));
}

/* The next packet's payload into out (NUL-terminated): its length, or -1 when gdb went
 * away. A 0x03 between packets (gdb's interrupt while we are stopped) is dropped. */
static int get_packet(gsrv *g, char *out, size_t cap)
{
    for (;;) {
        int c;
        do
            c = get_byte(g);
        while (c >= 0 && c != '$');
        if (c < 0)
            return -1;
        size_t n = 0;
        uint8_t sum = 0;
        int overflow = 0;
        while ((c = get_byte(g)) >= 0 && c != '#') {
            sum = (uint8_t)(sum + c);
            if (n + 1 < cap)
                out[n++] = (char)c;
            else
                overflow = 1;
        }
        if (c < 0)
            return -1;
        int h = get_byte(g), l = get_byte(g);
        if (h < 0 || l < 0)
            return -1;
        out[n] = 0;
        int ok = !overflow && hexval(h) >= 0 && hexval(l) >= 0 &&
                 (uint8_t)(hexval(h) * 16 + hexval(l)) == sum;
        if (!g->noack && send_all(g, ok ? "+" : "-", 1) < 0)
            return -1;
        if (ok)
            return (int)n;
    }
}

/* ===================================================================== helpers */

static void hex_bytes(char *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = hexd[src[i] >> 4];
        dst[2 * i + 1] = hexd[src[i] & 15];
    }
    dst[2 * n] = 0;
}

static int unhex_bytes(uint8_t *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h = hexval((unsigned char)src[2 * i]), l = h < 0 ? -1 : hexval((unsigned char)src[2 * i + 1]);
        if (h < 0 || l < 0)
            return -1;
        dst[i] = (uint8_t)(h * 16 + l);
    }
    return 0;
}

/* A hex number at *p (advanced past it): 0, or -1 if there is none or it is too long. */
static int hex_num(const char **p, uint32_t *v)
{
    uint64_t x = 0;
    int digits = 0;
    while (hexval((unsigned char)**p) >= 0) {
        x = x * 16 + (uint64_t)hexval((unsigned char)**p);
        (*p)++;
        if (++digits > 8)
            return -1;
    }
    *v = (uint32_t)x;
    return digits ? 0 : -1;
}

static void le32(char *dst, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    hex_bytes(dst, b, 4);
}

/* Console text for gdb's screen (an O packet), while the target runs. */
static void put_console(gsrv *g, const char *text)
{
    size_t n = strlen(text);
    if (n > PKT_MAX / 2 - 2)
        n = PKT_MAX / 2 - 2;
    char *p = malloc(2 * n + 2);
    if (!p)
        abort();
    p[0] = 'O';
    hex_bytes(p + 1, (const uint8_t *)text, n);
    put_str(g, p);
    free(p);
}

/* ===================================================================== target description */

static char *target_xml(const gsrv *g)
{
    char *x = mu_asprintf("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                          "<target version=\"1.0\">\n<architecture>arm</architecture>\n"
                          "<feature name=\"org.gnu.gdb.arm.m-profile\">\n");
    for (int i = 0; i < 17; i++) {
        const char *type = i == 13 ? "data_ptr" : i == 15 ? "code_ptr" : "uint32";
        char *t = mu_asprintf("%s<reg name=\"%s\" bitsize=\"32\" regnum=\"%d\" type=\"%s\" "
                              "group=\"general\"/>\n", x, session_reg_names[i], i, type);
        free(x);
        x = t;
    }
    char *t = mu_asprintf("%s</feature>\n", x);
    free(x);
    x = t;
    if (g->fpu) {
        t = mu_asprintf("%s<feature name=\"org.gnu.gdb.arm.vfp\">\n", x);
        free(x);
        x = t;
        for (int i = 0; i < 16; i++) {
            t = mu_asprintf("%s<reg name=\"d%d\" bitsize=\"64\" regnum=\"%d\" type=\"ieee_double\" "
                            "group=\"float\"/>\n", x, i, 17 + i);
            free(x);
            x = t;
        }
        t = mu_asprintf("%s<reg name=\"fpscr\" bitsize=\"32\" regnum=\"33\" type=\"int\" "
                        "group=\"float\"/>\n</feature>\n", x);
        free(x);
        x = t;
    }
    t = mu_asprintf("%s</target>\n", x);
    free(x);
    return t;
}

/* ===================================================================== registers */

static int nregs(const gsrv *g)
{
    return g->fpu ? 34 : 17;
}

/* Register i as hex into dst (8 or 16 digits): 0, or -1 when there is no such register. */
static int reg_hex(gsrv *g, int i, char *dst)
{
    sim *s = g->ss->v.s;
    if (i < 0 || i >= nregs(g))
        return -1;
    if (i < 17) {
        sim_regs r;
        sim_regs_get(s, &r);
        le32(dst, i < 16 ? r.r[i] : r.xpsr);
        return 0;
    }
    uint32_t sreg[32], fpscr;
    if (sim_fp_regs_get(s, sreg, &fpscr) != 0)
        return -1;
    if (i == 33) {
        le32(dst, fpscr);
    } else {
        le32(dst, sreg[2 * (i - 17)]); /* d(n) = s(2n+1):s(2n), little-endian */
        le32(dst + 8, sreg[2 * (i - 17) + 1]);
    }
    return 0;
}

/* Write register i from hex: 0, or -1 (the FP registers are read-only here). */
static int reg_set(gsrv *g, int i, const char *hex)
{
    uint8_t b[4];
    if (i < 0 || i > 16 || strlen(hex) < 8 || unhex_bytes(b, hex, 4) < 0)
        return -1;
    uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return sim_reg_set(g->ss->v.s, i, v);
}

/* ===================================================================== running */

typedef struct {
    int fd, stop_fd;
    sim *s;
    volatile int got_break, gone;
    uint8_t extra[256];
    volatile size_t n_extra;
} watcher;

static void *watch_main(void *arg)
{
    watcher *w = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals go to the main thread */
    for (;;) {
        struct pollfd p[2] = {{w->fd, POLLIN, 0}, {w->stop_fd, POLLIN, 0}};
        /* after a 0x03, interrupt again every 20 ms: one sent before the run began is kept */
        int r = poll(p, 2, w->got_break ? 20 : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 || p[1].revents)
            break;
        if (r == 0) {
            sim_interrupt(w->s);
            continue;
        }
        uint8_t c;
        ssize_t n = recv(w->fd, &c, 1, 0);
        if (n <= 0) {
            w->gone = 1;
            sim_interrupt(w->s);
            break;
        }
        if (c == 0x03) {
            w->got_break = 1;
            sim_interrupt(w->s);
        } else if (c != '+' && w->n_extra < sizeof w->extra) {
            w->extra[w->n_extra++] = c; /* a packet while running: read after the stop */
        }
    }
    return NULL;
}

/* Continue or step the session with the Ctrl-C watcher on; 0, or -1 when gdb went away. */
static int resume(gsrv *g, int step)
{
    watcher w = {0};
    int pfd[2];
    pthread_t th;
    if (pipe(pfd) != 0)
        return -1;
    w.fd = g->fd;
    w.stop_fd = pfd[0];
    w.s = g->ss->v.s;
    int threaded = pthread_create(&th, NULL, watch_main, &w) == 0;
    char *said = NULL;
    size_t said_n = 0;
    FILE *out = open_memstream(&said, &said_n);
    session_resume(g->ss, step ? 1 : 0, out ? out : stderr);
    if (out)
        fclose(out);
    if (threaded) {
        ssize_t wr;
        do
            wr = write(pfd[1], "x", 1);
        while (wr < 0 && errno == EINTR);
        pthread_join(th, NULL);
    }
    close(pfd[0]);
    close(pfd[1]);
    if (w.n_extra && g->n + w.n_extra <= sizeof g->buf) {
        memmove(g->buf + w.n_extra, g->buf, g->n);
        memcpy(g->buf, (const void *)w.extra, w.n_extra);
        g->n += w.n_extra;
    }
    /* tinysim's line about a stop gdb cannot name (a layer breakpoint, a budget, the end)
     * goes to gdb's console: "paused at layer 4/13 (CONV_2D) (breakpoint 2 (layer 4))" */
    const char *why = g->ss->why;
    int gdbs = strstr(why, "(gdb break") || strstr(why, "(gdb watch");
    if (!step && !w.got_break && !gdbs && said && said[0] && !w.gone) {
        said[strcspn(said, "\n")] = 0;
        char *line = mu_asprintf("tinysim: %s\n", said);
        put_console(g, line);
        free(line);
    }
    free(said);
    if (w.gone) {
        g->ended = 2;
        return -1;
    }
    return 0;
}

/* The stop reply for where the session is now. */
static void stop_reply(gsrv *g, char *r, size_t n)
{
    session *ss = g->ss;
    switch (ss->state) {
    case SS_EXITED:
        snprintf(r, n, "W%02x", (unsigned)ss->st.exit_status & 0xffu);
        g->reported_end = 1;
        return;
    case SS_FAULTED:
        snprintf(r, n, "T%02x", ss->st.reason == SIM_STOP_FAULT ? 11 : 5); /* SIGSEGV, SIGTRAP */
        return;
    default:
        break;
    }
    if (ss->st.reason == SIM_STOP_INTERRUPT) {
        snprintf(r, n, "T02"); /* SIGINT */
    } else if (strncmp(ss->why, "watchpoint", 10) == 0) {
        uint32_t a = 0;
        for (uint32_t i = 0; i < ss->n_brk; i++) /* the watch the why names */
            if (ss->brk[i].kind == SB_WATCH && strstr(ss->why, ss->brk[i].text))
                a = ss->brk[i].addr;
        snprintf(r, n, "T05watch:%08x;", a);
    } else if (ss->st.reason == SIM_STOP_BREAK) {
        snprintf(r, n, "T05swbreak:;");
    } else {
        snprintf(r, n, "T05");
    }
}

/* ===================================================================== monitor */

/* Commands that run, reload or leave: gdb does those (continue, step, ...), or they would
 * change the target under gdb's feet. */
static const char *const no_monitor[] = {"run", "continue", "reset", "step", "stepi", "next",
                                         "finish", "until", "load", "board", "quit", "pause",
                                         "gdb", NULL};

static void monitor(gsrv *g, const char *hex)
{
    size_t hn = strlen(hex) / 2;
    char *line = malloc(hn + 1);
    if (!line)
        abort();
    if (unhex_bytes((uint8_t *)line, hex, hn) < 0) {
        free(line);
        put_str(g, "E01");
        return;
    }
    line[hn] = 0;
    char *text = NULL;
    size_t tn = 0;
    FILE *out = open_memstream(&text, &tn);
    if (!out)
        abort();
    char word[32], err[160];
    size_t wl = strspn(line, " \t");
    size_t we = strcspn(line + wl, " \t");
    snprintf(word, sizeof word, "%.*s", (int)(we < sizeof word ? we : sizeof word - 1), line + wl);
    const cmd_entry *e = word[0] ? cmd_lookup(session_commands, word, err, sizeof err) : NULL;
    int refused = 0;
    for (int i = 0; e && no_monitor[i]; i++)
        if (strcmp(e->name, no_monitor[i]) == 0)
            refused = 1;
    if (refused)
        fprintf(out, "error: 'monitor %s': use gdb's own commands to run the firmware "
                     "(continue, step, stepi, kill); monitor takes tinysim's other commands\n",
                e->name);
    else
        session_exec(g->ss, line, out);
    fclose(out);
    /* the output as O packets (a chunk each), then OK */
    for (size_t off = 0; off < tn; off += PKT_MAX / 2 - 8) {
        char chunk[PKT_MAX / 2];
        size_t k = tn - off < PKT_MAX / 2 - 8 ? tn - off : PKT_MAX / 2 - 8;
        memcpy(chunk, text + off, k);
        chunk[k] = 0;
        put_console(g, chunk);
    }
    put_str(g, "OK");
    free(text);
    free(line);
}

/* ===================================================================== packets */

static void do_memory_read(gsrv *g, const char *p)
{
    uint32_t addr, len;
    if (hex_num(&p, &addr) < 0 || *p++ != ',' || hex_num(&p, &len) < 0) {
        put_str(g, "E01");
        return;
    }
    if (len > MEM_MAX)
        len = MEM_MAX;
    uint8_t b[MEM_MAX];
    uint32_t got = len;
    if (sim_read_target(g->ss->v.s, addr, b, len) != 0) /* the readable start, byte by byte */
        for (got = 0; got < len && (uint64_t)addr + got <= 0xffffffffu &&
                      sim_read_target(g->ss->v.s, addr + got, b + got, 1) == 0;
             got++)
            ;
    if (got == 0 && len > 0) {
        put_str(g, "E14"); /* EFAULT */
        return;
    }
    char h[2 * MEM_MAX + 1];
    hex_bytes(h, b, got);
    put_str(g, h);
}

static void do_memory_write(gsrv *g, const char *p)
{
    uint32_t addr, len;
    if (hex_num(&p, &addr) < 0 || *p++ != ',' || hex_num(&p, &len) < 0 || *p++ != ':' ||
        len > PKT_MAX || strlen(p) != 2u * len) {
        put_str(g, "E01");
        return;
    }
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        abort();
    int ok = unhex_bytes(b, p, len) == 0 &&
             (len == 0 || sim_write_target(g->ss->v.s, addr, b, len) == 0);
    free(b);
    put_str(g, ok ? "OK" : "E14");
}

static void do_break(gsrv *g, const char *p, int add)
{
    char type = *p++;
    uint32_t addr, kind;
    if (*p++ != ',' || hex_num(&p, &addr) < 0 || *p++ != ',' || hex_num(&p, &kind) < 0) {
        put_str(g, "E01");
        return;
    }
    if (type == '0' || type == '1') { /* software and hardware: both the simulator's */
        put_str(g, session_debug_break(g->ss, SB_ADDRESS, addr, 0, add) == 0 ? "OK" : "E0c");
    } else if (type == '2') { /* a write watchpoint */
        if (kind < 1 || kind > 8)
            put_str(g, "E16");
        else
            put_str(g, session_debug_break(g->ss, SB_WATCH, addr, kind, add) == 0 ? "OK" : "E0c");
    } else {
        put_str(g, ""); /* read and access watchpoints: not supported */
    }
}

static void do_query(gsrv *g, const char *p)
{
    char r[128];
    if (strncmp(p, "qSupported", 10) == 0) {
        snprintf(r, sizeof r, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
                              "QStartNoAckMode+;vContSupported+", PKT_MAX);
        put_str(g, r);
    } else if (strncmp(p, "qXfer:features:read:target.xml:", 31) == 0) {
        const char *q = p + 31;
        uint32_t off, len;
        if (hex_num(&q, &off) < 0 || *q++ != ',' || hex_num(&q, &len) < 0) {
            put_str(g, "E01");
            return;
        }
        char *x = target_xml(g);
        size_t xl = strlen(x);
        if (len > PKT_MAX - 8)
            len = PKT_MAX - 8;
        if (off >= xl) {
            put_str(g, "l");
        } else {
            size_t k = xl - off < len ? xl - off : len;
            char *pk = malloc(k + 2);
            if (!pk)
                abort();
            pk[0] = off + k >= xl ? 'l' : 'm';
            memcpy(pk + 1, x + off, k);
            put_packet(g, pk, k + 1);
            free(pk);
        }
        free(x);
    } else if (strncmp(p, "qXfer:", 6) == 0) {
        put_str(g, "");
    } else if (strncmp(p, "qRcmd,", 6) == 0) {
        monitor(g, p + 6);
    } else if (strcmp(p, "qAttached") == 0) {
        put_str(g, "1");
    } else if (strcmp(p, "qC") == 0) {
        put_str(g, "QC1");
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        put_str(g, "m1");
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        put_str(g, "l");
    } else {
        put_str(g, "");
    }
}

/* One packet; 1 when the conversation is over. */
static int handle(gsrv *g, char *p)
{
    char r[PKT_MAX];
    switch (p[0]) {
    case '?':
        stop_reply(g, r, sizeof r);
        put_str(g, r);
        return 0;
    case 'g': {
        size_t o = 0;
        for (int i = 0; i < nregs(g); i++) {
            if (reg_hex(g, i, r + o) != 0) {
                put_str(g, "E01");
                return 0;
            }
            o += strlen(r + o);
        }
        put_str(g, r);
        return 0;
    }
    case 'G': { /* the core registers and xPSR (the FP ones are read-only here) */
        const char *q = p + 1;
        int ok = strlen(q) >= 17 * 8;
        for (int i = 0; ok && i < 17; i++)
            ok = reg_set(g, i, q + 8 * i) == 0;
        put_str(g, ok ? "OK" : "E01");
        return 0;
    }
    case 'p': {
        const char *q = p + 1;
        uint32_t i;
        if (hex_num(&q, &i) < 0 || reg_hex(g, (int)i, r) != 0)
            put_str(g, "E01");
        else
            put_str(g, r);
        return 0;
    }
    case 'P': {
        const char *q = p + 1;
        uint32_t i;
        if (hex_num(&q, &i) < 0 || *q++ != '=' || reg_set(g, (int)i, q) != 0)
            put_str(g, "E01");
        else
            put_str(g, "OK");
        return 0;
    }
    case 'm': do_memory_read(g, p + 1); return 0;
    case 'M': do_memory_write(g, p + 1); return 0;
    case 'Z': do_break(g, p + 1, 1); return 0;
    case 'z': do_break(g, p + 1, 0); return 0;
    case 'q': do_query(g, p); return 0;
    case 'Q':
        if (strcmp(p, "QStartNoAckMode") == 0) {
            put_str(g, "OK");
            g->noack = 1;
        } else {
            put_str(g, "");
        }
        return 0;
    case 'H': put_str(g, "OK"); return 0;
    case 'T': put_str(g, "OK"); return 0;
    case 'D':
        put_str(g, "OK");
        g->ended = 1;
        return 1;
    case 'k':
        g->ended = 3;
        return 1;
    case 'c':
    case 's':
    case 'C':
    case 'S': {
        if (g->ss->state == SS_EXITED || g->ss->state == SS_FAULTED) {
            /* nothing can run: the program is over for gdb */
            if (g->ss->state == SS_EXITED)
                snprintf(r, sizeof r, "W%02x", (unsigned)g->ss->st.exit_status & 0xffu);
            else
                snprintf(r, sizeof r, "X%02x", g->ss->st.reason == SIM_STOP_FAULT ? 11 : 5);
            g->reported_end = 1;
            put_str(g, r);
            return 0;
        }
        if (resume(g, p[0] == 's' || p[0] == 'S') < 0)
            return 1;
        stop_reply(g, r, sizeof r);
        put_str(g, r);
        return 0;
    }
    case 'v':
        if (strcmp(p, "vCont?") == 0) {
            put_str(g, "vCont;c;C;s;S");
        } else if (strncmp(p, "vCont;", 6) == 0) {
            char act = p[6];
            char fake[2] = {act == 'S' ? 's' : act == 'C' ? 'c' : act, 0};
            if (act != 'c' && act != 's' && act != 'C' && act != 'S') {
                put_str(g, "E01");
                return 0;
            }
            return handle(g, fake);
        } else if (strncmp(p, "vKill", 5) == 0) {
            put_str(g, "OK");
            g->ended = 3;
            return 1;
        } else {
            put_str(g, ""); /* vMustReplyEmpty and the rest */
        }
        return 0;
    default:
        put_str(g, "");
        return 0;
    }
}

/* ===================================================================== listening */

static int split_spec(const char *spec, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon = strrchr(spec, ':');
    const char *h = colon ? spec : "127.0.0.1";
    size_t hl = colon ? (size_t)(colon - spec) : strlen(h);
    const char *p = colon ? colon + 1 : spec;
    if (hl == 0) {
        h = "127.0.0.1";
        hl = strlen(h);
    }
    if (hl >= hn || strlen(p) >= pn || !p[0] || strspn(p, "0123456789") != strlen(p) ||
        strtoul(p, NULL, 10) > 65535)
        return -1;
    memcpy(host, h, hl);
    host[hl] = 0;
    snprintf(port, pn, "%s", p);
    return 0;
}

int gdbserver_spec_ok(const char *spec, char *err, size_t n)
{
    char host[256], port[16];
    if (split_spec(spec, host, sizeof host, port, sizeof port) < 0) {
        snprintf(err, n, "'%s' is not [HOST:]PORT (a port 0..65535; 0 picks a free one), as "
                         "--gdb 3333 or --gdb 127.0.0.1:3333", spec);
        return -1;
    }
    return 0;
}

static int listen_on(const char *spec, char *where, size_t wn, char **cause)
{
    char host[256], port[16];
    if (split_spec(spec, host, sizeof host, port, sizeof port) < 0) {
        *cause = mu_asprintf("gdb: '%s' is not [HOST:]PORT", spec);
        return -1;
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int e = getaddrinfo(host, port, &hints, &ai);
    if (e != 0) {
        *cause = mu_asprintf("gdb: cannot use address %s: %s", host, gai_strerror(e));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1) != 0) {
        *cause = mu_asprintf("gdb: cannot listen on %s:%s: %s (another program may use the "
                             "port: give another, or 0 for a free one)", host, port,
                             strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    char h[NI_MAXHOST] = "?", sv[NI_MAXSERV] = "?";
    if (getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
        getnameinfo((struct sockaddr *)&sa, sl, h, sizeof h, sv, sizeof sv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(where, wn, "%s:%s", h, sv);
    return fd;
}

int gdbserver_serve(session *ss, const char *spec, int to_end, FILE *log, char **cause)
{
    char where[NI_MAXHOST + NI_MAXSERV + 2];
    int lfd = listen_on(spec, where, sizeof where, cause);
    if (lfd < 0)
        return -1;
    if (log) {
        fprintf(log, "tinysim: gdb server listening on %s (the firmware waits at %s); in "
                     "gdb-multiarch: target remote %s\n",
                where, ss->state == SS_READY ? "the reset vector" : "where it is", where);
        fflush(log);
    }
    int fd;
    do
        fd = accept(lfd, NULL, NULL);
    while (fd < 0 && errno == EINTR);
    close(lfd);
    if (fd < 0) {
        *cause = mu_asprintf("gdb: accept on %s: %s", where, strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    gsrv *g = calloc(1, sizeof *g);
    if (!g)
        abort();
    g->ss = ss;
    g->fd = fd;
    g->log = log;
    uint32_t sreg[32], fpscr;
    g->fpu = sim_fp_regs_get(ss->v.s, sreg, &fpscr) == 0;
    char *pkt = malloc(PKT_MAX + 1);
    if (!pkt)
        abort();
    if (log) {
        fprintf(log, "tinysim: gdb connected\n");
        fflush(log);
    }
    while (!g->ended) {
        int n = get_packet(g, pkt, PKT_MAX + 1);
        if (n < 0)
            break;
        if (handle(g, pkt))
            break;
    }
    free(pkt);
    close(fd);
    const int killed = g->ended == 3, gone = g->ended == 2 || !g->ended;
    if (log)
        fprintf(log, "tinysim: gdb %s\n",
                killed ? "killed the program" : gone ? "disconnected" : "detached");
    free(g);
    session_debug_forget(ss);
    if (killed)
        return 1;
    if (to_end && (ss->state == SS_READY || ss->state == SS_PAUSED)) {
        FILE *null = fopen("/dev/null", "w");
        while (ss->state == SS_READY || ss->state == SS_PAUSED) {
            session_resume(ss, 0, null ? null : stderr);
            if (ss->st.reason == SIM_STOP_INTERRUPT || ss->st.reason == SIM_STOP_CYCLES ||
                ss->st.reason == SIM_STOP_INSNS || ss->st.reason == SIM_STOP_TIMEOUT)
                break; /* a stop run reports as such */
        }
        if (null)
            fclose(null);
    }
    return 0;
}
