"""What ST-Link firmware does with a command block: mode changes, clocks, and the debug commands, carried
out as ADIv5 DP/AP accesses on the board's debug port, as the probe's own SWD engine would.

The answers follow what hosts expect of the real firmware (OpenOCD's stlink_usb.c is the reference user):
status byte first where the command has one, memory transfers answered with data only and their status
kept for GETLASTRWSTATUS(2), which also gives the faulting address. Where the real firmware's reaction is
not described anywhere (a transfer over the probe's limits, misaligned, or before ENTER), the model
refuses it with FAULT (0x81) so that a host overstepping sees an error instead of silently wrong data.

The firmware programs TAR once per memory transfer and relies on the MEM-AP's auto-increment, as the real
one does: a transfer that crosses the auto-increment block wraps. Hosts must split at the block.
"""
from __future__ import annotations

import struct
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import ClassVar

from ..adapters.stlink_protocol import (CORE_HALTED, CORE_RUNNING, DEBUG_PORT_ACCESS, DFU_COMMAND, DFU_EXIT,
                                        ENTER_SWD_NO_RESET, GET_CURRENT_MODE, GET_TARGET_VOLTAGE, GET_VERSION,
                                        GET_VERSION_EX, MAX_RW16_32, NRST_HIGH, SWD_SPEEDS_V2, DEBUG_COMMAND,
                                        Debug, Mode, Status, Version)

# ADIv5 registers
DP_ABORT, DP_CTRL_STAT, DP_SELECT = 0x0, 0x4, 0x8
ABORT_CLEAR_ALL = 0x1E
POWER_UP_REQ, POWER_UP_ACK = 0x50000000, 0xA0000000
STICKY_FLAGS = 0xB2  # STICKYORUN, STICKYCMP, STICKYERR, WDATAERR
CSW, TAR, DRW, IDR = 0x00, 0x04, 0x0C, 0xFC
CSW_SINGLE_INC = 0x23000010  # HPROT privileged data, auto-increment single; | size code
SIZE_CODE = {1: 0, 2: 1, 4: 2}
# Cortex-M debug registers the run-control commands use
DHCSR, DCRSR, DCRDR, AIRCR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000ED0C
DBGKEY, C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS = 0xA05F0000, 1, 2, 4, 8
S_REGRDY, S_HALT = 1 << 16, 1 << 17
AIRCR_SYSRESETREQ = 0x05FA0004
ALL_REGS = 21  # READALLREGS: r0-r15, xPSR, MSP, PSP, CONTROL/FAULTMASK/BASEPRI/PRIMASK (regsel 0..20)
# what the V3's GET_COM_FREQ lists for SWD (kHz)
V3_SWD_KHZ = (24000, 8000, 3300, 1000, 200, 50, 5)
# the ADC readings GET_TARGET_VOLTAGE answers with: 2 * 2121 * 1.2 / 1571 = 3.24 V
VREF_ADC, TARGET_ADC = 1571, 2121

WRITE_COMMANDS = (Debug.WRITEMEM_8BIT, Debug.WRITEMEM_16BIT, Debug.WRITEMEM_32BIT)


def _dhcsr_command(bits: int) -> Callable:
    """RUNCORE, FORCEDEBUG, STEPCORE: a DHCSR write, as API v2 firmware does them."""
    def handler(self, cmd: bytes, data: bytes) -> bytes:
        self._write_word(DHCSR, DBGKEY | C_DEBUGEN | bits)
        return bytes((Status.OK, 0))
    return handler


class _Refused(Exception):
    """A debug command ends with this status (raised from deep inside an access sequence)."""

    def __init__(self, status: int, address: int = 0) -> None:
        self.status, self.address = status, address


class StlinkFirmware:
    """The command interpreter of one probe, on one board's debug port (`dp`: dp_read/dp_write/ap_read/
    ap_write), every command under the board's `lock`; `on_reset(asserted)` drives the NRST line."""

    def __init__(self, version: Version, initial_mode: Mode, dp, lock: AbstractContextManager,
                 on_reset: Callable[[bool], None]) -> None:
        self.version = version
        self.mode = initial_mode
        self.dp = dp
        self.lock = lock
        self.on_reset = on_reset
        self.swd_khz = V3_SWD_KHZ[3] if version.stlink == 3 else SWD_SPEEDS_V2[1][0]
        self.opened_aps: set[int] = set()
        self.last_rw = (Status.OK, 0)  # what GETLASTRWSTATUS(2) reports
        self._select: int | None = None

    @staticmethod
    def data_phase(cmd: bytes) -> int:
        """How many bytes of data follow this command block on the OUT endpoint."""
        if cmd[0] == DEBUG_COMMAND and cmd[1] in WRITE_COMMANDS:
            return struct.unpack_from("<H", cmd, 6)[0]
        return 0

    def execute(self, cmd: bytes, data: bytes = b"") -> bytes:
        """The reply to one command block (and its data phase); empty for commands without one."""
        op = cmd[0]
        if op == GET_VERSION:
            return self.version.encode()
        if op == GET_VERSION_EX and self.version.stlink == 3:
            return self.version.encode_ex()
        if op == GET_CURRENT_MODE:
            return bytes((self.mode, 0))
        if op == GET_TARGET_VOLTAGE:
            adc = (VREF_ADC, TARGET_ADC) if self.mode != Mode.DFU and self.version.has_target_voltage else (0, 0)
            return struct.pack("<II", *adc)
        if op == DFU_COMMAND and cmd[1] == DFU_EXIT:
            if self.mode == Mode.DFU:
                self.mode = Mode.MASS
            return b""
        if op == DEBUG_COMMAND:
            with self.lock:
                return self._debug(cmd, data)
        return bytes((Status.FAULT, 0))

    # -- debug commands -------------------------------------------------------------------------------------
    def _debug(self, cmd: bytes, data: bytes) -> bytes:
        sub = cmd[1]
        handler = self._HANDLERS.get(sub)
        if handler is None or (sub not in self._ANY_MODE and self.mode != Mode.DEBUG):
            return self._status_reply(sub, Status.FAULT)
        self._select = None  # the target may have been reset or reached by another front end since
        try:
            return handler(self, cmd, data)
        except _Refused as refused:
            return self._status_reply(sub, refused.status)

    @staticmethod
    def _status_reply(sub: int, status: int) -> bytes:
        """A refusal in the reply shape the command has: status first, padded to its usual length."""
        size = {Debug.READ_IDCODES: 12, Debug.READDEBUGREG: 8, Debug.READREG: 8, Debug.READ_DAP_REG: 8,
                Debug.READALLREGS: 88, Debug.SET_COM_FREQ: 8, Debug.GET_COM_FREQ: 52}.get(sub, 2)
        return bytes((status,)).ljust(size, b"\0")

    def _enter(self, cmd: bytes, data: bytes) -> bytes:
        if cmd[2] != ENTER_SWD_NO_RESET:
            raise _Refused(Status.FAULT)  # the model speaks SWD only
        self.dp.dp_read(0)  # DPIDR: what a line reset must be followed by
        self.dp.dp_write(DP_ABORT, ABORT_CLEAR_ALL)
        self.dp.dp_write(DP_CTRL_STAT, POWER_UP_REQ)
        if self.dp.dp_read(DP_CTRL_STAT) & POWER_UP_ACK != POWER_UP_ACK:
            raise _Refused(Status.SWD_DP_ERROR)
        self.mode = Mode.DEBUG
        self.opened_aps.clear()
        return bytes((Status.OK, 0))

    def _exit(self, cmd: bytes, data: bytes) -> bytes:
        self.mode = Mode.MASS
        self.opened_aps.clear()
        return b""

    def _swd_set_freq(self, cmd: bytes, data: bytes) -> bytes:
        divisor = struct.unpack_from("<H", cmd, 2)[0]
        speeds = {d: khz for khz, d in SWD_SPEEDS_V2}
        if not self.version.has_swd_set_freq or divisor not in speeds:
            raise _Refused(Status.FAULT)
        self.swd_khz = speeds[divisor]
        return bytes((Status.OK, 0))

    def _get_com_freq(self, cmd: bytes, data: bytes) -> bytes:
        if self.version.stlink != 3:
            raise _Refused(Status.FAULT)
        body = bytes((Status.OK,)).ljust(8, b"\0") + bytes((len(V3_SWD_KHZ), 0, 0, 0))
        return (body + struct.pack(f"<{len(V3_SWD_KHZ)}I", *V3_SWD_KHZ)).ljust(52, b"\0")

    def _set_com_freq(self, cmd: bytes, data: bytes) -> bytes:
        khz = struct.unpack_from("<I", cmd, 4)[0]
        fitting = [f for f in V3_SWD_KHZ if f <= khz]
        if self.version.stlink != 3 or not fitting:
            raise _Refused(Status.FAULT if self.version.stlink != 3 else 0x08)  # 8: below the slowest clock
        self.swd_khz = max(fitting)
        return struct.pack("<BxxxI", Status.OK, self.swd_khz)

    def _read_idcodes(self, cmd: bytes, data: bytes) -> bytes:
        return struct.pack("<BxxxII", Status.OK, self.dp.dp_read(0), 0)

    def _drive_nrst(self, cmd: bytes, data: bytes) -> bytes:
        if cmd[2] != NRST_HIGH:
            self.on_reset(True)  # low and pulse both reset the board
        return bytes((Status.OK, 0))

    def _resetsys(self, cmd: bytes, data: bytes) -> bytes:
        self._write_word(AIRCR, AIRCR_SYSRESETREQ)
        return bytes((Status.OK, 0))

    def _getstatus(self, cmd: bytes, data: bytes) -> bytes:
        halted = self._read_word(DHCSR) & S_HALT
        return bytes((CORE_HALTED if halted else CORE_RUNNING, 0))

    def _readdebugreg(self, cmd: bytes, data: bytes) -> bytes:
        address = struct.unpack_from("<I", cmd, 2)[0]
        return struct.pack("<BxxxI", Status.OK, self._read_word(address))

    def _writedebugreg(self, cmd: bytes, data: bytes) -> bytes:
        address, value = struct.unpack_from("<II", cmd, 2)
        self._write_word(address, value)
        return bytes((Status.OK, 0))

    def _core_reg(self, regsel: int) -> int:
        self._write_word(DCRSR, regsel & 0x7F)
        self._wait_regrdy()
        return self._read_word(DCRDR)

    def _wait_regrdy(self) -> None:
        deadline = time.monotonic() + 0.1
        while not self._read_word(DHCSR) & S_REGRDY:
            if time.monotonic() > deadline:
                raise _Refused(Status.FAULT)

    def _readreg(self, cmd: bytes, data: bytes) -> bytes:
        return struct.pack("<BxxxI", Status.OK, self._core_reg(cmd[2]))

    def _readallregs(self, cmd: bytes, data: bytes) -> bytes:
        values = [self._core_reg(n) for n in range(ALL_REGS)]
        return struct.pack(f"<Bxxx{ALL_REGS}I", Status.OK, *values)

    def _writereg(self, cmd: bytes, data: bytes) -> bytes:
        value = struct.unpack_from("<I", cmd, 3)[0]
        self._write_word(DCRDR, value)
        self._write_word(DCRSR, 0x10000 | cmd[2] & 0x7F)  # REGWnR
        self._wait_regrdy()
        return bytes((Status.OK, 0))

    def _last_rw(self, cmd: bytes, data: bytes) -> bytes:
        status, address = self.last_rw
        if cmd[1] == Debug.GETLASTRWSTATUS:
            return bytes((status, 0))
        return struct.pack("<BxxxII", status, address, 0)

    # -- memory transfers -----------------------------------------------------------------------------------
    def _memory(self, cmd: bytes, data: bytes) -> bytes:
        """READMEM_*/WRITEMEM_*: address, length, AP number; data follows (writes) or is the reply (reads)."""
        sub = cmd[1]
        address, length, ap = struct.unpack_from("<IHB", cmd, 2)
        size = {Debug.READMEM_8BIT: 1, Debug.WRITEMEM_8BIT: 1, Debug.READMEM_16BIT: 2,
                Debug.WRITEMEM_16BIT: 2}.get(sub, 4)
        reading = sub not in WRITE_COMMANDS
        limit = self.version.max_rw8 if size == 1 else MAX_RW16_32
        allowed = (length <= limit and address % size == 0 and length % size == 0
                   and (size != 2 or self.version.has_mem16))
        self.last_rw = (Status.OK, 0)
        result = bytearray(max(length, 2) if size == 1 and reading else length)
        try:
            if not allowed:
                raise _Refused(Status.FAULT, address)
            self._open(ap)
            if reading:
                self._read_block(ap, address, size, memoryview(result)[:length])
            else:
                self._write_block(ap, address, size, data[:length])
        except _Refused as refused:
            self.last_rw = (refused.status, refused.address)
        return bytes(result) if reading else b""

    def _setup(self, ap: int, size: int, address: int) -> None:
        self._ap_write(ap, CSW, CSW_SINGLE_INC | SIZE_CODE[size])
        self._ap_write(ap, TAR, address)

    def _read_block(self, ap: int, address: int, size: int, out: memoryview) -> None:
        self._setup(ap, size, address)
        dp, mask = self.dp, (1 << (8 * size)) - 1
        for offset in range(0, len(out), size):
            word = dp.ap_read(DRW)
            self._check_sticky(address + offset)
            lane = ((address + offset) & 3) * 8
            out[offset:offset + size] = ((word >> lane) & mask).to_bytes(size, "little")

    def _write_block(self, ap: int, address: int, size: int, data: bytes) -> None:
        self._setup(ap, size, address)
        dp = self.dp
        for offset in range(0, len(data), size):
            lane = ((address + offset) & 3) * 8
            dp.ap_write(DRW, int.from_bytes(data[offset:offset + size], "little") << lane)
            self._check_sticky(address + offset)

    def _read_word(self, address: int) -> int:
        out = bytearray(4)
        self._read_block(0, address, 4, memoryview(out))
        return int.from_bytes(out, "little")

    def _write_word(self, address: int, value: int) -> None:
        self._write_block(0, address, 4, value.to_bytes(4, "little"))

    def _check_sticky(self, address: int) -> None:
        """After an AP access, as the firmware checks CTRL/STAT: a bus fault is reported with its address
        and cleared (memory commands leave no sticky flag behind; HLA hosts have no ABORT to send)."""
        if self.dp.dp_read(DP_CTRL_STAT) & STICKY_FLAGS:
            self.dp.dp_write(DP_ABORT, ABORT_CLEAR_ALL)
            raise _Refused(Status.SWD_AP_FAULT, address)

    # -- raw DP/AP access (dapdirect) ------------------------------------------------------------------------
    def _open(self, ap: int) -> None:
        if ap > 0xFF:
            raise _Refused(Status.BAD_AP_ERROR)
        if self.version.has_ap_init and ap not in self.opened_aps:
            raise _Refused(Status.BAD_AP_ERROR)  # INIT_AP first

    def _ap_select(self, ap: int, reg: int) -> None:
        select = (ap << 24) | (reg & 0xF0)
        if select != self._select:
            self.dp.dp_write(DP_SELECT, select)
            self._select = select

    def _ap_write(self, ap: int, reg: int, value: int) -> None:
        self._ap_select(ap, reg)
        self.dp.ap_write(reg & 0x0C, value)

    def _init_ap(self, cmd: bytes, data: bytes) -> bytes:
        self.opened_aps.add(cmd[2])
        return bytes((Status.OK, 0))

    def _close_ap(self, cmd: bytes, data: bytes) -> bytes:
        self.opened_aps.discard(cmd[2])
        return bytes((Status.OK, 0))

    def _read_dap_reg(self, cmd: bytes, data: bytes) -> bytes:
        port, reg = struct.unpack_from("<HH", cmd, 2)
        if port == DEBUG_PORT_ACCESS:
            return struct.pack("<BxxxI", Status.OK, self.dp.dp_read(reg & 0x0C))
        self._dap_ap_ready(port, reg)
        self._ap_select(port, reg)
        value = self.dp.ap_read(reg & 0x0C)
        self._dap_check()
        return struct.pack("<BxxxI", Status.OK, value)

    def _write_dap_reg(self, cmd: bytes, data: bytes) -> bytes:
        port, reg, value = struct.unpack_from("<HHI", cmd, 2)
        if port == DEBUG_PORT_ACCESS:
            self.dp.dp_write(reg & 0x0C, value)
            return bytes((Status.OK, 0))
        self._dap_ap_ready(port, reg)
        self._ap_write(port, reg, value)
        self._dap_check()
        return bytes((Status.OK, 0))

    def _dap_ap_ready(self, port: int, reg: int) -> None:
        """An AP register access needs its AP opened (IDR excepted), and no sticky flag left set: the SW-DP
        answers FAULT to AP accesses until the host clears it through ABORT."""
        if reg != IDR:
            self._open(port)
        if self.dp.dp_read(DP_CTRL_STAT) & STICKY_FLAGS:
            raise _Refused(Status.SWD_AP_FAULT)

    def _dap_check(self) -> None:
        """dapdirect leaves the sticky flag for the host to see and clear, as ADIv5 hosts expect."""
        if self.dp.dp_read(DP_CTRL_STAT) & STICKY_FLAGS:
            raise _Refused(Status.SWD_AP_FAULT)

    _HANDLERS: ClassVar[dict[int, Callable]] = {
        Debug.ENTER: _enter, Debug.EXIT: _exit, Debug.SWD_SET_FREQ: _swd_set_freq,
        Debug.GET_COM_FREQ: _get_com_freq, Debug.SET_COM_FREQ: _set_com_freq, Debug.DRIVE_NRST: _drive_nrst,
        Debug.READ_IDCODES: _read_idcodes, Debug.RESETSYS: _resetsys, Debug.GETSTATUS: _getstatus,
        Debug.RUNCORE: _dhcsr_command(0), Debug.FORCEDEBUG: _dhcsr_command(C_HALT),
        Debug.STEPCORE: _dhcsr_command(C_STEP | C_MASKINTS),
        Debug.READDEBUGREG: _readdebugreg, Debug.WRITEDEBUGREG: _writedebugreg, Debug.READREG: _readreg,
        Debug.READALLREGS: _readallregs, Debug.WRITEREG: _writereg,
        Debug.GETLASTRWSTATUS: _last_rw, Debug.GETLASTRWSTATUS2: _last_rw,
        Debug.READMEM_8BIT: _memory, Debug.READMEM_16BIT: _memory, Debug.READMEM_32BIT: _memory,
        Debug.WRITEMEM_8BIT: _memory, Debug.WRITEMEM_16BIT: _memory, Debug.WRITEMEM_32BIT: _memory,
        Debug.INIT_AP: _init_ap, Debug.CLOSE_AP_DBG: _close_ap,
        Debug.READ_DAP_REG: _read_dap_reg, Debug.WRITE_DAP_REG: _write_dap_reg,
    }
    _ANY_MODE = (Debug.ENTER, Debug.EXIT, Debug.SWD_SET_FREQ, Debug.GET_COM_FREQ, Debug.SET_COM_FREQ,
                 Debug.DRIVE_NRST)
