"""Tcl values: conversions between the string form and ints, doubles, lists and dicts.

A Tcl value is held as the Python object it was last used as (str, int, float,
list or dict) and turned into a string only when something needs the string,
the way Jim keeps an internal representation beside the string one. Lists and
dicts parsed from strings are cached by string, so repeated `lindex $s` on the
same text parses once. Strings are Jim's bytes, held as latin-1 text.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

from .errors import TclError
from .lexer import backslash, find_close_brace

WIDE_MASK = (1 << 64) - 1
WIDE_SIGN = 1 << 63
_LIST_SPACE = " \t\n\r\f\v"
_INT_RE = re.compile(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)\s*\Z")
_FLOAT_RE = re.compile(r"\s*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)\s*\Z",
                       re.IGNORECASE)
_TRUE = frozenset(("1", "true", "yes", "on"))
_FALSE = frozenset(("0", "false", "no", "off"))


def wrap(n: int) -> int:
    """Jim's 64-bit wrap-around."""
    if -WIDE_SIGN <= n < WIDE_SIGN:
        return n
    n &= WIDE_MASK
    return n - (1 << 64) if n & WIDE_SIGN else n


def format_double(d: float) -> str:
    """Jim_DoubleToString: %.12g, with '.0' added when the result looks like an integer."""
    if d != d:
        return "NaN"
    if d in (math.inf, -math.inf):
        return "Inf" if d > 0 else "-Inf"
    s = "%.12g" % d
    if "." in s or "e" in s:
        return s
    return s + ".0"


def to_str(v) -> str:
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is float:
        return format_double(v)
    if t is list:
        return list_to_str(v)
    if t is dict:
        return dict_to_str(v)
    if v is None:
        return ""
    if t is bool:
        return "1" if v else "0"
    return str(v)


# -- numbers ---------------------------------------------------------------------
@lru_cache(maxsize=4096)
def parse_int(s: str) -> int | None:
    m = _INT_RE.match(s)
    if not m:
        return None
    digits = m.group(2)
    if len(digits) > 1 and digits[0] == "0" and digits[1] in "xXoObB":
        n = int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1].lower()])
    else:
        n = int(digits)
    if n > WIDE_MASK:  # strtoull saturates
        n = WIDE_MASK
    if m.group(1) == "-":
        n = -n
    return wrap(n)


@lru_cache(maxsize=4096)
def parse_double(s: str) -> float | None:
    if not _FLOAT_RE.match(s):
        n = parse_int(s)
        return None if n is None else float(n)
    try:
        return float(s)
    except ValueError:
        return None


def to_int(v) -> int:
    t = type(v)
    if t is int:
        return v
    s = to_str(v)
    n = parse_int(s)
    if n is None:
        raise TclError(f'expected integer but got "{s}"')
    return n


def to_double(v) -> float:
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    s = to_str(v)
    d = parse_double(s)
    if d is None:
        raise TclError(f'expected floating-point number but got "{s}"')
    return d


def to_number(v):
    """Int if the value reads as one, else double, else None (a plain string)."""
    t = type(v)
    if t is int or t is float:
        return v
    s = to_str(v)
    n = parse_int(s)
    if n is not None:
        return n
    return parse_double(s)


def to_bool(v) -> bool:
    t = type(v)
    if t is int or t is float:
        return v != 0
    s = to_str(v)
    n = to_number(s)
    if n is not None:
        return n != 0
    low = s.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise TclError(f'expected boolean but got "{s}"')


# -- lists -----------------------------------------------------------------------
_SIMPLE_BREAKERS = frozenset(' $"[];\\\r\n\t\f\v')


def _quoting(s: str) -> str:
    """Jim's choice for one list element: 'simple', 'brace' or 'quote'."""
    if not s:
        return "brace"
    try_simple = True
    if s[0] in '"{':
        try_simple = False
    else:
        for c in s:
            if c in _SIMPLE_BREAKERS:
                try_simple = False
                break
            if c in "{}":
                break
        else:
            return "simple"
    if s[-1] == "\\":
        return "quote"
    level = blevel = 0
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "{":
            level += 1
        elif c == "}":
            level -= 1
            if level < 0:
                return "quote"
        elif c == "[":
            blevel += 1
        elif c == "]":
            blevel -= 1
        elif c == "\\":
            if i + 1 < n and s[i + 1] == "\n":
                return "quote"
            i += 1
        i += 1
    if blevel < 0 or level != 0:
        return "quote"
    if not try_simple:
        return "brace"
    return "brace" if any(c in _SIMPLE_BREAKERS for c in s) else "simple"


_QUOTE_MAP = {" ": "\\ ", "$": "\\$", '"': '\\"', "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}",
              ";": "\\;", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f", "\v": "\\v"}
_QUOTE_TABLE = str.maketrans(_QUOTE_MAP)


def quote_element(s: str, first: bool = False) -> str:
    kind = _quoting(s)
    if kind == "simple":
        return "{" + s + "}" if first and s[0] == "#" else s
    if kind == "brace":
        return "{" + s + "}"
    return s.translate(_QUOTE_TABLE)


def list_to_str(items) -> str:
    out = []
    for i, item in enumerate(items):
        s = to_str(item)
        out.append(quote_element(s, i == 0))
    return " ".join(out)


def dict_to_str(d: dict) -> str:
    flat = []
    for k, v in d.items():
        flat.append(k)
        flat.append(v)
    return list_to_str(flat)


@lru_cache(maxsize=8192)
def parse_list(s: str) -> tuple:
    """Split a string into list elements, with Jim's lenient rules."""
    items = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in _LIST_SPACE:
            i += 1
        if i >= n:
            break
        c = s[i]
        if c == "{":
            close = find_close_brace(s, i)
            if close < 0:  # Jim is lenient: the rest of the text is the element
                close = n
            items.append(s[i + 1:close])
            i = close + 1
        elif c == '"':
            i += 1
            out = []
            while i < n and s[i] != '"':
                if s[i] == "\\":
                    ch, i = backslash(s, i)
                    out.append(ch)
                else:
                    j = i
                    while j < n and s[j] not in '"\\':
                        j += 1
                    out.append(s[i:j])
                    i = j
            i += 1  # an unmatched quote runs to the end, as in Jim
            items.append("".join(out))
        else:
            out = []
            while i < n and s[i] not in _LIST_SPACE:
                if s[i] == "\\":
                    ch, i = backslash(s, i)
                    out.append(ch)
                else:
                    j = i
                    while j < n and s[j] not in _LIST_SPACE and s[j] != "\\":
                        j += 1
                    out.append(s[i:j])
                    i = j
            items.append("".join(out))
    return tuple(items)


def to_list(v) -> list | tuple:
    """The list form of a value; callers must not mutate the result."""
    t = type(v)
    if t is list:
        return v
    if t is dict:
        flat = []
        for k, val in v.items():
            flat.append(k)
            flat.append(val)
        return flat
    if t is int or t is float:
        return (v,)
    return parse_list(to_str(v))


def to_dict(v) -> dict:
    """The dict form of a value; callers must copy before mutating."""
    if type(v) is dict:
        return v
    items = to_list(v)
    if len(items) % 2:
        raise TclError("missing value to go with key")
    d = {}
    for i in range(0, len(items), 2):
        d[to_str(items[i])] = items[i + 1]
    return d


def remove_key(d: dict, key) -> None:
    """Delete like Jim's hash table does: the last entry moves into the freed slot (visible in key order)."""
    last = next(reversed(d))
    if last == key:
        del d[key]
        return
    items = [(last, d[last]) if k == key else (k, v) for k, v in d.items() if k != last]
    d.clear()
    d.update(items)


def list_index(spec, length: int) -> int:
    """Resolve `end`, `end-N`, `N+M`, `N-M` index forms (Jim_GetIndex)."""
    if type(spec) is int:
        return spec
    s = to_str(spec)
    n = parse_int(s)
    if n is not None:
        return n
    text = s.strip()
    base = 0
    if text.startswith("end"):
        base = length - 1
        text = text[3:]
        if not text:
            return base
        if text[0] not in "+-":
            raise _bad_index(s)
    m = re.fullmatch(r"([+-]?\d+)(?:([+-])(\d+))?", text) if text else None
    if m:
        val = int(m.group(1))
        if m.group(2):
            val = val + int(m.group(3)) if m.group(2) == "+" else val - int(m.group(3))
        return base + val
    return base + _index_expr(s, text)


def _index_expr(spec: str, text: str) -> int:
    """Jim accepts an integer expression as an index (`2*3`, `end-1-1`), evaluated without substitution."""
    if not text or "$" in text or "[" in text:
        raise _bad_index(spec)
    from .expr import compile_expr
    try:
        value = compile_expr(text)(None)
    except TclError:
        raise _bad_index(spec) from None
    if type(value) is not int:
        raise _bad_index(spec)
    return value


def _bad_index(s: str) -> TclError:
    return TclError(f'bad index "{s}": must be intexpr or end?[+-]intexpr?')
