"""The simulated USB bus behind pyusb: devices enumerate with their descriptors and strings, and transfers
that libusb or the kernel would refuse are refused here too, with libusb's error codes."""
from __future__ import annotations

import errno

import pytest

pytest.importorskip("usb")
pytest.importorskip("unicorn")

import usb.core  # noqa: E402
import usb.util  # noqa: E402

from ocdpy.sim.usb_backend import (BULK, CLASS_VENDOR, Endpoint, Interface, SimBackend,  # noqa: E402
                                   SimBus, SimUsbDevice, parse_spec, register_kind)

SPEC = "cmsis-dap-v2:stm32f103c8:serial=S2,cmsis-dap-v1:stm32f072rb:serial=S1"


@pytest.fixture(scope="module")
def bus():
    simulated = SimBus(SPEC)
    yield simulated
    simulated.close()


def find(bus, serial: str):
    for device in usb.core.find(find_all=True, backend=bus.backend):
        if usb.util.get_string(device, device.iSerialNumber) == serial:
            return device
    raise AssertionError(f"no device with serial {serial}")


def test_devices_enumerate_with_descriptors_strings_and_locations(bus):
    devices = list(usb.core.find(find_all=True, backend=bus.backend, idVendor=0x0D28, idProduct=0x0204))
    assert len(devices) == 2
    v2, v1 = devices
    assert (v2.bus, v2.port_numbers, v1.port_numbers) == (1, (1,), (2,))
    assert usb.util.get_string(v2, v2.iProduct) == "ocdpy simulated CMSIS-DAP"
    assert usb.util.get_string(v2, v2.iManufacturer) == "ocdpy"
    (interface,) = list(v2.get_active_configuration())
    assert (interface.bInterfaceClass, usb.util.get_string(v2, interface.iInterface)) == (0xFF, "CMSIS-DAP v2")
    assert [(e.bEndpointAddress, e.bmAttributes, e.wMaxPacketSize) for e in interface] == [(0x02, 2, 512),
                                                                                        (0x81, 2, 512)]
    (hid,) = list(v1[0])
    assert hid.bInterfaceClass == 3
    assert [(e.bEndpointAddress, e.bmAttributes, e.wMaxPacketSize) for e in hid] == [(0x81, 3, 64), (0x01, 3, 64)]


def test_bulk_command_and_response(bus):
    device = find(bus, "S2")
    device.write(0x02, bytes([0x00, 0xFF]))  # DAP_Info: packet size
    assert bytes(device.read(0x81, 512, 1000)) == bytes([0x00, 0x02]) + (512).to_bytes(2, "little")
    usb.util.dispose_resources(device)


def test_endpoint_rules_match_libusb(bus):
    device = find(bus, "S2")
    with pytest.raises(usb.core.USBError) as e:
        device.write(0x81, b"\x00\x04")  # an IN endpoint
    assert e.value.errno == errno.EINVAL
    with pytest.raises(ValueError, match="Invalid endpoint address"):
        device.write(0x03, b"\x00")  # no such endpoint: pyusb itself refuses
    with pytest.raises(usb.core.USBTimeoutError):
        device.read(0x81, 512, 20)  # nothing sent, nothing to read
    device.write(0x02, bytes([0x00, 0x04]))
    with pytest.raises(usb.core.USBError) as e:
        device.read(0x81, 4, 1000)  # the response is longer than the buffer
    assert e.value.errno == errno.EOVERFLOW
    other = find(bus, "S2")  # a second handle, as another process would have
    with pytest.raises(usb.core.USBError) as e:
        other.write(0x02, bytes([0x00, 0x04]))
    assert e.value.errno == errno.EBUSY
    usb.util.dispose_resources(device)
    usb.util.dispose_resources(other)


def test_a_probe_buffers_packet_count_commands_then_naks(bus):
    device = find(bus, "S2")
    for _ in range(8):
        device.write(0x02, bytes([0x00, 0x04]))
    with pytest.raises(usb.core.USBTimeoutError):
        device.write(0x02, bytes([0x00, 0x04]), 20)
    for _ in range(8):
        assert bytes(device.read(0x81, 512, 1000))[:2] == b"\x00\x06"
    usb.util.dispose_resources(device)


def test_hid_interface_needs_usbhid_detached_and_full_reports(bus):
    device = find(bus, "S1")
    with pytest.raises(usb.core.USBError) as e:
        device.write(0x01, bytes(64))
    assert e.value.errno == errno.EBUSY  # usbhid holds it
    assert device.is_kernel_driver_active(0)
    device.detach_kernel_driver(0)
    with pytest.raises(usb.core.USBError, match="report of this probe is 64 bytes, not 2"):
        device.write(0x01, bytes([0x00, 0x04]))
    device.write(0x01, bytes([0x00, 0x04]).ljust(64, b"\0"))
    report = bytes(device.read(0x81, 64, 1000))
    assert len(report) == 64 and report.startswith(b"\x00\x062.1.1\x00")
    usb.util.release_interface(device, 0)
    device.attach_kernel_driver(0)
    usb.util.dispose_resources(device)


def test_backend_refuses_transfers_on_an_unclaimed_interface(bus):
    backend = bus.backend
    handle = backend.open_device(bus.devices[0])
    with pytest.raises(usb.core.USBError, match="not claimed"):
        backend.bulk_write(handle, 0x02, 0, bytearray(b"\x00\x04"), 100)
    backend.close_device(handle)


class Echo(SimUsbDevice):
    """A device of a registered kind: echoes bulk OUT on bulk IN."""

    def __init__(self, chip, options, index):
        super().__init__(0x1234, 0x0001, [Interface(0, CLASS_VENDOR, endpoints=[
            Endpoint(0x01, BULK, 64), Endpoint(0x82, BULK, 64)])], manufacturer="test", product=f"echo {chip}",
            serial=options.get("serial", "E"))

    def out(self, endpoint, data, timeout_ms):
        self.send(0x82, data[::-1])


def test_registered_kinds_and_spec_syntax():
    register_kind("echo", Echo)
    echo = SimBus("echo:anything:serial=X")
    device = usb.core.find(backend=echo.backend, idVendor=0x1234)
    assert usb.util.get_string(device, device.iProduct) == "echo anything"
    device.write(0x01, b"abc")
    assert bytes(device.read(0x82, 64, 100)) == b"cba"
    usb.util.dispose_resources(device)
    assert parse_spec("a:b, c:d:x=1") == [("a", "b", {}), ("c", "d", {"x": "1"})]
    with pytest.raises(ValueError, match="KIND:CHIP"):
        parse_spec("cmsis-dap-v2")
    with pytest.raises(ValueError, match="no simulated USB device kind 'nope'"):
        SimBus("nope:stm32f103c8")


def test_permission_denied_on_open_like_libusb():
    backend = SimBackend([Echo("x", {}, 0)])
    backend.devices[0].access = "denied"
    device = usb.core.find(backend=backend)
    assert device.idVendor == 0x1234  # descriptors stay readable, as from sysfs
    with pytest.raises(usb.core.USBError) as e:
        usb.util.get_langids(device)
    assert e.value.errno == errno.EACCES
