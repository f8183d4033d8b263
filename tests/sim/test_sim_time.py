"""Simulated time: instruction counting (CPI 1), pin-change timestamps, SysTick, WFI sleep, clock changes."""
from __future__ import annotations

import pytest

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from simprog import DATA, make_board, word  # noqa: E402
from thumbasm import LR  # noqa: E402

DELAY = 100


def _blinky_f0(a):
    """Toggle PA5 with a fixed-length delay loop: 9 set-up instructions, then 2*DELAY+4 per half period."""
    a.label("reset")
    a.ldr_const(0, 0x40021014)          # RCC_AHBENR
    a.ldr_const(1, (1 << 17) | 0x14)    # IOPAEN (keep SRAMEN|FLITFEN)
    a.str(1, 0)
    a.ldr_const(0, 0x48000000)          # GPIOA_MODER
    a.ldr_const(1, 0x28000000 | 1 << 10)  # PA5 output, keep SWD pins
    a.str(1, 0)
    a.ldr_const(0, 0x48000014)          # GPIOA_ODR
    a.movs(1, 0)
    a.movs(2, 0x20)
    a.label("loop")
    a.eors(1, 2)
    a.str(1, 0)                         # the pin changes here
    a.ldr_const(3, DELAY)
    a.label("delay")
    a.subs(3, 1)
    a.b("delay", "ne")
    a.b("loop")


def test_toggle_loop_pin_changes_at_the_expected_times():
    board, _ = make_board("stm32f072rb", _blinky_f0)
    seen = []
    board.on_pin_change(seen.append)
    assert board.run(cycles=5000) is None
    assert board.cycles == 5000
    period = 2 * DELAY + 4
    expected = [11 + k * period for k in range((5000 - 11) // period + 1)]
    changes = board.pin_changes
    assert [c.cycle for c in changes] == expected
    assert [c.pin for c in changes] == ["PA5"] * len(expected)
    assert [c.level for c in changes] == [(k + 1) % 2 for k in range(len(expected))]
    assert changes[1].time == pytest.approx(expected[1] / 8_000_000, abs=1e-12)
    assert seen == changes
    assert board.led.is_on == bool(len(expected) % 2)
    assert board.gpio["PA5"] == len(expected) % 2


def test_gpio_without_its_clock_ignores_writes():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x48000000)
        a.ldr_const(1, 0x28000400)
        a.str(1, 0)
        a.ldr_const(0, 0x48000018)
        a.movs(1, 0x20)
        a.str(1, 0)                     # BSRR: set PA5, but GPIOA has no clock
        a.label("spin")
        a.b("spin")

    board, _ = make_board("stm32f072rb", body)
    board.run(cycles=100)
    assert board.pin_changes == [] and board.core.read32(0x48000000) == 0
    board.core.write32(0x40021014, (1 << 17) | 0x14)       # the debugger enables the clock
    assert board.core.read32(0x48000000) == 0x28000000      # reset value now visible
    board.core.write32(0x48000000, 0x28000400)
    board.core.write32(0x48000018, 0x20)
    assert board.led.is_on and board.pin_changes[-1].level == 1


def _systick_program(reload: int, sleep: bool):
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0xE000E010)
        a.ldr_const(1, reload)
        a.str(1, 0, 4)                  # RVR
        a.movs(1, 0)
        a.str(1, 0, 8)                  # CVR: clear
        a.movs(1, 7)
        a.str(1, 0, 0)                  # CSR: processor clock, TICKINT, ENABLE (7th instruction)
        a.movs(5, 0)
        a.label("loop")
        if sleep:
            a.wfi()
        else:
            a.adds(5, 1)
        a.b("loop")
        a.label("systick")
        a.ldr_const(0, DATA)
        a.ldr(1, 0)
        a.adds(1, 1)
        a.str(1, 0)                     # 4th handler instruction
        a.bx(LR)
    return body


def test_systick_interrupt_taken_on_time_and_returned_from():
    board, _ = make_board("stm32f072rb", _systick_program(999, sleep=False), {15: "systick"})
    core = board.core
    # enabled at cycle 7 with the counter cleared: it reaches zero every 1000 cycles from cycle 1007
    board.run(cycles=1010)
    assert word(board, DATA) == 0
    board.run(cycles=1)
    assert word(board, DATA) == 1
    board.run(cycles=10_500 - 1011)
    assert word(board, DATA) == 10
    assert core.read_reg(5) > 4500                  # the thread (2 instructions a turn) kept running
    assert core.current_exception() == 0
    assert core.read32(0xE000E018) < 1000           # CVR counts down
    assert core.read32(0xE000E010) & (1 << 16)      # COUNTFLAG...
    assert not core.read32(0xE000E010) & (1 << 16)  # ...clears on read


def test_systick_masked_by_primask_is_taken_later():
    def body(a):
        a.label("reset")
        a.cpsid()
        a.ldr_const(0, 0xE000E010)
        a.ldr_const(1, 99)
        a.str(1, 0, 4)
        a.movs(1, 7)
        a.str(1, 0, 0)
        a.movs(5, 0)
        a.label("masked")
        a.adds(5, 1)
        a.cmp(5, 250)
        a.b("masked", "ne")
        a.cpsie()
        a.label("spin")
        a.b("spin")
        a.label("systick")
        a.ldr_const(0, DATA)
        a.str(5, 0)
        a.ldr_const(0, 0xE000E010)
        a.movs(1, 0)
        a.str(1, 0)                     # stop SysTick
        a.bx(LR)

    board, _ = make_board("stm32f072rb", body, {15: "systick"})
    board.run(cycles=3000)
    assert word(board, DATA) == 250


def test_wfi_sleeps_until_the_next_systick():
    board, _ = make_board("stm32f072rb", _systick_program(7999, sleep=True), {15: "systick"})
    board.run(seconds=0.0105)
    # 1 ms ticks from cycle 7 + 8000; sleeping costs no host time
    assert word(board, DATA) == 10
    assert board.now == pytest.approx(0.0105)
    assert board.core.sleeping


def test_sleeping_forever_returns_when_nothing_can_wake_the_core():
    def body(a):
        a.label("reset")
        a.wfi()
        a.label("spin")
        a.b("spin")

    board, asm = make_board("stm32f072rb", body)
    assert board.run() is None
    assert board.core.sleeping and board.core.pc == asm.labels["spin"]


def test_switching_to_the_pll_speeds_up_time():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x40021004)                          # RCC_CFGR
        a.ldr_const(1, (4 << 18) | 2)                       # PLL x6 from HSI/2 = 24 MHz, SW = PLL
        a.str(1, 0)
        a.label("spin")
        a.b("spin")

    board, _ = make_board("stm32f103c8", body)
    board.run(cycles=3)
    assert board.core.clock_hz == 24_000_000
    assert board.core.read32(0x40021004) & 0xC == 0x8      # SWS follows SW
    t0 = board.now
    board.run(cycles=24_000)
    assert board.now - t0 == pytest.approx(0.001)


def test_run_until_stops_right_after_the_pin_change():
    board, _ = make_board("stm32f072rb", _blinky_f0)
    assert board.run(until=lambda: board.led.is_on) is None
    assert board.cycles == 11 and board.led.is_on


def test_sleep_on_exit_returns_to_sleep_after_each_handler():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0xE000ED10)
        a.movs(1, 2)
        a.str(1, 0)                     # SCR.SLEEPONEXIT
        a.ldr_const(0, 0xE000E010)
        a.ldr_const(1, 999)
        a.str(1, 0, 4)
        a.movs(1, 7)
        a.str(1, 0)
        a.wfi()
        a.label("never")
        a.movs(6, 1)                    # thread code never runs again
        a.b("never")
        a.label("systick")
        a.ldr_const(0, DATA)
        a.ldr(1, 0)
        a.adds(1, 1)
        a.str(1, 0)
        a.bx(LR)

    board, _ = make_board("stm32f103c8", body, {15: "systick"})
    board.run(cycles=5500)
    assert word(board, DATA) == 5
    assert board.core.read_reg(6) == 0 and board.core.sleeping


def test_time_passes_while_halted_but_systick_stands_still():
    board, _ = make_board("stm32f072rb", _systick_program(999, sleep=False), {15: "systick"})
    core = board.core
    board.run(cycles=1500)
    core.halt()
    value, t0 = core.read32(0xE000E018), board.now
    core.pass_time(8_000_000)
    assert board.now - t0 == pytest.approx(1.0)
    assert core.read32(0xE000E018) == value and word(board, DATA) == 1
    core.resume()
    board.run(cycles=1000)
    assert word(board, DATA) == 2
