@ a7.s: the smallest A-profile executable, for tests/bad/run.sh. Built with
@   arm-none-eabi-gcc -mcpu=cortex-a7 -marm -nostdlib -o a7.elf a7.s
@ its .ARM.attributes say CPU_arch_profile 'A' (application), which tinysim must refuse
@ (it runs M-profile firmware only). It has no .note.tinysim.board either.
    .syntax unified
    .arm
    .global _start
_start:
    mov r0, #0
    b _start
