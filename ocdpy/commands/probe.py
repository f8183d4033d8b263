"""Opening the debug adapter at `init` and connecting its transport; the `sim` driver's own commands.

`init` builds a ProbeConfig from what the config stage recorded, opens the driver and connects the
transport: `session.dap_queue` (ADIv5 probes) or `session.memory` (HLA probes) is what the DAP and the
targets are built on.
"""
from __future__ import annotations

import dataclasses

from ..adapters import DRIVERS, probe_class
from ..adapters.probe import ProbeConfig
from ..adapters.sim import SIM_CHIPS, infer_chip
from ..errors import OcdError
from .registry import CONFIG, need

HLA_TRANSPORTS = ("hla_swd", "hla_jtag")


def register(session) -> None:
    session.probe = None
    session.dap_queue = None
    session.memory = None

    def sim_chip(args):
        if not args:
            return session.probe_settings.get("sim chip", [""])[0]
        (name,) = need(args, 1)
        if name.lower() not in SIM_CHIPS:
            raise OcdError(f"sim chip: no simulated chip '{name}' (available: {', '.join(SIM_CHIPS)})")
        session.probe_settings["sim chip"] = [name.lower()]
        return ""

    def sim_load(args):
        (path,) = need(args, 1)
        session.probe_settings["sim load"] = [session.find(path)]
        return ""

    session.registry.add("sim chip", sim_chip, CONFIG, "[stm32f072rb|stm32f103c8|stm32f401cc]",
                         "Choose the simulated part behind 'adapter driver sim'")
    session.registry.add("sim load", sim_load, CONFIG, "file",
                         "Put an ELF or binary into the simulated chip's flash before it starts, as a factory "
                         "programmer would")


def expected_dp_ids(session) -> list[int]:
    return [i for tap in session.taps.values() for i in tap.expected_ids]


def probe_config(session) -> ProbeConfig:
    settings = dict(session.probe_settings)
    if session.adapter.driver == "sim" and "sim chip" not in settings:
        chip = infer_chip(list(session.targets), expected_dp_ids(session))
        if chip is None:
            raise OcdError("adapter driver sim: which chip to simulate? Use 'sim chip NAME' (one of "
                           f"{', '.join(SIM_CHIPS)}) or a target/stm32f0x.cfg, stm32f1x.cfg or stm32f4x.cfg config")
        settings["sim chip"] = [chip]
    adapter = dataclasses.replace(session.adapter, serial=session.adapter_serial or session.adapter.serial,
                                  usb_location=session.adapter_usb_location or session.adapter.usb_location)
    config = ProbeConfig(adapter, session.transport, settings, list(session.taps.values()), session.log)
    daps = [t.dap for t in session.targets.values() if t.dap is not None]
    if daps:
        config.dap_tap = daps[0].tap.name  # the chain position the DAP was created on
    return config


def open_probe(session) -> None:
    """`init`'s first steps: open the adapter, connect its transport, check the debug port's ID."""
    if session.adapter is None or session.adapter.driver not in DRIVERS:
        return  # drivers ocdpy records but does not open yet
    probe = probe_class(session.adapter.driver)(probe_config(session))
    probe.open()
    session.probe = probe
    if session.transport in HLA_TRANSPORTS:
        session.memory = probe.memory()
        return
    session.dap_queue = probe.dap()
