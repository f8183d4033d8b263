"""STM32 reset and clock control (RCC), enough for firmware that configures clocks and enables peripherals.

Registers read back what was written, with the reference manuals' reset values (RM0091 §6 for F0, RM0008 §7 for
F1, RM0368 §6 for F4). Oscillators and PLLs are ready as soon as they are switched on (xxxRDY follows xxxON) and
CFGR.SWS follows CFGR.SW, so the usual "turn on, wait for ready, switch" loops finish at once. The resulting HCLK
is reported to the core through `on_clock_change`, so simulated time follows the firmware's clock setup.
Peripheral enable bits are read by the peripherals (`enabled`), which ignore accesses while their clock is off.
"""
from __future__ import annotations

from typing import Callable

from .bus import RegisterBlock

AHB_PRESCALER = {8: 2, 9: 4, 10: 8, 11: 16, 12: 64, 13: 128, 14: 256, 15: 512}

# family -> (register offsets with reset values, CR offset, CFGR offset, CSR offset, BDCR offset)
LAYOUTS = {
    "f0": ({0x00: 0x00000083, 0x04: 0, 0x08: 0, 0x0C: 0, 0x10: 0, 0x14: 0x00000014, 0x18: 0, 0x1C: 0, 0x20: 0,
            0x24: 0x0C000000, 0x28: 0, 0x2C: 0, 0x30: 0, 0x34: 0x00000080}, 0x00, 0x04, 0x24, 0x20),
    "f1": ({0x00: 0x00000083, 0x04: 0, 0x08: 0, 0x0C: 0, 0x10: 0, 0x14: 0x00000014, 0x18: 0, 0x1C: 0, 0x20: 0,
            0x24: 0x0C000000}, 0x00, 0x04, 0x24, 0x20),
    "f4": ({0x00: 0x00000083, 0x04: 0x24003010, 0x08: 0, 0x0C: 0, 0x10: 0, 0x14: 0, 0x20: 0, 0x24: 0, 0x30: 0,
            0x34: 0, 0x40: 0, 0x44: 0, 0x50: 0x0061900F, 0x54: 0x00000080, 0x60: 0x10E2C80F, 0x64: 0x00077930,
            0x70: 0, 0x74: 0x0E000000, 0x80: 0, 0x84: 0x24003000, 0x8C: 0}, 0x00, 0x08, 0x74, 0x70),
}
HSI_HZ = {"f0": 8_000_000, "f1": 8_000_000, "f4": 16_000_000}
RMVF, SFTRSTF, PINRSTF, PORRSTF = 1 << 24, 1 << 28, 1 << 26, 1 << 27


class Rcc(RegisterBlock):
    def __init__(self, family: str, hse_hz: int, on_clock_change: Callable[[int], None]) -> None:
        self.family = family
        self.hse_hz = hse_hz
        self.on_clock_change = on_clock_change
        self.reset_values, self.cr, self.cfgr, self.csr, self.bdcr = LAYOUTS[family]
        self.regs = dict(self.reset_values)

    def reset(self, kind: str = "system") -> None:
        """System reset: everything but the backup domain (BDCR) and the reset flags, which gain SFTRSTF."""
        bdcr, flags = self.regs[self.bdcr], self.regs[self.csr] & 0xFF000000
        self.regs = dict(self.reset_values)
        self.regs[self.bdcr] = bdcr
        if kind == "power_on":
            self.regs[self.bdcr] = 0
        else:
            self.regs[self.csr] = (self.regs[self.csr] & 0x00FFFFFF) | flags | SFTRSTF | PINRSTF
        self.on_clock_change(self.hclk_hz())

    def enabled(self, offset: int, bit: int) -> bool:
        return bool(self.regs.get(offset, 0) >> bit & 1)

    # -- registers -------------------------------------------------------------------------------------------
    def read32(self, offset: int) -> int:
        value = self.regs.get(offset, 0)
        if offset == self.cr:
            value &= ~((1 << 1) | (1 << 17) | (1 << 25) | (1 << 27))
            value |= (value & 1) << 1 | (value >> 16 & 1) << 17 | (value >> 24 & 1) << 25
            if self.family == "f4":
                value |= (value >> 26 & 1) << 27
        elif offset == self.cfgr:
            value = (value & ~0xC) | (value & 3) << 2
        elif offset in (self.csr, self.bdcr):
            value = (value & ~2) | (value & 1) << 1
        elif self.family == "f0" and offset == 0x34:  # CR2: HSI14RDY, HSI48RDY
            value = (value & ~((1 << 1) | (1 << 17))) | (value & 1) << 1 | (value >> 16 & 1) << 17
        return value

    def write32(self, offset: int, value: int) -> None:
        if offset not in self.regs:
            return
        if offset == self.csr and value & RMVF:
            value &= 0x00FFFFFF & ~RMVF  # RMVF clears the reset flags
        elif offset == self.csr:
            value = (value & 0x00FFFFFF) | (self.regs[offset] & 0xFF000000)
        self.regs[offset] = value
        self.on_clock_change(self.hclk_hz())

    # -- clock tree ------------------------------------------------------------------------------------------
    def sysclk_hz(self) -> int:
        cfgr = self.regs[self.cfgr]
        sw = cfgr & 3
        hsi = HSI_HZ[self.family]
        if sw == 1:
            return self.hse_hz
        if sw == 2:
            return self._pll_hz()
        if sw == 3 and self.family == "f0":
            return 48_000_000  # HSI48 (STM32F072)
        return hsi

    def _pll_hz(self) -> int:
        if self.family == "f4":
            pllcfgr = self.regs[0x04]
            source = self.hse_hz if pllcfgr >> 22 & 1 else HSI_HZ["f4"]
            m, n, p = pllcfgr & 0x3F, (pllcfgr >> 6) & 0x1FF, 2 * (((pllcfgr >> 16) & 3) + 1)
            return source * n // (max(m, 2) * p)
        cfgr = self.regs[self.cfgr]
        mul = min(((cfgr >> 18) & 0xF) + 2, 16)
        if self.family == "f1":
            if cfgr >> 16 & 1:
                source = self.hse_hz // (2 if cfgr >> 17 & 1 else 1)
            else:
                source = HSI_HZ["f1"] // 2
            return source * mul
        prediv = (self.regs[0x2C] & 0xF) + 1
        pllsrc = (cfgr >> 15) & 3
        source = {0: HSI_HZ["f0"] // 2, 1: HSI_HZ["f0"] // prediv, 2: self.hse_hz // prediv,
                  3: 48_000_000 // prediv}[pllsrc]
        return source * mul

    def hclk_hz(self) -> int:
        hpre = (self.regs[self.cfgr] >> 4) & 0xF
        return self.sysclk_hz() // AHB_PRESCALER.get(hpre, 1)
