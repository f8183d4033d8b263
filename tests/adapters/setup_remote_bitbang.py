"""A simulated board behind remote_bitbang, for tests: `serve_board` gives its TCP port, `adapter_setup` the
config lines that select `adapter driver remote_bitbang` on it (for tests parametrised over all adapters)."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")
JTAG_CHIPS = ("stm32f103c8", "stm32f401cc")  # the STM32F0 is SW-DP only


@contextlib.contextmanager
def serve_board(chip: str) -> Iterator[tuple[object, int]]:
    """A RunningBoard for `chip` serving remote_bitbang on a free port from a daemon thread: yields
    (board, port) and stops the core afterwards (the accept thread dies with the process)."""
    from ocdpy.sim.running import RunningBoard
    running = RunningBoard(chip)
    running.start()
    ready = threading.Event()
    ports: list[int] = []

    def on_ready(port: int) -> None:
        ports.append(port)
        ready.set()

    threading.Thread(target=running.serve, args=(0,), kwargs={"ready": on_ready}, daemon=True,
                     name=f"rbb-{chip}").start()
    try:
        if not ready.wait(10):
            raise RuntimeError("the remote_bitbang server did not start listening")
        yield running, ports[0]
    finally:
        running.stop()


@contextlib.contextmanager
def adapter_setup(chip: str, variant: str) -> Iterator[list[str]]:
    """Config lines for `adapter driver remote_bitbang` on a simulated `chip`; `variant` "jtag" or "swd"."""
    if variant not in ("jtag", "swd"):
        raise ValueError(f"remote_bitbang variant '{variant}': jtag or swd")
    if variant == "jtag" and chip not in JTAG_CHIPS:
        raise ValueError(f"{chip} has no JTAG port (JTAG: {', '.join(JTAG_CHIPS)})")
    with serve_board(chip) as (_, port):
        yield ["adapter driver remote_bitbang", "remote_bitbang host 127.0.0.1", f"remote_bitbang port {port}",
               f"transport select {variant}"]
