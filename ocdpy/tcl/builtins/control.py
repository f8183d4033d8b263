"""Control flow: if for foreach while break continue return error catch switch eval uplevel expr time exit."""
from __future__ import annotations

import time as _time

from ..errors import (CODE_NAMES, ERROR, EVAL, EXIT, OK, RETURN, SIGNAL, TclBreak, TclContinue, TclControl,
                      TclError, TclExit, TclReturn, wrong_args)
from ..expr import compile_expr
from ..glob import glob_match
from ..interp import completion
from ..values import to_bool, to_int, to_list, to_str
from ._args import check_args


def condition(interp, value) -> bool:
    return to_bool(compile_expr(to_str(value))(interp))


def run_body(interp, script, loc):
    """Evaluate a compiled loop body; returns False when the loop must stop (break)."""
    try:
        interp.eval_script(script, loc)
    except TclBreak:
        return False
    except TclContinue:
        pass
    return True


def body_of(interp, value):
    return interp.parse(to_str(value)), interp.loc_of(value)


def cmd_if(interp, argv):
    i, n = 1, len(argv)
    while True:
        if i >= n:
            raise wrong_args("if condition ?then? trueBody ?elseif ...? ?else? falseBody")
        cond = argv[i]
        i += 1
        if i < n and argv[i] == "then":
            i += 1
        if i >= n:
            raise wrong_args("if condition ?then? trueBody ?elseif ...? ?else? falseBody")
        if condition(interp, cond):
            return interp.eval(argv[i])
        i += 1
        if i >= n:
            return ""
        word = argv[i]
        if word == "elseif":
            i += 1
            continue
        if word == "else":
            i += 1
            if i >= n:
                raise wrong_args("if condition ?then? trueBody ?elseif ...? ?else? falseBody")
        if i != n - 1:
            raise wrong_args("if condition ?then? trueBody ?elseif ...? ?else? falseBody")
        return interp.eval(argv[i])


def cmd_while(interp, argv):
    check_args(argv, 2, 2, "condition body")
    test = compile_expr(to_str(argv[1]))
    script, loc = body_of(interp, argv[2])
    while to_bool(test(interp)):
        if not run_body(interp, script, loc):
            break
    return ""


def cmd_for(interp, argv):
    check_args(argv, 4, 4, "start test next body")
    interp.eval(argv[1])
    test = compile_expr(to_str(argv[2]))
    step, step_loc = body_of(interp, argv[3])
    script, loc = body_of(interp, argv[4])
    while to_bool(test(interp)):
        if not run_body(interp, script, loc):
            break
        try:
            interp.eval_script(step, step_loc)
        except TclBreak:
            break
    return ""


def cmd_foreach(interp, argv):
    return _foreach(interp, argv, collect=False)


def cmd_lmap(interp, argv):
    return _foreach(interp, argv, collect=True)


def _foreach(interp, argv, collect: bool):
    if len(argv) < 4 or len(argv) % 2:
        raise wrong_args(f"{argv[0]} varList list ?varList list ...? script")
    script, loc = body_of(interp, argv[-1])
    groups = []
    rounds = 0
    for k in range(1, len(argv) - 1, 2):
        names = [to_str(x) for x in to_list(argv[k])]
        if not names:
            raise TclError(f"{argv[0]} varlist is empty")
        values = to_list(argv[k + 1])
        groups.append((names, values))
        rounds = max(rounds, -(-len(values) // len(names)))
    results = []
    setvar = interp.setvar
    for r in range(rounds):
        for names, values in groups:
            base = r * len(names)
            for j, name in enumerate(names):
                setvar(name, values[base + j] if base + j < len(values) else "")
        try:
            if collect:
                results.append(interp.eval_script(script, loc))
            else:
                interp.eval_script(script, loc)
        except TclBreak:
            break
        except TclContinue:
            pass
    return results if collect else ""


def cmd_break(interp, argv):
    check_args(argv, 0, 0, "")
    raise TclBreak()


def cmd_continue(interp, argv):
    check_args(argv, 0, 0, "")
    raise TclContinue()


def parse_code(value) -> int:
    s = to_str(value)
    if s in CODE_NAMES:
        return CODE_NAMES[s]
    try:
        return to_int(s)
    except TclError:
        raise TclError(f'expected return code but got "{s}"') from None


def cmd_return(interp, argv):
    code, level, options = OK, 1, {}
    i = 1
    while i + 1 < len(argv):
        opt = to_str(argv[i])
        if opt == "-code":
            code = parse_code(argv[i + 1])
        elif opt == "-level":
            level = to_int(argv[i + 1])
            if level < 0:
                raise TclError(f'bad level "{to_str(argv[i + 1])}"')
        elif opt in ("-errorinfo", "-errorcode"):
            options[opt] = argv[i + 1]
        else:
            break
        i += 2
    if len(argv) - i > 1:
        raise wrong_args("return ?-code code? ?result?")
    value = argv[i] if i < len(argv) else ""
    if level == 0:
        return completion(code, value, options)
    r = TclReturn(code, value, level)
    r.options = options
    raise r


def cmd_error(interp, argv):
    check_args(argv, 1, 2, "message ?stacktrace?")
    raise TclError(to_str(argv[1]))


def capture(interp, script, catch_exit: bool = False) -> tuple[int, object, dict]:
    """Evaluate a script and return (code, value, options) instead of raising, like Jim's catch."""
    level = interp.frame.level
    try:
        return OK, interp.eval(script), {"-code": OK, "-level": 0}
    except TclExit as e:
        if not catch_exit:
            raise
        return EXIT, e.status, {"-code": EXIT, "-level": 0}
    except TclError as e:
        interp.last_trace = error_trace(e)
        return ERROR, e.result, {"-code": ERROR, "-level": 0, "-errorinfo": interp.last_trace,
                                 "-errorcode": e.errorcode}
    except TclReturn as r:
        return RETURN, r.value, {"-code": r.code, "-level": r.level}
    except TclControl as c:
        return c.code, c.value, {"-code": c.code, "-level": 0}
    except RecursionError:
        return ERROR, "Too many nested calls. Infinite recursion?", {"-code": ERROR, "-level": 0}
    finally:
        while interp.frame.level > level:  # a failed uplevel may leave frames behind
            interp.frame = interp.frame.parent


_DEFAULT_PASS_THROUGH = frozenset((SIGNAL, EXIT, EVAL))


def _pass_through(options: list) -> frozenset:
    """Completion codes catch lets through: `-signal`, `-exit`… stop them, `-noerror`, `-no3`… let them pass."""
    passing = set(_DEFAULT_PASS_THROUGH)
    for opt in options:
        name = opt[1:]
        drop = name.startswith("no") and name[2:] and (name[2:] in CODE_NAMES or name[2:].isdigit())
        if drop:
            name = name[2:]
        code = parse_code(name)
        (passing.add if drop else passing.discard)(code)
    return frozenset(passing)


def cmd_catch(interp, argv):
    args = list(argv[1:])
    options = []
    while len(args) > 1 and to_str(args[0]).startswith("-"):
        opt = to_str(args.pop(0))
        if opt == "--":
            break
        options.append(opt)
    if not 1 <= len(args) <= 3:
        raise wrong_args("catch ?-?no?code ... --? script ?resultVarName? ?optionVarName?")
    passing = _pass_through(options) if options else _DEFAULT_PASS_THROUGH
    code, result, info = capture(interp, args[0], EXIT not in passing)
    if code in passing:  # not ours to stop: let it carry on outwards
        if code == RETURN:
            raise TclReturn(info["-code"], result, info["-level"])
        return completion(code, result, info)
    if len(args) > 1:
        interp.setvar(to_str(args[1]), result)
    if len(args) > 2:
        interp.setvar(to_str(args[2]), info)
    return code


def error_trace(e: TclError) -> list:
    """Jim's stacktrace list, innermost first: `{} file line` where it failed, then `proc file line`
    for each proc call it unwound through."""
    trace = ["", e.file or "", e.line or 0] if e.located else []
    for proc, file, line in e.trace:
        trace += [proc, file, line]
    return trace


def cmd_switch(interp, argv):
    mode, i = "-exact", 1
    while i < len(argv):
        opt = to_str(argv[i])
        if not opt.startswith("-"):
            break
        i += 1
        if opt == "--":
            break
        if opt not in ("-exact", "-glob", "-regexp"):
            raise TclError(f'bad option "{opt}": must be -exact, -glob, -regexp, -command procname or --')
        mode = opt
    rest = argv[i:]
    if len(rest) < 2:
        raise wrong_args("switch ?options? string pattern body ... ?default body?")
    subject = to_str(rest[0])
    if len(rest) == 2:
        pairs = list(to_list(rest[1]))
    else:
        pairs = rest[1:]
    if len(pairs) % 2 or not pairs:
        raise wrong_args("switch ?options? string pattern body ... ?default body?   or   "
                         "{pattern body ?pattern body ...?}")
    for k in range(0, len(pairs), 2):
        pattern = to_str(pairs[k])
        if (k == len(pairs) - 2 and pattern == "default") or _switch_match(mode, pattern, subject):
            while k < len(pairs) and to_str(pairs[k + 1]) == "-":
                k += 2
            if k >= len(pairs):
                raise TclError(f'no body specified for pattern "{to_str(pairs[-2])}"')
            return interp.eval(pairs[k + 1])
    return ""


def _switch_match(mode: str, pattern: str, subject: str) -> bool:
    if mode == "-exact":
        return pattern == subject
    if mode == "-glob":
        return glob_match(pattern, subject)
    from .regex import search
    return search(pattern, subject)


def cmd_eval(interp, argv):
    check_args(argv, 1, None, "arg ?arg ...?")
    if len(argv) == 2:
        return interp.eval(argv[1])
    return interp.eval(concat_words(argv[1:]))


def concat_words(words) -> str:
    return " ".join(s for s in (to_str(w).strip() for w in words) if s)


def cmd_uplevel(interp, argv):
    check_args(argv, 1, None, "?level? command ?arg ...?")
    first = to_str(argv[1])
    if first.startswith("#") or first.lstrip("-").isdigit():
        if len(argv) < 3:
            raise wrong_args("uplevel ?level? command ?arg ...?")
        target = interp.frame_at(first)
        words = argv[2:]
    else:
        target = interp.frame_at("1")
        words = argv[1:]
    script = words[0] if len(words) == 1 else concat_words(words)
    saved = interp.frame
    interp.frame = target
    try:
        return interp.eval(script)
    finally:
        interp.frame = saved


def cmd_expr(interp, argv):
    if len(argv) != 2:
        raise wrong_args("expr expression")
    return compile_expr(to_str(argv[1]))(interp)


def cmd_time(interp, argv):
    check_args(argv, 1, 2, "script ?count?")
    count = to_int(argv[2]) if len(argv) > 2 else 1
    script, loc = body_of(interp, argv[1])
    start = _time.perf_counter()
    for _ in range(count):
        interp.eval_script(script, loc)
    elapsed = (_time.perf_counter() - start) * 1e6
    return f"{int(elapsed / count) if count > 0 else 0} microseconds per iteration"


def cmd_exit(interp, argv):
    check_args(argv, 0, 1, "?exitCode?")
    raise TclExit(to_int(argv[1]) if len(argv) > 1 else 0)


def cmd_after(interp, argv):
    check_args(argv, 1, 1, "ms")
    _time.sleep(max(0, to_int(argv[1])) / 1000.0)
    return ""


def register(interp) -> None:
    for name, fn in (("if", cmd_if), ("while", cmd_while), ("for", cmd_for), ("foreach", cmd_foreach),
                     ("lmap", cmd_lmap), ("break", cmd_break), ("continue", cmd_continue),
                     ("return", cmd_return), ("error", cmd_error), ("catch", cmd_catch),
                     ("switch", cmd_switch), ("eval", cmd_eval), ("uplevel", cmd_uplevel),
                     ("expr", cmd_expr), ("time", cmd_time), ("exit", cmd_exit), ("after", cmd_after)):
        interp.register(name, fn)

