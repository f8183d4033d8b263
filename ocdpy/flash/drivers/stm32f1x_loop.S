/* The STM32F0/F1/F3 flash loop of ocdpy's stm32f1x driver: programs a buffer of half-words into erased flash.
 * Thumb-1 only (it runs on Cortex-M0 too) and position-independent: ocdpy loads it at the start of the work
 * area, puts the data in the buffer behind it and calls it with lr pointing at a BKPT.
 *
 *   in:  r0 = FLASH_R_BASE (0x40022000)     r1 = half-words to program
 *        r2 = source buffer (RAM)           r3 = flash address to program
 *   out: r0 = 0, or the SR error flags (PGERR 0x04, WRPRTERR 0x10) of the half-word that failed
 *        r1 = half-words not programmed (the failing one included), r3 = its address (the end when r0 = 0)
 *
 * CR.PG is set here (the driver has unlocked the controller); the driver clears PG, clears the SR flags
 * and locks again afterwards.
 *
 * Built (the bytes are STM32F1X_LOOP in stm32f1x.py):
 *   arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -nostdlib -c stm32f1x_loop.S -o loop.o
 *   arm-none-eabi-objcopy -O binary -j .text loop.o loop.bin
 */
	.syntax unified
	.cpu cortex-m0
	.thumb
	.text
	.global stm32f1x_loop
	.type stm32f1x_loop, %function

	.equ SR, 0x0C
	.equ CR, 0x10
	.equ PG, 0x01
	.equ BSY, 0x01
	.equ ERRORS, 0x14          /* WRPRTERR | PGERR */

stm32f1x_loop:
	push	{r4-r6}
	movs	r4, #PG
	str	r4, [r0, #CR]
	movs	r6, #ERRORS
next:
	movs	r5, #0
	cmp	r1, #0
	beq	done
	ldrh	r4, [r2]
	strh	r4, [r3]            /* program one half-word */
busy:
	ldr	r5, [r0, #SR]
	lsrs	r4, r5, #1          /* BSY (bit 0) into the carry */
	bcs	busy
	ands	r5, r6
	bne	done                /* PGERR or WRPRTERR: stop at this half-word */
	adds	r2, #2
	adds	r3, #2
	subs	r1, #1
	b	next
done:
	movs	r0, r5
	pop	{r4-r6}
	bx	lr
	.size stm32f1x_loop, . - stm32f1x_loop
