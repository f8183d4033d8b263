"""Running a command line for a network client (telnet, GDB `monitor`, Tcl RPC), as OpenOCD does: the
result or the error message comes back as text, log lines written meanwhile can be routed to the client,
and Tcl commands that read or change the host's files refuse to run (`interp.safe`)."""
from __future__ import annotations

from typing import Callable

from ..errors import ShutdownRequest
from ..tcl.errors import TclControl, TclError, TclExit
from ..tcl.values import to_str

NETWORK_ORIGIN = "network client"
CLOSE_CONNECTION = -600  # OpenOCD's ERROR_COMMAND_CLOSE_CONNECTION, the completion code of telnet's `exit`


class CloseConnection(TclControl):
    """Telnet's `exit`: a completion code that `catch` can stop (it returns -600, as in OpenOCD) and that,
    reaching the top of a command line, closes that session."""

    def __init__(self) -> None:
        super().__init__(CLOSE_CONNECTION)


def evaluate(session, text: str, log_to: Callable[[str], None] | None = None) -> tuple[bool, str]:
    """Run `text`; (True, result) or (False, error message). `shutdown` raises ShutdownRequest through;
    `exit` does nothing; a top-level `return`/`break` answers with its value.
    While it runs, every log line is also given to `log_to` (a GDB `monitor` command's output)."""
    interp, log = session.interp, session.log
    was_safe = interp.safe
    interp.safe = True
    if log_to is not None:
        log.listeners.append(log_to)
    try:
        return True, to_str(interp.eval(text, (NETWORK_ORIGIN, 1)))
    except TclExit:
        return True, ""  # OpenOCD's Tcl port and `monitor exit` ignore it; telnet handles its own exit
    except TclError as e:
        return False, to_str(e.result)
    except CloseConnection:
        raise
    except TclControl as c:  # a top-level return/break: OpenOCD answers with its value
        return True, to_str(c.value)
    except RecursionError:
        return False, "Too many nested calls. Infinite recursion?"
    except ShutdownRequest:
        raise
    except Exception as e:  # a bug in ocdpy: the client is told, the server goes on
        return False, f"internal error in ocdpy: {type(e).__name__}: {e}"
    finally:
        interp.safe = was_safe
        if log_to is not None and log_to in log.listeners:
            log.listeners.remove(log_to)
