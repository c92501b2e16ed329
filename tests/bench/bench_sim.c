/*
 * Simulator speed benchmark (`make bench`, not part of `make test`): runs one firmware run
 * (the infer sample on a model) repeatedly in two modes and reports simulated instructions
 * per second, their ratio and the wall time per inference:
 *   - full profiling: cycle accounting, memory timing and the per-layer profiler attached
 *     (probes, stack painting, per-layer block snapshots), as `tinysim run` does;
 *   - raw: Unicorn with no hooks at all.
 * Both run in the same process, interleaved, so the ratio is comparable on a busy machine.
 * Targets (issue 4): full profiling keeps at least 60% of no-hook speed; one VWW inference
 * profiles in under 1 s of wall time.
 *
 * usage: bench_sim FIRMWARE.elf [MODEL INPUT] [REPEATS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/modelfile.h"
#include "models/util.h"
#include "profiler/prof.h"
#include "sim/sim.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static mf_model mf;
static uint8_t *input;
static size_t input_len;

/* One complete run from reset; returns the wall time of sim_run and fills *insns. */
static double one_run(const sim_board *b, const sim_elf *e, int accounting, uint64_t *insns,
                      int *ok)
{
    sim_config cfg = {0};
    char *cause = NULL;
    prof *pf = accounting ? prof_new(e) : NULL;
    cfg.accounting = accounting;
    if (pf) {
        cfg.on_probe = prof_on_probe;
        cfg.ud = pf;
    }
    sim *s = sim_new(b, e, &cfg, &cause);
    if (!s) {
        fprintf(stderr, "bench: %s\n", cause);
        exit(1);
    }
    if (mf.image) {
        const sim_symbol *ms = sim_elf_symbol(e, "tinysim_model_slot");
        const sim_symbol *is = sim_elf_symbol(e, "tinysim_input_slot");
        uint32_t hdr[4] = {0x4E495354u, (uint32_t)input_len, 0, 0};
        if (!ms || !is || sim_write_target(s, ms->addr, mf.image, (uint32_t)mf.size) < 0 ||
            sim_write_target(s, is->addr, hdr, 16) < 0 ||
            sim_write_target(s, is->addr + 16, input, (uint32_t)input_len) < 0) {
            fprintf(stderr, "bench: cannot place the model and input into %s\n", e->path);
            exit(1);
        }
    }
    if (pf)
        prof_attach(pf, s);
    if (sim_reset(s, &cause) != 0) {
        fprintf(stderr, "bench: %s\n", cause);
        exit(1);
    }
    sim_stop st;
    double t0 = now_s();
    sim_run(s, &st);
    double t = now_s() - t0;
    sim_stats x;
    sim_stats_get(s, &x);
    *insns = x.insns;
    *ok = st.reason == SIM_STOP_EXIT && st.exit_status == 0 && (!pf || prof_last(pf));
    sim_free(s);
    prof_free(pf);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    char *cause = NULL;
    sim_elf *e = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: bench_sim FIRMWARE.elf [MODEL INPUT] [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 4 ? atoi(argv[4]) : 5;
    if (repeats < 1 || repeats > 100)
        repeats = 5;
    if (sim_elf_open(argv[1], &e, &cause) != 0) {
        fprintf(stderr, "bench: %s\n", cause);
        return 3;
    }
    if (argc > 3) {
        if (mf_open(argv[2], &mf, &cause) != 0 ||
            mu_read_file(argv[3], &input, &input_len, &cause) != 0) {
            fprintf(stderr, "bench: %s\n", cause);
            return 3;
        }
    }
    const sim_board *b = e->board ? sim_board_find(e->board) : NULL;
    if (!b) {
        fprintf(stderr, "bench: %s records no built-in board\n", argv[1]);
        return 3;
    }
    uint64_t insns = 0, raw_insns;
    int ok = 0;
    double t_acct[100], t_raw[100];
    for (int i = 0; i < repeats; i++) {
        t_acct[i] = one_run(b, e, 1, &insns, &ok);
        t_raw[i] = one_run(b, e, 0, &raw_insns, &ok);
    }
    qsort(t_acct, (size_t)repeats, sizeof(double), cmp_double);
    qsort(t_raw, (size_t)repeats, sizeof(double), cmp_double);
    double ma = t_acct[repeats / 2], mr = t_raw[repeats / 2];
    printf("bench_sim: %s on %s (%s), %s%s\n", argv[1], b->name, sim_core_name(b->core),
           argc > 3 ? argv[2] : "default model", ok ? "" : " [firmware did not exit 0!]");
    printf("  instructions per run      %llu\n", (unsigned long long)insns);
    printf("  no hooks (raw Unicorn)    %8.1f M instructions/s  (median of %d, %.3f s)\n",
           (double)insns / mr / 1e6, repeats, mr);
    printf("  full profiling            %8.1f M instructions/s  (median of %d, %.3f s per run "
           "of one inference)\n",
           (double)insns / ma / 1e6, repeats, ma);
    printf("  profiling / raw speed     %8.1f %%  (target >= 60 %%)\n", mr / ma * 100.0);
    mf_close(&mf);
    free(input);
    sim_elf_free(e);
    return 0;
}
