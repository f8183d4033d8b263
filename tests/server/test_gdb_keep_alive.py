"""A `monitor` command that runs longer than gdb's 2 s reply timeout: the server's empty console packets keep
gdb waiting, so the command runs once and gdb's session goes on (with gdb's default remotetimeout)."""
from __future__ import annotations

import subprocess

import pytest

from gdb_batch import GDB
from ocdpy_process import OcdpyProcess, sim_args

pytestmark = pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")


def test_a_long_monitor_command_is_run_once_and_gdb_goes_on():
    with OcdpyProcess(*sim_args("stm32f103c8")) as ocd:
        done = subprocess.run([GDB, "-q", "-nx", "-batch", "-ex", f"target extended-remote :{ocd.ports['gdb']}",
                               "-ex", "monitor echo before; sleep 3500; echo slept", "-ex", "monitor mdw 0x08000000",
                               "-ex", "detach"], capture_output=True, text=True, timeout=60)
        output = done.stdout + done.stderr
        assert output.count("slept") == 1, output
        assert "Ignoring packet error" not in output and "Timed out" not in output, output
        assert "0x08000000: " in output and "detached" in output, output
        assert ocd.log().count("slept") == 1


def test_monitor_output_has_no_log_level_prefixes():
    """OpenOCD's gdb console shows log messages bare, as telnet does (`JTAG tap: …`, not `Info : JTAG tap: …`)."""
    with OcdpyProcess(*sim_args("stm32f103c8")) as ocd:
        done = subprocess.run([GDB, "-q", "-nx", "-batch", "-ex", f"target extended-remote :{ocd.ports['gdb']}",
                               "-ex", "monitor flash probe 0", "-ex", "monitor log_output /tmp/x", "-ex", "detach"],
                              capture_output=True, text=True, timeout=60)
        output = done.stdout + done.stderr
        assert "device id = 0x" in output and "flash 'stm32f1x' found at 0x08000000" in output, output
        assert "Info : " not in output and "Error: " not in output, output
        assert "log_output is not allowed from a network client" in output
        assert "Info : device id = 0x" in ocd.log()  # the log itself keeps them
