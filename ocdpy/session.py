"""A Session: one Tcl interpreter with OpenOCD's commands, the search path and the log."""
from __future__ import annotations

import os
from pathlib import Path

from .adapters.base import AdapterConfig
from .arm.dap_config import DapConfig
from .commands.registry import CONFIG, Registry
from .errors import OcdError
from .flash.bank import FlashBank
from .log import Log
from .target import Target
from .transports.jtag import Tap
from .tcl.builtins.io import host_path, source_file
from .tcl.interp import Interp

PACKAGE_SCRIPTS = Path(__file__).with_name("scripts")
STARTUP_TCL = Path(__file__).with_name("startup.tcl")


class Session:
    """Everything one `ocdpy` run owns; later issues hang the adapter, targets and servers here."""

    def __init__(self, log: Log | None = None) -> None:
        self.log = log or Log()
        self.interp = Interp()
        self.interp.session = self
        self.search_dirs: list[str] = []
        self.stage = CONFIG
        # the object graph the config stage builds
        self.adapter: AdapterConfig | None = None
        self.adapter_serial: str | None = None
        self.adapter_usb_location: str | None = None
        self.probe_settings: dict[str, list[str]] = {}
        self.transport: str | None = None
        self.taps: dict[str, Tap] = {}
        self.daps: dict[str, DapConfig] = {}
        self.targets: dict[str, Target] = {}
        self.current_target: Target | None = None
        self.flash_banks: list[FlashBank] = []
        self.reset_config: dict[str, str] = {}
        self.ports: dict[str, str] = {}
        self.bindto = "localhost"
        self.settings: dict[str, list] = {}  # recorded commands ocdpy does not act on yet
        self.objects: dict[str, dict] = {}   # tpiu/swo/cti objects by kind and name
        self.registry = Registry(self)
        from .commands import register_all
        register_all(self)
        self.interp.eval(STARTUP_TCL.read_text(encoding="latin-1"), (STARTUP_TCL.name, 1))

    def add_search_dir(self, path: str) -> None:
        self.search_dirs.append(path)

    def find(self, name: str) -> str:
        """OpenOCD's `find`: the name as given, then each -s dir, then the scripts shipped with ocdpy."""
        candidates = [name]
        if not os.path.isabs(host_path(name)):
            candidates += [os.path.join(d, name) for d in self.search_dirs]
            candidates.append(os.path.join(str(PACKAGE_SCRIPTS), name))
        for path in candidates:
            if os.path.isfile(host_path(path)):
                return path
        raise OcdError(f"Can't find {name}")

    def source(self, name: str):
        """`-f FILE`: source the file that `find` picks."""
        return source_file(self.interp, self.find(name))

    def command(self, text: str, origin: str = "command line"):
        """`-c CMD`: evaluate one command line."""
        return self.interp.eval(text, (origin, 1))
