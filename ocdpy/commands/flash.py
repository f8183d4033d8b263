"""`flash bank|list|banks` at config time; the flash drivers' own command groups."""
from __future__ import annotations

from ..errors import OcdError
from ..flash.bank import FLASH_DRIVERS, FlashBank
from ..tcl.values import to_str
from .registry import CONFIG, UsageError, parse_number, recorder

# Drivers that set their bank size themselves when the bank is declared (as OpenOCD's do).
FIXED_SIZE_DRIVERS = {"aducm360": 0x20000, "dsp5680xx_flash": 0x4000}


def register(session) -> None:
    reg = session.registry

    def bank(args):
        words = [to_str(a) for a in args]
        if len(words) < 7:
            raise UsageError("Invalid command argument")
        name, driver = words[0], words[1]
        target = session.targets.get(words[6])
        if target is None and words[6].isdigit() and int(words[6]) < len(session.targets):
            target = list(session.targets.values())[int(words[6])]  # OpenOCD also takes a target number
        if target is None:
            raise OcdError(f"target '{words[6]}' not defined")
        if driver not in FLASH_DRIVERS:
            raise OcdError(f"flash driver '{driver}' not found")
        if any(b.name == name for b in session.flash_banks):
            raise OcdError(f"flash bank '{name}' already exists")
        base, size, chip_width, bus_width = (parse_number(w, what) for w, what in zip(
            words[2:6], ("base", "size", "chip_width", "bus_width")))
        size = FIXED_SIZE_DRIVERS.get(driver, size)
        session.flash_banks.append(FlashBank(name, driver, base, size, chip_width, bus_width, target, words[7:]))
        if session.interp.lookup(driver) is None:
            reg.add(driver, recorder(session, driver), "any", "subcommand ...")
        return ""

    def flash_list(args):
        return [{"name": b.name, "driver": b.driver, "base": b.base, "size": b.size, "bus_width": b.bus_width,
                 "chip_width": b.chip_width, "target": b.target.name} for b in session.flash_banks]

    def banks(args):
        return "".join(f"#{n} : {b.name} ({b.driver}) at 0x{b.base:08x}, size 0x{b.size:08x}, "
                       f"buswidth {b.bus_width}, chipwidth {b.chip_width}\n"
                       for n, b in enumerate(session.flash_banks))

    reg.add("flash bank", bank, CONFIG, "bank_id driver_name base_address size_bytes chip_width_bytes "
            "bus_width_bytes target [driver_options ...]", "Define a new bank with the given name, using the "
            "specified NOR flash driver.")
    reg.add("flash list", flash_list, "any", "", "Returns a list of details about the flash banks.")
    reg.add("flash banks", banks, "any", "", "Display table with information about flash banks.")
