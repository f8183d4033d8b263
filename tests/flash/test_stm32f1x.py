"""The stm32f1x flash driver and its `stm32f1x ...` commands on the simulated STM32F103C8 and STM32F072RB,
through the whole stack (in-process session: sim probe, SWD, MEM-AP, Cortex-M, flash loop in the work area)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from console import Console

from ocdpy.commands.flash_banks import flash_driver
from ocdpy.errors import OcdError
from ocdpy.flash.driver import FlashError
from ocdpy.sim.flash_ctrl import F1FlashController

PREBUILT = ROOT / "examples" / "prebuilt"
CHIPS = {"stm32f103c8": "stm32f1x", "stm32f072rb": "stm32f0x"}
PAGE = {"stm32f103c8": 1024, "stm32f072rb": 2048}
PATTERN = bytes((i * 7 + 3) & 0xFF for i in range(8192))

# `stm32f1x options_read 0` of OpenOCD 0.12 against `ocdpy-sim --chip stm32f103c8` over remote_bitbang
OPENOCD_F103_OPTIONS = """option byte register = 0x3fffffc
write protection register = 0xffffffff
read protection: off
watchdog: software
stop mode: no reset generated upon entry
standby mode: no reset generated upon entry
user data = 0xffff"""


def start(chip: str, *config: str) -> Console:
    console = Console()
    console.run("source [find interface/sim.cfg]")
    console.run(f"sim load {PREBUILT / chip / 'blinky_busy.elf'}")
    for line in config:
        console.run(line)
    console.run(f"source [find target/{CHIPS[chip]}.cfg]")
    console.run("init")
    console.run("halt")
    console.log()
    return console


@pytest.fixture(scope="module", params=list(CHIPS))
def board(request):
    console = start(request.param)
    console.chip = request.param
    yield console
    console.close()


def driver(console):
    return flash_driver(console.session, "0")


def chip_of(console):
    return console.session.probe.board.chip


def backdoor(console, address: int, data: bytes) -> None:
    with console.session.probe.running.lock:
        chip_of(console).flash.load(address, data)


def read(console, address: int, length: int) -> bytes:
    return driver(console).mem.read(address, length, 4)


def set_work_area(console, size: int) -> None:
    console.session.current_target.work_area_size = size


# -- probe ---------------------------------------------------------------------------------------------------
def test_probe_reads_ids_sizes_and_pages(board):
    d = driver(board)
    d.probe()
    log = board.log()
    if board.chip == "stm32f103c8":
        assert "Info : device id = 0x20036410\nInfo : flash size = 64 KiB" in log
        assert d.info() == "STM32F10x (Medium Density) - Rev: Y"
        assert len(d.protection_blocks) == 16 and d.protection_blocks[1].offset == 0x1000   # 4 pages per WRPR bit
    else:
        assert "Info : device id = 0x10006448\nInfo : flash size = 128 KiB" in log
        assert d.info() == "STM32F07x - Rev: 1.0"
        assert len(d.protection_blocks) == 16 and d.protection_blocks[1].size == 0x2000
    assert {s.size for s in d.sectors} == {PAGE[board.chip]}
    assert d.size == (64 if board.chip == "stm32f103c8" else 128) * 1024
    assert d.sectors[5].offset == 5 * PAGE[board.chip]


def test_configured_size_overrides_the_size_register():
    console = start("stm32f103c8", "set FLASH_SIZE 0x8000")
    try:
        d = driver(console)
        assert "ignoring flash probed value, using configured bank size" in console.log()
        assert len(d.sectors) == 32 and d.size == 0x8000 and len(d.protection_blocks) == 8
    finally:
        console.close()


# -- erase ---------------------------------------------------------------------------------------------------
def test_erase_one_page_leaves_its_neighbours(board):
    d, page = driver(board), PAGE[board.chip]
    base = d.base + 4 * page
    backdoor(board, base, PATTERN[:3 * page])
    calls = []
    d.erase(5, 5, lambda *a: calls.append(a))
    assert read(board, base + page, page) == b"\xff" * page
    assert read(board, base, page) == PATTERN[:page]
    assert read(board, base + 2 * page, page) == PATTERN[2 * page:3 * page]
    assert calls == [("erase", page, page)]


# -- write ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("work_area", [0x1000, 0], ids=["routine", "register-level"])
def test_write_programs_erased_pages(board, work_area):
    d, page = driver(board), PAGE[board.chip]
    set_work_area(board, work_area)
    try:
        d.erase(8, 8 + 8192 // page)
        pc = d.target.core.read_reg("pc")
        calls = []
        d.write(8 * page + 2, PATTERN[:6001], lambda *a: calls.append(a))    # odd length: padded with 0xFF
        assert read(board, d.base + 8 * page, 6008) == b"\xff\xff" + PATTERN[:6001] + b"\xff" * 5
        assert calls[-1] == ("write", 6002, 6002) and len(calls) >= 2
        assert d.target.core.read_reg("pc") == pc                               # the loop's registers put back
        warned = "couldn't use block writes, falling back to single memory accesses" in board.log()
        assert warned == (work_area == 0)
    finally:
        set_work_area(board, 0x1000)


@pytest.mark.parametrize("work_area", [0x1000, 0], ids=["routine", "register-level"])
def test_writing_cells_that_are_not_erased_names_the_address(board, work_area):
    d, page = driver(board), PAGE[board.chip]
    set_work_area(board, work_area)
    try:
        d.erase(20, 20)
        backdoor(board, d.base + 20 * page + 0x10, b"\x00\x11")
        with pytest.raises(FlashError, match=rf"at address 0x{d.base + 20 * page + 0x10:08x}: PGERR \(flash not erased\)"):
            d.write(20 * page, PATTERN[:64])
        assert read(board, d.base + 20 * page, 16) == PATTERN[:16]     # what came before was programmed
        d.erase(20, 20)
        d.write(20 * page, PATTERN[:64])                               # the error flags were cleared
        assert read(board, d.base + 20 * page, 64) == PATTERN[:64]
    finally:
        set_work_area(board, 0x1000)


class WriteProtectingFpec(F1FlashController):
    """The simulated FPEC with WRPR as the option bytes would load it, refusing to program or erase a protected
    group with WRPRTERR (RM0008 §3.3.3-3.3.4); the simulator's own controller never protects."""

    def __init__(self, flash, now, wrpr: int, group: int) -> None:
        super().__init__(flash, now)
        self.wrpr, self.group = wrpr, group

    def _protected(self, address: int) -> bool:
        return not self.wrpr >> min((address - self.flash.base) // self.group, 31) & 1

    def program(self, address, size, value):
        if not self.locked and self.cr_bits & self.PG and not self.busy and self._protected(address):
            self.sr |= self.WRPRTERR
            return
        super().program(address, size, value)

    def _erase(self):
        if self.cr_bits & self.PER and not self.cr_bits & self.MER and self._protected(self.ar):
            self.sr |= self.WRPRTERR
            return
        super()._erase()


@pytest.mark.parametrize("work_area", [0x1000, 0], ids=["routine", "register-level"])
def test_write_protected_group_gives_wrprterr(board, work_area):
    d, page = driver(board), PAGE[board.chip]
    group = 4 * page
    chip = chip_of(board)
    with board.session.probe.running.lock:
        chip.attach_flash_controller(lambda: WriteProtectingFpec(chip.flash, lambda: chip.core.now, ~2 & 0xFFFFFFFF,
                                                                 group))
    set_work_area(board, work_area)
    try:
        d.protect_check()
        assert [b.protected for b in d.protection_blocks[:3]] == [False, True, False]
        assert d.sectors[4].protected and not d.sectors[3].protected
        assert "write protection register = 0xfffffffd" in board.run("stm32f1x options_read 0")
        with pytest.raises(FlashError, match=rf"page erase failed at address 0x{d.base + group:08x}: WRPRTERR "
                                             r"\(write protected\)"):
            d.erase(4, 4)
        d.erase(3, 3)
        with pytest.raises(FlashError, match=rf"at address 0x{d.base + group:08x}: WRPRTERR \(write protected\)"):
            d.write(3 * page, PATTERN[:page + 64])
        assert read(board, d.base + 3 * page, page) == PATTERN[:page]
    finally:
        set_work_area(board, 0x1000)
        with board.session.probe.running.lock:
            chip.attach_flash_controller(chip._default_flash_controller)
        d.protect_check()


# -- unlock, mass erase, commands ----------------------------------------------------------------------------
def test_a_wrong_key_locks_until_reset(board):
    d = driver(board)
    board.run("mww 0x40022004 0x12345678")
    with pytest.raises(FlashError, match="stays locked after the unlock key sequence"):
        d.erase(30, 30)
    board.run("reset halt")
    board.log()
    d.erase(30, 30)
    assert read(board, d.base + 30 * PAGE[board.chip], 16) == b"\xff" * 16


def test_mass_erase_command(board):
    d = driver(board)
    backdoor(board, d.base + d.size - 16, PATTERN[:16])
    assert read(board, d.base, 4) != b"\xff" * 4        # the blinky image
    assert board.run("stm32f1x mass_erase 0") == "stm32x mass erase complete"
    assert read(board, d.base, 64) == b"\xff" * 64
    assert read(board, d.base + d.size - 16, 16) == b"\xff" * 16


def test_options_read_and_write_text(board):
    text = board.run("stm32f1x options_read 0")
    if board.chip == "stm32f103c8":
        assert text == OPENOCD_F103_OPTIONS
        hint = ""
    else:
        assert text.splitlines()[:3] == ["option byte register = 0x3fffffc", "write protection register = 0xffffffff",
                                         "read protection: off"]
        assert text.endswith("user data = 0x3ff")
        hint = "'stm32f1x options_load' command or "
    assert board.run("stm32f1x options_write 0 HWWDG USEROPT 0x1234") == (
        f"stm32x write options complete.\nINFO: {hint}power cycle is required for the new settings to take effect.")
    assert board.run("stm32f1x unlock 0") == ("stm32x unlocked.\nINFO: a reset or power cycle is required for the "
                                              "new settings to take effect.")
    with pytest.raises(OcdError, match=r"Usage: stm32f1x options_write bank_id \('SWWDG'\|'HWWDG'\)"):
        board.run("stm32f1x options_write 0 FOO")
    with pytest.raises(OcdError, match="not found"):
        board.run("stm32f1x options_read 7")


def test_commands_need_a_halted_target(board):
    board.run("resume")
    try:
        with pytest.raises(OcdError, match="Target not halted"):
            board.run("stm32f1x mass_erase 0")
    finally:
        board.run("halt")
        board.log()


def test_write_speed_figures(board, capsys):
    """KiB/s with the flash loop and register-level (printed for the record; only the data is asserted)."""
    d, page = driver(board), PAGE[board.chip]
    figures = {}
    for name, area in (("routine", 0x1000), ("register-level", 0)):
        set_work_area(board, area)
        d.erase(32, 32 + 16384 // page - 1)
        t = time.perf_counter()
        d.write(32 * page, PATTERN * 2)
        figures[name] = 16 / (time.perf_counter() - t)
        assert read(board, d.base + 32 * page, 16384) == PATTERN * 2
    set_work_area(board, 0x1000)
    board.log()
    with capsys.disabled():
        print(f"\n{board.chip}: " + ", ".join(f"{k} {v:.1f} KiB/s" for k, v in figures.items()))
