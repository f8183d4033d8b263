"""`program IMAGE 0x08000000 verify exit` of a full-size image (a blinky padded with random bytes): 64 KiB on the STM32F072 and STM32F103,
256 KiB on the STM32F401, over (a) the in-process simulator and (b) remote_bitbang JTAG to a simulated board
served from this process, with OpenOCD 0.12 on path (b) beside ocdpy in the same run. Prints wall time and
KiB/s per case, the ocdpy/OpenOCD time ratio last (below 1 means ocdpy is faster).

    python benchmarks/program_bench.py [--chips stm32f103c8,stm32f401cc] [--skip-openocd]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHIPS = {"stm32f072rb": ("stm32f0x", 64 * 1024), "stm32f103c8": ("stm32f1x", 64 * 1024),
         "stm32f401cc": ("stm32f4x", 256 * 1024)}
JTAG_CHIPS = ("stm32f103c8", "stm32f401cc")
SCRIPTS = Path("/usr/share/openocd/scripts")
PREBUILT = Path(__file__).resolve().parents[1] / "examples" / "prebuilt"


def timed(args: list[str], cwd: str | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=1800)
    seconds = time.perf_counter() - started
    if done.returncode != 0 or "Verified OK" not in done.stderr + done.stdout:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stderr[-2000:]}")
    return seconds


def serve(chip: str):
    from ocdpy.sim.running import start_board
    running = start_board(chip)
    ready, ports = threading.Event(), []
    threading.Thread(target=running.serve, args=(0,), daemon=True,
                     kwargs={"ready": lambda p: (ports.append(p), ready.set())}).start()
    ready.wait(10)
    return running, ports[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chips", default=",".join(CHIPS))
    parser.add_argument("--skip-openocd", action="store_true")
    args = parser.parse_args()
    openocd = None if args.skip_openocd else shutil.which("openocd")
    ocdpy = [sys.executable, "-m", "ocdpy.cli"]
    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for chip in args.chips.split(","):
            target, size = CHIPS[chip]
            image = Path(tmp) / f"{chip}.bin"
            # a bootable image (the blinky, so that the core starts cleanly after every reset) padded with random
            # bytes to the full size: programming must move every byte
            blinky = (PREBUILT / chip / "blinky_busy.bin").read_bytes()
            image.write_bytes(blinky + os.urandom(size - len(blinky)))
            program = f"program {image} 0x08000000 verify exit"
            kib = size / 1024
            seconds = timed(ocdpy + ["-f", "interface/sim.cfg", "-f", f"target/{target}.cfg", "-c", program])
            rows.append(f"{chip} {kib:.0f} KiB  in-process sim       ocdpy   {seconds:7.2f} s {kib / seconds:8.1f} KiB/s")
            if chip not in JTAG_CHIPS:
                continue
            running, port = serve(chip)
            link = f"adapter driver remote_bitbang; remote_bitbang host 127.0.0.1; remote_bitbang port {port}"
            try:
                ours = timed(ocdpy + ["-c", link, "-f", f"target/{target}.cfg", "-c", program])
                rows.append(f"{chip} {kib:.0f} KiB  remote_bitbang JTAG  ocdpy   {ours:7.2f} s {kib / ours:8.1f} KiB/s")
                if openocd and SCRIPTS.is_dir():
                    theirs = timed([openocd, "-c", link, "-c", "gdb_port disabled; telnet_port disabled; "
                                    "tcl_port disabled", "-f", f"target/{target}.cfg", "-c", program], cwd=str(SCRIPTS))
                    rows.append(f"{chip} {kib:.0f} KiB  remote_bitbang JTAG  OpenOCD {theirs:7.2f} s "
                                f"{kib / theirs:8.1f} KiB/s")
                    ratios.append((chip, ours / theirs))
            finally:
                running.stop()
    print("\n".join(rows))
    for chip, ratio in ratios:
        print(f"ratio ocdpy/OpenOCD time, remote_bitbang JTAG, {chip}: {ratio:.2f} "
              f"(throughput {1 / ratio:.2f}x OpenOCD's)")


if __name__ == "__main__":
    main()
