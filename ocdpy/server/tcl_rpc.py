"""OpenOCD's Tcl RPC server (`tcl_port`, 6666 by default), byte for byte as OpenOCD 0.12 speaks it.

A client sends command text ended by 0x1a; every command is answered with its result, or its error
message, followed by 0x1a. Commands may arrive several in one read or split over many. The text is taken
as a C string (it ends at the first NUL) and as bytes, one character each, as OpenOCD's Jim build does.
A command longer than OpenOCD's 4 MiB line buffer is not kept: its bytes are dropped as they arrive and
its 0x1a is answered with OpenOCD's `line too long\\n` plus a NUL (and no 0x1a), so memory stays bounded.

`tcl_notifications on` makes this connection also receive every target event and state change
(`type target_event event NAME`, `type target_state state NAME`, `type target_reset mode MODE`), and
`tcl_trace on` the target's trace bytes (`type target_trace data HEX`), each line ended by CR LF and 0x1a,
written as they happen, interleaved with the replies.
"""
from __future__ import annotations

from ..errors import ShutdownRequest
from .commands import evaluate
from .loop import Protocol

TERMINATOR = b"\x1a"
# OpenOCD 0.12 runs a command of at most 4194302 bytes; one byte more and the line is dropped
MAX_COMMAND = 4 * 1024 * 1024 - 2
LINE_TOO_LONG = b"line too long\n\x00"


def encode(text: str) -> bytes:
    """Text read as bytes (latin-1) goes back unchanged; a character beyond that (from a file name, say)
    goes out in UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


class TclRpcClient(Protocol):
    """One Tcl RPC connection: its partial command, its notification switches and the last target state
    it was told of (shared by all targets, as in OpenOCD)."""

    def __init__(self, session) -> None:
        self.session = session
        self.notify = False
        self.trace = False
        self._line = bytearray()
        self._dropping = False
        target = session.current_target
        self._last_state = getattr(target, "state", None)

    # -- connection -----------------------------------------------------------------------------------
    def connection_made(self, conn) -> None:
        super().connection_made(conn)
        s = self.session
        s.event_listeners.append(self.target_event)
        s.reset_listeners.append(self.target_reset)
        s.trace_listeners.append(self.target_trace)

    def connection_lost(self) -> None:
        s = self.session
        for listeners, listener in ((s.event_listeners, self.target_event), (s.reset_listeners, self.target_reset),
                                    (s.trace_listeners, self.target_trace)):
            if listener in listeners:
                listeners.remove(listener)
        self._line.clear()

    def data_received(self, data: bytes) -> None:
        start = 0
        while not self.conn.closed:
            end = data.find(TERMINATOR, start)
            if end < 0:
                self._keep(data[start:])
                return
            self._keep(data[start:end])
            start = end + 1
            self._complete()

    def _keep(self, piece: bytes) -> None:
        """Add to the command being received, unless it has already outgrown the line buffer."""
        if self._dropping or not piece:
            return
        if len(self._line) + len(piece) > MAX_COMMAND:
            self._dropping = True
            self._line.clear()
        else:
            self._line += piece

    def _complete(self) -> None:
        """A 0x1a arrived: run the command it ends and answer."""
        line, dropped = bytes(self._line), self._dropping
        self._line.clear()
        self._dropping = False
        if dropped:
            self.conn.send(LINE_TOO_LONG)
            return
        text = line.split(b"\x00", 1)[0].decode("latin-1")
        self.session.tcl_client = self
        try:
            _, result = evaluate(self.session, text)
        except ShutdownRequest:
            self.conn.send(TERMINATOR)
            raise
        finally:
            self.session.tcl_client = None
        self.conn.send(encode(result) + TERMINATOR)

    # -- notifications (listeners of ocdpy's target events) ---------------------------------------------
    def _notify(self, message: str) -> None:
        if not self.conn.closed:
            self.conn.send(encode(message) + b"\r\n" + TERMINATOR)

    def target_event(self, target, event: str) -> None:
        """Every target event; the state is compared after each one, so a change shows up right after
        the event during which it happened (OpenOCD tracks the last state even while notifications are off)."""
        if self.notify:
            self._notify(f"type target_event event {event}")
        state = target.state
        if state != self._last_state:
            self._last_state = state
            if self.notify:
                self._notify(f"type target_state state {state}")

    def target_reset(self, target, mode: str) -> None:
        if self.notify:
            self._notify(f"type target_reset mode {mode}")

    def target_trace(self, target, data: bytes) -> None:
        if self.trace:
            self._notify(f"type target_trace data {data.hex()}")
