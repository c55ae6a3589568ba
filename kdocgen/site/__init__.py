"""Building the documentation site of a kernel subsystem."""
