"""Pieces of the simulator that need no unicorn: exception priorities, SysTick arithmetic, RCC clock tree, GPIO
layouts and the flash array hook."""
from __future__ import annotations

import subprocess
import sys

from ocdpy.sim.flash_array import FlashArray
from ocdpy.sim.gpio import GpioPortV1, GpioPortV2, PinLog
from ocdpy.sim.nvic import HARDFAULT, NMI, PENDSV, SVCALL, SYSTICK, THREAD_PRIORITY, ExceptionState
from ocdpy.sim.rcc import Rcc
from ocdpy.sim.systick import SysTick


# -- exception priorities ------------------------------------------------------------------------------------
def test_priorities_use_only_the_implemented_bits():
    state = ExceptionState(armv7=False, priority_bits=2, num_irqs=32)
    state.set_priority(SYSTICK, 0xFF)
    assert state.priority_of(SYSTICK) == 0xC0
    state.set_priority(HARDFAULT, 0x40)
    assert state.priority_of(HARDFAULT) == -1


def test_highest_pending_and_preemption():
    state = ExceptionState(armv7=True, priority_bits=4, num_irqs=8)
    state.set_priority(PENDSV, 0xF0)
    state.set_priority(SYSTICK, 0x10)
    state.pend(PENDSV)
    state.pend(SYSTICK)
    assert state.highest_pending() == SYSTICK
    assert state.preempting(THREAD_PRIORITY) == SYSTICK
    state.activate(SYSTICK)
    assert state.execution_priority(0, 0, 0) == 0x10
    assert state.preempting(0x10) is None          # PendSV is lower: it waits
    assert state.execution_priority(1, 0, 0) == 0  # PRIMASK
    assert state.execution_priority(0, 0, 1) == -1  # FAULTMASK
    assert not state.can_take(HARDFAULT, -1) and state.can_take(NMI, -1)


def test_irqs_need_enabling_and_prigroup_splits_priorities():
    state = ExceptionState(armv7=True, priority_bits=4, num_irqs=8)
    state.pend(16 + 3)
    assert state.highest_pending() is None
    state.irq_enabled.add(16 + 3)
    assert state.highest_pending() == 16 + 3
    state.prigroup = 5                                  # group = bits [7:6]
    state.set_priority(16 + 3, 0x30)
    state.set_priority(SVCALL, 0x20)
    assert state.group(0x30) == state.group(0x20) == 0  # same group: no pre-emption between them
    state.activate(SVCALL)
    assert state.preempting(state.execution_priority(0, 0, 0)) is None


# -- SysTick ---------------------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.cycles = 0


def _systick(calib: int = 0):
    clock, pends = Clock(), []
    return SysTick(lambda: clock.cycles, lambda: pends.append(clock.cycles), calib), clock, pends


def test_systick_counts_down_and_reloads():
    tick, clock, pends = _systick()
    tick.write(0x4, 9)          # RVR
    tick.write(0x8, 0)          # CVR
    tick.write(0x0, 7)          # enable, TICKINT, processor clock, at cycle 0
    assert tick.next_event() == 10
    clock.cycles = 1
    assert tick.read(0x8) == 9
    clock.cycles = 10
    assert tick.read(0x8) == 0
    assert pends == [10]
    assert tick.read(0x0) & (1 << 16) and not tick.read(0x0) & (1 << 16)
    clock.cycles = 11
    assert tick.read(0x8) == 9
    assert tick.next_event() == 20


def test_systick_external_clock_is_hclk_over_8_and_disable_freezes():
    tick, clock, pends = _systick()
    tick.write(0x4, 99)
    tick.write(0x0, 3)          # external reference: one tick per 8 cycles
    assert tick.next_event() == 800
    clock.cycles = 80
    value = tick.read(0x8)
    assert value == 90
    tick.write(0x0, 0)
    clock.cycles = 5000
    assert tick.read(0x8) == value and tick.next_event() is None and pends == []


def test_systick_reload_change_applies_from_the_next_wrap():
    tick, clock, pends = _systick()
    tick.write(0x4, 99)
    tick.write(0x0, 7)
    clock.cycles = 50
    tick.write(0x4, 9)
    assert tick.next_event() == 100      # the current count (ending at 0 at cycle 100) is not shortened
    clock.cycles = 100
    tick.catch_up(100)
    assert tick.next_event() == 110


def test_systick_calib():
    tick, _, _ = _systick(calib=9000)
    assert tick.read(0xC) == 9000


# -- RCC -------------------------------------------------------------------------------------------------------
def test_rcc_ready_bits_and_clock_tree():
    clocks = []
    rcc = Rcc("f1", 8_000_000, clocks.append)
    assert rcc.read32(0x00) & 0x3 == 0x3                   # HSION, HSIRDY
    rcc.write32(0x00, rcc.read32(0x00) | 1 << 16 | 1 << 24)
    assert rcc.read32(0x00) & (1 << 17 | 1 << 25) == 1 << 17 | 1 << 25
    rcc.write32(0x04, (7 << 18) | (1 << 16) | 2)           # PLL = HSE x9, SW = PLL
    assert rcc.hclk_hz() == 72_000_000 and clocks[-1] == 72_000_000
    assert rcc.read32(0x04) & 0xC == 0x8


def test_rcc_f4_pll_and_reset_flags():
    rcc = Rcc("f4", 8_000_000, lambda hz: None)
    rcc.write32(0x04, (1 << 22) | (1 << 16) | (336 << 6) | 8)  # HSE/8*336/4 = 84 MHz
    rcc.write32(0x08, 2)
    assert rcc.hclk_hz() == 84_000_000
    rcc.reset("system")
    assert rcc.read32(0x74) & (1 << 28) and rcc.hclk_hz() == 16_000_000
    rcc.write32(0x74, 1 << 24)                                  # RMVF
    assert rcc.read32(0x74) & 0xFF000000 == 0


# -- GPIO ------------------------------------------------------------------------------------------------------
def test_gpio_v2_bsrr_set_wins_and_log():
    log = PinLog(lambda: (0, 0.0))
    port = GpioPortV2("A", log, lambda: True, has_brr=True)
    port.write(0x00, 4, 1 << 10)                 # PA5 output
    port.write(0x18, 4, (1 << 5) | (1 << 21))    # set and reset PA5: set wins
    assert port.level(5) == 1
    port.write(0x18, 2, 0)
    port.write(0x1A, 2, 1 << 5)                  # half-word write to BSRR's reset half
    assert port.level(5) == 0
    assert [(c.pin, c.level) for c in log.changes] == [("PA5", 1), ("PA5", 0)]


def test_gpio_v1_input_pull_and_open_drain():
    log = PinLog(lambda: (0, 0.0))
    port = GpioPortV1("B", log, lambda: True)
    port.write(0x00, 4, 0x44444448)              # PB0: input with pull-up/down
    port.write(0x0C, 4, 1)                       # ODR=1: pull-up
    assert port.read(0x08, 4) & 1
    port.write(0x00, 4, 0x44444446)              # PB0: open-drain output
    port.write(0x0C, 4, 0)
    assert port.level(0) == 0 and port.driven_level(0) == 0
    port.write(0x0C, 4, 1)
    assert port.driven_level(0) is None


# -- flash array -------------------------------------------------------------------------------------------------
def test_flash_array_reports_changes_and_only_a_controller_programs():
    flash = FlashArray(0x08000000, [1024] * 4)
    changes = []
    flash.add_listener(lambda address, length: changes.append((address, length)))
    flash.bus_write(0x08000000, 2, 0x1234)
    assert flash.read(0x08000000, 2) == 0xFFFF and changes == []

    class Controller:
        def program(self, address: int, size: int, value: int) -> None:
            flash.program_halfword(address, value)

    flash.controller = Controller()
    flash.bus_write(0x08000400, 2, 0x1234)
    assert flash.read(0x08000400, 2) == 0x1234 and changes == [(0x08000400, 2)]
    flash.erase_page(1)
    assert flash.read(0x08000400, 2) == 0xFFFF and changes[-1] == (0x08000400, 1024)
    assert flash.page_size_at(0x08000C00) == 1024


def test_systick_pause_shifts_the_next_event():
    tick, clock, pends = _systick()
    tick.write(0x4, 9)
    tick.write(0x0, 7)
    clock.cycles = 5
    tick.pause(100)
    clock.cycles = 105
    assert tick.read(0x8) == 5 and tick.next_event() == 110


def test_importing_ocdpy_or_the_board_module_does_not_import_unicorn():
    code = ("import sys, ocdpy, ocdpy.sim.board, ocdpy.sim.chips; "
            "assert 'unicorn' not in sys.modules, 'unicorn imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
