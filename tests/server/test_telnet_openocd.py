"""The same keys typed into real OpenOCD 0.12's telnet console (over remote_bitbang to the simulated
STM32F103) and into ocdpy's: the bytes that come back must be the same, from the negotiation to `exit`.
Left out: what OpenOCD does differently on purpose (`IAC IP`, arrows after a recalled line, see
notes/openocd-telnet.md) and commands whose text ocdpy words differently."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from unittest import mock

import pytest

from ocdpy_process import PREBUILT, OcdpyProcess, sim_args

pytest.importorskip("unicorn")
OPENOCD = shutil.which("openocd")
SCRIPTS = Path("/usr/share/openocd/scripts")
pytestmark = pytest.mark.skipif(OPENOCD is None or not SCRIPTS.is_dir(),
                                reason="needs Debian's openocd and its scripts")

SESSIONS = {
    "commands": [b"foo\r\n", b"mdw 0x08000000\r\n", b"error hello\r\n", b"set x 5\r\n", b"echo -n hi\r\n",
                 b"set y {}\r\n", b"set a 1\nset b 2\r\x00set c 3\r\n", b"\r\n", b"history\r\n"],
    "editing": [b"abc\x08\x7fxyz\x1b[D\x1b[DQ\x1b[C\x01\x05\x1b[H\x1b[F\x01\x1b[3~\x0b", b"\x15",
                b"abcd\x02\x02\x06\x15", b"abc\x02\x03", b"set q 1\x01\x06\x06\x06\x06\x0b2\r\n",
                b"\xff\xfb\x01zw\xff\xfd\x03\x15", b"a" * 3000 + b"\r\n"],
    "history": [b"set a 1\r\n", b"set b 2\r\n", b"\x1b[A\x1b[A\x1b[B\x10\x0e\x0e\x0e\x15", b"\x1b[A\r\n"],
    "completion": [b"flash inf\t\x15", b"zzz\t\x15", b"mdw\t\t\x15", b"  resu\t\x15", b"set x [mdw\t\x15",
                   b"flash  inf\t\x15", b"tar\t\x15"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def transcript(port: int, keys: list[bytes]) -> bytes:
    """Everything the console sends for these keys and a final `exit`, until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        for piece in keys + [b"exit\r\n"]:
            sock.sendall(piece)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def wait_for_port(port: int, proc: subprocess.Popen) -> None:
    while proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            threading.Event().wait(0.05)
    raise RuntimeError(f"openocd ended: {proc.stderr.read().decode(errors='replace')}")


@pytest.fixture(scope="module")
def openocd_telnet(tmp_path_factory):
    from ocdpy.sim.running import RunningBoard

    running = RunningBoard("stm32f103c8")
    running.board.load(PREBUILT / "stm32f103c8" / "blinky_busy.elf")
    running.board.reset()
    running.start()
    ports, ready = [], threading.Event()
    threading.Thread(target=running.serve, args=(0,), daemon=True,
                     kwargs={"ready": lambda p: (ports.append(p), ready.set()), "max_clients": 1}).start()
    assert ready.wait(10)
    telnet = free_port()
    env = dict(os.environ, HOME=str(tmp_path_factory.mktemp("openocd-home")))
    proc = subprocess.Popen([OPENOCD, "-c", f"adapter driver remote_bitbang; remote_bitbang port {ports[0]}; "
                             "remote_bitbang host 127.0.0.1", "-c", f"gdb_port disabled; tcl_port disabled; "
                             f"telnet_port {telnet}", "-f", "target/stm32f1x.cfg"],
                            cwd=SCRIPTS, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(telnet, proc)
        yield telnet
    finally:
        proc.terminate()
        proc.wait(10)
        running.stop()


@pytest.fixture(scope="module")
def ocdpy_telnet(tmp_path_factory):
    with mock.patch.dict(os.environ, HOME=str(tmp_path_factory.mktemp("ocdpy-home"))):
        process = OcdpyProcess(*sim_args("stm32f103c8"))
    yield process.ports["telnet"]
    process.stop()


@pytest.mark.parametrize("name", list(SESSIONS))
def test_ocdpy_console_sends_what_openocd_sends(name, openocd_telnet, ocdpy_telnet):
    theirs = transcript(openocd_telnet, SESSIONS[name])
    ours = transcript(ocdpy_telnet, SESSIONS[name])
    assert ours.split(b"\r> ") == theirs.split(b"\r> ")


def watcher_transcript(port: int) -> bytes:
    """What a session with a half-typed line sees while another session runs commands: every log message
    (errors, echoes) wiped in and the line drawn again; results not. OpenOCD's own `accepting`/`dropped`
    connection messages are taken out (ocdpy's event loop does not log connections)."""
    partial = b"mdw 0x0800\x02\x02"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        seen = b""
        sock.sendall(partial)
        while not seen.endswith(b"mdw 0x0800\b\b"):
            seen += sock.recv(65536)
        transcript(port, [b"foo\r\n", b'echo "two\\nlines"\r\n', b"mdw 0x08000000\r\n", b"error oops\r\n",
                          b"echo -n part\r\n", b"set x 5\r\n"])
        sock.sendall(b"\x050000\r\nexit\r\n")
        while chunk := sock.recv(65536):
            seen += chunk
    wipe = rb"\x08{12} {12}\x08{12}"  # "> mdw 0x0800"
    connection = rb"(accepting 'telnet' connection on tcp/\d+|dropped 'telnet' connection)"
    return re.sub(wipe + connection + rb"\r\n> mdw 0x0800\x08\x08", b"", seen)


def test_other_sessions_messages_over_a_partial_line_as_openocd(openocd_telnet, ocdpy_telnet):
    theirs = watcher_transcript(openocd_telnet)
    assert b"two\r\nlines" in theirs
    assert watcher_transcript(ocdpy_telnet).split(b"> ") == theirs.split(b"> ")
