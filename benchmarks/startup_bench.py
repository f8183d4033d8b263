"""Start-up wall time: ocdpy and openocd evaluating the same kind of config, median of N runs; ratio last.

Run: python benchmarks/startup_bench.py [--runs N]
ocdpy runs as `python -m ocdpy.cli` with this interpreter and its .pyc files written (no launcher shim in the way), openocd
with its own interface/target files of the same names.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = {
    "shutdown only": ["-c", "shutdown"],
    "stlink + stm32f4x": ["-f", "interface/stlink.cfg", "-f", "target/stm32f4x.cfg", "-c", "shutdown"],
    "cmsis-dap + stm32f1x": ["-f", "interface/cmsis-dap.cfg", "-f", "target/stm32f1x.cfg", "-c", "shutdown"],
}


def median_time(cmd: list[str], runs: int, **kw) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, **kw)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its .pyc files; so should we
    ocdpy = [sys.executable, "-m", "ocdpy.cli"]
    subprocess.run(ocdpy + ["-c", "shutdown"], capture_output=True, env=env, cwd="/")  # writes the .pyc files
    openocd = shutil.which("openocd")
    ratios = []
    for name, argv in CASES.items():
        ours = median_time(ocdpy + argv, args.runs, env=env, cwd="/")
        line = f"{name:<22} ocdpy {ours * 1000:6.1f} ms"
        if openocd:
            theirs = median_time([openocd, *argv], args.runs, cwd="/")
            ratios.append(ours / theirs)
            line += f"   openocd {theirs * 1000:6.1f} ms   ratio {ours / theirs:.1f}x"
        print(line)
    if ratios:
        print(f"ratio ocdpy/openocd (median over cases): {statistics.median(ratios):.1f}x")
    else:
        print("openocd not installed: no ratio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
