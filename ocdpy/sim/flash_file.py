"""`ocdpy-sim --flash-file`: the simulated flash kept in a file, so a board keeps its firmware across runs as
a real one does across power cycles.

The file holds the whole flash, byte for byte from the flash base (erased cells are 0xFF). Every change of
the cells (flash controller erase/program, backdoor load) sets a dirty flag; `save` writes the file only
when it is set, to a temporary file that then replaces the old one, so a crash mid-write never leaves a
truncated image behind.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import ContextManager

from .flash_array import FlashArray


class FlashFileError(Exception):
    """A flash file that cannot be used; the message names the file and what is wrong."""


class FlashFile:
    """One flash array tied to one file."""

    def __init__(self, path: str | os.PathLike, flash: FlashArray, lock: ContextManager, chip: str) -> None:
        self.path = Path(path)
        self.flash = flash
        self.chip = chip
        self.lock = lock        # held while the cells are copied: the core thread may be programming them
        self.dirty = False
        flash.add_listener(self._changed)

    def _changed(self, address: int, length: int) -> None:
        self.dirty = True

    def load(self) -> bool:
        """Put the file's bytes into the flash; False when there is no file yet (it is created on save)."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return False
        except OSError as e:
            raise FlashFileError(f"cannot read flash file {self.path}: {e.strerror}") from None
        if len(data) != self.flash.size:
            raise FlashFileError(f"flash file {self.path} holds {len(data)} bytes, "
                                 f"but the {self.chip} flash is {self.flash.size} bytes")
        with self.lock:
            self.flash.load(self.flash.base, data)
            self.dirty = False
        return True

    def save(self, force: bool = False) -> bool:
        """Write the flash to the file if it changed since the last save (or `force`); True if written."""
        with self.lock:
            if not (self.dirty or force):
                return False
            data = bytes(self.flash.data)
            self.dirty = False
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, self.path)
        except OSError as e:
            self.dirty = True
            temporary.unlink(missing_ok=True)
            raise FlashFileError(f"cannot write flash file {self.path}: {e.strerror}") from None
        return True
