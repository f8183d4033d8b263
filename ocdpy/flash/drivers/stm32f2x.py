"""`stm32f2x`: the flash interface of the STM32F2, F4 and F7 (RM0033, RM0090, RM0368, RM0385/RM0410/RM0431),
behaving as OpenOCD 0.12's driver of that name does.

The interface sits at FLASH_R_BASE 0x40023C00: KEYR unlocks CR, OPTKEYR unlocks OPTCR; sectors of 16/16/16/16/
64/128… KiB (32/…/128/256 KiB on the F74x/F75x) are erased one at a time (CR.SER + SNB + STRT, BSY) or all at
once (MER, MER1 for the second bank); programming sets CR.PG with the parallelism in PSIZE and writes one unit
per bus write. Like OpenOCD this driver programs and erases with x16 parallelism (PSIZE = 01), which the
silicon accepts from 2.1 V up (x32 would need 2.7-3.6 V, x64 an external VPP).

Writing runs a small Thumb loop (stm32f2x_write.S, WRITE_LOOP below) from the target's work area, one buffer
of data per run; without a usable work area it falls back to register-level programming (PG set once, then
batched half-word bus writes and one FLASH_SR check per batch: the flash stalls the bus while it programs).

The one-time-programmable area (0x1FFF7800, F7: 0x1FF0F000) is a bank of its own with the same driver:
512 (1024) bytes in 32 (64) byte blocks, each with a lock byte after the area; it is written only after
`stm32f2x otp N enable`, and never erased.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from ...errors import OcdError
from ..algorithm import Routine, load_routine, saved_registers
from ..driver import FlashDriver, FlashError, Progress, Sector, no_progress

FLASH_R_BASE = 0x40023C00
ACR, KEYR, OPTKEYR, SR, CR, OPTCR, OPTCR1, OPTCR2 = (FLASH_R_BASE + o for o in range(0, 0x20, 4))
KEY1, KEY2 = 0x45670123, 0xCDEF89AB
OPTKEY1, OPTKEY2 = 0x08192A3B, 0x4C5D6E7F

# FLASH_CR
CR_PG, CR_SER, CR_MER, CR_MER1, CR_STRT, CR_LOCK = 1 << 0, 1 << 1, 1 << 2, 1 << 15, 1 << 16, 1 << 31
PSIZE_8, PSIZE_16, PSIZE_32 = 0 << 8, 1 << 8, 2 << 8
# FLASH_SR
SR_EOP, SR_OPERR, SR_WRPERR, SR_PGAERR, SR_PGPERR, SR_PGSERR, SR_BSY = 1, 2, 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 16
SR_ERRORS = SR_PGSERR | SR_PGPERR | SR_PGAERR | SR_WRPERR | SR_OPERR
ERROR_WORDS = ((SR_PGSERR, "PGSERR", "programming sequence error"),
               (SR_PGPERR, "PGPERR", "programming parallelism error"),
               (SR_PGAERR, "PGAERR", "programming alignment error"),
               (SR_WRPERR, "WRPERR", "write protection error"),
               (SR_OPERR, "OPERR", "operation error"))
# FLASH_OPTCR
OPTCR_LOCK, OPTCR_START, OPTCR_NDBANK, OPTCR_DB1M = 1 << 0, 1 << 1, 1 << 29, 1 << 30
OPTCR2_PCROP_RDP = 1 << 31

DBGMCU_IDCODE, CPUID = 0xE0042000, 0xE000ED00
MAIN_FLASH_BASE = 0x08000000
OTP_BANKS = {0x1FFF7800: (512, 32), 0x1FF0F000: (1024, 64)}   # base: (size, block size); lock bytes follow

# Timeouts from the datasheets' maxima at x8 (the slowest parallelism), with margin: 800 ms per 16 KiB sector,
# 4 s per 128 KiB, 32 s for a mass erase (OpenOCD waits 33 s); one half-word programs in at most 100 µs.
ERASE_TIMEOUT_PER_KIB = 0.04
MASS_ERASE_TIMEOUT = 33.0
PROGRAM_TIMEOUT = 0.005
CHUNK = 16384          # bytes per run of the flash loop (OpenOCD's buffer size) and per progress report
REGISTER_BATCH = 1024  # bytes per batch of register-level half-word writes

# stm32f2x_write.S, built with
#   arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -nostdlib -c stm32f2x_write.S -o w.o &&
#   arm-none-eabi-objcopy -O binary -j .text w.o w.bin
# r0 = source, r1 = flash address, r2 = half-words, r3 = FLASH_R_BASE -> r0 = SR error flags or 0, r1 = address
WRITE_LOOP = bytes.fromhex(
    "40f201141c618ab130f8024b21f8024bbff34f8fdc6814f4803ffbd114f0f204"
    "01d1013aefe70239204600e0002000241c617047")


@dataclass(frozen=True)
class Part:
    """One device family by DBGMCU DEV_ID, as OpenOCD's probe and info tell them apart."""

    name: str                      # as `flash info` prints it
    max_kib: int                   # when the flash size register cannot be read
    revisions: tuple[tuple[int, str], ...]
    max_sector_kib: int = 128
    size_register: int = 0x1FFF7A22
    extra_options: bool = False    # F42x/43x/469/479/7xx: user option bits in OPTCR[31:28]
    boot_addr: bool = False        # F7xx: OPTCR1 holds BOOT_ADD0/BOOT_ADD1
    optcr2_pcrop: bool = False     # F72x/73x
    protection_bits: int = 12      # nWRP bits in OPTCR


_F2_REVS = ((0x1000, "A"), (0x2000, "B"), (0x1001, "Z"), (0x2001, "Y"), (0x2003, "X"), (0x2007, "1"),
            (0x200F, "V"), (0x201F, "2"))
_F4_REVS = ((0x1000, "A"), (0x1001, "Z"), (0x1003, "Y"), (0x1007, "1"), (0x2001, "3"))
_F4LP_REVS = ((0x1000, "A"), (0x1001, "Z"), (0x2000, "B"), (0x3000, "C"))
_AZ = ((0x1000, "A"), (0x1001, "Z"))
_A = ((0x1000, "A"),)

PARTS = {
    0x411: Part("STM32F2xx", 1024, _F2_REVS),                              # F20x/21x
    0x413: Part("STM32F4xx", 1024, _F4_REVS),                              # F40x/41x
    0x419: Part("STM32F4xx", 2048, _F4_REVS, extra_options=True),          # F42x/43x
    0x434: Part("STM32F4xx", 2048, _F4_REVS, extra_options=True),          # F469/479
    0x423: Part("STM32F4xx (Low Power)", 256, _F4LP_REVS),                 # F401xB/C
    0x433: Part("STM32F4xx (Low Power)", 512, _F4LP_REVS),                 # F401xD/E
    0x431: Part("STM32F4xx (Low Power)", 512, _F4LP_REVS),                 # F411
    0x441: Part("STM32F4xx (Low Power)", 512, _F4LP_REVS),                 # F412
    0x458: Part("STM32F4xx (Low Power)", 128, _F4LP_REVS),                 # F410
    0x421: Part("STM32F446", 512, _A),
    0x463: Part("STM32F4[1|2]3", 1536, _A, extra_options=True, protection_bits=15),
    0x449: Part("STM32F7[4|5]x", 1024, _AZ, 256, 0x1FF0F442, True, True),
    0x451: Part("STM32F7[6|7]x", 2048, _AZ, 256, 0x1FF0F442, True, True),
    0x452: Part("STM32F7[2|3]x", 512, _A, 128, 0x1FF07A22, True, True, True),
}


@dataclass
class Options:
    """The option bytes as FLASH_OPTCR/OPTCR1/OPTCR2 show them (OpenOCD's stm32x_options)."""

    user_options: int     # OPTCR[7:2] (and the extra bits OPTCR[31:28] as bits 8-11)
    rdp: int              # OPTCR[15:8]: 0xAA level 0, 0xCC level 2, anything else level 1
    protection: int       # nWRP: bit i set = sector (block) i not write-protected
    boot_addr: int = 0    # F7: OPTCR1
    optcr2: int = 0       # F72x/73x: PCROP


def sr_words(status: int) -> str:
    """FLASH_SR's error flags in words: 'write protection error (WRPERR)'."""
    found = [f"{words} ({name})" for bit, name, words in ERROR_WORDS if status & bit]
    return ", ".join(found) or f"FLASH_SR 0x{status:08x}"


def sector_layout(size_kib: int, max_sector_kib: int) -> list[int]:
    """Sector sizes in bytes of one bank of `size_kib`: 4 of max/8, 1 of max/2, then max; the last one clipped."""
    sizes, left, index = [], size_kib, 0
    while left > 0:
        kib = max_sector_kib // 8 if index < 4 else max_sector_kib // 2 if index == 4 else max_sector_kib
        kib = min(kib, left)
        sizes.append(kib * 1024)
        left -= kib
        index += 1
    return sizes


class Stm32f2x(FlashDriver):
    write_alignment = 2

    def __init__(self, bank, log) -> None:
        super().__init__(bank, log)
        self.user_bank_size = bank.size      # `flash bank` size: 0 = read the flash size register
        self.otp = OTP_BANKS.get(bank.base)  # (size, block size) of an OTP bank
        self.otp_unlocked = False
        self.part: Part | None = None
        self.device_id = 0
        self.dual_bank = False               # F42x/43x/469/479/76x/77x with two banks of sectors
        self._block_of: list[int] = []       # sector index -> nWRP bit
        self.options: Options | None = None

    # -- identification ---------------------------------------------------------------------------------
    def read_device_id(self) -> int:
        """DBGMCU_IDCODE, with the STM32F4 rev A erratum (it reads as an F2's 0x411) corrected as OpenOCD does."""
        idcode = self.mem.read_u32(DBGMCU_IDCODE)
        if idcode & 0xFFF == 0x411 and (self.mem.read_u32(CPUID) >> 4) & 0xFFF == 0xC24:
            idcode = (idcode & ~((0xFFFF << 16) | 0xFFF)) | (0x1000 << 16) | 0x413
            self.log.info("stm32f4x errata detected - fixing incorrect MCU_IDCODE")
        return idcode

    def probe(self) -> None:
        self.probed = False
        self.protection_blocks, self._block_of = [], []
        if self.otp:
            size, block = self.otp
            self.log.info(f"flash size = {size} bytes")
            self.sectors = [Sector(o, block, protected=False, erased=True) for o in range(0, size, block)]
            self.bank.size = size
            self.probed = True
            return
        idcode = self.read_device_id()
        self.log.info(f"device id = 0x{idcode:08x}")
        dev_id = idcode & 0xFFF
        part = PARTS.get(dev_id)
        if part is None:
            self.log.warning("Cannot identify target as a STM32 family.")
            raise FlashError(f"stm32f2x: device id 0x{idcode:08x} (DEV_ID 0x{dev_id:03x}) is not an STM32F2/F4/F7")
        self.part, self.device_id = part, idcode
        try:
            size_kib = int.from_bytes(self.mem.read(part.size_register, 2, 2), "little")
        except OcdError:
            size_kib = 0
        if size_kib in (0, 0xFFFF):
            self.log.warning(f"STM32 flash size failed, probe inaccurate - assuming {part.max_kib}k flash")
            size_kib = part.max_kib
        if self.user_bank_size:
            self.log.info("ignoring flash probed value, using configured bank size")
            size_kib = self.user_bank_size // 1024
        self.log.info(f"flash size = {size_kib} KiB")

        max_sector = part.max_sector_kib
        self.dual_bank = False
        if dev_id in (0x419, 0x434):
            self.dual_bank = size_kib > 1024 or bool(self.mem.read_u32(OPTCR) & OPTCR_DB1M)
            self.log.info(f"{'Dual' if self.dual_bank else 'Single'} Bank {size_kib} kiB "
                          f"STM32F42x/43x/469/479 found")
        elif dev_id == 0x451:
            self.dual_bank = not self.mem.read_u32(OPTCR) & OPTCR_NDBANK
            if self.dual_bank:
                max_sector //= 2   # sectors are half as large in dual-bank mode
            self.log.info(f"{'Dual' if self.dual_bank else 'Single'} Bank {size_kib} kiB STM32F76x/77x found")

        per_bank = size_kib // 2 if self.dual_bank else size_kib
        sizes = sector_layout(per_bank, max_sector)
        if sizes and sizes[-1] < self._nominal(len(sizes) - 1, max_sector):
            self.log.info(f"{'Dual' if self.dual_bank else 'Single'} Bank {size_kib} kiB final sector clipped "
                          f"to {sizes[-1] // 1024} kiB")
        if self.dual_bank:
            sizes = sizes + sizes
        self.sectors, offset = [], 0
        for size in sizes:
            self.sectors.append(Sector(offset, size, protected=False))
            offset += size
        self._protection_map(dev_id)
        self.bank.base = MAIN_FLASH_BASE
        self.bank.size = offset
        self.probed = True

    @staticmethod
    def _nominal(index: int, max_sector: int) -> int:
        return 1024 * (max_sector // 8 if index < 4 else max_sector // 2 if index == 4 else max_sector)

    def _protection_map(self, dev_id: int) -> None:
        """Which nWRP bit guards each sector: one per sector, except the F413/423 (sectors 14 and 15 share
        bit 14) and the F76x/77x in dual-bank mode (one bit per two adjacent sectors)."""
        count = len(self.sectors)
        if dev_id == 0x451 and self.dual_bank:
            self._block_of = [i // 2 for i in range(count)]
        elif dev_id == 0x463:
            self._block_of = [min(i, 14) for i in range(count)]
        else:
            self._block_of = list(range(count))
            return
        blocks: dict[int, Sector] = {}
        for sector, bit in zip(self.sectors, self._block_of):
            block = blocks.setdefault(bit, Sector(sector.offset, 0, protected=False))
            block.size += sector.size
        self.protection_blocks = [blocks[b] for b in sorted(blocks)]

    def info(self) -> str:
        idcode = self.read_device_id()
        part = PARTS.get(idcode & 0xFFF)
        if part is None:
            return "Cannot identify target as a STM32F2/4/7"
        rev_id = idcode >> 16
        rev = dict(part.revisions).get(rev_id)
        return f"{part.name} - Rev: {rev}" if rev else f"{part.name} - Rev: unknown (0x{rev_id:04x})"

    # -- the interface ------------------------------------------------------------------------------------
    def unlock(self) -> None:
        """CR: KEY1, KEY2 into KEYR unless already unlocked (a key written then would lock it until reset)."""
        self._unlock_with_keys(CR, CR_LOCK, KEYR, (KEY1, KEY2), "flash not unlocked STM32_FLASH_CR")

    def _unlock_with_keys(self, register: int, lock_bit: int, key_register: int, keys: tuple[int, int],
                          failure: str) -> None:
        if not self.mem.read_u32(register) & lock_bit:
            return
        for key in keys:
            self.mem.write_u32(key_register, key)
        value = self.mem.read_u32(register)
        if value & lock_bit:
            raise FlashError(f"{failure}: 0x{value:x}")

    def lock(self) -> None:
        self.mem.write_u32(CR, CR_LOCK)

    def clear_errors(self) -> None:
        """Error flags left by an earlier operation would make the silicon refuse the next one."""
        if self.mem.read_u32(SR) & SR_ERRORS:
            self.mem.write_u32(SR, SR_ERRORS)

    def wait_idle(self, timeout: float, what: str) -> int:
        """Poll FLASH_SR until BSY clears; raise FlashError naming `what` on a timeout or an error flag
        (the flags are cleared, as OpenOCD does, so the next operation can run)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.mem.read_u32(SR)
            if not status & SR_BSY:
                break
            if time.monotonic() > deadline:
                raise FlashError(f"stm32f2x: timed out waiting for flash ({what}, still busy after {timeout:.1f} s)")
            time.sleep(0.001)
        if status & SR_ERRORS:
            self.mem.write_u32(SR, status & SR_ERRORS)
            raise FlashError(f"stm32f2x: {what} failed: {sr_words(status)}")
        return status

    def snb(self, index: int) -> int:
        """CR.SNB of sector `index`: in dual-bank mode the second bank's sectors are 0x10 + n."""
        return (index - 12) | 0x10 if self.dual_bank and index >= 12 else index

    # -- erase ------------------------------------------------------------------------------------------
    def erase(self, first: int, last: int, progress: Progress = no_progress) -> None:
        if self.otp:
            raise FlashError("Cannot erase OTP memory")
        if not 0 <= first <= last < len(self.sectors):
            raise FlashError(f"stm32f2x: no sectors {first}..{last} in bank '{self.bank.name}' "
                             f"(0..{len(self.sectors) - 1})")
        self.require_halted()
        self.unlock()
        self.clear_errors()
        total = sum(s.size for s in self.sectors[first:last + 1])
        done = 0
        try:
            for index in range(first, last + 1):
                sector = self.sectors[index]
                self.mem.write_u32(CR, CR_SER | PSIZE_16 | (self.snb(index) << 3) | CR_STRT)
                self.wait_idle(1.0 + ERASE_TIMEOUT_PER_KIB * sector.size / 1024,
                               f"erase of sector {index} at 0x{self.base + sector.offset:08x}")
                sector.erased = True
                done += sector.size
                progress("erase", done, total)
        finally:
            self.lock()

    def mass_erase(self, progress: Progress = no_progress) -> None:
        if self.otp:
            raise FlashError("Cannot erase OTP memory")
        self.require_halted()
        self.unlock()
        self.clear_errors()
        mer = CR_MER | CR_MER1 if self.dual_bank else CR_MER
        try:
            self.mem.write_u32(CR, mer | PSIZE_16)
            self.mem.write_u32(CR, mer | PSIZE_16 | CR_STRT)
            self.wait_idle(MASS_ERASE_TIMEOUT, f"mass erase of bank '{self.bank.name}'")
        finally:
            self.lock()
        for sector in self.sectors:
            sector.erased = True
        progress("erase", self.size, self.size)

    # -- write ------------------------------------------------------------------------------------------
    def write(self, offset: int, data: bytes, progress: Progress = no_progress) -> None:
        if offset % 2:
            raise FlashError(f"stm32f2x: offset 0x{offset:x} breaks required 2-byte alignment")
        if self.otp and not self.otp_unlocked:
            raise FlashError("OTP memory bank is disabled for write commands.")
        data = bytes(data) + bytes([self.erased_value]) * (len(data) % 2)
        if offset + len(data) > self.size:
            raise FlashError(f"stm32f2x: write of {len(data)} bytes at 0x{self.base + offset:08x} runs past the "
                             f"end of bank '{self.bank.name}' (0x{self.base + self.size - 1:08x})")
        if not data:
            return
        self.require_halted()
        self.unlock()
        self.clear_errors()
        try:
            routine = load_routine(self.target, WRITE_LOOP, self.log)
            if routine is not None:
                with saved_registers(self.target.core):
                    self._write_with_routine(routine, offset, data, progress)
            else:
                self._write_registers(offset, data, progress)
        finally:
            self.lock()

    def _write_with_routine(self, routine: Routine, offset: int, data: bytes, progress: Progress) -> None:
        core = self.target.core
        chunk = min(CHUNK, routine.buffer_size)
        for start in range(0, len(data), chunk):
            piece = data[start:start + chunk]
            address = self.base + offset + start
            core.mem.write(routine.buffer, piece + bytes(-len(piece) % 4), 4)
            halfwords = len(piece) // 2
            status, where = routine.run([routine.buffer, address, halfwords, FLASH_R_BASE],
                                        timeout=1.0 + halfwords * PROGRAM_TIMEOUT / 10, results=("r0", "r1"))
            if status:
                self.mem.write_u32(SR, status & SR_ERRORS)
                raise FlashError(f"stm32f2x: write at 0x{where:08x} failed: {sr_words(status)}")
            progress("write", start + len(piece), len(data))

    def _write_registers(self, offset: int, data: bytes, progress: Progress) -> None:
        """PG with x16 set once, then half-word writes in batches, FLASH_SR checked after each batch; on an error
        the first half-word that did not take is the one named."""
        self.mem.write_u32(CR, CR_PG | PSIZE_16)
        for start in range(0, len(data), REGISTER_BATCH):
            piece = data[start:start + REGISTER_BATCH]
            address = self.base + offset + start
            self.mem.write(address, piece, 2)
            try:
                self.wait_idle(1.0 + len(piece) // 2 * PROGRAM_TIMEOUT / 10, f"write at 0x{address:08x}")
            except FlashError as e:
                where = self.first_mismatch(address, piece)
                raise FlashError(str(e).replace(f"write at 0x{address:08x}", f"write at 0x{where:08x}")) from None
            if start % CHUNK + len(piece) >= CHUNK or start + len(piece) == len(data):
                progress("write", start + len(piece), len(data))
        self.mem.write_u32(CR, 0)

    # -- option bytes and protection --------------------------------------------------------------------
    def read_options(self) -> Options:
        optcr = self.mem.read_u32(OPTCR)
        part = self.part or PARTS[0x413]
        bits = part.protection_bits
        opts = Options(user_options=optcr & 0xFC, rdp=(optcr >> 8) & 0xFF,
                       protection=(optcr >> 16) & ((1 << bits) - 1))
        if part.extra_options:
            opts.user_options |= (optcr >> 20) & ((0xF00 << (bits - 12)) & 0xF00)
        if self.dual_bank or part.boot_addr:
            optcr1 = self.mem.read_u32(OPTCR1)
            if part.boot_addr:
                opts.boot_addr = optcr1
            else:
                opts.protection |= (optcr1 >> 4) & 0x00FFF000   # nWRP12-23 of the second bank
        if part.optcr2_pcrop:
            opts.optcr2 = self.mem.read_u32(OPTCR2)
            if opts.optcr2 & ~OPTCR2_PCROP_RDP:
                self.log.info("PCROP Engaged")
        if opts.rdp != 0xAA:
            self.log.info("Device Security Bit Set")
        self.options = opts
        return opts

    def unlock_options(self) -> None:
        """OPTCR: OPTKEY1, OPTKEY2 into OPTKEYR unless OPTLOCK is already clear."""
        self._unlock_with_keys(OPTCR, OPTCR_LOCK, OPTKEYR, (OPTKEY1, OPTKEY2), "options not unlocked STM32_FLASH_OPTCR")

    def write_options(self, opts: Options) -> None:
        """OPTCR (and OPTCR1/OPTCR2 where the part has them) from `opts`, then OPTSTRT and wait: a change of
        RDP from level 1 to 0 mass-erases the flash, hence the long timeout."""
        part = self.part or PARTS[0x413]
        bits = part.protection_bits
        self.unlock_options()
        optcr = (opts.user_options & 0xFC) | (opts.rdp & 0xFF) << 8 | (opts.protection & ((1 << bits) - 1)) << 16
        if part.extra_options:
            optcr |= (opts.user_options & ((0xF00 << (bits - 12)) & 0xF00)) << 20
        if self.dual_bank or part.boot_addr:
            self.mem.write_u32(OPTCR1, opts.boot_addr if part.boot_addr else (opts.protection & 0x00FFF000) << 4)
        if part.optcr2_pcrop:
            self.mem.write_u32(OPTCR2, opts.optcr2)
        self.clear_errors()
        self.mem.write_u32(OPTCR, optcr)
        self.mem.write_u32(OPTCR, optcr | OPTCR_START)
        try:
            self.wait_idle(MASS_ERASE_TIMEOUT, "option byte programming")
        finally:
            self.mem.write_u32(OPTCR, optcr | OPTCR_LOCK)
        self.options = opts

    def protect_check(self) -> None:
        if self.otp:
            size, _ = self.otp
            locks = self.mem.read(self.base + size, len(self.sectors), 1)
            for sector, lock in zip(self.sectors, locks):
                sector.protected = lock == 0x00   # a programmed (0x00) lock byte locks its block for good
            return
        protection = self.read_options().protection
        for sector, bit in zip(self.sectors, self._block_of):
            sector.protected = not protection >> bit & 1
        for block, bit in zip(self.protection_blocks, sorted(set(self._block_of))):
            block.protected = not protection >> bit & 1

    def protect(self, enable: bool, first: int, last: int) -> None:
        """nWRP bits for blocks first..last (sectors, or protection blocks where those differ); on an OTP bank,
        program the blocks' lock bytes (irreversible; there is no unprotecting)."""
        self.require_halted()
        count = len(self.protection_blocks or self.sectors)
        if not 0 <= first <= last < count:
            raise FlashError(f"stm32f2x: no protection blocks {first}..{last} in bank '{self.bank.name}'")
        if self.otp:
            if not enable:
                raise FlashError("stm32f2x: OTP blocks cannot be unlocked")
            self._otp_lock(first, last)
            return
        opts = self.read_options()
        for block in range(first, last + 1):
            if enable:
                opts.protection &= ~(1 << block)
            else:
                opts.protection |= 1 << block
        self.write_options(opts)

    def _otp_lock(self, first: int, last: int) -> None:
        size, _ = self.otp
        lock_base = self.base + size
        locks = self.mem.read(lock_base + first, last - first + 1, 1)
        self.unlock()
        self.clear_errors()
        try:
            for i, lock in enumerate(locks, first):
                if lock == 0x00:
                    continue
                self.mem.write_u32(CR, CR_PG | PSIZE_8)
                self.mem.write(lock_base + i, b"\x00", 1)
                self.wait_idle(1.0, f"OTP lock byte write at 0x{lock_base + i:08x}")
        finally:
            self.lock()
