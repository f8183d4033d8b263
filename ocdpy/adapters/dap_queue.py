"""The `DapQueue` face of a debug adapter: queued ADIv5 DP and AP register accesses.

Probes that carry DP/AP transactions (the simulator, CMSIS-DAP, ST-Link in dapdirect mode, and bit-bang
probes under the SWD transport) offer this face. Accesses are queued and go out together at `flush()`,
because every round trip to a probe costs far more than the access itself; a read returns a `Deferred`
that `flush()` fills. A failed access raises one `TransferError` naming the access and the acknowledge.

Register addresses are the full ADIv5 ones: DP 0x0/0x4/0x8/0xC, AP 0x00-0xFC on access port `ap`.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from ..errors import OcdError

# DP registers (ADIv5.2 B2.2)
DP_DPIDR = DP_ABORT = 0x0
DP_CTRL_STAT, DP_SELECT, DP_RDBUFF = 0x4, 0x8, 0xC
# ABORT bits: clear every sticky flag and abort a stalled AP transaction
ABORT_CLEAR_ALL = 0x1E
ABORT_DAPABORT = 0x1


class TransferError(OcdError):
    """A DP/AP access the target refused: the message names the access and what the target answered."""


class Deferred:
    """The value of a queued read, available once the queue has been flushed."""

    __slots__ = ("what", "_value")

    def __init__(self, what: str) -> None:
        self.what = what
        self._value: int | None = None

    def set(self, value: int) -> None:
        self._value = value & 0xFFFFFFFF

    @property
    def value(self) -> int:
        if self._value is None:
            raise RuntimeError(f"{self.what} read before the queue was flushed")
        return self._value

    def __repr__(self) -> str:
        return f"<Deferred {self.what}: {'pending' if self._value is None else hex(self._value)}>"


def describe(is_ap: bool, read: bool, address: int, ap: int = 0) -> str:
    """`AP0 read 0x0c` / `DP write 0x8`: how an access is named in messages."""
    where = f"AP{ap}" if is_ap else "DP"
    return f"{where} {'read' if read else 'write'} 0x{address:02x}"


class DapQueue(ABC):
    """Queued DP/AP accesses; nothing reaches the target before `flush()`."""

    @abstractmethod
    def read_dp(self, address: int) -> Deferred: ...

    @abstractmethod
    def write_dp(self, address: int, value: int) -> None: ...

    @abstractmethod
    def read_ap(self, ap: int, address: int) -> Deferred: ...

    @abstractmethod
    def write_ap(self, ap: int, address: int, value: int) -> None: ...

    @abstractmethod
    def flush(self) -> None:
        """Run every queued access; raises TransferError for the first that fails (the rest are dropped)."""

    def read_ap_block(self, ap: int, address: int, count: int) -> list[Deferred]:
        """`count` reads of one AP register (DRW with auto-increment): probes with a block command override."""
        return [self.read_ap(ap, address) for _ in range(count)]

    def write_ap_block(self, ap: int, address: int, values: list[int]) -> None:
        for value in values:
            self.write_ap(ap, address, value)
