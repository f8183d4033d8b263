"""`adapter driver sim`: SWD packets from the transport to the simulated SW-DP, with the core running on
its own thread; everything here goes through DP/AP register accesses only, as a probe's would."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

from ocdpy.adapters.dap_queue import DP_CTRL_STAT, DP_SELECT, TransferError  # noqa: E402
from ocdpy.adapters.sim import infer_chip  # noqa: E402
from ocdpy.transports.swd import request_byte  # noqa: E402

from dapio import (DCRDR, DCRSR, DHCSR, DRW, TAR, power_up, read_words, sim_probe,  # noqa: E402
                   write_words)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
CHIPS = {"stm32f072rb": (0x0BB11477, 0x410CC200), "stm32f103c8": (0x1BA01477, 0x411FC231),
         "stm32f401cc": (0x2BA01477, 0x410FC241)}


@pytest.fixture
def probe(request):
    adapter = sim_probe(request.param)
    adapter.open()
    yield adapter
    adapter.close()


@pytest.mark.parametrize("probe", list(CHIPS), indirect=True)
def test_connect_reads_the_chips_dpidr_and_cpuid(probe):
    queue = probe.swd()
    assert queue.connect() == CHIPS[probe.chip][0]
    power_up(queue)
    assert read_words(queue, 0xE000ED00, 1) == [CHIPS[probe.chip][1]]


@pytest.mark.parametrize("probe", ["stm32f103c8"], indirect=True)
def test_block_transfers_with_posted_reads_round_trip_sram(probe):
    queue = probe.swd()
    queue.connect()
    power_up(queue)
    pattern = [(i * 0x01010101) ^ 0xA5A5A5A5 for i in range(256)]
    write_words(queue, 0x20000000, pattern)
    assert read_words(queue, 0x20000000, 256) == pattern
    # an AP read followed by a DP read: the posted AP data is fetched from RDBUFF in between
    queue.write_ap(0, TAR, 0x20000004)
    first = queue.read_ap(0, DRW)
    status = queue.read_dp(DP_CTRL_STAT)
    queue.flush()
    assert first.value == pattern[1]
    assert status.value & 0xF0000000 == 0xF0000000


@pytest.mark.parametrize("probe", ["stm32f401cc"], indirect=True)
def test_fault_names_the_access_and_the_sticky_flag_then_the_link_still_works(probe):
    queue = probe.swd()
    queue.connect()
    power_up(queue)
    queue.write_ap(0, TAR, 0x60000000)  # nothing answers there on an F401 without FSMC
    queue.read_ap(0, DRW)
    with pytest.raises(TransferError, match=r"AP0 read 0x0c failed.*STICKYERR"):
        queue.flush()
    assert read_words(queue, 0xE000ED00, 1) == [CHIPS["stm32f401cc"][1]]


@pytest.mark.parametrize("probe", ["stm32f072rb"], indirect=True)
def test_halt_and_register_read_through_the_debug_registers(probe):
    with probe.running.probe_lock:
        probe.board.load(EXAMPLES / "stm32f072rb" / "blinky_busy.elf")
        probe.board.reset()
    queue = probe.swd()
    queue.connect()
    power_up(queue)
    write_words(queue, DHCSR, [0xA05F0003])  # C_DEBUGEN | C_HALT
    assert read_words(queue, DHCSR, 1)[0] & (1 << 17), "S_HALT not set"
    write_words(queue, DCRSR, [15])  # read PC
    assert read_words(queue, DHCSR, 1)[0] & (1 << 16), "S_REGRDY not set"
    pc = read_words(queue, DCRDR, 1)[0]
    assert 0x08000000 <= pc < 0x08000000 + 0x400, f"PC 0x{pc:08x} outside the blinky's code"


@pytest.mark.parametrize("probe", ["stm32f072rb"], indirect=True)
def test_cortex_m4_build_faults_on_the_cortex_m0(probe):
    """The F072 blinky compiled for a Cortex-M4: its first Thumb-2 instruction must HardFault, as on silicon;
    the debugger sees the core sitting in the HardFault handler (IPSR 3) or locked up."""
    with probe.running.probe_lock:
        probe.board.load(EXAMPLES / "stm32f072_m4build.elf")
        probe.board.reset()
    time.sleep(0.3)
    queue = probe.swd()
    queue.connect()
    power_up(queue)
    dhcsr = read_words(queue, DHCSR, 1)[0]
    if not dhcsr & (1 << 19):  # not locked up: halt it and look at the exception number
        write_words(queue, DHCSR, [0xA05F0003])
        write_words(queue, DCRSR, [16])  # xPSR
        ipsr = read_words(queue, DCRDR, 1)[0] & 0x1FF
        assert ipsr == 3, f"core is not in HardFault (IPSR {ipsr}); it runs code built for another core"
    assert not probe.board.pin_changes, "the wrongly built firmware must not drive the LED"


def test_a_request_byte_is_the_wire_format():
    assert [request_byte(False, True, 0x0), request_byte(False, False, DP_SELECT),
            request_byte(True, True, DRW), request_byte(True, False, TAR)] == [0xA5, 0xB1, 0x9F, 0x8B]


def test_the_chip_is_inferred_from_target_names_or_dp_ids():
    assert infer_chip(["stm32f4x.cpu"], []) == "stm32f401cc"
    assert infer_chip(["mychip.cpu"], [0x0BB11477]) == "stm32f072rb"
    assert infer_chip(["mychip.cpu"], [0x12345677]) is None


def run_ocdpy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocdpy.cli", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("target,dpidr", [("stm32f0x", "0x0bb11477"), ("stm32f1x", "0x1ba01477"),
                                          ("stm32f4x", "0x2ba01477")])
def test_init_with_interface_sim_connects_to_the_inferred_chip(target, dpidr):
    done = run_ocdpy("-f", "interface/sim.cfg", "-f", f"target/{target}.cfg", "-c", "init", "-c", "shutdown")
    assert done.returncode == 0, done.stderr
    assert f"Info : SWD DPIDR {dpidr}" in done.stderr
    assert "Warn" not in done.stderr


def test_sim_chip_names_a_part_and_refuses_unknown_ones():
    done = run_ocdpy("-f", "interface/sim.cfg", "-c", "sim chip stm32f103c8", "-f", "target/stm32f1x.cfg",
                     "-c", "init", "-c", "shutdown")
    assert "ocdpy simulator: stm32f103c8" in done.stderr
    bad = run_ocdpy("-f", "interface/sim.cfg", "-c", "sim chip stm32f999", "-c", "shutdown")
    assert bad.returncode == 1
    assert "no simulated chip 'stm32f999'" in bad.stderr
