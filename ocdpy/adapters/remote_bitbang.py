"""`adapter driver remote_bitbang`: OpenOCD's bit-bang-over-a-socket protocol, as its TCP (or Unix socket)
client, for JTAG and SWD.

One ASCII letter per pin operation: `0`-`7` set TCK/TMS/TDI, `R` samples TDO; `d`-`g` set SWCLK/SWDIO,
`O`/`o` take/release SWDIO, `c` samples it; `r`-`u` set TRST/SRST; `B`/`b` blink; `Q` quits. The server
answers only the samples. Each bit is clocked as OpenOCD does: clock low with the data, sample, clock high.

Speed comes from round trips, not letters: a JTAG batch of scans goes out in one send with its samples read
back in one go (`RbbJtag`), and an SWD packet costs one round trip (`RbbSwd`): a read sends request, ACK
and data phase together; a write waits for the ACK and sends its data phase only if the ACK was OK.
"""
from __future__ import annotations

import contextlib
import socket

from ..errors import OcdError
from ..transports.jtag_chain import JtagChain, dap_tap
from ..transports.jtag_dp import JtagDpQueue
from ..transports.swd import ACK_OK, IDLE, LINE_RESET, SwdQueue, request_byte
from .dap_queue import DP_DPIDR, DapQueue, TransferError
from .probe import Probe, ProbeConfig

DEFAULT_HOST = "localhost"
CONNECT_TIMEOUT = 5.0
IO_TIMEOUT = 10.0
ZEROS_ONES = bytes.maketrans(b"01", b"\x00\x01")
JTAG_LOW = bytes.maketrans(bytes(range(4)), b"0123")   # TCK low, TMS/TDI as given
JTAG_HIGH = bytes.maketrans(bytes(range(4)), b"4567")  # TCK high
SWD_LOW = bytes.maketrans(b"\x00\x01", b"de")          # SWCLK low, SWDIO as given
SWD_HIGH = bytes.maketrans(b"\x00\x01", b"fg")         # SWCLK high
SWD_READ_BIT = b"dcf"                                  # clock low, sample SWDIO, clock high
SWD_TURN = b"df"                                       # a turnaround cycle: nobody drives, nothing sampled


def bit_bytes(value: int, count: int) -> bytes:
    """`count` bits of `value`, one byte (0 or 1) per bit, bit 0 first."""
    return format(value & ((1 << count) - 1), f"0{count}b")[::-1].encode().translate(ZEROS_ONES) if count else b""


def sampled(reply: bytes) -> int:
    """Letters `0`/`1` as received, first one in bit 0."""
    return int(reply[::-1], 2) if reply else 0


class RbbSocket:
    """The connection to a remote_bitbang server: letters out, sampled levels back."""

    def __init__(self, host: str, port: int | None) -> None:
        self.where = f"{host}:{port}" if port is not None else f"unix socket {host}"
        try:
            if port is None:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(CONNECT_TIMEOUT)
                self.sock.connect(host)
            else:
                self.sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as e:
            reason = e.strerror or str(e)
            raise OcdError(f"remote_bitbang: cannot connect to {self.where} ({reason}). Is a remote_bitbang "
                           f"server listening there? Start one with 'ocdpy-sim --port {port or 3335}', or "
                           "check 'remote_bitbang host' and 'remote_bitbang port'") from None
        self.sock.settimeout(IO_TIMEOUT)

    def send(self, letters: bytes) -> None:
        try:
            self.sock.sendall(letters)
        except OSError as e:
            raise OcdError(f"remote_bitbang: lost the connection to {self.where} ({e})") from None

    def exchange(self, letters: bytes, replies: int) -> bytes:
        """Send `letters` and read the `replies` samples they ask for."""
        self.send(letters)
        buf = bytearray(replies)
        view, got = memoryview(buf), 0
        try:
            while got < replies:
                n = self.sock.recv_into(view[got:])
                if not n:
                    raise OcdError(f"remote_bitbang: the server at {self.where} closed the connection")
                got += n
        except OSError as e:
            raise OcdError(f"remote_bitbang: no answer from {self.where} ({e})") from None
        return bytes(buf)

    def close(self) -> None:
        self.sock.close()


class RbbJtag:
    """A JtagShifter over remote_bitbang: one send per shift, every bit as `low R high`."""

    def __init__(self, link: RbbSocket) -> None:
        self.link = link
        self.srst = False

    def shift(self, tms: int, tdi: int, count: int) -> int:
        codes = (int.from_bytes(bit_bytes(tms, count), "little") * 2            # one byte per bit: 2·TMS + TDI
                 + int.from_bytes(bit_bytes(tdi, count), "little")).to_bytes(count, "little")
        letters = bytearray(3 * count)
        letters[0::3] = codes.translate(JTAG_LOW)
        letters[1::3] = b"R" * count
        letters[2::3] = codes.translate(JTAG_HIGH)
        return sampled(self.link.exchange(b"B" + letters + b"b", count))

    def reset(self, trst: bool) -> None:
        self.set_lines(trst, self.srst)

    def set_lines(self, trst: bool, srst: bool) -> None:
        self.srst = srst
        self.link.send(bytes([ord("r") + 2 * trst + srst]))


def host_bits(value: int, count: int) -> bytes:
    """Host-driven SWD cycles: SWCLK low with the bit, then high."""
    codes = bit_bytes(value, count)
    letters = bytearray(2 * count)
    letters[0::2] = codes.translate(SWD_LOW)
    letters[1::2] = codes.translate(SWD_HIGH)
    return bytes(letters)


class RbbSwd:
    """An SwdLink over remote_bitbang, one round trip per packet.

    A read's data phase is clocked before its ACK is known (waiting for the ACK would cost a second
    round trip). After WAIT or FAULT the target does not drive it, so the SW-DP saw those cycles as a
    malformed request: the link resynchronises with a line reset and the DPIDR read that must follow it.
    A write's data phase, which the host drives, is only sent after an OK (garbage there could decode as
    a request)."""

    READ_PHASE = b"o" + SWD_TURN + SWD_READ_BIT * 36 + SWD_TURN + b"O"   # turn, ACK, data, parity, turn
    ACK_PHASE = b"o" + SWD_TURN + SWD_READ_BIT * 3 + SWD_TURN + b"O"     # turn, ACK, turn

    def __init__(self, link: RbbSocket) -> None:
        self.link = link

    def sequence(self, bits: int, count: int) -> None:
        self.link.send(host_bits(bits, count))

    def transfer(self, request: int, wdata: int | None = None) -> tuple[int, int | None]:
        header = host_bits(request, 8)
        if request & 0x04:  # RnW
            bits = sampled(self.link.exchange(header + self.READ_PHASE, 36))
            ack = bits & 7
            if ack != ACK_OK:
                self._resync()
                return ack, None
            data = (bits >> 3) & 0xFFFFFFFF
            if (bits >> 35) & 1 != data.bit_count() & 1:
                raise TransferError(f"remote_bitbang {self.link.where}: SWD read data parity error "
                                    f"(data 0x{data:08x}): noise on SWDIO?")
            return ack, data
        ack = sampled(self.link.exchange(header + self.ACK_PHASE, 3))
        if ack == ACK_OK:
            value = (wdata or 0) & 0xFFFFFFFF
            self.link.send(host_bits(value | (value.bit_count() & 1) << 32, 33))
        return ack, None

    def _resync(self) -> None:
        self.sequence(*LINE_RESET)
        self.sequence(*IDLE)
        self.link.exchange(host_bits(request_byte(False, True, DP_DPIDR), 8) + self.READ_PHASE, 36)


class RemoteBitbangProbe(Probe):
    """The remote_bitbang client. `remote_bitbang port` given: TCP to `remote_bitbang host` (default
    localhost); no port: `remote_bitbang host` is a Unix socket path (as in OpenOCD 0.12)."""

    def __init__(self, config: ProbeConfig) -> None:
        super().__init__(config)
        host = (config.setting("remote_bitbang host") or [None])[0]
        port = (config.setting("remote_bitbang port") or [None])[0]
        if port is not None and not port.isdigit():
            raise OcdError(f"remote_bitbang port: '{port}' is not a TCP port number")
        self.port = int(port) if port is not None else None
        self.host = host or (DEFAULT_HOST if self.port is not None else None)
        self.link: RbbSocket | None = None
        self.jtag: RbbJtag | None = None
        self._speed_noted = False

    def open(self) -> None:
        self.log.info("Initializing remote_bitbang driver")
        if self.host is None:
            raise OcdError("remote_bitbang: host/socket not specified: use 'remote_bitbang host HOST' and "
                           "'remote_bitbang port PORT' (TCP), or 'remote_bitbang host PATH' (Unix socket)")
        self.log.info(f"Connecting to {self.host}:{self.port}" if self.port is not None
                      else f"Connecting to unix socket {self.host}")
        self.link = RbbSocket(self.host, self.port)
        self.jtag = RbbJtag(self.link)
        self.log.info("remote_bitbang driver initialized")
        self._note_speed()

    def _note_speed(self) -> None:
        if not self._speed_noted:
            self._speed_noted = True
            self.log.info("This adapter doesn't support configurable speed")

    @property
    def where(self) -> str:
        return self.link.where if self.link else f"{self.host}:{self.port}"

    def dap(self) -> DapQueue:
        if self.link is None:
            raise OcdError("remote_bitbang: the adapter is not open")
        if self.config.transport == "swd":
            queue = SwdQueue(RbbSwd(self.link), log=self.log)
            queue.connect()
            return queue
        if self.config.transport not in (None, "jtag"):
            raise OcdError(f"remote_bitbang offers jtag and swd, not '{self.config.transport}'")
        chain = JtagChain(self.jtag, self.config.taps, self.log, source=f"remote_bitbang {self.where}")
        chain.select_jtag()
        chain.examine()
        queue = JtagDpQueue(chain, dap_tap(chain, self.config.dap_tap, f"remote_bitbang {self.where}"), log=self.log)
        queue.connect()
        return queue

    def set_srst(self, asserted: bool) -> None:
        if self.jtag is None:
            raise OcdError("remote_bitbang: the adapter is not open")
        self.jtag.set_lines(False, asserted)

    def set_speed(self, khz: int) -> int:
        """remote_bitbang has no clock to set: the server runs each letter as it comes."""
        self._note_speed()
        return khz

    def close(self) -> None:
        if self.link is None:
            return
        with contextlib.suppress(OcdError):
            self.link.send(b"Q")
        self.link.close()
        self.link = None
        self.log.info("remote_bitbang interface quit")
