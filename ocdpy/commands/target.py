"""`target create|names|current|types|count`, `targets`, and each target's object command
(`NAME configure|cget|curstate|eventlist|invoke-event` and type-specific settings)."""
from __future__ import annotations

from ..errors import OcdError
from ..target import ADI_TARGET_TYPES, EVENT_NAMES, TARGET_TYPES, Target
from ..tcl.values import to_str
from .jtag import find_tap
from .target_access import needs_target
from .registry import CONFIG, EXEC, UsageError, need, parse_number, recorder

_NUMERIC = {"-work-area-phys": "work_area_phys", "-work-area-virt": "work_area_virt",
            "-work-area-size": "work_area_size", "-coreid": "coreid", "-ap-num": "ap_num",
            "-dbgbase": "dbgbase", "-gdb-max-connections": "gdb_max_connections"}
# Commands that exist on every target object but need a live target (they arrive with the debug stack).
_EXEC_METHODS = ("arp_examine", "arp_halt", "arp_poll", "arp_reset", "arp_waitstate", "array2mem", "examine-deferred",
                 "get_reg", "mdb", "mdd", "mdh", "mdw", "mem2array", "mwb", "mwd", "mwh", "mww", "read_memory",
                 "set_reg", "write_memory", "was_examined", "profile")


# stm8 targets take their memory layout as configure options.
STM8_OPTIONS = ("-flashstart", "-flashend", "-eepromstart", "-eepromend", "-optionstart", "-optionend",
                "-blocksize")


def event_name(name: str) -> str:
    if name not in EVENT_NAMES:
        raise OcdError(f"-event: Unknown: {name}, try one of: {', '.join(EVENT_NAMES[:-1])}, or {EVENT_NAMES[-1]}")
    return name


def configure_target(session, target: Target, args: list) -> None:
    """Apply `-option value` pairs of `target create` / `configure`."""
    i = 0
    while i < len(args):
        opt = to_str(args[i])
        i += 1

        def value():
            if i >= len(args):
                raise OcdError(f"{opt}: missing argument")
            return args[i]

        if opt == "-event":
            name = event_name(to_str(value()))
            if i + 1 >= len(args):
                raise OcdError("-event: missing handler body")
            target.events[name] = args[i + 1]
            i += 2
            continue
        if opt in ("-defer-examine",):
            target.defer_examine = True
            continue
        if opt == "-enable_stm8l" and target.type == "stm8":
            target.settings[opt] = True
            continue
        raw = to_str(value())
        i += 1
        if opt in _NUMERIC:
            setattr(target, _NUMERIC[opt], parse_number(raw, opt))
        elif opt == "-work-area-backup":
            target.work_area_backup = parse_number(raw, opt) != 0
        elif opt == "-endian":
            if raw not in ("little", "big", "be", "le"):
                raise OcdError(f"-endian: Unknown: {raw}, try one of: big, little, be, or le")
            target.endian = {"be": "big", "le": "little"}.get(raw, raw)
        elif opt == "-chain-position":
            if target.type in ADI_TARGET_TYPES:
                raise OcdError("target requires -dap parameter instead of -chain-position!")
            target.tap = find_tap(session, raw, "-chain-position")
        elif opt == "-dap":
            dap = lookup(session.daps, raw, "-dap: DAP")
            target.tap = dap.tap
            if target.type != "hla_target":
                target.dap = dap
        elif opt == "-rtos":
            target.rtos = raw
        elif opt == "-gdb-port":
            target.gdb_port = raw
        elif opt in ("-cti", "-ctibase", "-type") or (opt in STM8_OPTIONS and target.type == "stm8"):
            target.settings[opt] = raw
        else:
            raise OcdError(f"{target.name} configure: unknown option {opt}")


def lookup(table: dict, name: str, what: str):
    obj = table.get(name)
    if obj is None:
        raise OcdError(f"{what} '{name}' not found")
    return obj


def cget(target: Target, args: list):
    words = need(args, 1, 2)
    opt = words[0]
    if opt == "-event":
        if len(words) != 2:
            raise UsageError("-event: missing event name")
        return target.events.get(event_name(words[1]), "")
    if opt == "-type":
        return target.type
    if opt == "-endian":
        return target.endian
    if opt == "-chain-position":
        return target.tap.name if target.tap is not None else ""
    if opt == "-dap":
        return target.dap.name if target.dap is not None else ""
    if opt == "-ap-num":
        if target.ap_num is None:
            raise OcdError("AP number not configured")
        return target.ap_num
    if opt in _NUMERIC:
        return getattr(target, _NUMERIC[opt]) or 0
    if opt == "-work-area-backup":
        return 1 if target.work_area_backup else 0
    if opt == "-gdb-port":
        return target.gdb_port or "undefined"
    if opt == "-rtos":
        return target.rtos
    raise OcdError(f"{target.name} cget: unknown option {opt}")


def register(session) -> None:
    reg = session.registry

    def create(args):
        if len(args) < 2:
            raise UsageError("target create name type '-chain-position' name [options ...]")
        name, kind = to_str(args[0]), to_str(args[1])
        if name in session.targets:
            raise OcdError(f"target '{name}' already exists")
        if session.interp.lookup(name) is not None and not reg.is_recorded(name):
            raise OcdError(f"Command/target: {name} Already exists")
        if kind not in TARGET_TYPES:
            raise OcdError(f"target type '{kind}' is unknown (OpenOCD 0.12 knows: {' '.join(TARGET_TYPES)})")
        if session.transport and session.transport.startswith("hla") and kind == "cortex_m":
            kind = "hla_target"  # an HLA probe runs the core itself, as OpenOCD's startup script arranges
        target = Target(name, kind)
        configure_target(session, target, list(args[2:]))
        if target.tap is None:
            raise OcdError(f"{name}: a target needs -dap (or -chain-position for {kind})"
                           if kind in ADI_TARGET_TYPES else f"{name}: -chain-position required")
        session.targets[name] = target
        session.current_target = target
        add_object_command(target)
        return ""

    def add_object_command(target: Target) -> None:
        name = target.name

        reg.remove(name)
        reg.add(name, recorder(session, name), "any", "subcommand ...")  # type-specific: cortex_m …, arm7_9 …
        reg.add(f"{name} configure", lambda args: configure_target(session, target, list(args)) or "", "any",
                "[target_attribute ...]")
        reg.add(f"{name} cget", lambda args: cget(target, args), "any", "target_attribute")
        reg.add(f"{name} curstate", lambda args: target.state, EXEC, "")
        reg.add(f"{name} eventlist", lambda args: event_table(target), EXEC, "")
        reg.add(f"{name} invoke-event", lambda args: invoke_event(target, need(args, 1)[0]), "any", "event_name")
        for method in _EXEC_METHODS:
            reg.add(f"{name} {method}", needs_target(f"{name} {method}"), EXEC, "...")

    def event_table(target: Target) -> str:
        """OpenOCD's layout: the newest handler first (its list grows at the head), bodies as written."""
        number = list(session.targets).index(target.name)
        lines = [f"Event actions for target ({number}) {target.name}\n", "\n",
                 f"{'Event':<25} | Body\n", f"{'-' * 25} | {'-' * 40}\n"]
        lines += [f"{ev:<25} | {to_str(body)}\n" for ev, body in reversed(target.events.items())]
        return "".join(lines) + "***END***\n"

    def invoke_event(target: Target, name: str):
        body = target.events.get(event_name(name))
        if body is None:
            return ""
        interp = session.interp
        saved = interp.frame
        interp.frame = interp.global_frame
        try:
            interp.eval(body)
        finally:
            interp.frame = saved
        return ""

    def names(args):
        need(args, 0)
        return list(session.targets)

    def current(args):
        need(args, 0)
        if session.current_target is None:
            raise OcdError("No current target")
        return session.current_target.name

    def targets(args):
        words = need(args, 0, 1)
        if words:
            session.current_target = lookup(session.targets, words[0], "Target")
            return ""
        rows = ["    TargetName         Type       Endian TapName            State       ",
                "--  ------------------ ---------- ------ ------------------ ------------"]
        for n, t in enumerate(session.targets.values()):
            mark = "*" if t is session.current_target else " "
            rows.append(f"{n:2d}{mark} {t.name:<18} {t.type:<10} {t.endian:<6} "
                        f"{t.tap.name if t.tap else '':<18} {t.state}")
        return "\n".join(rows) + "\n"

    reg.add("target create", create, CONFIG, "name type '-chain-position' name [options ...]",
            "Creates and selects a new target")
    reg.add("target names", names, "any", "", "Returns the names of all targets as a list of strings")
    reg.add("target current", current, "any", "", "Returns the currently selected target")
    reg.add("target types", lambda args: list(TARGET_TYPES), "any", "", "Returns the available target types")
    reg.add("target count", lambda args: len(session.targets), "any", "")
    reg.add("target smp", lambda args: session.settings.setdefault("target smp", []).append(
        [to_str(a) for a in args]) or "", "any", "targetname1 targetname2 ...")
    reg.add("targets", targets, "any", "[target]", "change current default target (one parameter) or prints "
            "table of all targets (no parameters)")
