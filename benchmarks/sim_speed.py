"""Speed of the simulated core (ocdpy.sim): instructions per second on a busy loop, free-running, with four
FPB breakpoints set on addresses never reached, and with a 1 kHz SysTick interrupt; DP/AP transactions per
second through the in-process adapter (`adapter driver sim`); the anchor is bare unicorn running
the same loop in one emu_start call. Prints M instructions/s per case and the ratio to the anchor last.

    python benchmarks/sim_speed.py [--instructions N]
"""
from __future__ import annotations

import argparse
import statistics
import struct
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FLASH, STACK = 0x08000000, 0x20001000


def program(systick_reload: int | None) -> tuple[bytes, list[int]]:
    """Vector table + a busy loop (4 instructions a turn) + a never-called function for breakpoints."""
    words = [STACK, FLASH + 0x100 | 1] + [FLASH + 0x180 | 1] * 13 + [FLASH + 0x140 | 1]  # SysTick = 15
    code = bytearray(b"\xff" * 0x200)
    code[0:len(words) * 4] = struct.pack(f"<{len(words)}I", *words)
    setup = b""
    if systick_reload is not None:
        # ldr r0,=SYST_CSR ; ldr r1,=reload ; str r1,[r0,#4] ; movs r1,#7 ; str r1,[r0]
        setup = struct.pack("<5H", 0x4805, 0x4906, 0x6041, 0x2107, 0x6001)
    loop = struct.pack("<4H", 0x3201, 0x3301, 0x3401, 0xE7FB)     # adds r2/r3/r4,#1 ; b loop
    body = setup + loop
    code[0x100:0x100 + len(body)] = body
    code[0x100 + 0x18:0x100 + 0x20] = struct.pack("<II", 0xE000E010, systick_reload or 0)   # literals
    code[0x140:0x142] = struct.pack("<H", 0x4770)                                           # bx lr
    code[0x180:0x190] = struct.pack("<8H", *([0x3501] * 7 + [0xE7F7]))                    # never called
    return bytes(code), [FLASH + 0x180 + 2 * i for i in range(4)]


def measure_ocdpy(instructions: int, breakpoints: bool, systick: bool) -> float:
    from ocdpy.sim.board import Board

    board = Board("stm32f103c8")
    image, unused = program(7999 if systick else None)
    board.load(image)
    board.reset()
    if breakpoints:
        set_fpb_breakpoints(board, unused)
    board.run(cycles=10_000)  # translate the loop once
    start = time.perf_counter()
    reason = board.run(cycles=instructions)
    elapsed = time.perf_counter() - start
    assert reason is None, reason
    return instructions / elapsed


def set_fpb_breakpoints(board, addresses: list[int]) -> None:
    """Program FPB v1 comparators through the debug bus, as a debugger's AP writes would."""
    from ocdpy.sim.debug import FP_COMP0, FP_CTRL
    from ocdpy.sim.debug_port import BoardDebugPort

    BoardDebugPort(board, "stm32f103c8")
    bus = board.core.debug_bus
    bus.write(FP_CTRL, 4, 0x3)  # KEY | ENABLE
    for i, address in enumerate(addresses):
        replace = 0b10 if address & 2 else 0b01  # upper or lower halfword of the word
        bus.write(FP_COMP0 + 4 * i, 4, replace << 30 | (address & 0x1FFFFFFC) | 1)


def measure_dap_transactions(words: int) -> tuple[float, float]:
    """Through `adapter driver sim`: SWD packets per second in 1 KiB DRW blocks, and single-read round trips."""
    from ocdpy.adapters.base import AdapterConfig
    from ocdpy.adapters.probe import ProbeConfig
    from ocdpy.adapters.sim import SimProbe

    probe = SimProbe(ProbeConfig(AdapterConfig("sim"), "swd", {"sim chip": ["stm32f103c8"]}))
    probe.open()
    try:
        queue = probe.swd()
        queue.connect()
        queue.write_dp(0x4, 0x50000000)
        queue.write_ap(0, 0x00, 0x23000012)
        queue.flush()
        start = time.perf_counter()
        for offset in range(0, words * 4, 1024):
            queue.write_ap(0, 0x04, 0x20000000 + offset % 0x4000)
            queue.read_ap_block(0, 0x0C, 256)
            queue.flush()
        block_rate = words * (1 + 1 / 256) / (time.perf_counter() - start)  # DRW reads + TAR writes
        start = time.perf_counter()
        singles = words // 16
        for _ in range(singles):
            queue.read_dp(0x4)
            queue.flush()
        return block_rate, singles / (time.perf_counter() - start)
    finally:
        probe.close()


def measure_gpio_toggle(instructions: int) -> float:
    """A loop storing to GPIOA_ODR every 4th instruction (an MMIO callback and a logged pin change each)."""
    from ocdpy.sim.board import Board

    board = Board("stm32f072rb")
    words = [STACK, FLASH + 0x101] + [FLASH + 0x101] * 14
    setup = struct.pack("<9H", 0x4806, 0x4907, 0x6001, 0x4807, 0x4907, 0x6001, 0x4807, 0x2100, 0x2220)
    loop = struct.pack("<4H", 0x4051, 0x6001, 0xBF00, 0xE7FB)   # eors r1,r2 ; str r1,[r0] ; nop ; b loop
    literals = struct.pack("<6I", 0x40021014, (1 << 17) | 0x14, 0x48000000, 0x28000400, 0x48000014, 0)
    image = bytearray(b"\xff" * 0x200)
    image[0:64] = struct.pack("<16I", *words)
    image[0x100:0x100 + len(setup + loop)] = setup + loop
    image[0x11C:0x11C + len(literals)] = literals
    board.load(bytes(image))
    board.reset()
    board.run(cycles=10_000)
    count = instructions // 20
    start = time.perf_counter()
    board.run(cycles=count)
    elapsed = time.perf_counter() - start
    assert board.chip.pins.total > count // 5, board.chip.pins.total
    return count / elapsed


def measure_unicorn(instructions: int) -> float:
    from unicorn import UC_ARCH_ARM, UC_MODE_THUMB, Uc
    from unicorn.arm_const import UC_CPU_ARM_CORTEX_M3

    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB)
    uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_M3)
    uc.mem_map(FLASH, 0x10000)
    uc.mem_write(FLASH, program(None)[0])
    uc.emu_start(FLASH + 0x101, 0, count=10_000)
    start = time.perf_counter()
    uc.emu_start(FLASH + 0x101, 0, count=instructions)
    return instructions / (time.perf_counter() - start)


def median_of(runs: int, fn, *args) -> float:
    return statistics.median(fn(*args) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", type=int, default=20_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    n, runs = args.instructions, args.runs
    free = median_of(runs, measure_ocdpy, n, False, False)
    with_bps = median_of(runs, measure_ocdpy, n, True, False)
    with_tick = median_of(runs, measure_ocdpy, n, False, True)
    gpio = median_of(runs, measure_gpio_toggle, n)
    anchor = median_of(runs, measure_unicorn, n)
    block_rate, single_rate = measure_dap_transactions(200_000)
    print(f"ocdpy.sim free-running:              {free / 1e6:7.1f} M instr/s")
    print(f"ocdpy.sim with 4 unreached breakpoints: {with_bps / 1e6:4.1f} M instr/s")
    print(f"ocdpy.sim with a 1 kHz SysTick (8 MHz): {with_tick / 1e6:4.1f} M instr/s")
    print(f"ocdpy.sim toggling a GPIO every 4th instruction: {gpio / 1e6:4.2f} M instr/s")
    print(f"adapter driver sim: {block_rate / 1e3:.0f} k AP transactions/s in 256-word blocks "
          f"({block_rate * 4 / 1024:.0f} KiB/s), {single_rate / 1e3:.1f} k flushes/s of one DP read")
    print(f"bare unicorn, one emu_start (anchor):{anchor / 1e6:7.1f} M instr/s")
    print(f"ratio ocdpy.sim free-running / bare unicorn: {free / anchor:.2f}")


if __name__ == "__main__":
    main()
