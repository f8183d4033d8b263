"""ocdpy: a pure-Python, OpenOCD-compatible on-chip debugger server."""

__version__ = "0.1.0"
