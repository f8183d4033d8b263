/*
 * STM32F103C8 (Cortex-M3), LED on PC13 as on the "blue pill" (active low:
 * the LED is lit when PC13 is driven low).
 * Register addresses: RM0008 (STM32F101/102/103/105/107 reference manual).
 */
#ifndef OCDPY_EXAMPLES_BOARD_H
#define OCDPY_EXAMPLES_BOARD_H

#include "cortex_m.h"

#define BOARD_NAME "STM32F103C8 / blue pill"
#define CPU_HZ     8000000u /* HSI 8 MHz is SYSCLK after reset; no PLL set up */
#define NUM_IRQS   43       /* medium-density: vectors 0..42 (USBWakeUp is the last) */

/* RCC at 0x40021000 */
#define RCC_APB2ENR        REG32(0x40021018u) /* offset 0x18 */
#define RCC_APB2ENR_IOPCEN (1u << 4)          /* GPIOC clock enable */

/* GPIOC at 0x40011000 (APB2) */
#define GPIOC_CRH  REG32(0x40011004u)         /* offset 0x04, pins 8..15, 4 bits each */
#define GPIOC_ODR  REG32(0x4001100Cu)         /* offset 0x0C */
#define GPIOC_BSRR REG32(0x40011010u)         /* offset 0x10, [15:0] set, [31:16] reset */

#define LED_PORT_NAME  "PC13"
#define LED_PIN        13u
#define LED_ACTIVE_LOW 1
#define LED_ODR        GPIOC_ODR
#define LED_BSRR       GPIOC_BSRR

/* CRH field for pin 13 is bits [23:20] = CNF13[1:0]:MODE13[1:0].
   0b0010 = general-purpose push-pull output, max 2 MHz. Reset value of CRH
   is 0x44444444 (all floating inputs), so the result is 0x44244444. */
#define CRH_SHIFT_PC13 ((LED_PIN - 8u) * 4u)
#define CRH_OUT_PP_2MHZ 0x2u

/* Enable the GPIOC clock, set PC13 high first (LED off) and then make it a
   push-pull output. */
static inline void board_led_init(void)
{
    RCC_APB2ENR |= RCC_APB2ENR_IOPCEN;
    (void)RCC_APB2ENR; /* read back: the clock is running before GPIOC is touched */
    GPIOC_BSRR = 1u << LED_PIN;
    GPIOC_CRH = (GPIOC_CRH & ~(0xFu << CRH_SHIFT_PC13)) | (CRH_OUT_PP_2MHZ << CRH_SHIFT_PC13);
}

#endif
