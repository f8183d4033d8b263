"""`format` and `scan`, ports of Jim 0.81's Jim_FormatString and Jim_ScanString.

Python's `%` operator is C's printf for floating point, but not for integers
(`%#o`, `%#x` of 0, precision 0 with value 0, 64-bit unsigned views of negative
numbers), so integer conversions are formatted here. Scanning reproduces the
C library's strtoull/strtod prefixes, which decide how much input a field eats.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

from ..errors import TclError, wrong_args
from ..values import WIDE_MASK, to_int, to_str, wrap

_C_SPACE = " \t\n\v\f\r"
_DIGITS = re.compile(r"[0-9]+")
_SSCANF_INT = re.compile(r"[ \t\n\v\f\r]*([+-]?[0-9]+)")
_FLAGS = "-0 +#"
_BAD_INDEX = ("not enough arguments for all format specifiers", '"%n$" argument index out of range')
_MIXED = 'cannot mix "%" and "%n$" conversion specifiers'
_HEX_FLOAT = re.compile(r"0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?")
_DEC_FLOAT = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"(inf(?:inity)?)|nan(?:\([0-9A-Za-z_]*\))?", re.IGNORECASE)
_DBL_MIN = 2.2250738585072014e-308
_DECIMAL_INT = re.compile(r"[ \t\n\v\f\r]*([+-]?[0-9]+)[ \t\n\v\f\r]*\Z")


# -- C library number parsing ------------------------------------------------------------
def strtod(s: str, i: int = 0) -> tuple[float, int, bool]:
    """glibc strtod at s[i:]: (value, end index, ERANGE); end == i when nothing was parsed."""
    j = i
    while j < len(s) and s[j] in _C_SPACE:
        j += 1
    sign = 1.0
    if j < len(s) and s[j] in "+-":
        sign = -1.0 if s[j] == "-" else 1.0
        j += 1
    m = _SPECIAL_FLOAT.match(s, j)
    if m:
        return sign * (math.inf if m.group(1) else math.nan), m.end(), False
    m = _HEX_FLOAT.match(s, j)
    if m:
        whole, frac = m.group(1) or "", m.group(2) or m.group(3) or ""
        mant = int(whole + frac, 16) if whole + frac else 0
        exp = int(m.group(4) or 0) - 4 * len(frac)
        try:
            value = math.ldexp(float(mant), exp) if mant else 0.0
        except OverflowError:
            value = math.inf
        return _ranged(sign * value, mant != 0, m.end())
    m = _DEC_FLOAT.match(s, j)
    if not m:
        return 0.0, i, False
    text = m.group()
    nonzero = any(c in "123456789" for c in text.split("e")[0].split("E")[0])
    return _ranged(sign * float(text), nonzero, m.end())


def _ranged(value: float, nonzero: bool, end: int) -> tuple[float, int, bool]:
    erange = math.isinf(value) or (nonzero and abs(value) < _DBL_MIN)
    return value, end, erange


def strtoull(s: str, i: int, base: int) -> tuple[int, int]:
    """C strtoull at s[i:] for base 8, 10 or 16: (value as a Jim wide, end index)."""
    j = i
    while j < len(s) and s[j] in _C_SPACE:
        j += 1
    negative = j < len(s) and s[j] == "-"
    if j < len(s) and s[j] in "+-":
        j += 1
    if base == 16 and s.startswith(("0x", "0X"), j) and j + 2 < len(s) and s[j + 2] in "0123456789abcdefABCDEF":
        j += 2
    digits = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}[base]
    k = j
    while k < len(s) and s[k] in digits:
        k += 1
    if k == j:
        return 0, i
    value = int(s[j:k], base)
    if value > WIDE_MASK:
        return wrap(WIDE_MASK), k
    return wrap(-value if negative else value), k


def jim_strtoull(s: str, i: int) -> tuple[int, int]:
    """Jim's base detection for %i: 0x, 0o, 0b and 0d prefixes, otherwise decimal (no octal)."""
    j = i
    while j < len(s) and s[j] in _C_SPACE:
        j += 1
    sign = -1 if j < len(s) and s[j] == "-" else 1
    if j < len(s) and s[j] in "+-":
        j += 1
    bases = {"x": 16, "o": 8, "b": 2, "d": 10}
    if s.startswith("0", j) and j + 1 < len(s) and s[j + 1].lower() in bases:
        k = j + 2
        if k < len(s) and s[k] not in "+-" + _C_SPACE:
            base = bases[s[j + 1].lower()]
            digits = "0123456789abcdef"[:base]
            e = k
            while e < len(s) and s[e].lower() in digits:
                e += 1
            if e > k:
                return wrap(sign * min(int(s[k:e], base), WIDE_MASK)), e
    return strtoull(s, i, 10)


def double_value(s: str) -> tuple[float | None, bool]:
    """Jim_GetDouble on a string: (value, or None if it is not a number; ERANGE was raised).

    A decimal integer is read with strtoull first, so one too big saturates to -1.
    """
    m = _DECIMAL_INT.match(s)
    if m:
        n = int(m.group(1))
        return float(wrap(WIDE_MASK if abs(n) > WIDE_MASK else n)), abs(n) > WIDE_MASK
    d, end, erange = strtod(s)
    if end == 0 or s[end:].strip(_C_SPACE):
        return None, False
    return d, erange


def get_double(value) -> float:
    """Jim_GetDouble, with its error message."""
    if type(value) in (int, float):
        return float(value)
    s = to_str(value)
    d, _ = double_value(s)
    if d is None:
        raise TclError(f'expected floating-point number but got "{s}"')
    return d


# -- format --------------------------------------------------------------------------
def _c_int(value: int, conv: str, flags: str, width: int, precision: int | None) -> str:
    """printf of a 64-bit integer for d u o x X."""
    if conv != "d":
        value &= WIDE_MASK
    mag = abs(value)
    digits = {"d": "%d", "u": "%d", "o": "%o", "x": "%x", "X": "%X"}[conv] % mag
    if precision is not None:
        digits = "" if precision == 0 and mag == 0 else digits.zfill(precision)
    prefix = ""
    if conv == "d":
        prefix = "-" if value < 0 else "+" if "+" in flags else " " if " " in flags else ""
    if "#" in flags:
        if conv == "o" and not digits.startswith("0"):
            digits = "0" + digits
        elif conv in "xX" and mag:
            prefix = "0" + conv
    if "-" in flags:
        return (prefix + digits).ljust(width)
    if "0" in flags and precision is None:
        return prefix + digits.zfill(width - len(prefix))
    return (prefix + digits).rjust(width)


class _Spec(NamedTuple):
    """One parsed `%` field; conv is "" or an invalid character when the field is malformed."""

    position: int | None  # %N$ fields name their argument (N-1); others take the next one
    flags: str
    width: int | None  # None: taken from an argument (*)
    precision: int | None  # None: no '.'
    star_precision: bool  # '*' consumes an argument even without '.'
    short: bool
    conv: str


@lru_cache(maxsize=1024)
def _compile_format(fmt: str) -> tuple:
    """Split a format into literal text and _Spec fields; a format error ends it as a TclError."""
    items: list = []
    i, n = 0, len(fmt)
    got_xpg = got_seq = False

    def char() -> str:
        return fmt[i] if i < n else ""

    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            items.append(fmt[i:])
            break
        items.append(fmt[i:j])
        i = j + 1
        if char() == "%":
            items.append("%")
            i += 1
            continue
        position = None
        m = _DIGITS.match(fmt, i)
        if m and fmt.startswith("$", m.end()):
            position, i = int(m.group()) - 1, m.end() + 1
        if (position is not None and got_seq) or (position is None and got_xpg):
            items.append(TclError(_MIXED))
            break
        got_xpg, got_seq = got_xpg or position is not None, got_seq or position is None
        flags = ""
        while char() and char() in _FLAGS and len(flags) < 5:
            flags += char()
            i += 1
        width: int | None = 0
        m = _DIGITS.match(fmt, i)
        if m:
            width, i = int(m.group()), m.end()
        elif char() == "*":
            width, i = None, i + 1
        precision = None
        if char() == ".":
            precision, i = 0, i + 1
        star_precision = False
        m = _DIGITS.match(fmt, i)
        if m:
            precision = None if precision is None else int(m.group())
            i = m.end()
        elif char() == "*":
            star_precision, i = True, i + 1
        short = char() == "h"
        if short:
            i += 1
        elif char() == "l":
            i += 2 if fmt.startswith("ll", i) else 1
        conv = char()
        i += 1
        items.append(_Spec(position, flags, width, precision, star_precision, short,
                           "d" if conv == "i" else conv))
    return tuple(item for item in items if item != "")


def format_string(fmt: str, args: list) -> str:
    """Jim_FormatString."""
    out: list[str] = []
    index = 0
    for item in _compile_format(fmt):
        if type(item) is str:
            out.append(item)
            continue
        if type(item) is TclError:
            raise TclError(item.result)
        if item.position is not None:
            index = item.position
        bad_index = _BAD_INDEX[item.position is not None]
        if index < 0 or index >= len(args):
            raise TclError(bad_index)
        flags, width, precision = item.flags, item.width, item.precision
        if width is None:
            if index >= len(args) - 1:
                raise TclError(bad_index)
            width = to_int(args[index])
            if width < 0:
                width, flags = -width, flags + "-"
            index += 1
        if item.star_precision:
            if index >= len(args) - 1:
                raise TclError(bad_index)
            star = max(to_int(args[index]), 0)
            precision = None if precision is None else star
            index += 1
        text = _convert(item, args[index], flags, width, precision)
        pad = "0" if "0" in flags else " "
        if "-" in flags:
            out.append(text + pad * (width - len(text)))
        else:
            out.append(pad * (width - len(text)) + text)
        if item.position is None:
            index += 1
    return "".join(out)


def _convert(item: _Spec, arg, flags: str, width: int, precision: int | None) -> str:
    """One conversion, before padding to the field width."""
    conv = item.conv
    if conv == "":
        raise TclError("format string ended in middle of field specifier")
    if conv == "s":
        text = to_str(arg)
        return text if precision is None else text[:precision]
    if conv == "c":
        return chr(to_int(arg) & 0xFF)
    if conv == "b":
        return format(to_int(arg) & WIDE_MASK, "b")
    if conv not in "eEfgGduoxX":
        raise TclError(f'bad field specifier "{conv}"')
    value = get_double(arg) if conv in "eEfgG" else to_int(arg)
    if width > 10000 or (precision or 0) > 10000:
        raise TclError("format too long")
    if conv in "eEfgG":
        if not math.isfinite(value):  # C pads inf and nan with spaces only
            flags = flags.replace("0", "")
        spec = "%" + flags + (str(width) if width else "") + ("" if precision is None else f".{precision}")
        return (spec + conv) % value
    if item.short:
        value = ((value + 0x8000) & 0xFFFF) - 0x8000 if conv == "d" else value & 0xFFFF
    return _c_int(value, conv, flags, width, precision)


def cmd_format(interp, argv: list):
    if len(argv) < 2:
        raise wrong_args("format formatString ?arg arg ...?")
    return format_string(to_str(argv[1]), argv[2:])


# -- scan ----------------------------------------------------------------------------
class _Field:
    """One conversion of a scan format, with the literal text before it (ScanFmtPartDescr)."""

    __slots__ = ("prefix", "kind", "width", "pos", "modifier", "charset")

    def __init__(self) -> None:
        self.prefix = ""
        self.kind = ""  # "" for trailing literal text
        self.width = 0
        self.pos = 0  # -1 suppressed (%*), 0 sequential, N for %N$
        self.modifier = ""
        self.charset: str | None = None


class _ScanFormat:
    def __init__(self, fields: list, count: int, max_pos: int) -> None:
        self.fields = fields
        self.count = count
        self.max_pos = max_pos


def _signed_char(c: str) -> int:
    return ord(c) - 256 if ord(c) >= 128 else ord(c)


@lru_cache(maxsize=512)
def parse_scan_format(fmt: str) -> _ScanFormat:
    """SetScanFmtFromAny, raising its error messages."""
    fields: list[_Field] = []
    count = max_pos = 0
    last_pos = -1
    i, n = 0, len(fmt)
    while i < n:
        f = _Field()
        fields.append(f)
        if fmt[i] != "%" or fmt.startswith("%%", i):
            lit = []
            while i < n:
                if fmt[i] == "%":
                    if not fmt.startswith("%%", i):
                        break
                    i += 1
                lit.append(fmt[i])
                i += 1
            f.prefix = "".join(lit)
        i += 1
        if i >= n:
            break
        if fmt[i] == "*":
            f.pos = -1
            i += 1
        else:
            count += 1
        m = _SSCANF_INT.match(fmt, i)
        if m:
            number, i = int(m.group(1)), m.end()
            if f.pos != -1 and fmt.startswith("$", i):
                i += 1
                f.pos = number
                if (last_pos == 0 and f.pos > 0) or (last_pos > 0 and f.pos == 0):
                    raise TclError(_MIXED)
                if any(p.pos != -1 and p.pos == f.pos for p in fields[:-1]):
                    raise TclError('variable is assigned by multiple "%n$" conversion specifiers')
                if f.pos < 0:
                    raise TclError('"%n$" conversion specifier is negative')
                m = _SSCANF_INT.match(fmt, i)
                if m:
                    f.width, i = int(m.group(1)), m.end()
                max_pos = max(max_pos, f.pos)
            else:
                f.width = number
        if last_pos == -1:
            last_pos = f.pos
        if i < n and fmt[i] == "[":
            f.kind = "["
            i += 1
            j = i + (fmt.startswith("^", i))
            j += fmt.startswith("]", j)
            close = fmt.find("]", j)
            if close < 0:
                raise TclError("unmatched [ in format string")
            f.charset = _sort_ranges(list(fmt[i:close]))
            i = close
        else:
            if i < n and fmt[i] in "hlL":
                f.modifier = fmt[i].lower()
                i += 1
            if i >= n:
                raise TclError("missing scan conversion character")
            f.kind = fmt[i]
            if f.kind not in "efgcsndoxui":
                raise TclError("bad scan conversion character")
            if f.kind == "c" and f.width:
                raise TclError("field width may not be specified in %c conversion")
            if f.kind == "u" and f.modifier == "l":
                raise TclError("unsigned wide not supported")
        i += 1
    return _ScanFormat(fields, count, max_pos)


def _sort_ranges(cs: list) -> str:
    """Jim swaps the ends of backwards ranges (comparing as signed chars) until none is left."""
    swapped = True
    while swapped:
        swapped = False
        for j in range(1, len(cs) - 1):
            if cs[j] == "-" and _signed_char(cs[j - 1]) > _signed_char(cs[j + 1]):
                cs[j - 1], cs[j + 1] = cs[j + 1], cs[j - 1]
                swapped = True
    return "".join(cs)


def _charset_match(spec: str, c: str) -> bool:
    """JimCharsetMatch for scan sets: leading ^ negates, a leading ] is a member, a backslash too."""
    negate = spec.startswith("^")
    if negate:
        spec = spec[1:]
    i, n, hit = 0, len(spec), False
    while i < n and (spec[i] != "]" or i == 0):
        start = spec[i]
        i += 1
        if start != "\\" and not (start == "]" and i == 1) and i < n and spec[i] == "-" and n - i > 1:
            end = spec[i + 1]
            i += 2
            hit = hit or start <= c <= end or end <= c <= start
            continue
        hit = hit or start == c
    return hit != negate


def _scan_field(s: str, pos: int, f: _Field):
    """ScanOneEntry: (characters consumed or -1 at end of input, value or None)."""
    anchor, n = pos, len(s)
    if f.prefix:
        k = 0
        while pos < n and k < len(f.prefix):
            if f.prefix[k] in _C_SPACE:
                while pos < n and s[pos] in _C_SPACE:
                    pos += 1
            elif f.prefix[k] != s[pos]:
                break
            else:
                pos += 1
            k += 1
        if pos >= n:
            return -1, None
        if k < len(f.prefix):
            return 0, None
    if f.kind not in "c[n":
        while pos < n and s[pos] in _C_SPACE:
            pos += 1
    scanned = pos - anchor
    if f.kind == "n":
        return scanned, pos
    if pos >= n:
        return -1, None
    if f.kind == "c":
        return scanned + 1, ord(s[pos])
    tok = s[pos:pos + f.width] if f.width > 0 else s[pos:]
    tok = tok.split("\0", 1)[0]
    if f.kind in "s[":
        end = 0
        while end < len(tok) and (tok[end] not in _C_SPACE if f.charset is None
                                  else _charset_match(f.charset, tok[end])):
            end += 1
        return scanned + end, tok[:end]
    if f.kind in "efg":
        value, end, _ = strtod(tok)
    elif f.kind == "i":
        value, end = jim_strtoull(tok, 0)
    else:
        value, end = strtoull(tok, 0, {"o": 8, "x": 16}.get(f.kind, 10))
    if end == 0:
        return (0 if tok else -1), None
    return scanned + end, value


def scan_string(s: str, spec: _ScanFormat) -> list | None:
    """Jim_ScanString: the converted values, or None when the input ended before the first field."""
    result: list = [None] * spec.max_pos
    scanned, pos = 1, 0
    for idx, f in enumerate(spec.fields):
        if not f.kind:
            continue
        value = None
        if scanned > 0:
            scanned, value = _scan_field(s, pos, f)
        if scanned == -1 and idx == 0:
            return None
        pos += scanned
        value = "" if value is None else value
        if f.pos == 0:
            result.append(value)
        elif f.pos > 0:
            result[f.pos - 1] = value
    return ["" if v is None else v for v in result]


def cmd_scan(interp, argv: list):
    if len(argv) < 3:
        raise wrong_args("scan string format ?varName varName ...?")
    spec = parse_scan_format(to_str(argv[2]))
    names = argv[3:]
    if names:
        if spec.max_pos > len(names):
            raise TclError('"%n$" argument index out of range')
        if spec.count > len(names):
            raise TclError("different numbers of variable names and field specifiers")
        if spec.count < len(names):
            raise TclError("variable is not assigned by any conversion specifiers")
    values = scan_string(to_str(argv[1]), spec)
    if not names:
        return [] if values is None else values
    if values is None:
        return -1
    count = 0
    for name, value in zip(names, values):
        if to_str(value):
            count += 1
            interp.setvar(to_str(name), value)
    return count


def register(interp) -> None:
    interp.register("format", cmd_format)
    interp.register("scan", cmd_scan)
