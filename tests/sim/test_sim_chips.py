"""The chip models (IDs, memory map, GPIO layouts, LEDs), flash as the CPU and the debugger see it, and Board."""
from __future__ import annotations

import struct

import pytest

from simprog import DATA, FLASH, make_board, word
from thumbasm import LR


pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from ocdpy.sim.board import Board, _read_elf32_segments  # noqa: E402
from ocdpy.sim.bus import BusFault  # noqa: E402
from ocdpy.sim.chips import chip_names, get_spec  # noqa: E402


@pytest.mark.parametrize("chip,cpuid,idcode_addr,idcode,size_addr,size_kib,uid_addr", [
    ("stm32f072rb", 0x410CC200, 0x40015800, 0x10006448, 0x1FFFF7CC, 128, 0x1FFFF7AC),
    ("stm32f103c8", 0x411FC231, 0xE0042000, 0x20036410, 0x1FFFF7E0, 64, 0x1FFFF7E8),
    ("stm32f401cc", 0x410FC241, 0xE0042000, 0x10006423, 0x1FFF7A22, 256, 0x1FFF7A10),
])
def test_identity_registers(chip, cpuid, idcode_addr, idcode, size_addr, size_kib, uid_addr):
    board = Board(chip)
    core = board.core
    assert core.read32(0xE000ED00) == cpuid
    assert core.read32(idcode_addr) & 0xFFFF0FFF == idcode & 0xFFFF0FFF
    assert core.read32(idcode_addr) & 0xFFF == idcode & 0xFFF
    assert int.from_bytes(core.read(size_addr, 2), "little") == size_kib
    assert len(board.flash) == size_kib * 1024 == get_spec(chip).flash_size
    assert core.read(uid_addr, 12) == get_spec(chip).uid
    assert core.read(0, 16) == core.read(FLASH, 16)        # boot alias


def test_chip_catalogue_and_aliases():
    assert chip_names() == ["stm32f072rb", "stm32f103c8", "stm32f401cc"]
    assert get_spec("STM32F103").name == "stm32f103c8"
    with pytest.raises(KeyError):
        get_spec("stm32h743")


def test_sector_maps_and_option_bytes():
    assert get_spec("stm32f401cc").flash_sectors == (16384,) * 4 + (65536, 131072)
    assert set(get_spec("stm32f072rb").flash_sectors) == {2048}
    assert set(get_spec("stm32f103c8").flash_sectors) == {1024}
    board = Board("stm32f103c8")
    assert board.core.read(0x1FFFF800, 2) == b"\xa5\x5a"          # RDP: unprotected


def test_unmapped_debugger_access_is_a_bus_fault():
    board = Board("stm32f072rb")
    with pytest.raises(BusFault):
        board.core.read(0x60000000, 4)
    with pytest.raises(BusFault):
        board.core.debug_bus.write(0x20004000, 4, 0)               # just past the F072's 16 KiB of SRAM
    board.core.write32(0x40013800, 0x1234)                          # an unmodelled peripheral (USART1): storage
    assert board.core.read32(0x40013800) == 0x1234
    assert 0x40013800 in board.chip.unmodelled_accesses()


def test_blue_pill_led_on_pc13_is_active_low():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x40021018)          # RCC_APB2ENR
        a.movs(1, 1 << 4)                   # IOPCEN
        a.str(1, 0)
        a.ldr_const(0, 0x40011004)          # GPIOC_CRH
        a.ldr_const(1, 0x44244444)          # PC13: output 2 MHz push-pull
        a.str(1, 0)
        a.ldr_const(0, 0x40011014)          # GPIOC_BRR
        a.ldr_const(1, 1 << 13)
        a.str(1, 0)                         # PC13 low: LED on
        a.label("spin")
        a.b("spin")

    board, _ = make_board("stm32f103c8", body)
    assert board.led.pin == "PC13" and not board.led.is_on
    board.run(cycles=100)
    assert board.gpio["PC13"] == 0 and board.led.is_on
    assert board.core.read32(0x40011008) & (1 << 13) == 0          # IDR reads the pin
    board.gpio.drive("PC14", 1)                                    # an input driven from outside
    assert board.core.read32(0x40011008) & (1 << 14)


def test_f4_gpio_layout_and_led():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x40023830)          # RCC_AHB1ENR
        a.movs(1, 1)
        a.str(1, 0)
        a.ldr_const(0, 0x40020000)          # GPIOA_MODER
        a.ldr_const(1, 0xA8000400)
        a.str(1, 0)
        a.ldr_const(0, 0x40020018)          # GPIOA_BSRR
        a.movs(1, 0x20)
        a.str(1, 0)
        a.label("spin")
        a.b("spin")

    board, _ = make_board("stm32f401cc", body)
    board.run(cycles=100)
    assert board.led.is_on and board.core.read32(0x40020014) == 0x20
    assert board.gpio["PA13"] == 1                                 # SWDIO pulled up at reset


def test_bit_band_alias_on_m3():
    board = Board("stm32f103c8")
    core = board.core
    core.write32(0x22000000 + (0x100 * 32) + 3 * 4, 1)             # bit 3 of SRAM byte 0x100
    assert core.read32(0x20000100) == 0x8
    assert core.read32(0x22000000 + (0x100 * 32) + 3 * 4) == 1


# -- flash ---------------------------------------------------------------------------------------------------
FLASH_KEYR, FLASH_SR, FLASH_CR = 0x40022004, 0x4002200C, 0x40022010
TARGET = FLASH + 0x1000


def _cpu_store_to_flash(a):
    a.label("reset")
    a.ldr_const(0, TARGET)
    a.ldr_const(1, 0x12345678)
    a.str(1, 0)
    a.movs(7, 1)                            # reached: a plain store into flash does not fault
    a.label("spin")
    a.b("spin")


@pytest.mark.parametrize("controller", [True, False])
def test_plain_cpu_and_debugger_writes_do_not_change_flash(controller):
    board, asm = make_board("stm32f103c8", _cpu_store_to_flash, flash_controller=controller)
    board.run(cycles=50)
    assert board.core.read_reg(7) == 1 and board.core.current_exception() == 0
    assert board.flash.read(TARGET, 4) == b"\xff" * 4
    board.core.write(TARGET, b"\x00\x11\x22\x33")                  # the debugger, through the same bus
    assert board.core.read(TARGET, 4) == b"\xff" * 4
    board.load(b"\x00\x11\x22\x33", TARGET)                       # the factory backdoor does write
    assert board.core.read(TARGET, 4) == b"\x00\x11\x22\x33"


def test_debugger_programs_flash_through_the_controller():
    board = Board("stm32f103c8")
    core = board.core
    core.write32(FLASH_KEYR, 0x45670123)
    core.write32(FLASH_KEYR, 0xCDEF89AB)
    core.write32(FLASH_CR, 1)                                      # PG
    core.write(TARGET, b"\x34\x12\x78\x56")                        # two half-word accesses
    assert board.flash.read(TARGET, 4) == b"\x34\x12\x78\x56"
    assert core.read32(FLASH_SR) & 0x20                            # EOP
    core.write32(FLASH_CR, 1 << 7)                                 # LOCK
    core.write(TARGET + 4, b"\x00\x00")
    assert board.flash.read(TARGET + 4, 2) == b"\xff\xff"
    core.reset()
    assert core.read32(FLASH_CR) & (1 << 7)                        # locked again after reset


def test_cpu_programs_its_own_flash_and_runs_the_new_code():
    """Programming a half-word of a function the CPU already ran: the cached translation must go."""
    def body(a):
        a.label("reset")
        a.bl("func")
        a.ldr_const(2, DATA)
        a.str(0, 2, 0)                      # 0xFF from the original code
        a.ldr_const(0, FLASH_KEYR)
        a.ldr_const(1, 0x45670123)
        a.str(1, 0)
        a.ldr_const(1, 0xCDEF89AB)
        a.str(1, 0)
        a.ldr_const(0, FLASH_CR)
        a.movs(1, 1)
        a.str(1, 0)                         # PG
        a.ldr_label(3, "patch_address")
        a.movs(1, 0)
        a.strh(1, 3)                        # program 0x0000 over `movs r0, #0xff`: now `movs r0, r0`
        a.bl("func")
        a.ldr_const(2, DATA)
        a.str(0, 2, 4)                      # 7: the patched code ran
        a.label("spin")
        a.b("spin")
        a.label("func")
        a.movs(0, 7)
        a.label("patched")
        a.movs(0, 0xFF)
        a.bx(LR)
        a.align(4)
        a.label("patch_address")
        a.word("patched")

    board, _ = make_board("stm32f103c8", body)
    board.run(cycles=200)
    assert word(board, DATA) == 0xFF
    assert word(board, DATA + 4) == 7


def test_debugger_ram_write_replaces_cached_code():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x20000201)
        a.blx(0)
        a.label("spin")
        a.b("spin")

    board, asm = make_board("stm32f072rb", body)
    core = board.core
    core.write(0x20000200, struct.pack("<HH", 0x2005, 0x4770))     # movs r0,#5 ; bx lr
    board.run(cycles=20)
    assert core.read_reg(0) == 5
    core.halt()
    core.write(0x20000200, struct.pack("<H", 0x2009))               # movs r0,#9
    core.write_reg(15, asm.labels["reset"])
    core.resume()
    board.run(cycles=20)
    assert core.read_reg(0) == 9


# -- images ---------------------------------------------------------------------------------------------------
def _elf32(segments: list[tuple[int, int, bytes, int]]) -> bytes:
    """A minimal little-endian ARM ELF32 executable: (vaddr, paddr, bytes, memsz) per PT_LOAD."""
    header_size, ph_size = 52, 32
    offset = header_size + ph_size * len(segments)
    phdrs, blobs = b"", b""
    for vaddr, paddr, data, memsz in segments:
        phdrs += struct.pack("<8I", 1, offset + len(blobs), vaddr, paddr, len(data), memsz, 5, 4)
        blobs += data
    ident = b"\x7fELF\x01\x01\x01" + b"\x00" * 9
    header = ident + struct.pack("<HHIIIIIHHHHHH", 2, 40, 1, 0x08000000, header_size, 0, 0x05000200,
                                 header_size, ph_size, len(segments), 40, 0, 0)
    return header + phdrs + blobs


def test_elf_segments_load_at_their_physical_address(tmp_path):
    code = bytes(range(64))
    init = b"\xaa\xbb\xcc\xdd"
    image = _elf32([(0x08000000, 0x08000000, code, len(code)),
                    (0x20000000, 0x08000040, init, 8),           # .data: runs in RAM, stored in flash
                    (0x20000100, 0x20000100, b"", 0x100)])       # .bss: nothing to load
    path = tmp_path / "image.elf"
    path.write_bytes(image)
    assert list(_read_elf32_segments(image)) == [(0x08000000, code), (0x08000040, init)]
    board = Board("stm32f072rb")
    assert board.load(path) == [(0x08000000, 64), (0x08000040, 4)]
    assert board.flash[0:64] == code and board.flash[0x40:0x44] == init
    assert board.core.read(0x20000000, 4) == b"\x00" * 4


def test_raw_binary_loads_at_the_flash_base(tmp_path):
    path = tmp_path / "image.bin"
    path.write_bytes(b"\x01\x02\x03\x04")
    board = Board("stm32f401cc")
    assert board.load(path) == [(0x08000000, 4)]
    assert bytes(board.flash)[:4] == b"\x01\x02\x03\x04"


def test_cpu_store_into_system_memory_is_dropped():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x1FFFF7E8)          # the unique ID
        a.movs(1, 0)
        a.str(1, 0)
        a.ldr(2, 0)
        a.label("spin")
        a.b("spin")

    board, _ = make_board("stm32f103c8", body)
    board.run(cycles=20)
    uid = get_spec("stm32f103c8").uid
    assert board.core.read(0x1FFFF7E8, 12) == uid
    assert board.core.read_reg(2) == int.from_bytes(uid[:4], "little")
