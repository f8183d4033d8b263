"""Run the -f/-c steps of a command line in one Session and turn the outcome into an exit status."""
from __future__ import annotations

import signal
import sys

from .errors import ShutdownRequest
from .commands.registry import EXEC
from .log import Log
from .server import loop_of, stop_servers
from .session import Session
from .tcl.errors import TclControl, TclError, TclExit
from .tcl.values import to_str
from .tcl.runner import format_error, unwinding

COMMAND_LINE = "command line"


def report(log: Log, e: TclError) -> None:
    """OpenOCD-style: `Error: msg` for -c commands; `file:line: Error: msg` and the proc chain for scripts."""
    if not e.located or e.file == COMMAND_LINE:
        lines = [f"Error: {e.result}", *unwinding(e, skip_file=COMMAND_LINE)]
    else:
        lines = format_error(e).splitlines()
    for line in lines:
        log.user(line)


def run_session(opts: dict) -> int:
    log = Log()
    if opts["debug"] is not None:
        log.level = min(opts["debug"], 3)
    try:
        if opts["log"]:
            log.redirect(opts["log"])
        session = Session(log)
    except OSError as e:
        sys.stderr.write(f"Error: cannot open log file {opts['log']}: {e.strerror}\n")
        return 1
    for d in opts["search"]:
        session.add_search_dir(d)
    status = 0
    try:
        for flag, value in opts["steps"]:
            if flag == "-f":
                session.source(value)
            else:
                result = to_str(session.command(value, COMMAND_LINE))
                if result:
                    log.user(result)  # OpenOCD shows what a -c command returns
        if session.stage != EXEC:
            session.command("init", COMMAND_LINE)  # OpenOCD's implicit init after the last -f/-c
        status = serve(session)
    except ShutdownRequest as s:
        status = s.status
    except TclExit as e:
        status = e.status
    except TclError as e:
        report(log, e)
        status = 1
    except TclControl as c:
        log.user(f"Error: unexpected \"{c.code}\" completion code")
        status = 1
    except RecursionError:
        log.user("Error: Too many nested calls. Infinite recursion?")
        status = 1
    except KeyboardInterrupt:
        status = 130
    except Exception as e:  # a bug in ocdpy: say so plainly, traceback only at -d3
        if log.level >= 3:
            import traceback
            traceback.print_exc()
        log.user(f"Error: internal error in ocdpy: {type(e).__name__}: {e} (run with -d3 for details)")
        status = 1
    stop_servers(session)
    close_probe(session)
    session.interp.flush()
    log.close()
    return status


def serve(session: Session) -> int:
    """The exec stage: the event loop serves clients and polls targets until `shutdown`, SIGTERM or Ctrl-C
    (which OpenOCD also treats as a shutdown)."""
    loop = loop_of(session)

    def on_signal(signum, frame):
        session.log.user("shutdown command invoked")
        loop.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return loop.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def close_probe(session: Session) -> None:
    """Let go of the adapter before the interpreter ends (a simulated board's core thread must stop first)."""
    probe = getattr(session, "probe", None)
    if probe is not None:
        try:
            probe.close()
        except Exception as e:  # closing must not hide the session's own outcome
            session.log.warning(f"closing the adapter failed: {e}")
        session.probe = None
