"""The simulated Cortex-M core: boot, exceptions, faults, lockup, debug halt, breakpoints and stepping, all with
hand-assembled Thumb programs."""
from __future__ import annotations

import pytest

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from simprog import DATA, STACK_TOP, make_board, word  # noqa: E402
from thumbasm import LR, SP  # noqa: E402

from ocdpy.sim.core import HaltReason  # noqa: E402

M0, M3, M4 = "stm32f072rb", "stm32f103c8", "stm32f401cc"


# -- boot --------------------------------------------------------------------------------------------------------
def test_boot_from_vector_table():
    def body(a):
        a.label("reset")
        a.movs(0, 42)
        a.ldr_const(1, DATA)
        a.str(0, 1)
        a.label("spin")
        a.b("spin")

    board, asm = make_board(M0, body)
    core = board.core
    assert not core.is_halted
    assert core.read_reg(13) == STACK_TOP == core.read_reg(17)
    assert core.pc == asm.labels["reset"]
    assert core.read_reg(16) == 0x01000000
    board.run(cycles=50)
    assert word(board, DATA) == 42
    assert core.pc == asm.labels["spin"]
    assert core.cycles == 50


def test_blank_flash_locks_up():
    from ocdpy.sim.board import Board

    board = Board(M3)
    assert board.run(cycles=100) == HaltReason.LOCKUP
    assert board.core.locked_up and board.core.pc == 0xEFFFFFFE


# -- SVC and exception return ------------------------------------------------------------------------------------
def _svc_program(use_psp: bool):
    def body(a):
        a.label("reset")
        if use_psp:
            a.ldr_const(0, 0x20000C00)
            a.msr("psp", 0)
            a.movs(0, 2)
            a.msr("control", 0)
            a.isb()
        a.movs(0, 0x11)
        a.movs(7, 0x77)
        a.svc(5)
        a.label("after_svc")
        a.ldr_const(2, DATA)
        a.str(0, 2, 8)      # r0 comes back from the frame
        a.mrs(4, "ipsr")
        a.str(4, 2, 12)
        a.str(7, 2, 16)     # r7 was changed by the handler (not stacked)
        a.mov(4, SP)
        a.str(4, 2, 20)
        a.label("spin")
        a.b("spin")
        a.label("svc_handler")
        a.mrs(1, "ipsr")
        a.ldr_const(2, DATA)
        a.str(1, 2, 0)
        a.mov(3, LR)
        a.str(3, 2, 4)
        a.movs(0, 0x99)     # clobbered, restored by the exception return
        a.movs(7, 0x55)
        a.bx(LR)
    return body


@pytest.mark.parametrize("chip", [M0, M3])
def test_svc_taken_and_returned_msp(chip):
    board, asm = make_board(chip, _svc_program(False), {11: "svc_handler"})
    board.run(cycles=200)
    assert word(board, DATA) == 11                  # IPSR in the handler
    assert word(board, DATA + 4) == 0xFFFFFFF9      # EXC_RETURN: thread, MSP
    assert word(board, DATA + 8) == 0x11
    assert word(board, DATA + 12) == 0              # back in Thread mode
    assert word(board, DATA + 16) == 0x55
    assert word(board, DATA + 20) == STACK_TOP      # frame popped
    assert board.core.pc == asm.labels["spin"]


def test_svc_from_psp_thread_returns_to_psp():
    board, asm = make_board(M3, _svc_program(True), {11: "svc_handler"})
    board.run(cycles=200)
    core = board.core
    assert word(board, DATA + 4) == 0xFFFFFFFD      # EXC_RETURN: thread, PSP
    assert word(board, DATA + 8) == 0x11
    assert word(board, DATA + 20) == 0x20000C00     # SP is the PSP again, frame popped
    assert core.read_reg(18) == 0x20000C00 and core.read_reg(17) == STACK_TOP
    assert core.read_reg(20) >> 24 == 2             # CONTROL.SPSEL restored


def test_exception_entry_aligns_the_stack_to_8_bytes_on_m4():
    def body(a):
        a.label("reset")
        a.ldr_const(0, STACK_TOP - 4)   # misaligned by 4
        a.mov(SP, 0)
        a.svc(0)
        a.ldr_const(2, DATA)
        a.mov(3, SP)
        a.str(3, 2, 4)
        a.label("spin")
        a.b("spin")
        a.label("svc_handler")
        a.ldr_const(2, DATA)
        a.mov(3, SP)
        a.str(3, 2, 0)
        a.bx(LR)

    board, _ = make_board(M4, body, {11: "svc_handler"})
    board.run(cycles=100)
    assert word(board, DATA) == STACK_TOP - 8 - 32            # aligned down, then the 8-word frame
    assert word(board, DATA + 4) == STACK_TOP - 4             # the return undoes the alignment
    assert word(board, STACK_TOP - 8 - 32 + 28) & (1 << 9)    # stacked xPSR bit 9 records it


# -- faults and lockup -------------------------------------------------------------------------------------------
def _fault_program(fault_in_handler: bool):
    def body(a):
        a.label("reset")
        a.movs(0, 1)
        a.label("bad")
        a.mov_w(1, 5)           # Thumb-2: undefined on ARMv6-M
        a.label("spin")
        a.b("spin")
        a.label("hardfault")
        a.mrs(1, "ipsr")
        a.ldr_const(2, DATA)
        a.str(1, 2, 0)
        a.mrs(3, "msp")
        a.ldr(4, 3, 24)         # stacked return address
        a.str(4, 2, 4)
        if fault_in_handler:
            a.udf(0)
        a.label("hf_spin")
        a.b("hf_spin")
    return body


def test_thumb2_instruction_on_m0_is_a_hardfault():
    board, asm = make_board(M0, _fault_program(False), {3: "hardfault"})
    assert board.run(cycles=200) is None
    assert word(board, DATA) == 3
    assert word(board, DATA + 4) == asm.labels["bad"]
    assert board.core.pc == asm.labels["hf_spin"]
    assert not board.core.locked_up


def test_same_program_runs_on_m3():
    board, asm = make_board(M3, _fault_program(False), {3: "hardfault"})
    board.run(cycles=200)
    assert board.core.read_reg(1) == 5 and board.core.pc == asm.labels["spin"]


def test_fault_in_hardfault_locks_up():
    board, asm = make_board(M0, _fault_program(True), {3: "hardfault"})
    assert board.run(cycles=200) == HaltReason.LOCKUP
    core = board.core
    assert core.is_halted and core.locked_up and core.halt_reason == "lockup"
    assert core.pc == 0xFFFFFFFE
    core.halt()
    assert core.halt_reason == HaltReason.DEBUG_REQUEST and core.locked_up
    core.reset()
    assert not core.locked_up and not core.is_halted


def test_unmapped_read_is_a_precise_busfault_escalated_on_m3():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0x60000000)
        a.label("bad")
        a.ldr(1, 0)
        a.label("spin")
        a.b("spin")
        a.label("hardfault")
        a.mrs(3, "msp")
        a.ldr(4, 3, 24)
        a.ldr_const(2, DATA)
        a.str(4, 2, 0)
        a.label("hf_spin")
        a.b("hf_spin")

    board, asm = make_board(M3, body, {3: "hardfault"})
    board.run(cycles=100)
    core = board.core
    assert word(board, DATA) == asm.labels["bad"]
    assert core.read32(0xE000ED28) == (1 << 9) | (1 << 15)   # CFSR: PRECISERR | BFARVALID
    assert core.read32(0xE000ED38) == 0x60000000              # BFAR
    assert core.read32(0xE000ED2C) == 1 << 30                 # HFSR.FORCED
    core.write32(0xE000ED28, 0xFFFFFFFF)                      # write-one-to-clear
    assert core.read32(0xE000ED28) == 0


def test_enabled_usagefault_is_taken_instead_of_hardfault():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0xE000ED24)
        a.ldr_const(1, 1 << 18)     # SHCSR.USGFAULTENA
        a.str(1, 0)
        a.udf(7)
        a.label("usagefault")
        a.mrs(1, "ipsr")
        a.ldr_const(2, DATA)
        a.str(1, 2)
        a.label("spin")
        a.b("spin")

    board, _ = make_board(M4, body, {6: "usagefault"})
    board.run(cycles=100)
    assert word(board, DATA) == 6
    assert board.core.read32(0xE000ED28) == 1 << 16          # UFSR.UNDEFINSTR


# -- debug halt: BKPT, breakpoints, stepping ---------------------------------------------------------------------
def test_bkpt_halts_with_reason():
    def body(a):
        a.label("reset")
        a.movs(0, 1)
        a.label("bp")
        a.bkpt(0x42)
        a.movs(0, 2)
        a.label("spin")
        a.b("spin")

    board, asm = make_board(M0, body)
    halted = []
    board.core.on_halt.append(halted.append)
    assert board.run(cycles=100) == HaltReason.BKPT_INSN
    core = board.core
    assert core.is_halted and core.pc == asm.labels["bp"] and core.read_reg(0) == 1
    assert halted == [HaltReason.BKPT_INSN]
    cycles = core.cycles
    assert board.run(cycles=100) == HaltReason.BKPT_INSN and core.cycles == cycles  # halted: time stands still
    core.write_reg(15, asm.labels["bp"] + 2)   # what a debugger does to go on
    core.resume()
    assert board.run(cycles=100) is None
    assert core.read_reg(0) == 2 and core.pc == asm.labels["spin"]


def test_bkpt_without_debugger_is_a_hardfault():
    def body(a):
        a.label("reset")
        a.bkpt(1)
        a.label("spin")
        a.b("spin")
        a.label("hardfault")
        a.b("hardfault")

    board, asm = make_board(M3, body, {3: "hardfault"})
    board.core.debug_enabled = False
    board.run(cycles=100)
    assert board.core.pc == asm.labels["hardfault"]
    assert board.core.read32(0xE000ED2C) == 1 << 31       # HFSR.DEBUGEVT


def _it_loop(a):
    a.label("reset")
    a.movs(0, 0)
    a.movs(2, 0)
    a.label("loop")
    a.adds(2, 1)
    a.cmp(0, 0)
    a.label("it")
    a.it("eq", "e")
    a.label("then")
    a.movs(1, 1)
    a.label("else")
    a.movs(1, 2)
    a.adds(0, 1)
    a.b("loop")


@pytest.mark.parametrize("where", ["then", "else"])
def test_breakpoint_inside_it_block_stops(where):
    board, asm = make_board(M3, _it_loop)
    core = board.core
    board.run(cycles=1000)                 # translate and cache the loop first
    core.halt()
    core.add_breakpoint(asm.labels[where])
    core.resume()
    assert board.run(cycles=1000) == HaltReason.BREAKPOINT
    assert core.pc == asm.labels[where]
    loops = core.read_reg(2)
    core.resume()                          # resuming onto the breakpoint halts again at once, as on silicon
    assert board.run(cycles=1000) == HaltReason.BREAKPOINT
    assert core.pc == asm.labels[where] and core.read_reg(2) == loops
    core.step()                            # so a debugger steps off it first
    core.resume()
    assert board.run(cycles=1000) == HaltReason.BREAKPOINT
    assert core.pc == asm.labels[where] and core.read_reg(2) == loops + 1
    core.remove_breakpoint(asm.labels[where])
    core.resume()
    assert board.run(cycles=1000) is None


def test_step_through_an_it_block_one_instruction_at_a_time():
    board, asm = make_board(M3, _it_loop)
    core = board.core
    core.reset(halt=True)
    assert core.halt_reason == HaltReason.DEBUG_REQUEST
    seen = [core.pc]
    for _ in range(8):
        assert core.step() == HaltReason.STEP
        seen.append(core.pc)
    L = asm.labels
    assert seen == [L["reset"], L["reset"] + 2, L["loop"], L["loop"] + 2, L["it"], L["then"], L["else"],
                    L["else"] + 2, L["else"] + 4]
    assert core.read_reg(1) == 1 and core.cycles == 8
    core.step()
    assert core.pc == L["loop"]


def test_step_into_call_and_svc_and_over_bkpt():
    def body(a):
        a.label("reset")
        a.bl("func")
        a.label("back")
        a.svc(1)
        a.label("spin")
        a.b("spin")
        a.label("func")
        a.movs(0, 3)
        a.bx(LR)
        a.label("svc_handler")
        a.bx(LR)

    board, asm = make_board(M0, body, {11: "svc_handler"})
    core, L = board.core, asm.labels
    core.halt()
    core.step()
    assert core.pc == L["func"] and core.read_reg(14) == L["back"] | 1
    core.step()
    core.step()
    assert core.pc == L["back"]
    core.step()
    assert core.pc == L["svc_handler"] and core.read_reg(16) & 0x1FF == 11
    core.step()
    assert core.pc == L["spin"] and core.read_reg(16) & 0x1FF == 0


def test_step_with_breakpoint_at_pc_executes_it():
    board, asm = make_board(M0, _it_loop_m0)
    core = board.core
    core.add_breakpoint(asm.labels["loop"])
    assert board.run(cycles=100) == HaltReason.BREAKPOINT
    core.step()
    assert core.pc == asm.labels["loop"] + 2


def _it_loop_m0(a):
    a.label("reset")
    a.movs(2, 0)
    a.label("loop")
    a.adds(2, 1)
    a.b("loop")


def test_halt_and_resume_keep_time_and_state():
    board, asm = make_board(M0, _it_loop_m0)
    core = board.core
    board.run(cycles=1001)
    core.halt()
    assert core.halt_reason == HaltReason.DEBUG_REQUEST
    r2, cycles = core.read_reg(2), core.cycles
    assert board.run(cycles=500) == HaltReason.DEBUG_REQUEST
    assert core.cycles == cycles
    core.resume()
    board.run(cycles=1000)
    assert core.read_reg(2) == r2 + 500


def test_halt_from_another_thread_stops_a_free_run():
    import threading
    import time

    board, _ = make_board(M3, _it_loop_m0)
    core = board.core
    timer = threading.Timer(0.05, core.halt)
    timer.start()
    start = time.monotonic()
    assert core.run() == HaltReason.DEBUG_REQUEST
    assert time.monotonic() - start < 5
    timer.join()


def test_watchpoint_halts_after_the_access():
    def body(a):
        a.label("reset")
        a.ldr_const(0, DATA)
        a.movs(1, 5)
        a.movs(2, 0)
        a.label("loop")
        a.adds(2, 1)
        a.cmp(2, 10)
        a.b("loop", "ne")
        a.label("store")
        a.str(1, 0, 4)
        a.label("after")
        a.movs(3, 1)
        a.b("after")

    board, asm = make_board(M3, body)
    board.core.add_watchpoint(DATA + 4, 4, "w")
    assert board.run(cycles=200) == HaltReason.WATCHPOINT
    assert board.core.pc == asm.labels["after"]
    assert word(board, DATA + 4) == 5


# -- registers ---------------------------------------------------------------------------------------------------
def test_register_numbering_and_special_registers():
    board, _ = make_board(M3, _it_loop_m0)
    core = board.core
    core.halt()
    for n in range(13):
        core.write_reg(n, 0x1000 + n)
    assert [core.read_reg(n) for n in range(13)] == [0x1000 + n for n in range(13)]
    core.write_reg(20, (0 << 24) | (1 << 16) | (0x40 << 8) | 1)
    assert core.read_reg(20) == (1 << 16) | (0x40 << 8) | 1
    core.write_reg(18, 0x20000400)
    core.write_reg(20, 2 << 24)                 # CONTROL.SPSEL: SP is now the PSP
    assert core.read_reg(13) == 0x20000400
    core.write_reg(15, 0x08000101)
    assert core.read_reg(15) == 0x08000100


def test_m0_has_no_basepri_or_faultmask():
    board, _ = make_board(M0, _it_loop_m0)
    core = board.core
    core.halt()
    core.write_reg(20, (1 << 16) | (0x40 << 8) | 1)
    assert core.read_reg(20) == 1


# -- system control: PendSV, PRIMASK, AIRCR, vector catch ------------------------------------------------------
def test_pendsv_is_taken_right_after_the_store_that_pends_it():
    def body(a):
        a.label("reset")
        a.movs(4, 0)
        a.ldr_const(0, 0xE000ED04)
        a.ldr_const(1, 1 << 28)
        a.str(1, 0)
        a.movs(4, 1)
        a.label("spin")
        a.b("spin")
        a.label("pendsv")
        a.ldr_const(0, DATA)
        a.str(4, 0)
        a.movs(5, 1)
        a.str(5, 0, 4)
        a.bx(LR)

    board, _ = make_board(M3, body, {14: "pendsv"})
    board.run(cycles=100)
    assert word(board, DATA + 4) == 1 and word(board, DATA) == 0
    assert board.core.read_reg(4) == 1


def test_primask_holds_a_pended_exception_until_cpsie():
    def body(a):
        a.label("reset")
        a.cpsid()
        a.ldr_const(0, 0xE000ED04)
        a.ldr_const(1, 1 << 28)
        a.str(1, 0)
        a.movs(5, 0)
        a.movs(6, 0)
        a.label("masked")
        a.adds(5, 1)
        a.cmp(5, 200)
        a.b("masked", "ne")
        a.cpsie()
        a.label("open")
        a.adds(6, 1)
        a.b("open")
        a.label("pendsv")
        a.ldr_const(0, DATA)
        a.str(5, 0)
        a.str(6, 0, 4)
        a.label("stay")
        a.b("stay")

    board, _ = make_board(M0, body, {14: "pendsv"})
    board.run(cycles=2000)
    assert word(board, DATA) == 200
    assert word(board, DATA + 4) < 64


@pytest.mark.parametrize("key,resets", [(0x05FA, True), (0x05FB, False)])
def test_aircr_sysresetreq_resets(key, resets):
    def body(a):
        a.label("reset")
        a.ldr_const(0, DATA)
        a.ldr(1, 0)
        a.adds(1, 1)
        a.str(1, 0)
        a.cmp(1, 3)
        a.b("done", "eq")
        a.ldr_const(2, 0xE000ED0C)
        a.ldr_const(3, key << 16 | 4)
        a.str(3, 2)
        a.str(3, 0, 4)       # never executed when the reset happens
        a.label("wait")
        a.b("wait")
        a.label("done")
        a.b("done")

    board, asm = make_board(M0, body)
    board.run(cycles=500)
    if resets:
        assert word(board, DATA) == 3 and board.core.pc == asm.labels["done"]
        assert word(board, DATA + 4) == 0
        assert board.core.read32(0x40021024) & (1 << 28)      # RCC_CSR.SFTRSTF
    else:
        assert word(board, DATA) == 1 and board.core.pc == asm.labels["wait"]


def test_vector_catch_on_reset_halts_at_the_reset_vector():
    board, asm = make_board(M4, _it_loop_m0)
    core = board.core
    board.run(cycles=300)
    core.vector_catch_reset = True
    reasons = []
    core.on_halt.append(reasons.append)
    core.write32(0xE000ED0C, 0x05FA0004)   # the debugger resets through AIRCR
    assert core.is_halted and core.halt_reason == HaltReason.VECTOR_CATCH
    assert core.pc == asm.labels["reset"] and core.read_reg(2) == 0
    assert reasons == [HaltReason.VECTOR_CATCH]


def test_scb_and_nvic_registers():
    board, _ = make_board(M3, _it_loop_m0)
    core = board.core
    assert core.read32(0xE000ED00) == 0x411FC231
    assert core.read32(0xE000ED0C) == 0xFA050000
    core.write32(0xE000ED08, 0x08004000)
    assert core.read32(0xE000ED08) == 0x08004000
    core.write32(0xE000E100, 0x5)                  # ISER0: IRQ 0 and 2
    core.write32(0xE000E180, 0x1)                  # ICER0: IRQ 0
    assert core.read32(0xE000E100) == 0x4
    core.write(0xE000E402, b"\x80")                # IPR: IRQ 2 priority, byte access
    assert core.read32(0xE000E400) == 0x00800000
    core.write32(0xE000ED20, 0xF0E00000)           # SHPR3: SysTick, PendSV
    assert core.read32(0xE000ED20) == 0xF0E00000


def test_nvic_interrupt_from_a_peripheral_is_taken():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0xE000E100)
        a.ldr_const(1, 1 << 3)
        a.str(1, 0)                 # enable IRQ 3
        a.label("spin")
        a.b("spin")
        a.label("irq3")
        a.mrs(1, "ipsr")
        a.ldr_const(0, DATA)
        a.str(1, 0)
        a.bx(LR)

    board, asm = make_board(M0, body, {16 + 3: "irq3"})
    board.run(cycles=50)
    board.core.pend_irq(3)
    board.run(cycles=50)
    assert word(board, DATA) == 19
    assert board.core.pc == asm.labels["spin"]


def test_higher_priority_systick_preempts_an_svc_handler_and_returns_to_it():
    def body(a):
        a.label("reset")
        a.ldr_const(0, 0xE000ED1C)
        a.ldr_const(1, 0x80 << 24)
        a.str(1, 0)                     # SHPR2: SVCall priority 0x80 (SysTick stays at 0: higher)
        a.svc(0)
        a.ldr_const(2, DATA)
        a.mrs(3, "ipsr")
        a.str(3, 2, 12)
        a.label("spin")
        a.b("spin")
        a.label("svc_handler")
        a.ldr_const(0, 0xE000E010)
        a.movs(1, 50)
        a.str(1, 0, 4)
        a.movs(1, 7)
        a.str(1, 0)                     # start SysTick from inside the SVC handler
        a.ldr_const(2, DATA)
        a.label("wait")
        a.ldr(3, 2, 8)
        a.cmp(3, 0)
        a.b("wait", "eq")               # until the SysTick handler has run
        a.mrs(3, "ipsr")
        a.str(3, 2, 16)
        a.bx(LR)
        a.label("systick")
        a.ldr_const(0, 0xE000E010)
        a.movs(1, 0)
        a.str(1, 0)                     # one tick is enough
        a.ldr_const(2, DATA)
        a.mrs(3, "ipsr")
        a.str(3, 2, 0)
        a.mov(3, LR)
        a.str(3, 2, 4)
        a.movs(3, 1)
        a.str(3, 2, 8)
        a.bx(LR)

    board, asm = make_board(M3, body, {11: "svc_handler", 15: "systick"})
    board.run(cycles=1000)
    assert word(board, DATA) == 15
    assert word(board, DATA + 4) == 0xFFFFFFF1      # EXC_RETURN: back to Handler mode
    assert word(board, DATA + 16) == 11             # the SVC handler resumed with its IPSR
    assert word(board, DATA + 12) == 0              # and returned to Thread mode
    assert board.core.pc == asm.labels["spin"] and board.core.read_reg(13) == STACK_TOP
