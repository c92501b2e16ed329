/*
 * The HTML report (`run --html FILE`, html.h): one self-contained file a person opens in a
 * browser. No network, no script, no font: inline CSS and SVG that tinysim draws itself, so
 * it reads the same offline, in CI artifacts and in mail. Sections: the run's summary (and
 * the budget verdict); the layers (cycles as bars with the figures beside, and the table);
 * the memory (flash and RAM by kind, the arena each layer holds, the stack over the run); the
 * flame graph of the functions (the call graph, per layer); the instruction mix per layer.
 * Charts stay readable for 100+ layers: one row per layer, as tall as the model is deep.
 * Every name shown is the firmware's bytes: escaped, printable ASCII only.
 */
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "profiler/calls.h"
#include "profiler/html.h"
#include "sim/elf.h"

/* A color per op name (the same op, the same color, in every chart). */
static const char *op_color(const char *op)
{
    static const char *const pal[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6"};
    uint32_t h = 5381; /* djb2: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED differ */
    for (const unsigned char *p = (const unsigned char *)(op ? op : ""); *p; p++)
        h = h * 33 + *p;
    return pal[h % (sizeof pal / sizeof pal[0])];
}

static const char *const group_color[PROF_G_COUNT] = {"#4e79a7", "#e15759", "#f28e2b",
                                                       "#59a14f", "#b07aa1", "#bab0ac"};
static const char *const group_label[PROF_G_COUNT] = {"ALU", "multiply/DSP", "load/store",
                                                       "branch", "FP", "other"};

static void head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    text_html(f, title);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:24px;color:#222;max-width:1500px}\n"
          "h1{font-size:20px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}\n"
          "table{border-collapse:collapse;font-size:12px}\n"
          "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}\n"
          "th{background:#f4f4f4}td.l,th.l{text-align:left}\n"
          ".row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}\n"
          ".verdict{font-size:15px;padding:8px 12px;border-radius:4px;display:inline-block}\n"
          ".fits{background:#e3f4e1}.over{background:#fbe3e2}\n"
          "svg text{font-family:sans-serif;font-size:11px}svg{max-width:100%;height:auto}\n"
          ".note{color:#666;font-size:12px}\n"
          "</style>\n</head>\n<body>\n",
          f);
}

/* ===================================================================== summary */

static void summary(FILE *f, sim *s, const prof *p, const sim_board *b, const sim_stop *st,
                    const char *firmware, const char *verdict)
{
    sim_stats x;
    sim_stats_get(s, &x);
    char g[32];
    const prof_inference *inf = prof_last(p);
    fputs("<h1>tinysim report: ", f);
    text_html(f, firmware);
    fputs(" on ", f);
    text_html(f, b->name);
    fputs("</h1>\n", f);
    if (verdict && verdict[0]) {
        fprintf(f, "<p><span class=\"verdict %s\">", strncmp(verdict, "over", 4) == 0 ? "over" : "fits");
        text_html(f, verdict);
        fputs("</span></p>\n", f);
    }
    fputs("<table id=\"summary\">\n", f);
    fputs("<tr><th class=\"l\">firmware</th><td class=\"l\">", f);
    text_html(f, firmware);
    fputs("</td></tr>\n<tr><th class=\"l\">board</th><td class=\"l\">", f);
    text_html(f, b->name);
    fputs(": ", f);
    text_html(f, b->mcu);
    fprintf(f, ", %s, %.6g MHz</td></tr>\n", sim_core_name(b->core), b->clock_hz / 1e6);
    fputs("<tr><th class=\"l\">exit</th><td class=\"l\">", f);
    if (st->reason == SIM_STOP_EXIT)
        fprintf(f, "status %d", st->exit_status);
    else
        text_html(f, st->message[0] ? st->message : sim_stop_name(st->reason));
    fputs("</td></tr>\n", f);
    fprintf(f, "<tr><th class=\"l\">run</th><td class=\"l\">%s cycles, %.3f ms",
            text_grouped(x.cycles, g, sizeof g), (double)x.cycles / b->clock_hz * 1e3);
    fprintf(f, ", %s instructions</td></tr>\n", text_grouped(x.insns, g, sizeof g));
    if (inf) {
        uint64_t macs = 0;
        uint32_t n = 0;
        const prof_layer *L = prof_layers(p, &n);
        for (uint32_t i = 0; L && i < n; i++)
            macs += L[i].macs;
        fputs("<tr><th class=\"l\">model</th><td class=\"l\">", f);
        text_html(f, inf->model_name);
        fprintf(f, ", %u layers, %s MACs</td></tr>\n", n, text_grouped(macs, g, sizeof g));
        fprintf(f, "<tr><th class=\"l\">inference</th><td class=\"l\">%s cycles, %.3f ms",
                text_grouped(inf->cycles, g, sizeof g), (double)inf->cycles / b->clock_hz * 1e3);
        double uj = prof_energy_j(b, inf->cycles) * 1e6;
        if (uj > 0)
            fprintf(f, ", %.1f &micro;J", uj);
        if (macs)
            fprintf(f, ", %.2f cycles/MAC", (double)inf->cycles / (double)macs);
        fprintf(f, "; peak stack %u bytes, arena %u bytes</td></tr>\n", inf->stack_bytes,
                inf->arena_size);
    }
    fputs("</table>\n", f);
}

/* ===================================================================== layers */

static void layers(FILE *f, const prof *p, const sim_board *b)
{
    uint32_t n = 0;
    const prof_layer *L = prof_layers(p, &n);
    if (!L || !n) {
        fputs("<h2>Layers</h2>\n<p class=\"note\">No inference completed: no layer figures.</p>\n", f);
        return;
    }
    uint64_t max = 1;
    for (uint32_t i = 0; i < n; i++)
        if (L[i].cycles > max)
            max = L[i].cycles;
    const int lw = 190, bw = 420, rh = 16, w = lw + bw + 170, h = (int)n * rh + 24;
    fprintf(f, "<h2>Layers: where the inference's cycles go</h2>\n<div class=\"row\">\n"
               "<svg id=\"layer-chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-label=\"cycles per layer\">\n",
            w, h, w, h);
    fprintf(f, "<text x=\"%d\" y=\"12\">cycles (bar), time and energy</text>\n", lw);
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        int ty = 20 + (int)i * rh;
        double bl = (double)y->cycles / (double)max * bw;
        double ms = (double)y->cycles / b->clock_hz * 1e3, uj = prof_energy_j(b, y->cycles) * 1e6;
        char g[32];
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u ", lw - 6, ty + 11, i);
        text_html(f, y->op);
        fprintf(f, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                   "<title>layer %u ", lw, ty + 2, bl > 0.5 ? bl : 0.5, rh - 4, op_color(y->op), i);
        text_html(f, y->op);
        fprintf(f, ": %s cycles</title></rect>\n", text_grouped(y->cycles, g, sizeof g));
        fprintf(f, "<text x=\"%.1f\" y=\"%d\">%.3f ms", lw + (bl > 0.5 ? bl : 0.5) + 4, ty + 11, ms);
        if (uj > 0)
            fprintf(f, ", %.1f &micro;J", uj);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n<table id=\"layer-table\">\n<tr><th>#</th><th class=\"l\">op</th>"
          "<th class=\"l\">output</th><th>MACs</th><th>cycles</th><th>ms</th><th>&micro;J</th>"
          "<th>cyc/MAC</th><th>stack</th><th>arena</th><th class=\"l\">top function</th></tr>\n",
          f);
    for (uint32_t i = 0; i < n; i++) {
        const prof_layer *y = &L[i];
        char g1[32], g2[32];
        fprintf(f, "<tr><td>%u</td><td class=\"l\">", i);
        text_html(f, y->op);
        fputs("</td><td class=\"l\">", f);
        text_html(f, y->out_shape);
        fprintf(f, "</td><td>%s</td><td>%s</td><td>%.3f</td>", text_grouped(y->macs, g1, sizeof g1),
                text_grouped(y->cycles, g2, sizeof g2), (double)y->cycles / b->clock_hz * 1e3);
        double uj = prof_energy_j(b, y->cycles) * 1e6;
        if (uj > 0)
            fprintf(f, "<td>%.1f</td>", uj);
        else
            fputs("<td>-</td>", f);
        if (y->macs)
            fprintf(f, "<td>%.2f</td>", (double)y->cycles / (double)y->macs);
        else
            fputs("<td>-</td>", f);
        fprintf(f, "<td>%u</td><td>%u</td><td class=\"l\">", y->stack_bytes, y->arena_bytes);
        if (y->n_top)
            text_html(f, y->top[0].name);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</div>\n", f);
}

/* ===================================================================== memory */

typedef struct {
    const char *what;
    uint64_t bytes;
    const char *color;
} seg;

static void stacked_bar(FILE *f, const char *id, const char *label, uint64_t total, const seg *sg,
                        int n)
{
    const int w = 900, bw = 760, x0 = 110;
    fprintf(f, "<svg id=\"%s\" width=\"%d\" height=\"46\" viewBox=\"0 0 %d 46\" role=\"img\" "
               "aria-label=\"%s\">\n", id, w, w, label);
    fprintf(f, "<text x=\"0\" y=\"16\">%s</text>\n", label);
    fprintf(f, "<rect x=\"%d\" y=\"4\" width=\"%d\" height=\"16\" fill=\"#f0f0f0\"/>\n", x0, bw);
    double x = x0;
    for (int i = 0; i < n; i++) {
        if (!sg[i].bytes || !total)
            continue;
        double sw = (double)sg[i].bytes / (double)total * bw;
        fprintf(f, "<rect x=\"%.1f\" y=\"4\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s: "
                   "%llu bytes</title></rect>\n", x, sw, sg[i].color, sg[i].what,
                (unsigned long long)sg[i].bytes);
        x += sw;
    }
    double lx = x0;
    for (int i = 0; i < n; i++) {
        if (!sg[i].bytes)
            continue;
        char entry[64];
        int len = snprintf(entry, sizeof entry, "%s %.1f KiB", sg[i].what, (double)sg[i].bytes / 1024);
        fprintf(f, "<rect x=\"%.0f\" y=\"28\" width=\"9\" height=\"9\" fill=\"%s\"/>"
                   "<text x=\"%.0f\" y=\"37\">%s</text>\n", lx, sg[i].color, lx + 12, entry);
        lx += 24 + 7.0 * len; /* the next legend entry after this one's text */
    }
    fprintf(f, "<text x=\"%d\" y=\"16\" text-anchor=\"end\">%.1f KiB</text>\n", w, (double)total / 1024);
    fputs("</svg><br>\n", f);
}

static void memory(FILE *f, sim *s, const sim_elf *e, const prof *p, const sim_board *b)
{
    prof_memory m;
    prof_memory_use(p, e, b, &m);
    fputs("<h2>Memory</h2>\n", f);
    seg fl[] = {{"code", m.text, "#4e79a7"},
                {"read-only data", m.rodata, "#76b7b2"},
                {"model", m.model, "#f28e2b"},
                {".data image", m.data, "#b07aa1"}};
    stacked_bar(f, "flash-bar", "flash", m.flash_size, fl, 4);
    seg ram[] = {{".data", m.data, "#b07aa1"}, {".bss", m.bss, "#9c755f"},
                 {"heap", m.heap, "#bab0ac"},  {"stack (peak)", m.stack_peak, "#e15759"},
                 {"arena (used)", m.arena_used, "#59a14f"}, {"input", m.input_used, "#edc948"}};
    stacked_bar(f, "ram-bar", "RAM", m.ram_size, ram, 6);

    /* the arena each layer holds */
    uint32_t n = 0;
    const prof_layer *L = prof_layers(p, &n);
    if (L && n) {
        uint32_t amax = 1;
        for (uint32_t i = 0; i < n; i++)
            if (L[i].arena_bytes > amax)
                amax = L[i].arena_bytes;
        const int w = 900, h = 150, x0 = 60, pw = w - x0 - 10;
        double bw = (double)pw / n;
        fprintf(f, "<h3>The arena each layer holds (tensors live during it)</h3>\n"
                   "<svg id=\"arena-chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                   "role=\"img\" aria-label=\"arena per layer\">\n", w, h + 30, w, h + 30);
        fprintf(f, "<text x=\"0\" y=\"12\">%.1f KiB</text><text x=\"0\" y=\"%d\">0</text>\n",
                amax / 1024.0, h);
        for (uint32_t i = 0; i < n; i++) {
            double bh = (double)L[i].arena_bytes / amax * (h - 10);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                       "<title>layer %u ", x0 + i * bw, h - bh, bw > 2 ? bw - 1 : bw, bh,
                    op_color(L[i].op), i);
            text_html(f, L[i].op);
            fprintf(f, ": %u bytes</title></rect>\n", L[i].arena_bytes);
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\">layer 0</text><text x=\"%d\" y=\"%d\" "
                   "text-anchor=\"end\">layer %u</text>\n</svg>\n", x0, h + 16, w - 10, h + 16, n - 1);
    }

    /* the arena's tensors over the layers: each a box from the first layer that uses it to
     * the last, at its offsets (the planner's picture) */
    uint32_t img_at = 0, arena_at = 0;
    const nn_model *nm = prof_model(p, &img_at, &arena_at);
    if (nm && nm->hdr && nm->hdr->n_layers && nm->hdr->arena_size) {
        const uint32_t nlay = nm->hdr->n_layers, nt = nm->hdr->n_tensors, asz = nm->hdr->arena_size;
        int32_t *first = malloc(nt * sizeof *first), *last = malloc(nt * sizeof *last);
        if (first && last) {
            for (uint32_t t = 0; t < nt; t++)
                first[t] = last[t] = -1;
            for (uint32_t l = 0; l < nlay; l++) {
                const nn_tsm_layer *ly = nn_layer(nm, l);
                for (uint32_t k = 0; k < (uint32_t)ly->n_inputs + ly->n_outputs; k++) {
                    uint32_t t = nn_layer_operand(nm, l, k);
                    if (t >= nt || nn_tensor(nm, t)->storage != NN_S_ARENA)
                        continue;
                    if (first[t] < 0)
                        first[t] = (int32_t)l;
                    last[t] = (int32_t)l;
                }
            }
            for (uint32_t t = 0; t < nt; t++) /* state (LSTM, SVDF): alive throughout */
                if (nn_tensor(nm, t)->flags & NN_TENSOR_VARIABLE) {
                    first[t] = 0;
                    last[t] = (int32_t)nlay - 1;
                }
            const int w = 900, h = 220, x0 = 60, pw = w - x0 - 10;
            const double cw = (double)pw / nlay;
            fprintf(f, "<h3>The arena's tensors over the layers (offset against layer)</h3>\n"
                       "<svg id=\"arena-tensors\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
                       "%d\" role=\"img\" aria-label=\"arena tensors\">\n"
                       "<rect x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>\n",
                    w, h + 30, w, h + 30, x0, pw, h);
            fprintf(f, "<text x=\"0\" y=\"12\">%u B</text><text x=\"0\" y=\"%d\">0</text>\n",
                    asz, h);
            for (uint32_t t = 0; t < nt; t++) {
                const nn_tsm_tensor *x = nn_tensor(nm, t);
                if (first[t] < 0 || x->storage != NN_S_ARENA || !x->size)
                    continue;
                double y0 = (double)x->offset / asz * h, hh = (double)x->size / asz * h;
                const char *col = op_color(nn_op_name(nn_layer(nm, (uint32_t)first[t])->op));
                fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                           "fill=\"%s\" fill-opacity=\"0.75\" stroke=\"#fff\" "
                           "stroke-width=\"0.5\"><title>tensor %u ", x0 + first[t] * cw,
                        h - y0 - hh, (last[t] - first[t] + 1) * cw, hh > 0.5 ? hh : 0.5, col, t);
                text_html(f, nn_string(nm, x->name));
                fprintf(f, ": %u bytes at offset %u, layers %d-%d</title></rect>\n", x->size,
                        x->offset, first[t], last[t]);
            }
            fprintf(f, "<text x=\"%d\" y=\"%d\">layer 0</text><text x=\"%d\" y=\"%d\" "
                       "text-anchor=\"end\">layer %u</text>\n</svg>\n", x0, h + 16, w - 10,
                    h + 16, nlay - 1);
        }
        free(first);
        free(last);
    }

    /* the stack over the run */
    const uint32_t *low;
    uint32_t nt, shift, top = prof_stack_top(p), prev = 0, smax = 1;
    sim_sp_timeline(s, &low, &nt, &shift);
    if (nt && top) {
        uint32_t *v = malloc(nt * sizeof *v);
        if (!v)
            return;
        for (uint32_t i = 0; i < nt; i++) {
            if (low[i] != UINT32_MAX)
                prev = top > low[i] ? top - low[i] : 0;
            v[i] = prev;
            if (prev > smax)
                smax = prev;
        }
        const int w = 900, h = 120, x0 = 60, pw = w - x0 - 10;
        fprintf(f, "<h3>The stack over the run (deepest in each stretch of %llu cycles)</h3>\n"
                   "<svg id=\"stack-chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                   "role=\"img\" aria-label=\"stack depth over time\">\n",
                1ull << shift, w, h + 30, w, h + 30);
        fprintf(f, "<text x=\"0\" y=\"12\">%u B</text><text x=\"0\" y=\"%d\">0</text>\n", smax, h);
        fputs("<polyline fill=\"none\" stroke=\"#e15759\" stroke-width=\"1.5\" points=\"", f);
        for (uint32_t i = 0; i < nt; i++)
            fprintf(f, "%.1f,%.1f ", x0 + (nt > 1 ? (double)i / (nt - 1) : 0) * pw,
                    h - (double)v[i] / smax * (h - 10));
        fprintf(f, "\"/>\n<text x=\"%d\" y=\"%d\">0 ms</text><text x=\"%d\" y=\"%d\" "
                   "text-anchor=\"end\">%.1f ms</text>\n</svg>\n", x0, h + 16, w - 10, h + 16,
                (double)((uint64_t)nt << shift) / b->clock_hz * 1e3);
        free(v);
    }
}

/* ===================================================================== mix */

static void mix(FILE *f, const prof *p)
{
    uint32_t n = 0;
    const prof_layer *L = prof_layers(p, &n);
    if (!L || !n)
        return;
    const int lw = 190, bw = 600, rh = 13, w = lw + bw + 10, h = (int)n * rh + 40;
    fprintf(f, "<h2>Instruction mix per layer</h2>\n<svg id=\"mix-chart\" width=\"%d\" "
               "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"instruction mix\">\n",
            w, h, w, h);
    for (int g = 0; g < PROF_G_COUNT; g++)
        fprintf(f, "<rect x=\"%d\" y=\"2\" width=\"9\" height=\"9\" fill=\"%s\"/><text x=\"%d\" "
                   "y=\"11\">%s</text>\n", lw + g * 100, group_color[g], lw + g * 100 + 12,
                group_label[g]);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t gr[PROF_G_COUNT], tot = 0;
        prof_groups(L[i].mix, gr);
        for (int g = 0; g < PROF_G_COUNT; g++)
            tot += gr[g];
        int ty = 22 + (int)i * rh;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%u ", lw - 6, ty + 10, i);
        text_html(f, L[i].op);
        fputs("</text>\n", f);
        double x = lw;
        for (int g = 0; g < PROF_G_COUNT && tot; g++) {
            double sw = (double)gr[g] / (double)tot * bw;
            if (sw <= 0)
                continue;
            fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                       "<title>layer %u: %s %.1f%%</title></rect>\n", x, ty + 1, sw, rh - 2,
                    group_color[g], i, group_label[g], 100.0 * (double)gr[g] / (double)tot);
            x += sw;
        }
    }
    fputs("</svg>\n", f);
}

/* ===================================================================== the page */

void prof_write_html(FILE *f, sim *s, const sim_elf *e, const prof *p, const sim_board *b,
                     const sim_stop *st, const char *firmware, const char *verdict)
{
    char title[256];
    snprintf(title, sizeof title, "tinysim: %s on %s", firmware ? firmware : "firmware", b->name);
    head(f, title);
    summary(f, s, p, b, st, firmware ? firmware : "firmware", verdict);
    layers(f, p, b);
    memory(f, s, e, p, b);
    fputs("<h2>Functions: the flame graph of the whole run</h2>\n<p class=\"note\">Width: "
          "inclusive cycles; each row the functions a row above called; the first row the "
          "layer the calls ran in. Hover for the figures.</p>\n", f);
    prof_calls_flame_svg(f, s, e, p, 1200);
    prof_calls top;
    if (prof_calls_build(s, e, &top) == 0) {
        fputs("<table id=\"function-table\">\n<tr><th>inclusive cycles</th><th>share</th>"
              "<th>self</th><th>calls</th><th class=\"l\">function</th></tr>\n", f);
        for (uint32_t i = 0; i < top.n_fn && i < 20; i++) {
            char g1[32], g2[32], g3[32];
            fprintf(f, "<tr><td>%s</td><td>%.1f%%</td><td>%s</td><td>%s</td><td class=\"l\">",
                    text_grouped(top.fn[i].incl_cycles, g1, sizeof g1),
                    top.total_cycles ? 100.0 * (double)top.fn[i].incl_cycles / (double)top.total_cycles : 0,
                    text_grouped(top.fn[i].self_cycles, g2, sizeof g2), text_grouped(top.fn[i].calls, g3, sizeof g3));
            text_html(f, top.fn[i].name);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
        prof_calls_free(&top);
    }
    mix(f, p);
    fputs("<p class=\"note\">Made by tinysim from the simulated run: cycles from the per-core "
          "timing model with the board's flash wait states; energy = time x supply voltage x "
          "run current (the board profile's figures).</p>\n</body>\n</html>\n", f);
}
