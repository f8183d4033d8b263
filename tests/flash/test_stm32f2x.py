"""The stm32f2x flash driver and its `stm32f2x ...` commands against the simulated STM32F401CC (RM0368 flash
interface, ocdpy/sim/flash_ctrl.py) through the whole stack: an in-process session, SWD, MEM-AP, Cortex-M.
The sector layouts of parts that are not simulated (dual-bank F42x/43x, F7) are checked on a stand-in bus."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console import Console

from ocdpy.commands.flash_banks import flash_driver
from ocdpy.errors import OcdError
from ocdpy.flash.bank import FlashBank
from ocdpy.flash.driver import FlashError
from ocdpy.flash.drivers.stm32f2x import (
    CR,
    CR_LOCK,
    SR,
    SR_PGSERR,
    WRITE_LOOP,
    Stm32f2x,
    sector_layout,
)
from ocdpy.log import Log
from ocdpy.sim.flash_ctrl import F4FlashController

FLASH = 0x08000000
BLINKY = Path(__file__).resolve().parents[2] / "examples" / "prebuilt" / "stm32f401cc" / "blinky_busy.elf"
KIB = 1024
PATTERN = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(64 * KIB))  # sectors 0-3


class OptionBytesController(F4FlashController):
    """The F4 interface plus what flash_ctrl.py does not model yet: OPTKEYR unlocking OPTCR, OPTSTRT taking the
    new option bytes, and nWRP refusing program/erase of a protected sector with WRPERR (RM0368 §3.6-3.8)."""

    OPTKEY1, OPTKEY2 = 0x08192A3B, 0x4C5D6E7F

    def __init__(self, flash, now):
        super().__init__(flash, now)
        self.reset()

    def reset(self):
        self.locked, self.key_state, self.locked_until_reset = True, 0, False
        self.opt_locked, self.opt_key = True, 0
        self.optcr = getattr(self, "optcr", 0x0FFFAAED) | 1

    def _read_more(self, offset):
        return (self.optcr & ~1) | self.opt_locked if offset == self.OPTCR else 0

    def _write_more(self, offset, value):
        if offset == self.OPTKEYR:
            expected = (self.OPTKEY1, self.OPTKEY2)[self.opt_key]
            self.opt_key = (self.opt_key + 1) % 2 if value == expected else 0
            if value == self.OPTKEY2 and expected == self.OPTKEY2:
                self.opt_locked = False
        elif offset == self.OPTCR and not self.opt_locked:
            self.optcr = value & 0x0FFFFFEC
            self.opt_locked = bool(value & 1)

    def _protected(self, sector):
        return not (self.optcr >> (16 + sector)) & 1

    def program(self, address, size, value):
        if not self.locked and self.cr_bits & self.PG and self._protected(self.flash.sector_of(address)):
            self.sr |= self.WRPERR
            return
        super().program(address, size, value)

    def _erase(self):
        if self.cr_bits & self.SER and self._protected((self.cr_bits >> 3) & 0xF):
            self.sr |= self.WRPERR
            return
        super()._erase()


def open_session(*config: str, image: Path | None = None, options_model: bool = False) -> Console:
    console = Console()
    console.run("source [find interface/sim.cfg]")
    if image is not None:
        console.run(f"sim load {image}")
    console.run("source [find target/stm32f4x.cfg]")
    for line in config:
        console.run(line)
    console.run("init")
    console.run("reset halt")
    if options_model:
        probe = console.session.probe
        chip = probe.board.chip
        with probe.running.probe_lock:
            chip.attach_flash_controller(OptionBytesController(chip.flash, lambda: chip.core.now))
    return console


@pytest.fixture
def sessions():
    opened: list[Console] = []

    def start(*config, **kwargs) -> Console:
        opened.append(open_session(*config, **kwargs))
        return opened[-1]
    yield start
    for console in opened:
        console.close()


@pytest.fixture
def pattern_image(tmp_path) -> Path:
    path = tmp_path / "pattern.bin"
    path.write_bytes(PATTERN)
    return path


def read(driver, address: int, length: int) -> bytes:
    return driver.mem.read(address, length, 4)


# -- probe ----------------------------------------------------------------------------------------------------
def test_probe_reads_the_device_id_the_flash_size_and_the_sector_map(sessions):
    console = sessions()
    console.log()
    driver = flash_driver(console.session, "0")
    log = console.log()
    assert "Info : device id = 0x10006423\n" in log and "Info : flash size = 256 KiB\n" in log
    assert [(s.offset, s.size) for s in driver.sectors] == [
        (0, 16 * KIB), (0x4000, 16 * KIB), (0x8000, 16 * KIB), (0xC000, 16 * KIB), (0x10000, 64 * KIB),
        (0x20000, 128 * KIB)]
    assert driver.base == FLASH and driver.bank.size == 256 * KIB   # `flash bank ... 0 0`: filled in by probe
    assert driver.info() == "STM32F4xx (Low Power) - Rev: A"      # what OpenOCD 0.12 prints for this chip
    assert console.run("flash banks").splitlines()[0] == (
        "#0 : stm32f4x.flash (stm32f2x) at 0x08000000, size 0x00040000, buswidth 0, chipwidth 0")
    driver.protect_check()
    assert [s.protected for s in driver.sectors] == [False] * 6


def test_otp_bank_is_512_bytes_in_32_byte_blocks_written_only_when_enabled(sessions):
    console = sessions()
    console.log()
    assert console.run("stm32f2x otp 1 show") == "OTP memory bank #1 is disabled for write commands.\n"
    assert "Info : flash size = 512 bytes\n" in console.log()
    otp = flash_driver(console.session, "1")
    assert otp.base == 0x1FFF7800 and [s.size for s in otp.sectors] == [32] * 16
    with pytest.raises(FlashError, match="OTP memory bank is disabled for write commands"):
        otp.write(0, b"\x00\x00")
    with pytest.raises(FlashError, match="Cannot erase OTP memory"):
        otp.erase(0, 0)
    console.run("stm32f2x otp 1 enable")
    console.run("stm32f2x otp 1 enable")
    assert console.log() == ("Info : OTP memory bank #1 is is enabled for write commands.\n"
                             "Warn : OTP memory bank #1 is is already enabled for write commands.\n")
    assert console.run("stm32f2x otp 1 show") == "OTP memory bank #1 is enabled for write commands.\n"
    console.run("stm32f2x otp 1 disable")
    assert console.log() == "Info : OTP memory bank #1 is disabled for write commands.\n"
    assert console.run("stm32f2x otp 0 show") == "Failed: not an OTP bank.\n"
    with pytest.raises(OcdError, match="Usage: stm32f2x otp bank_id"):
        console.run("stm32f2x otp 1 bogus")


# -- erase ----------------------------------------------------------------------------------------------------
def test_erasing_sector_1_leaves_sectors_0_and_2_alone(sessions, pattern_image):
    console = sessions(image=pattern_image)
    driver = flash_driver(console.session, "0")
    assert read(driver, FLASH, 64 * KIB) == PATTERN
    reports = []
    driver.erase(1, 1, lambda *report: reports.append(report))
    assert read(driver, FLASH + 0x4000, 16 * KIB) == b"\xff" * (16 * KIB)
    assert read(driver, FLASH, 16 * KIB) == PATTERN[:0x4000]
    assert read(driver, FLASH + 0x8000, 16 * KIB) == PATTERN[0x8000:0xC000]
    assert reports == [("erase", 16 * KIB, 16 * KIB)] and driver.sectors[1].erased
    assert driver.mem.read_u32(CR) & CR_LOCK   # locked again afterwards


def test_mass_erase_and_its_refusal_on_a_running_target(sessions):
    console = sessions(image=BLINKY)                # runs for ever once resumed
    driver = flash_driver(console.session, "0")
    assert read(driver, FLASH, 16) != b"\xff" * 16
    console.run("resume")
    console.log()
    with pytest.raises(OcdError, match="stm32x mass erase failed"):
        console.run("stm32f2x mass_erase 0")
    assert "Error: Target not halted" in console.log()
    console.run("halt")
    assert console.run("stm32f2x mass_erase 0") == "stm32x mass erase complete\n"
    assert read(driver, FLASH, 256 * KIB) == b"\xff" * (256 * KIB)


# -- write ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("work_area", ["routine", "register-level"])
def test_write_with_and_without_a_work_area(sessions, work_area):
    config = [] if work_area == "routine" else ["stm32f4x.cpu configure -work-area-size 0"]
    console = sessions(*config)
    driver = flash_driver(console.session, "0")
    core = driver.target.core
    core.write_reg("r0", 0x1234)
    pc = core.read_reg("pc")
    console.log()
    data = bytes(range(256)) * 256 + b"\x5a"   # 64 KiB and one byte (padded with 0xFF)
    reports = []
    started = time.monotonic()
    driver.write(0x10000, data, lambda *report: reports.append(report))
    seconds = time.monotonic() - started
    assert read(driver, FLASH + 0x10000, len(data) + 3) == data + b"\xff" * 3
    assert [r[1] for r in reports] == [16 * KIB, 32 * KIB, 48 * KIB, 64 * KIB, len(data) + 1]
    fallback = "couldn't use block writes, falling back to single memory accesses" in console.log()
    assert fallback == (work_area == "register-level")
    assert (core.read_reg("r0"), core.read_reg("pc")) == (0x1234, pc)   # the routine's registers are restored
    assert driver.mem.read_u32(CR) & CR_LOCK
    print(f"\nstm32f2x {work_area} write: {len(data) / 1024 / seconds:.1f} KiB/s (in-process sim)")


def test_writing_over_programmed_cells_only_clears_bits_and_a_stray_write_is_a_sequence_error(sessions):
    console = sessions()
    driver = flash_driver(console.session, "0")
    driver.write(0x8000, b"\x0f\xf0" * 8)
    driver.write(0x8000, b"\xff\x00" * 8)         # the F4 has no "not erased" check: cells only go 1 -> 0
    assert read(driver, FLASH + 0x8000, 16) == b"\x0f\x00" * 8
    driver.unlock()
    console.run("mwh 0x08008010 0x1234")           # PG not set: RM0368 PGSERR, the cell keeps its value
    assert driver.mem.read_u32(SR) & SR_PGSERR and read(driver, FLASH + 0x8010, 4) == b"\xff" * 4
    with pytest.raises(FlashError, match=r"programming sequence error \(PGSERR\)"):
        driver.wait_idle(1.0, "check")
    driver.lock()
    console.run("mwh 0x08008010 0x1234")
    driver.write(0x8010, b"\x34\x12")              # a leftover error flag does not break the next write
    assert read(driver, FLASH + 0x8010, 4) == b"\x34\x12\xff\xff"


# -- protection and option bytes ------------------------------------------------------------------------------
@pytest.mark.parametrize("work_area", ["routine", "register-level"])
def test_write_protected_sector_fails_with_wrperr_naming_the_address(sessions, work_area):
    config = [] if work_area == "routine" else ["stm32f4x.cpu configure -work-area-size 0"]
    console = sessions(*config, options_model=True)
    driver = flash_driver(console.session, "0")
    driver.protect(True, 1, 1)
    driver.protect_check()
    assert [s.protected for s in driver.sectors] == [False, True, False, False, False, False]
    with pytest.raises(FlashError, match=r"write at 0x08004000 failed: write protection error \(WRPERR\)"):
        driver.write(0x3FF0, b"\x11" * 0x10 + b"\x22" * 0x10)    # the last 16 bytes of sector 0 do take
    assert read(driver, FLASH + 0x3FF0, 0x20) == b"\x11" * 0x10 + b"\xff" * 0x10
    with pytest.raises(FlashError, match=r"erase of sector 1 at 0x08004000 failed: write protection error"):
        driver.erase(1, 1)
    driver.protect(False, 1, 1)
    driver.write(0x4000, b"\x22" * 0x10)
    assert read(driver, FLASH + 0x4000, 0x10) == b"\x22" * 0x10


def test_option_commands_read_write_lock_and_unlock(sessions):
    console = sessions(options_model=True)
    assert console.run("stm32f2x options_read 0") == "stm32f2x user_options 0xEC\n"   # as OpenOCD 0.12 prints it
    with pytest.raises(OcdError, match="stm32f2x invalid user_options"):
        console.run("stm32f2x options_write 0 0x1")
    assert console.run("stm32f2x options_write 0 0xE0") == (
        "stm32f2x write options complete.\n"
        "INFO: a reset or power cycle is required for the new settings to take effect.\n")
    assert console.run("stm32f2x options_read 0") == "stm32f2x user_options 0xE0\n"
    console.log()
    assert console.run("stm32f2x lock 0") == "stm32f2x locked\n"
    console.run("stm32f2x options_read 0")
    assert "Info : Device Security Bit Set" in console.log()
    assert console.run("stm32f2x unlock 0") == (
        "stm32f2x unlocked.\nINFO: a reset or power cycle is required for the new settings to take effect.\n")
    console.log()
    console.run("stm32f2x options_read 0")
    assert "Security" not in console.log()
    with pytest.raises(OcdError, match="Usage: stm32f2x options_read bank_id"):
        console.run("stm32f2x options_read")


def test_option_commands_on_the_plain_sim_fail_as_openocd_does(sessions):
    """flash_ctrl.py ignores OPTKEYR: OpenOCD 0.12 answers exactly this against the same simulated chip."""
    console = sessions()
    console.log()
    assert console.run("stm32f2x unlock 0") == "stm32f2x failed to unlock device\n"
    assert "Error: options not unlocked STM32_FLASH_OPTCR: 0xfffaaed\n" in console.log()
    assert console.run("stm32f2x lock 0") == "stm32f2x failed to lock device\n"
    assert console.run("stm32f2x options_write 0 0xEC") == "stm32f2x failed to write options\n"


# -- parts that are not simulated -----------------------------------------------------------------------------
class StandInMemory:
    """DBGMCU_IDCODE, the flash size register and FLASH_OPTCR of a part the simulator does not have."""

    def __init__(self, idcode: int, size_kib: int, size_register: int = 0x1FFF7A22, optcr: int = 0x0FFFAAED):
        self.words = {0xE0042000: idcode, 0xE000ED00: 0x410FC241, 0x40023C14: optcr}
        self.size_register, self.size_kib = size_register, size_kib

    def read_u32(self, address: int) -> int:
        return self.words.get(address, 0)

    def read(self, address: int, count: int, width: int) -> bytes:
        assert (address, count) == (self.size_register, 2)
        return self.size_kib.to_bytes(2, "little")


def stand_in(mem: StandInMemory) -> tuple[Stm32f2x, Console]:
    target = type("T", (), {"core": type("C", (), {"mem": mem})()})()
    console = Console()
    driver = Stm32f2x(FlashBank("f", "stm32f2x", 0, 0, 0, 0, target), Log(stream=console.out))
    driver.probe()
    return driver, console


def test_dual_bank_and_f7_layouts():
    driver, console = stand_in(StandInMemory(0x20016419, 2048))            # STM32F429ZI, 2 MiB
    assert "Info : Dual Bank 2048 kiB STM32F42x/43x/469/479 found" in console.log()
    assert [s.size // KIB for s in driver.sectors] == [16] * 4 + [64] + [128] * 7 + [16] * 4 + [64] + [128] * 7
    assert driver.sectors[12].offset == 1024 * KIB and (driver.snb(11), driver.snb(12)) == (11, 0x10)
    assert driver.info() == "STM32F4xx - Rev: 3"
    driver, console = stand_in(StandInMemory(0x20036419, 1024))            # 1 MiB, DB1M clear: one bank
    assert "Single Bank 1024 kiB" in console.log() and len(driver.sectors) == 12 and driver.snb(11) == 11
    assert driver.info() == "STM32F4xx - Rev: unknown (0x2003)"
    driver, _ = stand_in(StandInMemory(0x10016449, 1024, 0x1FF0F442))       # STM32F746: 32/128/256 KiB
    assert [s.size // KIB for s in driver.sectors] == [32] * 4 + [128] + [256] * 3
    assert driver.info() == "STM32F7[4|5]x - Rev: Z"
    driver, _ = stand_in(StandInMemory(0x10006463, 1536))                  # F413: sectors 14+15 share nWRP14
    assert len(driver.sectors) == 16 and [b.size // KIB for b in driver.protection_blocks][-1] == 256
    assert sector_layout(96, 128) == [16 * KIB] * 4 + [32 * KIB]           # a clipped last sector
    driver, console = stand_in(StandInMemory(0x10006411, 1024))            # F4 rev A reading as an F2
    assert "stm32f4x errata detected - fixing incorrect MCU_IDCODE" in console.log()
    assert driver.info() == "STM32F4xx - Rev: A"


def test_the_write_loop_is_the_assembled_source(tmp_path):
    source = Path(__file__).resolve().parents[2] / "ocdpy" / "flash" / "drivers" / "stm32f2x_write.S"
    assert WRITE_LOOP[-2:] == b"\x70\x47"   # bx lr: Routine returns through lr to its BKPT
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed: the bytes cannot be rebuilt from stm32f2x_write.S")
    obj, binary = tmp_path / "w.o", tmp_path / "w.bin"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m3", "-mthumb", "-nostdlib", "-c", str(source), "-o", str(obj)],
                   check=True)
    subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", str(obj), str(binary)], check=True)
    assert binary.read_bytes() == WRITE_LOOP
