"""A Tcl RPC client for tests: sends 0x1a-ended commands, splits what comes back into replies and the
notifications (`type target_… \\r\\n`) written before them."""
from __future__ import annotations

import socket
import time

END = b"\x1a"


def is_notification(frame: bytes) -> bool:
    return frame.startswith(b"type target_") and frame.endswith(b"\r\n")


class TclRpc:
    """One connection to a Tcl RPC port."""

    def __init__(self, port: int, timeout: float = 20) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.pending = b""

    def frame(self) -> bytes:
        """The next 0x1a-ended piece, without its 0x1a."""
        while END not in self.pending:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError(f"connection closed; unframed bytes: {self.pending[:200]!r}")
            self.pending += data
        frame, _, self.pending = self.pending.partition(END)
        return frame

    def call(self, command: bytes | str) -> tuple[list[bytes], bytes]:
        """Send one command; (notifications that came first, the reply)."""
        self.send(command + (END if isinstance(command, bytes) else "\x1a"))
        return self.reply()

    def reply(self) -> tuple[list[bytes], bytes]:
        notes = []
        while True:
            frame = self.frame()
            if not is_notification(frame):
                return notes, frame
            notes.append(frame)

    def run(self, command: str) -> bytes:
        """The reply of a command that is expected to send no notification."""
        notes, reply = self.call(command)
        assert not notes, notes
        return reply

    def send(self, data: bytes | str) -> None:
        self.sock.sendall(data.encode("latin-1") if isinstance(data, str) else data)

    def read_exactly(self, n: int) -> bytes:
        while len(self.pending) < n:
            data = self.sock.recv(65536)
            if not data:
                break
            self.pending += data
        out, self.pending = self.pending[:n], self.pending[n:]
        return out

    def closed_by_peer(self, timeout: float = 10) -> bool:
        """Whether the server closes this connection within `timeout` (reading and discarding meanwhile)."""
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if not self.sock.recv(65536):
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
        return False

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "TclRpc":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
