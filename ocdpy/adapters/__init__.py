"""Debug adapter drivers (probes): `adapter driver NAME` -> the Probe class that drives it, imported only
when `init` opens it (so `ocdpy -c shutdown` never loads pyusb or the simulator)."""
from __future__ import annotations

from importlib import import_module

# driver name -> "module:class"
DRIVERS = {
    "sim": "sim:SimProbe",
    "dummy": "dummy:DummyProbe",
    "remote_bitbang": "remote_bitbang:RemoteBitbangProbe",
    "hla": "stlink:StlinkHlaProbe",
    "st-link": "stlink:StlinkDapProbe",
    "cmsis-dap": "cmsis_dap:CmsisDapProbe",
}


def probe_class(driver: str):
    module, name = DRIVERS[driver].split(":")
    return getattr(import_module(f"{__name__}.{module}"), name)
