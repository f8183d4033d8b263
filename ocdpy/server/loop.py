"""The exec stage's one event loop: it accepts clients on the server ports, feeds each one's bytes to its
protocol, writes what protocols queue without ever blocking on a slow reader, and polls the targets about
every 100 ms (OpenOCD's `poll_period`) so that a halt is noticed and reported while the core runs.

Everything that touches the probe runs on this loop's thread, one client's request at a time, as in OpenOCD.
"""
from __future__ import annotations

import errno
import heapq
import itertools
import os
import selectors
import socket
import threading
import time
from typing import Callable

from ..errors import OcdError, ShutdownRequest

POLL_PERIOD_MS = 100
MAX_PENDING_OUTPUT = 4 << 20  # a client that reads nothing this long is dropped rather than eating memory
READ_SIZE = 65536


class Protocol:
    """One client's side of a server; the loop calls these on its own thread. Servers subclass it."""

    conn: "Connection"

    def connection_made(self, conn: "Connection") -> None:
        self.conn = conn

    def data_received(self, data: bytes) -> None:
        """Bytes from the client, in whatever pieces the network delivered them."""

    def connection_lost(self) -> None:
        """The client went away or was dropped; let go of what it held (breakpoints stay, as in OpenOCD)."""

    def target_halted(self, target) -> None:
        """A target halted: noticed by polling, or stopped by a command from any client."""

    def awaits_halt(self, target) -> bool:
        """True while this client waits for `target` to stop (GDB after `c`): the halt is then its to report."""
        return False


class Connection:
    """An accepted client (or gdb's `pipe` stdio): output is queued and written when the peer can take it."""

    def __init__(self, loop: "EventLoop", server: "Listener", rfile, wfile, peer: str) -> None:
        self.loop, self.server, self.peer = loop, server, peer
        self._rfile, self._wfile = rfile, wfile
        self._out = bytearray()
        self._lock = threading.Lock()  # send_now() may write from a keep-alive thread
        self.closed = False
        self.protocol: Protocol | None = None

    def fileno(self) -> int:
        return self._rfile.fileno()

    def send(self, data: bytes) -> None:
        """Queue bytes for the client; a client that stops reading is dropped, never waited for."""
        if self.closed or not data:
            return
        with self._lock:
            self._out += data
        self._flush()
        if len(self._out) > MAX_PENDING_OUTPUT:
            self.loop.session.log.warning(f"{self.server.kind}: {self.peer} reads nothing; dropping it")
            self.close()

    def _flush(self) -> None:
        with self._lock:
            failed = self._write_out()
        if failed:
            self.close()
            return
        self.loop.watch_output(self, bool(self._out) and not self.closed)

    def _write_out(self) -> bool:
        """Write what the peer takes now (the lock held); True when the connection failed."""
        while self._out and not self.closed:
            try:
                sent = os.write(self._wfile.fileno(), self._out)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                return True
            del self._out[:sent]
        return False

    def send_now(self, data: bytes) -> bool:
        """From another thread, while the loop is busy in one long command (a GDB `monitor` keep-alive):
        written only if nothing else is queued, so it never lands inside another message. True if sent."""
        with self._lock:
            if self.closed or self._out:
                return False
            self._out += data
            self._write_out()
            return True

    def close(self) -> None:
        """Drop the client; the protocol hears of it once."""
        if self.closed:
            return
        self.closed = True
        self.loop.forget(self)
        self.loop.session.log.info(f"dropped '{self.server.kind}' connection")
        for f in {self._rfile, self._wfile}:
            try:
                f.close()
            except OSError:
                pass
        if self.protocol is not None:
            self.loop.guard(self.protocol.connection_lost, self)


class Listener:
    """One listening port of one server kind (`gdb`, `telnet`, `tcl`)."""

    def __init__(self, kind: str, sock: socket.socket | None, factory: Callable[[], Protocol]) -> None:
        self.kind, self.sock, self.factory = kind, sock, factory
        self.port = sock.getsockname()[1] if sock is not None else None
        self.clients: list[Connection] = []


class EventLoop:
    """Owns the sockets, the timers and the target polling of one session."""

    def __init__(self, session) -> None:
        self.session = session
        self.selector = selectors.DefaultSelector()
        self.listeners: list[Listener] = []
        self._stdio: list[Listener] = []
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._timer_ids = itertools.count()
        self._stopping: ShutdownRequest | None = None
        self._next_poll = 0.0

    # -- servers ------------------------------------------------------------------------------------------
    def listen(self, kind: str, port: int, factory: Callable[[], Protocol], bindto: str = "127.0.0.1") -> Listener:
        """Bind and listen; a port that cannot be had is an OcdError in OpenOCD's words."""
        try:
            infos = socket.getaddrinfo(bindto, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        except socket.gaierror as e:
            raise OcdError(f"couldn't bind {kind} to socket on port {port}: bindto '{bindto}': {e.strerror}") from None
        family, _, _, _, address = infos[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(16)
        except OSError as e:
            sock.close()
            raise OcdError(f"couldn't bind {kind} to socket on port {port}: "
                           f"{os.strerror(e.errno) if e.errno else e}") from None
        sock.setblocking(False)
        listener = Listener(kind, sock, factory)
        self.listeners.append(listener)
        self.selector.register(sock, selectors.EVENT_READ, listener)
        self.session.log.info(f"Listening on port {listener.port} for {kind} connections")
        return listener

    def attach_stdio(self, kind: str, factory: Callable[[], Protocol]) -> Connection:
        """`gdb_port pipe`: one client on stdin/stdout (the log stays on stderr)."""
        listener = Listener(kind, None, factory)
        self._stdio.append(listener)
        rfile = os.fdopen(os.dup(0), "rb", buffering=0)
        wfile = os.fdopen(os.dup(1), "wb", buffering=0)
        os.set_blocking(rfile.fileno(), False)
        os.set_blocking(wfile.fileno(), False)
        conn = Connection(self, listener, rfile, wfile, "pipe")
        self.session.log.info(f"accepting '{kind}' connection from pipe")
        self._start(listener, conn)
        return conn

    def _accept(self, listener: Listener) -> None:
        try:
            sock, address = listener.sock.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        except OSError as e:
            if e.errno in (errno.EMFILE, errno.ENFILE):
                self.session.log.error(f"{listener.kind}: cannot accept another connection: {e.strerror}")
            return
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = sock.makefile("rwb", buffering=0)
        sock.close()  # the file object holds its own reference to the socket
        peer = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)
        self.session.log.info(f"accepting '{listener.kind}' connection on tcp/{listener.port}")
        self._start(listener, Connection(self, listener, f, f, peer))

    def _start(self, listener: Listener, conn: Connection) -> None:
        self.selector.register(conn._rfile, selectors.EVENT_READ, conn)
        listener.clients.append(conn)
        protocol = listener.factory()
        conn.protocol = protocol
        self.guard(lambda: protocol.connection_made(conn), conn)

    def watch_output(self, conn: Connection, pending: bool) -> None:
        if conn.closed:
            return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if pending else 0)
        try:
            if conn._rfile is conn._wfile:
                self.selector.modify(conn._rfile, events, conn)
            elif pending:
                self._register_writer(conn)
            else:
                self._unregister_writer(conn)
        except (KeyError, ValueError):
            pass

    def _register_writer(self, conn: Connection) -> None:
        try:
            self.selector.register(conn._wfile, selectors.EVENT_WRITE, conn)
        except KeyError:
            pass

    def _unregister_writer(self, conn: Connection) -> None:
        try:
            self.selector.unregister(conn._wfile)
        except (KeyError, ValueError):
            pass

    def forget(self, conn: Connection) -> None:
        for f in {conn._rfile, conn._wfile}:
            try:
                self.selector.unregister(f)
            except (KeyError, ValueError):
                pass
        if conn in conn.server.clients:
            conn.server.clients.remove(conn)

    def clients(self, kind: str | None = None) -> list[Connection]:
        return [c for listener in self.listeners + self._stdio for c in listener.clients
                if kind is None or listener.kind == kind]

    # -- running a protocol's code --------------------------------------------------------------------------
    def guard(self, action: Callable[[], None], conn: Connection | None = None) -> None:
        """Run a protocol callback: `shutdown` stops the loop; a bug drops that client, never the server."""
        try:
            action()
        except ShutdownRequest as s:
            self.stop(s)
        except Exception as e:  # one client's failure must not end the others' sessions
            log = self.session.log
            if log.level >= 3:
                import traceback
                traceback.print_exc()
            where = f"{conn.server.kind} connection {conn.peer}" if conn is not None else "server"
            log.error(f"internal error in ocdpy's {where}: {type(e).__name__}: {e}; dropping the client")
            if conn is not None:
                conn.close()

    # -- timers and target polling -------------------------------------------------------------------------
    def call_later(self, delay: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._timers, (time.monotonic() + delay, next(self._timer_ids), action))

    def target_halted(self, target) -> None:
        """Tell every client that a target halted (the GDB server answers a waiting `c` or `s` with it)."""
        for conn in self.clients():
            if conn.protocol is not None and not conn.closed:
                self.guard(lambda p=conn.protocol: p.target_halted(target), conn)

    def awaits_halt(self, target) -> bool:
        return any(c.protocol is not None and c.protocol.awaits_halt(target) for c in self.clients())

    def _poll_targets(self) -> None:
        from ..commands.run_control import poll_targets
        if getattr(self.session, "background_polling", True):
            self.guard(lambda: poll_targets(self.session))

    # -- the loop ---------------------------------------------------------------------------------------------
    def stop(self, request: ShutdownRequest | None = None) -> None:
        self._stopping = request or ShutdownRequest(0)

    def run(self) -> int:
        """Serve until `shutdown`; returns the exit status it asked for."""
        while self._stopping is None:
            self.run_once(self._timeout())
        return self._stopping.status

    def _timeout(self) -> float:
        now = time.monotonic()
        deadline = self._next_poll
        if self._timers:
            deadline = min(deadline, self._timers[0][0])
        return max(0.0, deadline - now)

    def run_once(self, timeout: float = 0.0) -> None:
        """One round: wait for sockets up to `timeout`, serve what is ready, run due timers and the poll."""
        for key, events in self.selector.select(timeout):
            data = key.data
            if self._stopping is not None:
                break
            if isinstance(data, Listener):
                self._accept(data)
            elif isinstance(data, Connection):
                if events & selectors.EVENT_WRITE:
                    data._flush()
                if events & selectors.EVENT_READ and not data.closed and key.fileobj is data._rfile:
                    self._read(data)
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now and self._stopping is None:
            _, _, action = heapq.heappop(self._timers)
            self.guard(action)
        if now >= self._next_poll and self._stopping is None:
            self._next_poll = now + self.session.poll_period_ms / 1000  # `poll_period` may change it
            self._poll_targets()

    def _read(self, conn: Connection) -> None:
        try:
            data = os.read(conn.fileno(), READ_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            conn.close()
            return
        self.guard(lambda: conn.protocol.data_received(data), conn)

    def close(self) -> None:
        """Drop every client and stop listening (at the end of the session)."""
        for conn in self.clients():
            conn.close()
        for listener in self.listeners:
            try:
                self.selector.unregister(listener.sock)
            except (KeyError, ValueError):
                pass
            listener.sock.close()
        self.listeners.clear()
        self.selector.close()
