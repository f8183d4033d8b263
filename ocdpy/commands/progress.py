"""How flash progress reaches a person: a bar per phase on a terminal (tqdm, imported only then), one plain
line per finished phase otherwise (logs, CI, pipes), and a one-line summary with throughput."""
from __future__ import annotations

import sys
import time


class ProgressReport:
    """A Progress callback (phase, done, total) that draws or logs, and keeps the figures for the summary."""

    def __init__(self, log, live: bool | None = None) -> None:
        self.log = log
        stream = log.stream if log.stream is not None else sys.stderr
        self.live = stream.isatty() if live is None else live
        self.stream = stream
        self.bar = None
        self.phase: str | None = None
        self.started = time.monotonic()
        self.phase_started = self.started
        self.done: dict[str, int] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self._finish_phase()
            self.phase, self.phase_started = phase, time.monotonic()
            if self.live:
                try:
                    from tqdm import tqdm
                except ImportError:  # no bar without tqdm: the plain lines still say it all
                    self.live = False
                    return self(phase, done, total)
                self.bar = tqdm(total=total, desc=f"{phase:>6}", unit="B", unit_scale=True, unit_divisor=1024,
                                file=self.stream, leave=False)
        self.done[phase] = done
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        self._total = total

    def _finish_phase(self) -> None:
        if self.phase is None:
            return
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        seconds = time.monotonic() - self.phase_started
        done = self.done.get(self.phase, 0)
        self.log.info(f"{self.phase}: {done} bytes in {seconds:.3f}s ({rate(done, seconds)})")
        self.phase = None

    def close(self) -> float:
        """End the last phase; returns the seconds since the report began."""
        self._finish_phase()
        return time.monotonic() - self.started


def rate(nbytes: int, seconds: float) -> str:
    return f"{nbytes / 1024 / seconds:.3f} KiB/s" if seconds > 0 else "- KiB/s"
