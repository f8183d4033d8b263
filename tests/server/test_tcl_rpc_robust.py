"""The Tcl RPC port under abuse: garbage bytes, a command that never ends (bounded memory, OpenOCD's 4 MiB
line limit and its `line too long` answer), half-open and killed clients, ten clients at once; after each,
ocdpy still answers."""
from __future__ import annotations

import random
import socket
import struct
import threading

import pytest

pytest.importorskip("unicorn")

from ocdpy_process import OcdpyProcess, sim_args  # noqa: E402
from tcl_rpc_client import TclRpc  # noqa: E402

LINE_TOO_LONG = b"line too long\n\x00"
LONGEST = 4 * 1024 * 1024 - 2  # the longest command OpenOCD 0.12 still runs (measured)


@pytest.fixture(scope="module")
def ocdpy():
    with OcdpyProcess(*sim_args("stm32f103c8")) as process:
        yield process


def still_answers(process) -> None:
    with TclRpc(process.ports["tcl"]) as c:
        assert c.run("expr {6 * 7}") == b"42"
    assert process.alive()


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_garbage_bytes_get_answers(ocdpy):
    rng = random.Random(7)
    with TclRpc(ocdpy.ports["tcl"]) as c:
        for _ in range(200):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))).replace(b"\x1a", b"")
            c.send(junk + b"\x1a")
            c.reply()
        assert c.run("set ok 1") == b"1"
    still_answers(ocdpy)


def test_line_limit_is_openocds(ocdpy):
    with TclRpc(ocdpy.ports["tcl"]) as c:
        c.send(b"#" + b"y" * (LONGEST - 1) + b"\x1a")  # a comment: runs, empty result
        assert c.reply() == ([], b"")
        c.send(b"#" + b"y" * LONGEST + b"\x1a")
        assert c.read_exactly(len(LINE_TOO_LONG)) == LINE_TOO_LONG
        assert c.run("set after 1") == b"1"


def test_endless_command_is_dropped_with_bounded_memory(ocdpy):
    before = rss_kib(ocdpy.proc.pid)
    with TclRpc(ocdpy.ports["tcl"]) as c:
        chunk = b"z" * (1 << 20)
        for _ in range(64):
            c.send(chunk)
        c.send(b"\x1a")
        assert c.read_exactly(len(LINE_TOO_LONG)) == LINE_TOO_LONG
        assert c.run("set after 1") == b"1"
    # 64 MiB went in; at most the 4 MiB line buffer (and the allocator's slack) may stay
    assert rss_kib(ocdpy.proc.pid) - before < 24 * 1024
    still_answers(ocdpy)


def test_half_open_and_silent_clients(ocdpy):
    silent = socket.create_connection(("127.0.0.1", ocdpy.ports["tcl"]))
    half = TclRpc(ocdpy.ports["tcl"])
    half.send(b"set half 1")
    half.sock.shutdown(socket.SHUT_WR)  # its partial command never ends; the server drops it, as OpenOCD does
    assert half.closed_by_peer()
    half.close()
    still_answers(ocdpy)  # while a client that never sends anything stays connected
    silent.close()


def test_client_killed_mid_command(ocdpy):
    for payload in (b"mdw 0x08000000 16384\x1a", b"set partial {abc"):
        s = socket.create_connection(("127.0.0.1", ocdpy.ports["tcl"]))
        s.sendall(payload)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()  # reset: the reply has nowhere to go
        still_answers(ocdpy)


def test_ten_clients_at_once(ocdpy):
    errors: list[str] = []

    def work(n: int) -> None:
        try:
            with TclRpc(ocdpy.ports["tcl"]) as c:
                for i in range(25):
                    assert c.run(f"set v{n} {i}") == str(i).encode()
                    assert c.run(f"expr {{$v{n} * {n}}}") == str(i * n).encode()
                    assert c.run("mdw 0x08000000") == b"0x08000000: 20005000 \n"
        except Exception as e:  # reported below, in the test's thread
            errors.append(f"client {n}: {e!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    still_answers(ocdpy)
    assert "internal error" not in ocdpy.log() and "Traceback" not in ocdpy.log()
