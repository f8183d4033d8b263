"""Run a whole script the way jimsh does: errors on stderr with file, line and proc trace; exit status 1."""
from __future__ import annotations

import sys

from .errors import TclControl, TclError, TclExit
from .interp import Interp
from .builtins.io import source_file


def format_error(e: TclError) -> str:
    """Jim's report of an uncaught error: location, the proc chain (outermost first), the innermost site."""
    lines = [f"{e.file}:{e.line}: Error: {e.result}" if e.located else f"Error: {e.result}"]
    lines += unwinding(e)
    if e.located:
        lines.append(f"at file \"{e.file}\", line {e.line}")
    return "\n".join(lines)


def unwinding(e: TclError, skip_file: str | None = None) -> list[str]:
    """The proc calls and `source`s an error passed through, outermost first."""
    skip = f'"{skip_file}"' if skip_file else None
    return [step for step in reversed(e.unwound) if not (skip and skip in step)]


def run(interp: Interp, path: str | None) -> int:
    try:
        if path is None:
            interp.eval(sys.stdin.buffer.read().decode("latin-1"), ("stdin", 1))
        else:
            source_file(interp, path)
    except TclExit as e:
        return e.status
    except TclError as e:
        interp.flush()
        sys.stderr.write(format_error(e) + "\n")
        return 1
    except TclControl as c:
        if c.code in (3, 4):
            interp.flush()
            sys.stderr.write(f"Error: invoked \"{'break' if c.code == 3 else 'continue'}\" outside of a loop\n")
            return 1
    except RecursionError:
        interp.flush()
        sys.stderr.write("Error: Too many nested calls. Infinite recursion?\n")
        return 1
    finally:
        interp.flush()
    return 0


def main(args: list[str]) -> int:
    sys.setrecursionlimit(20000)
    interp = Interp()
    path = args[0] if args else None
    if args:
        interp.setvar("argv0", args[0])
        interp.setvar("argv", list(args[1:]))
        interp.setvar("argc", len(args) - 1)
    try:
        return run(interp, path)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
