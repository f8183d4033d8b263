"""The flash plan: from an image and the probed banks, what to erase, what to write and what goes to plain
memory, computed before anything is erased so that every pre-flight check reads it (cf. probe-rs's
flashing plan). Nothing here touches the target except `check_memory`, which only reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import OcdError
from .driver import FlashDriver


class PlanError(OcdError):
    """The image cannot be placed on this target; nothing has been erased."""


@dataclass
class BankPlan:
    driver: FlashDriver
    erase: list[int] = field(default_factory=list)            # sector indices, ascending
    writes: list[tuple[int, bytes]] = field(default_factory=list)  # (bank offset, data), aligned and padded

    @property
    def erase_bytes(self) -> int:
        return sum(self.driver.sectors[i].size for i in self.erase)

    @property
    def write_bytes(self) -> int:
        return sum(len(d) for _, d in self.writes)


@dataclass
class Plan:
    banks: list[BankPlan]
    memory: list[tuple[int, bytes]]   # segments outside every flash bank (RAM), written as they are
    image_bytes: int

    @property
    def sectors_erased(self) -> int:
        return sum(len(b.erase) for b in self.banks)


def bank_range(driver: FlashDriver) -> str:
    return (f"flash bank '{driver.bank.name}' (0x{driver.base:08x}-0x{driver.base + driver.size - 1:08x}, "
            f"{driver.size // 1024} KiB)")


def make_plan(segments, drivers: list[FlashDriver], source: str, erase: bool = True) -> Plan:
    """Split `segments` (image Segments: address, data) over the banks; a segment that starts in a bank must end in it."""
    per_bank: dict[int, list[tuple[int, bytes]]] = {id(d): [] for d in drivers}
    memory: list[tuple[int, bytes]] = []
    total = 0
    for segment in segments:
        address, data = segment.address, segment.data
        total += len(data)
        end = address + len(data)
        driver = next((d for d in drivers if d.base <= address < d.base + d.size), None)
        if driver is None:
            overlapping = next((d for d in drivers if address < d.base < end), None)
            if overlapping is not None:
                raise PlanError(f"{source}: segment 0x{address:08x}-0x{end - 1:08x} starts before "
                                f"{bank_range(overlapping)}")
            memory.append((address, bytes(data)))
            continue
        if end > driver.base + driver.size:
            raise PlanError(f"{source}: segment 0x{address:08x}-0x{end - 1:08x} ({len(data)} bytes) does not fit "
                            f"{bank_range(driver)}: it ends {end - driver.base - driver.size} bytes past the end "
                            "of flash (the image is too large for this chip)")
        per_bank[id(driver)].append((address - driver.base, bytes(data)))
    plans = []
    for driver in drivers:
        pieces = per_bank[id(driver)]
        if not pieces:
            continue
        plan = BankPlan(driver)
        plan.writes = aligned_writes(pieces, driver)
        if erase:
            plan.erase = sorted({i for offset, data in plan.writes
                                 for i in range(driver.sector_at(offset), driver.sector_at(offset + len(data) - 1) + 1)})
        plans.append(plan)
    return Plan(plans, memory, total)


def aligned_writes(pieces: list[tuple[int, bytes]], driver: FlashDriver) -> list[tuple[int, bytes]]:
    """Merge pieces that touch and pad each run with the erased value to the driver's write alignment."""
    align = driver.write_alignment
    fill = bytes([driver.erased_value])
    merged: list[tuple[int, bytearray]] = []
    for offset, data in sorted(pieces):
        start = offset - offset % align
        chunk = bytearray(fill * (offset - start)) + data
        chunk += fill * (-len(chunk) % align)
        if merged and start <= merged[-1][0] + len(merged[-1][1]):
            prev_start, prev = merged[-1]
            overlap = prev_start + len(prev) - start
            prev[len(prev) - overlap:] = bytes(a if a != driver.erased_value else b
                                               for a, b in zip(prev[len(prev) - overlap:], chunk[:overlap]))
            prev += chunk[overlap:]
        else:
            merged.append((start, chunk))
    return [(offset, bytes(data)) for offset, data in merged]


def check_memory(mem, plan: Plan, source: str) -> None:
    """Segments outside flash must land in memory that answers: read their first and last word."""
    for address, data in plan.memory:
        for probe in {address & ~3, (address + len(data) - 1) & ~3}:
            try:
                mem.read(probe, 4, 4)
            except OcdError:
                raise PlanError(f"{source}: segment 0x{address:08x}-0x{address + len(data) - 1:08x} "
                                f"({len(data)} bytes) is outside every flash bank and nothing answers at "
                                f"0x{probe:08x} on the target (not RAM either)") from None
