/*
 * What C++ firmware needs at run time beyond the C library, for the samples (and as a model
 * for yours): operator new and delete on the C heap (malloc and free from newlib nano: the
 * heap is the .heap section, HEAP_SIZE in common/sections.ld), and __cxa_pure_virtual. Built
 * without exceptions: a failed new is a fatal error, reported and ended with abort(), never a
 * null pointer the caller did not ask for. __dso_handle and the constructors' init array are
 * common/startup.c's.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static void *alloc_or_die(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        printf("cxxrt: out of heap: new of %u bytes failed (raise HEAP_SIZE)\n", (unsigned)n);
        abort();
    }
    return p;
}

void *operator new(size_t n) { return alloc_or_die(n); }
void *operator new[](size_t n) { return alloc_or_die(n); }
void operator delete(void *p) noexcept { free(p); }
void operator delete[](void *p) noexcept { free(p); }
void operator delete(void *p, size_t) noexcept { free(p); }
void operator delete[](void *p, size_t) noexcept { free(p); }

extern "C" void __cxa_pure_virtual(void)
{
    printf("cxxrt: pure virtual function called\n");
    abort();
}
