"""What a debug adapter is at config time: its driver name, the transports it offers, and its settings."""
from __future__ import annotations

from dataclasses import dataclass, field

# OpenOCD 0.12's adapter drivers and the transports each offers, first one being the default choice.
DRIVER_TRANSPORTS: dict[str, tuple[str, ...]] = {
    "parport": ("jtag",), "dummy": ("jtag",), "ftdi": ("jtag", "swd"), "usb_blaster": ("jtag",),
    "esp_usb_jtag": ("jtag",), "ft232r": ("jtag",), "amt_jtagaccel": ("jtag",), "gw16012": ("jtag",),
    "presto": ("jtag",), "usbprog": ("jtag",), "openjtag": ("jtag",), "jlink": ("jtag", "swd"),
    "vsllink": ("jtag", "swd"), "rlink": ("jtag",), "ulink": ("jtag",), "arm-jtag-ew": ("jtag",),
    "buspirate": ("jtag", "swd"), "remote_bitbang": ("jtag", "swd"), "hla": ("hla_swd", "hla_jtag"),
    "osbdm": ("jtag",), "opendous": ("jtag",), "sysfsgpio": ("jtag", "swd"), "linuxgpiod": ("jtag", "swd"),
    "cmsis-dap": ("swd", "jtag"), "kitprog": ("swd",), "xds110": ("swd", "jtag"),
    "st-link": ("dapdirect_swd", "dapdirect_jtag", "swim"), "rshim": ("dapdirect_swd",),
    "bcm2835gpio": ("jtag", "swd"), "imx_gpio": ("jtag", "swd"), "am335xgpio": ("jtag", "swd"),
    "jtag_vpi": ("jtag",), "jtag_dpi": ("jtag",), "vdebug": ("jtag", "dapdirect_swd"), "nulink": ("hla_swd",),
    "ti_icdi": ("hla_jtag",), "aice": ("aice_jtag",), "xlnx_pcie_xvc": ("jtag", "swd"), "ep93xx": ("jtag",),
    "at91rm9200": ("jtag",), "dmem": ("swd",), "sim": ("swd", "jtag"),
}
# The drivers ocdpy itself can open at `init`.
SUPPORTED_DRIVERS = ("sim", "dummy", "remote_bitbang", "cmsis-dap", "hla", "st-link")


@dataclass
class AdapterConfig:
    """Everything `adapter ...` and the driver's own commands recorded before `init`."""

    driver: str  # "" until `adapter driver` names it
    speed_khz: int | None = None
    rclk: bool = False
    srst_delay_ms: int = 0
    srst_pulse_width_ms: int = 0
    serial: str | None = None
    usb_location: str | None = None
    settings: dict = field(default_factory=dict)  # driver-specific commands, in order: name -> args

    @property
    def transports(self) -> tuple[str, ...]:
        return DRIVER_TRANSPORTS.get(self.driver, ())

    @property
    def supported(self) -> bool:
        return self.driver in SUPPORTED_DRIVERS
