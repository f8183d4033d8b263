"""The flash command set on the simulated STM32F103, output in OpenOCD 0.12's words (measured against real
OpenOCD on the same simulated chip; timings vary, so they are matched as numbers)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("unicorn")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from console import Console  # noqa: E402

from ocdpy.errors import OcdError  # noqa: E402

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt" / "stm32f103c8"
T = r"\d+\.\d{6}s"
R = r"\(\d+\.\d{3} KiB/s\)"


@pytest.fixture
def console():
    c = Console()
    for line in ("source [find interface/sim.cfg]", f"sim load {PREBUILT / 'blinky_busy.elf'}",
                 "source [find target/stm32f1x.cfg]", "init", "reset halt"):
        c.run(line)
    yield c
    c.close()


def test_probe_info_and_banks(console):
    assert console.run("flash probe 0") == "flash 'stm32f1x' found at 0x08000000\n"
    info = console.run("flash info 0").splitlines()
    assert info[0] == "#0 : stm32f1x at 0x08000000, size 0x00010000, buswidth 0, chipwidth 0"
    assert info[1] == "\t#  0: 0x00000000 (0x1000 4kB) not protected"
    assert info[16] == "\t# 15: 0x0000f000 (0x1000 4kB) not protected"
    assert info[17] == "STM32F10x (Medium Density) - Rev: Y"
    assert console.run("flash banks") == ("#0 : stm32f1x.flash (stm32f1x) at 0x08000000, size 0x00010000, "
                                          "buswidth 0, chipwidth 0\n")


def test_erase_check_write_read_verify_bank(console, tmp_path):
    assert re.fullmatch(rf"erased sectors 1 through 2 on flash bank 0 in {T}\n", console.run("flash erase_sector 0 1 2"))
    check = console.run("flash erase_check 0")
    assert check.startswith("successfully checked erase state\n\t#  0: 0x00000000 (0x400 1kB) not erased")
    assert "#  1:" not in check and "#  2:" not in check
    data = bytes(range(256)) * 4
    source = tmp_path / "page.bin"
    source.write_bytes(data)
    assert re.fullmatch(rf"wrote 1024 bytes from file {source} to flash bank 0 at offset 0x00000400 in {T} {R}\n",
                        console.run(f"flash write_bank 0 {source} 0x400"))
    assert console.run(f"flash verify_bank 0 {source} 0x400").endswith("\ncontents match\n")
    back = tmp_path / "back.bin"
    assert re.fullmatch(rf"wrote 1024 bytes to file {back} from flash bank 0 at offset 0x00000400 in {T} {R}\n",
                        console.run(f"flash read_bank 0 {back} 0x400 1024"))
    assert back.read_bytes() == data
    with pytest.raises(OcdError, match="contents differ"):
        console.run(f"flash verify_bank 0 {source} 0x800")
    assert "diff 0 address 0x08000800. Was 0xff instead of 0x00" in console.log()


def test_fill_erase_address_padded_value_dump(console, tmp_path):
    console.run("flash erase_address 0x08001000 0x400")
    assert re.fullmatch(rf"wrote 8 bytes to 0x08001000 in {T} {R}\n", console.run("flash fillw 0x08001000 0x12345678 2"))
    assert console.run("mdw 0x08001000 2") == "0x08001000: 12345678 12345678 \n"
    with pytest.raises(OcdError, match="not on sector boundaries"):
        console.run("flash erase_address 0x08001001 0x10")
    assert re.fullmatch(rf"erased address 0x08001001 \(length 16\) in {T} {R}\n",
                        console.run("flash erase_address pad 0x08001001 0x10"))
    log = console.log()
    assert "Warn : Adding extra erase range, 0x08001000 .. 0x08001000" in log
    assert "Warn : Adding extra erase range, 0x08001011 .. 0x080013ff" in log
    assert console.run("flash padded_value 0 0xff") == "Default padded value set to 0xff for flash bank 0\n"
    dump = tmp_path / "dump.bin"
    assert re.fullmatch(rf"dumped 64 bytes in {T} {R}\n", console.run(f"dump_image {dump} 0x08000000 64"))
    assert dump.read_bytes() == (PREBUILT / "blinky_busy.bin").read_bytes()[:64]


def test_load_and_verify_images(console):
    image = PREBUILT / "blinky_busy.bin"
    loaded = console.run(f"load_image {image} 0x20001000 bin")
    assert re.fullmatch(rf"420 bytes written at address 0x20001000\ndownloaded 420 bytes in {T} {R}\n", loaded)
    assert re.fullmatch(rf"verified 420 bytes in {T} {R}\n", console.run(f"verify_image {image} 0x20001000 bin"))
    assert re.fullmatch(rf"verified 420 bytes in {T} {R}\n", console.run(f"verify_image {PREBUILT / 'blinky_busy.elf'}"))
    assert re.fullmatch(rf"verified 420 bytes in {T} {R}\n", console.run(f"verify_image_checksum {image} 0x08000000"))
