"""A simulated board running as silicon does: the core on its own thread in short slices, while probes talk
to its debug port under one lock (so they always see the core between instructions)."""
from __future__ import annotations

import threading
import time
from typing import Callable

SLICE_CYCLES = 20000


class ProbeLock:
    """The board lock as the probe side takes it: the core thread sees a probe waiting and stands back,
    so a busy core cannot starve the debugger (plain locks are not fair)."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self.waiting = 0

    def __enter__(self) -> None:
        self.waiting += 1
        self.lock.acquire()
        self.waiting -= 1

    def __exit__(self, *exc) -> None:
        self.lock.release()


class RunningBoard:
    """A board whose core runs in the background while a probe talks to its debug port."""

    def __init__(self, chip: str, realtime: bool = False) -> None:
        """`realtime`: never run ahead of the wall clock (a board on a desk blinks at its real rate); without
        it the core runs as fast as the host allows, which tests and scripted runs want."""
        from .board import Board
        from .debug_port import BoardDebugPort
        self.board = Board(chip)
        self.debug = BoardDebugPort(self.board, chip)
        self.lock = threading.RLock()
        self.probe_lock = ProbeLock(self.lock)
        self.stopping = False
        self.sim_time = 0.0  # simulated seconds, as of the last slice (for threads that must not touch the core)
        self.realtime = realtime
        self.thread = threading.Thread(target=self._run, name="sim-core", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        core = self.board.core
        wall_start, sim_start = time.monotonic(), core.now
        while not self.stopping:
            if self.realtime:
                ahead = (self.sim_time - sim_start) - (time.monotonic() - wall_start)
                if ahead > 0.002:
                    time.sleep(min(ahead, 0.05))
                    continue
            while self.probe_lock.waiting and not self.stopping:
                time.sleep(0.0001)
            with self.lock:
                running = not core.is_halted and not getattr(core, "locked_up", False)
                if running:
                    core.run(SLICE_CYCLES)
                self.sim_time = core.now
            if not running:
                time.sleep(0.001)
                with self.lock:
                    core.pass_time(core.clock_hz // 1000)  # the clock keeps running: 1 ms per ms

    def stop(self) -> None:
        """End the core thread (after its current slice)."""
        self.stopping = True
        if self.thread.is_alive():
            self.thread.join()

    def serve(self, port: int, ready: Callable[[int], None] | None = None,
              max_clients: int | None = None) -> None:
        """remote_bitbang clients on `port`, each packet handled under the probe lock; SRST resets the board
        (the callback already runs under that lock)."""
        from .rbb_server import serve
        serve(self.debug.chain, port, ready=ready, lock=self.probe_lock, max_clients=max_clients,
              on_srst=self._srst, swd=self.debug.swd)

    def serve_cmsis_dap(self, port: int, ready: Callable[[int], None] | None = None,
                        max_clients: int | None = None) -> None:
        """CMSIS-DAP-over-TCP clients on `port`: a CMSIS-DAP probe model in front of the same debug port."""
        from .cmsis_dap import CmsisDapModel
        from .dap_tcp import serve
        model = CmsisDapModel(self.debug.swd, self.debug.chain, on_reset=self._srst)
        serve(model, port, ready=ready, max_clients=max_clients, lock=self.probe_lock)

    def _srst(self, asserted: bool) -> None:
        """The NRST line (callers hold the probe lock): asserting it resets the board."""
        if asserted:
            self.board.reset()


def start_board(chip: str, image: str | None = None, realtime: bool = False) -> RunningBoard:
    """A board with `image` (ELF or raw binary, if given) in its flash as a factory programmer would put it,
    reset and running: what every simulated probe front end stands in front of."""
    running = RunningBoard(chip, realtime=realtime)
    if image:
        running.board.load(image)
    running.board.reset()
    running.start()
    return running
