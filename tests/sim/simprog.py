"""Helpers for the simulator tests: hand-assembled programs loaded into a simulated board."""
from __future__ import annotations

from typing import Callable

from thumbasm import Asm, vector_table

FLASH = 0x08000000
RAM = 0x20000000
STACK_TOP = 0x20001000
DATA = 0x20000800          # test programs store their results here


def build(body: Callable[[Asm], None], handlers: dict[int, str] | None = None, sp: int = STACK_TOP) -> Asm:
    """A program at the flash base: vector table, then `body` (which must define `reset` and any handler
    labels it names), a default handler that spins, and the literal pool."""
    asm = Asm(FLASH)
    vector_table(asm, sp, {1: "reset", **(handlers or {})})
    body(asm)
    asm.label("default_handler")
    asm.b("default_handler")
    asm.pool()
    return asm


def make_board(chip: str, body: Callable[[Asm], None], handlers: dict[int, str] | None = None,
               **options) -> tuple[object, Asm]:
    from ocdpy.sim.board import Board

    board = Board(chip, **options)
    asm = build(body, handlers)
    board.load(asm.assemble())
    board.reset()
    return board, asm


def word(board, address: int) -> int:
    return int.from_bytes(board.core.read(address, 4), "little")
