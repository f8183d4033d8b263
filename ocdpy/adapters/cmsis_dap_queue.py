"""The CMSIS-DAP `DapQueue`: queued DP/AP accesses packed into as few DAP_Transfer and DAP_TransferBlock
packets as the probe's packet size allows, sent with up to its packet count in flight.

The probe's firmware drives the wire: it retries WAIT, pipelines posted reads and fetches the last one from
RDBUFF, and after a final write reads RDBUFF so a write that faulted is reported (CMSIS-DAP command
reference, DAP_Transfer). What stays with the host: SELECT (shared with the SWD transport via QueuedDap),
choosing blocks for runs of one AP register (DRW bursts), attributing a failure to the access that caused it,
and after a FAULT reading CTRL/STAT for the message and clearing the sticky flags with DAP_WriteABORT.

Over JTAG (`jtag=True`, the DAP's TAP at JTAG index `index`) the same packets go out, but a JTAG-DP has no
FAULT acknowledge: the firmware reports its OK/FAULT ACK as OK, so a bus error shows only in CTRL/STAT. A
flush with AP accesses therefore ends with a CTRL/STAT read, and sticky flags found there fail the flush
and are cleared the JTAG-DP way, by writing them back as ones to CTRL/STAT (its ABORT has only DAPABORT).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..transports.adi_queue import STICKY_MASK, Op, QueuedDap, sticky_report
from ..transports.jtag_dp import BUS_ACCESSES
from ..transports.swd import ACK_FAULT, ACK_OK, ACK_WAIT, ack_text
from .cmsis_dap_link import DAP_TRANSFER, DAP_TRANSFER_BLOCK, DAP_WRITE_ABORT, Channel
from .dap_queue import ABORT_CLEAR_ALL, ABORT_DAPABORT, DP_CTRL_STAT, Deferred, TransferError

REQ_AP, REQ_READ = 1 << 0, 1 << 1
PROTOCOL_ERROR = 1 << 3
BLOCK_MIN = 3             # a run of this many accesses to one AP register goes out as DAP_TransferBlock
MAX_TRANSFERS = 255       # DAP_Transfer's count is one byte
WAIT_RETRIES = 64         # DAP_TransferConfigure's WAIT retry count (OpenOCD's choice)


def request_bits(op: Op) -> int:
    return (REQ_AP if op.is_ap else 0) | (REQ_READ if op.read else 0) | (op.address & 0x0C)


@dataclass
class Command:
    """One DAP_Transfer or DAP_TransferBlock packet and the accesses it carries."""

    block: bool
    ops: list[Op] = field(default_factory=list)
    request_size: int = 3   # command, index, count (a block: command, index, u16 count, request)
    response_size: int = 3  # command, count, ack (a block: command, u16 count, ack)

    def packet(self, index: int) -> bytes:
        if self.block:
            first = self.ops[0]
            head = struct.pack("<BBHB", DAP_TRANSFER_BLOCK, index, len(self.ops), request_bits(first))
            if first.read:
                return head
            return head + struct.pack(f"<{len(self.ops)}I", *(op.value & 0xFFFFFFFF for op in self.ops))
        body = bytearray([DAP_TRANSFER, index, len(self.ops)])
        for op in self.ops:
            body.append(request_bits(op))
            if not op.read:
                body += struct.pack("<I", op.value & 0xFFFFFFFF)
        return bytes(body)


def _runs(ops: list[Op]):
    """Consecutive accesses grouped: (same AP register and direction, run)."""
    start = 0
    for i in range(1, len(ops) + 1):
        if i == len(ops) or ops[i][:4] != ops[start][:4]:
            yield ops[start:i]
            start = i


def plan(ops: list[Op], packet_size: int) -> list[Command]:
    """The fewest packets that carry `ops` in order, each request and response within `packet_size`."""
    commands: list[Command] = []
    current: Command | None = None
    for run in _runs(ops):
        if run[0].is_ap and len(run) >= BLOCK_MIN:
            per_block = (packet_size - 5) // 4 if not run[0].read else (packet_size - 4) // 4
            for i in range(0, len(run), per_block):
                commands.append(Command(True, run[i:i + per_block]))
            current = None
            continue
        for op in run:
            request, response = (1, 4) if op.read else (5, 0)
            if (current is None or len(current.ops) == MAX_TRANSFERS
                    or current.request_size + request > packet_size
                    or current.response_size + response > packet_size):
                current = Command(False)
                commands.append(current)
            current.ops.append(op)
            current.request_size += request
            current.response_size += response
    return commands


class CmsisDapQueue(QueuedDap):
    """DP/AP accesses through a CMSIS-DAP probe (SWD, or JTAG device `index` of the chain). Runs of one AP
    register (what `read_ap_block`/`write_ap_block` queue) become DAP_TransferBlock packets when sent."""

    def __init__(self, channel: Channel, index: int = 0, log=None, jtag: bool = False) -> None:
        super().__init__(None, log)
        self.channel = channel
        self.index = index
        self.jtag = jtag

    def connect(self) -> int:
        """A new connection: check the DP answers (a CTRL/STAT read), clear sticky flags an earlier session
        left; returns CTRL/STAT."""
        self._forget()
        status = self.read_dp(DP_CTRL_STAT)
        self.flush()
        if status.value & STICKY_MASK:
            self._clear_sticky(status.value)
        return status.value

    def _run(self, ops: list[Op]) -> None:
        status = None
        if self.jtag and any(op.is_ap for op in ops):
            status = Op(False, True, DP_CTRL_STAT, 0, Deferred("DP read 0x04"))
            ops = [*ops, status]
        commands = plan(ops, self.channel.packet_size)
        failure: tuple[Command, int, int] | None = None
        responses = self.channel.pipeline(c.packet(self.index) for c in commands)
        for command, response in zip(commands, responses):
            count, ack, data = self._parse(command, response)
            if ack != ACK_OK or count != len(command.ops):
                failure = (command, count, ack)  # its data (and an HID report's padding) is not to be trusted
                break
            self._deliver(command, data)
        responses.close()  # after a failure: read what is in flight, send nothing more
        if failure is not None:
            self._fail(*failure)
        if status is not None and status.value.value & STICKY_MASK:
            self._bus_fault(ops[:-1], status.value.value)

    def _bus_fault(self, ops: list[Op], ctrl: int) -> None:
        """Over JTAG: an AP access of this flush left sticky flags; which one, CTRL/STAT cannot tell."""
        self._clear_sticky(ctrl)
        bus = [op for op in ops if op.is_ap and op.address in BUS_ACCESSES]
        what = bus[0].what if len(bus) == 1 else (f"one of {len(bus)} AP bus accesses ({bus[0].what} ...)"
                                                   if bus else "an AP access")
        raise TransferError(f"CMSIS-DAP {what} failed{sticky_report(ctrl)}")

    @staticmethod
    def _parse(command: Command, response: bytes) -> tuple[int, int, bytes]:
        if command.block:
            count, ack = struct.unpack_from("<HB", response)
            return count, ack, response[3:]
        return response[0], response[1], response[2:]

    @staticmethod
    def _deliver(command: Command, data: bytes) -> None:
        reads = (op for op in command.ops if op.read)
        for (word,), op in zip(struct.iter_unpack("<I", data[:len(data) // 4 * 4]), reads):
            op.value.set(word)  # an HID report's padding runs out of reads first

    def _culprit(self, command: Command, count: int, ack: int) -> str:
        """Which access failed. Over SWD a bus error shows as FAULT on the *next* access (the AP posts its
        accesses), so a FAULT at transfer k > 0 belongs to the last AP access before it; at the end of the
        packet (the firmware's closing RDBUFF read) to the last access."""
        n = len(command.ops)
        k = min(count, n - 1)
        earlier = [i for i in range(min(count, n)) if command.ops[i].is_ap]
        if ack & 0x07 == ACK_FAULT and earlier:
            k = earlier[-1]
        what = command.ops[k].what
        if command.block:
            what += f" (transfer {k + 1} of {len(command.ops)} in a block)"
        return what

    def _fail(self, command: Command, count: int, ack: int) -> None:
        what = self._culprit(command, count, ack)
        status = ack & 0x07
        if ack & PROTOCOL_ERROR and not self.jtag:
            reason = "SWD protocol error (wrong parity in the data the target sent)"
        elif status == ACK_OK:
            reason = f"the probe did {count} of {len(command.ops)} transfers"
        elif status == ACK_FAULT:
            reason = "the target answered FAULT" + sticky_report(self._clear_sticky())
        elif status == ACK_WAIT:
            self._abort(ABORT_DAPABORT)
            reason = f"the target answered WAIT {WAIT_RETRIES} times"
        elif self.jtag:
            reason = (f"no valid JTAG-DP acknowledge (0b{status:03b}) from JTAG device {self.index}: is its IR "
                      "length right, and is it an ARM JTAG-DP?")
        else:
            reason = ack_text(status)
        raise TransferError(f"CMSIS-DAP {what} failed: {reason}")

    def _abort(self, value: int) -> None:
        self.channel.status_command(DAP_WRITE_ABORT, struct.pack("<BI", self.index, value), "DAP_WriteABORT")

    def _clear_sticky(self, ctrl: int | None = None) -> int | None:
        """After a FAULT: CTRL/STAT (for the message, unless known), then clear every sticky flag so the next
        access works: with DAP_WriteABORT over SWD, over JTAG by writing the flags back as ones to CTRL/STAT
        (with the power and debug requests it holds)."""
        if ctrl is None:
            response = self.channel.command(DAP_TRANSFER, bytes([self.index, 1, REQ_READ | DP_CTRL_STAT]))
            if response[:2] == bytes([1, ACK_OK]):
                ctrl = struct.unpack_from("<I", response, 2)[0]
        if not self.jtag:
            self._abort(ABORT_CLEAR_ALL)
        elif ctrl is not None:
            self.channel.command(DAP_TRANSFER, struct.pack("<BBBI", self.index, 1, DP_CTRL_STAT,
                                                            (ctrl | STICKY_MASK) & 0xFFFFFFFF))
        return ctrl

