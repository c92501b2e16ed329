/*
 * Layer probes: the functions the interpreter calls around every inference and layer, which
 * a simulator recognises by address (see nn_model.h). Kept in their own file so that no
 * optimisation inlines or merges them.
 */
#include "nn_model.h"

/*
 * Each probe adds its own amount to nn_probe_events (one byte per kind of probe), so the four
 * bodies differ (identical-code folding cannot merge them) and host tests can count calls.
 * noinline + noipa: the call must stay a real call with (m, layer) in r0/r1.
 */
#if defined(__clang__)
#define NN_PROBE __attribute__((noinline, used))
#else
#define NN_PROBE __attribute__((noinline, noipa, used))
#endif

volatile uint32_t nn_probe_events;

NN_PROBE void nn_probe_inference_begin(const nn_model *m)
{
    (void)m;
    nn_probe_events += 0x1000000u;
}

NN_PROBE void nn_probe_inference_end(const nn_model *m)
{
    (void)m;
    nn_probe_events += 0x10000u;
}

NN_PROBE void nn_probe_layer_begin(const nn_model *m, uint32_t layer)
{
    (void)m;
    (void)layer;
    nn_probe_events += 0x100u;
}

NN_PROBE void nn_probe_layer_end(const nn_model *m, uint32_t layer)
{
    (void)m;
    (void)layer;
    nn_probe_events += 1u;
}
