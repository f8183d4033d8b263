"""An in-process ocdpy session for tests: commands run as from `-c`, the log captured."""
from __future__ import annotations

import io

from ocdpy.log import Log
from ocdpy.server import stop_servers
from ocdpy.session import Session
from ocdpy.tcl.values import to_str


class Console:
    """An in-process session whose log is captured, commands run as from `-c`."""

    def __init__(self) -> None:
        self.out = io.StringIO()
        self.session = Session(Log(stream=self.out))
        self.session.ports.update(gdb="disabled", telnet="disabled", tcl="disabled")

    def run(self, command: str) -> str:
        return to_str(self.session.command(command))

    def log(self) -> str:
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return text

    def close(self) -> None:
        stop_servers(self.session)
        probe = self.session.probe
        if probe is not None:
            probe.close()
