"""kdocgen: documentation generator for Linux kernel sources."""

__version__ = "0.1.0"
