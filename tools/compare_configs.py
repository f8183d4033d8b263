#!/usr/bin/env python3
"""Measure how much of OpenOCD's config corpus ocdpy evaluates like OpenOCD does.

For every ``target/*.cfg``, ``board/*.cfg`` and ``interface/*.cfg`` in OpenOCD's
scripts dir, the file is evaluated in the config stage (``init`` never runs, so
no hardware is touched) by real OpenOCD and by ocdpy, followed by a probe
script that prints what was built, one sorted line per object::

    TAP <name>                            # jtag names (caught: JTAG only)
    DAP <name>                            # dap names  (caught)
    TARGET <name> <type>                  # target names, [$t cget -type]
    FLASH <name> <driver> <base> <size>   # flash list

and then ``shutdown``.  The command line is, with cwd = the scripts dir::

    jtag:  openocd -c "adapter driver dummy"     -c "transport select jtag" -f FILE -f PROBE
    swd:   openocd -c "adapter driver cmsis-dap" -c "transport select swd"  -f FILE -f PROBE
    none:  openocd -f FILE -f PROBE

and for ocdpy the same with ``python -m ocdpy.cli -s SCRIPTS`` instead of
``openocd``.  A run "accepts" the file when it exits 0 and the probe's output
is present; ocdpy "matches" a file OpenOCD accepts when it accepts it too and
prints the same probe lines.  Only stdout is compared (both log on stderr).

OpenOCD's results are cached in ``~/.cache/ocdpy/openocd-config-oracle.json``,
keyed by mode, file path + mtime, OpenOCD version and probe text, so reruns
only rerun ocdpy.

Usage::

    python tools/compare_configs.py                       # all categories, their default modes
    python tools/compare_configs.py --category target --mode jtag --jobs 4
    python tools/compare_configs.py --filter stm32 --json /tmp/out.json

Default modes: target: jtag, swd; board: jtag, swd, none (board files usually
source their own interface); interface: none (they select their own driver).
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCRIPTS_DIR = "/usr/share/openocd/scripts"
DEFAULT_CACHE = Path.home() / ".cache" / "ocdpy" / "openocd-config-oracle.json"
TIMEOUT = 20.0  # seconds, per run
DEFAULT_JOBS = 2

CATEGORIES = ("target", "board", "interface")
MODES = ("jtag", "swd", "none")
DEFAULT_MODES = {"target": ("jtag", "swd"), "board": ("jtag", "swd", "none"), "interface": ("none",)}
PREFIX = {
    "jtag": ["-c", "adapter driver dummy", "-c", "transport select jtag"],
    "swd": ["-c", "adapter driver cmsis-dap", "-c", "transport select swd"],
    "none": [],
}

BEGIN = "=== ocdpy-probe begin"
END = "=== ocdpy-probe end"

# Runs inside a proc so its variables cannot clash with the config's globals.
# The markers let us ignore whatever else a config file prints with `puts`.
PROBE = """\
proc __ocdpy_probe {} {
    set lines {}
    if {![catch {jtag names} taps]} {
        foreach t $taps { lappend lines "TAP $t" }
    }
    if {![catch {dap names} daps]} {
        foreach d $daps { lappend lines "DAP $d" }
    }
    foreach t [target names] {
        lappend lines "TARGET $t [$t cget -type]"
    }
    foreach b [flash list] {
        lappend lines "FLASH [dict get $b name] [dict get $b driver] [dict get $b base] [dict get $b size]"
    }
    puts "%s"
    foreach l [lsort $lines] { puts $l }
    puts "%s"
}
__ocdpy_probe
shutdown
""" % (BEGIN, END)

PROBE_HASH = hashlib.sha256(PROBE.encode()).hexdigest()[:16]

_ERROR_LINE = re.compile(r"(^|: )Error: ")
_LOCATION = re.compile(r"^.*?:\d+: (?=Error: )")


# ---------------------------------------------------------------- inputs

def list_files(scripts_dir: str | os.PathLike, category: str, filter: str | None = None,
               limit: int | None = None) -> list[str]:
    """Relative paths (``target/x.cfg``) of ``<category>/*.cfg``, sorted; filtered by substring, then limited."""
    d = Path(scripts_dir) / category
    files = sorted(f"{category}/{p.name}" for p in d.glob("*.cfg") if p.is_file())
    if filter:
        files = [f for f in files if filter in f]
    if limit is not None:
        files = files[:limit]
    return files


def openocd_version(openocd: str) -> str:
    """First line of ``openocd --version`` (it prints on stderr), e.g. ``Open On-Chip Debugger 0.12.0``."""
    p = subprocess.run([openocd, "--version"], capture_output=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    text = (p.stderr + p.stdout).decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "unknown"


def command_line(tool: str, mode: str, relpath: str, probe: str, scripts_dir: str, openocd: str) -> list[str]:
    if tool == "openocd":
        head = [openocd]
        if os.path.realpath(scripts_dir) != os.path.realpath(DEFAULT_SCRIPTS_DIR):
            head += ["-s", scripts_dir]
    else:
        head = [sys.executable, "-m", "ocdpy.cli", "-s", scripts_dir]
    return head + PREFIX[mode] + ["-f", relpath, "-f", probe]


def ocdpy_env() -> dict:
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + old if old else "")
    return env


# ---------------------------------------------------------------- one run

def parse_probe(stdout: str) -> list[str] | None:
    """The sorted probe lines, or None when the probe did not finish."""
    lines = stdout.splitlines()
    try:
        start = lines.index(BEGIN)
        stop = lines.index(END, start)
    except ValueError:
        return None
    return sorted(lines[start + 1:stop])


def first_error(stderr: str, rc: int | None, lines: list[str] | None) -> str | None:
    """The error line to show for a run: the first line of the error report that stopped it.

    That is the last ``Error:`` line of a failed run (earlier ones are usually
    ``echo "Error: ..."`` from a script that went on), the first one of a run that
    exited 0; a failed run with no ``Error:`` line gives its last stderr line.
    """
    errors = [line.strip() for line in stderr.splitlines() if _ERROR_LINE.search(line)]
    failed = rc != 0 or lines is None
    if errors:
        return errors[-1] if failed else errors[0]
    if not failed:
        return None
    tail = [l.strip() for l in stderr.splitlines() if l.strip()]
    if tail:
        return tail[-1]
    return f"exit status {rc}, no probe output" if rc else "exit status 0 but no probe output"


def error_message(line: str | None) -> str:
    """An error line without its ``file:line:`` prefix, for grouping."""
    return _LOCATION.sub("", line or "").strip()


def run_tool(argv: list[str], cwd: str, env: dict | None = None, timeout: float = TIMEOUT) -> dict:
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"rc": None, "lines": None, "error": f"timeout after {timeout:g} s", "timeout": True,
                "seconds": round(time.monotonic() - t0, 3)}
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    lines = parse_probe(out)
    return {"rc": p.returncode, "lines": lines, "error": first_error(err, p.returncode, lines),
            "timeout": False, "seconds": round(time.monotonic() - t0, 3)}


def accepted(run: dict | None) -> bool:
    return bool(run) and run["rc"] == 0 and run["lines"] is not None


def _work(task: dict) -> dict:
    """Pool worker: run OpenOCD (unless cached) and ocdpy on one file in one mode."""
    out = {}
    for tool in ("openocd", "ocdpy"):
        if tool == "openocd" and not task["run_openocd"]:
            continue
        argv = command_line(tool, task["mode"], task["file"], task["probe"], task["scripts_dir"], task["openocd"])
        out[tool] = run_tool(argv, task["scripts_dir"], ocdpy_env() if tool == "ocdpy" else None, task["timeout"])
    return out


# ---------------------------------------------------------------- cache

class OracleCache:
    """OpenOCD's results, in one JSON file; unreadable or unwritable caches are ignored."""

    def __init__(self, path: str | os.PathLike | None, version: str):
        self.path = Path(path) if path else None
        self.version = version
        self.data: dict = {}
        self.dirty = False
        if self.path and self.path.is_file():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.data = {}

    def key(self, mode: str, scripts_dir: str, relpath: str) -> str:
        full = os.path.join(os.path.realpath(scripts_dir), relpath)
        try:
            mtime = os.stat(full).st_mtime_ns
        except OSError:
            mtime = 0
        return "|".join((mode, full, str(mtime), self.version, PROBE_HASH))

    def get(self, key: str) -> dict | None:
        return self.data.get(key)

    def put(self, key: str, run: dict) -> None:
        if not run.get("timeout"):  # a timeout may be a loaded machine: retry next time
            self.data[key] = run
            self.dirty = True

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".oracle-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.data, f, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            pass


# ---------------------------------------------------------------- comparison

def _pool(jobs: int):
    # fork keeps this module importable in the workers even when it was loaded
    # from a path (importlib) rather than from sys.path.
    if "fork" in multiprocessing.get_all_start_methods():
        return concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    tools_dir = str(Path(__file__).resolve().parent)
    if tools_dir not in sys.path:
        sys.path.insert(0, tools_dir)
    return concurrent.futures.ProcessPoolExecutor(jobs)


def compare(categories=CATEGORIES, modes=None, *, files: dict | None = None,
            scripts_dir: str = DEFAULT_SCRIPTS_DIR, openocd: str | None = None, jobs: int = DEFAULT_JOBS,
            filter: str | None = None, limit: int | None = None, cache_path=DEFAULT_CACHE,
            timeout: float = TIMEOUT, progress=None) -> list[dict]:
    """Compare OpenOCD and ocdpy; return one record per (category, mode, file).

    ``modes``: None for each category's default modes, else a list applied to every category.
    ``files``: optional {category: [relpath, ...]} overriding the directory listing.
    A record: {category, mode, file, openocd: run, ocdpy: run, accepted, match, missing, extra},
    where a run is {rc, lines, error, timeout, seconds}.
    """
    if isinstance(categories, str):
        categories = (categories,)
    if isinstance(modes, str):
        modes = (modes,)
    openocd = openocd or shutil.which("openocd")
    if not openocd:
        raise FileNotFoundError("openocd is not installed")
    scripts_dir = str(scripts_dir)
    cache = OracleCache(cache_path, openocd_version(openocd))
    records: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ocdpy-probe-") as tmp:
        probe = os.path.join(tmp, "probe.tcl")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(PROBE)
        tasks = []
        for category in categories:
            names = files[category] if files and category in files else \
                list_files(scripts_dir, category, filter, limit)
            for mode in (modes or DEFAULT_MODES[category]):
                for relpath in names:
                    key = cache.key(mode, scripts_dir, relpath)
                    rec = {"category": category, "mode": mode, "file": relpath, "openocd": cache.get(key)}
                    records.append(rec)
                    tasks.append((rec, key, {"mode": mode, "file": relpath, "probe": probe,
                                             "scripts_dir": scripts_dir, "openocd": openocd,
                                             "timeout": timeout, "run_openocd": rec["openocd"] is None}))

        def finish(rec, key, out, done):
            if "openocd" in out:
                rec["openocd"] = out["openocd"]
                cache.put(key, out["openocd"])
            rec["ocdpy"] = out["ocdpy"]
            if progress:
                progress(done, len(tasks), rec)

        try:
            if jobs <= 1:
                for i, (rec, key, task) in enumerate(tasks, 1):
                    finish(rec, key, _work(task), i)
            else:
                with _pool(jobs) as pool:
                    futures = {pool.submit(_work, task): (rec, key) for rec, key, task in tasks}
                    for i, fut in enumerate(concurrent.futures.as_completed(futures), 1):
                        rec, key = futures[fut]
                        finish(rec, key, fut.result(), i)
        finally:
            cache.save()

    for rec in records:
        o, p = rec["openocd"], rec["ocdpy"]
        rec["accepted"] = accepted(o)
        rec["ocdpy_accepts"] = accepted(p)
        want = (o["lines"] or []) if rec["accepted"] else []
        got = (p["lines"] or []) if rec["ocdpy_accepts"] else []
        rec["missing"] = sorted((collections.Counter(want) - collections.Counter(got)).elements())
        rec["extra"] = sorted((collections.Counter(got) - collections.Counter(want)).elements())
        rec["match"] = rec["accepted"] and rec["ocdpy_accepts"] and o["lines"] == p["lines"]
    return records


def summarize(records: list[dict]) -> dict:
    """{(category, mode): {accepted, matched, percent, ocdpy_only}} in first-seen order."""
    out: dict = {}
    for rec in records:
        s = out.setdefault((rec["category"], rec["mode"]),
                           {"files": 0, "accepted": 0, "matched": 0, "percent": 0.0, "ocdpy_only": 0})
        s["files"] += 1
        s["accepted"] += rec["accepted"]
        s["matched"] += rec["match"]
        s["ocdpy_only"] += (not rec["accepted"]) and rec["ocdpy_accepts"]
    for s in out.values():
        s["percent"] = 100.0 * s["matched"] / s["accepted"] if s["accepted"] else 0.0
    return out


def error_groups(records: list[dict], top: int | None = 10) -> list[tuple[str, int]]:
    """ocdpy's first error message (no file:line prefix) over files OpenOCD accepts and ocdpy rejects."""
    c = collections.Counter(error_message(r["ocdpy"]["error"]) for r in records
                            if r["accepted"] and not r["ocdpy_accepts"])
    return c.most_common(top)


def describe_mismatch(rec: dict) -> str:
    p = rec["ocdpy"]
    if not rec["ocdpy_accepts"]:
        return f"ocdpy: {p['error'] or 'exit status %s' % p['rc']}"
    parts = [f"-{l}" for l in rec["missing"]] + [f"+{l}" for l in rec["extra"]]
    return "  ".join(parts) or "lines differ"


def format_report(records: list[dict], show_mismatches: bool = True, top_errors: int = 10) -> str:
    out = []
    summary = summarize(records)
    for (category, mode), s in summary.items():
        line = (f"{category}/{mode}: OpenOCD accepts {s['accepted']} of {s['files']} files; "
                f"ocdpy matches {s['matched']} of them ({s['percent']:.1f}%)")
        if s["ocdpy_only"]:
            line += f"; ocdpy also accepts {s['ocdpy_only']} file(s) OpenOCD rejects"
        out.append(line)
    if show_mismatches:
        for (category, mode) in summary:
            bad = [r for r in records if r["category"] == category and r["mode"] == mode
                   and r["accepted"] and not r["match"]]
            if bad:
                out.append("")
                out.append(f"mismatches, {category}/{mode} ({len(bad)}):")
                out += [f"  {r['file']}: {describe_mismatch(r)}" for r in bad]
    groups = error_groups(records, top_errors)
    if groups:
        out.append("")
        out.append("most common ocdpy first errors (files OpenOCD accepts):")
        out += [f"  {n:5d}  {msg}" for msg, n in groups]
    return "\n".join(out)


# ---------------------------------------------------------------- CLI

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--category", choices=CATEGORIES, action="append",
                    help="target, board or interface (repeatable; default: all)")
    ap.add_argument("--mode", choices=MODES, action="append",
                    help="jtag, swd or none (repeatable; default: per category)")
    ap.add_argument("--jobs", type=int, default=DEFAULT_JOBS, help="parallel runs (default %(default)s)")
    ap.add_argument("--limit", type=int, help="only the first N files of each category")
    ap.add_argument("--filter", metavar="SUBSTRING", help="only files whose path contains SUBSTRING")
    ap.add_argument("--json", metavar="OUT", help="save all records and the summary to OUT")
    ap.add_argument("--scripts", default=DEFAULT_SCRIPTS_DIR, help="OpenOCD scripts dir (default %(default)s)")
    ap.add_argument("--openocd", default=shutil.which("openocd"), help="openocd binary")
    ap.add_argument("--cache", default=str(DEFAULT_CACHE), help="OpenOCD results cache (default %(default)s)")
    ap.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run (default %(default)s)")
    ap.add_argument("--top-errors", type=int, default=10, help="error groups to list (default %(default)s)")
    ap.add_argument("-q", "--quiet", action="store_true", help="summary only, no list of mismatching files")
    a = ap.parse_args(argv)
    if not a.openocd:
        ap.error("openocd is not installed (or pass --openocd)")
    if not os.path.isdir(a.scripts):
        ap.error(f"scripts dir {a.scripts} not found")

    progress = None
    if sys.stderr.isatty():
        def show(done, total, rec):
            sys.stderr.write(f"\r[{done}/{total}] {rec['mode']:4s} {rec['file'][:60]:60s}")
            if done == total:
                sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()
        progress = show

    records = compare(a.category or CATEGORIES, a.mode, scripts_dir=a.scripts, openocd=a.openocd,
                      jobs=a.jobs, filter=a.filter, limit=a.limit,
                      cache_path=None if a.no_cache else a.cache, timeout=a.timeout, progress=progress)
    if a.json:
        summary = [{"category": c, "mode": m, **s} for (c, m), s in summarize(records).items()]
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"summary": summary, "error_groups": error_groups(records, None), "records": records},
                      f, ensure_ascii=False, indent=1)
    print(format_report(records, show_mismatches=not a.quiet, top_errors=a.top_errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
