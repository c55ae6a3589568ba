"""A build with few pages to read runs serially, whatever its -j."""

from types import SimpleNamespace

from kdocgen.sphinxext.serial import FEW_PAGES, parallel_again, serial_when_few


def test_few_pages_are_read_and_written_serially():
    app = SimpleNamespace(parallel=2)
    serial_when_few(app, None, ["source/drivers/x/a"])
    assert app.parallel == 1
    parallel_again(app)  # every page to be written: -j again
    assert app.parallel == 2
    parallel_again(app)
    assert app.parallel == 2


def test_many_pages_keep_the_builds_jobs():
    app = SimpleNamespace(parallel=2)
    serial_when_few(app, None, [f"page{n}" for n in range(FEW_PAGES)])
    assert app.parallel == 2
    serial_app = SimpleNamespace(parallel=1)
    serial_when_few(serial_app, None, [])
    assert serial_app.parallel == 1
