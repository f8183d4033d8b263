"""The firmware of a CMSIS-DAP probe wired to a simulated board: command packets in, response packets out.

Written from ARM's CMSIS-DAP specification (command reference, v2.1): `CmsisDapModel.execute` takes one
command packet and returns its response packet, driving the board's SW-DP with SWD packets and its JTAG scan
chain one TCK at a time. A driver tested against it is tested against the spec, not against another host's
reading of it. Where the spec leaves a choice, the model does what ARM's reference firmware does:

- DAP_Transfer pipelines posted reads (SWD AP reads; every JTAG-DP read) and fetches the last one from
  RDBUFF itself; after a final write it reads RDBUFF too, so a write that faulted is reported. The Transfer
  Count counts the transfers issued; a read whose data could not be collected counts but brings no data,
  so a host must treat a non-OK ACK as the end of the useful data.
- A value-match read returns no data; the match mask persists across commands.
- JTAG device index 0 is the TAP nearest TDO (its IR bits are shifted first); JTAG transfers need a
  DAP_JTAG_Configure first. JTAG ACKs: 0b010 (OK/FAULT) reports OK, 0b001 reports WAIT, anything else NO_ACK
  (a JTAG-DP reports faults only through CTRL/STAT).
- DAP_SWO_* and DAP_UART_* answer 0xFF like any unimplemented command, as a probe without SWO/UART does.

Packet contract: a request longer than the packet size, or one whose response would not fit, answers
0xFF (a real probe would overrun its buffer; refusing makes the host's bug visible). A command cut short
answers 0xFF without doing anything. DAP_QueueCommands is a transport matter (packets held until one
that is not queued arrives): `CommandQueue` does it per connection; `execute` runs such a packet at once.
"""
from __future__ import annotations

import struct
import time
from dataclasses import dataclass
from typing import Callable, Protocol

# Command IDs
(DAP_INFO, DAP_HOST_STATUS, DAP_CONNECT, DAP_DISCONNECT, DAP_TRANSFER_CONFIGURE, DAP_TRANSFER,
 DAP_TRANSFER_BLOCK, DAP_TRANSFER_ABORT, DAP_WRITE_ABORT, DAP_DELAY, DAP_RESET_TARGET) = range(0x0B)
(DAP_SWJ_PINS, DAP_SWJ_CLOCK, DAP_SWJ_SEQUENCE, DAP_SWD_CONFIGURE, DAP_JTAG_SEQUENCE, DAP_JTAG_CONFIGURE,
 DAP_JTAG_IDCODE) = range(0x10, 0x17)
DAP_SWD_SEQUENCE = 0x1D
DAP_QUEUE_COMMANDS, DAP_EXECUTE_COMMANDS = 0x7E, 0x7F
DAP_INVALID = 0xFF
DAP_OK, DAP_ERROR = 0x00, 0xFF

# DAP_Info IDs
INFO_VENDOR, INFO_PRODUCT, INFO_SERIAL, INFO_PROTOCOL_VERSION = 0x01, 0x02, 0x03, 0x04
INFO_FIRMWARE_VERSION, INFO_CAPABILITIES, INFO_PACKET_COUNT, INFO_PACKET_SIZE = 0x09, 0xF0, 0xFE, 0xFF
CAP_SWD, CAP_JTAG, CAP_ATOMIC = 1 << 0, 1 << 1, 1 << 4

# Ports (DAP_Connect)
PORT_DEFAULT, PORT_SWD, PORT_JTAG = 0, 1, 2

# DAP_SWJ_Pins bits
PIN_SWCLK, PIN_SWDIO, PIN_TDI, PIN_TDO, PIN_NTRST, PIN_NRESET = 1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 5, 1 << 7

# Transfer request / response bits
REQ_AP, REQ_READ, REQ_MATCH_VALUE, REQ_MATCH_MASK = 1 << 0, 1 << 1, 1 << 4, 1 << 5
REQ_ADDR = 0x0C  # A3:A2, which is also the register address
RDBUFF_READ = REQ_READ | 0x0C
ACK_OK, ACK_WAIT, ACK_FAULT, ACK_NONE = 1, 2, 4, 7
VALUE_MISMATCH = 1 << 4

# JTAG-DP instructions (ADIv5 B3) and scan
JTAG_ABORT, JTAG_DPACC, JTAG_APACC = 0x8, 0xA, 0xB
JTAG_ACKS = {0b010: ACK_OK, 0b001: ACK_WAIT}
DR_ACC_BITS = 35


class Truncated(Exception):
    """The command ended before all its fields."""


class SwdPort(Protocol):
    """The board's SW-DP (sim/swd_dp.py): packets, host-driven sequences, single cycles, and whether its
    SWJ-DP currently routes the pins to the JTAG TAPs instead."""

    jtag_selected: bool
    swdio: int | None

    def sequence(self, bits: int, count: int) -> None: ...
    def transfer(self, request: int, wdata: int | None = None) -> tuple[int, int | None]: ...
    def clock(self, swdio: int) -> None: ...


class Reader:
    """A cursor over one request packet; raises Truncated past its end."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise Truncated
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def short(self) -> int:
        return struct.unpack("<H", self.take(2))[0]

    def word(self) -> int:
        return struct.unpack("<I", self.take(4))[0]

    def at_end(self) -> bool:
        return self.pos >= len(self.data)


def _words(values: list[int]) -> bytes:
    return struct.pack(f"<{len(values)}I", *values)


def _bits_to_bytes(bits: int, count: int) -> bytes:
    return (bits & ((1 << count) - 1)).to_bytes((count + 7) // 8, "little")


@dataclass
class TransferConfig:
    """DAP_TransferConfigure and the match mask: shared by both wires, kept across commands."""

    idle_cycles: int = 0
    wait_retry: int = 100
    match_retry: int = 0
    match_mask: int = 0xFFFFFFFF


class _FloatingTdo:
    """No scan chain on the connector (SW-DP-only part): clocks go nowhere, TDO floats high."""

    tdo = 1

    def clock(self, tms: int, tdi: int) -> None:
        pass

    def reset(self) -> None:
        pass


class JtagPins:
    """TCK/TMS/TDI/TDO on a scan chain, with the TAP-state walks a probe makes from Run-Test/Idle.

    TDO is sampled before each rising TCK edge, as the chain presents it after the previous falling edge.
    The chain hears the pins only while `selected()` (an SWJ-DP switched to SWD leaves TDO floating high)."""

    def __init__(self, chain, selected: Callable[[], bool]) -> None:
        self.chain = chain if chain is not None else _FloatingTdo()
        self.selected = selected
        self.ir_selected: tuple[int, int] | None = None  # (device index, instruction) last scanned into IR

    def cycle(self, tms: int, tdi: int) -> int:
        if not self.selected():
            return _FloatingTdo.tdo
        tdo = self.chain.tdo
        self.chain.clock(tms, tdi)
        return tdo

    def sequence(self, tms_bits: int, tdi_bits: int, count: int) -> int:
        """Raw TCK cycles, TMS and TDI LSB first; returns the TDO bits. Forgets the IR we set."""
        self.ir_selected = None
        tdo = 0
        for i in range(count):
            tdo |= self.cycle((tms_bits >> i) & 1, (tdi_bits >> i) & 1) << i
        return tdo

    def idle(self, count: int) -> None:
        """Extra Run-Test/Idle cycles (DAP_TransferConfigure): the IR stays as it is."""
        for _ in range(count):
            self.cycle(0, 1)

    def tms_walk(self, tms_bits: str) -> None:
        for tms in tms_bits:
            self.cycle(int(tms), 1)

    def shift(self, bits: int, count: int) -> int:
        """In Shift-xR: `count` bits LSB first, leaving through Exit1/Update to Run-Test/Idle."""
        tdo = 0
        for i in range(count):
            tdo |= self.cycle(1 if i == count - 1 else 0, (bits >> i) & 1) << i
        self.tms_walk("10")
        return tdo

    def ir_scan(self, bits: int, count: int) -> None:
        self.tms_walk("1100")  # Select-DR, Select-IR, Capture-IR, Shift-IR
        self.shift(bits, count)

    def dr_scan(self, bits: int, count: int) -> int:
        self.tms_walk("100")   # Select-DR, Capture-DR, Shift-DR
        return self.shift(bits, count)

    def reset_to_idle(self) -> None:
        self.ir_selected = None
        self.tms_walk("111110")


class SwdWire:
    """DP/AP accesses as SWD packets. AP reads are posted: each returns the previous AP read's data."""

    def __init__(self, swd: SwdPort, config: TransferConfig) -> None:
        self.swd = swd
        self.config = config

    @staticmethod
    def posted(request: int) -> bool:
        return bool(request & REQ_AP)

    def access(self, request: int, wdata: int | None) -> tuple[int, int]:
        nibble = request & 0x0F  # APnDP, RnW, A2, A3 as in the SWD request
        parity = bin(nibble).count("1") & 1
        ack, data = self.swd.transfer(0x81 | (nibble << 1) | (parity << 5), wdata)
        if self.config.idle_cycles:
            self.swd.sequence(0, self.config.idle_cycles)
        return ack, data or 0


class JtagWire:
    """DP/AP accesses as JTAG-DP DPACC/APACC scans on one TAP of the chain. Every read is posted: its data
    is captured by the next scan."""

    def __init__(self, pins: JtagPins, config: TransferConfig, ir_lengths: list[int], index: int) -> None:
        self.pins = pins
        self.config = config
        self.ir_lengths = ir_lengths
        self.index = index

    @staticmethod
    def posted(request: int) -> bool:
        return True

    def select(self, instruction: int) -> None:
        """IR scan: BYPASS (all ones) into every other TAP, `instruction` into ours."""
        if self.pins.ir_selected == (self.index, instruction):
            return
        before = sum(self.ir_lengths[:self.index])
        length = self.ir_lengths[self.index]
        total = sum(self.ir_lengths)
        ones = (1 << total) - 1
        mask = ((1 << length) - 1) << before
        self.pins.ir_scan((ones & ~mask) | (instruction << before), total)
        self.pins.ir_selected = (self.index, instruction)

    def scan(self, instruction: int, dr: int) -> int:
        """One 35-bit DR scan through our TAP (the others are one-bit BYPASS registers); returns its capture."""
        self.select(instruction)
        others = len(self.ir_lengths) - 1
        captured = self.pins.dr_scan(dr << self.index, DR_ACC_BITS + others) >> self.index
        self.pins.idle(self.config.idle_cycles)
        return captured & ((1 << DR_ACC_BITS) - 1)

    def access(self, request: int, wdata: int | None) -> tuple[int, int]:
        read = 1 if request & REQ_READ else 0
        dr = read | ((request & REQ_ADDR) >> 1) | ((wdata or 0) << 3)
        captured = self.scan(JTAG_APACC if request & REQ_AP else JTAG_DPACC, dr)
        return JTAG_ACKS.get(captured & 7, ACK_NONE), captured >> 3


@dataclass
class TransferResult:
    count: int
    ack: int
    data: list[int]


class TransferEngine:
    """DAP_Transfer / DAP_TransferBlock semantics over either wire: WAIT retries, posted-read pipelining,
    value match, the closing RDBUFF read."""

    def __init__(self, wire: SwdWire | JtagWire, config: TransferConfig) -> None:
        self.wire = wire
        self.config = config

    def access(self, request: int, wdata: int | None = None) -> tuple[int, int]:
        retries = self.config.wait_retry
        while True:
            ack, data = self.wire.access(request, wdata)
            if ack != ACK_WAIT or retries == 0:
                return ack, data
            retries -= 1

    def read_now(self, request: int) -> tuple[int, int]:
        """The register's value now: a posted read is followed by RDBUFF."""
        if self.wire.posted(request):
            ack, _ = self.access(request)
            if ack != ACK_OK:
                return ack, 0
            return self.access(RDBUFF_READ)
        return self.access(request)

    def match(self, request: int, value: int) -> int:
        retries = self.config.match_retry
        while True:
            ack, data = self.read_now(request)
            if ack != ACK_OK:
                return ack
            if data & self.config.match_mask == value:
                return ACK_OK
            if retries == 0:
                return ACK_OK | VALUE_MISMATCH
            retries -= 1

    def run(self, requests: list[tuple[int, int | None]]) -> TransferResult:
        result = TransferResult(0, ACK_OK, [])
        pending = False      # a posted read whose data has not come back yet
        check_write = False  # the last access was a write: confirm it with RDBUFF at the end

        def collect() -> bool:
            nonlocal pending
            if pending:
                pending = False
                result.ack, data = self.access(RDBUFF_READ)
                if result.ack != ACK_OK:
                    return False
                result.data.append(data)
            return True

        for request, value in requests:
            if request & REQ_READ and not request & REQ_MATCH_VALUE and self.wire.posted(request):
                result.ack, data = self.access(request)
                if result.ack != ACK_OK:
                    return result
                if pending:
                    result.data.append(data)
                pending = True
            elif request & REQ_READ:
                if not collect():
                    return result
                if request & REQ_MATCH_VALUE:
                    result.ack = self.match(request, value)
                    if result.ack != ACK_OK:
                        return result
                else:
                    result.ack, data = self.access(request)
                    if result.ack != ACK_OK:
                        return result
                    result.data.append(data)
            elif request & REQ_MATCH_MASK:
                self.config.match_mask = value
            else:
                if not collect():
                    return result
                result.ack, _ = self.access(request, value)
                if result.ack != ACK_OK:
                    return result
            if not request & REQ_MATCH_MASK:
                check_write = not request & REQ_READ
            result.count += 1
        if pending:
            collect()
        elif check_write:
            result.ack, _ = self.access(RDBUFF_READ)
        return result


class CmsisDapModel:
    """A CMSIS-DAP probe (SWD + JTAG, atomic commands) in front of a board's SW-DP and JTAG scan chain.

    `swd` is the board's packet-level SW-DP, `chain` its JTAG ScanChain (None on SW-DP-only parts: TDO
    then floats high), `on_reset(asserted)` is called when nRESET changes (DAP_SWJ_Pins)."""

    def __init__(self, swd: SwdPort | None, chain=None, on_reset: Callable[[bool], None] | None = None, *,
                 packet_size: int = 512, packet_count: int = 8, serial: str = "ocdpy-sim-0001",
                 default_port: int = PORT_SWD) -> None:
        self.swd = swd
        self.jtag = JtagPins(chain, lambda: swd is None or swd.jtag_selected)
        self.on_reset = on_reset
        self.packet_size = packet_size
        self.packet_count = packet_count
        self.serial = serial
        self.default_port = default_port
        self.port: int | None = None
        self.config = TransferConfig()
        self.ir_lengths: list[int] = []
        self.pins = PIN_SWCLK | PIN_SWDIO | PIN_TDI | PIN_NTRST | PIN_NRESET
        self.clock_hz = 1_000_000
        self.turnaround = 1
        self.data_phase = False
        self.leds = {0: False, 1: False}  # HostStatus: connect, running
        self._handlers: dict[int, Callable[[Reader], bytes]] = {
            DAP_INFO: self._info, DAP_HOST_STATUS: self._host_status, DAP_CONNECT: self._connect,
            DAP_DISCONNECT: self._disconnect, DAP_TRANSFER_CONFIGURE: self._transfer_configure,
            DAP_TRANSFER: self._transfer, DAP_TRANSFER_BLOCK: self._transfer_block,
            DAP_TRANSFER_ABORT: lambda r: b"", DAP_WRITE_ABORT: self._write_abort, DAP_DELAY: self._delay,
            DAP_RESET_TARGET: lambda r: bytes([DAP_RESET_TARGET, DAP_OK, 0]),  # no device-specific sequence
            DAP_SWJ_PINS: self._swj_pins, DAP_SWJ_CLOCK: self._swj_clock, DAP_SWJ_SEQUENCE: self._swj_sequence,
            DAP_SWD_CONFIGURE: self._swd_configure, DAP_SWD_SEQUENCE: self._swd_sequence,
            DAP_JTAG_SEQUENCE: self._jtag_sequence, DAP_JTAG_CONFIGURE: self._jtag_configure,
            DAP_JTAG_IDCODE: self._jtag_idcode,
        }

    # -- packets -------------------------------------------------------------------------------------------
    def execute(self, request: bytes) -> bytes:
        """One command packet -> its response packet (b"" for DAP_TransferAbort, which has none)."""
        if not request or len(request) > self.packet_size:
            return bytes([DAP_INVALID])
        reader = Reader(request)
        if request[0] in (DAP_EXECUTE_COMMANDS, DAP_QUEUE_COMMANDS):
            response = self._execute_commands(reader)
        else:
            response = self._command(reader)
        return response if len(response) <= self.packet_size else bytes([DAP_INVALID])

    def _command(self, reader: Reader) -> bytes:
        handler = self._handlers.get(reader.byte())
        if handler is None:
            return bytes([DAP_INVALID])
        try:
            return handler(reader)
        except Truncated:
            return bytes([DAP_INVALID])

    def _execute_commands(self, reader: Reader) -> bytes:
        """DAP_ExecuteCommands (and a queued packet): responses concatenated after 0x7F and the count run.
        An unknown or cut-short command answers 0xFF and ends the packet (what follows cannot be parsed)."""
        reader.byte()
        try:
            wanted = reader.byte()
        except Truncated:
            return bytes([DAP_INVALID])
        out = bytearray()
        done = 0
        while done < wanted and not reader.at_end():
            response = self._command(reader)
            out += response
            done += 1
            if response == bytes([DAP_INVALID]):
                break
        return bytes([DAP_EXECUTE_COMMANDS, done]) + bytes(out)

    # -- general ---------------------------------------------------------------------------------------------
    def _info(self, r: Reader) -> bytes:
        ident = r.byte()
        strings = {INFO_VENDOR: "ocdpy", INFO_PRODUCT: "ocdpy simulated CMSIS-DAP", INFO_SERIAL: self.serial,
                   INFO_PROTOCOL_VERSION: "2.1.1", INFO_FIRMWARE_VERSION: "1.0"}
        if ident in strings:
            info = strings[ident].encode() + b"\0"
        elif ident == INFO_CAPABILITIES:
            info = bytes([CAP_SWD | CAP_JTAG | CAP_ATOMIC])
        elif ident == INFO_PACKET_COUNT:
            info = bytes([self.packet_count])
        elif ident == INFO_PACKET_SIZE:
            info = struct.pack("<H", self.packet_size)
        else:
            info = b""  # target names (not an on-board probe), timer, UART and SWO buffers: none
        return bytes([DAP_INFO, len(info)]) + info

    def _host_status(self, r: Reader) -> bytes:
        kind, status = r.byte(), r.byte()
        self.leds[kind] = bool(status)
        return bytes([DAP_HOST_STATUS, DAP_OK])

    def _connect(self, r: Reader) -> bytes:
        port = r.byte() or self.default_port
        self.port = port if port in (PORT_SWD, PORT_JTAG) else None
        self.jtag.ir_selected = None
        return bytes([DAP_CONNECT, self.port or 0])

    def _disconnect(self, r: Reader) -> bytes:
        self.port = None
        return bytes([DAP_DISCONNECT, DAP_OK])

    def _delay(self, r: Reader) -> bytes:
        time.sleep(r.short() / 1e6)
        return bytes([DAP_DELAY, DAP_OK])

    # -- pins and sequences ----------------------------------------------------------------------------------
    def _swj_pins(self, r: Reader) -> bytes:
        output, select, _wait = r.byte(), r.byte(), r.word()  # pins settle at once: nothing to wait for
        before = self.pins
        self.pins = (self.pins & ~select) | (output & select)
        if (before ^ self.pins) & PIN_NTRST and not self.pins & PIN_NTRST:
            self.jtag.chain.reset()
            self.jtag.ir_selected = None
        if (before ^ self.pins) & PIN_NRESET and self.on_reset:
            self.on_reset(not self.pins & PIN_NRESET)
        tdo = PIN_TDO if self.jtag.chain.tdo else 0
        return bytes([DAP_SWJ_PINS, (self.pins & ~PIN_TDO) | tdo])

    def _swj_clock(self, r: Reader) -> bytes:
        clock = r.word()
        if clock == 0:
            return bytes([DAP_SWJ_CLOCK, DAP_ERROR])
        self.clock_hz = clock
        return bytes([DAP_SWJ_CLOCK, DAP_OK])

    def _swj_sequence(self, r: Reader) -> bytes:
        """SWDIO and TMS are one pin: the JTAG TAPs (while selected) and the SW-DP both see the sequence."""
        count = r.byte() or 256
        bits = int.from_bytes(r.take((count + 7) // 8), "little")
        self.jtag.sequence(bits, -1, count)  # as TMS, with TDI idling high
        if self.swd is not None:
            self.swd.sequence(bits, count)
        return bytes([DAP_SWJ_SEQUENCE, DAP_OK])

    def _swd_configure(self, r: Reader) -> bytes:
        """Recorded only: the packet-level SW-DP has no turnaround or data phase to get wrong."""
        value = r.byte()
        self.turnaround = (value & 3) + 1
        self.data_phase = bool(value & 4)
        return bytes([DAP_SWD_CONFIGURE, DAP_OK])

    def _swd_sequence(self, r: Reader) -> bytes:
        """Output cycles drive SWDIO; input cycles sample what the target drives, else the pull-up (1)."""
        sequences = []
        for _ in range(r.byte()):
            info = r.byte()
            count = info & 0x3F or 64
            bits = None if info & 0x80 else int.from_bytes(r.take((count + 7) // 8), "little")
            sequences.append((count, bits))
        captured = bytearray()
        for count, bits in sequences:
            if bits is not None:
                if self.swd is not None:
                    self.swd.sequence(bits, count)
                continue
            levels = 0
            for i in range(count):
                level = None if self.swd is None else self.swd.swdio
                level = 1 if level is None else level
                if self.swd is not None:
                    self.swd.clock(level)
                levels |= level << i
            captured += _bits_to_bytes(levels, count)
        return bytes([DAP_SWD_SEQUENCE, DAP_OK]) + bytes(captured)

    def _jtag_sequence(self, r: Reader) -> bytes:
        sequences = []
        for _ in range(r.byte()):
            info = r.byte()
            count = info & 0x3F or 64
            sequences.append((info, count, int.from_bytes(r.take((count + 7) // 8), "little")))
        captured = bytearray()
        for info, count, tdi in sequences:
            tdo = self.jtag.sequence(-1 if info & 0x40 else 0, tdi, count)
            if info & 0x80:
                captured += _bits_to_bytes(tdo, count)
        return bytes([DAP_JTAG_SEQUENCE, DAP_OK]) + bytes(captured)

    def _jtag_configure(self, r: Reader) -> bytes:
        self.ir_lengths = list(r.take(r.byte()))
        self.jtag.ir_selected = None
        return bytes([DAP_JTAG_CONFIGURE, DAP_OK])

    def _jtag_idcode(self, r: Reader) -> bytes:
        """Reset the TAPs (each then selects IDCODE, or BYPASS if it has none: IEEE 1149.1) and walk the DR
        chain from TDO: a 1 starts a 32-bit IDCODE, a 0 is a one-bit BYPASS. Needs no IDCODE opcode."""
        index = r.byte()
        if self.port != PORT_JTAG or index >= len(self.ir_lengths):
            return bytes([DAP_JTAG_IDCODE, DAP_ERROR]) + _words([0])
        self.jtag.reset_to_idle()
        self.jtag.tms_walk("100")
        idcode = 0
        for _device in range(index + 1):
            idcode = self.jtag.cycle(0, 1)
            if idcode:
                for i in range(1, 32):
                    idcode |= self.jtag.cycle(0, 1) << i
        self.jtag.tms_walk("110")
        return bytes([DAP_JTAG_IDCODE, DAP_OK]) + _words([idcode])

    # -- transfers -------------------------------------------------------------------------------------------
    def _transfer_configure(self, r: Reader) -> bytes:
        self.config.idle_cycles, self.config.wait_retry, self.config.match_retry = r.byte(), r.short(), r.short()
        return bytes([DAP_TRANSFER_CONFIGURE, DAP_OK])

    def _engine(self, index: int) -> TransferEngine | None:
        if self.port == PORT_SWD and self.swd is not None:
            return TransferEngine(SwdWire(self.swd, self.config), self.config)
        if self.port == PORT_JTAG and index < len(self.ir_lengths):
            return TransferEngine(JtagWire(self.jtag, self.config, self.ir_lengths, index), self.config)
        return None

    def _transfer(self, r: Reader) -> bytes:
        index = r.byte()
        requests = []
        for _ in range(r.byte()):
            request = r.byte()
            carries_data = not request & REQ_READ or request & REQ_MATCH_VALUE
            requests.append((request, r.word() if carries_data else None))
        engine = self._engine(index)
        if engine is None:
            return bytes([DAP_TRANSFER, 0, 0])  # not connected (or JTAG index not configured): nothing done
        result = engine.run(requests)
        return bytes([DAP_TRANSFER, result.count, result.ack]) + _words(result.data)

    def _transfer_block(self, r: Reader) -> bytes:
        index, count, request = r.byte(), r.short(), r.byte() & 0x0F  # no value match in blocks
        if request & REQ_READ and 4 + 4 * count > self.packet_size:
            return bytes([DAP_INVALID])  # refused before reading what could not be sent back
        values = [None] * count if request & REQ_READ else list(struct.unpack(f"<{count}I", r.take(4 * count)))
        engine = self._engine(index)
        if engine is None:
            return bytes([DAP_TRANSFER_BLOCK]) + struct.pack("<HB", 0, 0)
        result = engine.run([(request, value) for value in values])
        return bytes([DAP_TRANSFER_BLOCK]) + struct.pack("<HB", result.count, result.ack) + _words(result.data)

    def _write_abort(self, r: Reader) -> bytes:
        index, value = r.byte(), r.word()
        engine = self._engine(index)
        if engine is None:
            return bytes([DAP_WRITE_ABORT, DAP_ERROR])
        if isinstance(engine.wire, JtagWire):
            engine.wire.scan(JTAG_ABORT, value << 3)
            ack = ACK_OK  # the ABORT scan has no acknowledge worth checking
        else:
            ack, _ = engine.access(0x00, value)  # DP write, A = 0: ABORT
        return bytes([DAP_WRITE_ABORT, DAP_OK if ack == ACK_OK else DAP_ERROR])


class CommandQueue:
    """DAP_QueueCommands as the spec places it, at the packet level of one connection: queued packets
    get no response until a packet that is not DAP_QueueCommands arrives; then every queued packet runs
    (each answering like DAP_ExecuteCommands) and that packet last."""

    def __init__(self, model: CmsisDapModel) -> None:
        self.model = model
        self.held: list[bytes] = []

    def receive(self, packet: bytes) -> list[bytes]:
        if packet[:1] == bytes([DAP_QUEUE_COMMANDS]):
            self.held.append(packet)
            return []
        responses = [self.model.execute(p) for p in self.held] + [self.model.execute(packet)]
        self.held.clear()
        return [response for response in responses if response]
