"""Debug-register sequences from the ARMv6-M/ARMv7-M manuals (C1.6 DHCSR/DCRSR/DEMCR, C1.8 DWT, C1.11 FPB,
B3.2.6 AIRCR), run against each simulated chip the way a probe runs them: DP/AP transactions only, through
`adapter driver sim`, with the blinky firmware running on the core's own thread."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from dapio import (AIRCR, C_DEBUGEN, C_HALT, C_MASKINTS, C_STEP, DBGKEY, DEMCR, DFSR, DHCSR, PC,  # noqa: E402
                   S_HALT, S_RESET_ST, XPSR, power_up, read_reg, read_word, sim_probe, wait_for, write_word)

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
# symbols of examples/prebuilt/<chip>/blinky_busy.elf (arm-none-eabi-nm)
SYMBOLS = {"stm32f072rb": {"Reset_Handler": 0x080000C8, "busy_delay": 0x08000104},
           "stm32f103c8": {"Reset_Handler": 0x080000F4, "busy_delay": 0x08000134},
           "stm32f401cc": {"Reset_Handler": 0x0800019C, "busy_delay": 0x080001DC}}
G_TOGGLE_COUNT = 0x20000004  # .bss, incremented once per LED toggle
FP_CTRL, FP_COMP0 = 0xE0002000, 0xE0002008
DWT_COMP0, DWT_MASK0, DWT_FUNCTION0 = 0xE0001020, 0xE0001024, 0xE0001028
TRCENA, VC_CORERESET = 1 << 24, 1 << 0
DFSR_HALTED, DFSR_BKPT, DFSR_DWTTRAP, DFSR_VCATCH = 1, 2, 4, 8


@pytest.fixture(params=list(SYMBOLS))
def target(request):
    probe = sim_probe(request.param)
    probe.open()
    with probe.running.probe_lock:
        probe.board.load(PREBUILT / request.param / "blinky_busy.elf")
        probe.board.reset()
    queue = probe.swd()
    queue.connect()
    power_up(queue)
    yield request.param, queue, probe
    probe.close()


def halt(queue) -> None:
    write_word(queue, DHCSR, DBGKEY | C_HALT | C_DEBUGEN)
    wait_for(queue, S_HALT)


def resume(queue) -> None:
    write_word(queue, DFSR, 0x1F)  # DFSR bits are write-one-to-clear
    write_word(queue, DHCSR, DBGKEY | C_DEBUGEN)


def test_halt_sets_s_halt_and_dfsr_halted_and_the_core_stays_halted_while_the_debugger_works(target):
    _, queue, _ = target
    time.sleep(0.05)
    halt(queue)
    assert read_word(queue, DFSR) & DFSR_HALTED
    pc = read_reg(queue, PC)
    count = read_word(queue, G_TOGGLE_COUNT)
    for _ in range(20):
        write_word(queue, 0x20000100, 0x12345678)
        assert read_word(queue, 0x20000100) == 0x12345678
    time.sleep(0.05)
    assert read_reg(queue, PC) == pc and read_word(queue, G_TOGGLE_COUNT) == count
    assert read_word(queue, DHCSR) & S_HALT


def test_fpb_breakpoint_halts_at_its_address_then_a_step_moves_one_instruction(target):
    chip, queue, _ = target
    halt(queue)
    bp = SYMBOLS[chip]["busy_delay"]
    write_word(queue, FP_CTRL, 0x3)  # KEY | ENABLE
    write_word(queue, FP_COMP0, (0b10 if bp & 2 else 0b01) << 30 | (bp & 0x1FFFFFFC) | 1)
    resume(queue)
    wait_for(queue, S_HALT)
    assert read_reg(queue, PC) == bp
    assert read_word(queue, DFSR) & DFSR_BKPT
    write_word(queue, DFSR, 0x1F)
    write_word(queue, DHCSR, DBGKEY | C_MASKINTS | C_HALT | C_DEBUGEN)  # C_MASKINTS only while halted
    write_word(queue, DHCSR, DBGKEY | C_MASKINTS | C_STEP | C_DEBUGEN)
    wait_for(queue, S_HALT)
    assert read_reg(queue, PC) == bp + 2, "one 16-bit instruction (movs/sub sp) further"
    assert read_word(queue, DFSR) & DFSR_HALTED


def test_dwt_write_watchpoint_halts_after_the_store(target):
    _, queue, _ = target
    deadline = time.monotonic() + 5
    while read_word(queue, G_TOGGLE_COUNT) == 0:  # past start-up, where .bss is cleared (a write too)
        assert time.monotonic() < deadline, "the blinky never toggled"
    halt(queue)
    before = read_word(queue, G_TOGGLE_COUNT)
    write_word(queue, DEMCR, TRCENA)
    write_word(queue, DWT_COMP0, G_TOGGLE_COUNT)
    write_word(queue, DWT_MASK0, 0)
    write_word(queue, DWT_FUNCTION0, 0b0110)  # data write watchpoint
    resume(queue)
    wait_for(queue, S_HALT)
    assert read_word(queue, DFSR) & DFSR_DWTTRAP
    assert read_word(queue, G_TOGGLE_COUNT) == before + 1


def test_vector_catch_on_sysresetreq_halts_at_the_reset_handler(target):
    chip, queue, _ = target
    write_word(queue, DEMCR, TRCENA | VC_CORERESET)
    write_word(queue, DHCSR, DBGKEY | C_DEBUGEN)
    read_word(queue, DHCSR)  # reading clears S_RESET_ST
    write_word(queue, AIRCR, 0x05FA0004)  # VECTKEY | SYSRESETREQ
    seen, deadline = 0, time.monotonic() + 5
    while not seen & S_HALT:  # S_RESET_ST is read-and-clear: gather every DHCSR read until the halt
        assert time.monotonic() < deadline, "no halt after the reset"
        seen |= read_word(queue, DHCSR)
    assert seen & S_RESET_ST, "S_RESET_ST not reported after the reset"
    assert read_word(queue, DFSR) & DFSR_VCATCH
    assert read_reg(queue, PC) == SYMBOLS[chip]["Reset_Handler"]
    assert read_reg(queue, XPSR) & (1 << 24), "Thumb bit set out of reset"


def test_vectreset_resets_the_core_on_armv7m(target):
    chip, queue, _ = target
    if chip == "stm32f072rb":
        pytest.skip("ARMv6-M has no VECTRESET")
    halt(queue)
    write_word(queue, DEMCR, TRCENA | VC_CORERESET)
    write_word(queue, AIRCR, 0x05FA0001)  # VECTKEY | VECTRESET
    wait_for(queue, S_HALT)
    assert read_reg(queue, PC) == SYMBOLS[chip]["Reset_Handler"]
    assert read_word(queue, DFSR) & DFSR_VCATCH
