"""The structure diagram: boxes for layers and folded blocks, arrows for the tensors
between them, branches side by side, long skips routed to the right. Each box shows the
kind, the output shape and the cost. Drawn with matplotlib: no system binary."""

from __future__ import annotations

from ..analysis import Report
from ..graph import Graph
from ..layers import shape_text
from ..render import human
from .canvas import pyplot
from .layout import Layout, auto_depth, layout

WIDTH, HEIGHT = 2.9, 0.95  # a box, in diagram units
STEP_X, STEP_Y = 3.3, 1.45  # from one box to the next
INCH = 0.8  # inches per diagram unit: 7-point text fits a box

FAMILY_COLOURS = {
    "conv": "#cfe0f5", "depthwise": "#cfe0f5", "conv_transpose": "#cfe0f5", "dense": "#e2d7f2",
    "rnn": "#e2d7f2", "gru": "#e2d7f2", "lstm": "#e2d7f2", "embedding": "#e2d7f2",
    "add": "#f6d0cc", "multiply": "#f6d0cc", "concat": "#f6d0cc",
    "batchnorm": "#d7eedb", "layernorm": "#d7eedb", "groupnorm": "#d7eedb", "dropout": "#d7eedb",
}  # fmt: skip
POOL_COLOUR, OTHER_COLOUR, BLOCK_COLOUR, INPUT_COLOUR = "#fbe1c8", "#f1f1f1", "#ffffff", "#fff6c2"


def _colour(box) -> str:
    if box.row is None:
        return INPUT_COLOUR
    if box.row.is_group:
        return BLOCK_COLOUR
    kind = box.row.type
    return FAMILY_COLOURS.get(kind) or (POOL_COLOUR if "pool" in kind or kind == "spp" else OTHER_COLOUR)


def box_lines(box) -> tuple:
    """The three lines of text in a box: what it is, its output shape, its cost."""
    row = box.row
    if row is None:
        return ("input", box.label.split(" ", 1)[-1], "")
    name = box.label.rsplit(".", 1)[-1]
    cost = []
    if row.params:
        cost.append(f"{human(row.params)} params")
    if row.macs:
        cost.append(f"{human(row.macs)} MACs")
    return (f"{row.type} · {name}" if name != row.type else row.type, shape_text(row.output_shape), " · ".join(cost))


def _centre(box) -> tuple:
    return (box.place * STEP_X, -box.rank * STEP_Y)


def diagram(graph: Graph, report: Report, depth: int | str | None = "auto"):
    """The figure of `graph`'s structure folded below `depth` ("auto": the deepest that
    keeps it to a page). Each box's text is `box_lines`; the figure's `layout` attribute
    holds the Layout it drew."""
    chosen = auto_depth(report) if depth == "auto" else depth
    plan = layout(graph, report, chosen)
    plt = pyplot()
    from matplotlib.patches import FancyBboxPatch

    xs = [_centre(box)[0] for box in plan.boxes]
    longs = [(a, b) for a, b in plan.edges if plan.boxes[b].rank - plan.boxes[a].rank > 1 and (a, b) not in plan.routes]
    left, right = min(xs) - WIDTH / 2 - 0.3, max(xs) + WIDTH / 2 + 0.5 + 0.3 * min(len(longs), 6)
    top, bottom = HEIGHT / 2 + 0.6, -(plan.ranks - 1) * STEP_Y - HEIGHT / 2 - 0.3
    figure = plt.figure(figsize=((right - left) * INCH, (top - bottom) * INCH))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.axis("off")
    folded = "every layer" if chosen is None else f"blocks below depth {chosen} folded"
    ax.text((left + right) / 2, top - 0.25, f"{report.name} ({folded})", ha="center", va="center", fontsize=10, fontweight="bold")
    for box in plan.boxes:
        x, y = _centre(box)
        group = box.row is not None and box.row.is_group
        patch = FancyBboxPatch(
            (x - WIDTH / 2, y - HEIGHT / 2), WIDTH, HEIGHT, boxstyle="round,pad=0,rounding_size=0.12",
            facecolor=_colour(box), edgecolor="#333333", linewidth=1.4 if group else 0.7, gid=f"box-{box.label}",
        )  # fmt: skip
        ax.add_patch(patch)
        head, shape, cost = box_lines(box)
        ax.text(x, y + 0.27, head, ha="center", va="center", fontsize=7.5, fontweight="bold" if group else "normal")
        ax.text(x, y, shape, ha="center", va="center", fontsize=7)
        ax.text(x, y - 0.27, cost, ha="center", va="center", fontsize=6.5, color="#444444")
    _edges(ax, plan, longs)
    figure.layout = plan
    return figure


def _edges(ax, plan: Layout, longs: list) -> None:
    arrow = {"arrowstyle": "-|>", "color": "#555555", "linewidth": 0.8, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 8}
    lanes: list[tuple] = []  # (first rank, last rank, x) of the skips already routed
    for a, b in plan.edges:
        (x0, y0), (x1, y1) = _centre(plan.boxes[a]), _centre(plan.boxes[b])
        start, end = (x0, y0 - HEIGHT / 2), (x1, y1 + HEIGHT / 2)
        if (a, b) in plan.routes:  # down its own column, through the placeholders
            points = [start] + [(place * STEP_X, -rank * STEP_Y) for rank, place in plan.routes[(a, b)]]
            ax.plot([x for x, _ in points], [y for _, y in points], color="#555555", linewidth=0.8)
            start = points[-1]
        if (a, b) not in longs:
            ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
            continue
        ra, rb = plan.boxes[a].rank, plan.boxes[b].rank
        between = [_centre(box)[0] for box in plan.boxes if ra < box.rank < rb]
        lane = max([x0, x1, *between]) + WIDTH / 2 + 0.25
        lane += 0.3 * sum(1 for first, last, _ in lanes if first < rb and ra < last)
        lanes.append((ra, rb, lane))
        side_a, side_b = (x0 + WIDTH / 2, y0), (x1 + WIDTH / 2, y1)
        ax.plot([side_a[0], lane, lane], [y0, y0, y1], color="#555555", linewidth=0.8)
        ax.annotate("", xy=side_b, xytext=(lane, y1), arrowprops=arrow)
