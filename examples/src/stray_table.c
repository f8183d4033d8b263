/*
 * stray_table: a few constant words in section .stray, which
 * common/stm32f103c8_stray.ld places at 0x30000000, where the STM32F103C8 has
 * neither flash nor RAM. Linked into blinky_busy to make
 * stm32f103c8/stray_segment, whose third loadable segment no flash bank or
 * RAM can take. The linker script KEEPs .stray, so --gc-sections does not drop
 * the unreferenced table.
 */
#include <stdint.h>

__attribute__((used, section(".stray")))
const uint32_t g_stray_table[4] = { 0x57524159u, 0x30000000u, 0xdeadbeefu, 0x12345678u };
