"""Memory and core-register access as a debugger does it, in raw DP/AP register accesses over a DapQueue
(tests only: the product's MEM-AP and Cortex-M layers are built and tested on top of these facts)."""
from __future__ import annotations

import time

from ocdpy.adapters.base import AdapterConfig
from ocdpy.adapters.dap_queue import DP_CTRL_STAT
from ocdpy.adapters.probe import ProbeConfig

CSW, TAR, DRW = 0x00, 0x04, 0x0C
CSW_WORD_INC = 0x23000012  # 32-bit, single auto-increment, HPROT privileged data
DHCSR, DCRSR, DCRDR, DEMCR, DFSR, AIRCR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC, 0xE000ED30, 0xE000ED0C
DBGKEY = 0xA05F0000
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS = 1, 2, 4, 8
S_REGRDY, S_HALT, S_LOCKUP, S_RESET_ST = 1 << 16, 1 << 17, 1 << 19, 1 << 25
PC, XPSR = 15, 16


def power_up(queue) -> None:
    queue.write_dp(DP_CTRL_STAT, 0x50000000)  # CSYSPWRUPREQ | CDBGPWRUPREQ
    status = queue.read_dp(DP_CTRL_STAT)
    queue.write_ap(0, CSW, CSW_WORD_INC)
    queue.flush()
    assert status.value & 0xA0000000 == 0xA0000000, "power-up not acknowledged"


def read_words(queue, address: int, count: int = 1) -> list[int]:
    queue.write_ap(0, TAR, address)
    values = queue.read_ap_block(0, DRW, count)
    queue.flush()
    return [v.value for v in values]


def read_word(queue, address: int) -> int:
    return read_words(queue, address)[0]


def write_words(queue, address: int, words: list[int]) -> None:
    queue.write_ap(0, TAR, address)
    queue.write_ap_block(0, DRW, words)
    queue.flush()


def write_word(queue, address: int, value: int) -> None:
    write_words(queue, address, [value])


def read_reg(queue, number: int) -> int:
    """DCRSR/DCRDR transfer: select the register, wait for S_REGRDY, read DCRDR."""
    write_word(queue, DCRSR, number)
    assert read_word(queue, DHCSR) & S_REGRDY, "S_REGRDY not set"
    return read_word(queue, DCRDR)


def wait_for(queue, mask: int, timeout: float = 5.0) -> int:
    """Poll DHCSR until all of `mask` is set (the core runs on its own thread meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        dhcsr = read_word(queue, DHCSR)
        if dhcsr & mask == mask:
            return dhcsr
        assert time.monotonic() < deadline, f"DHCSR 0x{dhcsr:08x} never showed 0x{mask:08x}"
        time.sleep(0.002)


def sim_probe(chip: str):
    """`adapter driver sim` for `chip`, not yet opened (imports the simulator only when called)."""
    from ocdpy.adapters.sim import SimProbe
    return SimProbe(ProbeConfig(AdapterConfig("sim"), "swd", {"sim chip": [chip]}))
