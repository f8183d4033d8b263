"""`adapter driver remote_bitbang` over real TCP to a simulated board serving the protocol from a thread:
JTAG on the STM32F103/F401, SWD on all three parts, DP/AP accesses only; plain errors for a missing server,
a missing host and a JTAG scan of an SWD-only part; and the whole `init` path from the command line."""
from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys

import pytest

pytest.importorskip("unicorn")

from ocdpy.adapters.base import AdapterConfig
from ocdpy.adapters.dap_queue import TransferError
from ocdpy.adapters.probe import ProbeConfig
from ocdpy.adapters.remote_bitbang import RemoteBitbangProbe
from ocdpy.errors import OcdError
from ocdpy.log import Log
from ocdpy.transports.jtag import Tap

from dapio import power_up, read_word, read_words, write_words
from setup_remote_bitbang import adapter_setup, serve_board

# chip -> (target config prefix, SW-DP DPIDR, JTAG-DP IDCODE, boundary-scan IDCODE, CPUID)
CHIPS = {"stm32f072rb": ("stm32f0x", 0x0BB11477, None, None, 0x410CC200),
         "stm32f103c8": ("stm32f1x", 0x1BA01477, 0x3BA00477, 0x06410041, 0x411FC231),
         "stm32f401cc": ("stm32f4x", 0x2BA01477, 0x4BA00477, 0x06423041, 0x410FC241)}
CASES = [("stm32f103c8", "jtag"), ("stm32f401cc", "jtag"),
         ("stm32f072rb", "swd"), ("stm32f103c8", "swd"), ("stm32f401cc", "swd")]
CPUID = 0xE000ED00


def config(port: int, transport: str, chip: str = "stm32f103c8", dap_tap: str | None = None,
           log: Log | None = None) -> ProbeConfig:
    name, _, cpu_id, bs_id, _ = CHIPS[chip]
    taps = [Tap(name, "cpu", 4, 0x1, 0xF, [cpu_id or 0x3BA00477]), Tap(name, "bs", 5, 0x1, 0x3, [bs_id or 0])]
    settings = {"remote_bitbang host": ["127.0.0.1"], "remote_bitbang port": [str(port)]}
    return ProbeConfig(AdapterConfig("remote_bitbang"), transport, settings, taps, log or Log(stream=io.StringIO()),
                       dap_tap)


@contextlib.contextmanager
def opened(cfg: ProbeConfig):
    probe = RemoteBitbangProbe(cfg)
    probe.open()
    try:
        yield probe
    finally:
        probe.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("chip,transport", CASES)
def test_ids_power_up_cpuid_memory_and_a_fault_the_link_survives(chip, transport):
    _, dpidr, jtag_id, _, cpuid = CHIPS[chip]
    log = io.StringIO()
    with serve_board(chip) as (_, port), opened(config(port, transport, chip, log=Log(stream=log))) as probe:
        queue = probe.dap()
        assert queue.connect() == (jtag_id if transport == "jtag" else dpidr)
        power_up(queue)
        assert read_word(queue, CPUID) == cpuid
        data = [(0x9E3779B9 * i) & 0xFFFFFFFF for i in range(256)]
        write_words(queue, 0x20000400, data)
        assert read_words(queue, 0x20000400, 256) == data
        with pytest.raises(TransferError, match=r"AP0 read 0x0c failed.*STICKYERR"):
            read_word(queue, 0x60000000)
        assert read_word(queue, CPUID) == cpuid
    lines = log.getvalue().splitlines()
    assert lines[:4] == ["Info : Initializing remote_bitbang driver", f"Info : Connecting to 127.0.0.1:{port}",
                         "Info : remote_bitbang driver initialized",
                         "Info : This adapter doesn't support configurable speed"]
    assert lines[-1] == "Info : remote_bitbang interface quit"
    if transport == "jtag":
        assert f"tap/device found: 0x{jtag_id:08x} (mfg: 0x23b (ARM Ltd)" in lines[4]
    else:
        assert lines[4] == f"Info : SWD DPIDR 0x{dpidr:08x}"


def test_the_dap_tap_named_by_the_session_is_used():
    with serve_board("stm32f103c8") as (_, port):
        with opened(config(port, "jtag", dap_tap="stm32f1x.bs")) as probe, \
                pytest.raises(TransferError, match="invalid ACK .* from stm32f1x.bs"):
            probe.dap()
        with opened(config(port, "jtag", dap_tap="stm32f1x.nope")) as probe, \
                pytest.raises(OcdError, match="tap 'stm32f1x.nope' is not on the scan chain"):
            probe.dap()


def test_jtag_on_an_swd_only_part_says_nothing_answers():
    with serve_board("stm32f072rb") as (_, port), opened(config(port, "jtag")) as probe, \
            pytest.raises(OcdError, match=f"remote_bitbang 127.0.0.1:{port} .*all zeroes.*transport select swd"):
        probe.dap()


def test_connection_refused_names_the_address_and_the_simulator():
    port = free_port()
    probe = RemoteBitbangProbe(config(port, "swd"))
    with pytest.raises(OcdError, match=f"cannot connect to 127.0.0.1:{port} .*ocdpy-sim --port {port}"):
        probe.open()


def test_no_host_and_no_port_is_refused_as_openocd_does():
    cfg = ProbeConfig(AdapterConfig("remote_bitbang"), "jtag", {}, [], Log(stream=io.StringIO()))
    with pytest.raises(OcdError, match="host/socket not specified"):
        RemoteBitbangProbe(cfg).open()


def test_adapter_setup_lines_select_the_adapter_and_transport():
    with adapter_setup("stm32f401cc", "swd") as lines:
        port = int(lines[2].split()[-1])
        assert lines == ["adapter driver remote_bitbang", "remote_bitbang host 127.0.0.1",
                         f"remote_bitbang port {port}", "transport select swd"]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    with pytest.raises(ValueError, match="no JTAG port"), adapter_setup("stm32f072rb", "jtag"):
        pass


def test_the_command_line_connects_over_jtag():
    with serve_board("stm32f103c8") as (_, port):
        r = subprocess.run([sys.executable, "-m", "ocdpy.cli", "-c",
                            f"adapter driver remote_bitbang; remote_bitbang port {port}; remote_bitbang host 127.0.0.1",
                            "-f", "target/stm32f1x.cfg", "-c", "init", "-c", "shutdown"],
                           capture_output=True, text=True, timeout=60, check=False)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert ("Info : JTAG tap: stm32f1x.cpu tap/device found: 0x3ba00477 (mfg: 0x23b (ARM Ltd), part: 0xba00, "
            "ver: 0x3)") in out
    assert "Info : JTAG tap: stm32f1x.bs tap/device found: 0x06410041" in out
