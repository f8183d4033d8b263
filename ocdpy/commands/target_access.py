"""Exec-stage commands that need a live target (memory, run control, registers, flash writes).

They exist so that configs and users get OpenOCD's stage error before `init`; after `init` they say that
this version of ocdpy cannot reach a target yet. The debug stack (adapters, ADIv5, Cortex-M) and the
flash drivers replace these handlers as they arrive.
"""
from __future__ import annotations

from ..errors import OcdError
from .registry import EXEC

EXEC_COMMANDS = ("mdw", "mdh", "mdb", "mdd", "mww", "mwh", "mwb", "mwd", "halt", "resume", "step", "reset",
                 "soft_reset_halt", "poll", "wait_halt", "reg", "read_memory", "write_memory", "load_image",
                 "verify_image", "verify_image_checksum", "dump_image", "bp", "rbp", "wp", "rwp", "dap info",
                 "flash probe", "flash info", "flash erase_sector", "flash erase_address", "flash erase_check",
                 "flash write_image", "flash write_bank", "flash read_bank", "flash verify_bank", "flash fillw",
                 "flash fillh", "flash fillb", "flash protect", "flash padded_value")


def register(session) -> None:
    for name in EXEC_COMMANDS:
        session.registry.add(name, needs_target(name), EXEC, "...")


def needs_target(name: str):
    def handler(args):
        raise OcdError(f"'{name}' needs a live target, which this version of ocdpy cannot reach yet")
    return handler
