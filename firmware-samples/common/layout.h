/*
 * The memory layout of the samples as C sees it: the symbols common/sections.ld defines, and
 * the input slot's header. See firmware-samples/README.md for the contract with the simulator.
 */
#ifndef TS_LAYOUT_H
#define TS_LAYOUT_H

#include <stdint.h>

#define TS_INPUT_MAGIC 0x4E495354u /* "TSIN" little-endian */

/* The input slot, written by the simulator (or a debugger) before reset. */
typedef struct {
    uint32_t magic;       /* TS_INPUT_MAGIC when the slot holds an input */
    uint32_t size;        /* bytes of data */
    uint32_t reserved[2]; /* 0 */
    uint8_t data[];
} ts_input_slot;

/* Flash: the model slot runs from the end of the .data load image to the end of flash.
 * The slot and arena symbols exist only in firmware that refers to them (sections.ld). */
extern const uint32_t tinysim_model_slot[];
extern const uint32_t tinysim_model_slot_end[];

/* RAM, from the bottom: .data, .bss, heap, input slot, arena, stack. */
extern uint32_t __data_start__[], __data_end__[];
extern const uint32_t __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint8_t __heap_start__[], __heap_end__[];
extern const ts_input_slot tinysim_input_slot;
extern const uint8_t tinysim_input_slot_end[];
extern uint8_t tinysim_arena[], tinysim_arena_end[];
extern uint32_t __stack_limit__[], __stack_top__[];
extern const uint32_t __flash_start__[], __flash_end__[];
extern uint32_t __ram_start__[], __ram_end__[];

/* Bytes between two linker symbols (end >= start by construction of the script). */
static inline uint32_t ts_span(const volatile void *start, const volatile void *end)
{
    return (uint32_t)((uintptr_t)end - (uintptr_t)start);
}

#endif /* TS_LAYOUT_H */
