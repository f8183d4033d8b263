"""Memory commands with OpenOCD's output: `mdw/mdh/mdb/mdd [phys] addr [count]`, `mww/mwh/mwb/mwd [phys] addr
value [count]`, `read_memory`/`write_memory` (Tcl lists), the same as `$target` methods, and `dap info`."""
from __future__ import annotations

from ..arm.coresight import dap_info
from ..errors import OcdError
from ..tcl.values import to_list, to_str
from .registry import EXEC, UsageError, need, parse_number

WIDTHS = {"d": 8, "w": 4, "h": 2, "b": 1}
LINE_BYTES = 32


def format_dump(address: int, data: bytes, width: int) -> str:
    """`0x08000000: 20005000 080000f5 ` lines of 32 bytes, each value followed by a space, as OpenOCD prints."""
    lines = []
    for start in range(0, len(data), LINE_BYTES):
        chunk = data[start:start + LINE_BYTES]
        values = "".join(f"{int.from_bytes(chunk[i:i + width], 'little'):0{2 * width}x} "
                         for i in range(0, len(chunk), width))
        lines.append(f"0x{address + start:08x}: {values}")
    return "".join(line + "\n" for line in lines)


def strip_phys(words: list[str]) -> list[str]:
    return words[1:] if words and words[0] == "phys" else words


def read_block(mem, address: int, count: int, width: int) -> bytes:
    """`count` values of `width` bytes (8-byte values as two words)."""
    if width == 8:
        return mem.read(address, count * 8, 4)
    return mem.read(address, count * width, width)


def write_value(mem, address: int, value: int, count: int, width: int) -> None:
    data = (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little") * count
    mem.write(address, data, 4 if width == 8 else width)


def register(session) -> None:
    reg = session.registry

    def memory():
        target = session.current_target
        if target is None or getattr(target, "core", None) is None:
            raise OcdError("no target to access: 'init' has not reached a core")
        return target.core.mem

    def display(width: int, mem_for=memory):
        def handler(args):
            words = strip_phys(need(args, 1, 3))
            if not 1 <= len(words) <= 2:
                raise UsageError("Invalid command argument")
            address = parse_number(words[0], "address")
            count = parse_number(words[1], "count") if len(words) > 1 else 1
            if count == 0:
                return ""
            return format_dump(address, read_block(mem_for(), address, count, width), width)
        return handler

    def modify(width: int, mem_for=memory):
        def handler(args):
            words = strip_phys(need(args, 2, 4))
            if not 2 <= len(words) <= 3:
                raise UsageError("Invalid command argument")
            address, value = parse_number(words[0], "address"), parse_number(words[1], "value")
            count = parse_number(words[2], "count") if len(words) > 2 else 1
            write_value(mem_for(), address, value, count, width)
            return ""
        return handler

    def read_memory(mem_for=memory):
        def handler(args):
            words = need(args, 3, 4)
            address, bits, count = (parse_number(w) for w in words[:3])
            width = check_width(bits)
            data = read_block(mem_for(), address, count, width)
            return " ".join(hex(int.from_bytes(data[i:i + width], "little")) for i in range(0, len(data), width))
        return handler

    def write_memory(mem_for=memory):
        def handler(args):
            if not 3 <= len(args) <= 4:
                raise UsageError("Invalid command argument")
            address, bits = parse_number(to_str(args[0])), parse_number(to_str(args[1]))
            width = check_width(bits)
            values = [parse_number(to_str(v)) for v in to_list(args[2])]
            data = b"".join((v & ((1 << (8 * width)) - 1)).to_bytes(width, "little") for v in values)
            mem_for().write(address, data, 4 if width == 8 else width)
            return ""
        return handler

    for suffix, width in WIDTHS.items():
        reg.add(f"md{suffix}", display(width), EXEC, "['phys'] address [count]",
                f"display memory as {8 * width}-bit values")
        reg.add(f"mw{suffix}", modify(width), EXEC, "['phys'] address value [count]",
                f"write memory as {8 * width}-bit values")
    reg.add("read_memory", read_memory(), EXEC, "address width count ['phys']",
            "Read Tcl list of 8/16/32/64 bit numbers from target memory")
    reg.add("write_memory", write_memory(), EXEC, "address width data ['phys']",
            "Write Tcl list of 8/16/32/64 bit numbers to target memory")

    def dap_info_command(args):
        words = need(args, 0, 1)
        if session.dap is None:
            raise OcdError("dap info: this session has no ADIv5 DAP (an HLA probe hides it)")
        ap = parse_number(words[0], "ap") if words else 0
        return dap_info(session.dap, ap)

    reg.add("dap info", dap_info_command, EXEC, "[ap_num]", "display ROM table for specified MEM-AP")
    session.memory_commands = (display, modify, read_memory, write_memory)


def check_width(bits: int) -> int:
    if bits not in (8, 16, 32, 64):
        raise OcdError(f"Invalid width {bits}: use 8, 16, 32 or 64")
    return bits // 8
