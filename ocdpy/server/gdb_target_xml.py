"""The target description GDB reads with qXfer:features:read: OpenOCD's layout for an M-profile core, so
that register numbers in g/G/p/P are OpenOCD's own (the core's `info.registers` numbering):
org.gnu.gdb.arm.m-profile r0-r12 sp lr pc xPSR (0-16), org.gnu.gdb.arm.m-system msp psp primask basepri
faultmask control (17, 18, 20-23), and org.gnu.gdb.arm.vfp d0-d15 fpscr (42-58) on cores with an FPU."""
from __future__ import annotations

from ..arm.cortex_m import Register

TYPES = {"sp": "data_ptr", "msp": "data_ptr", "psp": "data_ptr", "pc": "code_ptr"}


def feature_of(reg: Register) -> str:
    if reg.number <= 16:
        return "org.gnu.gdb.arm.m-profile"
    if reg.number < 42:
        return "org.gnu.gdb.arm.m-system"
    return "org.gnu.gdb.arm.vfp"


def reg_type(reg: Register) -> str:
    if reg.name in TYPES:
        return TYPES[reg.name]
    if reg.bits == 64:
        return "ieee_double"
    return "int8" if reg.bits <= 8 else "int"


def group_of(reg: Register) -> str:
    return {"org.gnu.gdb.arm.m-profile": "general", "org.gnu.gdb.arm.m-system": "system"}.get(
        feature_of(reg), "float")


def target_xml(registers: list[Register]) -> bytes:
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', '<target version="1.0">',
             "<architecture>arm</architecture>"]
    feature = None
    for reg in registers:
        if feature_of(reg) != feature:
            if feature is not None:
                lines.append("</feature>")
            feature = feature_of(reg)
            lines.append(f'<feature name="{feature}">')
        lines.append(f'<reg name="{reg.name}" bitsize="{reg.bits}" regnum="{reg.number}" save-restore="yes" '
                     f'type="{reg_type(reg)}" group="{group_of(reg)}"/>')
    lines += ["</feature>", "</target>"]
    return ("\n".join(lines) + "\n").encode()


def general_registers(registers: list[Register]) -> list[Register]:
    """What `g`/`G` carry, as in OpenOCD: the general group (r0-r12, sp, lr, pc, xPSR)."""
    return [r for r in registers if r.number <= 16]


def reg_bytes(reg: Register) -> int:
    return (reg.bits + 7) // 8
