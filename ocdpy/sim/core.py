"""A Cortex-M0/M3/M4 core on unicorn 2.1.4, with the parts of the architecture unicorn leaves out done by hand.

unicorn runs Thumb code for the chosen model (`Uc(UC_ARCH_ARM, UC_MODE_THUMB)` + `ctl_set_cpu_model`, never
UC_MODE_MCLASS, which silently becomes a Cortex-M33) but has no NVIC, no SysTick and never vectors an exception.
This module adds, per ARMv6-M / ARMv7-M B1.5: reset from the vector table, exception entry (8-word frame,
EXC_RETURN, IPSR, MSP/PSP switch) and return, SVC, SysTick, fault escalation to HardFault (or the enabled
configurable fault on ARMv7-M) and lockup, PRIMASK/BASEPRI/FAULTMASK masking, WFI/WFE sleep, BKPT and debug halt.

Time. Simulated time is counted in core clock cycles, with a fixed CPI (cycles per instruction) of 1: a
deterministic stand-in for the real pipeline, so the same firmware always produces the same timestamps. Exception
entry/return, flash wait states and sleeping in WFI cost nothing beyond that (WFI skips to the next SysTick event),
and unicorn does not count an instruction skipped by its IT condition (a step over one counts 1).
`now = cycles / clock_hz`; the clock may change (RCC switching to the PLL), earlier time keeps its rate.
A store takes effect at the cycle its instruction ends: MMIO callbacks see `cycles` include the current instruction.

Running. The CPU runs in slices (at most 10,000 instructions, cut short to end exactly at the next SysTick event
or at the caller's cycle budget) and checks halt/reset requests between slices: stopping unicorn from another
thread repeats peripheral accesses (notes, trap 3). The exact number of instructions a slice executed, also in the
middle of a slice (for MMIO timestamps), is read from unicorn's own instruction budget counter (`emu_counter`,
located once by calibration); lowering that budget is also how a peripheral callback stops the slice cleanly after
the current instruction (a pended PendSV is taken at once, a SYSRESETREQ resets at once). `emu_stop` is only called
from interrupt hooks, where it is clean.

Breakpoints and stepping use unicorn's exit addresses (`ctl_set_exits`), which stop even inside an IT block
(trap 2); exits are compiled into translated code, so each change drops the translations at that address. A step
is one instruction (count=1) with an exit at the next sequential address (for IT blocks, which count=1 overruns).
Resuming onto an enabled breakpoint halts again at once, before the instruction runs, as an FPB comparator does
on silicon: debuggers step over it themselves (unicorn, too, stops at once when started on an exit address).

Code changes behind the CPU's back (debugger writes to RAM, flash programming and erase) drop the translated code
of the range, because unicorn does not notice them (the CPU's memory is the very bytes Python changes, see
`bus.py`). They are noted, coalesced (adjacent ranges merge: a 16 KiB buffer written word by word through the
AP is one range), and dropped right before the CPU next executes (`_execute`), never from inside a hook:
`ctl_remove_cache` looks the address up in the TLB and, called from a store hook, can refill the very TLB entry
the store is using (a crash seen with the boot alias, which shares TLB indexes with the flash base). A change
made during a slice (an erase started by a CPU register write) therefore also ends the slice after the current
instruction, so the CPU never runs code translated before it. CPU stores that program flash need neither (see
`bus.py`: unicorn drops those translations itself), which is what makes programming by the CPU fast.
"""
from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from typing import Any, Callable

from .bus import Bus, BusFault
from .exception_model import ExceptionModel
from .halt_reason import HaltReason
from .insn_counter import InstructionCounter
from .nvic import SYSTICK, ExceptionState
from .scs import PPB_BASE, PPB_SIZE, PrivatePeripheralBus, SystemControlSpace
from .systick import TICKINT, SysTick

CPI = 1                      # cycles per instruction: see the module docstring
SLICE_INSTRUCTIONS = 10_000  # longest run between two looks at halt requests
MASKED_PENDING_SLICE = 64    # shorter slices while an exception waits for PRIMASK/BASEPRI to drop (CPSIE is silent)
WFI, WFE, YIELD = 0xBF30, 0xBF20, 0xBF10


@dataclass(frozen=True)
class CoreModel:
    name: str
    unicorn_model: str   # name of the UC_CPU_ARM_* constant
    armv7: bool
    cpuid: int           # SCB CPUID as the silicon reports it
    has_fpu: bool
    priority_bits: int
    ccr_reset: int       # SCB CCR reset value (STKALIGN differs between Cortex-M3 revisions)
    lockup_pc: int       # where the PC points while locked up


# CPUIDs: Cortex-M0 r0p0 (STM32F0), Cortex-M3 r1p1 (STM32F103, whose CCR.STKALIGN resets to 0), Cortex-M4 r0p1.
CORTEX_M0 = CoreModel("cortex-m0", "UC_CPU_ARM_CORTEX_M0", False, 0x410CC200, False, 2, 0x208, 0xFFFFFFFE)
CORTEX_M3 = CoreModel("cortex-m3", "UC_CPU_ARM_CORTEX_M3", True, 0x411FC231, False, 4, 0x000, 0xEFFFFFFE)
CORTEX_M4F = CoreModel("cortex-m4", "UC_CPU_ARM_CORTEX_M4", True, 0x410FC241, True, 4, 0x200, 0xEFFFFFFE)
MODELS = {m.name: m for m in (CORTEX_M0, CORTEX_M3, CORTEX_M4F)}


# -- the core ------------------------------------------------------------------------------------------------
class Core(ExceptionModel):
    """One Cortex-M core with its bus, SCS (SCB/NVIC/SysTick) and debug run control.

    Public state: `is_halted`, `halt_reason`, `locked_up`, `sleeping`, `cycles`, `now`, `clock_hz`.
    Debug flags the debug model sets: `vector_catch_reset`, `vector_catch_hardfault`, `debug_enabled` (BKPT halts
    rather than escalating to HardFault), `mask_interrupts` (C_MASKINTS: no exception entry on a step).
    Listeners: `on_halt` (called with the HaltReason), `on_reset` (called with the reset kind before the vector
    table is read; chips reset their peripherals there).
    """

    def __init__(self, model: CoreModel | str, clock_hz: int, num_irqs: int = 32, systick_calib: int = 0) -> None:
        import unicorn
        from unicorn import arm_const

        self._reg_ids = _RegisterIds(arm_const)
        self.model = MODELS[model] if isinstance(model, str) else model
        self.armv7 = self.model.armv7
        self.cpuid = self.model.cpuid
        self.has_fpu = self.model.has_fpu
        uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB)
        uc.ctl_set_cpu_model(getattr(arm_const, self.model.unicorn_model))  # before any mapping
        self.uc = uc
        self._counter = InstructionCounter(uc)

        # time
        self.clock_hz = clock_hz
        self._cycles = 0
        self._time_base = 0.0
        self._cycles_base = 0

        # slice state
        self._slice_active = False
        self._slice_start = 0
        self._events: list[tuple[str, int]] = []
        self._dirty_code: dict[int, int] = {}   # end -> start of code ranges to drop before the next slice
        self._running = False
        self._run_thread: int | None = None

        # run control
        self._halted = True
        self._halt_reason = HaltReason.NONE
        self.locked_up = False
        self.sleeping = False
        self._halt_request = False
        self._reset_request: str | None = None
        self._invstate_pending = False
        self._breakpoints: set[int] = set()
        self._exits_installed: set[int] = set()
        self._watchpoints: dict[tuple[int, int, str], list[int]] = {}
        self._flush_pending = False
        self.watch_hits: list[tuple[int, int, str]] = []  # watchpoints that matched, for DWT FUNCTION.MATCHED
        self._bad_address: int | None = None
        self.vector_catch_reset = False
        self.vector_catch_hardfault = False
        self.debug_enabled = True
        self.mask_interrupts = False
        self.on_halt: list[Callable[[HaltReason], None]] = []
        self.on_reset: list[Callable[[str], None]] = []

        # bus and system control space
        self.bus = Bus(uc)
        self.bus.on_code_change = self._code_changed
        self.bus.on_store_undo = self._counter.stop_after_current
        self.exceptions = ExceptionState(self.armv7, self.model.priority_bits, num_irqs)
        self.systick = SysTick(lambda: self.cycles, lambda: self.exceptions.pend(SYSTICK), systick_calib)
        self.scs = SystemControlSpace(self, self.systick, self.model.ccr_reset)
        self.ppb = PrivatePeripheralBus(self.scs)
        self.bus.add_device("PPB", PPB_BASE, PPB_SIZE, self.ppb)
        self.debug_bus = DebugBusView(self.bus)

        uc.hook_add(unicorn.UC_HOOK_INTR, self._on_interrupt)
        uc.hook_add(unicorn.UC_HOOK_MEM_READ_UNMAPPED | unicorn.UC_HOOK_MEM_WRITE_UNMAPPED
                    | unicorn.UC_HOOK_MEM_FETCH_UNMAPPED, self._on_unmapped)
        uc.ctl_exits_enabled(True)
        uc.ctl_set_exits([])

    # == time ================================================================================================
    @property
    def cycles(self) -> int:
        """Core clock cycles since creation; exact also inside a slice (counts the current instruction)."""
        if self._slice_active:
            return self._slice_start + min(self._counter.counter, self._counter.limit) * CPI
        return self._cycles

    @property
    def now(self) -> float:
        """Simulated seconds since creation."""
        return self._time_base + (self.cycles - self._cycles_base) / self.clock_hz

    def set_clock_hz(self, hz: int) -> None:
        """Change the core clock from now on (RCC switching to the PLL): earlier time keeps its old rate."""
        if hz == self.clock_hz or hz <= 0:
            return
        cycles = self.cycles
        self._time_base += (cycles - self._cycles_base) / self.clock_hz
        self._cycles_base = cycles
        self.clock_hz = hz

    # == registers ===========================================================================================
    def _r(self, reg: str) -> int:
        return self.uc.reg_read(self._reg_ids[reg])

    def _w(self, reg: str, value: int) -> None:
        self.uc.reg_write(self._reg_ids[reg], value & 0xFFFFFFFF)

    @property
    def pc(self) -> int:
        return self._r("PC") & ~1

    def current_exception(self) -> int:
        return self._r("IPSR") & 0x1FF

    def read_reg(self, n: int) -> int:
        """Core register by DCRSR.REGSEL number (ARMv7-M C1.6.3); unknown numbers read as 0."""
        if 0 <= n <= 12:
            return self._r(f"R{n}")
        names = {13: "SP", 14: "LR", 15: "PC", 16: "XPSR", 17: "MSP", 18: "PSP"}
        if n in names:
            value = self._r(names[n])
            return value & ~1 if n == 15 else value
        if n == 20:
            value = (self._r("CONTROL") & 7) << 24 | (self._r("PRIMASK") & 1)
            if self.armv7:
                value |= (self._r("FAULTMASK") & 1) << 16 | (self._r("BASEPRI") & 0xFF) << 8
            return value
        if self.has_fpu and n == 33:
            return self._r("FPSCR")
        if self.has_fpu and 64 <= n < 96:
            return self._r(f"S{n - 64}") & 0xFFFFFFFF
        return 0

    def write_reg(self, n: int, value: int) -> None:
        value &= 0xFFFFFFFF
        if 0 <= n <= 12:
            self._w(f"R{n}", value)
        elif n == 15:
            self._w("PC", value | 1)  # EPSR.T stays set: M profile is Thumb only
        elif n in (13, 14, 16, 17, 18):
            self._w({13: "SP", 14: "LR", 16: "XPSR", 17: "MSP", 18: "PSP"}[n], value)
        elif n == 20:
            control = (value >> 24) & (7 if self.has_fpu else 3 if self.armv7 else 2)
            self._w("CONTROL", control)
            self._w("PRIMASK", value & 1)
            if self.armv7:
                self._w("FAULTMASK", (value >> 16) & 1)
                self._w("BASEPRI", (value >> 8) & self.exceptions.priority_mask)
        elif self.has_fpu and n == 33:
            self._w("FPSCR", value)
        elif self.has_fpu and 64 <= n < 96:
            self._w(f"S{n - 64}", value)

    # == memory, as the debugger sees it =====================================================================
    def read(self, address: int, length: int) -> bytes:
        """Bytes as a bus master other than the CPU reads them (MMIO registers included)."""
        return self.bus.read(address, length)

    def write(self, address: int, data: bytes) -> None:
        """Write through the bus: RAM and registers change; flash only through its controller, as on silicon."""
        self.bus.write(address, bytes(data))

    def read32(self, address: int) -> int:
        return self.bus.read_int(address, 4)

    def write32(self, address: int, value: int) -> None:
        self.bus.write_int(address, 4, value)

    # == run control =========================================================================================
    @property
    def is_halted(self) -> bool:
        return self._halted

    @property
    def halt_reason(self) -> HaltReason:
        return self._halt_reason

    def halt(self) -> None:
        """Debug halt request. From another thread while `run` executes, it takes effect at the next slice
        boundary; from a peripheral callback, after the current instruction."""
        if self._halted:
            if self.locked_up and self._halt_reason == HaltReason.LOCKUP:
                self._halt_reason = HaltReason.DEBUG_REQUEST  # a halt request while locked up: now in debug state
            return
        if self._running:
            self._halt_request = True
            if self._slice_active and threading.get_ident() == self._run_thread:
                self._counter.stop_after_current()
            return
        self._enter_halt(HaltReason.DEBUG_REQUEST)

    def resume(self) -> None:
        """Leave debug halt (a breakpoint at the current PC halts again at once)."""
        if not self._halted:
            return
        self._halted = False
        self._halt_reason = HaltReason.NONE
        self.locked_up = False

    def step(self) -> HaltReason:
        """Execute one instruction (or take a pending exception, unless `mask_interrupts`) and halt again."""
        if not self._halted:
            return self._halt_reason
        if self.locked_up:
            return self._halt_reason
        self._halted = False
        self._halt_reason = HaltReason.NONE
        self._service_requests()
        if self._halted:
            return self._halt_reason
        self.systick.catch_up(self._cycles)
        if self._take_pending_exception():
            if not self._halted:
                self._enter_halt(HaltReason.STEP)
            return self._halt_reason
        self.sleeping = False
        pc = self.pc
        self._execute(1, extra_exits={pc + self._instruction_length(pc)}, skip_exit=pc, stepping=True)
        self.sleeping = False  # a stepped WFI completes at once
        if not self._halted:
            self._enter_halt(HaltReason.STEP)
        return self._halt_reason

    def run(self, cycles: int | None = None, until: Callable[[], bool] | None = None) -> HaltReason | None:
        """Execute until halted (returns the reason), `cycles` more cycles have passed, `until()` is true
        (checked between slices; see `interrupt_slice`) or, with no cycle budget, the core sleeps with nothing
        left that could wake it (returns None in those cases)."""
        if self._running:
            raise RuntimeError("Core.run is not re-entrant")
        end = None if cycles is None else self._cycles + cycles
        self._running = True
        self._run_thread = threading.get_ident()
        try:
            return self._run_loop(end, until)
        finally:
            self._running = False

    def pass_time(self, cycles: int) -> None:
        """Let the clock run while the core is halted (or locked up): it executes nothing, but what is timed by
        `now` (flash erase/BSY) moves on; SysTick, which stops in debug halt, does not. No effect on a running
        core (use `run`)."""
        if cycles <= 0 or self._slice_active or not self._halted:
            return
        self.systick.pause(cycles)
        self._cycles += cycles

    def interrupt_slice(self) -> None:
        """End the current slice after this instruction (e.g. so that `run(until=...)` looks again)."""
        if self._slice_active:
            self._counter.stop_after_current()

    def _run_loop(self, end: int | None, until: Callable[[], bool] | None) -> HaltReason | None:
        while True:
            self._service_requests()
            if self._halted:
                return self._halt_reason
            if end is not None and self._cycles >= end:
                return None
            if until is not None and until():
                return None
            self.systick.catch_up(self._cycles)
            if self._take_pending_exception():
                continue
            if self.sleeping:
                wake = self._next_wake_cycle()
                if wake is None and end is None:
                    return None
                target = end if wake is None else wake if end is None else min(wake, end)
                self._cycles = max(self._cycles, target)
                continue
            if self.pc in self._breakpoints:
                self._enter_halt(HaltReason.BREAKPOINT)
                continue
            self._execute(self._slice_budget(end))

    def _slice_budget(self, end: int | None) -> int:
        budget = SLICE_INSTRUCTIONS * CPI
        if self.systick.csr & TICKINT:
            event = self.systick.next_event()
            if event is not None:
                budget = min(budget, max(1, event - self._cycles))
        if end is not None:
            budget = min(budget, max(1, end - self._cycles))
        if self.exceptions.pending and self.exceptions.highest_pending() is not None:
            budget = min(budget, MASKED_PENDING_SLICE)
        return max(1, -(-budget // CPI))

    def _next_wake_cycle(self) -> int | None:
        if self.systick.csr & TICKINT:
            return self.systick.next_event()
        return None

    def _enter_halt(self, reason: HaltReason) -> None:
        self._halted = True
        self._halt_reason = reason
        for listener in self.on_halt:
            listener(reason)

    def _service_requests(self) -> None:
        if self._reset_request is not None:
            kind, self._reset_request = self._reset_request, None
            self.reset(kind)
        if self._halt_request:
            self._halt_request = False
            if not self._halted:
                self._enter_halt(HaltReason.DEBUG_REQUEST)

    # == breakpoints and watchpoints =========================================================================
    @property
    def breakpoints(self) -> frozenset[int]:
        return frozenset(self._breakpoints)

    def add_breakpoint(self, address: int) -> None:
        self._breakpoints.add(address & ~1)
        self._install_exits(self._breakpoints)

    def remove_breakpoint(self, address: int) -> None:
        self._breakpoints.discard(address & ~1)
        self._install_exits(self._breakpoints)

    def _install_exits(self, exits: set[int]) -> None:
        """Make `exits` the stop addresses, dropping translations compiled with the old set."""
        if exits == self._exits_installed:
            return
        if self._slice_active:
            self._counter.stop_after_current()  # applied when the slice ends
            return
        changed = exits ^ self._exits_installed
        self.uc.ctl_set_exits(sorted(exits))
        for address in changed:
            self.uc.ctl_remove_cache(address, address + 2)
        self._exits_installed = set(exits)

    def add_watchpoint(self, address: int, size: int, access: str = "rw") -> None:
        """Halt (reason WATCHPOINT) after an instruction that reads/writes [address, address+size)."""
        from unicorn import UC_HOOK_MEM_READ, UC_HOOK_MEM_WRITE

        key = (address, size, access)
        if key in self._watchpoints:
            return
        kinds = (UC_HOOK_MEM_READ if "r" in access else 0) | (UC_HOOK_MEM_WRITE if "w" in access else 0)
        handle = self.uc.hook_add(kinds, self._on_watch, key, address, address + size - 1)
        self._watchpoints[key] = [handle]
        self._flush_translations()  # code translated before the hook existed would not report the access

    def _flush_translations(self) -> None:
        """Drop every translated block (now, or when the running slice ends)."""
        if self._slice_active:
            self._flush_pending = True
            self._counter.stop_after_current()
        else:
            self.uc.ctl_flush_tb()

    def remove_watchpoint(self, address: int, size: int, access: str = "rw") -> None:
        for handle in self._watchpoints.pop((address, size, access), []):
            self.uc.hook_del(handle)

    def _on_watch(self, uc: Any, access: int, address: int, size: int, value: int, key: Any) -> None:
        self._events.append(("watch", address))
        self.watch_hits.append(key)
        self._counter.stop_after_current()

    # == reset ===============================================================================================
    def request_reset(self, kind: str) -> None:
        """A reset asked for by a register write (AIRCR): at once, or after the current instruction."""
        if self._slice_active:
            self._reset_request = kind
            self._counter.stop_after_current()
        else:
            self.reset(kind)

    def reset(self, kind: str = "system", halt: bool = False) -> None:
        """Reset: "system" (SYSRESETREQ: core and peripherals), "core" (VECTRESET: core and SCS only) or
        "power_on" (as system; listeners may also clear state). RAM keeps its contents. The core then runs from
        the vector table's reset vector, or halts there (`halt`, or `vector_catch_reset`: reason VECTOR_CATCH)."""
        if self._slice_active:
            self.request_reset(kind)
            return
        self.exceptions.reset()
        self.systick.reset()
        self.scs.reset()
        self.sleeping = False
        self.locked_up = False
        self._invstate_pending = False
        self._halt_request = False
        for listener in self.on_reset:
            listener(kind)
        # Thread mode, MSP, privileged, no masks; R0-R12 are UNKNOWN after reset (0 here), LR = 0xFFFFFFFF.
        self._w("CONTROL", 0)
        self._w("XPSR", 0x01000000)
        self._w("PRIMASK", 0)
        if self.armv7:
            self._w("BASEPRI", 0)
            self._w("FAULTMASK", 0)
        for n in range(13):
            self._w(f"R{n}", 0)
        self._w("LR", 0xFFFFFFFF)
        self._w("PSP", 0)
        try:
            sp, entry = struct.unpack("<II", self.bus.read(0, 8))
        except BusFault:
            sp, entry = 0, 0
            self._lockup(in_hook=False)
        self._w("MSP", sp & ~3)
        self._w("PC", entry | 1)
        self._invstate_pending = not entry & 1  # a vector without the Thumb bit faults on its first instruction
        self._halted = False
        self._halt_reason = HaltReason.NONE
        if self.vector_catch_reset:
            self._enter_halt(HaltReason.VECTOR_CATCH)
        elif halt:
            self._enter_halt(HaltReason.DEBUG_REQUEST)

    # == one slice ===========================================================================================
    def _execute(self, budget: int, extra_exits: set[int] = frozenset(), skip_exit: int | None = None,
                 stepping: bool = False) -> None:
        from unicorn import UcError

        pc = self.pc
        if self._invstate_pending:
            self._invstate_pending = False
            self._fault("invstate", pc)
            return
        if self._dirty_code:
            self._flush_dirty_code()
        exits = (self._breakpoints - {skip_exit}) | set(extra_exits)
        self._install_exits(exits)
        if self._flush_pending:
            self._flush_pending = False
            self.uc.ctl_flush_tb()
        self._events = []
        self._bad_address = None
        self._slice_start = self._cycles
        self._slice_active = True
        error: Exception | None = None
        try:
            self.uc.emu_start(pc | 1, 0, count=budget)
        except (UcError, BusFault) as exc:
            error = exc
        finally:
            counter, limit = self._counter.counter, self._counter.limit
            self._cycles = self._slice_start + min(counter, limit) * CPI
            self._slice_active = False
            self.bus.undo_cpu_stores()
            self._install_exits(self._breakpoints)
        if stepping and min(counter, limit) == 0 and error is None and self.pc != pc:
            self._cycles += CPI  # a condition-failed instruction in an IT block: unicorn does not count it
        if error is not None:
            self._handle_error(error, pc, min(counter, limit))
        if self._events:
            self._handle_events()
        elif error is None and counter <= limit and not stepping:
            # Stopped before its budget by nothing we asked for: an exit address or WFI.
            here = self.pc
            if here in exits:
                if here in self._breakpoints:
                    self._enter_halt(HaltReason.BREAKPOINT)
            elif self._halfword(here - 2) == WFI:
                self.sleeping = True

    def _handle_events(self) -> None:
        for kind, pc in self._events:
            if kind == "bkpt":
                self._w("PC", pc | 1)
                self._enter_halt(HaltReason.BKPT_INSN)
            elif kind == "lockup":
                self._w("PC", self.model.lockup_pc | 1)
                self._enter_halt(HaltReason.LOCKUP)
            elif kind == "sleep":
                self._w("PC", pc | 1)
                self.sleeping = True
            elif kind == "watch" and not self._halted:
                self._enter_halt(HaltReason.WATCHPOINT)
            elif kind == "vector_catch" and not self._halted:
                self._enter_halt(HaltReason.VECTOR_CATCH)
        self._events = []

    def _handle_error(self, error: Exception, start_pc: int, executed: int) -> None:
        """Turn what stopped unicorn into the architecture's answer: a fault, a hint, or sleep."""
        import unicorn

        here = self.pc
        if isinstance(error, BusFault):
            self._fault("bus_data", here, self._bad_address)
            return
        code = error.errno
        if code == unicorn.UC_ERR_INSN_INVALID:
            previous = self._halfword(here - 2)
            if previous in (WFE, YIELD) and not (here == start_pc and executed == 1):
                # unicorn rejects these hints after executing them; PC is already past them
                if previous == WFE and self.exceptions.highest_pending() is None:
                    self.sleeping = True
                return
            self._fault("undef", here)
        elif code in (unicorn.UC_ERR_READ_UNMAPPED, unicorn.UC_ERR_WRITE_UNMAPPED, unicorn.UC_ERR_READ_PROT,
                      unicorn.UC_ERR_WRITE_PROT):
            self._fault("bus_data", here, self._bad_address)
        elif code == unicorn.UC_ERR_FETCH_UNMAPPED:
            self._fault("bus_fetch", here)
        elif code == unicorn.UC_ERR_FETCH_PROT:
            self._fault("xn", here)
        elif code in (unicorn.UC_ERR_READ_UNALIGNED, unicorn.UC_ERR_WRITE_UNALIGNED,
                      unicorn.UC_ERR_FETCH_UNALIGNED):
            self._fault("unaligned", here)
        elif code == unicorn.UC_ERR_EXCEPTION:
            self._fault("undef", here)
        else:
            raise error

    # == hooks (run inside a slice) ==========================================================================
    def _on_unmapped(self, uc: Any, access: int, address: int, size: int, value: int, _ud: Any) -> bool:
        self._bad_address = address
        return False  # let unicorn stop with the error; _handle_error vectors the fault

    def _on_interrupt(self, uc: Any, intno: int, _ud: Any) -> None:
        pc = self._r("PC")
        if intno == 8:      # EXC_RETURN loaded into the PC in Handler mode
            self._exception_return(pc | 1)
        elif intno == 2:    # SVC: PC is past the instruction
            self._take_svc(pc & ~1)
        elif intno == 7:    # BKPT
            if self.debug_enabled:
                self._events.append(("bkpt", pc & ~1))
                uc.emu_stop()
            else:
                self._fault("debugevt", pc & ~1, in_hook=True)
        else:
            kind = {3: "bus_fetch", 4: "unaligned", 17: "nocp", 18: "invstate", 22: "unaligned"}.get(intno, "undef")
            self._fault(kind, pc & ~1, in_hook=True)

    # == helpers =============================================================================================
    def _halfword(self, address: int) -> int | None:
        try:
            return self.bus.read_int(address, 2)
        except BusFault:
            return None

    def _instruction_length(self, address: int) -> int:
        first = self._halfword(address)
        return 4 if first is not None and (first >> 11) in (0b11101, 0b11110, 0b11111) else 2

    def _code_changed(self, address: int, length: int) -> None:
        """Bytes that may hold code changed: drop their translations before the CPU executes again."""
        if self._slice_active:
            self._counter.stop_after_current()  # unicorn cannot drop translations safely from inside a hook
        end = address + length
        start = self._dirty_code.pop(address, address)  # extends a range ending here (sequential writes)
        self._dirty_code[end] = min(start, self._dirty_code.get(end, start))

    def _flush_dirty_code(self) -> None:
        ranges = sorted((start, end) for end, start in self._dirty_code.items())
        self._dirty_code = {}
        merged = [list(ranges[0])]
        for start, end in ranges[1:]:
            if start > merged[-1][1]:
                merged.append([start, end])
            else:
                merged[-1][1] = max(merged[-1][1], end)
        for start, end in merged:
            while start < end:  # one call per mapping: unicorn resolves only the start address
                mapping = self.bus.find(start)
                stop = end if mapping is None else min(end, mapping.end)
                self.uc.ctl_remove_cache(start, stop)
                start = stop


class _RegisterIds(dict):
    """unicorn register ids by short name ("R0", "XPSR", "APSR_NZCV"...), looked up once each."""

    def __init__(self, arm_const: Any) -> None:
        super().__init__()
        self._arm_const = arm_const

    def __missing__(self, name: str) -> int:
        self[name] = getattr(self._arm_const, "UC_ARM_REG_" + name)
        return self[name]


class DebugBusView:
    """The `dap.DebugBus` face of the bus (read/write of one 1/2/4-byte access), for an AHB-AP model."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    def read(self, address: int, size: int) -> int:
        return self.bus.read_int(address, size)

    def write(self, address: int, size: int, value: int) -> None:
        self.bus.write_int(address, size, value)
