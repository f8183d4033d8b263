/*
 * blinky_busy: toggle the LED, then spin in a busy-wait loop, forever.
 *
 * The delay loop counts a volatile local (kept on the stack) from 0 up to
 * g_busy_delay_iterations, so every iteration really loads and stores the
 * counter and the compiler cannot drop the loop. With GCC 12 -Os the loop is
 * the same 7 instructions on Cortex-M0, M3 and M4:
 *
 *   busy_delay:                      ; n in r0
 *     movs r3, #0       sub sp, #8   ; (order differs between cores)
 *   top:
 *     str  r3, [sp, #4]              ; i = r3
 *     ldr  r3, [sp, #4]              ; load i
 *     cmp  r3, r0                    ; i < n ?
 *     bcc  body                      ; taken while i < n
 *     add  sp, #8
 *     bx   lr
 *   body:
 *     ldr  r3, [sp, #4]              ; load i again
 *     adds r3, #1                    ; i + 1
 *     b    top
 *
 * busy_delay(n) therefore executes 7*n + 8 instructions, and one trip round
 * main's loop (toggle, count, delay) executes 7*n + 20 instructions on the
 * M3/M4 builds and 7*n + 21 (pin high -> low) or 7*n + 22 (low -> high) on
 * the M0 build. With the default n (CPU_HZ/80) that is about 87.5 ms per
 * toggle, 175 ms per LED period, at one instruction per clock; README.md has
 * the details.
 *
 * g_busy_delay_iterations lives in .data (RAM, initialised from flash by
 * Reset_Handler), so a debugger can lower it to speed up a simulated run;
 * it is re-read before every delay. g_toggle_count (.bss) counts toggles.
 */
#include <stdint.h>
#include "board.h"
#include "led.h"

#ifndef BUSY_DELAY_ITERATIONS
/* 100000 iterations at 8 MHz, 200000 at 16 MHz: about 87.5 ms per toggle if
   each instruction took one cycle. */
#define BUSY_DELAY_ITERATIONS (CPU_HZ / 80u)
#endif

volatile uint32_t g_busy_delay_iterations = BUSY_DELAY_ITERATIONS;
volatile uint32_t g_toggle_count;

__attribute__((noinline))
static void busy_delay(uint32_t iterations)
{
    for (volatile uint32_t i = 0; i < iterations; i++)
        ;
}

int main(void)
{
    board_led_init();
    for (;;) {
        led_toggle();
        g_toggle_count++;
        busy_delay(g_busy_delay_iterations);
    }
}
