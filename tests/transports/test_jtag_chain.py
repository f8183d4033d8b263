"""The JTAG transport against the simulator's scan chain, clocked edge by edge through a test shifter: TAP
state paths, IR/DR scans with BYPASS, and the chain probe's OpenOCD messages (checked against real OpenOCD
0.12 talking to ocdpy-sim over remote_bitbang)."""
from __future__ import annotations

import io
import itertools

import pytest

from ocdpy.errors import OcdError
from ocdpy.log import Log
from ocdpy.sim.dap import AhbAp, DebugPort
from ocdpy.sim.debug_port import FACTS
from ocdpy.sim.jtag_tap import NEXT, BoundaryScanTap, JtagDpTap, ScanChain
from ocdpy.transports.jtag import Tap
from ocdpy.transports.jtag_chain import (PAUSE_DR, RTI, SHIFT_DR, SHIFT_IR, TLR, TRANSITIONS, UPD_IR, JtagChain,
                                         idcode_text, tms_path)

F1_TAPS = ("stm32f1x", 0x3BA00477, 0x06410041)
F4_TAPS = ("stm32f4x", 0x4BA00477, 0x06423041)


class ChainShifter:
    """A JtagShifter on a simulated ScanChain: TDO sampled before each rising edge, as remote_bitbang does."""

    def __init__(self, chain: ScanChain) -> None:
        self.chain = chain
        self.calls = 0

    def shift(self, tms: int, tdi: int, count: int) -> int:
        self.calls += 1
        tdo = 0
        for i in range(count):
            tdo |= self.chain.tdo << i
            self.chain.clock((tms >> i) & 1, (tdi >> i) & 1)
        return tdo

    def reset(self, trst: bool) -> None:
        if trst:
            self.chain.reset()


class StuckShifter:
    """Nothing on the cable: TDO stuck at one level."""

    def __init__(self, level: int) -> None:
        self.level = level

    def shift(self, tms: int, tdi: int, count: int) -> int:
        return (1 << count) - 1 if self.level else 0

    def reset(self, trst: bool) -> None:
        pass


def sim_chain(chip: str) -> ScanChain:
    facts = FACTS[chip]
    dp = DebugPort(facts.jtag_dp_idcode, AhbAp(None, facts.ap_idr, 0xE00FF000))
    return ScanChain([BoundaryScanTap(facts.bs_idcode), JtagDpTap(facts.jtag_dp_idcode, dp)])


def taps(chip: str, cpu_id: int, bs_id: int, bs_irlen: int = 5) -> list[Tap]:
    return [Tap(chip, "cpu", 4, 0x1, 0xF, [cpu_id]), Tap(chip, "bs", bs_irlen, 0x1, 0x3, [bs_id])]


def probe(chain_taps: list[Tap], chip: str = "stm32f103c8", shifter=None) -> tuple[JtagChain, str, bool]:
    out = io.StringIO()
    chain = JtagChain(shifter or ChainShifter(sim_chain(chip)), chain_taps, Log(stream=out), "the test cable")
    ok = chain.examine()
    return chain, out.getvalue(), ok


def walk(start: int, bits: int, count: int) -> int:
    for i in range(count):
        start = TRANSITIONS[start][(bits >> i) & 1]
    return start


def test_transition_table_agrees_with_the_simulated_tap_controller():
    assert all(TRANSITIONS[s] == NEXT[s] for s in range(16))


def test_tms_paths_are_shortest_and_reach_their_state():
    assert tms_path(TLR, SHIFT_DR) == (0b0010, 4)   # Run-Test/Idle, Select-DR, Capture-DR, Shift-DR
    assert tms_path(RTI, SHIFT_IR) == (0b0011, 4)   # Select-DR, Select-IR, Capture-IR, Shift-IR
    assert tms_path(UPD_IR, RTI) == (0, 1)
    for a, b in itertools.product(range(16), repeat=2):
        bits, count = tms_path(a, b)
        assert walk(a, bits, count) == b
        assert not any(walk(a, shorter, n) == b for n in range(count) for shorter in range(1 << n))
    for a in range(16):  # Test-Logic-Reset is reached by TMS ones only, in at most five
        bits, count = tms_path(a, TLR)
        assert bits == (1 << count) - 1 and count <= 5


@pytest.mark.parametrize("chip,config", [("stm32f103c8", F1_TAPS), ("stm32f401cc", F4_TAPS)])
def test_chain_probe_finds_the_jtag_dp_then_boundary_scan(chip, config):
    name, cpu_id, bs_id = config
    chain, log, ok = probe(taps(*config), chip)
    assert ok
    assert chain.idcodes == {f"{name}.cpu": cpu_id, f"{name}.bs": bs_id}
    found = [line for line in log.splitlines() if "tap/device found" in line]
    assert found == [f"Info : {idcode_text(f'{name}.cpu', 'tap/device found', cpu_id)}",
                     f"Info : {idcode_text(f'{name}.bs', 'tap/device found', bs_id)}"]


def test_found_line_is_openocds():
    _, log, _ = probe(taps(*F1_TAPS))
    assert log.splitlines()[0] == ("Info : JTAG tap: stm32f1x.cpu tap/device found: 0x3ba00477 "
                                   "(mfg: 0x23b (ARM Ltd), part: 0xba00, ver: 0x3)")
    assert "(mfg: 0x020 (STMicroelectronics), part: 0x6410, ver: 0x0)" in log


def test_unexpected_id_is_reported_as_openocd_does_and_the_chain_is_used_anyway():
    chain, log, ok = probe(taps(*F4_TAPS))  # an F4 config on an F1 chain
    assert not ok
    assert log.splitlines()[1:3] == [
        "Warn : JTAG tap: stm32f4x.cpu       UNEXPECTED: 0x3ba00477 (mfg: 0x23b (ARM Ltd), part: 0xba00, ver: 0x3)",
        "Error: JTAG tap: stm32f4x.cpu  expected 1 of 1: 0x4ba00477 (mfg: 0x23b (ARM Ltd), part: 0xba00, ver: 0x4)"]
    assert "Error: Trying to use configured scan chain anyway..." in log
    assert log.splitlines()[-1] == "Warn : Bypassing JTAG setup events due to errors"
    assert chain.idcodes["stm32f4x.cpu"] == 0x3BA00477


def test_ignore_version_accepts_another_revision():
    config = taps("stm32f1x", 0x4BA00477, 0x06410041)  # the F4's DP revision, on an F1
    config[0].ignore_version = True
    _, log, ok = probe(config)
    assert ok and "UNEXPECTED" not in log


def test_wrong_ir_length_fails_the_ir_capture_check():
    _, log, ok = probe(taps(*F1_TAPS, bs_irlen=4))
    assert not ok
    assert "Error: IR capture error at bit 8, saw 0x0211 not 0x...3" in log  # as OpenOCD 0.12 says it


def test_a_configured_tap_beyond_the_chain():
    extra = Tap("a", "x", 5, 0x1, 0x3, [0x06410041])
    _, log, ok = probe([*taps(*F1_TAPS), extra])
    assert not ok
    assert "JTAG tap: a.x tap/device found: 0xffffffff (mfg: 0x7ff (<invalid>), part: 0xffff, ver: 0xf)" in log
    assert "Error: a.x: IR capture error; saw 0x1f not 0x01" in log


def test_unconfigured_taps_are_auto_created_with_their_ir_length():
    chain, log, ok = probe(taps(*F1_TAPS)[:1])
    assert ok
    assert 'Warn : AUTO auto0.tap - use "jtag newtap auto0 tap -irlen 5 -expected-id 0x06410041"' in log
    assert [t.name for t in chain.taps] == ["stm32f1x.cpu", "auto0.tap"] and chain.taps[1].irlen == 5


@pytest.mark.parametrize("level,word", [(0, "zeroes"), (1, "ones")])
def test_nothing_connected_is_a_plain_error(level, word):
    with pytest.raises(OcdError, match=f"no device answers on the scan chain of the test cable .*all {word}"):
        probe(taps(*F1_TAPS), shifter=StuckShifter(level))


def test_scans_reach_one_tap_with_the_other_in_bypass():
    shifter = ChainShifter(sim_chain("stm32f103c8"))
    chain = JtagChain(shifter, taps(*F1_TAPS))
    cpu, bs = chain.taps
    chain.reset_state()
    ir = chain.ir_scan(bs, 0b00001)                  # boundary scan: IDCODE; the DP in BYPASS
    bs_id = chain.dr_scan(bs, 0, 32)
    chain.ir_scan(cpu, 0xE)                          # the DP: IDCODE; boundary scan in BYPASS
    cpu_id = chain.dr_scan(cpu, 0, 32)
    chain.ir_scan(bs, 0x1F)                          # everything in BYPASS
    bypass = chain.dr_scan(bs, 1, 1)
    chain.move(PAUSE_DR)
    results = chain.execute()
    assert shifter.calls == 1                        # every scan in one shift
    assert results[ir] == 0b00001 << 4 | 0b0001      # IR captures: DP's 0001 first out, then 00001
    assert (results[bs_id], results[cpu_id], results[bypass]) == (0x06410041, 0x3BA00477, 0)
    assert shifter.chain.state == PAUSE_DR == chain.state


def test_select_skips_an_ir_scan_that_changes_nothing():
    shifter = ChainShifter(sim_chain("stm32f103c8"))
    chain = JtagChain(shifter, taps(*F1_TAPS))
    cpu = chain.taps[0]
    chain.reset_state()
    chain.select(cpu, 0xE)
    chain.select(cpu, 0xE)
    chain.dr_scan(cpu, 0, 32)
    assert len(chain.execute()) == 2                 # one IR scan, one DR scan
    chain.select(cpu, 0xE)
    first = chain.dr_scan(cpu, 0, 32)
    assert chain.execute()[first] == 0x3BA00477
    assert tms_path(SHIFT_IR, RTI)[1] == 3           # Exit1, Update, Idle: the end state after each scan
