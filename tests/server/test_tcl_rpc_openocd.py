"""The same Tcl RPC script sent to real OpenOCD 0.12 (on ocdpy-sim over remote_bitbang JTAG, stm32f1x.cfg) and
to ocdpy (`ocdpy -f interface/sim.cfg … -f target/stm32f1x.cfg`): every reply and every notification must be
byte for byte the same. The script starts from `reset halt`, so nothing in it depends on where a running core
happened to stop."""
from __future__ import annotations

import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from ocdpy_process import PREBUILT, OcdpyProcess, sim_args  # noqa: E402
from tcl_rpc_client import TclRpc  # noqa: E402

OPENOCD = shutil.which("openocd")
SCRIPTS = Path("/usr/share/openocd/scripts")
BUSY_DELAY = "0x08000134"  # busy_delay in the stm32f103c8 blinky_busy.elf
SCRIPT = [
    # the Tcl language and its errors
    "set x 5", "expr {$x * 3}", "proc twice {a} {expr {$a * 2}}", "twice 21", "error hello",
    "catch {error boom} m", "set m", "foo", "expr {1+}", "return 7", "return -code error zz", "break",
    "set a 1\nset b 2", "", "info exists nothing", "list a {b c}", "dict create k 1", "format %08x 255",
    "string repeat ab 3", "lsort {c a b}", "array set A {x 1}; array get A",
    # output that goes to the log, or is captured
    "puts hi", "echo hi", "capture {echo hi}", "capture {mdw 0x08000000}", "catch {capture {foo}}",
    "capture {set x 5}", "capture {echo a; echo -n b}", "catch {capture {echo a; error boo}} m; set m",
    "capture {targets}", "capture {tcl_notifications}", "capture {echo a; puts b; tcl_trace}",
    "capture {rbp 0x1234}",
    # memory
    "mdw 0x08000000", "mdw 0x08000000 9", "mdh 0x08000000 17", "mdb 0x08000000 33",
    "mww 0x20000100 0xdeadbeef 3", "mdw 0x20000100 4", "mwh 0x20000100 0x1234", "mwb 0x20000103 0x77",
    "mdw 0x20000100", "read_memory 0x08000000 32 2", "stm32f1x.cpu mdw 0x08000000 2",
    # the core after reset halt, breakpoints
    "reg pc", "reg sp", "reg xPSR", "reg r0 0x1234", "reg r0", "stm32f1x.cpu curstate", f"bp {BUSY_DELAY} 2 hw",
    "bp", "wp 0x20000100 4 r", "wp", "rwp 0x20000100", "poll", "cortex_m maskisr", "stm32f1x.cpu eventlist",
    "mdw 0x40000000", "tcl_notifications", "tcl_trace on", "tcl_trace off",
    # objects
    "targets", "target names", "target current", "flash banks", "flash info 0", "flash list",
    # notifications: resume to the breakpoint, steps, halts, resets. `maskisr on`: OpenOCD's `auto` step first
    # runs the core into a temporary breakpoint at the PC, which the sim only hits when the code comes round
    # again (real cores stop at once), so the step's end would depend on timing
    "cortex_m maskisr on", "tcl_notifications on", "resume", "wait_halt", "reg pc", f"rbp {BUSY_DELAY}", "step", "step", "reg pc", "halt",
    "step 0x08000134", "resume 0x08000134", "halt", "wait_halt", "poll",
    "reset halt", "reg pc", "reset run", "halt", "tcl_notifications off", "resume", "halt",
    "tcl_notifications on", "reset halt", "stm32f1x.cpu invoke-event halted", "tcl_notifications off",
]
# Commands whose reply ocdpy still gets wrong, outside the Tcl RPC server (see the reasons): checked apart
KNOWN_DIFFERENCES = {
    "stm32f1x.cpu eventlist": "the examine-end handler's body is the text of each project's own stm32f1x.cfg "
                              "(the layout and the default gdb-* handlers are the same)",
}


def free_running_openocd(chip: str):
    """OpenOCD with only its Tcl port open (any free port), on a simulated board served over remote_bitbang."""
    from ocdpy.sim.running import start_board

    board = start_board(chip, str(PREBUILT / chip / "blinky_busy.elf"))
    bound: queue.Queue[int] = queue.Queue()
    threading.Thread(target=board.serve, args=(0,), kwargs={"ready": bound.put, "max_clients": 1},
                     daemon=True).start()
    rbb_port = bound.get(timeout=10)
    log = tempfile.NamedTemporaryFile("w+", suffix=".log")
    process = subprocess.Popen([OPENOCD, "-c", f"adapter driver remote_bitbang; remote_bitbang port {rbb_port}; "
                                "remote_bitbang host 127.0.0.1", "-c", "gdb_port disabled; telnet_port disabled; "
                                "tcl_port 0", "-f", "target/stm32f1x.cfg"],
                               cwd=SCRIPTS, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        log.seek(0)
        text = log.read()
        m = re.search(r"Listening on port (\d+) for tcl connections", text)
        if m and "processor detected" in text:
            return board, process, log, int(m.group(1))
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            board.stop()
            raise RuntimeError(f"openocd did not start:\n{text}")
        time.sleep(0.05)


def transcript(port: int) -> list[tuple[str, list[bytes], bytes]]:
    """Bring the core to a known place (reset halt) on one connection, then run SCRIPT on a fresh one."""
    with TclRpc(port) as setup:
        for command in ("halt", "wait_halt", "reset halt"):
            setup.call(command)
    with TclRpc(port) as client:
        return [(command, *client.call(command)) for command in SCRIPT]


@pytest.fixture(scope="module")
def transcripts():
    if OPENOCD is None:
        pytest.skip("openocd is not installed")
    board, process, log, port = free_running_openocd("stm32f103c8")
    try:
        theirs = transcript(port)
    finally:
        process.terminate()
        process.wait(20)
        board.stop()
        log.close()
    with OcdpyProcess(*sim_args("stm32f103c8")) as ocdpy:
        ours = transcript(ocdpy.ports["tcl"])
    return theirs, ours


def differences(transcripts, commands) -> str:
    theirs, ours = transcripts
    assert [c for c, *_ in theirs] == [c for c, *_ in ours] == SCRIPT
    return "\n".join(f"{c!r}:\n  openocd {t!r}\n  ocdpy   {o!r}" for (c, *t), (_, *o) in zip(theirs, ours)
                     if c in commands and t != o)


def test_tcl_rpc_replies_match_openocd(transcripts):
    assert differences(transcripts, set(SCRIPT) - set(KNOWN_DIFFERENCES)) == ""


def test_eventlist_differs_only_in_each_configs_own_handler_text(transcripts):
    theirs, ours = ({c: reply for c, _, reply in t} for t in transcripts)
    command = "stm32f1x.cpu eventlist"
    head = 7  # title, blank, header, rule, OpenOCD's default gdb-attach / gdb-flash-* handlers (newest first)
    assert theirs[command].splitlines()[:head] == ours[command].splitlines()[:head]
    assert theirs[command].splitlines()[head].startswith(b"examine-end               | ")
    assert ours[command].splitlines()[head].startswith(b"examine-end               | ")
    assert theirs[command].endswith(b"***END***\n") and ours[command].endswith(b"***END***\n")
