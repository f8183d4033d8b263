"""STM32F401CC (Cortex-M4F, RM0368) with its user LED on PA5, as on a NUCLEO-F401RE."""
from __future__ import annotations

from . import ChipSpec, Led

# GPIO reset values (RM0368 §8.4): PA13/PA14/PA15 and PB3/PB4 belong to the debug port.
_GPIO_RESET = {
    "A": {0x00: 0xA8000000, 0x08: 0x0C000000, 0x0C: 0x64000000},
    "B": {0x00: 0x00000280, 0x08: 0x000000C0, 0x0C: 0x00000100},
}

STM32F401CC = ChipSpec(
    name="stm32f401cc",
    family="f4",
    core="cortex-m4",
    num_irqs=85,
    systick_calib=10500,                     # 1 ms at 84 MHz / 8
    flash_base=0x08000000,
    flash_sectors=(16384, 16384, 16384, 16384, 65536, 131072),  # 256 KiB
    sram_base=0x20000000,
    sram_size=64 * 1024,
    system_memory=(0x1FFF0000, 0x7C00),      # bootloader, OTP (0x1FFF7800) and the ID page
    option_bytes=(0x1FFFC000, bytes.fromhex("ecaaffffffffffffff0fffffffffffff")),  # RDP level 0, nWRP all set
    flash_size_address=0x1FFF7A22,
    uid_address=0x1FFF7A10,
    uid=bytes.fromhex("2f0039000c51373036333439"),
    dbgmcu_base=0xE0042000,
    dbgmcu_idcode=0x10006423,                # DEV_ID 0x423 (STM32F401xB/C), REV_ID 0x1000 (rev A/Z)
    gpio_ports=tuple((letter, 0x40020000 + 0x400 * i) for i, letter in enumerate("ABCDE")) + (("H", 0x40021C00),),
    gpio_reset=_GPIO_RESET,
    gpio_clock=(0x30, {"A": 0, "B": 1, "C": 2, "D": 3, "E": 4, "H": 7}),  # RCC_AHB1ENR GPIOxEN
    rcc_base=0x40023800,
    flash_interface_base=0x40023C00,
    flash_controller="f4",
    register_files=(
        ("PWR", 0x40007000, {0x0: 0x00008000, 0x4: 0}, {0x4: 1 << 14}),  # CSR.VOSRDY always set
        ("SYSCFG", 0x40013800, {0x00: 0, 0x04: 0, 0x08: 0, 0x0C: 0, 0x10: 0, 0x14: 0, 0x20: 0}, {}),
    ),
    bitband=True,
    led=Led("PA5", True, "NUCLEO-F401RE"),
    hse_hz=8_000_000,
    dp_idcode=0x2BA01477,                    # SW-DP of a Cortex-M4
)
