"""`adapter driver cmsis-dap`: ARM's CMSIS-DAP probes (DAPLink, debugprobe, and many more) over USB bulk (v2),
USB HID (v1) or TCP, reporting what OpenOCD 0.12 reports as it opens one.

Opening: find the probe (`cmsis-dap backend`, `cmsis-dap vid_pid`, `adapter serial`, `adapter usb location`,
`cmsis-dap tcp host/port`), DAP_Info (capabilities, firmware version, serial, packet size and count),
DAP_Connect in the session transport's mode, the pins' state, transfer and SWD settings, `adapter speed`
with DAP_SWJ_Clock. `dap()` then switches the target's SWJ-DP to SWD with DAP_SWJ_Sequence and reads DPIDR
through a `CmsisDapQueue` (cmsis_dap_queue.py).

Over JTAG `dap()` switches an SWJ-DP to JTAG (DAP_SWJ_Sequence: TMS and SWDIO are one pin, whatever mode the
DP is in), runs OpenOCD's chain check through DAP_JTAG_Sequence (cmsis_dap_jtag.py), tells the probe the
chain's IR lengths (DAP_JTAG_Configure) and returns the same queue on the DAP's TAP: the firmware scans
DPACC/APACC itself, so DP/AP accesses cost the same packets as over SWD.
"""
from __future__ import annotations

import struct

from ..errors import OcdError
from ..transports.jtag_chain import SWD_TO_JTAG, TLR_BITS, JtagChain, dap_tap
from ..transports.swd import IDLE, JTAG_TO_SWD, LINE_RESET
from .cmsis_dap_jtag import CmsisDapJtag, configure_chain
from .cmsis_dap_link import (DAP_CONNECT, DAP_DISCONNECT, DAP_HOST_STATUS, DAP_INFO, DAP_SWD_CONFIGURE,
                             DAP_SWJ_CLOCK, DAP_SWJ_PINS, DAP_SWJ_SEQUENCE, DAP_TRANSFER_CONFIGURE, Channel,
                             ProbeError)
from .cmsis_dap_queue import WAIT_RETRIES, CmsisDapQueue
from .dap_queue import DP_DPIDR
from .probe import Probe, ProbeConfig

BACKENDS = ("auto", "usb_bulk", "hid", "tcp")
INFO_SERIAL, INFO_PROTOCOL_VERSION, INFO_CAPABILITIES = 0x03, 0x04, 0xF0
INFO_PACKET_COUNT, INFO_PACKET_SIZE = 0xFE, 0xFF
CAP_SWD, CAP_JTAG = 1 << 0, 1 << 1
CAPABILITIES = ("SWD supported", "JTAG supported", "SWO-UART supported", "SWO-MANCHESTER supported",
                "Atomic commands supported", "Test domain timer supported", "SWO streaming trace supported",
                "UART communication port supported", "UART via USB COM port supported")
PORTS = {"swd": 1, "jtag": 2}
PIN_NAMES = ((0, "SWCLK/TCK"), (1, "SWDIO/TMS"), (2, "TDI"), (3, "TDO"), (5, "nTRST"), (7, "nRESET"))
PIN_NRESET = 1 << 7
DEFAULT_KHZ = 100  # OpenOCD's fallback when no `adapter speed` was given


class CmsisDapProbe(Probe):
    """One CMSIS-DAP probe; `channel` carries its command packets once opened."""

    def __init__(self, config: ProbeConfig) -> None:
        super().__init__(config)
        self.backend = (config.setting("cmsis-dap backend") or ["auto"])[0]
        if self.backend not in BACKENDS:
            raise OcdError(f"cmsis-dap backend: '{self.backend}' is not one of {', '.join(BACKENDS)}")
        self.channel: Channel | None = None
        self.capabilities = 0
        self.khz = config.adapter.speed_khz or DEFAULT_KHZ

    # -- opening -------------------------------------------------------------------------------------------
    def _link(self):
        config = self.config
        if self.backend == "tcp":
            from .cmsis_dap_tcp import DEFAULT_HOST, DEFAULT_PORT, TcpLink
            host = (config.setting("cmsis-dap tcp host") or [DEFAULT_HOST])[0]
            port = (config.setting("cmsis-dap tcp port") or [str(DEFAULT_PORT)])[0]
            if not port.isdigit():
                raise OcdError(f"cmsis-dap tcp port: '{port}' is not a port number")
            return TcpLink(host, int(port))
        from .cmsis_dap_usb import open_usb
        from .usb import parse_id_pairs
        serial = config.adapter.serial or (config.setting("cmsis-dap serial") or [None])[0]
        interface = config.setting("cmsis-dap usb interface")
        ids = parse_id_pairs("cmsis-dap", config.setting("cmsis-dap vid_pid") or [])
        return open_usb(self.backend, ids, serial,
                        config.adapter.usb_location, int(interface[0]) if interface else None, self.log)

    def info(self, ident: int) -> bytes:
        response = self.channel.command(DAP_INFO, bytes([ident]))
        return response[1:1 + response[0]]

    def _info_string(self, ident: int) -> str:
        return self.info(ident).split(b"\0")[0].decode("ascii", "replace")

    def open(self) -> None:
        transport = self.config.transport or "swd"
        if transport not in PORTS:
            raise OcdError(f"adapter driver cmsis-dap: transport '{transport}' is not available "
                           "(CMSIS-DAP speaks swd and jtag)")
        self.channel = Channel(self._link())
        try:
            self._initialise(transport)
        except OcdError:
            self.close()
            raise

    def _initialise(self, transport: str) -> None:
        caps = self.info(INFO_CAPABILITIES)
        self.capabilities = int.from_bytes(caps, "little")
        for bit, text in enumerate(CAPABILITIES):
            if self.capabilities >> bit & 1:
                self.log.info(f"CMSIS-DAP: {text}")
        self.log.info(f"CMSIS-DAP: FW Version = {self._info_string(INFO_PROTOCOL_VERSION)}")
        serial = self._info_string(INFO_SERIAL)
        if serial:
            self.log.info(f"CMSIS-DAP: Serial# = {serial}")
        if not self.capabilities & (CAP_SWD if transport == "swd" else CAP_JTAG):
            raise OcdError(f"CMSIS-DAP: {transport.upper()} not supported")
        port = self.channel.command(DAP_CONNECT, bytes([PORTS[transport]]))[0]
        if port != PORTS[transport]:
            raise OcdError(f"CMSIS-DAP failed to connect in mode ({PORTS[transport]}): the probe answered {port}")
        self.log.info(f"CMSIS-DAP: Interface Initialised ({transport.upper()})")
        size = struct.unpack("<H", self.info(INFO_PACKET_SIZE))[0]
        count = self.info(INFO_PACKET_COUNT)[0]
        self.channel.configure(size, count)
        self.log.debug(f"CMSIS-DAP: Packet Size = {self.channel.packet_size}")
        self.log.debug(f"CMSIS-DAP: Packet Count = {self.channel.packet_count}")
        pins = self._pins(0, 0)
        self.log.info(" ".join(f"{name} = {pins >> bit & 1}" for bit, name in PIN_NAMES))
        self.channel.status_command(DAP_TRANSFER_CONFIGURE, struct.pack("<BHH", 0, WAIT_RETRIES, 0),
                                    "CMD_TFER_Configure")
        if transport == "swd":
            self.channel.status_command(DAP_SWD_CONFIGURE, bytes([0]), "CMD_SWD_Configure")  # 1 TRN, no data phase
        self._leds(True)
        self.log.info("CMSIS-DAP: Interface ready")
        self.set_speed(self.khz)
        self.log.info(f"clock speed {self.khz} kHz")

    def _leds(self, on: bool) -> None:
        """Connect and running LEDs: a courtesy, so a probe without them is fine."""
        for led in (0, 1):
            try:
                self.channel.command(DAP_HOST_STATUS, bytes([led, on]))
            except ProbeError:
                return

    def _pins(self, output: int, select: int) -> int:
        return self.channel.command(DAP_SWJ_PINS, struct.pack("<BBI", output, select, 0))[0]

    # -- the DAP -------------------------------------------------------------------------------------------
    def swj_sequence(self, bits: int, count: int) -> None:
        """Host-driven SWDIO/TMS bits, LSB first (at most 256 per DAP_SWJ_Sequence)."""
        while count > 0:
            n = min(count, 256)
            data = (bits & ((1 << n) - 1)).to_bytes((n + 7) // 8, "little")
            self.channel.status_command(DAP_SWJ_SEQUENCE, bytes([n & 0xFF]) + data, "CMD_DAP_SWJ_SEQ")
            bits, count = bits >> n, count - n

    def _sequences(self, *sequences: tuple[int, int]) -> None:
        bits = count = 0
        for seq_bits, seq_count in sequences:
            bits, count = bits | seq_bits << count, count + seq_count
        self.swj_sequence(bits, count)

    def dap(self) -> CmsisDapQueue:
        if self.channel is None:
            raise OcdError("CMSIS-DAP: the adapter is not open")
        if self.config.transport == "jtag":
            return self._jtag_dap()
        if self.config.transport not in ("swd", None):
            return super().dap()
        self._sequences(LINE_RESET, JTAG_TO_SWD, LINE_RESET, IDLE)
        queue = CmsisDapQueue(self.channel, log=self.log)
        dpidr = queue.read_dp(DP_DPIDR)
        queue.flush()
        self.log.info(f"SWD DPIDR 0x{dpidr.value:08x}")
        return queue

    def _jtag_dap(self) -> CmsisDapQueue:
        # SWD-to-JTAG select (more than 50 ones, 0xE73C), then Test-Logic-Reset: a DP left in SWD mode
        # answers JTAG again, a plain JTAG chain just resets
        self._sequences(LINE_RESET, (SWD_TO_JTAG, 16), ((1 << TLR_BITS) - 1, TLR_BITS))
        chain = JtagChain(CmsisDapJtag(self.channel), self.config.taps, self.log, source="the CMSIS-DAP probe")
        # OpenOCD's two Test-Logic-Resets of `jtag init` (before and after the IDCODE scan), which examine()
        # makes with TMS in its scans
        self.log.info("cmsis-dap JTAG TLR_RESET")
        self.log.info("cmsis-dap JTAG TLR_RESET")
        chain.examine()
        tap = dap_tap(chain, self.config.dap_tap, "CMSIS-DAP")
        configure_chain(self.channel, chain)
        queue = CmsisDapQueue(self.channel, chain.taps.index(tap), log=self.log, jtag=True)
        queue.connect()
        return queue

    # -- pins, clock, closing ------------------------------------------------------------------------------
    def set_srst(self, asserted: bool) -> None:
        self._pins(0 if asserted else PIN_NRESET, PIN_NRESET)

    def set_speed(self, khz: int) -> int:
        if khz <= 0:
            raise OcdError('RTCK not supported. Set nonzero "adapter speed".')
        self.channel.status_command(DAP_SWJ_CLOCK, struct.pack("<I", khz * 1000), "CMD_DAP_SWJ_CLOCK")
        self.khz = khz
        return khz

    def close(self) -> None:
        if self.channel is None:
            return
        try:
            self.channel.command(DAP_DISCONNECT)
            self._leds(False)
        except OcdError:
            pass  # the probe is gone: closing the link is all that is left
        finally:
            self.channel.link.close()
            self.channel = None
