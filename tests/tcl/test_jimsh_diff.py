"""Differential tests: ocdpy's Tcl interpreter versus Jim Tcl 0.81 (``jimsh``).

Every file in ``corpus/`` holds many independent Tcl scripts.  A line that is
exactly ``#---- <case name>`` starts a new case; everything up to the next such
line (or the end of the file) is the script.  Text before the first marker is
ignored, so a file may start with a header comment.

For each case the script is written to ``case.tcl`` in a fresh temporary
directory and run, with that directory as the working directory, as

    jimsh case.tcl
    <python> -m ocdpy.tcl case.tcl

Standard output (as raw bytes) and the exit status must be identical.  Standard
error is not compared (Jim's error trace format is not part of the contract),
but ocdpy's is shown in failure messages.  The relative file name is passed on
purpose so that ``info script`` gives the same answer under both interpreters.

jimsh is the oracle: its results are computed live (and cached for the test
session), never stored in the repository.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

JIMSH = shutil.which("jimsh")

pytestmark = pytest.mark.skipif(
    JIMSH is None, reason="jimsh (Jim Tcl 0.81) is not installed; it is the oracle"
)

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20  # seconds, per interpreter run
MIN_CASES = 300
CASE_FILE_NAME = "case.tcl"

_MARKER = re.compile(rb"#---- (.+?)[ \t]*\r?")


def _split_cases(path: Path) -> list[tuple[str, bytes]]:
    """Return ``[(case_name, script_bytes), ...]`` for one corpus file."""
    cases: list[tuple[str, bytes]] = []
    name: str | None = None
    body: list[bytes] = []
    for line in path.read_bytes().split(b"\n"):
        m = _MARKER.fullmatch(line)
        if m:
            if name is not None:
                cases.append((name, b"\n".join(body)))
            name = m.group(1).decode("utf-8")
            body = []
        elif name is not None:
            body.append(line)
    if name is not None:
        cases.append((name, b"\n".join(body)))
    return cases


def _collect() -> list[tuple[str, bytes]]:
    """All cases of all corpus files as ``[(id, script), ...]``, sorted by file."""
    out: list[tuple[str, bytes]] = []
    for path in sorted(CORPUS_DIR.glob("*.tcl")):
        for name, script in _split_cases(path):
            out.append((f"{path.stem}-{name}", script))
    return out


CASES = _collect()


class _Result:
    __slots__ = ("returncode", "stdout", "stderr")

    def __init__(self, returncode: int | str, stdout: bytes, stderr: bytes):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def _run(argv: list[str], script: bytes, env: dict[str, str] | None = None) -> _Result:
    with tempfile.TemporaryDirectory(prefix="tcl_case_") as tmp:
        Path(tmp, CASE_FILE_NAME).write_bytes(script)
        try:
            proc = subprocess.run(
                argv + [CASE_FILE_NAME],
                cwd=tmp,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            return _Result(f"timeout after {TIMEOUT}s", exc.stdout or b"", exc.stderr or b"")
        return _Result(proc.returncode, proc.stdout, proc.stderr)


_jimsh_cache: dict[bytes, _Result] = {}


def _run_jimsh(script: bytes) -> _Result:
    res = _jimsh_cache.get(script)
    if res is None:
        res = _jimsh_cache[script] = _run([JIMSH], script)
    return res


def _ocdpy_env() -> dict[str, str]:
    env = dict(os.environ)
    parts = [str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _run_ocdpy(script: bytes) -> _Result:
    return _run([sys.executable, "-m", "ocdpy.tcl"], script, env=_ocdpy_env())


def _show(data: bytes) -> str:
    text = data.decode("utf-8", errors="backslashreplace")
    return text if text else "<empty>"


def _failure_message(case_id: str, script: bytes, jim: _Result, ocd: _Result) -> str:
    diff = "\n".join(
        difflib.unified_diff(
            jim.stdout.decode("utf-8", "backslashreplace").splitlines(),
            ocd.stdout.decode("utf-8", "backslashreplace").splitlines(),
            "jimsh",
            "ocdpy",
            lineterm="",
        )
    )
    err_tail = ocd.stderr.decode("utf-8", "backslashreplace")[-3000:]
    return (
        f"\n=== case {case_id} ===\n{_show(script)}\n"
        f"=== jimsh: exit {jim.returncode}, stdout {jim.stdout!r}\n{_show(jim.stdout)}\n"
        f"=== ocdpy: exit {ocd.returncode}, stdout {ocd.stdout!r}\n{_show(ocd.stdout)}\n"
        f"=== stdout diff (jimsh -> ocdpy)\n{diff or '<no line diff; check trailing newline/bytes>'}\n"
        f"=== ocdpy stderr (tail)\n{err_tail or '<empty>'}\n"
        f"=== jimsh stderr\n{_show(jim.stderr)}"
    )


@pytest.mark.parametrize(("case_id", "script"), CASES, ids=[c[0] for c in CASES])
def test_matches_jimsh(case_id: str, script: bytes) -> None:
    jim = _run_jimsh(script)
    ocd = _run_ocdpy(script)
    assert (ocd.stdout, ocd.returncode) == (jim.stdout, jim.returncode), _failure_message(
        case_id, script, jim, ocd
    )


def test_corpus_size() -> None:
    assert len(CASES) >= MIN_CASES, f"corpus has only {len(CASES)} cases (< {MIN_CASES})"


def test_corpus_case_ids_unique_and_nonempty() -> None:
    ids = [cid for cid, _ in CASES]
    dups = sorted({cid for cid in ids if ids.count(cid) > 1})
    assert not dups, f"duplicate case ids: {dups}"
    empty = [cid for cid, script in CASES if not script.strip()]
    assert not empty, f"empty cases: {empty}"
