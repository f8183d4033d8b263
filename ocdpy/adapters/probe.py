"""What every debug adapter driver offers the layers above: open/close, reset line, speed, and one of two
faces once its transport is connected: a `DapQueue` (ADIv5 DP/AP accesses) or a `MemoryAccess` (probes
that do memory and core access themselves, ST-Link in HLA mode).

Drivers are chosen by `adapter driver NAME` (see `DRIVERS` in adapters/__init__.py) and built from the
session's recorded configuration: `ProbeConfig` gathers what a driver may need, so drivers do not reach
into the session.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from ..errors import OcdError
from ..log import Log
from .base import AdapterConfig
from .dap_queue import DapQueue


@dataclass
class ProbeConfig:
    """A driver's inputs: the adapter settings, its driver-specific commands (`cmsis-dap backend tcp` is
    `settings["cmsis-dap backend"] == ["tcp"]`), the selected transport, the JTAG taps in chain order
    (as `jtag newtap` declared them: OpenOCD's first TAP is the one nearest TDO, its IDCODE comes out
    first), the dotted name of the TAP the DAP sits on (`dap create -chain-position`; None: the driver
    picks the JTAG-DP it finds) and the log."""

    adapter: AdapterConfig
    transport: str
    settings: dict[str, list[str]] = field(default_factory=dict)
    taps: list = field(default_factory=list)
    log: Log = field(default_factory=Log)
    dap_tap: str | None = None

    def setting(self, key: str, default: list[str] | None = None) -> list[str] | None:
        return self.settings.get(key, default)


class Probe(ABC):
    """One opened (or openable) debug adapter."""

    def __init__(self, config: ProbeConfig) -> None:
        self.config = config
        self.log = config.log

    @abstractmethod
    def open(self) -> None:
        """Find and open the adapter; raise OcdError saying plainly what is missing or refused."""

    @abstractmethod
    def close(self) -> None: ...

    def dap(self) -> DapQueue:
        """Connect the session transport (SWD line reset / JTAG chain scan) and return the DAP queue."""
        raise OcdError(f"adapter driver {self.config.adapter.driver}: transport '{self.config.transport}' "
                       "gives no ADIv5 DAP access")

    def memory(self):
        """For HLA probes: a MemoryAccess (ocdpy.arm.memory) straight from the probe."""
        raise OcdError(f"adapter driver {self.config.adapter.driver} does not offer memory-level access")

    def set_srst(self, asserted: bool) -> None:
        raise OcdError(f"adapter driver {self.config.adapter.driver} cannot drive the reset line (SRST)")

    def set_speed(self, khz: int) -> int:
        """Ask for a clock; returns the one the adapter will use (OpenOCD prints it)."""
        return khz
