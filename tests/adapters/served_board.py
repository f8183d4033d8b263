"""A simulated board serving one of ocdpy-sim's TCP front ends on a free port from a daemon thread, for the
adapter tests (the accept thread lives until the process ends; the core is stopped afterwards)."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def served_board(chip: str, front_end: str, image: str | None = None) -> Iterator[tuple[object, int]]:
    """`front_end` "remote_bitbang" or "cmsis-dap": yields (RunningBoard, port)."""
    from ocdpy.sim.running import start_board
    running = start_board(chip, image)
    serve = {"remote_bitbang": running.serve, "cmsis-dap": running.serve_cmsis_dap}[front_end]
    ready = threading.Event()
    ports: list[int] = []

    def on_ready(port: int) -> None:
        ports.append(port)
        ready.set()

    threading.Thread(target=serve, args=(0,), kwargs={"ready": on_ready}, daemon=True,
                     name=f"{front_end}-{chip}").start()
    try:
        if not ready.wait(10):
            raise RuntimeError(f"the {front_end} server did not start listening")
        yield running, ports[0]
    finally:
        running.stop()
