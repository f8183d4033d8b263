"""The servers of the exec stage: Tcl RPC and telnet start at `init` before the adapter opens, one GDB
server per target after the targets are examined (OpenOCD's order and messages), all on one EventLoop."""
from __future__ import annotations

import sys

from ..errors import OcdError
from .loop import EventLoop

DEFAULT_PORTS = {"gdb": "3333", "telnet": "4444", "tcl": "6666"}


def port_setting(session, kind: str) -> str:
    return session.ports.get(kind, DEFAULT_PORTS[kind])


def loop_of(session) -> EventLoop:
    if getattr(session, "loop", None) is None:
        session.loop = EventLoop(session)
    return session.loop


def bind_address(session) -> str:
    return "127.0.0.1" if session.bindto == "localhost" else session.bindto


def start_console_servers(session) -> None:
    """`init`, first step: the Tcl RPC and telnet ports (each may be `disabled`)."""
    from .tcl_rpc import TclRpcClient
    from .telnet import TelnetClient

    loop = loop_of(session)
    for kind, factory in (("tcl", lambda: TclRpcClient(session)), ("telnet", lambda: TelnetClient(session))):
        port = port_setting(session, kind)
        if port == "disabled":
            session.log.info(f"{kind} server disabled")
        else:
            loop.listen(kind, int(port), factory, bind_address(session))


def start_gdb_servers(session) -> None:
    """`init`, last step: a GDB server per examined target, on consecutive ports from `gdb_port`."""
    from .gdb import GdbClient

    port = port_setting(session, "gdb")
    targets = [t for t in session.targets.values() if getattr(t, "core", None) is not None]
    if port == "disabled":
        session.log.info("gdb port disabled")
        return
    if port == "pipe":
        if len(targets) > 1:
            raise OcdError("gdb_port pipe serves one target; this configuration has "
                           f"{len(targets)} ({', '.join(t.name for t in targets)})")
        session.log.info(f"starting gdb server for {targets[0].name} on pipe")
        session.interp.channels["stdout"] = sys.stderr  # stdout now carries the GDB protocol
        loop_of(session).attach_stdio("gdb", lambda: GdbClient(session, targets[0]))
        return
    for index, target in enumerate(targets):
        number = int(port) + index if int(port) else 0
        session.log.info(f"starting gdb server for {target.name} on {number}")
        try:
            listener = loop_of(session).listen("gdb", number, lambda t=target: GdbClient(session, t),
                                               bind_address(session))
        except OcdError as e:  # OpenOCD carries on without that target's GDB server
            session.log.error(str(e.result))
            continue
        target.gdb_port = listener.port


def stop_servers(session) -> None:
    loop = getattr(session, "loop", None)
    if loop is not None:
        loop.close()
        session.loop = None
