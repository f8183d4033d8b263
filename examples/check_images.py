#!/usr/bin/env python3
"""Sanity-check the example firmware images (standard library only).

For every ELF given on the command line (default: everything under
examples/prebuilt/), check that:

  * it is a 32-bit little-endian ARM executable;
  * every loadable segment with file contents has its load (physical)
    address inside the chip's flash, and the first one starts at 0x08000000;
  * .isr_vector is at 0x08000000, its word 0 equals _estack and lies at the
    top of (or inside) the chip's RAM, its word 1 equals Reset_Handler|1 and
    the ELF entry point;
  * .data runs from RAM and is loaded from flash at _sidata;
  * the .bin/.hex next to the ELF (if any) hold exactly the flash image.

It prints one line per image with the CPU architecture from the
.ARM.attributes section, so the deliberately mismatched
stm32f072_m4build.elf shows up as v7E-M on a Cortex-M0 chip.

Usage: python3 check_images.py [IMAGE.elf ...]
"""
import os
import struct
import sys

FLASH_BASE = 0x08000000
RAM_BASE = 0x20000000

# chip prefix -> (flash bytes, RAM bytes, expected Tag_CPU_arch values)
CHIPS = {
    "stm32f072": (128 * 1024, 16 * 1024, {12}),      # v6S-M (Cortex-M0)
    "stm32f103": (64 * 1024, 20 * 1024, {10}),       # v7 (Cortex-M3)
    "stm32f401": (256 * 1024, 64 * 1024, {13}),      # v7E-M (Cortex-M4)
}
CPU_ARCH_NAMES = {10: "v7", 11: "v6-M", 12: "v6S-M", 13: "v7E-M"}

PT_LOAD = 1
SHT_SYMTAB = 2
SHT_NOBITS = 8
SHT_ARM_ATTRIBUTES = 0x70000003


class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 1 or d[5] != 1:
            raise ValueError("not a 32-bit little-endian ELF")
        (self.type, self.machine, _, self.entry, phoff, shoff, self.flags,
         _, phentsize, phnum, shentsize, shnum, shstrndx) = struct.unpack_from(
            "<HHIIIIIHHHHHH", d, 16)
        self.segments = []
        for i in range(phnum):
            (p_type, off, vaddr, paddr, filesz, memsz, flags, align) = struct.unpack_from(
                "<IIIIIIII", d, phoff + i * phentsize)
            self.segments.append(dict(type=p_type, offset=off, vaddr=vaddr, paddr=paddr,
                                      filesz=filesz, memsz=memsz))
        raw = [struct.unpack_from("<IIIIIIIIII", d, shoff + i * shentsize) for i in range(shnum)]
        strtab = raw[shstrndx]
        self.sections = {}
        self._raw_sections = raw
        for s in raw:
            name = self._str(strtab[4], s[0])
            self.sections[name] = dict(type=s[1], addr=s[3], offset=s[4], size=s[5],
                                       link=s[6], entsize=s[9])
        self.symbols = {}
        for s in raw:
            if s[1] != SHT_SYMTAB:
                continue
            symstr = raw[s[6]][4]
            for off in range(s[4], s[4] + s[5], 16):
                name_off, value, size, info, other, shndx = struct.unpack_from("<IIIBBH", d, off)
                if name_off:
                    self.symbols.setdefault(self._str(symstr, name_off), value)

    def _str(self, table_off, off):
        end = self.data.index(b"\0", table_off + off)
        return self.data[table_off + off:end].decode()

    def lma(self, section):
        """Load address of an allocated section, from the segment holding it."""
        s = self.sections[section]
        for seg in self.segments:
            if seg["type"] == PT_LOAD and seg["vaddr"] <= s["addr"] < seg["vaddr"] + max(seg["memsz"], 1):
                return seg["paddr"] + (s["addr"] - seg["vaddr"])
        return None

    def cpu_arch(self):
        s = self.sections.get(".ARM.attributes")
        if not s:
            return None
        blob = self.data[s["offset"]:s["offset"] + s["size"]]
        if blob[:1] != b"A":
            return None
        pos = 1
        while pos < len(blob):
            length = struct.unpack_from("<I", blob, pos)[0]
            sub = blob[pos + 4:pos + length]
            vendor, _, rest = sub.partition(b"\0")
            if vendor == b"aeabi":
                return _find_cpu_arch(rest)
            pos += length
        return None


def _uleb(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def _find_cpu_arch(buf):
    pos = 0
    while pos < len(buf):
        tag, pos = buf[pos], pos + 1
        size = struct.unpack_from("<I", buf, pos)[0]
        body = buf[pos + 4:pos - 1 + size]
        if tag == 1:  # Tag_File: attributes for the whole file
            p = 0
            while p < len(body):
                attr, p = _uleb(body, p)
                if attr in (4, 5) or (attr > 32 and attr % 2 == 1):
                    p = body.index(b"\0", p) + 1
                elif attr == 32:  # Tag_compatibility: ULEB flag then NTBS
                    _, p = _uleb(body, p)
                    p = body.index(b"\0", p) + 1
                else:
                    value, p = _uleb(body, p)
                    if attr == 6:
                        return value
        pos += size - 1
    return None


def check(path):
    problems = []
    base = os.path.basename(path)
    chip = next((c for c in CHIPS if c in path), None)
    if chip is None:
        return ["cannot tell the chip from the path"], ""
    flash_size, ram_size, archs = CHIPS[chip]
    flash_end, ram_end = FLASH_BASE + flash_size, RAM_BASE + ram_size
    elf = Elf(path)
    if elf.machine != 40 or elf.type != 2:
        problems.append("not an ARM executable")

    loads = [s for s in elf.segments if s["type"] == PT_LOAD and s["filesz"]]
    if not loads or min(s["paddr"] for s in loads) != FLASH_BASE:
        problems.append("no loadable segment starts at 0x08000000")
    for s in loads:
        if not (FLASH_BASE <= s["paddr"] and s["paddr"] + s["filesz"] <= flash_end):
            problems.append("segment with LMA 0x%08x size 0x%x is outside flash" % (s["paddr"], s["filesz"]))
    flash_image_end = max(s["paddr"] + s["filesz"] for s in loads) if loads else FLASH_BASE

    vec = elf.sections.get(".isr_vector")
    if not vec or vec["addr"] != FLASH_BASE:
        problems.append(".isr_vector is not at 0x08000000")
        sp = reset = 0
    else:
        sp, reset = struct.unpack_from("<II", elf.data, vec["offset"])
    if sp != elf.symbols.get("_estack") or not (RAM_BASE < sp <= ram_end) or sp % 8:
        problems.append("vector[0] 0x%08x is not _estack at the top of RAM" % sp)
    if reset != (elf.symbols.get("Reset_Handler", -2) | 1) or reset != elf.entry:
        problems.append("vector[1] 0x%08x is not Reset_Handler|1 / the entry point" % reset)

    data = elf.sections.get(".data")
    data_lma = None
    if data and data["size"]:
        data_lma = elf.lma(".data")
        if not (RAM_BASE <= data["addr"] < ram_end):
            problems.append(".data VMA 0x%08x is not in RAM" % data["addr"])
        if data_lma is None or not (FLASH_BASE <= data_lma < flash_end):
            problems.append(".data LMA is not in flash")
        if data_lma != elf.symbols.get("_sidata"):
            problems.append(".data LMA differs from _sidata")
    bss = elf.sections.get(".bss")
    if bss and bss["size"] and bss["type"] != SHT_NOBITS:
        problems.append(".bss has file contents")

    # The flat binary is the flash image from 0x08000000 (vector table first).
    stem = path[:-4]
    if os.path.exists(stem + ".bin"):
        with open(stem + ".bin", "rb") as f:
            binimg = f.read()
        if len(binimg) != flash_image_end - FLASH_BASE:
            problems.append(".bin is %d bytes, flash image is %d" % (len(binimg), flash_image_end - FLASH_BASE))
        elif binimg[:8] != struct.pack("<II", sp, reset):
            problems.append(".bin does not start with the vector table")
    if os.path.exists(stem + ".hex"):
        with open(stem + ".hex") as f:
            first = f.readline().strip()
        if first != ":020000040800F2":  # extended linear address 0x0800
            problems.append(".hex does not start at 0x0800xxxx")

    arch = elf.cpu_arch()
    arch_name = CPU_ARCH_NAMES.get(arch, str(arch))
    mismatch = arch not in archs
    if mismatch and "m4build" not in base:
        problems.append("built for %s, not for this chip's core" % arch_name)
    if not mismatch and "m4build" in base:
        problems.append("expected a deliberately mismatched architecture")
    summary = "%-42s %-6s %s SP=0x%08x reset=0x%08x .data LMA=%s flash image=%d bytes%s" % (
        path, chip, arch_name.ljust(5), sp, reset,
        "0x%08x" % data_lma if data_lma is not None else "-",
        flash_image_end - FLASH_BASE,
        "  (deliberately mismatched core)" if mismatch and "m4build" in base else "")
    return problems, summary


def main(argv):
    paths = argv[1:]
    if not paths:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "prebuilt")
        for d, _, files in sorted(os.walk(root)):
            paths += [os.path.join(d, f) for f in sorted(files) if f.endswith(".elf")]
    failed = 0
    for p in paths:
        problems, summary = check(p)
        print(("FAIL " if problems else "ok   ") + (summary or p))
        for msg in problems:
            print("       " + msg)
        failed += bool(problems)
    print("%d passed, %d failed" % (len(paths) - failed, failed))
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
