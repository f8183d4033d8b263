"""The telnet console of a running `ocdpy` (simulated STM32F103 running blinky_busy) with real clients:
Debian's `telnet` driven through a terminal by pexpect, `nc` (no negotiation, LF line ends), raw sockets
sending garbage; `shutdown` from telnet ending ocdpy with status 0."""
from __future__ import annotations

import os
import random
import shutil
import socket
import threading
from pathlib import Path
from unittest import mock

import pytest

from ocdpy_process import PREBUILT, OcdpyProcess, sim_args

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("unicorn")
TELNET = shutil.which("telnet")
NC = shutil.which("nc")
ELF = PREBUILT / "stm32f103c8" / "blinky_busy.elf"
FIRST_WORD = "0x08000000: 20005000"  # blinky_busy's initial stack pointer


def symbol(name: str) -> int:
    from elftools.elf.elffile import ELFFile
    with ELF.open("rb") as f:
        return ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name(name)[0]["st_value"] & ~1


def start(home: Path) -> OcdpyProcess:
    with mock.patch.dict(os.environ, HOME=str(home)):  # the telnet history file goes there
        return OcdpyProcess(*sim_args("stm32f103c8"))


@pytest.fixture(scope="module")
def ocdpy(tmp_path_factory):
    process = start(tmp_path_factory.mktemp("home"))
    yield process
    process.stop()


class Raw:
    """A bare TCP client of the telnet port that reads until it sees what it waits for."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.seen = self.received = b""
        self.wait_for(b"> ")

    def wait_for(self, data: bytes) -> bytes:
        while data not in self.seen:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed before {data!r}; got {self.seen[-300:]!r}")
            self.seen += chunk
            self.received += chunk
        before, _, self.seen = self.seen.partition(data)
        return before

    def run(self, line: str) -> bytes:
        self.sock.sendall(line.encode() + b"\r\n")
        self.wait_for(line.encode() + b"\r\n\x00")
        return self.wait_for(b"\r> ")

    def close(self) -> None:
        self.sock.close()


def spawn(*argv: str):
    child = pexpect.spawn(argv[0], list(argv[1:]), timeout=20, encoding="latin-1")
    child.expect_exact("> ")
    return child


@pytest.mark.skipif(TELNET is None, reason="Debian's telnet client is not installed")
def test_telnet_session(ocdpy):
    port = ocdpy.ports["telnet"]
    child = spawn(TELNET, "127.0.0.1", str(port))
    try:
        child.send("mdw 0x08000000\r")
        child.expect_exact(FIRST_WORD)
        child.expect_exact("\r> ")
        child.send("\x1b[A")  # up: the last line comes back; Enter runs it again
        child.expect_exact("mdw 0x08000000")
        child.send("\r")
        child.expect_exact(FIRST_WORD)
        child.expect_exact("\r> ")

        child.send("flash inf\t")  # a unique prefix is completed, with a space
        child.expect_exact("flash info ")
        child.send("\x15")

        other = Raw(port)  # another client stops the core at a breakpoint it then resumes into
        other.run("halt")
        other.run(f"bp 0x{symbol('busy_delay'):08x} 2 hw")
        child.send("mdw 0x0800")  # a partial line, when the halt is noticed by the 100 ms poll
        child.expect_exact("mdw 0x0800")
        other.sock.sendall(b"resume\r\n")
        child.expect_exact("halted due to breakpoint")
        child.expect_exact("\r\n> mdw 0x0800")  # wiped for the message, drawn again after it
        child.send("0000\r")  # the line is intact and runs
        child.expect_exact("0000\r\n")
        child.expect_exact(FIRST_WORD)
        child.expect_exact("\r> ")
        other.run(f"rbp 0x{symbol('busy_delay'):08x}")
        other.close()

        child.send("exit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert ocdpy.alive()


@pytest.mark.skipif(NC is None, reason="nc is not installed")
def test_nc_session_with_lf_line_ends(ocdpy):
    child = spawn(NC, "127.0.0.1", str(ocdpy.ports["telnet"]))
    try:
        child.sendline("mdw 0x08000000")
        child.expect_exact(FIRST_WORD)
        child.sendline("exit")
        child.expect_exact("exit\r\n")
        child.sendeof()  # nc.openbsd quits at the end of its input once the server has closed (not before)
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


def garbage(client: int, rng: random.Random) -> list[bytes]:
    """What a broken or hostile client might send, in pieces."""
    noise = bytes(rng.randrange(256) for _ in range(4000))
    return [
        noise,
        b"\xff" * 3001,                                   # an IAC storm (odd: ends inside an IAC)
        b"\xff\xff" * 500 + b"\xff\xfa\x18" + b"x" * 5000,  # IAC IAC, then a subnegotiation never ended
        b"\xff\xf0\xff\xf4\xff\xfd\x01\xff\xfb",         # ... ended; IAC IP; options, one cut short
        b"a" * 100_000 + b"\r\n",                         # a line far past the editor's 2559 characters
        b"\x1b[" + b"9" * 1000 + b"\x1b" * 500 + b"\x03\x04\x1a\x00",
        f"set client{client} ok\r\n".encode(),
    ]


def read_until_closed(sock: socket.socket) -> None:
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def test_garbage_iac_storms_overlong_lines_and_ten_clients_at_once(ocdpy):
    port = ocdpy.ports["telnet"]
    errors: list[BaseException] = []

    def client(n: int) -> None:
        try:
            rng = random.Random(n)
            sock = socket.create_connection(("127.0.0.1", port), timeout=20)
            drain = threading.Thread(target=read_until_closed, args=(sock,), daemon=True)
            drain.start()
            for piece in garbage(n, rng):
                sock.sendall(piece)
            if n % 2:
                sock.close()  # half of them vanish mid-stream
            else:
                sock.shutdown(socket.SHUT_WR)
                drain.join(20)
                sock.close()
        except OSError as e:  # the server dropping a client is fine; the server dying is not
            errors.append(e)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check = Raw(port)
    try:
        assert FIRST_WORD.encode() in check.run("mdw 0x08000000")
        assert check.run("set client0") == b"ok\r\n"
    finally:
        check.close()
    assert ocdpy.alive(), ocdpy.log()
    assert "internal error" not in ocdpy.log()


def test_ten_sessions_each_get_their_own_results_and_everyones_log(ocdpy):
    clients = [Raw(ocdpy.ports["telnet"]) for _ in range(10)]
    try:
        for n, client in enumerate(clients):
            assert client.run(f"set mine result-of-{n}") == f"result-of-{n}\r\n".encode()
        clients[0].run("echo {to all}")
        for client in clients[1:]:
            client.wait_for(b"to all\r\n> ")
        for n, client in enumerate(clients):
            assert [m for m in range(10) if f"result-of-{m}".encode() in client.received] == [n]
    finally:
        for client in clients:
            client.close()


@pytest.mark.skipif(TELNET is None, reason="Debian's telnet client is not installed")
def test_shutdown_from_telnet_ends_ocdpy_with_status_0(tmp_path):
    process = start(tmp_path)
    try:
        child = spawn(TELNET, "127.0.0.1", str(process.ports["telnet"]))
        child.send("shutdown\r")
        child.expect_exact("shutdown command invoked")
        child.expect(pexpect.EOF)
        assert process.proc.wait(20) == 0
        assert (tmp_path / ".openocd_history").read_text() == "shutdown\n"
    finally:
        process.stop()
