"""A bare GDB remote-protocol client for tests: frames packets, checks acks, collects replies, so a test can
send exactly the bytes it means (bad checksums, garbage, half packets) and read what the server answers."""
from __future__ import annotations

import socket
import time


def checksum(payload: bytes) -> bytes:
    return b"%02x" % (sum(payload) & 0xFF)


def frame(payload: bytes) -> bytes:
    return b"$" + payload + b"#" + checksum(payload)


class GdbWire:
    """One TCP connection to a GDB server, with acks on (as gdb starts) until `no_ack()`."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.acks = True

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self, deadline: float) -> None:
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def read_byte(self, timeout: float = 10) -> bytes:
        deadline = time.monotonic() + timeout
        while not self.buf:
            self._fill(deadline)
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_packet(self, timeout: float = 10) -> bytes:
        """The next packet's payload (acks before it skipped); acks it when acks are on."""
        deadline = time.monotonic() + timeout
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                payload, given = self.buf[start + 1:end], self.buf[end + 1:end + 3]
                self.buf = self.buf[end + 3:]
                assert given == checksum(payload), f"bad checksum from server on {payload[:60]!r}"
                if self.acks:
                    self.sock.sendall(b"+")
                return payload
            self._fill(deadline)

    def command(self, payload: bytes | str, timeout: float = 10) -> bytes:
        """Send a packet, expect '+' (with acks on), return the reply's payload."""
        if isinstance(payload, str):
            payload = payload.encode("latin-1")
        self.sock.sendall(frame(payload))
        if self.acks:
            ack = self.read_byte(timeout)
            assert ack == b"+", f"expected an ack for {payload[:40]!r}, got {ack!r}"
        return self.read_packet(timeout)

    def no_ack(self) -> None:
        assert self.command("QStartNoAckMode") == b"OK"
        self.acks = False

    def close(self) -> None:
        self.sock.close()
