"""Errors a user can act on. Layers below the command layer raise these; the Tcl layer turns them into Tcl errors."""
from __future__ import annotations

from .tcl.errors import TclError


class OcdError(TclError):
    """Base of every ocdpy error: its message is what the user sees after `Error: `."""


class ShutdownRequest(Exception):
    """`shutdown [error]`: leave the command loop and end the process with this status."""

    def __init__(self, status: int = 0) -> None:
        super().__init__(status)
        self.status = status
