"""What a person running `ocdpy-sim` sees of the board: pin changes as log lines, and on a terminal a live
status line (simulated time, core state, the LED drawn lit or dark, the levels of every output pin).

Firmware can toggle a pin millions of times a second, so nothing here runs per change except `ChangeLimiter`,
which is O(1) and turns a fast-toggling pin into one summary line; the status line is redrawn from a thread
at most `1 / REDRAW_INTERVAL` times a second, and log lines are written from that thread too, so a slow
stdout (a pipe nobody reads quickly) never stalls the core, which calls the pin listener under the board lock.
"""
from __future__ import annotations

import shutil
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, TextIO

REDRAW_INTERVAL = 0.05   # wall seconds between two redraws of the status line (20 per second)
BURST = 10               # changes of one pin within WINDOW simulated seconds that make it "toggling"
WINDOW = 1.0             # simulated seconds
NEW_RATE = 0.10          # a toggling pin is reported again when its rate moves by more than this fraction
LIT, DARK = "●", "○"
ERASE_LINE = "\r\x1b[K"


# -- log lines ---------------------------------------------------------------------------------------------
def stamp(time: float) -> str:
    """Simulated time, fixed width so that log lines line up."""
    return f"[{time:11.6f} s]"


def led_note(on: bool) -> str:
    return "LED on" if on else "LED off"


def change_line(time: float, pin: str, level: int, note: str | None = None) -> str:
    """`[   0.175010 s] PC13 -> 0 (LED on)`"""
    line = f"{stamp(time)} {pin} -> {level}"
    return f"{line} ({note})" if note else line


def toggling_line(time: float, pin: str, hz: float, is_led: bool = False) -> str:
    """`[   0.875028 s] PC13 toggling at 5.71 Hz (LED blinking)`: stands for the changes not logged."""
    line = f"{stamp(time)} {pin} toggling at {hz:.2f} Hz"
    return f"{line} (LED blinking)" if is_led else line


def stopped_line(time: float, pin: str, level: int, note: str | None = None) -> str:
    """`[   2.100060 s] PC13 stopped toggling at 0 (LED on)`, stamped with the last change."""
    line = f"{stamp(time)} {pin} stopped toggling at {level}"
    return f"{line} ({note})" if note else line


@dataclass
class _Pin:
    times: deque[float]
    level: int = 0
    note: str | None = None
    hz: float | None = None        # the rate last reported while toggling; None: every change is logged
    reported_at: float = 0.0


@dataclass
class ChangeLimiter:
    """Pin changes -> log lines: one line per change, until a pin changes `burst` times within `window`
    simulated seconds; then one `toggling at` line, repeated only when the rate moves by more than
    `NEW_RATE` (at most once per window). A pin that slows down below that gets a line per change again;
    one that goes quiet gets a `stopped toggling` line (`idle`). `burst` must be at least 3."""

    burst: int = BURST
    window: float = WINDOW
    led_pin: str | None = None
    pins: dict[str, _Pin] = field(default_factory=dict)

    def change(self, time: float, pin: str, level: int, note: str | None = None) -> str | None:
        """The line to log for this change, or None while it is summarised."""
        state = self.pins.get(pin)
        if state is None:
            state = self.pins[pin] = _Pin(deque(maxlen=self.burst))
        state.times.append(time)
        state.level, state.note = level, note
        times = state.times
        full = len(times) == self.burst and time - times[0] <= self.window
        if not full:
            state.hz = None  # (no longer) toggling fast: every change is worth a line
            return change_line(time, pin, level, note)
        if state.hz is None or time - state.reported_at >= self.window and self._new_steady_rate(state):
            return self._report(state, time, pin)
        return None

    def idle(self, now: float) -> list[str]:
        """`stopped toggling` lines for summarised pins that have not changed for a while by `now`."""
        lines = []
        for pin, state in self.pins.items():
            if state.hz is not None and now - state.times[-1] > max(self.window, 2 / state.hz):
                lines.append(stopped_line(state.times[-1], pin, state.level, state.note))
                state.hz = None
                state.times.clear()
        return lines

    def _report(self, state: _Pin, time: float, pin: str) -> str:
        state.hz, state.reported_at = self._rate(state.times, _newer_half(state.times)), time
        return toggling_line(time, pin, state.hz, pin == self.led_pin)

    def _new_steady_rate(self, state: _Pin) -> bool:
        """The newer half of the changes runs at another rate than the one reported, and so does the whole
        window (a rate in the middle of changing is not worth a line)."""
        times, hz = state.times, state.hz
        recent = self._rate(times, _newer_half(times))
        whole = self._rate(times, (len(times) - 1) // 2 * 2)
        return abs(recent - hz) > NEW_RATE * hz and abs(whole - recent) <= NEW_RATE * recent

    @staticmethod
    def _rate(times: deque[float], intervals: int) -> float:
        """Full periods per second over the newest `intervals` intervals (two changes make one period)."""
        span = times[-1] - times[-1 - intervals]
        return intervals / (2 * span) if span > 0 else float("inf")


def _newer_half(times: deque[float]) -> int:
    """An even number of intervals (whole periods, whatever the duty cycle) from the newer half of the
    changes: the older ones may still be start-up code setting the pin up."""
    return max(2, (len(times) - 1) // 4 * 2)


# -- the status line -----------------------------------------------------------------------------------------
def core_state(core) -> str:
    """running / sleeping / halted (reason) / locked up, from the core's public flags."""
    if core.locked_up:
        return "locked up"
    if core.is_halted:
        reason = str(core.halt_reason)
        return "halted" if reason == "none" else f"halted ({reason.replace('_', ' ')})"
    return "sleeping" if core.sleeping else "running"


def output_pins(ports: dict) -> dict[str, list[tuple[int, int]]]:
    """{port letter: [(pin number, level)]} for the pins configured as outputs."""
    out = {}
    for letter, port in ports.items():
        pins = [(n, port.levels >> n & 1) for n in range(16) if port.is_output(n)]
        if pins:
            out[letter] = pins
    return out


def status_line(time: float, state: str, led: tuple[str, bool] | None,
                outputs: dict[str, list[tuple[int, int]]]) -> str:
    """`   1.234567 s  running  ● PC13 LED on  PA[5=1] PC[13=0]` (no colour, no terminal control)."""
    parts = [f"{time:11.6f} s", f"{state:<9}"]
    if led is not None:
        pin, on = led
        parts.append(f"{LIT if on else DARK} {pin} {led_note(on)}")
    row = " ".join(f"P{letter}[{' '.join(f'{n}={level}' for n, level in pins)}]" for letter, pins in outputs.items())
    parts.append(row or "no outputs")
    return "  ".join(parts)


def fit(line: str, columns: int) -> str:
    """Cut a status line to the terminal width: a wrapped line could not be redrawn in place."""
    return line if len(line) < columns else line[:max(columns - 2, 0)] + "…"


def colour_led(line: str) -> str:
    """The lit LED in bold yellow, the dark one dimmed."""
    return line.replace(LIT, f"\x1b[1;33m{LIT}\x1b[0m", 1).replace(DARK, f"\x1b[2m{DARK}\x1b[0m", 1)


# -- the front end -------------------------------------------------------------------------------------------
class PinDisplay:
    """Pin changes and Info lines of a running board on `stream`: plain lines, or (`live`, default: when the
    stream is a terminal) the same lines scrolling above a status line redrawn in place."""

    def __init__(self, board, now: Callable[[], float], stream: TextIO | None = None,
                 live: bool | None = None) -> None:
        self.board = board
        self.now = now
        self.stream = stream if stream is not None else sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.led = board.led
        self.limiter = ChangeLimiter(led_pin=self.led.pin if self.led else None)
        self._pending: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="sim-display", daemon=True)
        board.on_pin_change(self._on_change)

    def start(self) -> None:
        self._thread.start()

    def log(self, line: str) -> None:
        """A line to print (scrolls above the status line)."""
        with self._lock:
            self._pending.append(line)

    def close(self) -> None:
        """Stop redrawing, print what is left, and leave the terminal on a fresh line."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._refresh()
        if self.live:
            self.stream.write("\n")
            self.stream.flush()

    def _on_change(self, change) -> None:
        """Called on the core thread for every pin change: keep it cheap."""
        note = led_note(self.led.is_on) if self.led is not None and change.pin == self.led.pin else None
        with self._lock:
            line = self.limiter.change(change.time, change.pin, change.level, note)
            if line is not None:
                self._pending.append(line)

    def _loop(self) -> None:
        while not self._stop.wait(REDRAW_INTERVAL):
            self._refresh()

    def _refresh(self) -> None:
        now = self.now()
        with self._lock:
            lines = self._pending + self.limiter.idle(now)
            self._pending = []
        text = "".join(line + "\n" for line in lines)
        if self.live:
            text = ERASE_LINE + text + colour_led(fit(self._status(now), shutil.get_terminal_size().columns))
        if text:
            self.stream.write(text)
            self.stream.flush()

    def _status(self, now: float) -> str:
        led = (self.led.pin, self.led.is_on) if self.led is not None else None
        return status_line(now, core_state(self.board.core), led, output_pins(self.board.chip.gpio))
