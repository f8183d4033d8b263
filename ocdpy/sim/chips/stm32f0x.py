"""STM32F072RB (Cortex-M0, RM0091) on a NUCLEO-F072RB."""
from __future__ import annotations

from . import ChipSpec, Led

# GPIO port A at reset: PA13 (SWDIO) and PA14 (SWCLK) in alternate-function mode, SWDIO pulled up, SWCLK down.
_GPIOA_RESET = {0x00: 0x28000000, 0x08: 0x0C000000, 0x0C: 0x24000000}

STM32F072RB = ChipSpec(
    name="stm32f072rb",
    family="f0",
    core="cortex-m0",
    num_irqs=32,
    systick_calib=6000,                      # 1 ms at 48 MHz / 8
    flash_base=0x08000000,
    flash_sectors=(2048,) * 64,              # 128 KiB in 2 KiB pages
    sram_base=0x20000000,
    sram_size=16 * 1024,
    system_memory=(0x1FFFC800, 0x3000),      # 0x1FFFC800-0x1FFFF7FF
    option_bytes=(0x1FFFF800, bytes.fromhex("aa55ff00ff00ff00ff00ff00ff00ff00")),  # RDP level 0, no WRP
    flash_size_address=0x1FFFF7CC,
    uid_address=0x1FFFF7AC,
    uid=bytes.fromhex("3a0028001951343233373531"),
    dbgmcu_base=0x40015800,
    dbgmcu_idcode=0x10006448,                # DEV_ID 0x448 (STM32F07x), REV_ID 0x1000
    gpio_ports=tuple((letter, 0x48000000 + 0x400 * i) for i, letter in enumerate("ABCDEF")),
    gpio_reset={"A": _GPIOA_RESET},
    gpio_clock=(0x14, {"A": 17, "B": 18, "C": 19, "D": 20, "E": 21, "F": 22}),  # RCC_AHBENR IOPxEN
    rcc_base=0x40021000,
    flash_interface_base=0x40022000,
    flash_controller="f1",
    register_files=(
        ("PWR", 0x40007000, {0x0: 0, 0x4: 0}, {}),
        ("SYSCFG", 0x40010000, {0x00: 0, 0x08: 0, 0x0C: 0, 0x10: 0, 0x14: 0, 0x18: 0}, {}),
    ),
    led=Led("PA5", True, "NUCLEO-F072RB"),
    hse_hz=8_000_000,                        # MCO of the on-board ST-LINK
    dp_idcode=0x0BB11477,                    # SW-DP of a Cortex-M0
)
