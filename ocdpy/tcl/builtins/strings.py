"""`string` and `subst`, following Jim 0.81 as built without UTF-8 support.

Strings are bytes (held as latin-1 text), so lengths and indices count bytes and
case mapping and character classes are those of the C locale: ASCII only.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..errors import TclBreak, TclContinue, TclError, TclReturn, wrong_args
from ..expr import evaluate, wide_expr
from ..lexer import find_close_brace, subst_backslashes
from ..cstring import lower, upper
from ..glob import glob_match
from ..values import list_index, parse_int, to_int, to_list, to_str
from ._args import get_enum
from .formatting import double_value

_TRIM_DEFAULT = " \t\n\r\0"
_C_SPACE = " \t\n\v\f\r"
_BOOLEANS = frozenset(("1", "true", "yes", "on", "0", "false", "no", "off"))


def _wrong(argv: list, usage: str) -> TclError:
    """Jim_WrongNumArgs(interp, 2, ...): the words as typed (an abbreviation stays abbreviated)."""
    return wrong_args(f"{to_str(argv[0])} {to_str(argv[1])} {usage}")


def _range(first: int, last: int, length: int) -> tuple[int, int]:
    """JimRelToAbsRange: clamp [first, last] to the string; an empty range has first > last."""
    if first > last:
        return first, last
    return max(first, 0), min(last, length - 1)


# -- subcommands --------------------------------------------------------------------
def _length(interp, argv):
    if len(argv) != 3:
        raise _wrong(argv, "string")
    return len(to_str(argv[2]))


def _cat(interp, argv):
    if len(argv) == 3:
        return argv[2]
    return "".join(to_str(a) for a in argv[2:])


def _compare(interp, argv, equal: bool = False):
    """compare/equal ?-nocase? ?-length int? string1 string2."""
    usage = "?-nocase? ?-length int? string1 string2"
    nocase, length = False, -1
    n, i = len(argv) - 4, 2  # n: words left for options
    while n > 0:
        try:
            opt = get_enum(to_str(argv[i]), ("-nocase", "-length"))
        except TclError:
            raise _wrong(argv, usage) from None
        if opt == "-nocase":
            nocase, i, n = True, i + 1, n - 1
        elif n < 2:
            raise _wrong(argv, usage)
        else:
            length, i, n = to_int(argv[i + 1]), i + 2, n - 2
    if n:
        raise _wrong(argv, usage)
    a, b = to_str(argv[-2]), to_str(argv[-1])
    if length >= 0:
        a, b = a[:length], b[:length]
    if nocase:
        a, b = upper(a), upper(b)
    cmp = (a > b) - (a < b)
    return int(cmp == 0) if equal else cmp


def _equal(interp, argv):
    return _compare(interp, argv, equal=True)


def _nocase_args(argv: list, usage: str) -> tuple[bool, list]:
    """`?-nocase? a b` for match and map; returns (nocase, [a, b])."""
    if len(argv) == 4:
        return False, argv[2:]
    if len(argv) == 5:
        try:
            get_enum(to_str(argv[2]), ("-nocase",))
            return True, argv[3:]
        except TclError:
            pass
    raise _wrong(argv, usage)


def _match(interp, argv):
    nocase, (pattern, s) = _nocase_args(argv, "?-nocase? pattern string")
    return int(glob_match(to_str(pattern), to_str(s), nocase))


@lru_cache(maxsize=256)
def _map_regex(keys: tuple) -> re.Pattern:
    return re.compile("|".join(re.escape(k) for k in keys))


def _map(interp, argv):
    """At each position the first key of the list that matches wins (JimStringMap)."""
    nocase, (mapping, s) = _nocase_args(argv, "?-nocase? mapList string")
    pairs = to_list(mapping)
    if len(pairs) % 2:
        raise TclError("list must contain an even number of elements")
    s = to_str(s)
    keys, values = [], {}
    for k, v in zip(pairs[::2], pairs[1::2]):
        k = to_str(k)
        k = upper(k) if nocase else k
        if k and k not in values:
            keys.append(k)
            values[k] = to_str(v)
    if not keys:
        return s
    subject = upper(s) if nocase else s
    out, pos = [], 0
    for m in _map_regex(tuple(keys)).finditer(subject):
        out.append(s[pos:m.start()])
        out.append(values[m.group()])
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


def _str_range(interp, argv):
    if len(argv) != 5:
        raise _wrong(argv, "string first last")
    s = to_str(argv[2])
    first, last = _range(list_index(argv[3], len(s)), list_index(argv[4], len(s)), len(s))
    return s[first:last + 1] if first <= last else ""


def _replace(interp, argv):
    if len(argv) not in (5, 6):
        raise _wrong(argv, "string first last ?string?")
    s = to_str(argv[2])
    first, last = _range(list_index(argv[3], len(s)), list_index(argv[4], len(s)), len(s))
    if last < first:
        return argv[2]
    return s[:first] + (to_str(argv[5]) if len(argv) == 6 else "") + s[last + 1:]


def _repeat(interp, argv):
    if len(argv) != 4:
        raise _wrong(argv, "string count")
    count = wide_expr(argv[3])
    return to_str(argv[2]) * count if count > 0 else ""


def _reverse(interp, argv):
    if len(argv) != 3:
        raise _wrong(argv, "string")
    return to_str(argv[2])[::-1]


def _index(interp, argv):
    if len(argv) != 4:
        raise _wrong(argv, "string index")
    s = to_str(argv[2])
    i = list_index(argv[3], len(s))
    return s[i] if 0 <= i < len(s) else ""


def _first(interp, argv, first: bool = True):
    if len(argv) not in (4, 5):
        raise _wrong(argv, "subString string ?index?")
    needle, hay = to_str(argv[2]), to_str(argv[3])
    idx = 0 if first else len(hay)
    if len(argv) == 5:
        idx = max(list_index(argv[4], len(hay)), 0)
    if not needle or not hay or len(needle) > len(hay):
        return -1
    if first:
        return hay.find(needle, idx)
    # JimStringLast treats the index as the length of the string searched: starts before it
    if not idx or len(needle) > idx:
        return -1
    return hay.rfind(needle, 0, min(idx - 1 + len(needle), len(hay)))


def _last(interp, argv):
    return _first(interp, argv, first=False)


def _trimmer(method: str):
    """trim, trimleft, trimright: the default set includes NUL, as in Jim."""
    def trim(interp, argv):
        if len(argv) not in (3, 4):
            raise _wrong(argv, "string ?trimchars?")
        chars = to_str(argv[3]) if len(argv) == 4 else _TRIM_DEFAULT
        return getattr(to_str(argv[2]), method)(chars)
    return trim


def _title(s: str) -> str:
    return upper(s[:1]) + lower(s[1:])


def _caser(convert):
    """tolower, toupper, totitle; Jim's copy loop stops at the first NUL byte."""
    def case(interp, argv):
        if len(argv) != 3:
            raise _wrong(argv, "string")
        return convert(to_str(argv[2]).split("\0", 1)[0])
    return case


def _ctype(low: int, high: int, extra: str = "") -> frozenset:
    return frozenset(map(chr, range(low, high + 1))) | frozenset(extra)


_DIGIT = _ctype(48, 57)
_UPPER = _ctype(65, 90)
_LOWER = _ctype(97, 122)
_GRAPH = _ctype(33, 126)
_CHAR_CLASSES = {
    "alpha": _UPPER | _LOWER, "alnum": _UPPER | _LOWER | _DIGIT, "ascii": _ctype(0, 127),
    "digit": _DIGIT, "lower": _LOWER, "upper": _UPPER, "space": frozenset(_C_SPACE),
    "xdigit": _DIGIT | frozenset("abcdefABCDEF"), "control": _ctype(0, 31, "\x7f"),
    "print": _GRAPH | {" "}, "graph": _GRAPH, "punct": _GRAPH - _UPPER - _LOWER - _DIGIT,
}
_IS_CLASSES = ("integer", "alpha", "alnum", "ascii", "digit", "double", "lower", "upper", "space",
               "xdigit", "control", "print", "graph", "punct", "boolean")


def _is(interp, argv):
    """string is class ?-strict? str (JimStringIs)."""
    if not (len(argv) == 4 or (len(argv) == 5 and to_str(argv[3]) == "-strict")):
        raise _wrong(argv, "class ?-strict? str")
    cls = get_enum(to_str(argv[2]), _IS_CLASSES, "class")
    value = argv[-1]
    s = to_str(value)
    if not s:
        return int(len(argv) == 4)
    if cls == "integer":
        return int(type(value) is int or parse_int(s) is not None)
    if cls == "double":
        return int(_is_double(value, s))
    if cls == "boolean":
        return int(type(value) is int or s in _BOOLEANS)
    members = _CHAR_CLASSES[cls]
    return int(all(c in members for c in s))


def _is_double(value, s: str) -> bool:
    """Jim_GetDouble succeeds and the C library did not report an over- or underflow."""
    if type(value) in (int, float):
        return True
    d, erange = double_value(s)
    return d is not None and not erange


_TABLE = {
    "bytelength": _length, "length": _length, "cat": _cat, "compare": _compare, "equal": _equal,
    "match": _match, "map": _map, "range": _str_range, "byterange": _str_range,
    "replace": _replace, "repeat": _repeat, "reverse": _reverse, "index": _index,
    "first": _first, "last": _last, "trim": _trimmer("strip"), "trimleft": _trimmer("lstrip"),
    "trimright": _trimmer("rstrip"), "tolower": _caser(lower), "toupper": _caser(upper),
    "totitle": _caser(_title), "is": _is,
}
_SUBCOMMANDS = tuple(_TABLE)


def cmd_string(interp, argv: list):
    if len(argv) < 2:
        raise wrong_args("string option ?arguments ...?")
    word = to_str(argv[1])
    try:
        sub = get_enum(word, _SUBCOMMANDS)
    except TclError:
        if word == "-commands":
            return sorted(_SUBCOMMANDS)
        raise
    return _TABLE[sub](interp, argv)


# -- subst --------------------------------------------------------------------------
_SUBST_OPTIONS = ("-nobackslashes", "-nocommands", "-novariables")


def cmd_subst(interp, argv: list):
    if len(argv) < 2:
        raise wrong_args("subst ?options? string")
    flags = {get_enum(to_str(w), _SUBST_OPTIONS) for w in argv[1:-1]}
    return subst(interp, to_str(argv[-1]), "-nobackslashes" not in flags,
                 "-nocommands" not in flags, "-novariables" not in flags)


def subst(interp, text: str, backslashes: bool = True, commands: bool = True, variables: bool = True):
    """Jim_SubstObj: a lone substitution keeps its value; `break` stops, `continue` gives ""."""
    parts: list = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "[" and commands:
            end = _command_end(text, i + 1)
            try:
                parts.append(interp.eval(text[i + 1:end]))
            except TclBreak:
                break
            except TclContinue:
                parts.append("")
            except TclReturn as r:
                parts.append(r.value)
            i = end + 1
            continue
        stop_var = variables
        if c == "$" and variables:
            found, value, i = _variable(interp, text, i)
            if found:
                parts.append(value)
                continue
            stop_var = False  # a lone '$' starts plain text, which then runs past later '$'s
        j = i
        while j < n:
            if j > i and ((text[j] == "$" and stop_var) or (text[j] == "[" and commands)):
                break
            j += 2 if text[j] == "\\" and j + 1 < n else 1
        chunk = text[i:j]
        parts.append(subst_backslashes(chunk) if backslashes else chunk)
        i = j
    if len(parts) == 1:
        return parts[0]
    return "".join(to_str(p) for p in parts)


def _command_end(text: str, i: int) -> int:
    """JimParseSubCmd: index of the ']' closing a command substitution (len(text) if none)."""
    level, start_of_word, n = 1, True, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            i += 1
        elif c == "[":
            level += 1
        elif c == "]":
            level -= 1
            if level == 0:
                return i
        elif c == '"' and start_of_word:
            i = _quote_end(text, i + 1)
            if i >= n:
                return n
            continue
        elif c == "{":
            i = _brace_end(text, i + 1)
            start_of_word = False
            continue
        start_of_word = text[i] in _C_SPACE
        i += 1
    return n


def _quote_end(text: str, i: int) -> int:
    """JimParseSubQuote: index just past the closing quote (len(text) if none)."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return i + 1
        if c == "[":
            i = _command_end(text, i + 1) + 1
            continue
        i += 2 if c == "\\" else 1
    return n


def _brace_end(text: str, i: int) -> int:
    """Index just past the brace closing the one before `i` (len(text) if none)."""
    close = find_close_brace(text, i - 1)
    return close + 1 if close >= 0 else len(text)


def _is_name_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_") or ord(c) >= 0x80


def _variable(interp, text: str, i: int) -> tuple[bool, object, int]:
    """JimParseVar at a '$': (True, value, next index), or (False, None, start of plain text)."""
    n = len(text)
    j = i + 1
    if j < n and text[j] == "{":
        close = text.find("}", j + 1)
        if close < 0:
            if j + 1 >= n:  # a bare "${" at the end: Jim drops the '$'
                return False, None, j
            close = n
        return True, interp.getvar(text[j + 1:close]), close + 1
    k = j
    while k < n:
        if text.startswith("::", k):
            while k < n and text[k] == ":":
                k += 1
        elif _is_name_char(text[k]):
            k += 1
        else:
            break
    if k < n and text[k] == "(":
        name = text[j:k]
        end = _paren_end(text, k)
        token = text[j:end]
        if not name:  # $(expr) is expression sugar
            return True, evaluate(interp, token), end
        key = token[len(name) + 1:]
        if key.endswith(")"):
            key = key[:-1]
        return True, interp.get_element(name, to_str(subst(interp, key))), end
    if k == j:
        return False, None, i
    return True, interp.getvar(text[j:k]), k


def _paren_end(text: str, k: int) -> int:
    """End of `(...)` after a variable name; an unclosed one backs up to just past its last ')'."""
    count, paren, n = 1, None, len(text)
    while count and k < n:
        k += 1
        if k >= n:
            break
        c = text[k]
        if c == "\\":
            k += 1
        elif c == "(":
            count += 1
        elif c == ")":
            paren, count = k, count - 1
    if count == 0:
        return k + 1
    return paren + 1 if paren is not None else n


def register(interp) -> None:
    interp.register("string", cmd_string)
    interp.register("subst", cmd_subst)
