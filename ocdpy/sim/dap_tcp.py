"""CMSIS-DAP over TCP, probe side: the protocol of OpenOCD's `cmsis-dap backend tcp` (OpenOCD after 0.12,
src/jtag/drivers/cmsis_dap_tcp.c; `cmsis-dap tcp host <name>` / `cmsis-dap tcp port <n>`, default 4441).

TCP is a stream, so every CMSIS-DAP packet travels behind an 8-byte little-endian header:

    u32 signature 0x00504144 ("DAP\\0")   u16 payload length (header not included)
    u8  packet type: 1 request, 2 response   u8 reserved (0)

One request packet gets zero or more response packets (DAP_TransferAbort none; a DAP_QueueCommands packet
none until the queue runs). A client that breaks the framing (wrong signature or type, a payload longer
than the probe's packet size) is disconnected: after a bad header nothing later in the stream can be
trusted. Clients are served one after another, like the USB probe a single host owns.
"""
from __future__ import annotations

import contextlib
import socket
import struct
from typing import Callable, ContextManager, Iterator

from .cmsis_dap import CmsisDapModel, CommandQueue
from .tcp_clients import serve_clients

SIGNATURE = 0x00504144
REQUEST, RESPONSE = 0x01, 0x02
HEADER = struct.Struct("<IHBB")
DEFAULT_PORT = 4441


class FramingError(Exception):
    """The client's byte stream is not CMSIS-DAP-over-TCP."""


def frame(payload: bytes, packet_type: int = RESPONSE) -> bytes:
    return HEADER.pack(SIGNATURE, len(payload), packet_type, 0) + payload


class Deframer:
    """Splits received bytes into request payloads, however TCP cut them."""

    def __init__(self, max_payload: int) -> None:
        self.max_payload = max_payload
        self.buffer = bytearray()

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.buffer += data
        while len(self.buffer) >= HEADER.size:
            signature, length, packet_type, _ = HEADER.unpack_from(self.buffer)
            if signature != SIGNATURE:
                raise FramingError(f"bad signature 0x{signature:08x}")
            if packet_type != REQUEST:
                raise FramingError(f"packet type {packet_type} is not a request")
            if length > self.max_payload:
                raise FramingError(f"{length}-byte packet exceeds the probe's {self.max_payload}")
            if len(self.buffer) < HEADER.size + length:
                return
            payload = bytes(self.buffer[HEADER.size:HEADER.size + length])
            del self.buffer[:HEADER.size + length]
            yield payload


def _serve_client(conn: socket.socket, model: CmsisDapModel, lock: ContextManager) -> None:
    deframer = Deframer(model.packet_size)
    queue = CommandQueue(model)  # queued packets belong to this connection and die with it
    try:
        while data := conn.recv(65536):
            for payload in deframer.feed(data):
                with lock:
                    responses = queue.receive(payload)
                if responses:
                    conn.sendall(b"".join(frame(r) for r in responses))
    except (OSError, FramingError):
        pass


def serve(model: CmsisDapModel, port: int = DEFAULT_PORT, host: str = "127.0.0.1",
          ready: Callable[[int], None] | None = None, max_clients: int | None = None,
          lock: ContextManager | None = None) -> None:
    """Serve clients one after another; a client that drops or misbehaves never takes the probe down.

    `ready(port)` is called once listening (port 0 picks a free one). `lock` (if given) is held while each
    packet is executed, so a core running on another thread is always between instructions."""
    lock = lock or contextlib.nullcontext()
    serve_clients(lambda conn: _serve_client(conn, model, lock), port, host, ready, max_clients)
