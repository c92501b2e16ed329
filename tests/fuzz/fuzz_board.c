/*
 * libFuzzer target for the board profile parser: any bytes as a profile file go through
 * sim_board_parse (sim/board.c), then, when they parse, sim_board_validate and the lookups
 * the simulator makes on a board (sim_board_flash, sim_board_ram, sim_board_region_at).
 *
 * What must hold (sim/board.h's promises), each checked with abort():
 * - a parsed board validates ("the profile loader applies the same checks");
 * - it has a flash and a ram region, and region_at finds every region at its base, its last
 *   byte and its alias, and nothing in the private peripheral bus;
 * - sim_board_to_profile writes a profile that sim_board_parse reads back, and writing that
 *   one out again gives the same text (the round trip is a fixed point);
 * - a refusal comes with a message naming the file, and leaves *out unchanged.
 * No crash, no leak, no hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "fuzz_board: invariant violated: %s (line %d)\n", #cond,  \
                    __LINE__);                                                        \
            abort();                                                                  \
        }                                                                             \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_board b, untouched;
    char *cause = NULL;
    memset(&b, 0x5a, sizeof b);
    memcpy(&untouched, &b, sizeof b);
    /* exactly size bytes, not NUL-terminated: reads past the text are ASan reports */
    char *text = malloc(size ? size : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    if (sim_board_parse(text, size, "fuzz.board", &b, &cause) != 0) {
        CHECK(cause != NULL && strncmp(cause, "fuzz.board", 10) == 0);
        CHECK(memcmp(&b, &untouched, sizeof b) == 0);
        free(cause);
        free(text);
        return 0;
    }
    free(text);

    if (sim_board_validate(&b, &cause) != 0) {
        fprintf(stderr, "fuzz_board: a parsed board does not validate: %s\n", cause);
        abort();
    }
    const sim_region *fl = sim_board_flash(&b), *ram = sim_board_ram(&b);
    CHECK(fl != NULL && fl->kind == SIM_MEM_FLASH && ram != NULL && ram->kind == SIM_MEM_RAM);
    CHECK(b.n_regions >= 2 && b.n_regions <= SIM_MAX_REGIONS);
    for (uint32_t i = 0; i < b.n_regions; i++) {
        const sim_region *r = &b.regions[i];
        CHECK(sim_board_region_at(&b, r->base) == r);
        CHECK(sim_board_region_at(&b, r->base + (r->size - 1)) == r);
        if (r->has_alias) {
            CHECK(sim_board_region_at(&b, r->alias) == r);
            CHECK(sim_board_region_at(&b, r->alias + (r->size - 1)) == r);
        }
    }
    CHECK(sim_board_region_at(&b, SIM_PPB_BASE) == NULL);
    CHECK(sim_board_region_at(&b, 0xffffffffu) == NULL);
    (void)sim_core_name(b.core);
    CHECK(strcmp(sim_core_id(b.core), "?") != 0);

    /* write it out and read it back: a fixed point */
    char *p1 = sim_board_to_profile(&b);
    sim_board b2;
    if (sim_board_parse(p1, strlen(p1), "written.board", &b2, &cause) != 0) {
        fprintf(stderr, "fuzz_board: the written profile does not parse: %s\n---\n%s---\n",
                cause, p1);
        abort();
    }
    char *p2 = sim_board_to_profile(&b2);
    if (strcmp(p1, p2) != 0) {
        fprintf(stderr, "fuzz_board: profile round trip differs:\n---\n%s---\n%s---\n", p1, p2);
        abort();
    }
    CHECK(strcmp(b.name, b2.name) == 0 && strcmp(b.mcu, b2.mcu) == 0 &&
          strcmp(b.source, b2.source) == 0 && b.core == b2.core &&
          b.clock_hz == b2.clock_hz && b.n_regions == b2.n_regions);
    for (uint32_t i = 0; i < b.n_regions; i++) {
        const sim_region *r = &b.regions[i], *r2 = &b2.regions[i];
        CHECK(strcmp(r->name, r2->name) == 0 && r->kind == r2->kind && r->base == r2->base &&
              r->size == r2->size && r->has_alias == r2->has_alias && r->alias == r2->alias &&
              r->wait_states == r2->wait_states);
    }
    CHECK(b.flash_width == b2.flash_width && b.icache_bytes == b2.icache_bytes &&
          b.dcache_bytes == b2.dcache_bytes && b.prefetch == b2.prefetch);
    free(p1);
    free(p2);
    return 0;
}
