"""Running real gdb-multiarch in batch mode against a GDB port: one session with many commands, the output
split at `echo` markers so a test can assert on each command's part."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

GDB = shutil.which("gdb-multiarch")
MARK = "@@@"


def run_gdb(port: int, elf: str, commands: list[str], timeout: float = 120) -> dict[str, str]:
    """Run `commands` (each may be 'label: gdb command'); returns label -> that command's output
    (stdout and stderr, where `set debug remote` writes)."""
    lines = ["set pagination off", "set confirm off", "set remotetimeout 20"]
    labels = []
    for entry in commands:
        label, sep, command = entry.partition(": ")
        if not sep:
            label, command = entry, entry
        labels.append(label)
        lines += [f"echo {MARK}{label}\\n", command]
    lines.append(f"echo {MARK}end\\n")
    script = "\n".join(lines).replace("PORT", str(port)) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(script)
    try:
        result = subprocess.run([GDB, "-q", "-nx", "-batch", "-x", f.name, elf], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace",
                                timeout=timeout)
    finally:
        os.unlink(f.name)
    return split(result.stdout)


def split(output: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    current = "start"
    for line in output.splitlines():
        if line.startswith(MARK):
            current = line[len(MARK):]
            parts.setdefault(current, "")
            continue
        parts[current] = parts.get(current, "") + line + "\n"
    return parts
