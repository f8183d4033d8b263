"""Why a simulated core is in debug halt."""
from __future__ import annotations

from enum import StrEnum


class HaltReason(StrEnum):
    """Why the core is in debug halt (the strings match what debug.DebugRegisters.on_halt expects)."""

    NONE = "none"
    DEBUG_REQUEST = "debug_request"
    BREAKPOINT = "breakpoint"
    BKPT_INSN = "bkpt_insn"
    STEP = "step"
    WATCHPOINT = "watchpoint"
    VECTOR_CATCH = "vector_catch"
    LOCKUP = "lockup"
