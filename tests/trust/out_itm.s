@ out_itm.s: firmware for tests/trust/out.sh (the console and stderr must not mix mid-line;
@ ITM output must not cost a write(2) per store). Twice: 32768 lines "ITM output line" on ITM
@ stimulus port 0 (4 word stores each, 512 KiB in all), then "part" with no newline, then a
@ read of an unmodelled PPB address (0xE0040000), which the simulator warns about on stderr.
@ Then it exits with status 0 (SYS_EXIT, ADP_Stopped_ApplicationExit). Built by out.sh:
@   arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -nostdlib -Wl,-Ttext=0x08000000 -o x.elf out_itm.s
    .syntax unified
    .thumb
    .text
    .global _start
_start:                     @ the vector table: initial SP, reset
    .word 0x20010000
    .word reset + 1
    .thumb_func
reset:
    ldr r4, =0xE0000000
    movs r6, #2
block:
    ldr r5, =32768
1:  ldr r0, =0x204D5449     @ "ITM "
    str r0, [r4]
    ldr r0, =0x7074756F     @ "outp"
    str r0, [r4]
    ldr r0, =0x6C207475     @ "ut l"
    str r0, [r4]
    ldr r0, =0x0A656E69     @ "ine\n"
    str r0, [r4]
    subs r5, #1
    bne 1b
    ldr r0, =0x74726170     @ "part", no newline
    str r0, [r4]
    ldr r1, =0xE0040000
    ldr r0, [r1]            @ unmodelled: a warning on stderr
    subs r6, #1
    bne block
    movs r0, #0x18          @ SYS_EXIT
    ldr r1, =0x20026        @ ADP_Stopped_ApplicationExit: status 0
    bkpt 0xab
    b .
    .pool
