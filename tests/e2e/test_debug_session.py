"""One debug session, as the issue lists it, on each simulated chip and through each adapter that reaches it:
init; halt; reg pc; step; mdw; mww; mdw; bp <addr> 2 hw; resume; wait_halt; reg pc (at the breakpoint); reset
halt (at the reset vector). Output is checked against OpenOCD's formats (measured on OpenOCD 0.12)."""
from __future__ import annotations

import contextlib
import re
import sys
from importlib import import_module
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from console import Console  # noqa: E402

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
# per chip: target config, busy_delay (arm-none-eabi-nm), Reset_Handler, initial SP (vector table word 0)
CHIPS = {"stm32f072rb": ("stm32f0x", 0x08000104, 0x080000C8, 0x20004000),
         "stm32f103c8": ("stm32f1x", 0x08000134, 0x080000F4, 0x20005000),
         "stm32f401cc": ("stm32f4x", 0x080001DC, 0x0800019C, 0x20010000)}
HALTED = re.compile(r"^\[(\S+)\] halted due to (\S+), current mode: Thread \nxPSR: 0x[0-9a-f]{8} "
                    r"pc: 0x([0-9a-f]{8}) msp: 0x[0-9a-f]{8}$", re.M)


@contextlib.contextmanager
def sim_setup(chip: str, variant: str, image: Path):
    yield ["source [find interface/sim.cfg]", f"sim load {image}"]


def probe_setup(module: str):
    """The `adapter_setup` of tests/adapters/setup_<module>.py, with the firmware put into the chip's flash."""
    def setup(chip: str, variant: str, image: Path):
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
        return import_module(f"setup_{module}").adapter_setup(chip, variant, image=str(image))
    return setup


SETUPS = {("sim", "swd"): sim_setup,
          ("remote_bitbang", "jtag"): probe_setup("remote_bitbang"), ("remote_bitbang", "swd"): probe_setup("remote_bitbang"),
          ("cmsis-dap", "v1"): probe_setup("cmsis_dap"), ("cmsis-dap", "v2"): probe_setup("cmsis_dap"),
          ("cmsis-dap", "tcp"): probe_setup("cmsis_dap"), ("cmsis-dap", "v1-jtag"): probe_setup("cmsis_dap"),
          ("cmsis-dap", "v2-jtag"): probe_setup("cmsis_dap"), ("cmsis-dap", "tcp-jtag"): probe_setup("cmsis_dap"),
          ("stlink", "hla"): probe_setup("stlink"), ("stlink", "dapdirect"): probe_setup("stlink")}
CASES = [(name, variant, chip) for (name, variant) in SETUPS for chip in CHIPS
         if not (variant.endswith("jtag") and chip == "stm32f072rb")]  # the STM32F0 is SW-DP only


@pytest.mark.parametrize("adapter,variant,chip", CASES)
def test_the_issue_session(adapter, variant, chip):
    target_cfg, busy_delay, reset_handler, initial_sp = CHIPS[chip]
    image = PREBUILT / chip / "blinky_busy.elf"
    console = Console()
    with SETUPS[(adapter, variant)](chip, variant, image) as lines:
        try:
            for line in lines:
                console.run(line)
            console.run(f"source [find target/{target_cfg}.cfg]")
            console.run("init")
            assert "processor detected" in console.log()
            name = f"{target_cfg}.cpu"

            console.run("halt")  # no poll yet: OpenOCD warns, and reports no halt it did not see happen
            assert console.log() == f"Warn : [{name}] target was in unknown state when halt was requested\n"
            assert console.run(f"{name} curstate") == "halted"
            pc = int(re.fullmatch(r"pc \(/32\): 0x([0-9a-f]{8})\n", console.run("reg pc")).group(1), 16)

            console.run("step")
            stepped = HALTED.search(console.log())
            assert stepped and stepped.group(2) == "single-step" and int(stepped.group(3), 16) != pc

            dump = console.run("mdw 0x08000000 4")
            assert re.fullmatch(rf"0x08000000: {initial_sp:08x} {reset_handler | 1:08x} [0-9a-f]{{8}} [0-9a-f]{{8}} \n",
                                dump), dump
            assert console.run("mww 0x20000100 0x12345678") == ""
            assert console.run("mdw 0x20000100") == "0x20000100: 12345678 \n"

            assert console.run(f"bp 0x{busy_delay:08x} 2 hw") == f"breakpoint set at 0x{busy_delay:08x}\n"
            console.run("resume")
            console.run("wait_halt")
            hit = HALTED.search(console.log())
            assert hit and hit.group(2) == "breakpoint" and int(hit.group(3), 16) == busy_delay
            assert console.run("reg pc") == f"pc (/32): 0x{busy_delay:08x}\n"

            console.run("reset halt")
            after_reset = HALTED.search(console.log())
            assert after_reset and int(after_reset.group(3), 16) == reset_handler
            assert console.run("reg pc") == f"pc (/32): 0x{reset_handler:08x}\n"
            assert console.run("reg sp") == f"sp (/32): 0x{initial_sp:08x}\n"
        finally:
            console.close()
