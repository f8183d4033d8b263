"""STM32 flash interfaces, register for register, per the reference/programming manuals.

`F1FlashController`: STM32F0/F1 FPEC (RM0091 §3, PM0075): KEYR unlock sequence, CR PG/PER/MER/STRT/LOCK,
AR, SR BSY/PGERR/WRPRTERR/EOP; half-word programming only into erased cells.
`F4FlashController`: STM32F4 (RM0368 §3): KEYR, CR PG/SER/SNB/PSIZE/MER/STRT/LOCK, SR error flags
PGSERR/PGPERR/PGAERR/WRPERR/OPERR and BSY; programming can only clear bits.
Erases take simulated time (datasheet typical values), visible through BSY; a program write completes
before the next bus access, as the silicon stalls the bus while it programs.
"""
from __future__ import annotations

from typing import Callable

KEY1, KEY2 = 0x45670123, 0xCDEF89AB


class FlashMemory:
    """The flash array: bytes that erase to 0xFF, with a page/sector map."""

    def __init__(self, base: int, sectors: list[int]) -> None:
        self.base = base
        self.sectors = sectors  # sector sizes in bytes, in address order
        self.data = bytearray(b"\xff" * sum(sectors))

    @property
    def size(self) -> int:
        return len(self.data)

    def contains(self, address: int) -> bool:
        return self.base <= address < self.base + len(self.data)

    def sector_range(self, index: int) -> tuple[int, int]:
        start = sum(self.sectors[:index])
        return start, start + self.sectors[index]

    def sector_of(self, address: int) -> int:
        offset = address - self.base
        for i, size in enumerate(self.sectors):
            if offset < size:
                return i
            offset -= size
        raise ValueError(f"0x{address:08x} is outside the flash")

    def erase_sector(self, index: int) -> None:
        start, end = self.sector_range(index)
        self.data[start:end] = b"\xff" * (end - start)

    def erase_all(self) -> None:
        self.data[:] = b"\xff" * len(self.data)

    def read(self, address: int, size: int) -> int:
        offset = address - self.base
        return int.from_bytes(self.data[offset:offset + size], "little")

    def store(self, address: int, size: int, value: int) -> None:
        offset = address - self.base
        self.data[offset:offset + size] = value.to_bytes(size, "little")


class _Controller:
    """What both flash interfaces share: ACR/KEYR/SR/CR handling, the unlock sequence and busy time.

    Subclasses give the register offsets and bits (ACR, KEYR, SR, CR, BSY, LOCK, STRT), the writable masks
    (ACR_MASK, SR_CLEAR, CR_MASK), `_erase()`, and `_read_more`/`_write_more` for their other registers.
    """

    def __init__(self, flash: FlashMemory, now: Callable[[], float]) -> None:
        self.flash = flash
        self.now = now
        self.locked = True
        self.key_state = 0           # how much of the key sequence has been seen
        self.locked_until_reset = False
        self.busy_until = 0.0

    @property
    def busy(self) -> bool:
        # Time only moves on, so once an operation is seen finished the clock need not be read again until the
        # next one starts: the clock is read at every program write and SR poll otherwise.
        if not self.busy_until:
            return False
        if self.now() < self.busy_until:
            return True
        self.busy_until = 0.0
        return False

    def _start(self, seconds: float) -> None:
        self.busy_until = max(self.busy_until, self.now()) + seconds

    def read(self, offset: int) -> int:
        if offset == self.ACR:
            return self.acr
        if offset == self.SR:
            return self.sr | (self.BSY if self.busy else 0)
        if offset == self.CR:
            return self.cr_bits | (self.LOCK if self.locked else 0)
        return self._read_more(offset)

    def write(self, offset: int, value: int) -> None:
        if offset == self.ACR:
            self.acr = value & self.ACR_MASK
        elif offset == self.KEYR:
            self._key(value)
        elif offset == self.SR:
            self.sr &= ~(value & self.SR_CLEAR)  # error and EOP flags: write 1 to clear
        elif offset == self.CR:
            if value & self.LOCK:
                self.locked = True
            if self.locked:
                return
            self.cr_bits = value & self.CR_MASK & ~self.STRT
            if value & self.STRT:
                self._erase()
        else:
            self._write_more(offset, value)

    def _read_more(self, offset: int) -> int:
        return 0

    def _write_more(self, offset: int, value: int) -> None:
        pass

    def _key(self, value: int) -> None:
        """KEYR: KEY1 then KEY2 unlocks; anything else locks the interface until the next reset."""
        if self.locked_until_reset or not self.locked:
            self.locked_until_reset = True
            return
        if self.key_state == 0 and value == KEY1:
            self.key_state = 1
        elif self.key_state == 1 and value == KEY2:
            self.locked, self.key_state = False, 0
        else:
            self.locked_until_reset, self.key_state = True, 0


class F1FlashController(_Controller):
    """STM32F0/F1 flash program/erase controller at FLASH_R_BASE 0x40022000."""

    ACR, KEYR, OPTKEYR, SR, CR, AR, OBR, WRPR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x1C, 0x20
    BSY, PGERR, WRPRTERR, EOP = 1 << 0, 1 << 2, 1 << 4, 1 << 5
    PG, PER, MER, OPTPG, OPTER, STRT, LOCK = 1 << 0, 1 << 1, 1 << 2, 1 << 4, 1 << 5, 1 << 6, 1 << 7
    T_PAGE_ERASE, T_MASS_ERASE = 20e-3, 20e-3  # STM32F103 datasheet typical values

    def __init__(self, flash: FlashMemory, now: Callable[[], float], obr: int = 0x03FFFFFC) -> None:
        super().__init__(flash, now)
        self.acr = 0x30
        self.sr = 0
        self.cr_bits = 0
        self.ar = 0
        self.obr = obr
        self.wrpr = 0xFFFFFFFF

    ACR_MASK, SR_CLEAR, CR_MASK = 0x3F, PGERR | WRPRTERR | EOP, 0x1E77

    def _read_more(self, offset: int) -> int:
        return {self.AR: self.ar, self.OBR: self.obr, self.WRPR: self.wrpr}.get(offset, 0)

    def _write_more(self, offset: int, value: int) -> None:
        if offset == self.AR and not self.locked:
            self.ar = value

    def _erase(self) -> None:
        if self.busy:
            return
        if self.cr_bits & self.MER:
            self.flash.erase_all()
            self._start(self.T_MASS_ERASE)
        elif self.cr_bits & self.PER and self.flash.contains(self.ar):
            self.flash.erase_sector(self.flash.sector_of(self.ar))
            self._start(self.T_PAGE_ERASE)
        else:
            return
        self.sr |= self.EOP

    def program(self, address: int, size: int, value: int) -> None:
        """A write into the flash range (from the CPU or the debugger)."""
        if self.locked or not self.cr_bits & self.PG or self.busy:
            return  # a plain write does not change flash
        if size == 1:
            self.sr |= self.PGERR
            return
        for half in range(size // 2):
            addr, data = address + 2 * half, (value >> (16 * half)) & 0xFFFF
            if self.flash.read(addr, 2) != 0xFFFF and data != 0:
                self.sr |= self.PGERR  # only erased half-words may be programmed (0x0000 always may)
                continue
            self.flash.store(addr, 2, data)
        self.sr |= self.EOP


class F4FlashController(_Controller):
    """STM32F4 flash interface at 0x40023C00 (sectors of 16/16/16/16/64/128… KiB)."""

    ACR, KEYR, OPTKEYR, SR, CR, OPTCR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14
    EOP, OPERR, WRPERR, PGAERR, PGPERR, PGSERR, RDERR, BSY = 1, 2, 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8, 1 << 16
    PG, SER, MER, STRT, LOCK = 1 << 0, 1 << 1, 1 << 2, 1 << 16, 1 << 31
    T_SECTOR_16K, T_SECTOR_64K, T_SECTOR_128K, T_MASS = 0.4, 1.1, 2.0, 8.0  # x32 parallelism, typical

    def __init__(self, flash: FlashMemory, now: Callable[[], float]) -> None:
        super().__init__(flash, now)
        self.acr = 0
        self.sr = 0
        self.cr_bits = 0
        self.optcr = 0x0FFFAAED

    ACR_MASK, SR_CLEAR, CR_MASK = 0x1F0F, 0x1F3, 0x0301037F

    def _read_more(self, offset: int) -> int:
        return self.optcr if offset == self.OPTCR else 0

    @property
    def psize_bytes(self) -> int:
        return 1 << ((self.cr_bits >> 8) & 3)

    def _erase(self) -> None:
        if self.busy:
            return
        if self.cr_bits & self.MER:
            self.flash.erase_all()
            self._start(self.T_MASS)
        elif self.cr_bits & self.SER:
            sector = (self.cr_bits >> 3) & 0xF
            if sector >= len(self.flash.sectors):
                self.sr |= self.PGSERR
                return
            self.flash.erase_sector(sector)
            size = self.flash.sectors[sector]
            self._start(self.T_SECTOR_16K if size <= 16384 else self.T_SECTOR_64K if size <= 65536
                        else self.T_SECTOR_128K)
        else:
            self.sr |= self.PGSERR
            return
        self.sr |= self.EOP

    def program(self, address: int, size: int, value: int) -> None:
        if self.locked or self.busy:
            return
        if not self.cr_bits & self.PG:
            self.sr |= self.PGSERR  # a write with no programming set up is a sequence error
            return
        if size != self.psize_bytes:
            self.sr |= self.PGPERR
            return
        if address % size:
            self.sr |= self.PGAERR
            return
        self.flash.store(address, size, self.flash.read(address, size) & value)  # bits only go 1 -> 0
        self.sr |= self.EOP
