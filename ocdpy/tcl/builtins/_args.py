"""Argument helpers shared by the builtin commands."""
from __future__ import annotations

from ..errors import TclError, wrong_args
from ..values import to_str


def check_args(argv: list, low: int, high: int | None, usage: str) -> None:
    """Raise Jim's `wrong # args` unless low <= len(argv)-1 <= high (high None: unbounded)."""
    n = len(argv) - 1
    if n < low or (high is not None and n > high):
        raise wrong_args(f"{argv[0]} {usage}".rstrip())


def match_option(word: str, options, what: str = "option") -> str:
    """Exact or unique-prefix match, with Jim's error text."""
    if word in options:
        return word
    hits = [o for o in options if o.startswith(word)] if word else []
    if len(hits) == 1:
        return hits[0]
    listed = ", ".join(options[:-1]) + ", or " + options[-1] if len(options) > 1 else options[0]
    kind = "ambiguous" if len(hits) > 1 else "bad"
    raise TclError(f'{kind} {what} "{word}": must be {listed}')


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
                sub = match_option(sub, options, what)
            except TclError:
                match_option(sub, shown, what)
                raise
        return table[sub](interp, argv)

    return command
