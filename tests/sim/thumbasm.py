"""A tiny two-pass Thumb assembler for the simulator tests: enough instructions to write test programs by hand,
without a cross compiler. Encodings per the ARMv7-M ARM (A7.7); every instruction here exists on ARMv6-M
unless marked Thumb-2."""
from __future__ import annotations

import struct
from typing import Callable

COND = {"eq": 0, "ne": 1, "cs": 2, "cc": 3, "mi": 4, "pl": 5, "vs": 6, "vc": 7, "hi": 8, "ls": 9, "ge": 10,
        "lt": 11, "gt": 12, "le": 13}
SYSREG = {"apsr": 0, "iapsr": 1, "xpsr": 3, "ipsr": 5, "msp": 8, "psp": 9, "primask": 16, "basepri": 17,
          "faultmask": 19, "control": 20}
SP, LR, PC = 13, 14, 15


class Asm:
    def __init__(self, base: int) -> None:
        self.base = base
        self._items: list[tuple[int, Callable[[int], bytes]]] = []  # (size, encoder(address)) ; size -1 = align
        self.labels: dict[str, int] = {}
        self._pending_labels: list[tuple[str, int]] = []
        self._literals: dict[int, str] = {}
        self._size = 0

    # -- layout ----------------------------------------------------------------------------------------------
    def here(self) -> int:
        return self.base + self._size

    def label(self, name: str) -> int:
        self.labels[name] = self.here()
        return self.labels[name]

    def _emit(self, size: int, encoder: Callable[[int], bytes]) -> int:
        address = self.here()
        self._items.append((size, encoder))
        self._size += size
        return address

    def raw(self, data: bytes) -> int:
        return self._emit(len(data), lambda a: data)

    def hw(self, *halfwords: int) -> int:
        return self.raw(struct.pack(f"<{len(halfwords)}H", *halfwords))

    def word(self, value: int | str) -> int:
        return self._emit(4, lambda a: struct.pack("<I", self._value(value)))

    def vector(self, label: str) -> int:
        return self._emit(4, lambda a: struct.pack("<I", self.labels[label] | 1))

    def align(self, n: int = 4) -> None:
        pad = -self.here() % n
        if pad:
            self.raw(b"\x00\xbf" * (pad // 2) if pad % 2 == 0 else b"\x00" * pad)  # NOPs

    def _value(self, value: int | str) -> int:
        return self.labels[value] if isinstance(value, str) else value

    def _label_or_address(self, target: int | str, address: int) -> int:
        return self.labels[target] if isinstance(target, str) else target

    # -- data processing (16-bit) ----------------------------------------------------------------------------
    def movs(self, rd: int, imm: int) -> int:
        return self.hw(0x2000 | rd << 8 | imm)

    def adds(self, rd: int, imm: int) -> int:
        return self.hw(0x3000 | rd << 8 | imm)

    def subs(self, rd: int, imm: int) -> int:
        return self.hw(0x3800 | rd << 8 | imm)

    def adds_reg(self, rd: int, rn: int, rm: int) -> int:
        return self.hw(0x1800 | rm << 6 | rn << 3 | rd)

    def cmp(self, rn: int, imm: int) -> int:
        return self.hw(0x2800 | rn << 8 | imm)

    def mov(self, rd: int, rm: int) -> int:
        return self.hw(0x4600 | (rd & 8) << 4 | rm << 3 | (rd & 7))

    def lsls(self, rd: int, rm: int, imm: int) -> int:
        return self.hw(imm << 6 | rm << 3 | rd)

    def eors(self, rdn: int, rm: int) -> int:
        return self.hw(0x4040 | rm << 3 | rdn)

    def orrs(self, rdn: int, rm: int) -> int:
        return self.hw(0x4300 | rm << 3 | rdn)

    # -- memory ----------------------------------------------------------------------------------------------
    def ldr(self, rt: int, rn: int, offset: int = 0) -> int:
        return self.hw(0x6800 | (offset // 4) << 6 | rn << 3 | rt)

    def str(self, rt: int, rn: int, offset: int = 0) -> int:
        return self.hw(0x6000 | (offset // 4) << 6 | rn << 3 | rt)

    def strh(self, rt: int, rn: int, offset: int = 0) -> int:
        return self.hw(0x8000 | (offset // 2) << 6 | rn << 3 | rt)

    def ldr_label(self, rt: int, label: str) -> int:
        def encode(address: int) -> bytes:
            offset = self.labels[label] - ((address + 4) & ~3)
            assert offset >= 0 and offset % 4 == 0 and offset < 1024, (label, offset)
            return struct.pack("<H", 0x4800 | rt << 8 | offset // 4)
        return self._emit(2, encode)

    def ldr_const(self, rt: int, value: int) -> int:
        """LDR rt, =value (from the next `pool()`)."""
        name = self._literals.setdefault(value & 0xFFFFFFFF, f"__lit{len(self._literals)}")
        return self.ldr_label(rt, name)

    def pool(self) -> None:
        self.align(4)
        for value, name in self._literals.items():
            if name not in self.labels:
                self.label(name)
                self.word(value)

    def push(self, *regs: int) -> int:
        return self.hw(0xB400 | (0x100 if LR in regs else 0) | sum(1 << r for r in regs if r < 8))

    def pop(self, *regs: int) -> int:
        return self.hw(0xBC00 | (0x100 if PC in regs else 0) | sum(1 << r for r in regs if r < 8))

    # -- branches --------------------------------------------------------------------------------------------
    def b(self, target: int | str, cond: str | None = None) -> int:
        def encode(address: int) -> bytes:
            offset = self._label_or_address(target, address) - (address + 4)
            if cond is None:
                assert -2048 <= offset < 2048
                return struct.pack("<H", 0xE000 | (offset >> 1) & 0x7FF)
            assert -256 <= offset < 256
            return struct.pack("<H", 0xD000 | COND[cond] << 8 | (offset >> 1) & 0xFF)
        return self._emit(2, encode)

    def bl(self, target: int | str) -> int:
        def encode(address: int) -> bytes:
            offset = self._label_or_address(target, address) - (address + 4)
            s = (offset >> 24) & 1
            i1, i2 = (offset >> 23) & 1, (offset >> 22) & 1
            j1, j2 = (~(i1 ^ s)) & 1, (~(i2 ^ s)) & 1
            return struct.pack("<HH", 0xF000 | s << 10 | (offset >> 12) & 0x3FF,
                               0xD000 | j1 << 13 | j2 << 11 | (offset >> 1) & 0x7FF)
        return self._emit(4, encode)

    def bx(self, rm: int) -> int:
        return self.hw(0x4700 | rm << 3)

    def blx(self, rm: int) -> int:
        return self.hw(0x4780 | rm << 3)

    def it(self, cond: str, pattern: str = "") -> int:
        """IT{pattern} cond, e.g. it("eq", "e") for ITE EQ (Thumb-2)."""
        fc = COND[cond]
        mask = 0
        for i, ch in enumerate(pattern):
            bit = fc & 1 if ch == "t" else (~fc) & 1
            mask |= bit << (3 - i)
        mask |= 1 << (3 - len(pattern))
        return self.hw(0xBF00 | fc << 4 | mask)

    # -- system ----------------------------------------------------------------------------------------------
    def svc(self, imm: int) -> int:
        return self.hw(0xDF00 | imm)

    def bkpt(self, imm: int = 0) -> int:
        return self.hw(0xBE00 | imm)

    def udf(self, imm: int = 0) -> int:
        return self.hw(0xDE00 | imm)

    def nop(self) -> int:
        return self.hw(0xBF00)

    def wfi(self) -> int:
        return self.hw(0xBF30)

    def wfe(self) -> int:
        return self.hw(0xBF20)

    def cpsie(self) -> int:
        return self.hw(0xB662)

    def cpsid(self) -> int:
        return self.hw(0xB672)

    def mrs(self, rd: int, sysreg: str) -> int:
        return self.hw(0xF3EF, 0x8000 | rd << 8 | SYSREG[sysreg])

    def msr(self, sysreg: str, rn: int) -> int:
        return self.hw(0xF380 | rn, 0x8800 | SYSREG[sysreg])

    def dsb(self) -> int:
        return self.hw(0xF3BF, 0x8F4F)

    def isb(self) -> int:
        return self.hw(0xF3BF, 0x8F6F)

    def mov_w(self, rd: int, imm8: int) -> int:
        """MOV.W rd, #imm8 (Thumb-2 only: undefined on ARMv6-M)."""
        return self.hw(0xF04F, rd << 8 | imm8)

    # -- output ----------------------------------------------------------------------------------------------
    def assemble(self) -> bytes:
        out = bytearray()
        address = self.base
        for size, encoder in self._items:
            data = encoder(address)
            assert len(data) == size
            out += data
            address += size
        return bytes(out)


def vector_table(asm: Asm, sp: int, handlers: dict[int, str], default: str = "default_handler",
                 count: int = 48) -> None:
    """Emit a vector table: word 0 the initial SP, then handler labels (exception number -> label)."""
    asm.word(sp)
    for exc in range(1, count):
        asm.vector(handlers.get(exc, default))
