"""`ocdpy-sim`: a simulated board served over TCP with OpenOCD's remote_bitbang protocol (JTAG).

The core runs on its own thread in short slices; the probe side takes the same lock for each packet it
handles, so debugger accesses always see the core between instructions. Pin changes are logged with their
simulated time.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time

SLICE_CYCLES = 20000
CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")


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

    def __init__(self, chip: str) -> None:
        from .board import Board
        from .debug_port import BoardDebugPort
        self.board = Board(chip)
        self.debug = BoardDebugPort(self.board, chip)
        self.lock = threading.RLock()
        self.probe_lock = ProbeLock(self.lock)
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="sim-core", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        core = self.board.core
        while not self.stopping:
            while self.probe_lock.waiting and not self.stopping:
                time.sleep(0.0001)
            with self.lock:
                running = not core.is_halted and not getattr(core, "locked_up", False)
                if running:
                    core.run(SLICE_CYCLES)
            if not running:
                time.sleep(0.001)
                with self.lock:
                    core.pass_time(core.clock_hz // 1000)  # the clock keeps running: 1 ms per ms

    def serve(self, port: int, ready=None, max_clients: int | None = None) -> None:
        """remote_bitbang clients on `port`, each packet handled under the probe lock; SRST resets the board
        (the callback already runs under that lock)."""
        from .rbb_server import serve
        serve(self.debug.chain, port, ready=ready, lock=self.probe_lock, max_clients=max_clients,
              on_srst=lambda asserted: asserted and self.board.reset())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ocdpy-sim", description=__doc__)
    ap.add_argument("--chip", choices=CHIPS, default="stm32f103c8")
    ap.add_argument("--port", type=int, default=3335, help="remote_bitbang TCP port (0: any free port)")
    ap.add_argument("--load", help="ELF or binary to put into flash before starting")
    ap.add_argument("--no-tty", action="store_true", help="plain log lines instead of a live pin display")
    args = ap.parse_args(argv)
    try:
        running = RunningBoard(args.chip)
    except ImportError as e:
        sys.stderr.write(f"Error: the simulator needs unicorn (pip install unicorn==2.1.4): {e}\n")
        return 1
    if running.debug.chain is None:
        sys.stderr.write(f"Error: {args.chip} has no JTAG port; remote_bitbang SWD is not available yet\n")
        return 1
    if args.load:
        running.board.load(args.load)
    running.board.reset()
    running.board.on_pin_change(lambda change: print(f"{change}", flush=True))
    running.start()

    def ready(port: int) -> None:
        print(f"Info : {args.chip} listening for remote_bitbang on 127.0.0.1:{port}", flush=True)

    try:
        running.serve(args.port, ready=ready)
    except KeyboardInterrupt:
        pass
    finally:
        running.stopping = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
