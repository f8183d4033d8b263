"""Same commands, same simulated chip (STM32F103, STM32F401) and firmware: real OpenOCD 0.12 (over remote_bitbang
JTAG to ocdpy-sim)
and ocdpy (in-process sim) must print the same text for every command whose output does not depend on where
the free-running core happened to be stopped."""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

OPENOCD = shutil.which("openocd")
SCRIPTS = Path("/usr/share/openocd/scripts")
PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
# chip -> (OpenOCD target config, busy_delay of its blinky_busy.elf)
CHIPS = {"stm32f103c8": ("stm32f1x", 0x08000134), "stm32f401cc": ("stm32f4x", 0x080001DC)}
# (command, compare exactly?) in session order; {bp} is the breakpoint address, {t} the target name
COMMANDS = [
    ("halt", False), ("mdw 0x08000000 9", True), ("mdh 0x08000000 17", True), ("mdb 0x08000000 33", True),
    ("mww 0x20000100 0xdeadbeef 3", True), ("mdw 0x20000100 4", True), ("mwh 0x20000100 0x1234", True),
    ("mwb 0x20000103 0x77", True), ("mdw 0x20000100", True), ("read_memory 0x20000100 8 4", True),
    ("bp {bp} 2 hw", True), ("bp", True), ("resume", False), ("wait_halt", False), ("reg pc", True),
    ("rbp {bp}", True), ("wp 0x20000100 4 r", True), ("wp", True), ("rwp 0x20000100", True),
    ("reset halt", False), ("reg pc", True), ("reg sp", True), ("reg xPSR", True), ("reg r0 0x1234", True),
    ("reg foo", False), ("targets", True), ("dap info", True), ("cortex_m maskisr", True),
    ("cortex_m vector_catch", True), ("{t} curstate", True), ("{t} mdw 0x08000000 2", True), ("reg", True),
]
MARK = "#### "


def sections(stderr: str) -> list[tuple[str, str]]:
    """Split a log into (command, what it printed) by the echo markers between commands."""
    out, command, lines = [], None, []
    for line in stderr.splitlines():
        if line.startswith(MARK):
            if command is not None:
                out.append((command, "\n".join(lines).strip("\n")))
            command, lines = line[len(MARK):], []
        elif command is not None and not line.startswith(("Info : JTAG tap", "JTAG tap:", "shutdown command")):
            lines.append(line)
    out.append((command, "\n".join(lines).strip("\n")))
    return out


def commands(chip: str) -> list[tuple[str, bool]]:
    target_cfg, bp = CHIPS[chip]
    return [(c.format(bp=f"0x{bp:08x}", t=f"{target_cfg}.cpu"), exact) for c, exact in COMMANDS]


def command_args(chip: str) -> list[str]:
    args = []
    for command, _ in commands(chip):
        args += ["-c", f"echo {{{MARK}{command}}}", "-c", f"catch {{{command}}} msg; echo -n [expr {{[string length $msg] && ![string match *\\n $msg] ? \"$msg\\n\" : \"\"}}]"]
    return args + ["-c", f"echo {{{MARK}end}}", "-c", "shutdown"]


def run_openocd(chip: str) -> str:
    from ocdpy.sim.running import RunningBoard

    running = RunningBoard(chip)
    running.board.load(PREBUILT / chip / "blinky_busy.elf")
    running.board.reset()
    running.start()
    ports, ready = [], threading.Event()
    threading.Thread(target=running.serve, args=(0,), daemon=True,
                     kwargs={"ready": lambda p: (ports.append(p), ready.set()), "max_clients": 1}).start()
    try:
        assert ready.wait(10)
        done = subprocess.run([OPENOCD, "-c", f"adapter driver remote_bitbang; remote_bitbang port {ports[0]}; "
                               "remote_bitbang host 127.0.0.1", "-c", "gdb_port disabled; telnet_port disabled; "
                               "tcl_port disabled", "-f", f"target/{CHIPS[chip][0]}.cfg", "-c", "init",
                               *command_args(chip)],
                              cwd=SCRIPTS, capture_output=True, text=True, timeout=120)
    finally:
        running.stop()
    return done.stderr


def run_ocdpy(chip: str) -> str:
    image = PREBUILT / chip / "blinky_busy.elf"
    done = subprocess.run([sys.executable, "-m", "ocdpy.cli", "-f", "interface/sim.cfg", "-c", f"sim load {image}",
                           "-f", f"target/{CHIPS[chip][0]}.cfg", "-c", "init", *command_args(chip)],
                          capture_output=True, text=True, timeout=120)
    return done.stderr


@pytest.mark.skipif(OPENOCD is None or not SCRIPTS.is_dir(), reason="needs Debian's openocd and its scripts")
@pytest.mark.parametrize("chip", list(CHIPS))
def test_ocdpy_prints_what_openocd_prints(chip):
    theirs, ours = dict(enumerate(sections(run_openocd(chip)))), dict(enumerate(sections(run_ocdpy(chip))))
    assert [c for _, (c, _) in sorted(theirs.items())] == [c for _, (c, _) in sorted(ours.items())]
    differences = []
    for index, (command, exact) in enumerate(commands(chip)):
        if exact and theirs[index][1] != ours[index][1]:
            differences.append(f"--- {command}\nOpenOCD:\n{theirs[index][1]}\nocdpy:\n{ours[index][1]}")
    assert not differences, "\n".join(differences)
    # the halt at the breakpoint is reported once, by resume or by wait_halt (whoever polls first)
    resumed = [i for i, (c, _) in enumerate(COMMANDS) if c == "resume"][0]
    for log in (theirs, ours):
        assert "halted due to breakpoint" in log[resumed][1] + log[resumed + 1][1]
