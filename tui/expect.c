/*
 * `expect`: assertions in the command language, for scripts a CI runs (tinysim -x).
 *
 *   expect WHAT OP VALUE
 *
 * WHAT is a figure of the last completed inference (cycles, instructions, time_ms,
 * energy_uj, stack, arena), of the whole run so far (run cycles, run instructions), of a
 * layer of the last (else the running) inference (layer N cycles|instructions|time_ms|
 * energy_uj|macs|cycles_per_mac|stack|arena), of the last inference's first output (output
 * argmax|max|min, its values as the model's type says: int8, int32 or float32), or of how
 * the run stopped (exit status: the firmware's exit status; stop: exit, fault, budget (it
 * did not finish: a budget, the timeout, a hang), paused or none, with == or !=). OP is one of < <= > >= == !=; VALUE a number with an
 * optional k, M or G (5M, 2.5k, 0x20).
 *
 * A figure that holds prints "expect: ok: cycles 9,956,639 < 10M"; one that does not prints
 * "expect: FAILED: ..." with the figure, and the session remembers it (ss->expect_failed):
 * a script then stops with exit code 1 (tui/repl.c). An expectation about the stop (stop,
 * exit status) also says the script looked at how the run ended, so a fault or a budget stop
 * does not set the script's exit code by itself (ss->stop_expected).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "tui/session_int.h"

enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };
static const char *const op_words[] = {"<", "<=", ">", ">=", "==", "!="};

/* "5M", "2.5k", "0x20", "-3" into *v: 0, or -1. */
static int parse_value(const char *s, double *v)
{
    char *end;
    double x;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        unsigned long long h = strtoull(s, &end, 16);
        x = (double)h;
    } else {
        x = strtod(s, &end);
    }
    if (end == s)
        return -1;
    if (*end == 'k' || *end == 'K')
        x *= 1e3, end++;
    else if (*end == 'M')
        x *= 1e6, end++;
    else if (*end == 'G')
        x *= 1e9, end++;
    if (*end || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

static int holds(double a, int op, double b)
{
    switch (op) {
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    case OP_EQ: return a == b;
    default: return a != b;
    }
}

/* A figure of a layer row or the inference, by field name: 0, or -1 (unknown field). */
static int row_figure(const session *ss, const prof_layer *y, const char *f, double *v)
{
    double hz = ss->v.board.clock_hz;
    if (strcmp(f, "cycles") == 0)
        *v = (double)y->cycles;
    else if (strcmp(f, "instructions") == 0)
        *v = (double)y->insns;
    else if (strcmp(f, "time_ms") == 0)
        *v = (double)y->cycles * 1e3 / hz;
    else if (strcmp(f, "energy_uj") == 0)
        *v = prof_energy_j(&ss->v.board, y->cycles) * 1e6;
    else if (strcmp(f, "macs") == 0)
        *v = (double)y->macs;
    else if (strcmp(f, "cycles_per_mac") == 0)
        *v = y->macs ? (double)y->cycles / (double)y->macs : 0;
    else if (strcmp(f, "stack") == 0)
        *v = y->stack_bytes;
    else if (strcmp(f, "arena") == 0)
        *v = y->arena_bytes;
    else
        return -1;
    return 0;
}

static const char *const row_fields = "cycles, instructions, time_ms, energy_uj, macs, "
                                      "cycles_per_mac, stack, arena";

/* The last inference's first output as numbers: argmax, max or min. */
static int output_figure(session *ss, const char *f, double *v, FILE *out)
{
    const uint8_t *data;
    uint32_t size, img, arena;
    const char *why;
    if (prof_output(ss->v.pf, &data, &size, &why) != 0)
        return session_err(out, "expect output: no output tensor to look at%s%s",
                           why[0] ? ": " : " (no inference completed)", why);
    const nn_model *m = prof_model(ss->v.pf, &img, &arena);
    uint32_t type = m && m->hdr->n_outputs ? nn_tensor(m, nn_model_output(m, 0))->type
                                           : NN_T_INT8;
    uint32_t esz = type == NN_T_INT8 ? 1 : 4, n = size / esz, best = 0;
    if (!n)
        return session_err(out, "expect output: the output tensor is empty");
    double mx = -INFINITY, mn = INFINITY;
    for (uint32_t i = 0; i < n; i++) {
        double x;
        if (type == NN_T_INT8) {
            x = (int8_t)data[i];
        } else if (type == NN_T_INT32) {
            int32_t t;
            memcpy(&t, data + 4 * i, 4);
            x = t;
        } else {
            float t;
            memcpy(&t, data + 4 * i, 4);
            x = t;
        }
        if (x > mx) {
            mx = x;
            best = i;
        }
        if (x < mn)
            mn = x;
    }
    if (strcmp(f, "argmax") == 0)
        *v = best;
    else if (strcmp(f, "max") == 0)
        *v = mx;
    else if (strcmp(f, "min") == 0)
        *v = mn;
    else
        return session_err(out, "expect output: '%s' is not argmax, max or min", f);
    return CMD_OK;
}

/* How the run stopped, as a word. */
static const char *stop_word(const session *ss)
{
    switch (ss->state) {
    case SS_EXITED: return "exit";
    case SS_FAULTED: return ss->st.reason == SIM_STOP_HANG ? "budget" : "fault";
    case SS_PAUSED:
        return ss->st.reason == SIM_STOP_CYCLES || ss->st.reason == SIM_STOP_INSNS ||
                       ss->st.reason == SIM_STOP_TIMEOUT
                   ? "budget"
                   : "paused";
    default: return "none";
    }
}

/* The expectation argv[1..] (argv[0]: the command's name), evaluated now: CMD_OK with its
 * "expect: ok: ..." or "expect: FAILED: ..." line written to out and ss->expect_failed set
 * when it does not hold; CMD_ERROR (said on out) when it cannot be read. */
static int expect_run(session *ss, int argc, char **argv, FILE *out)
{
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    int op = -1, nw = argc - 1; /* the words before OP VALUE */
    if (argc >= 4)
        for (int i = 0; i < 6; i++)
            if (strcmp(argv[argc - 2], op_words[i]) == 0)
                op = i;
    if (op < 0)
        return session_err(out, "expect WHAT OP VALUE: OP is one of < <= > >= == !=, as in "
                                "'expect cycles < 5M'");
    nw = argc - 3;
    const char *val = argv[argc - 1], *w0 = argv[1];
    char what[96], a[40], b[48];
    double have = 0, want = 0;
    snprintf(what, sizeof what, "%s", w0);
    if (nw == 1 && strcmp(w0, "stop") == 0) {
        static const char *const words[] = {"exit", "fault", "budget", "paused", "none"};
        int known = 0;
        for (int i = 0; i < 5; i++)
            known |= strcmp(val, words[i]) == 0;
        if (!known || (op != OP_EQ && op != OP_NE))
            return session_err(out, "expect stop == WORD (or !=): WORD is exit, fault, budget, "
                                    "paused or none");
        ss->stop_expected = 1;
        const char *now = stop_word(ss);
        int ok = (strcmp(now, val) == 0) == (op == OP_EQ);
        fprintf(out, "expect: %s: stop %s %s (the run stopped: %s)\n", ok ? "ok" : "FAILED", op_words[op],
                val, now);
        ss->expect_failed |= !ok;
        return CMD_OK;
    }
    if (parse_value(val, &want) < 0)
        return session_err(out, "expect: '%s' is not a number (5000000, 5M, 2.5k, 0x20)", val);
    if (nw == 2 && strcmp(w0, "exit") == 0 && strcmp(argv[2], "status") == 0) {
        ss->stop_expected = 1;
        if (ss->state != SS_EXITED) {
            fprintf(out, "expect: FAILED: exit status %s %s (the firmware has not exited: %s)\n",
                    op_words[op], val, stop_word(ss));
            ss->expect_failed = 1;
            return CMD_OK;
        }
        have = ss->st.exit_status;
        snprintf(what, sizeof what, "exit status");
    } else if (nw == 2 && strcmp(w0, "run") == 0) {
        sim_stats x;
        sim_stats_get(ss->v.s, &x);
        if (strcmp(argv[2], "cycles") == 0)
            have = (double)x.cycles;
        else if (strcmp(argv[2], "instructions") == 0)
            have = (double)x.insns;
        else
            return session_err(out, "expect run: '%s' is not cycles or instructions", argv[2]);
        snprintf(what, sizeof what, "run %s", argv[2]);
    } else if (nw == 2 && strcmp(w0, "output") == 0) {
        if (output_figure(ss, argv[2], &have, out) != CMD_OK)
            return CMD_ERROR;
        snprintf(what, sizeof what, "output %s", argv[2]);
    } else if (nw == 3 && strcmp(w0, "layer") == 0) {
        uint64_t l;
        uint32_t n;
        const prof_layer *L = prof_layers(ss->v.pf, &n);
        if (!L)
            L = prof_current(ss->v.pf, &n);
        if (!L)
            return session_err(out, "expect layer: no inference has begun: 'run' first");
        if (session_parse_num(argv[2], UINT32_MAX, &l) < 0 || l >= n)
            return session_err(out, "expect layer: '%s' is not a layer number from 0 to %u",
                               argv[2], n - 1);
        if (row_figure(ss, &L[l], argv[3], &have) < 0)
            return session_err(out, "expect layer %s: '%s' is not one of %s", argv[2], argv[3],
                               row_fields);
        if (!L[l].ran) {
            fprintf(out, "expect: FAILED: layer %s %s %s %s (layer %s has not run)\n", argv[2],
                    argv[3], op_words[op], val, argv[2]);
            ss->expect_failed = 1;
            return CMD_OK;
        }
        snprintf(what, sizeof what, "layer %s %s", argv[2], argv[3]);
    } else if (nw == 1) {
        const prof_inference *inf = prof_last(ss->v.pf);
        prof_layer row = {0}; /* the inference's figures as a row (all 0 before one) */
        if (inf) {
            row.cycles = inf->cycles;
            row.insns = inf->insns;
            row.stack_bytes = inf->stack_bytes;
            row.arena_bytes = inf->arena_size;
        }
        if (strcmp(w0, "macs") == 0 || strcmp(w0, "cycles_per_mac") == 0 ||
            row_figure(ss, &row, w0, &have) < 0)
            return session_err(out, "expect: '%s' is not a figure: give cycles, instructions, "
                                    "time_ms, energy_uj, stack or arena (of the last inference), "
                                    "run cycles|instructions, layer N FIELD, output "
                                    "argmax|max|min, exit status or stop", w0);
        if (!inf) {
            fprintf(out, "expect: FAILED: %s %s %s (no inference has completed)\n", w0,
                    op_words[op], val);
            ss->expect_failed = 1;
            return CMD_OK;
        }
    } else {
        return session_err(out, "expect: give cycles, instructions, time_ms, energy_uj, stack or "
                                "arena (of the last inference), run cycles|instructions, layer "
                                "N FIELD, output argmax|max|min, exit status or stop");
    }
    int ok = holds(have, op, want);
    if (have == floor(have) && fabs(have) < 1e15)
        text_grouped((uint64_t)fabs(have), a, sizeof a);
    else
        snprintf(a, sizeof a, "%.6g", fabs(have));
    snprintf(b, sizeof b, "%s%s", have < 0 ? "-" : "", a);
    fprintf(out, "expect: %s: %s %s %s %s\n", ok ? "ok" : "FAILED", what, b, op_words[op], val);
    ss->expect_failed |= !ok;
    return CMD_OK;
}

int session_expect(void *ctx, int argc, char **argv, FILE *out)
{
    return expect_run(ctx, argc, argv, out);
}

int session_condition(session *ss, int argc, char **argv, int *holds, char *said, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    int failed = ss->expect_failed, stop = ss->stop_expected;
    ss->expect_failed = 0;
    int rc = expect_run(ss, argc, argv, f);
    fclose(f);
    *holds = rc == CMD_OK && !ss->expect_failed;
    ss->expect_failed = failed; /* a condition is not an expectation of the script's */
    ss->stop_expected = stop;
    if (said && n) {
        const char *t = buf ? buf : "";
        if (strncmp(t, "expect: ", 8) == 0)
            t += 8;
        snprintf(said, n, "%.*s", (int)strcspn(t, "\n"), t);
    }
    free(buf);
    return rc == CMD_OK ? 0 : -1;
}
