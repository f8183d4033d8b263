"""`adapter driver cmsis-dap` in front of a simulated board, for tests parametrised over every adapter:

    with adapter_setup("stm32f103c8", "v2") as lines:   # "v1" (HID), "v2" (USB bulk) or "tcp"
        session = Session()
        for line in lines:
            session.command(line)

v1/v2 put one simulated USB probe on this process's simulated bus (OCDPY_SIM_USB, restored afterwards);
tcp starts a board serving CMSIS-DAP over TCP on a free port, for one connection.
"""
from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

VARIANTS = ("v1", "v2", "tcp")
USB_BACKENDS = {"v1": "hid", "v2": "usb_bulk"}


@contextlib.contextmanager
def _tcp_board(chip: str) -> Iterator[int]:
    """A running board serving CMSIS-DAP over TCP to one client; yields its port."""
    from ocdpy.sim.running import RunningBoard
    running = RunningBoard(chip)
    running.board.reset()
    running.start()
    listening = threading.Event()
    ports: list[int] = []

    def ready(port: int) -> None:
        ports.append(port)
        listening.set()

    server = threading.Thread(target=running.serve_cmsis_dap, args=(0,),
                              kwargs={"ready": ready, "max_clients": 1}, daemon=True)
    server.start()
    listening.wait(10)
    try:
        yield ports[0]
    finally:
        with contextlib.suppress(OSError):  # nobody connected: use up the one client so the server ends
            socket.create_connection(("127.0.0.1", ports[0]), timeout=1).close()
        server.join(5)
        running.stop()


@contextlib.contextmanager
def adapter_setup(chip: str, variant: str) -> Iterator[list[str]]:
    """Set up a simulated CMSIS-DAP probe on `chip` and yield the config lines that select it."""
    if variant not in VARIANTS:
        raise ValueError(f"cmsis-dap variant '{variant}': one of {', '.join(VARIANTS)}")
    if variant == "tcp":
        with _tcp_board(chip) as port:
            yield ["adapter driver cmsis-dap", "cmsis-dap backend tcp", "cmsis-dap tcp host 127.0.0.1",
                   f"cmsis-dap tcp port {port}", "transport select swd"]
        return
    from ocdpy.sim.usb_backend import simulated_bus
    with simulated_bus(f"cmsis-dap-{variant}:{chip}"):
        yield ["adapter driver cmsis-dap", f"cmsis-dap backend {USB_BACKENDS[variant]}", "transport select swd"]
