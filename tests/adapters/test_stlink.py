"""The ST-Link driver on simulated ST-Links (V2, V3) on the simulated USB bus, on all three chips: HLA memory
(8/16/32-bit, across the probe's limits and the TAR auto-increment block), faults naming the address,
dapdirect DP/AP access, the clock choice and the no-probe message."""
from __future__ import annotations

import io
import time
from dataclasses import dataclass

import pytest

pytest.importorskip("unicorn")
pytest.importorskip("usb")

from ocdpy.adapters.base import AdapterConfig
from ocdpy.adapters.probe import ProbeConfig
from ocdpy.adapters.stlink import StlinkDapProbe, StlinkHlaProbe
from ocdpy.errors import OcdError
from ocdpy.log import Log
from ocdpy.sim.usb_backend import bus_for

from setup_stlink import adapter_setup

CHIPS = {"stm32f072rb": (0x0BB11477, 0x410CC200, 16), "stm32f103c8": (0x1BA01477, 0x411FC231, 20),
         "stm32f401cc": (0x2BA01477, 0x410FC241, 64)}  # DPIDR, CPUID, SRAM KiB
KINDS = {"stlink-v2": "STLINK V2J37S7 (API v2) VID:PID 0483:3748",
         "stlink-v3": "STLINK V3J7M3B5S1 (API v3) VID:PID 0483:374F"}
CASES = [(kind, chip) for kind in KINDS for chip in CHIPS]
SRAM, CPUID, DHCSR = 0x20000000, 0xE000ED00, 0xE000EDF0


def opened(cls, kind: str, chip: str, speed: int | None = 4000, **settings):
    """An opened probe of `cls` on a simulated `kind` wired to `chip`, and what it logged."""
    stream = io.StringIO()
    driver, transport = ("hla", "hla_swd") if cls is StlinkHlaProbe else ("st-link", "dapdirect_swd")
    settings.setdefault("hla layout", ["stlink"])
    probe = cls(ProbeConfig(AdapterConfig(driver, speed_khz=speed, serial=settings.pop("serial", None)),
                            transport, settings, log=Log(stream=stream)))
    probe.open()
    return probe, stream


@dataclass
class Rig:
    probe: object
    log: io.StringIO
    kind: str
    chip: str
    memory: object = None


@pytest.fixture
def hla(request):
    kind, chip = request.param
    with adapter_setup(chip, "hla", kind):
        probe, log = opened(StlinkHlaProbe, kind, chip)
        yield Rig(probe, log, kind, chip, probe.memory())
        probe.close()


@pytest.fixture
def dapdirect(request):
    kind, chip = request.param
    with adapter_setup(chip, "dapdirect", kind):
        probe, log = opened(StlinkDapProbe, kind, chip)
        yield Rig(probe, log, kind, chip)
        probe.close()


@pytest.mark.parametrize("hla", CASES, indirect=True)
def test_hla_opens_like_openocd_and_reads_cpuid(hla):
    memory, kind, chip = hla.memory, hla.kind, hla.chip
    lines = hla.log.getvalue().splitlines()
    assert lines[0] == f"Info : {KINDS[kind]}"
    assert lines[1].startswith("Info : Target voltage: 3.24")
    assert memory.read_u32(CPUID) == CHIPS[chip][1]
    assert memory.read(CPUID, 4, 4) == CHIPS[chip][1].to_bytes(4, "little")


@pytest.mark.parametrize("hla", CASES, indirect=True)
def test_hla_sram_round_trips_in_every_width_across_the_probe_limits(hla):
    memory = hla.memory
    pattern = bytes((i * 7 + 3) & 0xFF for i in range(5000))
    for width, start in ((1, SRAM + 0x3F1), (2, SRAM + 0x7FE), (4, SRAM + 0x0FF4), (4, SRAM + 0x1003)):
        memory.write(start, pattern, width)
        assert memory.read(start, len(pattern), width) == pattern, f"width {width} at 0x{start:08x}"
    memory.write_u32(SRAM + 0x2000, 0xDEADBEEF)
    assert memory.read(SRAM + 0x2000, 4, 1) == bytes.fromhex("efbeadde")


@pytest.mark.parametrize("hla", [("stlink-v2", "stm32f103c8"), ("stlink-v3", "stm32f401cc")], indirect=True)
def test_hla_transfers_respect_the_packet_and_autoincrement_limits(hla):
    memory, kind, chip = hla.memory, hla.kind, hla.chip
    rw8 = 64 if kind == "stlink-v2" else 512
    block = 1024 if chip == "stm32f103c8" else 4096
    assert memory.block == block
    plan = memory.plan(SRAM + 1, 3000, 1)
    assert max(n for _, n, _ in plan) == rw8 and sum(n for _, n, _ in plan) == 3000
    plan = memory.plan(SRAM + 2, 2 * block + 10, 4)
    assert plan[0] == (SRAM + 2, 2, 1)                  # the misaligned head as bytes
    assert all((a % block) + n <= block for a, n, _ in plan)  # no transfer crosses the TAR block
    assert plan[-1][2] == 4 and sum(n for _, n, _ in plan) == 2 * block + 10


@pytest.mark.parametrize("hla", [("stlink-v2", "stm32f103c8"), ("stlink-v3", "stm32f401cc")], indirect=True)
def test_hla_fault_at_an_unmapped_address_names_it(hla):
    memory, chip = hla.memory, hla.chip
    with pytest.raises(OcdError, match=r"at 0x60000000 .*SWD_AP_FAULT"):
        memory.read(0x60000000, 16)
    with pytest.raises(OcdError, match="0x60000004"):
        memory.write(0x60000004, bytes(8))
    assert memory.read_u32(CPUID) == CHIPS[chip][1]     # the probe cleared the fault itself


@pytest.mark.parametrize("hla", [("stlink-v2", "stm32f072rb")], indirect=True)
def test_hla_native_core_registers_and_reset_line(hla):
    memory, probe = hla.memory, hla.probe
    memory.write_u32(DHCSR, 0xA05F0003)                 # C_DEBUGEN | C_HALT
    deadline = time.monotonic() + 2
    while not memory.read_u32(DHCSR) & (1 << 17):
        assert time.monotonic() < deadline, "core did not halt"
    memory.write_core_reg(1, 0x12345678)
    assert memory.read_core_reg(1) == 0x12345678
    assert memory.read_core_regs()[1] == 0x12345678
    probe.set_srst(True)
    probe.set_srst(False)
    assert memory.read_u32(DHCSR) & (1 << 25)           # S_RESET_ST: the board went through reset


@pytest.mark.parametrize("dapdirect", CASES, indirect=True)
def test_dapdirect_logs_dpidr_and_reads_cpuid_through_the_ap(dapdirect):
    queue, chip = dapdirect.probe.dap(), dapdirect.chip
    assert f"Info : SWD DPIDR 0x{CHIPS[chip][0]:08x}" in dapdirect.log.getvalue().splitlines()
    queue.write_dp(0x4, 0x50000000)                     # CSYSPWRUPREQ | CDBGPWRUPREQ
    status = queue.read_dp(0x4)
    queue.write_ap(0, 0x00, 0x23000012)                 # CSW: 32-bit, auto-increment
    queue.write_ap(0, 0x04, CPUID)
    cpuid = queue.read_ap(0, 0x0C)
    idr = queue.read_ap(0, 0xFC)
    queue.flush()
    assert status.value & 0xA0000000 == 0xA0000000
    assert cpuid.value == CHIPS[chip][1]
    assert idr.value in (0x04770021, 0x24770011)


@pytest.mark.parametrize("dapdirect", [("stlink-v2", "stm32f401cc")], indirect=True)
def test_dapdirect_fault_names_the_access_and_the_link_recovers(dapdirect):
    queue, chip = dapdirect.probe.dap(), dapdirect.chip
    queue.write_ap(0, 0x00, 0x23000012)
    queue.write_ap(0, 0x04, 0x60000000)
    queue.read_ap(0, 0x0C)
    with pytest.raises(OcdError, match=r"AP0 read 0x0c failed: SWD_AP_FAULT"):
        queue.flush()
    queue.write_ap(0, 0x04, CPUID)
    cpuid = queue.read_ap(0, 0x0C)
    queue.flush()
    assert cpuid.value == CHIPS[chip][1]


@pytest.mark.parametrize("kind, requested, chosen", [
    ("stlink-v2", 1000, 950), ("stlink-v2", 4000, 4000), ("stlink-v2", 2, 5),
    ("stlink-v3", 4000, 3300), ("stlink-v3", 24000, 24000)])
def test_clock_is_the_fastest_not_above_the_request(kind, requested, chosen):
    with adapter_setup("stm32f103c8", "hla", kind):
        probe, log = opened(StlinkHlaProbe, kind, "stm32f103c8", speed=requested)
        try:
            assert bus_for(f"{kind}:stm32f103c8").devices[0].firmware.swd_khz == chosen
            assert f"Info : clock speed {chosen} kHz" in log.getvalue()
            unmatched = f"Unable to match requested speed {requested} kHz, using {chosen} kHz"
            assert (unmatched in log.getvalue()) == (requested != chosen)
            assert probe.set_speed(1200 if kind == "stlink-v2" else 8000) in (1200, 8000)
        finally:
            probe.close()


def test_no_probe_says_what_was_looked_for():
    wanted = r"no USB probe found \(looked for an ST-Link; VID:PID 0483:3744.*serial 'nope'"
    with adapter_setup("stm32f103c8", "hla"), pytest.raises(OcdError, match=wanted):
        opened(StlinkHlaProbe, "stlink-v2", "stm32f103c8", serial="nope")


def test_wrong_layout_and_transport_are_refused_plainly():
    with adapter_setup("stm32f103c8", "hla"):
        with pytest.raises(OcdError, match="hla_layout stlink only"):
            opened(StlinkHlaProbe, "stlink-v2", "stm32f103c8", **{"hla layout": ["ti-icdi"]})
        probe = StlinkDapProbe(ProbeConfig(AdapterConfig("st-link"), "dapdirect_jtag", {}))
        with pytest.raises(OcdError, match="over SWD only"):
            probe.open()
