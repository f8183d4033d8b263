"""dapdirect: the `DapQueue` face of an ST-Link, each DP/AP access one READ_DAP_REG / WRITE_DAP_REG.

The probe writes SELECT and fetches posted AP data (RDBUFF) itself (a SELECT written here is passed on,
and the probe selects again for its next AP access), so the queue carries plain register accesses; what it does for the host is open each AP before first use (INIT_AP, V2J28 and V3), retry
while the target says WAIT, and on a failure clear the sticky flags (ABORT) so the link stays usable and
raise one TransferError naming the access and the probe's status.
"""
from __future__ import annotations

import time

from .dap_queue import ABORT_CLEAR_ALL, DP_ABORT, DapQueue, Deferred, TransferError, describe
from .stlink_client import WAIT_RETRIES, Stlink, StlinkStatusError
from .stlink_protocol import WAIT_STATUSES, status_text

AP_IDR = 0xFC


class StlinkDapQueue(DapQueue):
    def __init__(self, stlink: Stlink) -> None:
        self.stlink = stlink
        self._ops: list[tuple[int | None, int, int | Deferred]] = []  # ap (None: DP), address, value/result

    def read_dp(self, address: int) -> Deferred:
        deferred = Deferred(describe(False, True, address))
        self._ops.append((None, address, deferred))
        return deferred

    def write_dp(self, address: int, value: int) -> None:
        self._ops.append((None, address, value))

    def read_ap(self, ap: int, address: int) -> Deferred:
        deferred = Deferred(describe(True, True, address, ap))
        self._ops.append((ap, address, deferred))
        return deferred

    def write_ap(self, ap: int, address: int, value: int) -> None:
        self._ops.append((ap, address, value))

    def flush(self) -> None:
        ops, self._ops = self._ops, []
        for ap, address, value in ops:
            reading = isinstance(value, Deferred)
            try:
                self._access(ap, address, value, reading)
            except StlinkStatusError as e:
                self._clear_sticky()
                what = value.what if reading else describe(ap is not None, False, address, ap or 0)
                raise TransferError(f"ST-Link {what} failed: {status_text(e.status)}") from None

    def _access(self, ap: int | None, address: int, value, reading: bool) -> None:
        if ap is not None and (address != AP_IDR or not reading):
            self.stlink.open_ap(ap)
        for attempt in range(WAIT_RETRIES + 1):
            try:
                if reading:
                    value.set(self.stlink.read_dap(ap, address))
                else:
                    self.stlink.write_dap(ap, address, value)
                return
            except StlinkStatusError as e:
                if e.status not in WAIT_STATUSES or attempt == WAIT_RETRIES:
                    raise
                time.sleep((1 << attempt) / 1000)

    def _clear_sticky(self) -> None:
        try:
            self.stlink.write_dap(None, DP_ABORT, ABORT_CLEAR_ALL)
        except StlinkStatusError:
            pass  # the error already being reported says more than this one would
