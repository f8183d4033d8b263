"""Jim's glob matching (`string match`, `switch -glob`, `lsearch -glob`, `info commands PATTERN`…), via cached regexes."""
from __future__ import annotations

import re
from functools import lru_cache

from .cstring import upper

_QUESTION_STARS = re.compile(r"\?\*+\Z")


@lru_cache(maxsize=1024)
def _glob_regex(pattern: str, nocase: bool) -> re.Pattern:
    """JimGlobMatch as a regex: `*`, `?`, `\\x`, and `[...]` sets where a backslash is a member
    and an unclosed set runs to the end of the pattern; -nocase folds ASCII only."""
    key = upper if nocase else str
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            while i + 1 < n and pattern[i + 1] == "*":
                i += 1
            out.append("[\\s\\S]*")
        elif c == "?":
            out.append("[\\s\\S]")
        elif c == "[":
            members, i = _glob_set(pattern, i + 1, key)
            out.append(_byte_class(c for c in map(chr, range(256)) if members(key(c))))
        else:
            if c == "\\" and i + 1 < n:
                i += 1
                c = pattern[i]
            c = key(c)
            out.append(f"[{c}{c.lower()}]" if nocase and "A" <= c <= "Z" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def _glob_set(pattern: str, i: int, key):
    """Parse a glob set starting after '['; returns (membership test, index of the closing ']')."""
    singles, spans, n = set(), [], len(pattern)
    while i < n and pattern[i] != "]":
        start = key(pattern[i])
        i += 1
        if start != "\\" and i < n and pattern[i] == "-" and n - i > 1:
            end = key(pattern[i + 1])
            spans.append((min(start, end), max(start, end)))
            i += 2
        else:
            singles.add(start)
    return (lambda ch: ch in singles or any(lo <= ch <= hi for lo, hi in spans)), i


def _byte_class(chars) -> str:
    body = "".join(re.escape(c) for c in chars)
    return f"[{body}]" if body else "(?!)"


def glob_match(pattern: str, s: str, nocase: bool = False) -> bool:
    """Jim's `string match`."""
    if not s and _QUESTION_STARS.match(pattern):
        return True  # JimGlobMatch's '?' steps past the end of an empty string, and '*' then matches
    return _glob_regex(pattern, nocase).match(s) is not None
