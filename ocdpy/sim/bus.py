"""The simulated chip's address space: memory regions and MMIO devices, seen identically by the CPU and the debugger.

A chip is a list of regions (RAM, ROM, flash and its boot alias) and devices (peripheral register blocks). The
`Bus` maps each of them into unicorn and keeps a Python-side map of the same things.

- RAM is mapped with `mem_map_ptr` on a Python bytearray: Python code and the CPU share the very same bytes.
- ROM (system memory, option bytes) is unicorn's own read-only memory, mirrored from a bytearray that stays the
  reference copy: unicorn drops a CPU store that the write-protection hook accepts only in memory it owns.
- Flash is mapped with `mem_map_ptr` on the FlashArray's bytearray, read-only and executable, at its base and at
  each alias: one copy of the cells, shared by the CPU, the debugger and every alias, so a change made by the
  flash controller (CPU or debugger programming, erase, `Board.load`) needs no mirroring (a `mem_write` into
  read-only unicorn memory costs ~9 us, whatever its length, because unicorn toggles the region's protection),
  only dropping translated code (`on_code_change`; `core.py` defers it, coalesced, to the CPU's next slice).
  The catch: in `mem_map_ptr` memory unicorn lets a CPU store that the write-protection hook accepts *go
  through*, after the hook (unicorn 2.1.4). So `_on_cpu_write_protected` first hands the store to the flash
  controller, which leaves the cells as the silicon would, then the store lands with the stored value:
  - in the usual case (programming erased cells) that is just what the controller left. A store through the
    flash base then needs nothing more: unicorn's own self-modifying-code check drops the translations of the
    bytes it stores, also those translated through an alias (unicorn files the code of every mapping of a host
    buffer under the first one). The CPU reads and executes the new bytes from the next instruction on, without
    the slice ending. A store through an alias is announced (`on_code_change`) as any other change.
  - otherwise (a store while the controller is not programming, PGERR, F4's bit-clearing of programmed cells, a
    BusFault) the hook keeps the cells' true bytes and asks the core to end the slice after this instruction
    (`on_store_undo`); `undo_cpu_stores` puts them back before any other instruction runs. The wrong bytes are
    visible only for the rest of the storing instruction, which does not read what it stores; the debugger,
    `Board` and flash files look only between slices (under the board lock).
  tests/sim/test_flash_store_speed.py pins both cases, through the base and the alias, on each chip.
- Devices use `mmio_map`, whose granularity is 1 KiB.

Debugger accesses (`read`/`write`, `read_int`/`write_int`) use the Python-side map: they reach the same bytes and
the same device callbacks with the exact access size, without unicorn's `mem_write`, which would bypass the
flash's write protection and would not invalidate translated code.

unicorn is imported only inside `Bus` methods (the Bus is handed a live `Uc` by `core.py`), never on import.
"""
from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from .dap import BusFault

PAGE = 1024  # unicorn's ARM page size: mmio_map / mem_map_ptr granularity

__all__ = ["BusFault", "Device", "RegisterBlock", "MemoryRegion", "Bus", "BitBandAlias", "PAGE"]


class Device(Protocol):
    """An MMIO peripheral: offsets are relative to the device's base address; size is 1, 2 or 4 bytes."""

    def read(self, offset: int, size: int) -> int: ...
    def write(self, offset: int, size: int, value: int) -> None: ...


class RegisterBlock:
    """Base for peripherals made of 32-bit registers.

    Subclasses implement `read32`/`write32` (word-aligned offsets). Narrower accesses read the addressed byte
    lanes of the word; narrower writes are merged into the current register value (read-modify-write), which is
    what a byte-strobed register file does. Registers with write-one-to-act semantics override `write`.
    """

    def read32(self, offset: int) -> int:
        return 0

    def write32(self, offset: int, value: int) -> None:
        pass

    def reset(self) -> None:
        """Return to the register reset values (called on a system reset)."""

    def read(self, offset: int, size: int) -> int:
        shift = (offset & 3) * 8
        return (self.read32(offset & ~3) >> shift) & ((1 << (8 * size)) - 1)

    def write(self, offset: int, size: int, value: int) -> None:
        if size == 4 and not offset & 3:
            self.write32(offset, value & 0xFFFFFFFF)
            return
        shift = (offset & 3) * 8
        mask = ((1 << (8 * size)) - 1) << shift
        old = self.read32(offset & ~3)
        self.write32(offset & ~3, (old & ~mask) | ((value << shift) & mask))


@dataclass
class MemoryRegion:
    """Plain memory: RAM (CPU-writable) or ROM-like (system memory, option bytes, flash: CPU writes don't store)."""

    name: str
    base: int
    data: bytearray
    cpu_writable: bool
    flash: Any = None          # the FlashArray behind a flash region or its alias
    _export: Any = field(default=None, repr=False)  # keeps the ctypes view (and so the buffer address) alive

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def end(self) -> int:
        return self.base + len(self.data)

    def pointer(self) -> int:
        """Address of the bytes, stable while `_export` lives (an exported bytearray cannot be resized)."""
        if self._export is None:
            self._export = (ctypes.c_char * len(self.data)).from_buffer(self.data)
        return ctypes.addressof(self._export)


@dataclass
class _Mapping:
    base: int
    end: int
    target: Any     # MemoryRegion or Device
    name: str


class Bus:
    """The address map: where each region and device lives, for unicorn and for the debugger."""

    def __init__(self, uc: Any) -> None:
        from unicorn import UC_HOOK_MEM_WRITE_PROT  # the caller (core.py) already imported unicorn

        self.uc = uc
        self._maps: list[_Mapping] = []
        self._bases: list[int] = []
        self._mmio_refs: list[Any] = []
        # Called with (address, length) when bytes that may hold code change behind the CPU's back, so that
        # translated code is dropped: debugger writes into RAM, flash programming.
        self.on_code_change: Callable[[int, int], None] = lambda address, length: None
        # Called when a CPU store landed wrong bytes in flash (see the module docstring): the core must end the
        # slice after the current instruction and call `undo_cpu_stores`.
        self.on_store_undo: Callable[[], None] = lambda: None
        self._undo: list[tuple[Any, int, bytes]] = []   # (flash, offset, true bytes) to put back
        self._landing: tuple[Any, int, int] | None = None  # (flash, start, end address) of the CPU store in hand
        uc.hook_add(UC_HOOK_MEM_WRITE_PROT, self._on_cpu_write_protected)

    # -- building the map ------------------------------------------------------------------------------------
    def add_memory(self, name: str, base: int, size_or_data: int | bytes | bytearray,
                   cpu_writable: bool = True) -> MemoryRegion:
        """Map RAM (cpu_writable) or a read-only memory (CPU stores are dropped, as on a ROM)."""
        from unicorn import UC_PROT_ALL, UC_PROT_EXEC, UC_PROT_READ

        data = bytearray(size_or_data) if isinstance(size_or_data, int) else bytearray(size_or_data)
        _check_pages(base, len(data), name)
        region = MemoryRegion(name, base, data, cpu_writable)
        if cpu_writable:
            self.uc.mem_map_ptr(base, len(data), UC_PROT_ALL, region.pointer())
        else:
            # read-only memory is unicorn's own, mirrored from `data`: a write-protection hook can drop a
            # CPU store into unicorn-owned memory, but not into memory mapped from a host pointer
            self.uc.mem_map(base, len(data), UC_PROT_READ | UC_PROT_EXEC)
            self.uc.mem_write(base, bytes(data))
        self._insert(_Mapping(base, region.end, region, name))
        return region

    def add_flash(self, name: str, flash: Any, aliases: tuple[int, ...] = ()) -> list[MemoryRegion]:
        """Map a FlashArray at its base and at each alias address (the boot alias at 0): same bytes everywhere.

        CPU and debugger writes reach `flash.bus_write`, i.e. the flash controller when one is attached; the
        array itself never changes on a plain store, as on the silicon.
        """
        from unicorn import UC_PROT_EXEC, UC_PROT_READ

        regions = []
        _check_pages(flash.base, flash.size, name)
        for base in (flash.base, *aliases):
            region = MemoryRegion(name if base == flash.base else f"{name} alias", base, flash.data, False, flash,
                                  regions[0]._export if regions else None)
            pointer = region.pointer()
            # one host buffer for every mapping, the flash base first (see the module docstring)
            self.uc.mem_map_ptr(base, flash.size, UC_PROT_READ | UC_PROT_EXEC, pointer)
            self._insert(_Mapping(base, region.end, region, region.name))
            regions.append(region)
        offsets = [r.base - flash.base for r in regions]

        def changed(address: int, length: int) -> None:
            landing = self._landing
            if (landing is not None and landing[0] is flash
                    and landing[1] <= address and address + length <= landing[2]):
                return  # what the CPU store lands: unicorn drops the translations itself (module docstring)
            for offset in offsets:
                self.on_code_change(address + offset, length)

        flash.add_listener(changed)
        return regions

    def add_device(self, name: str, base: int, size: int, device: Device) -> None:
        """Map a peripheral; its window is rounded up to whole 1 KiB pages (unicorn's MMIO granularity)."""
        size = -(-size // PAGE) * PAGE
        _check_pages(base, size, name)

        def read_cb(uc: Any, offset: int, size: int, _ud: Any) -> int:
            return device.read(offset, size)

        def write_cb(uc: Any, offset: int, size: int, value: int, _ud: Any) -> None:
            device.write(offset, size, value)

        self.uc.mmio_map(base, size, read_cb, None, write_cb, None)
        self._mmio_refs.append((read_cb, write_cb))
        self._insert(_Mapping(base, base + size, device, name))

    def _insert(self, mapping: _Mapping) -> None:
        i = bisect.bisect(self._bases, mapping.base)
        if (i and self._maps[i - 1].end > mapping.base) or (i < len(self._maps) and self._maps[i].base < mapping.end):
            raise ValueError(f"{mapping.name} at 0x{mapping.base:08x} overlaps another mapping")
        self._maps.insert(i, mapping)
        self._bases.insert(i, mapping.base)

    # -- lookups ---------------------------------------------------------------------------------------------
    def find(self, address: int) -> _Mapping | None:
        i = bisect.bisect(self._bases, address) - 1
        if i >= 0 and address < self._maps[i].end:
            return self._maps[i]
        return None

    def regions(self) -> list[tuple[str, int, int]]:
        """(name, base, size) of every mapping, in address order."""
        return [(m.name, m.base, m.end - m.base) for m in self._maps]

    def is_ram(self, address: int, length: int) -> bool:
        """True when [address, address+length) is CPU-writable memory (where an exception frame may go)."""
        m = self.find(address)
        return (m is not None and isinstance(m.target, MemoryRegion) and m.target.cpu_writable
                and address + length <= m.end)

    # -- debugger-side accesses ------------------------------------------------------------------------------
    def read_int(self, address: int, size: int) -> int:
        """One access of `size` bytes (1, 2, 4), as a bus master other than the CPU would make it."""
        m = self.find(address)
        if m is None or address + size > m.end:
            raise BusFault(f"no memory or device at 0x{address:08x}")
        if isinstance(m.target, MemoryRegion):
            off = address - m.base
            return int.from_bytes(m.target.data[off:off + size], "little")
        return m.target.read(address - m.base, size) & ((1 << (8 * size)) - 1)

    def write_int(self, address: int, size: int, value: int) -> None:
        m = self.find(address)
        if m is None or address + size > m.end:
            raise BusFault(f"no memory or device at 0x{address:08x}")
        value &= (1 << (8 * size)) - 1
        target = m.target
        if isinstance(target, MemoryRegion):
            if target.flash is not None:
                target.flash.bus_write(address - m.base + target.flash.base, size, value)
            elif target.cpu_writable:
                off = address - m.base
                target.data[off:off + size] = value.to_bytes(size, "little")
                self.on_code_change(address, size)
            return  # a ROM ignores writes
        target.write(address - m.base, size, value)

    def read(self, address: int, length: int) -> bytes:
        """Read bytes; memory in one slice, devices with naturally aligned accesses of up to a word."""
        out = bytearray()
        end = address + length
        while address < end:
            m = self.find(address)
            if m is None:
                raise BusFault(f"no memory or device at 0x{address:08x}")
            stop = min(end, m.end)
            if isinstance(m.target, MemoryRegion):
                out += m.target.data[address - m.base:stop - m.base]
                address = stop
                continue
            while address < stop:
                size = _access_size(address, stop - address)
                out += self.read_int(address, size).to_bytes(size, "little")
                address += size
        return bytes(out)

    def write(self, address: int, data: bytes) -> None:
        """Write bytes; RAM in one slice, flash and devices with naturally aligned accesses of up to a word."""
        end = address + len(data)
        pos = 0
        while address < end:
            m = self.find(address)
            if m is None:
                raise BusFault(f"no memory or device at 0x{address:08x}")
            stop = min(end, m.end)
            target = m.target
            if isinstance(target, MemoryRegion) and target.cpu_writable:
                target.data[address - m.base:stop - m.base] = data[pos:pos + stop - address]
                self.on_code_change(address, stop - address)
                pos += stop - address
                address = stop
                continue
            while address < stop:
                size = _access_size(address, stop - address)
                self.write_int(address, size, int.from_bytes(data[pos:pos + size], "little"))
                address += size
                pos += size

    def load(self, address: int, data: bytes) -> None:
        """Factory-style load: put bytes into RAM, ROM or flash directly, whatever the flash controller says."""
        end = address + len(data)
        pos = 0
        while address < end:
            m = self.find(address)
            if m is None or not isinstance(m.target, MemoryRegion):
                raise BusFault(f"0x{address:08x} is not memory")
            stop = min(end, m.end)
            chunk = data[pos:pos + stop - address]
            if m.target.flash is not None:
                m.target.flash.load(address - m.base + m.target.flash.base, chunk)
            else:
                m.target.data[address - m.base:stop - m.base] = chunk
                if not m.target.cpu_writable:
                    self.uc.mem_write(address, bytes(chunk))
                self.on_code_change(address, len(chunk))
            pos += len(chunk)
            address = stop

    # -- CPU stores into read-only memory --------------------------------------------------------------------
    def _on_cpu_write_protected(self, uc: Any, access: int, address: int, size: int, value: int, _ud: Any) -> bool:
        """A CPU store hit flash or ROM: hand flash stores to the flash (controller), drop the rest.

        Returning True tells unicorn the store was handled, so the CPU goes on (a store into ROM is dropped by
        unicorn; one into flash lands afterwards, see the module docstring); a BusFault raised by the flash
        controller stops the slice and `core.py` turns it into a precise BusFault/HardFault.
        """
        m = self.find(address)
        flash = getattr(m.target, "flash", None) if m is not None else None
        if flash is None:
            return True
        offset = address - m.base
        value &= (1 << (8 * size)) - 1
        if m.base == flash.base:  # through an alias the store lands, but unicorn drops no translations
            self._landing = (flash, address, address + size)
        try:
            flash.bus_write(flash.base + offset, size, value)
        except BaseException:  # a BusFault: the true bytes are put back (and announced) after the slice
            self._undo_store(flash, offset, size)
            raise
        finally:
            self._landing = None
        if flash.data[offset:offset + size] != value.to_bytes(size, "little"):
            self._undo_store(flash, offset, size)
        return True

    def _undo_store(self, flash: Any, offset: int, size: int) -> None:
        self._undo.append((flash, offset, bytes(flash.data[offset:offset + size])))
        self.on_store_undo()

    def undo_cpu_stores(self) -> None:
        """Put back the true flash bytes where CPU stores landed other bytes (called between instructions)."""
        undo, self._undo = self._undo, []
        for flash, offset, cells in undo:  # in store order: a later record holds the later truth
            flash.restore(offset, cells)


class BitBandAlias:
    """A Cortex-M3/M4 bit-band alias: word n of the alias is bit n%8 of byte n//8 of the target region.

    Writes are a read-modify-write of the target byte, as the bus matrix does it; Cortex-M0 has no bit-banding.
    """

    def __init__(self, bus: Bus, target_base: int) -> None:
        self.bus = bus
        self.target_base = target_base

    def _locate(self, offset: int) -> tuple[int, int]:
        byte, bit = divmod(offset >> 2, 8)
        return self.target_base + byte, bit

    def read(self, offset: int, size: int) -> int:
        address, bit = self._locate(offset)
        return (self.bus.read_int(address, 1) >> bit) & 1

    def write(self, offset: int, size: int, value: int) -> None:
        address, bit = self._locate(offset)
        old = self.bus.read_int(address, 1)
        self.bus.write_int(address, 1, (old & ~(1 << bit)) | ((value & 1) << bit))


def _access_size(address: int, remaining: int) -> int:
    for size in (4, 2):
        if remaining >= size and not address % size:
            return size
    return 1


def _check_pages(base: int, size: int, name: str) -> None:
    if base % PAGE or size % PAGE or size <= 0:
        raise ValueError(f"{name}: 0x{base:08x}+0x{size:x} is not a whole number of 1 KiB pages")
