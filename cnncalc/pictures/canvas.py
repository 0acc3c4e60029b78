"""matplotlib, loaded only when a picture is drawn: the Agg backend, one house style, and
saving by the file's suffix. No other module of cnncalc imports matplotlib."""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import SpecError

SUFFIXES = (".png", ".svg", ".pdf")
EXTRA = "pip install 'cnncalc[plot]'"
DPI = 100  # readable at 100 % on a laptop screen, and small files

# One colour per block, cycled; grey for layers outside any block.
BLOCK_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd")
OUTSIDE = "#b0b0b0"


class MissingExtra(SpecError):
    """An optional dependency a command needs is not installed."""


def pyplot():
    """matplotlib.pyplot on the Agg backend (files only, no display), or MissingExtra."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra(f"pictures need matplotlib, which is not installed: {EXTRA}") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 9,
            "axes.titlesize": 11,
            "axes.labelsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.fonttype": "none",  # text stays text in SVG: searchable, and small
            "svg.hashsalt": "cnncalc",  # the same picture gives the same file
        }
    )
    return plt


def check_suffix(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise SpecError(f"cannot write a picture to '{path}'", expected="a file ending in " + ", ".join(SUFFIXES), got=suffix or "no suffix")
    return suffix


def save(figure, path: str | Path) -> Path:
    """Write `figure` as PNG, SVG or PDF by the suffix of `path`, then free it."""
    check_suffix(path)
    path = Path(path)
    try:
        figure.savefig(path, dpi=DPI, bbox_inches="tight", metadata=_metadata(path.suffix.lower()))
    except OSError as error:
        raise SpecError(f"cannot write '{path}': {error.strerror or error}") from None
    finally:
        pyplot().close(figure)
    return path


def svg_text(figure) -> str:
    """The figure as an SVG element, for inlining in HTML; the figure is freed."""
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=_metadata(".svg"))
    finally:
        pyplot().close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML declaration and doctype


def _metadata(suffix: str) -> dict:
    # No dates or versions in the files: regenerating an unchanged picture changes nothing.
    return {".png": {"Software": None}, ".svg": {"Date": None, "Creator": None}, ".pdf": {"CreationDate": None, "Producer": None, "Creator": None}}[suffix]


def human_ticks(axis, text=None) -> None:
    """Tick labels as 1K, 10M, 1G (or `text`, e.g. human_bytes) instead of 10^3."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from ..render import human

    text = text or human
    axis.set_minor_formatter(NullFormatter())
    axis.set_major_formatter(FuncFormatter(lambda value, _: text(int(value)) if value >= 1 and float(value).is_integer() else f"{value:g}"))
