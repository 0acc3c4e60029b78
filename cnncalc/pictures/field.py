"""Charts (b) and (c): how the receptive field grows, and what one unit sees.

(b) plots each layer's field size and jump against the input size and marks the first
layer whose field covers the input; (c) draws one unit's field as a box on the input
grid, with its centre and, where the two differ, its effective (affine) centre."""

from __future__ import annotations

from ..analysis import Report, Row
from ..errors import SpecError
from ..layers import axis_names
from .axis import layer_axis, mark_blocks
from .canvas import pyplot
from .series import covering, number, require_numbers, spans, unit_box

GRID_LINES = 64  # draw pixel lines on inputs up to this size


def _axis_values(report: Report, attribute: str, axis: int) -> list:
    values = []
    for row in report.rows:
        field = row.field
        sizes = getattr(field, attribute)
        values.append(number(sizes[axis]) if field.known and len(sizes) > axis else float("nan"))
    return values


def field_chart(report: Report, depth: int = 0):
    """Field size and jump per layer (one line per spatial axis where they differ), a
    line at the input size, and the covering layer marked. Lines carry labels
    'size (height)', 'jump (height)', 'input (height)', ..."""
    require_numbers(report)
    extent = report.input[1:]
    if not extent:
        raise SpecError(f"{report.name} has no spatial input axes: its receptive field is the whole input")
    plt = pyplot()
    figure, ax = plt.subplots(figsize=(min(16.0, 6.0 + 0.06 * len(report.rows)), 4.8), layout="constrained")
    names = axis_names(len(extent))
    same = all(e == extent[0] for e in extent) and all(
        not row.field.known or len(set(row.field.size)) <= 1 and len(set(row.field.jump)) <= 1 for row in report.rows
    )
    shown = [0] if same else range(len(extent))
    x = range(len(report.rows))
    for axis in shown:
        suffix = "" if same else f" ({names[axis]})"
        style = "-" if axis == 0 else "--"
        ax.plot(x, _axis_values(report, "size", axis), style, color="#4c72b0", marker=".", label=f"field size{suffix}")
        ax.plot(x, _axis_values(report, "jump", axis), style, color="#dd8452", marker=".", label=f"jump{suffix}")
        ax.axhline(number(extent[axis]), color="#55a868", linestyle=style, linewidth=1, label=f"input size {extent[axis]}{suffix}")
    first = covering(report)
    if first is not None:
        row = report.rows[first]
        ax.axvline(first, color="#c44e52", linewidth=1.2, label=f"first covers the input: {row.path} {row.type}")
    ax.set_yscale("log", base=2)
    ax.set_ylabel("input pixels (log scale)")
    ax.set_title(f"{report.name}: receptive field per layer, input {'x'.join(map(str, extent))}")
    ax.grid(axis="y", linewidth=0.3, alpha=0.6)
    ax.legend(loc="upper left", fontsize=8)
    cut = spans(report, depth)
    mark_blocks(ax, cut)
    layer_axis(ax, report, cut, depth)
    return figure


def box_chart(report: Report, row: Row, unit: tuple | None = None):
    """The field of one unit of `row` as a rectangle (label 'field') on the input grid
    (label 'input'), its centre (label 'centre') and effective centre (label 'effective
    centre', only where it differs). Pixel i covers [i, i + 1)."""
    require_numbers(report)
    extent = tuple(int(n) for n in report.input[1:])
    if len(extent) not in (1, 2):
        raise SpecError(f"{report.name}: the field box is drawn on 1-D and 2-D inputs", got=f"{len(extent)} spatial axes")
    box = unit_box(row, unit)
    if len(box.first) != len(extent):
        raise SpecError(f"{row.path}: its field has {len(box.first)} axes, the input {len(extent)}")
    # A 1-D input is a strip one pixel high; axes are (rows, columns).
    height, width = (1, extent[0]) if len(extent) == 1 else extent
    top, left = (0, box.first[0]) if len(extent) == 1 else box.first
    bottom, right = (0, box.last[0]) if len(extent) == 1 else box.last
    centre = (0.5, float(box.centre[0]) + 0.5) if len(extent) == 1 else tuple(float(c) + 0.5 for c in box.centre)
    effective = (0.5, float(box.effective[0]) + 0.5) if len(extent) == 1 else tuple(float(c) + 0.5 for c in box.effective)

    plt = pyplot()
    from matplotlib.patches import Rectangle

    figure, ax = plt.subplots(figsize=(6.4, 6.4 if len(extent) == 2 else 2.6), layout="constrained")
    ax.add_patch(Rectangle((0, 0), width, height, facecolor="#e8eef7", edgecolor="#4c72b0", linewidth=1, label=f"input {'x'.join(map(str, extent))}"))
    if max(height, width) <= GRID_LINES:
        for i in range(1, width):
            ax.plot([i, i], [0, height], color="#c5d3e8", linewidth=0.4)
        for i in range(1, height if len(extent) == 2 else 1):
            ax.plot([0, width], [i, i], color="#c5d3e8", linewidth=0.4)
    spans_text = " x ".join(f"{f}..{l}" for f, l in zip(box.first, box.last))
    ax.add_patch(
        Rectangle((left, top), right - left + 1, bottom - top + 1, facecolor="#dd8452", alpha=0.35, edgecolor="#c44e52", linewidth=1.5, label=f"field {spans_text}")
    )
    ax.plot([centre[1]], [centre[0]], "o", color="#c44e52", label=f"centre {_position(box.centre)}")
    if box.effective != box.centre:
        ax.plot([effective[1]], [effective[0]], "x", color="black", markersize=9, label=f"effective centre {_position(box.effective)}")
    ax.set_xlim(min(0, left) - 2, max(width, right + 1) + 2)
    ax.set_ylim(max(height, bottom + 1) + 2, min(0, top) - 2)  # rows grow downwards, as in an image
    ax.set_aspect("equal" if len(extent) == 2 else "auto")
    ax.set_xlabel("input column (pixels)")
    ax.set_ylabel("input row (pixels)" if len(extent) == 2 else "")
    field = row.field
    unit_text = ", ".join(map(str, box.unit))
    ax.set_title(
        f"{report.name}: what unit ({unit_text}) of {row.path} ({row.type}) sees\n"
        f"field {'x'.join(map(str, field.size))}, jump {'x'.join(map(str, field.jump))}" + (" (+ global context)" if box.whole else ""),
        fontsize=10,
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, borderaxespad=0)
    return figure


def _position(values: tuple) -> str:
    return "(" + ", ".join(f"{float(v):g}" for v in values) + ")"
