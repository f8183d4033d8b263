"""The memory map GDB reads with qXfer:memory-map:read, laid out as OpenOCD lays it: each flash bank of the
target as flash regions, one per run of equal-sized sectors (blocksize = that sector size, so the F4's 16/
64/128 KiB sectors are separate regions), and everything between and around them as RAM, so that GDB's
`load` goes to flash through vFlashErase/vFlashWrite/vFlashDone and plain writes elsewhere."""
from __future__ import annotations

from ..errors import OcdError

TOP = 1 << 32


def flash_regions(driver) -> list[tuple[int, int, int]]:
    """(start, length, blocksize) for each run of equal sectors of a probed bank."""
    regions: list[list[int]] = []
    for sector in driver.sectors:
        start = driver.base + sector.offset
        if regions and regions[-1][2] == sector.size and regions[-1][0] + regions[-1][1] == start:
            regions[-1][1] += sector.size
        else:
            regions.append([start, sector.size, sector.size])
    return [tuple(r) for r in regions]


def target_drivers(session, target) -> list:
    """The target's banks, probed; a bank that cannot be probed is left out (it stays RAM to gdb)."""
    from ..commands.flash_banks import flash_driver

    drivers = []
    for bank in session.flash_banks:
        if bank.target is not target:
            continue
        try:
            drivers.append(flash_driver(session, bank.name))
        except OcdError as e:
            session.log.warning(f"gdb memory map: flash bank '{bank.name}' left out: {e.result}")
    return drivers


def memory_map_xml(drivers) -> bytes:
    regions = sorted(r for d in drivers for r in flash_regions(d))
    lines = ["<memory-map>"]
    cursor = 0
    for start, length, block in regions:
        if start > cursor:
            lines.append(f'<memory type="ram" start="0x{cursor:08x}" length="0x{start - cursor:x}"/>')
        lines.append(f'<memory type="flash" start="0x{start:08x}" length="0x{length:x}">')
        lines.append(f'<property name="blocksize">0x{block:x}</property>')
        lines.append("</memory>")
        cursor = start + length
    if cursor < TOP:
        lines.append(f'<memory type="ram" start="0x{cursor:08x}" length="0x{TOP - cursor:x}"/>')
    lines.append("</memory-map>")
    return ("\n".join(lines) + "\n").encode()
