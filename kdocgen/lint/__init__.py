"""doc-lint: kernel-doc checks and more, for CI."""
