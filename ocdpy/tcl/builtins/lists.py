"""Lists: list llength lindex lrange lappend lsearch lsort linsert lreplace lset lassign lrepeat lreverse
concat join split, with Jim 0.81's option sets, index rules and error texts."""
from __future__ import annotations

from ..cstring import upper  # C-locale toupper: how Jim folds case for -nocase
from ..errors import TclControl, TclError, wrong_args
from ..glob import glob_match
from ..values import list_index, parse_int, to_double, to_int, to_list, to_str, wrap
from ._args import check_args, get_enum

_SPACE = " \t\n\r\f\v"


def _check_indices(specs) -> None:
    """Jim parses every index of a path before using any, so a bad one is reported first."""
    for spec in specs:
        if type(spec) is not int:
            list_index(spec, 0)


def sub_element(value, specs):
    """The element at the index path `specs` (lsort/lsearch -index), with Jim_ListIndices' errors."""
    _check_indices(specs)
    for spec in specs:
        items = to_list(value)
        i = list_index(spec, len(items))
        if not 0 <= i < len(items):
            end_based = type(spec) is not int and to_str(spec).strip().startswith("end")
            if i == len(items) and not end_based:
                raise TclError(f'element {to_str(spec)} missing from sublist "{to_str(value)}"')
            raise TclError(f'index "{to_str(spec)}" out of range')
        value = items[i]
    return value


def _clamp_range(first: int, last: int, length: int) -> tuple[int, int]:
    """JimRelToAbsRange: (start, count) of first..last inside a list of `length`."""
    if first > last:
        return max(first, 0), 0
    count = last - first + 1
    if first < 0:
        count += first
        first = 0
    if last >= length:
        count -= last - (length - 1)
    return first, max(count, 0)


# -- simple list commands ------------------------------------------------------------------
def cmd_list(interp, argv):
    return argv[1:]


def cmd_llength(interp, argv):
    check_args(argv, 1, 1, "list")
    return len(to_list(argv[1]))


def cmd_lindex(interp, argv):
    check_args(argv, 1, None, "list ?index ...?")
    specs = argv[2:]
    _check_indices(specs)
    value = argv[1]
    for spec in specs:
        items = to_list(value)
        i = list_index(spec, len(items))
        if not 0 <= i < len(items):
            return ""
        value = items[i]
    return value


def cmd_lrange(interp, argv):
    check_args(argv, 3, 3, "list first last")
    items = to_list(argv[1])
    n = len(items)
    first, count = _clamp_range(list_index(argv[2], n), list_index(argv[3], n), n)
    return list(items[first:first + count])


def cmd_linsert(interp, argv):
    check_args(argv, 2, None, "list index ?element ...?")
    items = to_list(argv[1])
    pos = list_index(argv[2], len(items) + 1)  # `end` is the slot after the last element
    pos = min(max(pos, 0), len(items))
    return [*items[:pos], *argv[3:], *items[pos:]]


def cmd_lreplace(interp, argv):
    check_args(argv, 3, None, "list first last ?element ...?")
    items = to_list(argv[1])
    n = len(items)
    first, count = _clamp_range(list_index(argv[2], n), list_index(argv[3], n), n)
    first = min(first, n)  # replacing past the end appends (TIP #505)
    return [*items[:first], *argv[4:], *items[first + count:]]


def cmd_lappend(interp, argv):
    check_args(argv, 1, None, "varName ?value value ...?")
    name = to_str(argv[1])
    if len(argv) == 2 and interp.var_exists(name):
        return interp.getvar(name)
    items = interp.owned_value(name, list)
    items.extend(argv[2:])
    return items


def cmd_lset(interp, argv):
    check_args(argv, 2, None, "listVar ?index ...? value")
    name = to_str(argv[1])
    value = argv[-1]
    specs = argv[2:-1]
    if not specs:
        return interp.setvar(name, value)
    interp.getvar(name)  # must exist
    top = interp.owned_value(name, list)
    items = top
    for depth, spec in enumerate(specs):
        i = list_index(spec, len(items))
        innermost = depth == len(specs) - 1
        if not 0 <= i < len(items):
            raise TclError("list index out of range" if innermost else f'index "{to_str(spec)}" out of range')
        if innermost:
            items[i] = value
        else:
            inner = list(to_list(items[i]))  # inner lists may be shared: copy along the path
            items[i] = inner
            items = inner
    return top


def cmd_lassign(interp, argv):
    check_args(argv, 1, None, "varList list ?varName ...?")
    items = to_list(argv[1])
    names = argv[2:]
    for i, name in enumerate(names):
        interp.setvar(to_str(name), items[i] if i < len(items) else "")
    return list(items[len(names):])


def cmd_lrepeat(interp, argv):
    count = parse_int(to_str(argv[1])) if len(argv) > 1 else None
    if count is None or count < 0:
        raise wrong_args("lrepeat count ?value ...?")
    return list(argv[2:]) * count


def cmd_lreverse(interp, argv):
    check_args(argv, 1, 1, "list")
    return list(reversed(to_list(argv[1])))


def cmd_concat(interp, argv):
    """Jim_ConcatObj: lists are joined as lists; otherwise the trimmed strings are glued with spaces."""
    args = argv[1:]
    if args and all(type(a) is list for a in args):
        return [item for a in args for item in a]
    parts = []
    for a in args:
        s = to_str(a).lstrip(_SPACE)
        end = len(s)
        while end and s[end - 1] in _SPACE and not (end > 1 and s[end - 2] == "\\"):
            end -= 1
        parts.append(s[:end])
    out = []
    for i, s in enumerate(parts):
        out.append(s)
        if s and i + 1 < len(parts):
            out.append(" ")
    return "".join(out)


def cmd_join(interp, argv):
    check_args(argv, 1, 2, "list ?joinString?")
    sep = to_str(argv[2]) if len(argv) > 2 else " "
    return sep.join(to_str(item) for item in to_list(argv[1]))


def cmd_split(interp, argv):
    check_args(argv, 1, 2, "string ?splitChars?")
    s = to_str(argv[1])
    chars = to_str(argv[2]) if len(argv) > 2 else " \t\n\r"
    if not s:
        return []
    if not chars:
        return list(s)
    out, start = [], 0
    for i, c in enumerate(s):
        if c in chars:
            out.append(s[start:i])
            start = i + 1
    out.append(s[start:])
    return out


# -- lsearch -------------------------------------------------------------------------------
_LSEARCH_USAGE = ("lsearch ?-exact|-glob|-regexp|-command 'command'? ?-bool|-inline? ?-not? ?-nocase? ?-all?"
                  " ?-stride len? ?-index val? list value")
_LSEARCH_OPTIONS = ("-all", "-bool", "-command", "-exact", "-glob", "-index", "-inline", "-nocase", "-not",
                    "-regexp", "-stride")


def _command_match(interp, command, nocase: bool, pattern, value) -> tuple[int, str]:
    """Jim_CommandMatchObj: run `command ?-nocase? pattern value`; returns (eq, interp result).

    eq is the command's integer result (0 when it is not one); a negative eq, or a completion
    other than ok, is an error carrying the result."""
    words = [command, "-nocase", pattern, value] if nocase else [command, pattern, value]
    try:
        result = to_str(interp.invoke(words))
    except TclControl as c:
        raise TclError(to_str(c.value)) from None
    eq = parse_int(result)
    if eq is None:
        return 0, f'expected integer but got "{result}"'
    if eq < 0:
        raise TclError(result)
    return eq, result


def cmd_lsearch(interp, argv):
    if len(argv) < 3:
        raise wrong_args(_LSEARCH_USAGE)
    mode, command, index = "-exact", None, ()
    inline = boolean = negate = nocase = every = False
    stride = 1
    i, last_option = 1, len(argv) - 2
    while i < last_option:
        opt = to_str(argv[i])
        if opt not in _LSEARCH_OPTIONS:
            raise TclError(f'bad option "{opt}": must be ' + ", ".join(_LSEARCH_OPTIONS[:-1])
                           + ", or " + _LSEARCH_OPTIONS[-1])
        if opt in ("-exact", "-glob", "-regexp", "-command"):
            mode = opt
            if opt == "-command":
                i += 1
                command = argv[i]
        elif opt == "-bool":
            boolean, inline = True, False
        elif opt == "-inline":
            inline, boolean = True, False
        elif opt == "-not":
            negate = True
        elif opt == "-nocase":
            nocase = True
        elif opt == "-all":
            every = True
        elif opt == "-stride":
            i += 1
            stride = to_int(argv[i])
            if stride < 1:
                raise TclError("stride length must be at least 1")
        else:
            i += 1
            index = to_list(argv[i])
        i += 1
    items = to_list(argv[-2])
    pattern = argv[-1]
    if len(items) % stride:
        raise TclError("list size must be a multiple of the stride length")
    if mode == "-regexp":
        mode, command = "-command", "regexp"  # Jim runs the regexp command on each element
    text = to_str(pattern)
    if nocase and mode == "-exact":
        text = upper(text)
    found = []
    leaked = ""  # an -inline search that finds nothing returns whatever the last command left
    for start in range(0, len(items), stride):
        group = list(items[start:start + stride]) if stride > 1 else None
        whole = items[start] if group is None else group
        subject = sub_element(whole, index) if index else whole if group is None else group[0]
        if mode == "-exact":
            s = to_str(subject)
            eq = int((upper(s) if nocase else s) == text)
        elif mode == "-glob":
            eq = int(glob_match(text, to_str(subject), nocase))
        else:
            eq, leaked = _command_match(interp, command, nocase, pattern, subject)
        if (eq or every) if boolean else eq == (not negate):
            if boolean:
                result = eq ^ negate
            elif inline:
                result = subject if group is None else group
            else:
                result = start
            if not every:
                return result
            if group is not None and inline:
                found.extend(group)
            else:
                found.append(result)
    if every:
        return "" if stride > 1 and not inline else found  # what Jim 0.81 gives for -all -stride
    return leaked if inline else (int(negate) if boolean else -1)


# -- lsort ---------------------------------------------------------------------------------
_LSORT_OPTIONS = ("-ascii", "-command", "-decreasing", "-increasing", "-index", "-integer", "-nocase", "-real",
                  "-stride", "-unique")
_KEY_TYPES = {"-ascii": to_str, "-nocase": lambda v: upper(to_str(v)), "-integer": to_int, "-real": to_double}


def _msort(items: list, cmp) -> list:
    """glibc's qsort (a top-down merge sort), so a -command sees the same comparisons as under Jim."""
    n = len(items)
    if n <= 1:
        return items
    left, right = _msort(items[:n // 2], cmp), _msort(items[n // 2:], cmp)
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        if cmp(left[i], right[j]) <= 0:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def _sign(n) -> int:
    return (n > 0) - (n < 0)


def _comparator(interp, kind: str, command, pick, order: int):
    """A Jim-style three-way comparison of two elements (Jim evaluates keys on every comparison)."""
    if kind == "-command":
        prefix = list(to_list(command))

        def compare(a, b):
            return order * _sign(to_int(interp.invoke([*prefix, pick(a), pick(b)])))
    elif kind == "-integer":
        def compare(a, b):
            return order * _sign(wrap(to_int(pick(a)) - to_int(pick(b))))
    else:
        key = _KEY_TYPES[kind]

        def compare(a, b):
            x, y = key(pick(a)), key(pick(b))
            return order * (0 if x == y else 1 if x > y else -1)
    return compare


def _fast_sort(items: list, kind: str, pick, order: int, unique: bool) -> list | None:
    """Python's stable sort on precomputed keys: same result as Jim's merge sort whenever the keys
    form a total order. None means "use the exact comparison path" (a bad key, NaN, 64-bit overflow)."""
    key = _KEY_TYPES[kind]
    try:
        keys = [key(pick(item)) for item in items]
    except TclError:
        return None
    if kind == "-real" and any(k != k for k in keys):
        return None
    if kind == "-integer" and keys and max(keys) - min(keys) >= 1 << 63:
        return None
    ranked = sorted(zip(keys, range(len(items))), key=lambda p: p[0], reverse=order < 0)
    if unique:  # keep the last of each run of equal keys, like Jim
        ranked = [p for n, p in enumerate(ranked) if n + 1 == len(ranked) or ranked[n + 1][0] != p[0]]
    return [items[i] for _, i in ranked]


def cmd_lsort(interp, argv):
    if len(argv) < 2:
        raise wrong_args("lsort ?options? list")
    kind, order, unique, command, index, stride = "-ascii", 1, False, None, None, 0
    i, n = 1, len(argv)
    while i < n - 1:
        opt = get_enum(to_str(argv[i]), _LSORT_OPTIONS, "option")
        if opt in ("-ascii", "-nocase", "-integer", "-real"):
            kind = opt
        elif opt in ("-increasing", "-decreasing"):
            order = 1 if opt == "-increasing" else -1
        elif opt == "-unique":
            unique = True
        elif opt == "-stride":
            if i >= n - 2:
                raise wrong_args("lsort ?options? list")
            i += 1
            stride = to_int(argv[i])
            if stride < 2:
                raise TclError("stride length must be at least 2")
        else:
            what = "comparison command" if opt == "-command" else "list index"
            missing = TclError(f'"{opt}" option must be followed by {what}')
            if i >= n - 2:
                raise missing
            i += 1
            if opt == "-command":
                kind, command = "-command", argv[i]
            else:
                index = to_list(argv[i])
                if not index:
                    raise missing
        i += 1
    items = to_list(argv[-1])
    if stride:
        if len(items) % stride:
            raise TclError("list size must be a multiple of the stride length")
        items = [list(items[k:k + stride]) for k in range(0, len(items), stride)]
        unique = False  # Jim 0.81 crashes on -unique -stride; keep every group
    else:
        items = list(items)
    pick = (lambda v: v) if index is None else (lambda v: sub_element(v, index))
    result = None if kind == "-command" else _fast_sort(items, kind, pick, order, unique)
    if result is None:
        compare = _comparator(interp, kind, command, pick, order)
        result = _msort(items, compare)
        if unique and result:
            kept = [result[0]]
            for item in result[1:]:
                if compare(kept[-1], item) == 0:
                    kept[-1] = item
                else:
                    kept.append(item)
            result = kept
    if stride:
        return [x for group in result for x in group]
    return result


def register(interp) -> None:
    for name, fn in (("list", cmd_list), ("llength", cmd_llength), ("lindex", cmd_lindex), ("lrange", cmd_lrange),
                     ("linsert", cmd_linsert), ("lreplace", cmd_lreplace), ("lappend", cmd_lappend),
                     ("lset", cmd_lset), ("lassign", cmd_lassign), ("lrepeat", cmd_lrepeat),
                     ("lreverse", cmd_lreverse), ("concat", cmd_concat), ("join", cmd_join), ("split", cmd_split),
                     ("lsearch", cmd_lsearch), ("lsort", cmd_lsort)):
        interp.register(name, fn)
