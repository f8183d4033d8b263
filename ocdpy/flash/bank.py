"""A flash bank as `flash bank` declares it; drivers fill in sectors when probed."""
from __future__ import annotations

from dataclasses import dataclass, field

# OpenOCD 0.12's flash driver names (checked one by one against `flash bank` in openocd 0.12.0).
FLASH_DRIVERS = frozenset("""
aduc702x aducm360 ambiqmicro at91sam3 at91sam4 at91sam4l at91sam7 at91samd ath79 atsame5 atsamv avr bluenrg-x
cc26xx cc3220sf cfi dsp5680xx_flash efm32 em357 esirisc faux fespi fm3 fm4 jtagspi kinetis kinetis_ke lpc2000
lpc288x lpc2900 lpcspifi max32xxx mdr mrvlqspi msp432 niietcm4 npcx nrf5 nrf51 numicro ocl pic32mx psoc4 psoc5lp
psoc5lp_eeprom psoc5lp_nvl psoc6 rp2040_flash rsl10 sh_qspi sim3x stellaris stm32f1x stm32f2x stm32h7x stm32l4x
stm32lx stmqspi stmsmi str7x str9x str9xpec swm050 tms470 virtual w600 xcf xmc1xxx xmc4xxx
""".split())
# The drivers ocdpy can program with.
SUPPORTED_FLASH_DRIVERS = ("stm32f1x", "stm32f2x")


@dataclass
class FlashBank:
    name: str
    driver: str
    base: int
    size: int
    chip_width: int
    bus_width: int
    target: object
    driver_args: list[str] = field(default_factory=list)
