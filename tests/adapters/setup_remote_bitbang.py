"""A simulated board behind remote_bitbang, for tests: `serve_board` gives its TCP port, `adapter_setup` the
config lines that select `adapter driver remote_bitbang` on it (for tests parametrised over all adapters)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from served_board import served_board

CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")
JTAG_CHIPS = ("stm32f103c8", "stm32f401cc")  # the STM32F0 is SW-DP only


@contextlib.contextmanager
def serve_board(chip: str, image: str | None = None) -> Iterator[tuple[object, int]]:
    """A RunningBoard for `chip` serving remote_bitbang on a free port: yields (board, port)."""
    with served_board(chip, "remote_bitbang", image) as served:
        yield served


@contextlib.contextmanager
def adapter_setup(chip: str, variant: str, image: str | None = None) -> Iterator[list[str]]:
    """Config lines for `adapter driver remote_bitbang` on a simulated `chip` (with `image` in its flash);
    `variant` "jtag" or "swd"."""
    if variant not in ("jtag", "swd"):
        raise ValueError(f"remote_bitbang variant '{variant}': jtag or swd")
    if variant == "jtag" and chip not in JTAG_CHIPS:
        raise ValueError(f"{chip} has no JTAG port (JTAG: {', '.join(JTAG_CHIPS)})")
    with serve_board(chip, image) as (_, port):
        yield ["adapter driver remote_bitbang", "remote_bitbang host 127.0.0.1", f"remote_bitbang port {port}",
               f"transport select {variant}"]
