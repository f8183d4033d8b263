"""The GDB server's packets as OpenOCD 0.12 answers them (measured against it on the simulator over
remote_bitbang): qSupported, the target description's register numbers, the memory map, registers, memory,
stepping, breakpoints and watchpoints with their stop reasons, monitor commands, Ctrl-C, detach and kill, the
gdb-* events around a flash load, and `gdb_port pipe`."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from gdb_wire import GdbWire, frame
from ocdpy_process import REPO, OcdpyProcess, sim_args
from test_gdb_robustness import settle

BUSY_DELAY, MAIN, G_TOGGLE_COUNT = 0x080001DC, 0x080001F4, 0x20000004  # in the F401's blinky_busy.elf


@pytest.fixture(scope="module")
def ocd():
    with OcdpyProcess(*sim_args("stm32f401cc")) as process:
        yield process


@pytest.fixture
def w(ocd):
    settle(ocd)
    client = GdbWire(ocd.ports["gdb"])
    client.command("qSupported:swbreak+;hwbreak+")
    client.no_ack()
    yield client
    client.close()


def read_xfer(w: GdbWire, what: str, window: int = 0x100) -> str:
    document, offset = b"", 0
    while True:
        reply = w.command(f"qXfer:{what}:{offset:x},{window:x}")
        assert reply[:1] in (b"m", b"l"), reply
        document += reply[1:]
        offset += len(reply) - 1
        if reply[:1] == b"l":
            return document.decode()


def monitor(w: GdbWire, command: str) -> tuple[str, bytes]:
    """(console output from O packets, the final reply)."""
    w.sock.sendall(frame(b"qRcmd," + command.encode().hex().encode()))
    console = ""
    while True:
        reply = w.read_packet()
        if reply.startswith(b"O") and reply != b"OK":
            console += bytes.fromhex(reply[1:].decode()).decode()
        else:
            return console, reply


def regs(reply: bytes) -> dict[int, int]:
    return {int(n, 16): int.from_bytes(bytes.fromhex(v.decode()), "little")
            for n, v in re.findall(rb"(?:^|;|T[0-9a-f]{2})([0-9a-f]{2}):([0-9a-f]+)(?=;)", reply)}


def test_supported_and_the_simple_queries(w):
    features = w.command("qSupported:multiprocess+;swbreak+;hwbreak+").split(b";")
    for feature in (b"PacketSize=4000", b"qXfer:memory-map:read+", b"qXfer:features:read+", b"QStartNoAckMode+",
                    b"vContSupported+", b"swbreak+", b"hwbreak+"):
        assert feature in features
    assert w.command("vCont?") == b"vCont;c;C;s;S;t"
    assert w.command("?") == b"S02"  # halted by the attach (gdb-attach: halt), a debug request
    assert w.command("qAttached") == b"1"
    # one thread, named in stop replies, so that gdb keeps the registers they carry (OpenOCD: QC0, l)
    assert w.command("qC") == b"QC1"
    assert w.command("qfThreadInfo") == b"m1"
    assert w.command("qsThreadInfo") == b"l"
    assert w.command("qOffsets") == b"Text=0;Data=0;Bss=0"
    assert w.command("!") == b"OK"


def test_target_description_uses_openocd_register_numbers(w):
    root = ET.fromstring(read_xfer(w, "features:read:target.xml", 0x80))
    numbers = {r.get("name"): int(r.get("regnum")) for r in root.iter("reg")}
    expected = {f"r{n}": n for n in range(13)}
    expected.update(sp=13, lr=14, pc=15, xPSR=16, msp=17, psp=18, primask=20, basepri=21, faultmask=22,
                    control=23, fpscr=58, **{f"d{n}": 42 + n for n in range(16)})
    assert numbers == expected
    features = [f.get("name") for f in root.iter("feature")]
    assert features == ["org.gnu.gdb.arm.m-profile", "org.gnu.gdb.arm.m-system", "org.gnu.gdb.arm.vfp"]


def test_memory_map_has_one_flash_region_per_sector_size(w):
    root = ET.fromstring(read_xfer(w, "memory-map:read:"))
    flash = [(int(m.get("start"), 16), int(m.get("length"), 16), int(m.find("property").text, 16))
             for m in root.iter("memory") if m.get("type") == "flash"]
    assert flash[:3] == [(0x08000000, 0x10000, 0x4000), (0x08010000, 0x10000, 0x10000),
                         (0x08020000, 0x20000, 0x20000)]
    ram = [(int(m.get("start"), 16), int(m.get("length"), 16)) for m in root.iter("memory") if m.get("type") == "ram"]
    assert ram[0] == (0, 0x08000000)
    covered = sorted(flash_region[:2] for flash_region in flash) + ram
    assert sum(length for _, length in covered) == 1 << 32  # the whole address space, no overlaps


def test_registers_and_memory(w):
    g = w.command("g")
    assert len(g) == 17 * 8
    assert w.command("p0f") == g[15 * 8:16 * 8]
    assert len(w.command("p14")) == 2  # primask: one byte
    assert len(w.command("p2a")) == 16  # d0: eight bytes
    saved = w.command("p0")
    assert w.command("P0=78563412") == b"OK"
    assert w.command("p0") == b"78563412"
    assert w.command(b"P0=" + saved) == b"OK"
    assert w.command("M20000100,4:11223344") == b"OK"
    assert w.command("m20000100,4") == b"11223344"
    assert w.command("m20000101,2") == b"2233"
    assert w.command(f"m{MAIN:x},4") == w.command(f"m{MAIN:x},2") + w.command(f"m{MAIN + 2:x},2")


def test_unreadable_memory_reads_as_zeros_with_the_error_logged(w, ocd):
    assert w.command("mffffff00,4") == b"00000000"  # OpenOCD's default, gdb_report_data_abort disabled
    ocd.wait_log("Failed to read memory at 0xffffff00")


def test_step_reply_expedites_registers(w):
    pc = int.from_bytes(bytes.fromhex(w.command("p0f").decode()), "little")
    reply = w.command("vCont;s:0")
    assert reply.startswith(b"T05")
    values = regs(reply)
    assert {7, 13, 14, 15, 16, 17, 18} <= set(values)
    assert b"thread:1;" in reply
    assert values[15] != pc
    assert values[15].to_bytes(4, "little").hex().encode() == w.command("p0f")


def test_hardware_breakpoint_in_flash_stops_with_hwbreak(w):
    assert w.command(f"Z1,{BUSY_DELAY:x},2") == b"OK"
    try:
        reply = w.command("c")
        assert reply.startswith(b"T05hwbreak:;"), reply
        assert regs(reply)[15] == BUSY_DELAY
    finally:
        assert w.command(f"z1,{BUSY_DELAY:x},2") == b"OK"


def test_software_breakpoint_in_flash_becomes_hardware_and_in_ram_is_a_bkpt(w):
    assert w.command(f"Z0,{MAIN:x},2") == b"OK"  # flash: the FPB (gdb_breakpoint_override default)
    assert w.command(f"z0,{MAIN:x},2") == b"OK"
    original = w.command("m20000200,2")
    assert w.command("Z0,20000200,2") == b"OK"
    assert w.command("m20000200,2") == b"00be"
    assert w.command("z0,20000200,2") == b"OK"
    assert w.command("m20000200,2") == original


@pytest.mark.parametrize("kind, reason", [(2, "watch"), (3, "rwatch"), (4, "awatch")])
def test_watchpoint_stop_names_the_address(w, kind, reason):
    assert w.command(f"Z{kind},{G_TOGGLE_COUNT:x},4") == b"OK"
    try:
        reply = w.command("c", timeout=20)
        assert reply.startswith(f"T05{reason}:{G_TOGGLE_COUNT:08x};".encode()), reply
    finally:
        assert w.command(f"z{kind},{G_TOGGLE_COUNT:x},4") == b"OK"


def test_interrupt_halts_a_running_core(w):
    w.send_raw(frame(b"vCont;c"))
    time.sleep(0.2)
    w.send_raw(b"\x03")
    reply = w.read_packet()
    assert reply.startswith(b"T02"), reply


def test_monitor_commands_as_openocd_answers_them(w):
    console, reply = monitor(w, "reset halt")
    assert "halted due to debug-request" in console and reply == b"OK"
    console, reply = monitor(w, "flash info 0")
    assert console == ""
    assert bytes.fromhex(reply.decode()).decode().startswith("#0 : stm32f2x at 0x08000000")
    console, reply = monitor(w, "no_such_command")
    assert 'invalid command name "no_such_command"' in console and reply == b"E01"


def test_flash_load_fires_the_gdb_flash_events_in_order(w, ocd):
    for event in ("gdb-flash-erase-start", "gdb-flash-erase-end", "gdb-flash-write-start", "gdb-flash-write-end"):
        assert monitor(w, f"stm32f4x.cpu configure -event {event} {{echo \"EVENT {event}\"}}")[1] == b"OK"
    image = bytes.fromhex(w.command("m8000000,400").decode())
    assert w.command("vFlashErase:08000000,00004000") == b"OK"
    for offset in range(0, len(image), 0x100):
        piece = image[offset:offset + 0x100]
        escaped = b"".join(b"}" + bytes([c ^ 0x20]) if c in b"}#$*" else bytes([c]) for c in piece)
        assert w.command(b"vFlashWrite:%x:" % (0x08000000 + offset) + escaped) == b"OK"
    assert w.command("vFlashDone") == b"OK"
    assert bytes.fromhex(w.command("m8000000,400").decode()) == image
    events = re.findall(r"EVENT (gdb-flash-\S+)", ocd.log())
    assert events[-4:] == ["gdb-flash-erase-start", "gdb-flash-erase-end", "gdb-flash-write-start",
                           "gdb-flash-write-end"]


def test_vflash_write_outside_flash_is_refused(w):
    assert w.command("vFlashWrite:20000000:abcd").startswith(b"E")


def test_zz_detach_leaves_the_core_halted_and_fires_gdb_detach(w, ocd):
    assert monitor(w, 'stm32f4x.cpu configure -event gdb-detach {echo "EVENT gdb-detach"}')[1] == b"OK"
    assert monitor(w, 'stm32f4x.cpu configure -event gdb-attach {echo "EVENT gdb-attach"}')[1] == b"OK"
    assert w.command("D") == b"OK"
    w.close()
    ocd.wait_log("EVENT gdb-detach")
    settle(ocd)
    again = GdbWire(ocd.ports["gdb"])
    try:
        _, reply = monitor(again, "stm32f4x.cpu curstate")
        assert bytes.fromhex(reply.decode()).decode().strip() == "halted"  # as OpenOCD: D does not resume
    finally:
        again.close()
    ocd.wait_log("EVENT gdb-attach")


def test_gdb_port_pipe_serves_stdio_and_exits_when_gdb_closes_it():
    args = [sys.executable, "-m", "ocdpy.cli", "-c", "gdb_port pipe; telnet_port disabled; tcl_port disabled",
            *sim_args("stm32f072rb")]
    proc = subprocess.Popen(args, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write(frame(b"qSupported"))
        proc.stdin.flush()
        out = b""
        while b"#" not in out[out.find(b"$"):] or len(out) - out.rfind(b"#") < 3:
            chunk = proc.stdout.read1(4096)
            assert chunk, proc.stderr.read().decode()
            out += chunk
        assert b"PacketSize=4000" in out
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
        assert b"dropped 'gdb' connection" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kill_outside_extended_mode_answers_ok_and_closes(ocd):
    settle(ocd)
    client = GdbWire(ocd.ports["gdb"])
    try:
        client.no_ack()
        assert client.command("k") == b"OK"
        with pytest.raises(ConnectionError):
            client.read_packet(timeout=5)
    finally:
        client.close()


def test_extended_remote_run_and_restart_reset_halt(w, ocd):
    assert w.command("!") == b"OK"
    before = ocd.log().count("halted due to debug-request")
    assert w.command("vRun;") == b"S00"
    w.send_raw(frame(b"R00"))  # no reply
    assert w.command("?").startswith(b"S")
    deadline = time.monotonic() + 10
    while ocd.log().count("halted due to debug-request") < before + 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ocd.log().count("halted due to debug-request") >= before + 2  # two `reset halt`s
    assert w.command("vKill;1") == b""
