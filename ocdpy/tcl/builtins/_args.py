"""Argument helpers shared by the builtin commands."""
from __future__ import annotations

from ..errors import TclError, wrong_args
from ..values import to_str


def check_args(argv: list, low: int, high: int | None, usage: str) -> None:
    """Raise Jim's `wrong # args` unless low <= len(argv)-1 <= high (high None: unbounded)."""
    n = len(argv) - 1
    if n < low or (high is not None and n > high):
        raise wrong_args(f"{argv[0]} {usage}".rstrip())


def get_enum(word: str, options, what: str = "option") -> str:
    """Jim_GetEnum with abbreviations: exact or unique prefix; a lone "-" abbreviates nothing.

    The error lists the options sorted, as Jim does.
    """
    if word in options:
        return word
    match = None
    for opt in options:
        if opt.startswith(word):
            if word == "-":
                break
            if match is not None:
                raise _enum_error("ambiguous", what, word, options)
            match = opt
    if match is None:
        raise _enum_error("bad", what, word, options)
    return match


def _enum_error(kind: str, what: str, word: str, options) -> TclError:
    names = sorted(options)
    listed = ", ".join(names[:-1]) + ", or " + names[-1] if len(names) > 1 else names[0]
    return TclError(f'{kind} {what} "{word}": must be {listed}')


def subcommand_dispatch(name: str, table: dict, what: str = "subcommand",
                        usage: str = "subcommand ?arg ...?", listed: list | None = None):
    """A command that dispatches on its first argument to `table[sub](interp, argv)`.

    `listed` is the option list Jim prints on a bad name, when it differs from the table.
    """
    options = sorted(table)
    shown = sorted(listed) if listed else options

    def command(interp, argv):
        if len(argv) < 2:
            raise wrong_args(f"{name} {usage}")
        sub = to_str(argv[1])
        if sub not in table:
            try:
                sub = get_enum(sub, options, what)
            except TclError:
                get_enum(sub, shown, what)
                raise
            argv = [argv[0], sub, *argv[2:]]  # handlers see the full subcommand name
        return table[sub](interp, argv)

    return command
