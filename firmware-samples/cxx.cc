/*
 * cxx: a C++ firmware, for tinysim's C++ support. A static object built by its constructor
 * before main (the init array that common/startup.c runs), stages made with new (the heap,
 * common/cxxrt.cc) and run through virtual calls, functions in namespaces and classes
 * (mangled in the ELF: tinysim shows them demangled), and two functions named step in
 * anonymous namespaces of two files (cxx.cc and cxx_ops.cc). Prints what it did and the
 * pipeline's result, and exits with status 0 when the static constructor ran.
 */
#include <stdint.h>
#include <stdio.h>

#include "cxx.h"

namespace {

__attribute__((noinline)) uint32_t step(uint32_t x) { return (x << 7 | x >> 25) + 0x9e3779b9u; }

/* Built before main: its constructor records that the init array ran. */
struct Registry {
    Registry() : ready(0x600d) {}
    uint32_t ready;
};
Registry registry;

} // namespace

namespace pipeline {
uint32_t Scale::run(uint32_t x)
{
    for (uint32_t i = 0; i < 64; i++)
        x = step(x) * k_;
    return x;
}
} // namespace pipeline

int main(void)
{
    pipeline::Stage *stages[3] = {new pipeline::Scale(3), new pipeline::Mix(100),
                                  new pipeline::Scale(5)};
    uint32_t x = 1;
    for (int round = 0; round < 4; round++)
        for (pipeline::Stage *s : stages)
            x = s->run(x);
    for (pipeline::Stage *s : stages) {
        printf("stage %s\n", s->name());
        delete s;
    }
    printf("cxx: static constructor %s, result 0x%08lx\n",
           registry.ready == 0x600d ? "ran" : "did not run", (unsigned long)x);
    return registry.ready == 0x600d ? 0 : 1;
}
