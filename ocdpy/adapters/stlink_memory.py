"""Memory through an ST-Link in HLA mode: the `MemoryAccess` the Cortex-M layer, flash drivers and GDB use,
cut into transfers the probe takes whole.

A transfer must fit the probe (8-bit: one USB packet, 64 bytes on V2 / 512 on V3; 16/32-bit: its 6 KiB
buffer), be aligned to its access size (misaligned heads and short tails go as bytes), and stay inside the
MEM-AP's TAR auto-increment block, because the firmware programs TAR once per transfer. The block is 4 KiB
on the Cortex-M4/M7 AHB-AP and 1 KiB (ADIv5's guarantee) otherwise; OpenOCD assumes 4 KiB on the Cortex-M3
too, which ADIv5 does not promise. Machines without 16-bit transfers (before V2J26) get bytes.

Besides the `MemoryAccess` methods, the probe's native core-register commands are offered:
`read_core_reg(regsel)`, `write_core_reg(regsel, value)`, `read_core_regs()` (regsel as DCRSR.REGSEL:
0-15 r0-pc, 16 xPSR, 17 MSP, 18 PSP, 20 CONTROL/FAULTMASK/BASEPRI/PRIMASK); they need a halted core.
"""
from __future__ import annotations

from .stlink_client import Stlink
from .stlink_protocol import MAX_RW16_32

CPUID = 0xE000ED00
LARGE_AUTOINC_PARTS = (0xC24, 0xC27)  # Cortex-M4, Cortex-M7: 4 KiB TAR auto-increment


class StlinkMemory:
    """Memory on AP0 through the probe's READMEM/WRITEMEM commands."""

    def __init__(self, stlink: Stlink) -> None:
        self.stlink = stlink
        stlink.open_ap(0)
        self.block = 1024
        part = (stlink.read_debug_reg(CPUID) >> 4) & 0xFFF
        if part in LARGE_AUTOINC_PARTS:
            self.block = 4096
        self.read_core_reg = stlink.read_core_reg
        self.write_core_reg = stlink.write_core_reg
        self.read_core_regs = stlink.read_core_regs

    def plan(self, address: int, count: int, width: int) -> list[tuple[int, int, int]]:
        """(address, length, access size) of each transfer for `count` bytes at `address`."""
        version = self.stlink.version
        if width == 2 and not version.has_mem16:
            width = 1
        transfers = []
        while count:
            size = width if address % width == 0 and count >= width else 1
            n = min(count, self.block - address % self.block, version.max_rw8 if size == 1 else MAX_RW16_32)
            if size == 1 and width > 1 and address % width:
                n = min(n, width - address % width)  # only the misaligned head as bytes
            n -= n % size
            transfers.append((address, n, size))
            address, count = address + n, count - n
        return transfers

    def read(self, address: int, count: int, width: int = 4) -> bytes:
        return b"".join(self.stlink.read_mem(a, n, size) for a, n, size in self.plan(address, count, width))

    def write(self, address: int, data: bytes, width: int = 4) -> None:
        offset = 0
        for a, n, size in self.plan(address, len(data), width):
            self.stlink.write_mem(a, data[offset:offset + n], size)
            offset += n

    def read_u32(self, address: int) -> int:
        """One round trip (READDEBUGREG carries its own status) where the word is aligned."""
        if address % 4:
            return int.from_bytes(self.read(address, 4), "little")
        return self.stlink.read_debug_reg(address)

    def write_u32(self, address: int, value: int) -> None:
        if address % 4:
            self.write(address, value.to_bytes(4, "little"))
        else:
            self.stlink.write_debug_reg(address, value)
