/*
 * Minimal Cortex-M core definitions used by the example firmware
 * (ARMv6-M / ARMv7-M architecture reference manuals, System Control Space).
 */
#ifndef OCDPY_EXAMPLES_CORTEX_M_H
#define OCDPY_EXAMPLES_CORTEX_M_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick (present on all three example chips). */
#define SYST_CSR   REG32(0xE000E010u) /* SysTick control and status ("CTRL") */
#define SYST_RVR   REG32(0xE000E014u) /* reload value ("LOAD"), 24 bits     */
#define SYST_CVR   REG32(0xE000E018u) /* current value ("VAL"), write clears */
#define SYST_CALIB REG32(0xE000E01Cu) /* calibration value                    */

#define SYST_CSR_ENABLE    (1u << 0)  /* counter enable                        */
#define SYST_CSR_TICKINT   (1u << 1)  /* raise SysTick exception on 1 -> 0     */
#define SYST_CSR_CLKSOURCE (1u << 2)  /* 1 = processor clock, 0 = external ref */
#define SYST_CSR_COUNTFLAG (1u << 16)

/* Coprocessor access control (ARMv7-M with FP extension only). */
#define SCB_CPACR  REG32(0xE000ED88u)
#define SCB_CPACR_CP10_CP11_FULL (0xFu << 20)

static inline void cpu_wfi(void) { __asm volatile ("wfi" ::: "memory"); }
static inline void cpu_dsb(void) { __asm volatile ("dsb" ::: "memory"); }
static inline void cpu_isb(void) { __asm volatile ("isb" ::: "memory"); }

#endif
