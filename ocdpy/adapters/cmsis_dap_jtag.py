"""JTAG through a CMSIS-DAP probe: a `JtagShifter` over DAP_JTAG_Sequence, and the chain configuration the
probe's DAP_Transfer needs (DAP_JTAG_Configure).

DAP_JTAG_Sequence carries up to 255 sequences per packet, each 1-64 TCK cycles with one TMS level, its TDI
bits and a flag asking for TDO (CMSIS-DAP command reference). A shift is cut where TMS changes (and every 64
bits), the sequences packed into as few packets as the probe's packet size allows, request and response,
and sent with up to Packet Count in flight; every sequence captures TDO, since the chain wants it all back.

Device index order: ARM's firmware (DAP_JTAG_Configure's ir_before/ir_after) shifts the IR bits of devices
0..i-1 first, so device 0 is the TAP nearest TDO. That is also OpenOCD's chain order (the first `jtag
newtap` is nearest TDO), so `JtagChain.taps` is already in the probe's index order.
"""
from __future__ import annotations

import struct
from collections.abc import Iterator

from ..errors import OcdError
from ..transports.jtag_chain import JtagChain
from .cmsis_dap_link import DAP_JTAG_CONFIGURE, DAP_JTAG_SEQUENCE, DAP_OK, DAP_SWJ_PINS, Channel, ProbeError

SEQ_MAX_BITS = 64            # one sequence: 1-64 TCK cycles (a count of 0 means 64)
SEQ_TMS, SEQ_TDO = 0x40, 0x80
MAX_SEQUENCES = 255          # the sequence count is one byte
PIN_NTRST = 1 << 5


def runs(tms: int, count: int) -> Iterator[tuple[int, int, int]]:
    """(offset, length, TMS level) of the stretches of constant TMS, none longer than 64 bits."""
    position = 0
    while position < count:
        rest = tms >> position
        level = rest & 1
        same = ~rest if level else rest  # its lowest set bit is the first change of level
        change = (same & -same).bit_length() - 1 if same else count
        length = min(change, SEQ_MAX_BITS, count - position)
        yield position, length, level
        position += length


class CmsisDapJtag:
    """A JtagShifter over DAP_JTAG_Sequence (TDO captured on every cycle), TRST over DAP_SWJ_Pins."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def _packets(self, tms: int, tdi: int, count: int) -> tuple[list[bytes], list[list[tuple[int, int]]]]:
        """The request packets and, per packet, the (offset, length) of each sequence it carries."""
        limit = self.channel.packet_size
        packets: list[bytes] = []
        layouts: list[list[tuple[int, int]]] = []
        body, layout = bytearray(), []
        request = response = 2  # command + count; command + status
        for offset, length, level in runs(tms, count):
            size = (length + 7) // 8
            if layout and (len(layout) == MAX_SEQUENCES or request + 1 + size > limit or response + size > limit):
                packets.append(bytes([DAP_JTAG_SEQUENCE, len(layout)]) + body)
                layouts.append(layout)
                body, layout, request, response = bytearray(), [], 2, 2
            body.append(SEQ_TDO | (SEQ_TMS if level else 0) | (length & 0x3F))
            body += ((tdi >> offset) & ((1 << length) - 1)).to_bytes(size, "little")
            layout.append((offset, length))
            request += 1 + size
            response += size
        if layout:
            packets.append(bytes([DAP_JTAG_SEQUENCE, len(layout)]) + body)
            layouts.append(layout)
        return packets, layouts

    def shift(self, tms: int, tdi: int, count: int) -> int:
        packets, layouts = self._packets(tms, tdi, count)
        tdo = 0
        for layout, response in zip(layouts, self.channel.pipeline(packets)):
            if response[:1] != bytes([DAP_OK]):
                raise ProbeError("CMSIS-DAP command DAP_JTAG_Sequence failed")
            position = 1
            for offset, length in layout:
                size = (length + 7) // 8
                bits = int.from_bytes(response[position:position + size], "little")
                tdo |= (bits & ((1 << length) - 1)) << offset
                position += size
        return tdo

    def reset(self, trst: bool) -> None:
        self.channel.command(DAP_SWJ_PINS, struct.pack("<BBI", 0 if trst else PIN_NTRST, PIN_NTRST, 0))


def configure_chain(channel: Channel, chain: JtagChain) -> None:
    """DAP_JTAG_Configure: the IR length of every TAP, index 0 nearest TDO (the chain's own order)."""
    lengths = [tap.irlen for tap in chain.taps]
    if len(lengths) > MAX_SEQUENCES or any(not 0 < n < 256 for n in lengths):
        raise OcdError(f"CMSIS-DAP: a scan chain of IR lengths {lengths} cannot be configured in the probe")
    channel.status_command(DAP_JTAG_CONFIGURE, bytes([len(lengths), *lengths]), "DAP_JTAG_Configure")
