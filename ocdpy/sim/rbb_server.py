"""OpenOCD's remote_bitbang protocol, server side: one ASCII letter per pin operation over TCP.

`0`-`7` set TCK/TMS/TDI (4·TCK + 2·TMS + TDI), `R` samples TDO (answer `0`/`1`), `r`-`u` set TRST/SRST
(`r` + 2·TRST + SRST, 1 = asserted), `B`/`b` blink, `Q` quit. A rising TCK edge clocks the scan chain.
Reads are answered in batches: everything received in one packet is processed before one reply goes out.
"""
from __future__ import annotations

import contextlib
import socket
from typing import Callable

from .jtag_tap import ScanChain


class BitbangSession:
    """Pin state and protocol decoding for one client connection."""

    def __init__(self, chain: ScanChain, on_srst: Callable[[bool], None] | None = None) -> None:
        self.chain = chain
        self.on_srst = on_srst
        self.tck = 0
        self.srst = False

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        """Process received letters; returns (reply bytes, quit requested)."""
        reply = bytearray()
        chain = self.chain
        for c in data:
            if 0x30 <= c <= 0x37:  # '0'..'7'
                bits = c - 0x30
                tck = bits >> 2
                if tck and not self.tck:
                    chain.clock((bits >> 1) & 1, bits & 1)
                self.tck = tck
            elif c == 0x52:  # 'R'
                reply.append(0x31 if chain.tdo else 0x30)
            elif 0x72 <= c <= 0x75:  # 'r'..'u'
                bits = c - 0x72
                if bits & 2:
                    chain.reset()
                srst = bool(bits & 1)
                if srst != self.srst:
                    self.srst = srst
                    if self.on_srst:
                        self.on_srst(srst)
            elif c == 0x51:  # 'Q'
                return bytes(reply), True
            # 'B'/'b' (LED) and anything unknown: nothing to do
        return bytes(reply), False


def serve(chain: ScanChain, port: int, host: str = "127.0.0.1", on_srst=None,
          ready: Callable[[int], None] | None = None, max_clients: int | None = None, lock=None) -> None:
    """Serve clients one after another; a client that drops never takes the board down.

    `lock` (if given) is held while each received packet is processed, so a core running on another
    thread is always between instructions when the probe looks at it."""
    lock = lock or contextlib.nullcontext()
    with socket.create_server((host, port)) as server:
        if ready:
            ready(server.getsockname()[1])
        served = 0
        while max_clients is None or served < max_clients:
            conn, _ = server.accept()
            served += 1
            with conn:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                session = BitbangSession(chain, on_srst)
                try:
                    while True:
                        data = conn.recv(65536)
                        if not data:
                            break
                        with lock:
                            reply, done = session.feed(data)
                        if reply:
                            conn.sendall(reply)
                        if done:
                            break
                except OSError:
                    pass
