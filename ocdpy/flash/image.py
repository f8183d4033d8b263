"""Firmware images as `flash write_image`, `load_image` and `verify_image` see them.

An ELF, Intel HEX, Motorola S-record or raw binary file becomes an `Image`: sorted, merged
`Segment(address, data)` lists, so the same program gives the same segments whatever its format and
the flash planner never has to know where the bytes came from. The rules are OpenOCD's
(src/target/image.c): the kind is detected from the first bytes, ELF is loaded from its program
headers at the physical address (so `.data` initialisers land in flash), `.bss` is not loaded, and
the offset argument is added to every address. Everything that can be wrong with the file is raised
here as an `ImageError` naming the file, before a flash driver touches the target.
"""
from __future__ import annotations

import io
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import bincopy
from elftools.common.exceptions import ELFError
from elftools.construct import ConstructError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from ..errors import OcdError

KINDS = ("elf", "ihex", "s19", "bin")
# OpenOCD's other image types: a target's memory and the image builder are not files.
UNSUPPORTED_KINDS = {"mem": "reads another target's memory", "build": "is OpenOCD's internal image builder"}

ELF32_HEADER_SIZE = 52
EF_ARM_ABI_FLOAT_SOFT = 0x200
EF_ARM_ABI_FLOAT_HARD = 0x400

# e_machine as pyelftools names it -> what a user calls it
MACHINE_NAMES = {"EM_X86_64": "x86-64", "EM_386": "x86", "EM_AARCH64": "AArch64 (64-bit ARM)",
                 "EM_RISCV": "RISC-V", "EM_XTENSA": "Xtensa", "EM_AVR": "AVR", "EM_MIPS": "MIPS",
                 "EM_PPC": "PowerPC", "EM_MSP430": "MSP430"}

# Tag_CPU_arch values (ARM IHI 0045, Addenda to the ARM ABI) that a Cortex-M can be; v7 needs the
# profile to tell ARMv7-M from ARMv7-A/R.
CPU_ARCH_NAMES = {11: "ARMv6-M", 12: "ARMv6-M", 13: "ARMv7E-M", 16: "ARMv8-M.base",
                  17: "ARMv8-M.main", 21: "ARMv8.1-M.main"}
OTHER_CPU_ARCH = {0: "pre-ARMv4", 1: "ARMv4", 2: "ARMv4T", 3: "ARMv5T", 4: "ARMv5TE", 5: "ARMv5TEJ",
                  6: "ARMv6", 7: "ARMv6KZ", 8: "ARMv6T2", 9: "ARMv6K", 14: "ARMv8-A", 15: "ARMv8-R",
                  18: "ARMv8.1-A", 19: "ARMv8.2-A", 20: "ARMv8.3-A", 22: "ARMv9-A"}
V7_PROFILES = {ord("M"): "ARMv7-M", ord("A"): "ARMv7-A", ord("R"): "ARMv7-R", ord("S"): "ARMv7-A"}

# Which architectures' code each one runs: every M profile is a superset of ARMv6-M's Thumb
# subset; the mainline profiles add ARMv7-M's Thumb-2, and the E (DSP) variants its SIMD.
RUNS = {"ARMv6-M": {"ARMv6-M"},
        "ARMv7-M": {"ARMv6-M", "ARMv7-M"},
        "ARMv7E-M": {"ARMv6-M", "ARMv7-M", "ARMv7E-M"},
        "ARMv8-M.base": {"ARMv6-M", "ARMv8-M.base"},
        "ARMv8-M.main": {"ARMv6-M", "ARMv7-M", "ARMv7E-M", "ARMv8-M.base", "ARMv8-M.main"},
        "ARMv8.1-M.main": {"ARMv6-M", "ARMv7-M", "ARMv7E-M", "ARMv8-M.base", "ARMv8-M.main",
                           "ARMv8.1-M.main"}}
CORE_ARCH = {"Cortex-M0": "ARMv6-M", "Cortex-M0+": "ARMv6-M", "Cortex-M1": "ARMv6-M",
             "Cortex-M3": "ARMv7-M", "Cortex-M4": "ARMv7E-M", "Cortex-M7": "ARMv7E-M",
             "Cortex-M23": "ARMv8-M.base", "Cortex-M33": "ARMv8-M.main", "Cortex-M35P": "ARMv8-M.main",
             "Cortex-M55": "ARMv8.1-M.main", "Cortex-M85": "ARMv8.1-M.main"}
# architecture -> (Rust target(s), the GCC core of that architecture)
BUILD_FOR = {"ARMv6-M": ("thumbv6m-none-eabi", "Cortex-M0"),
             "ARMv7-M": ("thumbv7m-none-eabi", "Cortex-M3"),
             "ARMv7E-M": ("thumbv7em-none-eabi (or thumbv7em-none-eabihf)", "Cortex-M4"),
             "ARMv8-M.base": ("thumbv8m.base-none-eabi", "Cortex-M23"),
             "ARMv8-M.main": ("thumbv8m.main-none-eabi (or thumbv8m.main-none-eabihf)", "Cortex-M33"),
             "ARMv8.1-M.main": ("thumbv8m.main-none-eabihf", "Cortex-M55")}


class ImageError(OcdError):
    """An image file that cannot be flashed as it is; the message names the file and the fault."""


@dataclass(frozen=True)
class Segment:
    address: int
    data: bytes

    @property
    def end(self) -> int:
        """One past the last address."""
        return self.address + len(self.data)


@dataclass
class Image:
    """A loaded image. `entry` is the file's start address (ELF e_entry, HEX type 05, S-record
    S7/S8/S9), not moved by the offset, as in OpenOCD; `arch` and `float_abi` are known for ELF only."""

    path: str
    kind: str
    segments: list[Segment]
    entry: int | None = None
    arch: str | None = None
    float_abi: str | None = None
    _elf: bytes | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return sum(len(s.data) for s in self.segments)

    @cached_property
    def symbols(self) -> dict[str, int]:
        """ELF symbol name -> address (empty for other kinds); parsed on first use, since flashing
        does not need it."""
        if self._elf is None:
            return {}
        elf = ELFFile(io.BytesIO(self._elf))
        table = elf.get_section_by_name(".symtab")
        if not isinstance(table, SymbolTableSection):
            return {}
        return {sym.name: sym["st_value"] for sym in table.iter_symbols() if sym.name}


def detect_kind(head: bytes) -> str:
    """The kind of a file from its first 9 bytes, as OpenOCD's autodetect_image_type: ELF magic;
    ':' + 6 hex digits + record type 00..05 (Intel HEX); 'S' + a digit 0..8 + 2 hex digits
    (S-record); anything else, including a file shorter than 9 bytes, is binary."""
    if len(head) < 9:
        return "bin"
    hexdigits = string.hexdigits.encode()
    if head[:4] == b"\x7fELF":
        return "elf"
    if head[:1] == b":" and all(c in hexdigits for c in head[1:7]) and head[7:8] == b"0" \
            and b"0" <= head[8:9] <= b"5":
        return "ihex"
    if head[:1] == b"S" and b"0" <= head[1:2] <= b"8" and all(c in hexdigits for c in head[2:4]):
        return "s19"
    return "bin"


def load_image(path: str, offset: int = 0, kind: str | None = None) -> Image:
    """Read `path` as `kind` (None: detect it) and add `offset` to every segment address; a binary
    is loaded at `offset`."""
    if kind in UNSUPPORTED_KINDS:
        raise ImageError(f"image type '{kind}' {UNSUPPORTED_KINDS[kind]}: not supported by ocdpy; "
                         f"use one of: {', '.join(KINDS)}")
    if kind is not None and kind not in KINDS:
        raise ImageError(f"Unknown image type: {kind}, use one of: bin, ihex, elf, mem, s19, build")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ImageError(f"couldn't open image file {path}: {e.strerror}") from None
    kind = kind or detect_kind(raw[:9])
    if kind == "elf":
        image = _load_elf(path, raw)
    elif kind == "bin":
        image = Image(path, kind, [Segment(0, raw)] if raw else [])
    else:
        image = _load_records(path, kind, raw)
    if not image.segments:
        raise ImageError(f"{path}: empty image, nothing to load")
    image.segments = _relocate(path, image.segments, offset)
    return image


def _relocate(path: str, segments: list[Segment], offset: int) -> list[Segment]:
    """Add the offset, sort, and merge segments that touch; overlaps are an error (two parts of one
    image claiming the same byte)."""
    merged: list[Segment] = []
    for seg in sorted(segments, key=lambda s: s.address):
        seg = Segment(seg.address + offset, seg.data)
        if seg.address < 0 or seg.end > 1 << 32:
            raise ImageError(f"{path}: offset 0x{offset:x} moves the segment at "
                             f"0x{seg.address - offset:08x} out of the 32-bit address space")
        if merged and seg.address < merged[-1].end:
            raise ImageError(f"{path}: segments overlap at 0x{seg.address:08x}")
        if merged and seg.address == merged[-1].end:
            merged[-1] = Segment(merged[-1].address, merged[-1].data + seg.data)
        else:
            merged.append(seg)
    return merged


def _load_elf(path: str, raw: bytes) -> Image:
    if len(raw) < ELF32_HEADER_SIZE:
        raise ImageError(f"{path}: truncated ELF file: {len(raw)} bytes, less than an ELF header")
    try:
        elf = ELFFile(io.BytesIO(raw))
        header = elf.header
        machine = header["e_machine"]
        if machine != "EM_ARM":
            name = MACHINE_NAMES.get(machine, str(machine).removeprefix("EM_"))
            raise ImageError(f"{path}: an ELF for {name}, not ARM: build it for the target's Cortex-M")
        if elf.elfclass != 32 or not elf.little_endian:
            shape = f"{elf.elfclass}-bit {'little' if elf.little_endian else 'big'}-endian"
            raise ImageError(f"{path}: a {shape} ARM ELF; Cortex-M images are 32-bit little-endian")
        for table, start, count, entry_size in (
                ("program header table", header["e_phoff"], header["e_phnum"], header["e_phentsize"]),
                ("section header table", header["e_shoff"], header["e_shnum"], header["e_shentsize"])):
            if start + count * entry_size > len(raw):
                raise ImageError(f"{path}: truncated or corrupt ELF file: its {table} (0x{start:x}, "
                                 f"{count} entries) ends past the end of the {len(raw)}-byte file")
        phdrs = [seg.header for seg in elf.iter_segments()]
        arch, vfp_args = _attributes(elf)
    except (ELFError, ConstructError, ValueError) as e:
        raise ImageError(f"{path}: corrupt or truncated ELF file ({e})") from None
    loads = [p for p in phdrs if p["p_type"] == "PT_LOAD" and p["p_filesz"] > 0]
    if not loads:
        raise ImageError(f"{path}: invalid ELF file, no loadable segments")
    # OpenOCD (after BFD): when every program header has p_paddr 0 and more than one is loaded,
    # the linker did not fill in physical addresses, so the virtual ones are meant.
    use_vaddr = all(p["p_paddr"] == 0 for p in phdrs) and \
        sum(p["p_type"] == "PT_LOAD" and p["p_memsz"] > 0 for p in phdrs) > 1
    segments = []
    for p in loads:
        start, end = p["p_offset"], p["p_offset"] + p["p_filesz"]
        if end > len(raw):
            raise ImageError(f"{path}: truncated ELF file: a segment needs bytes 0x{start:x}..0x{end:x} "
                             f"of a {len(raw)}-byte file")
        segments.append(Segment(p["p_vaddr"] if use_vaddr else p["p_paddr"], raw[start:end]))
    flags = header["e_flags"]
    if flags & EF_ARM_ABI_FLOAT_HARD:
        float_abi = "hard"
    elif flags & EF_ARM_ABI_FLOAT_SOFT:
        float_abi = "soft"
    else:
        float_abi = {0: "soft", 1: "hard"}.get(vfp_args)
    return Image(path, "elf", segments, entry=header["e_entry"], arch=arch, float_abi=float_abi,
                 _elf=raw)


def _attributes(elf: ELFFile) -> tuple[str | None, int | None]:
    """(architecture name, Tag_ABI_VFP_args) from .ARM.attributes; None where a tag is absent."""
    section = elf.get_section_by_name(".ARM.attributes")
    if section is None:
        return None, None
    tags = {attr.tag: attr.value
            for sub in section.iter_subsections()
            for subsub in sub.iter_subsubsections()
            for attr in subsub.iter_attributes()}
    cpu_arch = tags.get("TAG_CPU_ARCH")
    if cpu_arch == 10:
        arch = V7_PROFILES.get(tags.get("TAG_CPU_ARCH_PROFILE"), "ARMv7")
    elif cpu_arch is None:
        arch = None
    else:
        arch = CPU_ARCH_NAMES.get(cpu_arch) or OTHER_CPU_ARCH.get(cpu_arch, f"Tag_CPU_arch {cpu_arch}")
    return arch, tags.get("TAG_ABI_VFP_ARGS")


def _load_records(path: str, kind: str, raw: bytes) -> Image:
    """Intel HEX or S-record through bincopy; a bad record is reported with its line number."""
    add, unpack, name = {"ihex": (bincopy.BinFile.add_ihex, bincopy.unpack_ihex, "Intel HEX"),
                         "s19": (bincopy.BinFile.add_srec, bincopy.unpack_srec, "S-record")}[kind]
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as e:
        raise ImageError(f"{path}: not a {name} file: byte 0x{raw[e.start]:02x} at offset {e.start} "
                         "is not text") from None
    binfile = bincopy.BinFile()
    try:
        add(binfile, text)
    except bincopy.Error as e:
        raise ImageError(f"{path}: {_bad_record(text, unpack) or ''}{e}") from None
    if kind == "ihex":
        _check_ihex_end(path, text)
    segments = [Segment(s.minimum_address, bytes(s.data)) for s in binfile.segments]
    return Image(path, kind, segments, entry=binfile.execution_start_address)


def _bad_record(text: str, unpack: Callable[[str], object]) -> str | None:
    """'line N: ' for the first record bincopy cannot unpack, or None when each record is fine
    alone and the fault is between records (overlapping data)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                unpack(line.strip())
            except bincopy.Error:
                return f"line {number}: "
    return None


def _check_ihex_end(path: str, text: str) -> None:
    """OpenOCD refuses a HEX file without its end-of-file record: it is how a file cut short in a
    copy or download shows."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or bincopy.unpack_ihex(lines[-1])[0] != bincopy.IHEX_END_OF_FILE:
        raise ImageError(f"{path}: premature end of Intel HEX file after line {len(text.splitlines())}: "
                         "no end-of-file record (truncated?)")


def runs_on(arch: str, core: str) -> bool:
    """Whether code built for `arch` runs on the core called `core` ("Cortex-M3", as in CPUID).
    An architecture or core this table does not know is given the benefit of the doubt."""
    core_arch = CORE_ARCH.get(core)
    if core_arch is None or arch not in RUNS:
        return True
    return arch in RUNS[core_arch]


def arch_hint(arch: str) -> str:
    """How to build for `arch` (an architecture name, or a core name such as "Cortex-M0+")."""
    core = arch if arch in CORE_ARCH else None
    arch = CORE_ARCH.get(arch, arch)
    if arch not in BUILD_FOR:
        return f"build for the target's core ({arch} is not a Cortex-M architecture ocdpy knows)"
    rust, default_core = BUILD_FOR[arch]
    mcpu = (core or default_core).lower().replace("+", "plus")
    return f"build for {rust} (Rust) or -mcpu={mcpu} -mthumb (GCC)"
