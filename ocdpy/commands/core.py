"""Commands every OpenOCD session has: find, script, shutdown, echo, sleep, version, log and search paths."""
from __future__ import annotations

import time

from .. import __version__
from ..errors import ShutdownRequest
from ..log import DEBUG
from ..tcl.builtins._args import check_args
from ..tcl.errors import TclError
from ..tcl.values import to_int, to_str


def register(session) -> None:
    interp, log = session.interp, session.log

    def cmd_find(interp, argv):
        check_args(argv, 1, 1, "<file>")
        return session.find(to_str(argv[1]))

    def cmd_script(interp, argv):
        check_args(argv, 1, 1, "<file>")
        return session.source(to_str(argv[1]))

    def cmd_shutdown(interp, argv):
        check_args(argv, 0, 1, "['error']")
        failed = len(argv) > 1 and to_str(argv[1]) == "error"
        if len(argv) > 1 and not failed:
            raise TclError("usage: shutdown ['error']")
        log.user("shutdown command invoked")
        raise ShutdownRequest(1 if failed else 0)

    def cmd_echo(interp, argv):
        args = [to_str(a) for a in argv[1:]]
        newline = True
        if args and args[0] == "-n":
            newline = False
            args = args[1:]
        text = " ".join(args)
        if newline:
            log.user(text)
        else:
            log.write(text)
        return ""

    def cmd_sleep(interp, argv):
        check_args(argv, 1, 2, "<n> ['busy']")
        time.sleep(max(0, to_int(argv[1])) / 1000.0)
        return ""

    def cmd_version(interp, argv):
        return f"Open On-Chip Debugger compatible ocdpy {__version__}"

    def cmd_add_script_search_dir(interp, argv):
        check_args(argv, 1, 1, "<directory>")
        session.add_search_dir(to_str(argv[1]))
        return ""

    def cmd_debug_level(interp, argv):
        check_args(argv, 0, 1, "number")
        if len(argv) > 1:
            level = to_int(argv[1])
            if not 0 <= level <= 4:
                raise TclError("debug_level must be between 0 and 4")
            log.level = min(level, DEBUG)
        log.user(f"debug_level: {log.level}")
        return ""

    def cmd_log_output(interp, argv):
        check_args(argv, 0, 1, "[file_name | 'default']")
        if interp.safe:
            raise TclError("log_output is not allowed from a network client (it writes a host file)")
        if len(argv) > 1 and to_str(argv[1]) != "default":
            log.redirect(to_str(argv[1]))
        else:
            log.close()
        return ""

    for name, fn, usage in (("find", cmd_find, "<file>"), ("script", cmd_script, "<file>"),
                            ("shutdown", cmd_shutdown, "['error']"), ("echo", cmd_echo, "[-n] string"),
                            ("sleep", cmd_sleep, "milliseconds ['busy']"), ("version", cmd_version, ""),
                            ("add_script_search_dir", cmd_add_script_search_dir, "<directory>"),
                            ("debug_level", cmd_debug_level, "number"),
                            ("log_output", cmd_log_output, "[file_name | 'default']")):
        session.registry.add(name, lambda args, fn=fn, name=name: fn(interp, [name, *args]), "any", usage)
