"""Exec-stage commands that need a live target (memory, run control, registers, flash writes).

They exist so that configs and users get OpenOCD's stage error before `init`; after `init` they say that
this version of ocdpy cannot do that yet.
"""
from __future__ import annotations

from ..errors import OcdError
from .registry import EXEC

EXEC_COMMANDS = ("soft_reset_halt",)


def register(session) -> None:
    for name in EXEC_COMMANDS:
        session.registry.add(name, needs_target(name), EXEC, "...")


def needs_target(name: str):
    def handler(args):
        raise OcdError(f"'{name}' is not implemented in this version of ocdpy yet")
    return handler
