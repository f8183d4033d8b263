"""TelnetClient on a stand-in connection and a real Session: what a client sees (bytes as OpenOCD 0.12 sends
them), where results, errors and log messages go, `exit`, `shutdown`, `history` and the history file."""
from __future__ import annotations

import io
import random

import pytest
from hypothesis import given, settings, strategies as st

from ocdpy.errors import ShutdownRequest
from ocdpy.log import Log
from ocdpy.server.telnet import BANNER, NEGOTIATION, TelnetClient
from ocdpy.session import Session

PROMPT = b"\r> "


class FakeConnection:
    """What the event loop gives a protocol: queued output, close() telling the protocol once."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.closed = False
        self.protocol = None
        self.peer = "test"

    def send(self, data: bytes) -> None:
        if not self.closed:
            self.out += data

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.protocol.connection_lost()

    def take(self) -> bytes:
        data = bytes(self.out)
        self.out.clear()
        return data


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def session(home):
    return Session(Log(stream=io.StringIO()))


def connect(session, history: bool = True) -> tuple[TelnetClient, FakeConnection]:
    client, conn = TelnetClient(session), FakeConnection()
    if not history:
        client.history_file = None
    conn.protocol = client
    client.connection_made(conn)
    return client, conn


def test_greeting_is_openocds(session):
    _, conn = connect(session)
    assert conn.take() == NEGOTIATION + BANNER + PROMPT
    assert NEGOTIATION == b"\xff\xfb\x03\xff\xfb\x01\xff\xfd\x03\xff\xfe\x01"


def test_result_error_and_empty_result(session):
    client, conn = connect(session)
    conn.take()
    client.data_received(b"set x 5\r\n")
    assert conn.take() == b"set x 5\r\n\x005\r\n" + PROMPT
    client.data_received(b"foo\r\n")
    assert conn.take() == b'foo\r\n\x00invalid command name "foo"\r\n' + PROMPT
    client.data_received(b"set y {}\r\n")
    assert conn.take() == b"set y {}\r\n\x00" + PROMPT
    client.data_received(b"echo -n hi\n")
    assert conn.take() == b"echo -n hi\r\n\x00hi" + PROMPT


def test_error_goes_to_the_log_and_every_session_but_a_result_only_to_its_own(session):
    a, a_conn = connect(session)
    b, b_conn = connect(session)
    b.data_received(b"mdw 0x0800")
    a_conn.take(), b_conn.take()
    a.data_received(b"set x 5\r\n")
    assert b_conn.take() == b""
    a.data_received(b'error "bad\\nthing"\r\n')
    assert a_conn.take().endswith(b"\x00bad\r\nthing\r\n" + PROMPT)
    wipe = b"\b" * 12 + b" " * 12 + b"\b" * 12
    assert b_conn.take() == wipe + b"bad\r\nthing\r\n> mdw 0x0800"
    assert "bad\nthing\n" in session.log.stream.getvalue()


def test_log_messages_lose_their_level_and_redraw_the_partial_line(session):
    client, conn = connect(session)
    client.data_received(b"set p\x02")
    conn.take()
    session.log.warning("[stm32f1x.cpu] target was in unknown state when halt was requested")
    wipe = b"\b" * 7 + b" " * 7 + b"\b" * 7
    assert conn.take() == (wipe + b"[stm32f1x.cpu] target was in unknown state when halt was requested\r\n"
                           b"> set p\b")
    session.log.level = 3
    session.log.debug("not for telnet")
    assert conn.take() == b""
    client.data_received(b"\x05q 7\r\n")  # the line typed before the messages is intact
    assert conn.take() == b"pq 7\r\n\x007\r\n" + PROMPT
    assert session.interp.global_frame.vars["pq"] == "7"


def test_exit_closes_the_session_even_from_a_proc(session):
    client, conn = connect(session)
    client.data_received(b"proc q {} {exit}\r\nq\r\nset never 1\r\n")
    assert conn.take().endswith(b"q\r\n\x00")
    assert conn.closed
    assert "never" not in session.interp.global_frame.vars
    assert client.log_message not in session.log.listeners
    assert "exit" in session.interp.commands and session.interp.commands["exit"] is not None


def test_a_caught_exit_returns_openocds_code_and_the_session_stays(session):
    client, conn = connect(session)
    conn.take()
    client.data_received(b"catch exit\r\n")
    assert conn.take() == b"catch exit\r\n\x00-600\r\n" + PROMPT  # OpenOCD 0.12: -600, still connected
    assert not conn.closed
    client.data_received(b"set a [catch {exit}]; exit\r\n")
    assert conn.closed and str(session.interp.global_frame.vars["a"]) == "-600"


def test_shutdown_passes_through_and_is_logged(session):
    client, conn = connect(session)
    with pytest.raises(ShutdownRequest):
        client.data_received(b"shutdown\r\n")
    assert conn.take().endswith(b"shutdown\r\n\x00shutdown command invoked\r\n")


def test_ctrl_c_drops_the_line(session):
    client, conn = connect(session)
    conn.take()
    client.data_received(b"abc\x02\x03set z 1\r\n")
    assert conn.take() == b"abc\bc^C\n\r> set z 1\r\n\x001\r\n" + PROMPT


def test_history_arrows_command_and_file(session, home):
    (home / ".openocd_history").write_bytes(b"set old 1\nexit\n")
    client, conn = connect(session)
    client.data_received(b"set a 1\r\nset b 2\r\n\x1b[A\x1b[A\r\n")
    conn.take()
    assert session.interp.global_frame.vars["a"] == "1"
    client.data_received(b"history\r\n")
    assert conn.take() == b"history\r\n\x00set old 1\r\n\x00exit\r\n\x00set a 1\r\n\x00set b 2\r\n\x00set a 1\r\n\x00" + PROMPT
    client.data_received(b"\x1b[A\r\n")  # `history` is not recorded: up brings back `set a 1`
    assert conn.take() == b"set a 1\r\n\x001\r\n" + PROMPT
    conn.close()
    assert (home / ".openocd_history").read_bytes() == b"set old 1\nexit\nset a 1\nset b 2\nset a 1\n"


def test_completion_uses_the_sessions_commands_and_variables(session):
    client, conn = connect(session)
    conn.take()
    client.data_received(b"adapter spe\t")
    assert conn.take() == b"adapter spe" + b"ed "
    client.data_received(b"\x15telnet_po\t")  # config-stage commands are not offered
    assert conn.take().endswith(b"telnet_po\x07")
    session.interp.eval("set my_unique_var 1")
    client.data_received(b"\x15puts $my_un\t")
    assert conn.take().endswith(b"puts $my_unique_var ")
    assert "flash" not in client.completions("flash", False)  # a group word is not a command


def test_garbage_lines_are_answered_not_fatal(session):
    client, conn = connect(session)
    rng = random.Random(7)
    for _ in range(50):
        line = bytes(rng.choice(b"abc{}[]$\\\"; \x00\x1b\xff\xfe\x80\x09") for _ in range(40))
        client.data_received(line + b"\r\n")
    assert not conn.closed
    conn.take()
    client.data_received(b"\x15set ok 1\r\n")
    assert conn.take().endswith(b"\x001\r\n" + PROMPT)


SHARED: list[Session] = []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_without_a_line_end_are_only_edits(data):
    if not SHARED:
        SHARED.append(Session(Log(stream=io.StringIO())))
    client, conn = connect(SHARED[0], history=False)
    client.data_received(data.replace(b"\r", b"").replace(b"\n", b""))
    assert not conn.closed
    assert 0 <= client.editor.cursor <= len(client.editor.line) <= client.editor.max_size
