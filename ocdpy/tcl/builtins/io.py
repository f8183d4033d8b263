"""Output, files and time: puts source clock."""
from __future__ import annotations

import os
import time

from ..errors import TclError, TclReturn, wrong_args
from ..values import to_str
from ._args import check_args, subcommand_dispatch


def cmd_puts(interp, argv):
    args = argv[1:]
    newline = True
    if args and len(args) > 1 and args[0] == "-nonewline":
        newline = False
        args = args[1:]
    if len(args) == 1:
        channel = "stdout"
    elif len(args) == 2:
        channel = to_str(args[0])
    else:
        raise wrong_args("puts ?-nonewline? ?chan? msg")
    text = to_str(args[-1]) + ("\n" if newline else "")
    interp.write(channel, text)
    return ""


def host_path(name: str) -> str:
    """Tcl strings hold bytes as latin-1 text; file names go back to the OS as those bytes."""
    return os.fsdecode(name.encode("latin-1", "replace"))


def read_script(name: str) -> str:
    try:
        with open(host_path(name), "rb") as f:
            return f.read().decode("latin-1")
    except FileNotFoundError:
        raise TclError(f'couldn\'t read file "{name}": No such file or directory') from None
    except IsADirectoryError:
        raise TclError(f'couldn\'t read file "{name}": Is a directory') from None
    except OSError as e:
        raise TclError(f'couldn\'t read file "{name}": {e.strerror}') from None


def source_file(interp, name: str):
    """Evaluate a file at the current level; `return` at its top level ends it."""
    text = read_script(name)
    saved = interp.script_file
    interp.script_file = name
    try:
        return interp.eval(text, (name, 1))
    except TclReturn as r:
        return r.value
    finally:
        interp.script_file = saved


def cmd_source(interp, argv):
    check_args(argv, 1, 1, "fileName")
    if interp.safe:
        raise TclError("source is not allowed from a network client")
    return source_file(interp, to_str(argv[1]))


def _clock_value(scale: float):
    def sub(interp, argv):
        check_args(argv, 1, 1, "")
        return int(time.time() * scale)
    return sub


def _clock_clicks(interp, argv):
    return time.monotonic_ns() // 1000


CLOCK = {"seconds": _clock_value(1), "milliseconds": _clock_value(1e3), "microseconds": _clock_value(1e6),
         "clicks": _clock_clicks}


def register(interp) -> None:
    interp.register("puts", cmd_puts)
    interp.register("source", cmd_source)
    interp.register("clock", subcommand_dispatch("clock", CLOCK, usage="subcommand ?args ...?"))
