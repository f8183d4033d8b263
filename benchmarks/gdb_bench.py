"""Real gdb (gdb-multiarch) against a GDB server: 500 `stepi` and a 64 KiB `load` (vFlash into an STM32F103's
whole flash), timed inside gdb. Servers: (a) ocdpy on its in-process simulator, (b) ocdpy over remote_bitbang
JTAG to a simulated board served from this process, (c) OpenOCD 0.12 over the same link to a board served the
same way. Prints steps/s and load KiB/s per case, then the ocdpy/OpenOCD ratios on the same link (above 1 means
ocdpy is faster).

    python benchmarks/gdb_bench.py [--steps 500] [--skip-openocd]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHIP, TARGET_CFG, FLASH_SIZE = "stm32f103c8", "target/stm32f1x.cfg", 64 * 1024
SCRIPTS = Path("/usr/share/openocd/scripts")
BLINKY = REPO / "examples" / "prebuilt" / CHIP / "blinky_busy"
FIGURE = re.compile(r"^BENCH (\w+) ([\d.]+)$", re.M)


def full_flash_elf(tmp: Path) -> Path:
    """The blinky padded with random bytes to the whole 64 KiB flash, as one loadable ELF section."""
    raw = tmp / "image.bin"
    raw.write_bytes(BLINKY.with_suffix(".bin").read_bytes())
    raw.write_bytes(raw.read_bytes() + os.urandom(FLASH_SIZE - raw.stat().st_size))
    elf = tmp / "image.elf"
    subprocess.run(["arm-none-eabi-objcopy", "-I", "binary", "-O", "elf32-littlearm", "-B", "arm",
                    "--rename-section", ".data=.text,alloc,load,readonly,code,contents",
                    "--change-addresses", "0x08000000", str(raw), str(elf)], check=True)
    return elf


def gdb_figures(port: int, elf: Path, steps: int) -> dict[str, float]:
    """One batch gdb session: reset halt, `stepi STEPS`, `load`, `compare-sections`; the timings it printed."""
    commands = [
        "set pagination off", "set confirm off", f"target extended-remote 127.0.0.1:{port}", "monitor reset halt",
        "python import time; t = time.perf_counter()", f"stepi {steps}",
        f"python print('BENCH stepi_per_s %.1f' % ({steps} / (time.perf_counter() - t)))",
        "python t = time.perf_counter()", "load",
        f"python print('BENCH load_kib_s %.1f' % ({FLASH_SIZE / 1024} / (time.perf_counter() - t)))",
        "compare-sections", "detach"]
    args = ["gdb-multiarch", "-nx", "-batch", str(elf)]
    for command in commands:
        args += ["-ex", command]
    done = subprocess.run(args, capture_output=True, text=True, timeout=1800)
    output = done.stdout + done.stderr
    figures = {k: float(v) for k, v in FIGURE.findall(output)}
    if len(figures) != 2 or "MIS-MATCHED" in output or "matched" not in output:
        raise SystemExit(f"gdb session failed on port {port}:\n{output[-3000:]}")
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: list[str], cwd: Path, ready: str) -> subprocess.Popen:
    """A server process; returns once its log says `ready` (its GDB port is listening)."""
    proc = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    for line in proc.stderr:
        seen.append(line)
        if ready in line:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep its pipe drained
            return proc
    raise SystemExit(f"server did not start: {' '.join(args)}\n{''.join(seen)[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def served_board():
    """A simulated F103 with the blinky, served over remote_bitbang from this process: (running, port)."""
    from ocdpy.sim.running import start_board
    running = start_board(CHIP, BLINKY.with_suffix(".elf"))
    ports, ready = [], threading.Event()
    threading.Thread(target=running.serve, args=(0,), daemon=True,
                     kwargs={"ready": lambda p: (ports.append(p), ready.set())}).start()
    ready.wait(10)
    return running, ports[0]


def measure(label: str, server_args: list[str], cwd: Path, elf: Path, steps: int) -> dict[str, float]:
    port = free_port()
    proc = start_server(server_args(port), cwd, "Listening on port")
    try:
        figures = gdb_figures(port, elf, steps)
    finally:
        stop(proc)
    print(f"{label:34s} {figures['stepi_per_s']:8.1f} stepi/s {figures['load_kib_s']:8.1f} KiB/s load", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--skip-openocd", action="store_true")
    args = parser.parse_args()
    if shutil.which("gdb-multiarch") is None:
        raise SystemExit("needs gdb-multiarch (apt-get install gdb-multiarch)")
    openocd = None if args.skip_openocd else shutil.which("openocd")
    ocdpy = [sys.executable, "-m", "ocdpy.cli", "-c", "telnet_port disabled; tcl_port disabled"]
    with tempfile.TemporaryDirectory() as tmp:
        elf = full_flash_elf(Path(tmp))
        measure("ocdpy, in-process sim", lambda p: ocdpy + [
            "-c", f"gdb_port {p}", "-f", "interface/sim.cfg", "-c", f"sim load {BLINKY}.elf", "-f", TARGET_CFG],
            REPO, elf, args.steps)
        results = {}
        for name in ("ocdpy", "OpenOCD") if openocd and SCRIPTS.is_dir() else ("ocdpy",):
            running, link_port = served_board()
            link = f"adapter driver remote_bitbang; remote_bitbang host 127.0.0.1; remote_bitbang port {link_port}"
            try:
                if name == "ocdpy":
                    server = lambda p: ocdpy + ["-c", link, "-c", f"gdb_port {p}", "-f", TARGET_CFG]
                    results[name] = measure("ocdpy, remote_bitbang JTAG", server, REPO, elf, args.steps)
                else:
                    server = lambda p: [openocd, "-c", link, "-c", f"gdb_port {p}; telnet_port disabled; "
                                        "tcl_port disabled", "-f", TARGET_CFG]
                    results[name] = measure("OpenOCD 0.12, remote_bitbang JTAG", server, SCRIPTS, elf, args.steps)
            finally:
                running.stop()
    if "OpenOCD" in results:
        for key, unit in (("stepi_per_s", "stepi/s"), ("load_kib_s", "load KiB/s")):
            print(f"ratio ocdpy/OpenOCD {unit}, remote_bitbang JTAG: {results['ocdpy'][key] / results['OpenOCD'][key]:.2f}")


if __name__ == "__main__":
    main()
