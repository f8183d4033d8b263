"""The config stage through the real command line: stages, errors with file and line, the object dump,
and our shipped scripts building what OpenOCD builds from its files of the same name."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OPENOCD = shutil.which("openocd")
OPENOCD_SCRIPTS = "/usr/share/openocd/scripts"
PROBE = r"""
proc ocdpy_probe {} {
    if {[catch {jtag names} taps]} { set taps - }
    puts "TAPS $taps"
    puts "DAPS [dap names]"
    foreach t [target names] {
        puts "TARGET $t [$t cget -type] [$t cget -work-area-phys] [$t cget -work-area-size]"
    }
    foreach b [flash list] {
        puts "FLASH [dict get $b name] [dict get $b driver] [dict get $b base] [dict get $b size]"
    }
}
ocdpy_probe
shutdown
"""


def ocdpy(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "ocdpy.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


def test_exec_command_before_init_names_the_command():
    r = ocdpy("-f", "interface/dummy.cfg", "-f", "target/stm32f1x.cfg", "-c", "stm32f1x.cpu mdw 0")
    assert r.returncode == 1
    assert "Error: The 'stm32f1x.cpu mdw' command must be used after 'init'." in r.stderr


def test_config_command_after_init_names_the_command():
    r = ocdpy("-f", "interface/sim.cfg", "-f", "target/stm32f0x.cfg", "-c", "init", "-c", "jtag newtap a b -irlen 4")
    assert r.returncode == 1
    assert "The 'jtag newtap' command must be used before 'init'." in r.stderr


def test_unsupported_driver_evaluates_then_fails_at_init():
    r = ocdpy("-c", "adapter driver ftdi", "-c", "ftdi vid_pid 0x0403 0x6010", "-c", "ftdi layout_init 0 0",
              "-c", "transport select jtag", "-c", "puts configured", "-c", "init")
    assert "configured" in r.stdout
    assert r.returncode == 1
    assert "adapter driver 'ftdi' is not supported by ocdpy (supported: sim" in r.stderr


def test_typo_two_sources_deep_reports_innermost_file_line_and_chain(tmp_path):
    (tmp_path / "target").mkdir()
    (tmp_path / "board.cfg").write_text("set x 1\nsource [find target/outer.cfg]\n")
    (tmp_path / "target" / "outer.cfg").write_text("# outer\n\nsource [find target/inner.cfg]\n")
    (tmp_path / "target" / "inner.cfg").write_text("adapter speed 100\nreset_confg srst_only\n")
    r = ocdpy("-f", "interface/dummy.cfg", "-f", "board.cfg", cwd=tmp_path)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert 'target/inner.cfg:2: Error: invalid command name "reset_confg"' in lines
    assert 'in file "target/outer.cfg" sourced from "board.cfg", line 2' in lines
    assert 'in file "target/inner.cfg" sourced from "target/outer.cfg", line 3' in lines
    assert lines.index('in file "target/outer.cfg" sourced from "board.cfg", line 2') < \
        lines.index('in file "target/inner.cfg" sourced from "target/outer.cfg", line 3')


def test_bad_event_name_is_refused_with_the_valid_names():
    r = ocdpy("-f", "interface/dummy.cfg", "-f", "target/stm32f1x.cfg",
              "-c", "stm32f1x.cpu configure -event reset-inti {echo x}")
    assert r.returncode == 1
    assert "-event: Unknown: reset-inti, try one of:" in r.stderr and "reset-init" in r.stderr


def test_invoke_event_runs_the_stored_body():
    r = ocdpy("-f", "interface/dummy.cfg", "-f", "target/stm32f1x.cfg",
              "-c", "stm32f1x.cpu configure -event gdb-attach {puts attached-[expr {6*7}]}",
              "-c", "stm32f1x.cpu invoke-event gdb-attach", "-c", "shutdown")
    assert r.returncode == 0
    assert "attached-42" in r.stdout


def test_dump_config_json_describes_the_object_graph():
    r = ocdpy("-f", "interface/cmsis-dap.cfg", "-f", "target/stm32f4x.cfg", "-c", "puts [ocdpy_dump_config -json]",
              "-c", "shutdown")
    assert r.returncode == 0, r.stderr
    graph = json.loads(r.stdout)
    assert graph["adapter"]["driver"] == "cmsis-dap"
    assert graph["transport"] == "swd"
    assert [t["name"] for t in graph["taps"]] == ["stm32f4x.cpu"]
    assert graph["daps"] == [{"name": "stm32f4x.dap", "chain_position": "stm32f4x.cpu"}]
    (target,) = graph["targets"]
    assert (target["name"], target["type"], target["dap"]) == ("stm32f4x.cpu", "cortex_m", "stm32f4x.dap")
    assert target["work_area_phys"] == 0x20000000
    assert "reset-init" in target["events"]
    assert [(b["name"], b["driver"]) for b in graph["flash_banks"]][0] == ("stm32f4x.flash", "stm32f2x")


def test_ports_accept_numbers_disabled_and_pipe_only_where_valid():
    r = ocdpy("-c", "gdb_port pipe", "-c", "telnet_port disabled", "-c", "tcl port 7777",
              "-c", "puts [gdb_port]/[telnet_port]/[tcl_port]", "-c", "shutdown")
    assert r.stdout.strip() == "pipe/disabled/7777"
    r = ocdpy("-c", "telnet_port pipe")
    assert r.returncode == 1 and "only available for the GDB port" in r.stderr


PAIRS = [(i, t) for i in ("stlink", "stlink-dap", "cmsis-dap", "dummy") for t in ("stm32f0x", "stm32f1x", "stm32f4x")]


@pytest.mark.parametrize(("interface", "target"), PAIRS)
def test_every_shipped_interface_target_pair_evaluates(tmp_path, interface, target):
    probe = tmp_path / "probe.tcl"
    probe.write_text(PROBE)
    r = ocdpy("-f", f"interface/{interface}.cfg", "-f", f"target/{target}.cfg", "-f", str(probe))
    assert r.returncode == 0, r.stderr
    assert f"TARGET {target}.cpu" in r.stdout


@pytest.mark.skipif(OPENOCD is None, reason="openocd is not installed; it is the oracle")
@pytest.mark.parametrize(("interface", "target"), PAIRS)
def test_shipped_scripts_build_what_openocds_files_of_the_same_name_build(tmp_path, interface, target):
    """Our own interface/target files, under ocdpy, against OpenOCD's own files under openocd."""
    probe = tmp_path / "probe.tcl"
    probe.write_text(PROBE)
    theirs = subprocess.run([OPENOCD, "-f", f"interface/{interface}.cfg", "-f", f"target/{target}.cfg",
                             "-f", str(probe)], capture_output=True, text=True, cwd=OPENOCD_SCRIPTS, timeout=60)
    if theirs.returncode != 0:
        pytest.skip(f"openocd itself rejects this pair: {theirs.stderr.strip().splitlines()[-1:]}")
    ours = ocdpy("-f", f"interface/{interface}.cfg", "-f", f"target/{target}.cfg", "-f", str(probe), cwd=tmp_path)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.splitlines() == theirs.stdout.splitlines()
