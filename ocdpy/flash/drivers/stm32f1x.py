"""`flash bank NAME stm32f1x BASE SIZE 0 0 TARGET`: the STM32F0/F1/F3 flash program/erase controller (FPEC).

Per RM0008 §3 / PM0075 (F1), RM0091 §3 (F0) and RM0316 (F3), and OpenOCD 0.12's stm32f1x driver for what a
user sees (log lines, `flash info` text, protection groups, option byte semantics):

- probe: DBGMCU_IDCODE (0xE0042000 on Cortex-M3/M4, 0x40015800 on Cortex-M0/M0+), its DEV_ID gives page
  size, write-protection granularity and option-byte layout; the flash size register (0x1FFFF7E0 on F1,
  0x1FFFF7CC on F0/F3) gives the size in KiB unless the bank was configured with a non-zero size.
- erase: per page with PER + AR + STRT (the whole bank with MER, as OpenOCD does for 0..last), BSY polled
  with a timeout, then EOP / PGERR / WRPRTERR checked.
- write: half-words with PG set. Fast path: the Thumb loop of stm32f1x_loop.S run from the work area, one
  call per buffer-full; without a (big enough) work area, half-words written through the MEM-AP a chunk at a
  time (the bus stalls while a half-word programs, RM0008 §3.3.3) with SR checked after each chunk.
- protection: WRPR bits, one per group of `pages_per_group` pages (bit 31 covers the rest of a large part);
  option bytes erased and re-programmed (OPTKEYR, OPTER/OPTPG) for `protect`, `lock`, `unlock`,
  `options_write`.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, replace

from ...errors import OcdError
from ..algorithm import Routine, load_routine, saved_registers
from ..driver import FlashDriver, FlashError, Progress, Sector, no_progress

FLASH_R_BASE = 0x40022000
ACR, KEYR, OPTKEYR, SR, CR, AR, OBR, WRPR = 0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x1C, 0x20
# CR
PG, PER, MER, OPTPG, OPTER, STRT, LOCK, OPTWRE, OBL_LAUNCH = 1, 2, 4, 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 9, 1 << 13
# SR
BSY, PGERR, WRPRTERR, EOP = 1, 1 << 2, 1 << 4, 1 << 5
KEY1, KEY2 = 0x45670123, 0xCDEF89AB
OB_BASE = 0x1FFFF800          # RDP, USER, DATA0, DATA1, WRP0..WRP3: one half-word each
OBR_OPTERR, OBR_RDPRT = 1 << 0, 1 << 1

CPUID = 0xE000ED00
# Cortex-M part number -> (DBGMCU_IDCODE address, flash size register address)
PROPERTY_ADDRESSES = {
    0xC20: (0x40015800, 0x1FFFF7CC),   # Cortex-M0: STM32F0
    0xC60: (0x40015800, 0x1FFFF7CC),   # Cortex-M0+: APM32F0
    0xC23: (0xE0042000, 0x1FFFF7E0),   # Cortex-M3: STM32F1
    0xC24: (0xE0042000, 0x1FFFF7CC),   # Cortex-M4: STM32F3
}

PAGE_ERASE_TIMEOUT = 1.0      # s (RM0008: 20-40 ms a page)
MASS_ERASE_TIMEOUT = 5.0
WRITE_TIMEOUT = 0.1           # s for one half-word or one register-level chunk to finish
REGISTER_CHUNK = 1024         # bytes per MEM-AP burst on the register-level path

# stm32f1x_loop.S (42 bytes), built with
#   arm-none-eabi-gcc -mcpu=cortex-m0 -mthumb -nostdlib -c stm32f1x_loop.S -o loop.o
#   arm-none-eabi-objcopy -O binary -j .text loop.o loop.bin
# r0 = FLASH_R_BASE, r1 = half-words, r2 = buffer, r3 = flash address -> r0 = 0 | SR error flags,
# r1 = half-words left, r3 = the failing (or end) address
STM32F1X_LOOP = bytes.fromhex(
    "70b4012404611426002500290ad014881c80c5686c08fcd2354003d1023202330139f1e7280070bc7047")


@dataclass(frozen=True)
class Family:
    """One DEV_ID: OpenOCD's device string and revision names, and the flash geometry."""

    name: str
    page_size: int
    pages_per_group: int          # pages per WRPR bit
    max_kib: int                  # when the flash size register is unreadable
    f0_options: bool = False      # F0/F3 option layout: user bits at OBR[15:8], data at [31:16], RDP 0xAA
    revisions: tuple[tuple[int, str], ...] = ()


_F0_REVS = ((0x1000, "1.0"), (0x2000, "2.0"))
DEVICES: dict[int, Family] = {
    0x410: Family("STM32F10x (Medium Density)", 1024, 4, 128,
                  revisions=((0x0000, "A"), (0x2000, "B"), (0x2001, "Z"), (0x2003, "Y"))),
    0x412: Family("STM32F10x (Low Density)", 1024, 4, 32, revisions=((0x1000, "A"),)),
    0x414: Family("STM32F10x (High Density)", 2048, 2, 512, revisions=((0x1000, "A"), (0x1001, "Z"), (0x1003, "Y"))),
    0x418: Family("STM32F10x (Connectivity)", 2048, 2, 256, revisions=((0x1000, "A"), (0x1001, "Z"))),
    0x420: Family("STM32F100 (Low/Medium Density)", 1024, 4, 128, revisions=((0x1000, "A"), (0x1001, "Z"))),
    0x428: Family("STM32F100 (High Density)", 2048, 4, 512, revisions=((0x1000, "A"), (0x1001, "Z"))),
    0x422: Family("STM32F302xB/C", 2048, 2, 256, True, ((0x1000, "A"), (0x1001, "Z"), (0x1003, "Y"), (0x2000, "B"))),
    0x446: Family("STM32F303xD/E", 2048, 2, 512, True, ((0x1000, "A"),)),
    0x432: Family("STM32F37x", 2048, 2, 256, True, ((0x1000, "A"), (0x2000, "B"))),
    0x438: Family("STM32F33x", 2048, 2, 64, True, ((0x1000, "A"),)),
    0x439: Family("STM32F302x6/8", 2048, 2, 64, True, ((0x1000, "A"), (0x1001, "Z"))),
    0x444: Family("STM32F03x", 1024, 4, 32, True, _F0_REVS),
    0x445: Family("STM32F04x", 1024, 4, 32, True, _F0_REVS),
    0x440: Family("STM32F05x", 1024, 4, 64, True, _F0_REVS),
    0x448: Family("STM32F07x", 2048, 4, 128, True, _F0_REVS),
    0x442: Family("STM32F09x", 2048, 4, 256, True, _F0_REVS),
}


@dataclass
class Options:
    """The option bytes as OpenOCD keeps them: RDP byte, USER bits, 16 data bits, the 32 nWRP bits."""

    rdp: int
    user: int
    data: int
    protection: int

    def halfwords(self) -> list[int]:
        p = self.protection
        return [self.rdp, self.user, self.data & 0xFF, self.data >> 8,
                p & 0xFF, (p >> 8) & 0xFF, (p >> 16) & 0xFF, (p >> 24) & 0xFF]


def _flag_text(status: int) -> str:
    flags = []
    if status & WRPRTERR:
        flags.append("WRPRTERR (write protected)")
    if status & PGERR:
        flags.append("PGERR (flash not erased)")
    return ", ".join(flags)


class Stm32f1x(FlashDriver):
    def __init__(self, bank, log) -> None:
        super().__init__(bank, log)
        self.idcode = 0
        self.family: Family | None = None

    # -- identity ---------------------------------------------------------------------------------------
    def _addresses(self) -> tuple[int, int]:
        cpuid = getattr(getattr(self.target.core, "info", None), "cpuid", 0) or self.mem.read_u32(CPUID)
        addresses = PROPERTY_ADDRESSES.get((cpuid >> 4) & 0xFFF)
        if addresses is None:
            raise FlashError("Cannot identify target as a stm32x")
        return addresses

    def probe(self) -> None:
        self.probed = False
        idcode_address, size_address = self._addresses()
        self.idcode = self.mem.read_u32(idcode_address)
        self.log.info(f"device id = 0x{self.idcode:08x}")
        family = DEVICES.get(self.idcode & 0xFFF)
        if family is None:
            self.log.warning("Cannot identify target as a STM32 family.")
            raise FlashError(f"stm32f1x: unknown device id 0x{self.idcode & 0xFFF:03x} "
                             f"(DBGMCU_IDCODE 0x{self.idcode:08x}): not an STM32F0/F1/F3")
        try:
            kib = self.mem.read_u32(size_address & ~3) >> (8 * (size_address & 3)) & 0xFFFF
        except OcdError:
            kib = 0
        if kib in (0, 0xFFFF):
            self.log.warning(f"STM32 flash size failed, probe inaccurate - assuming {family.max_kib}k flash")
            kib = family.max_kib
        if self.bank.size:
            self.log.info("ignoring flash probed value, using configured bank size")
            kib = self.bank.size // 1024
        self.log.info(f"flash size = {kib} KiB")
        pages = kib * 1024 // family.page_size
        if pages <= 0:
            raise FlashError(f"stm32f1x: flash bank '{self.bank.name}' of {kib} KiB holds no page")
        self.family = family
        self.sectors = [Sector(i * family.page_size, family.page_size) for i in range(pages)]
        group = family.pages_per_group * family.page_size
        blocks = min(pages // family.pages_per_group, 32)
        self.protection_blocks = [Sector(i * group, group) for i in range(blocks)]
        if blocks == 32:   # WRPR bit 31 covers every page after the 31st group
            self.protection_blocks[31].size = (pages - 31 * family.pages_per_group) * family.page_size
        self.probed = True

    @property
    def revision(self) -> int:
        return self.idcode >> 16

    def info(self) -> str:
        family = DEVICES.get(self.idcode & 0xFFF)
        if family is None:
            return "Cannot identify target as a STM32F0/1/3"
        rev = dict(family.revisions).get(self.revision)
        return f"{family.name} - Rev: {rev}" if rev else f"{family.name} - Rev: unknown (0x{self.revision:04x})"

    # option-byte layout (OpenOCD's user_data_offset / option_offset / default_rdp / can_load_options)
    @property
    def user_data_offset(self) -> int:
        return 16 if self.family and self.family.f0_options else 10

    @property
    def option_offset(self) -> int:
        return 6 if self.family and self.family.f0_options else 0

    @property
    def default_rdp(self) -> int:
        return 0xAA if self.family and self.family.f0_options else 0xA5

    @property
    def can_load_options(self) -> bool:
        return bool(self.family and self.family.f0_options)

    # -- controller primitives --------------------------------------------------------------------------
    def _reg(self, offset: int) -> int:
        return self.mem.read_u32(FLASH_R_BASE + offset)

    def _set(self, offset: int, value: int) -> None:
        self.mem.write_u32(FLASH_R_BASE + offset, value)

    def unlock(self) -> None:
        """The KEYR sequence; a controller that stays locked (a wrong key was written) is an error."""
        if not self._reg(CR) & LOCK:
            return
        self._set(KEYR, KEY1)
        self._set(KEYR, KEY2)
        if self._reg(CR) & LOCK:
            raise FlashError("stm32f1x: the flash controller stays locked after the unlock key sequence (a wrong "
                             "key locks FLASH_CR until the next reset: run 'reset halt' and try again)")

    def lock(self) -> None:
        self._set(CR, 0)
        self._set(CR, LOCK)

    def _unlock_options(self) -> None:
        self.unlock()
        self._set(OPTKEYR, KEY1)
        self._set(OPTKEYR, KEY2)

    def _clear_status(self) -> None:
        self._set(SR, PGERR | WRPRTERR | EOP)

    def _wait_idle(self, timeout: float, what: str, address: int) -> int:
        """Poll SR until BSY clears; returns SR."""
        deadline = time.monotonic() + timeout
        while True:
            status = self._reg(SR)
            if not status & BSY:
                return status
            if time.monotonic() > deadline:
                raise FlashError(f"stm32f1x: timed out waiting for flash ({what} at 0x{address:08x}, "
                                 f"SR 0x{status:02x})")
            time.sleep(0.001)

    def _wait(self, timeout: float, what: str, address: int, need_eop: bool = False) -> None:
        """Wait for BSY to clear, then fail on PGERR/WRPRTERR (clearing them) or, if asked, a missing EOP."""
        status = self._wait_idle(timeout, what, address)
        self._check(status, what, address)
        if need_eop and not status & EOP:
            raise FlashError(f"stm32f1x: {what} at 0x{address:08x} did not complete (no EOP in SR 0x{status:02x})")
        if status & EOP:
            self._set(SR, EOP)

    def _check(self, status: int, what: str, address: int) -> None:
        if status & (PGERR | WRPRTERR):
            self._clear_status()
            raise FlashError(f"stm32f1x: {what} failed at address 0x{address:08x}: {_flag_text(status)}")

    @contextlib.contextmanager
    def _unlocked(self, options: bool = False):
        self.require_halted()
        if options:
            self._unlock_options()
        else:
            self.unlock()
        try:
            self._clear_status()
            yield
        finally:
            self.lock()

    # -- erase ------------------------------------------------------------------------------------------
    def erase(self, first: int, last: int, progress: Progress = no_progress) -> None:
        if not 0 <= first <= last < len(self.sectors):
            raise FlashError(f"stm32f1x: no pages {first}..{last} in flash bank '{self.bank.name}' "
                             f"(0..{len(self.sectors) - 1})")
        if first == 0 and last == len(self.sectors) - 1:
            self.mass_erase(progress)
            return
        total = sum(s.size for s in self.sectors[first:last + 1])
        done = 0
        with self._unlocked():
            for index in range(first, last + 1):
                address = self.base + self.sectors[index].offset
                self._set(CR, PER)
                self._set(AR, address)
                self._set(CR, PER | STRT)
                self._wait(PAGE_ERASE_TIMEOUT, "page erase", address, need_eop=True)
                done += self.sectors[index].size
                progress("erase", done, total)

    def mass_erase(self, progress: Progress = no_progress) -> None:
        with self._unlocked():
            self._set(CR, MER)
            self._set(CR, MER | STRT)
            self._wait(MASS_ERASE_TIMEOUT, "mass erase", self.base, need_eop=True)
        progress("erase", self.size, self.size)

    # -- write ------------------------------------------------------------------------------------------
    def write(self, offset: int, data: bytes, progress: Progress = no_progress) -> None:
        if offset % 2:
            raise FlashError(f"stm32f1x: write at 0x{self.base + offset:08x} is not half-word aligned")
        data = bytes(data) + b"\xff" * (len(data) % 2)
        if not data:
            return
        self.sector_at(offset)
        self.sector_at(offset + len(data) - 1)
        with self._unlocked():
            routine = load_routine(self.target, STM32F1X_LOOP, self.log)
            if routine is not None:
                with saved_registers(self.target.core):
                    self._write_routine(routine, self.base + offset, data, progress)
            else:
                self._write_registers(self.base + offset, data, progress)

    def _write_routine(self, routine: Routine, address: int, data: bytes, progress: Progress) -> None:
        core = self.target.core
        done = 0
        while done < len(data):
            chunk = data[done:done + routine.buffer_size]
            core.mem.write(routine.buffer, chunk + b"\xff" * (-len(chunk) % 4), 4)
            halfwords = len(chunk) // 2
            status, _left, at = routine.run([FLASH_R_BASE, halfwords, routine.buffer, address + done],
                                            timeout=1.0 + halfwords * 1e-4, results=("r0", "r1", "r3"))
            if status:
                self._set(CR, 0)
                self._clear_status()
                raise FlashError(f"stm32f1x: flash write failed at address 0x{at:08x}: {_flag_text(status)}")
            done += len(chunk)
            progress("write", done, len(data))

    def _write_registers(self, address: int, data: bytes, progress: Progress) -> None:
        self._set(CR, PG)
        done = 0
        while done < len(data):
            chunk = data[done:done + REGISTER_CHUNK]
            start = address + done
            self.mem.write(start, chunk, 2)
            status = self._wait_idle(WRITE_TIMEOUT, "flash write", start)
            if status & (PGERR | WRPRTERR):
                self._check(status, "flash write", self._first_mismatch(start, chunk))
            done += len(chunk)
            progress("write", done, len(data))

    def _first_mismatch(self, start: int, chunk: bytes) -> int:
        """PG off first, so the read-back sees the array, then the base class's search."""
        self._set(CR, 0)
        return self.first_mismatch(start, chunk)

    # -- protection and option bytes --------------------------------------------------------------------
    def protect_check(self) -> None:
        wrpr = self._reg(WRPR)
        for i, block in enumerate(self.protection_blocks):
            block.protected = not wrpr & (1 << i)
        if not self.protection_blocks:
            return
        group = self.protection_blocks[0].size
        for sector in self.sectors:
            sector.protected = self.protection_blocks[min(sector.offset // group, len(self.protection_blocks) - 1)].protected

    def read_options(self) -> Options:
        obr = self._reg(OBR)
        return Options(rdp=0 if obr & OBR_RDPRT else self.default_rdp,
                       user=(obr >> self.option_offset >> 2) & 0xFF,
                       data=(obr >> self.user_data_offset) & 0xFFFF,
                       protection=self._reg(WRPR))

    def erase_options(self) -> Options:
        """Erase the option bytes; returns what they held, with read protection back at its default."""
        self.require_halted()
        options = self.read_options()
        self._unlock_options()
        try:
            self._clear_status()
            self._set(CR, OPTER | OPTWRE)
            self._set(CR, OPTER | STRT | OPTWRE)
            self._wait(PAGE_ERASE_TIMEOUT, "option byte erase", OB_BASE)
        except OcdError:
            self.lock()
            raise
        return replace(options, rdp=self.default_rdp)

    def write_options(self, options: Options) -> None:
        with self._unlocked(options=True):
            self._set(CR, OPTPG | OPTWRE)
            for i, value in enumerate(options.halfwords()):
                self.mem.write(OB_BASE + 2 * i, value.to_bytes(2, "little"), 2)
                self._wait(WRITE_TIMEOUT, "option byte write", OB_BASE + 2 * i)

    def protect(self, enable: bool, first: int, last: int) -> None:
        """Set or clear write protection of protection groups first..last (OpenOCD's prot blocks)."""
        if not 0 <= first <= last < len(self.protection_blocks):
            raise FlashError(f"stm32f1x: no protection blocks {first}..{last} (0..{len(self.protection_blocks) - 1})")
        options = self.erase_options()
        for i in range(first, last + 1):
            options.protection = options.protection & ~(1 << i) if enable else options.protection | (1 << i)
        self.write_options(options)

    def set_readout_protection(self, enable: bool) -> None:
        """`stm32f1x lock` (RDP byte 0: read protection on) / `unlock` (RDP back to its default)."""
        options = self.erase_options()
        if enable:
            options.rdp = 0
        self.write_options(options)

    def options_load(self) -> None:
        """F0/F3: OBL_LAUNCH reloads the option bytes (a system reset)."""
        if not self.can_load_options:
            raise FlashError("Command not applicable to stm32f1x devices - power cycle is required instead.")
        self.require_halted()
        self.unlock()
        self._set(CR, OBL_LAUNCH)
