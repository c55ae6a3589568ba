"""The ABI scanner: per-build ABI status computed from real kernel builds (``kdocgen abi scan``)."""
