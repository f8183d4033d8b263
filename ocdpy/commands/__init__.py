"""OpenOCD's command set, one module per subsystem; each has `register(session)`."""
from __future__ import annotations

from importlib import import_module

MODULES = ("core", "adapter", "jtag", "target", "flash", "servers", "probe", "memory", "run_control", "flash_exec", "program", "flash_stm32f1x", "flash_stm32f2x", "tcl_server")


def register_all(session) -> None:
    for name in MODULES:
        import_module(f"{__name__}.{name}").register(session)
