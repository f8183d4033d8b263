"""Transports between adapter and debug port: jtag, swd, and the adapter-level hla/dapdirect ones."""

TRANSPORTS = ("jtag", "swd", "hla_swd", "hla_jtag", "dapdirect_swd", "dapdirect_jtag", "swim", "aice_jtag")

