/*
 * The board checks board.c and board_file.c share: the profile parser runs them as each
 * line is read (so a message names its line), sim_board_validate on a whole board. Each
 * returns 0, or -1 with a description in msg.
 */
#ifndef SIM_BOARD_INT_H
#define SIM_BOARD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sim/board.h"

#define CACHE_MAX (64u * 1024u)     /* largest flash-accelerator cache (bytes) */
#define CLOCK_MIN 1000u             /* the clock range a board may have (Hz) */
#define CLOCK_MAX 1000000000u

/* Names of regions and boards: [a-z0-9._-], 1..max characters (1: valid). */
int board_valid_name(const char *s, size_t max);
/* Region i of b on its own and against regions 0..i-1 (bases and aliases) and the PPB. */
int board_check_region(const sim_board *b, uint32_t i, char *msg, size_t msz);
/* The flash accelerator: access width, caches, prefetch. */
int board_check_accel(const sim_board *b, char *msg, size_t msz);
/* The wait-state table: rising clocks, at most 16, and the board's clock inside it. */
int board_check_ws(const sim_board *b, char *msg, size_t msz);
/* The whole board once every line is read: region count, a flash and a RAM region. */
int board_check_whole(const sim_board *b, char *msg, size_t msz);

#endif /* SIM_BOARD_INT_H */
