"""Exact instruction counts from unicorn, and a clean way to stop it after the current instruction.

Simulated time is counted in instructions, also in the middle of an execution slice (a GPIO write is timestamped
with the cycle of the instruction that made it). unicorn keeps that count itself, for `emu_start(count=N)`, but
does not expose it; this module reads it from the engine's state. Lowering the same budget makes unicorn stop
before the next instruction, which, unlike `emu_stop()` from a memory callback, never repeats an access.
"""
from __future__ import annotations

import ctypes
import struct
from typing import Any


class InstructionCounter:
    """A window on `uc_struct.emu_counter` / `emu_count` (two adjacent uint64 fields of unicorn 2.1.4).

    unicorn counts instructions for `emu_start(count=N)` with an internal hook that increments emu_counter
    before each instruction and stops once it exceeds emu_count. The Python API does not expose either field,
    so their offset is found once, by running a known number of instructions on a scratch engine.
    """

    _offset: int | None = None

    def __init__(self, uc: Any) -> None:
        if InstructionCounter._offset is None:
            InstructionCounter._offset = _calibrate_counter_offset()
        self._fields = (ctypes.c_uint64 * 2).from_address(uc._uch.value + InstructionCounter._offset)

    @property
    def counter(self) -> int:
        return self._fields[0]

    @property
    def limit(self) -> int:
        return self._fields[1]

    def stop_after_current(self) -> None:
        """Make the count hook stop emulation before the next instruction (no re-executed access)."""
        if self._fields[0] < self._fields[1]:
            self._fields[1] = self._fields[0]


def _calibrate_counter_offset() -> int:
    from unicorn import UC_ARCH_ARM, UC_MODE_THUMB, Uc
    from unicorn.arm_const import UC_CPU_ARM_CORTEX_M3

    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB)
    uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_M3)
    uc.mem_map(0, 0x1000)
    uc.mem_write(0x100, struct.pack("<H", 0x3001) * 0x700 + struct.pack("<H", 0xE7FE))  # adds r0,#1 ... b .
    window = 4096  # bytes of uc_struct searched (the fields sit at ~1.4 KiB in 2.1.4)
    candidates = None
    for count in (1009, 777):
        uc.emu_start(0x101, 0, count=count)
        words = (ctypes.c_uint64 * (window // 8)).from_address(uc._uch.value)
        found = {i for i in range(len(words) - 1) if words[i] == count + 1 and words[i + 1] == count}
        candidates = found if candidates is None else candidates & found
    if not candidates or len(candidates) != 1:
        raise RuntimeError("this unicorn build is not supported by ocdpy.sim: pin unicorn==2.1.4")
    return 8 * candidates.pop()
