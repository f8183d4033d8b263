"""`ocdpy`: OpenOCD's command line (-f -s -c -d -l -h -v), applied in the order given."""
from __future__ import annotations

import os
import sys

from . import __version__

USAGE = """Open On-Chip Debugger (ocdpy {version})
--help       | -h\tdisplay this help
--version    | -v\tdisplay the version
--file       | -f\tuse configuration file <name>
--search     | -s\tdir to search for config files and scripts
--debug      | -d\tset debug level to 3
             | -d<n>\tset debug level to <level>
--log_output | -l\tredirect log output to file <name>
--command    | -c\trun <command>
"""

_LONG = {"--help": "-h", "--version": "-v", "--file": "-f", "--search": "-s", "--debug": "-d",
         "--log_output": "-l", "--command": "-c"}
_WITH_VALUE = {"-f", "-s", "-l", "-c"}


class UsageError(Exception):
    pass


def parse_args(args: list[str]) -> dict:
    """Split the command line like OpenOCD's getopt: options may be glued (-ffile, -d3) or separate."""
    opts = {"help": False, "version": False, "debug": None, "log": None, "search": [], "steps": []}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        value = None
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if name not in _LONG:
                raise UsageError(f"unrecognized option '{name}'")
            flag = _LONG[name]
            value = value if eq else None
        elif arg.startswith("-") and len(arg) >= 2:
            flag, value = arg[:2], (arg[2:] or None)
        else:
            raise UsageError(f"unexpected argument '{arg}'")
        if flag in _WITH_VALUE and value is None:
            if i >= len(args):
                raise UsageError(f"option requires an argument -- '{flag[1]}'")
            value = args[i]
            i += 1
        if flag == "-h":
            opts["help"] = True
        elif flag == "-v":
            opts["version"] = True
        elif flag == "-d":
            if value is not None and not value.isdigit():
                raise UsageError(f"invalid debug level '{value}'")
            opts["debug"] = int(value) if value is not None else 3
        elif flag == "-l":
            opts["log"] = value
        elif flag == "-s":
            opts["search"].append(value)
        elif flag in ("-f", "-c"):
            opts["steps"].append((flag, value))
        else:
            raise UsageError(f"invalid option -- '{arg[1:]}'")
    return opts


def tcl_text(arg: str) -> str:
    """Command-line text as the Tcl engine holds strings: the OS bytes, one latin-1 char each."""
    return os.fsencode(arg).decode("latin-1")


def main(argv: list[str] | None = None) -> int:
    args = [tcl_text(a) for a in (sys.argv[1:] if argv is None else argv)]
    try:
        opts = parse_args(args)
    except UsageError as e:
        sys.stderr.write(f"Error: {e}\n{USAGE.format(version=__version__)}")
        return 1
    if opts["help"]:
        sys.stdout.write(USAGE.format(version=__version__))
        return 0
    if opts["version"]:
        sys.stderr.write(f"Open On-Chip Debugger (ocdpy {__version__})\n")
        return 0
    from .runner import run_session
    return run_session(opts)


if __name__ == "__main__":
    sys.exit(main())
