"""Property tests: the parser only ever fails with a Tcl error, and list commands round-trip any string."""
from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings, strategies as st

from ocdpy.tcl.errors import TclControl, TclError, TclExit, TclTailcall
from ocdpy.tcl.interp import Interp
from ocdpy.tcl.parser import parse
from ocdpy.tcl.values import list_to_str, parse_list, to_list, to_str

TCL_CHARS = st.lists(st.sampled_from(list(' \t\n;{}[]"$\\#()*abc01xu:') + ["\\\n", "{*}"]),
                     max_size=40).map("".join)
BYTES_TEXT = st.binary(max_size=60).map(lambda b: b.decode("latin-1"))


@settings(max_examples=400, deadline=None)
@given(TCL_CHARS)
def test_parser_raises_only_tcl_errors(text):
    try:
        parse(text)
    except TclError:
        pass


@settings(max_examples=200, deadline=None)
@given(TCL_CHARS)
def test_evaluation_raises_only_tcl_outcomes(text):
    interp = Interp()
    interp.register("puts", lambda i, argv: "")
    try:
        interp.eval(text)
    except (TclError, TclControl, TclExit, TclTailcall):  # control codes and exit are Tcl outcomes too
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(BYTES_TEXT, max_size=8))
def test_list_round_trip(items):
    assert list(parse_list(list_to_str(items))) == items


@settings(max_examples=200, deadline=None)
@given(st.lists(BYTES_TEXT, max_size=6))
def test_list_and_lindex_round_trip_through_the_interpreter(items):
    interp = Interp()
    interp.setvar("items", list(items))
    text = interp.eval("list {*}$items")
    interp.setvar("s", text)
    for i, item in enumerate(items):
        assert interp.eval(f"lindex $s {i}") == item
    assert interp.eval("llength $s") == len(items)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab ,;{}\\\"$[]x", max_size=8).filter(lambda s: "," not in s), max_size=6))
def test_split_join_round_trip(items):
    interp = Interp()
    interp.setvar("items", list(items))
    joined = interp.eval("join $items ,")
    interp.setvar("joined", joined)
    back = interp.eval("split $joined ,")
    assert [to_str(x) for x in to_list(back)] == ([] if items == [""] else items)


def test_script_runner_never_shows_a_traceback(tmp_path):
    """Arbitrary bytes through `python -m ocdpy.tcl`: a Tcl error at most, never a Python traceback."""
    import random
    rng = random.Random(1234)
    for n in range(40):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        path = tmp_path / f"junk{n}.tcl"
        path.write_bytes(data)
        proc = subprocess.run([sys.executable, "-m", "ocdpy.tcl", str(path)], capture_output=True, timeout=30)
        assert b"Traceback" not in proc.stderr, (data, proc.stderr)
        assert proc.returncode in (0, 1), (data, proc.returncode, proc.stderr)
