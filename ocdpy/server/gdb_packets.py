"""GDB remote serial protocol framing: `$payload#cs` packets with their modulo-256 checksum, `+`/`-`
acknowledgements, the 0x03 interrupt byte between packets, `}` escapes and `*` run-length encoding.

The reader is fed bytes as the network delivers them and yields whole events; a packet longer than the
limit is counted, not kept, and reported as oversize once its end arrives, so no client can make the server
buffer without bound."""
from __future__ import annotations

from dataclasses import dataclass

ESCAPE, RLE = 0x7D, 0x2A
NEEDS_ESCAPE = (b"$", b"#", b"}", b"*")


@dataclass(frozen=True)
class Event:
    """kind: 'packet' (payload decoded), 'bad' (checksum mismatch), 'oversize', 'interrupt', 'ack', 'nak'."""

    kind: str
    payload: bytes = b""


def checksum(raw: bytes) -> int:
    return sum(raw) & 0xFF


def decode(raw: bytes) -> bytes:
    """Undo `}` escapes and expand `*` run lengths (repeat count = the next byte - 29)."""
    if ESCAPE not in raw and RLE not in raw:
        return raw
    out = bytearray()
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b == ESCAPE and i + 1 < n:
            out.append(raw[i + 1] ^ 0x20)
            i += 2
        elif b == RLE and i + 1 < n and out:
            out += bytes([out[-1]]) * (raw[i + 1] - 29)
            i += 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


def escape(payload: bytes) -> bytes:
    if not any(c in payload for c in NEEDS_ESCAPE):
        return payload
    out = bytearray()
    for b in payload:
        if b in (0x24, 0x23, 0x7D, 0x2A):
            out += bytes((ESCAPE, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def frame(payload: bytes) -> bytes:
    """One outgoing packet, escaped, with its checksum."""
    body = escape(payload)
    return b"$" + body + b"#%02x" % checksum(body)


class PacketReader:
    """Incremental parser of what gdb sends; `feed` returns the events completed by these bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._raw = bytearray()
        self._length = 0          # bytes of the current packet seen (kept only up to the limit)
        self._in_packet = False
        self._ended = False       # '#' seen: the two checksum digits follow
        self._tail = bytearray()

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        i, n = 0, len(data)
        while i < n:
            if not self._in_packet:
                start = data.find(b"$", i)
                between = data[i:] if start < 0 else data[i:start]
                for b in between:  # outside packets: acks and the interrupt; anything else is noise
                    if b == 0x2B:
                        events.append(Event("ack"))
                    elif b == 0x2D:
                        events.append(Event("nak"))
                    elif b == 0x03:
                        events.append(Event("interrupt"))
                if start < 0:
                    break
                self._begin()
                i = start + 1
            elif self._ended:
                need = 2 - len(self._tail)
                self._tail += data[i:i + need]
                i += min(need, n - i)
                if len(self._tail) == 2:
                    events.append(self._finish())
            else:
                end = data.find(b"#", i)
                piece = data[i:] if end < 0 else data[i:end]
                start = piece.find(b"$")
                if start >= 0:  # a new packet before this one ended: gdb gave up on it (we never answered)
                    piece, end = piece[:start], i + start
                    self._begin()
                    i = end + 1
                    continue
                self._take(piece)
                if end < 0:
                    break
                self._ended = True
                i = end + 1
        return events

    def _begin(self) -> None:
        self._raw.clear()
        self._length = 0
        self._in_packet = True
        self._ended = False
        self._tail = bytearray()

    def _take(self, piece: bytes) -> None:
        self._length += len(piece)
        room = self.limit - len(self._raw)
        if room > 0:
            self._raw += piece[:room]

    def _finish(self) -> Event:
        self._in_packet = False
        raw = bytes(self._raw)
        self._raw.clear()
        if self._length > self.limit:
            return Event("oversize", str(self._length).encode())
        try:
            given = int(self._tail, 16)
        except ValueError:
            return Event("bad", raw)
        if given != checksum(raw):
            return Event("bad", raw)
        return Event("packet", decode(raw))


def parse_hex(text: bytes) -> int:
    """A hex number from a packet field; ValueError when it is not one."""
    if not text:
        raise ValueError("empty number")
    return int(text, 16)
