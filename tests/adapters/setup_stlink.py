"""The simulated ST-Link for tests that run every adapter through one module: `adapter_setup(chip, variant)`
puts an ST-Link on the simulated USB bus for this process and yields the config lines that select it."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

CONFIGS = {"hla": "interface/stlink.cfg", "dapdirect": "interface/stlink-dap.cfg"}


@contextlib.contextmanager
def adapter_setup(chip: str, variant: str, kind: str = "stlink-v2", image: str | None = None) -> Iterator[list[str]]:
    """`variant` "hla" (interface/stlink.cfg) or "dapdirect" (interface/stlink-dap.cfg), on a simulated
    `kind` ("stlink-v2", "stlink-v2-1", "stlink-v3") wired to a simulated `chip`; the environment and the
    simulated bus are restored afterwards. `image` goes into the chip's flash before it starts."""
    from ocdpy.sim.usb_backend import simulated_bus
    with simulated_bus(f"{kind}:{chip}" + (f":load={image}" if image else "")):
        yield [f"source [find {CONFIGS[variant]}]"]
