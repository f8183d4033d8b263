"""DWT_FUNCTIONn.MATCHED as the simulator models it (ARMv7-M ARM C1.8.17): set on the comparator whose
watchpoint the core hit, cleared when FUNCTION is read; what the GDB server's `watch:ADDR;` relies on."""
from __future__ import annotations

from ocdpy.sim.debug import DEMCR, DWT_COMP0, DWT_MATCHED, TRCENA, DebugRegisters


class FakeCore:
    is_halted = True

    def __init__(self) -> None:
        self.watch_hits: list[tuple[int, int, str]] = []
        self.watching: set[tuple[int, int, str]] = set()

    def add_watchpoint(self, address: int, size: int, access: str) -> None:
        self.watching.add((address, size, access))

    def remove_watchpoint(self, address: int, size: int, access: str) -> None:
        self.watching.discard((address, size, access))


def registers() -> tuple[FakeCore, DebugRegisters]:
    core = FakeCore()
    regs = DebugRegisters(core, fpb_code=6, fpb_literal=2, dwt_comparators=4, has_cyccnt=True)
    regs.write(DEMCR, TRCENA)
    for n, (address, function) in enumerate(((0x20000000, 6), (0x20000004, 6), (0x20000004, 5))):
        regs.write(DWT_COMP0 + 16 * n, address)
        regs.write(DWT_COMP0 + 16 * n + 4, 2)
        regs.write(DWT_COMP0 + 16 * n + 8, function)
    return core, regs


def test_matched_marks_the_comparator_that_hit_and_clears_on_read():
    core, regs = registers()
    core.watch_hits.append((0x20000004, 4, "w"))
    regs.on_halt("watchpoint")
    functions = [regs.read(DWT_COMP0 + 16 * n + 8) for n in range(4)]
    assert [bool(f & DWT_MATCHED) for f in functions] == [False, True, False, False]
    assert functions[1] & 0xF == 6
    assert not regs.read(DWT_COMP0 + 16 + 8) & DWT_MATCHED  # read-to-clear
    assert core.watch_hits == []


def test_no_matched_flag_for_other_halts_or_with_the_dwt_off():
    core, regs = registers()
    core.watch_hits.append((0x20000000, 4, "w"))
    regs.on_halt("debug_request")
    assert not regs.read(DWT_COMP0 + 8) & DWT_MATCHED
    regs.write(DEMCR, 0)
    regs.on_halt("watchpoint")
    assert not regs.read(DWT_COMP0 + 8) & DWT_MATCHED
