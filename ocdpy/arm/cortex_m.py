"""Cortex-M run control over memory-mapped debug registers (ARMv6-M / ARMv7-M Architecture Reference
Manuals, C1): examine, halt, resume, step, core registers, reset, FPB breakpoints, DWT watchpoints, polling.

Everything goes through a `MemoryAccess`, so the same code drives a MEM-AP behind any ADIv5 probe and an
HLA probe (ST-Link) that reads and writes memory itself.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from ..errors import OcdError
from .memory import MemoryAccess

CPUID, ICSR, AIRCR = 0xE000ED00, 0xE000ED04, 0xE000ED0C
DHCSR, DCRSR, DCRDR, DEMCR, DFSR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC, 0xE000ED30
FP_CTRL, FP_COMP0 = 0xE0002000, 0xE0002008
DWT_CTRL, DWT_COMP0 = 0xE0001000, 0xE0001020
DBGKEY = 0xA05F << 16
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS = 1, 2, 4, 8
S_REGRDY, S_HALT, S_SLEEP, S_LOCKUP, S_RETIRE_ST, S_RESET_ST = 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 24, 1 << 25
DFSR_HALTED, DFSR_BKPT, DFSR_DWTTRAP, DFSR_VCATCH, DFSR_EXTERNAL = 1, 2, 4, 8, 16
TRCENA, VC_CORERESET, VC_HARDERR = 1 << 24, 1 << 0, 1 << 10
AIRCR_VECTKEY, AIRCR_SYSRESETREQ, AIRCR_VECTRESET = 0x05FA << 16, 1 << 2, 1 << 0
BKPT_INSN = 0xBE00
DWT_MATCHED = 1 << 24  # DWT_FUNCTIONn.MATCHED, cleared by reading FUNCTION
REGISTER_TIMEOUT = 0.5

# CPUID PARTNO -> core name (ARM: Cortex-M TRMs)
CORE_NAMES = {0xC20: "Cortex-M0", 0xC60: "Cortex-M0+", 0xC21: "Cortex-M1", 0xC23: "Cortex-M3",
              0xC24: "Cortex-M4", 0xC27: "Cortex-M7", 0xD20: "Cortex-M23", 0xD21: "Cortex-M33"}
EXCEPTION_NAMES = ("Thread", "Reset", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault", "SecureFault",
                   "RESERVED", "RESERVED", "RESERVED", "SVCall", "DebugMonitor", "RESERVED", "PendSV", "SysTick")


@dataclass(frozen=True)
class Register:
    """A core register as OpenOCD lists it: number, name, width, and how DCRSR reaches it."""

    number: int
    name: str
    bits: int
    regsel: int
    shift: int = 0  # for the CONTROL/FAULTMASK/BASEPRI/PRIMASK word (REGSEL 0x14)


def core_registers(armv7: bool, fpu: bool) -> list[Register]:
    regs = [Register(n, f"r{n}", 32, n) for n in range(13)]
    regs += [Register(13, "sp", 32, 13), Register(14, "lr", 32, 14), Register(15, "pc", 32, 15),
             Register(16, "xPSR", 32, 16), Register(17, "msp", 32, 17), Register(18, "psp", 32, 18),
             Register(20, "primask", 1, 20, 0)]
    if armv7:
        regs += [Register(21, "basepri", 8, 20, 8), Register(22, "faultmask", 1, 20, 16)]
    regs.append(Register(23, "control", 3, 20, 24))
    if fpu:
        regs += [Register(42 + i, f"d{i}", 64, 64 + 2 * i) for i in range(16)]
        regs.append(Register(58, "fpscr", 32, 33))
    return regs


@dataclass
class Breakpoint:
    address: int
    length: int
    hardware: bool
    comparator: int = -1       # FPB comparator for hardware breakpoints
    original: bytes = b""      # the instruction a software breakpoint replaced


@dataclass
class Watchpoint:
    address: int
    length: int
    access: str                # "r", "w" or "a"
    comparator: int
    value: int = 0
    mask: int = 0xFFFFFFFF


@dataclass
class CoreInfo:
    name: str = "unknown"
    revision: str = ""
    armv7: bool = True
    fpu: bool = False
    fpb_code: int = 0
    fpb_literal: int = 0
    dwt_comparators: int = 0
    cpuid: int = 0
    registers: list[Register] = field(default_factory=list)


class CortexM:
    """One Cortex-M core. `state` is 'unknown', 'running', 'halted', 'reset' or 'sleeping'."""

    def __init__(self, mem: MemoryAccess) -> None:
        self.mem = mem
        self.info = CoreInfo()
        self.state = "unknown"
        self.halt_reason = "undefined"
        self.examined = False
        self.maskisr = "auto"
        self.reset_method = "sysresetreq"
        self.breakpoints: list[Breakpoint] = []
        self.watchpoints: list[Watchpoint] = []
        self._stepping = False
        self._regs: dict[int, int] = {}  # cached while halted, by REGSEL

    # -- examine ----------------------------------------------------------------------------------------
    def examine(self) -> CoreInfo:
        cpuid = self.mem.read_u32(CPUID)
        partno = (cpuid >> 4) & 0xFFF
        info = CoreInfo(cpuid=cpuid)
        info.name = CORE_NAMES.get(partno, f"unknown Cortex-M (part 0x{partno:03x})")
        info.revision = f"r{(cpuid >> 20) & 0xF}p{cpuid & 0xF}"
        info.armv7 = partno not in (0xC20, 0xC60, 0xC21)
        info.fpu = partno in (0xC24, 0xC27) and self._has_fpu()
        fp_ctrl = self.mem.read_u32(FP_CTRL)
        info.fpb_code = ((fp_ctrl >> 8) & 0x70) | ((fp_ctrl >> 4) & 0xF)
        info.fpb_literal = (fp_ctrl >> 8) & 0xF
        self.mem.write_u32(DEMCR, self.mem.read_u32(DEMCR) | TRCENA)  # the DWT works only with TRCENA
        info.dwt_comparators = (self.mem.read_u32(DWT_CTRL) >> 28) & 0xF
        info.registers = core_registers(info.armv7, info.fpu)
        self.info = info
        dhcsr = self.mem.read_u32(DHCSR)
        if not dhcsr & C_DEBUGEN:
            self.mem.write_u32(DHCSR, DBGKEY | C_DEBUGEN)
        self.mem.write_u32(FP_CTRL, 0x3)  # KEY | ENABLE
        for n in range(info.fpb_code):
            self.mem.write_u32(FP_COMP0 + 4 * n, 0)
        for n in range(info.dwt_comparators):
            self.mem.write_u32(DWT_COMP0 + 16 * n + 8, 0)
        for bp in self.breakpoints:  # a re-examine (each reset) keeps the user's breakpoints and watchpoints
            if bp.hardware:
                self._arm(bp)
        for wp in self.watchpoints:
            self._arm_watchpoint(wp)
        self.examined = True
        return info

    def _has_fpu(self) -> bool:
        """MVFR0 (0xE000EF40) reads non-zero when the FPU is implemented."""
        return self.mem.read_u32(0xE000EF40) != 0

    # -- state ------------------------------------------------------------------------------------------
    def dhcsr(self) -> int:
        return self.mem.read_u32(DHCSR)

    def poll(self) -> bool:
        """Read DHCSR and update `state`; returns True when the core has just halted."""
        dhcsr = self.dhcsr()
        was = self.state
        if dhcsr & S_HALT:
            if was != "halted":
                self.state = "halted"
                self._regs.clear()
                self.halt_reason = self._reason()
                return True
            return False
        self.state = "running"
        if dhcsr & S_LOCKUP:
            self.halt_reason = "lockup"
        return False

    def _reason(self) -> str:
        dfsr = self.mem.read_u32(DFSR)
        self.mem.write_u32(DFSR, dfsr)  # write-one-to-clear
        if self._stepping:
            return "single-step"
        if dfsr & DFSR_BKPT and dfsr & DFSR_DWTTRAP:
            return "breakpoint-and-watchpoint"
        if dfsr & DFSR_BKPT:
            return "breakpoint"
        if dfsr & DFSR_DWTTRAP:
            return "watchpoint"
        return "debug-request"

    def wait_halted(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            self.poll()
            if self.state == "halted":
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.001)

    # -- run control ------------------------------------------------------------------------------------
    def halt(self) -> None:
        self.mem.write_u32(DHCSR, DBGKEY | C_HALT | C_DEBUGEN)

    def resume(self, address: int | None = None) -> None:
        self._require_halted()
        if address is not None:
            self.write_reg("pc", address)
        pc = self.read_reg("pc")
        if any(b.address == pc for b in self.breakpoints):
            self._step_over_breakpoint()
        self._restart(C_DEBUGEN)

    def step(self, address: int | None = None) -> None:
        self._require_halted()
        if address is not None:
            self.write_reg("pc", address)
        self._step_over_breakpoint()
        self.poll()

    def _step_over_breakpoint(self) -> None:
        """One instruction with interrupts masked (cortex_m maskisr auto), the breakpoint at PC lifted."""
        pc = self.read_reg("pc")
        lifted = [b for b in self.breakpoints if b.address == pc]
        for b in lifted:
            self._disarm(b)
        mask = C_MASKINTS if self.maskisr in ("auto", "on", "steponly") else 0
        self.mem.write_u32(DHCSR, DBGKEY | C_HALT | C_DEBUGEN | mask)
        self._stepping = True
        self._regs.clear()
        self.state = "running"
        self.mem.write_u32(DHCSR, DBGKEY | C_STEP | C_DEBUGEN | mask)
        try:
            if not self.wait_halted(1.0):
                raise OcdError("single step did not complete: the core did not halt again")
        finally:
            self._stepping = False
        if mask and self.maskisr != "on":
            self.mem.write_u32(DHCSR, DBGKEY | C_HALT | C_DEBUGEN)
        for b in lifted:
            self._arm(b)

    def _restart(self, ctrl: int) -> None:
        self._regs.clear()
        self.mem.write_u32(DFSR, 0x1F)
        mask = C_MASKINTS if self.maskisr == "on" else 0
        self.mem.write_u32(DHCSR, DBGKEY | ctrl | mask)
        self.state = "running"

    def _require_halted(self) -> None:
        if self.state != "halted":
            self.poll()
        if self.state != "halted":
            raise TargetNotHalted("target not halted")

    # -- registers --------------------------------------------------------------------------------------
    def register(self, name: str) -> Register:
        for reg in self.info.registers:
            if reg.name == name or str(reg.number) == name:
                return reg
        raise OcdError(f"register {name} not found in current target")

    def prefetch(self, names) -> None:
        """Read the named registers not yet cached in one DAP round trip (DCRSR write, DHCSR and DCRDR
        reads per register, as OpenOCD's fast register read): a value whose DHCSR read shows S_REGRDY was
        ready and is kept; any other is left to the one-by-one path. Memory faces that cannot batch (HLA)
        skip this."""
        transact = getattr(self.mem, "transact", None)
        if transact is None:
            return
        self._require_halted()
        wanted = []
        for name in names:
            reg = self.register(name)
            for regsel in (reg.regsel, reg.regsel + 1) if reg.bits == 64 else (reg.regsel,):
                if regsel not in self._regs and regsel not in wanted:
                    wanted.append(regsel)
        if not wanted:
            return
        accesses = []
        for regsel in wanted:
            accesses += [(DCRSR, regsel), (DHCSR, None), (DCRDR, None)]
        values = transact(accesses)
        for i, regsel in enumerate(wanted):
            dhcsr, value = values[2 * i], values[2 * i + 1]
            if dhcsr & S_REGRDY:
                self._regs[regsel] = value

    def _transfer(self, regsel: int) -> int:
        if regsel not in self._regs:
            self.mem.write_u32(DCRSR, regsel)
            self._wait_regrdy()
            self._regs[regsel] = self.mem.read_u32(DCRDR)
        return self._regs[regsel]

    def _wait_regrdy(self) -> None:
        deadline = time.monotonic() + REGISTER_TIMEOUT
        while not self.dhcsr() & S_REGRDY:
            if time.monotonic() > deadline:
                raise OcdError("timeout waiting for the core register transfer (DHCSR.S_REGRDY)")

    def read_reg(self, name: str) -> int:
        self._require_halted()
        reg = self.register(name)
        if reg.bits == 64:
            return self._transfer(reg.regsel) | self._transfer(reg.regsel + 1) << 32
        return (self._transfer(reg.regsel) >> reg.shift) & ((1 << reg.bits) - 1)

    def write_reg(self, name: str, value: int) -> None:
        self._require_halted()
        reg = self.register(name)
        if reg.bits == 64:
            self._store(reg.regsel, value & 0xFFFFFFFF)
            self._store(reg.regsel + 1, value >> 32)
            return
        mask = ((1 << reg.bits) - 1) << reg.shift
        word = self._transfer(reg.regsel) if reg.regsel == 20 else 0
        self._store(reg.regsel, (word & ~mask) | ((value << reg.shift) & mask))

    def _store(self, regsel: int, value: int) -> None:
        value &= 0xFFFFFFFF
        self.mem.write_u32(DCRDR, value)
        self.mem.write_u32(DCRSR, regsel | 1 << 16)
        self._wait_regrdy()
        self._regs[regsel] = value
        if regsel == 13:  # SP is whichever of MSP/PSP is active: both change
            self._regs.pop(17, None)
            self._regs.pop(18, None)

    # -- reset ------------------------------------------------------------------------------------------
    def assert_reset(self, halt: bool, srst: Callable[[bool], None] | None = None) -> None:
        """Arm the reset vector catch when the core should stop at its first instruction, then reset the way
        `cortex_m reset_config` says (or through the adapter's SRST line when `srst` is given)."""
        demcr = self.mem.read_u32(DEMCR)
        demcr = (demcr | VC_CORERESET) if halt else (demcr & ~VC_CORERESET)
        self.mem.write_u32(DEMCR, demcr | TRCENA)
        self.mem.write_u32(DHCSR, DBGKEY | C_DEBUGEN)
        self.dhcsr()  # clear S_RESET_ST before the reset
        self._regs.clear()
        self.state = "reset"
        if srst is not None:
            srst(True)
            return
        request = AIRCR_VECTRESET if self.reset_method == "vectreset" and self.info.armv7 else AIRCR_SYSRESETREQ
        try:
            self.mem.write_u32(AIRCR, AIRCR_VECTKEY | request)
        except OcdError:
            pass  # the reset can cut the write's acknowledge short; the DHCSR read below tells
        deadline = time.monotonic() + 0.1
        while time.monotonic() < deadline:
            try:
                if self.dhcsr() & S_RESET_ST:
                    break
            except OcdError:
                continue

    def deassert_reset(self, halt: bool, srst: Callable[[bool], None] | None = None) -> None:
        if srst is not None:
            srst(False)
        if not halt:
            self.state = "running"

    def end_reset(self) -> None:
        """After a halting reset, take VC_CORERESET out again so the next reset runs."""
        if self.state == "halted":
            self.mem.write_u32(DEMCR, self.mem.read_u32(DEMCR) & ~VC_CORERESET)

    # -- breakpoints ------------------------------------------------------------------------------------
    def add_breakpoint(self, address: int, length: int, hardware: bool) -> Breakpoint:
        if any(b.address == address for b in self.breakpoints):
            raise OcdError(f"Duplicate Breakpoint address: 0x{address:08x}")
        bp = Breakpoint(address, length, hardware)
        if not hardware:
            try:
                self._arm(bp)
            except NotWritable:
                if address >= 0x20000000:
                    raise
                bp.hardware = True  # flash can't take a BKPT: the FPB can (what users of `bp` in flash mean)
            else:
                self.breakpoints.append(bp)
                return bp
        if bp.hardware:
            used = {b.comparator for b in self.breakpoints if b.hardware}
            free = [n for n in range(self.info.fpb_code) if n not in used]
            if not free:
                raise ResourceError("Can not find free FPB Comparator!", "can't add breakpoint: resource not available")
            if address >= 0x20000000:
                raise OcdError(f"FPB v1 breakpoints reach only the code region below 0x20000000, not 0x{address:08x}")
            bp.comparator = free[0]
        self._arm(bp)
        self.breakpoints.append(bp)
        return bp

    def remove_breakpoint(self, address: int) -> None:
        for bp in self.breakpoints:
            if bp.address == address:
                self._disarm(bp)
                self.breakpoints.remove(bp)
                return
        raise OcdError(f"no breakpoint at address 0x{address:08x} found")

    def _arm(self, bp: Breakpoint) -> None:
        if bp.hardware:
            replace = 0b10 if bp.address & 2 else 0b01
            self.mem.write_u32(FP_COMP0 + 4 * bp.comparator, replace << 30 | (bp.address & 0x1FFFFFFC) | 1)
            return
        bkpt = BKPT_INSN.to_bytes(2, "little")
        try:
            bp.original = self.mem.read(bp.address, 2, 2)
            self.mem.write(bp.address, bkpt, 2)
            stuck = self.mem.read(bp.address, 2, 2) == bkpt
        except OcdError:  # a bus error: ROM or flash that refuses plain writes
            stuck = False
        if not stuck:
            raise NotWritable(f"can't add a software breakpoint at 0x{bp.address:08x}: the memory there is not "
                              "writable (flash?)")

    def _disarm(self, bp: Breakpoint) -> None:
        if bp.hardware:
            self.mem.write_u32(FP_COMP0 + 4 * bp.comparator, 0)
        else:
            self.mem.write(bp.address, bp.original, 2)

    # -- watchpoints ------------------------------------------------------------------------------------
    def add_watchpoint(self, address: int, length: int, access: str, value: int = 0,
                       mask: int = 0xFFFFFFFF) -> Watchpoint:
        if length & (length - 1) or address % length:
            raise OcdError(f"watchpoint length {length} must be a power of two and the address aligned to it")
        used = {w.comparator for w in self.watchpoints}
        free = [n for n in range(self.info.dwt_comparators) if n not in used]
        if not free or mask != 0xFFFFFFFF:
            kind = {"r": "read", "w": "write", "a": "access"}[access]
            raise ResourceError(f"can't add {kind} watchpoint at 0x{address:08x}, resource not available",
                                "Failure setting watchpoints")
        wp = Watchpoint(address, length, access, free[0], value, mask)
        self._arm_watchpoint(wp)
        self.watchpoints.append(wp)
        return wp

    def _arm_watchpoint(self, wp: Watchpoint) -> None:
        base = DWT_COMP0 + 16 * wp.comparator
        self.mem.write_u32(base, wp.address)
        self.mem.write_u32(base + 4, wp.length.bit_length() - 1)
        self.mem.write_u32(base + 8, {"r": 5, "w": 6, "a": 7}[wp.access])

    def hit_watchpoint(self) -> Watchpoint | None:
        """After a DWT halt, the watchpoint whose comparator says MATCHED (as OpenOCD's cortex_m finds it for
        gdb's stop reply); reading FUNCTION clears the flag, so every comparator is read once."""
        hit = None
        for wp in self.watchpoints:
            if self.mem.read_u32(DWT_COMP0 + 16 * wp.comparator + 8) & DWT_MATCHED and hit is None:
                hit = wp
        return hit

    def remove_watchpoint(self, address: int) -> None:
        for wp in self.watchpoints:
            if wp.address == address:
                self.mem.write_u32(DWT_COMP0 + 16 * wp.comparator + 8, 0)
                self.watchpoints.remove(wp)
                return

    # -- reporting --------------------------------------------------------------------------------------
    def mode(self) -> str:
        ipsr = self.read_reg("xPSR") & 0x1FF
        if ipsr == 0:
            return "Thread"
        name = EXCEPTION_NAMES[ipsr] if ipsr < 16 else f"External Interrupt({ipsr - 16})"
        return f"Handler {name}"

    def halt_report(self) -> str:
        """OpenOCD's two lines after a halt: the reason and mode, then xPSR, pc and the active stack pointer."""
        self.prefetch(("xPSR", "pc", "control", "msp", "psp"))
        stack = "psp" if self.read_reg("control") & 2 and self.mode() == "Thread" else "msp"
        return (f"halted due to {self.halt_reason}, current mode: {self.mode()} \n"
                f"xPSR: 0x{self.read_reg('xPSR'):08x} pc: 0x{self.read_reg('pc'):08x} "
                f"{stack}: 0x{self.read_reg(stack):08x}")


class NotWritable(OcdError):
    """A software breakpoint's BKPT did not stick (flash or ROM)."""


class TargetNotHalted(OcdError):
    """The command needs a halted core."""


class ResourceError(OcdError):
    """No free comparator: carries OpenOCD's two messages (the target's, then the command's)."""

    def __init__(self, detail: str, summary: str) -> None:
        super().__init__(f"{detail}\n{summary}")
        self.detail, self.summary = detail, summary
