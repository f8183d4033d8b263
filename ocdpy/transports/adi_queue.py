"""What the SWD and JTAG-DP transports share: queueing DP/AP accesses, SELECT caching and the sticky-flag report.

Both wire protocols carry the same ADIv5 accesses; they differ only in how one access goes out (a packet or a
35-bit scan) and how a failure shows (an ACK or a sticky flag). So the queue, the SELECT write that
precedes an AP access in another bank, and the naming of CTRL/STAT's sticky flags in errors live here once;
a transport implements `_run(ops)`.
"""
from __future__ import annotations

import contextlib
from abc import abstractmethod
from typing import NamedTuple

from ..adapters.dap_queue import DP_SELECT, DapQueue, Deferred, TransferError, describe
from ..log import Log

STICKY_NAMES = ((1 << 1, "STICKYORUN (overrun)"), (1 << 4, "STICKYCMP (match)"),
                (1 << 5, "STICKYERR (the AP's bus access failed)"), (1 << 7, "WDATAERR (write data parity)"))
STICKY_MASK = sum(bit for bit, _ in STICKY_NAMES)


class Op(NamedTuple):
    """One queued access: for a read, `value` is the Deferred to fill; for a write, the data."""

    is_ap: bool
    read: bool
    address: int
    ap: int
    value: int | Deferred

    @property
    def what(self) -> str:
        return describe(self.is_ap, self.read, self.address, self.ap)


def sticky_report(ctrl: int | None) -> str:
    """` (CTRL/STAT 0x...: STICKYERR (...))`: the sticky flags a failed access left, for its error message."""
    if ctrl is None:
        return ""
    flags = [name for bit, name in STICKY_NAMES if ctrl & bit]
    return f" (CTRL/STAT 0x{ctrl:08x}: {', '.join(flags) or 'no sticky flag set'})"


class QueuedDap(DapQueue):
    """DP/AP accesses collected in order and sent at `flush()` (under `lock`, if the link needs one)."""

    def __init__(self, lock: contextlib.AbstractContextManager | None = None, log: Log | None = None) -> None:
        self.log = log
        self.lock = lock or contextlib.nullcontext()
        self._ops: list[Op] = []
        self._select: int | None = None  # what SELECT holds on the target, None if unknown

    def read_dp(self, address: int) -> Deferred:
        deferred = Deferred(describe(False, True, address))
        self._ops.append(Op(False, True, address, 0, deferred))
        return deferred

    def write_dp(self, address: int, value: int) -> None:
        if address == DP_SELECT:
            self._select = value
        self._ops.append(Op(False, False, address, 0, value))

    def _select_bank(self, ap: int, address: int) -> None:
        wanted = (ap << 24) | (address & 0xF0) | (self._select or 0) & 0xF  # keep DPBANKSEL
        if wanted != self._select:
            self.write_dp(DP_SELECT, wanted)

    def read_ap(self, ap: int, address: int) -> Deferred:
        self._select_bank(ap, address)
        deferred = Deferred(describe(True, True, address, ap))
        self._ops.append(Op(True, True, address, ap, deferred))
        return deferred

    def write_ap(self, ap: int, address: int, value: int) -> None:
        self._select_bank(ap, address)
        self._ops.append(Op(True, False, address, ap, value))

    def flush(self) -> None:
        ops, self._ops = self._ops, []
        if not ops:
            return
        try:
            with self.lock:
                self._run(ops)
        except TransferError:
            self._select = None  # the SELECT write may not have happened
            raise

    def _forget(self) -> None:
        """A new connection: nothing queued, SELECT unknown."""
        self._ops.clear()
        self._select = None

    @abstractmethod
    def _run(self, ops: list[Op]) -> None:
        """Send `ops` in order, fill the reads' Deferreds; raise TransferError naming the first that failed."""
