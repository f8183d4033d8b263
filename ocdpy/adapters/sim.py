"""`adapter driver sim`: a probe inside the ocdpy process, wired to a simulated STM32 board.

The board is a device like any other: it is reached only through its debug port, here as SWD packets
to the simulator's SW-DP (`SwdQueue` over it, as over any SWD probe), with the core running on its own
thread like silicon does. The simulator (and unicorn) is imported only when this adapter opens.
"""
from __future__ import annotations

from ..errors import OcdError
from ..transports.swd import SwdQueue
from .probe import Probe, ProbeConfig

SIM_CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")
# OpenOCD's target config names -> the simulated part of that family
FAMILY_CHIPS = {"stm32f0x": "stm32f072rb", "stm32f1x": "stm32f103c8", "stm32f4x": "stm32f401cc"}
# debug port IDs in target configs (-expected-id) -> the family that has them
DPID_CHIPS = {0x0BB11477: "stm32f072rb", 0x1BA01477: "stm32f103c8", 0x3BA00477: "stm32f103c8",
              0x2BA01477: "stm32f401cc", 0x4BA00477: "stm32f401cc"}


def infer_chip(target_names: list[str], expected_ids: list[int]) -> str | None:
    """The simulated part a configuration describes: by its target names (stm32f4x.cpu), else by the
    debug port IDs it expects."""
    for name in target_names:
        chip = FAMILY_CHIPS.get(name.split(".")[0].lower())
        if chip:
            return chip
    for dpid in expected_ids:
        if dpid in DPID_CHIPS:
            return DPID_CHIPS[dpid]
    return None


class SimProbe(Probe):
    """The in-process probe: opens a simulated board (`settings["sim chip"]`) and reaches it over SWD."""

    def __init__(self, config: ProbeConfig) -> None:
        super().__init__(config)
        chip = (config.setting("sim chip") or [None])[0]
        if chip not in SIM_CHIPS:
            raise OcdError(f"sim: no simulated chip '{chip}' (available: {', '.join(SIM_CHIPS)})")
        self.chip = chip
        self.running = None

    def open(self) -> None:
        if self.config.transport not in ("swd", None):
            raise OcdError(f"adapter driver sim: the in-process simulator speaks SWD; "
                           f"'transport select {self.config.transport}' is not available with it yet")
        image = (self.config.setting("sim load") or [None])[0]
        try:
            from ..sim.running import start_board
            self.running = start_board(self.chip, image)
        except ImportError as e:
            raise OcdError(f"adapter driver sim needs the simulator's CPU emulator: pip install unicorn==2.1.4 ({e})")
        except (OSError, ValueError) as e:
            raise OcdError(f"sim load: cannot load {image}: {getattr(e, 'strerror', None) or e}") from None
        self.log.info(f"ocdpy simulator: {self.chip}")

    @property
    def board(self):
        """The simulated board (for tests and the Python API: its LED, GPIO, flash views)."""
        return self.running.board

    def swd(self) -> SwdQueue:
        """A fresh SWD transport to the board, not yet connected."""
        return SwdQueue(self.running.debug.swd, lock=self.running.probe_lock, log=self.log)

    def dap(self) -> SwdQueue:
        queue = self.swd()
        queue.connect()
        return queue

    def set_srst(self, asserted: bool) -> None:
        """NRST: asserting it resets the board (it restarts from its vector table when released)."""
        if asserted:
            with self.running.probe_lock:
                self.running.board.reset()

    def close(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None
