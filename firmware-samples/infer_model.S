/*
 * The infer sample's defaults, embedded in flash: the demo model compiled to .tsm by the host
 * tool (TS_DEFAULT_MODEL) and its input tensor (TS_DEFAULT_INPUT), both 16-aligned in .rodata.
 * The build passes both paths; see firmware-samples/firmware.mk.
 */
    .section .rodata.ts_default_model, "a", %progbits
    .balign 16
    .global ts_default_model
    .type ts_default_model, %object
ts_default_model:
    .incbin TS_DEFAULT_MODEL
1:
    .size ts_default_model, 1b - ts_default_model

    .balign 4
    .global ts_default_model_size
    .type ts_default_model_size, %object
ts_default_model_size:
    .long 1b - ts_default_model
    .size ts_default_model_size, 4

    .section .rodata.ts_default_input, "a", %progbits
    .balign 16
    .global ts_default_input
    .type ts_default_input, %object
ts_default_input:
    .incbin TS_DEFAULT_INPUT
2:
    .size ts_default_input, 2b - ts_default_input

    .balign 4
    .global ts_default_input_size
    .type ts_default_input_size, %object
ts_default_input_size:
    .long 2b - ts_default_input
    .size ts_default_input_size, 4
