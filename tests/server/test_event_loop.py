"""The exec stage's event loop: ports as OpenOCD opens and refuses them, polling that notices a halt while the
core runs, and clients that cannot stall or crash one another."""
from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocdpy.log import Log
from ocdpy.server.loop import MAX_PENDING_OUTPUT, EventLoop, Protocol
from ocdpy.session import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console import Console  # noqa: E402
from ocdpy_process import REPO, OcdpyProcess, sim_args  # noqa: E402

pytest.importorskip("unicorn")


def ocdpy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocdpy.cli", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=60)


def busy_port() -> socket.socket:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def test_telnet_port_in_use_fails_init_in_openocds_words():
    with busy_port() as s:
        port = s.getsockname()[1]
        r = ocdpy("-c", f"telnet_port {port}; gdb_port 0; tcl_port 0", *sim_args("stm32f103c8", None))
    assert r.returncode == 1
    assert f"Error: couldn't bind telnet to socket on port {port}: Address already in use" in r.stderr
    assert "SWD DPIDR" not in r.stderr  # the adapter was never opened


def test_gdb_port_in_use_is_reported_and_the_session_goes_on():
    with busy_port() as s:
        port = s.getsockname()[1]
        r = ocdpy("-c", f"gdb_port {port}; telnet_port disabled; tcl_port disabled", *sim_args("stm32f103c8", None),
                  "-c", "init", "-c", "echo still-here", "-c", "shutdown")
    assert r.returncode == 0, r.stderr
    assert f"Info : starting gdb server for stm32f1x.cpu on {port}" in r.stderr
    assert f"Error: couldn't bind gdb to socket on port {port}: Address already in use" in r.stderr
    assert "still-here" in r.stderr


def test_disabled_ports_are_named_and_ocdpy_keeps_running_until_sigterm():
    with OcdpyProcess(*sim_args("stm32f103c8", None), ports="gdb_port disabled; telnet_port disabled; "
                      "tcl_port disabled", wait_for=()) as p:
        p.wait_log("Info : gdb port disabled")
        time.sleep(0.3)
        assert p.alive(), p.log()
        p.proc.send_signal(signal.SIGTERM)
        assert p.proc.wait(10) == 0
    log = p.log()
    assert "Info : tcl server disabled" in log and "Info : telnet server disabled" in log
    assert log.rstrip().endswith("shutdown command invoked")


def test_servers_listen_in_openocds_order_on_localhost_only():
    with OcdpyProcess(*sim_args("stm32f103c8", None)) as p:
        log = p.log()
        order = [log.index(f"for {kind} connections") for kind in ("tcl", "telnet")]
        assert order == sorted(order) and log.index("processor detected") < log.index("for gdb connections")
        for port in p.ports.values():
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
        public = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
        for address in public[:1]:
            with pytest.raises(OSError):
                socket.create_connection((address, p.ports["telnet"]), timeout=2).close()


def test_bindto_all_interfaces_warns():
    r = ocdpy("-c", "bindto 0.0.0.0; gdb_port disabled; telnet_port disabled; tcl_port disabled", "-c", "shutdown")
    assert "Warn : bindto 0.0.0.0: the servers will accept connections from any host" in r.stderr


class Echo(Protocol):
    def data_received(self, data: bytes) -> None:
        self.conn.send(data)


class Flood(Protocol):
    """Sends far more than any socket buffer holds to a client that never reads."""

    def connection_made(self, conn) -> None:
        super().connection_made(conn)
        for _ in range(2 * MAX_PENDING_OUTPUT // 65536 + 1):
            conn.send(b"x" * 65536)


def run_until(loop: EventLoop, done, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        loop.run_once(0.01)


def test_a_client_that_never_reads_is_dropped_and_others_are_served():
    out = io.StringIO()
    session = Session(Log(stream=out))
    loop = EventLoop(session)
    flood = loop.listen("flood", 0, Flood)
    echo = loop.listen("echo", 0, Echo)
    try:
        stuck = socket.create_connection(("127.0.0.1", flood.port))
        talker = socket.create_connection(("127.0.0.1", echo.port))
        talker.settimeout(0.01)
        received = bytearray()

        def echoed() -> bool:
            try:
                received.extend(talker.recv(100))
            except socket.timeout:
                pass
            return bytes(received) == b"ping"

        run_until(loop, lambda: flood.clients)
        talker.sendall(b"ping")
        run_until(loop, echoed)
        assert bytes(received) == b"ping"
        run_until(loop, lambda: not flood.clients)
        assert not flood.clients and "reads nothing; dropping it" in out.getvalue()
        stuck.close()
        talker.close()
    finally:
        loop.close()


class Crashes(Protocol):
    def data_received(self, data: bytes) -> None:
        raise ValueError("a bug in a protocol")


def test_a_protocol_bug_drops_that_client_only():
    out = io.StringIO()
    session = Session(Log(stream=out))
    loop = EventLoop(session)
    bad, good = loop.listen("bad", 0, Crashes), loop.listen("echo", 0, Echo)
    try:
        a = socket.create_connection(("127.0.0.1", bad.port))
        b = socket.create_connection(("127.0.0.1", good.port))
        a.sendall(b"boom")
        run_until(loop, lambda: "dropping the client" in out.getvalue())
        b.sendall(b"ok")
        b.settimeout(5)
        run_until(loop, lambda: len(good.clients) == 1, 1)
        loop.run_once(0.1)
        assert b.recv(10) == b"ok"
        assert "internal error in ocdpy's bad connection" in out.getvalue() and "ValueError" in out.getvalue()
        a.close()
        b.close()
    finally:
        loop.close()


def test_polling_reports_a_breakpoint_hit_while_the_core_runs():
    from ocdpy.server import loop_of
    console = Console()
    try:
        image = REPO / "examples" / "prebuilt" / "stm32f103c8" / "blinky_busy.elf"
        for line in ("source [find interface/sim.cfg]", f"sim load {image}", "source [find target/stm32f1x.cfg]", "init", "halt",
                     "bp 0x08000134 2 hw", "resume"):  # busy_delay, reached on every loop of main
            console.run(line)
        console.log()
        loop = loop_of(console.session)
        run_until(loop, lambda: "halted due to breakpoint" in console.out.getvalue())
        assert "[stm32f1x.cpu] halted due to breakpoint" in console.log()
        assert console.run("reg pc") == "pc (/32): 0x08000134\n"
    finally:
        console.close()


def test_one_gdb_port_per_target_numbered_up_from_gdb_port():
    with busy_port() as s:  # a free port number to start from, and the one after it
        first = s.getsockname()[1]
    r = ocdpy("-c", f"gdb_port {first}; telnet_port disabled; tcl_port disabled", *sim_args("stm32f103c8", None),
              "-c", "target create second cortex_m -dap stm32f1x.dap -ap-num 0", "-c", "init", "-c", "shutdown")
    assert r.returncode == 0, r.stderr
    assert f"Info : starting gdb server for stm32f1x.cpu on {first}" in r.stderr
    assert f"Info : starting gdb server for second on {first + 1}" in r.stderr
    assert r.stderr.count("for gdb connections") == 2
