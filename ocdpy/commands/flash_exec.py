"""OpenOCD's flash and image commands after `init`, with its output: `flash probe|info|erase_sector|
erase_address|erase_check|write_image|write_bank|read_bank|verify_bank|fillw/h/b|protect|padded_value`,
`load_image`, `verify_image`, `verify_image_checksum`, `dump_image`. Writing goes through a plan computed
before anything is erased (ocdpy/flash/plan.py)."""
from __future__ import annotations

import time
import zlib

from ..errors import OcdError
from ..flash.plan import make_plan
from .flash_banks import all_drivers, flash_driver, probe_bank
from .progress import ProgressReport, rate
from .registry import EXEC, UsageError, need, parse_number

MAX_DIFFS = 128


def images():
    """ocdpy.flash.image, imported on first use: pyelftools and bincopy stay out of start-up."""
    from ..flash import image
    return image


def sector_line(index: int, sector, state: str) -> str:
    return f"\t#{index:3d}: 0x{sector.offset:08x} (0x{sector.size:x} {sector.size // 1024}kB) {state}"


def protection_state(sector) -> str:
    return {True: "protected", False: "not protected", None: "protection state unknown"}[sector.protected]


def register(session) -> None:
    reg = session.registry
    log = session.log

    def target_mem():
        target = session.current_target
        if target is None or getattr(target, "core", None) is None:
            raise OcdError("no target to access: 'init' has not reached a core")
        return target

    def halted():
        return halted_core(session)

    def open_image(words: list[str]):
        """FILE [offset [type]] as OpenOCD's image commands take them: (the path found, the loaded image)."""
        path = session.find(words[0])
        offset = parse_number(words[1], "offset") if len(words) > 1 else 0
        kind = words[2] if len(words) > 2 else None
        return path, images().load_image(path, offset, kind)

    # -- bank information -------------------------------------------------------------------------------
    def probe(args):
        (bank,) = need(args, 1)
        driver = flash_driver(session, bank, probe=False)
        probe_bank(driver)
        return f"flash '{driver.bank.driver}' found at 0x{driver.base:08x}\n"

    def info(args):
        words = need(args, 1, 2)
        driver = flash_driver(session, words[0])
        driver.protect_check()
        blocks = driver.protection_blocks or driver.sectors
        lines = [f"#{session.flash_banks.index(driver.bank)} : {driver.bank.driver} at 0x{driver.base:08x}, "
                 f"size 0x{driver.size:08x}, buswidth {driver.bank.bus_width}, chipwidth {driver.bank.chip_width}"]
        lines += [sector_line(i, s, protection_state(s)) for i, s in enumerate(blocks)]
        if driver.info():
            lines.append(driver.info())
        return "\n".join(lines) + "\n"

    def erase_check(args):
        (bank,) = need(args, 1)
        driver = flash_driver(session, bank)
        blank = bytes([driver.erased_value])
        lines = ["successfully checked erase state"]
        for i, sector in enumerate(driver.sectors):
            data = driver.mem.read(driver.base + sector.offset, sector.size, 4)
            sector.erased = data == blank * sector.size
            if not sector.erased:
                lines.append(sector_line(i, sector, "not erased"))
        if len(lines) == 1:
            lines.append("\tBank is erased")
        return "\n".join(lines) + "\n"

    # -- erasing --------------------------------------------------------------------------------------------
    def sector_range(driver, first_word: str, last_word: str) -> tuple[int, int]:
        first = parse_number(first_word, "first")
        last = len(driver.sectors) - 1 if last_word == "last" else parse_number(last_word, "last")
        if not 0 <= first <= last < len(driver.sectors):
            raise OcdError(f"flash sector range {first_word}..{last_word} is not in bank '{driver.bank.name}' "
                           f"(sectors 0..{len(driver.sectors) - 1})")
        return first, last

    def erase_sector(args):
        bank, first_word, last_word = need(args, 3)
        driver = flash_driver(session, bank)
        first, last = sector_range(driver, first_word, last_word)
        halted()
        started = time.monotonic()
        driver.erase(first, last)
        return (f"erased sectors {first} through {last} on flash bank "
                f"{session.flash_banks.index(driver.bank)} in {time.monotonic() - started:.6f}s\n")

    def erase_address(args):
        words = need(args, 2, 4)
        pad = "pad" in words[:-2]
        address, length = parse_number(words[-2], "address"), parse_number(words[-1], "length")
        drivers = [d for d in all_drivers(session) if d.base <= address < d.base + d.size]
        if not drivers or length <= 0:
            raise OcdError(f"flash erase_address: 0x{address:08x} is not in any flash bank")
        driver = drivers[0]
        first = driver.sector_at(address - driver.base)
        last = driver.sector_at(address - driver.base + length - 1)
        start = driver.base + driver.sectors[first].offset
        end = driver.base + driver.sectors[last].offset + driver.sectors[last].size
        if (start, end) != (address, address + length):
            if not pad:
                raise OcdError(f"flash erase_address: 0x{address:08x}+{length} is not on sector boundaries "
                               f"(0x{start:08x}-0x{end - 1:08x}); add 'pad' to erase the whole sectors")
            if start < address:
                log.warning(f"Adding extra erase range, 0x{start:08x} .. 0x{address - 1:08x}")
            if end > address + length:
                log.warning(f"Adding extra erase range, 0x{address + length:08x} .. 0x{end - 1:08x}")
        halted()
        started = time.monotonic()
        driver.erase(first, last)
        seconds = time.monotonic() - started
        return f"erased address 0x{address:08x} (length {length}) in {seconds:.6f}s ({rate(length, seconds)})\n"

    # -- writing --------------------------------------------------------------------------------------------
    def write_image(args):
        words = need(args, 1, 6)
        options = []
        while words and words[0] in ("erase", "unlock"):
            options.append(words.pop(0))
        if not words:
            raise UsageError("Invalid command argument")
        path, image = open_image(words)
        erase = "erase" in options
        written = write_segments(session, image.segments, path, erase=erase)
        return (("auto erase enabled\n" if erase else "")
                + f"wrote {written[0]} bytes from file {path} in {written[1]:.6f}s ({rate(*written)})\n")

    def bank_file(args):
        """bank_id filename [offset]: the bank's driver, the file's path and contents, the offset."""
        words = need(args, 2, 3)
        driver = flash_driver(session, words[0])
        path = session.find(words[1])
        return driver, path, read_file(path), parse_number(words[2], "offset") if len(words) > 2 else 0

    def write_bank(args):
        driver, path, data, offset = bank_file(args)
        written = write_segments(session, [images().Segment(driver.base + offset, data)], path, erase=False)
        return (f"wrote {written[0]} bytes from file {path} to flash bank {session.flash_banks.index(driver.bank)} "
                f"at offset 0x{offset:08x} in {written[1]:.6f}s ({rate(*written)})\n")

    def fill(width: int):
        def handler(args):
            address, value, count = (parse_number(w) for w in need(args, 3))
            data = (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little") * count
            written = write_segments(session, [images().Segment(address, data)], "flash fill", erase=False)
            return f"wrote {written[0]} bytes to 0x{address:08x} in {written[1]:.6f}s ({rate(*written)})\n"
        return handler

    # -- reading and verifying ------------------------------------------------------------------------
    def read_bank(args):
        words = need(args, 2, 4)
        driver = flash_driver(session, words[0])
        offset = parse_number(words[2], "offset") if len(words) > 2 else 0
        length = parse_number(words[3], "length") if len(words) > 3 else driver.size - offset
        started = time.monotonic()
        data = read_any(driver.mem, driver.base + offset, length)
        write_file(session, words[1], data)
        seconds = time.monotonic() - started
        return (f"wrote {length} bytes to file {words[1]} from flash bank {session.flash_banks.index(driver.bank)} "
                f"at offset 0x{offset:08x} in {seconds:.6f}s ({rate(length, seconds)})\n")

    def verify_bank(args):
        driver, path, expected, offset = bank_file(args)
        started = time.monotonic()
        actual = read_any(driver.mem, driver.base + offset, len(expected))
        seconds = time.monotonic() - started
        head = (f"read {len(expected)} bytes from file {path} and flash bank "
                f"{session.flash_banks.index(driver.bank)} at offset 0x{offset:08x} in {seconds:.6f}s "
                f"({rate(len(expected), seconds)})")
        if actual == expected:
            return head + "\ncontents match\n"
        log.user(head)
        report_differences([images().Segment(driver.base + offset, expected)], [actual])
        raise OcdError("contents differ")

    def verify_image(args):
        path, image = open_image(need(args, 1, 3))
        return verify_segments(image.segments, path)

    def verify_segments(segments, path: str) -> str:
        mem = target_mem().core.mem
        started = time.monotonic()
        actual = [read_any(mem, s.address, len(s.data)) for s in segments]
        seconds = time.monotonic() - started
        total = sum(len(s.data) for s in segments)
        if all(a == s.data for a, s in zip(actual, segments)):
            return f"verified {total} bytes in {seconds:.6f}s ({rate(total, seconds)})\n"
        log.error("checksum mismatch - attempting binary compare")
        first = report_differences(segments, actual)
        raise VerifyFailed(f"verify failed: {path} differs from the target first at 0x{first[0]:08x} "
                           f"(expected 0x{first[1]:02x}, read 0x{first[2]:02x})")

    def report_differences(segments, actual) -> tuple[int, int, int]:
        """OpenOCD's `diff N address A. Was X instead of Y` lines; returns the first (address, expected, read)."""
        shown, first = 0, None
        for segment, got in zip(segments, actual):
            address, expected = segment.address, segment.data
            for i, (e, g) in enumerate(zip(expected, got)):
                if e != g:
                    first = first or (address + i, e, g)
                    if shown < MAX_DIFFS:
                        log.user(f"diff {shown} address 0x{address + i:08x}. Was 0x{g:02x} instead of 0x{e:02x}")
                    shown += 1
        if shown >= MAX_DIFFS:
            log.user("More than 128 errors, the rest are not printed.")
        return first

    def verify_image_checksum(args):
        path, image = open_image(need(args, 1, 3))
        mem = target_mem().core.mem
        started = time.monotonic()
        for segment in image.segments:
            address, data = segment.address, segment.data
            if zlib.crc32(read_any(mem, address, len(data))) != zlib.crc32(data):
                raise VerifyFailed(f"checksum mismatch: {path} segment at 0x{address:08x} ({len(data)} bytes)")
        seconds = time.monotonic() - started
        return f"verified {image.size} bytes in {seconds:.6f}s ({rate(image.size, seconds)})\n"

    def load_image_command(args):
        path, image = open_image(need(args, 1, 5))
        mem = target_mem().core.mem
        started = time.monotonic()
        lines = []
        for segment in image.segments:
            write_any(mem, segment.address, segment.data)
            lines.append(f"{len(segment.data)} bytes written at address 0x{segment.address:08x}")
        seconds = time.monotonic() - started
        lines.append(f"downloaded {image.size} bytes in {seconds:.6f}s ({rate(image.size, seconds)})")
        return "\n".join(lines) + "\n"

    def dump_image(args):
        path, address_word, size_word = need(args, 3)
        address, size = parse_number(address_word, "address"), parse_number(size_word, "size")
        started = time.monotonic()
        write_file(session, path, read_any(target_mem().core.mem, address, size))
        seconds = time.monotonic() - started
        return f"dumped {size} bytes in {seconds:.6f}s ({rate(size, seconds)})\n"

    def protect(args):
        bank, first_word, last_word, state = need(args, 4)
        if state not in ("on", "off"):
            raise UsageError("Invalid command argument")
        driver = flash_driver(session, bank)
        blocks = driver.protection_blocks or driver.sectors
        first = parse_number(first_word, "first")
        last = len(blocks) - 1 if last_word == "last" else parse_number(last_word, "last")
        driver.protect(state == "on", first, last)
        verb = "set" if state == "on" else "cleared"
        return (f"{verb} protection for blocks {first} through {last} on flash bank "
                f"{session.flash_banks.index(driver.bank)}\n")

    def padded_value(args):
        bank, value_word = need(args, 2)
        driver = flash_driver(session, bank, probe=False)
        driver.erased_value = parse_number(value_word, "value") & 0xFF
        return f"Default padded value set to 0x{driver.erased_value:02x} for flash bank " \
               f"{session.flash_banks.index(driver.bank)}\n"

    for name, handler, usage in (
            ("flash probe", probe, "bank_id"), ("flash info", info, "bank_id ['sectors']"),
            ("flash erase_check", erase_check, "bank_id"),
            ("flash erase_sector", erase_sector, "bank_id first_sector_num (last_sector_num|'last')"),
            ("flash erase_address", erase_address, "['pad'] ['unlock'] address length"),
            ("flash write_image", write_image, "[erase] [unlock] filename [offset [file_type]]"),
            ("flash write_bank", write_bank, "bank_id filename [offset]"),
            ("flash read_bank", read_bank, "bank_id filename [offset [length]]"),
            ("flash verify_bank", verify_bank, "bank_id filename [offset]"),
            ("flash fillw", fill(4), "address value n"), ("flash fillh", fill(2), "address value n"),
            ("flash fillb", fill(1), "address value n"),
            ("flash protect", protect, "bank_id first_block [last_block|'last'] ('on'|'off')"),
            ("flash padded_value", padded_value, "bank_id value"),
            ("verify_image", verify_image, "filename [offset [type]]"),
            ("verify_image_checksum", verify_image_checksum, "filename [offset [type]]"),
            ("load_image", load_image_command, "filename [address ['bin'|'ihex'|'elf'|'s19' [min_address [max_length]]]]"),
            ("dump_image", dump_image, "filename address size")):
        reg.add(name, handler, EXEC, usage)


def write_segments(session, segments, source: str, erase: bool, report=None,
                   warn_extra_erase: bool = True) -> tuple[int, float]:
    """Plan, then erase what the plan says, write flash and memory; returns (bytes, seconds). Shared by
    the flash commands and the GDB server's vFlashDone; `report` is the progress callback (a bar or log
    lines by default). GDB asks for whole sectors itself, so its load has no "extra" erase to warn of."""
    log = session.log
    drivers = all_drivers(session)
    plan = make_plan(segments, drivers, source, erase)
    core = halted_core(session)
    report = report if report is not None else ProgressReport(log)
    if erase and warn_extra_erase:
        for bank in plan.banks:
            for i in bank.erase[-1:]:
                sector = bank.driver.sectors[i]
                end = bank.driver.base + sector.offset + sector.size
                last_write = max(bank.driver.base + o + len(d) for o, d in bank.writes)
                if last_write < end:
                    log.warning(f"Adding extra erase range, 0x{last_write:08x} .. 0x{end - 1:08x}")
    for bank in plan.banks:
        if bank.erase:
            erase_runs(bank, report)
    for bank in plan.banks:
        total, done = bank.write_bytes, 0
        for offset, data in bank.writes:
            bank.driver.write(offset, data, lambda phase, d, t, base=done: report("write", base + d, total))
            done += len(data)
    for address, data in plan.memory:
        core.mem.write(address, data, 4 if not (address | len(data)) & 3 else 1)
    seconds = report.close()
    session.last_flash_plan, session.last_flash_seconds = plan, seconds
    return plan.image_bytes, seconds

def erase_runs(bank, report) -> None:
    """Erase the plan's sectors in runs of consecutive indices."""
    runs: list[list[int]] = []
    for i in bank.erase:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    total, done = bank.erase_bytes, 0
    for run in runs:
        size = sum(bank.driver.sectors[i].size for i in run)
        bank.driver.erase(run[0], run[-1], lambda phase, d, t, base=done: report("erase", base + d, total))
        done += size
        report("erase", done, total)


class VerifyFailed(OcdError):
    """The target's memory is not what the image says."""


def halted_core(session):
    """Flash work needs a halted core (a running one could fetch from half-written flash)."""
    target = session.current_target
    if target is None or getattr(target, "core", None) is None:
        raise OcdError("no target to access: 'init' has not reached a core")
    core = target.core
    core.poll()
    if core.state != "halted":
        raise OcdError("Target not halted: flash writes need a halted core ('halt' or 'reset init' first)")
    return core


def read_any(mem, address: int, length: int) -> bytes:
    """Bytes at any alignment: words when address and length allow, else bytes."""
    if not (address | length) & 3:
        return mem.read(address, length, 4)
    return mem.read(address, length, 1)


def write_any(mem, address: int, data: bytes) -> None:
    mem.write(address, data, 4 if not (address | len(data)) & 3 else 1)


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise OcdError(f"couldn't open {path}: {e.strerror}") from None


def write_file(session, path: str, data: bytes) -> None:
    """The host file a command writes; never for a network client (interp.safe), who must not be able to
    create or overwrite files on the machine ocdpy runs on."""
    if session.interp.safe:
        raise OcdError(f"writing the host file '{path}' is not allowed from a network client")
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as e:
        raise OcdError(f"couldn't write {path}: {e.strerror}") from None
