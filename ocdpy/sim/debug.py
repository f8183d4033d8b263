"""The Cortex-M debug registers a debugger drives: DHCSR/DCRSR/DCRDR/DEMCR/DFSR in the SCS, the FPB
(flash patch and breakpoint, version 1 as on Cortex-M0/M3/M4) and the DWT comparators.

Per the ARMv6-M / ARMv7-M Architecture Reference Manuals (C1.6, C1.8, C1.11). The core underneath is any
object with halt/resume/step, `is_halted`, read_reg/write_reg (DCRSR numbering) and add/remove_breakpoint.
"""
from __future__ import annotations

from typing import Protocol

DHCSR, DCRSR, DCRDR, DEMCR, DFSR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC, 0xE000ED30
FP_CTRL, FP_REMAP, FP_COMP0 = 0xE0002000, 0xE0002004, 0xE0002008
DWT_CTRL, DWT_CYCCNT, DWT_COMP0 = 0xE0001000, 0xE0001004, 0xE0001020
DBGKEY = 0xA05F
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS, C_SNAPSTALL = 1, 2, 4, 8, 32
S_REGRDY, S_HALT, S_SLEEP, S_LOCKUP, S_RETIRE_ST, S_RESET_ST = 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 24, 1 << 25
VC_CORERESET, VC_HARDERR, TRCENA = 1 << 0, 1 << 10, 1 << 24
DFSR_HALTED, DFSR_BKPT, DFSR_DWTTRAP, DFSR_VCATCH = 1, 2, 4, 8
DWT_MATCHED = 1 << 24  # DWT_FUNCTIONn.MATCHED: this comparator matched since FUNCTION was last read
WATCH_KINDS = {5: "r", 6: "w", 7: "rw"}


class DebuggableCore(Protocol):
    is_halted: bool

    def halt(self) -> None: ...
    def resume(self) -> None: ...
    def step(self) -> None: ...
    def read_reg(self, n: int) -> int: ...
    def write_reg(self, n: int, value: int) -> None: ...
    def add_breakpoint(self, address: int) -> None: ...
    def remove_breakpoint(self, address: int) -> None: ...
    def add_watchpoint(self, address: int, size: int, access: str) -> None: ...
    def remove_watchpoint(self, address: int, size: int, access: str) -> None: ...


class DebugRegisters:
    """Debug-register state of one core; `read`/`write` take absolute addresses."""

    def __init__(self, core: DebuggableCore, fpb_code: int, fpb_literal: int, dwt_comparators: int,
                 has_cyccnt: bool) -> None:
        self.core = core
        self.dhcsr_ctrl = 0           # the C_* bits as last written with the key
        self.reset_seen = True        # S_RESET_ST: a reset happened since DHCSR was last read
        self.retired = False          # S_RETIRE_ST
        self.dcrdr = 0
        self.demcr = 0
        self.dfsr = 0
        self.fp_enabled = False
        self.fp_comps = [0] * (fpb_code + fpb_literal)
        self.fpb_code, self.fpb_literal = fpb_code, fpb_literal
        self.dwt = [[0, 0, 0] for _ in range(dwt_comparators)]  # COMP, MASK, FUNCTION
        self.has_cyccnt = has_cyccnt
        self.cyccnt = 0
        self.lockup = False
        self._installed: set[int] = set()                  # FPB addresses handed to the core
        self._watching: set[tuple[int, int, str]] = set()  # DWT watchpoints handed to the core

    # -- events from the core ---------------------------------------------------------------
    def on_reset(self) -> None:
        """A system or core reset: DHCSR keeps C_DEBUGEN (debug reset domain), the rest restarts."""
        self.reset_seen = True
        self.lockup = False

    def on_halt(self, reason: str) -> None:
        if reason == "watchpoint":
            self._mark_matched()
        self.dfsr |= {"breakpoint": DFSR_BKPT, "bkpt_insn": DFSR_BKPT, "watchpoint": DFSR_DWTTRAP,
                      "vector_catch": DFSR_VCATCH}.get(reason, DFSR_HALTED)

    @property
    def vector_catch_reset(self) -> bool:
        return bool(self.demcr & VC_CORERESET) and bool(self.dhcsr_ctrl & C_DEBUGEN)

    # -- bus side -------------------------------------------------------------------------------
    def handles(self, address: int) -> bool:
        return (address in (DHCSR, DCRSR, DCRDR, DEMCR, DFSR) or FP_CTRL <= address < FP_COMP0 + 4 * len(self.fp_comps)
                or DWT_CTRL <= address < DWT_COMP0 + 16 * len(self.dwt))

    def read(self, address: int) -> int:
        if address == DHCSR:
            return self._read_dhcsr()
        if address == DCRDR:
            return self.dcrdr
        if address == DEMCR:
            return self.demcr
        if address == DFSR:
            return self.dfsr
        if address == FP_CTRL:
            num_code = self.fpb_code
            return ((num_code & 0xF) << 4) | ((num_code >> 4) << 12) | (self.fpb_literal << 8) | int(self.fp_enabled)
        if address == FP_REMAP:
            return 0
        if FP_COMP0 <= address < FP_COMP0 + 4 * len(self.fp_comps):
            return self.fp_comps[(address - FP_COMP0) // 4]
        if address == DWT_CTRL:
            return (len(self.dwt) << 28) | (0 if self.has_cyccnt else 1 << 25)
        if address == DWT_CYCCNT:
            return self.cyccnt & 0xFFFFFFFF if self.has_cyccnt else 0
        if DWT_COMP0 <= address < DWT_COMP0 + 16 * len(self.dwt):
            n, reg = divmod(address - DWT_COMP0, 16)
            if reg == 8:  # FUNCTION: MATCHED clears when read (ARMv7-M C1.8.17, ARMv6-M C1.8.7)
                value = self.dwt[n][2]
                self.dwt[n][2] &= ~DWT_MATCHED
                return value
            return self.dwt[n][reg // 4] if reg < 12 else 0
        return 0

    def _sync_core_flags(self) -> None:
        """The core acts on these itself (BKPT halts, vector catch at reset and on HardFault)."""
        debugen = bool(self.dhcsr_ctrl & C_DEBUGEN)
        for name, value in (("debug_enabled", debugen), ("vector_catch_reset", self.vector_catch_reset),
                            ("mask_interrupts", debugen and bool(self.dhcsr_ctrl & C_MASKINTS)),
                            ("vector_catch_hardfault", debugen and bool(self.demcr & VC_HARDERR))):
            if hasattr(self.core, name):
                setattr(self.core, name, value)

    def write(self, address: int, value: int) -> None:
        if address in (DHCSR, DEMCR):
            try:
                self._write_control(address, value)
            finally:
                self._sync_core_flags()
        else:
            self._write_other(address, value)

    def _write_control(self, address: int, value: int) -> None:
        if address == DHCSR:
            self._write_dhcsr(value)
        else:
            self.demcr = value & 0x010F07F1
            self._sync_watchpoints()  # TRCENA gates the DWT

    def _write_other(self, address: int, value: int) -> None:
        if address == DCRSR:
            self._register_transfer(value)
        elif address == DCRDR:
            self.dcrdr = value & 0xFFFFFFFF
        elif address == DFSR:
            self.dfsr &= ~value
        elif address == FP_CTRL:
            if value & 2:  # KEY must be set for the write to take effect
                self.fp_enabled = bool(value & 1)
                self._sync_breakpoints()
        elif FP_COMP0 <= address < FP_COMP0 + 4 * len(self.fp_comps):
            self.fp_comps[(address - FP_COMP0) // 4] = value & 0xDFFFFFFD
            self._sync_breakpoints()
        elif address == DWT_CYCCNT and self.has_cyccnt:
            self.cyccnt = value
        elif DWT_COMP0 <= address < DWT_COMP0 + 16 * len(self.dwt):
            n, reg = divmod(address - DWT_COMP0, 16)
            if reg < 12:
                self.dwt[n][reg // 4] = value & (0xFFFFFFFF if reg == 0 else 0x1F if reg == 4 else 0xF)
                self._sync_watchpoints()

    # -- DHCSR ---------------------------------------------------------------------------------
    def _read_dhcsr(self) -> int:
        value = self.dhcsr_ctrl & (C_DEBUGEN | C_HALT | C_STEP | C_MASKINTS | C_SNAPSTALL)
        if self.core.is_halted:
            value |= S_HALT | S_REGRDY
        if self.lockup:
            value |= S_LOCKUP
        if self.reset_seen:
            value |= S_RESET_ST
        if self.retired:
            value |= S_RETIRE_ST
        self.reset_seen = self.retired = False  # both read-and-clear
        return value

    def _write_dhcsr(self, value: int) -> None:
        if (value >> 16) != DBGKEY:
            return  # writes without the key are ignored
        ctrl = value & 0x2F
        self.dhcsr_ctrl = ctrl
        if not ctrl & C_DEBUGEN:
            if self.core.is_halted:
                self.core.resume()
            return
        if ctrl & C_HALT:
            if not self.core.is_halted:
                self.core.halt()
                self.on_halt("debug_request")
        elif self.core.is_halted:
            self.dfsr = 0
            if ctrl & C_STEP:
                self.core.step()
                self.on_halt("step")
            else:
                self.core.resume()
            self.retired = True

    def _register_transfer(self, value: int) -> None:
        """DCRSR: move a core register to/from DCRDR (only meaningful while halted)."""
        if not self.core.is_halted:
            return
        regsel = value & 0x7F
        if value & (1 << 16):
            self.core.write_reg(regsel, self.dcrdr)
        else:
            self.dcrdr = self.core.read_reg(regsel) & 0xFFFFFFFF

    # -- FPB -------------------------------------------------------------------------------------
    def breakpoint_addresses(self) -> set[int]:
        """Addresses where an enabled FPB v1 code comparator halts the core."""
        found: set[int] = set()
        if not self.fp_enabled:
            return found
        for comp in self.fp_comps[:self.fpb_code]:
            if not comp & 1:
                continue
            base = comp & 0x1FFFFFFC
            replace = comp >> 30
            if replace in (1, 3):
                found.add(base)
            if replace in (2, 3):
                found.add(base + 2)
        return found

    def _sync_breakpoints(self) -> None:
        wanted = self.breakpoint_addresses()
        current = self._installed
        for addr in current - wanted:
            self.core.remove_breakpoint(addr)
        for addr in wanted - current:
            self.core.add_breakpoint(addr)
        self._installed = wanted

    # -- DWT -------------------------------------------------------------------------------------
    def watchpoints(self) -> set[tuple[int, int, str]]:
        """Enabled data watchpoints as (address, size, access: 'r'|'w'|'rw'); none while DEMCR.TRCENA (DWTENA
        on ARMv6-M) is clear, as the DWT is then disabled."""
        if not self.demcr & TRCENA:
            return set()
        return {w for w in map(self._comparator_watch, self.dwt) if w is not None}

    @staticmethod
    def _comparator_watch(comparator: list[int]) -> tuple[int, int, str] | None:
        """The (address, size, access) one comparator watches, or None when it is not a data watchpoint."""
        comp, mask, function = comparator
        kind = WATCH_KINDS.get(function & 0xF)
        return (comp & ~((1 << mask) - 1), 1 << mask, kind) if kind else None

    def _mark_matched(self) -> None:
        """Set MATCHED on the comparators whose watchpoints the core reports hit."""
        hits = set(getattr(self.core, "watch_hits", ()))
        for comparator in self.dwt:
            if self.demcr & TRCENA and self._comparator_watch(comparator) in hits:
                comparator[2] |= DWT_MATCHED
        if hits:
            self.core.watch_hits.clear()

    def _sync_watchpoints(self) -> None:
        wanted = self.watchpoints()
        current = self._watching
        for watch in current - wanted:
            self.core.remove_watchpoint(*watch)
        for watch in wanted - current:
            self.core.add_watchpoint(*watch)
        self._watching = wanted
