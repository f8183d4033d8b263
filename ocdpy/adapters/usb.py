"""Finding one USB debug probe, for every USB driver (cmsis-dap, st-link): by VID:PID, `adapter serial`,
`adapter usb location` and a driver's own test (CMSIS-DAP probes are known by "CMSIS-DAP" in a string, at
any VID:PID), with errors that say what was looked for and what to do.

    probe = find_probe("cmsis-dap", ids=[(0x0d28, 0x0204)], serial=config.adapter.serial,
                       location_=config.adapter.usb_location, accept=is_cmsis_dap, looked_for="...")
    probe.device   # a pyusb Device, ready for the driver's own claiming and transfers

pyusb runs on libusb_package's bundled libusb (no system libusb needed), or on the simulated bus
(ocdpy/sim/usb_backend.py) when the environment variable OCDPY_SIM_USB lists simulated devices.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from collections.abc import Callable, Sequence

from ..errors import OcdError

SIM_ENV = "OCDPY_SIM_USB"
UDEV_FILE = "/etc/udev/rules.d/60-openocd.rules"
PROBE_CLASSES = (0x03, 0xFF)  # HID and vendor-specific: the interfaces debug probes offer


@dataclass
class UsbProbe:
    """One USB device that may be the probe; strings are None where the device has none."""

    device: object  # usb.core.Device
    vid: int
    pid: int
    location: str   # bus-port[.port]..., as `adapter usb location` spells it
    serial: str | None
    product: str | None

    def label(self) -> str:
        return (f"{self.vid:04x}:{self.pid:04x} serial {self.serial or '(none)'} at {self.location}"
                f" ({self.product or 'no product string'})")

    def string(self, index: int) -> str | None:
        """String descriptor `index` (an interface's iInterface, say); None if there is none."""
        return _string(self.device, index)


def parse_id_pairs(name: str, words: list[str]) -> list[tuple[int, int]]:
    """`NAME vid_pid 0x0d28 0x0204 ...` -> [(0x0d28, 0x0204), ...] (numbers as OpenOCD parses them)."""
    if len(words) % 2:
        raise OcdError(f"{name} vid_pid: wants VID PID pairs, got an odd number of values")
    try:
        numbers = [int(word, 0) for word in words]
    except ValueError:
        raise OcdError(f"{name} vid_pid: wants numbers, got '{' '.join(words)}'") from None
    return list(zip(numbers[::2], numbers[1::2]))


def backend():
    """The pyusb backend: the simulated bus when OCDPY_SIM_USB is set, else libusb_package's libusb."""
    spec = os.environ.get(SIM_ENV)
    if spec:
        from ..sim.usb_backend import bus_for
        try:
            return bus_for(spec).backend
        except ValueError as e:
            raise OcdError(str(e)) from None
    try:
        import libusb_package
    except ImportError as e:
        raise OcdError(f"USB probes need libusb_package: pip install libusb-package ({e})") from None
    found = libusb_package.get_libusb1_backend()
    if found is None:
        raise OcdError("could not load libusb (from the libusb-package Python package)")
    return found


def location(device) -> str:
    ports = getattr(device, "port_numbers", None) or ()
    return f"{device.bus}-{'.'.join(str(p) for p in ports)}"


def _string(device, index: int) -> str | None:
    import usb.util
    if not index:
        return None
    langids = usb.util.get_langids(device)  # raises USBError (EACCES) where we may not open the device
    return usb.util.get_string(device, index, langids[0]) if langids else None


def _could_be_probe(device) -> bool:
    return any(interface.bInterfaceClass in PROBE_CLASSES for config in device for interface in config)


def udev_rule(vid: int, pid: int) -> str:
    return (f'SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{vid:04x}", ATTRS{{idProduct}}=="{pid:04x}", '
            'MODE="0660", TAG+="uaccess"')


def _denied_error(name: str, denied: list) -> OcdError:
    rules = sorted({udev_rule(d.idVendor, d.idProduct) for d in denied})
    devices = ", ".join(f"{d.idVendor:04x}:{d.idProduct:04x} at {location(d)}" for d in denied)
    return OcdError(f"{name}: the operating system denied access (EACCES) to USB device {devices}. "
                    f"Allow your user to open it with this line in {UDEV_FILE}:\n    "
                    + "\n    ".join(rules)
                    + "\nthen run 'sudo udevadm control --reload-rules && sudo udevadm trigger' and plug the "
                      "probe in again")


def _not_found(name: str, ids: Sequence[tuple[int, int]], serial: str | None, location_: str | None,
               looked_for: str | None) -> OcdError:
    wanted = [looked_for] if looked_for else []
    if ids:
        wanted.append("VID:PID " + ", ".join(f"{v:04x}:{p:04x}" for v, p in ids))
    if serial:
        wanted.append(f"serial '{serial}'")
    if location_:
        wanted.append(f"at USB location {location_}")
    return OcdError(f"{name}: no USB probe found (looked for {'; '.join(wanted) or 'any device'}); "
                    "is it plugged in?")


def find_probe(name: str, ids: Sequence[tuple[int, int]] = (), serial: str | None = None,
               location_: str | None = None, accept: Callable[[UsbProbe], bool] | None = None,
               looked_for: str | None = None) -> UsbProbe:
    """The one probe that matches: its VID:PID is in `ids` (any, if empty), its serial string is `serial`,
    it sits at `location_`, and `accept(probe)` agrees. Raises OcdError when none matches (naming what was
    looked for, or the udev rule if the OS denied access), or when several do (listing them)."""
    import usb.core
    matches: list[UsbProbe] = []
    denied = []
    for device in usb.core.find(find_all=True, backend=backend()):
        if ids and (device.idVendor, device.idProduct) not in ids:
            continue
        if location_ and location(device) != location_:
            continue
        try:
            probe = UsbProbe(device, device.idVendor, device.idProduct, location(device),
                             _string(device, device.iSerialNumber), _string(device, device.iProduct))
            wanted = (serial is None or probe.serial == serial) and (accept is None or accept(probe))
        except usb.core.USBError as e:
            if e.errno == errno.EACCES and (ids or _could_be_probe(device)):
                denied.append(device)
            wanted = False
        if wanted:
            matches.append(probe)
        else:
            usb.util.dispose_resources(device)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        for probe in matches:
            usb.util.dispose_resources(probe.device)
        listing = "\n    ".join(probe.label() for probe in matches)
        raise OcdError(f"{name}: {len(matches)} probes match:\n    {listing}\n"
                       "choose one with 'adapter serial SERIAL' (or 'adapter usb location BUS-PORT')")
    if denied:
        raise _denied_error(name, denied)
    raise _not_found(name, ids, serial, location_, looked_for)
