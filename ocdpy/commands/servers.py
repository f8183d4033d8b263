"""Server ports and GDB settings (`gdb_port`, `telnet_port`, `tcl_port`, `bindto`, `gdb_*`), `init`,
help/usage, and OpenOCD commands that ocdpy records without acting on them yet."""
from __future__ import annotations

import json

from ..adapters.base import SUPPORTED_DRIVERS
from ..errors import OcdError
from ..flash.bank import SUPPORTED_FLASH_DRIVERS
from ..target import SUPPORTED_TARGET_TYPES
from ..tcl.values import to_str
from ..server.loop import POLL_PERIOD_MS
from ..server import DEFAULT_PORTS, port_setting, start_console_servers, start_gdb_servers
from .probe import open_probe
from .run_control import examine_targets
from .registry import CONFIG, EXEC, CommandSpec, UsageError, need, recorder

# OpenOCD command groups whose settings configs use but ocdpy does not act on yet: recorded, listed by
# `ocdpy_dump_config`, so files that use them still evaluate.
RECORDED_GROUPS = ("cortex_m", "cortex_a", "aarch64", "arm", "armv4_5", "arm7_9", "arm9", "arm11", "arm720t",
                   "arm920t", "arm926ejs", "xscale", "etm", "etb", "tpiu", "swo", "itm", "cti", "rtt", "nand",
                   "pld", "ipdbg", "xtensa", "esp32", "esp32s2", "esp32s3", "esp", "riscv", "mips32", "mips_m4k",
                   "avr32", "dsp563xx", "stm8", "or1k", "arc", "nds", "feroceon", "trace", "semihosting",
                   "gdb_save_tdesc", "ms", "measure_clk", "svf", "xsvf", "pathmove", "tms_sequence",
                   "wait_srst_deassert", "power_restore", "srst_deasserted", "flush_count", "jsp_port",
                   "noinit", "init_reset", "quark_x10xx", "quark_d20xx",
                   "lpc2900", "at91sam7", "at91sam3", "at91sam4", "kinetis", "nrf5", "stm32l4x", "stm32lx",
                   "stm32h7x", "psoc4", "psoc6", "mdr", "efm32", "str9xpec", "mrvlqspi", "stmqspi", "stmsmi",
                   "jtagspi", "at91sam9", "etm_dummy", "swim", "stm32f1x", "stm32f2x", "dap apsel", "dap apid", "dap apreg", "dap baseaddr", "dap memaccess", "dap dpreg",
                   "dap ti_be_32_quirks", "dap nu_npcx_quirks", "dap apcsw", "dap init")


def register(session) -> None:
    reg = session.registry

    def port_command(kind: str):
        def handler(args):
            if not args:
                return port_setting(session, kind)
            (value,) = need(args, 1)
            if value not in ("disabled", "pipe") and not value.isdigit():
                raise OcdError(f"{kind}_port: '{value}' is not a port number, 'disabled' or 'pipe'")
            if value == "pipe" and kind != "gdb":
                raise OcdError(f"{kind}_port: 'pipe' is only available for the GDB port")
            session.ports[kind] = value
            return ""
        return handler

    for kind in DEFAULT_PORTS:
        reg.add(f"{kind}_port", port_command(kind), CONFIG, "[port_num]",
                f"Specify port on which to listen for incoming {kind} connections")
        reg.add(f"{kind} port", port_command(kind), CONFIG, "[port_num]")

    def bindto(args):
        if not args:
            return session.bindto
        (address,) = need(args, 1)
        session.bindto = address
        if address in ("0.0.0.0", "::"):
            session.log.warning(f"bindto {address}: the servers will accept connections from any host")
        return ""

    reg.add("bindto", bindto, CONFIG, "[name]", "Specify address by name on which to listen for connections")

    def poll_period(args):
        words = need(args, 0, 1)
        if not words:
            session.log.warning("You need to set a period value")
        elif not words[0].isdigit():
            session.log.error(f"polling_period option value ('{words[0]}') is not valid")
            raise UsageError("Invalid command argument")
        else:
            session.poll_period_ms = int(words[0])  # the event loop reads it at each poll
        session.log.info(f"set servers polling period to {session.poll_period_ms}ms")
        return ""

    session.poll_period_ms = POLL_PERIOD_MS
    reg.add("poll_period", poll_period, "any", "", "set the servers polling period")
    register_gdb_settings(session)
    for name in ("gdb_report_register_access_error", "gdb_sync"):
        reg.add(name, recorder(session, name), "any", "...")
    for group in RECORDED_GROUPS:
        if group not in reg.specs:
            reg.add(group, recorder(session, group), "any", "...")

    for kind in ("tpiu", "swo", "cti"):
        reg.add(f"{kind} create", object_creator(session, kind), CONFIG, "name [options ...]")
        reg.add(f"{kind} names", lambda args, kind=kind: list(session.objects.get(kind, {})), "any", "")

    def init(args):
        need(args, 0)
        if session.stage == EXEC:
            return ""
        check_supported(session)
        start_console_servers(session)
        open_probe(session)
        session.stage = EXEC
        examine_targets(session)
        add_default_gdb_events(session)
        start_gdb_servers(session)
        return ""

    reg.add("init", init, "any", "", "Initializes configured targets and servers.")

    def help_(args):
        prefix = " ".join(need(args, 0, -1))
        session.log.user(reg.help_text(prefix))
        return ""

    def usage(args):
        prefix = " ".join(need(args, 0, -1))
        session.log.user(reg.usage_text(prefix))
        return ""

    def add_text(field: str):
        def handler(args):
            name, text = need(args, 2)
            spec = reg.specs.get(name)
            if spec is None and session.interp.lookup(name) is not None:
                # a proc (mem_helper.tcl's mmw…): note its text, never shadow the proc itself
                spec = reg.specs[name] = CommandSpec(name, None)
            elif spec is None:
                reg.add(name, None)
                spec = reg.specs[name]
            setattr(spec, field, text)
            return ""
        return handler

    reg.add("help", help_, "any", "[command_name]", "Show full command help; command can be multiple tokens.")
    reg.add("usage", usage, "any", "[command_name]", "Show basic command usage; command can be multiple tokens.")
    reg.add("add_help_text", add_text("help"), "any", "command_name helptext_string")
    reg.add("add_usage_text", add_text("usage"), "any", "command_name usage_string")
    reg.add("ocdpy_dump_config", lambda args: dump_config(session, need(args, 0, 1)), "any", "['-json']",
            "Print the configured adapter, transport, TAPs, DAPs, targets and flash banks")


# OpenOCD's `init` gives every target these handlers unless the config set its own (its init_target_events)
DEFAULT_GDB_EVENTS = (("gdb-flash-erase-start", "reset init"), ("gdb-flash-write-end", "reset halt"),
                      ("gdb-attach", "halt 1000"))


def add_default_gdb_events(session) -> None:
    for target in session.targets.values():
        for event, body in DEFAULT_GDB_EVENTS:
            target.events.setdefault(event, body)


GDB_SWITCHES = {"gdb_memory_map": True, "gdb_flash_program": True, "gdb_target_description": True,
                "gdb_report_data_abort": False}


def register_gdb_settings(session) -> None:
    """OpenOCD's GDB server switches, read by ocdpy/server/gdb.py from `session.gdb_settings`:
    `gdb_memory_map|gdb_flash_program|gdb_target_description|gdb_report_data_abort enable|disable`, and
    `gdb_breakpoint_override hard|soft|disable` (what kind gdb's Z0/Z1 breakpoints become)."""
    reg = session.registry
    session.gdb_settings = dict(GDB_SWITCHES, gdb_breakpoint_override=None)

    def switch(name: str):
        def handler(args):
            (value,) = need(args, 1)
            if value not in ("enable", "disable"):
                raise UsageError("Invalid command argument")
            session.gdb_settings[name] = value == "enable"
            return ""
        return handler

    for name in GDB_SWITCHES:
        reg.add(name, switch(name), CONFIG, "('enable'|'disable')")

    def breakpoint_override(args):
        words = need(args, 0, 1)
        if words:  # as in OpenOCD, any word but 'hard' and 'disable' means soft
            session.gdb_settings["gdb_breakpoint_override"] = (None if words[0] == "disable" else
                                                               "hard" if words[0] == "hard" else "soft")
        kind = session.gdb_settings["gdb_breakpoint_override"]
        session.log.user(f"force {kind} breakpoints" if kind else "breakpoint type is not overridden")
        return ""

    reg.add("gdb_breakpoint_override", breakpoint_override, "any", "('hard'|'soft'|'disable')")


def object_creator(session, kind: str):
    """`tpiu create NAME …` and friends: an object command that records its configuration."""
    def create(args):
        words = need(args, 1, -1)
        name = words[0]
        if session.interp.lookup(name) is not None:
            raise OcdError(f"{kind} create: command '{name}' already exists")
        session.objects.setdefault(kind, {})[name] = words[1:]
        session.registry.add(name, recorder(session, name), "any", "subcommand ...")
        return ""
    return create


def check_supported(session) -> None:
    """`init` refuses, in plain words, configurations that name hardware ocdpy cannot drive."""
    adapter = session.adapter
    if adapter is None:
        raise OcdError('Debug Adapter has to be specified, see "adapter driver" command')
    if not adapter.supported:
        raise OcdError(f"adapter driver '{adapter.driver}' is not supported by ocdpy "
                       f"(supported: {', '.join(SUPPORTED_DRIVERS)})")
    for target in session.targets.values():
        if target.type not in SUPPORTED_TARGET_TYPES:
            raise OcdError(f"target '{target.name}' is of type '{target.type}', which ocdpy does not support "
                           f"(supported: {', '.join(SUPPORTED_TARGET_TYPES)})")
    for bank in session.flash_banks:
        if bank.driver not in SUPPORTED_FLASH_DRIVERS + ("virtual",):
            raise OcdError(f"flash bank '{bank.name}' uses driver '{bank.driver}', which ocdpy does not support "
                           f"(supported: {', '.join(SUPPORTED_FLASH_DRIVERS)})")


def config_graph(session) -> dict:
    adapter = session.adapter
    return {
        "adapter": None if adapter is None else {
            "driver": adapter.driver, "speed_khz": adapter.speed_khz, "srst_delay_ms": adapter.srst_delay_ms,
            "settings": adapter.settings},
        "transport": session.transport,
        "taps": [{"name": t.name, "irlen": t.irlen, "expected_ids": [f"0x{i:08x}" for i in t.expected_ids],
                  "enabled": t.enabled} for t in session.taps.values()],
        "daps": [{"name": d.name, "chain_position": d.tap.name} for d in session.daps.values()],
        "targets": [{"name": t.name, "type": t.type, "dap": t.dap.name if t.dap else None,
                     "chain_position": t.tap.name if t.tap else None, "ap_num": t.ap_num, "endian": t.endian,
                     "work_area_phys": t.work_area_phys, "work_area_size": t.work_area_size,
                     "events": {k: to_str(v).strip() for k, v in t.events.items()}} for t in session.targets.values()],
        "flash_banks": [{"name": b.name, "driver": b.driver, "base": f"0x{b.base:08x}", "size": b.size,
                         "target": b.target.name} for b in session.flash_banks],
        "reset_config": dict(session.reset_config),
        "ports": {kind: port_setting(session, kind) for kind in DEFAULT_PORTS},
    }


def dump_config(session, words: list[str]) -> str:
    graph = config_graph(session)
    if words and words[0] == "-json":
        return json.dumps(graph, indent=2)
    lines = []
    a = graph["adapter"]
    lines.append(f"adapter: {a['driver'] if a else '(none)'}"
                 + (f", {a['speed_khz']} kHz" if a and a["speed_khz"] else ""))
    lines.append(f"transport: {graph['transport'] or '(not selected)'}")
    for t in graph["taps"]:
        ids = " ".join(t["expected_ids"]) or "any"
        lines.append(f"tap {t['name']}: irlen {t['irlen']}, expected {ids}, {'enabled' if t['enabled'] else 'disabled'}")
    for d in graph["daps"]:
        lines.append(f"dap {d['name']}: on {d['chain_position']}")
    for t in graph["targets"]:
        where = f"dap {t['dap']}" if t["dap"] else f"tap {t['chain_position']}"
        area = (f", work area 0x{t['work_area_phys']:08x} + {t['work_area_size']}"
                if t["work_area_phys"] is not None else "")
        ap = f", ap {t['ap_num']}" if t["ap_num"] is not None else ""
        lines.append(f"target {t['name']}: {t['type']} on {where}{ap}, {t['endian']}{area}")
        for ev in t["events"]:
            lines.append(f"  event {ev}")
    for b in graph["flash_banks"]:
        lines.append(f"flash {b['name']}: {b['driver']} at {b['base']}, size {b['size']}, target {b['target']}")
    return "\n".join(lines)

