/* LED helpers shared by both examples; the pin comes from board.h. */
#ifndef OCDPY_EXAMPLES_LED_H
#define OCDPY_EXAMPLES_LED_H

#include "board.h"

#define LED_MASK (1u << LED_PIN)

/* Toggle the LED pin: read its current level from ODR and write the opposite
   through BSRR (bits [15:0] set a pin, bits [31:16] reset it). */
static inline void led_toggle(void)
{
    if (LED_ODR & LED_MASK)
        LED_BSRR = LED_MASK << 16;
    else
        LED_BSRR = LED_MASK;
}

#endif
