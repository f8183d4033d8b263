"""Running a small routine on the target itself (a flash loop in the work area), the way OpenOCD and pyOCD
get their flash speed: load the code into RAM once, then for each chunk put the data in the buffer after it,
set r0-r3 and sp, start it with lr pointing at a BKPT, wait for the halt and read the result registers.

The routine's code is position-independent Thumb machine code; its source sits beside it in the driver.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator

from ..errors import OcdError

BKPT = b"\x00\xbe"   # bkpt #0: where the routine returns to
STACK_BYTES = 256


@dataclass
class WorkArea:
    """The RAM a driver may use (`-work-area-phys/-size` of the target); its contents are not kept."""

    address: int
    size: int

    @classmethod
    def of(cls, target) -> WorkArea | None:
        if target.work_area_phys is None or not target.work_area_size:
            return None
        return cls(target.work_area_phys, target.work_area_size)


class Routine:
    """A routine loaded at the start of a work area, with a data buffer between it and its stack."""

    def __init__(self, core, area: WorkArea, code: bytes) -> None:
        self.core = core
        self.area = area
        image = code + BKPT
        image += bytes(-len(image) % 4)
        self.return_address = area.address + len(code)
        self.buffer = area.address + len(image)
        self.buffer_size = (area.size - len(image) - STACK_BYTES) & ~7
        if self.buffer_size < 64:
            raise OcdError(f"work area of {area.size} bytes at 0x{area.address:08x} is too small for the flash "
                           f"routine ({len(image) + STACK_BYTES + 64} bytes at least)")
        core.mem.write(area.address, image, 4)

    def run(self, args: list[int], timeout: float, results: tuple[str, ...] = ("r0",)) -> list[int]:
        """Start the routine with r0.. = args; the core must be halted, and is halted again afterwards."""
        core = self.core
        for n, value in enumerate(args):
            core.write_reg(f"r{n}", value & 0xFFFFFFFF)
        core.write_reg("sp", (self.area.address + self.area.size) & ~7)
        core.write_reg("lr", self.return_address | 1)
        core.write_reg("xPSR", 0x01000000)
        core.resume(self.area.address | 1)
        if not core.wait_halted(timeout):
            core.halt()
            core.wait_halted(1.0)
            raise OcdError(f"flash routine did not finish within {timeout:.1f} s (pc 0x{core.read_reg('pc'):08x})")
        pc = core.read_reg("pc")
        if pc != self.return_address:
            raise OcdError(f"flash routine stopped at 0x{pc:08x} instead of its return breakpoint "
                           f"0x{self.return_address:08x} (a fault in the routine?)")
        return [core.read_reg(name) for name in results]


def load_routine(target, code: bytes, log) -> Routine | None:
    """The routine in the target's work area, or None (with OpenOCD's warnings) when there is no work area
    or it is too small, so that the driver falls back to register-level writes."""
    area = WorkArea.of(target)
    if area is None:
        log.warning("no working area available, can't do block memory writes")
    else:
        try:
            return Routine(target.core, area, code)
        except OcdError as e:
            log.warning(f"no large enough working area available, can't do block memory writes ({e})")
    log.warning("couldn't use block writes, falling back to single memory accesses")
    return None


@contextlib.contextmanager
def saved_registers(core) -> Iterator[None]:
    """Running a routine changes the core's registers: put them back afterwards, as OpenOCD does."""
    names = [f"r{n}" for n in range(13)] + ["sp", "lr", "pc", "xPSR"]
    saved = {name: core.read_reg(name) for name in names}
    try:
        yield
    finally:
        for name, value in saved.items():
            core.write_reg(name, value)
