"""Placeholder until the gdb server lands: accepts and closes."""
from __future__ import annotations

from .loop import Protocol


class GdbClient(Protocol):
    def __init__(self, session, target=None) -> None:
        self.session = session

    def connection_made(self, conn) -> None:
        super().connection_made(conn)
        conn.close()
