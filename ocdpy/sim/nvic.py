"""Exception bookkeeping of a Cortex-M: which exceptions are pending, active, enabled, and at what priority.

Per ARMv6-M and ARMv7-M B1.5 (exception model). The NVIC and SCB registers (scs.py) read and write this state;
the core (core.py) asks it which exception to take next and whether a fault can still be taken or must lock the
core up. Free of unicorn, so it can be tested alone.
"""
from __future__ import annotations

RESET, NMI, HARDFAULT, MEMMANAGE, BUSFAULT, USAGEFAULT = 1, 2, 3, 4, 5, 6
SVCALL, DEBUGMONITOR, PENDSV, SYSTICK, FIRST_IRQ = 11, 12, 14, 15, 16
THREAD_PRIORITY = 256  # execution priority of Thread mode with no boost: lower than every exception
FIXED_PRIORITY = {RESET: -3, NMI: -2, HARDFAULT: -1}
CONFIGURABLE_FAULT_ENABLE = {MEMMANAGE: 1 << 16, BUSFAULT: 1 << 17, USAGEFAULT: 1 << 18}  # SHCSR enable bits


class ExceptionState:
    """Pending/active sets, IRQ enables and priorities of one core."""

    def __init__(self, armv7: bool, priority_bits: int, num_irqs: int) -> None:
        self.armv7 = armv7
        self.priority_mask = (0xFF << (8 - priority_bits)) & 0xFF  # implemented bits are the top ones
        self.num_irqs = num_irqs
        self.reset()

    def reset(self) -> None:
        self.pending: set[int] = set()
        self.active: set[int] = set()
        self.irq_enabled: set[int] = set()   # exception numbers (16 + IRQn)
        self.priority = [0] * (FIRST_IRQ + self.num_irqs)
        self.prigroup = 0
        self.fault_enables = 0               # SHCSR MEMFAULTENA/BUSFAULTENA/USGFAULTENA

    # -- priorities ------------------------------------------------------------------------------------------
    def set_priority(self, exc: int, value: int) -> None:
        if exc not in FIXED_PRIORITY and 0 < exc < len(self.priority):
            self.priority[exc] = value & self.priority_mask

    def priority_of(self, exc: int) -> int:
        return FIXED_PRIORITY.get(exc, self.priority[exc] if exc < len(self.priority) else 0)

    def group(self, priority: int) -> int:
        """Group (pre-emption) priority: ARMv7-M splits priorities by AIRCR.PRIGROUP; ARMv6-M has no split."""
        if priority < 0 or not self.armv7:
            return priority
        return priority & ~((2 << self.prigroup) - 1)

    def execution_priority(self, primask: int, basepri: int, faultmask: int) -> int:
        prio = THREAD_PRIORITY
        for exc in self.active:
            prio = min(prio, self.group(self.priority_of(exc)))
        if basepri & self.priority_mask:
            prio = min(prio, self.group(basepri & self.priority_mask))
        if primask & 1:
            prio = min(prio, 0)
        if faultmask & 1:
            prio = min(prio, -1)
        return prio

    # -- pending and active ----------------------------------------------------------------------------------
    def enabled(self, exc: int) -> bool:
        if exc >= FIRST_IRQ:
            return exc in self.irq_enabled
        if exc in CONFIGURABLE_FAULT_ENABLE:
            return bool(self.fault_enables & CONFIGURABLE_FAULT_ENABLE[exc])
        return True

    def highest_pending(self) -> int | None:
        """The pending, enabled exception with the highest priority (ties: lowest exception number)."""
        best = None
        best_key = None
        for exc in self.pending:
            if not self.enabled(exc):
                continue
            prio = self.priority_of(exc)
            key = (self.group(prio), prio, exc)
            if best_key is None or key < best_key:
                best, best_key = exc, key
        return best

    def preempting(self, execution_priority: int) -> int | None:
        """The exception to take now, if any pending one has a higher group priority than the execution one."""
        exc = self.highest_pending()
        if exc is not None and self.group(self.priority_of(exc)) < execution_priority:
            return exc
        return None

    def can_take(self, exc: int, execution_priority: int) -> bool:
        return self.group(self.priority_of(exc)) < execution_priority

    def pend(self, exc: int) -> None:
        self.pending.add(exc)

    def unpend(self, exc: int) -> None:
        self.pending.discard(exc)

    def activate(self, exc: int) -> None:
        self.pending.discard(exc)
        self.active.add(exc)

    def deactivate(self, exc: int) -> None:
        self.active.discard(exc)

    def irq_pending_any(self) -> bool:
        return any(exc >= FIRST_IRQ for exc in self.pending)
