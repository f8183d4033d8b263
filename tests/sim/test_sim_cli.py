"""`ocdpy-sim` as a user runs it: a real subprocess whose stdout is read line by line (plain log with
--no-tty, the live status line on a pty), the flash file kept across runs, clients that misbehave; plus the
display's formatting and rate limiting as units."""
from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from ocdpy.sim.dap_tcp import frame
from ocdpy.sim.pin_display import (ChangeLimiter, change_line, core_state, fit, status_line, stopped_line,
                                   toggling_line)

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt" / "stm32f103c8"
BLINKY = PREBUILT / "blinky_busy.elf"
BLINKY_BIN = PREBUILT / "blinky_busy.bin"
FLASH_SIZE = 64 * 1024                       # STM32F103C8
IDCODES = {0x3BA00477, 0x06410041}           # its JTAG-DP and boundary-scan TAPs
CHANGE = re.compile(r"^\[ *(\d+\.\d{6}) s\] (P[A-E]\d+) -> ([01])(?: \((LED on|LED off)\))?$")
TOGGLING = re.compile(r"^\[ *\d+\.\d{6} s\] PC13 toggling at (\d+\.\d\d) Hz \(LED blinking\)$")
LISTENING = re.compile(r"^Info : stm32f103c8 listening for remote_bitbang on 127\.0\.0\.1:(\d+)$")
ANY_LISTENING = re.compile(r"^Info : (\w+) listening for (remote_bitbang|cmsis-dap tcp) on 127\.0\.0\.1:(\d+)$")

needs_unicorn = pytest.mark.skipif(
    not __import__("importlib").util.find_spec("unicorn"), reason="the simulated core needs unicorn")


# -- formatting and rate limiting ----------------------------------------------------------------------------
def test_a_change_line_has_the_simulated_time_the_pin_its_level_and_the_led_meaning():
    assert change_line(0.17501, "PC13", 0, "LED on") == "[   0.175010 s] PC13 -> 0 (LED on)"
    assert change_line(12.5, "PA8", 1) == "[  12.500000 s] PA8 -> 1"
    assert toggling_line(1.0, "PA5", 5.714, True) == "[   1.000000 s] PA5 toggling at 5.71 Hz (LED blinking)"
    assert stopped_line(2.0, "PA5", 1, "LED on") == "[   2.000000 s] PA5 stopped toggling at 1 (LED on)"


def test_a_fast_toggling_pin_becomes_one_summary_line_until_it_stops():
    limiter = ChangeLimiter(burst=10, window=1.0, led_pin="PC13")
    half_period = 0.0875
    lines = [limiter.change(i * half_period, "PC13", i % 2, "LED off" if i % 2 else "LED on") for i in range(40)]
    assert all(CHANGE.match(line) for line in lines[:9])
    assert lines[9] == "[   0.787500 s] PC13 toggling at 5.71 Hz (LED blinking)"
    assert lines[10:] == [None] * 30
    assert limiter.idle(39 * half_period + 0.5) == []              # a pause shorter than the window
    assert limiter.idle(39 * half_period + 1.5) == ["[   3.412500 s] PC13 stopped toggling at 1 (LED off)"]
    assert limiter.change(6.0, "PC13", 0, "LED on") == "[   6.000000 s] PC13 -> 0 (LED on)"


def test_a_toggling_pin_is_reported_again_when_its_rate_changes_and_logged_again_when_it_slows_down():
    limiter = ChangeLimiter(burst=10, window=1.0)
    t, out = 0.0, []
    for half_period, count in ((0.01, 50), (0.02, 100), (0.3, 4)):
        for _ in range(count):
            t += half_period
            out.append(limiter.change(t, "PA5", len(out) % 2))
    summaries = [line for line in out if line and "toggling" in line]
    assert [s.split(" at ")[1] for s in summaries] == ["50.00 Hz", "25.00 Hz"]
    assert all(line and CHANGE.match(line) for line in out[-2:])    # 1.67 Hz is slow enough to log each change


def test_pins_are_limited_independently():
    limiter = ChangeLimiter(burst=3, window=1.0)
    out = [limiter.change(i * 0.01, "PA5", i % 2) for i in range(6)] + [limiter.change(0.07, "PB1", 1)]
    assert out[2].endswith("PA5 toggling at 50.00 Hz") and out[3:6] == [None] * 3
    assert out[6] == "[   0.070000 s] PB1 -> 1"


def test_the_status_line_draws_the_led_lit_or_dark_and_the_output_pins_per_port():
    lit = status_line(1.5, "running", ("PC13", True), {"A": [(5, 1), (8, 0)], "C": [(13, 0)]})
    assert lit == "   1.500000 s  running    ● PC13 LED on  PA[5=1 8=0] PC[13=0]"
    dark = status_line(0.25, "halted (breakpoint)", ("PC13", False), {})
    assert "○ PC13 LED off" in dark and dark.endswith("no outputs") and "halted (breakpoint)" in dark
    assert fit(lit, 20) == lit[:18] + "…" and fit(lit, 200) == lit


def test_the_core_state_names_lockup_halt_reason_sleep_and_running():
    def core(**flags):
        return SimpleNamespace(**{"locked_up": False, "is_halted": False, "sleeping": False,
                                  "halt_reason": "none", **flags})
    assert core_state(core(locked_up=True, is_halted=True, halt_reason="lockup")) == "locked up"
    assert core_state(core(is_halted=True, halt_reason="bkpt_insn")) == "halted (bkpt insn)"
    assert core_state(core(is_halted=True)) == "halted"
    assert core_state(core(sleeping=True)) == "sleeping"
    assert core_state(core()) == "running"


@needs_unicorn
def test_the_live_display_redraws_its_status_line_in_place_with_log_lines_above_it():
    from ocdpy.sim.board import Board
    from ocdpy.sim.pin_display import PinDisplay

    board = Board("stm32f103c8")
    board.load(BLINKY)
    board.reset()
    out = io.StringIO()
    display = PinDisplay(board, lambda: board.now, stream=out, live=True)
    board.run(seconds=0.2)
    display.log("Info : hello")
    display.close()
    text = out.getvalue()
    assert text.startswith("\r\x1b[K[   0.000005 s] PC13 -> 1 (LED off)\n")
    assert "[   0.175010 s] PC13 -> 0 (LED on)\nInfo : hello\n" in text
    assert text.endswith("   0.200000 s  running    \x1b[1;33m●\x1b[0m PC13 LED on  PC[13=0]\n")


# -- the command -----------------------------------------------------------------------------------------------
class Sim:
    """`ocdpy-sim` in a subprocess, stdout read line by line."""

    def __init__(self, *args: str, fast: bool = True) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "ocdpy.sim.cli", "--no-tty", "--port", "0",
                                      "--dap-port", "0", *(["--fast"] if fast else []), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.port = 0

    def wait_for(self, pattern: re.Pattern, timeout: float = 10.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            match = pattern.match(self.lines[-1])
            if match:
                return match
        raise AssertionError(f"no line matching {pattern.pattern!r} in:\n" + "\n".join(self.lines))

    def listening(self) -> int:
        self.port = int(self.wait_for(LISTENING).group(1))
        return self.port

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
        self.proc.send_signal(signum)
        out, err = self.proc.communicate(timeout=10)
        self.lines += out.splitlines()
        return self.proc.returncode, "\n".join(self.lines), err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def sim():
    started: list[Sim] = []

    def start(*args: str, fast: bool = True) -> Sim:
        started.append(Sim(*args, fast=fast))
        return started[-1]
    yield start
    for s in started:
        s.kill()


def led_lines(lines: list[str]) -> list[re.Match]:
    return [m for m in map(CHANGE.match, lines) if m and m.group(2) == "PC13"]


@needs_unicorn
def test_the_plain_log_shows_listening_then_timestamped_led_changes_then_a_rate_summary(sim):
    s = sim("--load", str(BLINKY))
    s.listening()
    assert float(s.wait_for(TOGGLING).group(1)) == pytest.approx(5.71, abs=0.01)
    changes = led_lines(s.lines)
    assert len(changes) >= 6
    times = [float(m.group(1)) for m in changes]
    assert times == sorted(times) and times[-1] < 1.0
    for m in changes:  # the blue pill's LED is active low
        assert m.group(4) == ("LED on" if m.group(3) == "0" else "LED off")
    code, out, err = s.stop()
    assert code == 0 and err == ""
    assert len(led_lines(out.splitlines())) == len(changes)  # the summary stands for everything after it


@needs_unicorn
def test_the_flash_file_keeps_the_image_across_runs(sim, tmp_path):
    flash = tmp_path / "flash.bin"
    first = sim("--load", str(BLINKY), "--flash-file", str(flash))
    first.listening()
    code, out, _ = first.stop()
    assert code == 0 and f"Info : flash saved to {flash}" in out
    image = BLINKY_BIN.read_bytes()
    data = flash.read_bytes()
    assert len(data) == FLASH_SIZE and data[:len(image)] == image and data[len(image):] == b"\xff" * (
        FLASH_SIZE - len(image))
    assert os.listdir(tmp_path) == ["flash.bin"]  # the temporary file was renamed over it

    second = sim("--flash-file", str(flash))
    second.wait_for(re.compile(rf"^Info : flash loaded from {re.escape(str(flash))} \(65536 bytes\)$"))
    second.wait_for(TOGGLING)
    assert second.stop()[0] == 0


@needs_unicorn
def test_the_flash_file_is_written_while_the_board_runs(sim, tmp_path):
    flash = tmp_path / "flash.bin"
    s = sim("--load", str(BLINKY), "--flash-file", str(flash))
    s.listening()
    deadline = time.monotonic() + 5
    while not flash.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    s.kill()  # no chance to save at exit: what is there came from the periodic save
    assert flash.read_bytes()[:16] == BLINKY_BIN.read_bytes()[:16]


@needs_unicorn
def test_a_flash_file_of_the_wrong_size_is_refused(tmp_path):
    flash = tmp_path / "small.bin"
    flash.write_bytes(b"\0" * 1000)
    r = subprocess.run([sys.executable, "-m", "ocdpy.sim.cli", "--no-tty", "--port", "0", "--flash-file", str(flash)],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1
    assert r.stderr == f"Error: flash file {flash} holds 1000 bytes, but the stm32f103c8 flash is 65536 bytes\n"
    assert flash.read_bytes() == b"\0" * 1000


def jtag_idcodes(port: int) -> set[int]:
    """Two 32-bit IDCODEs out of DR after a TAP reset, clocked over remote_bitbang."""
    def clock(tms: int, tdi: int = 0, read: bool = False) -> bytes:
        return bytes([0x30 + 2 * tms + tdi]) + (b"R" if read else b"") + bytes([0x34 + 2 * tms + tdi])

    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        bits = b"".join(clock(1) for _ in range(5)) + clock(0) + clock(1) + clock(0) + clock(0)  # -> Shift-DR
        conn.sendall(bits + b"".join(clock(0, read=True) for _ in range(64)))
        reply = b""
        while len(reply) < 64:
            reply += conn.recv(64)
        conn.sendall(b"Q")
    value = int(reply[::-1].decode(), 2)
    return {value & 0xFFFFFFFF, value >> 32}


@needs_unicorn
def test_clients_that_drop_or_send_garbage_do_not_kill_the_board(sim):
    s = sim("--load", str(BLINKY))
    port = s.listening()
    with socket.create_connection(("127.0.0.1", port)) as conn:  # garbage, then gone
        conn.sendall(os.urandom(4096) + b"01234567" * 300)
    with socket.create_connection(("127.0.0.1", port)) as conn:  # reset mid-stream (RST, not FIN)
        conn.sendall(b"1515R" * 100)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    assert jtag_idcodes(port) == IDCODES
    assert jtag_idcodes(port) == IDCODES
    assert s.proc.poll() is None
    code, out, err = s.stop()
    assert code == 0 and "Traceback" not in err + out


@needs_unicorn
def test_on_a_terminal_the_status_line_shows_the_led_and_ctrl_c_stops_cleanly():
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "ocdpy.sim.cli", "--port", "0", "--dap-port", "0", "--load",
                                            str(BLINKY)],
                          dimensions=(24, 120), encoding="utf-8", timeout=10)
    try:
        child.expect(r"\r\x1b\[K *\d+\.\d{6} s  running    \x1b\[1;33m●\x1b\[0m PC13 LED on  PC\[13=0\]")
        child.expect(r"\r\x1b\[K *\d+\.\d{6} s  running    \x1b\[2m○\x1b\[0m PC13 LED off  PC\[13=1\]")
        child.sendintr()
        child.expect(pexpect.EOF)
        assert "Traceback" not in child.before
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def dap_request(conn: socket.socket, payload: bytes) -> bytes:
    """One CMSIS-DAP command over OpenOCD's TCP framing; returns the response payload."""
    conn.sendall(frame(payload, packet_type=1))
    header = b""
    while len(header) < 8:
        header += conn.recv(8 - len(header))
    length = int.from_bytes(header[4:6], "little")
    body = b""
    while len(body) < length:
        body += conn.recv(length - len(body))
    return body


def rbb_swd_dpidr(port: int) -> int:
    """Line reset and DPIDR read with remote_bitbang's SWD letters, clocked as OpenOCD's bitbang driver does:
    each bit with SWCLK low (sampled there with `c` when the target drives), then SWCLK high."""
    def drive(bits: int, count: int) -> bytes:
        return b"".join(b"eg" if (bits >> i) & 1 else b"df" for i in range(count))
    letters = b"O" + drive((1 << 56) - 1, 56) + drive(0xE79E, 16) + drive((1 << 56) - 1, 56) + drive(0, 8)
    letters += drive(0xA5, 8) + b"o" + b"dcf" * (1 + 3 + 32 + 1 + 1)  # turnaround, ACK, data, parity, turnaround
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(letters)
        reply = b""
        while len(reply) < 38:
            reply += conn.recv(64)
    bits = [c - 0x30 for c in reply[1:]]
    assert bits[:3] == [1, 0, 0], f"ACK {bits[:3]} is not OK"
    return sum(bit << i for i, bit in enumerate(bits[3:35]))


@needs_unicorn
def test_the_sw_dp_only_chip_is_served_over_remote_bitbang_swd_and_cmsis_dap_tcp(sim):
    s = sim("--chip", "stm32f072rb")
    ports = {}
    while len(ports) < 2:
        match = s.wait_for(ANY_LISTENING)
        assert match.group(1) == "stm32f072rb"
        ports[match.group(2)] = int(match.group(3))
    assert rbb_swd_dpidr(ports["remote_bitbang"]) == 0x0BB11477
    with socket.create_connection(("127.0.0.1", ports["cmsis-dap tcp"]), timeout=5) as conn:
        assert dap_request(conn, bytes([0x02, 1])) == bytes([0x02, 1])  # DAP_Connect SWD
        ones, switch = bytes([0xFF] * 7), bytes([0x9E, 0xE7])
        assert dap_request(conn, bytes([0x12, 136]) + ones + switch + ones + b"\x00") == bytes([0x12, 0])
        response = dap_request(conn, bytes([0x05, 0, 1, 0x02]))  # DAP_Transfer: one DP read of DPIDR
        assert response[:3] == bytes([0x05, 1, 1]) and int.from_bytes(response[3:7], "little") == 0x0BB11477
    assert s.stop()[0] == 0


@needs_unicorn
@pytest.mark.parametrize("realtime", [True, False])
def test_a_realtime_board_keeps_to_the_wall_clock_and_a_fast_one_runs_ahead(realtime):
    from ocdpy.sim.running import RunningBoard

    running = RunningBoard("stm32f103c8", realtime=realtime)
    running.board.load(BLINKY)
    running.board.reset()
    running.start()
    started = time.monotonic()
    time.sleep(0.5)
    simulated, elapsed = running.sim_time, time.monotonic() - started
    running.stop()
    if realtime:
        assert 0.3 < simulated <= elapsed + 0.01, f"{simulated:.3f} s simulated in {elapsed:.3f} s"
    else:
        assert simulated > 2 * elapsed, f"only {simulated:.3f} s simulated in {elapsed:.3f} s flat out"
