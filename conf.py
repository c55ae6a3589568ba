"""Sphinx configuration: the top of the repository is the Sphinx source.

The cross-linked site (per-file pages in ``source/``, source views, ABI
status) is built by ``make html`` (issue 4); this is its starting point.
"""

project = "kdocgen"
author = "the kdocgen developers"
root_doc = "index"
extensions: list[str] = []
exclude_patterns = [
    "_build", ".venv", "build", "tests", "bench", ".ci", ".pytest_cache",
    ".hypothesis", "README.md", "**/*.egg-info",
]
html_theme = "alabaster"
# Reproducible output: no build dates, no source links to files outside the tree.
html_last_updated_fmt = None
html_copy_source = False
