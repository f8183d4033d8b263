"""ARM ADIv5 debug port and AHB-AP, as register models over the chip's bus.

The DP keeps CTRL/STAT (power-up request/acknowledge, sticky error flags), SELECT and the last AP read;
the AHB-AP turns CSW/TAR/DRW/BDx accesses into bus reads and writes with the size, byte lanes and
auto-increment wrap (1 KiB, 4 KiB on the Cortex-M4) of the ADIv5 specification and the core's TRM. Transports (JTAG-DP scans, SW-DP packets, the
in-process adapter) call `dp_read/dp_write/ap_read/ap_write`.
"""
from __future__ import annotations

from typing import Protocol

# CTRL/STAT bits (ADIv5.2 B2.2.2)
CSYSPWRUPACK, CSYSPWRUPREQ = 1 << 31, 1 << 30
CDBGPWRUPACK, CDBGPWRUPREQ = 1 << 29, 1 << 28
CDBGRSTACK, CDBGRSTREQ = 1 << 27, 1 << 26
STICKYERR, STICKYCMP, STICKYORUN = 1 << 5, 1 << 4, 1 << 1
READOK = 1 << 6
WDATAERR = 1 << 7
STICKY_FLAGS = STICKYERR | STICKYCMP | STICKYORUN | WDATAERR

# DP register addresses (A[3:2] << 2)
DP_ABORT_OR_DPIDR, DP_CTRL_STAT, DP_SELECT, DP_RDBUFF = 0x0, 0x4, 0x8, 0xC
# MEM-AP register addresses
CSW, TAR, DRW, BD0, CFG, BASE, IDR = 0x00, 0x04, 0x0C, 0x10, 0xF4, 0xF8, 0xFC
# CSW fields
CSW_SIZE_MASK, CSW_ADDRINC_SHIFT = 0x7, 4
CSW_DEVICE_EN, CSW_DBGSWENABLE = 1 << 6, 1 << 31
CSW_FIXED = CSW_DEVICE_EN | (1 << 25) | (1 << 24)  # DeviceEn and HPROT1 (privileged, data) read as set


class BusFault(Exception):
    """A bus access the chip does not answer (unmapped, or refused by a peripheral)."""


class DebugBus(Protocol):
    def read(self, address: int, size: int) -> int: ...
    def write(self, address: int, size: int, value: int) -> None: ...


class AhbAp:
    """A MEM-AP on the AHB bus (ADIv5 C2), as found in Cortex-M0/M3/M4 DAPs."""

    def __init__(self, bus: DebugBus, idr: int, rom_base: int, autoinc_block: int = 1024) -> None:
        self.bus = bus
        self.autoinc_mask = autoinc_block - 1  # 1 KiB on Cortex-M0/M3, 4 KiB on the Cortex-M4 AHB-AP
        self.idr = idr
        self.base = rom_base | 0x3  # format: ADIv5 entry present
        self.csw = CSW_FIXED | 0x2   # word size, no auto-increment
        self.tar = 0

    def _size(self) -> int:
        return 1 << min(self.csw & CSW_SIZE_MASK, 2)

    def _increment(self, count: int) -> None:
        mode = (self.csw >> CSW_ADDRINC_SHIFT) & 3
        if mode:
            # auto-increment stays inside its block (1 KiB, or 4 KiB on the M4): the upper TAR bits stay
            mask = self.autoinc_mask
            self.tar = (self.tar & ~mask) | ((self.tar + count) & mask)

    def _transfer(self, address: int, value: int | None, packed: bool) -> int:
        """One DRW or BDx access; returns the 32-bit data word the AP puts on the DAP bus."""
        size = self._size()
        beats = (4 // size) if packed and size < 4 else 1
        result = 0
        for beat in range(beats):
            addr = address + beat * size if packed else address
            lane = (addr & 3) * 8
            mask = (1 << (size * 8)) - 1
            if value is None:
                result |= (self.bus.read(addr & ~(size - 1), size) & mask) << lane
            else:
                self.bus.write(addr & ~(size - 1), size, (value >> lane) & mask)
        return result

    def read(self, reg: int) -> int:
        if reg == CSW:
            return self.csw
        if reg == TAR:
            return self.tar
        if reg == DRW:
            packed = (self.csw >> CSW_ADDRINC_SHIFT) & 3 == 2
            data = self._transfer(self.tar, None, packed)
            self._increment(4 if packed else self._size())
            return data
        if BD0 <= reg <= BD0 + 0xC:
            return self._transfer((self.tar & ~0xF) + (reg - BD0), None, False)
        if reg == CFG:
            return 0  # little-endian, no large data or address extensions
        if reg == BASE:
            return self.base
        if reg == IDR:
            return self.idr
        return 0

    def write(self, reg: int, value: int) -> None:
        if reg == CSW:
            self.csw = (value & ~(1 << 7) & 0xFF00FFFF) | CSW_FIXED | (value & CSW_DBGSWENABLE)
        elif reg == TAR:
            self.tar = value & 0xFFFFFFFF
        elif reg == DRW:
            packed = (self.csw >> CSW_ADDRINC_SHIFT) & 3 == 2
            self._transfer(self.tar, value, packed)
            self._increment(4 if packed else self._size())
        elif BD0 <= reg <= BD0 + 0xC:
            self._transfer((self.tar & ~0xF) + (reg - BD0), value, False)


class DebugPort:
    """DP registers common to JTAG-DP and SW-DP, with one AHB-AP at APSEL 0."""

    def __init__(self, idcode: int, ap: AhbAp) -> None:
        self.idcode = idcode
        self.ap = ap
        self.ctrl_stat = 0
        self.select = 0
        self.rdbuff = 0

    # -- DP registers ------------------------------------------------------------
    def dp_read(self, addr: int) -> int:
        if addr == DP_ABORT_OR_DPIDR:
            return self.idcode
        if addr == DP_CTRL_STAT:
            return self.ctrl_stat
        if addr == DP_SELECT:
            return self.select
        return self.rdbuff

    def dp_write(self, addr: int, value: int) -> None:
        if addr == DP_ABORT_OR_DPIDR:
            self.abort(value)
        elif addr == DP_CTRL_STAT:
            # sticky bits: write 1 to clear (JTAG-DP; a SW-DP FAULTs the write while one is set); READOK is RO
            keep = self.ctrl_stat & (STICKY_FLAGS & ~(value & STICKY_FLAGS) | READOK)
            req = value & (CSYSPWRUPREQ | CDBGPWRUPREQ | CDBGRSTREQ | 0x00FFFF0D)
            acks = ((req & CSYSPWRUPREQ) << 1) | ((req & CDBGPWRUPREQ) << 1) | ((req & CDBGRSTREQ) << 1)
            self.ctrl_stat = keep | req | acks
        elif addr == DP_SELECT:
            self.select = value & 0xFF0000FF

    def abort(self, value: int) -> None:
        """ABORT: STKCMPCLR(1), STKERRCLR(2), WDERRCLR(3), ORUNERRCLR(4) clear the sticky flags."""
        clear = 0
        if value & (1 << 1):
            clear |= STICKYCMP
        if value & (1 << 2):
            clear |= STICKYERR
        if value & (1 << 3):
            clear |= WDATAERR
        if value & (1 << 4):
            clear |= STICKYORUN
        self.ctrl_stat &= ~clear

    # -- AP access ---------------------------------------------------------------
    @property
    def powered(self) -> bool:
        return bool(self.ctrl_stat & CDBGPWRUPACK)

    def _ap_reg(self, addr: int) -> int | None:
        if (self.select >> 24) != 0:
            return None  # no AP at that APSEL: reads as zero
        return (self.select & 0xF0) | addr

    def ap_read(self, addr: int) -> int:
        """The AP access itself: its data is returned now and left in RDBUFF. Posting is the transport's:
        a JTAG-DP returns it in the next scan, a SW-DP with the next AP read (or a RDBUFF read)."""
        reg = self._ap_reg(addr)
        value = 0
        if reg is not None:
            try:
                value = self.ap.read(reg)
            except BusFault:
                self.ctrl_stat |= STICKYERR
                value = 0
        self.rdbuff = value
        return value

    def ap_write(self, addr: int, value: int) -> None:
        reg = self._ap_reg(addr)
        if reg is None:
            return
        try:
            self.ap.write(reg, value & 0xFFFFFFFF)
        except BusFault:
            self.ctrl_stat |= STICKYERR


def _shared(name: str) -> property:
    return property(lambda self: getattr(self.shared, name), lambda self, value: setattr(self.shared, name, value))


class DebugPortView(DebugPort):
    """The same DP reached through a second wire protocol that names itself differently: an SWJ-DP's JTAG-DP
    shares CTRL/STAT (power, sticky flags), SELECT, RDBUFF and the AP with its SW-DP, so a power-up made
    over JTAG holds after the switch to SWD, but it reads its JTAG IDCODE where the SW-DP has DPIDR."""

    ap = _shared("ap")
    ctrl_stat = _shared("ctrl_stat")
    select = _shared("select")
    rdbuff = _shared("rdbuff")

    def __init__(self, idcode: int, shared: DebugPort) -> None:
        self.idcode = idcode  # and not DebugPort.__init__, which would reset the shared state
        self.shared = shared
