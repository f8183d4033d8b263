"""Tcl engine speed: the same script under jimsh and under ocdpy's interpreter; prints the ratio last.

Run: python benchmarks/tcl_bench.py [--repeat N]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOAD = r"""
proc fib {n} {
    if {$n < 2} { return $n }
    return [expr {[fib [expr {$n - 1}]] + [fib [expr {$n - 2}]]}]
}
set f [fib 20]

set sum 0
for {set i 0} {$i < 200000} {incr i} {
    set sum [expr {$sum + $i * 2}]
}

set words {}
for {set i 0} {$i < 20000} {incr i} {
    lappend words [format "w%05d" $i]
}
set joined [join $words ,]
set parts [split $joined ,]
set n 0
foreach w $parts {
    if {[string match "w*7" $w]} { incr n }
}
set s ""
for {set i 0} {$i < 5000} {incr i} {
    append s [string toupper [string range "abcdefgh" 2 5]]
}
set d [dict create]
for {set i 0} {$i < 5000} {incr i} {
    dict set d key$i [expr {$i * $i}]
}
puts "$f $sum $n [string length $s] [dict size $d] [llength [lsort $parts]]"
"""


def timed(cmd: list[str], script: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([*cmd, str(script)], capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, out.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    jimsh = shutil.which("jimsh")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.tcl"
        script.write_text(WORKLOAD)
        ours_cmd = [sys.executable, "-m", "ocdpy.tcl"]
        ours = [timed(ours_cmd, script) for _ in range(args.repeat)]
        print(f"ocdpy.tcl: median {statistics.median(t for t, _ in ours):.3f} s  output: {ours[0][1]}")
        if not jimsh:
            print("jimsh not installed (apt-get install jimsh): no ratio")
            return 0
        theirs = [timed([jimsh], script) for _ in range(args.repeat)]
        print(f"jimsh:     median {statistics.median(t for t, _ in theirs):.3f} s  output: {theirs[0][1]}")
        if ours[0][1] != theirs[0][1]:
            print("WARNING: outputs differ")
        ratio = statistics.median(t for t, _ in ours) / statistics.median(t for t, _ in theirs)
        print(f"ratio ocdpy/jimsh: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
