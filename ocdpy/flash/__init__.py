"""Flash banks, their drivers and image loading."""
