"""The USB pipe to one ST-Link: finding it (ocdpy/adapters/usb.py), claiming its debug interface, and one
exchange: a 16-byte command block on the bulk OUT endpoint, the data phase of a write on the same endpoint,
the reply read from bulk IN in one transfer of its exact length."""
from __future__ import annotations

from ..errors import OcdError
from .usb import find_probe

TIMEOUT_MS = 1000
IN_EP = 0x81
V2_OUT_EP, V2_1_OUT_EP = 0x02, 0x01  # the original ST-Link/V2 (0483:3748) is the only one on EP 2
V2_PIDS = (0x3744, 0x3748)
# `hla_vid_pid` / `st-link vid_pid` when a config gives none: every ST-Link generation
DEFAULT_IDS = tuple((0x0483, pid) for pid in (0x3744, 0x3748, 0x374B, 0x374D, 0x374E, 0x374F, 0x3752, 0x3753,
                                              0x3754, 0x3755, 0x3757))


def parse_ids(words: list[str] | None) -> list[tuple[int, int]]:
    """`0x0483 0x3748 0x0483 0x374b` -> [(0x0483, 0x3748), (0x0483, 0x374b)]."""
    if not words:
        return list(DEFAULT_IDS)
    if len(words) % 2:
        raise OcdError("st-link: vid_pid wants pairs of numbers (VID PID ...)")
    try:
        numbers = [int(word, 0) for word in words]
    except ValueError:
        raise OcdError(f"st-link: vid_pid wants numbers, got '{' '.join(words)}'") from None
    return list(zip(numbers[::2], numbers[1::2]))


class StlinkUsb:
    """One opened ST-Link (claimed interface 0); `xfer` is the only way bytes reach it."""

    def __init__(self, ids: list[tuple[int, int]], serial: str | None, location: str | None) -> None:
        import usb.core
        import usb.util
        self.probe = find_probe("st-link", ids=ids, serial=serial, location_=location,
                                looked_for="an ST-Link")
        self.device = self.probe.device
        self.out_ep = V2_OUT_EP if self.probe.pid in V2_PIDS else V2_1_OUT_EP
        try:
            self._configure()
            usb.util.claim_interface(self.device, 0)
        except usb.core.USBError as e:
            usb.util.dispose_resources(self.device)
            raise OcdError(f"st-link: cannot claim the ST-Link's debug interface ({e}): is another debugger "
                           "using it?") from None

    def _configure(self) -> None:
        """Configure the device only if nothing has: setting the active configuration again would reset
        the interfaces the kernel drives on a V2-1 or V3 (mass storage, virtual COM port)."""
        import usb.core
        try:
            self.device.get_active_configuration()
        except usb.core.USBError:
            self.device.set_configuration()

    def xfer(self, cmd: bytes, data: bytes = b"", read: int = 0) -> bytes:
        """Send `cmd` (and `data`), return the `read`-byte reply (b"" when `read` is 0)."""
        import usb.core
        try:
            self.device.write(self.out_ep, cmd, TIMEOUT_MS)
            if data:
                self.device.write(self.out_ep, data, TIMEOUT_MS)
            return bytes(self.device.read(IN_EP, read, TIMEOUT_MS)) if read else b""
        except usb.core.USBError as e:
            raise OcdError(f"st-link: USB transfer failed ({e})") from None

    def close(self) -> None:
        import usb.util
        try:
            usb.util.release_interface(self.device, 0)
        finally:
            usb.util.dispose_resources(self.device)
