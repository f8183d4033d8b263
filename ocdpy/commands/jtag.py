"""`jtag newtap|names|configure|cget…`, `swd newdap`, `hla newtap` and `dap create|names|info`."""
from __future__ import annotations

from ..arm.dap_config import DapConfig
from ..errors import OcdError
from ..tcl.values import to_str
from ..transports.jtag import TAP_EVENTS, Tap
from .registry import CONFIG, EXEC, UsageError, need, parse_number, recorder


def parse_tap_options(session, chip: str, tapname: str, args: list[str]) -> Tap:
    tap = Tap(chip, tapname)
    i = 0
    while i < len(args):
        opt = args[i]
        i += 1
        if opt in ("-enable", "-disable"):
            tap.enabled = opt == "-enable"
        elif opt == "-ignore-version":
            tap.ignore_version = True
        elif opt == "-ignore-bypass":
            tap.ignore_bypass = True
        elif opt in ("-irlen", "-ircapture", "-irmask", "-expected-id"):
            if i >= len(args):
                raise OcdError(f"option: {opt} bad parameter")
            try:
                value = parse_number(args[i])
            except OcdError:
                raise OcdError(f"option: {opt} bad parameter") from None
            i += 1
            if opt == "-irlen":
                tap.irlen = value
            elif opt == "-ircapture":
                tap.ircapture = value
            elif opt == "-irmask":
                tap.irmask = value
            else:
                tap.expected_ids.append(value & 0xFFFFFFFF)
        else:
            raise OcdError(f"Unknown option: {opt} (newtap {chip} {tapname})")
    return tap


def find_tap(session, name: str, what: str) -> Tap:
    """A TAP by dotted name or, as OpenOCD also allows, by its position in the chain."""
    tap = session.taps.get(name)
    if tap is None and name.isdigit() and int(name) < len(session.taps):
        tap = list(session.taps.values())[int(name)]
    if tap is None:
        raise OcdError(f"{what}: Tap '{name}' not found")
    return tap


def register(session) -> None:
    reg = session.registry

    def require_jtag(command: str, adapter_level_ok: bool = True) -> None:
        """JTAG-only commands; TAP declarations also pass under hla_jtag/dapdirect_jtag, as in OpenOCD."""
        transport = session.transport
        allowed = "jtag" in transport if transport and adapter_level_ok else transport == "jtag"
        if transport is not None and not allowed:
            raise OcdError(f'session transport is "{transport}" but your config requires JTAG '
                           f"(command '{command}')")

    def add_tap(args, command: str):
        words = need(args, 2, -1)
        chip, tapname, options = words[0], words[1], words[2:]
        tap = parse_tap_options(session, chip, tapname, options)
        if command == "jtag newtap" and not tap.irlen:
            raise OcdError(f"newtap: {tap.name} missing IR length")
        if tap.name in session.taps:
            raise OcdError(f"TAP {tap.name} already exists")
        session.taps[tap.name] = tap
        return ""

    def newtap(args):
        require_jtag("jtag newtap")
        return add_tap(args, "jtag newtap")

    def names(args):
        require_jtag("jtag names", adapter_level_ok=False)
        need(args, 0)
        return list(session.taps)

    def tap_named(name: str) -> Tap:
        tap = session.taps.get(name)
        if tap is None:
            raise OcdError(f"Tap '{name}' could not be found")
        return tap

    def configure(args):
        words = [to_str(a) for a in args]
        if len(words) < 3 or words[1] != "-event":
            raise UsageError("Invalid command argument")
        tap = tap_named(words[0])
        if words[2] not in TAP_EVENTS:
            raise OcdError(f"-event: Unknown: {words[2]}, try one of: {', '.join(TAP_EVENTS)}")
        if len(words) == 3:
            return tap.events.get(words[2], "")
        tap.events[words[2]] = args[3]
        return ""

    def tapisenabled(args):
        (name,) = need(args, 1)
        return 1 if tap_named(name).enabled else 0

    reg.add("jtag newtap", newtap, CONFIG, "basename tap_type '-irlen' count ['-enable'|'-disable'] "
            "['-expected_id' number] ['-ignore-version'] ['-ignore-bypass'] ['-ircapture' number] ['-irmask' number]",
            "Create a new TAP instance named basename.tap_type")
    reg.add("jtag names", names, "any", "", "Returns list of all JTAG tap names.")
    reg.add("jtag configure", configure, "any", "tap_name '-event' event_name handler")
    reg.add("jtag cget", configure, EXEC, "tap_name '-event' event_name")
    reg.add("jtag tapisenabled", tapisenabled, EXEC, "tap_name")

    def scan_chain(args):
        need(args, 0)
        rows = ["   TapName             Enabled  IdCode     Expected   IrLen IrCap IrMask",
                "-- ------------------- -------- ---------- ---------- ----- ----- ------"]
        for n, tap in enumerate(session.taps.values()):
            expected = f"0x{tap.expected_ids[0]:08x}" if tap.expected_ids else "0x00000000"
            rows.append(f"{n:2d} {tap.name:<19} {'Y' if tap.enabled else 'n'}        0x00000000 {expected} "
                        f"{tap.irlen:5d} 0x{tap.ircapture:02x}  0x{tap.irmask:02x}")
        session.log.user("\n".join(rows))
        return ""

    reg.add("scan_chain", scan_chain, "any", "", "print current scan chain configuration")
    reg.add("swd newdap", lambda args: add_tap(args, "swd newdap"), CONFIG,
            "basename dap_type ['-irlen' count] ['-enable'|'-disable'] ['-expected_id' number]")
    reg.add("hla newtap", lambda args: add_tap(args, "hla newtap"), CONFIG, "basename tap_type ...")
    reg.add("swim newtap", lambda args: add_tap(args, "swim newtap"), CONFIG, "basename tap_type")
    for cmd in ("jtag_rclk", "jtag_ntrst_delay", "jtag_ntrst_assert_width", "verify_ircapture", "verify_jtag",
                "jtag_flush_queue_sleep"):
        reg.add(cmd, lambda args, c=cmd: session.settings.__setitem__(c, [to_str(a) for a in args]) or "", "any", "...")
    register_dap(session)


def register_dap(session) -> None:
    reg = session.registry

    def create(args):
        words = need(args, 1, -1)
        name = words[0]
        if name in session.daps:
            raise OcdError(f"DAP '{name}' already exists")
        dap = DapConfig(name, None)
        i = 1
        while i < len(words):
            opt = words[i]
            i += 1
            if opt == "-chain-position":
                if i >= len(words):
                    raise OcdError("-chain-position: missing argument")
                dap.tap = find_tap(session, words[i], "-chain-position")
                i += 1
            elif opt == "-ignore-syspwrupack":
                dap.ignore_syspwrupack = True
            elif opt == "-adiv6":
                dap.adiv6 = True
            elif opt == "-adiv5":
                dap.adiv6 = False
            elif opt in ("-dp-id", "-instance-id"):
                if i >= len(words):
                    raise OcdError(f"{opt}: missing argument")
                setattr(dap, opt[1:].replace("-", "_"), parse_number(words[i]))
                i += 1
            else:
                raise OcdError(f"dap create {name}: unknown option {opt}")
        if dap.tap is None:
            raise OcdError("-chain-position required when creating DAP")
        session.daps[name] = dap
        session.registry.add(name, recorder(session, name), "any", "subcommand ...")
        return ""

    def names(args):
        need(args, 0)
        return list(session.daps)

    reg.add("dap create", create, CONFIG, "name '-chain-position' name", "Creates a new DAP instance")
    reg.add("dap names", names, "any", "", "display the list of DAPs")
