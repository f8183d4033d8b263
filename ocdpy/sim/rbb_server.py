"""OpenOCD's remote_bitbang protocol, server side: one ASCII letter per pin operation over TCP.

JTAG: `0`-`7` set TCK/TMS/TDI (4·TCK + 2·TMS + TDI), `R` samples TDO (answer `0`/`1`). SWD (newer OpenOCD):
`d`-`g` set SWCLK/SWDIO (`d` + 2·SWCLK + SWDIO), `O`/`o` switch the host's SWDIO driver on/off, `c` samples
SWDIO (answer `0`/`1`). Both: `r`-`u` set TRST/SRST (`r` + 2·TRST + SRST, 1 = asserted), `B`/`b` blink,
`Z`/`z` sleep 1 ms / 1 µs (handled by `serve`, outside the board lock, so the core runs meanwhile), `Q` quit.
Reads are answered in batches: everything received in one packet is processed before one reply goes out.

SWCLK is TCK and SWDIO is TMS, as on the SWJ-DP's pins: a rising edge clocks the SW-DP (which watches for
its select sequences even in JTAG mode) and, while the SWJ-DP is in JTAG mode, the scan chain. OpenOCD
samples each bit with the clock low and then raises it, so the SW-DP presents each bit after the rising edge
before it, and takes the host's bit on the rising edge.
"""
from __future__ import annotations

import contextlib
import re
import socket
import time
from typing import Callable

from .jtag_tap import ScanChain
from .swd_dp import SwDp
from .tcp_clients import serve_clients

SLEEPS = re.compile(rb"[Zz]+")


class BitbangSession:
    """Pin state and protocol decoding for one client connection. `chain` is None on a SW-DP-only part,
    `swd` None where the board offers no SWD."""

    def __init__(self, chain: ScanChain | None, swd: SwDp | None = None,
                 on_srst: Callable[[bool], None] | None = None) -> None:
        self.chain = chain
        self.swd = swd
        self.on_srst = on_srst
        self.tck = self.tms = self.tdi = 0
        self.drive_swdio = True
        self.srst = False

    def swdio(self) -> int:
        """The SWDIO line: the target's bit while it drives, else the host's, else the pull-up."""
        target = self.swd.swdio if self.swd else None
        if target is not None:
            return target
        return self.tms if self.drive_swdio else 1

    def _pins(self, tck: int, tms: int, tdi: int) -> None:
        if tck and not self.tck:
            swd = self.swd
            if self.chain and (swd is None or swd.jtag_selected):
                self.chain.clock(tms, tdi)
            if swd:
                self.tms = tms
                swd.clock(self.swdio())
        self.tck, self.tms, self.tdi = tck, tms, tdi

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        """Process received letters; returns (reply bytes, quit requested)."""
        reply = bytearray()
        for c in data:
            if 0x30 <= c <= 0x37:  # '0'..'7'
                bits = c - 0x30
                self._pins(bits >> 2, (bits >> 1) & 1, bits & 1)
            elif 0x64 <= c <= 0x67:  # 'd'..'g'
                bits = c - 0x64
                self._pins(bits >> 1, bits & 1, self.tdi)
            elif c == 0x63:  # 'c'
                reply.append(0x30 + self.swdio())
            elif c == 0x52:  # 'R'
                reply.append(0x31 if self.chain and self.chain.tdo else 0x30)
            elif c in (0x4F, 0x6F):  # 'O' / 'o'
                self.drive_swdio = c == 0x4F
            elif 0x72 <= c <= 0x75:  # 'r'..'u'
                self._reset_lines(c - 0x72)
            elif c == 0x51:  # 'Q'
                return bytes(reply), True
            # 'B'/'b' (LED), 'Z'/'z' (serve sleeps) and anything unknown: nothing to do
        return bytes(reply), False

    def _reset_lines(self, bits: int) -> None:
        if bits & 2 and self.chain:
            self.chain.reset()
        srst = bool(bits & 1)
        if srst != self.srst:
            self.srst = srst
            if self.on_srst:
                self.on_srst(srst)


def sleep_time(letters: bytes) -> float:
    """How long a run of `Z` (1 ms) and `z` (1 µs) letters asks the server to wait."""
    return letters.count(b"Z") * 1e-3 + letters.count(b"z") * 1e-6


def serve(chain: ScanChain | None, port: int, host: str = "127.0.0.1", on_srst=None,
          ready: Callable[[int], None] | None = None, max_clients: int | None = None, lock=None,
          swd: SwDp | None = None) -> None:
    """Serve remote_bitbang clients one after another on the board's scan chain and SW-DP.

    `lock` (if given) is held while each received packet is processed, so a core running on another
    thread is always between instructions when the probe looks at it; it is let go for remote sleeps."""
    lock = lock or contextlib.nullcontext()
    serve_clients(lambda conn: _serve_client(conn, BitbangSession(chain, swd, on_srst), lock),
                  port, host, ready, max_clients)


def _serve_client(conn: socket.socket, session: BitbangSession, lock) -> None:
    while True:
        data = conn.recv(65536)
        if not data:
            return
        start = 0
        for sleep in [*SLEEPS.finditer(data), None]:
            end = sleep.start() if sleep else len(data)
            with lock:
                reply, done = session.feed(data[start:end])
            if reply:
                conn.sendall(reply)
            if done:
                return
            if sleep:
                time.sleep(sleep_time(sleep.group()))
                start = sleep.end()
