"""The SWD transport: ADIv5 DP/AP accesses as Serial Wire Debug packets (ADIv5.2 B4).

`SwdQueue` is a `DapQueue` over any `SwdLink` that can send host-driven bit sequences and complete packets
(the simulator's SW-DP, a bit-bang driver clocking the packets itself). It owns what every SWD host must
get right: the line reset / JTAG-to-SWD switch and the DPIDR read that ends it, request parity, SELECT,
AP reads that return the previous read's data (the last one fetched from RDBUFF), WAIT retries, and on
FAULT the sticky-flag read-out and clean-up, so that one plain error reaches the user and the link stays usable.
"""
from __future__ import annotations

import contextlib
from typing import Protocol

from ..adapters.dap_queue import (ABORT_CLEAR_ALL, DP_ABORT, DP_CTRL_STAT, DP_DPIDR, DP_RDBUFF, Deferred,
                                  TransferError, describe)
from ..log import Log
from .adi_queue import STICKY_MASK, Op, QueuedDap, sticky_report

ACK_OK, ACK_WAIT, ACK_FAULT, ACK_NONE = 0b001, 0b010, 0b100, 0b111
LINE_RESET = ((1 << 56) - 1, 56)          # more than 50 cycles with SWDIO high
JTAG_TO_SWD = (0xE79E, 16)                # sent LSB first
IDLE = (0, 8)
WAIT_RETRIES = 100


class SwdLink(Protocol):
    """What the transport needs from a probe that speaks SWD."""

    def sequence(self, bits: int, count: int) -> None: ...
    def transfer(self, request: int, wdata: int | None = None) -> tuple[int, int | None]: ...


def request_byte(is_ap: bool, read: bool, address: int) -> int:
    """The 8-bit packet request as sent LSB first: start, APnDP, RnW, A[2:3], parity, stop, park."""
    a23 = (address >> 2) & 3
    parity = (is_ap + read + (a23 & 1) + (a23 >> 1)) & 1
    return 0x81 | is_ap << 1 | read << 2 | a23 << 3 | parity << 5


def ack_text(ack: int) -> str:
    return {ACK_WAIT: "WAIT", ACK_FAULT: "FAULT",
            ACK_NONE: "no answer (ACK 0b111): is the target powered and are SWDIO/SWCLK connected?"}.get(
        ack, f"an invalid ACK 0b{ack:03b}")


class SwdQueue(QueuedDap):
    """DP/AP accesses queued as SWD packets and sent at `flush()` (under `lock`, if the link needs one)."""

    def __init__(self, link: SwdLink, lock: contextlib.AbstractContextManager | None = None, log: Log | None = None) -> None:
        super().__init__(lock, log)
        self.link = link

    def connect(self) -> int:
        """Line reset, switch an SWJ-DP from JTAG to SWD, line reset again, then the DPIDR read that the
        SW-DP requires before anything else. Returns DPIDR."""
        self._forget()
        with self.lock:
            for bits, count in (LINE_RESET, JTAG_TO_SWD, LINE_RESET, IDLE):
                self.link.sequence(bits, count)
        dpidr = self.read_dp(DP_DPIDR)
        self.flush()
        if self.log is not None:
            self.log.info(f"SWD DPIDR 0x{dpidr.value:08x}")
        return dpidr.value

    def _run(self, ops: list[Op]) -> None:
        posted: Deferred | None = None  # an AP read whose data arrives with the next AP read or RDBUFF
        last_ap: str | None = None      # the last AP access not yet known to have succeeded
        for is_ap, read, address, ap, value in ops:
            last_ap = describe(True, read, address, ap) if is_ap else last_ap
            if posted is not None and not (is_ap and read):
                posted.set(self._packet(False, True, DP_RDBUFF, 0, None, posted.what))
                posted = None
            data = self._packet(is_ap, read, address, ap, None if read else value)
            if is_ap and read:
                if posted is not None:
                    posted.set(data)
                posted = value
            elif read:
                value.set(data)
        if posted is not None:
            posted.set(self._packet(False, True, DP_RDBUFF, 0, None, posted.what))
        if last_ap is not None:
            self._check_sticky(last_ap)

    def _packet(self, is_ap: bool, read: bool, address: int, ap: int, wdata, what: str | None = None) -> int:
        request = request_byte(is_ap, read, address)
        for _ in range(WAIT_RETRIES):
            ack, data = self.link.transfer(request, wdata)
            if ack != ACK_WAIT:
                break
        if ack == ACK_OK:
            return data or 0
        access = what or describe(is_ap, read, address, ap)
        if ack == ACK_FAULT:
            raise TransferError(f"SWD {access} failed: the target answered FAULT{self._sticky_report()}")
        if ack == ACK_WAIT:
            self.link.transfer(request_byte(False, False, DP_ABORT), 1)  # DAPABORT: give up the stalled access
            raise TransferError(f"SWD {access} failed: the target answered WAIT {WAIT_RETRIES} times")
        raise TransferError(f"SWD {access} failed: {ack_text(ack)}")

    def _check_sticky(self, access: str) -> None:
        """The last AP access of a batch has no later AP access to FAULT on: CTRL/STAT tells whether it
        failed (a posted read's data from RDBUFF is worthless then)."""
        ctrl = self._packet(False, True, DP_CTRL_STAT, 0, None)
        if ctrl & STICKY_MASK:
            raise TransferError(f"SWD {access} failed{self._sticky_report()}")

    def _sticky_report(self) -> str:
        """After a FAULT: which sticky flags CTRL/STAT shows, then clear them so the next access can work."""
        ack, ctrl = self.link.transfer(request_byte(False, True, DP_CTRL_STAT))
        self.link.transfer(request_byte(False, False, DP_ABORT), ABORT_CLEAR_ALL)
        return sticky_report(ctrl if ack == ACK_OK else None)
