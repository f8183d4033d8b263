"""Real gdb-multiarch against ocdpy's GDB server on the simulated STM32F401 and STM32F072: extended-remote,
`load` through vFlash packets, breakpoints in flash, stepping, registers, memory, a watchpoint, variables,
an interrupt of the running core and detach, in one gdb session per chip."""
from __future__ import annotations

import re

import pexpect
import pytest

from gdb_batch import GDB, run_gdb
from ocdpy_process import PREBUILT, OcdpyProcess, sim_args

pytestmark = pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")

SESSION = [
    "connect: target extended-remote :PORT",
    "reset: monitor reset halt",
    "load: set debug remote 1\nload\nset debug remote 0",
    "compare: compare-sections",
    "break: break main",
    "continue: continue",
    "pc0: print/x $pc",
    "stepi: stepi 10",
    "pc1: print/x $pc",
    "next: next",
    "regs: info registers",
    "x: x/8xw 0x20000000",
    "hbreak: hbreak *busy_delay",
    "continue_hw: continue",
    "pc_hw: print/x $pc",
    "clear: delete",
    "watch: watch g_toggle_count",
    "continue_watch: continue",
    "unwatch: delete",
    "setvar: set var g_busy_delay_iterations = 5",
    "print: print g_busy_delay_iterations",
    "detach: detach",
]


def check_session(parts: dict[str, str], chip: str) -> None:
    assert re.search(r"^(0x[0-9a-f]+ in )?(\?\?|\w+) \(", parts["connect"], re.M), parts["connect"]  # where it stopped
    assert "halted due to debug-request" in parts["reset"], parts["reset"]
    load = parts["load"]
    assert "vFlashErase:" in load and "vFlashWrite:" in load and "vFlashDone" in load, load[-2000:]
    assert re.search(r"Start address 0x[0-9a-f]+, load size \d+", load), load[-2000:]
    sections = re.findall(r"Section (\S+), range .*: (\w+)", parts["compare"])
    assert sections and all(state == "matched" for _, state in sections), parts["compare"]
    assert "Breakpoint 1 at" in parts["break"]
    assert re.search(r"Breakpoint 1, main \(\)", parts["continue"]), parts["continue"]
    pc0 = int(re.search(r"= (0x[0-9a-f]+)", parts["pc0"]).group(1), 16)
    pc1 = int(re.search(r"= (0x[0-9a-f]+)", parts["pc1"]).group(1), 16)
    assert pc1 != pc0
    assert re.search(r"^\d+\s", parts["next"], re.M) or "main" in parts["next"], parts["next"]
    regs = parts["regs"]
    for name in ("r0", "sp", "pc", "xPSR", "msp", "psp", "primask", "control"):
        assert re.search(rf"^{name}\s+0x", regs, re.M), (name, regs)
    assert ("fpscr" in regs) == (chip == "stm32f401cc")
    assert re.search(r"0x20000000 <g_busy_delay_iterations>:(\s+0x[0-9a-f]{8}){4}", parts["x"]), parts["x"]
    assert "Hardware assisted breakpoint 2 at" in parts["hbreak"], parts["hbreak"]
    assert "Breakpoint 2, busy_delay" in parts["continue_hw"], parts["continue_hw"]
    hw_address = re.search(r"Hardware assisted breakpoint 2 at (0x[0-9a-f]+)", parts["hbreak"]).group(1)
    assert re.search(rf"= {hw_address}$", parts["pc_hw"], re.M), (hw_address, parts["pc_hw"])
    assert "Hardware watchpoint 3: g_toggle_count" in parts["watch"]
    assert re.search(r"Old value = \d+\s+New value = \d+", parts["continue_watch"]), parts["continue_watch"]
    assert re.search(r"^\$\d+ = 5$", parts["print"], re.M), parts["print"]
    assert "detached" in parts["detach"], parts["detach"]


@pytest.mark.parametrize("chip", ["stm32f401cc", "stm32f072rb"])
def test_gdb_session(chip):
    # the simulator starts with another program in flash, so `compare-sections` proves what `load` wrote
    with OcdpyProcess(*sim_args(chip, "blinky_systick")) as ocd:
        parts = run_gdb(ocd.ports["gdb"], str(PREBUILT / chip / "blinky_busy.elf"), SESSION)
        check_session(parts, chip)
        log = ocd.log()
        assert "accepting 'gdb' connection on tcp/" in log
        assert "dropped 'gdb' connection" in ocd.wait_log("dropped 'gdb' connection").group(0)
        assert "halted due to single-step" not in log  # gdb's steps are quiet, as in OpenOCD
        assert ocd.alive()


def test_gdb_interrupt_running_core():
    """Ctrl-C at gdb's prompt while the core runs: gdb sends 0x03, the server halts the core and answers."""
    with OcdpyProcess(*sim_args("stm32f072rb")) as ocd:
        gdb = pexpect.spawn(GDB, ["-q", "-nx", str(PREBUILT / "stm32f072rb" / "blinky_busy.elf")],
                            encoding="utf-8", timeout=30)
        try:
            gdb.expect_exact("(gdb)")
            gdb.sendline(f"target extended-remote :{ocd.ports['gdb']}")
            gdb.expect_exact("(gdb)")
            gdb.sendline("continue")
            gdb.expect_exact("Continuing.")
            gdb.sendcontrol("c")
            gdb.expect("received signal SIGINT")
            gdb.expect_exact("(gdb)")
            gdb.sendline("print/x $pc")
            gdb.expect(r"\$1 = 0x8[0-9a-f]+")
            gdb.sendline("detach")
            gdb.expect_exact("detached")
            gdb.sendline("quit")
            gdb.expect(pexpect.EOF)
        finally:
            gdb.close(force=True)
        assert "halted due to" not in ocd.log()  # attach and interrupt are gdb's to show, as in OpenOCD
        assert ocd.alive()


def test_gdb_over_a_pipe():
    """`target extended-remote | ocdpy … -c 'gdb_port pipe'`: gdb starts ocdpy itself and talks over stdio."""
    import shlex
    import sys

    from ocdpy_process import REPO

    ocdpy = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "ocdpy.cli", "-c",
                                               "gdb_port pipe; telnet_port disabled; tcl_port disabled",
                                               *sim_args("stm32f072rb")])
    parts = run_gdb(0, str(PREBUILT / "stm32f072rb" / "blinky_busy.elf"), [
        f"connect: target extended-remote | cd {shlex.quote(str(REPO))} && PYTHONPATH=. {ocdpy}",
        "pc: print/x $pc",
        "x: x/1xw &g_busy_delay_iterations",
        "detach: detach",
    ])
    assert "accepting 'gdb' connection from pipe" in parts["connect"], parts["connect"]
    assert re.search(r"= 0x8[0-9a-f]+", parts["pc"]), parts["pc"]
    assert "0x000186a0" in parts["x"], parts["x"]  # the F072 build's BUSY_DELAY_ITERATIONS
    assert "detached" in parts["detach"], parts["detach"]
