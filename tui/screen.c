/*
 * The TUI (`tinysim tui FIRMWARE.elf [run options]`): the only file that includes curses.
 *
 *   row 0        status: firmware, board, core, clock, run state, cycles, simulated time
 *   table        the layers: index, op, output shape, MACs, cycles, ms, uJ, cycles/MAC, share
 *                bar; the current layer marked '>' and highlighted, the selected one in
 *                reverse video (Ctrl-Up/Down or Alt-Up/Down, Ctrl-PgUp/PgDn; F3 or Enter on
 *                an empty prompt opens its tensor)
 *   detail       the selected layer (operands with shapes, quantization and addresses,
 *                figures, mix, top functions) and its output tensor (values, statistics,
 *                heat map of channel 0); F2 switches to the CPU view (registers and the
 *                disassembly around the PC with its symbol)
 *   output       what the commands print, kept (PANE_LINES) and wrapped; PgUp/PgDn and the
 *                mouse wheel scroll it; a command's output longer than the pane shows from
 *                its first line (a pager); console: the firmware's own output
 *   last row     the prompt: GNU readline through its callback interface (history with
 *                Up/Down or Ctrl-P/Ctrl-N, completion with Tab, the usual editing keys)
 *
 * The same command table as the REPL runs every line (tui/session.c). A run shows its
 * progress in the status line once a second and Ctrl-C pauses it (the state is kept); at the
 * prompt Ctrl-C clears the line. 'quit' (or 'q', or Ctrl-D on an empty line) leaves. Below
 * MIN_COLS x MIN_ROWS the screen says it is too small. Without colours, attributes only; lines
 * are ASCII ('-', '|'), which every terminal and tmux's capture show alike.
 */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "models/text.h"
#include "tui/cli.h"
#include "tui/session.h"
#include "tui/session_int.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define PANE_LINES 2000 /* lines kept per text pane */

/* ===================================================================== text panes */

typedef struct {
    char *line[PANE_LINES]; /* ring */
    int head, n;            /* oldest at head */
    char part[1024];        /* the line being written */
    size_t plen;
} pane;

static void pane_push(pane *p)
{
    char *s = strndup(p->part, p->plen);
    if (!s)
        return;
    int at = (p->head + p->n) % PANE_LINES;
    if (p->n == PANE_LINES) {
        free(p->line[p->head]);
        p->line[p->head] = s;
        p->head = (p->head + 1) % PANE_LINES;
    } else {
        p->line[at] = s;
        p->n++;
    }
    p->plen = 0;
}

static ssize_t pane_write(void *cookie, const char *buf, size_t size)
{
    pane *p = cookie;
    for (size_t i = 0; i < size; i++) {
        char c = buf[i];
        if (c == '\n') {
            pane_push(p);
        } else if (c == '\t') {
            do {
                if (p->plen < sizeof p->part)
                    p->part[p->plen++] = ' ';
            } while (p->plen % 8 && p->plen < sizeof p->part);
        } else if (c != '\r' && p->plen < sizeof p->part) {
            p->part[p->plen++] = (unsigned char)c < 32 ? '?' : c;
        }
    }
    return (ssize_t)size;
}

static FILE *pane_open(pane *p)
{
    cookie_io_functions_t io = {NULL, pane_write, NULL, NULL};
    FILE *f = fopencookie(p, "w", io);
    if (f)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

static void pane_free(pane *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->line[(p->head + i) % PANE_LINES]);
    p->n = 0;
}

/* ===================================================================== state */

typedef struct {
    session ss;
    pane out, con;
    FILE *outf, *conf;
    int sel, follow;   /* selected layer; follow the current one until the user moves */
    int cpu;           /* detail pane shows the CPU */
    int tensor;        /* detail pane shows the selected layer's output tensor (narrow screens) */
    char repeat[CMD_MAX_LINE]; /* the step/next/stepi that Enter on an empty line repeats */
    int quit, colors;
    int table_rows;    /* rows of the table on screen */
    int top;           /* first layer shown */
    int scroll;        /* output pane: screen rows scrolled back from the newest (0: follow) */
    int anchor;        /* >= 0: page from this row of the output (a command's first line) */
    int out_rows, out_cols; /* the output pane's size as last drawn */
} tui;

/* Keys curses does not name: Ctrl and Alt with the arrows and pages (xterm's sequences, which
 * tmux sends too), defined at start with define_key. */
enum { K_C_UP = KEY_MAX + 1, K_C_DOWN, K_A_UP, K_A_DOWN, K_C_PPAGE, K_C_NPAGE };

static tui *T;
static volatile sig_atomic_t got_sigint, got_sigterm;
static int key_for_readline;

enum { C_STATUS = 1, C_CURRENT, C_BAR, C_TITLE, C_ERROR };

static void on_sigint(int sig)
{
    (void)sig;
    got_sigint = 1;
}

/* SIGTERM, SIGHUP at the prompt: leave as 'quit' does (the terminal restored), exit code 5.
 * During a run they stop it first (tui/cli_util.c) and on_line's caller leaves. */
static void on_sigterm(int sig)
{
    got_sigterm = sig;
}

static void hl_on(int pair, int fallback)
{
    if (T->colors)
        attron(COLOR_PAIR(pair));
    else
        attron(fallback);
}

static void hl_off(int pair, int fallback)
{
    if (T->colors)
        attroff(COLOR_PAIR(pair));
    else
        attroff(fallback);
}

/* Text clipped to the width from column x. */
static void put(int y, int x, int w, const char *s)
{
    if (w > 0)
        mvaddnstr(y, x, s, w);
}

static void title(int y, const char *s)
{
    int w = COLS;
    hl_on(C_TITLE, A_BOLD);
    mvhline(y, 0, '-', w);
    put(y, 2, w - 4, s);
    hl_off(C_TITLE, A_BOLD);
}

/* ===================================================================== drawing */

static void draw_status(void)
{
    char st[256], line[512];
    session_status(&T->ss, st, sizeof st);
    if (T->ss.state == SS_NONE)
        snprintf(line, sizeof line, " tinysim | %s", st);
    else
        snprintf(line, sizeof line, " %s | %s (%s, %.6g MHz) | Ctrl-Up/Down: layer, PgUp/PgDn: "
                 "output | %s", st, T->ss.v.board.name, sim_core_name(T->ss.v.board.core),
                 T->ss.v.board.clock_hz / 1e6, T->ss.o.path);
    hl_on(C_STATUS, A_REVERSE);
    mvhline(0, 0, ' ', COLS);
    put(0, 0, COLS, line);
    hl_off(C_STATUS, A_REVERSE);
}

static void draw_table(int y0, int rows)
{
    uint32_t n;
    const prof_layer *L = session_layers(&T->ss, &n);
    char line[512];
    uint32_t ran = 0;
    for (uint32_t i = 0; i < n; i++)
        ran += L[i].ran;
    const prof_inference *inf = T->ss.state == SS_NONE ? NULL : prof_last(T->ss.v.pf);
    if (inf && inf->probed)
        snprintf(line, sizeof line, " probed calls (share: of the %u calls) ", n);
    else if (n && ran == n)
        snprintf(line, sizeof line, " layers (share: of the inference's layers) ");
    else if (n)
        snprintf(line, sizeof line, " layers (share: of the %u layer%s run so far) ", ran,
                 ran == 1 ? "" : "s");
    else
        snprintf(line, sizeof line, " layers ");
    title(y0, line);
    int narrow = COLS < 100; /* 80 columns: no uJ and cycles/MAC columns, a shorter bar */
    if (narrow)
        snprintf(line, sizeof line, "%4s %-18s %-12s %9s %11s %8s  %s", "#", "op", "output",
                 "MACs", "cycles", "ms", "share");
    else
        snprintf(line, sizeof line, "%4s %-18s %-12s %9s %11s %8s %8s %7s  %s", "#", "op",
                 "output", "MACs", "cycles", "ms", "uJ", "cyc/MAC", "share");
    hl_on(C_TITLE, A_BOLD);
    put(y0 + 1, 0, COLS, line);
    hl_off(C_TITLE, A_BOLD);
    rows -= 2;
    T->table_rows = rows;
    if (!n) {
        put(y0 + 2, 2, COLS - 2, "(the layers appear when the first inference starts: 'run', "
                                 "'next', or 'break layer N' then 'run')");
        return;
    }
    if (T->sel >= (int)n)
        T->sel = (int)n - 1;
    if (T->sel < 0)
        T->sel = 0;
    if (T->sel < T->top)
        T->top = T->sel;
    if (T->sel >= T->top + rows)
        T->top = T->sel - rows + 1;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += L[i].ran ? L[i].cycles : 0;
    const sim_board *b = &T->ss.v.board;
    int cur = (T->ss.in_layer || T->ss.layer_done) ? (int)T->ss.layer : -1;
    for (int r = 0; r < rows && T->top + r < (int)n; r++) {
        int i = T->top + r;
        const prof_layer *y = &L[i];
        char cyc[24] = "-", ms[16] = "-", uj[16] = "-", cpm[16] = "-", bar[24] = "";
        if (y->ran) {
            snprintf(cyc, sizeof cyc, "%llu", (unsigned long long)y->cycles);
            snprintf(ms, sizeof ms, "%.3f", (double)y->cycles * 1e3 / b->clock_hz);
            if (b->run_ua_per_mhz > 0)
                snprintf(uj, sizeof uj, "%.1f", prof_energy_j(b, y->cycles) * 1e6);
            if (y->macs)
                snprintf(cpm, sizeof cpm, "%.2f", (double)y->cycles / (double)y->macs);
            double share = total ? (double)y->cycles / (double)total : 0;
            int bw = narrow ? 8 : 16, k = (int)(share * bw + 0.5);
            for (int j = 0; j < bw; j++)
                bar[j] = j < k ? '#' : '.';
            bar[bw] = 0;
            snprintf(bar + bw, sizeof bar - (size_t)bw, " %4.1f%%", share * 100);
        }
        char op[TEXT_SAFE_SIZE(24)];
        text_safe(y->op, op, sizeof op); /* the firmware's bytes, for a terminal */
        if (narrow)
            snprintf(line, sizeof line, "%3d%c %-18.18s %-12.12s %9llu %11s %8s  %s", i,
                     i == cur ? '>' : ' ', op, y->out_shape, (unsigned long long)y->macs,
                     cyc, ms, bar);
        else
            snprintf(line, sizeof line, "%3d%c %-18.18s %-12.12s %9llu %11s %8s %8s %7s  %s", i,
                     i == cur ? '>' : ' ', op, y->out_shape, (unsigned long long)y->macs,
                     cyc, ms, uj, cpm, bar);
        int attr = i == T->sel ? A_REVERSE : 0;
        if (i == cur)
            hl_on(C_CURRENT, A_BOLD);
        attron(attr);
        mvhline(y0 + 2 + r, 0, ' ', COLS);
        put(y0 + 2 + r, 0, COLS, line);
        attroff(attr);
        if (i == cur)
            hl_off(C_CURRENT, A_BOLD);
    }
}

/* Render what fn prints into lines of a pane-like buffer, then draw them in a box. */
typedef struct {
    char *buf;
    size_t len;
} mem;

static void draw_text(const char *text, int y0, int x0, int rows, int cols)
{
    const char *p = text;
    for (int r = 0; r < rows && p && *p; r++) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        mvaddnstr(y0 + r, x0, p, len < cols ? len : cols);
        p = nl ? nl + 1 : NULL;
    }
}

static void draw_cpu(int y0, int rows)
{
    static const char *names[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
                                    "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
    sim_regs r;
    char line[256];
    sim_regs_get(T->ss.v.s, &r);
    for (int i = 0; i < 16 && i / 4 < rows; i += 4) {
        snprintf(line, sizeof line, "%-4s %08x  %-4s %08x  %-4s %08x  %-4s %08x", names[i],
                 r.r[i], names[i + 1], r.r[i + 1], names[i + 2], r.r[i + 2], names[i + 3],
                 r.r[i + 3]);
        put(y0 + i / 4, 1, COLS - 2, line);
    }
    char flags[64];
    snprintf(line, sizeof line, "xpsr %08x  %s", r.xpsr,
             session_xpsr_text(r.xpsr, flags, sizeof flags));
    put(y0 + 4, 1, COLS - 2, line);
    /* the FP registers when the core has them and the pane has room (s0-s15, 4 a row) */
    uint32_t sr[32], fpscr;
    int fp_rows = rows >= 20 && sim_fp_regs_get(T->ss.v.s, sr, &fpscr) == 0 ? 4 : 0;
    for (int i = 0; i < 4 * fp_rows; i++) {
        float f;
        char cell[32];
        memcpy(&f, &sr[i], 4);
        snprintf(cell, sizeof cell, "s%-3d %-12.6g", i, f);
        put(y0 + 5 + i / 4, 1 + (i % 4) * 19, 19, cell);
    }
    y0 += fp_rows;
    rows -= fp_rows;
    /* the disassembly takes what the backtrace leaves: at most 4 frames below it */
    int bt_rows = rows - 5 >= 12 ? 5 : rows - 5 >= 6 ? 3 : 0, dis_rows = rows - 5 - bt_rows;
    uint32_t a = r.r[15] & ~1u;
    for (int k = 0; k < dis_rows; k++) {
        char text[96], where[96];
        uint32_t size = sim_disas(T->ss.v.s, a, text, sizeof text);
        if (!size)
            break;
        sim_describe_addr(T->ss.v.s, a, where, sizeof where);
        snprintf(line, sizeof line, "%s 0x%08x  %-28s %s", k == 0 ? "=>" : "  ", a, where, text);
        if (k == 0)
            hl_on(C_CURRENT, A_BOLD);
        put(y0 + 5 + k, 1, COLS - 2, line);
        if (k == 0)
            hl_off(C_CURRENT, A_BOLD);
        a += size;
    }
    if (bt_rows) { /* the call stack, as 'bt' gives it */
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
            return;
        gdb_bt(&T->ss, 0, NULL, f);
        fclose(f);
        int y = y0 + 5 + dis_rows;
        put(y++, 1, COLS - 2, "backtrace:");
        char *save = NULL;
        for (char *l = strtok_r(buf, "\n", &save); l && y < y0 + rows;
             l = strtok_r(NULL, "\n", &save))
            put(y++, 1, COLS - 2, l);
        free(buf);
    }
}

static void draw_detail(int y0, int rows)
{
    uint32_t n;
    session_layers(&T->ss, &n);
    if (T->cpu && T->ss.state != SS_NONE) {
        title(y0, " CPU (F2: layer detail) ");
        draw_cpu(y0 + 1, rows - 1);
        return;
    }
    char t[96];
    int wide = COLS >= 150;
    snprintf(t, sizeof t, " layer %d%s (%sF2: CPU) ", n ? T->sel : 0,
             wide ? "" : T->tensor ? ": output tensor" : "",
             wide ? "" : T->repeat[0] ? (T->tensor ? "F3: details, " : "F3: tensor, ")
                         : T->tensor ? "Enter: details, " : "Enter: tensor, ");
    title(y0, n ? t : " detail (F2: CPU) ");
    if (!n)
        return;
    mem a = {0}, b = {0};
    FILE *fa = open_memstream(&a.buf, &a.len), *fb = open_memstream(&b.buf, &b.len);
    if (!fa || !fb) {
        if (fa)
            fclose(fa);
        if (fb)
            fclose(fb);
        return;
    }
    uint32_t img, arena;
    session_print_layer(&T->ss, (uint32_t)T->sel, fa);
    if (prof_model(T->ss.v.pf, &img, &arena)) {
        T->ss.width = wide ? COLS - COLS / 2 - 2 : COLS - 2; /* the values fill its rows */
        session_print_tensor(&T->ss, (uint32_t)T->sel, 1, 0, 0, fb);
        T->ss.width = 0;
    }
    fclose(fa);
    fclose(fb);
    if (wide) { /* side by side */
        int w = COLS / 2;
        draw_text(a.buf, y0 + 1, 1, rows - 1, w - 2);
        draw_text(b.buf, y0 + 1, w, rows - 1, COLS - w - 1);
    } else {
        draw_text(T->tensor ? b.buf : a.buf, y0 + 1, 1, rows - 1, COLS - 2);
    }
    free(a.buf);
    free(b.buf);
}

/* Screen rows line i of p takes at cols columns (long lines wrap). */
static int pane_rows(const pane *p, int i, int cols)
{
    int len = (int)strlen(p->line[(p->head + i) % PANE_LINES]);
    return len > cols ? (len + cols - 1) / cols : 1;
}

/* The pane's last rows screen rows, scroll rows back from the newest; long lines wrap. A
 * scroll past the oldest line stops there (*scroll is clamped). */
static void draw_pane(const pane *p, int y0, int x0, int rows, int cols, int *scroll)
{
    if (cols < 1 || rows < 1)
        return;
    int total = 0;
    for (int i = 0; i < p->n; i++)
        total += pane_rows(p, i, cols);
    int sc = scroll ? *scroll : 0, max = total > rows ? total - rows : 0;
    if (sc > max)
        sc = max;
    if (sc < 0)
        sc = 0;
    if (scroll)
        *scroll = sc;
    int skip = total - rows - sc; /* screen rows above the window */
    int y = 0;
    for (int i = 0; i < p->n && y < rows; i++) {
        const char *l = p->line[(p->head + i) % PANE_LINES];
        int len = (int)strlen(l), nr = pane_rows(p, i, cols);
        for (int k = 0; k < nr && y < rows; k++) {
            if (skip > 0) {
                skip--;
                continue;
            }
            if (k * cols < len)
                mvaddnstr(y0 + y, x0, l + k * cols, cols);
            y++;
        }
    }
}

/* Rows of output the pane holds in all at its width (for paging a command's output). */
static int pane_total_rows(const pane *p, int cols)
{
    int total = 0;
    for (int i = 0; cols > 0 && i < p->n; i++)
        total += pane_rows(p, i, cols);
    return total;
}

static void draw_prompt(void)
{
    int y = LINES - 1, w = COLS;
    const char *pr = rl_display_prompt ? rl_display_prompt : "(tinysim) ";
    int plen = (int)strlen(pr), room = w - plen - 1, start = 0;
    if (room < 1)
        room = 1;
    if (rl_point > room)
        start = rl_point - room;
    move(y, 0);
    clrtoeol();
    put(y, 0, w, pr);
    if (rl_line_buffer && rl_end > start)
        mvaddnstr(y, plen, rl_line_buffer + start, room < rl_end - start ? room : rl_end - start);
    move(y, plen + rl_point - start);
}

/* A command's output longer than the pane: scroll so that its first row is the pane's top. */
static void page_anchor(void)
{
    if (T->anchor < 0)
        return;
    int total = pane_total_rows(&T->out, T->out_cols), sc = total - T->anchor - T->out_rows;
    T->scroll = sc > 0 ? sc : 0;
    T->anchor = -1;
}

static void draw(void)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_ROWS) {
        char msg[160];
        snprintf(msg, sizeof msg, "terminal too small for tinysim: %dx%d, needs at least %dx%d",
                 COLS, LINES, MIN_COLS, MIN_ROWS);
        hl_on(C_ERROR, A_BOLD);
        put(0, 0, COLS, msg);
        hl_off(C_ERROR, A_BOLD);
        put(1, 0, COLS, "enlarge the window, or type quit and Enter");
        draw_prompt();
        refresh();
        return;
    }
    int avail = LINES - 2; /* status and prompt */
    int table = avail * 36 / 100, detail = avail * 34 / 100;
    uint32_t n;
    session_layers(&T->ss, &n);
    if (n && (int)n + 2 < table) {
        detail += table - ((int)n + 2);
        table = (int)n + 2;
    }
    if (T->scroll > 0 || T->anchor >= 0) { /* paging the output: it takes the detail pane's rows */
        detail = 0;
        if (table > 6 && avail < 40)
            table = 6;
    }
    int bottom = avail - table - detail;
    draw_status();
    draw_table(1, table);
    if (detail)
        draw_detail(1 + table, detail);
    int yb = 1 + table + detail;
    if (COLS >= 120) {
        int wc = COLS / 3;
        title(yb, " output ");
        hl_on(C_TITLE, A_BOLD);
        put(yb, COLS - wc + 2, wc - 4, " console ");
        mvaddch(yb, COLS - wc, '+');
        hl_off(C_TITLE, A_BOLD);
        mvvline(yb + 1, COLS - wc, '|', bottom - 1);
        T->out_rows = bottom - 1, T->out_cols = COLS - wc - 1;
        page_anchor();
        draw_pane(&T->out, yb + 1, 0, bottom - 1, COLS - wc - 1, &T->scroll);
        draw_pane(&T->con, yb + 1, COLS - wc + 1, bottom - 1, wc - 1, NULL);
        if (T->scroll)
            put(yb, 12, COLS - wc - 14, "(scrolled back: PgDn for newer) ");
    } else {
        int hc = bottom >= 8 ? 3 : 1;
        title(yb, " console ");
        draw_pane(&T->con, yb + 1, 0, hc, COLS, NULL);
        T->out_rows = bottom - 2 - hc, T->out_cols = COLS;
        page_anchor();
        title(yb + 1 + hc, T->scroll ? " output (scrolled back: PgDn for newer) "
                                     : " output (PgUp/PgDn scroll) ");
        draw_pane(&T->out, yb + 2 + hc, 0, bottom - 2 - hc, COLS, &T->scroll);
    }
    draw_prompt();
    refresh();
}

/* ===================================================================== readline */

static int rl_key(FILE *f)
{
    (void)f;
    return key_for_readline;
}

/* Readline asks whether more input is waiting (type-ahead): the next key comes from curses,
 * never from readline's own stream. */
static int rl_no_typeahead(void)
{
    return 0;
}

static void rl_redraw(void)
{
    draw_prompt();
    refresh();
}

static void rl_noprep(int meta)
{
    (void)meta;
}

static void rl_nodeprep(void)
{
}

static void show_matches(char **matches, int n, int longest)
{
    (void)longest;
    for (int i = 1; i <= n; i++)
        fprintf(T->outf, "%s%s", matches[i], i == n ? "\n" : "  ");
    fflush(T->outf);
}

static void follow_current(void)
{
    if (T->ss.in_layer || T->ss.layer_done)
        T->sel = (int)T->ss.layer;
}

static void on_progress(void *ud, const sim_stats *st)
{
    (void)ud;
    char line[256], c[32];
    uint32_t n;
    const prof_layer *L = session_layers(&T->ss, &n);
    uint32_t done = 0;
    for (uint32_t i = 0; L && i < n; i++)
        done += L[i].ran;
    snprintf(line, sizeof line, " running: %s cycles, %u of %u layers done (Ctrl-C pauses)",
             text_grouped(st->cycles, c, sizeof c), done, n);
    hl_on(C_STATUS, A_REVERSE);
    mvhline(0, 0, ' ', COLS);
    put(0, 0, COLS, line);
    hl_off(C_STATUS, A_REVERSE);
    refresh();
}

static void on_line(char *line)
{
    if (!line) { /* Ctrl-D on an empty line */
        T->quit = 1;
        return;
    }
    const char *p = line + strspn(line, " \t");
    char again[CMD_MAX_LINE];
    if (!*p && !T->repeat[0]) { /* Enter on an empty prompt opens the selected layer: details, then tensor */
        T->tensor = T->cpu ? 0 : !T->tensor;
        T->cpu = 0;
        free(line);
        return;
    }
    if (!*p) { /* after step, next or stepi: Enter repeats it, as in gdb */
        snprintf(again, sizeof again, "%s", T->repeat);
        free(line);
        line = strdup(again);
        if (!line)
            return;
        p = line;
    } else {
        repl_history_add(p);
        if (session_repeatable(p))
            snprintf(T->repeat, sizeof T->repeat, "%s", p);
        else
            T->repeat[0] = 0;
    }
    fprintf(T->outf, "(tinysim) %s\n", p);
    fflush(T->outf);
    char status[256];
    if (strncmp(p, "gdb ", 4) == 0) /* the screen waits for the debugger: say where */
        snprintf(status, sizeof status, " serving gdb: in gdb-multiarch, target remote %s "
                 "(the screen comes back when gdb detaches)", p + 4 + strspn(p + 4, " "));
    else
        snprintf(status, sizeof status, " running a command...");
    hl_on(C_STATUS, A_REVERSE);
    mvhline(0, 0, ' ', COLS);
    put(0, 0, COLS, status);
    hl_off(C_STATUS, A_REVERSE);
    refresh();
    /* the session's runs install their own Ctrl-C handler (pause) and restore ours */
    T->scroll = 0;
    T->anchor = -1;
    int before = pane_total_rows(&T->out, T->out_cols) - 1; /* the echoed line's row */
    int r = session_exec(&T->ss, p, T->outf);
    fflush(T->outf);
    /* a pager: output longer than the pane shows from its first line; PgDn reads on */
    int added = pane_total_rows(&T->out, T->out_cols) - before;
    if (T->out_rows > 0 && added > T->out_rows)
        T->anchor = before > 0 ? before : 0;
    fflush(T->conf);
    if (r == CMD_QUIT)
        T->quit = 1;
    if (T->follow)
        follow_current();
    if (strncmp(p, "disas", 5) == 0 || strncmp(p, "info r", 6) == 0 ||
        strncmp(p, "stepi", 5) == 0 || strncmp(p, "si", 2) == 0)
        T->cpu = 1; /* instruction-level commands show the CPU pane */
    free(line);
}

/* ===================================================================== entry */

static int key_to_readline(int ch)
{
    switch (ch) {
    case KEY_LEFT: return 2;       /* C-b */
    case KEY_RIGHT: return 6;      /* C-f */
    case KEY_HOME: return 1;       /* C-a */
    case KEY_END: return 5;        /* C-e */
    case KEY_BACKSPACE: return 127;
    case KEY_DC: return 4;         /* C-d: delete-char (EOF only on an empty line) */
    case KEY_ENTER: return '\n';
    case KEY_UP: return 16;        /* C-p: the previous line of the history */
    case KEY_DOWN: return 14;      /* C-n: the next one */
    default: return ch >= 0 && ch < 256 ? ch : -1;
    }
}

int cli_tui(int argc, char **argv)
{
    const cli_command *cmd = cli_find("tui");
    if (argc < 2)
        return cli_usage_error(cmd, "which firmware? give FIRMWARE.elf (and run options)");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        cli_error("tui needs a terminal; without one use 'tinysim run %s' for the report, or "
                  "'tinysim repl' / 'tinysim -x SCRIPT' for commands",
                  argv[1]);
        return TS_EXIT_USAGE;
    }
    static tui t;
    memset(&t, 0, sizeof t);
    T = &t;
    t.follow = 1;
    t.anchor = -1;
    t.outf = pane_open(&t.out);
    t.conf = pane_open(&t.con);
    if (!t.outf || !t.conf) {
        cli_error("out of memory");
        return TS_EXIT_INPUT;
    }
    t.ss.out = t.outf;
    t.ss.console = t.conf;
    t.ss.progress = on_progress;
    /* the firmware is opened before curses starts, so its errors read as any command's */
    int rc = session_load(&t.ss, argc - 1, argv + 1);
    if (rc != TS_EXIT_OK) {
        session_close(&t.ss);
        fclose(t.outf);
        fclose(t.conf);
        pane_free(&t.out);
        pane_free(&t.con);
        return rc;
    }
    fprintf(t.outf, "tinysim: 'help' lists the commands; Ctrl-Up/Down (or Alt-Up/Down) select "
                    "a layer, Ctrl-PgUp/PgDn by pages; Up/Down recall earlier lines; PgUp/PgDn "
                    "or the mouse wheel scroll this pane; F3 the tensor, F2 the CPU; 'quit' "
                    "leaves\n");
    fflush(t.outf);

    struct sigaction sa = {0}, old, st = {0}, old_term, old_hup;
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    st.sa_handler = on_sigterm;
    sigemptyset(&st.sa_mask);
    got_sigterm = 0;
    sigaction(SIGTERM, &st, &old_term);
    sigaction(SIGHUP, &st, &old_hup);
    cli_signals_second_kills(0); /* a second Ctrl-C during a run must not leave the screen raw */
    /* newterm, not initscr: initscr exits the program when TERM names no usable terminal */
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        sigaction(SIGINT, &old, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGHUP, &old_hup, NULL);
        cli_signals_second_kills(1);
        cli_error("cannot drive this terminal (TERM=%s): try TERM=xterm, or 'tinysim repl'",
                  getenv("TERM") ? getenv("TERM") : "(unset)");
        session_close(&t.ss);
        fclose(t.outf);
        fclose(t.conf);
        pane_free(&t.out);
        pane_free(&t.con);
        return TS_EXIT_USAGE;
    }
    set_term(scr);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    define_key("\033[1;5A", K_C_UP);
    define_key("\033[1;5B", K_C_DOWN);
    define_key("\033[1;3A", K_A_UP);
    define_key("\033[1;3B", K_A_DOWN);
    define_key("\033[5;5~", K_C_PPAGE);
    define_key("\033[6;5~", K_C_NPAGE);
#ifdef BUTTON5_PRESSED
    mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL); /* the wheel scrolls the output */
#else
    mousemask(BUTTON4_PRESSED, NULL);
#endif
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(C_STATUS, COLOR_BLACK, COLOR_CYAN);
        init_pair(C_CURRENT, COLOR_YELLOW, -1);
        init_pair(C_BAR, COLOR_GREEN, -1);
        init_pair(C_TITLE, COLOR_CYAN, -1);
        init_pair(C_ERROR, COLOR_RED, -1);
        t.colors = 1;
    }

    /* readline must not read the terminal itself (it would take keys from under curses, or
     * block in its type-ahead check): it gets every key through rl_key, and its input and
     * output streams are /dev/null. */
    FILE *devnull = fopen("/dev/null", "w"), *devnull_in = fopen("/dev/null", "r");
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_prep_term_function = rl_noprep;
    rl_deprep_term_function = rl_nodeprep;
    rl_getc_function = rl_key;
    rl_input_available_hook = rl_no_typeahead;
    rl_redisplay_function = rl_redraw;
    rl_completion_display_matches_hook = show_matches;
    if (devnull)
        rl_outstream = devnull;
    if (devnull_in)
        rl_instream = devnull_in;
    repl_readline_begin(&t.ss);
    rl_callback_handler_install("(tinysim) ", on_line);

    int dirty = 1;
    timeout(250); /* getch returns every 250 ms: Ctrl-C at the prompt is seen at once */
    while (!t.quit) {
        if (dirty)
            draw();
        dirty = 0;
        int ch = getch();
        int sig = cli_signal_pending(); /* one that stopped a command's run */
        cli_signal_clear();
        if (sig == SIGTERM || sig == SIGHUP)
            got_sigterm = sig;
        if (got_sigterm)
            break;
        if (got_sigint) { /* at the prompt: clear the line */
            got_sigint = 0;
            rl_replace_line("", 0);
            rl_point = rl_end = 0;
            dirty = 1;
            continue;
        }
        if (ch == ERR) {
            if (!isatty(STDIN_FILENO)) /* the terminal went away */
                break;
            continue;
        }
        dirty = 1;
        switch (ch) {
        case KEY_RESIZE: T->follow = 1; continue; /* the current layer into view again */
        case K_C_UP:
        case K_A_UP: T->sel--, T->follow = 0, T->tensor = 0; continue;
        case K_C_DOWN:
        case K_A_DOWN: T->sel++, T->follow = 0, T->tensor = 0; continue;
        case K_C_PPAGE: T->sel -= T->table_rows > 1 ? T->table_rows - 1 : 1, T->follow = 0; continue;
        case K_C_NPAGE: T->sel += T->table_rows > 1 ? T->table_rows - 1 : 1, T->follow = 0; continue;
        case KEY_PPAGE: T->scroll += T->out_rows > 2 ? T->out_rows - 1 : 1; continue;
        case KEY_NPAGE: T->scroll -= T->out_rows > 2 ? T->out_rows - 1 : 1;
            if (T->scroll < 0)
                T->scroll = 0;
            continue;
        case KEY_MOUSE: {
            MEVENT me;
            if (getmouse(&me) == OK) {
                if (me.bstate & BUTTON4_PRESSED)
                    T->scroll += 3;
#ifdef BUTTON5_PRESSED
                else if (me.bstate & BUTTON5_PRESSED)
                    T->scroll = T->scroll > 3 ? T->scroll - 3 : 0;
#endif
            }
            continue;
        }
        case KEY_F(2): T->cpu = !T->cpu; continue;
        case KEY_F(3): T->tensor = T->cpu ? 0 : !T->tensor, T->cpu = 0; continue;
        default: break;
        }
        int k = key_to_readline(ch);
        if (k == '\r')
            k = '\n';
        if (k < 0 || (ch == KEY_DC && rl_end == 0))
            continue; /* Delete on an empty prompt is not Ctrl-D: it must not leave the TUI */
        key_for_readline = k;
        rl_callback_read_char();
    }
    rl_callback_handler_remove();
    repl_readline_end();
    endwin();
    delscreen(scr);
    sigaction(SIGINT, &old, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    cli_signals_second_kills(1);
    if (devnull)
        fclose(devnull);
    if (devnull_in)
        fclose(devnull_in);
    rl_outstream = NULL;
    rl_instream = NULL;
    session_close(&t.ss);
    fclose(t.outf);
    fclose(t.conf);
    pane_free(&t.out);
    pane_free(&t.con);
    T = NULL;
    if (got_sigterm) {
        cli_error("stopped by %s (exit code %d)", cli_signal_name(got_sigterm), TS_EXIT_BUDGET);
        return TS_EXIT_BUDGET;
    }
    return TS_EXIT_OK;
}
