/*
 * cxx's second translation unit: a function named step in an anonymous namespace, as cxx.cc
 * has one (two local functions with one name: --probe step must be refused, naming both with
 * their files), and a stage defined here and used there through its base class.
 */
#include <stdint.h>

#include "cxx.h"

namespace {
__attribute__((noinline)) uint32_t step(uint32_t x) { return x * 2654435761u + 12345u; }
} // namespace

namespace pipeline {
uint32_t Mix::run(uint32_t x)
{
    for (uint32_t i = 0; i < rounds; i++)
        x = step(x ^ i);
    return x;
}
} // namespace pipeline
