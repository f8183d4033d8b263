"""Debug registers (ARMv7-M C1.6, FPB v1) and the STM32 flash interfaces (RM0008/PM0075, RM0368), tested
register by register against the manuals with a stand-in core."""
from __future__ import annotations

from ocdpy.sim.debug import (C_DEBUGEN, C_HALT, C_STEP, DCRDR, DCRSR, DEMCR, DFSR, DHCSR, FP_COMP0, FP_CTRL,
                             S_HALT, S_REGRDY, S_RESET_ST, DebugRegisters)
from ocdpy.sim.flash_ctrl import KEY1, KEY2, F1FlashController, F4FlashController, FlashMemory

KEY = 0xA05F0000


class StandInCore:
    def __init__(self) -> None:
        self.is_halted = False
        self.regs = [0] * 21
        self.breakpoints: set[int] = set()
        self.steps = 0

    def halt(self):
        self.is_halted = True

    def resume(self):
        self.is_halted = False

    def step(self):
        self.steps += 1
        self.regs[15] += 2

    def read_reg(self, n):
        return self.regs[n]

    def write_reg(self, n, value):
        self.regs[n] = value

    def add_breakpoint(self, addr):
        self.breakpoints.add(addr)

    def remove_breakpoint(self, addr):
        self.breakpoints.discard(addr)


def debug_regs():
    core = StandInCore()
    return core, DebugRegisters(core, fpb_code=6, fpb_literal=2, dwt_comparators=4, has_cyccnt=True)


def test_dhcsr_needs_the_key_and_halts_with_s_halt_and_s_regrdy():
    core, dbg = debug_regs()
    dbg.write(DHCSR, C_DEBUGEN | C_HALT)  # no DBGKEY: ignored
    assert not core.is_halted
    dbg.write(DHCSR, KEY | C_DEBUGEN | C_HALT)
    value = dbg.read(DHCSR)
    assert core.is_halted and value & S_HALT and value & S_REGRDY
    assert value & S_RESET_ST                      # power-on reset seen…
    assert not dbg.read(DHCSR) & S_RESET_ST        # …and cleared by the read
    assert dbg.read(DFSR) & 1                      # HALTED


def test_step_and_register_transfer_through_dcrsr_dcrdr():
    core, dbg = debug_regs()
    dbg.write(DHCSR, KEY | C_DEBUGEN | C_HALT)
    dbg.write(DCRDR, 0x20001000)
    dbg.write(DCRSR, (1 << 16) | 13)               # write SP
    assert core.regs[13] == 0x20001000
    core.regs[15] = 0x08000100
    dbg.write(DCRSR, 15)                           # read DebugReturnAddress
    assert dbg.read(DCRDR) == 0x08000100
    dbg.write(DHCSR, KEY | C_DEBUGEN | C_STEP)     # clear C_HALT with C_STEP: one instruction
    assert core.steps == 1 and core.regs[15] == 0x08000102
    dbg.write(DHCSR, KEY | C_DEBUGEN)
    assert not core.is_halted


def test_fpb_v1_comparators_become_breakpoints_only_when_enabled_with_key():
    core, dbg = debug_regs()
    assert (dbg.read(FP_CTRL) >> 4) & 0xF == 6 and (dbg.read(FP_CTRL) >> 8) & 0xF == 2
    dbg.write(FP_COMP0, 0x08000120 | (1 << 30) | 1)   # REPLACE=01: lower half-word
    dbg.write(FP_COMP0 + 4, 0x08000200 | (2 << 30) | 1)  # REPLACE=10: upper half-word
    dbg.write(FP_CTRL, 1)                              # no KEY bit: ignored
    assert core.breakpoints == set()
    dbg.write(FP_CTRL, 3)
    assert core.breakpoints == {0x08000120, 0x08000202}
    dbg.write(FP_COMP0, 0)
    assert core.breakpoints == {0x08000202}


def test_demcr_vector_catch_on_core_reset():
    _, dbg = debug_regs()
    dbg.write(DEMCR, 1)
    assert not dbg.vector_catch_reset                  # needs C_DEBUGEN as well
    dbg.write(DHCSR, KEY | C_DEBUGEN)
    assert dbg.vector_catch_reset


def f1(now=lambda: 0.0):
    flash = FlashMemory(0x08000000, [1024] * 64)
    return flash, F1FlashController(flash, now)


def test_f1_unlock_program_and_refuse_non_erased_half_words():
    flash, ctl = f1()
    ctl.write(ctl.CR, ctl.PG)
    ctl.program(0x08000000, 2, 0x1234)
    assert flash.read(0x08000000, 2) == 0xFFFF and ctl.read(ctl.CR) & ctl.LOCK  # locked: nothing happens
    ctl.write(ctl.KEYR, KEY1)
    ctl.write(ctl.KEYR, KEY2)
    assert not ctl.read(ctl.CR) & ctl.LOCK
    ctl.write(ctl.CR, ctl.PG)
    ctl.program(0x08000000, 2, 0x1234)
    assert flash.read(0x08000000, 2) == 0x1234 and ctl.read(ctl.SR) & ctl.EOP
    ctl.program(0x08000000, 2, 0x5678)
    assert ctl.read(ctl.SR) & ctl.PGERR and flash.read(0x08000000, 2) == 0x1234


def test_f1_page_erase_takes_simulated_time_and_reports_bsy():
    clock = [0.0]
    flash, ctl = f1(lambda: clock[0])
    flash.store(0x08000400, 4, 0)
    ctl.write(ctl.KEYR, KEY1)
    ctl.write(ctl.KEYR, KEY2)
    ctl.write(ctl.CR, ctl.PER)
    ctl.write(ctl.AR, 0x08000400)
    ctl.write(ctl.CR, ctl.PER | ctl.STRT)
    assert ctl.read(ctl.SR) & ctl.BSY
    clock[0] = 0.1
    assert not ctl.read(ctl.SR) & ctl.BSY and flash.read(0x08000400, 4) == 0xFFFFFFFF


def test_f1_wrong_key_locks_until_reset():
    _, ctl = f1()
    ctl.write(ctl.KEYR, 0x12345678)
    ctl.write(ctl.KEYR, KEY1)
    ctl.write(ctl.KEYR, KEY2)
    assert ctl.read(ctl.CR) & ctl.LOCK


def test_f4_sector_erase_psize_and_sequence_errors():
    flash = FlashMemory(0x08000000, [16384] * 4 + [65536, 131072])
    ctl = F4FlashController(flash, lambda: 0.0)
    ctl.write(ctl.KEYR, KEY1)
    ctl.write(ctl.KEYR, KEY2)
    ctl.program(0x08000000, 4, 0)                       # PG not set
    assert ctl.read(ctl.SR) & ctl.PGSERR
    ctl.write(ctl.SR, ctl.PGSERR)
    ctl.write(ctl.CR, ctl.PG | (2 << 8))                # PSIZE x32
    ctl.program(0x08000000, 2, 0)
    assert ctl.read(ctl.SR) & ctl.PGPERR
    ctl.program(0x08004000, 4, 0xA5A5A5A5)
    assert flash.read(0x08004000, 4) == 0xA5A5A5A5
    ctl.write(ctl.CR, ctl.SER | (1 << 3) | (2 << 8))
    ctl.write(ctl.CR, ctl.SER | (1 << 3) | (2 << 8) | ctl.STRT)
    assert flash.read(0x08004000, 4) == 0xFFFFFFFF
