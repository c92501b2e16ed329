/*
 * The summary of a sweep (sweep.h): rows from run reports, and their table, JSON, CSV and
 * HTML. Names from the reports are the firmware's and the user's bytes: printed safe.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "profiler/report.h"
#include "profiler/sweep.h"

static void copy_str(char *dst, size_t n, const json_value *v, const char *dflt)
{
    const char *s = json_string(v, NULL);
    snprintf(dst, n, "%s", s ? s : dflt);
}

int prof_sweep_row_from_report(const json_value *r, const char *path, const char *input,
                               prof_sweep_row *row, char *err, size_t n)
{
    memset(row, 0, sizeof *row);
    const char *schema = json_string(json_get(r, "schema"), NULL);
    if (!schema || strcmp(schema, PROF_REPORT_SCHEMA) != 0) {
        snprintf(err, n, "not a run report (schema %s, expected %s)", schema ? schema : "missing",
                 PROF_REPORT_SCHEMA);
        return -1;
    }
    const json_value *b = json_get(r, "board"), *x = json_get(r, "exit"),
                     *inf = json_get(r, "inference"), *mem = json_get(r, "memory"),
                     *bud = json_get(r, "budget");
    uint64_t v = 0;
    if (!b || !x || !json_u64(json_get(b, "clock_hz"), &v) || v == 0 || v > 4000000000u) {
        snprintf(err, n, "the report has no board or exit");
        return -1;
    }
    row->clock_hz = (uint32_t)v;
    copy_str(row->board, sizeof row->board, json_get(b, "name"), "?");
    snprintf(row->report, sizeof row->report, "%s", path ? path : "");
    snprintf(row->input, sizeof row->input, "%s", input ? input : "");
    row->exit_code = (int)json_number(json_get(x, "code"));
    if (inf && json_get(inf, "cycles")) {
        row->has_inference = 1;
        copy_str(row->model, sizeof row->model, json_get(inf, "model"), "?");
        json_u64(json_get(inf, "cycles"), &row->cycles);
        row->time_ms = json_number(json_get(inf, "time_s")) * 1e3;
        row->energy_uj = json_number(json_get(inf, "energy_j")) * 1e6;
    } else {
        snprintf(row->model, sizeof row->model, "(no inference)");
    }
    json_u64(json_get(json_get(mem, "ram"), "used"), &row->ram_bytes);
    json_u64(json_get(json_get(mem, "flash"), "used"), &row->flash_bytes);
    const char *verdict = json_string(json_get(bud, "verdict"), NULL);
    const char *reason = json_string(json_get(x, "reason"), NULL);
    if (verdict && strcmp(verdict, "over") == 0) {
        snprintf(row->status, sizeof row->status, "over");
        copy_str(row->note, sizeof row->note, json_get(bud, "line"), "");
        if (strncmp(row->note, "over: ", 6) == 0) /* the status says it */
            memmove(row->note, row->note + 6, strlen(row->note + 6) + 1);
    } else if (row->exit_code != 0 || !row->has_inference) {
        snprintf(row->status, sizeof row->status, "failed");
        snprintf(row->note, sizeof row->note, "%s%s%s", reason ? reason : "?",
                 row->has_inference ? "" : ", no inference", "");
    } else {
        snprintf(row->status, sizeof row->status, "ok");
    }
    return 0;
}

static const char *shown(const char *s, char *buf, size_t n)
{
    return text_safe(s, buf, n);
}

void prof_sweep_print(FILE *f, const prof_sweep_row *rows, size_t n)
{
    fprintf(f, "%-16s %8s %-24s %-14s %12s %10s %10s %9s %9s  %s\n", "board", "MHz", "model",
            "input", "cycles", "ms", "uJ", "RAM KiB", "flash KiB", "status");
    for (size_t i = 0; i < n; i++) {
        const prof_sweep_row *r = &rows[i];
        char b[TEXT_SAFE_SIZE(48)], m[TEXT_SAFE_SIZE(96)], in[TEXT_SAFE_SIZE(256)],
            note[TEXT_SAFE_SIZE(256)];
        const char *inb = strrchr(r->input, '/');
        fprintf(f, "%-16s %8.6g %-24s %-14s ", shown(r->board, b, sizeof b), r->clock_hz / 1e6,
                shown(r->model, m, sizeof m), shown(inb ? inb + 1 : r->input[0] ? r->input : "-",
                                                    in, sizeof in));
        if (r->has_inference && strcmp(r->status, "refused") != 0)
        {
            char uj[24] = "-"; /* 0: the board has no run-current figure */
            if (r->energy_uj > 0)
                snprintf(uj, sizeof uj, "%.1f", r->energy_uj);
            fprintf(f, "%12llu %10.3f %10s %9.1f %9.1f", (unsigned long long)r->cycles,
                    r->time_ms, uj, r->ram_bytes / 1024.0, r->flash_bytes / 1024.0);
        }
        else
            fprintf(f, "%12s %10s %10s %9s %9s", "-", "-", "-", "-", "-");
        fprintf(f, "  %s%s%s\n", r->status, r->note[0] ? ": " : "",
                shown(r->note, note, sizeof note));
    }
}

void prof_sweep_json(FILE *f, const prof_sweep_row *rows, size_t n)
{
    jw w;
    jw_init(&w, f);
    jw_obj(&w, NULL);
    jw_str(&w, "schema", PROF_SWEEP_SCHEMA);
    jw_arr(&w, "runs");
    for (size_t i = 0; i < n; i++) {
        const prof_sweep_row *r = &rows[i];
        jw_obj(&w, NULL);
        jw_str(&w, "board", r->board);
        jw_uint(&w, "clock_hz", r->clock_hz);
        jw_str(&w, "model", r->model);
        jw_str(&w, "input", r->input);
        jw_str(&w, "status", r->status);
        jw_str(&w, "note", r->note);
        jw_int(&w, "exit_code", r->exit_code);
        if (r->has_inference && strcmp(r->status, "refused") != 0) {
            jw_uint(&w, "cycles", r->cycles);
            jw_num(&w, "time_ms", r->time_ms);
            if (r->energy_uj > 0)
                jw_num(&w, "energy_uj", r->energy_uj);
            else
                jw_null(&w, "energy_uj"); /* the board has no run-current figure */
            jw_uint(&w, "ram_bytes", r->ram_bytes);
            jw_uint(&w, "flash_bytes", r->flash_bytes);
        } else {
            jw_null(&w, "cycles");
            jw_null(&w, "time_ms");
            jw_null(&w, "energy_uj");
            jw_null(&w, "ram_bytes");
            jw_null(&w, "flash_bytes");
        }
        if (r->report[0])
            jw_str(&w, "report", r->report);
        else
            jw_null(&w, "report");
        jw_end(&w);
    }
    jw_end(&w);
    jw_end(&w);
    jw_finish(&w);
}

/* A CSV field: quoted, quotes doubled, control characters as '?'. */
static void csv_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p < 32 ? '?' : (int)*p, f);
    }
    fputc('"', f);
}

void prof_sweep_csv(FILE *f, const prof_sweep_row *rows, size_t n)
{
    fputs("board,clock_hz,model,input,status,exit_code,cycles,time_ms,energy_uj,ram_bytes,"
          "flash_bytes,note\n", f);
    for (size_t i = 0; i < n; i++) {
        const prof_sweep_row *r = &rows[i];
        csv_str(f, r->board);
        fprintf(f, ",%u,", r->clock_hz);
        csv_str(f, r->model);
        fputc(',', f);
        csv_str(f, r->input);
        fprintf(f, ",%s,%d,", r->status, r->exit_code);
        if (r->has_inference && strcmp(r->status, "refused") != 0)
        {
            fprintf(f, "%llu,%.6f,", (unsigned long long)r->cycles, r->time_ms);
            if (r->energy_uj > 0)
                fprintf(f, "%.3f", r->energy_uj);
            fprintf(f, ",%llu,%llu,", (unsigned long long)r->ram_bytes,
                    (unsigned long long)r->flash_bytes);
        }
        else
            fputs(",,,,,", f);
        csv_str(f, r->note);
        fputc('\n', f);
    }
}

/* A run of model with a figure for the chart of `what` (0 latency, 1 energy): *v. */
static int charted(const prof_sweep_row *r, const char *model, int what, double *v)
{
    if (strcmp(r->model, model) != 0 || !r->has_inference || strcmp(r->status, "refused") == 0)
        return 0;
    *v = what ? r->energy_uj : r->time_ms;
    return *v > 0; /* energy: a board without a run-current figure has none */
}

/* One chart per model: a bar per (board, clock) run, of `what` (0 latency, 1 energy). */
static void chart(FILE *f, const prof_sweep_row *rows, size_t n, const char *model, int what)
{
    double max = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        if (!charted(&rows[i], model, what, &v))
            continue;
        if (v > max)
            max = v;
        k++;
    }
    if (!k || !(max > 0))
        return;
    const int lw = 230, bw = 520, rh = 18, w = lw + bw + 120, h = (int)k * rh + 26;
    fprintf(f, "<svg class=\"chart\" id=\"%s-", what ? "energy" : "latency");
    text_html(f, model);
    fprintf(f, "\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", w, h, w, h);
    fprintf(f, "<text x=\"%d\" y=\"12\">%s</text>\n", lw, what ? "energy per inference (&micro;J)"
                                                               : "latency per inference (ms)");
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        const prof_sweep_row *r = &rows[i];
        double v;
        if (!charted(r, model, what, &v))
            continue;
        int y = 20 + (int)j++ * rh;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 6, y + 12);
        text_html(f, r->board);
        fprintf(f, " @ %.6g MHz</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                   "fill=\"%s\"><title>%.3f</title></rect>\n<text x=\"%.1f\" y=\"%d\">%.3f%s</text>\n",
                r->clock_hz / 1e6, lw, y + 2, v / max * bw, rh - 5,
                strcmp(r->status, "over") == 0 ? "#e15759" : what ? "#f28e2b" : "#4e79a7", v,
                lw + v / max * bw + 4, y + 12, v, strcmp(r->status, "over") == 0 ? " (over)" : "");
    }
    fputs("</svg>\n", f);
}

void prof_sweep_html(FILE *f, const prof_sweep_row *rows, size_t n)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>tinysim sweep</title>\n<style>\n"
          "body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}\n"
          "h1{font-size:20px}h2{font-size:17px;margin-top:24px;border-bottom:1px solid #ccc}\n"
          "table{border-collapse:collapse;font-size:12px}\n"
          "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}\n"
          "th{background:#f4f4f4}td.l,th.l{text-align:left}tr.over{background:#fbe3e2}"
          "tr.failed,tr.refused{background:#eee;color:#666}\n"
          "svg text{font-family:sans-serif;font-size:11px}svg{max-width:100%;height:auto}\n"
          "</style>\n</head>\n<body>\n<h1>tinysim sweep</h1>\n", f);
    fprintf(f, "<p>%zu runs.</p>\n<table id=\"sweep-table\">\n<tr><th class=\"l\">board</th>"
               "<th>MHz</th><th class=\"l\">model</th><th class=\"l\">input</th><th>cycles</th>"
               "<th>ms</th><th>&micro;J</th><th>RAM KiB</th><th>flash KiB</th>"
               "<th class=\"l\">status</th></tr>\n", n);
    for (size_t i = 0; i < n; i++) {
        const prof_sweep_row *r = &rows[i];
        fprintf(f, "<tr class=\"%s\"><td class=\"l\">", r->status);
        text_html(f, r->board);
        fprintf(f, "</td><td>%.6g</td><td class=\"l\">", r->clock_hz / 1e6);
        text_html(f, r->model);
        fputs("</td><td class=\"l\">", f);
        const char *inb = strrchr(r->input, '/');
        text_html(f, inb ? inb + 1 : r->input[0] ? r->input : "-");
        if (r->has_inference && strcmp(r->status, "refused") != 0) {
            fprintf(f, "</td><td>%llu</td><td>%.3f</td>", (unsigned long long)r->cycles,
                    r->time_ms);
            if (r->energy_uj > 0)
                fprintf(f, "<td>%.1f</td>", r->energy_uj);
            else
                fputs("<td title=\"the board has no run-current figure\">-</td>", f);
            fprintf(f, "<td>%.1f</td><td>%.1f</td>", r->ram_bytes / 1024.0,
                    r->flash_bytes / 1024.0);
        }
        else
            fputs("</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td>", f);
        fputs("<td class=\"l\">", f);
        text_html(f, r->status);
        if (r->note[0]) {
            fputs(": ", f);
            text_html(f, r->note);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    /* the charts: for each model, latency and energy against board and clock */
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(rows[j].model, rows[i].model) == 0;
        if (seen || !rows[i].has_inference)
            continue;
        fputs("<h2>", f);
        text_html(f, rows[i].model);
        fputs("</h2>\n", f);
        chart(f, rows, n, rows[i].model, 0);
        chart(f, rows, n, rows[i].model, 1);
    }
    fputs("</body>\n</html>\n", f);
}
