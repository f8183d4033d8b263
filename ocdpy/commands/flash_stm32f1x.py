"""The `stm32f1x` command group of OpenOCD 0.12: lock, unlock, mass_erase, options_read, options_write and
options_load on an stm32f1x flash bank, with OpenOCD's output text."""
from __future__ import annotations

from ..errors import OcdError
from ..flash.drivers.stm32f1x import OBR_OPTERR, OBR_RDPRT, Stm32f1x
from .flash_banks import flash_driver
from .registry import EXEC, UsageError, need, parse_number

OPTIONS_WRITE_USAGE = ("bank_id ('SWWDG'|'HWWDG') ('RSTSTNDBY'|'NORSTSTNDBY') ('RSTSTOP'|'NORSTSTOP') "
                       "('USEROPT' user_data)")
# options_write keywords: (bit of the USER option byte, set it)
USER_BITS = {"SWWDG": (0, True), "HWWDG": (0, False), "NORSTSTOP": (1, True), "RSTSTOP": (1, False),
             "NORSTSTNDBY": (2, True), "RSTSTNDBY": (2, False)}


def register(session) -> None:
    reg = session.registry
    log = session.log

    def driver(bank_id: str) -> Stm32f1x:
        return flash_driver(session, bank_id, kind=Stm32f1x)

    def attempt(action):
        """(True, result), or (False, None) with the error logged: OpenOCD prints its own line (and the
        command succeeds) when an option byte erase or write fails."""
        try:
            return True, action()
        except OcdError as e:
            log.error(str(e))
            return False, None

    def lock_or_unlock(args, enable: bool) -> str:
        d = driver(need(args, 1, -1)[0])
        d.require_halted()
        ok, options = attempt(d.erase_options)
        if not ok:
            return "stm32x failed to erase options"
        if enable:
            options.rdp = 0
        if not attempt(lambda: d.write_options(options))[0]:
            return f"stm32x failed to {'lock' if enable else 'unlock'} device"
        if enable:
            return "stm32x locked"
        return "stm32x unlocked.\nINFO: a reset or power cycle is required for the new settings to take effect."

    def mass_erase(args):
        d = driver(need(args, 1, -1)[0])
        d.mass_erase()
        for sector in d.sectors:
            sector.erased = True
        return "stm32x mass erase complete"

    def options_read(args):
        d = driver(need(args, 1, -1)[0])
        d.require_halted()
        obr = d.mem.read_u32(0x4002201C)
        wrpr = d.mem.read_u32(0x40022020)
        user_data = (obr >> d.user_data_offset) & 0xFFFF
        lines = []
        if obr & OBR_OPTERR:
            lines.append("option byte complement error")
        lines += [f"option byte register = 0x{obr:x}",
                  f"write protection register = 0x{wrpr:x}",
                  f"read protection: {'on' if obr & OBR_RDPRT else 'off'}"]
        user = obr >> d.option_offset
        lines += [f"watchdog: {'soft' if user & (1 << 2) else 'hard'}ware",
                  f"stop mode: {'no ' if user & (1 << 3) else ''}reset generated upon entry",
                  f"standby mode: {'no ' if user & (1 << 4) else ''}reset generated upon entry",
                  f"user data = 0x{user_data:02x}"]
        return "\n".join(lines)

    def options_write(args):
        words = need(args, 2, -1)
        d = driver(words[0])
        d.require_halted()
        current = d.read_options()
        user, data = current.user, current.data
        rest = words[1:]
        while rest:
            word = rest.pop(0)
            if word in USER_BITS:
                bit, value = USER_BITS[word]
                user = user | (1 << bit) if value else user & ~(1 << bit)
            elif word == "USEROPT":
                if not rest:
                    raise UsageError("Invalid command argument")
                data = parse_number(rest.pop(0), "user_data")
                if not 0 <= data <= 0xFFFF:
                    raise OcdError(f"user_data option value ('{data}') is not valid")
            else:
                raise UsageError("Invalid command argument")
        ok, options = attempt(d.erase_options)
        if not ok:
            return "stm32x failed to erase options"
        options.user, options.data = user, data
        if not attempt(lambda: d.write_options(options))[0]:
            return "stm32x failed to write options"
        load = "'stm32f1x options_load' command or " if d.can_load_options else ""
        return f"stm32x write options complete.\nINFO: {load}power cycle is required for the new settings to take effect."

    def options_load(args):
        driver(need(args, 1, -1)[0]).options_load()
        return ""

    reg.add("stm32f1x lock", lambda a: lock_or_unlock(a, True), EXEC, "bank_id", "Lock entire flash device.")
    reg.add("stm32f1x unlock", lambda a: lock_or_unlock(a, False), EXEC, "bank_id",
            "Unlock entire protected flash device.")
    reg.add("stm32f1x mass_erase", mass_erase, EXEC, "bank_id", "Erase entire flash device.")
    reg.add("stm32f1x options_read", options_read, EXEC, "bank_id", "Read and display device option bytes.")
    reg.add("stm32f1x options_write", options_write, EXEC, OPTIONS_WRITE_USAGE, "Replace bits in device option bytes.")
    reg.add("stm32f1x options_load", options_load, EXEC, "bank_id", "Force re-load of device option bytes.")
