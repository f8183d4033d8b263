"""`tcl_notifications` and `tcl_trace`: per-connection switches of the Tcl RPC server, as in OpenOCD 0.12.
They act on the Tcl RPC connection whose command is running (`session.tcl_client`); from anywhere else
they refuse, and their messages go to the log, as OpenOCD's do."""
from __future__ import annotations

from ..errors import OcdError
from ..tcl.values import to_str
from .registry import EXEC

TRUE_WORDS = ("on", "enable", "true", "yes", "1")
FALSE_WORDS = ("off", "disable", "false", "no", "0")
SWITCHES = (("tcl_notifications", "notify", "Target Notification output"),
            ("tcl_trace", "trace", "Target trace output"))
USAGE = "[on|off]"


def register(session) -> None:
    session.tcl_client = None
    for name, attribute, label in SWITCHES:
        session.registry.add(name, switch(session, name, attribute, label), EXEC, USAGE, label)


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
            if words[0] in TRUE_WORDS:
                setattr(client, attribute, True)
            elif words[0] in FALSE_WORDS:
                setattr(client, attribute, False)
            else:
                log.error(f"{name}: argument '{words[0]}' is not valid")
                refuse()
        # two spaces, as OpenOCD prints it
        log.info(f"{label}  is {'enabled' if getattr(client, attribute) else 'disabled'}")
        return ""
    return handler
