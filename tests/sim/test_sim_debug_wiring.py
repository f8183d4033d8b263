"""The core's debug API drives the debug-register model (debug.DebugRegisters) as it expects: halting, register
transfer, stepping and FPB breakpoints, all through bus accesses as a debugger would make them."""
from __future__ import annotations

import pytest

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from simprog import make_board  # noqa: E402

from ocdpy.sim.debug import (C_DEBUGEN, C_HALT, C_STEP, DCRDR, DCRSR, DFSR, DFSR_BKPT, DHCSR, FP_COMP0,  # noqa: E402
                             FP_CTRL, S_HALT, DebugRegisters)

KEY = 0xA05F0000


def _loop(a):
    a.label("reset")
    a.movs(2, 0)
    a.label("loop")
    a.adds(2, 1)
    a.adds(3, 2)
    a.b("loop")


def _wired(chip="stm32f103c8"):
    board, asm = make_board(chip, _loop)
    core = board.core
    regs = DebugRegisters(core, fpb_code=6, fpb_literal=2, dwt_comparators=4, has_cyccnt=True)
    core.ppb.debug = regs
    core.on_halt.append(regs.on_halt)
    core.on_reset.append(lambda kind: regs.on_reset())
    return board, asm, core


def test_halt_read_registers_step_and_resume_through_dhcsr():
    board, asm, core = _wired()
    board.run(cycles=100)
    core.write32(DHCSR, KEY | C_DEBUGEN | C_HALT)
    assert core.is_halted and core.read32(DHCSR) & S_HALT
    core.write32(DCRSR, 15)
    pc = core.read32(DCRDR)
    assert pc == core.pc and asm.labels["loop"] <= pc <= asm.labels["loop"] + 4
    core.write32(DCRDR, asm.labels["loop"])
    core.write32(DCRSR, 15 | 1 << 16)
    core.write32(DHCSR, KEY | C_DEBUGEN | C_STEP)
    assert core.is_halted and core.pc == asm.labels["loop"] + 2
    core.write32(DHCSR, KEY | C_DEBUGEN)
    assert not core.is_halted
    board.run(cycles=10)
    assert not core.is_halted


def test_fpb_breakpoint_halts_the_core():
    board, asm, core = _wired()
    target = asm.labels["loop"] + 2
    replace = 2 if target & 2 else 1                      # which half-word of the compared word
    core.write32(FP_CTRL, 3)
    core.write32(FP_COMP0, (target & 0x1FFFFFFC) | (replace << 30) | 1)
    assert target in core.breakpoints
    assert board.run(cycles=100) == "breakpoint"
    assert core.pc == target and core.read32(DFSR) & DFSR_BKPT
    core.write32(FP_CTRL, 2)                              # FPB off: breakpoints go
    assert not core.breakpoints
