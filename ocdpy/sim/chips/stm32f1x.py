"""STM32F103C8 (Cortex-M3, RM0008, medium density) on a "blue pill" board."""
from __future__ import annotations

from . import ChipSpec, Led

STM32F103C8 = ChipSpec(
    name="stm32f103c8",
    family="f1",
    core="cortex-m3",
    num_irqs=43,
    systick_calib=9000,                      # 1 ms at 72 MHz / 8
    flash_base=0x08000000,
    flash_sectors=(1024,) * 64,              # 64 KiB in 1 KiB pages
    sram_base=0x20000000,
    sram_size=20 * 1024,
    system_memory=(0x1FFFF000, 0x800),       # 0x1FFFF000-0x1FFFF7FF
    option_bytes=(0x1FFFF800, bytes.fromhex("a55aff00ff00ff00ff00ff00ff00ff00")),  # RDP key 0xA5: unprotected
    flash_size_address=0x1FFFF7E0,
    uid_address=0x1FFFF7E8,
    uid=bytes.fromhex("ff066b064848508725231543"),
    dbgmcu_base=0xE0042000,
    dbgmcu_idcode=0x20036410,                # DEV_ID 0x410 (medium density), REV_ID 0x2003 (rev X)
    gpio_ports=tuple((letter, 0x40010800 + 0x400 * i) for i, letter in enumerate("ABCDE")),
    gpio_reset={},
    gpio_clock=(0x18, {"A": 2, "B": 3, "C": 4, "D": 5, "E": 6}),  # RCC_APB2ENR IOPxEN
    rcc_base=0x40021000,
    flash_interface_base=0x40022000,
    flash_controller="f1",
    register_files=(
        ("PWR", 0x40007000, {0x0: 0, 0x4: 0}, {}),
        ("AFIO", 0x40010000, {0x00: 0, 0x04: 0, 0x08: 0, 0x0C: 0, 0x10: 0, 0x14: 0, 0x1C: 0}, {}),
    ),
    bitband=True,
    led=Led("PC13", False, "blue pill"),     # LED between 3V3 and PC13: on when the pin is low
    hse_hz=8_000_000,
    dp_idcode=0x1BA01477,                    # SW-DP of a Cortex-M3
)
