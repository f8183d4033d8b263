"""OpenOCD's own target configs (Debian's script tree, found through -s) drive ocdpy's simulated chips: their
event handlers (examine-end's DBGMCU `mmw` from mem_helper.tcl, reset-init's clock set-up) run, and `program`
works. `add_usage_text` on a proc such as mem_helper's `mmw` once replaced the proc and broke init."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

SCRIPTS = Path("/usr/share/openocd/scripts")
REPO = Path(__file__).resolve().parents[2]
CHIPS = {"stm32f0x": "stm32f072rb", "stm32f1x": "stm32f103c8", "stm32f4x": "stm32f401cc"}


@pytest.mark.skipif(not SCRIPTS.is_dir(), reason="needs Debian's openocd script tree")
@pytest.mark.parametrize("target", list(CHIPS))
def test_openocd_target_config_programs_the_sim(target):
    chip = CHIPS[target]
    image = REPO / "examples" / "prebuilt" / chip / "blinky_busy.elf"
    done = subprocess.run([sys.executable, "-m", "ocdpy.cli", "-c", "gdb_port disabled; telnet_port disabled; "
                           "tcl_port disabled", "-f", "interface/sim.cfg", "-c", f"sim chip {chip}", "-s", str(SCRIPTS),
                           "-f", f"target/{target}.cfg", "-c", "init", "-c", "mmw 0x20000000 0x5 0",
                           "-c", "mdw 0x20000000", "-c", "reset init", "-c", f"program {image} verify reset exit"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "processor detected" in done.stderr and "Error" not in done.stderr, done.stderr
    assert "0x20000000: 00000005" in done.stderr  # mem_helper.tcl's mmw proc ran
    assert "** Verified OK **" in done.stderr
