"""CMSIS-DAP over TCP, host side (`cmsis-dap backend tcp`, OpenOCD after 0.12): `cmsis-dap tcp host NAME`
and `cmsis-dap tcp port N` (default localhost:4441).

TCP is a stream, so each packet travels behind an 8-byte little-endian header: u32 signature "DAP\\0"
(0x00504144), u16 payload length, u8 type (1 request, 2 response), u8 reserved.
"""
from __future__ import annotations

import socket
import struct

from ..errors import OcdError

SIGNATURE = 0x00504144
REQUEST, RESPONSE = 0x01, 0x02
HEADER = struct.Struct("<IHBB")
DEFAULT_HOST, DEFAULT_PORT = "localhost", 4441
TIMEOUT_S = 5.0


class TcpLink:
    """Framed CMSIS-DAP packets over one TCP connection."""

    initial_packet = 64
    max_packet = None

    def __init__(self, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.where = f"{host}:{port}"
        try:
            self.sock = socket.create_connection((host, port), timeout=TIMEOUT_S)
        except OSError as e:
            raise OcdError(f"cmsis-dap: cannot connect to the CMSIS-DAP TCP server at {self.where}: "
                           f"{e.strerror or e}") from None
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()

    def write(self, packet: bytes) -> None:
        try:
            self.sock.sendall(HEADER.pack(SIGNATURE, len(packet), REQUEST, 0) + packet)
        except OSError as e:
            raise OcdError(f"cmsis-dap: sending to {self.where} failed: {e}") from None

    def _take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            try:
                data = self.sock.recv(65536)
            except OSError as e:
                raise OcdError(f"cmsis-dap: no answer from {self.where}: {e}") from None
            if not data:
                raise OcdError(f"cmsis-dap: {self.where} closed the connection")
            self.buffer += data
        chunk = bytes(self.buffer[:n])
        del self.buffer[:n]
        return chunk

    def read(self, size: int) -> bytes:
        signature, length, kind, _ = HEADER.unpack(self._take(HEADER.size))
        if signature != SIGNATURE or kind != RESPONSE:
            raise OcdError(f"cmsis-dap: {self.where} does not speak CMSIS-DAP over TCP "
                           f"(signature 0x{signature:08x}, packet type {kind})")
        return self._take(length)

    def close(self) -> None:
        self.sock.close()
