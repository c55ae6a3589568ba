"""The kernel documentation's flat-table directive, as kdocgen reads it."""

from sphinx.cmd.build import build_main

TABLE = """\
T
=

.. flat-table:: Counters
   :widths: 2 3 1
   :header-rows: 1

   * - Counter
     - Description
     - Type

   * - rx_packets
     - packets received [#accel]_
     - Informative

   * - :cspan:`2` a short row

.. [#accel] accelerated.
"""


def test_flat_table_with_ragged_rows_and_spans(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['kdocgen.sphinxext']\nproject = 't'\n")
    (src / "index.rst").write_text(TABLE)
    warnings = tmp_path / "w.txt"
    assert build_main(["-W", "-q", "-b", "html", "-w", str(warnings), str(src), str(tmp_path / "out")]) == 0
    html = (tmp_path / "out" / "index.html").read_text()
    assert html.count("<tr") == 3
    assert "rx_packets" in html and "a short row" in html and "cspan" not in html
