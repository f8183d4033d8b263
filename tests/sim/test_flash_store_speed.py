"""Flash programming on the simulator is fast and stays exact: what the CPU and the debugger program is what the
CPU reads and executes next, at once, through the flash base and through its boot alias at 0.

The flash cells are one host buffer mapped by unicorn at both addresses (`ocdpy/sim/bus.py`): a CPU store into
them lands after the flash controller has handled it, and is undone when the controller left other bytes; code
changes made while the core is halted are dropped, coalesced, before the CPU next runs (`ocdpy/sim/core.py`).
These tests pin each case on each chip's flash interface (STM32F0/F1 FPEC, STM32F4 flash interface).
"""
from __future__ import annotations

import pytest

from simprog import DATA, FLASH, RAM, STACK_TOP
from thumbasm import Asm, vector_table

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from ocdpy.sim.board import Board  # noqa: E402

KEY1, KEY2 = 0x45670123, 0xCDEF89AB
KEYR, SR, CR = 0x04, 0x0C, 0x10
# chip -> (flash interface base, CR value that sets up half-word programming)
FPEC = {"stm32f072rb": (0x40022000, 0x1), "stm32f103c8": (0x40022000, 0x1),
        "stm32f401cc": (0x40023C00, 0x1 | 1 << 8)}  # F4: PG, PSIZE x16
CHIPS = sorted(FPEC)
FUNC = FLASH + 0x1000        # adds r0, #1 ; bx lr   (in flash, away from the test program)
FRESH = FUNC + 8             # erased: programmed by the test into adds r0, #2 ; bx lr
ADDS_R0_1, ADDS_R0_2, BX_LR, MOVS_R0_R0 = 0x3001, 0x3002, 0x4770, 0x0000
ALIAS = FLASH                # the boot alias at 0 shows the flash: alias address = address - ALIAS


def ldrh(asm: Asm, rt: int, rn: int) -> None:
    asm.hw(0x8800 | rn << 3 | rt)


def call(asm: Asm, address: int, result: int) -> None:
    """r0 = 0; call `address`; DATA[result] = r0."""
    asm.movs(0, 0)
    asm.ldr_const(4, address | 1)
    asm.blx(4)
    asm.str(0, 5, 4 * result)


def program_halfword(asm: Asm, address: int, value: int) -> None:
    asm.ldr_const(3, address)
    asm.ldr_const(1, value)
    asm.strh(1, 3)


def start_programming(asm: Asm, chip: str) -> None:
    """r7 = the flash interface; unlock it and set up half-word programming."""
    fpec, pg = FPEC[chip]
    asm.ldr_const(7, fpec)
    for value, register in ((KEY1, KEYR), (KEY2, KEYR), (pg, CR)):
        asm.ldr_const(1, value)
        asm.str(1, 7, register)


def flash_test_program(asm: Asm, chip: str) -> None:
    """The CPU programs flash through the flash interface and at once reads back and executes what it wrote;
    results go to DATA[0..]."""
    asm.ldr_const(5, DATA)
    call(asm, FUNC, 0)                      # translated code at FUNC ...
    call(asm, FUNC - ALIAS, 1)              # ... and at its alias
    start_programming(asm, chip)
    program_halfword(asm, FUNC, MOVS_R0_R0)  # 0x0000 may be programmed over anything (F4: bits only clear)
    ldrh(asm, 2, 3)                          # the very next instruction reads it
    asm.str(2, 5, 8)
    call(asm, FUNC, 3)                       # and the next call executes it, at the flash base ...
    call(asm, FUNC - ALIAS, 4)               # ... and through the alias
    program_halfword(asm, FUNC + 2, 0xFFFF)  # programmed cell: F0/F1 PGERR, F4 ANDs to the same: no change
    ldrh(asm, 2, 3)                          # the store's bytes never show
    asm.str(2, 5, 20)
    call(asm, FUNC, 6)                       # bx lr still there
    program_halfword(asm, FRESH - ALIAS, ADDS_R0_2)  # new code into erased cells, through the alias
    program_halfword(asm, FRESH + 2 - ALIAS, BX_LR)
    call(asm, FRESH, 7)
    call(asm, FRESH - ALIAS, 8)
    program_halfword(asm, FRESH - ALIAS, MOVS_R0_R0)  # over code just executed at the flash base
    call(asm, FRESH, 9)
    asm.movs(1, 0)
    asm.str(1, 7, CR)                        # PG off: a store no longer programs
    program_halfword(asm, FRESH + 4, 0x1234)
    ldrh(asm, 2, 3)
    asm.str(2, 5, 40)
    asm.bkpt()
    asm.pool()


EXPECTED = [1, 1, MOVS_R0_R0, 0, 0, BX_LR, 0, 2, 2, 0, 0xFFFF]


def board_with_func(chip: str, body) -> Board:
    """A board whose flash holds a vector table, `body` (label `reset`) and the function at FUNC."""
    asm = Asm(FLASH)
    vector_table(asm, STACK_TOP, {1: "reset"})
    body(asm)
    asm.label("default_handler")
    asm.b("default_handler")
    asm.pool()
    image = asm.assemble()
    assert len(image) <= FUNC - FLASH
    image += b"\xff" * (FUNC - FLASH - len(image)) + ADDS_R0_1.to_bytes(2, "little") + BX_LR.to_bytes(2, "little")
    board = Board(chip)
    board.load(image)
    board.reset()
    return board


def results(board: Board, count: int) -> list[int]:
    return [int.from_bytes(board.core.read(DATA + 4 * i, 4), "little") for i in range(count)]


@pytest.mark.parametrize("chip", CHIPS)
def test_code_in_flash_programs_flash_and_sees_it_at_once(chip):
    def body(asm):
        asm.label("reset")
        flash_test_program(asm, chip)

    board = board_with_func(chip, body)
    assert board.run(cycles=10_000).name == "BKPT_INSN"
    assert results(board, len(EXPECTED)) == EXPECTED
    assert board.flash[FUNC - FLASH:FRESH + 6 - FLASH] == bytes.fromhex("00007047" "ffff" "ffff" "00007047" "ffff")


@pytest.mark.parametrize("chip", CHIPS)
def test_code_in_ram_programs_flash_and_sees_it_at_once(chip):
    """As the flash drivers' routines do: the loop runs from RAM."""
    def body(asm):
        asm.label("reset")
        asm.b("reset")

    board = board_with_func(chip, body)
    board.reset(halt=True)
    asm = Asm(RAM)
    flash_test_program(asm, chip)
    code = asm.assemble()
    assert RAM + len(code) <= DATA
    core = board.core
    core.write(RAM, code)
    core.write_reg(15, RAM)
    core.resume()
    assert board.run(cycles=10_000).name == "BKPT_INSN"
    assert results(board, len(EXPECTED)) == EXPECTED


def again(board: Board, address: int) -> str:
    """Run from `address` (the PC is left at the BKPT) to the next BKPT."""
    board.core.write_reg(15, address)
    board.core.resume()
    return board.run(cycles=1000).name


def calling_loop(asm: Asm) -> None:
    """Calls FUNC and its alias, results to DATA[0] and DATA[1], then BKPT."""
    asm.label("reset")
    asm.ldr_const(5, DATA)
    call(asm, FUNC, 0)
    call(asm, FUNC - ALIAS, 1)
    asm.bkpt()
    asm.b("reset")


@pytest.mark.parametrize("chip", CHIPS)
def test_debugger_programs_flash_then_the_cpu_executes_it(chip):
    board = board_with_func(chip, calling_loop)
    core = board.core
    assert board.run(cycles=1000).name == "BKPT_INSN"
    assert results(board, 2) == [1, 1]          # FUNC translated at both addresses
    fpec, pg = FPEC[chip]
    core.write32(fpec + KEYR, KEY1)
    core.write32(fpec + KEYR, KEY2)
    core.write32(fpec + CR, pg)
    core.write(FUNC, MOVS_R0_R0.to_bytes(2, "little"))  # a half-word write through the AHB-AP
    core.write32(fpec + CR, 0)
    assert core.read(FUNC, 2) == b"\x00\x00"
    assert again(board, core.read32(FLASH + 4) & ~1) == "BKPT_INSN"
    assert results(board, 2) == [0, 0]
    board.load(ADDS_R0_2.to_bytes(2, "little"), FUNC)  # factory load: no controller, same rule
    assert again(board, core.read32(FLASH + 4) & ~1) == "BKPT_INSN"
    assert results(board, 2) == [2, 2]


@pytest.mark.parametrize("chip", CHIPS)
def test_debugger_writes_ram_code_then_the_cpu_executes_it(chip):
    board = board_with_func(chip, lambda asm: (asm.label("reset"), asm.b("reset")))
    core = board.core
    board.reset(halt=True)
    loop = Asm(RAM)
    calling_loop(loop)
    loop.pool()
    core.write(RAM, loop.assemble())
    assert again(board, RAM) == "BKPT_INSN"
    assert results(board, 2) == [1, 1]
    patched = Asm(RAM)                          # the same loop calling FRESH, written word by word
    patched.label("reset")
    patched.ldr_const(5, DATA)
    call(patched, FUNC, 0)
    patched.movs(0, 7)
    patched.str(0, 5, 4)
    patched.bkpt()
    patched.pool()
    code = patched.assemble()
    code += b"\x00" * (-len(code) % 4)
    for i in range(0, len(code), 4):
        core.write32(RAM + i, int.from_bytes(code[i:i + 4], "little"))
    assert again(board, RAM) == "BKPT_INSN"
    assert results(board, 2) == [1, 7]


@pytest.mark.parametrize("chip", CHIPS)
def test_programming_flash_from_a_loop_does_not_end_the_slice_per_store(chip):
    """The speed: 1024 half-words programmed by a RAM loop take a couple of slices, not one per store; the
    simulated time is the same either way (one cycle per instruction)."""
    board = board_with_func(chip, lambda asm: (asm.label("reset"), asm.b("reset")))
    core = board.core
    board.reset(halt=True)
    asm = Asm(RAM)
    start_programming(asm, chip)
    asm.ldr_const(3, FLASH + 0x2000)
    asm.ldr_const(2, 1024)
    asm.movs(1, 0)
    asm.label("loop")
    asm.strh(1, 3)
    ldrh(asm, 6, 3)
    asm.adds_reg(1, 1, 6)                      # r1 += what was just programmed (0, 1, 3, 7, ...)
    asm.adds(1, 1)
    asm.adds(3, 2)
    asm.subs(2, 1)
    asm.b("loop", "ne")
    asm.bkpt()
    asm.pool()
    core.write(RAM, asm.assemble())
    core.write_reg(15, RAM)
    slices = []
    start = core.uc.emu_start
    core.uc.emu_start = lambda *a, **k: (slices.append(a), start(*a, **k))[1]
    core.resume()
    assert board.run(cycles=100_000).name == "BKPT_INSN"
    assert len(slices) <= 3
    expected, value = bytearray(), 0
    for _ in range(1024):
        expected += value.to_bytes(2, "little")
        value = (value + value + 1) & 0xFFFF
    assert board.flash[0x2000:0x2800] == bytes(expected)
