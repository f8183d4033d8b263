/*
 * big_table: 80 KiB of constant data, linked into blinky_busy to make
 * stm32f103c8/too_big, an image larger than the STM32F103C8's 64 KiB flash.
 *
 * Every word is different (index times a Fibonacci-hashing constant), so a
 * flash write that lands in the wrong place or is cut short cannot verify by
 * accident. Nothing references the table: the Makefile links this image with
 * --undefined=g_big_table so that --gc-sections keeps it.
 */
#include <stdint.h>

#define W(i)     ((uint32_t)(i) * 2654435761u)
#define B16(i)   W(i), W(i + 1), W(i + 2), W(i + 3), W(i + 4), W(i + 5), W(i + 6), W(i + 7), \
                 W(i + 8), W(i + 9), W(i + 10), W(i + 11), W(i + 12), W(i + 13), W(i + 14), W(i + 15)
#define B256(i)  B16(i), B16(i + 16), B16(i + 32), B16(i + 48), B16(i + 64), B16(i + 80), \
                 B16(i + 96), B16(i + 112), B16(i + 128), B16(i + 144), B16(i + 160), \
                 B16(i + 176), B16(i + 192), B16(i + 208), B16(i + 224), B16(i + 240)
#define B4096(i) B256(i), B256(i + 256), B256(i + 512), B256(i + 768), B256(i + 1024), \
                 B256(i + 1280), B256(i + 1536), B256(i + 1792), B256(i + 2048), \
                 B256(i + 2304), B256(i + 2560), B256(i + 2816), B256(i + 3072), \
                 B256(i + 3328), B256(i + 3584), B256(i + 3840)

const uint32_t g_big_table[5 * 4096] = {
    B4096(0), B4096(4096), B4096(8192), B4096(12288), B4096(16384),
};
