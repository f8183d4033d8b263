/* STM32F2/F4/F7 flash write loop for ocdpy's stm32f2x driver (RM0033/RM0090/RM0368/RM0385, "Programming").
 *
 * Position-independent Thumb-2 (Cortex-M3/M4/M7), run from the work area by ocdpy.flash.algorithm.Routine:
 *   in:  r0 = source buffer (RAM), r1 = destination (flash), r2 = half-words to program, r3 = FLASH_R_BASE
 *   out: r0 = 0, or the FLASH_SR error flags (PGSERR|PGPERR|PGAERR|WRPERR|OPERR) of the failing half-word
 *        r1 = the address of the failing half-word (or the end address when r0 = 0)
 *   returns with `bx lr` (lr points at the BKPT after the code).
 * Programs with x16 parallelism (PSIZE = 01), as OpenOCD does: valid over the whole 1.8-3.6 V range.
 *
 * Build (the bytes are in stm32f2x.py as WRITE_LOOP):
 *   arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -nostdlib -c stm32f2x_write.S -o /tmp/w.o &&
 *   arm-none-eabi-objcopy -O binary -j .text /tmp/w.o /tmp/w.bin
 */
        .syntax unified
        .thumb
        .text
        .global stm32f2x_write
        .thumb_func
stm32f2x_write:
        movw    r4, #0x0101             /* FLASH_CR: PSIZE = x16, PG */
        str     r4, [r3, #0x10]
next:
        cbz     r2, done
        ldrh    r4, [r0], #2
        strh    r4, [r1], #2            /* the program operation starts; the bus stalls or BSY shows it */
        dsb                             /* the store reaches the flash before SR is read (Cortex-M7 buffers) */
busy:
        ldr     r4, [r3, #0x0c]         /* FLASH_SR */
        tst     r4, #0x10000            /* BSY */
        bne     busy
        ands    r4, r4, #0xf2           /* PGSERR PGPERR PGAERR WRPERR OPERR */
        bne     failed
        subs    r2, r2, #1
        b       next
failed:
        subs    r1, r1, #2
        mov     r0, r4
        b       out
done:
        movs    r0, #0
out:
        movs    r4, #0                  /* FLASH_CR: PG off */
        str     r4, [r3, #0x10]
        bx      lr
