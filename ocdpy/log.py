"""OpenOCD-style log lines (`Info : `, `Warn : `, `Error: `, `Debug: `) with `-d` levels and `-l` output."""
from __future__ import annotations

import sys
from typing import Callable, TextIO

ERROR, WARNING, INFO, DEBUG = 0, 1, 2, 3
_PREFIX = {ERROR: "Error: ", WARNING: "Warn : ", INFO: "Info : ", DEBUG: "Debug: "}


def split_level(text: str) -> tuple[int | None, str]:
    """A logged text as (its level, the message without the prefix); level None for unprefixed user lines.
    Telnet, GDB's console and `capture` show messages without the prefix, as OpenOCD's do."""
    for level, prefix in _PREFIX.items():
        if text.startswith(prefix):
            return level, text[len(prefix):]
    return None, text


def without_level(text: str) -> str | None:
    """A logged text as telnet and GDB's console show it: no level prefix; None for debug output, which
    OpenOCD never sends to them."""
    level, message = split_level(text)
    return None if level == DEBUG else message


class Log:
    """Where log lines go and which are shown; one per session."""

    def __init__(self, level: int = INFO, stream: TextIO | None = None) -> None:
        self.level = level
        self.stream = stream
        # telnet sessions and GDB `monitor` commands see the log as it is written, as OpenOCD's do
        self.listeners: list[Callable[[str], None]] = []

    def _out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stderr

    def write(self, text: str) -> None:
        """Text with no newline added (`echo -n`)."""
        out = self._out()
        out.write(text)
        out.flush()
        self._tell(text)

    def emit(self, level: int, message: str) -> None:
        if level <= self.level:
            self.user(_PREFIX[level] + message)

    def user(self, message: str) -> None:
        """An unprefixed line that is always shown (OpenOCD's LOG_USER: `echo`, banners)."""
        out = self._out()
        out.write(message + "\n")
        out.flush()
        self._tell(message + "\n")

    def _tell(self, text: str) -> None:
        for listener in list(self.listeners):
            listener(text)

    def error(self, message: str) -> None:
        self.emit(ERROR, message)

    def warning(self, message: str) -> None:
        self.emit(WARNING, message)

    def info(self, message: str) -> None:
        self.emit(INFO, message)

    def debug(self, message: str) -> None:
        self.emit(DEBUG, message)

    def redirect(self, path: str) -> None:
        if self.stream is not None:
            self.stream.close()
        self.stream = open(path, "a", encoding="latin-1", errors="replace")

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
