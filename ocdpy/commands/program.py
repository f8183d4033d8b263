"""What `program` (startup.tcl) adds to OpenOCD's: the pre-flight checks run before anything is erased, the
one-line summary, and the warning when the core is left halted."""
from __future__ import annotations

from ..errors import OcdError
from ..flash.plan import PlanError, check_memory, make_plan
from .flash_banks import all_drivers
from .registry import EXEC, need, parse_number

RAM_REGION = (0x20000000, 0x40000000)  # the Cortex-M SRAM region (ARMv7-M B3.1)


def register(session) -> None:
    reg, log = session.registry, session.log

    def check(args):
        """The image fits the banks, non-flash segments hit memory, the code runs on this core, and the
        vector table looks bootable (a warning)."""
        words = need(args, 1, 2)
        path = session.find(words[0])
        from ..flash.image import arch_hint, load_image, runs_on  # pyelftools: not at start-up
        image = load_image(path, parse_number(words[1], "address") if len(words) > 1 else 0)
        target = session.current_target
        core = target.core
        plan = make_plan(image.segments, all_drivers(session), path)
        check_memory(core.mem, plan, path)
        if image.arch and not runs_on(image.arch, core.info.name):
            raise PlanError(f"{path} is built for {image.arch}, which the {core.info.name} of {target.name} cannot "
                            f"run; {arch_hint(core.info.name)}")
        check_vectors(image, plan, path)
        session.program_image = (path, image.size)
        return ""

    def check_vectors(image, plan, path: str) -> None:
        if not plan.banks:
            return
        base = plan.banks[0].driver.base
        table = next((s.data for s in image.segments if s.address == base and len(s.data) >= 8), None)
        if table is None:
            return
        sp, reset = int.from_bytes(table[0:4], "little"), int.from_bytes(table[4:8], "little")
        if not RAM_REGION[0] < sp <= RAM_REGION[1] or not answers(session.current_target.core.mem, sp - 4):
            log.warning(f"{path}: the vector table's initial stack pointer 0x{sp:08x} is not in this chip's "
                        "RAM (nothing answers below it): the core will fault at its first push")
        if not reset & 1:
            log.warning(f"{path}: the reset vector 0x{reset:08x} has no Thumb bit (bit 0): the core will "
                        "HardFault on its first instruction")

    def summary(args):
        filename, verified = need(args, 2)
        plan = getattr(session, "last_flash_plan", None)
        if plan is None:
            return ""
        seconds = getattr(session, "last_flash_seconds", 0.0)
        banks = ", ".join(b.driver.bank.name for b in plan.banks) or "memory"
        speed = f", {plan.image_bytes / 1024 / seconds:.1f} KiB/s" if seconds > 0 else ""
        log.info(f"programmed {plan.image_bytes} bytes of {filename} into {banks}: {plan.sectors_erased} "
                 f"sector(s) erased, {seconds:.2f} s{speed}{', verified' if verified == '1' else ''}")
        return ""

    def left_halted(args):
        need(args, 0)
        log.warning("the target is left halted: the new firmware does not run until it is reset "
                    "(add 'reset' to the program command: program FILE verify reset exit)")
        return ""

    reg.add("ocdpy_program_check", check, EXEC, "filename [address]",
            "program's pre-flight checks: nothing is erased when they fail")
    reg.add("ocdpy_program_summary", summary, EXEC, "filename verified", "program's one-line summary")
    reg.add("ocdpy_left_halted", left_halted, EXEC, "", "program's warning when no reset follows")


def answers(mem, address: int) -> bool:
    """Whether memory answers a read at `address` (a bus error means nothing is there)."""
    try:
        mem.read(address & ~3, 4, 4)
    except OcdError:
        return False
    return True
