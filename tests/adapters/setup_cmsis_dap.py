"""`adapter driver cmsis-dap` in front of a simulated board, for tests parametrised over every adapter:

    with adapter_setup("stm32f103c8", "v2") as lines:   # "v1" (HID), "v2" (USB bulk) or "tcp"
        session = Session()
        for line in lines:
            session.command(line)

v1/v2 put one simulated USB probe on this process's simulated bus (OCDPY_SIM_USB, restored afterwards);
tcp starts a board serving CMSIS-DAP over TCP on a free port. The variants select SWD; "v1-jtag",
"v2-jtag" and "tcp-jtag" the same links with `transport select jtag` (STM32F1/F4 only: the F0 is SW-DP only).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from served_board import served_board

VARIANTS = ("v1", "v2", "tcp")
JTAG_VARIANTS = ("v1-jtag", "v2-jtag", "tcp-jtag")
JTAG_CHIPS = ("stm32f103c8", "stm32f401cc")
USB_BACKENDS = {"v1": "hid", "v2": "usb_bulk"}


@contextlib.contextmanager
def adapter_setup(chip: str, variant: str, image: str | None = None) -> Iterator[list[str]]:
    """Set up a simulated CMSIS-DAP probe on `chip` (with `image` in its flash) and yield the config lines
    that select it."""
    if variant not in VARIANTS + JTAG_VARIANTS:
        raise ValueError(f"cmsis-dap variant '{variant}': one of {', '.join(VARIANTS + JTAG_VARIANTS)}")
    link, _, transport = variant.partition("-")
    if transport and chip not in JTAG_CHIPS:
        raise ValueError(f"{chip} has no JTAG port (JTAG: {', '.join(JTAG_CHIPS)})")
    select = f"transport select {transport or 'swd'}"
    if link == "tcp":
        with served_board(chip, "cmsis-dap", image) as (_, port):
            yield ["adapter driver cmsis-dap", "cmsis-dap backend tcp", "cmsis-dap tcp host 127.0.0.1",
                   f"cmsis-dap tcp port {port}", select]
        return
    from ocdpy.sim.usb_backend import simulated_bus
    with simulated_bus(f"cmsis-dap-{link}:{chip}" + (f":load={image}" if image else "")):
        yield ["adapter driver cmsis-dap", f"cmsis-dap backend {USB_BACKENDS[link]}", select]
