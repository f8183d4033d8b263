"""Opening the debug adapter at `init` and connecting its transport; the `sim` driver's own commands.

Today this reaches as far as the debug port: the probe opens, SWD switches the SWJ-DP over and reads
DPIDR, which is compared with the `-expected-id` of the configuration. The DAP, the cores and the
servers build on `session.dap_queue` (issue: the debug stack).
"""
from __future__ import annotations

from ..adapters.sim import SIM_CHIPS, SimAdapter, infer_chip
from ..errors import OcdError
from .registry import CONFIG, need


def register(session) -> None:
    session.sim_chip = None
    session.probe = None
    session.dap_queue = None

    def sim_chip(args):
        if not args:
            return session.sim_chip or ""
        (name,) = need(args, 1)
        if name.lower() not in SIM_CHIPS:
            raise OcdError(f"sim chip: no simulated chip '{name}' (available: {', '.join(SIM_CHIPS)})")
        session.sim_chip = name.lower()
        return ""

    session.registry.add("sim chip", sim_chip, CONFIG, "[stm32f072rb|stm32f103c8|stm32f401cc]",
                         "Choose the simulated part behind 'adapter driver sim'")


def expected_dp_ids(session) -> list[int]:
    return [i for tap in session.taps.values() for i in tap.expected_ids]


def open_probe(session) -> None:
    """`init`'s first steps for the drivers ocdpy drives in-process today (sim)."""
    if session.adapter is None or session.adapter.driver != "sim":
        return
    chip = session.sim_chip or infer_chip(list(session.targets), expected_dp_ids(session))
    if chip is None:
        raise OcdError("adapter driver sim: which chip to simulate? Use 'sim chip NAME' (one of "
                       f"{', '.join(SIM_CHIPS)}) or a target/stm32f0x.cfg, stm32f1x.cfg or stm32f4x.cfg config")
    if session.transport not in ("swd", None):
        raise OcdError(f"adapter driver sim: the in-process simulator speaks SWD; "
                       f"'transport select {session.transport}' is not available with it yet")
    probe = SimAdapter(chip)
    probe.open()
    session.probe = probe
    session.log.info(f"ocdpy simulator: {chip}")
    queue = probe.swd()
    dpidr = queue.connect()
    session.log.info(f"SWD DPIDR 0x{dpidr:08x}")
    expected = expected_dp_ids(session)
    if expected and dpidr not in expected:
        session.log.warning(f"SWD DPIDR 0x{dpidr:08x} is not the expected "
                            + " or ".join(f"0x{i:08x}" for i in expected))
    session.dap_queue = queue
