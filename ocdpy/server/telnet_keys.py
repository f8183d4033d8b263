"""What a telnet console user pressed, decoded from the byte stream: telnet's IAC commands are taken out
(option negotiation and subnegotiation ignored, as OpenOCD ignores them), then runs of printable ASCII
become text and control bytes or ANSI escape sequences become keys.

The decoder keeps its state between calls, because a key (`ESC [ A`, `CR LF`, `IAC DO x`) may arrive
split across network reads. It never buffers more than one escape sequence, so garbage cannot grow it.
"""
from __future__ import annotations

import enum


class Key(enum.Enum):
    ENTER = "enter"
    BACKSPACE = "backspace"
    DELETE = "delete"
    LEFT = "left"
    RIGHT = "right"
    HOME = "home"
    END = "end"
    UP = "up"
    DOWN = "down"
    TAB = "tab"
    INTERRUPT = "interrupt"
    CLEAR_LINE = "clear-line"
    KILL_TO_END = "kill-to-end"
    KILL_WORD = "kill-word"


def ctrl(letter: str) -> int:
    return ord(letter) - ord("@")


# OpenOCD 0.12's keys (Ctrl-W is ocdpy's own: OpenOCD ignores it); DEL and BS both erase backwards
CONTROL_KEYS = {
    ctrl("A"): Key.HOME, ctrl("B"): Key.LEFT, ctrl("C"): Key.INTERRUPT, ctrl("E"): Key.END,
    ctrl("F"): Key.RIGHT, ctrl("H"): Key.BACKSPACE, ctrl("I"): Key.TAB, ctrl("K"): Key.KILL_TO_END,
    ctrl("N"): Key.DOWN, ctrl("P"): Key.UP, ctrl("U"): Key.CLEAR_LINE, ctrl("W"): Key.KILL_WORD,
    0x7F: Key.BACKSPACE,
}
# the final byte (with its numeric parameter, if any) of `ESC [ …` and `ESC O …` sequences
ESCAPE_KEYS = {
    "A": Key.UP, "B": Key.DOWN, "C": Key.RIGHT, "D": Key.LEFT, "H": Key.HOME, "F": Key.END,
    "1~": Key.HOME, "7~": Key.HOME, "4~": Key.END, "8~": Key.END, "3~": Key.DELETE,
}
MAX_ESCAPE_PARAMS = 16  # longer parameter strings are not a key anyone pressed: dropped

IAC, SB, SE = 0xFF, 0xFA, 0xF0
WILL, WONT, DO, DONT = 0xFB, 0xFC, 0xFD, 0xFE
IAC_KEYS = {0xF4: Key.INTERRUPT, 0xF7: Key.BACKSPACE, 0xF8: Key.CLEAR_LINE}  # IP, EC (erase char), EL
ESC, CR, LF, NUL = 0x1B, 0x0D, 0x0A, 0x00


class KeyDecoder:
    """Feed it bytes; it returns the text (str) and keys (Key) they complete, in order."""

    def __init__(self) -> None:
        self._telnet = "data"       # data | iac | option | sb | sb-iac
        self._escape: str | None = None   # None, "" after ESC, "[" or "O" plus parameters so far
        self._after_enter: set[int] = set()  # bytes that still belong to the last line end

    def feed(self, data: bytes) -> list[str | Key]:
        out: list[str | Key] = []
        text = bytearray()
        for byte in data:
            item = self._telnet_byte(byte)
            if item is None:
                continue
            if isinstance(item, Key):
                key = item
            else:
                key = self._key_byte(item)
                if key is None:
                    continue
                if isinstance(key, int):
                    text.append(key)
                    continue
            if text:
                out.append(text.decode("ascii"))
                text.clear()
            out.append(key)
        if text:
            out.append(text.decode("ascii"))
        return out

    def _telnet_byte(self, byte: int) -> int | Key | None:
        """Telnet's layer: a data byte, a key sent as a telnet command, or None (consumed)."""
        state = self._telnet
        if state == "data":
            if byte == IAC:
                self._telnet = "iac"
                return None
            return byte
        if state == "iac":
            self._telnet = "data"
            if byte == IAC:
                return byte  # an escaped 0xFF data byte
            if byte in (WILL, WONT, DO, DONT):
                self._telnet = "option"
            elif byte == SB:
                self._telnet = "sb"
            return IAC_KEYS.get(byte)
        if state == "option":
            self._telnet = "data"
        elif state == "sb":
            self._telnet = "sb-iac" if byte == IAC else "sb"
        elif state == "sb-iac":
            self._telnet = "data" if byte == SE else "sb"
        return None

    def _key_byte(self, byte: int) -> int | Key | None:
        """The terminal's layer: a printable byte (returned as is), a key, or None."""
        if self._after_enter:
            skip = byte in self._after_enter
            self._after_enter = {NUL} if skip and byte != NUL else set()
            if skip:
                return None
        if self._escape is not None:
            return self._escape_byte(byte)
        if 0x20 <= byte < 0x7F:
            return byte
        if byte in (CR, LF):
            self._after_enter = {CR + LF - byte, NUL}  # CR LF, LF CR, CR NUL: one line end
            return Key.ENTER
        if byte == ESC:
            self._escape = ""
            return None
        return CONTROL_KEYS.get(byte)

    def _escape_byte(self, byte: int) -> Key | None:
        sequence, char = self._escape, chr(byte)
        if sequence == "":
            self._escape = char if char in "[O" else None
            return None
        if "0" <= char <= "9" or char == ";":
            self._escape = sequence + char if len(sequence) < MAX_ESCAPE_PARAMS else None
            return None
        self._escape = None
        return ESCAPE_KEYS.get(sequence[1:] + char)
