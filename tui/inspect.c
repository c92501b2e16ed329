/*
 * The interactive commands that look at a run (see session.h): info (layers, a layer,
 * breakpoints, registers, memory, board), x and disas (target memory and code), tensor and
 * compare (a layer's tensors as the target produced them, against the host's reference),
 * profile, functions and energy (the profiler's tables), export (the report, CSV, Markdown).
 * Nothing here changes the run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/modelfile.h"
#include "models/outfile.h"
#include "models/text.h"
#include "tui/session_int.h"

/* Why tensor and compare have no model to read: none began yet, the layers are probed
 * calls, or a TFLM model tinysim's converter refused (no tables to read tensors with). */
static int no_core_model(const session *ss, FILE *out, const char *cmd)
{
    uint32_t n;
    if (prof_current(ss->v.pf, &n) || prof_layers(ss->v.pf, &n)) {
        if (prof_tflm_found(ss->v.pf) && prof_current(ss->v.pf, &n))
            return session_err(out, "'%s' needs the model's tables, and tinysim's converter does "
                               "not take this TFLM model (its layers have no MACs either)", cmd);
        return session_err(out, "'%s' reads a model's tensors; these layers are probed "
                           "calls, which have none", cmd);
    }
    return session_err(out, "no inference has started yet: 'run' or 'next' first");
}

static void info_layers(session *ss, FILE *out)
{
    uint32_t n;
    const prof_layer *L = session_layers(ss, &n);
    if (!L) {
        fprintf(out, "no inference has started yet (the layers are known from the first one)\n");
        return;
    }
    char op[TEXT_SAFE_SIZE(256)];
    int ow = 18;
    for (uint32_t i = 0; i < n; i++)
        if ((int)strlen(text_safe(L[i].op, op, sizeof op)) > ow)
            ow = (int)strlen(op);
    fprintf(out, "%3s  %-*s %-14s %10s %12s %6s  %s\n", "#", ow, "op", "output", "MACs",
            "cycles", "stack", "state");
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        const char *st = y->ran ? "done"
                         : ss->in_layer && ss->layer == i ? "current"
                                                          : "-";
        char cyc[24] = "-";
        if (y->ran)
            snprintf(cyc, sizeof cyc, "%llu", (unsigned long long)y->cycles);
        fprintf(out, "%3u%s %-*s %-14s %10llu %12s %6u  %s\n", i,
                (ss->in_layer || ss->layer_done) && ss->layer == i ? ">" : " ", ow,
                text_safe(y->op, op, sizeof op),
                y->out_shape, (unsigned long long)y->macs, cyc, y->stack_bytes, st);
    }
}

void session_print_layer(session *ss, uint32_t i, FILE *out)
{
    uint32_t n;
    const prof_layer *L = session_layers(ss, &n);
    if (!L || i >= n) {
        fprintf(out, "no layer %u (the rows are known once an inference or a probed call ran)\n", i);
        return;
    }
    const prof_layer *y = &L[i];
    char op[TEXT_SAFE_SIZE(256)], name[TEXT_SAFE_SIZE(sizeof y->name)];
    fprintf(out, "layer %u: %s %s, output %s\n", i, text_safe(y->op, op, sizeof op),
            text_safe(y->name, name, sizeof name), y->out_shape);
    fprintf(out, "  MACs %llu, weights %u bytes, arena live %u bytes\n",
            (unsigned long long)y->macs, y->weight_bytes, y->arena_bytes);
    uint32_t img, arena;
    const nn_model *m = prof_model(ss->v.pf, &img, &arena);
    if (m && i < m->hdr->n_layers) {
        const nn_tsm_layer *Ly = nn_layer(m, i);
        for (uint32_t k = 0; k <= Ly->n_inputs; k++) {
            uint32_t t = nn_layer_operand(m, i, k);
            if (t == NN_NO_TENSOR)
                continue;
            const nn_tsm_tensor *x = nn_tensor(m, t);
            char shape[48];
            mf_shape_str(x, shape, sizeof shape);
            uint32_t at;
            char where[16] = "@?";
            if (prof_operand_addr(ss->v.pf, i, k, &at) == 0)
                snprintf(where, sizeof where, "@0x%08x", at);
            fprintf(out, "  %-4s %-8s %-14s scale %-10.4g zp %-4d %-11s %s\n",
                    k == Ly->n_inputs ? "out" : k == 0 ? "in" : k == 1 ? "w" : "bias",
                    x->type == NN_T_INT8 ? "int8" : x->type == NN_T_INT16 ? "int16" : x->type == NN_T_INT32 ? "int32" : "float32",
                    shape, (double)x->scale, (int)x->zero_point, where,
                    x->nquant ? "(per-channel)" : "");
        }
    }
    if (!y->ran) {
        fprintf(out, "  not run yet in this inference\n");
        return;
    }
    double ms = (double)y->cycles * 1e3 / ss->v.board.clock_hz;
    fprintf(out, "  cycles %llu (%.3f ms, %.1f uJ), instructions %llu, stack %u bytes\n",
            (unsigned long long)y->cycles, ms, prof_energy_j(&ss->v.board, y->cycles) * 1e6,
            (unsigned long long)y->insns, y->stack_bytes);
    if (y->macs)
        fprintf(out, "  %.2f cycles per MAC\n", (double)y->cycles / (double)y->macs);
    uint64_t g[PROF_G_COUNT], tot = 0;
    prof_groups(y->mix, g);
    for (int k = 0; k < PROF_G_COUNT; k++)
        tot += g[k];
    fprintf(out, "  mix:");
    for (int k = 0; k < PROF_G_COUNT; k++)
        fprintf(out, " %s %.0f%%", prof_group_names[k], tot ? 100.0 * g[k] / tot : 0.0);
    fprintf(out, "\n  flash: %llu wait-state cycles, %llu data bytes read\n",
            (unsigned long long)y->stall_cycles, (unsigned long long)y->flash_bytes);
    for (uint32_t k = 0; k < y->n_top; k++)
        fprintf(out, "  top %u: %s %llu cycles (%.0f%%)\n", k + 1, y->top[k].name,
                (unsigned long long)y->top[k].cycles,
                y->cycles ? 100.0 * y->top[k].cycles / y->cycles : 0.0);
}

int inspect_info(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    const char *what = argv[1];
    size_t wl = strlen(what);
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (wl && strncmp("layers", what, wl) == 0 && argc == 2) {
        info_layers(ss, out);
    } else if (wl && strncmp("layer", what, wl) == 0) {
        uint32_t n;
        uint64_t v;
        session_layers(ss, &n);
        if (argc != 3 || session_parse_num(argv[2], UINT32_MAX, &v) < 0)
            return session_err(out, "info layer wants a layer number: info layer N");
        if (!n)
            return session_err(out, "no inference has started yet (the layers are known from the "
                                    "first)");
        if (v >= n)
            return session_err(out, "the model has layers 0..%u", n - 1);
        session_print_layer(ss, (uint32_t)v, out);
    } else if (strncmp("break", what, wl) == 0) {
        if (!ss->n_brk)
            fprintf(out, "no breakpoints\n");
        for (uint32_t i = 0; i < ss->n_brk; i++)
            fprintf(out, "%u: %s (hit %llu time%s)\n", i + 1, ss->brk[i].text,
                    (unsigned long long)ss->brk[i].hits, ss->brk[i].hits == 1 ? "" : "s");
    } else if (strncmp("regs", what, wl) == 0 || strncmp("registers", what, wl) == 0) {
        static const char *names[16] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
                                        "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
        sim_regs r;
        char where[96];
        sim_regs_get(ss->v.s, &r);
        for (int i = 0; i < 16; i++)
            fprintf(out, "%-4s 0x%08x%s", names[i], r.r[i], i % 4 == 3 ? "\n" : "   ");
        sim_describe_addr(ss->v.s, r.r[15], where, sizeof where);
        fprintf(out, "xpsr 0x%08x   pc is in %s\n", r.xpsr, where);
        char flags[64];
        fprintf(out, "%s\n", session_xpsr_text(r.xpsr, flags, sizeof flags));
        uint32_t sr[32], fpscr;
        if (sim_fp_regs_get(ss->v.s, sr, &fpscr) == 0) { /* a core with an FPU */
            for (int i = 0; i < 32; i++) {
                float f;
                memcpy(&f, &sr[i], 4);
                fprintf(out, "s%-3d %-13.7g%s", i, f, i % 4 == 3 ? "\n" : " ");
            }
            fprintf(out, "fpscr 0x%08x\n", fpscr);
        }
    } else if (strncmp("memory", what, wl) == 0) {
        prof_memory m;
        prof_memory_use(ss->v.pf, ss->v.e, &ss->v.board, &m);
        prof_print_memory(out, &m);
    } else if (strncmp("board", what, wl) == 0) {
        const sim_board *b = &ss->v.board;
        fprintf(out, "%s: %s, %s at %.3f MHz (from %s)\n", b->name, b->mcu,
                sim_core_name(b->core), b->clock_hz / 1e6, ss->v.board_from);
        for (uint32_t i = 0; i < b->n_regions; i++)
            fprintf(out, "  %-8s %-5s 0x%08x %8u KiB, %u wait states\n", b->regions[i].name,
                    b->regions[i].kind == SIM_MEM_FLASH ? "flash" : "ram", b->regions[i].base,
                    b->regions[i].size / 1024, b->regions[i].wait_states);
        if (b->run_ua_per_mhz > 0)
            fprintf(out, "  run current %.1f uA/MHz + %.1f uA at %.2f V\n", b->run_ua_per_mhz,
                    b->run_offset_ua, b->vdd_v);
    } else {
        return session_err(out, "info what? layers, layer N, break, regs, memory or board (not "
                                "'%s')",
                   what);
    }
    return CMD_OK;
}

int inspect_x(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint32_t addr;
    uint64_t count = 64;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (argv[1][0] == '/') { /* x/NFU ADDR */
        if (argc != 3)
            return session_err(out, "x/NFU ADDR: one address after the format (x/16xb 0x20000000)");
        return gdb_x(ss, argv[1], argv[2], out);
    }
    if (session_parse_addr(ss, argv[1], &addr, out) < 0)
        return CMD_ERROR;
    if (argc > 2 && (session_parse_num(argv[2], 4096, &count) < 0 || count == 0))
        return session_err(out, "x: COUNT is a number of bytes from 1 to 4096, not '%s'", argv[2]);
    uint8_t buf[4096];
    if (sim_read_target(ss->v.s, addr, buf, (uint32_t)count) < 0)
        return session_err(out, "0x%08x..0x%08x is not all in the board's memory", addr,
                   addr + (uint32_t)count - 1);
    for (uint64_t i = 0; i < count; i += 16) {
        fprintf(out, "%08x:", addr + (uint32_t)i);
        for (uint64_t j = i; j < i + 16 && j < count; j++)
            fprintf(out, " %02x", buf[j]);
        fputc('\n', out);
    }
    return CMD_OK;
}

int inspect_disas(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint32_t addr;
    uint64_t count = 10;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (argc > 1) {
        if (session_parse_addr(ss, argv[1], &addr, out) < 0)
            return CMD_ERROR;
    } else {
        sim_regs r;
        sim_regs_get(ss->v.s, &r);
        addr = r.r[15];
    }
    if (argc > 2 && (session_parse_num(argv[2], 1000, &count) < 0 || count == 0))
        return session_err(out, "disas: COUNT is from 1 to 1000, not '%s'", argv[2]);
    addr &= ~1u;
    for (uint64_t i = 0; i < count; i++) {
        char text[96], where[96];
        uint32_t size = sim_disas(ss->v.s, addr, text, sizeof text);
        if (!size)
            return i ? CMD_OK : session_err(out, "0x%08x is not in the board's memory", addr);
        sim_describe_addr(ss->v.s, addr, where, sizeof where);
        fprintf(out, "0x%08x  %-28s %s\n", addr, where, text);
        addr += size;
    }
    return CMD_OK;
}

/* The bytes of tensor t as the target produced them: a capture, or the model image for a
 * constant. NULL when it was not produced (yet) in this inference, or the captures are of
 * another inference (of another model, maybe) than the one prof_model describes. */
static const uint8_t *tensor_bytes(session *ss, const nn_model *m, uint32_t t)
{
    const nn_tsm_tensor *x = nn_tensor(m, t);
    if (x->storage == NN_S_CONST)
        return nn_tensor_data(m, t);
    if (ss->cap_id != prof_inference_id(ss->v.pf))
        return NULL;
    return t < ss->n_cap ? ss->cap[t] : NULL;
}

/* How many float32 values lie between two (their distance in units in the last place; a NaN
 * counts as far). */
static uint64_t float_ulps(const uint8_t *a, const uint8_t *b)
{
    int32_t ia, ib;
    memcpy(&ia, a, 4);
    memcpy(&ib, b, 4);
    /* the bits as a monotonic integer line: negative floats count down from 0 */
    int64_t ka = ia >= 0 ? ia : (int64_t)INT32_MIN - ia, kb = ib >= 0 ? ib : (int64_t)INT32_MIN - ib;
    return (uint64_t)(ka > kb ? ka - kb : kb - ka);
}

static double tval(const nn_tsm_tensor *x, const uint8_t *b, uint32_t i)
{
    switch (x->type) {
    case NN_T_INT8: return (int8_t)b[i];
    case NN_T_INT16: {
        int16_t v;
        memcpy(&v, b + 2 * i, 2);
        return v;
    }
    case NN_T_INT32: {
        int32_t v;
        memcpy(&v, b + 4 * i, 4);
        return v;
    }
    default: {
        float v;
        memcpy(&v, b + 4 * i, 4);
        return v;
    }
    }
}

/* A tensor for a person: description, statistics, values, and for a 2-D map (NHWC with H
 * and W > 1) a character heat map of channel 0. mode: 0 all, 1 --hex, 2 --stats. */
void session_print_tensor(session *ss, uint32_t layer, int output, uint32_t which, int mode,
                          FILE *out)
{
    uint32_t img, arena;
    const nn_model *m = prof_model(ss->v.pf, &img, &arena);
    const nn_tsm_layer *L = nn_layer(m, layer);
    uint32_t t = nn_layer_operand(m, layer, output ? L->n_inputs : which);
    char desc[200], shown[TEXT_SAFE_SIZE(sizeof desc)], shape[48];
    if (t == NN_NO_TENSOR) {
        fprintf(out, "layer %u has no input %u (an omitted optional operand)\n", layer, which);
        return;
    }
    const nn_tsm_tensor *x = nn_tensor(m, t);
    mf_describe_tensor(m, t, desc, sizeof desc);
    text_safe(desc, shown, sizeof shown); /* the tensor's name is the model's */
    mf_shape_str(x, shape, sizeof shape);
    if (output)
        fprintf(out, "layer %u %s output: %s\n", layer, nn_op_name(L->op), shown);
    else
        fprintf(out, "layer %u %s input %u: %s\n", layer, nn_op_name(L->op), which, shown);
    uint32_t at;
    if (prof_operand_addr(ss->v.pf, layer, output ? L->n_inputs : which, &at) == 0)
        fprintf(out, "  at 0x%08x (%s)\n", at,
                x->storage == NN_S_CONST ? "model image" : "arena, RAM");
    else if (x->storage == NN_S_ARENA && prof_arena_ok(ss->v.pf)) {
        fprintf(out, "  not readable: the runtime's tensors do not say where it is (TFLM's "
                     "tensor array was not found in its arena)\n");
        return;
    }
    if (x->storage == NN_S_ARENA && !prof_arena_ok(ss->v.pf)) {
        fprintf(out, "  cannot be read: the nn_model's arena pointer 0x%08x does not hold the "
                     "model's %u-byte arena in the board's RAM\n", arena, m->hdr->arena_size);
        return;
    }
    const uint8_t *b = tensor_bytes(ss, m, t);
    if (!b) {
        if (output || layer > 0)
            fprintf(out, "  not produced yet in this inference (layer %u has not run)\n",
                    output ? layer : layer - 1);
        else
            fprintf(out, "  not captured yet in this inference (no layer has run)\n");
        return;
    }
    uint32_t esz = nn_type_size(x->type), n = esz ? x->size / esz : 0;
    if (mode == 1) {
        for (uint32_t i = 0; i < x->size; i += 16) {
            fprintf(out, "  %06x:", i);
            for (uint32_t j = i; j < i + 16 && j < x->size; j++)
                fprintf(out, " %02x", b[j]);
            fputc('\n', out);
        }
        return;
    }
    double lo = 0, hi = 0, sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        double v = tval(x, b, i);
        if (i == 0 || v < lo)
            lo = v;
        if (i == 0 || v > hi)
            hi = v;
        sum += v;
    }
    double mean = n ? sum / n : 0, var = 0;
    for (uint32_t i = 0; i < n; i++) {
        double d = tval(x, b, i) - mean;
        var += d * d;
    }
    double sd = n ? sqrt(var / n) : 0;
    fprintf(out, "  %u values: min %g, max %g, mean %.3f, std %.3f", n, lo, hi, mean, sd);
    if (x->type == NN_T_INT8 && x->scale > 0)
        fprintf(out, " (real: min %.4g, max %.4g, mean %.4g, std %.4g)",
                x->scale * (lo - x->zero_point), x->scale * (hi - x->zero_point),
                x->scale * (mean - x->zero_point), x->scale * sd);
    fputc('\n', out);
    /* a histogram of 10 equal bins from min to max: counts, and a bar of the shares */
    uint32_t hist[10] = {0};
    for (uint32_t i = 0; i < n; i++) {
        int k = hi > lo ? (int)((tval(x, b, i) - lo) / (hi - lo) * 10) : 0;
        hist[k > 9 ? 9 : k]++;
    }
    static const char bars[] = " .:-=+*#%@";
    uint32_t hmax = 1;
    for (int k = 0; k < 10; k++)
        hmax = hist[k] > hmax ? hist[k] : hmax;
    fprintf(out, "  histogram (10 bins, %g to %g) [", lo, hi);
    for (int k = 0; k < 10; k++)
        fputc(bars[hist[k] ? 1 + (int)((uint64_t)hist[k] * 8 / hmax) : 0], out);
    fputs("]", out);
    for (int k = 0; k < 10; k++)
        fprintf(out, " %u", hist[k]);
    fputc('\n', out);
    if (mode == 2)
        return;
    /* the values, as many per row as the pane holds (ss->width columns; 80 without one) */
    int width = ss->width > 20 ? ss->width : 80, vw = x->type == NN_T_FLOAT32 ? 8 : 5;
    uint32_t per = (uint32_t)((width - 9) / vw);
    if (per < 4)
        per = 4;
    if (per > 32)
        per = 32;
    uint32_t show = n < 4 * per ? n : 4 * per;
    for (uint32_t i = 0; i < show; i += per) {
        fprintf(out, "  [%4u]", i);
        for (uint32_t j = i; j < i + per && j < show; j++)
            fprintf(out, x->type == NN_T_FLOAT32 ? " %7.3f" : " %4g", tval(x, b, j));
        fputc('\n', out);
    }
    if (show < n)
        fprintf(out, "  ... %u more ('tensor %u %s --hex' shows all the bytes)\n", n - show,
                layer, output ? "out" : "in");
    if (x->ndims == 4 && x->dims[1] > 1 && x->dims[2] > 1) {
        static const char ramp[] = " .:-=+*#%@";
        int32_t H = x->dims[1], W = x->dims[2], C = x->dims[3];
        int32_t ch = ss->tensor_channel < C ? ss->tensor_channel : 0, zoom = ss->tensor_zoom;
        double clo = 0, chi = 0;
        for (int32_t i = 0; i < H * W; i++) {
            double v = tval(x, b, (uint32_t)(i * C + ch));
            if (i == 0 || v < clo)
                clo = v;
            if (i == 0 || v > chi)
                chi = v;
        }
        /* fit the pane: every step-th row and column (zoom > 1 draws each value that many
         * columns wide instead, cropped to the pane) */
        int32_t cols = width - 6 > 8 ? width - 6 : 8, rows = 32;
        int32_t step = 1;
        if (zoom <= 1)
            while (W / step > cols || H / step > rows)
                step++;
        else
            step = 1;
        int32_t z = zoom > 1 ? zoom : 1;
        fprintf(out, "  channel %d of %d (%dx%d%s), ' ' = %g .. '@' = %g", ch, C, H, W,
                step > 1 ? ", every other value to fit" : z > 1 ? ", zoomed" : "", clo, chi);
        if (step > 2)
            fprintf(out, " (1 in %d)", step);
        fputs(":\n", out);
        for (int32_t y = 0; y < H && y / step < rows; y += step) {
            fputs("  |", out);
            for (int32_t xw = 0, c = 0; xw < W && c + z <= cols; xw += step, c += z) {
                double v = tval(x, b, (uint32_t)((y * W + xw) * C + ch));
                int k = chi > clo ? (int)((v - clo) / (chi - clo) * 9 + 0.5) : 0;
                for (int32_t r = 0; r < z; r++)
                    fputc(ramp[k], out);
            }
            fputs("|\n", out);
        }
    }
}

int inspect_tensor(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint64_t v;
    uint32_t img, arena, n;
    int output = 1, mode = 0;
    uint32_t which = 0;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    const nn_model *m = prof_model(ss->v.pf, &img, &arena);
    if (!m)
        return no_core_model(ss, out, "tensor");
    n = m->hdr->n_layers;
    if (session_parse_num(argv[1], UINT32_MAX, &v) < 0 || v >= n)
        return session_err(out, "tensor wants a layer number from 0 to %u, not "
                                "'%s'", n - 1, argv[1]);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "out") == 0)
            output = 1;
        else if (strcmp(argv[i], "in") == 0)
            output = 0;
        else if (strncmp(argv[i], "in", 2) == 0 && argv[i][2] >= '0' && argv[i][2] <= '9' &&
                 !argv[i][3])
            output = 0, which = (uint32_t)(argv[i][2] - '0');
        else if (strcmp(argv[i], "--hex") == 0)
            mode = 1;
        else if (strcmp(argv[i], "--stats") == 0)
            mode = 2;
        else if ((strcmp(argv[i], "--channel") == 0 || strcmp(argv[i], "--zoom") == 0) &&
                 i + 1 < argc) {
            uint64_t k;
            int is_ch = argv[i][2] == 'c';
            if (session_parse_num(argv[i + 1], is_ch ? 65535 : 8, &k) < 0 || (!is_ch && !k))
                return session_err(out, "%s wants %s, not '%s'", argv[i],
                                   is_ch ? "a channel number" : "1 to 8", argv[i + 1]);
            *(is_ch ? &ss->tensor_channel : &ss->tensor_zoom) = (int)k;
            i++;
        } else
            return session_err(out, "tensor N [in|in1|out] [--hex|--stats] [--channel C] "
                                    "[--zoom Z], not '%s'", argv[i]);
    }
    if (!output && which >= nn_layer(m, (uint32_t)v)->n_inputs)
        return session_err(out, "layer %u has %u inputs (in, in1, ...)", (unsigned)v,
                   nn_layer(m, (uint32_t)v)->n_inputs);
    session_print_tensor(ss, (uint32_t)v, output, which, mode, out);
    return CMD_OK;
}

/*
 * Each finished layer's output as the target produced it against the host's reference run
 * of the same model image on the same input (the core compiled for the host): the first
 * layer that differs, where and by how much.
 */
int inspect_compare(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint32_t img, arena;
    nn_model hm;
    nn_error e;
    (void)argc, (void)argv;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    const nn_model *m = prof_model(ss->v.pf, &img, &arena);
    if (!m)
        return no_core_model(ss, out, "compare");
    if (!prof_arena_ok(ss->v.pf))
        return session_err(out, "the nn_model's arena pointer 0x%08x does not hold the "
                                "model's %u-byte arena in the board's RAM: its layers' "
                                "outputs cannot be read", arena, m->hdr->arena_size);
    uint8_t *host_arena = aligned_alloc(16, (m->hdr->arena_size + 16) & ~15u);
    if (!host_arena)
        return session_err(out, "out of memory for the host arena");
    if (nn_model_load(&hm, m->hdr, m->hdr->total_size, host_arena, m->hdr->arena_size, &e) !=
        NN_OK) {
        free(host_arena);
        return session_err(out, "the model image does not load on the host");
    }
    uint32_t n = m->hdr->n_layers, done = 0, inputs_missing = 0;
    for (uint32_t i = 0; i < m->hdr->n_inputs; i++) {
        uint32_t t = nn_model_input(m, i);
        const uint8_t *b = tensor_bytes(ss, m, t);
        if (!b)
            inputs_missing = 1;
        else if (nn_tensor(m, t)->storage == NN_S_ARENA)
            memcpy((uint8_t *)(uintptr_t)nn_tensor_data(&hm, t), b, nn_tensor(m, t)->size);
    }
    if (inputs_missing) {
        free(host_arena);
        return session_err(out, "the model's input was not captured: no layer has run yet, or "
                                "the runtime's tensors do not say where it is");
    }
    int rc = CMD_OK;
    for (uint32_t l = 0; l < n; l++) {
        const nn_tsm_layer *L = nn_layer(m, l);
        uint32_t t = nn_layer_operand(m, l, L->n_inputs);
        const uint8_t *tb = tensor_bytes(ss, m, t);
        if (!tb)
            break; /* not run yet on the target */
        nn_status st = nn_run_layer(&hm, l);
        if (st != NN_OK) {
            rc = session_err(out, "layer %u %s fails on the host: %s", l, nn_op_name(L->op),
                     nn_strerror(st));
            break;
        }
        const nn_tsm_tensor *x = nn_tensor(m, t);
        const uint8_t *hb = nn_tensor_data(&hm, t);
        if (memcmp(tb, hb, x->size) != 0) {
            uint32_t esz = nn_type_size(x->type), first = UINT32_MAX, diff = 0;
            uint64_t ulp = 0;
            for (uint32_t i = 0; i < x->size / esz; i++)
                if (memcmp(tb + i * esz, hb + i * esz, esz) != 0) {
                    diff++;
                    if (first == UINT32_MAX)
                        first = i;
                    if (x->type == NN_T_FLOAT32) {
                        uint64_t u = float_ulps(tb + 4 * i, hb + 4 * i);
                        ulp = u > ulp ? u : ulp;
                    }
                }
            char shape[48], apart[64] = "";
            mf_shape_str(x, shape, sizeof shape);
            if (x->type == NN_T_FLOAT32) /* a libm's expf or tanhf rounding differently */
                snprintf(apart, sizeof apart, "; float32 values at most %llu ULP apart",
                         (unsigned long long)ulp);
            fprintf(out, "compare: layer %u %s differs from the host reference: %u of %u values "
                         "(output %s); first at index %u: target %.9g, host %.9g%s\n",
                    l, nn_op_name(L->op), diff, x->size / esz, shape, first, tval(x, tb, first),
                    tval(x, hb, first), apart);
            fprintf(out, "  layers 0..%d are identical\n", (int)l - 1);
            free(host_arena);
            return CMD_OK;
        }
        done++;
    }
    free(host_arena);
    if (rc == CMD_OK && done == n)
        fprintf(out, "compare: all %u layers identical to the host reference\n", n);
    else if (rc == CMD_OK)
        fprintf(out, "compare: the %u layers run so far (of %u) are identical to the host "
                     "reference\n", done, n);
    return rc;
}

int inspect_profile(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint32_t n;
    (void)argc, (void)argv;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (prof_layers(ss->v.pf, &n)) {
        prof_print_table(out, ss->v.pf, &ss->v.board);
        prof_print_breakdown(out, ss->v.pf);
    } else {
        fprintf(out, "no inference has finished yet; the layers so far:\n");
        info_layers(ss, out);
    }
    return CMD_OK;
}

int inspect_functions(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    uint64_t top = 10;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    if (argc > 1 && (session_parse_num(argv[1], 100000, &top) < 0 || top == 0))
        return session_err(out, "functions: N is how many to show, not '%s'", argv[1]);
    prof_function *fn = NULL;
    sim_stats x;
    sim_stats_get(ss->v.s, &x);
    uint32_t nf = prof_functions(ss->v.s, ss->v.e, &fn);
    prof_print_functions(out, fn, nf, x.cycles, (uint32_t)top);
    free(fn);
    return CMD_OK;
}

int inspect_energy(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    double rate = 0, mah = 0;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--rate") == 0) {
            if ((rate = run_parse_rate(argv[++i])) < 0)
                return session_err(out, "--rate wants inferences per second or hour (10/s, 60/h)");
        } else if (i + 1 < argc && strcmp(argv[i], "--battery") == 0) {
            if ((mah = run_parse_mah(argv[++i])) < 0)
                return session_err(out, "--battery wants a capacity in mAh (1000)");
        } else {
            return session_err(out, "energy [--rate N/s] [--battery MAH], not '%s'", argv[i]);
        }
    }
    if (mah > 0 && !(rate > 0))
        return session_err(out, "--battery needs --rate (how often the model runs)");
    if (!prof_last(ss->v.pf))
        return session_err(out, "no inference has finished yet: 'continue' or 'run' first");
    run_env_print_energy(out, &ss->v, rate, mah);
    return CMD_OK;
}

int inspect_export(void *ctx, int argc, char **argv, FILE *out)
{
    session *ss = ctx;
    (void)argc;
    if (session_need_firmware(ss, out))
        return CMD_ERROR;
    const char *kind = argv[1], *path = argv[2];
    int k = strcmp(kind, "json") == 0 ? 0 : strcmp(kind, "csv") == 0 ? 1
                                          : strcmp(kind, "markdown") == 0 ? 2 : -1;
    if (k < 0)
        return session_err(out, "export json|csv|markdown FILE, not '%s'", kind);
    if (k > 0 && !prof_layers(ss->v.pf, &(uint32_t){0}))
        return session_err(out, "no inference has finished yet: nothing to export as %s", kind);
    /* models/outfile.h: a regular file whole or not at all, devices as streams, no links; "-"
     * (and /dev/stdout) is the command's output: the REPL's stdout, the TUI's output pane */
    char *cause = NULL;
    mo_file *o = mo_open(path, &cause);
    if (!o) {
        session_err(out, "export: %s", cause);
        free(cause);
        return CMD_ERROR;
    }
    FILE *f = mo_is_stdout(o) ? out : mo_stream(o);
    if (k == 0) {
        run_env_write_json(f, &ss->v, &ss->st);
    } else if (k == 1) {
        prof_write_csv(f, ss->v.pf, &ss->v.board);
    } else {
        prof_write_markdown(f, ss->v.pf, &ss->v.board);
    }
    if (f == out) {
        mo_abort(o); /* nothing of its own to write */
        return CMD_OK;
    }
    if (mo_commit(o, &cause) != 0) {
        session_err(out, "export: %s", cause);
        free(cause);
        return CMD_ERROR;
    }
    fprintf(out, "wrote %s\n", path);
    return CMD_OK;
}
