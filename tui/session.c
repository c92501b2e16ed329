/*
 * The interactive commands (see session.h): one table, used by the REPL, batch scripts,
 * piped stdin and the TUI's prompt. This file holds the session's state, loading, running,
 * stepping and breakpoints; the commands that look at a run are inspect.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/modelfile.h"
#include "models/outfile.h"
#include "models/text.h"
#include "tui/gdbserver.h"
#include "tui/session_int.h"

/* What a run waits for, besides breakpoints. */
enum { W_NONE, W_NEXT, W_STEP, W_FINISH, W_STEPI };

/* A number (decimal or 0x hex) up to max. */
int session_parse_num(const char *s, uint64_t max, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-' || x > max)
        return -1;
    *v = x;
    return 0;
}

int session_err(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", out);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
    va_end(ap);
    return CMD_ERROR;
}

static const char *layer_op(const session *ss, uint32_t i, uint32_t *n)
{
    const prof_layer *L = prof_current(ss->v.pf, n);
    return L && i < *n ? L[i].op : "?";
}

/* ===================================================================== captures */

static void cap_clear(session *ss)
{
    for (uint32_t i = 0; i < ss->n_cap; i++)
        free(ss->cap[i]);
    free(ss->cap);
    ss->cap = NULL;
    ss->n_cap = 0;
    ss->cap_bytes = 0;
}

/* Copy operand k of layer l from target memory, once per inference. The profiler validated
 * the model's tables (the tensor and its size are in range) and says where the tensor is
 * (prof_operand_addr: the core's arena, or TFLM's tensors). */
static void cap_tensor(session *ss, const nn_model *m, uint32_t l, uint32_t k)
{
    uint32_t t = nn_layer_operand(m, l, k), addr;
    if (t == NN_NO_TENSOR || t >= ss->n_cap || ss->cap[t])
        return;
    const nn_tsm_tensor *x = nn_tensor(m, t);
    if (x->storage != NN_S_ARENA || ss->cap_bytes + x->size > SESSION_MAX_CAPTURE ||
        prof_operand_addr(ss->v.pf, l, k, &addr) < 0)
        return;
    uint8_t *b = malloc(x->size ? x->size : 1);
    if (!b)
        return;
    if (sim_read_target(ss->v.s, addr, b, x->size) < 0) {
        free(b);
        return;
    }
    ss->cap[t] = b;
    ss->cap_bytes += x->size;
}

/* Only probe events the profiler measured (the inference's own model, a layer index it
 * has), into the captures of that inference. */
static void capture(session *ss, int kind, uint32_t layer)
{
    uint32_t img, arena;
    const nn_model *m = prof_model(ss->v.pf, &img, &arena);
    if (!m)
        return;
    if (kind == PROF_EV_INFERENCE_BEGIN) {
        cap_clear(ss);
        ss->cap = calloc(m->hdr->n_tensors, sizeof *ss->cap);
        ss->n_cap = ss->cap ? m->hdr->n_tensors : 0;
        ss->cap_id = prof_inference_id(ss->v.pf);
        return;
    }
    if (ss->cap_id != prof_inference_id(ss->v.pf) || layer >= m->hdr->n_layers)
        return;
    const nn_tsm_layer *L = nn_layer(m, layer);
    if (kind == PROF_EV_LAYER_BEGIN) {
        for (uint32_t i = 0; i < L->n_inputs; i++)
            cap_tensor(ss, m, layer, i);
    } else {
        cap_tensor(ss, m, layer, L->n_inputs);
    }
}

/* ===================================================================== probes */

static void check_breaks(session *ss);

/* Layer stepping and layer breakpoints listen to the profiler's layer events (prof_event),
 * whichever source raised them: tinysim's core or TFLM's interpreter. */
/* A breakpoint's condition holds now (or it has none). */
/* A condition (the words expect takes) now: 0 with *holds, or -1 when it is no expectation
 * (said says why when n). */
static int cond_eval(session *ss, const char *cond, int *holds, char *said, size_t n)
{
    char line[128], err[128], *w[9];
    static char expect_word[] = "expect";
    snprintf(line, sizeof line, "%s", cond);
    int k = cmd_split(line, w + 1, 7, err, sizeof err);
    w[0] = expect_word;
    *holds = 0;
    if (k <= 0) {
        if (said)
            snprintf(said, n, "%s", k == 0 ? "an empty condition" : err);
        return -1;
    }
    return session_condition(ss, k + 1, w, holds, said, n);
}

static int cond_holds(session *ss, const session_break *b)
{
    int holds;
    return !b->cond[0] || (cond_eval(ss, b->cond, &holds, NULL, 0) == 0 && holds);
}

/* The words of "... if WHAT OP VALUE" (argv[0..argc)) as b's condition, checked to be an
 * expectation: CMD_OK, or CMD_ERROR (said). */
static int set_cond(session *ss, session_break *b, int argc, char **argv, const char *cmd,
                    FILE *out)
{
    size_t o = 0;
    int holds;
    char said[256];
    for (int i = 0; i < argc && o < sizeof b->cond; i++)
        o += (size_t)snprintf(b->cond + o, sizeof b->cond - o, "%s%s", i ? " " : "", argv[i]);
    if (o >= sizeof b->cond)
        return session_err(out, "%s: the condition is longer than %zu characters", cmd,
                           sizeof b->cond - 1);
    if (cond_eval(ss, b->cond, &holds, said, sizeof said) < 0)
        return session_err(out, "%s ... if: %s", cmd,
                           said + (strncmp(said, "error: ", 7) ? 0 : 7));
    return CMD_OK;
}

static void on_probe(void *ud, const sim_probe_event *ev)
{
    session *ss = ud;
    uint32_t n, layer;
    prof_on_probe(ss->v.pf, ev);
    int kind = prof_event(ss->v.pf, &layer);
    if (kind == PROF_EV_INFERENCE_BEGIN)
        check_breaks(ss);
    if (kind == PROF_EV_INFERENCE_BEGIN || kind == PROF_EV_LAYER_BEGIN ||
        kind == PROF_EV_LAYER_END)
        capture(ss, kind, layer);
    switch (kind) {
    case PROF_EV_LAYER_BEGIN: {
        ss->in_layer = 1;
        ss->layer = layer;
        ss->layer_done = 0;
        const char *op = layer_op(ss, layer, &n);
        for (uint32_t i = 0; i < ss->n_brk; i++) {
            session_break *b = &ss->brk[i];
            if (((b->kind == SB_LAYER && b->layer == layer) ||
                 (b->kind == SB_OP && strcmp(b->op, op) == 0)) && cond_holds(ss, b)) {
                b->hits++;
                snprintf(ss->why, sizeof ss->why, "breakpoint %u (%s)", i + 1, b->text);
                sim_pause(ss->v.s);
                return;
            }
        }
        if (ss->want == W_NEXT) {
            snprintf(ss->why, sizeof ss->why, "next layer");
            sim_pause(ss->v.s);
        }
        break;
    }
    case PROF_EV_LAYER_END:
        ss->in_layer = 0;
        ss->layer = layer;
        ss->layer_done = 1;
        if (ss->want == W_STEP || ss->want == W_FINISH) {
            snprintf(ss->why, sizeof ss->why, "%s", ss->want == W_STEP ? "step" : "finish");
            sim_pause(ss->v.s);
        }
        break;
    default:
        break;
    }
}

static void on_progress(void *ud, const sim_stats *st)
{
    session *ss = ud;
    if (ss->progress)
        ss->progress(ss->progress_ud, st);
}

/* ===================================================================== load and run */

static void copy_args(session *ss, int argc, char **argv)
{
    for (int i = 0; i < ss->argc_copy; i++)
        free(ss->argv_copy[i]);
    ss->argc_copy = 0;
    for (int i = 0; i < argc && i < (int)(sizeof ss->argv_copy / sizeof ss->argv_copy[0]) - 1; i++)
        ss->argv_copy[ss->argc_copy++] = strdup(argv[i]);
    ss->argv_copy[ss->argc_copy] = NULL;
}

/* (Re)open the firmware with the session's options; breakpoints are set again. */
/* The simulator's breakpoints and watchpoints as the list says (after a reload, a delete, or
 * until's breakpoint for one run). */
static void rearm(session *ss)
{
    sim_break_clear(ss->v.s);
    sim_mwatch_clear(ss->v.s);
    for (uint32_t i = 0; i < ss->n_brk; i++) {
        const session_break *b = &ss->brk[i];
        if (b->kind == SB_SYMBOL || b->kind == SB_ADDRESS)
            sim_break_add(ss->v.s, b->addr);
        else if (b->kind == SB_WATCH)
            sim_mwatch_add(ss->v.s, b->addr, b->len);
    }
}

static int reopen(session *ss)
{
    const cli_command *cmd = cli_find(ss->for_run ? "run" : "repl");
    if (ss->state != SS_NONE)
        run_env_close(&ss->v);
    ss->state = SS_NONE;
    cap_clear(ss);
    run_opts o = ss->o;
    o.cfg.on_probe = on_probe;
    o.cfg.ud = ss;
    if (!ss->for_run) { /* 'run --gdb' keeps run's console and progress */
        o.cfg.console = o.quiet ? NULL : ss->console ? ss->console : ss->out ? ss->out : stdout;
        o.cfg.on_progress = ss->progress ? on_progress : NULL;
    }
    int rc = run_env_open(&ss->v, &o, cmd);
    if (rc != TS_EXIT_OK)
        return rc;
    ss->state = SS_READY;
    ss->in_layer = ss->layer_done = 0;
    ss->layer = 0;
    ss->why[0] = 0;
    memset(&ss->st, 0, sizeof ss->st);
    rearm(ss);
    return TS_EXIT_OK;
}

int session_load(session *ss, int argc, char **argv)
{
    run_opts o;
    /* run_opts_parse wants argv[0] to be the command name */
    char *av[42];
    int ac = 0;
    av[ac++] = (char *)"repl";
    for (int i = 0; i < argc && ac < 41; i++)
        av[ac++] = argv[i];
    av[ac] = NULL;
    int rc = run_opts_parse(ac, av, cli_find("repl"), &o);
    if (rc >= 0)
        return rc;
    /* A session writes its files with commands (export), when the user says: an output
     * option given here would be silently unwritten. */
    if (o.json || o.csv || o.output || o.folded || o.trace || o.html)
        return cli_usage_error(cli_find("repl"), "%s is for 'tinysim run': in the REPL, the TUI "
                               "and scripts, 'export json|csv|markdown|folded FILE' writes the "
                               "report and 'tensor' shows the output",
                               o.json     ? "--json"
                               : o.csv    ? "--csv"
                               : o.output ? "--output"
                               : o.folded ? "--folded"
                               : o.trace  ? "--trace"
                                          : "--html");
    /* keep the strings: o points into argv */
    copy_args(ss, ac, av);
    rc = run_opts_parse(ss->argc_copy, ss->argv_copy, cli_find("repl"), &ss->o);
    if (rc >= 0)
        return rc;
    return reopen(ss);
}

int session_open_run(session *ss, const run_opts *o)
{
    ss->o = *o;
    ss->for_run = 1;
    return reopen(ss);
}

void session_release(session *ss)
{
    cap_clear(ss);
    ss->state = SS_NONE;
    memset(&ss->v, 0, sizeof ss->v);
}

static int go(session *ss, int want, FILE *out);

int session_resume(session *ss, uint64_t stepi, FILE *out)
{
    ss->stepi_n = stepi;
    return go(ss, stepi ? W_STEPI : W_NONE, out);
}

int session_debug_break(session *ss, session_break_kind kind, uint32_t addr, uint32_t len,
                        int add)
{
    if (ss->state == SS_NONE || (kind != SB_ADDRESS && kind != SB_WATCH))
        return -1;
    if (!add) {
        for (uint32_t i = 0; i < ss->n_brk; i++) {
            const session_break *b = &ss->brk[i];
            if (b->kind == kind && b->addr == addr && (kind != SB_WATCH || b->len == len) &&
                strncmp(b->text, "gdb ", 4) == 0) {
                memmove(&ss->brk[i], &ss->brk[i + 1], (ss->n_brk - i - 1) * sizeof ss->brk[0]);
                ss->n_brk--;
                rearm(ss);
                return 0;
            }
        }
        return -1;
    }
    if (ss->n_brk == SESSION_MAX_BREAKS)
        return -1;
    session_break b = {0};
    b.kind = kind;
    b.addr = addr & (kind == SB_ADDRESS ? ~1u : ~0u);
    b.len = len;
    snprintf(b.text, sizeof b.text, "gdb %s 0x%08x", kind == SB_WATCH ? "watch" : "break",
             b.addr);
    if (kind == SB_WATCH ? sim_mwatch_add(ss->v.s, b.addr, len) < 0
                         : sim_break_add(ss->v.s, b.addr) < 0) {
        rearm(ss); /* the simulator's tables as the list says */
        return -1;
    }
    ss->brk[ss->n_brk++] = b;
    return 0;
}

void session_debug_forget(session *ss)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < ss->n_brk; i++)
        if (strncmp(ss->brk[i].text, "gdb ", 4) != 0)
            ss->brk[k++] = ss->brk[i];
    ss->n_brk = k;
    if (ss->state != SS_NONE)
        rearm(ss);
}

void session_close(session *ss)
{
    cap_clear(ss);
    if (ss->state != SS_NONE)
        run_env_close(&ss->v);
    ss->state = SS_NONE;
    for (int i = 0; i < ss->argc_copy; i++)
        free(ss->argv_copy[i]);
    ss->argc_copy = 0;
}

int session_need_firmware(session *ss, FILE *out)
{
    if (ss->state == SS_NONE)
        return session_err(out, "no firmware loaded: load FIRMWARE.elf [run options]");
    return CMD_OK;
}

/* Run until a breakpoint, the wanted event or the end; then say where it stopped. */
static int go(session *ss, int want, FILE *out)
{
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (ss->state == SS_EXITED || ss->state == SS_FAULTED)
        return session_err(out, "the firmware %s: 'run' starts it again from reset",
                   ss->state == SS_EXITED ? "has exited" : "cannot continue");
    if (want == W_FINISH && !ss->in_layer)
        return session_err(out, "not inside a layer: 'next' runs to the next layer's start");
    ss->want = want;
    ss->why[0] = 0;
    cli_signals_run(ss->v.s); /* SIGINT pauses; SIGTERM, SIGHUP too (the caller then ends) */
    for (;;) {
        if (want == W_STEPI)
            sim_step(ss->v.s, ss->stepi_n, &ss->st);
        else
            sim_run(ss->v.s, &ss->st);
        if (ss->st.reason != SIM_STOP_BREAK || want == W_STEPI)
            break;
        /* a symbol or address breakpoint whose condition does not hold: go on */
        uint8_t wo[8], wn[8];
        int wi = sim_mwatch_hit(ss->v.s, wo, wn), stop = 0;
        if (wi >= 0) { /* a watchpoint: the list's entry for the simulator's watch wi */
            for (uint32_t i = 0, k = 0; i < ss->n_brk; i++) {
                if (ss->brk[i].kind != SB_WATCH || k++ != (uint32_t)wi)
                    continue;
                if (cond_holds(ss, &ss->brk[i])) {
                    uint32_t o = 0, nw = 0;
                    memcpy(&o, wo, ss->brk[i].len < 4 ? ss->brk[i].len : 4);
                    memcpy(&nw, wn, ss->brk[i].len < 4 ? ss->brk[i].len : 4);
                    ss->brk[i].hits++;
                    snprintf(ss->why, sizeof ss->why, "watchpoint %u (%s): 0x%x -> 0x%x", i + 1,
                             ss->brk[i].text, o, nw);
                    stop = 1;
                }
            }
            if (!stop && !cli_signal_pending())
                continue;
            break;
        }
        stop = ss->until_addr && ss->until_addr == (ss->st.pc & ~1u);
        for (uint32_t i = 0; i < ss->n_brk && !stop; i++)
            if ((ss->brk[i].kind == SB_SYMBOL || ss->brk[i].kind == SB_ADDRESS) &&
                ss->brk[i].addr == (ss->st.pc & ~1u) && cond_holds(ss, &ss->brk[i]))
                stop = 1;
        if (stop || cli_signal_pending())
            break;
    }
    cli_signals_run(NULL);
    ss->want = W_NONE;
    switch (ss->st.reason) {
    case SIM_STOP_EXIT: ss->state = SS_EXITED; break;
    case SIM_STOP_FAULT:
    case SIM_STOP_HANG: ss->state = SS_FAULTED; break;
    case SIM_STOP_BREAK:
        ss->state = SS_PAUSED;
        if (strncmp(ss->why, "watchpoint", 10) == 0)
            break; /* go()'s loop said which and what changed */
        if (ss->until_addr == (ss->st.pc & ~1u))
            snprintf(ss->why, sizeof ss->why, "until 0x%08x", ss->until_addr);
        for (uint32_t i = 0; i < ss->n_brk; i++)
            if ((ss->brk[i].kind == SB_SYMBOL || ss->brk[i].kind == SB_ADDRESS) &&
                ss->brk[i].addr == (ss->st.pc & ~1u) && cond_holds(ss, &ss->brk[i])) {
                ss->brk[i].hits++;
                snprintf(ss->why, sizeof ss->why, "breakpoint %u (%s)", i + 1, ss->brk[i].text);
            }
        break;
    case SIM_STOP_INTERRUPT:
        ss->state = SS_PAUSED;
        snprintf(ss->why, sizeof ss->why, "interrupted");
        break;
    case SIM_STOP_PAUSE:
        ss->state = SS_PAUSED;
        if (want == W_STEPI && !ss->why[0])
            snprintf(ss->why, sizeof ss->why, "stepped %llu instruction%s",
                     (unsigned long long)ss->stepi_n, ss->stepi_n == 1 ? "" : "s");
        break;
    default:
        ss->state = SS_PAUSED;
        snprintf(ss->why, sizeof ss->why, "%.150s", ss->st.message);
        break;
    }
    char line[256];
    session_status(ss, line, sizeof line);
    fprintf(out, "%s\n", line);
    if (ss->state == SS_FAULTED || ss->state == SS_EXITED) {
        run_env_print_summary(out, &ss->v, &ss->st);
        prof_print_overflows(out, ss->v.pf);
    }
    if (want == W_STEPI && ss->state == SS_PAUSED) { /* where it is, as a debugger shows */
        char text[96], where[96];
        sim_regs r;
        sim_regs_get(ss->v.s, &r);
        if (sim_disas(ss->v.s, r.r[15] & ~1u, text, sizeof text)) {
            sim_describe_addr(ss->v.s, r.r[15] & ~1u, where, sizeof where);
            fprintf(out, "=> 0x%08x  %-28s %s\n", r.r[15] & ~1u, where, text);
        }
    }
    return CMD_OK;
}

void session_status(const session *ss, char *buf, size_t n)
{
    if (ss->state == SS_NONE) {
        snprintf(buf, n, "no firmware loaded");
        return;
    }
    sim_stats x;
    sim_stats_get(ss->v.s, &x);
    char c[32], pos[128] = "";
    uint32_t nl = 0;
    const char *op = layer_op(ss, ss->layer, &nl);
    if (nl && (ss->in_layer || ss->layer_done))
        snprintf(pos, sizeof pos, " %s layer %u/%u (%s)",
                 ss->layer_done ? "after" : "at", ss->layer, nl, op);
    double ms = (double)x.cycles * 1e3 / ss->v.board.clock_hz;
    switch (ss->state) {
    case SS_READY: snprintf(buf, n, "ready at reset"); return;
    case SS_PAUSED:
        snprintf(buf, n, "paused%s%s%s%s, %s cycles, %.3f ms", pos, ss->why[0] ? " (" : "",
                 ss->why, ss->why[0] ? ")" : "", text_grouped(x.cycles, c, sizeof c), ms);
        return;
    case SS_EXITED:
        snprintf(buf, n, "exited with status %d, %s cycles, %.3f ms", ss->st.exit_status,
                 text_grouped(x.cycles, c, sizeof c), ms);
        return;
    case SS_FAULTED:
        snprintf(buf, n, "%s: %s, %s cycles",
                 ss->st.reason == SIM_STOP_FAULT ? "faulted" : "stopped", ss->st.message,
                 text_grouped(x.cycles, c, sizeof c));
        return;
    default: snprintf(buf, n, "?"); return;
    }
}

/* ===================================================================== commands */

static int c_help(void *ctx, int argc, char **argv, FILE *out)
{
    (void)ctx;
    char e[256];
    if (argc > 1) {
        const cmd_entry *c = cmd_lookup(session_commands, argv[1], e, sizeof e);
        if (!c)
            return session_err(out, "%s", e);
        cmd_print_usage(out, c);
        if (c->alias)
            fprintf(out, "%s (alias: %s)\n", c->help, c->alias);
        else
            fprintf(out, "%s\n", c->help);
        return CMD_OK;
    }
    fprintf(out, "commands (a unique prefix is enough; 'help COMMAND' for one):\n");
    for (const cmd_entry *c = session_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->help);
    return CMD_OK;
}

static int c_quit(void *ctx, int argc, char **argv, FILE *out)
{
    (void)ctx, (void)argc, (void)argv, (void)out;
    return CMD_QUIT;
}

/*
 * Load another firmware. The new one is opened beside the current one, which is closed only
 * once the new one is ready: a load that fails (no such file, a bad ELF, a refused option)
 * leaves the session as it was, firmware, run state and breakpoints (as a refused 'board').
 */
static int c_load(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    session old = *ss; /* owns the current firmware, its argument copies and captures */
    ss->state = SS_NONE;
    ss->argc_copy = 0;
    ss->cap = NULL;
    ss->n_cap = 0;
    ss->cap_bytes = 0;
    int rc = session_load(ss, argc - 1, argv + 1);
    if (rc != TS_EXIT_OK) {
        session_close(ss); /* whatever the failed load opened */
        *ss = old;
        if (ss->state == SS_NONE)
            return session_err(out, "load %s failed: no firmware is loaded", argv[1]);
        return session_err(out, "load %s failed; %s stays loaded, with its state and breakpoints",
                   argv[1], ss->o.path);
    }
    session_close(&old);
    fprintf(out, "loaded %s on %s (%s, %u MHz)\n", ss->o.path, ss->v.board.name,
            sim_core_name(ss->v.board.core), (unsigned)(ss->v.board.clock_hz / 1000000));
    return CMD_OK;
}

static int c_board(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    (void)argc;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    char *keep = strdup(argv[1]);
    if (!keep)
        return session_err(out, "out of memory");
    const char *old = ss->o.board_arg;
    ss->o.board_arg = keep;
    if (reopen(ss) != TS_EXIT_OK) {
        ss->o.board_arg = old;
        free(keep);
        reopen(ss);
        return session_err(out, "board %s refused; staying on the previous board", argv[1]);
    }
    /* the string lives as long as the session: remember it with the argument copies */
    if (ss->argc_copy < (int)(sizeof ss->argv_copy / sizeof ss->argv_copy[0]) - 1) {
        ss->argv_copy[ss->argc_copy++] = keep;
        ss->argv_copy[ss->argc_copy] = NULL;
    }
    fprintf(out, "board %s (%s, %u MHz); the firmware is back at reset\n", ss->v.board.name,
            sim_core_name(ss->v.board.core), (unsigned)(ss->v.board.clock_hz / 1000000));
    return CMD_OK;
}

static int c_run(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    (void)argc, (void)argv;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (ss->state != SS_READY && reopen(ss) != TS_EXIT_OK)
        return session_err(out, "cannot reload %s", ss->o.path);
    return go(ss, W_NONE, out);
}

static int c_continue(void *ctx, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    return go(ctx, W_NONE, out);
}

/* watch ADDR|SYMBOL [LEN] [if ...]: stop when those bytes change (a data symbol: its size, up
 * to 8; else 4 bytes). */
static int c_watch(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint32_t addr;
    uint64_t len = 0;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (ss->n_brk == SESSION_MAX_BREAKS)
        return session_err(out, "at most %d breakpoints and watchpoints: 'delete' some",
                           SESSION_MAX_BREAKS);
    int nw = argc;
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "if") == 0) {
            nw = i;
            break;
        }
    const sim_symbol *y = sim_elf_symbol(ss->v.e, argv[1]);
    if (y && !y->is_func)
        addr = y->addr, len = y->size >= 1 && y->size <= 8 ? y->size : 4;
    else if (session_parse_addr(ss, argv[1], &addr, out) < 0)
        return CMD_ERROR;
    if (nw > 2 && (session_parse_num(argv[2], 8, &len) < 0 || len == 0))
        return session_err(out, "watch: LEN is 1 to 8 bytes, not '%s'", argv[2]);
    if (!len)
        len = 4;
    session_break b = {0};
    b.kind = SB_WATCH;
    b.addr = addr;
    b.len = (uint32_t)len;
    if (nw < argc && set_cond(ss, &b, argc - nw - 1, argv + nw + 1, "watch", out) != CMD_OK)
        return CMD_ERROR;
    snprintf(b.text, sizeof b.text, "watch %.64s (%u byte%s at 0x%08x)%s%s", argv[1], b.len,
             b.len == 1 ? "" : "s", addr, b.cond[0] ? " if " : "", b.cond);
    if (sim_mwatch_add(ss->v.s, addr, b.len) < 0)
        return session_err(out, "watch: 0x%08x is not in the board's memory, or %d watchpoints "
                                "are set already", addr, 4);
    ss->brk[ss->n_brk++] = b;
    fprintf(out, "watchpoint %u: %s (runs are slower while one is set; the figures are the "
                 "same)\n", ss->n_brk, b.text);
    return CMD_OK;
}

/* until ADDR|SYMBOL: continue to there (a breakpoint for this run only), or to whatever
 * stops the run first. */
static int c_until(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint32_t addr;
    (void)argc;
    if (session_need_firmware(ss, out) || session_parse_addr(ss, argv[1], &addr, out) < 0)
        return CMD_ERROR;
    addr &= ~1u;
    if (sim_break_add(ss->v.s, addr) < 0)
        return session_err(out, "the simulator's breakpoint table is full");
    ss->until_addr = addr;
    int rc = go(ss, W_NONE, out == NULL ? stdout : out);
    ss->until_addr = 0;
    if (ss->state != SS_NONE) /* the breakpoints the user set, without this one */
        rearm(ss);
    return rc;
}

static int c_reset(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    (void)argc, (void)argv;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (reopen(ss) != TS_EXIT_OK)
        return session_err(out, "cannot reload %s", ss->o.path);
    fprintf(out, "reset: %s reloaded, breakpoints kept\n", ss->o.path);
    return CMD_OK;
}

/* go() count times (step N, next N, as gdb counts), stopping early at anything but the
 * stop asked for (a breakpoint, the end, a fault). */
static int go_n(session *ss, int want, int argc, char **argv, FILE *out)
{
    uint64_t n = 1;
    if (argc > 1 && (session_parse_num(argv[1], 100000, &n) < 0 || n == 0))
        return session_err(out, "%s: N is a count from 1 to 100000, not '%s'", argv[0], argv[1]);
    for (uint64_t i = 0; i < n; i++) {
        int rc = go(ss, want, out);
        if (rc != CMD_OK || ss->state != SS_PAUSED || strncmp(ss->why, "breakpoint", 10) == 0)
            return rc;
    }
    return CMD_OK;
}

static int c_step(void *ctx, int argc, char **argv, FILE *out)
{
    return go_n(ctx, W_STEP, argc, argv, out);
}

static int c_stepi(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint64_t n = 1;
    if (argc > 1 && (session_parse_num(argv[1], 1000000000, &n) < 0 || n == 0))
        return session_err(out, "stepi: N is a number of instructions from 1 to 1000000000, not "
                                "'%s'",
                   argv[1]);
    ss->stepi_n = n;
    return go(ss, W_STEPI, out);
}

static int c_next(void *ctx, int argc, char **argv, FILE *out)
{
    return go_n(ctx, W_NEXT, argc, argv, out);
}

static int c_finish(void *ctx, int argc, char **argv, FILE *out)
{
    (void)argc, (void)argv;
    return go(ctx, W_FINISH, out);
}

/* An address: a number, or SYMBOL[+OFFSET]. */
/*
 * The function a name means (sim_elf_functions_named: the ELF's name, the demangled one, with
 * or without parameters, or its last component). NULL when none does (nothing said) or when
 * it means several (said, with each one's address).
 */
static const sim_symbol *function_named(session *ss, const char *name, FILE *out)
{
    const sim_symbol *c[6];
    char shown[TEXT_SAFE_SIZE(200)], file[TEXT_SAFE_SIZE(64)];
    uint32_t n = sim_elf_functions_named(ss->v.e, name, c, 6);
    if (n <= 1)
        return n ? c[0] : NULL;
    fprintf(out, "error: %u functions are called '%s'; name one by its full name or address:\n",
            n, text_safe(name, shown, sizeof shown));
    for (uint32_t i = 0; i < n && i < 6; i++)
        fprintf(out, "  0x%08x  %s%s%s%s\n", c[i]->addr,
                text_safe(c[i]->display, shown, sizeof shown), c[i]->file ? " (" : "",
                c[i]->file ? text_safe(c[i]->file, file, sizeof file) : "", c[i]->file ? ")" : "");
    if (n > 6)
        fprintf(out, "  and %u more\n", n - 6);
    return NULL;
}

int session_parse_addr(session *ss, const char *s, uint32_t *addr, FILE *out)
{
    uint64_t v;
    if (session_parse_num(s, UINT32_MAX, &v) == 0) {
        *addr = (uint32_t)v;
        return 0;
    }
    char name[128];
    const char *plus = strchr(s, '+');
    size_t len = plus ? (size_t)(plus - s) : strlen(s);
    uint64_t off = 0;
    if (len >= sizeof name || (plus && session_parse_num(plus + 1, 1u << 30, &off) < 0)) {
        session_err(out, "'%s' is neither an address nor SYMBOL[+OFFSET]", s);
        return -1;
    }
    memcpy(name, s, len);
    name[len] = 0;
    const sim_symbol *sym = sim_elf_symbol(ss->v.e, name);
    if (!sym && sim_elf_functions_named(ss->v.e, name, NULL, 0) > 1) {
        function_named(ss, name, out);
        return -1;
    }
    if (!sym)
        sym = function_named(ss, name, out);
    if (!sym) {
        session_err(out, "no symbol '%s' in %s", name, ss->o.path);
        return -1;
    }
    *addr = (sym->addr & (sym->is_func ? ~1u : ~0u)) + (uint32_t)off;
    return 0;
}

static const char model_unknown[] =
    " (the model is not known until an inference begins: it is checked then)";

/* The op names a layer can have: the inference core's. */
static const char *const *core_ops(size_t *n)
{
    static const char *names[NN_OP_COUNT_];
    static size_t count;
    if (!count)
        for (uint32_t op = 1; op < NN_OP_COUNT_; op++)
            names[count++] = nn_op_name(op);
    *n = count;
    return names;
}

/*
 * "break op NAME": NAME (any case) must be an op of the inference core, and, once the model
 * is known (an inference began), an op of one of its layers; otherwise the breakpoint could
 * never fire. 0 with b filled (and *note set when the model is not known yet), or CMD_ERROR
 * with the reason (the closest op name, the known ones) printed.
 */
static int break_op(session *ss, const char *name, session_break *b, const char **note,
                    FILE *out)
{
    char up[sizeof b->op];
    size_t nops, i;
    const char *const *ops = core_ops(&nops);
    snprintf(up, sizeof up, "%s", name);
    for (char *p = up; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    for (i = 0; i < nops && (strlen(name) >= sizeof up || strcmp(ops[i], up) != 0); i++)
        ;
    if (i == nops) {
        char list[512];
        size_t w = 0;
        for (size_t k = 0; k < nops && w < sizeof list; k++)
            w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", k ? " " : "", ops[k]);
        const char *near = cmd_closest(up, ops, nops);
        return session_err(out, "break op: no op '%.40s'%s%s%s; the ops are: %s", name,
                   near ? " (did you mean " : "", near ? near : "", near ? "?)" : "", list);
    }
    uint32_t n = 0;
    const prof_layer *L = prof_current(ss->v.pf, &n);
    uint32_t k = 0;
    while (k < n && strcmp(L[k].op, ops[i]) != 0)
        k++;
    if (n && k == n)
        return session_err(out, "break op: the model has no %s layer, so the breakpoint would "
                                "never fire ('info layers' lists its layers)", ops[i]);
    *note = n ? "" : model_unknown;
    b->kind = SB_OP;
    snprintf(b->op, sizeof b->op, "%s", ops[i]);
    return 0;
}

/* At the start of an inference, when the model becomes known: say which layer and op
 * breakpoints cannot fire on it. */
static void check_breaks(session *ss)
{
    uint32_t n = 0;
    const prof_layer *L = prof_current(ss->v.pf, &n);
    FILE *out = ss->out ? ss->out : stdout;
    if (!n)
        return;
    for (uint32_t i = 0; i < ss->n_brk; i++) {
        const session_break *b = &ss->brk[i];
        uint32_t k = 0;
        if (b->warned)
            continue;
        if (b->kind == SB_OP)
            while (k < n && strcmp(L[k].op, b->op) != 0)
                k++;
        if (b->kind == SB_LAYER && b->layer >= n)
            fprintf(out, "warning: breakpoint %u (%s) never fires: the model has %u layers "
                         "(0..%u)\n", i + 1, b->text, n, n - 1);
        else if (b->kind == SB_OP && k == n)
            fprintf(out, "warning: breakpoint %u (%s) never fires: the model has no %s layer\n",
                    i + 1, b->text, b->op);
        else
            continue;
        ss->brk[i].warned = 1;
    }
}

static int c_break(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    const cmd_entry *me = cmd_lookup(session_commands, "break", NULL, 0);
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    session_break b = {0};
    if (argc > 3) { /* break KIND VALUE if WHAT OP VALUE */
        if (strcmp(argv[3], "if") != 0 || argc < 7)
            return session_err(out, "break KIND VALUE [if WHAT OP VALUE], as 'break layer 4 if "
                                    "run cycles > 1M'");
        if (set_cond(ss, &b, argc - 4, argv + 4, "break", out) != CMD_OK)
            return CMD_ERROR;
        argc = 3;
    }
    if (argc != 3) {
        session_err(out, "break needs a kind and a value");
        cmd_print_usage(out, me);
        return CMD_ERROR;
    }
    if (ss->n_brk == SESSION_MAX_BREAKS)
        return session_err(out, "at most %d breakpoints: 'delete' some", SESSION_MAX_BREAKS);
    snprintf(b.text, sizeof b.text, "%s %s%s%s", argv[1], argv[2], b.cond[0] ? " if " : "",
             b.cond);
    size_t kl = strlen(argv[1]);
    uint64_t v;
    const char *note = "";
    if (kl && strncmp(argv[1], "layer", kl) == 0) {
        uint32_t n = 0;
        prof_current(ss->v.pf, &n);
        if (session_parse_num(argv[2], UINT32_MAX, &v) < 0)
            return session_err(out, "break layer wants a layer number, not '%s'", argv[2]);
        if (n && v >= n)
            return session_err(out, "the model has %u layers (0..%u): layer %s never "
                                    "runs", n, n - 1,
                       argv[2]);
        if (!n)
            note = model_unknown;
        b.kind = SB_LAYER;
        b.layer = (uint32_t)v;
    } else if (kl && strncmp(argv[1], "op", kl) == 0) {
        if (break_op(ss, argv[2], &b, &note, out) != 0)
            return CMD_ERROR;
    } else if (kl && (strncmp(argv[1], "symbol", kl) == 0 || strncmp(argv[1], "address", kl) == 0)) {
        int is_sym = argv[1][0] == 's';
        if (is_sym) {
            const sim_symbol *sym = function_named(ss, argv[2], out);
            if (!sym && sim_elf_functions_named(ss->v.e, argv[2], NULL, 0) > 1)
                return CMD_ERROR;
            if (!sym)
                return session_err(out, "no function '%s' in %s", argv[2], ss->o.path);
            b.addr = sym->addr & ~1u;
        } else if (session_parse_addr(ss, argv[2], &b.addr, out) < 0) {
            return CMD_ERROR;
        }
        b.kind = is_sym ? SB_SYMBOL : SB_ADDRESS;
        if (sim_break_add(ss->v.s, b.addr) < 0)
            return session_err(out, "the simulator's breakpoint table is full");
    } else {
        session_err(out, "break what? '%s' is not layer, op, symbol or address", argv[1]);
        cmd_print_usage(out, me);
        return CMD_ERROR;
    }
    ss->brk[ss->n_brk++] = b;
    fprintf(out, "breakpoint %u: %s%s\n", ss->n_brk, b.text, note);
    return CMD_OK;
}

static int c_delete(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint64_t v;
    if (argc == 1) {
        ss->n_brk = 0;
    } else {
        if (session_parse_num(argv[1], SESSION_MAX_BREAKS, &v) < 0 || v == 0 || v > ss->n_brk)
            return session_err(out, "no breakpoint '%s' ('info break' lists them)", argv[1]);
        memmove(&ss->brk[v - 1], &ss->brk[v], (ss->n_brk - v) * sizeof ss->brk[0]);
        ss->n_brk--;
    }
    if (ss->state != SS_NONE) /* the simulator's address breakpoints follow the list */
        rearm(ss);
    fprintf(out, "%u breakpoint%s left\n", ss->n_brk, ss->n_brk == 1 ? "" : "s");
    return CMD_OK;
}

/* pause: on a terminal (stdin and stdout), print TEXT and wait for Enter; otherwise (CI, a
 * pipe) nothing, so that a workshop script runs unattended too. */
static int c_pause(void *ctx, int argc, char **argv, FILE *out)
{
    (void)ctx;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return CMD_OK;
    for (int i = 1; i < argc; i++)
        fprintf(out, "%s%s", argv[i], i + 1 < argc ? " " : "");
    fprintf(out, "%s-- press Enter to go on --", argc > 1 ? " " : "");
    fflush(out);
    int c;
    while ((c = getchar()) != EOF && c != '\n')
        ;
    return CMD_OK;
}

static int c_set(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    (void)argc;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (strcmp(argv[1], "clock") == 0) {
        char *end;
        errno = 0;
        double v = strtod(argv[2], &end);
        double mul = strcmp(end, "MHz") == 0 || strcmp(end, "mhz") == 0 ? 1e6
                     : strcmp(end, "kHz") == 0 || strcmp(end, "khz") == 0 ? 1e3
                     : strcmp(end, "Hz") == 0 || *end == 0              ? 1
                                                                        : 0;
        if (errno || !mul || !(v * mul >= 1e3) || v * mul > 2e9)
            return session_err(out, "set clock wants a frequency (48MHz, 32768Hz), not "
                                    "'%s'", argv[2]);
        /* as --clock: the flash wait states follow the part's table; the firmware goes back
         * to reset, so that every figure of the next run is at the new clock */
        char msg[256];
        sim_board probe = ss->v.board;
        uint32_t hz = (uint32_t)(v * mul + 0.5), old = ss->o.clock_hz;
        if (sim_board_set_clock(&probe, hz, msg, sizeof msg) < 0)
            return session_err(out, "%s", msg + (strncmp(msg, "--clock: ", 9) == 0 ? 9 : 0));
        ss->o.clock_hz = hz;
        if (reopen(ss) != TS_EXIT_OK) {
            ss->o.clock_hz = old;
            reopen(ss);
            return session_err(out, "the clock %.6g MHz was refused; staying at the previous "
                                    "clock", hz / 1e6);
        }
        const sim_region *fl = sim_board_flash(&ss->v.board);
        fprintf(out, "clock %.6g MHz, flash %u wait state%s: the firmware is back at reset; "
                     "'run' measures it at this clock%s%s\n",
                ss->v.board.clock_hz / 1e6, fl ? fl->wait_states : 0,
                fl && fl->wait_states == 1 ? "" : "s", msg[0] ? " (" : "", msg[0] ? "note: " : "");
        if (msg[0])
            fprintf(out, "%s)\n", msg);
    } else if (strcmp(argv[1], "budget") == 0) {
        uint64_t v = 0;
        char *end;
        if (strcmp(argv[2], "off") != 0) {
            errno = 0;
            double d = strtod(argv[2], &end);
            double mul = *end == 0 ? 1 : strcmp(end, "k") == 0 ? 1e3
                                     : strcmp(end, "M") == 0   ? 1e6
                                     : strcmp(end, "G") == 0   ? 1e9
                                                               : 0;
            if (errno || !mul || !(d * mul >= 1) || d * mul > 1e18)
                return session_err(out, "set budget wants a cycle count (50M) or off, not "
                                        "'%s'", argv[2]);
            v = (uint64_t)(d * mul);
        }
        ss->o.cfg.max_cycles = v;
        sim_set_max_cycles(ss->v.s, v);
        if (v)
            fprintf(out, "cycle budget %llu\n", (unsigned long long)v);
        else
            fprintf(out, "no cycle budget\n");
    } else {
        return session_err(out, "set what? clock FREQ or budget CYCLES|off");
    }
    return CMD_OK;
}

static int c_echo(void *ctx, int argc, char **argv, FILE *out)
{
    (void)ctx;
    for (int i = 1; i < argc; i++)
        fprintf(out, "%s%s", i > 1 ? " " : "", argv[i]);
    fputc('\n', out);
    return CMD_OK;
}

/* gdb [HOST:]PORT: serve one debugger on the session, where it is; back here when it
 * detaches, kills the program or goes away. */
static int c_gdb(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    char err[256], *cause = NULL;
    (void)argc;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (gdbserver_spec_ok(argv[1], err, sizeof err) < 0)
        return session_err(out, "gdb: %s", err);
    fflush(out);
    int rc = gdbserver_serve(ss, argv[1], 0, out, &cause);
    if (rc < 0) {
        session_err(out, "%s", cause);
        free(cause);
        return CMD_ERROR;
    }
    char line[256];
    session_status(ss, line, sizeof line);
    fprintf(out, "%s\n", line);
    return CMD_OK;
}

static int c_status(void *ctx, int argc, char **argv, FILE *out)
{
    char line[256];
    (void)argc, (void)argv;
    session_status(ctx, line, sizeof line);
    fprintf(out, "%s\n", line);
    return CMD_OK;
}

const cmd_entry session_commands[] = {
    {"help", "h", 0, 1, "[COMMAND]", "list the commands, or describe one", c_help},
    {"load", NULL, 1, 30, "FIRMWARE.elf [run options]", "load a firmware (options as for 'tinysim run')", c_load},
    {"board", NULL, 1, 1, "NAME|FILE", "reload the firmware on another board", c_board},
    {"run", "r", 0, 0, "", "start from reset (reloading) and run to a breakpoint or the end", c_run},
    {"continue", "c", 0, 0, "", "continue to the next breakpoint or the end", c_continue},
    {"reset", NULL, 0, 0, "", "reload the firmware and go back to reset", c_reset},
    {"step", "s", 0, 1, "[N]", "run until the next layer has finished (N times)", c_step},
    {"stepi", "si", 0, 1, "[N]", "run N instructions (1), then show the next one", c_stepi},
    {"next", "n", 0, 1, "[N]", "run to the start of the next layer (N times)", c_next},
    {"finish", NULL, 0, 0, "", "run to the end of the current layer", c_finish},
    {"watch", NULL, 1, 8, "ADDR|SYMBOL [LEN] [if WHAT OP VALUE]", "stop when those bytes change (4, or the symbol's size up to 8)", c_watch},
    {"until", "u", 1, 1, "ADDR|SYMBOL[+OFF]", "continue to there (or to what stops the run first)", c_until},
    {"break", "b", 2, 8, "layer N | op NAME | symbol NAME | address ADDR [if WHAT OP VALUE]", "set a breakpoint", c_break},
    {"delete", "d", 0, 1, "[N]", "delete breakpoint N, or all of them", c_delete},
    {"info", "i", 1, 2, "layers | layer N | break | registers | memory | board", "show state", inspect_info},
    {"x", NULL, 1, 2, "ADDR|SYMBOL[+OFF] [COUNT] | x/NFU ADDR", "dump target memory (bytes, default 64; gdb's x/16xb, x/4dw, x/2f)", inspect_x},
    {"print", "p", 1, 8, "EXPR", "a register, symbol or number; *ADDR; casts (int8)..(float), gdb's print", gdb_print},
    {"backtrace", "bt", 0, 0, "", "the call stack: PC, LR and the return addresses on the stack", gdb_bt},
    {"disas", NULL, 0, 2, "[ADDR|SYMBOL] [COUNT]", "disassemble (default: 10 at the PC)", inspect_disas},
    {"tensor", NULL, 1, 7, "N [in|in1|out] [--hex|--stats] [--channel C] [--zoom Z]", "a layer's input or output tensor (the heat map's channel and zoom stay)", inspect_tensor},
    {"compare", NULL, 0, 0, "", "each finished layer's output against the host reference", inspect_compare},
    {"profile", NULL, 0, 0, "", "the per-layer table of the last inference", inspect_profile},
    {"functions", NULL, 0, 1, "[N]", "the N functions with the most self cycles (10)", inspect_functions},
    {"energy", NULL, 0, 4, "[--rate N/s] [--battery MAH]", "energy per inference, power, battery life", inspect_energy},
    {"set", NULL, 2, 2, "clock FREQ | budget CYCLES|off", "change the clock or the cycle budget", c_set},
    {"expect", NULL, 2, 5, "WHAT OP VALUE", "check a figure, 'expect cycles < 5M' (a script fails with exit 1 when it does not hold)", session_expect},
    {"export", NULL, 2, 2, "json|csv|markdown FILE", "write the report, the layer table or a summary", inspect_export},
    {"status", NULL, 0, 0, "", "where the firmware is", c_status},
    {"gdb", NULL, 1, 1, "[HOST:]PORT", "serve gdb (target remote PORT) here until it detaches; 0 picks a free port", c_gdb},
    {"echo", NULL, 0, -1, "TEXT...", "print a line (for scripts)", c_echo},
    {"pause", NULL, 0, -1, "[TEXT...]", "in a script on a terminal: wait for Enter (a workshop's breath)", c_pause},
    {"quit", "q", 0, 0, "", "leave", c_quit},
    {NULL, NULL, 0, 0, NULL, NULL, NULL},
};

const prof_layer *session_layers(const session *ss, uint32_t *n)
{
    *n = 0;
    if (ss->state == SS_NONE)
        return NULL;
    const prof_inference *inf = prof_last(ss->v.pf);
    if (inf && inf->probed) /* --probe / --layer-calls: the calls are the rows */
        return prof_layers(ss->v.pf, n);
    const prof_layer *L = prof_current(ss->v.pf, n);
    if (!L)
        L = prof_layers(ss->v.pf, n);
    if (!L)
        *n = 0;
    return L;
}

int session_repeatable(const char *line)
{
    char word[32], err[128];
    size_t n = strcspn(line, " \t");
    if (n == 0 || n >= sizeof word)
        return 0;
    memcpy(word, line, n);
    word[n] = 0;
    const cmd_entry *e = cmd_lookup(session_commands, word, err, sizeof err);
    return e && (strcmp(e->name, "step") == 0 || strcmp(e->name, "next") == 0 ||
                 strcmp(e->name, "stepi") == 0);
}

int session_exec(session *ss, const char *line, FILE *out)
{
    ss->out = out;
    return cmd_exec(session_commands, ss, line, out, out);
}
