"""Chart (d): networks against each other. A params-vs-MACs scatter, one labelled point
per network; and totals against one swept value, one curve per network (symbolic specs
over a --set range; issue 13's `sweep --plot` draws with `sweep_chart` too)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..compare import Comparison, load_with
from ..errors import ShapeError, SpecError
from ..render import human
from .canvas import BLOCK_COLOURS, human_ticks, pyplot
from .series import number, require_numbers

MAX_POINTS = 500  # a curve point builds every network once


def scatter_chart(comparison: Comparison):
    """Parameters (x) against MACs (y), log-log; the collection's offsets are the points,
    in the order of `comparison.columns`, each annotated with the network's name."""
    for column in comparison.columns:
        if column.symbols:
            raise SpecError(
                f"{column.name} has sizes in letters; a scatter needs numbers: set {', '.join(column.symbols)}",
                hint="or give a range, e.g. --set c=16:256:16, to draw curves",
            )
    plt = pyplot()
    from matplotlib.ticker import LogLocator

    figure, ax = plt.subplots(figsize=(7.5, 5.5), layout="constrained")
    params = [number(column.figures["params"]) for column in comparison.columns]
    macs = [number(column.figures["macs"]) for column in comparison.columns]
    colours = [BLOCK_COLOURS[i % len(BLOCK_COLOURS)] for i in range(len(params))]
    ax.scatter(params, macs, s=40, c=colours, zorder=3)
    for column, x, y in zip(comparison.columns, params, macs):
        label = f"{column.name} ({human(column.figures['params'])}, {human(column.figures['macs'])})"
        ax.annotate(label, (x, y), xytext=(6, 4), textcoords="offset points", fontsize=9)
    if all(v > 0 for v in params + macs):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.margins(0.15)
    for axis in (ax.xaxis, ax.yaxis):
        human_ticks(axis)
        if all(v > 0 for v in params + macs):
            axis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5)))
    ax.set_xlabel("parameters (learnable)")
    convention = "bias counted" if comparison.bias_macs else "bias not counted"
    ax.set_ylabel(f"MACs per sample ({convention})")
    ax.set_title("Parameters against MACs")
    ax.grid(linewidth=0.3, alpha=0.6, which="both")
    return figure


def sweep_chart(swept: str, panels: Mapping[str, Mapping[str, tuple[Sequence, Sequence]]], title: str | None = None):
    """Totals against one swept value, from plain data: `panels` maps a quantity's label
    ('parameters', 'MACs') to {network label: (xs, ys)}; a y of None is a point where the
    network is invalid, left as a gap. One panel per quantity, one line per network."""
    if not panels:
        raise SpecError("nothing to draw: no quantities given")
    plt = pyplot()
    figure, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(7.5, 2.2 + 2.4 * len(panels)), layout="constrained", squeeze=False)
    for ax, (quantity, lines) in zip(axes[:, 0], panels.items()):
        drawn = []
        for i, (label, (xs, ys)) in enumerate(lines.items()):
            values = [float("nan") if y is None else number(y) for y in ys]
            ax.plot([number(x) for x in xs], values, marker=".", color=BLOCK_COLOURS[i % len(BLOCK_COLOURS)], label=label)
            drawn += [v for v in values if v == v]
        positive = [v for v in drawn if v > 0]
        if positive and len(positive) == len(drawn) and max(positive) > 100 * min(positive):
            ax.set_yscale("log")
        human_ticks(ax.yaxis)
        ax.set_ylabel(quantity)
        ax.grid(linewidth=0.3, alpha=0.6)
        ax.legend(fontsize=8)
    axes[-1, 0].set_xlabel(swept)
    figure.suptitle(title or f"Totals against {swept}")
    return figure


def curves(names: Sequence[str], swept: str, xs: Sequence, values: dict, input: list | None = None, *, bias_macs: bool = False) -> dict:
    """Parameters and MACs of each network at each value of `swept` (the other `values`
    fixed): {quantity label: {name: (xs, ys)}}, ready for `sweep_chart`. A point where a
    network's shapes do not work out is None; a network still in letters is an error."""
    if len(xs) > MAX_POINTS:
        raise SpecError(f"a curve of {len(xs):,} points is more than cnncalc draws", expected=f"at most {MAX_POINTS}")
    declared: set = set()
    for name in names:  # unknown specs and names fail here, once, not as gaps
        declared |= load_with(name, {}, input)[1]
    if swept not in declared:
        raise SpecError(f"'{swept}' is not a symbol or constant of any of these specs", hint=f"they have: {', '.join(sorted(declared)) or 'none'}")
    params: dict = {}
    macs: dict = {}
    for name in names:
        ps, ms = [], []
        for x in xs:
            try:
                report = load_with(name, {**values, swept: x}, input)[0].summary(bias_macs=bias_macs)
            except ShapeError:
                report = None
            if report is not None:
                require_numbers(report)
            ps.append(None if report is None else report.totals.params)
            ms.append(None if report is None else report.totals.macs)
        params[name] = (list(xs), ps)
        macs[name] = (list(xs), ms)
    return {"parameters": params, "MACs per sample": macs}
