"""Tcl tokenizer feeding the lark grammar.

Tcl's lexical rules depend on context (brace nesting, whether we are inside a
command substitution, whether a command is starting), so they are written as a
small hand scanner; `grammar.lark` then builds commands and words from the
tokens. Backslash sequences are substituted here, so TEXT tokens carry final
text.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterator

from lark import Token
from lark.lexer import Lexer

from .errors import TclError

SPACE = " \t\r\f\v"
WORD_END = SPACE + "\n;"
_PLAIN_BARE = re.compile(r"[^ \t\r\f\v\n;\\$\[\]]+")
_PLAIN_QUOTED = re.compile(r'[^"\\$\[]+')
_PLAIN_INDEX = re.compile(r"[^\\$\[]+")
_VARNAME = re.compile(r"(?:[A-Za-z0-9_]|::)+")
_SPACES = re.compile(r"(?:[ \t\r\f\v]|\\\n)+")
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = {"x": 2, "u": 4, "U": 8}
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEXDIGITS = set("0123456789abcdefABCDEF")


class TclParseError(TclError):
    """A script that cannot be tokenized; carries the line where it failed."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def utf8_chars(codepoint: int) -> str:
    """Jim here is built without UTF-8 support: strings are bytes, kept as latin-1 text."""
    try:
        return chr(codepoint).encode("utf-8", "surrogatepass").decode("latin-1")
    except (ValueError, OverflowError):
        return ""


def backslash(src: str, i: int) -> tuple[str, int]:
    """Substitute the backslash sequence starting at src[i] == '\\'."""
    i += 1
    if i >= len(src):
        return "\\", i
    c = src[i]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 1
    if c == "\n":
        j = i + 1
        while j < len(src) and src[j] in " \t":
            j += 1
        return " ", j
    if c in _HEX:
        j = i + 1
        limit = j + _HEX[c]
        while j < limit and j < len(src) and src[j] in _HEXDIGITS:
            j += 1
        if j == i + 1:
            return c, i + 1
        value = int(src[i + 1:j], 16)
        if c == "x":
            return chr(value & 0xFF), j
        return utf8_chars(value), j
    m = _OCTAL.match(src, i)
    if m:
        return chr(int(m.group(), 8) & 0xFF), m.end()
    return c, i + 1


def subst_backslashes(text: str) -> str:
    """Backslash substitution alone (used by `subst -nocommands -novariables` and list parsing)."""
    if "\\" not in text:
        return text
    out = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("\\", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        s, i = backslash(text, j)
        out.append(s)
    return "".join(out)


def find_close_brace(src: str, i: int) -> int:
    """Index of the brace closing the one at src[i], or -1."""
    depth = 0
    n = len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


class Scanner:
    """One pass over one script text, yielding lark Tokens."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.n = len(src)
        self._newlines = [m.start() for m in re.finditer("\n", src)]

    def line(self, pos: int) -> int:
        return bisect_right(self._newlines, pos - 1) + 1

    def error(self, message: str, pos: int) -> TclParseError:
        return TclParseError(message, self.line(pos))

    def tok(self, kind: str, value: str, pos: int) -> Token:
        return Token(kind, value, pos, self.line(pos))

    # -- scripts and commands -------------------------------------------------
    def script(self, i: int, nested: bool) -> Iterator[Token]:
        src, n = self.src, self.n
        while True:
            while i < n and (src[i] in WORD_END or src.startswith("\\\n", i)):
                i += 2 if src[i] == "\\" else 1
            if i >= n:
                if nested:
                    raise self.error('unmatched "["', self.n)
                return i
            if nested and src[i] == "]":
                return i
            if src[i] == "#":
                i = self.comment(i)
                continue
            while True:
                i = yield from self.word(i, nested)
                m = _SPACES.match(src, i)
                j = m.end() if m else i
                if j >= n or src[j] in "\n;" or (nested and src[j] == "]"):
                    yield self.tok("EOC", "", i)
                    i = j
                    break
                yield self.tok("WS", " ", i)
                i = j

    def comment(self, i: int) -> int:
        src, n = self.src, self.n
        while i < n:
            c = src[i]
            if c == "\\":
                i += 2
            elif c == "\n":
                return i + 1
            else:
                i += 1
        return n

    # -- words ------------------------------------------------------------------
    def word(self, i: int, nested: bool) -> Iterator[Token]:
        src = self.src
        c = src[i]
        if c == "{":
            if src.startswith("{*}", i) and i + 3 < self.n and src[i + 3] not in WORD_END:
                yield self.tok("EXPAND", "{*}", i)
                return (yield from self.word(i + 3, nested))
            return (yield from self.braced(i, nested))
        if c == '"':
            yield self.tok("QOPEN", '"', i)
            i = yield from self.parts(i + 1, _PLAIN_QUOTED, '"', nested)
            if i >= self.n:
                raise self.error("missing quote", i)
            i += 1
            if i < self.n and src[i] not in WORD_END and not (nested and src[i] == "]"):
                i = yield from self.parts(i, _PLAIN_BARE, WORD_END, nested)
            yield self.tok("QCLOSE", '"', i)
            return i
        return (yield from self.parts(i, _PLAIN_BARE, WORD_END, nested))

    def braced(self, i: int, nested: bool) -> Iterator[Token]:
        close = find_close_brace(self.src, i)
        if close < 0:
            raise self.error("missing close-brace", i)
        yield self.tok("BRACED", self.src[i + 1:close], i)
        j = close + 1
        if j < self.n and self.src[j] not in WORD_END and not (nested and self.src[j] == "]"):
            raise self.error("extra characters after close-brace", j)
        return j

    def parts(self, i: int, plain: re.Pattern, stop: str, nested: bool) -> Iterator[Token]:
        """Text, variables and command substitutions up to a character in `stop`."""
        src, n = self.src, self.n
        bare = stop is WORD_END
        while i < n:
            c = src[i]
            if c in stop or (bare and nested and c == "]"):
                return i
            m = plain.match(src, i)
            if m:
                yield self.tok("TEXT", m.group(), i)
                i = m.end()
            elif c == "\\":
                if bare and src.startswith("\\\n", i):
                    return i
                text, i2 = backslash(src, i)
                yield self.tok("TEXT", text, i)
                i = i2
            elif c == "$":
                i = yield from self.variable(i)
            elif c == "[":
                yield self.tok("LBRACKET", "[", i)
                i = yield from self.script(i + 1, True)
                yield self.tok("RBRACKET", "]", i)
                i += 1
            else:  # a `]` outside a command substitution is plain text
                yield self.tok("TEXT", c, i)
                i += 1
        return i

    def variable(self, i: int) -> Iterator[Token]:
        src, n = self.src, self.n
        start = i
        i += 1
        if i < n and src[i] == "{":
            close = src.find("}", i + 1)
            if close < 0:
                close = n
            yield self.tok("VAR", src[i + 1:close], start)
            return close + 1
        m = _VARNAME.match(src, i)
        if not m:
            yield self.tok("TEXT", "$", start)
            return i
        name = m.group()
        i = m.end()
        if i < n and src[i] == "(":
            close = self.close_paren(i)
            if close >= 0:
                yield self.tok("VARIDX", name, start)
                sub = Scanner(src[:close])
                sub._newlines = self._newlines
                yield from sub.parts(i + 1, _PLAIN_INDEX, "", False)
                yield self.tok("VARIDX_END", ")", close)
                return close + 1
        yield self.tok("VAR", name, start)
        return i

    def close_paren(self, i: int) -> int:
        depth = 0
        src, n = self.src, self.n
        while i < n:
            c = src[i]
            if c == "\\":
                i += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return -1


class TclLexer(Lexer):
    """lark custom-lexer adapter: the input handed to lark is the script text."""

    def __init__(self, lexer_conf) -> None:  # noqa: D401 - lark's signature
        pass

    def lex(self, data) -> Iterator[Token]:
        text = data if isinstance(data, str) else data.text
        yield from Scanner(text).script(0, False)
