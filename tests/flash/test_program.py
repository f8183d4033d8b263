"""`program FILE [ADDRESS] verify reset exit` on the simulated boards: the milestones and summary, the LED
toggling afterwards, every image kind, the pre-flight refusals (nothing erased), a verify failure's report,
and the warning when the core is left halted."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console import Console  # noqa: E402

from ocdpy.tcl.errors import TclError  # noqa: E402

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
TARGETS = {"stm32f072rb": "stm32f0x", "stm32f103c8": "stm32f1x", "stm32f401cc": "stm32f4x"}


def ocdpy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocdpy.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("chip", list(TARGETS))
@pytest.mark.parametrize("kind", ["elf", "hex", "bin"])
def test_program_verify_reset_exit_from_the_command_line(chip, kind):
    image = PREBUILT / chip / f"blinky_busy.{kind}"
    address = " 0x08000000" if kind == "bin" else ""
    done = ocdpy("-f", "interface/sim.cfg", "-f", f"target/{TARGETS[chip]}.cfg",
                 "-c", f"program {image}{address} verify reset exit")
    assert done.returncode == 0, done.stderr
    log = done.stderr
    for milestone in ("** Programming Started **", "** Programming Finished **", "** Verify Started **",
                      "** Verified OK **", "** Resetting Target **"):
        assert milestone in log
    size = image.stat().st_size if kind == "bin" else None
    summary = [line for line in log.splitlines() if line.startswith("Info : programmed ")]
    assert len(summary) == 1 and "sector(s) erased" in summary[0] and summary[0].endswith(", verified")
    if size is not None:
        assert summary[0].startswith(f"Info : programmed {size} bytes")


@pytest.fixture
def console_for():
    consoles: list[Console] = []

    def start(chip: str, preload: str | None = "blinky_systick.elf") -> Console:
        console = Console()
        console.run("source [find interface/sim.cfg]")
        if preload:
            console.run(f"sim load {PREBUILT / chip / preload}")
        console.run(f"source [find target/{TARGETS[chip]}.cfg]")
        console.run("init")
        consoles.append(console)
        return console
    yield start
    for c in consoles:
        c.close()


@pytest.mark.parametrize("chip", list(TARGETS))
def test_after_program_the_led_toggles(console_for, chip):
    console = console_for(chip, preload=None)
    console.run(f"program {PREBUILT / chip / 'blinky_busy.elf'} verify reset")
    board = console.session.probe.board
    deadline = time.monotonic() + 10
    while len([c for c in board.pin_changes if c.pin == board.led.pin]) < 4:
        assert time.monotonic() < deadline, "the LED never toggled after program ... reset"
        time.sleep(0.05)
    changes = [c.time for c in board.pin_changes if c.pin == board.led.pin]
    assert changes[-1] - changes[-2] == pytest.approx(0.0875, rel=0.02)


def flash_bytes(console: Console, size: int) -> bytes:
    return console.session.probe.board.flash.read(0x08000000, size)


@pytest.mark.parametrize("image,chip,message", [
    ("stm32f072_m4build.elf", "stm32f072rb", r"built for ARMv7E-M, which the Cortex-M0 of stm32f0x.cpu cannot run; "
                                             r"build for thumbv6m-none-eabi"),
    ("stm32f103c8/too_big.elf", "stm32f103c8", r"segment 0x08000000-0x080141a3 \(82340 bytes\) does not fit flash "
                                               r"bank 'stm32f1x.flash' \(0x08000000-0x0800ffff, 64 KiB\)"),
    ("stm32f103c8/stray_segment.elf", "stm32f103c8", r"segment 0x30000000-0x3000000f \(16 bytes\) is outside every "
                                                     r"flash bank and nothing answers at 0x30000000"),
])
def test_preflight_refuses_before_anything_is_erased(console_for, image, chip, message):
    console = console_for(chip)
    before = flash_bytes(console, 0x8000)
    assert before[:4] != b"\xff\xff\xff\xff"
    with pytest.raises(TclError, match=r"\*\* Programming Failed \*\*"):
        console.run(f"program {PREBUILT / image} verify reset")
    assert re.search(message, console.log()), console.log()
    assert flash_bytes(console, 0x8000) == before, "flash changed although the image was refused"


def test_a_corrupt_elf_is_refused_with_its_name_and_nothing_is_erased(console_for, tmp_path):
    corrupt = tmp_path / "cut.elf"
    corrupt.write_bytes((PREBUILT / "stm32f103c8" / "blinky_busy.elf").read_bytes()[:3000])
    console = console_for("stm32f103c8")
    before = flash_bytes(console, 0x400)
    with pytest.raises(TclError):
        console.run(f"program {corrupt} verify reset")
    assert f"{corrupt}: truncated or corrupt ELF" in console.log()
    assert flash_bytes(console, 0x400) == before


def test_a_verify_failure_names_the_first_differing_byte_and_exits_non_zero():
    busy, systick = PREBUILT / "stm32f103c8" / "blinky_busy.elf", PREBUILT / "stm32f103c8" / "blinky_systick.elf"
    done = ocdpy("-f", "interface/sim.cfg", "-c", f"sim load {busy}", "-f", "target/stm32f1x.cfg", "-c", "init",
                 "-c", "reset halt", "-c", f"verify_image {systick}", "-c", "shutdown")
    assert done.returncode == 1
    assert "checksum mismatch - attempting binary compare" in done.stderr
    # the two blinkies share their vector table up to the SysTick vector at 0x3c
    assert "diff 0 address 0x0800003c. Was 0xf1 instead of 0x35" in done.stderr
    assert (f"verify failed: {systick} differs from the target first at 0x0800003c (expected 0x35, read 0xf1)"
            in done.stderr)


def test_program_without_reset_warns_that_the_core_stays_halted(console_for):
    console = console_for("stm32f103c8")
    console.run(f"program {PREBUILT / 'stm32f103c8' / 'blinky_busy.elf'} verify")
    log = console.log()
    assert "Warn : the target is left halted" in log and "program FILE verify reset exit" in log
    assert console.run("stm32f1x.cpu curstate") == "halted"


def test_progress_is_plain_lines_when_not_a_terminal(console_for):
    console = console_for("stm32f401cc")
    console.run("reset halt")
    console.run(f"flash write_image erase {PREBUILT / 'stm32f401cc' / 'blinky_busy.elf'}")
    log = console.log()
    assert "Warn : Adding extra erase range, 0x08000250 .. 0x08003fff" in log
    assert re.search(r"^Info : erase: 16384 bytes in \d+\.\d{3}s \(\d+\.\d{3} KiB/s\)$", log, re.M)
    assert re.search(r"^Info : write: 592 bytes in \d+\.\d{3}s", log, re.M)


@pytest.mark.skipif(shutil.which("make") is None or shutil.which("arm-none-eabi-gcc") is None,
                    reason="needs make and arm-none-eabi-gcc")
def test_the_examples_makefile_flashes_the_simulator(tmp_path):
    examples = Path(__file__).resolve().parents[2] / "examples"
    done = subprocess.run(["make", "-C", str(examples), f"BUILD={tmp_path}", "CHIP=stm32f072rb",
                           "VARIANT=blinky_systick", f"OCDPY={sys.executable} -m ocdpy.cli", "flash-sim"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "** Verified OK **" in done.stderr and "** Resetting Target **" in done.stderr


def test_a_bad_vector_table_is_warned_about_before_programming(console_for):
    console = console_for("stm32f103c8")
    console.run(f"program {PREBUILT / 'stm32f103c8' / 'bad_vectors.elf'} verify")
    log = console.log()
    warnings = log[:log.index("** Programming Started **")]
    assert "initial stack pointer 0x20010000 is not in this chip's RAM" in warnings
    assert "the reset vector 0x08000008 has no Thumb bit" in warnings


def test_on_a_terminal_each_phase_draws_a_progress_bar(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    image = tmp_path / "image.bin"
    image.write_bytes((PREBUILT / "stm32f103c8" / "blinky_busy.bin").read_bytes() + bytes(range(256)) * 60)
    child = pexpect.spawn(sys.executable, ["-m", "ocdpy.cli", "-f", "interface/sim.cfg", "-f", "target/stm32f1x.cfg",
                                           "-c", f"program {image} 0x08000000 verify exit"],
                          encoding="utf-8", timeout=60, dimensions=(24, 120))
    try:
        child.expect(r" erase:\s+\d+%\|")   # tqdm's bar: phase, percentage, bar
        child.expect(r" write:\s+\d+%\|")
        child.expect(r"\*\* Verified OK \*\*")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
