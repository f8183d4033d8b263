"""The Private Peripheral Bus of a Cortex-M: the System Control Space (SCB, NVIC, SysTick) and a router for the
rest (debug registers, DBGMCU on F1/F4, anything attached later).

Per ARMv6-M / ARMv7-M B3.2 (SCB), B3.3 (SysTick), B3.4 (NVIC). The registers hold little state of their own: the
exception state lives in `nvic.ExceptionState` and the timer in `systick.SysTick`, both shared with the core.
Unimplemented PPB addresses read as zero and ignore writes (a debugger probing the space should not fault).
"""
from __future__ import annotations

from typing import Any, Protocol

from .bus import RegisterBlock
from .nvic import (BUSFAULT, DEBUGMONITOR, FIRST_IRQ, MEMMANAGE, NMI, PENDSV, SVCALL, SYSTICK, USAGEFAULT,
                   ExceptionState)

PPB_BASE, PPB_SIZE = 0xE0000000, 0x100000
SCS_BASE = 0xE000E000
VECTKEY = 0x05FA

# CFSR bits (ARMv7-M B3.2.15): MMFSR [7:0], BFSR [15:8], UFSR [31:16]
IBUSERR, PRECISERR, STKERR, UNSTKERR, BFARVALID = 1 << 8, 1 << 9, 1 << 12, 1 << 11, 1 << 15
UNDEFINSTR, INVSTATE, INVPC, NOCP, UNALIGNED, DIVBYZERO = 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 24, 1 << 25
# HFSR bits
HFSR_VECTTBL, HFSR_FORCED, HFSR_DEBUGEVT = 1 << 1, 1 << 30, 1 << 31


class CoreServices(Protocol):
    """What the SCS needs from the core it belongs to."""

    exceptions: ExceptionState
    armv7: bool
    cpuid: int
    has_fpu: bool

    def current_exception(self) -> int: ...
    def request_reset(self, kind: str) -> None: ...
    def exception_state_changed(self) -> None: ...


class DebugHandler(Protocol):
    """The debug-register model (debug.DebugRegisters): absolute addresses, 32-bit accesses."""

    def handles(self, address: int) -> bool: ...
    def read(self, address: int) -> int: ...
    def write(self, address: int, value: int) -> None: ...


class SystemControlSpace(RegisterBlock):
    """0xE000E000-0xE000EFFF: SysTick, NVIC, SCB (offsets below are from 0xE000E000)."""

    def __init__(self, core: CoreServices, systick: Any, ccr_reset: int) -> None:
        self.core = core
        self.systick = systick
        self.ccr_reset = ccr_reset
        self.reset()

    def reset(self) -> None:
        self.vtor = 0
        self.scr = 0
        self.ccr = self.ccr_reset
        self.actlr = 0
        self.cfsr = 0
        self.hfsr = 0
        self.mmfar = 0
        self.bfar = 0
        self.cpacr = 0
        self.fpccr = 0xC0000000 if self.core.has_fpu else 0
        self.fpcar = 0
        self.fpdscr = 0

    # -- faults, recorded by the core ------------------------------------------------------------------------
    def record_fault(self, cfsr_bits: int = 0, hfsr_bits: int = 0, bfar: int | None = None) -> None:
        if not self.core.armv7:
            return  # ARMv6-M has no fault status registers
        self.cfsr |= cfsr_bits
        self.hfsr |= hfsr_bits
        if bfar is not None:
            self.bfar = bfar & 0xFFFFFFFF

    # -- register file ---------------------------------------------------------------------------------------
    def read32(self, offset: int) -> int:
        core, exc = self.core, self.core.exceptions
        v7 = core.armv7
        if 0x010 <= offset < 0x020:
            return self.systick.read(offset - 0x010)
        if 0x100 <= offset < 0x500:
            return self._read_nvic(offset)
        if offset == 0x004:
            return (exc.num_irqs + 31) // 32 - 1 if v7 else 0
        if offset == 0x008:
            return self.actlr if v7 else 0
        if offset == 0xD00:
            return core.cpuid
        if offset == 0xD04:
            return self._read_icsr()
        if offset == 0xD08:
            return self.vtor if v7 else 0
        if offset == 0xD0C:
            return (0xFA05 << 16) | (exc.prigroup << 8 if v7 else 0)
        if offset == 0xD10:
            return self.scr
        if offset == 0xD14:
            return self.ccr
        if 0xD18 <= offset < 0xD24:
            if offset == 0xD18 and not v7:
                return 0
            first = 4 + (offset - 0xD18)
            return sum((exc.priority[e] if e in (MEMMANAGE, BUSFAULT, USAGEFAULT, SVCALL, DEBUGMONITOR,
                                                   PENDSV, SYSTICK) else 0) << (8 * i)
                       for i, e in enumerate(range(first, first + 4)))
        if offset == 0xD24:
            return self._read_shcsr()
        if v7:
            if offset == 0xD28:
                return self.cfsr
            if offset == 0xD2C:
                return self.hfsr
            if offset == 0xD34:
                return self.mmfar
            if offset == 0xD38:
                return self.bfar
        if core.has_fpu:
            fpu = {0xD88: self.cpacr, 0xF34: self.fpccr, 0xF38: self.fpcar, 0xF3C: self.fpdscr,
                   0xF40: 0x10110021, 0xF44: 0x11000011}  # MVFR0/1: FPv4-SP, as OpenOCD probes for
            if offset in fpu:
                return fpu[offset]
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        """Storage registers merge narrow writes; action registers (W1S/W1C/set-enable...) take them as they are."""
        if offset & ~3 in _STORAGE_REGISTERS or 0x400 <= offset < 0x500 or 0x010 <= offset < 0x020:
            super().write(offset, size, value)
        else:
            self.write32(offset & ~3, (value << (8 * (offset & 3))) & 0xFFFFFFFF)

    def write32(self, offset: int, value: int) -> None:
        core, exc = self.core, self.core.exceptions
        v7 = core.armv7
        if 0x010 <= offset < 0x020:
            self.systick.write(offset - 0x010, value)
            core.exception_state_changed()
        elif 0x100 <= offset < 0x500:
            self._write_nvic(offset, value)
        elif offset == 0x008 and v7:
            self.actlr = value & 0x7
        elif offset == 0xD04:
            self._write_icsr(value)
        elif offset == 0xD08 and v7:
            self.vtor = value & 0xFFFFFF80
        elif offset == 0xD0C:
            self._write_aircr(value)
        elif offset == 0xD10:
            self.scr = value & 0x16
        elif offset == 0xD14 and v7:
            self.ccr = value & 0x31B
        elif 0xD18 <= offset < 0xD24:
            if offset == 0xD18 and not v7:
                return
            first = 4 + (offset - 0xD18)
            for i, e in enumerate(range(first, first + 4)):
                if e in (MEMMANAGE, BUSFAULT, USAGEFAULT) and not v7:
                    continue
                if e in (MEMMANAGE, BUSFAULT, USAGEFAULT, SVCALL, DEBUGMONITOR, PENDSV, SYSTICK):
                    exc.set_priority(e, (value >> (8 * i)) & 0xFF)
            core.exception_state_changed()
        elif offset == 0xD24:
            if v7:
                exc.fault_enables = value & (0x7 << 16)
            if value & (1 << 15):
                exc.pend(SVCALL)
            elif SVCALL in exc.pending:
                exc.unpend(SVCALL)
        elif v7 and offset == 0xD28:
            self.cfsr &= ~value
        elif v7 and offset == 0xD2C:
            self.hfsr &= ~value
        elif v7 and offset == 0xD34:
            self.mmfar = value
        elif v7 and offset == 0xD38:
            self.bfar = value
        elif v7 and offset == 0xF00:
            self._pend_irq(value & 0x1FF)
        elif core.has_fpu and offset == 0xD88:
            self.cpacr = value & (0xF << 20)
        elif core.has_fpu and offset == 0xF34:
            self.fpccr = value & 0xC00001FF
        elif core.has_fpu and offset == 0xF38:
            self.fpcar = value & ~7
        elif core.has_fpu and offset == 0xF3C:
            self.fpdscr = value & 0x07C00000

    # -- pieces ----------------------------------------------------------------------------------------------
    def _read_icsr(self) -> int:
        exc = self.core.exceptions
        active = self.core.current_exception()
        value = active & 0x1FF
        pending = exc.highest_pending()
        if pending is not None:
            value |= (pending & 0x1FF) << 12
        if exc.irq_pending_any():
            value |= 1 << 22
        if self.core.armv7 and not (exc.active - {active}):
            value |= 1 << 11  # RETTOBASE
        if NMI in exc.pending:
            value |= 1 << 31
        if PENDSV in exc.pending:
            value |= 1 << 28
        if SYSTICK in exc.pending:
            value |= 1 << 26
        return value

    def _write_icsr(self, value: int) -> None:
        exc = self.core.exceptions
        if value & (1 << 31):
            exc.pend(NMI)
        if value & (1 << 28):
            exc.pend(PENDSV)
        elif value & (1 << 27):
            exc.unpend(PENDSV)
        if value & (1 << 26):
            exc.pend(SYSTICK)
        elif value & (1 << 25):
            exc.unpend(SYSTICK)
        self.core.exception_state_changed()

    def _write_aircr(self, value: int) -> None:
        if (value >> 16) != VECTKEY:
            return  # without the key the write is ignored
        v7 = self.core.armv7
        if v7:
            self.core.exceptions.prigroup = (value >> 8) & 7
            if value & 2:  # VECTCLRACTIVE (for debuggers)
                self.core.exceptions.active.clear()
        if value & 4:
            self.core.request_reset("system")
        elif v7 and value & 1:
            self.core.request_reset("core")

    def _read_shcsr(self) -> int:
        exc = self.core.exceptions
        if not self.core.armv7:
            return (1 << 15) if SVCALL in exc.pending else 0
        value = exc.fault_enables
        for bit, e in ((0, MEMMANAGE), (1, BUSFAULT), (3, USAGEFAULT), (7, SVCALL), (8, DEBUGMONITOR),
                       (10, PENDSV), (11, SYSTICK)):
            if e in exc.active:
                value |= 1 << bit
        for bit, e in ((12, USAGEFAULT), (13, MEMMANAGE), (14, BUSFAULT), (15, SVCALL)):
            if e in exc.pending:
                value |= 1 << bit
        return value

    def _pend_irq(self, irq: int) -> None:
        if irq < self.core.exceptions.num_irqs:
            self.core.exceptions.pend(FIRST_IRQ + irq)
            self.core.exception_state_changed()

    def _read_nvic(self, offset: int) -> int:
        exc = self.core.exceptions
        if offset >= 0x400:
            first = FIRST_IRQ + (offset - 0x400)
            return sum(exc.priority[e] << (8 * i) for i, e in enumerate(range(first, first + 4))
                       if e < len(exc.priority))
        group, index = divmod(offset - 0x100, 0x80)
        base = FIRST_IRQ + 32 * (index // 4)
        if index // 4 * 32 >= exc.num_irqs:
            return 0
        source = {0: exc.irq_enabled, 1: exc.irq_enabled, 2: exc.pending, 3: exc.pending, 4: exc.active}.get(group)
        if source is None or (group == 4 and not self.core.armv7):
            return 0
        return sum(1 << (e - base) for e in source if base <= e < base + 32)

    def _write_nvic(self, offset: int, value: int) -> None:
        exc = self.core.exceptions
        if offset >= 0x400:
            first = FIRST_IRQ + (offset - 0x400)
            for i, e in enumerate(range(first, first + 4)):
                if e < len(exc.priority):
                    exc.set_priority(e, (value >> (8 * i)) & 0xFF)
            self.core.exception_state_changed()
            return
        group, index = divmod(offset - 0x100, 0x80)
        base = FIRST_IRQ + 32 * (index // 4)
        for bit in range(32):
            e = base + bit
            if not value >> bit & 1 or e - FIRST_IRQ >= exc.num_irqs:
                continue
            if group == 0:
                exc.irq_enabled.add(e)
            elif group == 1:
                exc.irq_enabled.discard(e)
            elif group == 2:
                exc.pend(e)
            elif group == 3:
                exc.unpend(e)
        self.core.exception_state_changed()


_STORAGE_REGISTERS = {0x008, 0xD08, 0xD0C, 0xD10, 0xD14, 0xD18, 0xD1C, 0xD20, 0xD34, 0xD38, 0xD88, 0xF34, 0xF38,
                      0xF3C}


class PrivatePeripheralBus:
    """Routes 0xE0000000-0xE00FFFFF: the debug-register model first (when attached), then the SCS and any
    attached block (DBGMCU...); the rest reads as zero."""

    def __init__(self, scs: SystemControlSpace) -> None:
        self.debug: DebugHandler | None = None
        self._blocks: list[tuple[int, int, Any]] = [(SCS_BASE, 0x1000, scs)]

    def attach(self, base: int, size: int, device: Any) -> None:
        """Put a device (offsets relative to `base`) at an absolute PPB address."""
        self._blocks.insert(0, (base, size, device))

    def _route(self, address: int) -> tuple[Any, int] | None:
        for base, size, device in self._blocks:
            if base <= address < base + size:
                return device, address - base
        return None

    def read(self, offset: int, size: int) -> int:
        address = PPB_BASE + offset
        debug = self.debug
        if debug is not None and debug.handles(address & ~3):
            return (debug.read(address & ~3) >> (8 * (address & 3))) & ((1 << (8 * size)) - 1)
        routed = self._route(address)
        return routed[0].read(routed[1], size) if routed else 0

    def write(self, offset: int, size: int, value: int) -> None:
        address = PPB_BASE + offset
        debug = self.debug
        if debug is not None and debug.handles(address & ~3):
            debug.write(address & ~3, (value << (8 * (address & 3))) & 0xFFFFFFFF)
            return
        routed = self._route(address)
        if routed:
            routed[0].write(routed[1], size, value)
