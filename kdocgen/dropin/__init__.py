"""The kernel-doc-compatible command (kdocgen kernel-doc)."""
