"""The `stm32f2x` command group of OpenOCD 0.12: `unlock|lock|mass_erase|options_read|options_write|
optcr2_write|otp` on a bank of the stm32f2x driver, with OpenOCD's texts (the failures it reports as output
rather than as errors included)."""
from __future__ import annotations

from ..errors import OcdError
from ..flash.driver import FlashError
from ..flash.drivers.stm32f2x import OPTCR2_PCROP_RDP, Stm32f2x
from .flash_banks import flash_driver
from .registry import EXEC, UsageError, need, parse_number

RESET_NOTE = "INFO: a reset or power cycle is required for the new settings to take effect."


def register(session) -> None:
    reg = session.registry
    log = session.log

    def driver_of(which: str) -> Stm32f2x:
        return flash_driver(session, which, kind=Stm32f2x)

    def note_not_halted(driver: Stm32f2x) -> None:
        core = driver.target.core
        core.poll()
        if core.state != "halted":
            log.info("Target not halted")

    def rdp_change(rdp: int, done: str, failed: str):
        def handler(args):
            words = need(args, 1, -1)
            driver = driver_of(words[0])
            name = driver.bank.driver
            note_not_halted(driver)
            try:
                opts = driver.read_options()
            except OcdError as e:
                log.error(str(e))
                return f"{name} failed to read options\n"
            opts.rdp = rdp
            if rdp == 0xAA and driver.part and driver.part.optcr2_pcrop:
                opts.optcr2 = (OPTCR2_PCROP_RDP | (~1 << len(driver.sectors))) & 0xFFFFFFFF
            try:
                driver.write_options(opts)
            except OcdError as e:
                log.error(str(e))
                return f"{name} failed to {failed} device\n"
            return done.format(name=name)
        return handler

    def mass_erase(args):
        words = need(args, 1, -1)
        driver = driver_of(words[0])
        try:
            driver.mass_erase()
        except FlashError as e:
            log.error(str(e))
            raise OcdError("stm32x mass erase failed") from None
        return "stm32x mass erase complete\n"

    def options_read(args):
        (which,) = need(args, 1)
        driver = driver_of(which)
        opts = driver.read_options()
        part = driver.part
        if part and part.extra_options:
            if part.boot_addr:
                text = (f"stm32f2x user_options 0x{opts.user_options:03X}, boot_add0 0x{opts.boot_addr & 0xFFFF:04X}, "
                        f"boot_add1 0x{opts.boot_addr >> 16:04X}\n")
                if part.optcr2_pcrop:
                    text += f"stm32f2x optcr2_pcrop 0x{opts.optcr2:08X}\n"
                return text
            return f"stm32f2x user_options 0x{opts.user_options:03X}\n"
        return f"stm32f2x user_options 0x{opts.user_options:02X}\n"

    def options_write(args):
        words = need(args, 1, -1)
        driver = driver_of(words[0])
        opts = driver.read_options()
        part = driver.part
        if part and part.boot_addr:
            if len(words) != 4:
                raise UsageError("stm32f2x options_write <bank> <user_options> <boot_addr0> <boot_addr1>")
            boot0, boot1 = (parse_u16(w) for w in words[2:4])
            opts.boot_addr = boot0 | boot1 << 16
        elif len(words) != 2:
            raise UsageError("stm32f2x options_write <bank> <user_options>")
        user = parse_u16(words[1])
        if part and part.extra_options:
            allowed = ((0xF00 << (part.protection_bits - 12)) | 0xFF) & 0xFFC
        else:
            allowed = 0xFC
        if user & ~allowed:
            raise OcdError("stm32f2x invalid user_options")
        opts.user_options = user
        try:
            driver.write_options(opts)
        except OcdError as e:
            log.error(str(e))
            return "stm32f2x failed to write options\n"
        driver.probed = False  # a change between single- and dual-bank mode changes the sector map
        return f"stm32f2x write options complete.\n{RESET_NOTE}\n"

    def optcr2_write(args):
        which, value = need(args, 2)
        driver = driver_of(which)
        if not (driver.part and driver.part.optcr2_pcrop):
            raise OcdError("no optcr2 register")
        out = ("INFO: To disable PCROP, set PCROP_RDP with PCROPi bits STILL SET, then\nlock device and finally "
               "unlock it. Clears PCROP and mass erases flash.\n")
        opts = driver.read_options()
        opts.optcr2 = parse_number(value, "optcr2") & 0xFFFFFFFF
        try:
            driver.write_options(opts)
        except OcdError as e:
            log.error(str(e))
            return out + "stm32f2x failed to write options\n"
        return out + "stm32f2x optcr2_write complete.\n"

    def otp(args):
        words = need(args, 2, -1)
        driver = driver_of(words[0])
        number = session.flash_banks.index(driver.bank)
        if not driver.otp:
            return "Failed: not an OTP bank.\n"
        action = words[1]
        if action == "enable":
            if driver.otp_unlocked:
                log.warning(f"OTP memory bank #{number} is is already enabled for write commands.")
            else:
                log.info(f"OTP memory bank #{number} is is enabled for write commands.")
                driver.otp_unlocked = True
        elif action == "disable":
            log.info(f"OTP memory bank #{number} is disabled for write commands.")
            driver.otp_unlocked = False
        elif action == "show":
            state = "enabled" if driver.otp_unlocked else "disabled"
            return f"OTP memory bank #{number} is {state} for write commands.\n"
        else:
            raise UsageError("Invalid command argument")
        return ""

    reg.add("stm32f2x lock", rdp_change(0x00, "{name} locked\n", "lock"), EXEC, "bank_id",
            "Lock entire flash device.")
    reg.add("stm32f2x unlock", rdp_change(0xAA, "{name} unlocked.\n" + RESET_NOTE + "\n", "unlock"), EXEC,
            "bank_id", "Unlock entire protected flash device.")
    reg.add("stm32f2x mass_erase", mass_erase, EXEC, "bank_id", "Erase entire flash device.")
    reg.add("stm32f2x options_read", options_read, EXEC, "bank_id", "Read and display device option bytes.")
    reg.add("stm32f2x options_write", options_write, EXEC, "bank_id user_options [ boot_add0 boot_add1 ]",
            "Write option bytes")
    reg.add("stm32f2x optcr2_write", optcr2_write, EXEC, "bank_id optcr2", "Write optcr2 word")
    reg.add("stm32f2x otp", otp, EXEC, "bank_id", "OTP (One Time Programmable) memory write enable/disable.")


def parse_u16(text: str) -> int:
    value = parse_number(text, "user_options")
    if not 0 <= value <= 0xFFFF:
        raise OcdError(f"'{text}' is not a 16-bit value")
    return value
