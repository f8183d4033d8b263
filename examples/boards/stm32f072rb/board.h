/*
 * STM32F072RB (Cortex-M0), LED LD2 on PA5 as on the NUCLEO-F072RB (active high).
 * Register addresses: RM0091 (STM32F0x1/F0x2/F0x8 reference manual).
 */
#ifndef OCDPY_EXAMPLES_BOARD_H
#define OCDPY_EXAMPLES_BOARD_H

#include "cortex_m.h"

#define BOARD_NAME "STM32F072RB / NUCLEO-F072RB"
#define CPU_HZ     8000000u /* HSI 8 MHz is SYSCLK after reset; no PLL set up */
#define NUM_IRQS   32       /* device interrupt vectors 0..31 (USB is the last) */

/* RCC at 0x40021000 */
#define RCC_AHBENR        REG32(0x40021014u) /* offset 0x14 */
#define RCC_AHBENR_IOPAEN (1u << 17)         /* GPIOA clock enable */

/* GPIOA at 0x48000000 (AHB2) */
#define GPIOA_MODER REG32(0x48000000u)       /* offset 0x00, 2 bits per pin, 01 = output */
#define GPIOA_ODR   REG32(0x48000014u)       /* offset 0x14 */
#define GPIOA_BSRR  REG32(0x48000018u)       /* offset 0x18, [15:0] set, [31:16] reset */

#define LED_PORT_NAME  "PA5"
#define LED_PIN        5u
#define LED_ACTIVE_LOW 0
#define LED_ODR        GPIOA_ODR
#define LED_BSRR       GPIOA_BSRR

/* Enable the GPIOA clock and make PA5 a push-pull output, driven low (LED off).
   MODER is read-modify-written: its reset value 0x28000000 puts PA13/PA14 in
   SWD alternate-function mode, which must be kept for the debugger. */
static inline void board_led_init(void)
{
    RCC_AHBENR |= RCC_AHBENR_IOPAEN;
    (void)RCC_AHBENR; /* read back: the clock is running before GPIOA is touched */
    GPIOA_BSRR = 1u << (LED_PIN + 16);
    GPIOA_MODER = (GPIOA_MODER & ~(3u << (2 * LED_PIN))) | (1u << (2 * LED_PIN));
}

#endif
