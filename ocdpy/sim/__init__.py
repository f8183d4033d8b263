"""Simulated silicon and probes: imported only when a simulated board is used."""
