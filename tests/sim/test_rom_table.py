"""The simulated chips' CoreSight ROM tables, walked through the debug bus the way a debugger does (AP BASE ->
table entries up to the zero word -> each component's CIDR/PIDR), and then by real OpenOCD's `dap info`.

Expected values are written out from the TRMs and silicon dumps (see ocdpy/sim/rom_table.py), not taken from the
module's tables, so a wrong table fails here."""
from __future__ import annotations

import shutil
import subprocess
import threading

import pytest

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from ocdpy.sim.board import Board  # noqa: E402
from ocdpy.sim.running import RunningBoard  # noqa: E402
from ocdpy.sim.dap import BASE  # noqa: E402
from ocdpy.sim.debug import DWT_CTRL, FP_CTRL  # noqa: E402
from ocdpy.sim.debug_port import BoardDebugPort  # noqa: E402
from ocdpy.sim.rom_table import Component, Entry, RomTable, attach_rom_table  # noqa: E402

ARM, ST = 0x23B, 0x020  # JEP106 continuation code << 7 | identity, as OpenOCD 0.12 prints a designer
# chip -> (ROM table designer, part), then (base, designer, part, class) per present entry, in table order
EXPECTED = {
    "stm32f072rb": ((ST, 0x448), [(0xE000E000, ARM, 0x008, 0xE), (0xE0001000, ARM, 0x00A, 0xE),
                                  (0xE0002000, ARM, 0x00B, 0xE)]),
    "stm32f103c8": ((ST, 0x410), [(0xE000E000, ARM, 0x000, 0xE), (0xE0001000, ARM, 0x002, 0xE),
                                  (0xE0002000, ARM, 0x003, 0xE), (0xE0000000, ARM, 0x001, 0xE),
                                  (0xE0040000, ARM, 0x923, 0x9), (0xE0041000, ARM, 0x924, 0x9)]),
    "stm32f401cc": ((ST, 0x423), [(0xE000E000, ARM, 0x00C, 0xE), (0xE0001000, ARM, 0x002, 0xE),
                                  (0xE0002000, ARM, 0x003, 0xE), (0xE0000000, ARM, 0x001, 0xE),
                                  (0xE0040000, ARM, 0x9A1, 0x9), (0xE0041000, ARM, 0x925, 0x9)]),
}
DBGMCU_IDCODE = {"stm32f072rb": 0x40015800, "stm32f103c8": 0xE0042000, "stm32f401cc": 0xE0042000}


def wired_board(chip: str) -> tuple[Board, BoardDebugPort]:
    """A board with its debug port wired as a probe finds it: debug-register model (consulted first) and the
    ROM table the AHB-AP's BASE points at."""
    board = Board(chip)
    return board, BoardDebugPort(board, chip)


def read_id(bus, base: int, first: int) -> int:
    """Four ID registers at base+first.., one byte each, joined into one word (low register first)."""
    return sum((bus.read(base + first + 4 * i, 4) & 0xFF) << (8 * i) for i in range(4))


def identify(bus, base: int) -> dict:
    cid = read_id(bus, base, 0xFF0)
    pid = read_id(bus, base, 0xFE0) | (bus.read(base + 0xFD0, 4) & 0xFF) << 32
    return {"cid": cid, "class": (cid >> 12) & 0xF, "part": pid & 0xFFF,
            "designer": ((pid >> 32) & 0xF) << 7 | (pid >> 12) & 0x7F, "jedec": bool(pid & 1 << 19),
            "revision": (pid >> 20) & 0xF}


def walk(bus, table: int) -> list[tuple[int, int]]:
    """(entry word, component base) for each entry up to the end marker, as OpenOCD's dap info walks it."""
    entries = []
    for offset in range(0, 0xF00, 4):
        word = bus.read(table + offset, 4)
        if word == 0:
            break
        entries.append((word, (table + (word & 0xFFFFF000)) & 0xFFFFFFFF))
    return entries


@pytest.mark.parametrize("chip", sorted(EXPECTED))
def test_the_rom_table_lists_each_component_with_its_ids(chip):
    board, port = wired_board(chip)
    bus = board.core.debug_bus
    table = port.dp.ap.read(BASE) & ~0xFFF
    assert table == 0xE00FF000
    rom = identify(bus, table)
    (designer, part), components = EXPECTED[chip]
    assert (rom["cid"], rom["designer"], rom["part"], rom["jedec"]) == (0xB105100D, designer, part, True)
    assert bus.read(table + 0xFCC, 4) & 1, "MEMTYPE.SYSMEM: system memory is on this bus"
    found = []
    for word, base in walk(bus, table):
        assert word & 0x3 == 0x3, f"entry 0x{word:08x}: 32-bit format, present"
        ids = identify(bus, base)
        assert ids["cid"] == 0xB105000D | ids["class"] << 12
        found.append((base, ids["designer"], ids["part"], ids["class"]))
    assert found == components


@pytest.mark.parametrize("chip", sorted(EXPECTED))
def test_st_names_its_rom_table_with_the_dbgmcu_dev_id(chip):
    board, _ = wired_board(chip)
    bus = board.core.debug_bus
    assert identify(bus, 0xE00FF000)["part"] == bus.read(DBGMCU_IDCODE[chip], 4) & 0xFFF


@pytest.mark.parametrize("chip, devtypes", [("stm32f103c8", (0x11, 0x13)), ("stm32f401cc", (0x11, 0x13))])
def test_trace_components_say_sink_and_source_in_devtype(chip, devtypes):
    board, _ = wired_board(chip)
    bus = board.core.debug_bus
    assert (bus.read(0xE0040FCC, 4), bus.read(0xE0041FCC, 4)) == devtypes


@pytest.mark.parametrize("chip, fp_ctrl, dwt_numcomp, cpuid", [
    ("stm32f072rb", 0x00000040, 2, 0x410CC200), ("stm32f103c8", 0x00000260, 4, 0x411FC231),
    ("stm32f401cc", 0x00000260, 4, 0x410FC241)])
def test_the_modelled_registers_below_the_ids_still_answer(chip, fp_ctrl, dwt_numcomp, cpuid):
    board, _ = wired_board(chip)
    bus = board.core.debug_bus
    assert bus.read(FP_CTRL, 4) == fp_ctrl
    assert bus.read(DWT_CTRL, 4) >> 28 == dwt_numcomp
    assert bus.read(0xE000ED00, 4) == cpuid


def test_id_registers_are_read_only_and_answer_narrow_reads():
    board, _ = wired_board("stm32f103c8")
    bus = board.core.debug_bus
    bus.write(0xE000EFF4, 4, 0)
    assert bus.read(0xE000EFF4, 4) == 0xE0
    assert bus.read(0xE00FFFFC, 1) == 0xB1


def test_a_component_the_chip_lacks_keeps_its_line_marked_absent():
    board = Board("stm32f103c8")
    etm = Component(0xE0041000, 0x924, 0x9)
    itm = Component(0xE0000000, 0x001, 0xE)
    attach_rom_table(board.core.ppb, RomTable(Component(0xE00FF000, 0x410, 0x1), (Entry(etm, present=False),
                                                                                  Entry(itm))))
    bus = board.core.debug_bus
    assert [word for word, _ in walk(bus, 0xE00FF000)] == [0xFFF42002, 0xFFF01003]
    assert read_id(bus, 0xE0041000, 0xFF0) == 0, "nothing answers where the absent ETM would be"
    assert read_id(bus, 0xE0000000, 0xFF0) == 0xB105E00D


# -- real OpenOCD over remote_bitbang --------------------------------------------------------------------------
OPENOCD = shutil.which("openocd")
TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f401cc": "target/stm32f4x.cfg"}
# what OpenOCD 0.12 names each component, in ROM table order
DAP_INFO_NAMES = {
    "stm32f103c8": ["Cortex-M3 SCS (System Control Space)", "Cortex-M3 DWT (Data Watchpoint and Trace)",
                    "Cortex-M3 FPB (Flash Patch and Breakpoint)", "Cortex-M3 ITM (Instrumentation Trace Module)",
                    "Cortex-M3 TPIU (Trace Port Interface Unit)", "Cortex-M3 ETM (Embedded Trace)"],
    "stm32f401cc": ["Cortex-M4 SCS (System Control Space)", "Cortex-M3 DWT (Data Watchpoint and Trace)",
                    "Cortex-M3 FPB (Flash Patch and Breakpoint)", "Cortex-M3 ITM (Instrumentation Trace Module)",
                    "Cortex-M4 TPIU (Trace Port Interface Unit)", "Cortex-M4 ETM (Embedded Trace)"],
}


def dap_info(chip: str) -> str:
    running = RunningBoard(chip)
    running.board.reset()
    running.start()
    ready = threading.Event()
    ports: list[int] = []
    server = threading.Thread(target=running.serve, args=(0,), daemon=True,
                              kwargs={"ready": lambda p: (ports.append(p), ready.set()), "max_clients": 1})
    server.start()
    try:
        assert ready.wait(10)
        # `dap info` alone prints nothing from a -c line in OpenOCD 0.12: its text is the command's result
        adapter = f"adapter driver remote_bitbang; remote_bitbang port {ports[0]}; remote_bitbang host 127.0.0.1"
        r = subprocess.run([OPENOCD, "-c", adapter, "-f", TARGET_CFG[chip], "-c", "init; echo [dap info]; shutdown"],
                           capture_output=True, text=True, timeout=120, cwd="/usr/share/openocd/scripts")
    finally:
        running.stop()
    server.join(10)
    return r.stdout + r.stderr


@pytest.mark.skipif(OPENOCD is None, reason="openocd is not installed; it is the oracle")
@pytest.mark.parametrize("chip", sorted(TARGET_CFG))
def test_openocd_dap_info_names_every_component(chip):
    out = dap_info(chip)
    assert "Valid ROM table present" in out, out
    assert "Component class is 0x1, ROM table" in out, out
    assert "Designer is 0x020, STMicroelectronics" in out, out
    assert "Invalid CID" not in out, out
    parts = [line.split(", ", 1)[1] for line in out.splitlines() if line.strip().startswith("Part is ")][1:]
    assert parts == DAP_INFO_NAMES[chip], out
    assert "End of ROM table" in out, out
