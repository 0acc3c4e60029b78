"""Chart (a): where the compute goes. MACs, parameters and activation memory per layer,
as bars on one shared layer axis, coloured by block, on log scales."""

from __future__ import annotations

from ..analysis import Report
from ..render import human, human_bytes
from .axis import layer_axis, mark_blocks, row_colours
from .canvas import human_ticks, pyplot
from .series import number, require_numbers, spans

PANELS = (
    ("macs", "MACs", lambda row: row.macs, lambda t: t.macs, human),
    ("params", "parameters", lambda row: row.params, lambda t: t.params, human),
    ("activation_bytes", "activation memory\n({dtype}, batch {batch})", lambda row: row.activation_bytes, lambda t: t.activation_bytes, human_bytes),
)


def cost_chart(report: Report, depth: int = 0):
    """A figure with one panel per quantity of PANELS; `ax.containers[0]` of each panel
    holds one bar per row of `report.rows`, its height the row's value."""
    require_numbers(report)
    plt = pyplot()
    cut = spans(report, depth)
    colours = row_colours(report, cut)
    width = min(16.0, 6.0 + 0.06 * len(report.rows))
    figure, axes = plt.subplots(len(PANELS), 1, sharex=True, figsize=(width, 7.5), layout="constrained")
    figure.suptitle(f"{report.name}: cost per layer")
    x = range(len(report.rows))
    for ax, (key, label, of_row, of_totals, text) in zip(axes, PANELS):
        heights = [number(of_row(row)) for row in report.rows]
        ax.bar(x, heights, color=colours, width=0.8, label=key)
        if any(h > 0 for h in heights):
            ax.set_yscale("log")
            human_ticks(ax.yaxis, text)
        ax.set_ylabel(label.format(dtype=report.dtype, batch=report.batch))
        ax.text(0.995, 0.97, f"total {text(of_totals(report.totals))}", transform=ax.transAxes, ha="right", va="top", fontsize=8)
        ax.grid(axis="y", linewidth=0.3, alpha=0.6)
        mark_blocks(ax, cut)
    layer_axis(axes[-1], report, cut, depth)
    return figure
