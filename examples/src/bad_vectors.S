/*
 * bad_vectors: an STM32F103C8 image whose vector table cannot work.
 *
 *   word 0 (initial SP) = 0x20010000, the top of a 64 KiB RAM (as for an
 *          STM32F401), outside the F103C8's 20 KiB at 0x20000000..0x20004fff;
 *   word 1 (reset)      = Reset_Handler with bit 0 clear: the label is not a
 *          .thumb_func, so the linker does not set the Thumb bit, and a
 *          Cortex-M taking this reset vector faults (it has no ARM state).
 *
 * Everything else is well formed (32-bit little-endian ARM executable, loaded
 * at 0x08000000), so only a check of the vector words can catch it.
 */
    .syntax unified
    .thumb

    .section .isr_vector, "a"
    .word 0x20010000
    .word Reset_Handler

    .text
    .global Reset_Handler
Reset_Handler:
    b Reset_Handler
