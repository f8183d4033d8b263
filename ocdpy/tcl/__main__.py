"""`python -m ocdpy.tcl [FILE]`: run a script like `jimsh FILE` (same stdout, same exit status)."""
from __future__ import annotations

import sys

from .runner import main

sys.exit(main(sys.argv[1:]))
