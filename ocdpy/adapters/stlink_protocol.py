"""The ST-Link USB protocol as both ends speak it: opcodes, status bytes, the version reply and what each
firmware generation supports, the probe's transfer limits and clock tables.

Every request is one 16-byte command block on the bulk OUT endpoint, then (for writes) a data phase on the
same endpoint, then (for requests with an answer) a reply on the bulk IN endpoint. Many replies carry a
status byte first (`Status`); memory transfers do not, their status comes from GETLASTRWSTATUS(2).

Facts from OpenOCD's src/jtag/drivers/stlink_usb.c (0.12) and the command descriptions of the psdb
project (psdb/probes/stlink/cdb.py); encodings are little-endian unless noted.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

CMD_SIZE = 16

# first byte of a command block
GET_VERSION, DEBUG_COMMAND, DFU_COMMAND, SWIM_COMMAND = 0xF1, 0xF2, 0xF3, 0xF4
GET_CURRENT_MODE, GET_TARGET_VOLTAGE, GET_VERSION_EX = 0xF5, 0xF7, 0xFB
DFU_EXIT, SWIM_EXIT = 0x07, 0x01


class Mode(IntEnum):
    """GET_CURRENT_MODE's answer."""

    DFU = 0
    MASS = 1
    DEBUG = 2
    SWIM = 3
    BOOTLOADER = 4


class Debug(IntEnum):
    """Second byte of a DEBUG_COMMAND block (API v2/v3 numbering)."""

    GETSTATUS = 0x01
    FORCEDEBUG = 0x02
    READMEM_32BIT = 0x07
    WRITEMEM_32BIT = 0x08
    RUNCORE = 0x09
    STEPCORE = 0x0A
    READMEM_8BIT = 0x0C
    WRITEMEM_8BIT = 0x0D
    EXIT = 0x21
    ENTER = 0x30
    READ_IDCODES = 0x31
    RESETSYS = 0x32
    READREG = 0x33
    WRITEREG = 0x34
    WRITEDEBUGREG = 0x35
    READDEBUGREG = 0x36
    READALLREGS = 0x3A
    GETLASTRWSTATUS = 0x3B
    DRIVE_NRST = 0x3C
    GETLASTRWSTATUS2 = 0x3E
    SWD_SET_FREQ = 0x43
    JTAG_SET_FREQ = 0x44
    READ_DAP_REG = 0x45
    WRITE_DAP_REG = 0x46
    READMEM_16BIT = 0x47
    WRITEMEM_16BIT = 0x48
    INIT_AP = 0x4B
    CLOSE_AP_DBG = 0x4C
    SET_COM_FREQ = 0x61
    GET_COM_FREQ = 0x62


ENTER_SWD_NO_RESET, ENTER_JTAG_NO_RESET = 0xA3, 0xA4   # third byte of Debug.ENTER
NRST_LOW, NRST_HIGH, NRST_PULSE = 0, 1, 2             # third byte of Debug.DRIVE_NRST (low = asserted)
DEBUG_PORT_ACCESS = 0xFFFF                            # the "AP number" of READ/WRITE_DAP_REG that means the DP
CORE_RUNNING, CORE_HALTED = 0x80, 0x81                # GETSTATUS's answer


class Status(IntEnum):
    """The status byte the firmware answers with."""

    OK = 0x80
    FAULT = 0x81
    JTAG_GET_IDCODE_ERROR = 0x09
    JTAG_WRITE_ERROR = 0x0C
    JTAG_WRITE_VERIF_ERROR = 0x0D
    SWD_AP_WAIT = 0x10
    SWD_AP_FAULT = 0x11
    SWD_AP_ERROR = 0x12
    SWD_AP_PARITY_ERROR = 0x13
    SWD_DP_WAIT = 0x14
    SWD_DP_FAULT = 0x15
    SWD_DP_ERROR = 0x16
    SWD_DP_PARITY_ERROR = 0x17
    SWD_AP_WDATA_ERROR = 0x18
    SWD_AP_STICKY_ERROR = 0x19
    SWD_AP_STICKYORUN_ERROR = 0x1A
    BAD_AP_ERROR = 0x1D


WAIT_STATUSES = (Status.SWD_AP_WAIT, Status.SWD_DP_WAIT)
STATUS_MEANING = {
    Status.FAULT: "the probe refused the command",
    Status.SWD_AP_FAULT: "the target answered FAULT (its bus access failed)",
    Status.SWD_DP_FAULT: "the debug port answered FAULT",
    Status.SWD_AP_WAIT: "the target kept answering WAIT",
    Status.SWD_DP_WAIT: "the debug port kept answering WAIT",
    Status.SWD_AP_STICKY_ERROR: "a sticky error flag is set in the debug port",
    Status.BAD_AP_ERROR: "there is no such access port",
}


def status_text(status: int) -> str:
    """`SWD_AP_FAULT (0x11): the target answered FAULT ...`: how a status byte is named in messages."""
    try:
        name = Status(status).name
    except ValueError:
        name = "unknown status"
    meaning = STATUS_MEANING.get(status)
    return f"{name} (0x{status:02x})" + (f": {meaning}" if meaning else "")


def command(*fields: int, fmt: str | None = None) -> bytes:
    """A command block: `fields` as bytes, or packed little-endian by struct format `fmt`, zero-padded."""
    body = struct.pack("<" + fmt, *fields) if fmt else bytes(fields)
    return body.ljust(CMD_SIZE, b"\0")


def debug_command(sub: int, fmt: str = "", *values: int) -> bytes:
    """A DEBUG_COMMAND block: F2, the subcommand, then `values` packed by `fmt`."""
    return command(DEBUG_COMMAND, sub, *values, fmt="BB" + fmt)


# Transfer limits. 8-bit transfers go out as one USB packet: 64 bytes on the full-speed V2, 512 on the
# high-speed V3 (firmware J6 on). 16/32-bit transfers are split by the probe into packets; the limit is its
# 6 KiB buffer. The firmware programs TAR once per transfer, so a transfer must also stay inside the MEM-AP's
# TAR auto-increment block (1 KiB guaranteed by ADIv5; 4 KiB on the Cortex-M4/M7 AHB-AP).
MAX_RW8_FULL_SPEED, MAX_RW8_HIGH_SPEED, MAX_RW16_32 = 64, 512, 6144

# ST-Link/V2 SWD clock: kHz -> the divisor SWD_SET_FREQ takes (the firmware knows no others)
SWD_SPEEDS_V2 = ((4000, 0), (1800, 1), (1200, 2), (950, 3), (480, 7), (240, 15), (125, 31), (100, 40),
                 (50, 79), (25, 158), (15, 265), (5, 798))
V2_DEFAULT_SWD_KHZ = 1800


def pick_speed(khz: int, speeds: list[int] | tuple[int, ...]) -> int:
    """The fastest clock in `speeds` not above `khz`; the slowest one if all are above it."""
    fitting = [s for s in speeds if s <= khz]
    return max(fitting) if fitting else min(speeds)


V2_1_PIDS = (0x374B, 0x3752)


@dataclass(frozen=True)
class Version:
    """What GET_VERSION (and on V3 GET_VERSION_EX) report: firmware versions per function and the USB IDs."""

    stlink: int
    jtag: int
    swim: int = 0
    msd: int = 0
    bridge: int = 0
    vid: int = 0x0483
    pid: int = 0x3748

    @staticmethod
    def needs_ex(reply: bytes) -> bool:
        """A V3 answers GET_VERSION with its major version only; the rest comes from GET_VERSION_EX."""
        word = int.from_bytes(reply[:2], "big")
        return word >> 12 == 3 and word & 0xFFF == 0

    @classmethod
    def parse(cls, reply: bytes) -> Version:
        """From GET_VERSION's 6 bytes: a big-endian word (stlink:4, jtag:6, swim-or-msd:6), then VID, PID."""
        word = int.from_bytes(reply[:2], "big")
        v, x, y = word >> 12, (word >> 6) & 0x3F, word & 0x3F
        vid, pid = struct.unpack_from("<HH", reply, 2)
        if pid in V2_1_PIDS and not ((x <= 22 and y == 7) or (x >= 25 and 7 <= y <= 12)):
            return cls(v, x, 0, y, 0, vid, pid)  # a V2-1 reports its mass-storage version in place of SWIM's
        return cls(v, x, y, 0, 0, vid, pid)

    @classmethod
    def parse_ex(cls, reply: bytes) -> Version:
        """From GET_VERSION_EX's 12 bytes: stlink, swim, jtag, msd, bridge, 3 spare, VID, PID."""
        v, swim, jtag, msd, bridge = reply[:5]
        vid, pid = struct.unpack_from("<HH", reply, 8)
        return cls(v, jtag, swim, msd, bridge, vid, pid)

    def encode(self) -> bytes:
        """GET_VERSION's reply for this version (what a V3 answers: its major version, zeros)."""
        low = 0 if self.stlink == 3 else (self.jtag << 6) | (self.msd if self.pid in V2_1_PIDS else self.swim)
        return ((self.stlink << 12) | low).to_bytes(2, "big") + struct.pack("<HH", self.vid, self.pid)

    def encode_ex(self) -> bytes:
        return bytes((self.stlink, self.swim, self.jtag, self.msd, self.bridge, 0, 0, 0)) + struct.pack(
            "<HH", self.vid, self.pid)

    @property
    def text(self) -> str:
        """`V2J37S7`, `V2J37M26`, `V3J7M3B5S1`: OpenOCD's way of writing it."""
        out = f"V{self.stlink}"
        out += f"J{self.jtag}" if self.jtag or not self.msd else ""
        out += f"M{self.msd}" if self.msd else ""
        out += f"B{self.bridge}" if self.bridge else ""
        out += f"S{self.swim}" if self.swim or not self.msd else ""
        return out

    @property
    def api(self) -> int:
        return 3 if self.stlink == 3 else 2

    def _since(self, v2_jtag: int, v3_jtag: int = 0) -> bool:
        return self.jtag >= (v3_jtag if self.stlink == 3 else v2_jtag)

    @property
    def has_target_voltage(self) -> bool:
        return self._since(13)

    @property
    def has_rw_status2(self) -> bool:
        """GETLASTRWSTATUS2, which also names the faulting address."""
        return self._since(15)

    @property
    def has_swd_set_freq(self) -> bool:
        return self.stlink == 2 and self.jtag >= 22

    @property
    def has_dap_reg(self) -> bool:
        """READ/WRITE_DAP_REG: what dapdirect needs."""
        return self._since(24)

    @property
    def has_mem16(self) -> bool:
        return self._since(26)

    @property
    def has_ap_init(self) -> bool:
        """An AP must be opened (INIT_AP) before its registers or memory are used."""
        return self._since(28)

    @property
    def max_rw8(self) -> int:
        return MAX_RW8_HIGH_SPEED if self.stlink == 3 and self.jtag >= 6 else MAX_RW8_FULL_SPEED
