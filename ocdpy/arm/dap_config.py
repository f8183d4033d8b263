"""A debug access port as `dap create` configures it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DapConfig:
    name: str
    tap: object  # the Tap it sits on (its chain position)
    ignore_syspwrupack: bool = False
    dp_id: int | None = None
    instance_id: int | None = None
    adiv6: bool = False
