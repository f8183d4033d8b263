"""`adapter ...`, `transport ...`, `reset_config`, and the config commands of each probe driver."""
from __future__ import annotations

from ..adapters.base import DRIVER_TRANSPORTS, SUPPORTED_DRIVERS, AdapterConfig
from ..errors import OcdError
from ..tcl.values import to_str
from .registry import CONFIG, UsageError, need, parse_number, recorder

# Driver-specific command groups OpenOCD registers when `adapter driver X` selects a driver; ocdpy
# records their settings (drivers it cannot open fail at `init`, not here).
DRIVER_GROUPS = {
    "ftdi": "ftdi", "jlink": "jlink", "cmsis-dap": "cmsis-dap", "st-link": "st-link", "hla": "hla",
    "remote_bitbang": "remote_bitbang", "usb_blaster": "usb_blaster", "vsllink": "vsllink", "ulink": "ulink",
    "xds110": "xds110", "kitprog": "kitprog", "buspirate": "buspirate", "sysfsgpio": "sysfsgpio",
    "linuxgpiod": "linuxgpiod", "bcm2835gpio": "bcm2835gpio", "imx_gpio": "imx_gpio",
    "am335xgpio": "am335xgpio", "parport": "parport", "openjtag": "openjtag", "presto": "presto",
    "rlink": "rlink", "osbdm": "osbdm", "opendous": "opendous", "ft232r": "ft232r", "usbprog": "usbprog",
    "gw16012": "gw16012", "amt_jtagaccel": "amt_jtagaccel", "arm-jtag-ew": "arm-jtag-ew",
    "esp_usb_jtag": "espusbjtag", "jtag_vpi": "jtag_vpi", "jtag_dpi": "jtag_dpi", "vdebug": "vdebug",
    "rshim": "rshim", "xlnx_pcie_xvc": "xlnx_pcie_xvc", "nulink": "hla", "ti_icdi": "hla", "dmem": "dmem",
}
RESET_CONFIG_WORDS = {
    "none": ("signals", "none"), "trst_only": ("signals", "trst_only"), "srst_only": ("signals", "srst_only"),
    "trst_and_srst": ("signals", "trst_and_srst"), "separate": ("combination", "separate"),
    "srst_pulls_trst": ("combination", "srst_pulls_trst"), "trst_pulls_srst": ("combination", "trst_pulls_srst"),
    "combined": ("combination", "combined"), "srst_gates_jtag": ("gates", "srst_gates_jtag"),
    "srst_nogate": ("gates", "srst_nogate"), "trst_push_pull": ("trst_type", "trst_push_pull"),
    "trst_open_drain": ("trst_type", "trst_open_drain"), "srst_push_pull": ("srst_type", "srst_push_pull"),
    "srst_open_drain": ("srst_type", "srst_open_drain"), "connect_deassert_srst": ("connect", "connect_deassert_srst"),
    "connect_assert_srst": ("connect", "connect_assert_srst"),
}
RESET_CONFIG_DEFAULTS = {"signals": "none", "combination": "separate", "gates": "srst_gates_jtag",
                         "trst_type": "trst_push_pull", "srst_type": "srst_push_pull",
                         "connect": "connect_deassert_srst"}


def register(session) -> None:
    reg, log = session.registry, session.log

    pending = AdapterConfig("")  # `adapter speed` & co. may come before `adapter driver`, as OpenOCD allows

    def adapter() -> AdapterConfig:
        return session.adapter if session.adapter is not None else pending

    def driver(args):
        (name,) = need(args, 1)
        if session.adapter is not None:
            log.warning(f"Interface already configured, ignoring '{name}'")
            return ""
        if name not in DRIVER_TRANSPORTS:
            raise OcdError(f"The specified debug interface was not found ({name})\n"
                           f"The following debug adapters are available:\n  " + " ".join(DRIVER_TRANSPORTS))
        pending.driver = name
        session.adapter = pending
        group = DRIVER_GROUPS.get(name)
        if group and name not in SUPPORTED_DRIVERS:
            record_group(group)
        transports = session.adapter.transports
        if len(transports) == 1 and session.transport is None:
            log.info(f"only one transport option; autoselect '{transports[0]}'")
            session.transport = transports[0]
        return ""

    def record_group(group: str) -> None:
        """A driver group ocdpy cannot drive: accept and record its settings for `init` to refuse clearly."""
        def record(args):
            if not args:
                raise UsageError(f"{group}: missing subcommand")
            session.adapter.settings.setdefault(to_str(args[0]), []).append([to_str(a) for a in args[1:]])
            return ""
        reg.add(group, record, CONFIG, "subcommand [args...]", f"{group} driver settings (recorded)")

    def speed(args):
        if not args:
            return adapter().speed_khz or 0
        (khz,) = need(args, 1)
        adapter().speed_khz = parse_number(khz, "khz")
        if getattr(session, "probe", None) is not None:  # at run time the probe changes its clock now
            adapter().speed_khz = session.probe.set_speed(adapter().speed_khz)
        return ""

    def srst_delay(args):
        if not args:
            return adapter().srst_delay_ms
        adapter().srst_delay_ms = parse_number(need(args, 1)[0])
        log.debug(f"adapter srst delay: {adapter().srst_delay_ms}")
        return ""

    def srst_pulse_width(args):
        if not args:
            return adapter().srst_pulse_width_ms
        adapter().srst_pulse_width_ms = parse_number(need(args, 1)[0])
        return ""

    def serial(args):
        (value,) = need(args, 1)
        session.adapter_serial = value
        return ""

    def usb_location(args):
        if not args:
            return session.adapter_usb_location or ""
        (value,) = need(args, 1)
        session.adapter_usb_location = value
        return ""

    def name(args):
        need(args, 0)
        return session.adapter.driver if session.adapter else "undefined"

    def transports(args):
        """Drivers declare their transports; a config may narrow them."""
        if session.adapter is None:
            raise OcdError('Debug Adapter has to be specified, see "adapter driver" command')
        names = need(args, 1, -1)
        unknown = [t for t in names if t not in adapter().transports]
        if unknown:
            raise OcdError(f"adapter driver '{adapter().driver}' does not support transport '{unknown[0]}'")
        return ""

    def adapter_list(args):
        need(args, 0)
        return " ".join(DRIVER_TRANSPORTS)

    def transport_select(args):
        if not args:
            if session.transport is None:
                if session.adapter is None:
                    raise OcdError("Debug adapter doesn't support any transports?")
                first = session.adapter.transports[0]
                log.info(f"auto-selecting first available session transport \"{first}\". "
                         "To override use 'transport select <transport>'.")
                session.transport = first
            return session.transport
        (wanted,) = need(args, 1)
        if session.adapter is None:
            raise OcdError("Debug adapter doesn't support any transports?")
        if session.transport is not None:
            if session.transport == wanted:
                log.warning(f'Transport "{wanted}" was already selected')
                return wanted
            raise OcdError("Can't change session's transport after the initial selection was made")
        if wanted not in session.adapter.transports:
            raise OcdError(f"Debug adapter doesn't support '{wanted}' transport")
        session.transport = wanted
        return wanted

    def transport_list(args):
        need(args, 0)
        return list(session.adapter.transports) if session.adapter else []

    def reset_config(args):
        words = need(args, 0, -1)
        if not words:
            return " ".join(session.reset_config.get(k, v) for k, v in RESET_CONFIG_DEFAULTS.items())
        for word in words:
            key = RESET_CONFIG_WORDS.get(word)
            if key is None:
                raise UsageError(f"unknown reset_config flag ({word})")
            session.reset_config[key[0]] = key[1]
        return ""

    for cname, fn, usage in (
            ("adapter driver", driver, "driver_name"), ("adapter speed", speed, "[khz]"),
            ("adapter srst delay", srst_delay, "[milliseconds]"),
            ("adapter srst pulse_width", srst_pulse_width, "[milliseconds]"),
            ("adapter serial", serial, "serial_string"), ("adapter usb location", usb_location, "[<bus>-port[.port]...]"),
            ("adapter name", name, ""), ("adapter transports", transports, "transport ..."),
            ("adapter list", adapter_list, ""), ("adapter gpio", recorder(session, "adapter gpio"), "..."),
            ("adapter assert", recorder(session, "adapter assert"), "..."),
            ("adapter deassert", recorder(session, "adapter deassert"), "..."), ("transport select", transport_select, "[transport_name]"),
            ("transport list", transport_list, ""), ("reset_config", reset_config, "[none|trst_only|...]")):
        reg.add(cname, fn, CONFIG if cname in ("adapter driver", "adapter transports") else "any", usage)
    # pre-0.11 spellings still found in configs
    for old, new in (("adapter_khz", "adapter speed"), ("adapter_nsrst_delay", "adapter srst delay"),
                     ("adapter_nsrst_assert_width", "adapter srst pulse_width"), ("interface", "adapter driver")):
        reg.add(old, lambda args, target=new: session.registry.call(session.registry.specs[target], args),
                "any", "...", f"deprecated: use '{new}'")
    register_probe_settings(session)


def register_probe_settings(session) -> None:
    """Config commands of the probes ocdpy drives: hla, st-link, cmsis-dap, remote_bitbang."""
    reg = session.registry

    def setting(group: str, key: str, low: int = 1, high: int = -1):
        def handler(args):
            session.probe_settings[f"{group} {key}"] = need(args, low, high)
            return ""
        return handler

    for group, keys in (("hla", ("layout", "device_desc", "vid_pid", "serial", "command", "stlink_backend")),
                        ("st-link", ("vid_pid", "serial", "backend")),
                        ("cmsis-dap", ("vid_pid", "serial", "backend", "usb interface", "quirk", "tcp host", "tcp port")),
                        ("remote_bitbang", ("host", "port", "use_remote_sleep"))):
        for key in keys:
            reg.add(f"{group} {key}", setting(group, key), CONFIG, "...")
            if group == "hla":  # OpenOCD 0.12 spells these hla_layout, hla_vid_pid…
                reg.add(f"hla_{key}", setting(group, key), CONFIG, "...")
    reg.add("cmsis_dap_vid_pid", setting("cmsis-dap", "vid_pid"), CONFIG, "...")
    reg.add("cmsis_dap_serial", setting("cmsis-dap", "serial"), CONFIG, "...")
    reg.add("remote_bitbang_host", setting("remote_bitbang", "host"), CONFIG, "...")
    reg.add("remote_bitbang_port", setting("remote_bitbang", "port"), CONFIG, "...")
