"""Flash bank drivers, one module per OpenOCD driver name."""
