"""The simulated ST-Link against the protocol as hosts use it (OpenOCD's stlink_usb.c): literal command
blocks in, literal replies out, through the device's USB endpoints."""
from __future__ import annotations

import struct

import pytest

pytest.importorskip("unicorn")
pytest.importorskip("usb")

from usb.core import USBError

from ocdpy.sim.stlink_model import v2_1_probe, v2_probe, v3_probe

FACTORIES = {"v2": v2_probe, "v2-1": v2_1_probe, "v3": v3_probe}
OUT = {"v2": 0x02, "v2-1": 0x01, "v3": 0x01}
DPIDR = {"stm32f103c8": 0x1BA01477, "stm32f401cc": 0x2BA01477, "stm32f072rb": 0x0BB11477}


class Host:
    """Raw command blocks to one simulated ST-Link's endpoints."""

    def __init__(self, kind: str, chip: str = "stm32f103c8") -> None:
        self.device = FACTORIES[kind](chip, {}, 0)
        self.out = OUT[kind]

    def ask(self, hexcmd: str, read: int = 0, data: bytes = b"") -> bytes:
        self.device.out(self.out, bytes.fromhex(hexcmd).ljust(16, b"\0"), 1000)
        if data:
            self.device.out(self.out, data, 1000)
        return self.device.in_(0x81, read, 1000) if read else b""

    def enter(self) -> None:
        self.ask("f307")
        assert self.ask("f230a3", 2) == b"\x80\x00"
        assert self.ask("f24b00", 2) == b"\x80\x00"  # INIT_AP 0

    def rw_status(self) -> tuple[int, int]:
        status, address = struct.unpack_from("<BxxxI", self.ask("f23e", 12))
        return status, address

    def read32(self, address: int, length: int) -> bytes:
        return self.ask("f207" + struct.pack("<IHB", address, length, 0).hex(), length)


@pytest.fixture
def host(request):
    kind, chip = request.param if isinstance(request.param, tuple) else (request.param, "stm32f103c8")
    h = Host(kind, chip)
    yield h
    h.device.close()


@pytest.mark.parametrize("host, reply, ex", [
    ("v2", "294783044837", None),
    ("v2-1", "295a83044b37", None),
    ("v3", "300083044f37", "030107030500000083044f37"),
], indirect=["host"])
def test_version_replies_encode_each_generation(host, reply, ex):
    assert host.ask("f1", 6).hex() == reply
    if ex:
        assert host.ask("fb", 12).hex() == ex


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_modes_dfu_exit_enter_swd_and_exit(host):
    assert host.ask("f5", 2) == b"\x00\x00"             # a V2 starts in DFU mode
    assert host.ask("f231", 12)[0] == 0x81              # no target access before ENTER
    host.ask("f307")
    assert host.ask("f5", 2) == b"\x01\x00"
    assert host.ask("f230a3", 2) == b"\x80\x00"
    assert host.ask("f5", 2) == b"\x02\x00"
    assert host.ask("f231", 12) == b"\x80\x00\x00\x00" + struct.pack("<I", DPIDR["stm32f103c8"]) + bytes(4)
    host.ask("f221")
    assert host.ask("f5", 2) == b"\x01\x00"


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_target_voltage_and_v2_clock_divisors(host):
    host.ask("f307")
    vref, target = struct.unpack("<II", host.ask("f7", 8))
    assert 3.2 < 2 * target * 1.2 / vref < 3.3
    assert host.ask("f2430300", 2) == b"\x80\x00"       # divisor 3: 950 kHz
    assert host.device.firmware.swd_khz == 950
    assert host.ask("f2430500", 2)[0] == 0x81           # not a divisor the firmware knows
    assert host.ask("f26200", 52)[0] == 0x81            # GET_COM_FREQ is V3 only


@pytest.mark.parametrize("host", ["v3"], indirect=True)
def test_v3_lists_and_sets_its_own_clocks(host):
    reply = host.ask("f26200", 52)
    assert reply[0] == 0x80 and reply[8] == 7
    assert struct.unpack_from("<7I", reply, 12)[:4] == (24000, 8000, 3300, 1000)
    assert host.ask("f2610000" + struct.pack("<I", 4000).hex(), 8) == b"\x80\0\0\0" + struct.pack("<I", 3300)
    assert host.ask("f2610000" + struct.pack("<I", 1).hex(), 8)[0] == 0x08  # below the slowest


@pytest.mark.parametrize("host, limit", [("v2", 64), ("v3", 512)], indirect=["host"])
def test_8bit_transfers_are_limited_to_one_usb_packet(host, limit):
    host.enter()
    for length, status in ((limit, 0x80), (limit + 1, 0x81)):
        host.ask("f20c" + struct.pack("<IHB", 0x20000000, length, 0).hex(), length)
        assert host.rw_status()[0] == status
    assert len(host.ask("f20c" + struct.pack("<IHB", 0x20000000, 1, 0).hex(), 2)) == 2  # 1 byte answers 2


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_32bit_transfers_want_alignment_and_fit_the_buffer(host):
    host.enter()
    host.read32(0x20000002, 4)
    assert host.rw_status()[0] == 0x81
    host.read32(0x20000000, 6)
    assert host.rw_status()[0] == 0x81
    host.ask("f207" + struct.pack("<IHB", 0x20000000, 6148, 0).hex(), 6148)
    assert host.rw_status()[0] == 0x81
    host.read32(0x20000000, 6144)
    assert host.rw_status() == (0x80, 0)
    assert host.ask("f23b", 2) == b"\x80\x00"           # the old GETLASTRWSTATUS: 2 bytes


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_fault_reports_its_address_and_the_next_transfer_works(host):
    host.enter()
    host.read32(0x60000000, 8)
    assert host.rw_status() == (0x11, 0x60000000)       # SWD_AP_FAULT at the address
    assert host.read32(0xE000ED00, 4) == struct.pack("<I", 0x411FC231)
    assert host.rw_status() == (0x80, 0)


@pytest.mark.parametrize("host", ["v3"], indirect=True)
def test_memory_needs_its_ap_opened_first(host):
    host.ask("f230a3", 2)
    host.read32(0xE000ED00, 4)
    assert host.rw_status()[0] == 0x1D                  # BAD_AP_ERROR until INIT_AP
    assert host.ask("f24b00", 2) == b"\x80\x00"
    assert host.read32(0xE000ED00, 4) == struct.pack("<I", 0x411FC231)


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_writes_take_their_data_phase_and_tar_wraps_at_the_autoincrement_block(host):
    host.enter()
    host.ask("f208" + struct.pack("<IHB", 0x20000000, 4, 0).hex(), data=bytes(4))
    host.device.out(0x02, bytes.fromhex("f208") + struct.pack("<IHB", 0x20000FFC, 8, 0) + bytes(7), 1000)
    host.device.out(0x02, b"\x11\x22\x33\x44", 1000)    # the data phase, in two transfers
    host.device.out(0x02, b"\x55\x66\x77\x88", 1000)
    assert host.rw_status()[0] == 0x80
    assert host.read32(0x20000FFC, 4) == b"\x11\x22\x33\x44"
    assert host.read32(0x20000000, 4) == b"\x55\x66\x77\x88"  # one TAR, the Cortex-M3's 4 KiB auto-increment wrap


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_dap_register_access(host):
    host.ask("f307")
    host.ask("f230a3", 2)
    dp = host.ask("f245ffff0000", 8)
    assert dp == b"\x80\0\0\0" + struct.pack("<I", DPIDR["stm32f103c8"])
    assert host.ask("f2450000fc00", 8) == b"\x80\0\0\0" + struct.pack("<I", 0x24770011)  # IDR: no INIT_AP
    assert host.ask("f24500000000", 8)[0] == 0x1D     # CSW wants the AP opened
    host.ask("f24b00", 2)
    assert host.ask("f24600000400" + struct.pack("<I", 0x60000000).hex(), 2) == b"\x80\x00"  # TAR
    assert host.ask("f24500000c00", 8)[0] == 0x11     # DRW: bus fault, sticky flag left set
    assert host.ask("f24500000400", 8)[0] == 0x11     # refused until ABORT
    assert host.ask("f246ffff0000" + struct.pack("<I", 0x1E).hex(), 2) == b"\x80\x00"
    assert host.ask("f24500000400", 8) == b"\x80\0\0\0" + struct.pack("<I", 0x60000000)


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_run_control_and_core_registers(host):
    host.enter()
    assert host.ask("f202", 2) == b"\x80\x00"           # FORCEDEBUG
    assert host.ask("f201", 2) == b"\x81\x00"           # GETSTATUS: halted
    assert host.ask("f23400" + struct.pack("<I", 0xCAFEF00D).hex(), 2) == b"\x80\x00"  # WRITEREG r0
    assert host.ask("f23300", 8) == b"\x80\0\0\0" + struct.pack("<I", 0xCAFEF00D)
    regs = host.ask("f23a", 88)
    assert regs[0] == 0x80 and struct.unpack_from("<I", regs, 4)[0] == 0xCAFEF00D
    assert host.ask("f236" + struct.pack("<I", 0xE000EDF0).hex(), 8)[6] & 0x2  # S_HALT in DHCSR
    assert host.ask("f209", 2) == b"\x80\x00"           # RUNCORE
    assert host.ask("f201", 2) == b"\x80\x00"


@pytest.mark.parametrize("host", ["v2"], indirect=True)
def test_a_command_block_is_16_bytes(host):
    with pytest.raises(USBError):
        host.device.out(0x02, b"\xf1", 1000)
