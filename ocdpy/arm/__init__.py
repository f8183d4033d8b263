"""ARM debug architecture: ADIv5 debug/access ports and the Cortex-M core."""
