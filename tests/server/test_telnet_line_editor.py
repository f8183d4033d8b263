"""The telnet console's line editing, history, completion and key decoding, without sockets. Expected
bytes are what OpenOCD 0.12 sends for the same keys (measured over telnet, see notes/openocd-telnet.md)."""
from __future__ import annotations

from hypothesis import given, strategies as st

from ocdpy.server.line_editor import (BELL, HISTORY_SIZE, History, LineEditor, complete, completion_query,
                                      load_history, save_history)
from ocdpy.server.telnet_keys import Key, KeyDecoder


def typed(text: str, cursor: int | None = None) -> LineEditor:
    editor = LineEditor()
    editor.insert(text)
    if cursor is not None:
        editor.move_to(cursor)
    return editor


# -- editing ------------------------------------------------------------------------------------------------
def test_typing_echoes_and_inserting_mid_line_redraws_the_tail():
    editor = LineEditor()
    assert editor.insert("abc") == b"abc"
    editor = typed("axyz", 2)
    assert editor.insert("Q") == b"Qyz\b\b"
    assert (editor.line, editor.cursor) == ("axQyz", 3)


def test_backspace_at_end_and_mid_line():
    editor = typed("abc")
    assert editor.backspace() == b"\b \b"
    assert editor.line == "ab"
    editor = typed("abcd", 2)
    assert editor.backspace() == b"\bcd \b\b\b"
    assert (editor.line, editor.cursor) == ("acd", 1)
    assert typed("ab", 0).backspace() == b""


def test_delete_key_removes_the_character_under_the_cursor():
    editor = typed("axQyzH~~", 0)
    assert editor.delete() == b"xQyzH~~ " + b"\b" * 8
    assert (editor.line, editor.cursor) == ("xQyzH~~", 0)
    assert typed("ab").delete() == b""


def test_cursor_movement():
    editor = typed("abcd")
    assert editor.left() == b"\b"
    assert editor.left() == b"\b"
    assert editor.right() == b"c"
    assert editor.home() == b"\b\b\b"
    assert editor.home() == b""
    assert editor.left() == b""
    assert editor.end() == b"abcd"
    assert editor.right() == b""


def test_kill_to_end_clear_and_kill_word():
    editor = typed("axQyzH~~", 1)
    assert editor.kill_to_end() == b"       " + b"\b" * 7
    assert editor.line == "a"
    editor = typed("abcd", 3)
    assert editor.clear() == b"d" + b"\b \b" * 4
    assert (editor.line, editor.cursor) == ("", 0)
    editor = typed("mdw 0x08  tail", 10)
    assert editor.kill_word() == b"\b" * 6 + b"tail" + b" " * 6 + b"\b" * 10
    assert (editor.line, editor.cursor) == ("mdw tail", 4)
    assert typed("x", 0).kill_word() == b""


def test_overlong_line_rings_the_bell_per_refused_character():
    editor = LineEditor(max_size=5)
    assert editor.insert("abcdefg") == b"abcde" + BELL * 2
    assert editor.insert("h") == BELL
    assert editor.line == "abcde"


def test_interrupt_erase_and_redraw():
    editor = typed("abc", 2)
    assert editor.interrupt() == b"c^C\n\r> "
    assert editor.line == ""
    editor = typed("mdw 0x0800", 8)
    assert editor.erase() == b"\b" * 12 + b" " * 12 + b"\b" * 12
    assert editor.redraw() == b"> mdw 0x0800\b\b"


def test_replace_shows_a_history_line():
    editor = typed("set c 3")
    assert editor.replace("set b 2") == b"\b \b" * 7 + b"set b 2"
    assert editor.cursor == 7


@given(st.lists(st.one_of(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=8),
                          st.sampled_from(["bs", "del", "left", "right", "home", "end", "k", "u", "w"]))))
def test_any_edit_sequence_keeps_the_cursor_inside_the_line(edits):
    editor = LineEditor(max_size=20)
    actions = {"bs": editor.backspace, "del": editor.delete, "left": editor.left, "right": editor.right,
               "home": editor.home, "end": editor.end, "k": editor.kill_to_end, "u": editor.clear,
               "w": editor.kill_word}
    for edit in edits:
        out = actions[edit]() if edit in actions else editor.insert(edit)
        assert isinstance(out, bytes)
        assert 0 <= editor.cursor <= len(editor.line) <= 20


# -- history ------------------------------------------------------------------------------------------------
def test_history_up_down_and_the_draft():
    history = History(["set a 1", "set b 2"])
    assert history.up("draft") == "set b 2"
    assert history.up("") == "set a 1"
    assert history.up("") is None
    assert history.down() == "set b 2"
    assert history.down() == "draft"
    assert history.down() is None


def test_history_skips_blank_and_repeated_lines_and_keeps_the_newest():
    history = History()
    for line in ["a", "", "a", "b", "  "]:
        history.add(line)
    assert history.entries == ["a", "b"]
    for i in range(HISTORY_SIZE + 5):
        history.add(f"c{i}")
    assert len(history.entries) == HISTORY_SIZE
    assert history.entries[-1] == f"c{HISTORY_SIZE + 4}"


def test_history_listing_is_what_openocd_prints():
    assert History(["foo", "set a 1"]).listing() == b"foo\r\n\x00set a 1\r\n\x00"


def test_history_file_round_trip(tmp_path):
    path = tmp_path / ".openocd_history"
    assert load_history(path).entries == []
    path.write_bytes(b"foo\n\nmdw 0x08000000\n")
    history = load_history(path)
    assert history.entries == ["foo", "mdw 0x08000000"]
    assert history.up("") == "foo"  # the newest line of the last session (its `exit`) is skipped at first
    assert history.down() == "mdw 0x08000000"
    history.add("reg pc")
    save_history(path, history)
    assert path.read_bytes() == b"foo\nmdw 0x08000000\nreg pc\n"
    save_history(tmp_path / "missing-dir" / "h", history)  # an unwritable place is not an error


# -- completion ---------------------------------------------------------------------------------------------
NAMES = ["exists", "exit", "flash banks", "flash info", "flash list", "mdb", "mdh", "mdw", "resume",
         "target current", "target names", "targets"]
VARS = ["tcl_platform", "tcl_version", "x"]


def names(prefix: str, variable: bool) -> list[str]:
    return [n for n in (VARS if variable else NAMES) if n.startswith(prefix)]


def test_completion_query_finds_the_command_under_the_cursor():
    assert completion_query("flash  inf", 10) == ("flash inf", False)
    assert completion_query("set x [mdw", 10) == ("mdw", False)
    assert completion_query("a;  b", 5) == ("b", False)
    assert completion_query("puts $tcl_v", 11) == ("tcl_v", True)
    assert completion_query("ab", 0) == ("", False)


def test_unique_match_is_completed_with_a_space():
    editor = typed("flash inf")
    assert complete(editor, names) == b"o "
    assert editor.line == "flash info "
    editor = typed("  resu")
    assert complete(editor, names) == b"me "
    editor = typed("mdw")
    assert complete(editor, names) == b" "


def test_several_matches_complete_to_their_common_prefix():
    editor = typed("fla")
    assert complete(editor, names) == b"sh "  # "flash banks", "flash info"...: the common prefix has the space
    editor = typed("tar")
    assert complete(editor, names) == b"get"
    editor = typed("$tc")
    assert complete(editor, names) == b"l_"


def test_several_matches_with_nothing_to_add_are_listed_and_the_line_drawn_again():
    editor = typed("md 1", 2)
    assert complete(editor, names) == b"\n\rmdb\n\rmdh\n\rmdw\n\r> md 1\b\b"
    editor = typed("exi")
    assert complete(editor, names) == b"\n\rexists\n\rexit\n\r> exi"


def test_no_match_rings_the_bell():
    assert complete(typed("zzz"), names) == BELL
    assert complete(typed("mdw "), names) == BELL


# -- key decoding ---------------------------------------------------------------------------------------------
def test_keys_text_and_line_ends():
    d = KeyDecoder()
    assert d.feed(b"mdw 1\r\n") == ["mdw 1", Key.ENTER]
    assert d.feed(b"a\r\x00b\n") == ["a", Key.ENTER, "b", Key.ENTER]
    assert d.feed(b"\r") == []  # LF CR is one line end too
    assert d.feed(b"c\r") == ["c", Key.ENTER]
    assert d.feed(b"\n") == []  # the LF of a CR LF split across reads
    assert d.feed(b"\n") == [Key.ENTER]  # an empty line
    assert d.feed(b"\x01\x02\x03\x05\x06\x08\x09\x0b\x0e\x10\x15\x17\x7f") == [
        Key.HOME, Key.LEFT, Key.INTERRUPT, Key.END, Key.RIGHT, Key.BACKSPACE, Key.TAB, Key.KILL_TO_END,
        Key.DOWN, Key.UP, Key.CLEAR_LINE, Key.KILL_WORD, Key.BACKSPACE]


def test_escape_sequences_even_split_across_reads():
    d = KeyDecoder()
    assert d.feed(b"\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1b[3~\x1bOH\x1b[1~\x1b[4~") == [
        Key.UP, Key.DOWN, Key.RIGHT, Key.LEFT, Key.HOME, Key.END, Key.DELETE, Key.HOME, Key.HOME, Key.END]
    assert d.feed(b"\x1b") == []
    assert d.feed(b"[") == []
    assert d.feed(b"Dx") == [Key.LEFT, "x"]
    assert d.feed(b"\x1b[15;2~y\x1b[" + b"1" * 40 + b"z") == ["y" + "1" * 24 + "z"]


def test_telnet_commands_are_taken_out():
    d = KeyDecoder()
    assert d.feed(b"\xff\xfd\x03\xff\xfb\x18ab\xff\xfa\x18\x00xterm\xff\xf0c") == ["abc"]
    assert d.feed(b"\xff\xffq\xff\xf4\xff\xf7\xff\xf8\xff\xf1r") == [
        "q", Key.INTERRUPT, Key.BACKSPACE, Key.CLEAR_LINE, "r"]
    assert d.feed(b"\xff") == []
    assert d.feed(b"\xfb") == []
    assert d.feed(b"\x01s") == ["s"]  # the option byte of IAC WILL, not Ctrl-A
    assert d.feed(b"\xe9\xa0\x80\x00\x04\x1a") == []  # non-ASCII and unbound controls are dropped


@given(st.binary(max_size=300), st.integers(min_value=1, max_value=7))
def test_any_bytes_decode_to_printable_text_and_keys(data, piece):
    d = KeyDecoder()
    for i in range(0, len(data), piece):
        for item in d.feed(data[i:i + piece]):
            assert isinstance(item, Key) or (item and all(" " <= c <= "~" for c in item))
