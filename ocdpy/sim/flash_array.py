"""The flash array of a simulated chip: the cells, their page/sector map and the hook for a flash controller.

`FlashArray` extends `flash_ctrl.FlashMemory` (the object the flash controllers of `flash_ctrl.py` program and
erase) with what the bus needs: its bytes are mapped into the CPU's address space (so every change must be
announced, to drop translated code), and bus writes into the array go to the attached controller. Without a
controller, or while the controller is not in programming mode, a write leaves the flash unchanged, as on the
silicon. `load` is the factory/backdoor path used by `Board.load`.
"""
from __future__ import annotations

from typing import Callable, Protocol

from .flash_ctrl import FlashMemory


class FlashProgrammer(Protocol):
    """What a flash controller offers the array: a bus write into the flash address range.

    It may change the array through `erase_sector`/`erase_all`/`store`/`program_halfword`, ignore the write, or
    raise `bus.BusFault` for a write the silicon answers with a bus error.
    """

    def program(self, address: int, size: int, value: int) -> None: ...


class FlashArray(FlashMemory):
    """Flash cells (erased = 0xFF) mapped at `base`; `sectors` are the erase units in address order."""

    def __init__(self, base: int, sectors: list[int]) -> None:
        super().__init__(base, sectors)
        self.controller: FlashProgrammer | None = None
        self._listeners: list[Callable[[int, int], None]] = []

    # -- notifications ---------------------------------------------------------------------------------------
    def add_listener(self, listener: Callable[[int, int], None]) -> None:
        """`listener(address, length)` is called after any change of the cells."""
        self._listeners.append(listener)

    def _changed(self, offset: int, length: int) -> None:
        for listener in self._listeners:
            listener(self.base + offset, length)

    # -- primitives (used by flash controllers) --------------------------------------------------------------
    def erase_sector(self, index: int) -> None:
        super().erase_sector(index)
        start, end = self.sector_range(index)
        self._changed(start, end - start)

    erase_page = erase_sector  # F0/F1 call their erase units pages

    def erase_all(self) -> None:
        super().erase_all()
        self._changed(0, len(self.data))

    def store(self, address: int, size: int, value: int) -> None:
        super().store(address, size, value)
        self._changed(address - self.base, size)

    def program_halfword(self, address: int, value: int) -> None:
        """NOR programming: cells only go from 1 to 0 (the controller decides whether the write is legal)."""
        self.store(address, 2, self.read(address, 2) & value & 0xFFFF)

    def page_size_at(self, address: int) -> int:
        return self.sectors[self.sector_of(address)]

    # -- bus side --------------------------------------------------------------------------------------------
    def bus_write(self, address: int, size: int, value: int) -> None:
        """A CPU or debugger store into the flash range: only a controller in programming mode changes cells."""
        if self.controller is not None:
            self.controller.program(address, size, value)

    def restore(self, offset: int, cells: bytes) -> None:
        """Put back cells that a CPU store overwrote in the CPU's mapping of them (see `bus.py`)."""
        self.data[offset:offset + len(cells)] = cells
        self._changed(offset, len(cells))

    def load(self, address: int, data: bytes) -> None:
        """Backdoor load (as a factory programmer would): bytes go in as they are."""
        offset = address - self.base
        if offset < 0 or offset + len(data) > len(self.data):
            raise ValueError(f"0x{address:08x}+{len(data)} is outside the flash")
        self.data[offset:offset + len(data)] = data
        self._changed(offset, len(data))
