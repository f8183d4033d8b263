"""SysTick, the Cortex-M system timer (ARMv6-M/ARMv7-M B3.3), counting simulated cycles.

The counter is not decremented instruction by instruction: it is computed from the core's cycle count and an
anchor (the tick and value of the last reload or register write), which keeps it exact at no cost per
instruction. The core asks `next_event()` to end its execution slice exactly when the counter reaches zero and
calls `catch_up()` at slice boundaries, which sets COUNTFLAG and pends the SysTick exception when TICKINT is set.
CLKSOURCE=1 counts the processor clock; CLKSOURCE=0 the STM32 external reference, HCLK/8.
"""
from __future__ import annotations

from typing import Callable

CSR, RVR, CVR, CALIB = 0x0, 0x4, 0x8, 0xC  # offsets from 0xE000E010
ENABLE, TICKINT, CLKSOURCE, COUNTFLAG = 1, 2, 4, 1 << 16


class SysTick:
    def __init__(self, now_cycles: Callable[[], int], pend: Callable[[], None], calib: int,
                 external_divider: int = 8) -> None:
        self.now_cycles = now_cycles
        self.pend = pend
        self.calib = calib
        self.external_divider = external_divider
        self.reset()

    def reset(self) -> None:
        self.csr = 0               # ENABLE/TICKINT/CLKSOURCE as written
        self.countflag = False
        self.rvr = 0
        self.frozen_value = 0      # the current value while disabled (UNKNOWN at reset: 0 here)
        self.anchor_tick = 0
        self.anchor_value = 0
        self.last_tick = 0         # events up to and including this tick have been processed
        self.paused_cycles = 0     # cycles during which the counter stood still (core halted in debug)

    # -- time arithmetic -------------------------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return bool(self.csr & ENABLE)

    def _divider(self) -> int:
        return 1 if self.csr & CLKSOURCE else self.external_divider

    def _tick(self, cycles: int) -> int:
        return (cycles - self.paused_cycles) // self._divider()

    def pause(self, cycles: int) -> None:
        """`cycles` go by without the counter moving (SysTick stops while the core is halted in debug)."""
        self.paused_cycles += cycles

    def _value_at(self, tick: int) -> int:
        t = tick - self.anchor_tick
        if t <= self.anchor_value:
            return self.anchor_value - t
        if self.rvr == 0:
            return 0
        return self.rvr - ((t - self.anchor_value - 1) % (self.rvr + 1))

    def _event_after(self, tick: int) -> int | None:
        """First tick after `tick` at which the counter goes from 1 to 0 (a reload from 0 is not an event)."""
        t = tick - self.anchor_tick
        period = self.rvr + 1
        first = self.anchor_value if self.anchor_value > 0 else (period if self.rvr else None)
        if first is None:
            return None
        if first > t:
            return self.anchor_tick + first
        if self.rvr == 0:
            return None
        k = (t - first) // period + 1
        return self.anchor_tick + first + k * period

    def _reanchor(self, cycles: int, value: int) -> None:
        self.anchor_tick = self.last_tick = self._tick(cycles)
        self.anchor_value = value

    # -- what the core calls ---------------------------------------------------------------------------------
    def next_event(self) -> int | None:
        """Cycle at which the counter next reaches zero, or None when it is stopped."""
        if not self.enabled:
            return None
        tick = self._event_after(self.last_tick)
        return None if tick is None else tick * self._divider() + self.paused_cycles

    def catch_up(self, cycles: int) -> None:
        """Account for the zero crossings up to `cycles`: COUNTFLAG, and the exception when TICKINT is set."""
        if not self.enabled:
            return
        tick = self._tick(cycles)
        if tick <= self.last_tick:
            return
        event = self._event_after(self.last_tick)
        self.last_tick = tick
        if event is not None and event <= tick:
            self.countflag = True
            if self.csr & TICKINT:
                self.pend()

    def current_value(self, cycles: int) -> int:
        return self._value_at(self._tick(cycles)) if self.enabled else self.frozen_value

    # -- registers -------------------------------------------------------------------------------------------
    def read(self, offset: int) -> int:
        now = self.now_cycles()
        self.catch_up(now)
        if offset == CSR:
            value = self.csr | (COUNTFLAG if self.countflag else 0)
            self.countflag = False  # COUNTFLAG clears on read
            return value
        if offset == RVR:
            return self.rvr
        if offset == CVR:
            return self.current_value(now)
        if offset == CALIB:
            return self.calib
        return 0

    def write(self, offset: int, value: int) -> None:
        now = self.now_cycles()
        self.catch_up(now)
        if offset == CSR:
            current = self.current_value(now)
            self.csr = value & (ENABLE | TICKINT | CLKSOURCE)
            if self.enabled:
                self._reanchor(now, current)  # also right when only CLKSOURCE changed
            else:
                self.frozen_value = current
        elif offset == RVR:
            if self.enabled:
                self._reanchor(now, self.current_value(now))
            self.rvr = value & 0xFFFFFF
        elif offset == CVR:
            # any write clears the counter and COUNTFLAG; the next tick reloads from RVR
            self.countflag = False
            self.frozen_value = 0
            if self.enabled:
                self._reanchor(now, 0)
