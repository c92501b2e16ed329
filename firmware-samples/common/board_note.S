/*
 * The board note: an ELF note that names the board this firmware was linked for, so the
 * simulator picks that board by default. Not allocated (no target memory); BOARD_NAME comes
 * from the build (-DBOARD_NAME="nucleo-l4r5zi").
 *
 *   namesz 8, descsz strlen(BOARD_NAME) + 1, type 1, name "tinysim\0", desc BOARD_NAME\0
 *   (name and desc each padded to 4 bytes; descsz counts the NUL, not the padding)
 */
    .section .note.tinysim.board, "", %note
    .balign 4
    .long 2f - 1f          /* namesz */
    .long 4f - 3f          /* descsz */
    .long 1                /* type: board name */
1:  .asciz "tinysim"
2:  .balign 4
3:  .asciz BOARD_NAME
4:  .balign 4
