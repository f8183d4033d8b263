"""The one memory interface everything above the debug port speaks: Cortex-M run control (its debug
registers are memory-mapped), flash drivers, image verify, GDB `m`/`M`. Implemented by a MEM-AP over a
DapQueue (arm/adiv5.py) or directly by an HLA probe (ST-Link)."""
from __future__ import annotations

from typing import Protocol


class MemoryAccess(Protocol):
    def read(self, address: int, count: int, width: int = 4) -> bytes:
        """`count` bytes from `address` in accesses of `width` bytes (1, 2 or 4; address aligned to it)."""

    def write(self, address: int, data: bytes, width: int = 4) -> None:
        """`data` to `address` in accesses of `width` bytes."""

    def read_u32(self, address: int) -> int: ...

    def write_u32(self, address: int, value: int) -> None: ...
