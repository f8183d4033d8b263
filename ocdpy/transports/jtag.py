"""A TAP on the JTAG chain (or the DAP stand-in `swd newdap` makes), as configured."""
from __future__ import annotations

from dataclasses import dataclass, field

TAP_EVENTS = ("pre-reset", "setup", "post-reset", "tap-disable", "tap-enable")


@dataclass
class Tap:
    chip: str
    tapname: str
    irlen: int = 0
    ircapture: int = 0x01
    irmask: int = 0x03
    expected_ids: list[int] = field(default_factory=list)
    enabled: bool = True
    ignore_version: bool = False
    ignore_bypass: bool = False
    events: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.chip}.{self.tapname}"
