"""The `$target` methods ocdpy does not implement (mem2array, profile, …): registered so that configs get
OpenOCD's stage error before `init`, and a plain "not implemented" after it."""
from __future__ import annotations

from ..errors import OcdError


def needs_target(name: str):
    def handler(args):
        raise OcdError(f"'{name}' is not implemented in this version of ocdpy yet")
    return handler
