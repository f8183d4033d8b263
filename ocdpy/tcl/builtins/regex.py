"""`regexp` and `regsub`, behaving like Jim 0.81's own regex engine (jimregexp.c).

Debian's jimsh uses Jim's built-in Henry Spencer style engine, not POSIX regcomp:
no back-references, `\\m \\M \\< \\>` word anchors, `\\d \\w \\s` (and upper-case
negations), `[[:class:]]`, counted repeats below 100, `(?:...)`, lazy `*? +? ??`.
Both Jim's engine and Python's `re` backtrack leftmost-first, so a pattern is parsed
with Jim's grammar (accepting and rejecting exactly what Jim does, with its
messages) and emitted as a Python pattern whose every character class is spelled
out byte by byte; that captures Jim's ASCII-only -nocase and -line rules. What
Python cannot express the same way, the start of the subject (`^`, which Jim
only matches where the search began) and jim_regexec's per-line retry of
anchored patterns, is replayed around `re` here.

Known differences: Jim keeps the iteration counter of a complex counted repeat
in the program itself, so nested counted groups such as `((a){2}b){2}` can fail
in Jim where Python matches; and `regsub -all` with a pattern that matches the
empty string without advancing loops forever in Jim, while here it steps on.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..errors import TclError, wrong_args
from ..values import list_index, to_str
from ._args import get_enum

INT_MAX = 2**31 - 1
_META = "^$.[()|?{+*"
_MULT = "*+?{"
_SPECIAL_ESCAPES = "<>mMwWdDsSAZ"
_WORD = r"[0-9A-Za-z_]"
_BOL = r"\A"
_SPACE_CODES = frozenset(b" \t\r\n\f\v")
_DIGITS = (ord("0"), ord("9"))
_LOWER = (ord("a"), ord("z"))
_UPPER = (ord("A"), ord("Z"))
_CLASSES = {  # [[:name:]] -> ranges; alpha/alnum drop a-z under -nocase, as Jim does
    "alpha": (_LOWER, _UPPER), "alnum": (_DIGITS, _LOWER, _UPPER),
    "space": tuple((c, c) for c in _SPACE_CODES), "blank": ((32, 32), (9, 9)),
    "upper": (_UPPER,), "lower": (_LOWER,), "digit": (_DIGITS,),
    "xdigit": ((97, 102), (65, 70), _DIGITS), "cntrl": ((0, 31), (127, 127)),
    "print": ((32, 126),), "graph": ((33, 126),),
    "punct": ((33, 47), (58, 64), (91, 96), (123, 126)),
}
_CLASS_ORDER = ("alpha", "alnum", "space", "blank", "upper", "lower", "digit", "xdigit", "cntrl",
                "graph", "print", "punct")
_SIMPLE_ESCAPES = {"b": 8, "e": 27, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_HEX = re.compile(r"[0-9A-Fa-f]+")
_COUNT = re.compile(r"[ \t\n\v\f\r]*\+?([0-9]+)")  # strtoul

REGEXP_USAGE = "regexp ?-switch ...? exp string ?matchVar? ?subMatchVar ...?"
REGSUB_USAGE = "regsub ?-switch ...? exp string subSpec ?varName?"
_REGEXP_SWITCHES = ("-indices", "-nocase", "-line", "-all", "-inline", "-start", "--")
_REGSUB_SWITCHES = ("-nocase", "-line", "-all", "-start", "--")


class _BadPattern(Exception):
    pass


def _upper(c: int) -> int:
    return c - 32 if 97 <= c <= 122 else c


def _char_class(codes) -> str:
    """A Python class matching exactly the given byte codes (as latin-1 chars)."""
    codes = sorted(codes)
    if not codes:
        return "(?!)"
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append("\\x%02x" % codes[i] if i == j else "\\x%02x-\\x%02x" % (codes[i], codes[j]))
        i = j + 1
    return "[" + "".join(parts) + "]"


class _Program:
    """A compiled pattern: the Python regex and what jim_regexec needs to know about it.

    `local` patterns look at where the search began (`^`, `\\A`, word anchors), so they
    must see the subject from there on; others can search the whole string from an index.
    """

    def __init__(self, rx: re.Pattern, nsub: int, anchored: bool, local: bool) -> None:
        self.rx = rx
        self.nsub = nsub
        self.anchored = anchored
        self.local = local


class _Compiler:
    """Jim's reg/regbranch/regpiece/regatom, emitting Python regex text instead of a program."""

    def __init__(self, pattern: str, nocase: bool, newline: bool, notbol: bool) -> None:
        self.s = pattern
        self.i = 0
        self.nocase = nocase
        self.newline = newline
        self.notbol = notbol
        self.nsub = 0
        self.anchored = False
        self.local = False

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def at_repeat(self) -> bool:
        c = self.peek()
        return bool(c) and c in _MULT

    def code(self, ch: str) -> int:
        """A pattern character as Jim reads it: upper-cased under -nocase."""
        return _upper(ord(ch)) if self.nocase else ord(ch)

    # -- structure -------------------------------------------------------------
    def compile(self) -> _Program:
        text, _ = self.reg(paren=False)
        if self.nsub >= 100:
            raise _BadPattern("too big")
        return _Program(re.compile(text), self.nsub, self.anchored, self.local)

    def reg(self, paren: bool) -> tuple[str, bool]:
        head = "("
        if paren:
            if self.peek() == "?" and self.peek(1) == ":":
                self.i += 2
                head = "(?:"
            else:
                self.nsub += 1
        branches, width = [], True
        while True:
            text, w, starts_bol = self.branch()
            branches.append(text)
            width = width and w
            if self.peek() != "|":
                break
            self.i += 1
        if paren:
            if self.peek() != ")":
                raise _BadPattern("parentheses () not balanced")
            self.i += 1
            return head + "|".join(branches) + ")", width
        if self.i < len(self.s):
            raise _BadPattern("parentheses () not balanced")
        self.anchored = len(branches) == 1 and starts_bol
        return "|".join(branches), width

    def branch(self) -> tuple[str, bool, bool]:
        parts, width, starts_bol = [], False, False
        while self.peek() not in ("", ")", "|"):
            bol_here = not parts and self.peek() == "^"
            text, w = self.piece()
            starts_bol = starts_bol or (bol_here and text == _BOL)
            parts.append(text)
            width = width or w
        return "".join(parts), width, starts_bol

    def piece(self) -> tuple[str, bool]:
        atom, width = self.atom()
        if not self.at_repeat():
            return atom, width
        op = self.peek()
        if not width and op != "?":
            raise _BadPattern("*+ of empty atom")
        if op == "{":
            low, high = self.counts()
        else:
            low, high = (1 if op == "+" else 0), (1 if op == "?" else None)
        quant = "{%d,%s}" % (low, "" if high is None else high)
        if self.peek(1) == "?":
            self.i += 1
            quant += "?"
        self.i += 1
        if self.at_repeat():
            raise _BadPattern("nested count")
        return "(?:" + atom + ")" + quant, low > 0

    def counts(self) -> tuple[int, int | None]:
        """`{min}`, `{min,max}` or `{min,}` after an atom; Jim's strtoul-based parsing."""
        m = _COUNT.match(self.s, self.i + 1)
        if not m:
            raise _BadPattern("invalid repetition count(s)")
        low = high = int(m.group(1))
        end = m.end()
        if end >= len(self.s):
            raise _BadPattern("braces {} not balanced")
        if self.s[end] != "}":
            m2 = _COUNT.match(self.s, end + 1)
            close = m2.end() if m2 else end + 1
            if close >= len(self.s) or self.s[close] != "}":
                raise _BadPattern("braces {} not balanced")
            high = int(m2.group(1)) if m2 else None
            if high is not None and (high < low or high >= 100):
                raise _BadPattern("invalid repetition count(s)")
        if low >= 100:
            raise _BadPattern("invalid repetition count(s)")
        self.i = self.s.index("}", self.i)
        return low, high

    # -- atoms -----------------------------------------------------------------
    def bol(self) -> str:
        self.local = True
        return _BOL

    def atom(self) -> tuple[str, bool]:
        c = self.peek()
        self.i += 1
        if c == "^":
            return self.bol(), False
        if c == "$":
            return (r"(?=\n|\Z)" if self.newline else r"\Z"), False
        if c == ".":
            return self.match_set(set(), negate=True), True
        if c == "[":
            return self.bracket(), True
        if c == "(":
            return self.reg(paren=True)
        if c in _MULT:
            raise _BadPattern("count follows nothing")
        if c == "\\":
            e = self.peek()
            self.i += 1
            if not e:
                raise _BadPattern("invalid escape \\ sequence")
            if e == "A":
                return ("(?!)" if self.notbol else self.bol()), False
            if e == "Z":
                return r"\Z", False
            if e in "<m":
                self.local = True
                return rf"(?<!{_WORD})(?={_WORD})", False
            if e in ">M":  # Jim only checks that the previous character is a word character
                self.local = True
                return rf"(?<={_WORD})", False
            if e in "dDwWsS":
                return self.match_set(self.shorthand(e.lower()), negate=e.isupper()), True
            self.i -= 1
        self.i -= 1
        return self.exactly(), True

    def shorthand(self, e: str) -> set:
        if e == "d":
            return self.ranges((_DIGITS,))
        if e == "s":
            return set(_SPACE_CODES)
        return self.ranges(_CLASSES["alnum"] if not self.nocase else (_DIGITS, _UPPER)) | {95}

    def escape(self) -> int:
        """reg_decode_escape: the character after a backslash at self.i (not upper-cased)."""
        c = self.peek()
        if not c:
            return 92
        self.i += 1
        if c in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[c]
        if c in "uUx":
            if c == "u" and self.peek() == "{":
                m = _HEX.match(self.s, self.i + 1)
                digits = m.group()[:6] if m else ""
                if digits and self.peek(1 + len(digits)) == "}":
                    self.i += len(digits) + 2
                    return int(digits, 16)
                return ord("u")
            m = _HEX.match(self.s, self.i)
            digits = m.group()[:{"u": 4, "U": 8, "x": 2}[c]] if m else ""
            if digits:
                self.i += len(digits)
                return int(digits, 16)
        return ord(c)

    def exactly(self) -> str:
        """A run of ordinary characters; one that a repeat follows stands alone, as in Jim."""
        out, added = [], 0
        while self.peek() and self.peek() not in _META:
            start = self.i
            ch = self.code(self.peek())
            self.i += 1
            if ch == 92 and self.peek():
                if self.peek() in _SPECIAL_ESCAPES:
                    self.i = start
                    break
                ch = self.escape()
                if ch == 0:
                    raise _BadPattern("contains null char")
            if self.at_repeat():
                if added:
                    self.i = start
                    break
                out.append(self.literal(ch))
                break
            out.append(self.literal(ch))
            added += 1
        return "".join(out)

    def literal(self, ch: int) -> str:
        if not self.nocase:
            return re.escape(chr(ch))
        return _char_class(c for c in range(256) if _upper(c) == ch)

    def ranges(self, spans) -> set:
        codes = set()
        for lo, hi in spans:
            lo, hi = min(lo, hi), max(lo, hi)
            codes.update(range(max(lo, 0), min(hi, 255) + 1))
        return codes

    def bracket(self) -> str:
        """`[...]`: Jim's set syntax, including its class names and shorthand escapes."""
        codes: set = set()
        negate = self.peek() == "^"
        if negate:
            self.i += 1
        if self.peek() in ("]", "-"):
            codes.add(ord(self.peek()))
            self.i += 1
        while self.peek() != "]":
            if not self.peek():
                raise _BadPattern("brackets [] not balanced")
            start = self.code(self.peek())
            self.i += 1
            if start == 92:
                if self.peek() and self.peek() in "sdw":
                    codes |= self.shorthand(self.peek())
                    self.i += 1
                    continue
                start = self.escape()
                if start == 0:
                    raise _BadPattern("contains null char")
                if start == 92 and not self.peek():
                    raise _BadPattern("invalid escape \\ sequence")
            if self.peek() == "-" and self.peek(1) not in ("", "]"):
                self.i += 1
                end = self.code(self.peek())
                self.i += 1
                if end == 92:
                    end = self.escape()
                    if end == 0:
                        raise _BadPattern("contains null char")
                    if start == 92 and not self.peek():
                        raise _BadPattern("invalid escape \\ sequence")
                codes |= self.ranges(((start, end),))
                continue
            if start == ord("[") and self.peek() == ":":
                name = next((n for n in _CLASS_ORDER if self.s.startswith(f":{n}:", self.i)), None)
                if name:
                    self.i += len(name) + 3
                    spans = _CLASSES[name]
                    if self.nocase and name in ("alpha", "alnum"):
                        spans = tuple(r for r in spans if r != _LOWER)
                    codes |= self.ranges(spans)
                    continue
            codes |= self.ranges(((start, start),))
        self.i += 1
        return self.match_set(codes, negate)

    def match_set(self, codes: set, negate: bool) -> str:
        """ANYOF/ANYBUT: the input byte (upper-cased under -nocase) tested against the set; never eol."""
        key = _upper if self.nocase else int
        return _char_class(c for c in range(1, 256)
                           if ((key(c) in codes) != negate) and not (self.newline and c == 10))


@lru_cache(maxsize=512)
def _compile(pattern: str, nocase: bool, newline: bool, notbol: bool) -> _Program:
    try:
        return _Compiler(pattern, nocase, newline, notbol).compile()
    except _BadPattern as e:
        raise TclError(f"couldn't compile regular expression pattern: {e}") from None


def _program(pattern: str, nocase: bool, newline: bool) -> _Program:
    """Compile now, so pattern errors are reported even when the subject never gets searched."""
    return _compile(pattern, nocase, newline, False)


def _exec(pattern: str, nocase: bool, newline: bool, s: str, start: int, notbol: bool) -> list | None:
    """jim_regexec on the C string s[start:]: spans (start, end) in `s` per group, or None."""
    prog = _compile(pattern, nocase, newline, notbol)
    if not prog.local:
        return _spans(prog.rx.search(s, start), 0)
    sub = s[start:]
    if not prog.anchored:
        return _spans(prog.rx.search(sub), start)
    if not notbol:
        m = prog.rx.match(sub)
        if m or not sub:
            return _spans(m, start)
    pos = 0
    while newline:  # an anchored pattern is retried after each newline
        j = sub.find("\n", pos)
        if j < 0:
            break
        pos = j + 1
        m = prog.rx.match(sub[pos:])
        if m:
            return _spans(m, start + pos)
    return None


def search(pattern: str, subject: str, nocase: bool = False) -> bool:
    """`regexp PATTERN SUBJECT` as a test, for switch -regexp and lsearch -regexp."""
    return _exec(pattern, nocase, False, _c_string(subject), 0, False) is not None


def _c_string(s: str) -> str:
    """Jim hands the regex engine a C string: it ends at the first NUL."""
    return s.split("\0", 1)[0]


def _spans(m, shift: int) -> list | None:
    if m is None:
        return None
    return [None if a < 0 else (a + shift, b + shift) for a, b in m.regs]


def _start_index(spec) -> int:
    """Jim_GetIndex as `-start` sees it: end-N is -N-1, end+N is INT_MAX, a negative number -INT_MAX."""
    n = list_index(spec, 0)
    if to_str(spec).strip().startswith("end"):
        return INT_MAX if n >= 0 else n
    return -INT_MAX if n < 0 else n


def _options(argv: list, table: tuple, usage: str) -> tuple[dict, int]:
    """Leading switches up to the first word not starting with '-' (or after `--`)."""
    opts: dict = {"-start": 0}
    i = 1
    while i < len(argv):
        word = to_str(argv[i])
        if not word.startswith("-"):
            break
        opt = get_enum(word, table, "switch")
        i += 1
        if opt == "--":
            break
        if opt == "-start":
            if i == len(argv):
                raise wrong_args(usage)
            opts[opt] = _start_index(argv[i])
            i += 1
        else:
            opts[opt] = True
    return opts, i


def cmd_regexp(interp, argv: list):
    """regexp ?switches? exp string ?matchVar? ?subMatchVar ...? (Jim_RegexpCmd)."""
    if len(argv) < 3:
        raise wrong_args(REGEXP_USAGE)
    opts, i = _options(argv, _REGEXP_SWITCHES, REGEXP_USAGE)
    if len(argv) - i < 2:
        raise wrong_args(REGEXP_USAGE)
    pattern, source = to_str(argv[i]), to_str(argv[i + 1])
    nocase, newline = "-nocase" in opts, "-line" in opts
    prog = _program(pattern, nocase, newline)
    var_names = argv[i + 2:]
    inline, indices, all_ = "-inline" in opts, "-indices" in opts, "-all" in opts
    if inline and var_names:
        raise TclError("regexp match variables not allowed when using -inline")
    nvars = prog.nsub + 1 if inline else len(var_names)

    source = _c_string(source)
    offset, base, notbol = opts["-start"], 0, False
    if offset:  # indices count from -start even when it is past either end of the string
        if offset < 0:
            offset += len(source) + 1
        base = min(max(offset, 0), len(source))
        notbol = True

    results: list = []
    count = 0
    while True:
        spans = _exec(pattern, nocase, newline, source, base, notbol)
        if spans is None:
            break
        count += 1
        if inline or not all_:
            for j in range(nvars):
                span = spans[j] if j < len(spans) else None
                if indices:
                    value = [-1, -1] if span is None else [offset + span[0] - base, offset + span[1] - base - 1]
                else:
                    value = "" if span is None else source[span[0]:span[1]]
                if inline:
                    results.append(value)
                else:
                    interp.setvar(to_str(var_names[j]), value)
        if not (all_ and (not pattern.startswith("^") or newline) and base < len(source)):
            break
        step = (spans[0][1] - base) or 1
        offset += step
        base += step
        if base >= len(source):
            break
        notbol = True
    return results if inline else count


def _substitute(spec: str, source: str, spans: list) -> str:
    """Expand `&`, `\\0`..`\\9`, `\\&` and `\\\\` in a regsub replacement."""
    out = []
    i, n = 0, len(spec)
    while i < n:
        c = spec[i]
        idx = None
        if c == "&":
            idx = 0
        elif c == "\\":
            i += 1
            nxt = spec[i] if i < n else ""
            if nxt.isdigit() and nxt.isascii():
                idx = int(nxt)
            elif nxt in ("\\", "&") and nxt:
                out.append(nxt)
            else:
                out.append("\\" + nxt)
        else:
            out.append(c)
        if idx is not None and idx < len(spans) and spans[idx] is not None:
            a, b = spans[idx]
            out.append(source[a:b])
        i += 1
    return "".join(out)


def cmd_regsub(interp, argv: list):
    """regsub ?switches? exp string subSpec ?varName? (Jim_RegsubCmd)."""
    if len(argv) < 4:
        raise wrong_args(REGSUB_USAGE)
    opts, i = _options(argv, _REGSUB_SWITCHES, REGSUB_USAGE)
    if len(argv) - i not in (3, 4):
        raise wrong_args(REGSUB_USAGE)
    pattern, source, spec = to_str(argv[i]), to_str(argv[i + 1]), to_str(argv[i + 2])
    nocase, newline, all_ = "-nocase" in opts, "-line" in opts, "-all" in opts
    _program(pattern, nocase, newline)

    source = _c_string(source)
    offset = opts["-start"]
    if offset < 0:
        offset = max(offset + len(source) + 1, 0)
    offset = min(offset, len(source))
    out = [source[:offset]]
    p, count, notbol = offset, 0, False
    empty_at = None
    while True:
        spans = _exec(pattern, nocase, newline, source, p, notbol)
        if spans is None:
            break
        so, eo = spans[0]
        if eo == p and empty_at == p:
            # Jim would find this same empty match for ever; step over a character instead
            out.append(source[p])
            p, notbol, empty_at = p + 1, False, None
            if p == len(source):
                break
            continue
        count += 1
        out.append(source[p:so])
        out.append(_substitute(spec, source, spans))
        p = eo
        if not all_ or p == len(source):
            break
        if not newline and pattern.startswith("^"):
            break
        notbol = so == eo
        empty_at = p if notbol else None
        if not pattern:
            out.append(source[p])
            p += 1
        if p == len(source):
            break
    out.append(source[p:])
    result = "".join(out)
    if len(argv) - i == 4:
        interp.setvar(to_str(argv[i + 3]), result)
        return count
    return result


def register(interp) -> None:
    interp.register("regexp", cmd_regexp)
    interp.register("regsub", cmd_regsub)
