"""Small peripherals that are mostly storage: DBGMCU, register files (AFIO, PWR...), the flash-interface adapter,
and the catch-all for peripheral addresses nothing models yet."""
from __future__ import annotations

from typing import Any

from .bus import RegisterBlock


class RegisterFile(RegisterBlock):
    """Registers that read back what was written, from reset values; `fixed` bits always read as given
    (e.g. a ready flag that is always set)."""

    def __init__(self, reset_values: dict[int, int], fixed: dict[int, int] | None = None) -> None:
        self.reset_values = dict(reset_values)
        self.fixed = fixed or {}
        self.regs = dict(reset_values)

    def reset(self) -> None:
        self.regs = dict(self.reset_values)

    def read32(self, offset: int) -> int:
        return self.regs.get(offset, 0) | self.fixed.get(offset, 0)

    def write32(self, offset: int, value: int) -> None:
        if offset in self.regs:
            self.regs[offset] = value


class Dbgmcu(RegisterBlock):
    """STM32 MCU debug component: IDCODE (device and revision id), CR and the freeze registers."""

    def __init__(self, idcode: int) -> None:
        self.idcode = idcode
        self.reset()

    def reset(self) -> None:
        self.regs = {0x4: 0, 0x8: 0, 0xC: 0}

    def read32(self, offset: int) -> int:
        return self.idcode if offset == 0 else self.regs.get(offset, 0)

    def write32(self, offset: int, value: int) -> None:
        if offset in self.regs:
            self.regs[offset] = value


class FlashInterface(RegisterBlock):
    """Puts a flash controller with `read(offset)` / `write(offset, value)` (flash_ctrl.py) on the bus."""

    def __init__(self, controller: Any) -> None:
        self.controller = controller

    def read32(self, offset: int) -> int:
        return self.controller.read(offset) & 0xFFFFFFFF

    def write32(self, offset: int, value: int) -> None:
        self.controller.write(offset, value)

    def write(self, offset: int, size: int, value: int) -> None:
        # KEYR-style registers take the value as written; merging with a read would corrupt the key sequence
        self.write32(offset & ~3, (value << (8 * (offset & 3))) & 0xFFFFFFFF)


class UnmodelledSpace(RegisterBlock):
    """Peripheral addresses no model covers: storage, so firmware that touches an unmodelled peripheral keeps
    running (a status flag it waits for will never come, though). Every address touched is kept in `touched`."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.regs: dict[int, int] = {}
        self.touched: set[int] = set()

    def reset(self) -> None:
        self.regs.clear()

    def read32(self, offset: int) -> int:
        self.touched.add(self.base + offset)
        return self.regs.get(offset, 0)

    def write32(self, offset: int, value: int) -> None:
        self.touched.add(self.base + offset)
        self.regs[offset] = value
