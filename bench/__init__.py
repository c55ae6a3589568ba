"""Benchmarks and parity checks for kdocgen (not part of the package)."""
