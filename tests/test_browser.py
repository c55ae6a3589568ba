"""The built Hyper-V site checked as a person would: in headless Chromium.

The site is served on the loopback interface and driven with Selenium:
load the landing page, click through to ``vmbus_sendpacket``, follow a type
in its signature and its ``[source]`` link, and check that each click lands
on the right element (and that the source view lines code up as an editor
does).  Screenshots go to ``_build/screens/`` at the top of
the repository (landing, entry, type target, source view, phone-sized
entry page) for people to look at.

Chromium comes from Debian (``chromium`` and ``chromium-driver``); when it
is missing, :func:`ensure_chromium` installs it with apt-get if it can
(root), else skips -- except under CI (``$CI`` set), where it fails.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.kernel

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PACKAGES = ["chromium", "chromium-driver"]
SCREENS = Path(__file__).resolve().parents[1] / "_build" / "screens"
#: desktop (wide enough for the theme's "On this page" column) and phone
#: viewport sizes, in CSS pixels
DESKTOP = (1440, 900)
PHONE = (390, 844)
#: seconds to wait for a page or an element
WAIT = 15

ENTRY_PAGE = "source/drivers/hv/channel.html"
TYPE_PAGE = "source/include/linux/hyperv.h.html"
SOURCE_FILE = "drivers/hv/channel.c"
SOURCE_VIEW = f"src/{SOURCE_FILE}.html"
ENTRY = "vmbus_sendpacket"
TYPE = "vmbus_channel"


def _missing_browser() -> list[str]:
    return [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]


def _unavailable(reason: str) -> None:
    """Skip for want of a browser (under CI the session turns it into a failure)."""
    pytest.skip(f"headless Chromium is needed: {reason} (install Debian's {' and '.join(PACKAGES)})")


def ensure_chromium() -> None:
    """Make sure /usr/bin/chromium and /usr/bin/chromedriver exist.

    Installs Debian's packages with apt-get when they are missing and this
    runs as root; otherwise skips (fails under CI).
    """
    if not _missing_browser():
        return
    apt_get = shutil.which("apt-get")
    if not apt_get or os.geteuid() != 0:
        _unavailable(f"{', '.join(_missing_browser())} missing and cannot be installed "
                     f"({'not running as root' if apt_get else 'no apt-get'})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait_for_lock = ["-o", "DPkg::Lock::Timeout=300"]
    steps = [[apt_get, "-qq", *wait_for_lock, "update"],
             [apt_get, "-qq", *wait_for_lock, "install", "-y", "--no-install-recommends",
              *PACKAGES]]
    for command in steps:
        try:
            done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=1200, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            _unavailable(f"{' '.join(command)} failed: {exc}")
        if done.returncode != 0:
            output = (done.stderr or done.stdout).strip()[-2000:]
            _unavailable(f"{' '.join(command)} exited with {done.returncode}: {output}")
    if _missing_browser():
        _unavailable(f"{', '.join(_missing_browser())} still missing after apt-get install")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def site_url(hyperv_site):
    """The built site, served on 127.0.0.1 (a free port) while the module runs."""
    html_dir, _, _ = hyperv_site
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium (Selenium), with no downloads by Selenium Manager."""
    ensure_chromium()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        _unavailable(f"the Python package selenium is missing ({exc}); "
                     "pip install -e '.[test]'")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                                  options=options)
        try:
            driver.set_page_load_timeout(WAIT * 2)
            fit_viewport(driver, *DESKTOP)
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def screens():
    """The screenshot folder, ``_build/screens/`` at the top of the repository."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS


# -- helpers ------------------------------------------------------------------------------

def fit_viewport(driver, width: int, height: int, mobile: bool = False) -> None:
    """Make the viewport ``width`` x ``height`` CSS pixels.

    A desktop window is sized so (headless Chromium still has window
    borders); a phone is emulated (windows are at least 500 pixels wide),
    with effect on the pages loaded next.
    """
    if mobile:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 2, "mobile": True})
        return
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    assert inner == [width, height], f"viewport {inner}, not {[width, height]}"


def wait_for_viewport(driver, size: tuple[int, int]) -> None:
    """Wait until the page's viewport is ``size`` CSS pixels."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return [window.innerWidth, window.innerHeight]") == list(size),
        f"viewport not {list(size)}: the page does not fit phones")


def wait_for_page(driver, url_part: str) -> None:
    """Wait until the current URL contains ``url_part`` and the page has loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(
        lambda d: url_part in d.current_url
        and d.execute_script("return document.readyState") == "complete",
        f"no page {url_part!r} loaded (at {driver.current_url})")


def click(driver, link, expected_url_part: str) -> None:
    """Click a link as a person would (scrolled into view) and wait for its target."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                          link)
    assert link.is_displayed(), f"link {link.get_attribute('href')} is not visible"
    link.click()
    wait_for_page(driver, expected_url_part)


def page_and_fragment(url: str, base: str) -> tuple[str, str]:
    """The path of ``url`` relative to the site root, and its fragment."""
    parts = urlsplit(url)
    root = urlsplit(base).path
    assert parts.path.startswith(root), url
    return parts.path[len(root):], parts.fragment


def element_by_id(driver, ident: str):
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.ID, ident)
    assert found, f"no element with id {ident!r} on {driver.current_url}"
    return found[0]


def in_viewport(driver, element) -> bool:
    """Whether the top of ``element`` is on the screen."""
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.bottom > 0 && r.top >= -1 && r.top < window.innerHeight;", element)


def wait_on_screen(driver, element, what: str) -> None:
    """Wait until the browser has scrolled ``element`` onto the screen and stopped
    (the theme scrolls smoothly, and to a URL's fragment after the page loads)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    last = []

    def settled(d) -> bool:
        last.append(d.execute_script("return window.scrollY"))
        return len(last) > 2 and last[-1] == last[-2] == last[-3] and in_viewport(d, element)

    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.1).until(settled)
    except TimeoutException:
        raise AssertionError(f"{what} is not on the screen (scrollY {last[-1:]}, "
                             f"at {driver.current_url})") from None


def no_console_errors(driver) -> None:
    """No failed loads or script errors in the browser's console so far."""
    errors = [entry["message"] for entry in driver.get_log("browser")
              if entry.get("level") == "SEVERE" and "favicon.ico" not in entry["message"]]
    assert not errors, f"console errors on {driver.current_url}: {errors}"


def source_lines(path: Path) -> list[str]:
    """The lines of a source file, as the source view shows them."""
    return path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").split("\n")


def definition_line(lines: list[str], name: str) -> int:
    """The number of the line where function ``name`` is defined."""
    start = re.compile(rf"[A-Za-z_][\w \t*]*\b{re.escape(name)}\s*\(")
    for number, line in enumerate(lines, 1):
        if start.match(line):
            return number
    raise AssertionError(f"no definition of {name}")


#: The left edge (CSS px) of character ``arguments[1]`` of the code of line
#: element ``arguments[0]`` (its text without the line number), or null.
CODE_TEXT = """
const line = arguments[0];
const number = line.querySelector('a.kdocgen-lineno');
const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
let text = '', node;
while ((node = walker.nextNode())) {
  if (number && number.contains(node)) continue;
  text += node.data;
}
return text;
"""

CHARACTER_LEFT = """
const [line, index] = arguments;
const number = line.querySelector('a.kdocgen-lineno');
const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
let left = index, node;
while ((node = walker.nextNode())) {
  if (number && number.contains(node)) continue;
  if (left < node.length) {
    const range = document.createRange();
    range.setStart(node, left);
    range.setEnd(node, left + 1);
    return range.getBoundingClientRect().left;
  }
  left -= node.length;
}
return null;
"""


def visible_links(scope, selector: str, text: str | None = None) -> list:
    """The links matching ``selector`` in ``scope`` that are on show (and, when
    ``text`` is given, read ``text`` or ``text()``)."""
    from selenium.webdriver.common.by import By

    return [a for a in scope.find_elements(By.CSS_SELECTOR, selector) if a.is_displayed()
            and (text is None or a.text.strip() in (text, f"{text}()"))]


def open_entry(driver, site_url: str):
    """Load the entry page at the entry and return the entry's ``<dt>``."""
    driver.get(f"{site_url}{ENTRY_PAGE}#c.{ENTRY}")
    wait_for_page(driver, f"{ENTRY_PAGE}#c.{ENTRY}")
    return element_by_id(driver, f"c.{ENTRY}")


def check_entry(driver, site_url: str):
    """The current page is the entry page, showing the entry; returns its ``<dt>``."""
    page, _ = page_and_fragment(driver.current_url, site_url)
    assert page == ENTRY_PAGE
    entry = element_by_id(driver, f"c.{ENTRY}")
    assert entry.tag_name == "dt"
    assert {"sig", "sig-object", "c"} <= set(entry.get_attribute("class").split())
    names = [n.text for n in entry.find_elements("css selector", ".sig-name")]
    assert names == [ENTRY], names
    wait_on_screen(driver, entry, "the entry")
    return entry


# -- the tests ----------------------------------------------------------------------------

def test_landing_entry_and_type_link(browser, site_url, screens):
    """Landing page -> (click) vmbus_sendpacket -> (click) struct vmbus_channel."""
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(site_url)
    wait_for_page(driver, site_url)
    heading = driver.find_element(By.CSS_SELECTOR, "article h1")
    assert "Hyper-V/Azure CORE AND DRIVERS" in heading.text
    driver.save_screenshot(str(screens / "landing.png"))
    no_console_errors(driver)

    # to the file's page (or straight to the entry, if the landing page links it)
    article = driver.find_element(By.CSS_SELECTOR, "article")
    links = (visible_links(article, f'a[href^="{ENTRY_PAGE}#"]', ENTRY)
             or visible_links(article, f'a[href="{ENTRY_PAGE}"]'))
    assert links, f"no link to {ENTRY_PAGE} on the landing page"
    click(driver, links[0], ENTRY_PAGE)
    no_console_errors(driver)
    if page_and_fragment(driver.current_url, site_url)[1] != f"c.{ENTRY}":
        title = driver.find_element(By.CSS_SELECTOR, "article h1").text
        assert title.startswith(SOURCE_FILE), f"{ENTRY_PAGE} is titled {title!r}"
        # then to the entry: "On this page" first, else any link in the text
        links = (visible_links(driver, f'.toc-tree a[href="#c.{ENTRY}"]', ENTRY)
                 or visible_links(driver, f'article a[href="#c.{ENTRY}"]:not(.headerlink)', ENTRY))
        assert links, f"no visible link to #c.{ENTRY} on {ENTRY_PAGE}"
        click(driver, links[0], f"{ENTRY_PAGE}#c.{ENTRY}")
    entry = check_entry(driver, site_url)
    driver.save_screenshot(str(screens / "entry.png"))
    no_console_errors(driver)

    # the struct in the signature, to its entry on hyperv.h's page
    type_links = [a for a in entry.find_elements(By.CSS_SELECTOR, "a.reference.internal")
                  if (a.get_attribute("href") or "").endswith(f"{TYPE_PAGE}#c.{TYPE}")]
    assert type_links, "no link to struct vmbus_channel in the signature"
    assert type_links[0].text.strip() == TYPE
    click(driver, type_links[0], f"{TYPE_PAGE}#c.{TYPE}")
    assert page_and_fragment(driver.current_url, site_url) == (TYPE_PAGE, f"c.{TYPE}")
    target = element_by_id(driver, f"c.{TYPE}")
    assert target.tag_name == "dt"
    assert {"sig", "sig-object", "c"} <= set(target.get_attribute("class").split())
    assert re.match(rf"struct\s+{TYPE}\b", target.text), target.text
    assert target.find_element(By.XPATH, "..").get_attribute("class").split()[-1] == "struct"
    wait_on_screen(driver, target, "the type's entry")
    driver.save_screenshot(str(screens / "type.png"))
    no_console_errors(driver)


def test_source_link_to_definition_line(browser, site_url, screens, kernel_tree_path):
    """Entry -> (click) [source] -> the highlighted file at the definition's line."""
    from selenium.webdriver.common.by import By

    driver = browser
    open_entry(driver, site_url)
    entry = check_entry(driver, site_url)
    links = entry.find_elements(By.CSS_SELECTOR, "a.kdocgen-source-link")
    assert len(links) == 1, "the entry has no [source] link"
    assert links[0].text.strip() == "[source]"
    click(driver, links[0], SOURCE_VIEW)
    page, fragment = page_and_fragment(driver.current_url, site_url)
    assert page == SOURCE_VIEW
    lines = source_lines(Path(kernel_tree_path) / SOURCE_FILE)
    number = definition_line(lines, ENTRY)
    text = lines[number - 1]
    assert fragment == f"L{number}", \
        f"[source] goes to #{fragment}, {ENTRY} is defined on line {number}"
    line = element_by_id(driver, fragment)
    assert "kdocgen-line" in line.get_attribute("class").split()
    shown = driver.execute_script(
        "const l = arguments[0], n = l.querySelector('a.kdocgen-lineno');"
        "return [n.textContent.trim(), l.textContent.slice(n.textContent.length)];", line)
    assert shown[0] == str(number)
    assert shown[1].rstrip("\n") == text
    assert driver.execute_script("return arguments[0].matches(':target')", line)
    wait_on_screen(driver, line, "the definition's line")
    # the name on that line links back to the entry
    back = line.find_elements(By.CSS_SELECTOR, "a.kdocgen-def")
    assert back and back[0].text == ENTRY
    assert back[0].get_attribute("href").endswith(f"{ENTRY_PAGE}#c.{ENTRY}")
    driver.save_screenshot(str(screens / "source.png"))
    no_console_errors(driver)


def test_source_view_keeps_the_indentation(browser, site_url, kernel_tree_path):
    """Tab-indented code lines up in the source view as in an editor (tabs of 8):
    the continuation line of the definition starts under the right column."""
    driver = browser
    lines = source_lines(Path(kernel_tree_path) / SOURCE_FILE)
    number = definition_line(lines, ENTRY)
    indented = next(n for n in range(number + 1, number + 20)
                    if lines[n - 1].startswith("\t") and lines[n - 1].strip())
    driver.get(f"{site_url}{SOURCE_VIEW}#L{number}")
    wait_for_page(driver, SOURCE_VIEW)
    first, other = element_by_id(driver, f"L{number}"), element_by_id(driver, f"L{indented}")
    text = lines[indented - 1]
    shown_text = driver.execute_script(CODE_TEXT, other)  # tabs may be shown expanded
    start = len(shown_text) - len(shown_text.lstrip())
    width = min(10, len(lines[number - 1].split("\t")[0]))
    assert width > 1 and not lines[number - 1][:width].isspace()
    origin = driver.execute_script(CHARACTER_LEFT, first, 0)
    char = (driver.execute_script(CHARACTER_LEFT, first, width) - origin) / width
    shown = (driver.execute_script(CHARACTER_LEFT, other, start) - origin) / char
    expected = len(text[:len(text) - len(text.lstrip())].expandtabs(8))
    assert abs(shown - expected) < 0.5, (
        f"line {indented} ({text.strip()[:30]!r}) starts at column {shown:.1f}, "
        f"not {expected}: tab stops are off in the source view")


def test_entry_page_on_a_phone(browser, site_url, screens):
    """The entry page in a phone-sized window: readable, no sideways scrolling."""
    driver = browser
    fit_viewport(driver, *PHONE, mobile=True)
    try:
        open_entry(driver, site_url)
        wait_for_viewport(driver, PHONE)  # the emulation can lag behind the load on a busy machine
        check_entry(driver, site_url)
        driver.save_screenshot(str(screens / "phone-entry.png"))
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= PHONE[0], f"the page is {width}px wide on a {PHONE[0]}px screen"
        no_console_errors(driver)
    finally:
        fit_viewport(driver, *DESKTOP)
