"""`info`: introspection of variables, commands, procs and the call stack."""
from __future__ import annotations

from ..errors import CODE_NAMES, TclError
from ..glob import glob_match
from ..interp import NO_DEFAULT, Link, Proc
from ..lexer import TclParseError
from ..parser import parse
from ..values import to_int, to_str
from ._args import check_args, subcommand_dispatch

VERSION = "0.81"


def _matching(names, argv, index: int = 2) -> list:
    pattern = to_str(argv[index]) if len(argv) > index else None
    return [n for n in names if pattern is None or glob_match(pattern, n)]


def _proc(interp, argv) -> Proc:
    name = to_str(argv[2])
    fn = interp.lookup(name)
    if fn is None:
        raise TclError(f'invalid command name "{name}"')
    if type(fn) is not Proc:
        raise TclError(f'command "{name}" is not a procedure')
    return fn


def info_exists(interp, argv):
    check_args(argv, 2, 2, f"{argv[1]} varName")
    return 1 if interp.var_exists(to_str(argv[2])) else 0


def info_commands(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?pattern?")
    return _matching(list(interp.commands), argv)


def info_procs(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?pattern?")
    return _matching([n for n, f in interp.commands.items() if type(f) is Proc], argv)


def info_body(interp, argv):
    check_args(argv, 2, 2, f"{argv[1]} procname")
    return _proc(interp, argv).body


def info_args(interp, argv):
    check_args(argv, 2, 2, f"{argv[1]} procname")
    return [name if default is NO_DEFAULT else [name, default] for name, default in _proc(interp, argv).params]


def _level_number(value) -> int:
    try:
        return to_int(value)
    except TclError:
        raise TclError(f'bad level "{to_str(value)}"') from None


def info_level(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?levelNum?")
    if len(argv) == 2:
        return interp.frame.level
    n = _level_number(argv[2])
    target = n if n > 0 else interp.frame.level + n
    f = interp.frame
    while f is not None and f.level > target:
        f = f.parent
    if f is None or f.level != target or f.argv is None:
        raise TclError(f'bad level "{to_str(argv[2])}"')
    return list(f.argv)


def info_frame(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?levelNum?")
    if len(argv) == 2:
        return interp.frame.level
    n = _level_number(argv[2])
    target = n if n > 0 else interp.frame.level + n
    f = interp.frame
    while f is not None and f.level > target:
        f = f.parent
    if f is None or f.level != target or f.proc is None:
        raise TclError(f'bad level "{to_str(argv[2])}"')
    file, line = f.loc if f.loc else ("", 0)
    return [to_str(f.argv[0]), file, line]


def info_script(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?filename?")
    if len(argv) == 3:
        interp.script_file = to_str(argv[2])
    return interp.script_file


def info_version(interp, argv):
    check_args(argv, 1, 1, "")
    return VERSION


def _var_names(vars_: dict, argv) -> list:
    return _matching([n for n in vars_], argv)


def info_vars(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?pattern?")
    return _var_names(interp.frame.vars, argv)


def info_locals(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?pattern?")
    if interp.frame.level == 0:
        return []
    return _matching([n for n, v in interp.frame.vars.items() if type(v) is not Link], argv)


def info_globals(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?pattern?")
    return _var_names(interp.global_frame.vars, argv)


def info_complete(interp, argv):
    check_args(argv, 2, 2, f"{argv[1]} script")
    try:
        parse(to_str(argv[2]))
    except TclParseError as e:
        return 0 if e.result.startswith(("missing", "unmatched")) else 1
    return 1


def info_returncodes(interp, argv):
    check_args(argv, 1, 2, f"{argv[1]} ?code?")
    names = {code: name for name, code in CODE_NAMES.items()}
    if len(argv) == 3:
        return names.get(to_int(argv[2]), "")
    return [x for code, name in names.items() for x in (code, name)]


def info_source(interp, argv):
    check_args(argv, 2, 4, "source ?filename line?")
    if len(argv) > 3:
        return argv[2]
    cmd = interp.cur_cmd
    if cmd is not None and any(w[1] is argv[2] for w in cmd.words):
        file, line = interp.loc_of(argv[2])
        return [file, line]
    return []


def info_stacktrace(interp, argv):
    check_args(argv, 1, 1, "")
    return list(interp.last_trace)


def info_nameofexecutable(interp, argv):
    import sys
    return sys.executable


TABLE = {"exists": info_exists, "commands": info_commands, "procs": info_procs, "body": info_body,
         "args": info_args, "level": info_level, "frame": info_frame, "script": info_script,
         "version": info_version, "patchlevel": info_version, "vars": info_vars, "locals": info_locals,
         "globals": info_globals, "complete": info_complete, "returncodes": info_returncodes,
         "source": info_source, "stacktrace": info_stacktrace, "nameofexecutable": info_nameofexecutable}
JIM_SUBCOMMANDS = ["alias", "args", "body", "channels", "commands", "complete", "exists", "frame", "globals",
                   "hostname", "level", "locals", "nameofexecutable", "patchlevel", "procs", "references",
                   "returncodes", "script", "source", "stacktrace", "statics", "vars", "version"]


def register(interp) -> None:
    interp.register("info", subcommand_dispatch("info", TABLE, usage="subcommand ?args ...?",
                                                listed=JIM_SUBCOMMANDS))
