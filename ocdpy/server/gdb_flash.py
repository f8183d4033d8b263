"""GDB's `load` into flash: vFlashErase ranges and vFlashWrite data are collected, and vFlashDone programs
them through ocdpy's own flash path (the plan from ocdpy/flash/plan.py, the bank drivers), erasing only
the sectors the plan says, with OpenOCD's gdb-flash-erase-start/-end and gdb-flash-write-start/-end events
around the two phases (`init` gives each target OpenOCD's default handlers: `reset init` before erasing,
`reset halt` after writing, see commands/servers.py)."""
from __future__ import annotations

from ..errors import OcdError


def fire_gdb_event(session, target, event: str) -> None:
    """The target's handler for `event` (with the target current); a failing handler is logged, as OpenOCD
    does, and the GDB request goes on."""
    from ..commands.run_control import fire_event

    saved, session.current_target = session.current_target, target
    try:
        fire_event(session, target, event)
    except OcdError as e:
        session.log.error(f"Error executing event {event} on target {target.name}:\n{e.result}")
    finally:
        session.current_target = saved


class FlashLoad:
    """One `load`: the data gdb sent since its first vFlashErase, merged where it is contiguous."""

    def __init__(self, session, target, drivers) -> None:
        self.session, self.target = session, target
        self.drivers = drivers
        self.erase_requests = 0          # gdb's own ranges are not used: the plan decides what is erased
        self.segments: list[list] = []   # [address, bytearray]
        self.size = 0

    @property
    def started(self) -> bool:
        return bool(self.erase_requests or self.segments)

    def in_flash(self, address: int, length: int) -> bool:
        return any(d.base <= address and address + length <= d.base + d.size for d in self.drivers)

    def erase(self, address: int, length: int) -> None:
        if not self.in_flash(address, length):
            raise OcdError(f"vFlashErase 0x{address:08x}+{length} is not in a flash bank")
        self.erase_requests += 1

    def write(self, address: int, data: bytes) -> None:
        """Keep the data; at most the flash's size is held, whatever the client sends."""
        if not self.in_flash(address, len(data)):
            raise OcdError(f"vFlashWrite 0x{address:08x}+{len(data)} is not in a flash bank")
        if self.size + len(data) > sum(d.size for d in self.drivers):
            raise OcdError("vFlashWrite: more data than the flash holds")
        last = self.segments[-1] if self.segments else None
        if last is not None and last[0] + len(last[1]) == address:
            last[1] += data
        else:
            self.segments.append([address, bytearray(data)])
        self.size += len(data)

    def done(self) -> tuple[int, float]:
        """Program what was collected; returns (bytes, seconds)."""
        from ..commands.flash_exec import write_segments
        from ..flash.image import Segment

        session, target = self.session, self.target
        segments = [Segment(address, bytes(data)) for address, data in self.segments]
        self.erase_requests, self.segments, self.size = 0, [], 0
        fire_gdb_event(session, target, "gdb-flash-erase-start")
        phases = PhaseEvents(session, target)
        saved, session.current_target = session.current_target, target
        try:
            result = write_segments(session, segments, "gdb load", erase=True, report=phases,
                                    warn_extra_erase=False)
        finally:
            session.current_target = saved
            phases.writing()
            fire_gdb_event(session, target, "gdb-flash-write-end")
        return result


class PhaseEvents:
    """The progress callback of a gdb load: shows nothing (gdb has its own), fires erase-end/write-start
    when the writing begins, and ends the report with the summary figures write_segments expects."""

    def __init__(self, session, target) -> None:
        import time

        self.session, self.target = session, target
        self._write_started = False
        self._clock = time.monotonic
        self._started = self._clock()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == "write":
            self.writing()

    def writing(self) -> None:
        if not self._write_started:
            self._write_started = True
            fire_gdb_event(self.session, self.target, "gdb-flash-erase-end")
            fire_gdb_event(self.session, self.target, "gdb-flash-write-start")

    def close(self) -> float:
        return self._clock() - self._started
