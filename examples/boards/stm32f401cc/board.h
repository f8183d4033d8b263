/*
 * STM32F401CC (Cortex-M4F, 256 KiB flash, 64 KiB SRAM), LED on PA5 as LD2 on
 * the NUCLEO-F401RE (active high). (The Nucleo carries an F401RE, 512 KiB;
 * the peripheral map is the same.)
 * Register addresses: RM0368 (STM32F401xB/C and STM32F401xD/E reference manual).
 */
#ifndef OCDPY_EXAMPLES_BOARD_H
#define OCDPY_EXAMPLES_BOARD_H

#include "cortex_m.h"

#define BOARD_NAME "STM32F401CC / LED as on NUCLEO-F401RE"
#define CPU_HZ     16000000u /* HSI 16 MHz is SYSCLK after reset; no PLL set up */
#define NUM_IRQS   85        /* vectors 0..84 (SPI4 is the last) */

/* RCC at 0x40023800 */
#define RCC_AHB1ENR         REG32(0x40023830u) /* offset 0x30 */
#define RCC_AHB1ENR_GPIOAEN (1u << 0)          /* GPIOA clock enable */

/* GPIOA at 0x40020000 (AHB1) */
#define GPIOA_MODER REG32(0x40020000u)         /* offset 0x00, 2 bits per pin, 01 = output */
#define GPIOA_ODR   REG32(0x40020014u)         /* offset 0x14 */
#define GPIOA_BSRR  REG32(0x40020018u)         /* offset 0x18, [15:0] set, [31:16] reset */

#define LED_PORT_NAME  "PA5"
#define LED_PIN        5u
#define LED_ACTIVE_LOW 0
#define LED_ODR        GPIOA_ODR
#define LED_BSRR       GPIOA_BSRR

/* Enable the GPIOA clock and make PA5 a push-pull output, driven low (LED off).
   MODER is read-modify-written: its reset value 0xA8000000 puts PA13/PA14/PA15
   in alternate-function mode (SWD/JTAG), which must be kept for the debugger. */
static inline void board_led_init(void)
{
    RCC_AHB1ENR |= RCC_AHB1ENR_GPIOAEN;
    (void)RCC_AHB1ENR; /* read back: RM0368 asks for a delay after enabling a clock */
    GPIOA_BSRR = 1u << (LED_PIN + 16);
    GPIOA_MODER = (GPIOA_MODER & ~(3u << (2 * LED_PIN))) | (1u << (2 * LED_PIN));
}

#endif
