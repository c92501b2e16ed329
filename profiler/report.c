/*
 * The run report in every form a run gives it: the JSON report (schema PROF_REPORT_SCHEMA,
 * README "JSON report"), the run summary and the energy estimate that `run` prints. The
 * tables of layers, probes, functions and memory are profiler/tables.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/json.h"
#include "models/text.h"
#include "profiler/budget.h"
#include "profiler/calls.h"
#include "profiler/report.h"

static const char *reg_names[16] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8",
                                    "r9", "r10", "r11", "r12", "sp", "lr", "pc"};

#define CYCLE_MODEL                                                                          \
    "per-core instruction classes + flash wait states behind the board's prefetch and caches"

void prof_report_summary(FILE *f, sim *s, const sim_stop *st, const char *board_from)
{
    sim_stats x;
    char a[32], b[32], where[128], insn[96];
    const sim_board *bd = sim_get_board(s);
    const sim_elf *e = sim_get_elf(s);
    sim_stats_get(s, &x);
    fprintf(f, "\n--- tinysim run summary ---\n");
    fprintf(f, "firmware      %s\n", e->path);
    fprintf(f, "board         %s (%s): %s, %s, %.0f MHz\n", bd->name, board_from, bd->mcu,
            sim_core_name(bd->core), bd->clock_hz / 1e6);
    switch (st->reason) {
    case SIM_STOP_EXIT:
        fprintf(f, "exit          status %d%s%s\n", st->exit_status, st->message[0] ? ": " : "",
                st->message);
        break;
    case SIM_STOP_FAULT:
        fprintf(f, "fault         %s\n", st->message);
        sim_describe_addr(s, st->pc, where, sizeof where);
        insn[0] = 0;
        sim_disas(s, st->pc, insn, sizeof insn);
        if (st->fault == SIM_FAULT_FETCH && !st->from_addr) {
            fprintf(f, "  at          0x%08x\n", st->pc);
        } else if (st->fault == SIM_FAULT_FETCH) {
            char from[128];
            sim_describe_addr(s, st->from_addr, from, sizeof from);
            fprintf(f, "  branched from the block at 0x%08x (%s)\n", st->from_addr, from);
        } else {
            fprintf(f, "  at          0x%08x %s: %s%s\n", st->pc, where, insn[0] ? insn : "?",
                    st->pc_exact ? "" : " (start of the faulting block; exact instruction unknown)");
        }
        if (st->fault == SIM_FAULT_READ || st->fault == SIM_FAULT_WRITE ||
            st->fault == SIM_FAULT_WRITE_PROT || st->fault == SIM_FAULT_UNALIGNED)
            fprintf(f, "  address     0x%08x\n", st->access_addr);
        fprintf(f, "  registers  ");
        for (int i = 0; i < 16; i++)
            fprintf(f, " %s=%08x%s", reg_names[i], st->regs.r[i], i % 6 == 5 ? "\n             " : "");
        fprintf(f, " xpsr=%08x\n", st->regs.xpsr);
        break;
    default:
        sim_describe_addr(s, st->pc, where, sizeof where);
        fprintf(f, "stopped       %s at 0x%08x (%s)%s%s\n",
                st->reason == SIM_STOP_CYCLES   ? "cycle budget reached"
                : st->reason == SIM_STOP_INSNS  ? "instruction budget reached"
                : st->reason == SIM_STOP_TIMEOUT ? "wall-clock timeout reached"
                : st->reason == SIM_STOP_INTERRUPT ? "interrupted by the user"
                                                   : "cannot continue",
                st->pc, where, st->message[0] ? ": " : "", st->message);
        break;
    }
    fprintf(f, "instructions  %s\n", text_grouped(x.insns, a, sizeof a));
    fprintf(f, "cycles        %s", text_grouped(x.cycles, a, sizeof a));
    if (x.sleep_cycles)
        fprintf(f, " (%s asleep in WFI)", text_grouped(x.sleep_cycles, b, sizeof b));
    fprintf(f, "  [%s]\n", CYCLE_MODEL);
    if (x.fetch_stall_cycles || x.data_stall_cycles || x.flash_bytes)
        fprintf(f, "flash         %s wait-state cycles (%.1f%%: %s fetching code, %s reading "
                   "data), %s data bytes read\n",
                text_grouped(x.fetch_stall_cycles + x.data_stall_cycles, a, sizeof a),
                x.cycles ? 100.0 * (double)(x.fetch_stall_cycles + x.data_stall_cycles) /
                               (double)x.cycles
                         : 0.0,
                text_grouped(x.fetch_stall_cycles, b, sizeof b),
                text_grouped(x.data_stall_cycles, where, sizeof where),
                text_grouped(x.flash_bytes, insn, sizeof insn));
    fprintf(f, "time          %.3f ms at %.6g MHz\n", (double)x.cycles * 1e3 / bd->clock_hz,
            bd->clock_hz / 1e6);
    if (x.inferences || x.layers)
        fprintf(f, "inferences    %u (%u layers run)\n", x.inferences, x.layers);
    fprintf(f, "host          %.3f s, %.1f M instructions/s\n", x.wall_s,
            x.wall_s > 0 ? (double)x.insns / x.wall_s / 1e6 : 0.0);
}

/* The duty cycle's figures (the text below and the report's "duty" object share them). */
typedef struct {
    double t, e;             /* one inference (or call): seconds, joules */
    int sustained;           /* rate x t <= 1 */
    double busy, p_avg, hours; /* fraction busy, average W, battery hours (0: no battery) */
} duty_figures;

static int duty(const prof *pf, const sim_board *b, double rate, double mah, duty_figures *d)
{
    const prof_inference *inf = prof_last(pf);
    if (!inf || (inf->probed && !inf->calls))
        return -1;
    const double per = inf->probed ? (double)inf->calls : 1.0;
    memset(d, 0, sizeof *d);
    d->t = (double)inf->cycles / b->clock_hz / per;
    d->e = prof_energy_j(b, inf->cycles) / per;
    d->sustained = rate * d->t <= 1;
    if (!d->sustained || d->e <= 0)
        return 0;
    d->busy = rate * d->t;
    d->p_avg = rate * d->e + (1 - rate * d->t) * b->vdd_v * b->sleep_ua * 1e-6;
    if (mah > 0 && d->p_avg > 0)
        d->hours = mah / (d->p_avg / b->vdd_v * 1e3);
    return 0;
}

void prof_report_json(FILE *f, sim *s, const prof *pf, const sim_stop *st, const char *board_from,
                      int code)
{
    jw w;
    sim_stats x;
    char where[128];
    const sim_board *bd = sim_get_board(s);
    const sim_elf *e = sim_get_elf(s);
    sim_stats_get(s, &x);
    jw_init(&w, f);
    jw_obj(&w, NULL);
    jw_str(&w, "schema", PROF_REPORT_SCHEMA);
    jw_obj(&w, "firmware");
    jw_str(&w, "path", e->path);
    if (e->board)
        jw_str(&w, "board_note", e->board);
    else
        jw_null(&w, "board_note");
    jw_str(&w, "arch", sim_arch_name(e->cpu_arch));
    jw_end(&w);
    jw_obj(&w, "board");
    jw_str(&w, "name", bd->name);
    jw_str(&w, "from", board_from);
    jw_str(&w, "mcu", bd->mcu);
    jw_str(&w, "core", sim_core_id(bd->core));
    jw_uint(&w, "clock_hz", bd->clock_hz);
    {
        const sim_region *fl = sim_board_flash(bd);
        jw_uint(&w, "flash_wait_states", fl ? fl->wait_states : 0);
    }
    jw_end(&w);
    if (prof_budget_any(prof_get_budget(pf))) {
        prof_budget_item it[PROF_B_COUNT];
        char line[512];
        int over = prof_budget_eval(pf, sim_get_elf(s), bd, it, line, sizeof line);
        jw_obj(&w, "budget");
        jw_str(&w, "verdict", over ? "over" : "fits");
        jw_str(&w, "line", line);
        for (int i = 0; i < PROF_B_COUNT; i++) {
            if (!it[i].given)
                continue;
            jw_obj(&w, prof_budget_keys[i]);
            jw_num(&w, "limit", it[i].limit);
            jw_num(&w, "value", it[i].value);
            jw_bool(&w, "over", it[i].over);
            jw_end(&w);
        }
        jw_end(&w);
    }
    duty_figures d;
    double rate, mah;
    prof_get_duty(pf, &rate, &mah);
    if (rate > 0 && duty(pf, bd, rate, mah, &d) == 0) {
        jw_obj(&w, "duty");
        jw_num(&w, "rate_per_s", rate);
        jw_bool(&w, "sustained", d.sustained);
        jw_num(&w, "max_rate_per_s", d.t > 0 ? 1.0 / d.t : 0);
        if (d.sustained && d.e > 0) {
            jw_num(&w, "busy", d.busy);
            jw_num(&w, "power_w", d.p_avg);
            jw_bool(&w, "sleep_current_known", bd->sleep_ua > 0);
            jw_num(&w, "sleep_ua", bd->sleep_ua);
            jw_str(&w, "sleep_mode", bd->sleep_mode);
        }
        if (mah > 0) {
            jw_num(&w, "battery_mah", mah);
            if (d.hours > 0)
                jw_num(&w, "battery_hours", d.hours);
            else
                jw_null(&w, "battery_hours");
        }
        jw_end(&w);
    }
    jw_obj(&w, "exit");
    jw_str(&w, "reason", sim_stop_name(st->reason));
    jw_int(&w, "code", code);
    if (st->reason == SIM_STOP_EXIT)
        jw_int(&w, "status", st->exit_status);
    else
        jw_null(&w, "status");
    jw_str(&w, "message", st->message);
    jw_uint(&w, "pc", st->pc);
    sim_describe_addr(s, st->pc, where, sizeof where);
    jw_str(&w, "where", where);
    if (st->reason == SIM_STOP_FAULT) {
        jw_obj(&w, "fault");
        jw_str(&w, "kind", sim_fault_name(st->fault));
        jw_bool(&w, "pc_exact", st->pc_exact);
        jw_uint(&w, "access_addr", st->access_addr);
        jw_obj(&w, "regs");
        for (int i = 0; i < 16; i++)
            jw_uint(&w, reg_names[i], st->regs.r[i]);
        jw_uint(&w, "xpsr", st->regs.xpsr);
        jw_end(&w);
        jw_end(&w);
    }
    jw_end(&w);
    jw_obj(&w, "totals");
    jw_uint(&w, "instructions", x.insns);
    jw_uint(&w, "cycles", x.cycles);
    jw_uint(&w, "sleep_cycles", x.sleep_cycles);
    jw_num(&w, "time_s", (double)x.cycles / bd->clock_hz);
    jw_uint(&w, "inferences", x.inferences);
    jw_uint(&w, "layers_run", x.layers);
    jw_uint(&w, "exceptions", x.exceptions);
    jw_uint(&w, "semihost_calls", x.semihost_calls);
    jw_uint(&w, "console_bytes", x.console_bytes);
    jw_uint(&w, "fetch_stall_cycles", x.fetch_stall_cycles);
    jw_uint(&w, "data_stall_cycles", x.data_stall_cycles);
    jw_uint(&w, "flash_bytes_read", x.flash_bytes);
    jw_str(&w, "cycle_model", CYCLE_MODEL);
    jw_end(&w);
    {
        prof_memory m;
        prof_memory_use(pf, e, bd, &m);
        jw_obj(&w, "memory");
        jw_obj(&w, "flash");
        jw_uint(&w, "size", m.flash_size);
        jw_uint(&w, "used", m.flash_used);
        jw_uint(&w, "text", m.text);
        jw_uint(&w, "rodata", m.rodata);
        jw_uint(&w, "model", m.model);
        jw_bool(&w, "model_in_slot", m.model_in_slot);
        jw_uint(&w, "data_image", m.data);
        if (m.model_where == PROF_MODEL_NONE)
            jw_null(&w, "model_location");
        else
            jw_str(&w, "model_location", m.model_where == PROF_MODEL_SLOT ? "slot"
                                         : m.model_where == PROF_MODEL_RAM ? "ram"
                                                                           : "rodata");
        jw_uint(&w, "model_slot", m.model_slot);
        jw_uint(&w, "reserved", m.flash_reserved);
        jw_end(&w);
        jw_obj(&w, "ram");
        jw_uint(&w, "size", m.ram_size);
        jw_uint(&w, "used", m.ram_used);
        jw_uint(&w, "data", m.data);
        jw_uint(&w, "bss", m.bss);
        jw_uint(&w, "heap", m.heap);
        jw_uint(&w, "stack", m.stack);
        jw_uint(&w, "stack_peak", m.stack_peak);
        jw_uint(&w, "arena", m.arena);
        jw_uint(&w, "arena_used", m.arena_used);
        jw_bool(&w, "arena_in_section", m.arena_in_slot);
        jw_uint(&w, "input_slot", m.input);
        jw_uint(&w, "input_used", m.input_used);
        jw_uint(&w, "reserved", m.ram_reserved);
        jw_end(&w);
        jw_end(&w);
    }
    {
        uint32_t n;
        const prof_layer *L = prof_layers(pf, &n);
        const prof_inference *inf = prof_last(pf);
        if (inf) {
            jw_obj(&w, "inference");
            jw_str(&w, "model", inf->model_name);
            jw_bool(&w, "probed", inf->probed);
            jw_uint(&w, "cycles", inf->cycles);
            jw_uint(&w, "instructions", inf->insns);
            jw_num(&w, "time_s", (double)inf->cycles / bd->clock_hz);
            jw_num(&w, "energy_j", prof_energy_j(bd, inf->cycles));
            jw_uint(&w, "stack_bytes", inf->stack_bytes);
            jw_uint(&w, "arena_bytes", inf->arena_size);
            if (inf->arena_given)
                jw_uint(&w, "arena_given", inf->arena_given);
            jw_uint(&w, "model_bytes", inf->model_bytes);
            jw_str(&w, "runtime", prof_runtime(pf));
            if (!inf->probed) {
                char hx[32];
                snprintf(hx, sizeof hx, "fnv1a64:%016llx", (unsigned long long)inf->model_hash);
                if (inf->model_hash)
                    jw_str(&w, "model_hash", hx);
                else
                    jw_null(&w, "model_hash");
                snprintf(hx, sizeof hx, "fnv1a64:%016llx", (unsigned long long)inf->input_hash);
                if (inf->input_hash)
                    jw_str(&w, "input_hash", hx);
                else
                    jw_null(&w, "input_hash");
            }
            if (!inf->probed) {
                uint32_t nh;
                uint64_t count;
                const prof_total *h = prof_history(pf, &nh, &count);
                if (prof_reported(pf) >= 0)
                    jw_uint(&w, "ordinal", (uint64_t)prof_reported(pf));
                else
                    jw_null(&w, "ordinal");
                jw_uint(&w, "completed", count);
                jw_arr(&w, "each");
                for (uint32_t i = 0; h && i < nh; i++) {
                    jw_obj(&w, NULL);
                    jw_uint(&w, "cycles", h[i].cycles);
                    jw_uint(&w, "instructions", h[i].insns);
                    jw_num(&w, "time_s", (double)h[i].cycles / bd->clock_hz);
                    jw_end(&w);
                }
                jw_end(&w);
            }
            if (inf->probed && inf->calls) {
                /* the figures above are totals over the calls; these are per call */
                double c = (double)inf->calls;
                jw_uint(&w, "probed_calls", inf->calls);
                jw_obj(&w, "per_call");
                jw_num(&w, "cycles", (double)inf->cycles / c);
                jw_num(&w, "instructions", (double)inf->insns / c);
                jw_num(&w, "time_s", (double)inf->cycles / bd->clock_hz / c);
                jw_num(&w, "energy_j", prof_energy_j(bd, inf->cycles) / c);
                jw_end(&w);
            }
            jw_end(&w);
        } else {
            jw_null(&w, "inference");
        }
        jw_arr(&w, "layers");
        for (uint32_t i = 0; L && i < n; i++) {
            const prof_layer *y = &L[i];
            jw_obj(&w, NULL);
            jw_uint(&w, "index", y->index);
            jw_bool(&w, "measured", y->ran);
            jw_str(&w, "op", y->op);
            jw_str(&w, "name", y->name);
            jw_str(&w, "output_shape", y->out_shape);
            jw_uint(&w, "macs", y->macs);
            jw_uint(&w, "weight_bytes", y->weight_bytes);
            jw_uint(&w, "cycles", y->cycles);
            jw_uint(&w, "instructions", y->insns);
            jw_num(&w, "time_s", (double)y->cycles / bd->clock_hz);
            jw_num(&w, "energy_j", prof_energy_j(bd, y->cycles));
            if (y->macs)
                jw_num(&w, "cycles_per_mac", (double)y->cycles / (double)y->macs);
            else
                jw_null(&w, "cycles_per_mac");
            jw_uint(&w, "stack_bytes", y->stack_bytes);
            jw_uint(&w, "stack_overflow_bytes", y->stack_overflow);
            jw_uint(&w, "arena_bytes", y->arena_bytes);
            jw_num(&w, "share", inf && inf->cycles ? (double)y->cycles / (double)inf->cycles : 0.0);
            jw_uint(&w, "stall_cycles", y->stall_cycles);
            jw_uint(&w, "flash_bytes_read", y->flash_bytes);
            jw_uint(&w, "loads", y->mix[SIM_CLS_LOAD]);
            jw_uint(&w, "stores", y->mix[SIM_CLS_STORE]);
            {
                uint64_t g[PROF_G_COUNT];
                prof_groups(y->mix, g);
                jw_obj(&w, "mix");
                for (int k = 0; k < PROF_G_COUNT; k++)
                    jw_uint(&w, prof_group_names[k], g[k]);
                jw_end(&w);
            }
            jw_arr(&w, "top_functions");
            for (uint32_t k = 0; k < y->n_top; k++) {
                jw_obj(&w, NULL);
                jw_str(&w, "name", y->top[k].name);
                jw_str(&w, "symbol", y->top[k].symbol);
                jw_uint(&w, "cycles", y->top[k].cycles);
                jw_end(&w);
            }
            jw_end(&w);
            jw_end(&w);
        }
        jw_end(&w);
    }
    {
        uint32_t np;
        const prof_probe *pr = prof_probes(pf, &np);
        jw_arr(&w, "probes");
        for (uint32_t i = 0; i < np; i++) {
            if (pr[i].by_glob && !pr[i].calls)
                continue; /* --layer-calls: only the functions that ran */
            jw_obj(&w, NULL);
            jw_str(&w, "name", pr[i].name);
            jw_str(&w, "symbol", pr[i].symbol);
            jw_uint(&w, "addr", pr[i].addr);
            jw_uint(&w, "calls", pr[i].calls);
            jw_uint(&w, "cycles", pr[i].cycles);
            jw_uint(&w, "instructions", pr[i].insns);
            jw_uint(&w, "min_cycles", pr[i].min_cycles);
            jw_uint(&w, "max_cycles", pr[i].max_cycles);
            jw_uint(&w, "stack_bytes", pr[i].stack_bytes);
            jw_end(&w);
        }
        jw_end(&w);
    }
    {
        prof_function *fn = NULL;
        uint32_t nf = prof_functions(s, e, &fn);
        prof_calls cg;
        if (prof_calls_build(s, e, &cg) != 0)
            memset(&cg, 0, sizeof cg);
        jw_arr(&w, "functions");
        for (uint32_t i = 0; i < nf; i++) {
            const prof_call_fn *c = NULL; /* its call-graph figures (none: never called) */
            for (uint32_t k = 0; k < cg.n_fn && !c; k++)
                if (cg.fn[k].addr == fn[i].addr && fn[i].name[0] != '(')
                    c = &cg.fn[k];
            jw_obj(&w, NULL);
            jw_str(&w, "name", fn[i].name);
            jw_str(&w, "symbol", fn[i].symbol);
            if (fn[i].file)
                jw_str(&w, "file", fn[i].file);
            else
                jw_null(&w, "file");
            jw_uint(&w, "addr", fn[i].addr);
            jw_uint(&w, "cycles", fn[i].cycles);
            jw_uint(&w, "instructions", fn[i].insns);
            jw_uint(&w, "entries", fn[i].entries);
            jw_uint(&w, "calls", c ? c->calls : 0);
            jw_uint(&w, "inclusive_cycles", c ? c->incl_cycles : 0);
            jw_end(&w);
        }
        jw_end(&w);
        jw_arr(&w, "calls");
        for (uint32_t i = 0; i < cg.n_edge; i++) {
            const prof_call_edge *ed = &cg.edge[i];
            jw_obj(&w, NULL);
            jw_str(&w, "caller", cg.fn[ed->caller].name);
            jw_uint(&w, "caller_addr", cg.fn[ed->caller].addr);
            jw_str(&w, "callee", cg.fn[ed->callee].name);
            jw_uint(&w, "callee_addr", cg.fn[ed->callee].addr);
            jw_uint(&w, "calls", ed->calls);
            jw_uint(&w, "cycles", ed->cycles);
            jw_end(&w);
        }
        jw_end(&w);
        prof_calls_free(&cg);
        free(fn);
    }
    {
        /* the stack over time: the deepest stack in each stretch of the run (a stretch that
         * moved no SP repeats the one before) */
        const uint32_t *low;
        uint32_t n, shift, top = prof_stack_top(pf), prev = 0;
        sim_sp_timeline(s, &low, &n, &shift);
        jw_obj(&w, "stack_timeline");
        jw_uint(&w, "stretch_cycles", 1ull << shift);
        jw_arr_flat(&w, "bytes");
        for (uint32_t i = 0; i < n; i++) {
            if (low[i] != UINT32_MAX)
                prev = top > low[i] ? top - low[i] : 0;
            jw_uint(&w, NULL, prev);
        }
        jw_end(&w);
        jw_end(&w);
    }
    jw_obj(&w, "host");
    jw_num(&w, "wall_s", x.wall_s);
    jw_uint(&w, "distinct_blocks", x.distinct_blocks);
    jw_uint(&w, "model_loads", prof_model_loads(pf));
    jw_end(&w);
    jw_end(&w);
    jw_finish(&w);
}

/*
 * Energy per inference and, with --rate, the duty-cycled average power and battery life:
 * P_avg = rate x E_inference + (1 - rate x t_inference) x vdd x I_sleep. For probed calls
 * (no core inference) the unit is one top-level call, the mean of them: the profiler's
 * figures are their sum, which is said as such.
 */
void prof_report_energy(FILE *f, const prof *pf, const sim_board *b, double rate, double mah)
{
    const prof_inference *inf = prof_last(pf);
    duty_figures d;
    if (duty(pf, b, rate, mah, &d) < 0)
        return;
    const char *unit = inf->probed ? "call" : "inference";
    if (d.e <= 0) {
        fprintf(f, "energy        board %s has no run-current figure: no energy estimate\n",
                b->name);
        return;
    }
    double ma = (b->run_ua_per_mhz * b->clock_hz / 1e6 + b->run_offset_ua) / 1e3;
    if (inf->probed)
        fprintf(f, "energy        %.1f uJ per call (the mean of %u top-level probed calls, "
                   "%.3f ms each at %.2f V x %.1f mA); %.1f uJ for all %u\n",
                d.e * 1e6, inf->calls, d.t * 1e3, b->vdd_v, ma, d.e * inf->calls * 1e6,
                inf->calls);
    else
        fprintf(f, "energy        %.1f uJ per inference (%.3f ms at %.2f V x %.1f mA)\n",
                d.e * 1e6, d.t * 1e3, b->vdd_v, ma);
    if (!(rate > 0))
        return;
    if (!d.sustained) {
        fprintf(f, "rate          %.3g %ss/s cannot be sustained: one takes %.3f ms; the most "
                   "it sustains is %.4g/s (%.4g/h)\n", rate, unit, d.t * 1e3, 1.0 / d.t,
                3600.0 / d.t);
        return;
    }
    fprintf(f, "rate          %.3g %ss/s: %.1f%% busy, %.3f mW average", rate, unit,
            d.busy * 100, d.p_avg * 1e3);
    if (b->sleep_ua <= 0)
        fprintf(f, " (sleep current unknown for %s: counted as 0)", b->name);
    else
        fprintf(f, ", asleep at %.3g uA between", b->sleep_ua);
    fputc('\n', f);
    if (mah > 0 && d.hours > 0) {
        fprintf(f, "battery       %.0f mAh lasts %.0f h (%.1f days)", mah, d.hours, d.hours / 24);
        if (b->sleep_ua > 0)
            fprintf(f, ", an estimate: asleep at %.3g uA (%s)\n", b->sleep_ua,
                    b->sleep_mode[0] ? b->sleep_mode : "the board profile's sleep_ua");
        else
            fprintf(f, ", an upper bound: %s has no sleep current (a profile with "
                       "'base = %s' and 'sleep_ua = N' gives one)\n", b->name, b->name);
    }
}
