"""ocdpy's Tcl RPC port as a client sees it: 0x1a framing (joined and split commands, NUL, bytes), results
and errors, per-connection notifications in OpenOCD 0.12's order, `tcl_trace`, and the commands that
refuse over the network."""
from __future__ import annotations

import pytest

pytest.importorskip("unicorn")

from ocdpy_process import OcdpyProcess, sim_args  # noqa: E402
from tcl_rpc_client import TclRpc  # noqa: E402


def event(name: str) -> bytes:
    return b"type target_event event " + name.encode() + b"\r\n"


def state(name: str) -> bytes:
    return b"type target_state state " + name.encode() + b"\r\n"


@pytest.fixture(scope="module")
def ocdpy():
    with OcdpyProcess(*sim_args("stm32f103c8")) as process:
        with TclRpc(process.ports["tcl"]) as setup:
            setup.call("reset halt")
        yield process


@pytest.fixture
def client(ocdpy):
    with TclRpc(ocdpy.ports["tcl"]) as c:
        yield c


def test_results_and_errors(client):
    assert client.run("set x 5") == b"5"
    assert client.run("foo") == b'invalid command name "foo"'
    assert client.run("error hello") == b"hello"
    assert client.run("mdw 0x08000000") == b"0x08000000: 20005000 \n"
    assert client.run("puts hi") == b""  # puts goes to the log, as in OpenOCD
    assert client.run("") == b""
    assert client.run("set a 1\nset b 2") == b"2"


def test_joined_and_split_commands(client):
    client.send(b"set p 1\x1aset q 2\x1aexpr {$p+$q}\x1a")
    assert [client.reply()[1] for _ in range(3)] == [b"1", b"2", b"3"]
    for byte in b"set z 42\x1a":
        client.send(bytes([byte]))
    assert client.reply() == ([], b"42")
    client.send(b"\x1a\x1a")
    assert [client.reply()[1] for _ in range(2)] == [b"", b""]


def test_command_text_is_a_c_string_of_bytes(client):
    # OpenOCD's line is a C string: a NUL ends the command; bytes are characters (Jim without UTF-8)
    assert client.run(b"set n 1\x00garbage") == b"1"
    assert client.run(b"\x00\xff\xfe}{[") == b""
    assert client.run(b"string length \xc3\xa9") == b"2"
    assert client.run(b"set u \xc3\xa9\xff") == b"\xc3\xa9\xff"
    assert client.run(b'set e "\r\n"') == b"\r\n"


def test_notifications_follow_openocds_order(client):
    assert client.run("tcl_notifications on") == b""
    assert client.call("resume") == ([event("resume-start"), event("resumed"), state("running"),
                                      event("resume-end")], b"")
    assert client.call("halt") == ([event("gdb-halt"), state("halted"), event("halted")], b"")
    assert client.call("step") == ([event("step-start"), event("resumed"), event("gdb-halt"), event("halted"),
                                    event("step-end")], b"")
    assert client.call("reset halt") == ([b"type target_reset mode halt\r\n", event("gdb-halt"),
                                          event("halted")], b"")
    # the reset's own events run their handlers only; the running state is seen at no event
    assert client.call("reset run") == ([b"type target_reset mode run\r\n"], b"")
    assert client.call("halt") == ([event("gdb-halt"), event("halted")], b"")
    assert client.run("tcl_notifications off") == b""
    assert client.call("resume") == ([], b"")
    assert client.call("halt") == ([], b"")


def test_notifications_reach_every_listening_connection(ocdpy, client):
    with TclRpc(ocdpy.ports["tcl"]) as listener:
        assert listener.run("tcl_notifications on") == b""
        client.call("resume")
        client.call("halt")
        frames = [listener.frame() for _ in range(7)]
        assert frames == [event("resume-start"), event("resumed"), state("running"), event("resume-end"),
                          event("gdb-halt"), state("halted"), event("halted")]


def test_switches_report_in_the_log(ocdpy, client):
    assert client.run("tcl_notifications") == b""
    ocdpy.wait_log(r"Info : Target Notification output  is disabled")
    assert client.run("tcl_trace on") == b""
    ocdpy.wait_log(r"Info : Target trace output  is enabled")
    assert client.run("tcl_notifications Enable") == b""
    assert client.run("tcl_notifications 0") == b""
    ocdpy.wait_log(r"output  is enabled\nInfo : Target Notification output  is disabled")
    assert client.run("tcl_notifications maybe") == b""
    ocdpy.wait_log(r"Error: tcl_notifications: argument 'maybe' is not valid\ntcl_notifications \[on\|off\]")
    assert client.run("catch {tcl_trace on off}") == b"1"
    assert client.run("lsort [info commands tcl_*]") == b"tcl_notifications tcl_port tcl_trace"


@pytest.mark.parametrize("command, word", [("open /etc/passwd", b"open"), ("source /etc/passwd", b"source"),
                                           ("exec ls", b"exec"), ("file delete /tmp/x", b"file")])
def test_file_and_exec_commands_refuse(client, command, word):
    reply = client.run(command)
    assert word in reply and b"root:" not in reply
    assert b"not allowed" in reply or b"invalid command name" in reply
    assert client.run("set still 1") == b"1"


@pytest.mark.parametrize("command", ["dump_image {path} 0x08000000 16", "flash read_bank 0 {path} 0 16",
                                     "log_output {path}"])
def test_commands_that_write_host_files_refuse(client, command, tmp_path):
    path = tmp_path / "written"
    reply = client.run(command.format(path=path))
    assert b"not allowed from a network client" in reply, reply
    assert not path.exists()
    assert client.run("set still 1") == b"1"


def test_shutdown_answers_then_closes():
    with OcdpyProcess(*sim_args("stm32f103c8")) as process, TclRpc(process.ports["tcl"]) as client:
        assert client.run("shutdown") == b""
        assert client.closed_by_peer()
        assert process.proc.wait(20) == 0


class RecordingConnection:
    """Stands in for the event loop's connection: keeps what the protocol sends."""

    def __init__(self) -> None:
        self.sent, self.closed, self.peer = bytearray(), False, "test"

    def send(self, data: bytes) -> None:
        self.sent += data


@pytest.fixture
def in_process():
    import io

    from ocdpy.log import Log
    from ocdpy.server import stop_servers
    from ocdpy.session import Session

    out = io.StringIO()
    session = Session(Log(stream=out))
    session.ports.update(gdb="disabled", telnet="disabled", tcl="disabled")
    for line in ("source [find interface/sim.cfg]", "sim chip stm32f103c8", "source [find target/stm32f1x.cfg]",
                 "init"):
        session.command(line)
    yield session, out
    stop_servers(session)
    session.probe.close()


def test_trace_data_goes_to_tcl_trace_connections_only(in_process):
    from ocdpy.commands.run_control import emit_trace
    from ocdpy.server.tcl_rpc import TclRpcClient

    session, _ = in_process
    target = session.targets["stm32f1x.cpu"]
    tracing, other = TclRpcClient(session), TclRpcClient(session)
    for client in (tracing, other):
        client.connection_made(RecordingConnection())
    tracing.data_received(b"tcl_trace on\x1a")
    emit_trace(session, target, b"\x01\xab\x00")
    assert bytes(tracing.conn.sent) == b"\x1atype target_trace data 01ab00\r\n\x1a"
    assert bytes(other.conn.sent) == b""
    tracing.connection_lost()
    emit_trace(session, target, b"\x02")
    assert bytes(tracing.conn.sent).count(b"target_trace") == 1


def test_switches_refuse_outside_the_tcl_server(in_process):
    from ocdpy.errors import OcdError

    session, out = in_process
    with pytest.raises(OcdError):
        session.command("tcl_notifications on")
    assert "Error: tcl_notifications: can only be called from the tcl server\ntcl_notifications [on|off]\n" \
        in out.getvalue()
