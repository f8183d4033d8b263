"""The commands a script client drives OpenOCD with over the Tcl RPC port, as in OpenOCD 0.12:
`tcl_notifications` and `tcl_trace`, switches of the Tcl RPC connection whose command is running
(`session.tcl_client`; from anywhere else they refuse, and their messages go to the log, as OpenOCD's do),
and `capture`, which turns the log output of a script into its result."""
from __future__ import annotations

from ..errors import OcdError
from ..log import split_level
from ..tcl.errors import TclError
from ..tcl.values import to_str
from .registry import EXEC, need

# the words OpenOCD takes for a boolean, in any case
TRUE_WORDS = ("on", "enable", "true", "yes", "1")
FALSE_WORDS = ("off", "disable", "false", "no", "0")
SWITCHES = (("tcl_notifications", "notify", "Target Notification output"),
            ("tcl_trace", "trace", "Target trace output"))
USAGE = "[on|off]"


def register(session) -> None:
    session.tcl_client = None
    for name, attribute, label in SWITCHES:
        session.registry.add(name, switch(session, name, attribute, label), EXEC, USAGE, label)
    session.registry.add("capture", capturer(session), "any", "command",
                         "Capture progress output and return as tcl return value. If the progress output "
                         "was empty, return tcl return value.")


def capturer(session):
    """`capture SCRIPT`: what the script logged (echo, messages) replaces its result, or its error message,
    when it logged anything; otherwise its own result stands (OpenOCD 0.12's rule)."""
    def capture(args):
        (script,) = need(args, 1)
        pieces: list[str] = []

        def collect(text: str) -> None:
            pieces.append(split_level(text)[1])

        listeners = session.log.listeners
        listeners.append(collect)
        try:
            result = session.interp.eval(script)
        except (TclError, OcdError) as e:
            if pieces:
                e.result = "".join(pieces)
            raise
        finally:
            listeners.remove(collect)
        return "".join(pieces) if pieces else result
    return capture


def switch(session, name: str, attribute: str, label: str):
    """A boolean switch of the calling Tcl connection; with no argument it only reports it."""
    log = session.log

    def refuse() -> None:
        log.user(f"{name} {USAGE}")
        log.user("")
        raise OcdError("")  # OpenOCD fails these with an empty result; the reason is in the log

    def handler(args):
        words = [to_str(a) for a in args]
        client = session.tcl_client
        if client is None:
            log.error(f"{name}: can only be called from the tcl server")
            refuse()
        if len(words) > 1:
            refuse()
        if words:
            if words[0].lower() in TRUE_WORDS:
                setattr(client, attribute, True)
            elif words[0].lower() in FALSE_WORDS:
                setattr(client, attribute, False)
            else:
                log.error(f"{name}: argument '{words[0]}' is not valid")
                refuse()
        # two spaces, as OpenOCD prints it
        log.info(f"{label}  is {'enabled' if getattr(client, attribute) else 'disabled'}")
        return ""
    return handler
