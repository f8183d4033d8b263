"""Exec-stage commands on the in-process simulated boards: event order, stepping with interrupts masked,
breakpoint and watchpoint resources, register sets per core, reset through SRST, and plain errors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from console import Console  # noqa: E402

from ocdpy.errors import OcdError  # noqa: E402

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
TARGETS = {"stm32f072rb": "stm32f0x", "stm32f103c8": "stm32f1x", "stm32f401cc": "stm32f4x"}
EVENTS = ("examine-start", "examine-end", "reset-start", "reset-assert-pre", "reset-assert-post",
          "reset-deassert-pre", "reset-deassert-post", "reset-init", "reset-end", "gdb-halt", "halted", "resumed",
          "resume-start", "resume-end", "step-start", "step-end")


def session(chip: str, image: str = "blinky_busy.elf", *config: str) -> Console:
    console = Console()
    console.run("source [find interface/sim.cfg]")
    console.run(f"sim load {PREBUILT / chip / image}")
    console.run(f"source [find target/{TARGETS[chip]}.cfg]")
    for line in config:
        console.run(line)
    console.run("init")
    return console


@pytest.fixture
def open_sessions():
    consoles: list[Console] = []

    def start(*args, **kwargs) -> Console:
        consoles.append(session(*args, **kwargs))
        return consoles[-1]
    yield start
    for c in consoles:
        c.close()


def events(log: str) -> list[str]:
    return re.findall(r"^EV:(\S+)$", log, re.M)


def test_events_fire_in_openocds_order(open_sessions):
    handlers = [f"stm32f1x.cpu configure -event {e} {{echo EV:{e}}}" for e in EVENTS]
    console = Console()
    for line in ["source [find interface/sim.cfg]", f"sim load {PREBUILT / 'stm32f103c8' / 'blinky_busy.elf'}",
                 "source [find target/stm32f1x.cfg]", *handlers]:
        console.run(line)
    try:
        console.run("init")
        assert events(console.log()) == ["examine-start", "examine-end"]
        console.run("reset init")
        assert events(console.log()) == ["reset-start", "examine-start", "examine-end", "reset-assert-pre",
                                         "reset-assert-post", "reset-deassert-pre", "reset-deassert-post",
                                         "gdb-halt", "halted", "reset-init", "reset-end"]
        # as OpenOCD 0.12 fires them (measured with the same echo handlers)
        console.run("resume")
        assert events(console.log()) == ["resume-start", "resumed", "resume-end"]
        console.run("halt")
        log = console.log()
        assert events(log) == ["gdb-halt", "halted"] and log.index("EV:halted") < log.index("halted due to debug-request")
        console.run("step")
        log = console.log()
        assert events(log) == ["step-start", "resumed", "gdb-halt", "halted", "step-end"]
        assert log.index("EV:halted") < log.index("halted due to single-step") < log.index("EV:step-end")
        console.run("reset run")
        assert events(console.log()) == ["reset-start", "examine-start", "examine-end", "reset-assert-pre",
                                         "reset-assert-post", "reset-deassert-pre", "reset-deassert-post",
                                         "reset-end"]
    finally:
        console.close()


@pytest.mark.parametrize("chip", list(TARGETS))
def test_stepping_masks_interrupts_unless_maskisr_is_off(open_sessions, chip):
    console = open_sessions(chip, "blinky_systick.elf")
    console.run("reset halt")
    console.run("resume")
    console.run("halt")
    console.run("mww 0xE000ED04 0x04000000")  # ICSR.PENDSTSET: a SysTick exception is now pending
    for _ in range(5):
        console.run("step")
        assert int(console.run("reg xPSR").split()[-1], 16) & 0x1FF == 0, "stepped into a handler"
    console.run("cortex_m maskisr off")
    assert console.run("cortex_m maskisr") == "cortex_m interrupt mask off\n"
    console.run("step")
    assert int(console.run("reg xPSR").split()[-1], 16) & 0x1FF == 15, "the pending SysTick was not taken"


def test_breakpoint_kinds_and_resources(open_sessions):
    console = open_sessions("stm32f103c8")
    console.run("halt")
    # code in RAM: a software breakpoint (BKPT) that restores the instruction when removed
    console.run("write_memory 0x20000200 16 {0x3001 0x3001 0xe7fc}")  # adds r0,#1 ; adds r0,#1 ; b .-4
    console.run("reg pc 0x20000200")
    assert console.run("bp 0x20000202 2") == "breakpoint set at 0x20000202\n"
    assert console.run("read_memory 0x20000202 16 1") == "0xbe00"
    console.run("resume")
    console.run("wait_halt")
    assert console.run("reg pc") == "pc (/32): 0x20000202\n"
    assert "IVA breakpoint: 0x20000202, 0x2, 0x3001" in console.run("bp")
    console.run("rbp 0x20000202")
    assert console.run("read_memory 0x20000202 16 1") == "0x3001"
    # in flash a BKPT cannot be written: `bp` without hw takes an FPB comparator instead
    console.run("bp 0x08000100 2")
    assert console.run("bp") == "Breakpoint(IVA): 0x08000100, 0x2, 0\n"
    for n in range(1, 6):
        console.run(f"bp 0x{0x08000100 + 2 * n:08x} 2 hw")
    with pytest.raises(OcdError, match="can't add breakpoint: resource not available"):
        console.run("bp 0x08000140 2 hw")
    assert "Can not find free FPB Comparator!" in console.log()
    with pytest.raises(OcdError, match="Duplicate Breakpoint address: 0x08000100"):
        console.run("bp 0x08000100 2 hw")
    console.run("rbp all")
    assert console.run("bp") == ""


def test_watchpoints_list_and_run_out(open_sessions):
    console = open_sessions("stm32f401cc")
    console.run("halt")
    console.run("wp 0x20000004 4 w")
    console.run("resume")
    console.run("wait_halt")
    assert "halted due to watchpoint" in console.log()
    assert console.run("wp") == ("address: 0x20000004, len: 0x00000004, r/w/a: 1, value: 0x00000000, "
                                 "mask: 0xffffffff\n")
    for n in range(1, 4):
        console.run(f"wp 0x{0x20000100 + 4 * n:08x} 4 r")
    with pytest.raises(OcdError, match="Failure setting watchpoints"):
        console.run("wp 0x20000200 4 a")
    assert "can't add access watchpoint at 0x20000200, resource not available" in console.log()


def test_register_sets_follow_the_core(open_sessions):
    m0 = open_sessions("stm32f072rb")
    m0.run("halt")
    listing = m0.run("reg")
    assert "(20) primask (/1)" in listing and "basepri" not in listing and "faultmask" not in listing
    m4 = open_sessions("stm32f401cc")
    m4.run("halt")
    listing = m4.run("reg")
    assert "(42) d0 (/64): 0x" in listing and "(57) d15 (/64)" in listing and "(58) fpscr (/32)" in listing
    assert m4.run("reg d0 0x1122334455667788") == "d0 (/64): 0x1122334455667788\n"
    m4.run("step")  # registers are re-read after a step: the value really is in the FPU
    assert m4.run("reg d0") == "d0 (/64): 0x1122334455667788\n"
    with pytest.raises(OcdError, match="register s0 not found in current target"):
        m4.run("reg s0")


def test_reset_halt_through_srst_when_the_board_wires_it(open_sessions):
    console = open_sessions("stm32f103c8", "blinky_busy.elf", "reset_config srst_only")
    console.run("reset halt")
    assert console.run("reg pc") == "pc (/32): 0x080000f4\n"


def test_plain_errors(open_sessions):
    console = Console()
    with pytest.raises(OcdError, match="The 'mdw' command must be used after 'init'."):
        console.run("mdw 0x20000000")
    running = open_sessions("stm32f103c8")
    if running.run("stm32f1x.cpu curstate") == "halted":
        running.run("resume")
    with pytest.raises(OcdError, match="target not halted"):
        running.run("step")
    with pytest.raises(OcdError, match=r"Failed to read memory at 0x60000000: .*STICKYERR"):
        running.run("mdw 0x60000000")
    assert running.run("mdw 0x20000000").startswith("0x20000000: ")  # the link still works
