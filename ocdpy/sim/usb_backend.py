"""A simulated USB bus behind pyusb: drivers call `usb.core.find(backend=...)` and talk to simulated probes
exactly as they would to hardware through libusb.

`SimBackend` implements pyusb's `IBackend` over `SimUsbDevice`s: descriptors (device, configuration,
interface, endpoint, strings over control transfers), open/claim/release, bulk and interrupt transfers with
timeouts. It refuses what libusb and the kernel refuse, with the same `USBError` codes, so a driver that
works here does not trip on hardware: an endpoint that is not in a claimed interface, the wrong direction or
transfer type, a read buffer smaller than the packet the device sends (overflow), an interface a kernel
driver still holds (HID probes on Linux: detach it first) or another handle claimed, a device the OS does
not let us open (`access="denied"` shows the EACCES path).

Which devices are on the bus comes from the environment variable `OCDPY_SIM_USB` (read by
ocdpy/adapters/usb.py), a comma-separated list of devices, each `KIND:CHIP[:key=value]...`:

    OCDPY_SIM_USB=cmsis-dap-v2:stm32f103c8
    OCDPY_SIM_USB=cmsis-dap-v1:stm32f401cc:serial=A1,cmsis-dap-v2:stm32f072rb:serial=B2:access=denied

Options every kind understands: `serial=` (USB serial string; default `ocdpy-sim-<n>`), `access=denied`
(open fails with EACCES), `load=PATH` (an ELF or binary in the chip's flash before it starts). The n-th device sits on bus 1, port n+1 (`adapter usb location 1-<n+1>`).
Kinds are looked up in `DEVICE_KINDS` ("module:function" in ocdpy.sim, imported on first use) or added at
run time with `register_kind`; a kind's factory is called as `factory(chip, options, index)` and returns a
`SimUsbDevice` (the boards it starts are stopped by `SimUsbDevice.close`).
"""
from __future__ import annotations

import array
import contextlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module

import usb.backend
from usb.backend.libusb1 import (LIBUSB_ERROR_ACCESS, LIBUSB_ERROR_BUSY, LIBUSB_ERROR_INVALID_PARAM,
                                 LIBUSB_ERROR_IO, LIBUSB_ERROR_NOT_FOUND, LIBUSB_ERROR_OVERFLOW,
                                 LIBUSB_ERROR_PIPE, LIBUSB_ERROR_TIMEOUT, _libusb_errno, _str_error_map)
from usb.core import USBError, USBTimeoutError

ENV = "OCDPY_SIM_USB"
BULK, INTERRUPT = 2, 3          # bmAttributes transfer types
DIR_IN = 0x80
CLASS_HID, CLASS_VENDOR = 0x03, 0xFF
LANG_EN_US = 0x0409
GET_DESCRIPTOR, DESC_STRING = 0x06, 3

# kind -> "module:factory" within ocdpy.sim
DEVICE_KINDS: dict[str, str | Callable] = {
    "cmsis-dap-v1": "usb_cmsis_dap:hid_probe",
    "cmsis-dap-v2": "usb_cmsis_dap:bulk_probe",
    "stlink-v2": "stlink_model:v2_probe",
    "stlink-v2-1": "stlink_model:v2_1_probe",
    "stlink-v3": "stlink_model:v3_probe",
}


def register_kind(kind: str, factory: str | Callable) -> None:
    """Make `KIND:` usable in OCDPY_SIM_USB: `factory(chip, options, index) -> SimUsbDevice`, or its
    "module:function" name within ocdpy.sim."""
    DEVICE_KINDS[kind] = factory


def usb_error(code: int, detail: str = "") -> USBError:
    """The USBError libusb would raise for `code`, with what went wrong appended for the driver's author."""
    text = _str_error_map[code] + (f" ({detail})" if detail else "")
    cls = USBTimeoutError if code == LIBUSB_ERROR_TIMEOUT else USBError
    return cls(text, code, _libusb_errno[code])


@dataclass
class Endpoint:
    address: int                # bEndpointAddress: bit 7 set for IN
    kind: int                   # BULK or INTERRUPT
    max_packet: int
    interval: int = 0

    @property
    def is_in(self) -> bool:
        return bool(self.address & DIR_IN)


@dataclass
class Interface:
    number: int
    cls: int
    subclass: int = 0
    protocol: int = 0
    name: str | None = None     # the interface string (CMSIS-DAP v2 probes put "CMSIS-DAP" in it)
    endpoints: list[Endpoint] = field(default_factory=list)
    kernel_driver: bool = False  # bound to a kernel driver (usbhid) until detached


class SimUsbDevice:
    """One simulated USB device with a single configuration. Subclasses handle `out` (data the host sent to
    an OUT endpoint) and answer through `send` (data the host will read from an IN endpoint)."""

    def __init__(self, vid: int, pid: int, interfaces: list[Interface], *, manufacturer: str, product: str,
                 serial: str, bcd_device: int = 0x0100, bcd_usb: int = 0x0200, access: str = "ok") -> None:
        self.vid, self.pid, self.bcd_device, self.bcd_usb = vid, pid, bcd_device, bcd_usb
        self.interfaces = interfaces
        self.strings = [manufacturer, product, serial] + [i.name for i in interfaces if i.name]
        self.access = access
        self.bus, self.address, self.port_numbers = 1, 1, (1,)
        self._in: dict[int, deque[bytes]] = {ep.address: deque() for i in interfaces for ep in i.endpoints
                                             if ep.is_in}
        self._ready = threading.Condition()

    def string_index(self, text: str | None) -> int:
        return self.strings.index(text) + 1 if text is not None else 0

    def endpoint(self, address: int) -> tuple[Interface, Endpoint] | None:
        for interface in self.interfaces:
            for ep in interface.endpoints:
                if ep.address == address:
                    return interface, ep
        return None

    # -- device side -------------------------------------------------------------------------------------
    def out(self, endpoint: int, data: bytes, timeout_ms: int) -> None:
        """The host wrote `data` to OUT `endpoint`; raise `usb_error(...)` to refuse it as the device would
        (a full device NAKs until the host gives up: LIBUSB_ERROR_TIMEOUT)."""
        raise usb_error(LIBUSB_ERROR_PIPE, f"endpoint 0x{endpoint:02x} stalls")

    def send(self, endpoint: int, data: bytes) -> None:
        """Queue one packet (or one transfer ending in a short packet) for the host to read."""
        with self._ready:
            self._in[endpoint].append(bytes(data))
            self._ready.notify_all()

    def pending(self, endpoint: int) -> int:
        return len(self._in[endpoint])

    def in_(self, endpoint: int, size: int, timeout_ms: int) -> bytes:
        """What the host reads from IN `endpoint`: the next queued packet, waiting up to `timeout_ms`
        (0: forever, as libusb). A packet longer than the host's buffer is an overflow, as on the wire."""
        deadline = None if timeout_ms == 0 else time.monotonic() + timeout_ms / 1000
        with self._ready:
            while not self._in[endpoint]:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise usb_error(LIBUSB_ERROR_TIMEOUT)
                self._ready.wait(left)
            packet = self._in[endpoint][0]
            if len(packet) > size:
                self._in[endpoint].popleft()
                raise usb_error(LIBUSB_ERROR_OVERFLOW, f"the device sent {len(packet)} bytes into a "
                                                       f"{size}-byte buffer")
            return self._in[endpoint].popleft()

    def close(self) -> None:
        """Unplugged: stop whatever runs behind the device."""


# -- descriptors as pyusb reads them --------------------------------------------------------------------
class _Descriptor:
    def __init__(self, **fields) -> None:
        self.__dict__.update(fields, extra_descriptors=[])


def _device_descriptor(dev: SimUsbDevice) -> _Descriptor:
    return _Descriptor(bLength=18, bDescriptorType=1, bcdUSB=dev.bcd_usb, bDeviceClass=0, bDeviceSubClass=0,
                       bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=dev.vid, idProduct=dev.pid,
                       bcdDevice=dev.bcd_device, iManufacturer=1, iProduct=2, iSerialNumber=3,
                       bNumConfigurations=1, bus=dev.bus, address=dev.address,
                       port_number=dev.port_numbers[-1], port_numbers=dev.port_numbers, speed=3)


def _config_descriptor(dev: SimUsbDevice) -> _Descriptor:
    total = 9 + sum(9 + 7 * len(i.endpoints) + (9 if i.cls == CLASS_HID else 0) for i in dev.interfaces)
    return _Descriptor(bLength=9, bDescriptorType=2, wTotalLength=total, bNumInterfaces=len(dev.interfaces),
                       bConfigurationValue=1, iConfiguration=0, bmAttributes=0x80, bMaxPower=50)


def _interface_descriptor(dev: SimUsbDevice, interface: Interface) -> _Descriptor:
    return _Descriptor(bLength=9, bDescriptorType=4, bInterfaceNumber=interface.number, bAlternateSetting=0,
                       bNumEndpoints=len(interface.endpoints), bInterfaceClass=interface.cls,
                       bInterfaceSubClass=interface.subclass, bInterfaceProtocol=interface.protocol,
                       iInterface=dev.string_index(interface.name))


def _endpoint_descriptor(ep: Endpoint) -> _Descriptor:
    return _Descriptor(bLength=7, bDescriptorType=5, bEndpointAddress=ep.address, bmAttributes=ep.kind,
                       wMaxPacketSize=ep.max_packet, bInterval=ep.interval, bRefresh=0, bSynchAddress=0)


class _Handle:
    def __init__(self, device: SimUsbDevice) -> None:
        self.device = device
        self.claimed: set[int] = set()
        self.closed = False


class SimBackend(usb.backend.IBackend):
    """pyusb's backend interface over a list of simulated devices."""

    def __init__(self, devices: list[SimUsbDevice]) -> None:
        super().__init__()
        self.devices = devices
        self._claims: dict[tuple[int, int], _Handle] = {}  # (device id, interface) -> owner

    # -- enumeration ---------------------------------------------------------------------------------------
    def enumerate_devices(self):
        return iter(self.devices)

    def get_parent(self, dev):
        return None

    def get_device_descriptor(self, dev):
        return _device_descriptor(dev)

    def get_configuration_descriptor(self, dev, config):
        if config != 0:
            raise IndexError(f"Invalid configuration index {config}")
        return _config_descriptor(dev)

    def get_interface_descriptor(self, dev, intf, alt, config):
        if config != 0 or intf >= len(dev.interfaces) or alt != 0:
            raise IndexError(f"Invalid interface index {intf} / alternate setting {alt}")
        return _interface_descriptor(dev, dev.interfaces[intf])

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        endpoints = dev.interfaces[intf].endpoints if config == 0 and intf < len(dev.interfaces) else []
        if alt != 0 or ep >= len(endpoints):
            raise IndexError(f"Invalid endpoint index {ep}")
        return _endpoint_descriptor(endpoints[ep])

    # -- handles and interfaces ----------------------------------------------------------------------------
    def open_device(self, dev):
        if dev.access == "denied":
            raise usb_error(LIBUSB_ERROR_ACCESS)
        return _Handle(dev)  # libusb lets a device be opened more than once; claiming is what is exclusive

    def close_device(self, dev_handle):
        for number in list(dev_handle.claimed):
            self.release_interface(dev_handle, number)
        dev_handle.closed = True

    def _live(self, handle: _Handle) -> SimUsbDevice:
        if handle.closed:
            raise usb_error(LIBUSB_ERROR_INVALID_PARAM, "the device handle is closed")
        return handle.device

    def _interface(self, handle: _Handle, number: int) -> Interface:
        for interface in self._live(handle).interfaces:
            if interface.number == number:
                return interface
        raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"no interface {number}")

    def set_configuration(self, dev_handle, config_value):
        self._live(dev_handle)
        if config_value != 1:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"no configuration {config_value}")
        if dev_handle.claimed:
            raise usb_error(LIBUSB_ERROR_BUSY, "interfaces are claimed")

    def get_configuration(self, dev_handle):
        self._live(dev_handle)
        return 1

    def set_interface_altsetting(self, dev_handle, intf, altsetting):
        self._interface(dev_handle, intf)
        if intf not in dev_handle.claimed:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"interface {intf} is not claimed")
        if altsetting != 0:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"interface {intf} has no alternate setting {altsetting}")

    def claim_interface(self, dev_handle, intf):
        interface = self._interface(dev_handle, intf)
        if interface.kernel_driver:
            raise usb_error(LIBUSB_ERROR_BUSY, f"a kernel driver holds interface {intf}: detach it first")
        owner = self._claims.get((id(dev_handle.device), intf))
        if owner is not None and owner is not dev_handle:
            raise usb_error(LIBUSB_ERROR_BUSY, f"interface {intf} is claimed by another handle")
        self._claims[(id(dev_handle.device), intf)] = dev_handle
        dev_handle.claimed.add(intf)

    def release_interface(self, dev_handle, intf):
        self._interface(dev_handle, intf)
        if intf not in dev_handle.claimed:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"interface {intf} is not claimed")
        dev_handle.claimed.discard(intf)
        self._claims.pop((id(dev_handle.device), intf), None)

    def is_kernel_driver_active(self, dev_handle, intf):
        return self._interface(dev_handle, intf).kernel_driver

    def detach_kernel_driver(self, dev_handle, intf):
        interface = self._interface(dev_handle, intf)
        if not interface.kernel_driver:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"no kernel driver on interface {intf}")
        interface.kernel_driver = False

    def attach_kernel_driver(self, dev_handle, intf):
        interface = self._interface(dev_handle, intf)
        if intf in dev_handle.claimed:
            raise usb_error(LIBUSB_ERROR_BUSY, f"interface {intf} is claimed")
        interface.kernel_driver = interface.cls == CLASS_HID

    # -- transfers -----------------------------------------------------------------------------------------
    def _endpoint(self, handle: _Handle, address: int, intf: int, kind: int, is_in: bool) -> SimUsbDevice:
        device = self._live(handle)
        found = device.endpoint(address)
        if found is None or found[0].number != intf:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"no endpoint 0x{address:02x} on interface {intf}")
        if intf not in handle.claimed:
            raise usb_error(LIBUSB_ERROR_NOT_FOUND, f"interface {intf} is not claimed")
        ep = found[1]
        if ep.kind != kind:
            raise usb_error(LIBUSB_ERROR_INVALID_PARAM, f"endpoint 0x{address:02x} is not "
                                                        f"{'bulk' if kind == BULK else 'interrupt'}")
        if ep.is_in != is_in:
            raise usb_error(LIBUSB_ERROR_INVALID_PARAM, f"endpoint 0x{address:02x} is an "
                                                        f"{'IN' if ep.is_in else 'OUT'} endpoint")
        return device

    def _write(self, kind, dev_handle, ep, intf, data, timeout):
        device = self._endpoint(dev_handle, ep, intf, kind, False)
        payload = data.tobytes() if isinstance(data, array.array) else bytes(data)
        device.out(ep, payload, timeout)
        return len(payload)

    def _read(self, kind, dev_handle, ep, intf, buff, timeout):
        device = self._endpoint(dev_handle, ep, intf, kind, True)
        size = len(buff) * buff.itemsize
        packet = device.in_(ep, size, timeout)
        buff[:len(packet)] = array.array("B", packet)
        return len(packet)

    def bulk_write(self, dev_handle, ep, intf, data, timeout):
        return self._write(BULK, dev_handle, ep, intf, data, timeout)

    def bulk_read(self, dev_handle, ep, intf, buff, timeout):
        return self._read(BULK, dev_handle, ep, intf, buff, timeout)

    def intr_write(self, dev_handle, ep, intf, data, timeout):
        return self._write(INTERRUPT, dev_handle, ep, intf, data, timeout)

    def intr_read(self, dev_handle, ep, intf, buff, timeout):
        return self._read(INTERRUPT, dev_handle, ep, intf, buff, timeout)

    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        """Standard GET_DESCRIPTOR for strings (what pyusb's string helpers send); anything else stalls."""
        device = self._live(dev_handle)
        if bmRequestType != 0x80 or bRequest != GET_DESCRIPTOR or wValue >> 8 != DESC_STRING:
            raise usb_error(LIBUSB_ERROR_PIPE, f"control request 0x{bmRequestType:02x}/0x{bRequest:02x} "
                                               "is not supported by the simulated device")
        index = wValue & 0xFF
        if index == 0:
            body = LANG_EN_US.to_bytes(2, "little")
        elif index <= len(device.strings) and wIndex == LANG_EN_US:
            body = device.strings[index - 1].encode("utf-16-le")
        else:
            raise usb_error(LIBUSB_ERROR_PIPE, f"no string descriptor {index} for language 0x{wIndex:04x}")
        descriptor = bytes([2 + len(body), DESC_STRING]) + body
        n = min(len(descriptor), len(data) * data.itemsize)
        data[:n] = array.array("B", descriptor[:n])
        return n

    def clear_halt(self, dev_handle, ep):
        self._live(dev_handle)

    def reset_device(self, dev_handle):
        raise usb_error(LIBUSB_ERROR_IO, "the simulated device does not re-enumerate")


# -- the bus OCDPY_SIM_USB describes --------------------------------------------------------------------
def _factory(kind: str) -> Callable:
    factory = DEVICE_KINDS.get(kind)
    if factory is None:
        raise ValueError(f"{ENV}: no simulated USB device kind '{kind}' (known: {', '.join(DEVICE_KINDS)})")
    if isinstance(factory, str):
        module, name = factory.split(":")
        factory = getattr(import_module(f"{__package__}.{module}"), name)
    return factory


def parse_spec(spec: str) -> list[tuple[str, str, dict[str, str]]]:
    """`KIND:CHIP[:key=value]...`, comma-separated -> [(kind, chip, options)]."""
    devices = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        kind, _, rest = item.partition(":")
        chip, *pairs = rest.split(":")
        if not chip or any("=" not in pair for pair in pairs):
            raise ValueError(f"{ENV}: '{item}' is not KIND:CHIP[:key=value]...")
        devices.append((kind, chip, dict(pair.split("=", 1) for pair in pairs)))
    return devices


class SimBus:
    """The devices of one OCDPY_SIM_USB value, built once per process and kept while the value stays."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.devices: list[SimUsbDevice] = []
        try:
            for index, (kind, chip, options) in enumerate(parse_spec(spec)):
                device = _factory(kind)(chip, options, index)
                device.address, device.port_numbers = index + 2, (index + 1,)
                self.devices.append(device)
        except BaseException:
            self.close()
            raise
        self.backend = SimBackend(self.devices)

    def close(self) -> None:
        for device in self.devices:
            device.close()
        self.devices.clear()


_bus: SimBus | None = None
_bus_lock = threading.Lock()


def bus_for(spec: str) -> SimBus:
    """The simulated bus for `spec`, the same one as long as `spec` does not change."""
    global _bus
    with _bus_lock:
        if _bus is None or _bus.spec != spec:
            if _bus is not None:
                _bus.close()
            _bus = None
            _bus = SimBus(spec)
        return _bus


def close_bus() -> None:
    """Unplug every simulated device (tests call this when they restore the environment)."""
    global _bus
    with _bus_lock:
        if _bus is not None:
            _bus.close()
            _bus = None


@contextlib.contextmanager
def simulated_bus(spec: str) -> Iterator[None]:
    """OCDPY_SIM_USB=`spec` in this process for the duration; afterwards the devices are unplugged and the
    variable is as it was (the adapter_setup helpers of tests are built on this)."""
    saved = os.environ.get(ENV)
    os.environ[ENV] = spec
    try:
        yield
    finally:
        close_bus()
        if saved is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = saved
