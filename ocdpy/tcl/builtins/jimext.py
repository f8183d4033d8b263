"""Jim's own additions to Tcl that scripts and Jim's test suite lean on:
try throw loop range exists defer stacktrace package, and the `env` array."""
from __future__ import annotations

import os
import platform
import sys

from ..errors import ERROR, OK, TclControl, TclError, TclReturn, wrong_args
from ..interp import Proc, completion
from .. import expr as expr_ops
from ..values import to_int, to_list, to_str
from ._args import check_args, subcommand_dispatch
from .control import capture, parse_code


def cmd_try(interp, argv):
    usage = "try ?-signal? script ?on|trap codes {?resultVar? ?optionsVar?} script ...? ?finally script?"
    args = list(argv[1:])
    if args and args[0] == "-signal":
        args.pop(0)
    if not args:
        raise wrong_args(usage)
    body, handlers, final = args[0], [], None
    i = 1
    while i < len(args):
        word = to_str(args[i])
        if word in ("on", "trap"):
            if i + 3 >= len(args):
                raise wrong_args(usage)
            handlers.append((word, args[i + 1], args[i + 2], args[i + 3]))
            i += 4
        elif word == "finally" and i + 1 < len(args):
            final = args[i + 1]
            i += 2
        else:
            raise wrong_args(usage)
    try:
        code, value, options = capture(interp, body)
    except BaseException:  # tailcall, exit: the finally clause still runs
        if final is not None:
            capture(interp, final)
        raise
    try:
        for kind, codes, var_list, handler in handlers:
            if not _handler_matches(kind, codes, code, options):
                continue
            names = [to_str(n) for n in to_list(var_list)]
            if names:
                interp.setvar(names[0], value)
            if len(names) > 1:
                interp.setvar(names[1], options)
            code, value, options = capture(interp, handler)
            break
    finally:
        if final is not None:
            final_code, final_value, final_options = capture(interp, final)
            if final_code != OK:
                code, value, options = final_code, final_value, final_options
    if code == 2:
        raise TclReturn(options.get("-code", OK), value, options.get("-level", 1))
    return completion(code, value, options)


def _handler_matches(kind: str, codes, code: int, options: dict) -> bool:
    if kind == "trap":
        if code != ERROR:
            return False
        prefix = [to_str(x) for x in to_list(codes)]
        actual = [to_str(x) for x in to_list(options.get("-errorcode", ""))]
        return actual[:len(prefix)] == prefix
    return any(parse_code(c) == code for c in to_list(codes))


def cmd_throw(interp, argv):
    check_args(argv, 1, 2, "code ?msg?")
    code = parse_code(argv[1])
    msg = argv[2] if len(argv) > 2 else ""
    if code == ERROR:
        raise TclError(to_str(msg))
    raise TclControl(code, msg)


def cmd_loop(interp, argv):
    """`loop var ?first? limit ?incr? body`: the count is kept here; the body's changes to var don't steer it."""
    check_args(argv, 3, 5, "var ?first? limit ?incr? body")
    from .control import body_of, run_body
    name = to_str(argv[1])
    bounds = [to_int(a) for a in argv[2:-1]]
    first, limit = (0, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
    step = bounds[2] if len(bounds) == 3 else 1
    script, loc = body_of(interp, argv[-1])
    i = first
    while (step > 0 and i < limit) or (step < 0 and i > limit):
        interp.setvar(name, i)
        if not run_body(interp, script, loc):
            return ""
        i += step
    interp.setvar(name, i)
    return ""


def cmd_rand(interp, argv):
    check_args(argv, 0, 2, "?min? max")
    import random
    bounds = [to_int(a) for a in argv[1:]]
    low, high = (0, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1]) if bounds else (0, 1 << 62)
    if high <= low:
        raise TclError("Invalid arguments (max < min)")
    return random.randrange(low, high)


def cmd_range(interp, argv):
    check_args(argv, 1, 3, "?start? end ?step?")
    nums = [to_int(a) for a in argv[1:]]
    if len(nums) == 1:
        nums = [0, nums[0]]
    step = nums[2] if len(nums) == 3 else 1
    if step == 0:
        raise TclError("Invalid (infinite?) range specified")
    return list(range(nums[0], nums[1], step))


def cmd_exists(interp, argv):
    check_args(argv, 1, 2, "?option? name")
    option, name = ("-var", to_str(argv[1])) if len(argv) == 2 else (to_str(argv[1]), to_str(argv[2]))
    if option == "-var":
        return 1 if interp.var_exists(name) else 0
    fn = interp.lookup(name)
    if option == "-command":
        return 1 if fn is not None else 0
    if option == "-proc":
        return 1 if type(fn) is Proc else 0
    if option == "-alias":
        return 0
    raise TclError(f'bad option "{option}": must be -alias, -command, -proc, or -var')


def cmd_defer(interp, argv):
    """Run a script when the current proc returns (Jim keeps it in the `jim::defer` variable)."""
    check_args(argv, 1, 1, "script")
    frame = interp.frame
    if frame.on_exit is None:
        frame.on_exit = []
    script = argv[1]

    def run() -> None:
        saved = interp.frame
        interp.frame = frame
        try:
            interp.eval(script)
        finally:
            interp.frame = saved

    frame.on_exit.append(run)
    return ""


def cmd_stacktrace(interp, argv):
    check_args(argv, 0, 1, "?skip?")
    trace = []
    f = interp.frame
    while f is not None and f.proc is not None:
        file, line = interp.cur_loc if f is interp.frame else (f.loc or ("", 0))
        trace += [to_str(f.argv[0]), file, line if f is not interp.frame else _cur_line(interp)]
        f = f.parent
    return trace


def _cur_line(interp) -> int:
    cmd = interp.cur_cmd
    return interp.cur_loc[1] + (cmd.line - 1 if cmd is not None else 0)


def _arith(op, identity=None):
    """Jim's `+ - * /` commands: fold the operator over the arguments; `- x` and `/ x` apply it to the identity."""
    def command(interp, argv):
        nums = [expr_ops.number(a) for a in argv[1:]]
        if identity is None and not nums:
            raise wrong_args(f"{argv[0]} number ?number ... number?")
        if len(nums) == 1 and identity is None:
            nums = [0 if argv[0] == "-" else 1.0, nums[0]]
        result = identity if identity is not None else nums.pop(0)
        for n in nums:
            result = op(result, n)
        return result
    return command


def cmd_env(interp, argv):
    check_args(argv, 0, 2, "varName ?default?")
    env = interp.global_frame.vars.get("env")
    env = env if type(env) is dict else {}
    if len(argv) == 1:
        return dict(env)
    name = to_str(argv[1])
    if name in env:
        return env[name]
    if len(argv) == 3:
        return argv[2]
    raise TclError(f'environment variable "{name}" does not exist')


def package_require(interp, argv):
    check_args(argv, 2, None, "package ?version?")
    name = to_str(argv[2])
    if name in interp.packages:
        return interp.packages[name]
    raise TclError(f"Can't load package {name}")


def package_provide(interp, argv):
    check_args(argv, 2, 3, "package ?version?")
    interp.packages[to_str(argv[2])] = to_str(argv[3]) if len(argv) > 3 else "1.0"
    return ""


def package_names(interp, argv):
    return list(interp.packages)


def register(interp) -> None:
    interp.packages = {}
    for name, fn in (("try", cmd_try), ("throw", cmd_throw), ("loop", cmd_loop), ("range", cmd_range),
                     ("exists", cmd_exists), ("defer", cmd_defer), ("stacktrace", cmd_stacktrace), ("env", cmd_env), ("rand", cmd_rand),
                     ("+", _arith(expr_ops.add, 0)), ("*", _arith(expr_ops.mul, 1)), ("-", _arith(expr_ops.sub)),
                     ("/", _arith(expr_ops.div))):
        interp.register(name, fn)
    interp.register("package", subcommand_dispatch(
        "package", {"require": package_require, "provide": package_provide, "names": package_names},
        usage="subcommand ?args ...?"))
    interp.global_frame.vars["tcl_platform"] = {
        "bootstrap": "0", "byteOrder": "littleEndian" if sys.byteorder == "little" else "bigEndian",
        "engine": "Jim", "os": platform.system().lower(), "pathSeparator": os.pathsep, "platform": "unix"
        if os.name == "posix" else os.name, "pointerSize": "8", "threaded": "0", "wordSize": "8"}
    interp.global_frame.vars["env"] = {k.decode("latin-1"): v.decode("latin-1") for k, v in os.environb.items()}
