"""Core Tcl commands, one module per theme; each module has `register(interp)`."""
from __future__ import annotations

from importlib import import_module

MODULES = ("control", "variables", "procs", "info", "io", "strings", "lists", "dicts", "regex", "formatting", "jimext", "files")


def register_all(interp) -> None:
    for name in MODULES:
        import_module(f"{__name__}.{name}").register(interp)
