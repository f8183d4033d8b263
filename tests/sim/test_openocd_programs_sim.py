"""Real OpenOCD 0.12 programs the simulated STM32F103 and STM32F401 over remote_bitbang with its own target files:
the proof that the TAP, DP/AP, debug and flash models behave like the silicon OpenOCD was written for."""
from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from ocdpy.sim.running import RunningBoard  # noqa: E402

OPENOCD = shutil.which("openocd")
SCRIPTS = "/usr/share/openocd/scripts"
PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
# chip -> (OpenOCD's own target file, the LED pin of our board model)
BOARDS = {"stm32f103c8": ("target/stm32f1x.cfg", "PC13"), "stm32f401cc": ("target/stm32f4x.cfg", "PA5")}
# chip -> what `flash info 0` must report after probing: (size, number of sectors as OpenOCD lists them)
FLASH_INFO = {"stm32f103c8": ("size 0x00010000", 16), "stm32f401cc": ("size 0x00040000", 6)}

pytestmark = pytest.mark.skipif(OPENOCD is None, reason="openocd is not installed; it is the oracle")


def start_sim(chip: str):
    running = RunningBoard(chip)
    running.board.reset()
    running.start()
    ready = threading.Event()
    port = []

    def on_ready(p):
        port.append(p)
        ready.set()

    thread = threading.Thread(target=running.serve, args=(0,), kwargs={"ready": on_ready, "max_clients": 2},
                              daemon=True)
    thread.start()
    assert ready.wait(10)
    return running, port[0]


def openocd(port: int, target_cfg: str, *commands: str) -> str:
    cmd = [OPENOCD, "-c", f"adapter driver remote_bitbang; remote_bitbang port {port}; remote_bitbang host 127.0.0.1",
           "-f", target_cfg]
    for c in commands:
        cmd += ["-c", c]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=SCRIPTS)
    return r.stdout + r.stderr


@pytest.mark.parametrize("chip", sorted(BOARDS))
def test_openocd_program_verify_reset_then_the_led_toggles(chip):
    target_cfg, led = BOARDS[chip]
    firmware = PREBUILT / chip / "blinky_busy.elf"
    running, port = start_sim(chip)
    try:
        log = openocd(port, target_cfg, f"program {firmware} verify reset exit")
        assert "** Programming Finished **" in log, log
        assert "** Verified OK **" in log, log
        with running.lock:
            assert running.board.flash.read(0x08000000, 8) != b"\xff" * 8
            toggles_before = len(running.board.pin_changes)
        time.sleep(1.0)  # the core runs on its own thread after `reset run`
        with running.lock:
            changes = [c for c in running.board.pin_changes[toggles_before:] if c.pin == led]
        assert len(changes) >= 2, "the LED did not toggle after reset"
        # a second session: OpenOCD's flash info and a memory read show the image where it belongs
        initial_sp = int.from_bytes(running.board.flash.read(0x08000000, 4), "little")
        log = openocd(port, target_cfg, "init", "halt", "flash probe 0", "flash info 0", "mdw 0x08000000 1",
                      "resume", "shutdown")
        size, sectors = FLASH_INFO[chip]
        assert size in log, log
        assert sum(1 for line in log.splitlines() if " protected" in line) == sectors, log
        assert f"0x08000000: {initial_sp:08x}" in log, log
        assert initial_sp in (0x20005000, 0x20010000)  # the firmware's initial stack pointer, top of its RAM
    finally:
        running.stopping = True
