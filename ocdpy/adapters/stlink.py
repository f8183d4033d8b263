"""ST-Link probes: `adapter driver hla` + `hla_layout stlink` (interface/stlink.cfg), where the probe does
memory and core access itself and ocdpy sees memory (`memory()`), and `adapter driver st-link` +
`transport select dapdirect_swd` (interface/stlink-dap.cfg), where it carries DP/AP register accesses
(`dap()`). Both open the same way: found on USB by the config's VID:PIDs and `adapter serial`, then
version, mode, target voltage, SWD clock and SWD entry as OpenOCD does them (adapters/stlink_client.py).
"""
from __future__ import annotations

from ..errors import OcdError
from .probe import Probe, ProbeConfig
from .stlink_client import Stlink
from .stlink_dap import StlinkDapQueue
from .stlink_memory import StlinkMemory
from .stlink_usb import StlinkUsb, parse_ids


class _StlinkProbe(Probe):
    """What both faces share: opening, the reset line, the clock, closing."""

    swd_transport = ""
    group = ""  # the driver's own command prefix: "hla" or "st-link"

    def __init__(self, config: ProbeConfig) -> None:
        super().__init__(config)
        self.stlink: Stlink | None = None

    def open(self) -> None:
        transport = self.config.transport or self.swd_transport
        if transport != self.swd_transport:
            raise OcdError(f"adapter driver {self.config.adapter.driver}: ocdpy drives ST-Link probes over SWD "
                           f"only; use 'transport select {self.swd_transport}' instead of {transport}")
        adapter = self.config.adapter
        serial = adapter.serial or (self.config.setting(f"{self.group} serial") or [None])[0]
        link = StlinkUsb(parse_ids(self.config.setting(f"{self.group} vid_pid")), serial, adapter.usb_location)
        try:
            self.stlink = Stlink(link, self.log)
            self._check(self.stlink)
            self.stlink.open_debug(adapter.speed_khz)
        except BaseException:
            link.close()
            self.stlink = None
            raise

    def _check(self, stlink: Stlink) -> None:
        """Refuse a probe whose firmware cannot serve this face."""

    def _opened(self) -> Stlink:
        if self.stlink is None:
            raise OcdError(f"adapter driver {self.config.adapter.driver}: the ST-Link is not open")
        return self.stlink

    def set_srst(self, asserted: bool) -> None:
        self._opened().drive_nrst(asserted)

    def set_speed(self, khz: int) -> int:
        return self._opened().set_swd_speed(khz)

    def reset(self) -> None:
        """A system reset through the probe (RESETSYS: AIRCR.SYSRESETREQ)."""
        self._opened().reset_system()

    def close(self) -> None:
        if self.stlink is not None:
            stlink, self.stlink = self.stlink, None
            stlink.close()


class StlinkHlaProbe(_StlinkProbe):
    """`adapter driver hla`, `hla_layout stlink`: memory and core registers straight from the probe."""

    swd_transport = "hla_swd"
    group = "hla"

    def open(self) -> None:
        layout = (self.config.setting("hla layout") or [None])[0]
        if layout != "stlink":
            raise OcdError(f"hla: ocdpy supports hla_layout stlink only (this configuration says "
                           f"{layout or 'none'}): source [find interface/stlink.cfg]")
        super().open()

    def memory(self) -> StlinkMemory:
        return StlinkMemory(self._opened())


class StlinkDapProbe(_StlinkProbe):
    """`adapter driver st-link` with `transport select dapdirect_swd`: DP/AP accesses through the probe."""

    swd_transport = "dapdirect_swd"
    group = "st-link"

    def _check(self, stlink: Stlink) -> None:
        if not stlink.version.has_dap_reg:
            raise OcdError(f"ST-Link version does not support DAP direct transport (firmware "
                           f"{stlink.version.text}; V2J24 or newer needed): use interface/stlink.cfg")

    def dap(self) -> StlinkDapQueue:
        stlink = self._opened()
        self.log.info("stlink_dap_op_connect(connect)")
        self.log.info(f"SWD DPIDR 0x{stlink.idcode():08x}")
        return StlinkDapQueue(stlink)
