"""ARM Debug Interface v5: the debug port's power-up handshake, access ports, and the MEM-AP that gives
every layer above its memory access (ADIv5.2 B2 DP registers, C2 MEM-AP).

A `MemAp` keeps TAR inside the auto-increment block (1 KiB: the smallest an ADIv5 MEM-AP may wrap at),
uses packed 8/16-bit transfers where the AP supports them, and batches whole blocks per queue flush.
"""
from __future__ import annotations

import time

from ..adapters.dap_queue import (ABORT_CLEAR_ALL, DP_ABORT, DP_CTRL_STAT, DapQueue, TransferError)
from ..errors import OcdError

CSYSPWRUPACK, CSYSPWRUPREQ, CDBGPWRUPACK, CDBGPWRUPREQ = 1 << 31, 1 << 30, 1 << 29, 1 << 28
# MEM-AP registers
AP_CSW, AP_TAR, AP_DRW, AP_BD0, AP_CFG, AP_BASE, AP_IDR = 0x00, 0x04, 0x0C, 0x10, 0xF4, 0xF8, 0xFC
CSW_SIZE = {1: 0, 2: 1, 4: 2}
CSW_ADDRINC_OFF, CSW_ADDRINC_SINGLE, CSW_ADDRINC_PACKED = 0 << 4, 1 << 4, 2 << 4
CSW_KEEP = 0xFF000000 | 0x00000F00  # Prot, DbgSwEnable, Mode: kept as the AP reset them (HPROT etc.)
TAR_BLOCK = 1024
POWER_UP_TIMEOUT = 1.0
AP_CLASSES = {0x0: "JTAG-AP", 0x8: "MEM-AP"}
MEM_AP_TYPES = {0x1: "AHB3", 0x2: "APB2 or APB3", 0x4: "AXI3 or AXI4", 0x5: "AHB5", 0x6: "APB4 and APB5",
                0x7: "AXI5", 0x8: "AHB5 with enhanced HPROT"}


class MemoryAccessError(OcdError):
    """A memory access the target refused; the message names the address."""


class Dap:
    """One debug port and its access ports, over a probe's DapQueue."""

    def __init__(self, queue: DapQueue) -> None:
        self.queue = queue
        self._mem_aps: dict[int, MemAp] = {}

    def power_up(self) -> None:
        """Request system and debug power (CTRL/STAT), wait for both acknowledges, clear sticky flags."""
        q = self.queue
        q.write_dp(DP_ABORT, ABORT_CLEAR_ALL)
        q.write_dp(DP_CTRL_STAT, CSYSPWRUPREQ | CDBGPWRUPREQ)
        q.flush()
        deadline = time.monotonic() + POWER_UP_TIMEOUT
        while True:
            status = q.read_dp(DP_CTRL_STAT)
            q.flush()
            if status.value & (CSYSPWRUPACK | CDBGPWRUPACK) == CSYSPWRUPACK | CDBGPWRUPACK:
                return
            if time.monotonic() > deadline:
                raise OcdError(f"Debug regions are unpowered: CTRL/STAT 0x{status.value:08x} shows no power-up "
                               "acknowledge (is the target powered and out of reset?)")
            time.sleep(0.001)

    def read_ap(self, ap: int, register: int) -> int:
        value = self.queue.read_ap(ap, register)
        self.queue.flush()
        return value.value

    def mem_ap(self, ap: int = 0) -> MemAp:
        if ap not in self._mem_aps:
            self._mem_aps[ap] = MemAp(self, ap)
        return self._mem_aps[ap]


class MemAp:
    """Memory through one MEM-AP: the MemoryAccess every layer above speaks."""

    def __init__(self, dap: Dap, ap: int) -> None:
        self.dap = dap
        self.queue = dap.queue
        self.ap = ap
        self._csw: int | None = None
        self._csw_base: int | None = None
        self._packed: bool | None = None

    # -- CSW -----------------------------------------------------------------------------------------------
    def _base(self) -> int:
        if self._csw_base is None:
            self._csw_base = self.dap.read_ap(self.ap, AP_CSW) & CSW_KEEP
        return self._csw_base

    def _set_csw(self, width: int, increment: int) -> None:
        csw = self._base() | CSW_SIZE[width] | increment
        if csw != self._csw:
            self.queue.write_ap(self.ap, AP_CSW, csw)
            self._csw = csw

    def supports_packed(self) -> bool:
        """Packed 8/16-bit transfers are optional (ADIv5.2 C2.6.1): write the mode and read it back."""
        if self._packed is None:
            self._set_csw(1, CSW_ADDRINC_PACKED)
            readback = self.queue.read_ap(self.ap, AP_CSW)
            self.queue.flush()
            self._packed = readback.value & (3 << 4) == CSW_ADDRINC_PACKED
            self._csw = readback.value
        return self._packed

    # -- transfers ------------------------------------------------------------------------------------------
    def _chunks(self, address: int, count: int, width: int):
        """(address, byte count) pieces that stay inside one TAR auto-increment block."""
        end = address + count
        while address < end:
            size = min(end, (address // TAR_BLOCK + 1) * TAR_BLOCK) - address
            yield address, size
            address += size

    def read(self, address: int, count: int, width: int = 4) -> bytes:
        check_alignment(address, count, width)
        try:
            return self._read(address, count, width)
        except TransferError as e:
            raise MemoryAccessError(f"Failed to read memory at 0x{address:08x}: {e}") from None

    def _read(self, address: int, count: int, width: int) -> bytes:
        # packed transfers fill whole DRW words: used for word-aligned runs, single transfers otherwise
        packed = width < 4 and count > 4 and not (address | count) & 3 and self.supports_packed()
        out = bytearray()
        pieces = []
        for start, size in self._chunks(address, count, width):
            if width == 4 or packed:
                self._set_csw(width, CSW_ADDRINC_PACKED if packed else CSW_ADDRINC_SINGLE)
                self.queue.write_ap(self.ap, AP_TAR, start)
                words = size // 4
                pieces.append((start, size, self.queue.read_ap_block(self.ap, AP_DRW, words)))
            else:
                self._set_csw(width, CSW_ADDRINC_SINGLE)
                self.queue.write_ap(self.ap, AP_TAR, start)
                lanes = [(start + i, self.queue.read_ap(self.ap, AP_DRW)) for i in range(0, size, width)]
                pieces.append((start, size, lanes))
        self.queue.flush()
        for start, size, values in pieces:
            if width == 4 or packed:
                out += b"".join(v.value.to_bytes(4, "little") for v in values)
            else:
                for lane_address, v in values:
                    shift = (lane_address & 3) * 8
                    out += ((v.value >> shift) & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
        return bytes(out)

    def write(self, address: int, data: bytes, width: int = 4) -> None:
        check_alignment(address, len(data), width)
        try:
            for start, size in self._chunks(address, len(data), width):
                piece = data[start - address:start - address + size]
                self._set_csw(width, CSW_ADDRINC_SINGLE)
                self.queue.write_ap(self.ap, AP_TAR, start)
                if width == 4:
                    self.queue.write_ap_block(self.ap, AP_DRW, [int.from_bytes(piece[i:i + 4], "little")
                                                                for i in range(0, size, 4)])
                else:
                    for i in range(0, size, width):
                        shift = ((start + i) & 3) * 8
                        self.queue.write_ap(self.ap, AP_DRW, int.from_bytes(piece[i:i + width], "little") << shift)
            self.queue.flush()
        except TransferError as e:
            self._csw = None
            raise MemoryAccessError(f"Failed to write memory at 0x{address:08x}: {e}") from None

    def read_u32(self, address: int) -> int:
        return int.from_bytes(self.read(address, 4, 4), "little")

    def transact(self, accesses: list[tuple[int, int | None]]) -> list[int]:
        """Word accesses in one round trip, in order: (address, value) writes, (address, None) reads; returns
        the values read. Within one 16-byte bank they go through BD0-BD3 with a single TAR write, so a
        debug-register exchange (DCRSR, DHCSR, DCRDR) costs no TAR traffic."""
        try:
            self._set_csw(4, CSW_ADDRINC_SINGLE)
            bank, reads = None, []
            for address, value in accesses:
                if address & ~0xF != bank:
                    bank = address & ~0xF
                    self.queue.write_ap(self.ap, AP_TAR, bank)
                register = AP_BD0 + (address & 0xC)
                if value is None:
                    reads.append(self.queue.read_ap(self.ap, register))
                else:
                    self.queue.write_ap(self.ap, register, value & 0xFFFFFFFF)
            self.queue.flush()
        except TransferError as e:
            self._csw = None
            raise MemoryAccessError(f"Failed to access memory at 0x{accesses[0][0]:08x}: {e}") from None
        return [r.value for r in reads]

    def write_u32(self, address: int, value: int) -> None:
        self.write(address, (value & 0xFFFFFFFF).to_bytes(4, "little"), 4)


def check_alignment(address: int, count: int, width: int) -> None:
    if width not in CSW_SIZE:
        raise OcdError(f"invalid access width {width * 8} (8, 16 or 32 bits)")
    if address % width or count % width:
        raise OcdError(f"address 0x{address:08x} and size {count} must be aligned to the {width * 8}-bit access")


def describe_ap(idr: int) -> str:
    """`Type is MEM-AP AHB3`, as OpenOCD's `dap info` names an AP from its IDR."""
    ap_class = (idr >> 13) & 0xF
    if ap_class == 0x8:
        return f"MEM-AP {MEM_AP_TYPES.get(idr & 0xF, 'Unknown')}"
    return AP_CLASSES.get(ap_class, "Unknown")
