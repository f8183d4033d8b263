"""Walking a MEM-AP's CoreSight ROM table and naming what it lists, in the layout of OpenOCD's `dap info`
(CoreSight Architecture Specification: Component and Peripheral ID registers at 0xFD0-0xFFC, ROM table
entries from offset 0, DEVTYPE at 0xFCC, MEMTYPE at 0xFCC of a ROM table)."""
from __future__ import annotations

from ..errors import OcdError
from .adiv5 import AP_BASE, AP_IDR, Dap, describe_ap

DESIGNERS = {0x23B: "ARM Ltd", 0x020: "STMicroelectronics"}
# (designer, part) -> name of the ARM parts in Cortex-M0/M3/M4 systems (their TRMs)
PARTS = {
    (0x23B, 0x000): "Cortex-M3 SCS (System Control Space)", (0x23B, 0x001): "Cortex-M3 ITM (Instrumentation Trace Module)",
    (0x23B, 0x002): "Cortex-M3 DWT (Data Watchpoint and Trace)",
    (0x23B, 0x003): "Cortex-M3 FPB (Flash Patch and Breakpoint)",
    (0x23B, 0x008): "Cortex-M0 SCS (System Control Space)", (0x23B, 0x00A): "Cortex-M0 DWT (Data Watchpoint)",
    (0x23B, 0x00B): "Cortex-M0 BPU (Breakpoint Unit)", (0x23B, 0x00C): "Cortex-M4 SCS (System Control Space)",
    (0x23B, 0x923): "Cortex-M3 TPIU (Trace Port Interface Unit)", (0x23B, 0x924): "Cortex-M3 ETM (Embedded Trace)",
    (0x23B, 0x925): "Cortex-M4 ETM (Embedded Trace)", (0x23B, 0x9A1): "Cortex-M4 TPIU (Trace Port Interface Unit)",
}
CLASSES = {0x0: "Generic verification component", 0x1: "ROM table", 0x9: "CoreSight component",
           0xB: "Peripheral Test Block", 0xD: "OptimoDE DESS", 0xE: "Generic IP component",
           0xF: "CoreLink, PrimeCell or System component"}
DEVTYPE_MAJOR = {0x1: "Trace Sink", 0x2: "Debug Control", 0x3: "Trace Source", 0x4: "Debug Logic",
                 0x5: "Performance Monitor"}
DEVTYPE_SUB = {(0x1, 0x1): "Port", (0x1, 0x2): "Buffer", (0x1, 0x3): "Router", (0x3, 0x1): "Processor",
               (0x3, 0x2): "DSP", (0x3, 0x3): "Engine/Coprocessor", (0x3, 0x4): "Bus", (0x3, 0x6): "Software"}
MAX_DEPTH = 8


def dap_info(dap: Dap, ap: int) -> str:
    """The text of `dap info AP`."""
    idr = dap.read_ap(ap, AP_IDR)
    lines = [f"AP # 0x{ap:x}", f"\t\tAP ID register 0x{idr:08x}"]
    if idr == 0:
        lines.append(f"\t\tNo AP found at this AP#0x{ap:x}")
        return "\n".join(lines) + "\n"
    lines.append(f"\t\tType is {describe_ap(idr)}")
    if (idr >> 13) & 0xF != 0x8:
        return "\n".join(lines) + "\n"
    base = dap.read_ap(ap, AP_BASE)
    lines.append(f"MEM-AP BASE 0x{base:08x}")
    if base in (0xFFFFFFFF, 0) or not base & 1:
        lines.append("\t\tNo ROM table present")
        return "\n".join(lines) + "\n"
    lines.append("\t\tValid ROM table present")
    _component(dap.mem_ap(ap), base & 0xFFFFF000, "\t\t", lines, 0)
    return "\n".join(lines) + "\n"


def _ids(mem, base: int) -> tuple[int, int]:
    """(CIDR, PIDR) of the 4 KiB component at `base`, each assembled from its byte-wide registers."""
    words = [w & 0xFF for w in (int.from_bytes(mem.read(base + 0xFD0 + 4 * i, 4), "little") for i in range(12))]
    pidr = words[4] | words[5] << 8 | words[6] << 16 | words[7] << 24 | words[0] << 32
    cidr = words[8] | words[9] << 8 | words[10] << 16 | words[11] << 24
    return cidr, pidr


def _component(mem, base: int, indent: str, lines: list[str], depth: int) -> None:
    cidr, pidr = _ids(mem, base)
    lines.append(f"{indent}Component base address 0x{base:08x}")
    if cidr & 0xFFFF0FFF != 0xB105000D:
        lines.append(f"{indent}Invalid CID 0x{cidr:08x}")
        return
    designer = ((pidr >> 32) & 0xF) << 7 | ((pidr >> 12) & 0x7F)
    part = pidr & 0xFFF
    cls = (cidr >> 12) & 0xF
    lines.append(f"{indent}Peripheral ID 0x{pidr:010x}")
    lines.append(f"{indent}Designer is 0x{designer:03x}, {DESIGNERS.get(designer, 'Unknown')}")
    lines.append(f"{indent}Part is 0x{part:03x}, {PARTS.get((designer, part), 'Unrecognized ')}")
    lines.append(f"{indent}Component class is 0x{cls:x}, {CLASSES.get(cls, 'Reserved')}")
    if cls == 0x1:
        memtype = mem.read_u32(base + 0xFCC)
        lines.append(f"{indent}MEMTYPE system memory present on bus" if memtype & 1 else
                     f"{indent}MEMTYPE system memory not present: dedicated debug bus")
        _rom_entries(mem, base, indent[:-1], lines, depth)
    elif cls == 0x9:
        devtype = mem.read_u32(base + 0xFCC) & 0xFF
        major, sub = devtype & 0xF, devtype >> 4
        lines.append(f"{indent}Type is 0x{devtype:02x}, {DEVTYPE_MAJOR.get(major, 'Miscellaneous')}, "
                     f"{DEVTYPE_SUB.get((major, sub), 'other')}")


def _rom_entries(mem, base: int, indent: str, lines: list[str], depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise OcdError(f"ROM table at 0x{base:08x} nests deeper than {MAX_DEPTH} levels")
    for offset in range(0, 0xF00, 4):
        entry = mem.read_u32(base + offset)
        lines.append(f"{indent}ROMTABLE[0x{offset:x}] = 0x{entry:08x}")
        if entry == 0:
            lines.append(f"{indent}\tEnd of ROM table")
            return
        if not entry & 1:
            lines.append(f"{indent}\tComponent not present")
            continue
        _component(mem, (base + (entry & 0xFFFFF000)) & 0xFFFFFFFF, indent + "\t", lines, depth + 1)
