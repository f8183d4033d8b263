"""Placeholder until the tcl_rpc server lands: accepts and closes."""
from __future__ import annotations

from .loop import Protocol


class TclRpcClient(Protocol):
    def __init__(self, session=None) -> None:
        self.session = session

    def connection_made(self, conn) -> None:
        super().connection_made(conn)
        conn.close()
