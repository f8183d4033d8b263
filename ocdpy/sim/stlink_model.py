"""ST-Link probes on the simulated USB bus (sim/usb_backend.py): the USB face of an ST-Link/V2, V2-1 or V3
in front of its own running board, its firmware in sim/stlink_firmware.py.

The USB face is the real one's: ST's VID 0x0483 and the generation's PID, one vendor-specific interface
with bulk endpoints (V2: OUT 0x02, IN 0x81, trace 0x83; V2-1 and V3: OUT 0x01, IN 0x81, trace 0x82),
64-byte packets on the full-speed V2s, 512 on the high-speed V3. Every command is a 16-byte block on the
OUT endpoint; a write's data follows on the same endpoint (in as many transfers as the host likes); a reply
is queued on the IN endpoint for the host to read in one transfer of its exact length. (The real V2-1 and
V3 are composite devices with mass-storage and virtual COM port interfaces too; only the debug interface
is modelled.)

    OCDPY_SIM_USB=stlink-v2:stm32f103c8     OCDPY_SIM_USB=stlink-v3:stm32f401cc:serial=0670FF
"""
from __future__ import annotations

from dataclasses import dataclass

from usb.backend.libusb1 import LIBUSB_ERROR_PIPE

from ..adapters.stlink_protocol import CMD_SIZE, Mode, Version
from .stlink_firmware import StlinkFirmware
from .usb_backend import BULK, CLASS_VENDOR, Endpoint, Interface, SimUsbDevice, usb_error

ST_VID = 0x0483


@dataclass(frozen=True)
class Variant:
    """One ST-Link generation as the host sees it."""

    version: Version
    out_ep: int
    in_ep: int
    trace_ep: int
    packet: int           # bulk wMaxPacketSize
    product: str
    initial_mode: Mode    # what GET_CURRENT_MODE says after plug-in


VARIANTS = {
    "stlink-v2": Variant(Version(2, 37, swim=7, pid=0x3748), 0x02, 0x81, 0x83, 64, "STM32 STLink", Mode.DFU),
    "stlink-v2-1": Variant(Version(2, 37, msd=26, pid=0x374B), 0x01, 0x81, 0x82, 64, "STM32 STLink",
                           Mode.MASS),
    "stlink-v3": Variant(Version(3, 7, swim=1, msd=3, bridge=5, pid=0x374F), 0x01, 0x81, 0x82, 512,
                         "STLINK-V3", Mode.MASS),
}


class StlinkUsbDevice(SimUsbDevice):
    """One ST-Link: command blocks (and data phases) from the OUT endpoint run on the firmware model,
    replies queue on the IN endpoint."""

    def __init__(self, kind: str, chip: str, options: dict[str, str], index: int) -> None:
        variant = VARIANTS[kind]
        interface = Interface(0, CLASS_VENDOR, 0xFF, 0xFF, endpoints=[
            Endpoint(variant.in_ep, BULK, variant.packet), Endpoint(variant.out_ep, BULK, variant.packet),
            Endpoint(variant.trace_ep, BULK, variant.packet)])
        super().__init__(ST_VID, variant.version.pid, [interface], manufacturer="STMicroelectronics",
                         product=variant.product, serial=options.get("serial", f"ocdpy-sim-{index}"),
                         access=options.get("access", "ok"))
        from .running import start_board
        self.variant = variant
        self.running = start_board(chip, options.get("load"))
        self.firmware = StlinkFirmware(variant.version, variant.initial_mode, self.running.debug.dp,
                                       self.running.probe_lock, self._nreset)
        self._command: bytes | None = None  # a write command waiting for its data phase
        self._data = bytearray()

    def _nreset(self, asserted: bool) -> None:
        if asserted:
            self.running.board.reset()

    def out(self, endpoint: int, data: bytes, timeout_ms: int) -> None:
        if self._command is not None:
            self._data += data
            wanted = self.firmware.data_phase(self._command)
            if len(self._data) >= wanted:
                command, self._command = self._command, None
                self._run(command, bytes(self._data[:wanted]))
            return
        if len(data) != CMD_SIZE:
            raise usb_error(LIBUSB_ERROR_PIPE, f"an ST-Link command block is {CMD_SIZE} bytes, not {len(data)}")
        if self.firmware.data_phase(data):
            self._command, self._data = bytes(data), bytearray()
        else:
            self._run(bytes(data), b"")

    def _run(self, command: bytes, data: bytes) -> None:
        reply = self.firmware.execute(command, data)
        if reply:
            self.send(self.variant.in_ep, reply)

    def close(self) -> None:
        self.running.stop()


def v2_probe(chip: str, options: dict[str, str], index: int) -> StlinkUsbDevice:
    """ST-Link/V2 (0483:3748), firmware V2J37S7."""
    return StlinkUsbDevice("stlink-v2", chip, options, index)


def v2_1_probe(chip: str, options: dict[str, str], index: int) -> StlinkUsbDevice:
    """ST-Link/V2-1 (0483:374b, as on Nucleo boards), firmware V2J37M26."""
    return StlinkUsbDevice("stlink-v2-1", chip, options, index)


def v3_probe(chip: str, options: dict[str, str], index: int) -> StlinkUsbDevice:
    """STLINK-V3 (0483:374f), firmware V3J7M3B5S1."""
    return StlinkUsbDevice("stlink-v3", chip, options, index)
