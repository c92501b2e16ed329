/*
 * tflmfake: a firmware that looks like TensorFlow Lite Micro to tinysim (the interpreter's
 * constructor and Invoke(), the graph's InvokeSubgraph(int) loop, operator invoke functions
 * taking (TfLiteContext*, TfLiteNode*)), but is none: it hands the profiler whatever the case
 * named on its console input says, to check that every value tinysim reads from a TFLM
 * firmware is validated (tests/trust/prof.sh). Models come from --semihost-dir.
 *
 *   good FILE N      a .tflite read into RAM, N operator calls with TfLiteNode pointers in
 *                    sequence (the layers must come out, named from the file)
 *   extra FILE N     N + 3 operator calls for a model of N operators
 *   sequence FILE N  the third call's node out of the sequence
 *   nomodel N        the interpreter's model pointer unmapped
 *   garbage N        a model pointer into bytes that say "TFL3" and nothing else that holds
 *   arena FILE N     an arena pointer into flash and an arena size of 4 GiB
 *   nested FILE N    an Invoke inside an operator of another Invoke
 * Exit 0 after a case; 2 for an unknown case, 3 when FILE cannot be read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" {
#include "common/semihost.h"
}

#define SYS_OPEN 0x01u
#define SYS_FLEN 0x0Cu

/* The type names TFLM's kernels take: tinysim recognises the kernels by these. */
struct TfLiteContext {
    uint32_t calls;
};
struct TfLiteNode {
    uint32_t words[8]; /* 32 bytes, as TFLM's NodeAndRegistration in the real firmware */
};

namespace tflite {

struct Model;
class MicroOpResolver {};

typedef int (*Invoke_fn)(TfLiteContext *, TfLiteNode *);

class MicroInterpreterGraph {
  public:
    __attribute__((noipa)) int InvokeSubgraph(int subgraph);
    Invoke_fn ops[64];
    TfLiteNode nodes[64];
    TfLiteNode *order[64];
    uint32_t n;
    TfLiteContext context;
};

class MicroInterpreter {
  public:
    __attribute__((noipa)) MicroInterpreter(const Model *model, const MicroOpResolver &resolver,
                                               unsigned char *arena, unsigned int arena_size,
                                               void *resource_variables, void *profiler,
                                               bool preserve_all_tensors);
    __attribute__((noipa)) int Invoke();
    const Model *model_;
    MicroInterpreterGraph graph_;
};

MicroInterpreter::MicroInterpreter(const Model *model, const MicroOpResolver &, unsigned char *,
                                   unsigned int, void *, void *, bool)
    : model_(model), graph_()
{
}

int MicroInterpreter::Invoke()
{
    return graph_.InvokeSubgraph(0);
}

int MicroInterpreterGraph::InvokeSubgraph(int)
{
    for (uint32_t i = 0; i < n; i++)
        if (ops[i](&context, order[i]) != 0)
            return 1;
    return 0;
}

namespace {

MicroInterpreter *inner; /* nested: the Invoke an operator runs */

__attribute__((noipa)) int Eval(TfLiteContext *c, TfLiteNode *node)
{
    volatile uint32_t x = node->words[0];
    for (uint32_t i = 0; i < 200; i++)
        x = x * 1664525u + 1013904223u;
    c->calls++;
    return 0;
}

__attribute__((noipa)) int EvalNested(TfLiteContext *c, TfLiteNode *node)
{
    if (inner) {
        MicroInterpreter *i = inner;
        inner = nullptr;
        i->Invoke();
    }
    return Eval(c, node);
}

} // namespace
} // namespace tflite

static uint8_t pool[48u * 1024u] __attribute__((aligned(16)));
static unsigned char arena[4096] __attribute__((aligned(16)));
static tflite::MicroInterpreter *interp, *other;

/* A .tflite from --semihost-dir into the pool; its Model* (the FlatBuffer's root table). */
static const tflite::Model *load(const char *name)
{
    uint32_t block[3] = {(uint32_t)(uintptr_t)name, 0 /* "r" */, (uint32_t)strlen(name)};
    uint32_t h = ts_sh_call(SYS_OPEN, block);
    uint32_t size = h == UINT32_MAX ? 0 : ts_sh_call(SYS_FLEN, &h);
    if (h == UINT32_MAX || size < 8 || size > sizeof pool ||
        ts_sh_read((int)h, pool, size) != size) {
        printf("tflmfake: cannot read %s (give --semihost-dir; at most %u bytes)\n", name,
               (unsigned)sizeof pool);
        ts_sh_exit(3);
    }
    uint32_t root;
    memcpy(&root, pool, 4);
    return reinterpret_cast<const tflite::Model *>(pool + root);
}

static tflite::MicroInterpreter *make(const tflite::Model *m, unsigned char *a, unsigned int size,
                                      uint32_t n, tflite::Invoke_fn fn)
{
    static tflite::MicroOpResolver resolver;
    static unsigned made;
    tflite::MicroInterpreter *i;
    if (made++ == 0) { /* two at most (nested), built where they are, as statics */
        static tflite::MicroInterpreter first(m, resolver, a, size, nullptr, nullptr, false);
        i = &first;
    } else {
        static tflite::MicroInterpreter second(m, resolver, a, size, nullptr, nullptr, false);
        i = &second;
    }
    i->graph_.n = n > 64 ? 64 : n;
    for (uint32_t k = 0; k < i->graph_.n; k++) {
        i->graph_.ops[k] = fn;
        i->graph_.order[k] = &i->graph_.nodes[k];
    }
    return i;
}

int main(void)
{
    static char line[160];
    char *w[4] = {0};
    uint32_t got = ts_sh_read(TS_SH_STDIN, line, sizeof line - 1), k = 0;
    line[got] = 0;
    line[strcspn(line, "\r\n")] = 0;
    printf("tflmfake: %s\n", line);
    fflush(stdout);
    for (char *t = strtok(line, " "); t && k < 4; t = strtok(NULL, " "))
        w[k++] = t;
    const char *cmd = w[0] ? w[0] : "";
    uint32_t n = (uint32_t)strtoul(k == 3 ? w[2] : k == 2 ? w[1] : "0", NULL, 0);
    if (k == 3 && strcmp(cmd, "good") == 0) {
        interp = make(load(w[1]), arena, sizeof arena, n, tflite::Eval);
    } else if (k == 3 && strcmp(cmd, "extra") == 0) {
        interp = make(load(w[1]), arena, sizeof arena, n + 3, tflite::Eval);
    } else if (k == 3 && strcmp(cmd, "sequence") == 0) {
        interp = make(load(w[1]), arena, sizeof arena, n, tflite::Eval);
        if (n > 2)
            interp->graph_.order[2] = &interp->graph_.nodes[n - 1];
    } else if (k == 2 && strcmp(cmd, "nomodel") == 0) {
        interp = make(reinterpret_cast<const tflite::Model *>(0x70000000u), arena, sizeof arena,
                      n, tflite::Eval);
    } else if (k == 2 && strcmp(cmd, "garbage") == 0) {
        static uint32_t junk[64] = {8u, 0x334c4654u /* "TFL3" */, 0xffffffffu, 0x7fffffffu};
        interp = make(reinterpret_cast<const tflite::Model *>(&junk[2]), arena, sizeof arena, n,
                      tflite::Eval);
    } else if (k == 3 && strcmp(cmd, "arena") == 0) {
        interp = make(load(w[1]), reinterpret_cast<unsigned char *>(0x08000000u), 0xffffffffu, n,
                      tflite::Eval);
    } else if (k == 3 && strcmp(cmd, "nested") == 0) {
        const tflite::Model *m = load(w[1]);
        other = make(m, arena, sizeof arena, n, tflite::Eval);
        interp = make(m, arena, sizeof arena, n, tflite::EvalNested);
        tflite::inner = other;
    } else {
        printf("tflmfake: give one of good FILE N, extra FILE N, sequence FILE N, nomodel N, "
               "garbage N, arena FILE N, nested FILE N on stdin\n");
        return 2;
    }
    interp->Invoke();
    interp->Invoke();
    printf("tflmfake: done, %u operator calls\n", (unsigned)interp->graph_.context.calls);
    return 0;
}
