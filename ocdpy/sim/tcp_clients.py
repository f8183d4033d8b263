"""The accept loop every simulator front end shares: TCP clients one after another, like the single host that
owns a USB probe; a client that drops or misbehaves never takes the board down."""
from __future__ import annotations

import contextlib
import socket
from typing import Callable


def serve_clients(handle: Callable[[socket.socket], None], port: int, host: str = "127.0.0.1",
                  ready: Callable[[int], None] | None = None, max_clients: int | None = None) -> None:
    """Accept TCP clients one after another and hand each to `handle`; a client that drops never takes the
    server down. `ready(port)` is called once listening (port 0 picks a free one)."""
    with socket.create_server((host, port)) as server:
        if ready:
            ready(server.getsockname()[1])
        served = 0
        while max_clients is None or served < max_clients:
            conn, _ = server.accept()
            served += 1
            with conn, contextlib.suppress(OSError):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                handle(conn)
