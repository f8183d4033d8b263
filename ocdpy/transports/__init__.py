"""Transports between adapter and debug port: jtag, swd, and the adapter-level hla/dapdirect ones."""
