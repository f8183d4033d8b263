"""Debug adapter drivers (probes)."""
