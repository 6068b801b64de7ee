"""The HTML report: offline, escaped, charts with content — checked as text and in real Chromium.

The browser tests drive Debian's chromium through chromedriver's W3C WebDriver HTTP API with
urllib (no selenium). They need the Debian packages `chromium` and `chromium-driver`; when
those are missing the tests fail (not skip), because CI installs them.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from histories import (  # tests/ is on sys.path under pytest
    DAY,
    T0,
    WEEK,
    History,
    days_per_week,
    flat_child,
    improving,
    learns_each_new_step_after,
    simulate,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.report import render_report

NOW = T0 + 12 * WEEK + DAY
TITLES = {"toothbrushing": "Brushing teeth", "socks-and-shoes": "Socks & shoes"}
ROUTINE_CHARTS = ["ladder", "outcomes", "help", "ratio"]


def sample() -> History:
    """Twelve weeks: brushing teeth improving, socks and shoes flat four times a week."""
    history = improving()
    simulate(
        history, "socks-and-shoes", 6, days_per_week([0, 2, 4, 5]), flat_child, lambda i: (3, 2)
    )
    return history


def render(history: History, **kwargs: Any) -> str:
    options: dict[str, Any] = {
        "now": NOW,
        "initiations": history.initiations,
        "breaks": history.breaks,
        "titles": TITLES,
    }
    options.update(kwargs)
    return render_report(
        history.child, history.sessions, history.outcomes, history.events, **options
    )


class Charts(HTMLParser):
    """Counts drawn marks (elements with class "mark") inside each <figure data-chart>."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: list[tuple[str, int]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "figure" and a.get("data-chart"):
            self._in = a["data-chart"]
            self.charts.append((self._in or "", 0))
        elif self._in and "mark" in (a.get("class") or "").split():
            name, count = self.charts[-1]
            self.charts[-1] = (name, count + 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._in = None


def charts_of(page: str) -> list[tuple[str, int]]:
    parser = Charts()
    parser.feed(page)
    return parser.charts


# -- the page as text ----------------------------------------------------------------------


def test_the_page_is_self_contained_and_offline() -> None:
    page = render(sample())
    assert not re.search(r"https?://", page, re.IGNORECASE)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|src=", page, re.IGNORECASE)
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert page.startswith("<!doctype html>")


def test_every_chart_has_drawn_marks() -> None:
    charts = charts_of(render(sample()))
    assert [name for name, _ in charts] == [*ROUTINE_CHARTS, *ROUTINE_CHARTS, "breaks"]
    counts = dict(charts[4:8])
    assert all(count > 0 for _, count in charts), charts
    # Brushing teeth: 60 sessions; one path for the ladder plus a dot per chain change.
    assert counts["ladder"] == 1 + 8
    assert counts["ratio"] == 60


def test_statements_and_milestones_are_on_the_page() -> None:
    page = render(sample())
    assert "Progress for Sam" in page
    assert "As of 27 Mar 2026" in page
    assert "consider asking for a formal OT assessment" in page  # socks and shoes are flat
    assert "you can step back: Sam did every step on their own" in page  # teeth improved
    assert "Sam does all 9 steps on their own" in page
    assert "36 sensory breaks logged" in page


def test_text_from_the_log_and_playbooks_is_escaped() -> None:
    history = simulate(
        History("<script>alert('x')</script> & Jo"), "toothbrushing", 9, [0, 1, 2], flat_child
    )
    page = render(history, titles={"toothbrushing": '<b>Teeth</b> & "gums"'})
    assert "<script>" not in page and "<b>Teeth" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Jo" in page
    assert "&lt;b&gt;Teeth&lt;/b&gt; &amp; &quot;gums&quot;" in page


class Headings(HTMLParser):
    """The text of the <h1> and <h2> headings, as a browser would show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2"):
            self._open = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2"):
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            self.headings[-1] += data


ONE_SESSION = simulate(History("x"), "toothbrushing", 9, [0], flat_child)


@settings(max_examples=50)
@example(name="0", title="\r")  # a carriage return once tripped the comparison
@example(name="<b>&amp;</b>", title="\"'><script>")
@given(name=st.text(min_size=1, max_size=30), title=st.text(min_size=1, max_size=30))
def test_any_name_and_title_come_back_as_the_same_text(name: str, title: str) -> None:
    sessions = [replace(s, child=name) for s in ONE_SESSION.sessions]
    page = render_report(
        name, sessions, ONE_SESSION.outcomes, [], now=NOW, titles={"toothbrushing": title}
    )
    parser = Headings()
    parser.feed(page)
    assert parser.headings == [f"Progress for {name}", title, "Sensory breaks"]


def test_years_of_sessions_keep_bar_charts_readable() -> None:
    history = simulate(
        History("Sam"),
        "socks-and-shoes",
        6,
        days_per_week([0, 2, 4, 5], 156),
        flat_child,
        lambda i: (3, 2),
    )
    page = render(history, now=T0 + 156 * WEEK)
    charts = dict(charts_of(page))
    # 120 sessions, each a "done" or "not yet" bar and a "you did" bar; one bar per ratio.
    assert charts["outcomes"] == 240
    assert charts["ratio"] == 120
    assert "The last 120 of 624 sessions." in page
    assert len(page) < 400_000


def test_a_missing_title_falls_back_to_the_playbook_id() -> None:
    page = render(sample(), titles={})
    assert "<h2>socks-and-shoes</h2>" in page


def test_a_child_with_no_sessions_gets_a_short_page() -> None:
    page = render(History("Sam"))
    assert "Sam has no sessions yet." in page
    assert charts_of(page) == []
    assert "No sensory breaks logged yet for Sam." in page


def test_no_comment_counts_means_no_ratio_chart() -> None:
    history = simulate(History("Sam"), "toothbrushing", 9, days_per_week([0, 2, 4], 3), flat_child)
    page = render(history)
    assert [name for name, _ in charts_of(page)] == ["ladder", "outcomes", "help"]
    assert "No comments counted yet, so no 4:1 chart." in page


# -- the page in a real browser ------------------------------------------------------------

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=412,900",  # a phone
]


class WebDriver:
    """Just enough of the W3C WebDriver protocol, over urllib, to load a page and inspect it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = ""

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError(f"WebDriver {method} {path}: {e.read().decode()}") from e

    def open(self, url: str) -> None:
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def run(self, script: str) -> Any:
        return self.call(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def console(self) -> list[dict[str, Any]]:
        """Browser log entries since the last call (console messages, load and CSP errors)."""
        entries: list[dict[str, Any]] = self.call(
            "POST", f"/session/{self.session}/se/log", {"type": "browser"}
        )
        return entries


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    chromium = shutil.which("chromium")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        pytest.fail(
            "The report tests need Debian's Chromium and ChromeDriver, which are not installed: "
            "run `apt-get install chromium chromium-driver` (scripts/setup installs them for CI)."
        )
    port = _free_port()
    driver = subprocess.Popen(
        [chromedriver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    web = WebDriver(f"http://127.0.0.1:{port}")
    try:
        # Wait for chromedriver to listen: a start-up wait with a generous bound, not a timing
        # assertion.
        deadline = time.monotonic() + 60
        while True:
            try:
                if web.call("GET", "/status").get("ready"):
                    break
            except (OSError, AssertionError):
                pass
            if driver.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chromedriver did not start (exit status {driver.poll()})")
            time.sleep(0.1)
        with tempfile.TemporaryDirectory(prefix="ot-report-profile-") as profile:
            options = {"binary": chromium, "args": [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]}
            capabilities = {
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": {"browser": "ALL"},
            }
            created = web.call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
            web.session = created["sessionId"]
            try:
                yield web
            finally:
                web.call("DELETE", f"/session/{web.session}")
    finally:
        driver.terminate()
        driver.wait(timeout=30)


# Per chart: its name, how many marks, and how many of them have a drawn size on the page.
CHART_SCRIPT = """
return Array.from(document.querySelectorAll('figure[data-chart]')).map(function (f) {
  var svg = f.querySelector('svg');
  var box = svg.getBoundingClientRect();
  var marks = Array.from(svg.querySelectorAll('.mark'));
  var drawn = marks.filter(function (m) {
    var b = m.getBBox();
    // A flat line is drawn with no height; bars and dots need both sides.
    return m.tagName === 'path' ? b.width > 0 || b.height > 0 : b.width > 0 && b.height > 0;
  });
  return {chart: f.dataset.chart, marks: marks.length, drawn: drawn.length,
          width: box.width, height: box.height};
});
"""


def three_years() -> History:
    history = simulate(
        History("Sam"),
        "toothbrushing",
        9,
        days_per_week([0, 1, 2, 3, 4, 5, 6], 156),
        learns_each_new_step_after(2),
        lambda i: (i % 7, 2),
    )
    days = days_per_week([0, 2, 4], 156)
    return simulate(history, "socks-and-shoes", 6, days, flat_child, lambda i: (3, 2))


@pytest.mark.parametrize(
    ("history", "now"),
    [(sample, NOW), (three_years, T0 + 156 * WEEK)],
    ids=["12-weeks", "3-years"],
)
def test_the_report_loads_in_chromium_with_no_console_errors_and_drawn_charts(
    browser: WebDriver, tmp_path: Path, history: Callable[[], History], now: float
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(history(), now=now), encoding="utf-8")
    browser.console()  # drop anything from before this page
    browser.open(page.as_uri())
    assert browser.run("return document.readyState") == "complete"
    assert browser.run("return document.title") == "Progress for Sam"
    assert browser.console() == []

    charts = browser.run(CHART_SCRIPT)
    want = [*ROUTINE_CHARTS, *ROUTINE_CHARTS] + (["breaks"] if history is sample else [])
    assert [c["chart"] for c in charts] == want
    for c in charts:
        assert c["marks"] > 0, c
        assert c["drawn"] == c["marks"], c
        assert c["width"] > 300 and c["height"] > 100, c  # fills a phone's width

    # Readable on a phone: nothing wider than the 412-pixel window, text at a legible size.
    layout = browser.run(
        "return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " font: parseFloat(getComputedStyle(document.body).fontSize)};"
    )
    assert layout["scroll"] <= layout["inner"], layout
    assert layout["font"] >= 14


def test_hostile_names_stay_text_in_the_browser(browser: WebDriver, tmp_path: Path) -> None:
    name = "<img src=x onerror=alert(1)> Jo"
    history = simulate(History(name), "toothbrushing", 9, days_per_week([0, 2, 4], 2), flat_child)
    page = tmp_path / "hostile.html"
    page.write_text(render(history), encoding="utf-8")
    browser.console()
    browser.open(page.as_uri())
    assert browser.run("return document.querySelector('h1').textContent") == f"Progress for {name}"
    assert browser.run("return document.images.length") == 0
    assert browser.console() == []
