"""The live flash banks of a session: each configured bank's driver, probed on first use, found by number
or name as OpenOCD's flash commands take them."""
from __future__ import annotations

from ..errors import OcdError
from ..flash.driver import FlashDriver, driver_for
from .registry import parse_number


def flash_driver(session, which: str, probe: bool = True, kind: type | None = None) -> FlashDriver:
    """The driver of bank `which` (its number in `flash banks`, or its name), probed unless `probe` is False;
    with `kind`, a bank of another driver is refused (for a driver's own commands)."""
    banks = session.flash_banks
    bank = next((b for b in banks if b.name == which), None)
    if bank is None:
        try:
            index = parse_number(which, "bank_id")
        except OcdError:
            index = -1
        if not 0 <= index < len(banks):
            raise OcdError(f"flash bank '{which}' not found")
        bank = banks[index]
    if kind is not None and bank.driver != kind.__module__.rsplit(".", 1)[-1]:
        raise OcdError(f"flash bank '{which}' uses the {bank.driver} driver, not {kind.__module__.rsplit('.', 1)[-1]}")
    drivers = session.__dict__.setdefault("flash_drivers", {})
    if bank.name not in drivers:
        drivers[bank.name] = driver_for(bank, session.log)
    driver = drivers[bank.name]
    if probe and not driver.probed:
        if getattr(bank.target, "core", None) is None:
            raise OcdError(f"flash bank '{bank.name}': its target {bank.target.name} is not examined ('init' first)")
        probe_bank(driver)
    return driver


def probe_bank(driver: FlashDriver) -> None:
    """Probe, and let `flash banks`/`flash list` show the size found, as OpenOCD does after a probe."""
    driver.probe()
    driver.bank.size = driver.size


def all_drivers(session) -> list[FlashDriver]:
    return [flash_driver(session, b.name) for b in session.flash_banks]
