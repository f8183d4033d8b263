"""The Cortex-M exception model that unicorn lacks, done by hand (ARMv6-M / ARMv7-M B1.5).

unicorn runs handlers but never vectors an exception: it reports SVC, BKPT, EXC_RETURN and some faults as
interrupt numbers, and memory faults as errors. `ExceptionModel` (a mixin of `core.Core`, sharing its state) turns
them into what the architecture does: pre-emption by priority with PRIMASK/BASEPRI/FAULTMASK masking, the 8-word
stack frame with 8-byte alignment, EXC_RETURN and the MSP/PSP switch, fault escalation (an enabled configurable
fault on ARMv7-M, else HardFault, else lockup), derived faults on stacking, and SLEEPONEXIT.

Entry and return may run inside a unicorn interrupt hook: unicorn honours a PC written there and goes on within
the same slice. They also write APSR_NZCV after IPSR, without which unicorn treats the handler's `bx lr` to
EXC_RETURN as a plain branch (see notes/unicorn-cortex-m.md).
"""
from __future__ import annotations

import struct
from typing import Any

from .bus import BusFault
from .halt_reason import HaltReason
from .nvic import BUSFAULT, FIRST_IRQ, HARDFAULT, MEMMANAGE, NMI, PENDSV, SVCALL, SYSTICK, USAGEFAULT
from .scs import (BFARVALID, HFSR_DEBUGEVT, HFSR_FORCED, HFSR_VECTTBL, IBUSERR, INVPC, INVSTATE, NOCP, PRECISERR,
                  STKERR, UNALIGNED, UNDEFINSTR, UNSTKERR)

EXC_RETURN_VALUES = (0xFFFFFFF1, 0xFFFFFFF9, 0xFFFFFFFD)
STKALIGN = 1 << 9  # CCR.STKALIGN, and the stacked-xPSR bit recording the extra alignment word


class ExceptionModel:
    """Exception entry/return, faults and lockup for `core.Core` (uses its registers, bus, SCS and state)."""

    # provided by Core
    uc: Any
    bus: Any
    scs: Any
    exceptions: Any
    model: Any
    armv7: bool
    sleeping: bool
    locked_up: bool
    vector_catch_hardfault: bool
    _slice_active: bool
    _counter: Any
    _events: list

    def _enter_halt(self, reason: HaltReason) -> None: ...
    def _r(self, reg: str) -> int: ...
    def _w(self, reg: str, value: int) -> None: ...

    @property
    def pc(self) -> int: ...

    def current_exception(self) -> int: ...

    def _execution_priority(self, ignore_primask: bool = False) -> int:
        primask = 0 if ignore_primask else self._r("PRIMASK")
        if self.armv7:
            return self.exceptions.execution_priority(primask, self._r("BASEPRI"), self._r("FAULTMASK"))
        return self.exceptions.execution_priority(primask, 0, 0)

    def _take_pending_exception(self) -> bool:
        """Between slices: enter the highest pending exception that may pre-empt, waking a sleeping core."""
        if not self.exceptions.pending:
            return False
        exc = self.exceptions.preempting(self._execution_priority())
        if exc is not None and self.mask_interrupts and (exc in (PENDSV, SYSTICK) or exc >= FIRST_IRQ):
            return False  # DHCSR.C_MASKINTS holds off PendSV, SysTick and external interrupts (ARMv7-M C1.6.3)
        if exc is None:
            if self.sleeping and self.exceptions.preempting(self._execution_priority(ignore_primask=True)):
                self.sleeping = False  # WFI wakes on a pending interrupt even while PRIMASK masks it
            return False
        self._enter_exception(exc, self.pc)
        return True

    def exception_state_changed(self) -> None:
        """An SCS write may have pended an exception or moved the next SysTick event: re-plan after this
        instruction (so a pended PendSV is taken before the next one, as on the silicon)."""
        if self._slice_active:
            self._counter.stop_after_current()

    def _take_svc(self, return_address: int) -> None:
        if self.exceptions.can_take(SVCALL, self._execution_priority()):
            self._enter_exception(SVCALL, return_address, in_hook=True)
        else:
            self._fault("forced", return_address, in_hook=True)  # SVC where it can't run escalates

    def _fault(self, kind: str, return_address: int, address: int | None = None, in_hook: bool = False) -> None:
        """A synchronous fault: the configurable fault if enabled and allowed (ARMv7-M), else HardFault, else
        lockup (a fault at HardFault/NMI priority or with FAULTMASK set)."""
        cfsr, configurable = {
            "undef": (UNDEFINSTR, USAGEFAULT), "invstate": (INVSTATE, USAGEFAULT), "invpc": (INVPC, USAGEFAULT),
            "unaligned": (UNALIGNED, USAGEFAULT), "nocp": (NOCP, USAGEFAULT),
            "bus_data": (PRECISERR | (BFARVALID if address is not None else 0), BUSFAULT),
            "bus_fetch": (IBUSERR, BUSFAULT), "stacking": (STKERR, BUSFAULT), "unstacking": (UNSTKERR, BUSFAULT),
            "xn": (1, MEMMANAGE),
        }.get(kind, (0, None))
        priority = self._execution_priority()
        target = HARDFAULT
        hfsr = HFSR_DEBUGEVT if kind == "debugevt" else 0
        if configurable is not None and self.armv7 and self.exceptions.enabled(configurable) \
                and self.exceptions.can_take(configurable, priority):
            target = configurable
        elif configurable is not None or kind == "forced":
            hfsr |= HFSR_FORCED
        if not self.exceptions.can_take(target, priority):
            self._lockup(in_hook)
            return
        self.scs.record_fault(cfsr, hfsr, address if kind == "bus_data" else None)
        self._enter_exception(target, return_address, in_hook)

    def _lockup(self, in_hook: bool) -> None:
        self.locked_up = True
        self._w("PC", self.model.lockup_pc | 1)
        if in_hook:
            self._events.append(("lockup", self.model.lockup_pc))
            self.uc.emu_stop()
        else:
            self._enter_halt(HaltReason.LOCKUP)

    def _enter_exception(self, exc: int, return_address: int, in_hook: bool = False) -> None:
        """Exception entry (ARMv7-M B1.5.6 PushStack/ExceptionTaken), by hand: unicorn only runs the handler."""
        xpsr = self._r("XPSR")
        control = self._r("CONTROL")
        ipsr = xpsr & 0x1FF
        use_psp = ipsr == 0 and bool(control & 2)
        sp = self._r("PSP" if use_psp else "MSP")
        stacked_xpsr = xpsr & ~STKALIGN
        if sp & 4 and self.scs.ccr & STKALIGN:
            sp -= 4
            stacked_xpsr |= STKALIGN  # so that the return can undo the 8-byte alignment
        frame_sp = (sp - 32) & 0xFFFFFFFF
        frame = struct.pack("<8I", self._r("R0"), self._r("R1"), self._r("R2"), self._r("R3"), self._r("R12"),
                            self._r("LR"), return_address & ~1, stacked_xpsr)
        stacked = self.bus.is_ram(frame_sp, 32)
        if stacked:
            region = self.bus.find(frame_sp).target
            offset = frame_sp - region.base
            region.data[offset:offset + 32] = frame
        self._w("PSP" if use_psp else "MSP", frame_sp)
        self._w("LR", 0xFFFFFFF1 if ipsr else 0xFFFFFFFD if use_psp else 0xFFFFFFF9)
        new_control = control & ~(2 | 4)  # handlers use MSP; FPCA cleared
        if new_control != control:
            self._w("CONTROL", new_control)
        if not stacked:
            if exc in (HARDFAULT, NMI) or not self.exceptions.can_take(HARDFAULT, self._execution_priority()):
                self._lockup(in_hook)
                return
            self.scs.record_fault(STKERR, HFSR_FORCED)
            exc = HARDFAULT  # the derived fault is taken instead; the original stays pending
        self._w("XPSR", (xpsr & 0xF80F0000) | 0x01000000 | exc)  # keep NZCVQ/GE, clear IT, T=1, IPSR=exc
        self._w("APSR_NZCV", xpsr & 0xF0000000)  # needed for unicorn to treat EXC_RETURN as a return (notes)
        self.exceptions.activate(exc)
        self.sleeping = False
        try:
            vector = self.bus.read_int(self.scs.vtor + 4 * exc, 4)
        except BusFault:
            vector = 0
        if not vector & 1:
            self.exceptions.deactivate(exc)
            if exc == HARDFAULT:
                self._lockup(in_hook)
                return
            self.scs.record_fault(0, HFSR_VECTTBL | HFSR_FORCED)
            self._enter_exception(HARDFAULT, return_address, in_hook)
            return
        self._w("PC", vector)
        if exc == HARDFAULT and self.vector_catch_hardfault:
            if in_hook:
                self._events.append(("vector_catch", vector & ~1))
                self._counter.stop_after_current()
            else:
                self._enter_halt(HaltReason.VECTOR_CATCH)

    def _exception_return(self, exc_return: int) -> None:
        """EXC_RETURN reached the PC (unicorn's interrupt 8): unstack and go back (ARMv7-M B1.5.8)."""
        if exc_return not in EXC_RETURN_VALUES:
            self._fault("invpc", exc_return & ~1, in_hook=True)
            return
        self.exceptions.deactivate(self.current_exception())
        to_thread = bool(exc_return & 8)
        use_psp = bool(exc_return & 4)
        if to_thread:
            self._w("IPSR", 0)  # Thread mode first, so that setting SPSEL switches the banked SP to PSP
            if use_psp:
                self._w("CONTROL", self._r("CONTROL") | 2)
        frame_sp = self._r("PSP" if use_psp else "MSP")
        if not self.bus.is_ram(frame_sp, 32):
            self._fault("unstacking", exc_return & ~1, in_hook=True)
            return
        r0, r1, r2, r3, r12, lr, pc, xpsr = struct.unpack("<8I", self.bus.read(frame_sp, 32))
        for name, value in (("R0", r0), ("R1", r1), ("R2", r2), ("R3", r3), ("R12", r12), ("LR", lr)):
            self._w(name, value)
        new_sp = (frame_sp + 32) | (4 if xpsr & STKALIGN and self.scs.ccr & STKALIGN else 0)
        self._w("PSP" if use_psp else "MSP", new_sp)
        self._w("XPSR", xpsr & ~STKALIGN)
        self._w("IPSR", xpsr & 0x1FF)
        self._w("PC", pc | 1)
        if self._slice_active and self.exceptions.pending:
            self._counter.stop_after_current()  # tail-chain: the run loop takes it before the next instruction
        elif to_thread and self.scs.scr & 2 and self._slice_active:  # SLEEPONEXIT
            self._events.append(("sleep", pc & ~1))
            self.uc.emu_stop()

    def _pend(self, exc: int) -> None:
        self.exceptions.pend(exc)
        self.exception_state_changed()

    def pend_irq(self, irq: int) -> None:
        """A peripheral raises interrupt `irq` (taken when enabled in the NVIC and allowed by priority)."""
        self._pend(FIRST_IRQ + irq)
