"""Dicts and arrays: the `dict` and `array` commands.

In Jim an array is a dict held in a variable: `set a(x) 1` makes `$a` the dict "x 1".
Jim 0.81 implements `dict for/incr/lappend/append/remove/replace/update` as procs in its
stdlib.tcl; they are Python here, but keep those procs' observable quirks and report their
errors from stdlib.tcl lines, as jimsh does.
"""
from __future__ import annotations

from ..errors import TclControl, TclError, TclReturn, wrong_args
from ..expr import wide_expr
from ..glob import glob_match
from ..values import remove_key, to_dict, to_int, to_list, to_str, wrap
from ._args import check_args

_MISSING = object()


# -- helpers -----------------------------------------------------------------------------------
def dict_info(value) -> str:
    """Jim_DictInfo: two table entries per pair, buckets a power of two of at least 16."""
    used = 2 * len(to_dict(value))
    buckets = 0 if not used else max(16, 1 << (used - 1).bit_length())
    return f"{used} entries in table, {buckets} buckets"


def _walk(value, keys, missing_ok: bool = False):
    """Jim_DictKeysVector: the value under `keys`, or _MISSING for an absent key when allowed."""
    for key in keys:
        d = to_dict(value)
        key = to_str(key)
        value = d.get(key, _MISSING)
        if value is _MISSING:
            if missing_ok:
                return _MISSING
            raise TclError(f'key "{key}" not known in dictionary')
    return value


def set_path(interp, name: str, keys: list, value) -> dict:
    """Jim_SetDictKeysVector: set the entry under `keys` in a variable, or remove it when value is
    _MISSING; missing inner dicts are created when setting. Returns the variable's new dict."""
    top = d = interp.owned_value(name, dict)  # an unset variable gets its empty dict before the walk
    for key in keys[:-1]:
        key = to_str(key)
        inner = d.get(key, _MISSING)
        if inner is _MISSING:
            if value is _MISSING:
                raise TclError(f'key "{key}" not known in dictionary')
            inner = {}
        else:
            inner = dict(to_dict(inner))  # inner dicts may be shared: copy along the path
        d[key] = inner
        d = inner
    last = to_str(keys[-1])
    if value is _MISSING:
        if last in d:
            remove_key(d, last)
    else:
        d[last] = value
    return top


def _matching(value, pattern, want_keys: bool, want_values: bool) -> list:
    """Jim_DictMatchTypes: keys and/or values of the entries whose key (or value) matches a glob."""
    pattern = None if pattern is None else to_str(pattern)
    out = []
    for k, v in to_dict(value).items():
        subject = k if want_keys else to_str(v)
        if pattern is None or glob_match(pattern, subject):
            if want_keys:
                out.append(k)
            if want_values:
                out.append(v)
    return out


def _merge(values: list) -> dict:
    result = dict(to_dict(values[0]))
    for value in values[1:]:
        result.update(to_dict(value))
    return result


class _StdlibProc:
    """Context for a subcommand that Jim runs as a stdlib.tcl proc: an error raised inside gets
    that file's `line` (set as the body proceeds) and the proc's call site in the trace."""

    def __init__(self, interp, proc: str, line: int) -> None:
        cmd = interp.cur_cmd
        file, base = interp.cur_loc
        self.site = (file, base + cmd.line - 1) if cmd is not None else (file, base)
        self.proc = proc
        self.line = line

    def __enter__(self) -> "_StdlibProc":
        return self

    def __exit__(self, kind, err, tb) -> bool:
        if isinstance(err, TclError):
            if not err.located:
                err.file, err.line, err.located = "stdlib.tcl", self.line, True
            err.add_call(self.proc, *self.site)
        return False


# -- dict subcommands --------------------------------------------------------------------------
def dict_create(interp, argv):
    if len(argv) % 2:
        raise wrong_args("dict create ?key value ...?")
    return {to_str(argv[i]): argv[i + 1] for i in range(2, len(argv), 2)}


def dict_get(interp, argv):
    check_args(argv, 2, None, "get dictionary ?key ...?")
    return _walk(argv[2], argv[3:])


def dict_getwithdefault(interp, argv):
    check_args(argv, 4, None, "getwithdefault dictionary ?key ...? key default")
    value = _walk(argv[2], argv[3:-1], missing_ok=True)
    return argv[-1] if value is _MISSING else value


def dict_exists(interp, argv):
    check_args(argv, 3, None, "exists dictionary key ?key ...?")
    return int(_walk(argv[2], argv[3:], missing_ok=True) is not _MISSING)


def dict_set(interp, argv):
    check_args(argv, 4, None, "set varName key ?key ...? value")
    return set_path(interp, to_str(argv[2]), argv[3:-1], argv[-1])


def dict_unset(interp, argv):
    check_args(argv, 3, None, "unset varName key ?key ...?")
    return set_path(interp, to_str(argv[2]), argv[3:], _MISSING)


def dict_keys(interp, argv):
    check_args(argv, 2, 3, "keys dictionary ?pattern?")
    return _matching(argv[2], argv[3] if len(argv) > 3 else None, True, False)


def dict_values(interp, argv):
    check_args(argv, 2, 3, "values dictionary ?pattern?")
    return _matching(argv[2], argv[3] if len(argv) > 3 else None, False, True)


def dict_size(interp, argv):
    check_args(argv, 2, 2, "size dictionary")
    return len(to_dict(argv[2]))


def dict_info_cmd(interp, argv):
    check_args(argv, 2, 2, "info dictionary")
    return dict_info(argv[2])


def dict_merge(interp, argv):
    return _merge(argv[2:]) if len(argv) > 2 else ""


def dict_replace(interp, argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        raise wrong_args("dict replace dictionary ?key value ...?")
    return _merge([argv[2], argv[3:]])


def dict_remove(interp, argv):
    if len(argv) < 3:
        raise wrong_args("dict remove dictionary ?key ...?")
    if len(argv) == 3:
        return argv[2]
    with _StdlibProc(interp, "dict remove", 166):
        d = dict(to_dict(argv[2]))
    for key in map(to_str, argv[3:]):
        if key in d:
            remove_key(d, key)
    return d


def dict_for(interp, argv):
    if len(argv) != 5:
        raise wrong_args("dict for vars dictionary script")
    if len(to_list(argv[2])) != 2:
        raise TclError("must have exactly two variable names")
    with _StdlibProc(interp, "dict for", 176):
        to_dict(argv[3])
    return interp.invoke(["foreach", argv[2], argv[3], argv[4]])  # stdlib.tcl tailcalls foreach


def _incr_value(interp, old, args: list):
    step = wide_expr(args[0]) if args else 1
    return wrap((0 if old is _MISSING else to_int(old)) + step)


def _lappend_value(interp, old, args: list):
    return [*(() if old is _MISSING else to_list(old)), *args]


def _append_value(interp, old, args: list):
    if old is _MISSING and not args:
        raise TclError('can\'t read "str": no such variable')
    return ("" if old is _MISSING else to_str(old)) + "".join(to_str(a) for a in args)


# name -> (usage, most args after the key or None, stdlib.tcl line of its `dict exists`, new value)
_UPDATERS = {
    "incr": ("varName key ?increment?", 1, 156, _incr_value),
    "lappend": ("varName key ?value ...?", None, 136, _lappend_value),
    "append": ("varName key ?value ...?", None, 146, _append_value),
}


def _dict_updater(sub: str):
    """dict incr/lappend/append: read the entry if it exists, compute the new value, `dict set` it."""
    usage, most, line, new_value = _UPDATERS[sub]

    def command(interp, argv):
        if len(argv) < 4 or most is not None and len(argv) > 4 + most:
            raise wrong_args(f"dict {sub} {usage}")
        name, key = to_str(argv[2]), argv[3]
        with _StdlibProc(interp, f"dict {sub}", line) as at:
            old = _walk(interp.getvar(name), [key], True) if interp.var_exists(name) else _MISSING
            at.line = line + 3
            value = new_value(interp, old, argv[4:])
            at.line = line + 4
            return set_path(interp, name, [key], value)

    return command


def dict_with(interp, argv):
    """Jim's C `dict with`: write back only after the script completes normally; the result is
    then that of the last write-back (the dict, or the write-back's error message)."""
    check_args(argv, 3, None, "with dictVar ?key ...? script")
    name, keys, script = to_str(argv[2]), argv[3:-1], argv[-1]
    names = list(to_dict(_walk(interp.getvar(name), keys)).items())
    for k, v in names:
        interp.setvar(k, v)
    if not to_str(script):
        return ""
    result = interp.eval(script)
    if interp.var_exists(name):
        for k, _ in names:
            value = interp.getvar(k) if interp.var_exists(k) else _MISSING
            try:
                result = set_path(interp, name, [*keys, k], value)
            except TclError as e:
                result = e.result
    return result


def dict_update(interp, argv):
    """stdlib.tcl's `dict update`: the script's completion is caught, the variables written back
    (even after an error or break), then the completion is passed on."""
    if len(argv) < 6 or len(argv) % 2:
        raise wrong_args("dict update varName ?arg ...? script")
    name, pairs, script = to_str(argv[2]), argv[3:-1], argv[-1]
    interp.getvar(name)
    with _StdlibProc(interp, "dict update", 109) as at:
        for i in range(0, len(pairs), 2):
            value = _walk(interp.getvar(name), [pairs[i]], True)
            if value is not _MISSING:
                interp.setvar(to_str(pairs[i + 1]), value)
        outcome = None
        try:
            result = interp.eval(script)
        except (TclError, TclControl) as e:
            outcome = e
        if interp.var_exists(name):
            for i in range(0, len(pairs), 2):
                var = to_str(pairs[i + 1])
                present = interp.var_exists(var)
                at.line = 117 if present else 119
                set_path(interp, name, [pairs[i]], interp.getvar(var) if present else _MISSING)
        if isinstance(outcome, TclReturn):
            return interp.finish_return(outcome)  # the proc boundary takes one level of `return`
        if outcome is not None:
            raise outcome
    return result


DICT_TABLE = {
    "append": _dict_updater("append"), "create": dict_create, "exists": dict_exists, "for": dict_for,
    "get": dict_get, "getwithdefault": dict_getwithdefault, "getdef": dict_getwithdefault, "incr": _dict_updater("incr"), "info": dict_info_cmd,
    "keys": dict_keys, "lappend": _dict_updater("lappend"), "merge": dict_merge, "remove": dict_remove,
    "replace": dict_replace, "set": dict_set, "size": dict_size, "unset": dict_unset, "update": dict_update,
    "values": dict_values, "with": dict_with,
}
_DICT_NAMES = sorted(set(DICT_TABLE) - {"getdef"})  # getdef: an unlisted alias, as in Jim


def cmd_dict(interp, argv):
    """`dict`: subcommand names must be exact in Jim 0.81 (no abbreviations)."""
    if len(argv) < 2:
        raise wrong_args("dict subcommand ?arguments ...?")
    fn = DICT_TABLE.get(to_str(argv[1]))
    if fn is None:
        listed = ", ".join(_DICT_NAMES[:-1]) + ", or " + _DICT_NAMES[-1]
        raise TclError(f'bad subcommand "{to_str(argv[1])}": must be {listed}')
    return fn(interp, argv)


# -- array -------------------------------------------------------------------------------------
def _array_value(interp, name: str):
    return interp.getvar(name) if interp.var_exists(name) else _MISSING


def _is_dict(value) -> bool:
    try:
        to_dict(value)
        return True
    except TclError:
        return False


def array_exists(interp, argv):
    value = _array_value(interp, to_str(argv[2]))
    return int(value is not _MISSING and _is_dict(value))


def array_get(interp, argv):
    value = _array_value(interp, to_str(argv[2]))
    if value is _MISSING:
        return ""
    pattern = argv[3] if len(argv) > 3 else None
    if pattern is None or to_str(pattern) == "*":
        if type(value) is list and len(value) % 2 == 0:
            return value  # Jim hands back an even-length list as it is
        pattern = None
    return _matching(value, pattern, True, True)


def array_names(interp, argv):
    value = _array_value(interp, to_str(argv[2]))
    return "" if value is _MISSING else _matching(value, argv[3] if len(argv) > 3 else None, True, False)


def array_set(interp, argv):
    name, items = to_str(argv[2]), argv[3]
    pairs = to_list(items)
    if len(pairs) % 2:
        raise TclError("list must have an even number of elements")
    if not interp.var_exists(name):
        # Jim stores the list itself: its text stays, and so do repeated keys (`array get` shows them)
        repeats = type(items) is not list and 2 * len(to_dict(items)) != len(pairs)
        interp.setvar(name, list(pairs) if repeats else items)
        return ""
    d = interp.owned_value(name, dict)
    for i in range(0, len(pairs), 2):
        d[to_str(pairs[i])] = pairs[i + 1]
    return ""


def array_size(interp, argv):
    value = _array_value(interp, to_str(argv[2]))
    return len(to_dict(value)) if value is not _MISSING and _is_dict(value) else 0


def array_stat(interp, argv):
    value = _array_value(interp, to_str(argv[2]))
    if value is _MISSING:
        raise TclError(f'"{to_str(argv[2])}" isn\'t an array')
    return dict_info(value)


def array_unset(interp, argv):
    name = to_str(argv[2])
    pattern = to_str(argv[3]) if len(argv) > 3 else "*"
    if pattern == "*":
        interp.unsetvar(name, nocomplain=True)
        return ""
    value = _array_value(interp, name)
    if value is _MISSING or not _is_dict(value):
        return ""
    interp.setvar(name, {k: v for k, v in to_dict(value).items() if not glob_match(pattern, k)})
    return ""


# name -> (function, fewest args, most args, usage after the name); Jim's jim-subcmd table
ARRAY_TABLE = {
    "exists": (array_exists, 1, 1, "arrayName"), "get": (array_get, 1, 2, "arrayName ?pattern?"),
    "names": (array_names, 1, 2, "arrayName ?pattern?"), "set": (array_set, 2, 2, "arrayName list"),
    "size": (array_size, 1, 1, "arrayName"), "stat": (array_stat, 1, 1, "arrayName"),
    "unset": (array_unset, 1, 2, "arrayName ?pattern?"),
}


def cmd_array(interp, argv):
    """`array`, dispatched the jim-subcmd way: unique prefixes, -help and -commands."""
    name = to_str(argv[0])
    names = list(ARRAY_TABLE)
    if len(argv) < 2:
        raise TclError(f'wrong # args: should be "{name} command ..."\nUse "{name} -help ?command?" for help')
    word = to_str(argv[1])
    help_ = word == "-help"
    usage = f'Usage: "{name} command ... ", where command is one of: ' + ", ".join(names)
    if help_:
        if len(argv) == 2:
            return usage
        word = to_str(argv[2])
    if word == "-commands":
        return " ".join(names)
    hits = [n for n in names if n.startswith(word)]
    sub = word if word in ARRAY_TABLE else hits[0] if len(hits) == 1 else None
    if sub is None:
        if help_:
            return usage
        kind = "ambiguous" if hits else "unknown"
        raise TclError(f'{name}, {kind} command "{word}": should be ' + ", ".join(names))
    fn, low, high, args = ARRAY_TABLE[sub]
    if help_:
        return f"Usage: {name} {sub} {args}"
    if not low <= len(argv) - 2 <= high:
        raise wrong_args(f"{name} {sub} {args}")
    return fn(interp, argv)


def register(interp) -> None:
    interp.register("dict", cmd_dict)
    interp.register("array", cmd_array)
