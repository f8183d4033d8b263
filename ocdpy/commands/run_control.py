"""Run control with OpenOCD's commands, messages and event order: examining targets at `init`, `halt`,
`wait_halt`, `resume`, `step`, `reset run|halt|init`, `poll`, `reg`, `bp`/`rbp`, `wp`/`rwp`, the `$target`
methods, and `cortex_m maskisr|reset_config|vector_catch`."""
from __future__ import annotations

from ..arm.adiv5 import Dap
from ..arm.cortex_m import DEMCR, S_HALT, CortexM, ResourceError
from ..errors import OcdError
from .registry import EXEC, UsageError, need, parse_number

DEFAULT_WAIT_MS = 5000
RESET_WAIT_MS = 1000
SRST_SIGNALS = ("srst_only", "trst_and_srst")
VECTOR_CATCH_BITS = (("hard_err", 10), ("int_err", 9), ("bus_err", 8), ("state_err", 7), ("chk_err", 6),
                     ("nocp_err", 5), ("mm_err", 4), ("reset", 0))


def register(session) -> None:
    reg = session.registry
    session.dap = None

    def current():
        target = session.current_target
        if target is None or getattr(target, "core", None) is None:
            raise OcdError("no target to control: 'init' has not reached a core")
        return target

    def wait_halt(target, ms: int) -> None:
        was = target.state
        if not target.core.wait_halted(ms / 1000):
            raise OcdError("timed out while waiting for target halted")
        target.state = "halted"
        if was != "unknown":  # OpenOCD reports (and fires `halted`) only a halt it saw happen
            report_halted(session, target)

    # -- halt / resume / step ---------------------------------------------------------------------------
    def halt_and_wait(args, request: bool) -> str:
        """`halt` asks the core to stop, `wait_halt` only waits; either reports the halt like OpenOCD."""
        words = need(args, 0, 1)
        target = current()
        if request and target.state == "unknown":  # no poll yet since `init`
            session.log.warning(f"[{target.name}] target was in unknown state when halt was requested")
        if target.core.dhcsr() & S_HALT:
            poll_one(session, target)
            return ""
        if request:
            target.core.halt()
        wait_halt(target, parse_number(words[0], "milliseconds") if words else DEFAULT_WAIT_MS)
        return ""

    def halt(args):
        return halt_and_wait(args, True)

    def wait_halt_command(args):
        return halt_and_wait(args, False)

    def resume(args):
        words = need(args, 0, 1)
        resume_target(session, current(), parse_number(words[0], "address") if words else None)
        return ""

    def step(args):
        words = need(args, 0, 1)
        step_target(session, current(), parse_number(words[0], "address") if words else None)
        return ""

    def poll(args):
        words = need(args, 0, 1)
        if words:
            if words[0] not in ("on", "off"):
                raise UsageError("Invalid command argument")
            session.background_polling = words[0] == "on"
            return ""
        target = current()
        poll_one(session, target)
        if target.state == "halted":  # OpenOCD logs the core's state; the result is the polling status
            session.log.user(f"[{target.name}] {target.core.halt_report()}")
        return (f"background polling: {'on' if session.background_polling else 'off'}\n"
                f"TAP: {target.tap.name} (enabled)\n")

    # -- reset ----------------------------------------------------------------------------------------------
    def reset(args):
        words = need(args, 0, 1)
        mode = words[0] if words else "run"
        if mode not in ("run", "halt", "init"):
            raise UsageError("Invalid command argument")
        announce_reset(session, mode)
        reset_targets(mode)
        return ""

    def reset_targets(mode: str) -> None:
        """OpenOCD's reset sequence: reset-start, assert (or the reset-assert handler), deassert, wait for
        the halt, reset-init, reset-end; each with its -pre/-post events, for every target."""
        targets = [t for t in session.targets.values() if getattr(t, "core", None) is not None]
        halt = mode != "run"
        for t in targets:
            invoke_handler(session, t, "reset-start")
        for t in targets:  # OpenOCD re-examines every target before resetting it
            examine(session, t)
        for t in targets:
            invoke_handler(session, t, "reset-assert-pre")
            if "reset-assert" in t.events:
                invoke_handler(session, t, "reset-assert")
            else:
                t.core.assert_reset(halt, srst_line())
            invoke_handler(session, t, "reset-assert-post")
        for t in targets:
            invoke_handler(session, t, "reset-deassert-pre")
            t.core.deassert_reset(halt, srst_line())
            t.state = t.core.state
            invoke_handler(session, t, "reset-deassert-post")
        for t in targets:
            if halt:
                if not t.core.wait_halted(RESET_WAIT_MS / 1000):
                    raise OcdError(f"TARGET: {t.name} - Not halted (the core did not stop after the reset)")
                t.state = "halted"
                report_halted(session, t)
                t.core.end_reset()
            if mode == "init":
                invoke_handler(session, t, "reset-init")
        for t in targets:
            invoke_handler(session, t, "reset-end")

    def srst_line():
        """The adapter's SRST, when `reset_config` says the board wires it; else None (reset from the core)."""
        if session.reset_config.get("signals") in SRST_SIGNALS and session.probe is not None:
            return session.probe.set_srst
        return None

    # -- registers --------------------------------------------------------------------------------------
    def format_reg(core, r) -> str:
        digits = max(2, (r.bits + 3) // 4)
        return f"{r.name} (/{r.bits}): 0x{core.read_reg(r.name):0{digits}x}"

    def reg_command(args):
        words = need(args, 0, 2)
        core = current().core
        if not words:
            core.prefetch(r.name for r in core.info.registers)
            lines = ["===== arm v7m registers"]
            lines += [f"({r.number}) {format_reg(core, r)}" for r in core.info.registers]
            lines.append("===== Cortex-M DWT registers")
            return "\n".join(lines) + "\n"
        r = core.register(words[0])
        if len(words) == 2:
            core.write_reg(r.name, parse_number(words[1], "value"))
        return format_reg(core, r) + "\n"

    # -- breakpoints and watchpoints ------------------------------------------------------------------------
    def bp(args):
        words = need(args, 0, 3)
        core = current().core
        if not words:
            lines = []
            for b in core.breakpoints:
                if b.hardware:
                    lines.append(f"Breakpoint(IVA): 0x{b.address:08x}, 0x{b.length:x}, {b.comparator}")
                else:
                    lines.append(f"IVA breakpoint: 0x{b.address:08x}, 0x{b.length:x}, "
                                 f"0x{int.from_bytes(b.original, 'little'):02x}")
            return "".join(line + "\n" for line in lines)
        if len(words) < 2:
            raise UsageError("Invalid command argument")
        hardware = len(words) == 3 and words[2] == "hw"
        if len(words) == 3 and not hardware:
            raise UsageError("Invalid command argument")
        address, length = parse_number(words[0], "address"), parse_number(words[1], "length")
        try:
            core.add_breakpoint(address, length, hardware)
        except ResourceError as e:
            session.log.error(f"[{current().name}] {e.detail}")
            raise OcdError(e.summary) from None
        return f"breakpoint set at 0x{address:08x}\n"

    def rbp(args):
        (which,) = need(args, 1)
        core = current().core
        if which == "all":
            for b in list(core.breakpoints):
                core.remove_breakpoint(b.address)
            return ""
        address = parse_number(which, "address")
        try:
            core.remove_breakpoint(address)
        except OcdError as e:
            session.log.error(str(e.result))  # OpenOCD reports this and carries on
        return ""

    def wp(args):
        words = need(args, 0, 5)
        core = current().core
        if not words:
            kinds = {"r": 0, "w": 1, "a": 2}
            return "".join(f"address: 0x{w.address:08x}, len: 0x{w.length:08x}, r/w/a: {kinds[w.access]}, "
                           f"value: 0x{w.value:08x}, mask: 0x{w.mask:08x}\n" for w in core.watchpoints)
        if len(words) < 2:
            raise UsageError("Invalid command argument")
        access = words[2] if len(words) > 2 else "a"
        if access not in ("r", "w", "a"):
            raise UsageError("Invalid command argument")
        value = parse_number(words[3], "value") if len(words) > 3 else 0
        mask = parse_number(words[4], "mask") if len(words) > 4 else 0xFFFFFFFF
        try:
            core.add_watchpoint(parse_number(words[0], "address"), parse_number(words[1], "length"), access,
                                value, mask)
        except ResourceError as e:
            session.log.error(e.detail)
            raise OcdError(e.summary) from None
        return ""

    def rwp(args):
        (address,) = need(args, 1)
        current().core.remove_watchpoint(parse_number(address, "address"))
        return ""

    def soft_reset_halt(args):
        need(args, 0)
        session.log.warning(f"[{current().name}] soft_reset_halt is deprecated, please use 'reset halt' instead.")
        reset_targets("halt")
        return ""

    for name, handler, usage in (
            ("soft_reset_halt", soft_reset_halt, ""), ("halt", halt, "[milliseconds]"), ("wait_halt", wait_halt_command, "[milliseconds]"),
            ("resume", resume, "[address]"), ("step", step, "[address]"), ("poll", poll, "['on'|'off']"),
            ("reset", reset, "[run|halt|init]"), ("reg", reg_command, "[(register_number|register_name) [value]]"),
            ("bp", bp, "<address> [<asid>] <length> ['hw'|'hw_ctx']"), ("rbp", rbp, "'all' | address"),
            ("wp", wp, "[address length [('r'|'w'|'a') [value [mask]]]]"), ("rwp", rwp, "address")):
        reg.add(name, handler, EXEC, usage)
    session.background_polling = True
    session.event_listeners, session.reset_listeners, session.trace_listeners = [], [], []
    register_cortex_m(session)


def register_cortex_m(session) -> None:
    """`cortex_m maskisr|reset_config|vector_catch`: at config time they set the current target's defaults,
    after `init` they act on its core."""
    reg = session.registry

    def setting(target, key: str, default: str) -> str:
        core = getattr(target, "core", None)
        return getattr(core, key) if core is not None else target.settings.get(f"cortex_m {key}", default)

    def store(target, key: str, value: str) -> None:
        target.settings[f"cortex_m {key}"] = value
        core = getattr(target, "core", None)
        if core is not None:
            setattr(core, key, value)

    def choice(key: str, label: str, options: tuple[str, ...], default: str):
        def handler(args):
            words = need(args, 0, 1)
            target = session.current_target
            if target is None:
                raise OcdError("cortex_m: no current target")
            if words:
                if words[0] not in options:
                    raise UsageError("Invalid command argument")
                store(target, key, words[0])
            return f"{label} {setting(target, key, default)}\n"
        return handler

    reg.add("cortex_m maskisr", choice("maskisr", "cortex_m interrupt mask", ("auto", "on", "off", "steponly"),
                                       "auto"), "any", "['auto'|'on'|'off'|'steponly']")
    reg.add("cortex_m reset_config", choice("reset_method", "cortex_m reset_config", ("sysresetreq", "vectreset"),
                                            "sysresetreq"), "any", "['sysresetreq'|'vectreset']")

    def vector_catch(args):
        words = need(args, 0, -1)
        target = session.current_target
        core = getattr(target, "core", None)
        if core is None:
            raise OcdError("cortex_m vector_catch needs a live target ('init' first)")
        demcr = core.mem.read_u32(DEMCR)
        if words:
            names = dict(VECTOR_CATCH_BITS)
            catch = 0
            for word in words:
                if word == "all":
                    catch = sum(1 << bit for bit in names.values())
                elif word == "none":
                    catch = 0
                elif word in names:
                    catch |= 1 << names[word]
                else:
                    raise OcdError(f"cortex_m vector_catch: unknown vector '{word}'")
            demcr = (demcr & ~sum(1 << bit for bit in names.values())) | catch
            core.mem.write_u32(DEMCR, demcr)
        return "".join(f"{name:>9}: {'catch' if demcr & (1 << bit) else 'ignore'}\n" for name, bit in VECTOR_CATCH_BITS)

    reg.add("cortex_m vector_catch", vector_catch, EXEC, "['all'|'none'|('bus_err'|'chk_err'|...)*]")


def invoke_handler(session, target, event: str) -> None:
    """Run the target's Tcl handler for `event` only. OpenOCD's reset sequence (a Tcl proc calling
    `invoke-event`) fires its events this way: handlers run, event listeners hear nothing."""
    session.interp.eval(f"{{{target.name}}} invoke-event {event}")


def fire_event(session, target, event: str) -> None:
    """A target event as OpenOCD's core fires it: the Tcl handler first, then every listener (the Tcl RPC
    server's notifications), which also sees `target.state` as it is at that moment."""
    invoke_handler(session, target, event)
    for listener in list(session.event_listeners):
        listener(target, event)


def announce_reset(session, mode: str) -> None:
    """`reset run|halt|init` is starting: reset listeners hear the mode once per target, before any handler."""
    for target in session.targets.values():
        if getattr(target, "core", None) is not None:
            for listener in list(session.reset_listeners):
                listener(target, mode)


def emit_trace(session, target, data: bytes) -> None:
    """Trace bytes captured from a target (a future SWO/TPIU source calls this); `tcl_trace on` clients get them."""
    for listener in list(session.trace_listeners):
        listener(target, data)


def report_halted(session, target, quiet: bool = False) -> None:
    """A halt, whoever caused it: `gdb-halt` then `halted` fire before the message (OpenOCD's order), then
    every server client hears of it. `quiet` leaves the two-line report out: GDB's own steps, and any halt
    a GDB client is waiting for (its attach, `continue`, Ctrl-C), which OpenOCD does not log either."""
    fire_event(session, target, "gdb-halt")
    fire_event(session, target, "halted")
    loop = getattr(session, "loop", None)
    if not quiet and not (loop is not None and loop.awaits_halt(target)):
        session.log.user(f"[{target.name}] {target.core.halt_report()}")
    if loop is not None:
        loop.target_halted(target)


def poll_one(session, target) -> None:
    """Read the core's state; a halt that happened since the last look is reported (not the first look
    after `init`, when the state was unknown: OpenOCD reports only a change it saw)."""
    was = target.state
    just_halted = target.core.poll()
    target.state = target.core.state
    if just_halted and was != "unknown":
        report_halted(session, target)


def poll_targets(session) -> None:
    """The event loop's periodic poll of every examined target; a failure is logged once, not every 100 ms."""
    for target in session.targets.values():
        core = getattr(target, "core", None)
        if core is None or not core.examined:
            continue
        try:
            poll_one(session, target)
        except OcdError as e:
            if not getattr(target, "poll_failed", False):
                session.log.error(f"[{target.name}] Polling target failed: {e.result}")
            target.poll_failed = True
        else:
            if getattr(target, "poll_failed", False):
                session.log.info(f"[{target.name}] polling works again")
            target.poll_failed = False


def resume_target(session, target, address: int | None = None) -> None:
    """OpenOCD's order: resume-start (still halted), the core runs, resumed (now running), resume-end."""
    fire_event(session, target, "resume-start")
    target.core.resume(address)
    target.state = "running"
    fire_event(session, target, "resumed")
    fire_event(session, target, "resume-end")


def step_target(session, target, address: int | None = None, quiet: bool = False) -> None:
    """OpenOCD's order: step-start, resumed (the state stays halted), the step, gdb-halt, halted, step-end."""
    fire_event(session, target, "step-start")
    fire_event(session, target, "resumed")
    target.core.step(address)
    target.state = "halted"
    report_halted(session, target, quiet)
    fire_event(session, target, "step-end")


def examine_targets(session) -> None:
    """`init`: build each target's core on the probe's memory access and examine it, with its events."""
    if session.dap_queue is not None:
        session.dap = Dap(session.dap_queue)
        session.dap.power_up()
    for target in session.targets.values():
        if session.dap is not None:
            mem = session.dap.mem_ap(target.ap_num or 0)
        elif session.memory is not None:
            mem = session.memory
        else:
            return
        core = CortexM(mem)
        for key in ("maskisr", "reset_method"):
            if f"cortex_m {key}" in target.settings:
                setattr(core, key, target.settings[f"cortex_m {key}"])
        target.core = core
        add_target_methods(session, target)
        info = examine(session, target)
        target.state = "unknown"  # as OpenOCD's after examine: known from the first poll on
        session.log.info(f"[{target.name}] {info.name} {info.revision} processor detected")
        session.log.info(f"[{target.name}] target has {info.fpb_code} breakpoints, {info.dwt_comparators} watchpoints")


def examine(session, target):
    """examine-start, read the core's identity and debug resources, examine-end (with the target current,
    as handlers such as `mmw` act on the current target)."""
    saved, session.current_target = session.current_target, target
    try:
        session.interp.eval(f"{{{target.name}}} invoke-event examine-start")
        info = target.core.examine()
        target.core.poll()
        target.state = target.core.state
        session.interp.eval(f"{{{target.name}}} invoke-event examine-end")
    finally:
        session.current_target = saved
    return info


def add_target_methods(session, target) -> None:
    """The `$target` methods that act on this target's own core and memory, whatever the current target."""
    reg = session.registry
    name = target.name
    display, modify, read_memory, write_memory = session.memory_commands

    def mem():
        return target.core.mem

    for suffix, width in (("d", 8), ("w", 4), ("h", 2), ("b", 1)):
        reg.add(f"{name} md{suffix}", display(width, mem), EXEC, "address [count]")
        reg.add(f"{name} mw{suffix}", modify(width, mem), EXEC, "address data [count]")
    reg.add(f"{name} read_memory", read_memory(mem), EXEC, "address width count ['phys']")
    reg.add(f"{name} write_memory", write_memory(mem), EXEC, "address width data ['phys']")

    def on_target(command: str):
        def handler(args):
            saved, session.current_target = session.current_target, target
            try:
                return session.interp.eval(" ".join([command, *(str(a) for a in args)]))
            finally:
                session.current_target = saved
        return handler

    def arp_poll(args):
        target.core.poll()
        target.state = target.core.state
        return ""

    def arp_waitstate(args):
        state, ms = need(args, 2)
        if state != "halted":
            raise OcdError(f"arp_waitstate: waiting for '{state}' is not supported (only 'halted')")
        if not target.core.wait_halted(parse_number(ms, "milliseconds") / 1000):
            raise OcdError(f"timed out ({ms} ms) while waiting for target halted")
        target.state = "halted"
        return ""

    def arp_examine(args):
        need(args, 0, 1)
        target.core.examine()
        return ""

    reg.add(f"{name} arp_halt", lambda args: target.core.halt() or "", EXEC, "")
    reg.add(f"{name} arp_poll", arp_poll, EXEC, "")
    reg.add(f"{name} arp_waitstate", arp_waitstate, EXEC, "statename timeoutmsecs")
    reg.add(f"{name} arp_examine", arp_examine, EXEC, "['allow-defer']")
    reg.add(f"{name} was_examined", lambda args: int(target.core.examined), EXEC, "")
    reg.add(f"{name} curstate", lambda args: target.state, EXEC, "")
    for command in ("halt", "resume", "step", "reg", "bp", "rbp", "wp", "rwp"):
        reg.add(f"{name} {command}", on_target(command), EXEC, "...")
