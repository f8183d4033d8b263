"""Transports between adapter and debug port: jtag, swd, and the adapter-level hla/dapdirect ones."""

TRANSPORTS = ("jtag", "swd", "hla_swd", "hla_jtag", "dapdirect_swd", "dapdirect_jtag", "swim", "aice_jtag")


def is_jtag(name: str | None) -> bool:
    return bool(name) and "jtag" in name


def is_swd(name: str | None) -> bool:
    return bool(name) and "swd" in name
