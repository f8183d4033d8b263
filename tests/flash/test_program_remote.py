"""`program` through remote_bitbang to a simulated board served over TCP, and the cross-check with real
OpenOCD 0.12 on the same board: what either tool programs, the other verifies byte for byte."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
from served_board import served_board  # noqa: E402

from ocdpy.flash.image import load_image  # noqa: E402

OPENOCD = shutil.which("openocd")
SCRIPTS = Path("/usr/share/openocd/scripts")
PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
CHIPS = {"stm32f103c8": "stm32f1x", "stm32f401cc": "stm32f4x"}


def rbb(port: int) -> str:
    return f"adapter driver remote_bitbang; remote_bitbang host 127.0.0.1; remote_bitbang port {port}"


def ocdpy(port: int, target: str, *commands: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "ocdpy.cli", "-c", rbb(port), "-f", f"target/{target}.cfg"]
    for command in commands:
        args += ["-c", command]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def openocd(port: int, target: str, *commands: str) -> subprocess.CompletedProcess:
    args = [OPENOCD, "-c", rbb(port), "-c", "gdb_port disabled; telnet_port disabled; tcl_port disabled",
            "-f", f"target/{target}.cfg"]
    for command in commands:
        args += ["-c", command]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=SCRIPTS)


def led_toggles(board, since: int = 0) -> int:
    return len([c for c in board.pin_changes[since:] if c.pin == board.led.pin])


@pytest.mark.parametrize("chip", list(CHIPS))
def test_program_over_remote_bitbang_then_the_led_toggles(chip):
    with served_board(chip, "remote_bitbang") as (running, port):
        done = ocdpy(port, CHIPS[chip], f"program {PREBUILT / chip / 'blinky_busy.elf'} verify reset exit")
        assert done.returncode == 0, done.stderr
        assert "** Verified OK **" in done.stderr and "Info : programmed " in done.stderr
        board, deadline = running.board, time.monotonic() + 10
        while led_toggles(board) < 3:
            assert time.monotonic() < deadline, "the LED never toggled after programming"
            time.sleep(0.05)


@pytest.mark.skipif(OPENOCD is None or not SCRIPTS.is_dir(), reason="needs Debian's openocd and its scripts")
@pytest.mark.parametrize("chip", list(CHIPS))
def test_openocd_and_ocdpy_verify_each_others_programming(chip):
    target = CHIPS[chip]
    busy, systick = PREBUILT / chip / "blinky_busy.elf", PREBUILT / chip / "blinky_systick.elf"
    with served_board(chip, "remote_bitbang") as (_, port):
        theirs = openocd(port, target, f"program {busy} verify reset exit")
        assert "** Verified OK **" in theirs.stderr, theirs.stderr
        ours = ocdpy(port, target, "init", "reset halt", f"verify_image {busy}", "shutdown")
        assert ours.returncode == 0, ours.stderr
        assert f"verified {load_image(str(busy)).size} bytes in " in ours.stderr

        ours = ocdpy(port, target, f"program {systick} verify reset exit")
        assert ours.returncode == 0, ours.stderr
        theirs = openocd(port, target, "init", "reset halt", f"verify_image {systick}", "shutdown")
        assert f"verified {load_image(str(systick)).size} bytes in " in theirs.stderr, theirs.stderr
        theirs = openocd(port, target, "init", "reset halt", f"verify_image {busy}", "shutdown")
        assert "checksum mismatch" in theirs.stderr, "OpenOCD should see that the busy blinky was replaced"
