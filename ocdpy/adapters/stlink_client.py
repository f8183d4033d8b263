"""The ST-Link's commands as a host uses them: the open sequence (version, leaving DFU or mass-storage mode,
target voltage, SWD clock, entering SWD), memory transfers with their separate status, debug registers,
core registers, reset, and DP/AP register access for dapdirect. Both probe faces (HLA and dapdirect) are
built on one `Stlink`.

The sequence and the log lines are OpenOCD 0.12's (src/jtag/drivers/stlink_usb.c): `STLINK V2J37S7 (API
v2) VID:PID 0483:3748`, `Target voltage: 3.240000`.
"""
from __future__ import annotations

import struct
import time
from typing import ClassVar, Protocol

from ..errors import OcdError
from ..log import Log
from .stlink_protocol import (DEBUG_PORT_ACCESS, DFU_COMMAND, DFU_EXIT, ENTER_SWD_NO_RESET, GET_CURRENT_MODE,
                              GET_TARGET_VOLTAGE, GET_VERSION, GET_VERSION_EX, NRST_HIGH, NRST_LOW, SWD_SPEEDS_V2,
                              WAIT_STATUSES, Debug, Mode, Status, Version, command, debug_command, pick_speed,
                              status_text)

WAIT_RETRIES = 8  # with 1, 2, 4 ... ms between tries, as OpenOCD


class Link(Protocol):
    def xfer(self, cmd: bytes, data: bytes = b"", read: int = 0) -> bytes: ...
    def close(self) -> None: ...


def command_name(cmd: bytes) -> str:
    try:
        return Debug(cmd[1]).name
    except ValueError:
        return f"command 0x{cmd[0]:02x} 0x{cmd[1]:02x}"


class StlinkStatusError(OcdError):
    """A command the probe answered with a status other than OK; `status` is the byte."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Stlink:
    """One ST-Link over `link`, after `open_debug()` in SWD debug mode."""

    def __init__(self, link: Link, log: Log) -> None:
        self.link = link
        self.log = log
        self.version = self._read_version()
        self.opened_aps: set[int] = set()

    # -- opening ---------------------------------------------------------------------------------------------
    def _read_version(self) -> Version:
        reply = self.link.xfer(command(GET_VERSION), read=6)
        version = Version.parse_ex(self.link.xfer(command(GET_VERSION_EX), read=12)) if Version.needs_ex(
            reply) else Version.parse(reply)
        self.log.info(f"STLINK {version.text} (API v{version.api}) VID:PID {version.vid:04X}:{version.pid:04X}")
        return version

    def mode(self) -> int:
        return self.link.xfer(command(GET_CURRENT_MODE), read=2)[0]

    def open_debug(self, speed_khz: int | None) -> None:
        """Leave DFU (or a debug session a previous user left open), report the target voltage, set the
        SWD clock and enter SWD, in OpenOCD's order."""
        if self.version.jtag == 0:
            raise OcdError(f"st-link: this ST-Link (firmware {self.version.text}) has no SWD/JTAG function")
        self.leave_mode()
        if self.mode() != Mode.DFU and self.version.has_target_voltage:
            self._report_voltage()
        if speed_khz is not None:
            self.set_swd_speed(speed_khz)
        self.status(debug_command(Debug.ENTER, "B", ENTER_SWD_NO_RESET))

    def leave_mode(self) -> None:
        mode = self.mode()
        if mode == Mode.DFU:
            self.link.xfer(command(DFU_COMMAND, DFU_EXIT))
        elif mode == Mode.DEBUG:
            self.link.xfer(debug_command(Debug.EXIT))

    def _report_voltage(self) -> None:
        vref, target = struct.unpack("<II", self.link.xfer(command(GET_TARGET_VOLTAGE), read=8))
        volts = 2 * target * 1.2 / vref if vref else 0.0
        self.log.info(f"Target voltage: {volts:f}")
        if volts < 1.5:
            self.log.error("target voltage may be too low for reliable debugging")

    def swd_speeds(self) -> list[int]:
        """The SWD clocks (kHz) this probe offers: V2's fixed divisor table, or the V3's own list."""
        if self.version.stlink == 3:
            reply = self.status(debug_command(Debug.GET_COM_FREQ, "B", 0), read=52)
            count = min(reply[8], 10)
            return list(struct.unpack_from(f"<{count}I", reply, 12))
        return [khz for khz, _ in SWD_SPEEDS_V2] if self.version.has_swd_set_freq else []

    def set_swd_speed(self, khz: int) -> int:
        """The fastest clock not above `khz` (the slowest if all are): set, logged, returned."""
        speeds = self.swd_speeds()
        if not speeds:
            return khz  # firmware before V2J22 cannot change it
        chosen = pick_speed(khz, speeds)
        if self.version.stlink == 3:
            self.status(debug_command(Debug.SET_COM_FREQ, "BxI", 0, chosen), read=8)
        else:
            divisor = dict(SWD_SPEEDS_V2)[chosen]
            self.status(debug_command(Debug.SWD_SET_FREQ, "H", divisor))
        if chosen != khz:
            self.log.info(f"Unable to match requested speed {khz} kHz, using {chosen} kHz")
        self.log.info(f"clock speed {chosen} kHz")
        return chosen

    def close(self) -> None:
        """Leave debug mode (the probe releases the target's lines) and let go of the USB device."""
        try:
            self.leave_mode()
        finally:
            self.link.close()

    # -- commands with a status byte -------------------------------------------------------------------------
    def status(self, cmd: bytes, read: int = 2, what: str | None = None) -> bytes:
        """Send a command whose reply starts with a status byte; retry while the target says WAIT, raise
        StlinkStatusError for any other failure."""
        for attempt in range(WAIT_RETRIES + 1):
            reply = self.link.xfer(cmd, read=read)
            if reply[0] not in WAIT_STATUSES or attempt == WAIT_RETRIES:
                break
            time.sleep((1 << attempt) / 1000)
        if reply[0] != Status.OK:
            raise StlinkStatusError(f"st-link: {what or command_name(cmd)} failed: {status_text(reply[0])}",
                                    reply[0])
        return reply

    def idcode(self) -> int:
        """DPIDR, as the probe read it when it connected."""
        return struct.unpack_from("<I", self.status(debug_command(Debug.READ_IDCODES), read=12), 4)[0]

    def open_ap(self, ap: int) -> None:
        """INIT_AP once per AP, where the firmware wants it (V2J28 and V3) before using an AP."""
        if self.version.has_ap_init and ap not in self.opened_aps:
            self.status(debug_command(Debug.INIT_AP, "B", ap), what=f"opening AP{ap}")
            self.opened_aps.add(ap)

    def drive_nrst(self, asserted: bool) -> None:
        self.status(debug_command(Debug.DRIVE_NRST, "B", NRST_LOW if asserted else NRST_HIGH))

    def reset_system(self) -> None:
        """RESETSYS: the probe requests a system reset of the core (AIRCR.SYSRESETREQ)."""
        self.status(debug_command(Debug.RESETSYS))

    def read_debug_reg(self, address: int) -> int:
        reply = self.status(debug_command(Debug.READDEBUGREG, "I", address), read=8,
                            what=f"read at 0x{address:08x}")
        return struct.unpack_from("<I", reply, 4)[0]

    def write_debug_reg(self, address: int, value: int) -> None:
        self.status(debug_command(Debug.WRITEDEBUGREG, "II", address, value), what=f"write at 0x{address:08x}")

    def read_core_reg(self, regsel: int) -> int:
        return struct.unpack_from("<I", self.status(debug_command(Debug.READREG, "B", regsel), read=8), 4)[0]

    def write_core_reg(self, regsel: int, value: int) -> None:
        self.status(debug_command(Debug.WRITEREG, "BI", regsel, value))

    def read_core_regs(self) -> list[int]:
        """READALLREGS: r0-r15, xPSR, MSP, PSP and the CONTROL/FAULTMASK/BASEPRI/PRIMASK word."""
        return list(struct.unpack_from("<21I", self.status(debug_command(Debug.READALLREGS), read=88), 4))

    # -- memory ----------------------------------------------------------------------------------------------
    _READ: ClassVar[dict[int, Debug]] = {1: Debug.READMEM_8BIT, 2: Debug.READMEM_16BIT, 4: Debug.READMEM_32BIT}
    _WRITE: ClassVar[dict[int, Debug]] = {1: Debug.WRITEMEM_8BIT, 2: Debug.WRITEMEM_16BIT, 4: Debug.WRITEMEM_32BIT}

    def read_mem(self, address: int, length: int, size: int, ap: int = 0) -> bytes:
        """One transfer the probe can take whole (the caller respects its limits); checks its status."""
        cmd = debug_command(self._READ[size], "IHB", address, length, ap)
        data = self.link.xfer(cmd, read=2 if length == 1 else length)[:length]  # a 1-byte read answers 2
        self._check_rw("read", address, length)
        return data

    def write_mem(self, address: int, data: bytes, size: int, ap: int = 0) -> None:
        self.link.xfer(debug_command(self._WRITE[size], "IHB", address, len(data), ap), data)
        self._check_rw("write", address, len(data))

    def _check_rw(self, what: str, address: int, length: int) -> None:
        """GETLASTRWSTATUS2 (with the faulting address) where the firmware has it, else GETLASTRWSTATUS."""
        if self.version.has_rw_status2:
            status, fault = struct.unpack_from("<BxxxI", self.link.xfer(debug_command(Debug.GETLASTRWSTATUS2),
                                                                        read=12))
        else:
            status, fault = self.link.xfer(debug_command(Debug.GETLASTRWSTATUS), read=2)[0], 0
        if status != Status.OK:
            where = fault if address <= fault < address + length else address
            raise StlinkStatusError(f"st-link: memory {what} of {length} bytes at 0x{address:08x} failed at "
                                    f"0x{where:08x}: {status_text(status)}", status)

    # -- DP/AP registers (dapdirect) -------------------------------------------------------------------------
    def read_dap(self, port: int | None, address: int) -> int:
        """A DP (`port` None) or AP register; the probe writes SELECT and fetches posted data itself."""
        port = DEBUG_PORT_ACCESS if port is None else port
        reply = self.link.xfer(debug_command(Debug.READ_DAP_REG, "HH", port, address), read=8)
        if reply[0] != Status.OK:
            raise StlinkStatusError(status_text(reply[0]), reply[0])
        return struct.unpack_from("<I", reply, 4)[0]

    def write_dap(self, port: int | None, address: int, value: int) -> None:
        port = DEBUG_PORT_ACCESS if port is None else port
        reply = self.link.xfer(debug_command(Debug.WRITE_DAP_REG, "HHI", port, address, value), read=2)
        if reply[0] != Status.OK:
            raise StlinkStatusError(status_text(reply[0]), reply[0])
