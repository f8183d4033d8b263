/*
 * blinky_systick: SysTick interrupts every 1 ms (processor clock, reload
 * CPU_HZ/1000 - 1); SysTick_Handler toggles the LED every
 * g_ticks_per_toggle ticks (500: toggle every 0.5 s, period 1 s). main()
 * sleeps in a `wfi` loop and does nothing else.
 *
 * g_ticks_per_toggle lives in .data (RAM) so a debugger can change it;
 * g_ticks and g_toggle_count (.bss) count ticks and toggles.
 */
#include <stdint.h>
#include "cortex_m.h"
#include "board.h"
#include "led.h"

#ifndef TICK_HZ
#define TICK_HZ 1000u
#endif
#ifndef TICKS_PER_TOGGLE
#define TICKS_PER_TOGGLE 500u
#endif

#define SYSTICK_RELOAD (CPU_HZ / TICK_HZ - 1u) /* 7999 at 8 MHz, 15999 at 16 MHz */

#if SYSTICK_RELOAD > 0xFFFFFFu
#error "SysTick reload value must fit in 24 bits"
#endif

volatile uint32_t g_ticks_per_toggle = TICKS_PER_TOGGLE;
volatile uint32_t g_ticks;
volatile uint32_t g_toggle_count;
static volatile uint32_t s_ticks_since_toggle;

void SysTick_Handler(void)
{
    g_ticks++;
    if (++s_ticks_since_toggle >= g_ticks_per_toggle) {
        s_ticks_since_toggle = 0;
        led_toggle();
        g_toggle_count++;
    }
}

int main(void)
{
    board_led_init();

    SYST_RVR = SYSTICK_RELOAD;
    SYST_CVR = 0; /* any write clears the counter and COUNTFLAG */
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;

    for (;;)
        cpu_wfi();
}
