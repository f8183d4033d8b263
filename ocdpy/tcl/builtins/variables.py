"""Variables: set unset incr append global upvar variable."""
from __future__ import annotations

from ..errors import TclError, wrong_args
from ..expr import wide_expr
from ..values import to_int, to_str, wrap
from ._args import check_args


def cmd_set(interp, argv):
    n = len(argv)
    if n == 3:
        name = argv[1]
        return interp.setvar(name if type(name) is str else to_str(name), argv[2])
    if n == 2:
        return interp.getvar(to_str(argv[1]))
    raise wrong_args("set varName ?newValue?")


def cmd_unset(interp, argv):
    nocomplain = False
    i = 1
    while i < len(argv):
        opt = to_str(argv[i])
        if opt == "-nocomplain":
            nocomplain = True
        elif opt == "--":
            i += 1
            break
        else:
            break
        i += 1
    for name in argv[i:]:
        interp.unsetvar(to_str(name), nocomplain)
    return ""


def cmd_incr(interp, argv):
    if len(argv) == 2:  # fast path: `incr i` on a plain integer variable
        vars_ = interp.frame.vars
        old = vars_.get(argv[1])
        if type(old) is int and old < (1 << 63) - 1:
            vars_[argv[1]] = old + 1
            return old + 1
    check_args(argv, 1, 2, "varName ?increment?")
    name = to_str(argv[1])
    step = wide_expr(argv[2]) if len(argv) > 2 else 1
    try:
        old = interp.getvar(name)
    except TclError:
        if not _unset_or_missing_element(interp, name):
            raise
        old = 0
    value = old + step if type(old) is int else to_int(old) + step
    return interp.setvar(name, value if -(1 << 63) <= value < (1 << 63) else wrap(value))


def _unset_or_missing_element(interp, name: str) -> bool:
    """incr and append create what does not exist yet, but not through a non-array value."""
    base = name.split("(", 1)[0] if name.endswith(")") else name
    return base == name or not interp.var_exists(base) or _is_dict_like(interp, base)


def _is_dict_like(interp, name: str) -> bool:
    from ..values import to_dict
    try:
        to_dict(interp.getvar(name))
        return True
    except TclError:
        return False


def cmd_append(interp, argv):
    check_args(argv, 1, None, "varName ?value ...?")
    name = to_str(argv[1])
    if len(argv) == 2:
        return interp.getvar(name)  # nothing to append: Jim reads the variable (and fails if it is unset)
    try:
        old = to_str(interp.getvar(name))
    except TclError as e:
        if "isn't array" in e.result:
            raise TclError(e.result.replace("can't read", "can't set")) from None
        if not _unset_or_missing_element(interp, name):
            raise
        old = ""
    return interp.setvar(name, old + "".join(to_str(v) for v in argv[2:]))


def cmd_global(interp, argv):
    check_args(argv, 1, None, "varName ?varName ...?")
    if interp.frame.level == 0:
        return ""
    for name in argv[1:]:
        name = to_str(name).lstrip(":")
        interp.link(name, interp.global_frame.vars, name)
    return ""


def cmd_upvar(interp, argv):
    check_args(argv, 2, None, "?level? otherVar localVar ?otherVar localVar ...?")
    words = argv[1:]
    first = to_str(words[0])
    if len(words) % 2 == 1 and (first.startswith("#") or first.lstrip("-").isdigit()):
        target = interp.frame_at(first)
        words = words[1:]
    else:
        if len(words) % 2:
            raise wrong_args("upvar ?level? otherVar localVar ?otherVar localVar ...?")
        target = interp.frame_at("1")
    for k in range(0, len(words), 2):
        other, local = to_str(words[k]), to_str(words[k + 1])
        if other.startswith("::"):
            interp.link(local, interp.global_frame.vars, other.lstrip(":"))
        else:
            interp.link(local, target.vars, other)
    return ""


def cmd_variable(interp, argv):
    check_args(argv, 1, None, "name ?value? ?name value ...?")
    words = argv[1:]
    for k in range(0, len(words), 2):
        name = to_str(words[k]).lstrip(":")
        if interp.frame.level != 0:
            interp.link(name, interp.global_frame.vars, name)
        if k + 1 < len(words):
            interp.setvar(name, words[k + 1])
    return ""


def register(interp) -> None:
    for name, fn in (("set", cmd_set), ("unset", cmd_unset), ("incr", cmd_incr), ("append", cmd_append),
                     ("global", cmd_global), ("upvar", cmd_upvar), ("variable", cmd_variable)):
        interp.register(name, fn)
