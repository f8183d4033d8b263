"""The CoreSight ROM table and the component/peripheral ID registers a debugger walks to learn what a chip holds.

Layout (ADIv5.2 D3, ARMv7-M / ARMv6-M C1.2 "DAP accessible ROM table", CoreSight Architecture B2): every
component is a 4 KiB block whose last words identify it: PIDR4-7 at 0xFD0, PIDR0-3 at 0xFE0, CIDR0-3 at 0xFF0, one
byte per word. CIDR = 0xB105_000D with the component class in bits [15:12] (1 ROM table, 9 CoreSight, 0xE generic
IP). PIDR holds the part number [11:0], the designer's JEP106 identity [18:12] with the JEDEC flag [19], the
revision [23:20] and, in PIDR4, the JEP106 continuation code. A ROM table entry is the component's offset from the
table (bits [31:12], two's complement) | 0x2 (32-bit format) | 0x1 (present); the table ends at a zero word.

The Cortex-M ROM table sits at 0xE00FF000 and lists the SCS, DWT, FPB/BPU, ITM, TPIU and ETM (Cortex-M0 TRM DDI0432C
6.1.1, Cortex-M3 TRM DDI0337 7.1.1, Cortex-M4 TRM DDI0439 "ROM table"). ST rewrites the ROM table's own ID with
its JEP106 code (0x20) and a device part number, as read from silicon (blackmagic PR #507: STM32F103 ROM PIDR
0x00000a0410; issue #770: an STM32F042 with designer 0x20; SmartOCD's STM32F4 dump: 0x00000a0411). Only ID
registers are modelled here: the SCS, DWT and FPB registers proper live in scs.py and debug.py, and ITM/TPIU/ETM
exist for a debugger only as their IDs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .bus import RegisterBlock

ROM_TABLE_BASE = 0xE00FF000
BLOCK = 0x1000
CLASS_ROM_TABLE, CLASS_CORESIGHT, CLASS_GENERIC_IP = 0x1, 0x9, 0xE
# JEP106 (continuation code, identity): ARM is bank 5 (4 continuations) code 0x3B, shown as designer 0x4BB;
# STMicroelectronics is bank 1 code 0x20.
ARM, ST = (4, 0x3B), (0, 0x20)
MEMTYPE, DEVTYPE = 0xFCC, 0xFCC  # the same offset: MEMTYPE in a ROM table, DEVTYPE in a CoreSight component
MEMTYPE_SYSMEM = 0x1             # system memory is present on the bus that holds this table
DEVTYPE_TRACE_SINK_PORT, DEVTYPE_TRACE_SOURCE_CORE = 0x11, 0x13  # CoreSight B2.3.4: major type | sub type << 4


@dataclass(frozen=True)
class Component:
    """One 4 KiB CoreSight block as its ID registers describe it."""

    base: int
    part: int
    cls: int
    revision: int = 0
    designer: tuple[int, int] = ARM
    devtype: int | None = None  # class 9 components say what they are here (TPIU: trace sink, ETM: trace source)

    def id_registers(self) -> dict[int, int]:
        """Offset -> word for PIDR0-4, CIDR0-3 (and DEVTYPE); PIDR5-7 and everything else read as zero."""
        continuation, identity = self.designer
        pidr = [self.part & 0xFF, (self.part >> 8) & 0xF | (identity & 0xF) << 4,
                (identity >> 4) & 0x7 | 0x8 | (self.revision & 0xF) << 4, 0]
        cidr = 0xB105000D | self.cls << 12
        registers = {0xFD0: continuation & 0xF}  # PIDR4: SIZE 0 (one 4 KiB block)
        registers.update({0xFE0 + 4 * i: byte for i, byte in enumerate(pidr)})
        registers.update({0xFF0 + 4 * i: (cidr >> (8 * i)) & 0xFF for i in range(4)})
        if self.devtype is not None:
            registers[DEVTYPE] = self.devtype
        return registers


@dataclass(frozen=True)
class Entry:
    """A ROM table line. A component the silicon lacks keeps its line with the present bit clear (the TRMs' "reads
    as 0xFFF42002 if no ETM is implemented"), and nothing answers at its address."""

    component: Component
    present: bool = True

    def word(self, table_base: int) -> int:
        return ((self.component.base - table_base) & 0xFFFFF000) | 0x2 | int(self.present)


@dataclass(frozen=True)
class RomTable:
    identity: Component
    entries: tuple[Entry, ...]

    def registers(self) -> dict[int, int]:
        registers = self.identity.id_registers()
        registers.update({4 * i: entry.word(self.identity.base) for i, entry in enumerate(self.entries)})
        registers[MEMTYPE] = MEMTYPE_SYSMEM
        return registers


class IdRegisters(RegisterBlock):
    """Read-only words at offsets from the start of the window it is attached at."""

    def __init__(self, words: dict[int, int]) -> None:
        self.words = words

    def read32(self, offset: int) -> int:
        return self.words.get(offset, 0)


def _rom(part: int) -> Component:
    return Component(ROM_TABLE_BASE, part, CLASS_ROM_TABLE, designer=ST)


def _cortex_m0(rom_part: int) -> RomTable:
    """Cortex-M0 TRM DDI0432C tables 6-1..6-5: SCS 0x008, DWT 0x00A, BPU 0x00B; no ITM, TPIU or ETM lines."""
    return RomTable(_rom(rom_part), (Entry(Component(0xE000E000, 0x008, CLASS_GENERIC_IP)),
                                     Entry(Component(0xE0001000, 0x00A, CLASS_GENERIC_IP)),
                                     Entry(Component(0xE0002000, 0x00B, CLASS_GENERIC_IP))))


def _cortex_m3_m4(rom_part: int, parts: tuple[int, ...], revisions: tuple[int, ...]) -> RomTable:
    """ARMv7-M order (Cortex-M3 TRM table 7.2; the Cortex-M4 TRM's is the same): SCS, DWT, FPB, ITM, TPIU, ETM."""
    bases = (0xE000E000, 0xE0001000, 0xE0002000, 0xE0000000, 0xE0040000, 0xE0041000)
    classes = (CLASS_GENERIC_IP,) * 4 + (CLASS_CORESIGHT,) * 2
    devtypes = (None,) * 4 + (DEVTYPE_TRACE_SINK_PORT, DEVTYPE_TRACE_SOURCE_CORE)
    return RomTable(_rom(rom_part), tuple(Entry(Component(*fields)) for fields in
                                          zip(bases, parts, classes, revisions, (ARM,) * 6, devtypes)))


# Part numbers from the TRMs; revisions as silicon reports them (STM32F103, Cortex-M3 r1p1: SCS 0x04001bb000 and
# FPB 0x04000bb003 per blackmagic PR #507; STM32F4, Cortex-M4 r0p1: DWT/ITM revision 3, FPB 2, as SmartOCD and
# OpenOCD dumps of real parts show). ROM table part = the DEV_ID of DBGMCU_IDCODE, as on the F103 and F4 dumps:
# F072 0x448 (RM0091 32.4.1; not confirmed on silicon), F103 medium density 0x410 (RM0008 31.6.1), F401xB/C 0x423
# (RM0368 "MCU device ID code"). The F103 and F401 debug block diagrams (RM0008 31.1, RM0368 "Debug support" 1st
# figure) show a TPIU and an ETM; the F0's (RM0091 32.1) only NVIC, DWT and BPU.
CHIPS: dict[str, RomTable] = {
    "stm32f072rb": _cortex_m0(0x448),
    "stm32f103c8": _cortex_m3_m4(0x410, (0x000, 0x002, 0x003, 0x001, 0x923, 0x924), (1, 0, 0, 0, 0, 0)),
    "stm32f401cc": _cortex_m3_m4(0x423, (0x00C, 0x002, 0x003, 0x001, 0x9A1, 0x925), (0, 3, 2, 3, 0, 0)),
}


def attach_rom_table(ppb: Any, table: RomTable) -> None:
    """Put the table at its base and the ID words of each present component at the top of its block. Each
    component's window starts at its lowest ID register, so the SCS, DWT and FPB registers below 0xFC0 stay with
    the devices that model them (PrivatePeripheralBus.attach puts the newest block first)."""
    ppb.attach(table.identity.base, BLOCK, IdRegisters(table.registers()))
    for entry in table.entries:
        if entry.present:
            words = entry.component.id_registers()
            start = min(words)
            ppb.attach(entry.component.base + start, BLOCK - start,
                       IdRegisters({offset - start: value for offset, value in words.items()}))


def attach_coresight(ppb: Any, chip_name: str) -> None:
    """The ROM table and component IDs of `chip_name` (a key of CHIPS) on that core's PrivatePeripheralBus."""
    attach_rom_table(ppb, CHIPS[chip_name])
