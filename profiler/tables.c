/*
 * The text tables `run` prints (layers, where each layer's cycles go, probed functions,
 * functions, stack overflow warnings) and the layer rows as CSV and as Markdown (`run
 * --csv`, the REPL's `export csv|markdown`). Names from the firmware or the model go
 * through text_safe in the text tables.
 */
#include <stdio.h>
#include <string.h>

#include "models/text.h"
#include "profiler/check.h"
#include "profiler/prof_int.h"

/* Characters of a name (an op, a C++ function) a table shows before it cuts it with "...". */
#define SHOW_NAME 256

/* ===================================================================== layers */

/* The width of the op column: the widest op of the rows as shown, at least min, so that no
 * name is cut (the column of C++ function names of probed calls grows to fit them). */
static int op_width(const prof_layer *L, uint32_t n, int min)
{
    char op[TEXT_SAFE_SIZE(SHOW_NAME)];
    size_t w = (size_t)min;
    for (uint32_t i = 0; L && i < n; i++) {
        size_t k = strlen(text_safe(L[i].op, op, sizeof op));
        if (k > w)
            w = k;
    }
    return (int)w;
}

static void bar(char *buf, double share, int width)
{
    int n = (int)(share * width + 0.5);
    for (int i = 0; i < width; i++)
        buf[i] = i < n ? '#' : '.';
    buf[width] = 0;
}

/* Each completed inference's cycles, when there were several (first against steady state):
 * all of them up to 8, else the first, the least, the most and the last. */
static void print_history(FILE *f, const prof *p)
{
    uint32_t n;
    uint64_t count, lo = UINT64_MAX, hi = 0;
    const prof_total *h = prof_history(p, &n, &count);
    char a[32];
    if (count < 2 || !h || !n)
        return;
    fprintf(f, "inferences: %llu completed; cycles of each:", (unsigned long long)count);
    if (count <= 8) {
        for (uint32_t i = 0; i < n; i++)
            fprintf(f, " %u: %s", i, text_grouped(h[i].cycles, a, sizeof a));
        fputc('\n', f);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        lo = h[i].cycles < lo ? h[i].cycles : lo;
        hi = h[i].cycles > hi ? h[i].cycles : hi;
    }
    fprintf(f, " first %s,", text_grouped(h[0].cycles, a, sizeof a));
    fprintf(f, " least %s,", text_grouped(lo, a, sizeof a));
    fprintf(f, " most %s,", text_grouped(hi, a, sizeof a));
    fprintf(f, " %s %s%s\n", n == count ? "last" : "last recorded",
            text_grouped(h[n - 1].cycles, a, sizeof a), n == count ? "" : " (the first 10,000)");
}

/* The layer table; rows the inference did not measure (a layer that did not run, or whose
 * probes made no sense) show "-". For probed calls the total is labelled as the sum over the
 * calls, with the mean per call beside it. */
void prof_print_table(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    const prof_inference *inf = prof_last(p);
    int energy = b->run_ua_per_mhz > 0 && b->vdd_v > 0;
    char model[TEXT_SAFE_SIZE(sizeof inf->model_name)];
    if (!L || !inf)
        return;
    text_safe(inf->model_name + (inf->probed ? 6 : 0), model, sizeof model);
    if (inf->probed)
        fprintf(f, "\n--- probed calls (%s: %u top-level calls%s) ---\n", model, n,
                n == PROF_MAX_CALLS ? ", the first ones" : "");
    else if (prof_reported(p) >= 0 && prof_history_count(p) != (uint64_t)prof_reported(p) + 1)
        fprintf(f, "\n--- layers (inference %lld of %llu, as --inference asked, of %s: %u layers) ---\n",
                (long long)prof_reported(p), (unsigned long long)prof_history_count(p), model, n);
    else
        fprintf(f, "\n--- layers (last inference of %s: %u layers) ---\n", model, n);
    const int ow = op_width(L, n, 17);
    fprintf(f, "%3s  %-*s %-14s %10s %12s %9s %9s %7s %6s %7s  %s\n", "#", ow,
            inf->probed ? "function" : "op", "output",
            "MACs", "cycles", "ms", energy ? "uJ" : "uJ(n/a)", "cyc/MAC", "stack", "arena",
            "share");
    uint64_t macs = 0;
    uint32_t not_run = 0;
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        char sh[24], cpm[16], uj[16], op[TEXT_SAFE_SIZE(SHOW_NAME)];
        double share = inf->cycles ? (double)y->cycles / (double)inf->cycles : 0;
        text_safe(y->op, op, sizeof op);
        macs += y->macs;
        if (!y->ran) {
            not_run++;
            fprintf(f, "%3u  %-*s %-14s %10llu %12s %9s %9s %7s %6s %7u  %s\n", y->index, ow, op,
                    y->out_shape, (unsigned long long)y->macs, "-", "-", "-", "-", "-",
                    y->arena_bytes, "(not measured)");
            continue;
        }
        bar(sh, share, 16);
        if (y->macs)
            snprintf(cpm, sizeof cpm, "%.2f", (double)y->cycles / (double)y->macs);
        else
            snprintf(cpm, sizeof cpm, "-");
        if (energy)
            snprintf(uj, sizeof uj, "%.1f", prof_energy_j(b, y->cycles) * 1e6);
        else
            snprintf(uj, sizeof uj, "-");
        fprintf(f, "%3u  %-*s %-14s %10llu %12llu %9.3f %9s %7s %6u %7u  %s %4.1f%%\n", y->index,
                ow, op, y->out_shape, (unsigned long long)y->macs, (unsigned long long)y->cycles,
                (double)y->cycles * 1e3 / b->clock_hz, uj, cpm, y->stack_bytes, y->arena_bytes,
                sh, share * 100);
    }
    if (inf->probed)
        fprintf(f, "total of the %u calls: %llu cycles, %.3f ms", inf->calls,
                (unsigned long long)inf->cycles, (double)inf->cycles * 1e3 / b->clock_hz);
    else
        fprintf(f, "total: %llu MACs, %llu cycles, %.3f ms", (unsigned long long)macs,
                (unsigned long long)inf->cycles, (double)inf->cycles * 1e3 / b->clock_hz);
    if (energy)
        fprintf(f, ", %.1f uJ", prof_energy_j(b, inf->cycles) * 1e6);
    if (macs)
        fprintf(f, ", %.2f cycles/MAC", (double)inf->cycles / (double)macs);
    if (inf->probed && inf->calls) {
        double per = (double)inf->cycles / inf->calls;
        fprintf(f, "; per call (mean) %.0f cycles, %.3f ms", per, per * 1e3 / b->clock_hz);
        if (energy)
            fprintf(f, ", %.1f uJ", prof_energy_j(b, inf->cycles) * 1e6 / inf->calls);
        fprintf(f, "; peak stack %u bytes\n", inf->stack_bytes);
    } else {
        fprintf(f, "; peak stack %u bytes, arena %u bytes", inf->stack_bytes, inf->arena_size);
        if (inf->arena_given)
            fprintf(f, " (of %u given)", inf->arena_given);
        fprintf(f, ", model %u bytes\n", inf->model_bytes);
    }
    print_history(f, p);
    if (not_run)
        fprintf(f, "(%u of the %u layers were not measured in this inference: they did not run, "
                   "or their probe calls made no sense)\n", not_run, n);
    if (!energy)
        fprintf(f, "(no energy: board %s has no run-current figure)\n", b->name);
}

void prof_write_csv(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    const prof_inference *inf = prof_last(p);
    fprintf(f, "index,op,name,output_shape,macs,weight_bytes,cycles,instructions,time_ms,"
               "energy_uj,cycles_per_mac,stack_bytes,arena_bytes,share\n");
    for (uint32_t i = 0; L && inf && i < n; i++) {
        const prof_layer *y = &L[i];
        char name[2 * sizeof y->name];
        size_t k = 0;
        for (const char *c = y->name; *c && k + 2 < sizeof name; c++) { /* CSV quoting */
            if (*c == '"')
                name[k++] = '"';
            name[k++] = *c;
        }
        name[k] = 0;
        fprintf(f, "%u,%s,\"%s\",%s,%llu,%u,%llu,%llu,%.6f,%.3f,", y->index, y->op, name,
                y->out_shape, (unsigned long long)y->macs, y->weight_bytes,
                (unsigned long long)y->cycles, (unsigned long long)y->insns,
                (double)y->cycles * 1e3 / b->clock_hz, prof_energy_j(b, y->cycles) * 1e6);
        if (y->macs)
            fprintf(f, "%.4f", (double)y->cycles / (double)y->macs);
        fprintf(f, ",%u,%u,%.6f\n", y->stack_bytes, y->arena_bytes,
                inf->cycles ? (double)y->cycles / (double)inf->cycles : 0.0);
    }
}

/* The layer rows as a Markdown table under a "### MODEL on BOARD" heading (the REPL's
 * `export markdown`). */
void prof_write_markdown(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    const prof_inference *inf = prof_last(p);
    if (!L || !inf)
        return;
    char model[160], op[160];
    fprintf(f, "### %s on %s at %.6g MHz\n\n(times at that clock)\n\n"
               "| # | op | output | MACs | cycles | ms | stack | arena |\n"
               "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |\n",
            check_md_text(inf->model_name, model, sizeof model), b->name, b->clock_hz / 1e6);
    for (uint32_t i = 0; i < n; i++)
        fprintf(f, "| %u | %s | %s | %llu | %llu | %.3f | %u | %u |\n", L[i].index,
                check_md_text(L[i].op, op, sizeof op), L[i].out_shape,
                (unsigned long long)L[i].macs, (unsigned long long)L[i].cycles,
                (double)L[i].cycles * 1e3 / b->clock_hz, L[i].stack_bytes, L[i].arena_bytes);
}

/* ===================================================================== breakdown */

static void pct(char *buf, size_t n, uint64_t part, uint64_t whole)
{
    if (whole)
        snprintf(buf, n, "%.0f%%", 100.0 * (double)part / (double)whole);
    else
        snprintf(buf, n, "-");
}

void prof_print_breakdown(FILE *f, const prof *p)
{
    uint32_t n;
    const prof_layer *L = prof_layers(p, &n);
    if (!L)
        return;
    fprintf(f, "\n--- where each layer's cycles go (instruction mix, memory, flash wait states, "
               "top function) ---\n");
    const int ow = op_width(L, n, 17);
    fprintf(f, "%3s  %-*s %5s %7s %6s %6s %5s %10s %10s %10s %7s  %s\n", "#", ow, "op", "alu",
            "mul/dsp", "ld/st", "branch", "fp", "loads", "stores", "flash rd", "ws cyc",
            "top function (share of the layer)");
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        uint64_t g[PROF_G_COUNT];
        char c[PROF_G_COUNT][8], ws[16], top[TEXT_SAFE_SIZE(SHOW_NAME) + 16] = "-";
        prof_groups(y->mix, g);
        for (int k = 0; k < PROF_G_COUNT; k++)
            pct(c[k], sizeof c[k], g[k], y->insns);
        pct(ws, sizeof ws, y->stall_cycles, y->cycles);
        char fn[TEXT_SAFE_SIZE(SHOW_NAME)], op[TEXT_SAFE_SIZE(SHOW_NAME)];
        if (y->n_top)
            snprintf(top, sizeof top, "%s (%.0f%%)", text_safe(y->top[0].name, fn, sizeof fn),
                     y->cycles ? 100.0 * (double)y->top[0].cycles / (double)y->cycles : 0.0);
        fprintf(f, "%3u  %-*s %5s %7s %6s %6s %5s %10llu %10llu %10llu %7s  %s\n", y->index,
                ow, text_safe(y->op, op, sizeof op), c[PROF_G_ALU], c[PROF_G_MUL], c[PROF_G_MEM],
                c[PROF_G_BRANCH],
                c[PROF_G_FP], (unsigned long long)y->mix[SIM_CLS_LOAD],
                (unsigned long long)y->mix[SIM_CLS_STORE], (unsigned long long)y->flash_bytes,
                ws, top);
    }
    fprintf(f, "(shares of the layer's instructions; loads/stores: single LDR*/STR*, "
               "LDM/STM/PUSH/POP count in ld/st; flash rd: data bytes read from flash; ws cyc: "
               "share of the cycles that are flash wait states)\n");
}

/* ===================================================================== probes, functions */

void prof_print_probes(FILE *f, const prof *p, const sim_board *b)
{
    if (!p->n_probes)
        return;
    fprintf(f, "\n--- probed functions (%s: each call from entry to return, inclusive) ---\n",
            p->calls_are_layers ? "--layer-calls, those called" : "--probe");
    char nm[TEXT_SAFE_SIZE(SHOW_NAME)];
    size_t nw = 24;
    for (uint32_t k = 0; k < p->n_probes; k++)
        if ((p->probes[k].calls || !p->probes[k].by_glob) &&
            strlen(text_safe(p->probes[k].name, nm, sizeof nm)) > nw)
            nw = strlen(nm);
    fprintf(f, "%-*s %8s %14s %12s %12s %12s %10s %6s\n", (int)nw, "function", "calls", "cycles",
            "mean", "min", "max", "mean ms", "stack");
    for (uint32_t k = 0; k < p->n_probes; k++) {
        const prof_probe *q = &p->probes[k];
        if (!q->calls && q->by_glob)
            continue;
        text_safe(q->name, nm, sizeof nm);
        if (!q->calls) {
            fprintf(f, "%-*s %8s  (never returned: not called, or still running at the end)\n",
                    (int)nw, nm, "0");
            continue;
        }
        double mean = (double)q->cycles / (double)q->calls;
        fprintf(f, "%-*s %8llu %14llu %12.0f %12llu %12llu %10.3f %6u\n", (int)nw, nm,
                (unsigned long long)q->calls, (unsigned long long)q->cycles, mean,
                (unsigned long long)q->min_cycles, (unsigned long long)q->max_cycles,
                mean * 1e3 / b->clock_hz, q->stack_bytes);
    }
    if (p->lost_open)
        fprintf(f, "(calls nested deeper than %d probed calls were not measured)\n",
                PROF_MAX_DEPTH);
}

/*
 * One warning per row whose lowest SP went below __stack_limit__, naming what lies there from
 * the ELF's sections and symbols (what the overflow may have overwritten).
 */
uint32_t prof_print_overflows(FILE *f, const prof *p)
{
    uint32_t n, count = 0;
    const prof_layer *L = prof_layers(p, &n);
    const int probed = prof_last(p) && prof_last(p)->probed;
    for (uint32_t i = 0; L && i < n; i++) {
        const prof_layer *y = &L[i];
        if (!y->stack_overflow)
            continue;
        uint32_t at = p->stack_limit - y->stack_overflow, off = 0;
        const sim_symbol *sym = sim_elf_symbol_at(p->elf, at, &off);
        const sim_section *in = NULL;
        char what[TEXT_SAFE_SIZE(64) + 32], over[TEXT_SAFE_SIZE(SHOW_NAME) + 32] = "";
        char op[TEXT_SAFE_SIZE(SHOW_NAME)];
        for (uint32_t k = 0; k < p->elf->n_alloc; k++) {
            const sim_section *sc = &p->elf->alloc[k];
            if (at - sc->addr < sc->size)
                in = sc;
        }
        if (in) {
            char nm[TEXT_SAFE_SIZE(64)];
            snprintf(what, sizeof what, "%s", text_safe(in->name, nm, sizeof nm));
        } else {
            snprintf(what, sizeof what, "no section of the ELF");
        }
        if (sym && !sym->is_func && (sym->size == 0 || off < sym->size)) {
            char nm[TEXT_SAFE_SIZE(SHOW_NAME)];
            text_safe(sym->display, nm, sizeof nm);
            if (off)
                snprintf(over, sizeof over, ", over %s+0x%x", nm, off);
            else
                snprintf(over, sizeof over, ", over %s", nm);
        }
        fprintf(f, "tinysim: warning: stack overflow in %s %u (%s): the stack went at least "
                   "%u bytes below __stack_limit__ (0x%08x), down to 0x%08x in %s%s; raise the "
                   "stack size or lower the %s's stack use\n",
                probed ? "call" : "layer", y->index, text_safe(y->op, op, sizeof op),
                y->stack_overflow, p->stack_limit, at, what, over,
                probed ? "function" : "layer");
        count++;
    }
    return count;
}

void prof_print_functions(FILE *f, const prof_function *fn, uint32_t n, uint64_t total_cycles,
                          uint32_t top)
{
    if (!n)
        return;
    fprintf(f, "\n--- functions (whole run, self cycles; top %u of %u) ---\n", top < n ? top : n, n);
    fprintf(f, "%12s %6s %12s %10s  %s\n", "cycles", "share", "instructions", "entries",
            "function");
    for (uint32_t i = 0; i < n && i < top; i++) {
        char nm[TEXT_SAFE_SIZE(SHOW_NAME)], where[TEXT_SAFE_SIZE(64) + 16] = "";
        int twin = 0; /* another function shown with the same name: say which this is */
        for (uint32_t k = 0; k < n && k < top && !twin; k++)
            twin = k != i && strcmp(fn[k].name, fn[i].name) == 0;
        if (twin && fn[i].file)
            snprintf(where, sizeof where, " (%s)", text_safe(fn[i].file, nm, sizeof nm));
        else if (twin)
            snprintf(where, sizeof where, " (at 0x%08x)", fn[i].addr);
        fprintf(f, "%12llu %5.1f%% %12llu %10llu  %s%s\n", (unsigned long long)fn[i].cycles,
                total_cycles ? 100.0 * (double)fn[i].cycles / (double)total_cycles : 0.0,
                (unsigned long long)fn[i].insns, (unsigned long long)fn[i].entries,
                text_safe(fn[i].name, nm, sizeof nm), where);
    }
}
