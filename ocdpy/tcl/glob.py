"""Tcl glob patterns (`string match`, `switch -glob`, `info commands PATTERN`…) via compiled regexes."""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=2048)
def _compile(pattern: str, nocase: bool) -> re.Pattern:
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                out.append(re.escape(c))
            else:
                out.append(_char_class(pattern[i + 1:close]))
                i = close
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL | (re.IGNORECASE if nocase else 0))


def _char_class(body: str) -> str:
    parts = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            lo, hi = sorted((body[i], body[i + 2]))
            parts.append(re.escape(lo) + "-" + re.escape(hi))
            i += 3
        else:
            parts.append(re.escape(body[i]))
            i += 1
    return "[" + "".join(parts) + "]" if parts else "(?!)"


def glob_match(pattern: str, text: str, nocase: bool = False) -> bool:
    return _compile(pattern, nocase).match(text) is not None
