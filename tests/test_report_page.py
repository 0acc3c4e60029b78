"""The HTML report without a browser: self-contained, and holding what it promises."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytest.importorskip("matplotlib", reason="the report tests need matplotlib: pip install '.[test]'")

from cnncalc.pictures.page import report_page


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside each <figure>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def bottleneck():
    return report_page("bottleneck", values={"c": "64", "H": "56", "W": "56"}, depth=0).html


def test_page_fetches_nothing(bottleneck):
    parser = Tags()
    parser.feed(bottleneck)
    for tag, attrs in parser.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed")
        assert "src" not in attrs
        for key in ("href", "xlink:href"):
            assert not attrs.get(key, "#").split(":")[0] in ("http", "https", "file", "data") , (tag, attrs)
    assert "url(http" not in bottleneck and "@import" not in bottleneck


def test_page_has_the_sections_and_formulas(bottleneck):
    for section in ("totals", "layers", "charts", "diagram", "formulas", "conventions"):
        assert f'<section id="{section}">' in bottleneck
    # 4c*c + 9c*c + c*4c = 17c^2 weights, no bias (the notes); at c = 64: 17*4096 = 69,632.
    assert "<code>17*c**2</code>" in bottleneck and "69,632 (69.6K)" in bottleneck
    for chart in ("cost", "field", "box", "diagram"):
        assert re.search(f'<figure class="[a-z]+" id="chart-{chart}"><svg', bottleneck)


def test_lenet_page_without_blocks_or_symbols():
    html = report_page("lenet5").html
    assert 'id="formulas"' not in html and 'id="verify"' not in html
    assert html.count('<tr class="layer"') == 12 and 'class="block"' not in html
