"""A target (a core to debug) as configured: type, where it sits, work area, event handlers."""
from __future__ import annotations

from dataclasses import dataclass, field

# `target types` of OpenOCD 0.12.
TARGET_TYPES = ("arm7tdmi", "arm9tdmi", "arm920t", "arm720t", "arm966e", "arm946e", "arm926ejs", "fa526",
                "feroceon", "dragonite", "xscale", "xtensa", "cortex_m", "cortex_a", "cortex_r4", "arm11",
                "ls1_sap", "mips_m4k", "avr", "dsp563xx", "dsp5680xx", "testee", "avr32_ap7k", "hla_target",
                "nds32_v2", "nds32_v3", "nds32_v3m", "esp32", "esp32s2", "esp32s3", "or1k", "quark_x10xx",
                "quark_d20xx", "stm8", "riscv", "mem_ap", "esirisc", "arcv2", "aarch64", "mips_mips64")
# Target types whose configuration goes through an ADIv5 DAP (`-dap`, not `-chain-position`).
ADI_TARGET_TYPES = frozenset(("cortex_m", "cortex_a", "cortex_r4", "aarch64", "mem_ap"))
SUPPORTED_TARGET_TYPES = ("cortex_m", "hla_target")

# Target events of OpenOCD 0.12, in the order its error message lists them.
EVENT_NAMES = ("gdb-halt", "halted", "resumed", "resume-start", "resume-end", "step-start", "step-end",
               "gdb-start", "gdb-end", "reset-start", "reset-assert-pre", "reset-assert", "reset-assert-post",
               "reset-deassert-pre", "reset-deassert-post", "reset-init", "reset-end", "examine-start",
               "examine-fail", "examine-end", "debug-halted", "debug-resumed", "gdb-attach", "gdb-detach",
               "gdb-flash-write-start", "gdb-flash-write-end", "gdb-flash-erase-start", "gdb-flash-erase-end",
               "trace-config") + tuple(f"semihosting-user-cmd-0x{n:x}" for n in range(0x100, 0x108))


@dataclass
class Target:
    name: str
    type: str
    tap: object = None          # chain position (non-ADI targets, hla_target)
    dap: object = None
    ap_num: int | None = None
    endian: str = "little"
    coreid: int = 0
    work_area_phys: int | None = None
    work_area_virt: int | None = None
    work_area_size: int = 0
    work_area_backup: bool = False
    rtos: str = "none"
    gdb_port: str | None = None
    gdb_max_connections: int = 1
    defer_examine: bool = False
    dbgbase: int | None = None
    events: dict[str, str] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)  # type-specific commands recorded before init
    state: str = "unknown"
