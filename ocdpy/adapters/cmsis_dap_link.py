"""CMSIS-DAP command packets over any link (USB bulk, USB HID, TCP): one request packet, one response packet
that starts with the same command ID (ARM's CMSIS-DAP command reference).

`Channel` is what the driver and its DAP queue talk through: `command()` for one round trip, `pipeline()`
for many packets with up to the probe's Packet Count in flight (the probe buffers that many; waiting for each
response before the next request would cost one USB round trip per packet).
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Protocol

from ..errors import OcdError

# Command IDs (CMSIS-DAP command reference)
DAP_INFO, DAP_HOST_STATUS, DAP_CONNECT, DAP_DISCONNECT = 0x00, 0x01, 0x02, 0x03
DAP_TRANSFER_CONFIGURE, DAP_TRANSFER, DAP_TRANSFER_BLOCK, DAP_WRITE_ABORT = 0x04, 0x05, 0x06, 0x08
DAP_SWJ_PINS, DAP_SWJ_CLOCK, DAP_SWJ_SEQUENCE, DAP_SWD_CONFIGURE = 0x10, 0x11, 0x12, 0x13
DAP_JTAG_SEQUENCE, DAP_JTAG_CONFIGURE = 0x14, 0x15
DAP_OK, DAP_INVALID = 0x00, 0xFF


class DapLink(Protocol):
    """One way to move whole CMSIS-DAP packets to and from a probe."""

    initial_packet: int       # the packet size to use before DAP_Info tells the probe's
    max_packet: int | None    # the most the link can carry in one packet (an HID report), None: no limit

    def write(self, packet: bytes) -> None: ...
    def read(self, size: int) -> bytes: ...
    def close(self) -> None: ...


class ProbeError(OcdError):
    """The probe answered something other than what CMSIS-DAP says it must."""


class Channel:
    """Request/response packets over a link, checked; the packet size and count the probe reported."""

    def __init__(self, link: DapLink) -> None:
        self.link = link
        self.packet_size = link.initial_packet
        self.packet_count = 1

    def configure(self, packet_size: int, packet_count: int) -> None:
        """What DAP_Info said the probe buffers (limited by what the link carries)."""
        limit = self.link.max_packet
        self.packet_size = min(packet_size, limit) if limit else packet_size
        self.packet_count = max(1, packet_count)

    def _check(self, request: bytes, response: bytes) -> bytes:
        if response[:1] == bytes([DAP_INVALID]) and request[0] != DAP_INVALID:
            raise ProbeError(f"CMSIS-DAP command 0x{request[0]:02x} not implemented (or refused) by the probe")
        if response[:1] != request[:1]:
            got = f"0x{response[0]:02x}" if response else "nothing"
            raise ProbeError(f"CMSIS-DAP command mismatch. Sent 0x{request[0]:02x} received {got}")
        return response[1:]

    def command(self, command: int, payload: bytes = b"") -> bytes:
        """One command; returns the response after its command ID."""
        request = bytes([command]) + payload
        self.link.write(request)
        return self._check(request, self.link.read(self.packet_size))

    def status_command(self, command: int, payload: bytes = b"", what: str = "") -> None:
        """A command whose response is one status byte: DAP_OK or an error."""
        if self.command(command, payload)[:1] != bytes([DAP_OK]):
            raise ProbeError(f"CMSIS-DAP command {what or hex(command)} failed")

    def pipeline(self, requests: Iterable[bytes]) -> Iterator[bytes]:
        """Responses (after the command ID) to `requests` in order, keeping up to Packet Count in flight.
        Stop iterating early and the requests not yet sent are never sent; those in flight are read."""
        in_flight: deque[bytes] = deque()
        pending = iter(requests)
        try:
            for request in pending:
                if len(in_flight) == self.packet_count:
                    sent = in_flight.popleft()
                    yield self._check(sent, self.link.read(self.packet_size))
                self.link.write(request)
                in_flight.append(request)
            while in_flight:
                sent = in_flight.popleft()
                yield self._check(sent, self.link.read(self.packet_size))
        finally:
            for _ in in_flight:  # the caller stopped early: drain what the probe will still answer
                self.link.read(self.packet_size)
