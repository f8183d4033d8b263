"""`expr`: Jim's expression language, compiled once per expression text to a Python function.

The lark grammar (expr.lark) fixes precedence; the transformer emits Python
source in which every Tcl operator is a call to one of the small functions
below (they carry Jim's semantics: 64-bit wrap, int/double promotion, string
comparison when an operand is not a number) and `&&`, `||`, `?:` become
Python's own short-circuit forms.
"""
from __future__ import annotations

import math
import random
import re
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, VisitError
from lark.lexer import Lexer

from . import parser as tcl_parser
from .errors import TclError
from .lexer import Scanner, _PLAIN_QUOTED, find_close_brace
from .parser import VAR
from .values import (WIDE_SIGN, parse_double, parse_int, to_bool, to_list, to_number, to_str,
                     wrap)

_NUMBER = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = [
    ("<<<", "SHIFTOP"), (">>>", "SHIFTOP"), ("**", "POW"), ("<<", "SHIFTOP"), (">>", "SHIFTOP"),
    ("<=", "RELOP"), (">=", "RELOP"), ("==", "EQOP"), ("!=", "EQOP"), ("&&", "ANDAND"), ("||", "OROR"),
    ("<", "RELOP"), (">", "RELOP"), ("+", "ADDOP"), ("-", "ADDOP"), ("*", "MULOP"), ("/", "MULOP"),
    ("%", "MULOP"), ("&", "BAND"), ("|", "BOR"), ("^", "BXOR"), ("!", "NOTOP"), ("~", "NOTOP"),
    ("?", "QMARK"), (":", "COLON"), ("(", "LPAR"), (")", "RPAR"), (",", "COMMA"),
]
_WORD_OPS = {"eq": "STREQOP", "ne": "STREQOP", "lt": "STREQOP", "gt": "STREQOP", "le": "STREQOP",
             "ge": "STREQOP", "in": "MEMBEROP", "ni": "MEMBEROP"}
_BOOLEAN_WORDS = frozenset(("true", "false", "yes", "no", "on", "off"))
# math function -> (min args, max args), as Jim 0.81 is built here
FUNCTIONS = {"abs": (1, 1), "double": (1, 1), "int": (1, 1), "round": (1, 1), "wide": (1, 1),
             "rand": (0, 0), "srand": (1, 1)}


class ExprSyntaxError(TclError):
    pass


def _syntax(text: str) -> ExprSyntaxError:
    return ExprSyntaxError(f'syntax error in expression: "{text}"')


class _Operand:
    """A `$var`, `[cmd]`, "quoted" or {braced} operand, already compiled as a Tcl word."""

    __slots__ = ("node",)

    def __init__(self, node) -> None:
        self.node = node


def _tokens(text: str):
    i, n = 0, len(text)
    scanner = None
    while True:
        while i < n and (text[i] in " \t\n\r\f\v" or text.startswith("\\\n", i)):
            i += 2 if text[i] == "\\" else 1
        if i >= n:
            return
        c = text[i]
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            end = m.end()
            if end < n and (text[end].isalnum() or text[end] in "._"):
                raise _syntax(text) if text[end].isalpha() and text[end] in "eE" else \
                    ExprSyntaxError(f'missing operator in expression: "{text}"')
            yield Token("NUMBER", m.group(), i)
            i = end
        elif c in '$["{':
            scanner = scanner or Scanner(text)
            end = _operand_end(scanner, text, i)
            node = tcl_parser.parse("_ " + text[i:end]).cmds[0].words[1]
            yield Token("OPERAND", _Operand(node), i)
            i = end
        elif c.isalpha() or c == "_":
            m = _IDENT.match(text, i)
            name = m.group()
            i = m.end()
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if name in _WORD_OPS:
                yield Token(_WORD_OPS[name], name, m.start())
            elif j < n and text[j] == "(":
                yield Token("FUNC", name, m.start())
            elif name in ("Inf", "inf", "NaN", "nan"):
                yield Token("NUMBER", name, m.start())
            elif name.lower() in _BOOLEAN_WORDS:
                yield Token("WORD", name, m.start())
            else:
                raise _syntax(text)
        else:
            for op, kind in _OPS:
                if text.startswith(op, i):
                    yield Token(kind, op, i)
                    i += len(op)
                    break
            else:
                raise _syntax(text)


def _operand_end(scanner: Scanner, text: str, i: int) -> int:
    c = text[i]
    if c == "{":
        close = find_close_brace(text, i)
        if close < 0:
            raise TclError("missing close-brace")
        return close + 1
    if c == "[":
        gen = scanner.script(i + 1, True)
        return _drain(gen) + 1
    if c == '"':
        end = _drain(scanner.parts(i + 1, _PLAIN_QUOTED, '"', False))
        if end >= len(text):
            raise TclError("missing quote")
        return end + 1
    return _drain(scanner.variable(i))


def _drain(gen) -> int:
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


class ExprLexer(Lexer):
    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, data):
        return _tokens(data.text)


class _Source:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_BINOPS = {"lt": "strlt", "gt": "strgt", "le": "strle", "ge": "strge", "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "**": "pow_", "<<": "shl",
           ">>": "shr", "<<<": "rotl", ">>>": "rotr", "<": "lt", ">": "gt", "<=": "le", ">=": "ge",
           "==": "eq", "!=": "ne", "eq": "streq", "ne": "strne", "in": "in_", "ni": "ni", "&": "band",
           "|": "bor", "^": "bxor"}
_UNOPS = {"-": "neg", "+": "pos", "!": "not_", "~": "inv"}


class _CodeGen(Transformer):
    """Builds Python source; constants and operand nodes go to `self.consts`."""

    def __init__(self) -> None:
        super().__init__()
        self.consts: list = []

    def const(self, value) -> str:
        self.consts.append(value)
        return f"K[{len(self.consts) - 1}]"

    def number(self, items):
        tok = str(items[0])
        n = parse_int(tok)
        if n is not None:
            return repr(n)
        d = parse_double(tok)
        if d is None:
            raise _syntax(tok)
        if d != d or d in (math.inf, -math.inf):
            return self.const(d)
        return repr(d)

    def operand(self, items):
        node = items[0].value.node
        if node[0] == VAR:
            return f"I.getvar({node[1]!r})"
        return f"I.subst_word({self.const(node)}, I.cur_loc)"

    def word(self, items):
        return self.const(str(items[0]))

    def paren(self, items):
        return items[1]

    def call(self, items):
        name = str(items[0])
        args = [a for a in items[2:-1] if a is not None and not isinstance(a, Token)]
        if name not in FUNCTIONS:
            raise ExprSyntaxError("unknown function")
        low, high = FUNCTIONS[name]
        if len(args) > high:
            raise TclError("too many arguments for math function")
        if len(args) < low:
            raise TclError("too few arguments for math function")
        return f"F_{name}({', '.join(args)})"

    def binop(self, items):
        a, op, b = items
        return f"{_BINOPS[str(op)]}({a}, {b})"

    def unop(self, items):
        op, a = items
        return f"{_UNOPS[str(op)]}({a})"

    def and_(self, items):
        return f"(1 if (B({items[0]}) and B({items[2]})) else 0)"

    def or_(self, items):
        return f"(1 if (B({items[0]}) or B({items[2]})) else 0)"

    def cond(self, items):
        return f"(({items[2]}) if B({items[0]}) else ({items[4]}))"


_lark: Lark | None = None


def _parser() -> Lark:
    global _lark
    if _lark is None:
        _lark = Lark(Path(__file__).with_name("expr.lark").read_text(), parser="lalr", lexer=ExprLexer,
                     cache=tcl_parser._cache_path().replace("tcl-grammar", "expr-grammar"))
    return _lark


_compiled: dict = {}


def compile_expr(text: str):
    """The Python function `f(interp) -> value` for an expression text (cached)."""
    fn = _compiled.get(text)
    if fn is not None:
        return fn
    if not text.strip():
        raise TclError(f'syntax error in expression "{text}": premature end of expression')
    try:
        tree = _parser().parse(_Source(text))
        gen = _CodeGen()
        code = gen.transform(tree)
    except ExprSyntaxError as e:
        if e.result == "unknown function":
            raise _syntax(text) from None
        raise
    except VisitError as e:
        if isinstance(e.orig_exc, ExprSyntaxError):
            raise _syntax(text) from None
        if isinstance(e.orig_exc, TclError):
            raise e.orig_exc from None
        raise
    except UnexpectedInput as e:
        if getattr(e, "token", None) is not None and e.token.type == "$END":
            if text.count("(") > text.count(")"):
                raise TclError("missing close parenthesis") from None
            raise TclError(f'syntax error in expression "{text}": premature end of expression') from None
        if getattr(e, "token", None) is not None and e.token.type == "COMMA":
            raise TclError(f'unexpected comma in expression: "{text}"') from None
        if getattr(e, "token", None) is not None and e.token.type in ("NUMBER", "OPERAND", "WORD", "FUNC"):
            raise TclError(f'missing operator in expression: "{text}"') from None
        raise _syntax(text) from None
    except TclError:
        raise
    namespace = dict(_RUNTIME)
    namespace["K"] = gen.consts
    fn = eval(compile(f"lambda I: {code}", "<expr>", "eval"), namespace)
    if len(_compiled) > 20000:
        _compiled.clear()
    _compiled[text] = fn
    return fn


def evaluate(interp, text: str):
    return compile_expr(text)(interp)


def wide_expr(value) -> int:
    """Jim_GetWideExpr: an integer, or an expression giving one, evaluated without substitution."""
    if type(value) is int:
        return value
    text = to_str(value)
    n = parse_int(text)
    if n is not None:
        return n
    if "$" not in text and "[" not in text:
        try:
            result = compile_expr(text)(None)
        except TclError:
            result = None
        if type(result) is int:
            return result
    raise TclError(f'expected integer expression but got "{text}"')


# -- runtime: Jim's operator semantics ----------------------------------------------
def number(v):
    """An operand as int or double, with Jim's error for a non-numeric string."""
    t = type(v)
    if t is int or t is float:
        return v
    n = to_number(v)
    if n is None:
        raise TclError(f'expected floating-point number but got "{to_str(v)}"')
    return n


def _int(v) -> int:
    t = type(v)
    if t is int:
        return v
    n = parse_int(to_str(v))
    if n is None:
        raise TclError(f'expected integer but got "{to_str(v)}"')
    return n


def add(a, b):
    if type(a) is int and type(b) is int:
        r = a + b
        return r if -WIDE_SIGN <= r < WIDE_SIGN else wrap(r)
    a, b = number(a), number(b)
    if type(a) is int and type(b) is int:
        return wrap(a + b)
    return float(a) + float(b)


def sub(a, b):
    if type(a) is int and type(b) is int:
        r = a - b
        return r if -WIDE_SIGN <= r < WIDE_SIGN else wrap(r)
    a, b = number(a), number(b)
    if type(a) is int and type(b) is int:
        return wrap(a - b)
    return float(a) - float(b)


def mul(a, b):
    if type(a) is int and type(b) is int:
        r = a * b
        return r if -WIDE_SIGN <= r < WIDE_SIGN else wrap(r)
    a, b = number(a), number(b)
    if type(a) is int and type(b) is int:
        return wrap(a * b)
    return float(a) * float(b)


def div(a, b):
    a, b = number(a), number(b)
    if type(a) is int and type(b) is int:
        if b == 0:
            raise TclError("Division by zero")
        return wrap(a // b)
    a, b = float(a), float(b)
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def mod(a, b):
    a, b = _int(a), _int(b)
    if b == 0:
        raise TclError("0")  # sic: Jim 0.81 reports a zero modulus with the bare message "0"
    return wrap(a % b)


def pow_(a, b):
    a, b = number(a), number(b)
    if type(a) is not int or type(b) is not int:
        raise TclError("unsupported")
    if b < 0:
        if a == 0:
            raise TclError("exponentiation of zero by negative power")
        if a == 1:
            return 1
        if a == -1:
            return -1 if b & 1 else 1
        return 0
    return wrap(pow(a, b, 1 << 64))


def shl(a, b):
    return wrap(_int(a) << (_int(b) & 63))


def shr(a, b):
    return _int(a) >> (_int(b) & 63)


def rotl(a, b):
    a, s = _int(a) & 0xFFFFFFFFFFFFFFFF, _int(b) & 63
    return wrap((a << s) | (a >> (64 - s)))


def rotr(a, b):
    a, s = _int(a) & 0xFFFFFFFFFFFFFFFF, _int(b) & 63
    return wrap((a >> s) | (a << (64 - s)))


def _compare(a, b) -> int:
    """-1/0/1: numerically when both are numbers, else as strings."""
    if type(a) is int and type(b) is int:
        return (a > b) - (a < b)
    na, nb = to_number(a), to_number(b)
    if na is not None and nb is not None:
        return (na > nb) - (na < nb)
    sa, sb = to_str(a), to_str(b)
    return (sa > sb) - (sa < sb)


def lt(a, b):
    if type(a) is int and type(b) is int:
        return 1 if a < b else 0
    return 1 if _compare(a, b) < 0 else 0


def gt(a, b):
    if type(a) is int and type(b) is int:
        return 1 if a > b else 0
    return 1 if _compare(a, b) > 0 else 0


def le(a, b):
    return 1 if _compare(a, b) <= 0 else 0


def ge(a, b):
    return 1 if _compare(a, b) >= 0 else 0


def eq(a, b):
    if type(a) is int and type(b) is int:
        return 1 if a == b else 0
    return 1 if _compare(a, b) == 0 else 0


def ne(a, b):
    return 1 - eq(a, b)


def streq(a, b):
    return 1 if to_str(a) == to_str(b) else 0


def strne(a, b):
    return 1 if to_str(a) != to_str(b) else 0


def strlt(a, b):
    return 1 if to_str(a) < to_str(b) else 0


def strgt(a, b):
    return 1 if to_str(a) > to_str(b) else 0


def strle(a, b):
    return 1 if to_str(a) <= to_str(b) else 0


def strge(a, b):
    return 1 if to_str(a) >= to_str(b) else 0


def in_(a, b):
    s = to_str(a)
    return 1 if any(to_str(x) == s for x in to_list(b)) else 0


def ni(a, b):
    return 1 - in_(a, b)


def band(a, b):
    return _int(a) & _int(b)


def bor(a, b):
    return _int(a) | _int(b)


def bxor(a, b):
    return _int(a) ^ _int(b)


def _unary_num(v):
    t = type(v)
    if t is int or t is float:
        return v
    n = to_number(v)
    if n is None:
        raise TclError(f'expected boolean but got "{to_str(v)}"')
    return n


def neg(a):
    a = _unary_num(a)
    return wrap(-a) if type(a) is int else -a


def pos(a):
    return _unary_num(a)


def not_(a):
    return 0 if to_bool(a) else 1


def inv(a):
    return ~_int(a)


def F_abs(a):
    a = number(a)
    return wrap(abs(a)) if type(a) is int else abs(a)


def F_double(a):
    return float(_unary_num(a))


def _to_wide(a) -> int:
    a = number(a)
    if type(a) is int:
        return a
    if a != a or a in (math.inf, -math.inf) or not -2.0 ** 63 <= a < 2.0 ** 63:
        return -WIDE_SIGN
    return int(a)


def F_int(a):
    return _to_wide(a)


F_wide = F_int


def F_round(a):
    a = number(a)
    if type(a) is int:
        return a
    return _to_wide(math.floor(a + 0.5) if a >= 0 else -math.floor(-a + 0.5))


_rng = random.Random()


def F_rand():
    return _rng.random()


def F_srand(seed):
    _rng.seed(_int(seed))
    return _rng.random()


_RUNTIME = {name: obj for name, obj in globals().items()
            if callable(obj) and not name.startswith("_") and name not in ("compile_expr", "evaluate")}
_RUNTIME["B"] = to_bool
_RUNTIME["__builtins__"] = {}
del _RUNTIME["Lark"], _RUNTIME["Token"], _RUNTIME["Transformer"], _RUNTIME["Lexer"]
