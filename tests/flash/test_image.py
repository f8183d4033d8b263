"""Image loading: the prebuilt example firmware in every format, OpenOCD's detection and offset rules,
and the errors a user gets for a file that must not reach the flash."""
from __future__ import annotations

import platform
import shutil
import struct
import subprocess
from pathlib import Path

import bincopy
import pytest

from ocdpy.flash.image import ImageError, Segment, arch_hint, detect_kind, load_image, runs_on

PREBUILT = Path(__file__).resolve().parents[2] / "examples" / "prebuilt"
FLASH = 0x08000000
# chip -> (.data LMA from examples/README.md, g_busy_delay_iterations, architecture)
BLINKY = {"stm32f072rb": (0x08000180, 100000, "ARMv6-M"),
          "stm32f103c8": (0x080001a0, 100000, "ARMv7-M"),
          "stm32f401cc": (0x0800024c, 200000, "ARMv7E-M")}
F103 = PREBUILT / "stm32f103c8"


def blinky(chip: str, ext: str) -> str:
    return str(PREBUILT / chip / f"blinky_busy.{ext}")


def byte_map(segments: list[Segment]) -> dict[int, bytes]:
    return {s.address: s.data for s in segments}


def elf32_header(little: bool, elfclass: int, machine: int) -> bytes:
    """A bare ELF header (no program headers) with the given byte order, class and e_machine."""
    ident = b"\x7fELF" + bytes([elfclass, 1 if little else 2, 1]) + bytes(9)
    order = "<" if little else ">"
    return ident + struct.pack(order + "HHIIIIIHHHHHH", 2, machine, 1, 0, 0, 0, 0, 52, 32, 0, 40, 0, 0)


@pytest.mark.parametrize("chip", sorted(BLINKY))
def test_every_kind_gives_the_same_bytes_at_the_same_addresses(chip):
    elf = load_image(blinky(chip, "elf"))
    hex_ = load_image(blinky(chip, "hex"))
    bin_ = load_image(blinky(chip, "bin"), offset=FLASH)
    assert (elf.kind, hex_.kind, bin_.kind) == ("elf", "ihex", "bin")
    assert byte_map(elf.segments) == byte_map(hex_.segments) == byte_map(bin_.segments)
    assert elf.segments[0].address == FLASH
    assert elf.entry == hex_.entry and elf.entry & 1
    assert bin_.entry is None


@pytest.mark.parametrize("chip", sorted(BLINKY))
def test_data_initialisers_are_at_their_flash_lma_and_bss_is_not_loaded(chip):
    lma, iterations, _ = BLINKY[chip]
    image = load_image(blinky(chip, "elf"))
    assert image.symbols["g_busy_delay_iterations"] == 0x20000000    # runs in RAM ...
    [flash] = image.segments                                          # ... but is stored in flash
    assert flash.data[lma - FLASH:] == iterations.to_bytes(4, "little")
    assert flash.end == lma + 4                                       # no .bss zeros after it
    assert image.size == lma + 4 - FLASH


def test_s_records_load_like_the_elf(tmp_path):
    elf = load_image(blinky("stm32f103c8", "elf"))
    records = bincopy.BinFile(blinky("stm32f103c8", "hex"))
    path = tmp_path / "blinky.s19"
    path.write_text(records.as_srec())
    srec = load_image(str(path))
    assert srec.kind == "s19"
    assert byte_map(srec.segments) == byte_map(elf.segments)
    assert srec.entry == elf.entry


def test_the_kind_comes_from_the_content_not_the_name(tmp_path):
    for src, kind in ((blinky("stm32f103c8", "hex"), "ihex"), (blinky("stm32f103c8", "elf"), "elf")):
        disguised = tmp_path / f"{kind}.bin"
        shutil.copy(src, disguised)
        assert load_image(str(disguised)).kind == kind
    assert load_image(blinky("stm32f103c8", "hex"), kind="bin").segments[0].data[:1] == b":"


@pytest.mark.parametrize("head, kind", [
    (b"\x7fELF\x01\x01\x01\x00\x00", "elf"),
    (b":020000040800F2", "ihex"),
    (b":10000005FF", "ihex"),
    (b":10000006FF", "bin"),        # record type 06 does not exist
    (b":1000zz00FF", "bin"),
    (b"S00F000068656C6C6F", "s19"),
    (b"S9030000FC", "bin"),         # S9 is not one of OpenOCD's first records
    (b"\x00\x50\x00\x20\xf5\x00\x00\x08\xf1", "bin"),
    (b":0200", "bin"),              # fewer than 9 bytes: OpenOCD calls it binary
])
def test_detection_follows_openocd(head, kind):
    assert detect_kind(head) == kind


def test_offset_is_added_to_every_address():
    plain = load_image(str(F103 / "stray_segment.hex"))
    moved = load_image(str(F103 / "stray_segment.hex"), offset=0x1000)
    assert [s.address for s in plain.segments] == [FLASH, 0x30000000]
    assert [s.address for s in moved.segments] == [FLASH + 0x1000, 0x30001000]
    assert [s.data for s in moved.segments] == [s.data for s in plain.segments]
    assert load_image(blinky("stm32f103c8", "bin"), 0x20000000).segments[0].address == 0x20000000


def test_an_offset_out_of_the_address_space_is_refused():
    with pytest.raises(ImageError, match=r"blinky_busy.hex: offset 0x-9000000 moves the segment at 0x08000000"):
        load_image(blinky("stm32f103c8", "hex"), offset=-0x09000000)


@pytest.mark.parametrize("image, arch, float_abi", [
    ("stm32f072rb/blinky_busy", "ARMv6-M", "soft"),
    ("stm32f072rb/blinky_systick", "ARMv6-M", "soft"),
    ("stm32f103c8/blinky_busy", "ARMv7-M", "soft"),
    ("stm32f401cc/blinky_busy", "ARMv7E-M", "soft"),
    ("stm32f401cc/blinky_busy_hardfp", "ARMv7E-M", "hard"),
    ("stm32f072_m4build", "ARMv7E-M", "soft"),
])
def test_architecture_and_float_abi_of_the_prebuilt_images(image, arch, float_abi):
    loaded = load_image(str(PREBUILT / f"{image}.elf"))
    assert (loaded.arch, loaded.float_abi) == (arch, float_abi)
    assert load_image(str(PREBUILT / f"{image}.hex")).arch is None


def test_which_code_runs_on_which_core():
    assert all(runs_on("ARMv6-M", core) for core in ("Cortex-M0", "Cortex-M3", "Cortex-M4", "Cortex-M33"))
    assert runs_on("ARMv7-M", "Cortex-M3") and runs_on("ARMv7-M", "Cortex-M4")
    assert not runs_on("ARMv7-M", "Cortex-M0") and not runs_on("ARMv7-M", "Cortex-M23")
    assert runs_on("ARMv7E-M", "Cortex-M4") and runs_on("ARMv7E-M", "Cortex-M7")
    assert not runs_on("ARMv7E-M", "Cortex-M3") and not runs_on("ARMv7E-M", "Cortex-M0+")
    assert not runs_on("ARMv8-M.main", "Cortex-M4")
    m4build = load_image(str(PREBUILT / "stm32f072_m4build.elf"))
    assert not runs_on(m4build.arch, "Cortex-M0")
    assert runs_on("ARMv7E-M", "unknown Cortex-M (part 0x123)")


def test_the_hint_names_the_rust_target_and_the_gcc_flags():
    assert arch_hint("ARMv6-M") == "build for thumbv6m-none-eabi (Rust) or -mcpu=cortex-m0 -mthumb (GCC)"
    assert arch_hint("Cortex-M0") == arch_hint("ARMv6-M")
    assert arch_hint("Cortex-M3") == "build for thumbv7m-none-eabi (Rust) or -mcpu=cortex-m3 -mthumb (GCC)"
    assert arch_hint("Cortex-M4") == ("build for thumbv7em-none-eabi (or thumbv7em-none-eabihf) (Rust) "
                                      "or -mcpu=cortex-m4 -mthumb (GCC)")
    assert "-mcpu=cortex-m0plus" in arch_hint("Cortex-M0+")
    assert "ARMv5TE" in arch_hint("ARMv5TE")


def test_the_preflight_images_load_and_show_what_is_wrong():
    too_big = load_image(str(F103 / "too_big.elf"))
    assert too_big.size == 82340 > 64 * 1024
    assert byte_map(too_big.segments) == byte_map(load_image(str(F103 / "too_big.bin"), FLASH).segments)
    vectors = load_image(str(F103 / "bad_vectors.elf"))
    sp, reset = struct.unpack_from("<II", vectors.segments[0].data)
    assert (sp, reset, vectors.entry) == (0x20010000, 0x08000008, 0x08000008)
    stray = load_image(str(F103 / "stray_segment.elf"))
    assert [(s.address, len(s.data)) for s in stray.segments] == [(FLASH, 420), (0x30000000, 16)]
    assert stray.arch == vectors.arch == too_big.arch == "ARMv7-M"


def test_a_missing_file(tmp_path):
    with pytest.raises(ImageError, match=r"couldn't open image file .*nothing.elf: No such file"):
        load_image(str(tmp_path / "nothing.elf"))


def test_an_elf_cut_in_half(tmp_path):
    raw = Path(blinky("stm32f103c8", "elf")).read_bytes()
    half = tmp_path / "half.elf"
    half.write_bytes(raw[:len(raw) // 2])
    with pytest.raises(ImageError, match=r"half.elf: truncated or corrupt ELF file: its section header table"):
        load_image(str(half))
    half.write_bytes(raw[:40])
    with pytest.raises(ImageError, match=r"half.elf: truncated ELF file: 40 bytes"):
        load_image(str(half))


def test_an_elf_with_a_garbled_program_header_table(tmp_path):
    raw = bytearray(Path(blinky("stm32f103c8", "elf")).read_bytes())
    phoff, = struct.unpack_from("<I", raw, 28)
    garbled = tmp_path / "garbled.elf"
    raw[phoff:phoff + 64] = b"\xff" * 64
    garbled.write_bytes(raw)
    with pytest.raises(ImageError, match=r"garbled.elf: invalid ELF file, no loadable segments"):
        load_image(str(garbled))
    struct.pack_into("<I", raw, 28, 0x100000)
    garbled.write_bytes(raw)
    with pytest.raises(ImageError, match=r"garbled.elf: .*program header table \(0x100000, 2 entries\) ends past"):
        load_image(str(garbled))
    raw[phoff:phoff + 64] = Path(blinky("stm32f103c8", "elf")).read_bytes()[phoff:phoff + 64]
    struct.pack_into("<II", raw, 28, phoff, 0)
    struct.pack_into("<I", raw, phoff + 16, 0x100000)   # p_filesz of segment 0 past the end
    garbled.write_bytes(raw)
    with pytest.raises(ImageError, match=r"garbled.elf: truncated ELF file: a segment needs bytes"):
        load_image(str(garbled))


@pytest.mark.skipif(not Path("/bin/true").exists(), reason="no /bin/true on this system")
def test_an_elf_for_another_machine():
    name = {"x86_64": "x86-64", "aarch64": "AArch64"}.get(platform.machine(), "")
    with pytest.raises(ImageError, match=rf"/bin/true: an ELF for {name}.*, not ARM"):
        load_image("/bin/true")


@pytest.mark.parametrize("little, elfclass, message", [
    (False, 1, "a 32-bit big-endian ARM ELF; Cortex-M images are 32-bit little-endian"),
    (True, 2, "a 64-bit little-endian ARM ELF"),
])
def test_an_arm_elf_of_the_wrong_shape(tmp_path, little, elfclass, message):
    path = tmp_path / "odd.elf"
    path.write_bytes(elf32_header(little, elfclass, 40).ljust(64, b"\0"))
    with pytest.raises(ImageError, match=rf"odd.elf: {message}"):
        load_image(str(path))


def hex_lines() -> list[str]:
    return Path(blinky("stm32f103c8", "hex")).read_text().splitlines()


def test_an_intel_hex_record_with_a_bad_checksum(tmp_path):
    lines = hex_lines()
    lines[4] = lines[4][:-2] + ("00" if lines[4][-2:] != "00" else "01")
    path = tmp_path / "bad.hex"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ImageError, match=r"bad.hex: line 5: expected crc"):
        load_image(str(path))


def test_an_intel_hex_with_a_bad_record(tmp_path):
    lines = hex_lines()
    lines.insert(2, ":10zz")
    path = tmp_path / "bad.hex"
    path.write_text("\n".join(lines))
    with pytest.raises(ImageError, match=r"bad.hex: line 3: record ':10zz' too short"):
        load_image(str(path), kind="ihex")


def test_an_intel_hex_cut_short(tmp_path):
    path = tmp_path / "short.hex"
    path.write_text("\n".join(hex_lines()[:10]) + "\n")
    with pytest.raises(ImageError, match=r"short.hex: premature end of Intel HEX file after line 10"):
        load_image(str(path))


def test_an_empty_image(tmp_path):
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(ImageError, match=r"empty.bin: empty image"):
        load_image(str(empty), offset=FLASH)
    only_end = tmp_path / "end.hex"
    only_end.write_text(":00000001FF\n")
    with pytest.raises(ImageError, match=r"end.hex: empty image"):
        load_image(str(only_end), kind="ihex")


@pytest.mark.parametrize("kind, message", [
    ("mem", r"image type 'mem' reads another target's memory: not supported"),
    ("build", r"image type 'build' is OpenOCD's internal image builder: not supported"),
    ("coff", r"Unknown image type: coff, use one of: bin, ihex, elf, mem, s19, build"),
])
def test_kinds_that_are_not_files(kind, message):
    with pytest.raises(ImageError, match=message):
        load_image(blinky("stm32f103c8", "elf"), kind=kind)


LINKER_SCRIPT = """
MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K  RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 20K }
SECTIONS {
    .text : { KEEP(*(.vectors)) *(.text*) } > FLASH
    .empty : { . = .; } > FLASH
    .noinit (NOLOAD) : { KEEP(*(.noinit)) } > RAM
    .keep_out 0x08008000 (NOLOAD) : { KEEP(*(.keep_out)) } > FLASH
}
"""
SOURCE = """
__attribute__((used, section(".vectors"))) const unsigned vectors[2] = { 0x20005000, 0x08000009 };
__attribute__((used, section(".noinit"))) unsigned scratch[64];
__attribute__((used, section(".keep_out"))) const unsigned reserved[256] = { 1, 2, 3 };
"""


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc is not installed")
def test_noload_and_empty_sections_are_not_loaded(tmp_path):
    (tmp_path / "t.ld").write_text(LINKER_SCRIPT)
    (tmp_path / "t.c").write_text(SOURCE)
    out = tmp_path / "t.elf"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m0", "-mthumb", "-nostdlib", "-nostartfiles",
                    "-T", str(tmp_path / "t.ld"), str(tmp_path / "t.c"), "-o", str(out)], check=True)
    image = load_image(str(out))
    assert [(s.address, s.data) for s in image.segments] == [(FLASH, struct.pack("<II", 0x20005000, 0x08000009))]
    assert image.symbols["reserved"] == 0x08008000 and image.symbols["scratch"] >= 0x20000000
    assert image.arch == "ARMv6-M"
