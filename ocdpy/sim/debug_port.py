"""A board's debug port: the debug registers wired into its core, the DP/AHB-AP over its bus, and the two
wire protocols in front of that one DP: the SW-DP (`swd`) and, on parts with JTAG, the scan chain (`chain`:
boundary-scan TAP + JTAG-DP) a bit-level front end clocks."""
from __future__ import annotations

from dataclasses import dataclass

from .dap import AhbAp, DebugPort, DebugPortView
from .debug import DebugRegisters
from .jtag_tap import BoundaryScanTap, JtagDpTap, ScanChain
from .rom_table import attach_coresight
from .swd_dp import SwDp

ROM_TABLE = 0xE00FF000


@dataclass(frozen=True)
class DebugFacts:
    """Per-part debug identities (ARM TRMs and the STM32 reference manuals' debug chapters)."""

    ap_idr: int
    jtag_dp_idcode: int | None   # None: the part has no JTAG (STM32F0 is SW-DP only)
    bs_idcode: int | None        # STM32 boundary-scan TAP
    fpb_code: int
    fpb_literal: int
    dwt_comparators: int
    has_cyccnt: bool
    tar_autoinc_block: int  # the AHB-AP's TAR auto-increment boundary


FACTS = {
    "stm32f072rb": DebugFacts(0x04770021, None, None, 4, 0, 2, False, 1024),
    "stm32f103c8": DebugFacts(0x24770011, 0x3BA00477, 0x06410041, 6, 2, 4, True, 4096),
    "stm32f401cc": DebugFacts(0x24770011, 0x4BA00477, 0x06423041, 6, 2, 4, True, 4096),
}


class BoardDebugPort:
    """Everything a probe reaches on one board."""

    def __init__(self, board, chip_name: str) -> None:
        facts = FACTS[chip_name]
        core = board.core
        self.registers = DebugRegisters(core, facts.fpb_code, facts.fpb_literal, facts.dwt_comparators,
                                        facts.has_cyccnt)
        core.ppb.debug = self.registers
        core.on_halt.append(self.registers.on_halt)
        core.on_reset.append(lambda kind: self.registers.on_reset())
        attach_coresight(core.ppb, chip_name)  # the ROM table the AHB-AP's BASE points at
        self.dp = DebugPort(board.chip.spec.dp_idcode, AhbAp(core.debug_bus, facts.ap_idr, ROM_TABLE,
                                                                    facts.tar_autoinc_block))
        # An SWJ-DP is one DP behind two wire protocols (the JTAG-DP a view of the SW-DP's state); it powers
        # up in JTAG mode. These SW-DPs, and the STM32F0's SW-DP-only port, predate ADIv5.2's dormant state.
        has_jtag = facts.jtag_dp_idcode is not None
        self.swd = SwDp(self.dp, starts_in_jtag=has_jtag)
        self.chain = None
        if has_jtag:
            jtag_dp = DebugPortView(facts.jtag_dp_idcode, self.dp)
            self.chain = ScanChain([BoundaryScanTap(facts.bs_idcode), JtagDpTap(facts.jtag_dp_idcode, jtag_dp)])
