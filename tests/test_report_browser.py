"""The HTML report in a real browser: Debian's Chromium, headless, from the file system.

One test reads the DOM after the page's script ran (--dump-dom); another takes a
screenshot and checks that it shows something. Without Chromium these tests are skipped
with the reason in the summary on a developer's machine, and fail in CI (CI=true), which
installs it (.ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

pytest.importorskip("matplotlib", reason="the report tests need matplotlib: pip install '.[test]'")

from cnncalc.pictures.page import report_page

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


@pytest.fixture(scope="module")
def chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "Chromium is not installed (apt-get install chromium): the browser tests of the HTML report did not run"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI must install it")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The bottleneck at c=64 on 56x56, verified, its blocks folded below depth 0."""
    path = tmp_path_factory.mktemp("report") / "bottleneck.html"
    path.write_text(report_page("bottleneck", values={"c": "64", "H": "56", "W": "56"}, depth=0, verify=True).html, encoding="utf-8")
    return path


def browse(chromium: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)


class Dom(HTMLParser):
    """Rows of the layer table, texts by element id, and per figure its SVG element count."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self.figures: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.figure: str | None = None
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-level" in attrs:
            self.rows.append(attrs)
        if tag == "figure":
            self.figure = attrs.get("id")
            self.figures[self.figure] = 0
        elif self.figure and tag in ("path", "rect", "text", "use", "polyline"):
            self.figures[self.figure] += 1
        if attrs.get("id") in ("totals-table", "verdict"):
            self.open.append(attrs["id"])
            self.texts[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "figure":
            self.figure = None
        if self.open and tag in ("table", "p"):
            self.open.pop()

    def handle_data(self, data):
        for key in self.open:
            self.texts[key] += data


def test_dom_after_scripts_has_rows_totals_and_charts(chromium, page, tmp_path):
    done = browse(chromium, tmp_path, "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom()
    dom.feed(done.stdout)
    # The table: layers[0] (bottleneck), its residual, the three convs and the add.
    assert [row["data-path"].rsplit(".", 1)[-1] for row in dom.rows] == ["layers[0]", "bottleneck[0]", "body[0]", "body[1]", "body[2]", "add"]
    # The script ran: folded below depth 0, everything inside layers[0] is hidden.
    assert 'data-ready="true"' in done.stdout
    assert dom.rows[0]["aria-expanded"] == "false"
    assert ["hidden" in row for row in dom.rows] == [False, True, True, True, True, True]
    # 17*c^2 = 69,632 parameters; MACs 17*c^2*H*W = 69,632*3,136 = 218,365,952.
    assert "69,632 (69.6K)" in dom.texts["totals-table"] and "218,365,952" in dom.texts["totals-table"]
    assert "agrees" in dom.texts["verdict"] and "all 4 layers" in dom.texts["verdict"]
    assert set(dom.figures) == {"chart-cost", "chart-field", "chart-box", "chart-diagram"}
    assert all(count >= 10 for count in dom.figures.values()), dom.figures


def test_screenshot_is_not_blank(chromium, page, tmp_path):
    import matplotlib.image

    shot = tmp_path / "shot.png"
    done = browse(chromium, tmp_path, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)[:, :, :3]
    assert pixels.shape[:2] == (1600, 1200)
    inked = (pixels.min(axis=2) < 0.9).mean()  # share of pixels darker than near-white
    assert inked > 0.03, inked
