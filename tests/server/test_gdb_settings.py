"""OpenOCD's GDB server switches: gdb_memory_map, gdb_target_description, gdb_flash_program,
gdb_report_data_abort (enable|disable) and gdb_breakpoint_override (hard|soft|disable) change what the
server offers and answers."""
from __future__ import annotations

from gdb_wire import GdbWire
from ocdpy_process import OcdpyProcess, sim_args

SETTINGS = ("gdb_memory_map disable; gdb_target_description disable; gdb_flash_program disable; "
            "gdb_report_data_abort enable; gdb_breakpoint_override hard")


def test_switches_change_the_answers():
    with OcdpyProcess("-c", SETTINGS, *sim_args("stm32f072rb")) as ocd:
        w = GdbWire(ocd.ports["gdb"])
        try:
            features = w.command("qSupported").split(b";")
            assert b"qXfer:memory-map:read+" not in features and b"qXfer:features:read+" not in features
            assert b"PacketSize=4000" in features
            w.no_ack()
            assert w.command("qXfer:memory-map:read::0,100") == b""
            assert w.command("qXfer:features:read:target.xml:0,100") == b""
            assert w.command("vFlashErase:08000000,800") == b""
            assert w.command("mffffff00,4") == b"E01"
            original = w.command("m20000100,2")
            assert w.command("Z0,20000100,2").startswith(b"E")  # forced hard: the FPB cannot reach RAM
            assert w.command("m20000100,2") == original
        finally:
            w.close()
        assert "force hard breakpoints" in ocd.log()


def test_breakpoint_override_reports_like_openocd():
    commands = ("gdb_breakpoint_override; gdb_breakpoint_override soft; gdb_breakpoint_override other; "
                "gdb_breakpoint_override disable")
    with OcdpyProcess("-c", commands, *sim_args("stm32f072rb", None)) as ocd:
        log = ocd.log()
    lines = [line for line in log.splitlines() if "breakpoint" in line and "target has" not in line]
    assert lines == ["breakpoint type is not overridden", "force soft breakpoints", "force soft breakpoints",
                     "breakpoint type is not overridden"]
