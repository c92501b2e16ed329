/*
 * Calls (calls.h): the simulator's call paths folded into functions, edges and stacks.
 */
#include <stdlib.h>
#include <string.h>

#include "models/text.h"
#include "profiler/calls.h"
#include "sim/elf.h"

#define NO_NODE UINT32_MAX

uint32_t prof_calls_context(uint32_t layer, int in_layer)
{
    return in_layer ? layer + 1 : 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* fn index of address a in the sorted unique addrs */
static uint32_t fn_of(const uint32_t *addrs, uint32_t n, uint32_t a)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (addrs[mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct {
    const sim_cg_node *nodes;
    uint32_t n;
    uint32_t *first, *next; /* children lists, in node order */
    uint64_t *total;        /* a node's cycles with its subtree's */
} tree;

static int tree_build(tree *t, sim *s, sim_cg_info *info)
{
    memset(t, 0, sizeof *t);
    t->nodes = sim_callgraph(s, &t->n, info);
    if (t->n == 0)
        return 0;
    t->first = malloc(t->n * sizeof *t->first);
    t->next = malloc(t->n * sizeof *t->next);
    t->total = malloc(t->n * sizeof *t->total);
    if (!t->first || !t->next || !t->total)
        return -1;
    for (uint32_t i = 0; i < t->n; i++) {
        t->first[i] = t->next[i] = NO_NODE;
        t->total[i] = t->nodes[i].cycles;
    }
    /* a child is always made after its parent: one pass from the end sums the subtrees and
     * links children in ascending order */
    for (uint32_t i = t->n; i-- > 0;) {
        uint32_t p = t->nodes[i].parent;
        if (p == UINT32_MAX || p >= i)
            continue;
        t->total[p] += t->total[i];
        t->next[i] = t->first[p];
        t->first[p] = i;
    }
    return 0;
}

static void tree_free(tree *t)
{
    free(t->first);
    free(t->next);
    free(t->total);
}

static int is_root(const tree *t, uint32_t i)
{
    return t->nodes[i].parent == UINT32_MAX || t->nodes[i].parent >= i;
}

static void name_fn(prof_call_fn *f, const sim_elf *e, char *label)
{
    uint32_t off = 0;
    const sim_symbol *sym = sim_elf_symbol_at(e, f->addr, &off);
    if (sym && off == 0) {
        f->name = sym->display;
        f->symbol = sym->name;
    } else {
        f->name = f->symbol = label;
    }
}

static int edge_cmp(const void *a, const void *b)
{
    const prof_call_edge *x = a, *y = b;
    if (x->caller != y->caller)
        return x->caller < y->caller ? -1 : 1;
    return x->callee < y->callee ? -1 : x->callee > y->callee;
}

static const prof_call_fn *sort_fns;
static int fn_rank_cmp(const void *a, const void *b)
{
    const prof_call_fn *x = &sort_fns[*(const uint32_t *)a], *y = &sort_fns[*(const uint32_t *)b];
    if (x->incl_cycles != y->incl_cycles)
        return x->incl_cycles < y->incl_cycles ? 1 : -1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int edge_rank_cmp(const void *a, const void *b)
{
    const prof_call_edge *x = a, *y = b;
    if (x->cycles != y->cycles)
        return x->cycles < y->cycles ? 1 : -1;
    return edge_cmp(a, b);
}

int prof_calls_build(sim *s, const sim_elf *e, prof_calls *c)
{
    memset(c, 0, sizeof *c);
    tree t;
    uint32_t *addrs = NULL, *onpath = NULL, *stack = NULL, *rank = NULL, *newidx = NULL;
    uint8_t *state = NULL;
    prof_call_edge *edges = NULL;
    int rc = -1;
    if (tree_build(&t, s, &c->info) < 0)
        goto out;
    if (t.n == 0) {
        rc = 0;
        goto out;
    }
    /* the functions: the distinct addresses of the non-root nodes */
    addrs = malloc(t.n * sizeof *addrs);
    if (!addrs)
        goto out;
    uint32_t na = 0;
    for (uint32_t i = 0; i < t.n; i++) {
        if (!is_root(&t, i))
            addrs[na++] = t.nodes[i].func;
        else
            c->total_cycles += t.total[i];
    }
    qsort(addrs, na, sizeof *addrs, cmp_u32);
    uint32_t nf = 0;
    for (uint32_t i = 0; i < na; i++)
        if (nf == 0 || addrs[nf - 1] != addrs[i])
            addrs[nf++] = addrs[i];
    c->fn = calloc(nf ? nf : 1, sizeof *c->fn);
    onpath = calloc(nf ? nf : 1, sizeof *onpath);
    edges = malloc(t.n * sizeof *edges);
    stack = malloc(t.n * sizeof *stack);
    state = calloc(t.n, 1);
    if (!c->fn || !onpath || !edges || !stack || !state)
        goto out;
    c->n_fn = nf;
    for (uint32_t i = 0; i < nf; i++)
        c->fn[i].addr = addrs[i];
    /* depth first from every root: self and calls per function, inclusive cycles at a
     * function's outermost node on the path, an edge per node under a function */
    uint32_t ne = 0;
    for (uint32_t r = 0; r < t.n; r++) {
        if (!is_root(&t, r))
            continue;
        uint32_t sp = 0;
        stack[sp++] = r;
        while (sp) {
            uint32_t i = stack[sp - 1];
            uint32_t f = is_root(&t, i) ? NO_NODE : fn_of(addrs, nf, t.nodes[i].func);
            if (!state[i]) {
                state[i] = 1;
                if (f != NO_NODE) {
                    c->fn[f].calls += t.nodes[i].calls;
                    c->fn[f].self_cycles += t.nodes[i].cycles;
                    if (onpath[f]++ == 0)
                        c->fn[f].incl_cycles += t.total[i];
                    uint32_t p = t.nodes[i].parent;
                    if (!is_root(&t, p))
                        edges[ne++] = (prof_call_edge){fn_of(addrs, nf, t.nodes[p].func), f,
                                                       t.nodes[i].calls, t.total[i]};
                }
                for (uint32_t k = t.first[i]; k != NO_NODE; k = t.next[k])
                    stack[sp++] = k; /* each node is pushed once: the stack holds n at most */
                continue;
            }
            sp--;
            if (f != NO_NODE)
                onpath[f]--;
        }
    }
    /* merge the edges by (caller, callee) */
    qsort(edges, ne, sizeof *edges, edge_cmp);
    uint32_t m = 0;
    for (uint32_t i = 0; i < ne; i++) {
        if (m && edges[m - 1].caller == edges[i].caller && edges[m - 1].callee == edges[i].callee) {
            edges[m - 1].calls += edges[i].calls;
            edges[m - 1].cycles += edges[i].cycles;
        } else {
            edges[m++] = edges[i];
        }
    }
    /* functions by inclusive cycles; the edges follow their new indices */
    rank = malloc((nf ? nf : 1) * sizeof *rank);
    newidx = malloc((nf ? nf : 1) * sizeof *newidx);
    prof_call_fn *sorted = calloc(nf ? nf : 1, sizeof *sorted);
    if (!rank || !newidx || !sorted) {
        free(sorted);
        goto out;
    }
    for (uint32_t i = 0; i < nf; i++)
        rank[i] = i;
    sort_fns = c->fn;
    qsort(rank, nf, sizeof *rank, fn_rank_cmp);
    for (uint32_t i = 0; i < nf; i++) {
        sorted[i] = c->fn[rank[i]];
        newidx[rank[i]] = i;
    }
    free(c->fn);
    c->fn = sorted;
    c->labels = calloc(nf ? nf : 1, sizeof *c->labels);
    if (!c->labels)
        goto out;
    for (uint32_t i = 0; i < nf; i++) {
        snprintf(c->labels[i], sizeof c->labels[i], "0x%08x", c->fn[i].addr);
        name_fn(&c->fn[i], e, c->labels[i]);
    }
    for (uint32_t i = 0; i < m; i++) {
        edges[i].caller = newidx[edges[i].caller];
        edges[i].callee = newidx[edges[i].callee];
    }
    qsort(edges, m, sizeof *edges, edge_rank_cmp);
    c->edge = edges;
    c->n_edge = m;
    edges = NULL;
    rc = 0;
out:
    free(addrs);
    free(onpath);
    free(stack);
    free(state);
    free(rank);
    free(newidx);
    free(edges);
    tree_free(&t);
    if (rc != 0)
        prof_calls_free(c);
    return rc;
}

void prof_calls_free(prof_calls *c)
{
    free(c->fn);
    free(c->edge);
    free(c->labels);
    memset(c, 0, sizeof *c);
}

void prof_print_calls(FILE *f, const prof_calls *c, uint32_t top)
{
    if (!c->n_fn)
        return;
    fprintf(f, "\n--- calls (whole run, inclusive cycles: a function with what it called; top %u "
               "of %u) ---\n", top < c->n_fn ? top : c->n_fn, c->n_fn);
    fprintf(f, "%12s %6s %12s %10s  %-32s  %s\n", "inclusive", "share", "self", "calls",
            "function", "called most from");
    for (uint32_t i = 0; i < c->n_fn && i < top; i++) {
        const prof_call_fn *fn = &c->fn[i];
        const char *from = "-";
        uint64_t best = 0;
        for (uint32_t k = 0; k < c->n_edge; k++) /* edges by cycles: the first is the heaviest */
            if (c->edge[k].callee == i && c->edge[k].cycles >= best && from[0] == '-') {
                best = c->edge[k].cycles;
                from = c->fn[c->edge[k].caller].name;
            }
        char nm[TEXT_SAFE_SIZE(256)], fr[TEXT_SAFE_SIZE(256)];
        text_safe(from, fr, sizeof fr);
        if (strlen(fr) > 48) /* the caller is a hint: a long C++ name is cut */
            memcpy(fr + 45, "...", 4);
        fprintf(f, "%12llu %5.1f%% %12llu %10llu  %-32s  %s\n",
                (unsigned long long)fn->incl_cycles,
                c->total_cycles ? 100.0 * (double)fn->incl_cycles / (double)c->total_cycles : 0.0,
                (unsigned long long)fn->self_cycles, (unsigned long long)fn->calls,
                text_safe(fn->name, nm, sizeof nm), fr);
    }
    if (c->info.deeper_calls || c->info.full)
        fprintf(f, "(%s%s%s)\n",
                c->info.deeper_calls ? "calls nested deeper than 256 are counted with the "
                                       "deepest tracked frame" : "",
                c->info.deeper_calls && c->info.full ? "; " : "",
                c->info.full ? "the call paths filled the table: new ones count to their caller"
                             : "");
}

/* A frame's name for a collapsed stack: printable ASCII, no ';' (the separator). */
static void put_frame(FILE *f, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        fputc(*p == ';' ? ':' : (*p < 32 || *p > 126) ? '?' : (int)*p, f);
}

static void put_context(FILE *f, uint32_t ctx, const prof *p)
{
    if (ctx == 0) {
        fputs("(no layer)", f);
        return;
    }
    uint32_t n = 0, layer = ctx - 1;
    const prof_layer *L = p ? prof_layers(p, &n) : NULL;
    if (L && layer < n) {
        fprintf(f, "layer %u ", layer);
        put_frame(f, L[layer].op);
    } else {
        fprintf(f, "layer %u", layer);
    }
}

void prof_write_folded(FILE *f, sim *s, const sim_elf *e, const prof *p)
{
    tree t;
    sim_cg_info info;
    uint32_t *stack = NULL, *path = NULL;
    uint8_t *state = NULL;
    if (tree_build(&t, s, &info) < 0 || t.n == 0)
        goto out;
    stack = malloc(t.n * sizeof *stack);
    path = malloc(t.n * sizeof *path);
    state = calloc(t.n, 1);
    if (!stack || !path || !state)
        goto out;
    for (uint32_t r = 0; r < t.n; r++) {
        if (!is_root(&t, r))
            continue;
        uint32_t sp = 0, depth = 0;
        stack[sp++] = r;
        while (sp) {
            uint32_t i = stack[sp - 1];
            if (state[i]) {
                sp--;
                depth--;
                continue;
            }
            state[i] = 1;
            path[depth++] = i;
            if (t.nodes[i].cycles) {
                put_context(f, t.nodes[r].func, p);
                for (uint32_t k = 1; k < depth; k++) {
                    uint32_t off = 0;
                    const sim_symbol *sym = sim_elf_symbol_at(e, t.nodes[path[k]].func, &off);
                    fputc(';', f);
                    if (sym && off == 0)
                        put_frame(f, sym->display);
                    else
                        fprintf(f, "0x%08x", t.nodes[path[k]].func);
                }
                fprintf(f, " %llu\n", (unsigned long long)t.nodes[i].cycles);
            }
            /* children in reverse, so that they come out in node order */
            uint32_t k0 = sp;
            for (uint32_t k = t.first[i]; k != NO_NODE; k = t.next[k])
                stack[sp++] = k;
            for (uint32_t a = k0, b = sp; b > a + 1; a++, b--) {
                uint32_t tmp = stack[a];
                stack[a] = stack[b - 1];
                stack[b - 1] = tmp;
            }
        }
    }
out:
    free(stack);
    free(path);
    free(state);
    tree_free(&t);
}

/* ===================================================================== trace */

/* A name as a JSON string's contents: printable ASCII, quotes and backslashes escaped (the
 * names are the firmware's bytes). */
static void put_json_name(FILE *f, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        fputc(*p < 32 || *p > 126 ? '?' : (int)*p, f);
    }
}

static void put_fn_name(FILE *f, const sim_elf *e, uint32_t func)
{
    uint32_t off = 0;
    const sim_symbol *sym = sim_elf_symbol_at(e, func, &off);
    if (sym && off == 0)
        put_json_name(f, sym->display);
    else
        fprintf(f, "0x%08x", func);
}

static void put_ts(FILE *f, uint64_t cycles, double mhz)
{
    fprintf(f, "%.3f", (double)cycles / mhz);
}

typedef struct {
    uint32_t func, sp;
    uint64_t begin;
} open_call;

/* A call's slice on the "calls" track. */
static void put_call(FILE *f, const sim_elf *e, const open_call *c, uint64_t dur, double mhz,
                     int open_at_end)
{
    fprintf(f, ",\n{\"name\": \"");
    put_fn_name(f, e, c->func);
    fprintf(f, "\", \"cat\": \"call\", \"ph\": \"X\", \"pid\": 1, \"tid\": 2, \"ts\": ");
    put_ts(f, c->begin, mhz);
    fprintf(f, ", \"dur\": ");
    put_ts(f, dur, mhz);
    fprintf(f, ", \"args\": {\"cycles\": %llu%s}}", (unsigned long long)dur,
            open_at_end ? ", \"open_at_end\": true" : "");
}

void prof_write_trace(FILE *f, sim *s, const sim_elf *e, const prof *p, const char *firmware)
{
    uint32_t n = 0;
    int lost = 0;
    const sim_cg_event *ev = sim_cg_events(s, &n, &lost);
    const sim_board *b = sim_get_board(s);
    sim_stats st;
    sim_stats_get(s, &st);
    const double mhz = b && b->clock_hz ? (double)b->clock_hz / 1e6 : 1.0;
    open_call *stack = malloc((SIM_CG_DEPTH + 1) * sizeof *stack);
    uint64_t hist[65] = {0};
    if (!stack)
        return;
    /* pass 1: how long each call took, by power of two */
    uint32_t d = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (ev[i].kind == SIM_CG_ENTER && d <= SIM_CG_DEPTH)
            stack[d++] = (open_call){ev[i].func, ev[i].sp, ev[i].cycles};
        else if (ev[i].kind == SIM_CG_EXIT && d) {
            uint64_t dur = ev[i].cycles - stack[--d].begin;
            hist[dur ? 64 - __builtin_clzll(dur) : 0]++;
        }
    }
    while (d) { /* still open at the end: until the last cycle */
        uint64_t dur = st.cycles - stack[--d].begin;
        hist[dur ? 64 - __builtin_clzll(dur) : 0]++;
    }
    /* the shortest power of two that keeps at most PROF_TRACE_MAX_CALLS calls */
    uint64_t kept = 0;
    int k = 65;
    while (k > 0 && kept + hist[k - 1] <= PROF_TRACE_MAX_CALLS)
        kept += hist[--k];
    const uint64_t min_cycles = k == 0 ? 0 : 1ull << (k - 1);

    fprintf(f, "{\"traceEvents\": [\n");
    fprintf(f, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": \"");
    put_json_name(f, firmware ? firmware : "firmware");
    fprintf(f, " on %s (%.6g MHz)\"}},\n", b ? b->name : "?", mhz);
    fprintf(f, "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 1, \"args\": "
               "{\"name\": \"inference and layers\"}},\n");
    fprintf(f, "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 2, \"args\": "
               "{\"name\": \"calls\"}}");
    uint32_t nl = 0;
    const prof_layer *L = p ? prof_layers(p, &nl) : NULL;
    uint64_t inf_begin = 0, layer_begin = 0, inf_no = 0;
    uint32_t layer_ctx = 0, top_sp = 0;
    int in_inf = 0, have_top = 0;
    d = 0;
    for (uint32_t i = 0; i < n; i++) {
        const sim_cg_event *x = &ev[i];
        switch (x->kind) {
        case SIM_CG_ENTER:
            if (!have_top) {
                top_sp = x->sp;
                have_top = 1;
            }
            if (d <= SIM_CG_DEPTH)
                stack[d++] = (open_call){x->func, x->sp, x->cycles};
            break;
        case SIM_CG_EXIT: {
            if (!d)
                break;
            open_call c = stack[--d];
            uint64_t dur = x->cycles - c.begin;
            if (dur < min_cycles)
                break;
            put_call(f, e, &c, dur, mhz, 0);
            fprintf(f, ",\n{\"name\": \"stack\", \"ph\": \"C\", \"pid\": 1, \"ts\": ");
            put_ts(f, c.begin, mhz);
            fprintf(f, ", \"args\": {\"bytes\": %u}}", have_top && top_sp >= c.sp ? top_sp - c.sp : 0);
            break;
        }
        case SIM_CG_CONTEXT:
            if (layer_ctx) { /* the layer that ran until now */
                uint32_t l = layer_ctx - 1;
                fprintf(f, ",\n{\"name\": \"layer %u", l);
                if (L && l < nl) {
                    fputc(' ', f);
                    put_json_name(f, L[l].op);
                }
                fprintf(f, "\", \"cat\": \"layer\", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, "
                           "\"ts\": ");
                put_ts(f, layer_begin, mhz);
                fprintf(f, ", \"dur\": ");
                put_ts(f, x->cycles - layer_begin, mhz);
                fprintf(f, ", \"args\": {\"layer\": %u, \"cycles\": %llu}}", l,
                        (unsigned long long)(x->cycles - layer_begin));
            }
            layer_ctx = x->func;
            layer_begin = x->cycles;
            fprintf(f, ",\n{\"name\": \"arena\", \"ph\": \"C\", \"pid\": 1, \"ts\": ");
            put_ts(f, x->cycles, mhz);
            fprintf(f, ", \"args\": {\"bytes\": %u}}",
                    layer_ctx && L && layer_ctx - 1 < nl ? L[layer_ctx - 1].arena_bytes : 0);
            break;
        case SIM_CG_MARK:
            if (x->func == PROF_MARK_INFERENCE_BEGIN) {
                inf_begin = x->cycles;
                in_inf = 1;
            } else if (x->func == PROF_MARK_INFERENCE_END && in_inf) {
                fprintf(f, ",\n{\"name\": \"inference %llu\", \"cat\": \"inference\", "
                           "\"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": ",
                        (unsigned long long)inf_no++);
                put_ts(f, inf_begin, mhz);
                fprintf(f, ", \"dur\": ");
                put_ts(f, x->cycles - inf_begin, mhz);
                fprintf(f, ", \"args\": {\"cycles\": %llu}}",
                        (unsigned long long)(x->cycles - inf_begin));
                in_inf = 0;
            }
            break;
        default:
            break;
        }
    }
    while (d) { /* still open at the end (main, what never returns): until the last cycle */
        open_call c = stack[--d];
        uint64_t dur = st.cycles - c.begin;
        if (dur < min_cycles)
            continue;
        put_call(f, e, &c, dur, mhz, 1);
    }
    fprintf(f, "\n],\n\"displayTimeUnit\": \"ns\",\n\"otherData\": {\"tool\": \"tinysim\", "
               "\"clock_hz\": %u, \"time_unit\": \"simulated microseconds\", \"calls_shown\": "
               "%llu, \"calls_shorter_than_cycles_left_out\": %llu, \"events_truncated\": %s}}\n",
            b ? b->clock_hz : 0, (unsigned long long)kept, (unsigned long long)min_cycles,
            lost ? "true" : "false");
    free(stack);
}

/* ===================================================================== flame graph */

static void ctx_label(char *buf, size_t n, uint32_t ctx, const prof *p)
{
    uint32_t nl = 0;
    const prof_layer *L = p ? prof_layers(p, &nl) : NULL;
    if (ctx == 0)
        snprintf(buf, n, "(no layer)");
    else if (L && ctx - 1 < nl)
        snprintf(buf, n, "layer %u %s", ctx - 1, L[ctx - 1].op);
    else
        snprintf(buf, n, "layer %u", ctx - 1);
}

/* Text for SVG/HTML: escaped, printable ASCII, at most max characters ("..." when cut). */
static void put_svg_text(FILE *f, const char *s, size_t max)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (len > max && i + 3 >= max) {
            fputc('.', f);
            continue;
        }
        if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '&')
            fputs("&amp;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else
            fputc(c < 32 || c > 126 ? '?' : (int)c, f);
    }
}

static const char *flame_color(const char *name)
{
    static const char *const pal[] = {"#f2a65a", "#ee8959", "#e9724c", "#f4bc6a", "#e85d3d",
                                      "#f6d07b", "#ea7b50", "#f0994f"};
    uint32_t h = 2166136261u;
    for (const unsigned char *q = (const unsigned char *)name; *q; q++)
        h = (h ^ *q) * 16777619u;
    return pal[h % (sizeof pal / sizeof pal[0])];
}

void prof_calls_flame_svg(FILE *f, sim *s, const sim_elf *e, const prof *p, int width)
{
    enum { ROW = 17, MAX_DEPTH = 60 };
    tree t;
    sim_cg_info info;
    double *x = NULL;
    uint32_t *depth = NULL;
    if (tree_build(&t, s, &info) < 0 || t.n == 0)
        goto out;
    x = malloc(t.n * sizeof *x);
    depth = malloc(t.n * sizeof *depth);
    if (!x || !depth)
        goto out;
    uint64_t grand = 0;
    for (uint32_t i = 0; i < t.n; i++)
        if (is_root(&t, i))
            grand += t.total[i];
    if (!grand)
        goto out;
    const double scale = (double)width / (double)grand;
    /* positions: roots side by side under "all", children from their parent's left edge */
    uint32_t maxd = 1;
    double rx = 0;
    for (uint32_t i = 0; i < t.n; i++) {
        if (is_root(&t, i)) {
            x[i] = rx;
            depth[i] = 1;
            rx += (double)t.total[i] * scale;
        }
    }
    for (uint32_t i = 0; i < t.n; i++) { /* parents come before children */
        double cx = x[i];
        for (uint32_t k = t.first[i]; k != NO_NODE; k = t.next[k]) {
            x[k] = cx;
            depth[k] = depth[i] + 1;
            if (depth[k] > maxd && depth[k] <= MAX_DEPTH && (double)t.total[k] * scale >= 0.5)
                maxd = depth[k];
            cx += (double)t.total[k] * scale;
        }
    }
    const int h = (int)(maxd + 1) * ROW + 4;
    fprintf(f, "<svg id=\"flame-graph\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-label=\"flame graph\">\n", width, h, width, h);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#bbb\"><title>all: %llu "
               "cycles</title></rect><text x=\"4\" y=\"12\">all: %llu cycles</text>\n",
            width, ROW - 1, (unsigned long long)grand, (unsigned long long)grand);
    for (uint32_t i = 0; i < t.n; i++) {
        double w = (double)t.total[i] * scale;
        if (w < 0.5 || depth[i] > MAX_DEPTH)
            continue;
        char name[160];
        if (is_root(&t, i)) {
            ctx_label(name, sizeof name, t.nodes[i].func, p);
        } else {
            uint32_t off = 0;
            const sim_symbol *sym = sim_elf_symbol_at(e, t.nodes[i].func, &off);
            if (sym && off == 0)
                snprintf(name, sizeof name, "%s", sym->display);
            else
                snprintf(name, sizeof name, "0x%08x", t.nodes[i].func);
        }
        int y = (int)depth[i] * ROW;
        fprintf(f, "<g><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
                   "stroke=\"#fff\" stroke-width=\"0.5\"><title>", x[i], y, w, ROW - 1,
                is_root(&t, i) ? "#9ab" : flame_color(name));
        put_svg_text(f, name, sizeof name);
        fprintf(f, ": %llu cycles (%.2f%%), self %llu, %llu calls</title></rect>",
                (unsigned long long)t.total[i], 100.0 * (double)t.total[i] / (double)grand,
                (unsigned long long)t.nodes[i].cycles, (unsigned long long)t.nodes[i].calls);
        if (w > 30) {
            fprintf(f, "<text x=\"%.1f\" y=\"%d\">", x[i] + 3, y + 12);
            put_svg_text(f, name, (size_t)((w - 6) / 6.2));
            fputs("</text>", f);
        }
        fputs("</g>\n", f);
    }
    fputs("</svg>\n", f);
out:
    free(x);
    free(depth);
    tree_free(&t);
}
