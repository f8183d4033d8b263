"""CMSIS-DAP over USB, the two ways ARM's documentation defines (and OpenOCD's `cmsis-dap backend`):

- v2, `usb_bulk`: a vendor-specific interface whose string contains "CMSIS-DAP", its first endpoint bulk
  OUT and its second bulk IN; a command is one bulk transfer and so is its response.
- v1, `hid`: an HID interface (the product string contains "CMSIS-DAP") whose every command and response
  is one fixed-size report, padded; Linux binds usbhid to it, so we detach that first and give it back after.

`auto` prefers v2, as OpenOCD does: it is faster (512-byte packets and no report padding). A probe may be
found at any VID:PID, or only at the `cmsis-dap vid_pid` pairs when given.
"""
from __future__ import annotations

from ..errors import OcdError
from .usb import UsbProbe, find_probe

CMSIS_DAP = "CMSIS-DAP"
TIMEOUT_MS = 1000
CLASS_HID = 0x03
ENDPOINT_BULK, ENDPOINT_INTERRUPT = 2, 3


def _interfaces(device):
    for config in device:
        for interface in config:
            if interface.bAlternateSetting == 0:
                yield interface


def _kind(endpoint) -> int:
    return endpoint.bmAttributes & 0x03


def _is_in(endpoint) -> bool:
    return bool(endpoint.bEndpointAddress & 0x80)


def bulk_interface(probe: UsbProbe, number: int | None = None):
    """The CMSIS-DAP v2 interface: `number` if given (`cmsis-dap usb interface`), else the one named so."""
    for interface in _interfaces(probe.device):
        endpoints = list(interface)
        if number is not None and interface.bInterfaceNumber != number:
            continue
        if len(endpoints) < 2 or not all(_kind(e) == ENDPOINT_BULK for e in endpoints[:2]):
            continue
        if _is_in(endpoints[0]) or not _is_in(endpoints[1]):
            continue
        if number is None and CMSIS_DAP not in (probe.string(interface.iInterface) or ""):
            continue
        return interface
    return None


def hid_interface(probe: UsbProbe):
    """The CMSIS-DAP v1 interface: HID with interrupt endpoints, "CMSIS-DAP" in the product or its string."""
    for interface in _interfaces(probe.device):
        endpoints = list(interface)
        if interface.bInterfaceClass != CLASS_HID or not any(_is_in(e) for e in endpoints):
            continue
        if CMSIS_DAP in (probe.product or "") or CMSIS_DAP in (probe.string(interface.iInterface) or ""):
            return interface
    return None


class UsbLink:
    """Packets over one claimed interface's OUT and IN endpoints."""

    def __init__(self, probe: UsbProbe, interface, hid: bool) -> None:
        import usb.core
        import usb.util
        self.probe = probe
        self.device = probe.device
        self.number = interface.bInterfaceNumber
        endpoints = list(interface)
        self.ep_in = next(e for e in endpoints if _is_in(e))
        self.ep_out = next((e for e in endpoints if not _is_in(e)), None)
        if self.ep_out is None:
            raise OcdError(f"cmsis-dap: interface {self.number} of {probe.label()} has no OUT endpoint "
                           "(CMSIS-DAP v1 over HID SET_REPORT is not supported)")
        self.report_size = self.ep_in.wMaxPacketSize if hid else None
        self.max_packet = self.report_size  # HID: nothing larger than one report; bulk: what the probe says
        self.initial_packet = self.ep_in.wMaxPacketSize
        self.detached = False
        try:
            if hid and self.device.is_kernel_driver_active(self.number):
                self.device.detach_kernel_driver(self.number)
                self.detached = True
            usb.util.claim_interface(self.device, self.number)
        except usb.core.USBError as e:
            raise OcdError(f"cmsis-dap: cannot claim interface {self.number} of {probe.label()}: {e} "
                           "(is another debugger using the probe?)") from None

    def write(self, packet: bytes) -> None:
        import usb.core
        if self.report_size is not None:
            if len(packet) > self.report_size:
                raise OcdError(f"cmsis-dap: a {len(packet)}-byte packet does not fit a "
                               f"{self.report_size}-byte HID report")
            packet = packet.ljust(self.report_size, b"\0")
        try:
            self.device.write(self.ep_out.bEndpointAddress, packet, TIMEOUT_MS)
        except usb.core.USBError as e:
            raise OcdError(f"cmsis-dap: USB write to the probe failed: {e}") from None

    def read(self, size: int) -> bytes:
        """One response; `size` is the probe's packet size (a bulk read no longer than one response, so
        two responses never merge)."""
        import usb.core
        try:
            return bytes(self.device.read(self.ep_in.bEndpointAddress, self.report_size or size, TIMEOUT_MS))
        except usb.core.USBError as e:
            raise OcdError(f"cmsis-dap: USB read from the probe failed: {e}") from None

    def close(self) -> None:
        import usb.core
        import usb.util
        try:
            usb.util.release_interface(self.device, self.number)
            if self.detached:
                self.device.attach_kernel_driver(self.number)
        except usb.core.USBError:
            pass  # unplugged meanwhile: nothing left to give back
        usb.util.dispose_resources(self.device)


def open_usb(backend: str, ids: list[tuple[int, int]], serial: str | None, location: str | None,
             interface_number: int | None, log) -> UsbLink:
    """Find the probe for `backend` ("usb_bulk", "hid" or "auto") and open its CMSIS-DAP interface."""
    want_bulk, want_hid = backend in ("usb_bulk", "auto"), backend in ("hid", "auto")

    def accept(probe: UsbProbe) -> bool:
        return bool((want_bulk and bulk_interface(probe, interface_number))
                    or (want_hid and hid_interface(probe)))

    looked_for = {"usb_bulk": "a CMSIS-DAP v2 (bulk) interface", "hid": "a CMSIS-DAP v1 (HID) interface",
                  "auto": "a CMSIS-DAP v2 (bulk) or v1 (HID) interface"}[backend]
    probe = find_probe("cmsis-dap", ids, serial, location, accept, looked_for)
    interface = bulk_interface(probe, interface_number) if want_bulk else None
    if interface is not None:
        log.info(f"Using CMSIS-DAPv2 interface with VID:PID=0x{probe.vid:04x}:0x{probe.pid:04x}, "
                 f"serial={probe.serial or ''}")
        return UsbLink(probe, interface, hid=False)
    interface = hid_interface(probe)
    log.debug(f"Using CMSIS-DAPv1 (HID) with VID:PID=0x{probe.vid:04x}:0x{probe.pid:04x}, "
              f"serial={probe.serial or ''}")
    return UsbLink(probe, interface, hid=True)
