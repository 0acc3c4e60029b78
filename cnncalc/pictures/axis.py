"""The shared layer axis of the per-layer charts: rows in run order, labelled one by one
when few, by block when many, with a line at every block boundary."""

from __future__ import annotations

from ..analysis import Report
from .canvas import BLOCK_COLOURS, OUTSIDE

FEW_ROWS = 40  # up to this many rows, every row has its own tick label


def row_colours(report: Report, spans: tuple) -> list:
    colours = [OUTSIDE] * len(report.rows)
    for span in spans:
        for index in range(span.first, span.last + 1):
            colours[index] = OUTSIDE if span.colour is None else BLOCK_COLOURS[span.colour % len(BLOCK_COLOURS)]
    return colours


def _short(report: Report, row) -> str:
    """A row's path below its innermost block: residual.body[0] for layers[0].bottleneck[0].residual.body[0]."""
    if not row.groups:
        return row.path
    return row.path[len(report.groups[row.groups[-1]].path) :].lstrip(".") or row.path


def _span_label(report: Report, span) -> str:
    if span.label is not None:
        return span.label
    types = [report.rows[i].type for i in range(span.first, span.last + 1)]
    return " ".join(types) if len(types) <= 3 else f"{len(types)} layers"


def mark_blocks(ax, spans: tuple) -> None:
    """A dashed line where one block ends and the next begins."""
    for span in spans[1:]:
        ax.axvline(span.first - 0.5, color="#666666", linewidth=0.6, linestyle="--")


def layer_axis(ax, report: Report, spans: tuple, depth: int) -> None:
    """Ticks, labels and block boundaries along the x axis of `ax`."""
    n = len(report.rows)
    if n <= FEW_ROWS:
        ax.set_xticks(range(n), [f"{_short(report, row)} {row.type}" for row in report.rows], rotation=90, fontsize=7)
    else:
        ax.set_xticks([(s.first + s.last) / 2 for s in spans], [_span_label(report, s) for s in spans], rotation=90, fontsize=7)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_xlabel(f"layers in run order ({n}); colours and dashed lines: blocks at depth {depth}")
