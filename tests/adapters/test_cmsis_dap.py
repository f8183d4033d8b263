"""`adapter driver cmsis-dap` over USB HID (v1), USB bulk (v2) and TCP, against the CMSIS-DAP probe model in
front of each simulated chip: what OpenOCD prints on opening, DP/AP accesses packed into transfers and
blocks, faults named and recovered from, and finding the right probe on a USB bus."""
from __future__ import annotations

import contextlib
import io
import itertools
import random
import struct

import pytest

pytest.importorskip("unicorn")
pytest.importorskip("usb")

from ocdpy.adapters.base import AdapterConfig  # noqa: E402
from ocdpy.adapters.cmsis_dap import CmsisDapProbe  # noqa: E402
from ocdpy.adapters.cmsis_dap_link import Channel  # noqa: E402
from ocdpy.adapters.cmsis_dap_queue import CmsisDapQueue, plan  # noqa: E402
from ocdpy.adapters.dap_queue import TransferError  # noqa: E402
from ocdpy.adapters.probe import ProbeConfig  # noqa: E402
from ocdpy.errors import OcdError  # noqa: E402
from ocdpy.log import DEBUG, Log  # noqa: E402
from ocdpy.sim.usb_backend import simulated_bus  # noqa: E402
from ocdpy.transports.adi_queue import Op  # noqa: E402
from ocdpy.transports.jtag import Tap  # noqa: E402

from dapio import DHCSR, DRW, TAR, power_up, read_words  # noqa: E402
from setup_cmsis_dap import JTAG_CHIPS, JTAG_VARIANTS, VARIANTS, adapter_setup  # noqa: E402

CHIPS = {"stm32f072rb": (0x0BB11477, 0x410CC200), "stm32f103c8": (0x1BA01477, 0x411FC231),
         "stm32f401cc": (0x2BA01477, 0x410FC241)}
SRAM = 0x20000000


def make_probe(lines: list[str], log: Log, taps: list[Tap] | None = None, dap_tap: str | None = None,
               **adapter) -> CmsisDapProbe:
    """The probe the config lines select (their `cmsis-dap ...` settings and transport), not yet opened."""
    settings, transport = {}, "swd"
    for line in lines:
        words = line.split()
        if words[0] == "cmsis-dap":
            split = 3 if words[1] in ("tcp", "usb") else 2
            settings[" ".join(words[:split])] = words[split:]
        elif words[:2] == ["transport", "select"]:
            transport = words[2]
    return CmsisDapProbe(ProbeConfig(AdapterConfig("cmsis-dap", **adapter), transport, settings, taps or [],
                                     log=log, dap_tap=dap_tap))


@contextlib.contextmanager
def opened(chip: str, variant: str, log: Log | None = None, **probe_args):
    """An opened probe on a simulated `chip`, closed afterwards (`probe_args` as for make_probe)."""
    with adapter_setup(chip, variant) as lines:
        probe = make_probe(lines, log or Log(stream=io.StringIO()), **probe_args)
        probe.open()
        try:
            yield probe
        finally:
            probe.close()


@contextlib.contextmanager
def powered_up(chip: str, variant: str = "v2", **probe_args):
    """An opened probe on `chip` with its DAP connected and powered up: (probe, queue)."""
    with opened(chip, variant, **probe_args) as probe:
        queue = probe.dap()
        power_up(queue)
        yield probe, queue


def write_sram(queue, words: list[int]) -> None:
    """One flush of TAR + DRW blocks, TAR rewritten every 1 KiB (the AHB-AP only auto-increments within it)."""
    for i in range(0, len(words), 256):
        queue.write_ap(0, TAR, SRAM + 4 * i)
        queue.write_ap_block(0, DRW, words[i:i + 256])
    queue.flush()


def read_sram(queue, count: int) -> list[int]:
    values = []
    for i in range(0, count, 256):
        queue.write_ap(0, TAR, SRAM + 4 * i)
        values += queue.read_ap_block(0, DRW, min(256, count - i))
    queue.flush()
    return [v.value for v in values]


def cpuid_sram_and_a_fault(queue, chip: str, fault: str) -> None:
    """Power up, CPUID through the AHB-AP, a 4 KiB SRAM round trip in blocks, a read where nothing answers
    (failing with `fault`), and CPUID again: the sticky flags were cleared and the link still works."""
    power_up(queue)
    assert read_words(queue, 0xE000ED00) == [CHIPS[chip][1]]
    pattern = [(i * 0x9E3779B1 + 0x1234567) & 0xFFFFFFFF for i in range(1024)]
    write_sram(queue, pattern)
    assert read_sram(queue, 1024) == pattern
    queue.write_ap(0, TAR, 0x60000000)  # nothing answers there on these parts
    queue.read_ap(0, DRW)
    with pytest.raises(TransferError, match=fault):
        queue.flush()
    assert read_words(queue, 0xE000ED00) == [CHIPS[chip][1]]


@pytest.mark.parametrize("chip", list(CHIPS))
@pytest.mark.parametrize("variant", VARIANTS)
def test_swd_dpidr_cpuid_sram_blocks_and_fault_recovery(chip, variant):
    out = io.StringIO()
    with opened(chip, variant, Log(stream=out), speed_khz=4000) as probe:
        queue = probe.dap()
        assert f"Info : SWD DPIDR 0x{CHIPS[chip][0]:08x}" in out.getvalue()
        cpuid_sram_and_a_fault(queue, chip, r"CMSIS-DAP AP0 read 0x0c failed: the target answered FAULT "
                                            r"\(CTRL/STAT 0x[0-9a-f]{8}: STICKYERR")


def test_opening_reports_what_openocd_0_12_reports():
    out = io.StringIO()
    with adapter_setup("stm32f103c8", "v2") as lines:
        probe = make_probe(lines, Log(DEBUG, stream=out), speed_khz=1800)
        probe.open()
        probe.dap()
        probe.close()
    log = out.getvalue().splitlines()
    expected = ["Info : Using CMSIS-DAPv2 interface with VID:PID=0x0d28:0x0204, serial=ocdpy-sim-0",
                "Info : CMSIS-DAP: SWD supported", "Info : CMSIS-DAP: JTAG supported",
                "Info : CMSIS-DAP: Atomic commands supported", "Info : CMSIS-DAP: FW Version = 2.1.1",
                "Info : CMSIS-DAP: Serial# = ocdpy-sim-0", "Info : CMSIS-DAP: Interface Initialised (SWD)",
                "Debug: CMSIS-DAP: Packet Size = 512", "Debug: CMSIS-DAP: Packet Count = 8",
                "Info : SWCLK/TCK = 1 SWDIO/TMS = 1 TDI = 1 TDO = 0 nTRST = 1 nRESET = 1",
                "Info : CMSIS-DAP: Interface ready", "Info : clock speed 1800 kHz", "Info : SWD DPIDR 0x1ba01477"]
    assert log == expected


def test_hid_packets_are_limited_to_the_report_and_usbhid_gets_the_interface_back():
    from ocdpy.sim.usb_backend import bus_for
    with adapter_setup("stm32f072rb", "v1") as lines:
        probe = make_probe(lines, Log(stream=io.StringIO()))
        probe.open()
        assert (probe.channel.packet_size, probe.channel.packet_count) == (64, 4)
        interface = bus_for("cmsis-dap-v1:stm32f072rb").devices[0].interfaces[0]
        assert not interface.kernel_driver
        probe.close()
        assert interface.kernel_driver


def test_srst_resets_the_board():
    with powered_up("stm32f103c8") as (probe, queue):
        read_words(queue, DHCSR)  # reading DHCSR clears S_RESET_ST
        assert not read_words(queue, DHCSR)[0] & (1 << 25)
        probe.set_srst(True)
        probe.set_srst(False)
        assert read_words(queue, DHCSR)[0] & (1 << 25), "S_RESET_ST: no reset seen"


def test_session_init_through_adapter_setup():
    from ocdpy.session import Session
    for variant in VARIANTS:
        with adapter_setup("stm32f401cc", variant) as lines:
            session = Session(Log(stream=io.StringIO()))
            session.ports.update(gdb="disabled", telnet="disabled", tcl="disabled")
            for line in lines:
                session.command(line)
            session.command("init")
            try:
                assert isinstance(session.dap_queue, CmsisDapQueue)
                power_up(session.dap_queue)
                assert read_words(session.dap_queue, 0xE000ED00) == [CHIPS["stm32f401cc"][1]]
            finally:
                session.probe.close()


@pytest.mark.parametrize("chip", JTAG_CHIPS)
@pytest.mark.parametrize("variant", JTAG_VARIANTS)
def test_session_init_over_jtag_through_adapter_setup(chip, variant):
    from ocdpy.session import Session
    name, cpu_id, _ = JTAG_IDS[chip]
    out = io.StringIO()
    with adapter_setup(chip, variant) as lines:
        assert lines[-1] == "transport select jtag"
        session = Session(Log(stream=out))
        session.ports.update(gdb="disabled", telnet="disabled", tcl="disabled")
        for line in lines:
            session.command(line)
        session.command(f"source [find target/{name}.cfg]")
        session.command("init")
        try:
            assert isinstance(session.dap_queue, CmsisDapQueue) and session.dap_queue.jtag
            assert f"Info : JTAG tap: {name}.cpu tap/device found: 0x{cpu_id:08x}" in out.getvalue()
            assert "processor detected" in out.getvalue()
            assert read_words(session.dap_queue, 0xE000ED00) == [CHIPS[chip][1]]
        finally:
            session.probe.close()


# -- packing and pipelining --------------------------------------------------------------------------------
def _ops(n: int, read: bool, address: int = DRW) -> list[Op]:
    return [Op(True, read, address, 0, object() if read else i) for i in range(n)]


def test_runs_of_one_register_become_blocks_that_fill_each_packet():
    commands = plan(_ops(1024, True), 512)
    assert [c.block for c in commands] == [True] * 9                   # 127 words per 512-byte response
    assert [len(c.ops) for c in commands] == [127] * 8 + [8]
    commands = plan(_ops(1024, False), 64)
    assert [len(c.ops) for c in commands[:2]] == [14, 14]              # (64 - 5) / 4 words per request
    assert all(len(c.packet(0)) <= 64 for c in commands)


def test_mixed_accesses_share_dap_transfer_packets_within_the_limits():
    mixed = [Op(False, False, 0x8, 0, 0), Op(True, False, TAR, 0, SRAM), Op(True, True, DRW, 0, object())] * 100
    commands = plan(mixed, 64)
    assert not any(c.block for c in commands)
    assert sum(len(c.ops) for c in commands) == 300
    assert all(c.request_size <= 64 and c.response_size <= 64 for c in commands)
    # every packet but the last is full: the next transfer (a 5-byte write or 1-byte read) would not fit
    for command, following in itertools.pairwise(commands):
        assert command.request_size + (1 if following.ops[0].read else 5) > 64
    assert len(commands) == 19  # 300 transfers of 11 request bytes per 3: about 16 per packet
    assert len(plan(mixed, 1024)) == 2  # 255 transfers at most per DAP_Transfer


class CountingLink:
    """Answers DAP_Transfer packets 'all OK' and records the most requests ever unanswered."""

    initial_packet, max_packet = 64, None

    def __init__(self) -> None:
        self.waiting: list[bytes] = []
        self.most = 0

    def write(self, packet: bytes) -> None:
        self.waiting.append(packet)
        self.most = max(self.most, len(self.waiting))

    def read(self, size: int) -> bytes:
        packet = self.waiting.pop(0)
        return bytes([packet[0], packet[2], 1])


def test_flush_keeps_packet_count_packets_in_flight():
    link = CountingLink()
    channel = Channel(link)
    channel.configure(64, 3)
    queue = CmsisDapQueue(channel)
    for i in range(200):
        queue.write_dp(0x8, i)
    queue.flush()
    assert link.most == 3
    assert not link.waiting


# -- finding the probe -------------------------------------------------------------------------------------
def test_no_probe_at_the_configured_vid_pid_says_which_were_looked_for():
    with simulated_bus("cmsis-dap-v2:stm32f103c8"):
        probe = make_probe(["cmsis-dap vid_pid 0x1366 0x1051 0xc251 0xf001"], Log(stream=io.StringIO()))
        with pytest.raises(OcdError, match=r"no USB probe found \(looked for a CMSIS-DAP v2 \(bulk\) or v1 "
                                           r"\(HID\) interface; VID:PID 1366:1051, c251:f001\)"):
            probe.open()


def test_a_bulk_only_probe_is_not_found_by_the_hid_backend():
    with simulated_bus("cmsis-dap-v2:stm32f103c8"):
        probe = make_probe(["cmsis-dap backend hid"], Log(stream=io.StringIO()))
        with pytest.raises(OcdError, match=r"looked for a CMSIS-DAP v1 \(HID\) interface"):
            probe.open()


def test_permission_denied_prints_the_udev_rule():
    with simulated_bus("cmsis-dap-v2:stm32f103c8:access=denied"):
        probe = make_probe([], Log(stream=io.StringIO()))
        with pytest.raises(OcdError) as error:
            probe.open()
    message = str(error.value)
    assert "denied access (EACCES) to USB device 0d28:0204 at 1-1" in message
    assert ('SUBSYSTEM=="usb", ATTRS{idVendor}=="0d28", ATTRS{idProduct}=="0204", MODE="0660", '
            'TAG+="uaccess"') in message
    assert "/etc/udev/rules.d/" in message


def test_adapter_serial_chooses_between_two_probes_and_several_matches_are_listed():
    spec = "cmsis-dap-v2:stm32f072rb:serial=AAA111,cmsis-dap-v1:stm32f401cc:serial=BBB222"
    with simulated_bus(spec):
        with pytest.raises(OcdError, match=r"2 probes match:\n.*AAA111 at 1-1.*\n.*BBB222 at 1-2(.|\n)*"
                                           r"adapter serial"):
            make_probe([], Log(stream=io.StringIO())).open()
        out = io.StringIO()
        probe = make_probe([], Log(stream=out), serial="BBB222")
        probe.open()
        queue = probe.dap()
        assert "SWD DPIDR 0x2ba01477" in out.getvalue()  # the F401 behind BBB222
        power_up(queue)
        probe.close()
        out = io.StringIO()
        probe = make_probe([], Log(stream=out), usb_location="1-1")
        probe.open()
        probe.dap()
        assert "SWD DPIDR 0x0bb11477" in out.getvalue()  # the F072 at 1-1
        probe.close()


def test_tcp_refused_connection_is_a_plain_error():
    probe = make_probe(["cmsis-dap backend tcp", "cmsis-dap tcp host 127.0.0.1", "cmsis-dap tcp port 1"],
                       Log(stream=io.StringIO()))
    with pytest.raises(OcdError, match=r"cannot connect to the CMSIS-DAP TCP server at 127.0.0.1:1"):
        probe.open()


def test_vid_pid_must_be_pairs():
    probe = make_probe(["cmsis-dap vid_pid 0x0d28"], Log(stream=io.StringIO()))
    with pytest.raises(OcdError, match="wants VID PID pairs"):
        probe.open()


def test_transfer_packets_carry_the_request_bits_and_data():
    command = plan([Op(True, False, TAR, 0, 0x20000000), Op(True, True, DRW, 0, object())], 64)[0]
    assert command.packet(0) == bytes([0x05, 0, 2, 0x05]) + struct.pack("<I", 0x20000000) + bytes([0x0F])


def test_a_fault_inside_a_block_names_the_transfer_that_caused_it():
    with powered_up("stm32f103c8") as (_, queue):
        queue.write_ap(0, TAR, 0x60000000)
        queue.read_ap_block(0, DRW, 4)
        # the first read's bus error shows as FAULT on the second (reads are posted): the first is named
        with pytest.raises(TransferError, match=r"AP0 read 0x0c \(transfer 1 of 4 in a block\) failed"):
            queue.flush()


# -- JTAG --------------------------------------------------------------------------------------------------
# chip -> (target config prefix, JTAG-DP IDCODE, boundary-scan IDCODE)
JTAG_IDS = {"stm32f103c8": ("stm32f1x", 0x3BA00477, 0x06410041), "stm32f401cc": ("stm32f4x", 0x4BA00477, 0x06423041)}
DAP_JTAG_IDCODE = 0x16


def chip_taps(chip: str) -> list[Tap]:
    """The chain as target/stm32f1x.cfg and stm32f4x.cfg declare it: the JTAG-DP first (nearest TDO)."""
    name, cpu_id, bs_id = JTAG_IDS[chip]
    return [Tap(name, "cpu", 4, 0x1, 0xF, [cpu_id]), Tap(name, "bs", 5, 0x1, 0x3, [bs_id])]


@pytest.mark.parametrize("chip", JTAG_CHIPS)
@pytest.mark.parametrize("variant", JTAG_VARIANTS)
def test_jtag_tap_lines_cpuid_sram_blocks_and_fault_recovery(chip, variant):
    name, cpu_id, bs_id = JTAG_IDS[chip]
    out = io.StringIO()
    with opened(chip, variant, Log(stream=out), taps=chip_taps(chip), speed_khz=4000) as probe:
        queue = probe.dap()
        log = out.getvalue()
        assert "Info : CMSIS-DAP: Interface Initialised (JTAG)" in log
        assert (f"Info : JTAG tap: {name}.cpu tap/device found: 0x{cpu_id:08x} (mfg: 0x23b (ARM Ltd), "
                f"part: 0xba00, ver: 0x{cpu_id >> 28:x})") in log
        assert f"Info : JTAG tap: {name}.bs tap/device found: 0x{bs_id:08x} (mfg: 0x020 (STMicroelectronics)" in log
        assert "SWD DPIDR" not in log
        assert (queue.jtag, queue.index) == (True, 0)
        # the probe's own IDCODE walk agrees on the index order: device 0 nearest TDO is the JTAG-DP
        for index, idcode in enumerate((cpu_id, bs_id)):
            response = probe.channel.command(DAP_JTAG_IDCODE, bytes([index]))[:5]  # an HID report is padded
            assert response == bytes([0]) + struct.pack("<I", idcode)
        # no FAULT acknowledge over JTAG: CTRL/STAT's sticky flags tell
        cpuid_sram_and_a_fault(queue, chip, r"CMSIS-DAP AP0 read 0x0c failed \(CTRL/STAT 0x[0-9a-f]{8}: STICKYERR")


def test_jtag_opening_reports_what_openocd_0_12_reports():
    out = io.StringIO()
    with adapter_setup("stm32f103c8", "v2-jtag") as lines:
        probe = make_probe(lines, Log(stream=out), chip_taps("stm32f103c8"), speed_khz=1000)
        probe.open()
        probe.dap()
        probe.close()
    assert out.getvalue().splitlines()[6:] == [
        "Info : CMSIS-DAP: Interface Initialised (JTAG)",
        "Info : SWCLK/TCK = 1 SWDIO/TMS = 1 TDI = 1 TDO = 0 nTRST = 1 nRESET = 1",
        "Info : CMSIS-DAP: Interface ready", "Info : clock speed 1000 kHz",
        "Info : cmsis-dap JTAG TLR_RESET", "Info : cmsis-dap JTAG TLR_RESET",
        "Info : JTAG tap: stm32f1x.cpu tap/device found: 0x3ba00477 (mfg: 0x23b (ARM Ltd), part: 0xba00, ver: 0x3)",
        ("Info : JTAG tap: stm32f1x.bs tap/device found: 0x06410041 (mfg: 0x020 (STMicroelectronics), "
         "part: 0x6410, ver: 0x0)")]


def test_jtag_without_configured_taps_finds_them_and_picks_the_jtag_dp():
    out = io.StringIO()
    with powered_up("stm32f401cc", "v2-jtag", log=Log(stream=out)) as (_, queue):
        assert 'AUTO auto0.tap - use "jtag newtap auto0 tap -irlen 4 -expected-id 0x4ba00477"' in out.getvalue()
        assert 'AUTO auto1.tap - use "jtag newtap auto1 tap -irlen 5 -expected-id 0x06423041"' in out.getvalue()
        assert read_words(queue, 0xE000ED00) == [CHIPS["stm32f401cc"][1]]


def test_jtag_dap_on_the_wrong_tap_or_a_missing_one_is_a_plain_error():
    taps = chip_taps("stm32f103c8")
    with opened("stm32f103c8", "v2-jtag", taps=taps, dap_tap="stm32f1x.bs") as probe, \
            pytest.raises(TransferError, match=r"no valid JTAG-DP acknowledge .* from JTAG device 1: is its IR "
                                               r"length right"):
        probe.dap()
    with opened("stm32f103c8", "v2-jtag", taps=taps, dap_tap="stm32f1x.nope") as probe, \
            pytest.raises(OcdError, match=r"the DAP's tap 'stm32f1x.nope' is not on the scan chain \(taps: "
                                          r"stm32f1x.cpu, stm32f1x.bs\)"):
        probe.dap()


def test_jtag_on_an_swd_only_part_says_nothing_answers():
    with simulated_bus("cmsis-dap-v2:stm32f072rb"):
        probe = make_probe(["transport select jtag"], Log(stream=io.StringIO()))
        probe.open()
        with pytest.raises(OcdError, match=r"scan chain of the CMSIS-DAP probe \(TDO reads all ones\).*"
                                           r"transport select swd"):
            probe.dap()
        probe.close()
    with pytest.raises(ValueError, match="no JTAG port"), adapter_setup("stm32f072rb", "v2-jtag"):
        pass


def test_jtag_after_an_swd_session_switches_the_dp_back():
    with adapter_setup("stm32f103c8", "tcp") as lines:
        for transport in ("swd", "jtag", "swd", "jtag"):
            out = io.StringIO()
            probe = make_probe([*lines, f"transport select {transport}"], Log(stream=out), chip_taps("stm32f103c8"))
            probe.open()
            try:
                queue = probe.dap()
                power_up(queue)
                assert read_words(queue, 0xE000ED00) == [CHIPS["stm32f103c8"][1]]
            finally:
                probe.close()


def test_a_jtag_fault_among_several_bus_accesses_names_them_all():
    with powered_up("stm32f103c8", "v2-jtag", taps=chip_taps("stm32f103c8")) as (_, queue):
        queue.write_ap(0, TAR, 0x60000000)
        queue.read_ap_block(0, DRW, 4)
        with pytest.raises(TransferError, match=r"one of 4 AP bus accesses \(AP0 read 0x0c \.\.\.\) failed "
                                                r"\(CTRL/STAT 0x[0-9a-f]{8}: STICKYERR"):
            queue.flush()
        assert read_words(queue, 0xE000ED00) == [CHIPS["stm32f103c8"][1]]


class JtagEchoLink:
    """Answers DAP_JTAG_Sequence with each sequence's TDI as its TDO (a wire from TDI to TDO); records the
    packets."""

    initial_packet, max_packet = 64, None

    def __init__(self) -> None:
        self.waiting: list[bytes] = []
        self.sent: list[bytes] = []

    def write(self, packet: bytes) -> None:
        self.waiting.append(packet)
        self.sent.append(packet)

    def read(self, size: int) -> bytes:
        packet = self.waiting.pop(0)
        tdo, position = bytearray(), 2
        for _ in range(packet[1]):
            count = packet[position] & 0x3F or 64
            tdo += packet[position + 1:position + 1 + (count + 7) // 8]
            position += 1 + (count + 7) // 8
        assert position == len(packet)
        return bytes([packet[0], 0]) + bytes(tdo)


@pytest.mark.parametrize("packet_size", [64, 512])
def test_jtag_sequences_split_at_tms_changes_fill_packets_and_bring_tdo_back(packet_size):
    from ocdpy.adapters.cmsis_dap_jtag import CmsisDapJtag, runs
    rng = random.Random(packet_size)
    link = JtagEchoLink()
    channel = Channel(link)
    channel.configure(packet_size, 4)
    shifter = CmsisDapJtag(channel)
    for count in (1, 7, 64, 65, 200, 3000):
        for tms in (0, (1 << count) - 1, rng.getrandbits(count), 1 << (count - 1)):
            tdi = rng.getrandbits(count)
            link.sent.clear()
            assert shifter.shift(tms, tdi, count) == tdi
            pieces = list(runs(tms, count))
            assert sum(n for _, n, _ in pieces) == count and all(1 <= n <= 64 for _, n, _ in pieces)
            for (offset, n, level), (after, _, next_level) in itertools.pairwise(pieces):
                assert offset + n == after and (level != next_level or n == 64)
            assert all(len(p) <= packet_size for p in link.sent)
            assert sum(p[1] for p in link.sent) == len(pieces)
