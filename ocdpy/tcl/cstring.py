"""C-locale byte-string helpers: Jim 0.81 here has no UTF-8, so case folding touches ASCII letters only."""
from __future__ import annotations

import string

_TO_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_TO_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def upper(s: str) -> str:
    """C toupper on each byte."""
    return s.translate(_TO_UPPER)


def lower(s: str) -> str:
    """C tolower on each byte."""
    return s.translate(_TO_LOWER)
