"""ADIv5 DP/AP accesses through an ARM JTAG-DP TAP on a scan chain (ADIv5.2 B3).

Each access is a 35-bit DR scan behind IR DPACC (0xA) or APACC (0xB): RnW, A[3:2], 32 data bits in;
ACK and the *previous* access's read data out. So a whole batch goes out as one shift (one round trip) and
the results are sorted afterwards: a read's data arrives with the next scan, and one closing RDBUFF scan
brings in the last. ACK WAIT (0b001) means the previous access is still running and this scan's request
was ignored; OK/FAULT (0b010) means it was taken. A batch sent in one go cannot stop at a WAIT, and a DP
that frees up would take later requests out of order; so, as OpenOCD does, every CTRL/STAT write sets
ORUNDETECT: after a WAIT the DP then ignores the rest of the batch (STICKYORUN), and the queue clears the
flag and re-sends from the access that waited. A JTAG-DP does not report bus faults in the ACK: after a
batch with AP accesses CTRL/STAT's sticky flags tell, and are cleared.
"""
from __future__ import annotations

import contextlib

from ..adapters.dap_queue import DP_ABORT, DP_CTRL_STAT, DP_RDBUFF, Deferred, TransferError
from ..log import Log
from .adi_queue import STICKY_MASK, Op, QueuedDap, sticky_report
from .jtag import Tap
from .jtag_chain import JtagChain

IR_ABORT, IR_DPACC, IR_APACC = 0x8, 0xA, 0xB
ACK_OK_FAULT, ACK_WAIT = 0b010, 0b001
DR_BITS = 35
WAIT_RETRIES = 100
ABORT_DAPABORT = 0x1
ORUNDETECT, STICKYORUN = 1 << 0, 1 << 1
BUS_ACCESSES = (0x0C, 0x10, 0x14, 0x18, 0x1C)  # MEM-AP DRW and BD0-3: the registers that reach the bus


def _collector() -> Op:
    """The closing scan of a batch: its capture carries the last access's ACK and data."""
    return Op(False, True, DP_RDBUFF, 0, Deferred("DP read 0x0c"))


class JtagDpQueue(QueuedDap):
    """DP/AP accesses as JTAG-DP scans on `tap` of `chain` (the other TAPs in BYPASS)."""

    def __init__(self, chain: JtagChain, tap: Tap, lock: contextlib.AbstractContextManager | None = None,
                 log: Log | None = None) -> None:
        super().__init__(lock, log)
        self.chain = chain
        self.tap = tap
        self._ctrl = 0  # the last CTRL/STAT value written

    def connect(self) -> int:
        """Check the DP answers (a CTRL/STAT read with a valid ACK), clear sticky flags an earlier session
        left; returns the tap's IDCODE as the chain probe found it."""
        self._forget()
        status = self.read_dp(DP_CTRL_STAT)
        self.flush()
        if status.value & STICKY_MASK:
            self._clear_sticky(status.value)
        return self.chain.idcodes.get(self.tap.name) or 0

    # -- sending --------------------------------------------------------------------------------------------
    def _queue(self, op: Op) -> int | None:
        """Queue one access's scans; returns the DR scan's result index (None for ABORT, which has no ACK)."""
        chain, data = self.chain, op.value if not op.read else 0
        if not op.is_ap and not op.read and op.address == DP_ABORT:
            chain.select(self.tap, IR_ABORT)
            chain.dr_scan(self.tap, data << 3, DR_BITS)
            return None
        if not op.is_ap and not op.read and op.address == DP_CTRL_STAT:
            data |= ORUNDETECT
            self._ctrl = data & ~STICKY_MASK
        chain.select(self.tap, IR_APACC if op.is_ap else IR_DPACC)
        return chain.dr_scan(self.tap, (data & 0xFFFFFFFF) << 3 | ((op.address >> 2) & 3) << 1 | op.read,
                             DR_BITS)

    def _run(self, ops: list[Op]) -> None:
        bus = [op for op in ops if op.is_ap and op.address in BUS_ACCESSES]
        status = Op(False, True, DP_CTRL_STAT, 0, Deferred("DP read 0x04")) if any(o.is_ap for o in ops) else None
        todo = [*ops, *([status] if status else []), _collector()]
        pending: Op | None = None  # the access taken last: the next OK capture carries its result
        clear: Op | None = None    # the CTRL/STAT write that clears STICKYORUN before a replay
        for _ in range(WAIT_RETRIES):
            indexes = [self._queue(op) for op in todo]
            captures = self.chain.execute()
            pending, waited = self._sort(todo, [None if i is None else captures[i] for i in indexes], pending)
            if waited is None:
                break
            clear = clear or Op(False, False, DP_CTRL_STAT, 0, self._ctrl | STICKYORUN)
            todo = todo[waited:] if todo[waited] is clear else [clear, *todo[waited:]]
        else:
            self._send([Op(False, False, DP_ABORT, 0, ABORT_DAPABORT)])  # give up the stalled access
            raise TransferError(f"JTAG-DP {todo[0].what} failed: the target answered WAIT {WAIT_RETRIES} times")
        if status is not None and status.value.value & STICKY_MASK:
            ctrl = status.value.value
            self._clear_sticky(ctrl)
            what = bus[0].what if len(bus) == 1 else (f"one of {len(bus)} AP bus accesses ({bus[0].what} ...)"
                                                       if bus else "an AP access")
            raise TransferError(f"JTAG-DP {what} failed{sticky_report(ctrl)}")

    def _sort(self, todo: list[Op], captures: list[int | None], pending: Op | None) -> tuple[Op | None, int | None]:
        """Hand each capture's data to the access it belongs to. Returns the access still pending and the
        index of the first scan answered WAIT (the rest are re-sent from there), or None."""
        for k, (op, capture) in enumerate(zip(todo, captures)):
            if capture is None:
                continue  # ABORT: no ACK, and the pending result stays in the DP
            ack = capture & 7
            if ack == ACK_WAIT:
                later = next((c for c in captures[k + 1:] if c is not None and c & 7 == ACK_OK_FAULT), None)
                if later is not None and not self._ctrl & ORUNDETECT:
                    raise TransferError(f"JTAG-DP {op.what} failed: the target answered WAIT, then took later "
                                        "accesses of the same batch (they ran out of order)")
                if later is not None and pending is not None and pending.read:
                    pending.value.set(later >> 3)  # the first scan taken after the WAIT brought it
                    pending = None
                return pending, k
            if ack != ACK_OK_FAULT:
                raise TransferError(f"JTAG-DP {op.what} failed: invalid ACK 0b{ack:03b} from {self.tap.name} "
                                    "(is its IR length right, and is it an ARM JTAG-DP?)")
            if pending is not None and pending.read:
                pending.value.set(capture >> 3)
            pending = op
        return pending, None

    def _send(self, ops: list[Op]) -> None:
        """Send accesses as they are, unchecked: the clean-up after a failure."""
        for op in [*ops, _collector()]:
            self._queue(op)
        self.chain.execute()

    def _clear_sticky(self, ctrl: int) -> None:
        """On a JTAG-DP sticky flags clear by writing them back as ones to CTRL/STAT (the requests kept)."""
        self._send([Op(False, False, DP_CTRL_STAT, 0, ctrl | STICKY_MASK)])
