"""What a flash bank driver offers the flash commands: probing the sector map, erasing sectors, writing
(word-aligned, pre-erased) data, protection, and its `flash info` line. Drivers talk to the chip only
through the target's MemoryAccess and core (for target-resident algorithms, see algorithm.py); they report
progress through a callback and never print.

Drivers are looked up by the `flash bank` driver name in `DRIVERS` (module:class under ocdpy.flash.drivers).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from importlib import import_module
from typing import Callable

from ..arm.memory import MemoryAccess
from ..errors import OcdError
from ..log import Log
from .bank import FlashBank

# progress(phase, bytes done, bytes in total): phases "erase", "write", "verify"
Progress = Callable[[str, int, int], None]

DRIVERS = {
    "stm32f1x": "stm32f1x:Stm32f1x",
    "stm32f2x": "stm32f2x:Stm32f2x",
}


class FlashError(OcdError):
    """A flash operation the chip refused; the message names the address and the controller's flags."""


@dataclass
class Sector:
    offset: int            # from the bank base
    size: int
    protected: bool | None = None   # None: not known (not read yet)
    erased: bool | None = None


def no_progress(phase: str, done: int, total: int) -> None:
    pass


class FlashDriver(ABC):
    """One flash bank on a live target. `bank` is its configuration; `target.core` (CortexM) and
    `target.core.mem` (MemoryAccess) reach the chip; `target.work_area_phys/size` is RAM it may use."""

    erased_value = 0xFF
    write_alignment = 2    # bytes: writes are padded with erased_value to this

    def __init__(self, bank: FlashBank, log: Log) -> None:
        self.bank = bank
        self.target = bank.target
        self.log = log
        self.sectors: list[Sector] = []
        self.protection_blocks: list[Sector] = []  # when protection covers groups of sectors (STM32F1)
        self.probed = False

    @property
    def mem(self) -> MemoryAccess:
        return self.target.core.mem

    @property
    def base(self) -> int:
        return self.bank.base

    @property
    def size(self) -> int:
        return sum(s.size for s in self.sectors)

    @abstractmethod
    def probe(self) -> None:
        """Read the chip's identity and flash size; fill `sectors` and set `probed`."""

    @abstractmethod
    def erase(self, first: int, last: int, progress: Progress = no_progress) -> None:
        """Erase sectors first..last (inclusive)."""

    @abstractmethod
    def write(self, offset: int, data: bytes, progress: Progress = no_progress) -> None:
        """Program `data` at bank offset `offset` (aligned to write_alignment) into erased cells."""

    def require_halted(self) -> None:
        """Flash work needs a halted core: a running one could fetch from half-written flash or race the
        flash loop for the controller."""
        core = self.target.core
        core.poll()
        if core.state != "halted":
            raise FlashError("Target not halted")

    def first_mismatch(self, address: int, data: bytes) -> int:
        """After a failed register-level write: the address of the first half-word that did not take its
        value, read back from the chip (the start if all did), for an error that names where it failed."""
        found = self.mem.read(address, len(data), 2)
        for i in range(0, len(data), 2):
            if found[i:i + 2] != data[i:i + 2]:
                return address + i
        return address

    def mass_erase(self, progress: Progress = no_progress) -> None:
        self.erase(0, len(self.sectors) - 1, progress)

    def protect_check(self) -> None:
        """Fill each sector's `protected` from the chip's option bytes (drivers that can)."""

    def protect(self, enable: bool, first: int, last: int) -> None:
        raise FlashError(f"{self.bank.driver}: changing write protection is not supported")

    def info(self) -> str:
        """The driver's own line in `flash info` (e.g. the part name and revision)."""
        return ""

    def sector_at(self, offset: int) -> int:
        """The index of the sector holding bank offset `offset`."""
        for index, sector in enumerate(self.sectors):
            if sector.offset <= offset < sector.offset + sector.size:
                return index
        raise FlashError(f"address 0x{self.base + offset:08x} is outside flash bank '{self.bank.name}' "
                         f"(0x{self.base:08x}-0x{self.base + self.size - 1:08x})")


def driver_for(bank: FlashBank, log: Log) -> FlashDriver:
    entry = DRIVERS.get(bank.driver)
    if entry is None:
        raise OcdError(f"flash bank '{bank.name}': driver '{bank.driver}' is not supported by ocdpy")
    module, name = entry.split(":")
    return getattr(import_module(f"{__package__}.drivers.{module}"), name)(bank, log)
