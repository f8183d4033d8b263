"""The prebuilt example firmware (examples/prebuilt, built by arm-none-eabi-gcc) on the simulated boards: the
LED toggles at the rate each firmware's delay implies in simulated time, and the SysTick variant gets there
through its interrupt."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from ocdpy.sim.board import Board  # noqa: E402

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")
G_TICKS_SYSTICK = 0x2000000C  # blinky_systick's SysTick interrupt counter (examples/README.md)


def led_toggle_times(board: Board, seconds: float) -> list[float]:
    board.run(seconds=seconds)
    return [c.time for c in board.pin_changes if c.pin == board.led.pin]


@pytest.mark.parametrize("chip", CHIPS)
def test_busy_loop_blinky_toggles_every_87_5_ms(chip):
    board = Board(chip)
    board.load(PREBUILT / chip / "blinky_busy.elf")
    board.reset()
    times = led_toggle_times(board, 1.0)
    gaps = [b - a for a, b in zip(times[1:], times[2:])]  # after the pin's first configuration
    assert len(gaps) >= 8
    assert all(g == pytest.approx(0.0875, rel=0.01) for g in gaps), gaps


@pytest.mark.parametrize("chip", CHIPS)
def test_systick_blinky_toggles_every_500_interrupts(chip):
    board = Board(chip)
    board.load(PREBUILT / chip / "blinky_systick.elf")
    board.reset()
    times = led_toggle_times(board, 2.7)
    gaps = [b - a for a, b in zip(times[1:], times[2:])]
    assert len(gaps) >= 3
    assert all(g == pytest.approx(0.5, rel=0.001) for g in gaps), gaps
    ticks = int.from_bytes(board.chip.bus.read(G_TICKS_SYSTICK, 4), "little")
    assert ticks == pytest.approx(2700, abs=2), "one SysTick interrupt per simulated millisecond"
    assert board.core.sleeping, "main waits in wfi between interrupts"
