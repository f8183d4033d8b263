"""A simulated board for Python code: a chip, its LED, images loaded as a factory programmer would.

    board = Board("stm32f072rb")
    board.load("blinky.elf")          # ELF loadable segments at their physical address, or a raw .bin
    board.reset()
    board.run(seconds=0.5)
    board.led.is_on, board.gpio["PA5"], board.pin_changes, board.now

ELF files are read with pyelftools when it is installed, else with the small ELF32 program-header reader below
(all a loader needs: PT_LOAD segments, file bytes at p_paddr, as OpenOCD loads them).
"""
from __future__ import annotations

import os
import struct
from typing import Any, Callable, Iterator

from .chips import Chip, Led, build_chip
from .core import HaltReason
from .gpio import GpioPort, PinChange


class LedView:
    """The board's user LED, seen from outside: on/off from the pin level and its polarity."""

    def __init__(self, chip: Chip, led: Led) -> None:
        self.led = led
        self._port = chip.gpio[led.port]

    @property
    def pin(self) -> str:
        return self.led.pin

    @property
    def is_on(self) -> bool:
        """Lit only while the chip drives the pin to the active level (a floating pin lights nothing)."""
        driven = self._port.driven_level(self.led.number)
        return driven is not None and bool(driven) == self.led.active_high


class GpioView:
    """Pin levels by name: `gpio["PA5"]` -> 0/1; `gpio.drive("PA0", 1)` drives an input from outside."""

    def __init__(self, chip: Chip) -> None:
        self._ports = chip.gpio

    def _locate(self, pin: str) -> tuple[GpioPort, int]:
        if len(pin) < 3 or pin[0].upper() != "P" or pin[1].upper() not in self._ports:
            raise KeyError(f"no pin {pin!r}")
        return self._ports[pin[1].upper()], int(pin[2:])

    def __getitem__(self, pin: str) -> int:
        port, number = self._locate(pin)
        return port.level(number)

    def port(self, letter: str) -> GpioPort:
        return self._ports[letter.upper()]

    def drive(self, pin: str, level: int | None) -> None:
        port, number = self._locate(pin)
        port.drive(number, level)

    def levels(self) -> dict[str, int]:
        return {f"P{letter}{n}": port.level(n) for letter, port in self._ports.items() for n in range(16)}


class FlashView:
    """The flash contents as bytes (`bytes(view)`, `view[0:16]` relative to the flash base)."""

    def __init__(self, chip: Chip) -> None:
        self._flash = chip.flash

    @property
    def base(self) -> int:
        return self._flash.base

    @property
    def sectors(self) -> list[int]:
        return list(self._flash.sectors)

    def __len__(self) -> int:
        return len(self._flash.data)

    def __getitem__(self, index: int | slice) -> Any:
        return self._flash.data[index] if isinstance(index, int) else bytes(self._flash.data[index])

    def __bytes__(self) -> bytes:
        return bytes(self._flash.data)

    def read(self, address: int, length: int) -> bytes:
        offset = address - self._flash.base
        return bytes(self._flash.data[offset:offset + length])


class Board:
    """A chip on its usual board (see chips/: Nucleo-F072RB, blue pill F103C8, Nucleo-style F401CC)."""

    def __init__(self, chip: str = "stm32f072rb", **chip_options: Any) -> None:
        self.chip = build_chip(chip, **chip_options)
        self.core = self.chip.core
        self.gpio = GpioView(self.chip)
        self.flash = FlashView(self.chip)
        self.led = LedView(self.chip, self.chip.spec.led) if self.chip.spec.led else None

    # -- images ----------------------------------------------------------------------------------------------
    def load(self, image: str | os.PathLike | bytes, address: int | None = None) -> list[tuple[int, int]]:
        """Put an image into flash/RAM as a factory programmer would (no flash controller involved).

        `image` is a path (ELF by its magic, else raw binary) or bytes; a raw binary goes to `address`
        (default: the flash base). Returns the (address, length) pieces written. Does not reset the core.
        """
        data = image if isinstance(image, (bytes, bytearray)) else open(image, "rb").read()
        if data[:4] == b"\x7fELF":
            segments = elf_segments(data)
        else:
            segments = [(self.chip.spec.flash_base if address is None else address, bytes(data))]
        for seg_address, seg_data in segments:
            self.chip.bus.load(seg_address, seg_data)
        return [(a, len(d)) for a, d in segments]

    # -- running ---------------------------------------------------------------------------------------------
    def reset(self, kind: str = "system", halt: bool = False) -> None:
        self.chip.reset(kind, halt)

    def run(self, cycles: int | None = None, until: Callable[[], bool] | None = None,
            seconds: float | None = None) -> HaltReason | None:
        """Run for `cycles` core cycles or `seconds` of simulated time, until `until()` (re-checked right
        after every pin change), a halt (breakpoint, BKPT...) or, without a budget, until nothing can
        happen any more (the core sleeps with no wake-up source). Returns the halt reason, if halted."""
        if seconds is not None:
            return self._run_for(seconds, until)
        return self._run(cycles, until)

    def _run_for(self, seconds: float, until: Callable[[], bool] | None) -> HaltReason | None:
        """Simulated seconds, whatever clock changes the firmware makes on the way."""
        deadline = self.now + seconds
        while True:
            cycles = round((deadline - self.now) * self.core.clock_hz)
            if cycles <= 0:
                return None
            clock = self.core.clock_hz
            result = self._run(cycles, until)
            if result is not None or self.core.clock_hz == clock or (until is not None and until()):
                return result

    def _run(self, cycles: int | None, until: Callable[[], bool] | None) -> HaltReason | None:
        if until is None:
            return self.core.run(cycles)

        def look_again(change: PinChange) -> None:
            self.core.interrupt_slice()

        self.chip.pins.listeners.append(look_again)
        try:
            return self.core.run(cycles, until)
        finally:
            self.chip.pins.listeners.remove(look_again)

    @property
    def now(self) -> float:
        """Simulated seconds since power-on."""
        return self.core.now

    @property
    def cycles(self) -> int:
        return self.core.cycles

    @property
    def pin_changes(self) -> list[PinChange]:
        return list(self.chip.pins.changes)

    def on_pin_change(self, listener: Callable[[PinChange], None]) -> None:
        """Call `listener(PinChange)` on every pin change (for a front end)."""
        self.chip.pins.listeners.append(listener)


# -- ELF ---------------------------------------------------------------------------------------------------------
PT_LOAD = 1


def elf_segments(data: bytes) -> list[tuple[int, bytes]]:
    """Loadable segments of an ELF file as (physical address, file bytes), skipping empty ones."""
    try:
        from elftools.elf.elffile import ELFFile
    except ImportError:
        return list(_read_elf32_segments(data))
    import io

    out = []
    for segment in ELFFile(io.BytesIO(data)).iter_segments():
        if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
            out.append((segment["p_paddr"], segment.data()[:segment["p_filesz"]]))
    return out


def _read_elf32_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """A minimal ELF32 reader: the program header table of a little- or big-endian 32-bit file."""
    if data[:4] != b"\x7fELF" or data[4] != 1:
        raise ValueError("not a 32-bit ELF file")
    endian = "<" if data[5] == 1 else ">"
    phoff, = struct.unpack_from(endian + "I", data, 0x1C)
    phentsize, phnum = struct.unpack_from(endian + "HH", data, 0x2A)
    for i in range(phnum):
        p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align = struct.unpack_from(
            endian + "8I", data, phoff + i * phentsize)
        if p_type == PT_LOAD and p_filesz:
            yield p_paddr, bytes(data[p_offset:p_offset + p_filesz])
