"""Exec-stage commands that need a live target (memory, run control, registers, flash writes).

They exist so that configs and users get OpenOCD's stage error before `init`; after `init` they say that
this version of ocdpy cannot do that yet. The flash drivers and image loaders replace these as they arrive.
"""
from __future__ import annotations

from ..errors import OcdError
from .registry import EXEC

EXEC_COMMANDS = ("soft_reset_halt", "load_image", "verify_image", "verify_image_checksum", "dump_image",
                 "flash probe", "flash info", "flash erase_sector", "flash erase_address", "flash erase_check",
                 "flash write_image", "flash write_bank", "flash read_bank", "flash verify_bank", "flash fillw",
                 "flash fillh", "flash fillb", "flash protect", "flash padded_value")


def register(session) -> None:
    for name in EXEC_COMMANDS:
        session.registry.add(name, needs_target(name), EXEC, "...")


def needs_target(name: str):
    def handler(args):
        raise OcdError(f"'{name}' is not implemented in this version of ocdpy yet")
    return handler
