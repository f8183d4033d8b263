"""`adapter driver dummy`: accepted in any configuration (OpenOCD's files use it to evaluate configs without
hardware), but there is nothing behind it to debug."""
from __future__ import annotations

from ..errors import OcdError
from .probe import Probe


class DummyProbe(Probe):
    def open(self) -> None:
        raise OcdError("adapter driver dummy has no target behind it: it only lets configuration files be "
                       "read. Choose a real probe (e.g. -f interface/stlink.cfg) or the simulator "
                       "(-f interface/sim.cfg)")

    def close(self) -> None:
        pass
