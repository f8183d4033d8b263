"""The GDB server against clients that misbehave: bad checksums, malformed and oversize packets, garbage,
half-open connections, a client killed in the middle of a load, ten clients at once; afterwards the same
ocdpy process still serves a whole real-gdb session."""
from __future__ import annotations

import signal
import socket
import subprocess
import time

import pytest

from gdb_batch import GDB, run_gdb
from gdb_wire import GdbWire, frame
from ocdpy_process import PREBUILT, OcdpyProcess, sim_args
from test_gdb_session import SESSION, check_session

CHIP = "stm32f401cc"


@pytest.fixture(scope="module")
def ocd():
    with OcdpyProcess(*sim_args(CHIP)) as process:
        yield process


def settle(ocd, timeout: float = 10) -> None:
    """Wait until the server has let go of every earlier client (only one gdb is served at a time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = ocd.log()
        if log.count("accepting 'gdb' connection") == log.count("dropped 'gdb' connection"):
            return
        time.sleep(0.02)
    raise AssertionError(f"a gdb connection was never dropped:\n{ocd.log()}")


def wire(ocd) -> GdbWire:
    settle(ocd)
    w = GdbWire(ocd.ports["gdb"])
    assert b"PacketSize=4000" in w.command("qSupported:swbreak+;hwbreak+")
    return w


def test_bad_checksum_is_nakked_and_the_retry_answered(ocd):
    w = wire(ocd)
    try:
        w.send_raw(b"$qAttached#00")
        assert w.read_byte() == b"-"
        assert w.command("qAttached") == b"1"
    finally:
        w.close()


def test_malformed_packets_get_errors_and_the_connection_stays(ocd):
    w = wire(ocd)
    try:
        for packet in ("mzz", "m20000000", "Mxyz", "p63", "Z9,0,0", "X20000000,4:ab", "vFlashErase:zz",
                       "qRcmd,zz", "G00"):
            assert w.command(packet)[:1] == b"E", packet
        for packet in ("vMustReplyEmpty", "qNonsense", "bc", "vFooBar"):
            assert w.command(packet) == b"", packet
        assert w.command("m20000000,4") != b""
    finally:
        w.close()
    assert ocd.alive()


def test_oversize_packet_is_refused_without_being_kept(ocd):
    w = wire(ocd)
    try:
        w.send_raw(frame(b"M20000000,8000:" + b"00" * 0x8000))
        assert w.read_byte() == b"+"
        assert w.read_packet() == b"E01"
        assert w.command("qAttached") == b"1"
    finally:
        w.close()
    ocd.wait_log("packet buffer too small")


def test_garbage_bytes_between_packets_are_ignored(ocd):
    w = wire(ocd)
    try:
        w.send_raw(bytes(range(4, 36)) + b"hello\xff\xfe#12")
        assert w.command("qAttached") == b"1"
        assert w.command("?").startswith(b"S")
    finally:
        w.close()


def test_half_open_connection_is_dropped_cleanly(ocd):
    settle(ocd)
    before = ocd.log().count("accepting 'gdb' connection")
    s = socket.create_connection(("127.0.0.1", ocd.ports["gdb"]))
    s.sendall(b"$qSupported:multipro")
    while ocd.log().count("accepting 'gdb' connection") == before:
        time.sleep(0.02)
    s.close()
    w = wire(ocd)  # the next client is served
    w.close()


def test_no_ack_mode_and_escaped_binary_writes(ocd):
    w = wire(ocd)
    try:
        w.no_ack()
        data = b"}#$*\x00\x7f"
        escaped = b"".join(b"}" + bytes([c ^ 0x20]) if c in b"}#$*" else bytes([c]) for c in data)
        w.send_raw(frame(b"X20000100,%x:" % len(data) + escaped))
        assert w.read_packet() == b"OK"
        assert w.command("m20000100,6") == data.hex().encode()
        # run-length encoded request: "m20000100,4" as "m20*" + chr(29 + 3) + "100,4" (three more '0's)
        assert w.command(b"m20*" + bytes([29 + 3]) + b"100,4") == data[:4].hex().encode()
    finally:
        w.close()


def test_client_cut_off_in_the_middle_of_a_load(ocd):
    w = wire(ocd)
    w.command("vFlashErase:08000000,4000")
    w.command(b"vFlashWrite:8000000:" + b"\x11" * 64)
    w.close()  # gone before vFlashDone
    w = wire(ocd)
    try:
        assert w.command("?") == b"S02"  # halted (the attach halt), not running half-written flash
    finally:
        w.close()
    assert ocd.alive()


@pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")
def test_gdb_killed_during_load(ocd, tmp_path):
    script = tmp_path / "load.gdb"
    script.write_text(f"target extended-remote :{ocd.ports['gdb']}\nload\nload\nload\nload\n")
    gdb = subprocess.Popen([GDB, "-q", "-nx", "-batch", "-x", str(script),
                            str(PREBUILT / CHIP / "blinky_busy.elf")], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    ocd.wait_log(r"Adding extra erase range|accepting 'gdb'")
    time.sleep(0.2)
    gdb.send_signal(signal.SIGKILL)
    gdb.wait()
    w = wire(ocd)
    try:
        assert w.command("?") in (b"S02", b"S05", b"S00")  # halted: attach halt or the load's reset halt
    finally:
        w.close()


def test_ten_clients_at_once_only_one_is_served(ocd):
    first = wire(ocd)
    others = [socket.create_connection(("127.0.0.1", ocd.ports["gdb"]), timeout=5) for _ in range(9)]
    try:
        for s in others:
            s.sendall(frame(b"qSupported"))
        for s in others:  # refused: closed without an answer
            data = b""
            try:
                while chunk := s.recv(100):
                    data += chunk
            except ConnectionResetError:
                pass
            assert data == b""
        assert first.command("qAttached") == b"1"
    finally:
        first.close()
        for s in others:
            s.close()
    assert "rejected 'gdb' connection, no more connections allowed" in ocd.log()


@pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")
def test_zz_real_gdb_session_after_all_that(ocd):
    settle(ocd)
    parts = run_gdb(ocd.ports["gdb"], str(PREBUILT / CHIP / "blinky_busy.elf"), SESSION)
    check_session(parts, CHIP)
    assert ocd.alive()
