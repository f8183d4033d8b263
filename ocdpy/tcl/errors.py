"""Tcl result codes as Python exceptions.

Jim's return codes: ok 0, error 1, return 2, break 3, continue 4, signal 5,
exit 6, eval 7. Non-ok codes unwind the Python stack as exceptions, which keeps
the common (ok) path free of code checks.
"""
from __future__ import annotations

OK, ERROR, RETURN, BREAK, CONTINUE, SIGNAL, EXIT, EVAL = range(8)
CODE_NAMES = {"ok": OK, "error": ERROR, "return": RETURN, "break": BREAK, "continue": CONTINUE,
              "signal": SIGNAL, "exit": EXIT, "eval": EVAL}


class TclError(Exception):
    """A Tcl error (code 1). `trace` collects (proc, file, line) as it unwinds, like Jim's stacktrace."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.result = message
        self.file: str | None = None
        self.line: int | None = None
        self.located = False
        self.trace: list[tuple[str, str, int]] = []  # (proc, file, line of the call), innermost first
        self.unwound: list[str] = []  # proc calls and sourced files it passed through, innermost first
        self.errorcode = "NONE"

    def __str__(self) -> str:
        return self.result

    def add_call(self, proc: str, file: str, line: int) -> None:
        """The error leaves a proc called at file:line."""
        self.trace.append((proc, file, line))
        self.unwound.append(f"in procedure '{proc}' called at file \"{file}\", line {line}")

    def add_source(self, name: str, file: str, line: int) -> None:
        """The error leaves a file that `source` read, called at file:line."""
        self.unwound.append(f"in file \"{name}\" sourced from \"{file}\", line {line}")


class TclControl(Exception):
    """Any other non-ok completion: return, break, continue or a custom code."""

    def __init__(self, code: int, value="", level: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.value = value
        self.level = level
        self.options: dict | None = None


class TclBreak(TclControl):
    def __init__(self, value="") -> None:
        super().__init__(BREAK, value)


class TclContinue(TclControl):
    def __init__(self, value="") -> None:
        super().__init__(CONTINUE, value)


class TclReturn(TclControl):
    """`return`: `level` counts the proc boundaries it still has to cross."""


class TclExit(Exception):
    """`exit N`: ends the interpreter (jimsh) or the session (ocdpy)."""

    def __init__(self, status: int = 0) -> None:
        super().__init__(status)
        self.status = status


def wrong_args(usage: str) -> TclError:
    return TclError(f'wrong # args: should be "{usage}"')


class TclTailcall(Exception):
    """`tailcall`: the current proc ends and `argv` runs in its caller's frame instead."""

    def __init__(self, argv: list) -> None:
        super().__init__("tailcall")
        self.argv = argv
