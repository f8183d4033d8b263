"""CortexM.prefetch reads many core registers in one DAP round trip (DCRSR write, DHCSR and DCRDR reads each,
through the AHB-AP's banked data registers) and gets the same values as the one-register-at-a-time path."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console import Console  # noqa: E402

pytest.importorskip("unicorn")
PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"


@pytest.mark.parametrize("chip, target", [("stm32f401cc", "stm32f4x"), ("stm32f072rb", "stm32f0x")])
def test_prefetch_is_one_round_trip_with_the_slow_paths_values(chip, target):
    console = Console()
    try:
        for line in ("source [find interface/sim.cfg]", f"sim load {PREBUILT / chip / 'blinky_busy.elf'}",
                     f"source [find target/{target}.cfg]", "init", "halt"):
            console.run(line)
        core = console.session.targets[f"{target}.cpu"].core
        names = [r.name for r in core.info.registers]
        slow = {}
        for name in names:
            core._regs.clear()
            slow[name] = core.read_reg(name)
        core._regs.clear()
        queue = console.session.dap_queue
        flushes = []
        real_flush = queue.flush
        queue.flush = lambda: (flushes.append(1), real_flush())[1]
        try:
            core.prefetch(names)
            assert len(flushes) == 1
            assert {name: core.read_reg(name) for name in names} == slow
            assert len(flushes) == 1  # everything came from the one batch
        finally:
            queue.flush = real_flush
    finally:
        console.close()
