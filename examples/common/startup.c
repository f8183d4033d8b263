/*
 * Minimal Cortex-M startup for the ocdpy example firmware.
 *
 * - The vector table lives in section .isr_vector, which the linker script
 *   places first in flash (0x08000000): word 0 is the initial stack pointer
 *   (_estack, the top of RAM), word 1 is Reset_Handler (Thumb bit set by the
 *   compiler/linker because it is a Thumb function).
 * - Reset_Handler copies .data from its load address in flash (_sidata) to
 *   its run address in RAM (_sdata.._edata), zeroes .bss (_sbss.._ebss) and
 *   calls main().
 * - Every handler is weak, so an application can override it just by defining
 *   a function of the same name (the SysTick example defines SysTick_Handler).
 *   HardFault_Handler has its own body (a distinct address to look for when a
 *   test expects a fault); all other exceptions and every device interrupt go
 *   to Default_Handler. Both just spin, so a debugger that halts finds the PC
 *   in the handler that was taken.
 *
 * NUM_IRQS (the number of device interrupt vectors after the 16 system ones)
 * comes from board.h.
 */
#include <stdint.h>
#include "cortex_m.h"
#include "board.h"

#ifndef NUM_IRQS
#error "board.h must define NUM_IRQS"
#endif

/* Symbols defined by the linker script (common/sections.ld). */
extern uint32_t _sidata[]; /* load address of .data in flash */
extern uint32_t _sdata[];  /* run address of .data in RAM    */
extern uint32_t _edata[];
extern uint32_t _sbss[];
extern uint32_t _ebss[];
extern uint32_t _estack[]; /* initial stack pointer (top of RAM) */

extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;

typedef void (*vector_t)(void);

/* ARMv6-M (Cortex-M0) has no MemManage/BusFault/UsageFault/DebugMonitor:
   those slots are reserved there and are left zero. */
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
#define V7M_ONLY(handler) (handler)
#else
#define V7M_ONLY(handler) 0
#endif

__attribute__((section(".isr_vector"), used))
const vector_t g_vector_table[16 + NUM_IRQS] = {
    /* Device interrupts 0 .. NUM_IRQS-1 (vectors 16 ..). Listed first so the
       specific entries below are not overridden by the range. */
    [16 ... 16 + NUM_IRQS - 1] = Default_Handler,

    [0]  = (vector_t)(uintptr_t)_estack, /* initial main stack pointer */
    [1]  = Reset_Handler,
    [2]  = NMI_Handler,
    [3]  = HardFault_Handler,
    [4]  = V7M_ONLY(MemManage_Handler),
    [5]  = V7M_ONLY(BusFault_Handler),
    [6]  = V7M_ONLY(UsageFault_Handler),
    [7]  = 0, [8] = 0, [9] = 0, [10] = 0, /* reserved */
    [11] = SVC_Handler,
    [12] = V7M_ONLY(DebugMon_Handler),
    [13] = 0,                            /* reserved */
    [14] = PendSV_Handler,
    [15] = SysTick_Handler,
};

/* "no-tree-loop-distribute-patterns" keeps GCC from turning the two loops
   into calls to memcpy/memset: this firmware links without any C library. */
__attribute__((noreturn, optimize("no-tree-loop-distribute-patterns")))
void Reset_Handler(void)
{
#if defined(__ARM_FP)
    /* Built for an FPU (-mfloat-abi=softfp/hard): grant full access to CP10
       and CP11 before any floating-point instruction can run. */
    SCB_CPACR |= SCB_CPACR_CP10_CP11_FULL;
    cpu_dsb();
    cpu_isb();
#endif

    uint32_t *src = _sidata;
    uint32_t *dst = _sdata;
    while (dst < _edata)
        *dst++ = *src++;

    for (dst = _sbss; dst < _ebss; )
        *dst++ = 0;

    (void)main();

    for (;;)
        ;
}

__attribute__((weak, noinline, noipa))
void HardFault_Handler(void)
{
    for (;;)
        __asm volatile ("nop");
}

__attribute__((noinline, noipa))
void Default_Handler(void)
{
    for (;;)
        ;
}
