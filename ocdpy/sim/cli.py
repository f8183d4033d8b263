"""`ocdpy-sim`: a simulated board served over TCP: OpenOCD's remote_bitbang protocol (JTAG and SWD letters)
and CMSIS-DAP over TCP.

The core runs on its own thread in short slices; the probe side takes the same lock for each packet it
handles, so debugger accesses always see the core between instructions. Pin changes are shown with their
simulated time (pin_display.py: a live status line on a terminal, plain lines otherwise). Clients are served
one after another; the board outlives them, and `--flash-file` keeps its flash across runs.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Callable

from .flash_file import FlashFile, FlashFileError
from .pin_display import PinDisplay
from .running import RunningBoard

SAVE_INTERVAL = 0.5   # wall seconds between two looks at the flash file's dirty flag
CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")


# A front end: its protocol name and how to serve it (called with a `ready(port)` callback; returns when done).
FrontEnd = tuple[str, Callable[[Callable[[int], None]], None]]


def port_arg(text: str) -> int | None:
    """A TCP port number, or 'disabled' (None), as OpenOCD's *_port commands take them."""
    if text == "disabled":
        return None
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number or 'disabled'")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ocdpy-sim", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chip", choices=CHIPS, default="stm32f103c8")
    ap.add_argument("--port", type=port_arg, default=3335,
                    help="remote_bitbang TCP port, JTAG and SWD (0: any free port; 'disabled')")
    ap.add_argument("--dap-port", type=port_arg, default=4441,
                    help="CMSIS-DAP over TCP port (OpenOCD's 'cmsis-dap backend tcp'; 0: any free; 'disabled')")
    ap.add_argument("--load", help="ELF or binary to put into flash before starting")
    ap.add_argument("--flash-file", metavar="PATH",
                    help="flash contents kept in this file: read at start if it exists, written back on changes "
                         "and at exit")
    ap.add_argument("--no-tty", action="store_true", help="plain log lines instead of a live pin display")
    ap.add_argument("--fast", action="store_true",
                    help="run the core as fast as the host allows instead of at the chip's real speed")
    args = ap.parse_args(argv)
    try:
        running = RunningBoard(args.chip, realtime=not args.fast)
    except ImportError as e:
        sys.stderr.write(f"Error: the simulator needs unicorn (pip install unicorn==2.1.4): {e}\n")
        return 1
    display = PinDisplay(running.board, lambda: running.sim_time, live=False if args.no_tty else None)
    flash_file = (FlashFile(args.flash_file, running.board.chip.flash, running.probe_lock, args.chip)
                  if args.flash_file else None)
    try:
        if flash_file is not None:
            if flash_file.load():
                display.log(f"Info : flash loaded from {flash_file.path} ({flash_file.flash.size} bytes)")
            else:
                display.log(f"Info : flash file {flash_file.path} does not exist yet; it will be written")
        if args.load:
            running.board.load(args.load)
    except FlashFileError as e:
        sys.stderr.write(f"Error: {e}\n")
        return 1
    except (OSError, ValueError) as e:
        sys.stderr.write(f"Error: cannot load {args.load}: {getattr(e, 'strerror', None) or e}\n")
        return 1
    front_ends: list[FrontEnd] = []
    if args.port is not None:
        front_ends.append(("remote_bitbang", lambda ready: running.serve(args.port, ready=ready)))
    if args.dap_port is not None:
        front_ends.append(("cmsis-dap tcp", lambda ready: running.serve_cmsis_dap(args.dap_port, ready=ready)))
    if not front_ends:
        sys.stderr.write("Error: both --port and --dap-port are disabled: no probe could reach the board\n")
        return 1
    return run(running, display, front_ends, flash_file)


def run(running: RunningBoard, display: PinDisplay, front_ends: list[FrontEnd],
        flash_file: FlashFile | None = None) -> int:
    """Start the board and each front end on its own thread; stop on Ctrl-C, SIGTERM or when a front end
    ends, saving the flash file on the way (and every SAVE_INTERVAL while it runs). Returns the exit code."""
    stop = threading.Event()
    failures: list[str] = []
    chip = running.board.chip.spec.name

    def serve(name: str, start: Callable[[Callable[[int], None]], None]) -> None:
        try:
            start(lambda port: display.log(f"Info : {chip} listening for {name} on 127.0.0.1:{port}"))
        except OSError as e:
            failures.append(f"{name}: {e.strerror or e}")
        except Exception as e:  # a bug in a front end: say so, save the flash, exit non-zero; no traceback
            failures.append(f"{name} failed: {type(e).__name__}: {e}")
        finally:
            stop.set()

    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    running.board.reset()
    running.start()
    display.start()
    for name, start in front_ends:
        threading.Thread(target=serve, args=(name, start), name=f"sim-{name}", daemon=True).start()
    try:
        while not stop.wait(SAVE_INTERVAL):
            if flash_file is not None:
                flash_file.save()
        running.stop()
        if flash_file is not None:
            flash_file.save(force=True)
            display.log(f"Info : flash saved to {flash_file.path}")
    except FlashFileError as e:
        failures.append(str(e))
    finally:
        running.stop()
        display.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    for failure in failures:
        sys.stderr.write(f"Error: {failure}\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
