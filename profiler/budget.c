/*
 * Budgets and their verdict (budget.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "profiler/budget.h"
#include "profiler/prof_int.h"

const char *const prof_budget_keys[PROF_B_COUNT] = {"time_ms", "energy_uj", "ram_bytes",
                                                     "flash_bytes", "stack_bytes"};

void prof_set_budget(prof *p, const prof_budget *b)
{
    p->budget = *b;
}

const prof_budget *prof_get_budget(const prof *p)
{
    return &p->budget;
}

int prof_budget_any(const prof_budget *b)
{
    return b->max_ms > 0 || b->max_uj > 0 || b->max_ram || b->max_flash || b->max_stack;
}

int prof_parse_bytes(const char *s, uint64_t *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0))
        return -1;
    if (*end == 'k' || *end == 'K')
        v *= 1024, end++;
    else if (*end == 'M')
        v *= 1024 * 1024, end++;
    else if (*end == 'G')
        v *= 1024.0 * 1024 * 1024, end++;
    if (*end == 'i' && end[1] == 'B')
        end += 2;
    else if (*end == 'B')
        end++;
    if (*end || v > 1e15)
        return -1;
    *out = (uint64_t)llround(v);
    return 0;
}

/* A figure with its unit: "41.2 ms", "3.39 mJ" as uJ, "28.6 KiB". */
static void show(int i, double v, char *buf, size_t n)
{
    if (i == PROF_B_MS)
        snprintf(buf, n, "%.1f ms", v);
    else if (i == PROF_B_UJ)
        snprintf(buf, n, "%.1f uJ", v);
    else if (v >= 1024 * 1024)
        snprintf(buf, n, "%.1f MiB", v / (1024 * 1024));
    else if (v >= 1024)
        snprintf(buf, n, "%.1f KiB", v / 1024);
    else
        snprintf(buf, n, "%.0f B", v);
}

static const char *const words[PROF_B_COUNT] = {"", "energy ", "RAM ", "flash ", "stack "};

/* The verdict line (no newline) into buf; "" when no budget was given. */
static void budget_line(const prof *p, const prof_budget_item it[PROF_B_COUNT], char *buf,
                        size_t n)
{
    size_t o = 0;
    int over = 0, any = 0;
    buf[0] = 0;
#define ADD(...)                                                                                 \
    do {                                                                                         \
        int w_ = snprintf(buf + o, n - o, __VA_ARGS__);                                          \
        o = w_ < 0 ? o : (size_t)w_ >= n - o ? n - 1 : o + (size_t)w_;                           \
    } while (0)
    for (int i = 0; i < PROF_B_COUNT; i++) {
        over |= it[i].over;
        any |= it[i].given;
    }
    if (!any)
        return;
    ADD("%s: ", over ? "over" : "fits");
    int first = 1;
    /* over: what is over, with how far, first; then what fits */
    for (int pass = over ? 0 : 1; pass < 2; pass++)
        for (int i = 0; i < PROF_B_COUNT; i++) {
            char v[32], l[32];
            if (!it[i].given || it[i].over != (pass == 0))
                continue;
            show(i, it[i].value, v, sizeof v);
            show(i, it[i].limit, l, sizeof l);
            if (it[i].over)
                ADD("%s%s%s, %.1fx the %s budget", first ? "" : "; ", words[i], v,
                    it[i].value / it[i].limit, l);
            else
                ADD("%s%s%s of %s", first ? "" : "; ", words[i], v, l);
            first = 0;
        }
    /* time or energy over: the layer that costs most */
    uint32_t nl;
    const prof_layer *L = prof_layers(p, &nl);
    const prof_inference *inf = prof_last(p);
    if ((it[PROF_B_MS].over || it[PROF_B_UJ].over) && L && nl && inf && inf->cycles) {
        uint32_t top = 0;
        for (uint32_t i = 1; i < nl; i++)
            if (L[i].cycles > L[top].cycles)
                top = i;
        char op[TEXT_SAFE_SIZE(64)];
        ADD("; the top %s is %u (%s), %.0f%%", inf->probed ? "call" : "layer", top,
            text_safe(L[top].op, op, sizeof op),
            100.0 * (double)L[top].cycles / (double)inf->cycles);
    }
#undef ADD
}

void prof_set_duty(prof *p, double rate, double mah)
{
    p->duty_rate = rate;
    p->duty_mah = mah;
}

void prof_get_duty(const prof *p, double *rate, double *mah)
{
    *rate = p->duty_rate;
    *mah = p->duty_mah;
}

int prof_budget_eval(const prof *p, const sim_elf *e, const sim_board *b,
                     prof_budget_item it[PROF_B_COUNT], char *line, size_t n)
{
    const prof_budget *g = &p->budget;
    const prof_inference *inf = prof_last(p);
    sim_stats x;
    prof_memory m;
    sim_stats_get(p->s, &x);
    prof_memory_use(p, e, b, &m);
    uint64_t cycles = inf ? inf->cycles : x.cycles;
    const double limit[PROF_B_COUNT] = {g->max_ms, g->max_uj, (double)g->max_ram,
                                        (double)g->max_flash, (double)g->max_stack};
    const double value[PROF_B_COUNT] = {(double)cycles * 1e3 / b->clock_hz,
                                        prof_energy_j(b, cycles) * 1e6, (double)m.ram_used,
                                        (double)m.flash_used,
                                        (double)(inf && !inf->probed ? inf->stack_bytes
                                                                     : m.stack_peak)};
    int over = 0;
    for (int i = 0; i < PROF_B_COUNT; i++) {
        it[i].given = limit[i] > 0;
        it[i].limit = limit[i];
        it[i].value = value[i];
        it[i].over = it[i].given && value[i] > limit[i];
        over |= it[i].over;
    }
    if (line && n)
        budget_line(p, it, line, n);
    return over;
}

