"""CMSIS-DAP probes on the simulated USB bus (sim/usb_backend.py), each a `CmsisDapModel` in front of its
own running board, as ARM's CMSIS-DAP documentation describes the two USB faces:

- v1 (`cmsis-dap-v1:CHIP`): an HID interface with interrupt IN/OUT endpoints; every command and every
  response is one 64-byte report (the host pads, the probe pads), and the kernel's usbhid driver holds the
  interface until the host detaches it, as on Linux.
- v2 (`cmsis-dap-v2:CHIP`): a vendor-specific interface whose string contains "CMSIS-DAP", with bulk OUT
  and IN endpoints; a command is one bulk transfer, its response as long as it is (512-byte packets).

Either probe buffers `packet_count` commands: a host that sends more before reading responses is NAKed
until its write times out, as a real probe's full endpoint does.
"""
from __future__ import annotations

import threading

from usb.backend.libusb1 import LIBUSB_ERROR_INVALID_PARAM, LIBUSB_ERROR_OVERFLOW, LIBUSB_ERROR_TIMEOUT
from usb.core import USBError

from .cmsis_dap import DAP_QUEUE_COMMANDS, CmsisDapModel, CommandQueue
from .usb_backend import BULK, CLASS_HID, CLASS_VENDOR, INTERRUPT, Endpoint, Interface, SimUsbDevice, usb_error

VID, PID = 0x0D28, 0x0204  # ARM's DAPLink IDs
HID_REPORT = 64
BULK_PACKET = 512
EP_OUT, EP_IN = 0x01, 0x81


class CmsisDapUsbDevice(SimUsbDevice):
    """A CMSIS-DAP probe: commands from the OUT endpoint run on the model (under the board's probe lock),
    responses queue on the IN endpoint."""

    pad_to: int | None = None  # v1: every report has this size

    def __init__(self, chip: str, options: dict[str, str], index: int, interface: Interface,
                 packet_size: int, packet_count: int) -> None:
        serial = options.get("serial", f"ocdpy-sim-{index}")
        super().__init__(VID, PID, [interface], manufacturer="ocdpy", product="ocdpy simulated CMSIS-DAP",
                         serial=serial, access=options.get("access", "ok"))
        from .running import start_board
        self.running = start_board(chip, options.get("load"))
        self.model = CmsisDapModel(self.running.debug.swd, self.running.debug.chain, on_reset=self._nreset,
                                   packet_size=packet_size, packet_count=packet_count, serial=serial)
        self.queue = CommandQueue(self.model)
        self.packet_count = packet_count
        self._buffered = threading.Semaphore(packet_count)

    def _nreset(self, asserted: bool) -> None:
        if asserted:
            self.running.board.reset()

    def out(self, endpoint: int, data: bytes, timeout_ms: int) -> None:
        if self.pad_to is not None and len(data) != self.pad_to:
            raise usb_error(LIBUSB_ERROR_INVALID_PARAM, f"an HID output report of this probe is {self.pad_to} "
                                                        f"bytes, not {len(data)}")
        if not self._buffered.acquire(timeout=timeout_ms / 1000 if timeout_ms else None):
            raise usb_error(LIBUSB_ERROR_TIMEOUT, f"the probe's {self.packet_count} command buffers are full: "
                                                  "read responses before sending more")
        with self.running.probe_lock:
            responses = self.queue.receive(data)
        if not responses and data[:1] != bytes([DAP_QUEUE_COMMANDS]):
            self._buffered.release()  # DAP_TransferAbort: answered by nothing, frees its buffer at once
        for response in responses:
            self.send(EP_IN, response.ljust(self.pad_to or 0, b"\0"))

    def in_(self, endpoint: int, size: int, timeout_ms: int) -> bytes:
        try:
            packet = super().in_(endpoint, size, timeout_ms)
        except USBError as e:
            if e.backend_error_code == LIBUSB_ERROR_OVERFLOW:
                self._buffered.release()  # the response was delivered, if into too small a buffer
            raise
        self._buffered.release()
        return packet

    def close(self) -> None:
        self.running.stop()


class HidCmsisDap(CmsisDapUsbDevice):
    pad_to = HID_REPORT


def hid_probe(chip: str, options: dict[str, str], index: int) -> CmsisDapUsbDevice:
    """CMSIS-DAP v1: HID, 64-byte reports over interrupt endpoints, four command buffers."""
    interface = Interface(0, CLASS_HID, name="CMSIS-DAP v1", kernel_driver=True,
                          endpoints=[Endpoint(EP_IN, INTERRUPT, HID_REPORT, 1), Endpoint(EP_OUT, INTERRUPT,
                                                                                        HID_REPORT, 1)])
    return HidCmsisDap(chip, options, index, interface, packet_size=HID_REPORT, packet_count=4)


def bulk_probe(chip: str, options: dict[str, str], index: int) -> CmsisDapUsbDevice:
    """CMSIS-DAP v2: vendor class, bulk endpoints, 512-byte packets, eight command buffers."""
    interface = Interface(0, CLASS_VENDOR, name="CMSIS-DAP v2",
                          endpoints=[Endpoint(0x02, BULK, BULK_PACKET), Endpoint(EP_IN, BULK, BULK_PACKET)])
    return CmsisDapUsbDevice(chip, options, index, interface, packet_size=BULK_PACKET, packet_count=8)
