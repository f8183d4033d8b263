"""Output, files and time: puts source clock."""
from __future__ import annotations

import itertools
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


_channel_ids = itertools.count(3)


def channel_command(channel: str):
    """Jim's channel objects are commands: `stdout puts ?-nonewline? text`, `stdin gets ?var?`, `stdout flush`."""

    def command(interp, argv):
        if len(argv) < 2:
            raise wrong_args(f"{channel} method ?args ...?")
        method = to_str(argv[1])
        if method == "puts":
            return cmd_puts(interp, ["puts", *argv[2:-1], channel, argv[-1]] if len(argv) > 2 else ["puts"])
        if method == "gets":
            return read_line(interp, channel, argv[2] if len(argv) > 2 else None)
        if method == "flush":
            interp.flush()
            return ""
        if method in ("close", "eof"):
            return 0 if method == "eof" else ""
        raise TclError(f'bad subcommand "{method}": must be close, eof, flush, gets, or puts')

    return command


def read_line(interp, channel: str, var):
    if channel != "stdin":
        raise TclError(f'channel "{channel}" wasn\'t opened for reading')
    if interp.safe:
        raise TclError("reading stdin is not allowed from a network client")
    import sys
    line = sys.stdin.buffer.readline().decode("latin-1")
    eof = not line
    line = line[:-1] if line.endswith("\n") else line
    if var is None:
        return line
    interp.setvar(to_str(var), line)
    return -1 if eof else len(line)


class ReadChannel:
    """A file opened with `open NAME` (read-only): a command named like Jim's `file3` with gets/read/eof/close."""

    def __init__(self, interp, name: str, data: str) -> None:
        self.interp, self.name, self.data, self.pos = interp, name, data, 0

    def gets(self, var):
        end = self.data.find("\n", self.pos)
        eof = self.pos >= len(self.data)
        line = self.data[self.pos:] if end < 0 else self.data[self.pos:end]
        self.pos = len(self.data) if end < 0 else end + 1
        if var is None:
            return line
        self.interp.setvar(to_str(var), line)
        return -1 if eof else len(line)

    def __call__(self, interp, argv):
        method = to_str(argv[1]) if len(argv) > 1 else ""
        if method == "gets":
            return self.gets(argv[2] if len(argv) > 2 else None)
        if method == "read":
            text, self.pos = self.data[self.pos:], len(self.data)
            return text[:-1] if len(argv) > 2 and argv[2] == "-nonewline" and text.endswith("\n") else text
        if method == "eof":
            return 1 if self.pos >= len(self.data) else 0
        if method == "close":
            interp.commands.pop(self.name, None)
            return ""
        raise TclError(f'bad subcommand "{method}": must be close, eof, gets, or read')


def cmd_open(interp, argv):
    check_args(argv, 1, 3, "filename ?mode?")
    if interp.safe:
        raise TclError("open is not allowed from a network client")
    mode = to_str(argv[2]) if len(argv) > 2 else "r"
    if mode not in ("r", "rb"):
        raise TclError(f'open: mode "{mode}" is not supported (ocdpy opens files for reading only)')
    name = f"file{next(_channel_ids)}"
    interp.register(name, ReadChannel(interp, name, read_script(to_str(argv[1]))))
    return name


def _channel_method(method: str, usage: str):
    """`gets $f`, `read $f`, `close $f`, `eof $f`: the Tcl spellings of the channel's methods."""
    def command(interp, argv):
        check_args(argv, 1, 2, usage)
        channel = to_str(argv[1])
        target = interp.lookup(channel)
        if target is None:
            raise TclError(f'can not find channel named "{channel}"')
        return target(interp, [channel, method, *argv[2:]])
    return command


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
    caller = interp.current_location()
    interp.script_file = name
    try:
        return interp.eval(text, (name, 1))
    except TclReturn as r:
        return r.value
    except TclError as e:
        if caller[0]:
            e.add_source(name, *caller)
        raise
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
    interp.register("open", cmd_open)
    for method, usage in (("gets", "channel ?varName?"), ("read", "channel ?-nonewline?"),
                          ("close", "channel"), ("eof", "channel")):
        interp.register(method, _channel_method(method, usage))
    for channel in ("stdin", "stdout", "stderr"):
        interp.register(channel, channel_command(channel))
    interp.register("source", cmd_source)
    interp.register("clock", subcommand_dispatch("clock", CLOCK, usage="subcommand ?args ...?"))
