"""Script text -> compiled command/word trees, built once per distinct text.

Words are small tuples `(kind, a, b, line)`: LIT (a = text), VAR (a = name),
VARIDX (a = name, b = index word), CMD (a = Script), CAT (a = parts),
EXP (a = word to expand). `line` is relative to the script's first line.
The lark parser tables are cached on disk so start-up does not rebuild them.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lark import Lark, Transformer, Token
from lark.exceptions import UnexpectedInput, VisitError

from .errors import TclError
from .lexer import TclLexer, TclParseError

LIT, VAR, VARIDX, CMD, CAT, EXP = range(6)
_GRAMMAR = Path(__file__).with_name("grammar.lark")


class Command:
    __slots__ = ("words", "line", "literal", "expand")

    def __init__(self, words: tuple, line: int) -> None:
        self.words = words
        self.line = line
        self.expand = any(w[0] == EXP for w in words)
        self.literal = [w[1] for w in words] if all(w[0] == LIT for w in words) else None


class Script:
    """Compiled commands; `expr` holds the expression text when the script is just `expr {...}`."""

    __slots__ = ("cmds", "expr")

    def __init__(self, cmds: tuple) -> None:
        self.cmds = cmds
        lit = cmds[0].literal if len(cmds) == 1 else None
        self.expr = lit[1] if lit is not None and len(lit) == 2 and lit[0] == "expr" else None


def _concat(parts: list, line: int) -> tuple:
    merged: list = []
    for p in parts:
        if p[0] == LIT and merged and merged[-1][0] == LIT:
            merged[-1] = (LIT, merged[-1][1] + p[1], None, merged[-1][3])
        else:
            merged.append(p)
    if not merged:
        return (LIT, "", None, line)
    if len(merged) == 1:
        return merged[0]
    return (CAT, tuple(merged), None, merged[0][3])


class _Build(Transformer):
    """Applied inline by the LALR parser: tokens straight to word tuples."""

    def text(self, items):
        t = items[0]
        return (LIT, str(t), None, t.line)

    def var(self, items):
        t = items[0]
        return (VAR, str(t), None, t.line)

    def varidx(self, items):
        t = items[0]
        return (VARIDX, str(t), _concat(items[1:-1], t.line), t.line)

    def cmdsub(self, items):
        t = items[0]
        return (CMD, Script(tuple(items[1:-1])), None, t.line)

    def braced(self, items):
        t = items[0]
        return (LIT, str(t), None, t.line)

    def quoted(self, items):
        return _concat(items[1:-1], items[0].line)

    def bare(self, items):
        return _concat(items, items[0][3])

    def expand(self, items):
        return (EXP, items[1], None, items[0].line)

    def command(self, items):
        words = tuple(i for i in items if not isinstance(i, Token))
        return Command(words, words[0][3])

    def start(self, items):
        return Script(tuple(items))


def _cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "ocdpy")
    try:
        os.makedirs(folder, exist_ok=True)
        probe = os.path.join(folder, ".w")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError:
        folder = tempfile.gettempdir()
    return os.path.join(folder, "tcl-grammar.lark-cache")


_parser: Lark | None = None


def _lark() -> Lark:
    global _parser
    if _parser is None:
        _parser = Lark(_GRAMMAR.read_text(), parser="lalr", lexer=TclLexer,
                       transformer=_Build(), cache=_cache_path())
    return _parser


class _Source:
    """Handed to lark as 'custom input' so the text reaches our lexer untouched."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_cache: dict[str, Script] = {}
_CACHE_LIMIT = 20000


def parse(text: str) -> Script:
    """Compile a script; the result is shared by every evaluation of the same text."""
    script = _cache.get(text)
    if script is None:
        if not text.strip():
            script = Script(())
        else:
            try:
                script = _lark().parse(_Source(text))
            except VisitError as e:  # pragma: no cover - transformer bug
                raise TclError(f"internal parse error: {e.orig_exc}") from None
            except UnexpectedInput as e:
                raise TclParseError("syntax error", getattr(e, "line", 1) or 1) from None
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[text] = script
    return script
