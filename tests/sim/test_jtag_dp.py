"""The JTAG TAPs, JTAG-DP and AHB-AP models: driven bit by bit through the remote_bitbang decoder, and by
real OpenOCD 0.12 over TCP (OpenOCD was written against silicon, so it checks the models)."""
from __future__ import annotations

import shutil
import subprocess
import threading

import pytest

from ocdpy.sim.dap import CDBGPWRUPACK, CDBGPWRUPREQ, STICKYERR, AhbAp, BusFault, DebugPort
from ocdpy.sim.jtag_tap import BoundaryScanTap, JtagDpTap, ScanChain
from ocdpy.sim.rbb_server import BitbangSession, serve

OPENOCD = shutil.which("openocd")
CPUID_M3 = 0x411FC231


class RamBus:
    """A word-addressed test bus: RAM everywhere below 0x60000000 and a few Cortex-M3 ID registers."""

    def __init__(self) -> None:
        self.words = {0xE000ED00: CPUID_M3, 0xE00FF000: 0xFFF0F003, 0xE00FFFCC: 1,
                      0xE00FFFF0: 0x0D, 0xE00FFFF4: 0x10, 0xE00FFFF8: 0x05, 0xE00FFFFC: 0xB1}

    def read(self, address: int, size: int) -> int:
        if 0x60000000 <= address < 0xE0000000:
            raise BusFault()
        word = self.words.get(address & ~3, 0)
        return (word >> ((address & 3) * 8)) & ((1 << (size * 8)) - 1)

    def write(self, address: int, size: int, value: int) -> None:
        if 0x60000000 <= address < 0xE0000000:
            raise BusFault()
        shift = (address & 3) * 8
        mask = ((1 << (size * 8)) - 1) << shift
        self.words[address & ~3] = (self.words.get(address & ~3, 0) & ~mask) | ((value << shift) & mask)


def make_chain(bus=None):
    bus = bus or RamBus()
    dp = DebugPort(0x3BA00477, AhbAp(bus, 0x24770011, 0xE00FF000))
    return ScanChain([BoundaryScanTap(0x06410041), JtagDpTap(0x3BA00477, dp)]), dp, bus


def scan(session: BitbangSession, tms_bits: list[int], tdi_bits: list[int]) -> list[int]:
    """Clock bits the way OpenOCD's bitbang driver does: TCK low, sample TDO, TCK high."""
    out = []
    for tms, tdi in zip(tms_bits, tdi_bits):
        low = str(2 * tms + tdi).encode()
        high = str(4 + 2 * tms + tdi).encode()
        reply, _ = session.feed(low + b"R" + high)
        out.append(int(reply))
    return out


def test_idcodes_shift_out_of_the_chain_after_reset():
    chain, _, _ = make_chain()
    session = BitbangSession(chain)
    scan(session, [1] * 5 + [0, 1, 0, 0], [0] * 9)  # Test-Logic-Reset, then to Shift-DR
    bits = scan(session, [0] * 64, [0] * 64)
    words = [sum(b << i for i, b in enumerate(bits[k:k + 32])) for k in (0, 32)]
    assert words == [0x3BA00477, 0x06410041]  # the TAP nearest TDO comes out first


def test_ir_capture_values_identify_the_taps():
    chain, _, _ = make_chain()
    session = BitbangSession(chain)
    scan(session, [1] * 5 + [0, 1, 1, 0, 0], [0] * 10)  # to Shift-IR
    bits = scan(session, [0] * 9, [1] * 9)
    assert bits[:4] == [1, 0, 0, 0]          # JTAG-DP IR captures 0b0001
    assert bits[4:9] == [1, 0, 0, 0, 0]      # boundary scan IR captures 0b00001


def test_power_up_request_is_acknowledged_and_sticky_errors_clear_on_write_one():
    _, dp, _ = make_chain()
    dp.dp_write(0x4, CDBGPWRUPREQ)
    assert dp.dp_read(0x4) & CDBGPWRUPACK
    dp.ap_write(0x04, 0x70000000)  # TAR in a hole of the bus
    dp.ap_read(0x0C)
    assert dp.dp_read(0x4) & STICKYERR
    dp.dp_write(0x4, CDBGPWRUPREQ | STICKYERR)
    assert not dp.dp_read(0x4) & STICKYERR


def test_drw_auto_increment_wraps_inside_the_1k_block_and_uses_byte_lanes():
    _, dp, bus = make_chain()
    dp.ap_write(0x00, 0x23000012)  # word, single increment
    dp.ap_write(0x04, 0x200003FC)
    dp.ap_write(0x0C, 0x11111111)
    dp.ap_write(0x0C, 0x22222222)
    assert dp.ap.tar == 0x20000004  # wrapped to the start of the same 1 KiB block
    assert bus.words[0x200003FC] == 0x11111111 and bus.words[0x20000000] == 0x22222222
    dp.ap_write(0x00, 0x23000010)  # byte accesses
    dp.ap_write(0x04, 0x20000101)
    dp.ap_write(0x0C, 0x0000AB00)  # byte lane 1 carries address ...01
    assert bus.words[0x20000100] == 0x0000AB00
    dp.ap_write(0x04, 0x20000101)
    assert dp.ap_read(0x0C) == 0x0000AB00


@pytest.mark.skipif(OPENOCD is None, reason="openocd is not installed; it is the oracle")
def test_real_openocd_examines_the_model_and_reads_back_memory():
    chain, _, bus = make_chain()
    ready = threading.Event()
    port_box = []

    def on_ready(port):
        port_box.append(port)
        ready.set()

    server = threading.Thread(target=serve, args=(chain, 0), kwargs={"ready": on_ready, "max_clients": 1},
                              daemon=True)
    server.start()
    assert ready.wait(10)
    cmd = [OPENOCD, "-c", f"adapter driver remote_bitbang; remote_bitbang port {port_box[0]}; "
           "remote_bitbang host 127.0.0.1", "-f", "target/stm32f1x.cfg", "-c", "init",
           "-c", "mww 0x20000010 0xcafef00d", "-c", "mwh 0x20000016 0x1234", "-c", "mdw 0x20000010 2",
           "-c", "shutdown"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/usr/share/openocd/scripts")
    server.join(10)
    log = r.stdout + r.stderr
    assert "Cortex-M3 r1p1 processor detected" in log, log
    assert "0x20000010: cafef00d 12340000" in log, log
    assert bus.words[0x20000014] == 0x12340000
