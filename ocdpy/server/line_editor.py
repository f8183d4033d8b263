"""The console line of a telnet session, edited the way OpenOCD 0.12's telnet server edits it: each edit
changes the line and returns the bytes that make the user's terminal show it (echo, backspaces, spaces
over erased characters), so the same logic serves any socket and is tested without one.

Also here: the command history (up/down arrows, the `history` listing, `~/.openocd_history`, shared with
OpenOCD) and tab completion of command and variable names (OpenOCD's rules for what is completed).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable

PROMPT = "> "
LINE_MAX = 2559      # OpenOCD's line buffer: 2560 bytes with the terminating NUL; more rings the bell
HISTORY_SIZE = 128   # OpenOCD's history ring
HISTORY_FILE = ".openocd_history"
BELL = b"\x07"
BS = b"\b"


def encode(text: str) -> bytes:
    return text.encode("latin-1", errors="replace")


class LineEditor:
    """The line being typed and the cursor in it (0..len)."""

    def __init__(self, prompt: str = PROMPT, max_size: int = LINE_MAX) -> None:
        self.prompt = prompt
        self.max_size = max_size
        self.line = ""
        self.cursor = 0

    def _tail(self) -> str:
        return self.line[self.cursor:]

    def insert(self, text: str) -> bytes:
        """Type text at the cursor; what does not fit rings the bell once per character."""
        room = self.max_size - len(self.line)
        text, refused = text[:max(room, 0)], len(text) - max(room, 0)
        tail = self._tail()
        self.line = self.line[:self.cursor] + text + tail
        self.cursor += len(text)
        shown = encode(text + tail) + BS * len(tail) if text else b""
        return shown + BELL * refused

    def backspace(self) -> bytes:
        if self.cursor == 0:
            return b""
        self.cursor -= 1
        self.line = self.line[:self.cursor] + self.line[self.cursor + 1:]
        tail = self._tail()
        return BS + encode(tail) + b" " + BS * (len(tail) + 1)

    def delete(self) -> bytes:
        """The character under the cursor (the Delete key)."""
        if self.cursor == len(self.line):
            return b""
        self.line = self.line[:self.cursor] + self.line[self.cursor + 1:]
        tail = self._tail()
        return encode(tail) + b" " + BS * (len(tail) + 1)

    def move_to(self, position: int) -> bytes:
        if not 0 <= position <= len(self.line) or position == self.cursor:
            return b""
        if position < self.cursor:
            shown = BS * (self.cursor - position)
        else:
            shown = encode(self.line[self.cursor:position])
        self.cursor = position
        return shown

    def left(self) -> bytes:
        return self.move_to(self.cursor - 1)

    def right(self) -> bytes:
        return self.move_to(self.cursor + 1)

    def home(self) -> bytes:
        return self.move_to(0)

    def end(self) -> bytes:
        return self.move_to(len(self.line))

    def kill_to_end(self) -> bytes:
        """Ctrl-K: drop everything after the cursor."""
        n = len(self.line) - self.cursor
        self.line = self.line[:self.cursor]
        return b" " * n + BS * n

    def kill_word(self) -> bytes:
        """Ctrl-W: drop the word before the cursor (and the spaces between it and the cursor)."""
        start = self.cursor
        while start and self.line[start - 1] == " ":
            start -= 1
        while start and self.line[start - 1] != " ":
            start -= 1
        n, tail = self.cursor - start, self._tail()
        if not n:
            return b""
        self.line, self.cursor = self.line[:start] + tail, start
        return BS * n + encode(tail) + b" " * n + BS * (n + len(tail))

    def clear(self) -> bytes:
        """Ctrl-U: an empty line (the cursor goes to the end first, then each character is rubbed out)."""
        shown = encode(self._tail()) + b"\b \b" * len(self.line)
        self.line, self.cursor = "", 0
        return shown

    def replace(self, text: str) -> bytes:
        """Show another line (from the history) with the cursor at its end."""
        shown = self.clear()
        self.line, self.cursor = text[:self.max_size], len(text[:self.max_size])
        return shown + encode(self.line)

    def take(self) -> str:
        """Enter: the finished line; the editor starts a new one."""
        line = self.line
        self.line, self.cursor = "", 0
        return line

    def interrupt(self) -> bytes:
        """Ctrl-C: `^C` after the line, which is dropped, and a fresh prompt."""
        shown = self.end() + b"^C\n\r" + encode(self.prompt)
        self.line, self.cursor = "", 0
        return shown

    def erase(self) -> bytes:
        """Wipe prompt and line off the terminal so a message can be printed where they were."""
        n = len(self.prompt) + len(self.line)
        return BS * n + b" " * n + BS * n

    def redraw(self) -> bytes:
        """Prompt and line again, the cursor where it was."""
        return encode(self.prompt + self.line) + BS * (len(self.line) - self.cursor)


class History:
    """Lines entered, oldest first, and where the up/down arrows are in them. The line being typed when
    the user first went up comes back when they come down past the newest entry. A history read from
    the file starts one entry back, as OpenOCD's does, so that the first up skips the `exit` or `shutdown`
    that ended the last session."""

    def __init__(self, entries: Iterable[str] = (), skip_newest: bool = False) -> None:
        self.entries = [e for e in entries if e][-HISTORY_SIZE:]
        self.position = len(self.entries) - (1 if skip_newest and self.entries else 0)
        self.draft: str | None = None

    def add(self, line: str) -> None:
        """A line was entered: kept unless blank or the same as the newest; the arrows start over."""
        if line.strip() and (not self.entries or self.entries[-1] != line):
            self.entries.append(line)
            del self.entries[:-HISTORY_SIZE]
        self.rewind()

    def rewind(self) -> None:
        """The arrows start again from the newest entry."""
        self.position, self.draft = len(self.entries), None

    def up(self, current: str) -> str | None:
        if self.position == 0:
            return None
        if self.draft is None:
            self.draft = current
        self.position -= 1
        return self.entries[self.position]

    def down(self) -> str | None:
        if self.position >= len(self.entries):
            return None
        self.position += 1
        if self.position == len(self.entries):
            return self.draft or ""
        return self.entries[self.position]

    def listing(self) -> bytes:
        """What OpenOCD's telnet `history` command prints (each line ends in CR LF NUL)."""
        return b"".join(encode(e) + b"\r\n\x00" for e in self.entries)


def history_path() -> Path | None:
    """`~/.openocd_history`, the file OpenOCD's telnet server keeps; None when there is no home."""
    try:
        return Path.home() / HISTORY_FILE
    except RuntimeError:
        return None


def load_history(path: Path) -> History:
    """The first HISTORY_SIZE non-empty lines of the file (as OpenOCD reads it); none if it is missing."""
    try:
        lines = path.read_bytes().decode("latin-1").splitlines()
    except OSError:
        lines = []
    return History([line for line in lines if line][:HISTORY_SIZE], skip_newest=True)


def save_history(path: Path, history: History) -> None:
    """Write the session's history over the file (the last session to close wins, as in OpenOCD)."""
    try:
        path.write_bytes(b"".join(encode(e) + b"\n" for e in history.entries))
    except OSError:
        pass  # OpenOCD, too, goes on without its history file


# -- tab completion ---------------------------------------------------------------------------------------
def completion_query(line: str, cursor: int) -> tuple[str, bool]:
    """What is being completed: the command words from the start of the command the cursor is in
    (after `;`, `[` or `{`), leading blanks dropped and runs of blanks made one; or, after a `$` with no
    blank since, a variable name. Returns (query, is_variable)."""
    start, variable, blanks = 0, False, False
    for i in range(cursor - 1, -1, -1):
        c = line[i]
        if c in ";[{":
            start = i + 1
            break
        if c == " ":
            blanks = True
        elif c == "$" and not blanks:
            start, variable = i + 1, True
            break
    return re.sub(" +", " ", line[start:cursor].lstrip()), variable


def complete(editor: LineEditor, names: Callable[[str, bool], list[str]]) -> bytes:
    """Tab: `names(prefix, is_variable)` lists the candidates (sorted). One match is completed and
    followed by a space when the cursor is at the end; several are completed to their common prefix,
    or listed when that adds nothing; none rings the bell."""
    query, variable = completion_query(editor.line, editor.cursor)
    matches = [n for n in names(query, variable) if n.startswith(query)]
    if not matches:
        return BELL
    common = os.path.commonprefix(matches)
    at_end = editor.cursor == len(editor.line)
    single = len(matches) == 1
    if len(common) > len(query):
        shown = editor.insert(common[len(query):])
        if single and at_end and not shown.endswith(BELL):
            shown += editor.insert(" ")
        return shown
    if single:
        return editor.insert(" ") if at_end else b""
    listing = b"".join(encode(m) + b"\n\r" for m in matches)
    return b"\n\r" + listing + editor.redraw()
