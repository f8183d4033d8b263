"""Procedures: proc rename lambda apply local tailcall."""
from __future__ import annotations

import itertools

from ..errors import TclError, TclTailcall, wrong_args
from ..interp import Proc
from ..values import to_list, to_str
from ._args import check_args

_lambda_ids = itertools.count()


def cmd_proc(interp, argv):
    if len(argv) not in (4, 5):
        raise wrong_args("proc name arglist ?statics? body")
    name = to_str(argv[1])
    body = argv[-1]
    statics = _statics(interp, argv[3]) if len(argv) == 5 else None
    interp.register(name.lstrip(":") if name.startswith("::") else name,
                    Proc(name, list(to_list(argv[2])), body, interp.loc_of(body), statics))
    return name


def _statics(interp, spec) -> dict:
    """Jim's static variables: `name` copies the caller's variable, `{name value}` gives a value."""
    statics = {}
    for item in to_list(spec):
        parts = to_list(item)
        if len(parts) == 2:
            statics[to_str(parts[0])] = parts[1]
        elif len(parts) == 1:
            sname = to_str(parts[0])
            if not interp.var_exists(sname):
                raise TclError(f'variable for initialization of static "{sname}" not found in the local context')
            statics[sname] = interp.getvar(sname)
        else:
            raise TclError(f'too many fields in static specifier "{to_str(item)}"')
    return statics


def cmd_rename(interp, argv):
    check_args(argv, 2, 2, "oldName newName")
    old, new = to_str(argv[1]), to_str(argv[2])
    fn = interp.lookup(old)
    if fn is None:
        raise TclError(f'can\'t {"delete" if not new else "rename"} "{old}": command doesn\'t exist')
    if new and interp.lookup(new) is not None:
        raise TclError(f'can\'t rename to "{new}": command already exists')
    interp.commands.pop(old.lstrip(":") if old not in interp.commands else old, None)
    if new:
        if type(fn) is Proc:
            fn.name = new
        interp.register(new, fn)
    return ""


def cmd_lambda(interp, argv):
    if len(argv) not in (3, 4):
        raise wrong_args("lambda arglist ?statics? body")
    name = f"<reference.<functio>.{next(_lambda_ids):020d}>"
    body = argv[-1]
    statics = _statics(interp, argv[2]) if len(argv) == 4 else None
    interp.register(name, Proc(name, list(to_list(argv[1])), body, interp.loc_of(body), statics))
    return name


_apply_cache: dict = {}


def cmd_apply(interp, argv):
    check_args(argv, 1, None, "lambdaExpr ?arg ...?")
    text = to_str(argv[1])
    proc = _apply_cache.get(text)
    if proc is None:
        parts = to_list(argv[1])
        if len(parts) not in (2, 3):
            raise TclError(f'can\'t interpret "{text}" as a lambda expression')
        proc = Proc("apply lambdaExpr", list(to_list(parts[0])), parts[1], interp.loc_of(argv[1]))
        _apply_cache[text] = proc
    return interp.call_proc(proc, ["apply", *argv[2:]], "apply lambdaExpr")


def cmd_local(interp, argv):
    """Run a command that creates a command; delete it (restoring any previous one) when the proc returns."""
    check_args(argv, 1, None, "cmd ?args ...?")
    name = to_str(argv[1])
    target = to_str(argv[2]) if len(argv) > 2 else ""
    previous = interp.commands.get(target)
    result = interp.invoke(list(argv[1:]))
    created = to_str(result)
    if interp.frame.level == 0 or name == "":
        return result
    frame = interp.frame
    if frame.on_exit is None:
        frame.on_exit = []

    def restore() -> None:
        interp.commands.pop(created, None)
        if previous is not None and created == target:
            interp.commands[target] = previous

    frame.on_exit.append(restore)
    return result


def cmd_tailcall(interp, argv):
    check_args(argv, 1, None, "cmd ?args ...?")
    if interp.frame.level == 0:
        return interp.invoke(list(argv[1:]))
    raise TclTailcall(list(argv[1:]))


def register(interp) -> None:
    for name, fn in (("proc", cmd_proc), ("rename", cmd_rename), ("lambda", cmd_lambda),
                     ("apply", cmd_apply), ("local", cmd_local), ("tailcall", cmd_tailcall)):
        interp.register(name, fn)
