"""The end-of-day screens (issue 11)."""
