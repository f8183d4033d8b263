"""ocdpy started the way users start it, as a separate process, with its servers on free ports (`0`), the
ports read back from its `Listening on port N for KIND connections` lines."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PREBUILT = REPO / "examples" / "prebuilt"
LISTENING = re.compile(r"Listening on port (\d+) for (\w+) connections")
USER_HOME = os.environ.get("HOME", "")
TARGET_CFG = {"stm32f072rb": "target/stm32f0x.cfg", "stm32f103c8": "target/stm32f1x.cfg",
              "stm32f401cc": "target/stm32f4x.cfg"}


class OcdpyProcess:
    """`ocdpy ARGS…` with `gdb_port 0; telnet_port 0; tcl_port 0` first; `ports` maps gdb/telnet/tcl to
    the ports it bound (gdb: the first target's)."""

    def __init__(self, *args: str, ports: str = "gdb_port 0; telnet_port 0; tcl_port 0",
                 wait_for: tuple[str, ...] = ("gdb", "telnet", "tcl"), timeout: float = 30) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        if env.get("HOME", "") == USER_HOME:  # unless a test chose a HOME: keep telnet history out of the user's
            self._home = tempfile.TemporaryDirectory()
            env["HOME"] = self._home.name
        self.proc = subprocess.Popen([sys.executable, "-m", "ocdpy.cli", "-c", ports, *args], cwd=REPO, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.ports: dict[str, int] = {}
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._readers = [threading.Thread(target=self._read, args=(stream,), daemon=True)
                         for stream in (self.proc.stderr, self.proc.stdout)]
        for reader in self._readers:
            reader.start()
        deadline = time.monotonic() + timeout
        while not all(kind in self.ports for kind in wait_for):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                time.sleep(0.2)
                self.stop()
                raise RuntimeError(f"ocdpy did not start its servers:\n{self.log()}")
            time.sleep(0.02)

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("latin-1").rstrip("\r\n")
            with self._lock:
                self._lines.append(line)
                m = LISTENING.search(line)
                if m and m.group(2) not in self.ports:
                    self.ports[m.group(2)] = int(m.group(1))

    def log(self) -> str:
        """Everything ocdpy printed so far (stderr and stdout, interleaved as they arrived)."""
        with self._lock:
            return "\n".join(self._lines)

    def wait_log(self, pattern: str, timeout: float = 10) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.log())
            if m:
                return m
            time.sleep(0.02)
        raise AssertionError(f"ocdpy never printed /{pattern}/:\n{self.log()}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 10) -> int:
        """End it as a user would (SIGTERM, like Ctrl-C at its terminal); its exit status."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for reader in self._readers:
            reader.join(2)
        return self.proc.returncode

    def __enter__(self) -> "OcdpyProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def sim_args(chip: str, image: str | None = "blinky_busy") -> list[str]:
    """The arguments of `ocdpy -f interface/sim.cfg [-c 'sim load …'] -f target/….cfg` for a simulated chip."""
    args = ["-f", "interface/sim.cfg", "-c", f"sim chip {chip}"]
    if image:
        args += ["-c", f"sim load {PREBUILT / chip / (image + '.elf')}"]
    return args + ["-f", TARGET_CFG[chip]]
